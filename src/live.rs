//! Live sampling as a `Source`: /proc is read every interval and each sample handed on as
//! an event; the source ends after COUNT intervals or when SIGINT/SIGTERM asks (so Ctrl-C
//! still prints the averages of what was shown, as sar does). Everything after the
//! sample — pairing, averaging, rendering — is the pipeline's, as for the logs.

use crate::probe::Probe;
use crate::report::Table;
use crate::sample::{HostFacts, Sample};
use crate::source::{Event, Source, SourceError};
use crate::store::DayWriter;
use crate::wait::{sleep_until, Clock};
use std::collections::VecDeque;
use std::time::Duration;

/// How a live report runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Schedule {
    pub interval: Duration,
    /// Intervals to report after the first sample; until interrupted when `None`.
    pub count: Option<u64>,
    /// Start with the interval since boot, as vmstat's first line.
    pub since_boot: bool,
}

/// Samples of this machine, one per interval.
pub struct LiveSource {
    probe: Probe,
    schedule: Schedule,
    /// `-o FILE`: every sample is also appended to a day file.
    save: Option<DayWriter>,
    /// Monotonic time of the first sample; deadlines are multiples of the interval from it.
    start_ns: Option<i64>,
    /// Samples taken after the first.
    taken: u64,
    queued: VecDeque<Event>,
    last_uptime_cs: Option<u64>,
    created_ns: i64,
    /// With the process table of each sample (pidstat, top).
    processes: Option<(std::path::PathBuf, crate::process::ProcessReader)>,
    /// Warnings not yet taken, and every one given so far (each is said once).
    warnings: Vec<String>,
    said: Vec<String>,
}

impl LiveSource {
    pub fn new(probe: Probe, schedule: Schedule, save: Option<DayWriter>) -> LiveSource {
        LiveSource {
            probe,
            schedule,
            save,
            start_ns: None,
            taken: 0,
            queued: VecDeque::new(),
            last_uptime_cs: None,
            created_ns: crate::probe::system_clock_ns(),
            processes: None,
            warnings: Vec::new(),
            said: Vec::new(),
        }
    }

    /// Also read the process table of `proc_root` with every sample.
    pub fn with_processes(mut self, proc_root: &std::path::Path) -> LiveSource {
        self.processes = Some((proc_root.to_path_buf(), Default::default()));
        self
    }

    /// One sample now (saved with `-o`, warnings noted) and, when asked for, the process
    /// table of that moment: what `next` hands on, for a caller that keeps its own time
    /// (the interactive screen, whose interval changes while it runs).
    pub fn take(
        &mut self,
    ) -> Result<(Sample, Option<crate::store::procs::ProcessTable>), SourceError> {
        let sample = self.take_sample()?;
        let table = match self.table_for(&sample) {
            Some(Event::Processes(t)) => Some(t),
            _ => None,
        };
        Ok((sample, table))
    }

    /// The machine sampled.
    pub fn host(&self) -> &HostFacts {
        self.probe.host()
    }

    /// The process table at the moment of `sample`, when asked for.
    fn table_for(&mut self, sample: &Sample) -> Option<Event> {
        let (root, reader) = self.processes.as_mut()?;
        let mut processes = Vec::new();
        reader.read(root, &mut processes);
        Some(Event::Processes(crate::store::procs::ProcessTable {
            wall_ns: sample.time.wall_ns,
            uptime_cs: sample.time.uptime_cs,
            processes: processes.into(),
        }))
    }

    fn warn(&mut self, w: String) {
        if !self.said.contains(&w) {
            self.said.push(w.clone());
            self.warnings.push(w);
        }
    }

    fn take_sample(&mut self) -> Result<Sample, SourceError> {
        let sample = self.probe.sample()?;
        let probe_warnings: Vec<String> = self.probe.warnings().to_vec();
        for w in probe_warnings {
            self.warn(w);
        }
        if self.last_uptime_cs == Some(sample.time.uptime_cs) {
            self.warn(
                "uptime did not advance between two samples: is the /proc root a frozen copy?"
                    .into(),
            );
        }
        self.last_uptime_cs = Some(sample.time.uptime_cs);
        if let Some(w) = self.save.as_mut() {
            if let Err(e) = w.append_sample(self.probe.host(), &sample) {
                let msg = format!("sample not saved: {e}");
                self.warn(msg);
            }
        }
        Ok(sample)
    }
}

impl Source for LiveSource {
    fn next(&mut self) -> Result<Option<Event>, SourceError> {
        if let Some(e) = self.queued.pop_front() {
            return Ok(Some(e));
        }
        let Some(start) = self.start_ns else {
            let first = self.take_sample()?;
            self.start_ns = Some(Clock::Monotonic.now_ns());
            let table = self.table_for(&first);
            if self.schedule.since_boot {
                self.queued
                    .push_back(Event::Sample(Box::new(first.clone())));
                self.queued.extend(table);
                return Ok(Some(Event::Sample(Box::new(first.at_boot()))));
            }
            self.queued.extend(table);
            return Ok(Some(Event::Sample(Box::new(first))));
        };
        if self.schedule.count.is_some_and(|c| self.taken >= c) {
            return Ok(None);
        }
        let step = i64::try_from(self.schedule.interval.as_nanos()).unwrap_or(i64::MAX);
        let deadline = start.saturating_add(step.saturating_mul(self.taken as i64 + 1));
        if !sleep_until(Clock::Monotonic, deadline) {
            return Ok(None);
        }
        self.taken += 1;
        let sample = self.take_sample()?;
        if let Some(table) = self.table_for(&sample) {
            self.queued.push_back(table);
        }
        Ok(Some(Event::Sample(Box::new(sample))))
    }

    fn origin(&self) -> (&HostFacts, i64) {
        (self.probe.host(), self.created_ns)
    }

    fn take_damage(&mut self) -> Vec<String> {
        Vec::new()
    }

    fn take_warnings(&mut self) -> Vec<String> {
        std::mem::take(&mut self.warnings)
    }

    fn lacks(&self, table: Table) -> String {
        let r = table.report();
        let source = r.source.unwrap_or("the kernel");
        format!(
            "{} ({}) not available: {source} is missing or unreadable",
            r.flag, r.title
        )
    }
}
