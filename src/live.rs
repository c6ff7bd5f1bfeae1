//! Live reporting: sample /proc every interval and print each interval as it ends, then
//! the averages — at the end of COUNT, or when interrupted (Ctrl-C prints the averages of
//! what was shown, as sar does).
//!
//! `SampleReport` is the pipeline every report runs through: samples in, one interval per
//! consecutive pair, rows out, intervals added up for `Average:`.

use crate::probe::{Probe, ProbeError};
use crate::report::{Banner, Selection, Table, TableWriter};
use crate::sample::{HostFacts, Sample};
use crate::stats::IntervalStats;
use crate::time::{banner_date, clock_label, Zone};
use crate::wait::{sleep_until, Clock};
use std::io::{self, Write};
use std::time::Duration;

/// Turns a stream of samples into a sar report.
pub struct SampleReport<W: Write> {
    writer: TableWriter<W>,
    zone: Zone,
    prev: Option<Sample>,
    average: Option<IntervalStats>,
    checked_tables: bool,
}

impl<W: Write> SampleReport<W> {
    pub fn new(out: W, selection: Selection, zone: Zone) -> Self {
        SampleReport {
            writer: TableWriter::new(out, selection),
            zone,
            prev: None,
            average: None,
            checked_tables: false,
        }
    }

    /// Print the banner for `host`, dated by `first`'s time.
    pub fn banner(&mut self, host: &HostFacts, first: &Sample) -> io::Result<()> {
        self.writer.banner(&Banner {
            sysname: host.sysname.clone(),
            release: host.release.clone(),
            hostname: host.hostname.clone(),
            date: banner_date(first.time.wall_ns, self.zone),
            machine: host.machine.clone(),
            cpus: host.cpu_count,
        })
    }

    /// Add the next sample and print the interval it ends.
    pub fn push(&mut self, sample: Sample) -> io::Result<Pushed> {
        let mut pushed = Pushed::default();
        if let Some(prev) = &self.prev {
            if let Some(stats) = IntervalStats::between(prev, &sample) {
                pushed.interval = true;
                if !self.checked_tables {
                    pushed.dropped = self.writer.retain_available(&stats);
                    self.checked_tables = true;
                }
                let start = clock_label(prev.time.wall_ns, self.zone);
                let end = clock_label(sample.time.wall_ns, self.zone);
                self.writer.interval(&start, &end, &stats)?;
                match &mut self.average {
                    Some(avg) => avg.add(&stats),
                    None => self.average = Some(stats),
                }
            }
        }
        self.prev = Some(sample);
        Ok(pushed)
    }

    /// The machine booted again: close the segment with its averages, print the
    /// `LINUX RESTART` row, and start afresh.
    pub fn restart(&mut self, wall_ns: i64, cpus: u32) -> io::Result<()> {
        self.finish()?;
        self.writer
            .restart(&clock_label(wall_ns, self.zone), cpus)?;
        self.prev = None;
        Ok(())
    }

    /// Print the `Average:` block of what was shown, if anything was.
    pub fn finish(&mut self) -> io::Result<()> {
        match self.average.take() {
            Some(avg) => self.writer.average(&avg),
            None => Ok(()),
        }
    }

    /// Whether the report still has anything to print.
    pub fn has_tables(&self) -> bool {
        !self.writer.tables().is_empty()
    }
}

/// What adding a sample did.
#[derive(Debug, Default)]
pub struct Pushed {
    /// An interval ended with this sample (false for the first sample, or when no time
    /// passed since the previous one).
    pub interval: bool,
    /// Tables dropped because the system lacks their data (only at the first interval).
    pub dropped: Vec<Table>,
}

/// Why a live report stopped early.
#[derive(Debug, thiserror::Error)]
pub enum LiveError {
    #[error(transparent)]
    Probe(#[from] ProbeError),
    #[error("cannot write the report: {0}")]
    Output(#[from] io::Error),
}

/// Run a live report: `count` intervals (until stopped when `None`) of `interval`.
/// Each sample is also handed to `keep` (to save it). Warnings (a table the system cannot
/// provide, an unreadable optional /proc file) go to `warn`, once each.
pub fn run<W: Write>(
    probe: &mut Probe,
    report: &mut SampleReport<W>,
    interval: Duration,
    count: Option<u64>,
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
    let first = probe.sample()?;
    note(probe, warn);
    keep(probe.host(), &first);
    report.banner(probe.host(), &first)?;
    report.push(first)?;
    let start = Clock::Monotonic.now_ns();
    let step = i64::try_from(interval.as_nanos()).unwrap_or(i64::MAX);
    let mut done = 0u64;
    let mut frozen_warned = false;
    while count.is_none_or(|c| done < c) {
        let deadline = start.saturating_add(step.saturating_mul(done as i64 + 1));
        if !sleep_until(Clock::Monotonic, deadline) {
            break;
        }
        let sample = probe.sample()?;
        note(probe, warn);
        keep(probe.host(), &sample);
        let pushed = report.push(sample)?;
        for table in pushed.dropped {
            let source = table.source().unwrap_or("the kernel");
            warn(&format!(
                "{table:?} report not available: {source} is missing or unreadable"
            ));
        }
        if !pushed.interval && !frozen_warned {
            warn("uptime did not advance between two samples: is the /proc root a frozen copy?");
            frozen_warned = true;
        }
        done += 1;
        if !report.has_tables() {
            break;
        }
    }
    report.finish()?;
    Ok(())
}
