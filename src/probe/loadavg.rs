//! /proc/loadavg: load averages, runnable and total scheduling entities.
//!
//! A focused parser: procfs-core's `LoadAverage::from_read` copies the text into a `String`
//! and splits it into a `Vec` at every sample.

use super::{fields, ParseError};
use crate::sample::LoadAvg;

/// `0.52 0.58 0.59 3/456 7890`: three averages, runnable/total, the last PID.
pub fn parse_loadavg(text: &[u8]) -> Result<LoadAvg, ParseError> {
    let mut f = fields(text);
    let mut avg = || -> Result<u32, ParseError> {
        let v = f
            .next()
            .ok_or_else(|| ParseError::new("fewer than 4 fields"))?;
        parse_f32(v).map(hundredths)
    };
    let (one, five, fifteen) = (avg()?, avg()?, avg()?);
    let tasks = f
        .next()
        .ok_or_else(|| ParseError::new("fewer than 4 fields"))?;
    let slash =
        memchr::memchr(b'/', tasks).ok_or_else(|| ParseError::new("no runnable/total field"))?;
    let count = |v: &[u8]| -> Result<u32, ParseError> {
        u32::try_from(super::parse_u64(v)?).map_err(|_| ParseError::new("task count too large"))
    };
    Ok(LoadAvg {
        load1_x100: one,
        load5_x100: five,
        load15_x100: fifteen,
        runnable: count(&tasks[..slash])?,
        tasks: count(&tasks[slash + 1..])?,
    })
}

/// A decimal number such as `0.52`.
pub(crate) fn parse_f32(field: &[u8]) -> Result<f32, ParseError> {
    parse_decimal(field)
}

/// A decimal number such as `0.52` or `12345.67`, as `T`.
pub(crate) fn parse_decimal<T: std::str::FromStr>(field: &[u8]) -> Result<T, ParseError> {
    std::str::from_utf8(field)
        .ok()
        .and_then(|s| s.parse::<T>().ok())
        .ok_or_else(|| {
            ParseError::new(format!(
                "not a number: {:?}",
                String::from_utf8_lossy(field)
            ))
        })
}

/// The kernel prints two decimals; keep them exactly.
pub(crate) fn hundredths(v: f32) -> u32 {
    if v.is_finite() && v > 0.0 {
        (f64::from(v) * 100.0).round() as u32
    } else {
        0
    }
}
