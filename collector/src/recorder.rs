//! Where each sample goes: today's file in the log directory (rotating at local midnight,
//! with housekeeping and, in the background, the roll-ups after each rotation), or one
//! given file.

use crate::args::Target;
use chrono::{Local, NaiveDate};
use rsar::sample::{HostFacts, Sample};
use rsar::store::{self, safe_dir::LogDir, DayWriter, NonRegular, StoreError};
use std::path::{Path, PathBuf};

/// Retention and durability settings.
#[derive(Debug, Clone)]
pub struct Policy {
    pub retain_days: u32,
    pub compress_after_days: u32,
    pub fsync: bool,
    /// The roll-up tiers built, and how long each is kept.
    pub tiers: store::rollup::Retention,
}

pub struct Recorder {
    target: Target,
    policy: Policy,
    /// The open file, and the local date it holds (rotation mode).
    open: Option<(Option<NaiveDate>, DayWriter)>,
    /// The times (ns) the open file takes records for without looking at the calendar:
    /// the open day's local midnights, or every time for one given file. Finding the
    /// local date of a time asks chrono, which re-reads the TZ variable and stats
    /// /etc/localtime once a second: a cost at every 1-s sample.
    open_span: Option<(i64, i64)>,
    housekept: Option<NaiveDate>,
    /// The roll-up of the days closed so far, running in the background.
    rolling_up: Option<std::thread::JoinHandle<()>>,
}

pub use rsar::time::local_day;

/// The first and the last-plus-one nanosecond of a local calendar date, when the time
/// zone names them (a midnight skipped by a DST change has no answer: `None`, and the
/// caller looks at the calendar for every record instead).
fn day_span(date: NaiveDate) -> Option<(i64, i64)> {
    use chrono::TimeZone;
    let midnight = |d: NaiveDate| {
        Local
            .from_local_datetime(&d.and_hms_opt(0, 0, 0)?)
            .earliest()?
            .timestamp_nanos_opt()
    };
    let start = midnight(date)?;
    let end = midnight(date.succ_opt()?)?;
    // Both must give back the date itself: a sanity check on the zone's answer.
    (start < end && local_day(start).0 == date && local_day(end - 1).0 == date)
        .then_some((start, end))
}

pub fn log(msg: &str) {
    eprintln!("rsadc: {msg}");
}

impl Recorder {
    pub fn new(target: Target, policy: Policy) -> Self {
        Recorder {
            target,
            policy,
            open: None,
            open_span: None,
            housekept: None,
            rolling_up: None,
        }
    }

    /// The file a sample taken at `ns` belongs in.
    fn path_for(&self, ns: i64) -> (PathBuf, Option<NaiveDate>) {
        match &self.target {
            Target::File(p) => (p.clone(), None),
            Target::Dir(d) => {
                let (date, _) = local_day(ns);
                (d.join(store::day_file_name(date)), Some(date))
            }
        }
    }

    /// The writer for a record at `ns`: rotating first when the day changed. A sample
    /// that starts a new day is also written to the end of the old one, so each day file
    /// holds the interval that ends at midnight.
    fn writer(
        &mut self,
        host: &HostFacts,
        ns: i64,
        closing: Option<&Sample>,
    ) -> Result<&mut DayWriter, StoreError> {
        let same_day =
            self.open.is_some() && self.open_span.is_some_and(|(a, z)| (a..z).contains(&ns));
        if !same_day {
            self.roll(host, ns, closing)?;
        }
        if self.open.is_none() {
            return Err(StoreError::Io {
                path: self.path_for(ns).0,
                source: std::io::Error::other("no file open"),
            });
        }
        match &mut self.open {
            Some((_, w)) => Ok(w),
            None => unreachable!("checked just above"),
        }
    }

    /// Open the file a record at `ns` goes in, closing the one of another day.
    fn roll(
        &mut self,
        host: &HostFacts,
        ns: i64,
        closing: Option<&Sample>,
    ) -> Result<(), StoreError> {
        let (path, date) = self.path_for(ns);
        if let Some((open_date, w)) = &mut self.open {
            if *open_date != date {
                if let Some(s) = closing {
                    if let Err(e) = w.append_sample(host, s) {
                        log(&format!("cannot write the closing sample: {e}"));
                    }
                }
                log(&format!("closing {}", w.path().display()));
                self.open = None;
                self.open_span = None;
            }
        }
        if self.open.is_none() {
            let (_, offset) = local_day(ns);
            let (w, report) = match &self.target {
                Target::File(p) => DayWriter::open(p, host, ns, offset)?,
                // In rsadc's own directory a link, FIFO or directory named like the day
                // file is moved aside, never followed or written into.
                Target::Dir(d) => {
                    let dir = LogDir::open(d).map_err(|source| StoreError::Io {
                        path: d.clone(),
                        source,
                    })?;
                    let name = path
                        .file_name()
                        .map(|n| n.to_string_lossy().into_owned())
                        .unwrap_or_default();
                    DayWriter::open_in(&dir, &name, host, ns, offset, NonRegular::MoveAside)?
                }
            };
            report_open(&path, &report);
            self.open = Some((date, w));
            self.open_span = match date {
                None => Some((i64::MIN, i64::MAX)),
                Some(d) => day_span(d),
            };
            if let (Target::Dir(dir), Some(today)) = (&self.target, date) {
                if self.housekept != Some(today) {
                    self.housekept = Some(today);
                    self.housekeeping(&dir.clone(), today);
                    self.roll_up(dir.clone(), today);
                }
            }
        }
        Ok(())
    }

    fn housekeeping(&self, dir: &Path, today: NaiveDate) {
        match store::housekeeping(
            dir,
            today,
            self.policy.retain_days,
            self.policy.compress_after_days,
        ) {
            Ok(done) => {
                for p in done.deleted {
                    log(&format!(
                        "deleted {} (older than {} days)",
                        p.display(),
                        self.policy.retain_days
                    ));
                }
                for p in done.compressed {
                    log(&format!("compressed {}", p.display()));
                }
                for p in done.warnings.iter().chain(&done.problems) {
                    log(p);
                }
            }
            Err(e) => log(&format!("cannot list {}: {e}", dir.display())),
        }
    }

    /// Roll up the closed days in a thread of its own (after housekeeping, which may
    /// compress them), one at a time: a roll-up still running is waited for first.
    fn roll_up(&mut self, dir: PathBuf, today: NaiveDate) {
        if let Some(h) = self.rolling_up.take() {
            let _ = h.join();
        }
        let keep = self.policy.tiers.clone();
        let spawned = std::thread::Builder::new()
            .name("rollup".into())
            .spawn(move || match store::rollup::roll_up(&dir, today, &keep) {
                Ok(done) => log_rolled_up(&done),
                Err(e) => log(&format!("cannot roll up {}: {e}", dir.display())),
            });
        match spawned {
            Ok(h) => self.rolling_up = Some(h),
            Err(e) => log(&format!("cannot start rolling up: {e}")),
        }
    }

    /// Open the file a record at `ns` goes in now, to find out at once whether it can be
    /// written.
    pub fn open(&mut self, host: &HostFacts, ns: i64) -> Result<(), StoreError> {
        self.writer(host, ns, None).map(|_| ())
    }

    pub fn sample(&mut self, host: &HostFacts, s: &Sample) -> Result<(), StoreError> {
        let fsync = self.policy.fsync;
        let w = self.writer(host, s.time.wall_ns, Some(s))?;
        w.append_sample(host, s)?;
        if fsync {
            w.sync()?;
        }
        Ok(())
    }

    /// The process table of the moment of the sample just written.
    pub fn processes(
        &mut self,
        host: &HostFacts,
        t: &rsar::store::procs::ProcessTable,
    ) -> Result<(), StoreError> {
        let w = self.writer(host, t.wall_ns, None)?;
        w.append_processes(t)
    }

    pub fn restart(&mut self, host: &HostFacts, ns: i64) -> Result<(), StoreError> {
        let w = self.writer(host, ns, None)?;
        w.append_restart(host, ns)?;
        w.sync()
    }

    pub fn comment(&mut self, host: &HostFacts, ns: i64, text: &str) -> Result<(), StoreError> {
        let w = self.writer(host, ns, None)?;
        w.append_comment(ns, text)?;
        w.sync()
    }
}

fn report_open(path: &Path, r: &store::OpenReport) {
    if r.created {
        log(&format!("writing {}", path.display()));
    }
    if let Some(aside) = &r.moved_aside {
        log(&format!(
            "{} was not an rsar log (or not a regular file): moved aside to {}",
            path.display(),
            aside.display()
        ));
    }
    if r.truncated_bytes > 0 {
        log(&format!(
            "{}: cut {} bytes of an unfinished last record (a crash or a full disk)",
            path.display(),
            r.truncated_bytes
        ));
    }
    if r.damaged_records > 0 {
        log(&format!(
            "{}: {} damaged records are skipped by readers",
            path.display(),
            r.damaged_records
        ));
    }
}

/// A roll-up still running finishes before the collector exits (a run from cron would
/// otherwise never finish one).
impl Drop for Recorder {
    fn drop(&mut self) {
        if let Some(h) = self.rolling_up.take() {
            let _ = h.join();
        }
    }
}

/// What a roll-up did, one line each.
pub fn log_rolled_up(done: &store::rollup::RolledUp) {
    for p in &done.written {
        log(&format!("rolled up {}", p.display()));
    }
    for p in &done.deleted {
        log(&format!(
            "deleted {} (past its tier's retention)",
            p.display()
        ));
    }
    for l in done.damage.iter().chain(&done.problems) {
        log(l);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_day_span_is_its_local_day_and_nothing_else() {
        let ns = 1_763_719_200_000_000_000; // 2025-11-21 10:00 UTC
        let (day, _) = local_day(ns);
        let (start, end) = day_span(day).expect("an ordinary day");
        assert!(start <= ns && ns < end);
        assert_eq!(local_day(start).0, day);
        assert_eq!(local_day(end - 1).0, day);
        assert_eq!(Some(local_day(end).0), day.succ_opt());
        assert_eq!(Some(local_day(start - 1).0), day.pred_opt());
    }
}
