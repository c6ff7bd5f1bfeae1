//! Live reporting: sample /proc every interval and hand each interval to the renderer as
//! it ends; finish at the end of COUNT or when interrupted (Ctrl-C prints the averages of
//! what was shown, as sar does).

use crate::feed::Feed;
use crate::probe::{Probe, ProbeError};
use crate::report::Render;
use crate::sample::{HostFacts, Sample};
use crate::wait::{sleep_until, Clock};
use std::io;
use std::time::Duration;

/// Why a live report stopped early.
#[derive(Debug, thiserror::Error)]
pub enum LiveError {
    #[error(transparent)]
    Probe(#[from] ProbeError),
    #[error("cannot write the report: {0}")]
    Output(#[from] io::Error),
}

/// How a live report runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Schedule {
    pub interval: Duration,
    /// Intervals to report; until interrupted when `None`.
    pub count: Option<u64>,
    /// Report the interval since boot first, as vmstat's first line.
    pub since_boot: bool,
}

/// Run a live report. Each sample is also handed to `keep` (to save it). Warnings (a
/// table the system cannot provide, an unreadable optional /proc file) go to `warn`, once
/// each.
pub fn run(
    probe: &mut Probe,
    out: &mut dyn Render,
    schedule: Schedule,
    keep: &mut dyn FnMut(&HostFacts, &Sample),
    warn: &mut dyn FnMut(&str),
) -> Result<(), LiveError> {
    let mut seen_warnings: Vec<String> = Vec::new();
    let mut note = |probe: &Probe, warn: &mut dyn FnMut(&str)| {
        for w in probe.warnings() {
            if !seen_warnings.contains(w) {
                warn(w);
                seen_warnings.push(w.clone());
            }
        }
    };
    let cpus = probe.host().cpu_count;
    let mut feed = Feed::default();
    let first = probe.sample()?;
    note(probe, warn);
    keep(probe.host(), &first);
    out.begin(probe.host(), first.time.wall_ns)?;
    if schedule.since_boot {
        feed.sample(first.at_boot(), cpus, out)?;
    }
    feed.sample(first, cpus, out)?;
    let (interval, count) = (schedule.interval, schedule.count);
    let start = Clock::Monotonic.now_ns();
    let step = i64::try_from(interval.as_nanos()).unwrap_or(i64::MAX);
    let mut done = 0u64;
    let mut told_unavailable = false;
    let mut frozen_warned = false;
    while count.is_none_or(|c| done < c) {
        let deadline = start.saturating_add(step.saturating_mul(done as i64 + 1));
        if !sleep_until(Clock::Monotonic, deadline) {
            break;
        }
        let sample = probe.sample()?;
        note(probe, warn);
        keep(probe.host(), &sample);
        let before = feed.intervals;
        feed.sample(sample, cpus, out)?;
        if feed.intervals == before && !frozen_warned {
            warn("uptime did not advance between two samples: is the /proc root a frozen copy?");
            frozen_warned = true;
        }
        if feed.intervals > 0 && !told_unavailable {
            told_unavailable = true;
            for table in out.unavailable() {
                let source = table.source().unwrap_or("the kernel");
                warn(&format!(
                    "{table:?} report not available: {source} is missing or unreadable"
                ));
            }
        }
        done += 1;
    }
    out.finish()?;
    Ok(())
}
