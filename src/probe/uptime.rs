//! /proc/uptime: the monotonic clock that intervals are measured on.
//!
//! A focused parser: procfs-core's `Uptime::from_read` copies the text into a `String` at
//! every sample.

use super::{fields, ParseError};

/// Seconds since boot, in hundredths (sysstat keeps the same unit).
pub fn parse_uptime(text: &[u8]) -> Result<u64, ParseError> {
    let field = fields(text)
        .next()
        .ok_or_else(|| ParseError::new("empty file"))?;
    let up: f64 = super::loadavg::parse_decimal(field)?;
    if !up.is_finite() || up < 0.0 {
        return Err(ParseError::new(format!("bad uptime {up}")));
    }
    // Hundredths are exact in the text; rounding undoes the binary fraction.
    Ok((up * 100.0).round() as u64)
}
