//! /proc/uptime: the monotonic clock that intervals are measured on.

use super::ParseError;
use procfs_core::{FromRead, Uptime};

/// Seconds since boot, in hundredths (sysstat keeps the same unit).
pub fn parse_uptime(text: &[u8]) -> Result<u64, ParseError> {
    let up = Uptime::from_read(text)?;
    if !up.uptime.is_finite() || up.uptime < 0.0 {
        return Err(ParseError::new(format!("bad uptime {}", up.uptime)));
    }
    // Hundredths are exact in the text; rounding undoes the binary fraction.
    Ok((up.uptime * 100.0).round() as u64)
}
