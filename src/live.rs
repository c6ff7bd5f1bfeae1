//! Live sampling as a `Source`: /proc is read every interval and each sample handed on as
//! an event; the source ends after COUNT intervals or when SIGINT/SIGTERM asks (so Ctrl-C
//! still prints the averages of what was shown, as sar does). Everything after the
//! sample — pairing, averaging, rendering — is the pipeline's, as for the logs. The
//! interval can be handed out as a `Pace` that its holder changes while the source runs
//! (the interactive screen's `+` and `-`): the wait under way is measured anew from the
//! last sample.

use crate::probe::Probe;
use crate::sample::{HostFacts, Sample};
use crate::source::{Event, Source, SourceError};
use crate::store::DayWriter;
use crate::wait::{sleep_until, Clock};
use std::collections::VecDeque;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
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

/// The interval of a `LiveSource`, shared with whoever changes it while the source runs.
#[derive(Debug, Clone)]
pub struct Pace(Arc<(Mutex<Duration>, Condvar)>);

impl Pace {
    fn new(every: Duration) -> Pace {
        Pace(Arc::new((Mutex::new(every), Condvar::new())))
    }

    /// Sample every `every` from now on, the wait under way included.
    pub fn set(&self, every: Duration) {
        let (m, changed) = &*self.0;
        *lock(m) = every;
        changed.notify_all();
    }

    pub fn get(&self) -> Duration {
        *lock(&self.0 .0)
    }

    /// Wait until `deadline_ns` on the monotonic clock, or until the interval is no
    /// longer `step`. False when a stop was asked for.
    fn wait(&self, deadline_ns: i64, step: Duration) -> bool {
        let (m, changed) = &*self.0;
        let mut every = lock(m);
        loop {
            if crate::wait::stop_requested() {
                return false;
            }
            let now = Clock::Monotonic.now_ns();
            if now >= deadline_ns || *every != step {
                return true;
            }
            // At most a second at a time: a signal does not cut a condition variable's
            // wait short, and SIGTERM must still end the source.
            let left = Duration::from_nanos(u64::try_from(deadline_ns - now).unwrap_or(0))
                .min(Duration::from_secs(1));
            every = changed
                .wait_timeout(every, left)
                .map_or_else(|e| e.into_inner().0, |(g, _)| g);
        }
    }
}

/// The lock even if a holder panicked: a `Duration` cannot be left half-written.
fn lock(m: &Mutex<Duration>) -> MutexGuard<'_, Duration> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// Where the next deadline is measured from: deadlines are multiples of `step` after
/// `from_ns` (the first sample's monotonic time, or the last sample's when the interval
/// changed), so that samples do not drift.
#[derive(Debug, Clone, Copy)]
struct Grid {
    from_ns: i64,
    step: Duration,
    /// Samples taken on this grid.
    taken: u64,
}

impl Grid {
    fn deadline(&self) -> i64 {
        let step = i64::try_from(self.step.as_nanos()).unwrap_or(i64::MAX);
        let n = i64::try_from(self.taken)
            .unwrap_or(i64::MAX)
            .saturating_add(1);
        self.from_ns.saturating_add(step.saturating_mul(n))
    }
}

/// Samples of this machine, one per interval.
pub struct LiveSource {
    probe: Probe,
    schedule: Schedule,
    /// Set when the interval was handed out to be changed while running.
    pace: Option<Pace>,
    /// `-o FILE`: every sample is also appended to a day file.
    save: Option<DayWriter>,
    /// Where deadlines are measured from, once the first sample is taken.
    grid: Option<Grid>,
    /// Monotonic time of the last sample.
    last_ns: i64,
    /// Samples taken after the first.
    taken: u64,
    queued: VecDeque<Event>,
    last_uptime_cs: Option<u64>,
    created_ns: i64,
    /// With the process table of each sample (pidstat, top).
    processes: Option<(std::path::PathBuf, crate::process::ProcessReader)>,
    /// With the cgroups in each sample, read as rsadc reads them (cgstat, cgtop, the
    /// TUI's `G` view).
    cgroups: Option<crate::probe::cgroup::CgroupReader>,
    /// Warnings not yet taken, and every one given so far (each is said once).
    warnings: Vec<String>,
    said: Vec<String>,
}

impl LiveSource {
    pub fn new(probe: Probe, schedule: Schedule, save: Option<DayWriter>) -> LiveSource {
        LiveSource {
            probe,
            schedule,
            pace: None,
            save,
            grid: None,
            last_ns: 0,
            taken: 0,
            queued: VecDeque::new(),
            last_uptime_cs: None,
            created_ns: crate::probe::system_clock_ns(),
            processes: None,
            cgroups: None,
            warnings: Vec::new(),
            said: Vec::new(),
        }
    }

    /// Also read the process table of `proc_root` with every sample.
    pub fn with_processes(mut self, proc_root: &std::path::Path) -> LiveSource {
        self.processes = Some((proc_root.to_path_buf(), Default::default()));
        self
    }

    /// Also read the cgroups with every sample, through `reader` (kept for the source's
    /// life: it keeps each cgroup's files open), and, after `with_processes`, each
    /// process's cgroup.
    pub fn with_cgroups(mut self, reader: crate::probe::cgroup::CgroupReader) -> LiveSource {
        if let Some((_, r)) = self.processes.as_mut() {
            *r = std::mem::take(r).with_cgroups(reader.unified());
        }
        self.cgroups = Some(reader);
        self
    }

    /// The interval, to be changed while the source runs.
    pub fn pace(&mut self) -> Pace {
        self.pace
            .get_or_insert_with(|| Pace::new(self.schedule.interval))
            .clone()
    }

    /// Sleep until the next sample is due. False when a stop was asked for.
    fn wait_due(&mut self) -> bool {
        loop {
            let step = self.pace.as_ref().map_or(self.schedule.interval, Pace::get);
            let grid = match self.grid {
                Some(g) if g.step == step => g,
                // A new interval: measured from the last sample.
                _ => Grid {
                    from_ns: self.last_ns,
                    step,
                    taken: 0,
                },
            };
            self.grid = Some(grid);
            let deadline = grid.deadline();
            let waited = match &self.pace {
                Some(p) => p.wait(deadline, step),
                None => sleep_until(Clock::Monotonic, deadline),
            };
            if !waited {
                return false;
            }
            if Clock::Monotonic.now_ns() >= deadline {
                if let Some(g) = self.grid.as_mut() {
                    g.taken += 1;
                }
                return true;
            }
        }
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
        let mut sample = self.probe.sample()?;
        let mut probe_warnings: Vec<String> = self.probe.warnings().to_vec();
        if let Some(reader) = self.cgroups.as_mut() {
            reader.read_into(&mut sample);
            probe_warnings.extend(reader.warnings().iter().cloned());
        }
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
        if self.grid.is_none() {
            let first = self.take_sample()?;
            self.last_ns = Clock::Monotonic.now_ns();
            self.grid = Some(Grid {
                from_ns: self.last_ns,
                step: self.pace.as_ref().map_or(self.schedule.interval, Pace::get),
                taken: 0,
            });
            let table = self.table_for(&first);
            if self.schedule.since_boot {
                self.queued
                    .push_back(Event::Sample(Box::new(first.clone())));
                self.queued.extend(table);
                return Ok(Some(Event::Sample(Box::new(first.at_boot()))));
            }
            self.queued.extend(table);
            return Ok(Some(Event::Sample(Box::new(first))));
        }
        if self.schedule.count.is_some_and(|c| self.taken >= c) {
            return Ok(None);
        }
        if !self.wait_due() {
            return Ok(None);
        }
        self.taken += 1;
        self.last_ns = Clock::Monotonic.now_ns();
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

    fn is_live(&self) -> bool {
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Instant;

    fn source(every: Duration) -> LiveSource {
        let root =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/vm-6.18/t0");
        let probe = Probe::new(&root.join("proc"), &root.join("sys")).unwrap();
        let schedule = Schedule {
            interval: every,
            count: Some(2),
            since_boot: false,
        };
        LiveSource::new(probe, schedule, None)
    }

    #[test]
    fn a_new_pace_cuts_the_wait_under_way() {
        let mut s = source(Duration::from_secs(60));
        let pace = s.pace();
        assert!(matches!(s.next().unwrap(), Some(Event::Sample(_))));
        let started = Instant::now();
        let setter = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(200));
            pace.set(Duration::from_millis(50));
        });
        assert!(matches!(s.next().unwrap(), Some(Event::Sample(_))));
        let waited = started.elapsed();
        setter.join().unwrap();
        assert!(
            waited >= Duration::from_millis(200) && waited < Duration::from_secs(10),
            "{waited:?}"
        );
    }

    #[test]
    fn the_new_pace_is_measured_from_the_last_sample() {
        let mut s = source(Duration::from_millis(100));
        let pace = s.pace();
        assert!(matches!(s.next().unwrap(), Some(Event::Sample(_))));
        pace.set(Duration::from_millis(400));
        let started = Instant::now();
        assert!(matches!(s.next().unwrap(), Some(Event::Sample(_))));
        let waited = started.elapsed();
        assert!(waited >= Duration::from_millis(350), "{waited:?}");
        assert!(matches!(s.next().unwrap(), Some(Event::Sample(_))));
        assert!(s.next().unwrap().is_none(), "COUNT ends the source");
    }
}
