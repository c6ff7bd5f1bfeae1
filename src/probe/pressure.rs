//! /proc/pressure/{cpu,io,memory}: pressure stall information (Linux 4.20+, CONFIG_PSI).

use super::loadavg::hundredths;
use super::ParseError;
use crate::sample::{Pressure, PressureLine};
use procfs_core::parse_pressure_record;

/// Parse one pressure file. The `full` line is optional: /proc/pressure/cpu has only `some`
/// before Linux 5.13.
pub fn parse_pressure(text: &[u8]) -> Result<Pressure, ParseError> {
    let text = std::str::from_utf8(text).map_err(|_| ParseError::new("not UTF-8"))?;
    let mut some = None;
    let mut full = None;
    for line in text.lines() {
        let slot = if line.starts_with("some ") {
            &mut some
        } else if line.starts_with("full ") {
            &mut full
        } else {
            continue;
        };
        let r = parse_pressure_record(line)?;
        *slot = Some(PressureLine {
            avg10_x100: hundredths(r.avg10),
            avg60_x100: hundredths(r.avg60),
            avg300_x100: hundredths(r.avg300),
            total_us: r.total,
        });
    }
    let some = some.ok_or_else(|| ParseError::new("no \"some\" line"))?;
    Ok(Pressure { some, full })
}
