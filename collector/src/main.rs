//! `rsadc`, the collector: samples /proc and appends raw counters to daily log files.
//!
//! The recording side (log format, scheduling, rotation, retention) is the next piece of
//! work. Until it lands, rsadc says so and exits non-zero rather than pretend to record.

use std::process::ExitCode;

fn main() -> ExitCode {
    eprintln!(
        "rsadc: recording to daily logs is not built yet; for a live report run `rsar INTERVAL [COUNT]`"
    );
    ExitCode::from(1)
}
