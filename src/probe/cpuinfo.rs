//! /proc/cpuinfo's clock of each CPU, for `sar -m CPU`: the `processor` and `cpu MHz`
//! lines, as sadc's `read_cpuinfo` reads them. Architectures without `cpu MHz` (most ARM
//! kernels) give no CPU, and the group stays empty.

use super::{lines, ParseError};
use crate::sample::CpuFreq;

/// Parse /proc/cpuinfo into `out` (reused), one entry per CPU that has a `cpu MHz` line.
pub fn parse_cpuinfo(text: &[u8], out: &mut Vec<CpuFreq>) -> Result<(), ParseError> {
    out.clear();
    let mut cpu: Option<u32> = None;
    for line in lines(text) {
        let Some(colon) = memchr::memchr(b':', line) else {
            continue;
        };
        let key = line[..colon].trim_ascii();
        let value = line[colon + 1..].trim_ascii();
        if key == b"processor" {
            let n = super::parse_u64(value)?;
            cpu = Some(u32::try_from(n).map_err(|_| ParseError::new("CPU number too large"))?);
        } else if key == b"cpu MHz" {
            let Some(n) = cpu else { continue };
            out.push(CpuFreq {
                cpu: n,
                khz: parse_khz(value)?,
            });
        }
    }
    Ok(())
}

/// `2596.132` MHz as 2596132 kHz (digits past the third decimal are dropped).
fn parse_khz(v: &[u8]) -> Result<u64, ParseError> {
    let (int, frac) = match memchr::memchr(b'.', v) {
        Some(i) => (&v[..i], &v[i + 1..]),
        None => (v, &b""[..]),
    };
    let mut khz = super::parse_u64(int)?
        .checked_mul(1000)
        .ok_or_else(|| ParseError::new("clock too large"))?;
    let mut scale = 100;
    for &d in frac.iter().take(3) {
        if !d.is_ascii_digit() {
            return Err(ParseError::new("not a clock"));
        }
        khz += u64::from(d - b'0') * scale;
        scale /= 10;
    }
    Ok(khz)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_processor_and_its_clock() {
        let text = b"processor\t: 0\nvendor_id\t: GenuineIntel\ncpu MHz\t\t: 2596.132\n\n\
            processor\t: 1\ncpu MHz\t\t: 800\n\nprocessor\t: 2\n";
        let mut v = Vec::new();
        parse_cpuinfo(text, &mut v).unwrap();
        assert_eq!(
            v,
            [
                CpuFreq {
                    cpu: 0,
                    khz: 2596132
                },
                CpuFreq {
                    cpu: 1,
                    khz: 800000
                }
            ]
        );
        // ARM: no clock lines, no CPUs.
        parse_cpuinfo(b"processor\t: 0\nBogoMIPS\t: 48.00\n", &mut v).unwrap();
        assert!(v.is_empty());
        assert!(parse_cpuinfo(b"processor : x\n", &mut v).is_err());
        assert!(parse_cpuinfo(b"processor : 0\ncpu MHz : 1.2x\n", &mut v).is_err());
        assert_eq!(parse_khz(b"1.23456").unwrap(), 1234);
    }
}
