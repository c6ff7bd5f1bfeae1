//! /proc/loadavg: load averages, runnable and total scheduling entities.

use super::ParseError;
use crate::sample::LoadAvg;
use procfs_core::{FromRead, LoadAverage};

pub fn parse_loadavg(text: &[u8]) -> Result<LoadAvg, ParseError> {
    let l = LoadAverage::from_read(text)?;
    Ok(LoadAvg {
        load1_x100: hundredths(l.one),
        load5_x100: hundredths(l.five),
        load15_x100: hundredths(l.fifteen),
        runnable: l.cur,
        tasks: l.max,
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
