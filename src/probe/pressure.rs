//! /proc/pressure/{cpu,io,memory}: pressure stall information (Linux 4.20+, CONFIG_PSI).

use super::loadavg::{hundredths, parse_f32};
use super::{fields, lines, parse_u64, ParseError};
use crate::sample::{Pressure, PressureLine};

/// Parse one pressure file. The `full` line is optional: /proc/pressure/cpu has only `some`
/// before Linux 5.13. A focused parser: procfs-core's `parse_pressure_record` builds a
/// `HashMap` and a `Vec` per line, at every sample.
pub fn parse_pressure(text: &[u8]) -> Result<Pressure, ParseError> {
    let mut some = None;
    let mut full = None;
    for line in lines(text) {
        let slot = if line.starts_with(b"some ") {
            &mut some
        } else if line.starts_with(b"full ") {
            &mut full
        } else {
            continue;
        };
        *slot = Some(parse_record(&line[5..])?);
    }
    let some = some.ok_or_else(|| ParseError::new("no \"some\" line"))?;
    Ok(Pressure { some, full })
}

/// `avg10=0.12 avg60=0.05 avg300=0.00 total=12345`, in any order; each is required.
fn parse_record(text: &[u8]) -> Result<PressureLine, ParseError> {
    let (mut avg10, mut avg60, mut avg300, mut total) = (None, None, None, None);
    for kv in fields(text) {
        let Some(eq) = memchr::memchr(b'=', kv) else {
            continue;
        };
        let (key, value) = (&kv[..eq], &kv[eq + 1..]);
        match key {
            b"avg10" => avg10 = Some(parse_f32(value)?),
            b"avg60" => avg60 = Some(parse_f32(value)?),
            b"avg300" => avg300 = Some(parse_f32(value)?),
            b"total" => total = Some(parse_u64(value)?),
            _ => {}
        }
    }
    let need = |v: Option<f32>, name: &str| {
        v.map(hundredths)
            .ok_or_else(|| ParseError::new(format!("no {name} value")))
    };
    Ok(PressureLine {
        avg10_x100: need(avg10, "avg10")?,
        avg60_x100: need(avg60, "avg60")?,
        avg300_x100: need(avg300, "avg300")?,
        total_us: total.ok_or_else(|| ParseError::new("no total value"))?,
    })
}
