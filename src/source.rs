//! Where samples come from: the `Source` seam. A source yields events one at a time —
//! samples, restarts, comments — in the order they happened, and says what machine they
//! describe. `LogSource` reads rsar day files record by record (following a growing file
//! is the same reader waiting at its end); `live::LiveSource` samples this machine, and
//! sysstat's files are a further source. `log_files` finds the day files a report's
//! `history::Files` names, rsar's or else sysstat's, or says how to start recording.
//! Windowing, pairing and averaging are the pipeline's business, not a source's.

use crate::history::{Files, Window};
use crate::sample::{HostFacts, Sample};
use crate::store::rollup::{dates_between, pick_day, Aggregate, Pick};
use crate::store::{self, LogReader, Record, StoreError};
use crate::sysstat::{SaError, SaSource};
use std::collections::VecDeque;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// What a source yields.
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    /// Boxed: a sample is over 2 kB, and moving it by value from the decoder through
    /// the window and the pairing cost more than its allocation.
    Sample(Box<Sample>),
    /// A new boot: counters restarted. `cpus` is the new boot's CPU count.
    Restart {
        wall_ns: i64,
        cpus: u32,
    },
    Comment {
        wall_ns: i64,
        text: String,
    },
    /// The process table at a moment (after that moment's sample).
    Processes(crate::store::procs::ProcessTable),
    /// From a roll-up tier: the levels over the raw samples that the next sample stands
    /// for (it comes just before that sample, whose time it names).
    Levels(Box<Aggregate>),
}

impl Event {
    /// The event a record is; `None` for a roll-up record, which only means something
    /// beside its sample (`LogSource` pairs them).
    fn of(r: Record) -> Option<Event> {
        Some(match r {
            Record::Sample(s) => Event::Sample(s),
            Record::Restart { wall_ns, host } => Event::Restart {
                wall_ns,
                cpus: host.cpu_count,
            },
            Record::Comment { wall_ns, text } => Event::Comment { wall_ns, text },
            Record::Processes(t) => Event::Processes(t),
            Record::Rollup(_) => return None,
        })
    }
}

impl Event {
    pub fn wall_ns(&self) -> i64 {
        match self {
            Event::Sample(s) => s.time.wall_ns,
            Event::Restart { wall_ns, .. } | Event::Comment { wall_ns, .. } => *wall_ns,
            Event::Processes(t) => t.wall_ns,
            Event::Levels(a) => a.sum.time.wall_ns,
        }
    }
}

/// Why a source stopped.
#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Probe(#[from] crate::probe::ProbeError),
    #[error(transparent)]
    Sysstat(#[from] SaError),
}

/// A stream of events.
pub trait Source {
    /// The next event, or `None` at the end (a followed log ends when interrupted).
    fn next(&mut self) -> Result<Option<Event>, SourceError>;
    /// The machine the events describe, and when the data starts if no event says.
    fn origin(&self) -> (&HostFacts, i64);
    /// Problems that cost records but did not stop reading, one line each (damaged
    /// records, a day cut short), taken from the source.
    fn take_damage(&mut self) -> Vec<String>;
    /// Things the user should know that cost nothing (an optional /proc file unreadable,
    /// a sample not saved), one line each, each said once.
    fn take_warnings(&mut self) -> Vec<String> {
        Vec::new()
    }
    /// Whether the events are read from this machine's kernel as they happen (a report
    /// that has nothing then lacks a file now), not from a recording (whose machine or
    /// collector lacked it).
    fn is_live(&self) -> bool {
        false
    }
}

/// How a log source keeps going at the end of what is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Follow {
    /// Stop at the end.
    No,
    /// Wait for more records in the last file, looking every `poll`.
    File { poll: Duration },
    /// The same, moving on to the next day's file in this directory after midnight.
    Today { dir: PathBuf, poll: Duration },
}

/// rsar day files, read one after another, record by record.
pub struct LogSource {
    paths: VecDeque<PathBuf>,
    reader: LogReader,
    host: HostFacts,
    created_ns: i64,
    follow: Follow,
    damage: Vec<String>,
    /// Where the asked window starts: each file is sought to just before it.
    start: WindowStart,
    /// While following: told the damage found so far each time the end of what is
    /// written is reached (a followed source ends only when interrupted, too late for a
    /// screen to show it).
    caught_up: Option<Box<dyn FnMut(Vec<String>) + Send>>,
    /// The lines about the current file told so far, so that its damage is told again
    /// only when it grew.
    told: Vec<String>,
    /// The record after a sample, read to see whether it is the sample's roll-up.
    held: Option<Record>,
    /// A sample whose roll-up levels went first.
    levelled: Option<Event>,
}

/// The start of a report's window, for seeking (`--since`, `-s`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WindowStart {
    pub since_ns: Option<i64>,
    /// A time of day, on the date a file was started.
    pub clock: Option<chrono::NaiveTime>,
}

impl WindowStart {
    /// The earliest moment a sample of a file started at `created_ns` can be in the
    /// window (assuming times increase through the file).
    fn for_file(&self, created_ns: i64) -> Option<i64> {
        use chrono::TimeZone;
        let clock = self.clock.and_then(|t| {
            let date = chrono::DateTime::from_timestamp_nanos(created_ns)
                .with_timezone(&chrono::Local)
                .date_naive();
            chrono::Local
                .from_local_datetime(&date.and_time(t))
                .earliest()
                .and_then(|d| d.timestamp_nanos_opt())
        });
        match (self.since_ns, clock) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        }
    }
}

impl LogSource {
    /// Read `paths` in order (at least one). The first file's header describes the data.
    pub fn open(paths: Vec<PathBuf>, follow: Follow) -> Result<LogSource, SourceError> {
        let mut paths: VecDeque<PathBuf> = paths.into();
        let first = paths.pop_front().ok_or_else(|| StoreError::Io {
            path: PathBuf::new(),
            source: std::io::Error::other("no log files to read"),
        })?;
        let reader = open_log(&first)?;
        let header = reader.header().clone();
        Ok(LogSource {
            paths,
            reader,
            host: header.host,
            created_ns: header.created_ns,
            follow,
            damage: Vec::new(),
            start: WindowStart::default(),
            caught_up: None,
            told: Vec::new(),
            held: None,
            levelled: None,
        })
    }

    /// While following, tell `f` the damage found so far (one line per file, each said
    /// once, a file's again only when more was found) each time the end of what is
    /// written is reached; what is told is not in `take_damage`.
    pub fn telling_damage_when_caught_up(
        mut self,
        f: impl FnMut(Vec<String>) + Send + 'static,
    ) -> LogSource {
        self.caught_up = Some(Box::new(f));
        self
    }

    /// Seek each file to just before `start` instead of reading it from its beginning.
    pub fn starting_at(mut self, start: WindowStart) -> Result<LogSource, SourceError> {
        self.start = start;
        self.seek_current()?;
        Ok(self)
    }

    fn seek_current(&mut self) -> Result<(), SourceError> {
        if let Some(t) = self.start.for_file(self.reader.header().created_ns) {
            self.reader.seek_before(t)?;
        }
        Ok(())
    }

    /// The file done with: say what it cost.
    fn close_current(&mut self) {
        let lines = self.current_damage();
        self.damage.extend(lines);
        self.told.clear();
    }

    /// What the current file cost so far (records lost, the file cut short), less what
    /// was told as it is.
    fn current_damage(&self) -> Vec<String> {
        let d = self.reader.damage();
        let lost = (!d.is_clean()).then(|| describe_damage(self.reader.path(), d));
        // A record cut short at the end of a file that no rsadc is writing to (it holds
        // the file's lock while it records) will never be completed: the file was cut.
        let torn = self
            .reader
            .torn_at()
            .filter(|_| !self.reader.being_written())
            .map(|at| {
                format!(
                    "{}: the file is cut at byte {at}, inside a record; every complete record before it was read",
                    self.reader.path().display()
                )
            });
        let cut = self
            .reader
            .cut()
            .map(|why| format!("{}: {why}", self.reader.path().display()));
        lost.into_iter()
            .chain(torn)
            .chain(cut)
            .filter(|l| !self.told.contains(l))
            .collect()
    }

    /// Following, at the end of what is written: tell what was found so far.
    fn tell_caught_up(&mut self) {
        if self.caught_up.is_none() {
            return;
        }
        let mut lines = std::mem::take(&mut self.damage);
        let current = self.current_damage();
        self.told.extend(current.iter().cloned());
        lines.extend(current);
        if let (false, Some(f)) = (lines.is_empty(), self.caught_up.as_mut()) {
            f(lines);
        }
    }

    /// At the end of the last file: wait for more, or the next day's file. `false` when
    /// not following, or interrupted.
    fn wait_for_more(&mut self) -> Result<bool, SourceError> {
        let (poll, dir) = match &self.follow {
            Follow::No => return Ok(false),
            Follow::File { poll } => (*poll, None),
            Follow::Today { dir, poll } => (*poll, Some(dir.clone())),
        };
        self.tell_caught_up();
        let clock = crate::wait::Clock::Monotonic;
        let poll_ns = i64::try_from(poll.as_nanos()).unwrap_or(i64::MAX);
        if !crate::wait::sleep_until(clock, clock.now_ns().saturating_add(poll_ns)) {
            return Ok(false);
        }
        if let Some(dir) = dir {
            let today = crate::time::local_date(crate::probe::system_clock_ns());
            let next = dir.join(store::day_file_name(today));
            if next != self.reader.path() && next.exists() {
                self.close_current();
                self.reader = open_log(&next)?;
            }
        }
        Ok(true)
    }
}

impl Source for LogSource {
    fn next(&mut self) -> Result<Option<Event>, SourceError> {
        loop {
            if let Some(e) = self.levelled.take() {
                return Ok(Some(e));
            }
            let record = match self.held.take() {
                Some(r) => Some(r),
                None => self.reader.next_record()?.map(|(_, r)| r),
            };
            if let Some(record) = record {
                let Record::Sample(s) = record else {
                    match Event::of(record) {
                        Some(e) => return Ok(Some(e)),
                        None => continue,
                    }
                };
                // In a roll-up tier, the sample's levels follow it: they go first.
                let version = self.reader.header().version;
                match self.reader.next_record()? {
                    Some((_, Record::Rollup(p))) => match Aggregate::decode(&p, &s, version) {
                        Ok(a) => {
                            self.levelled = Some(Event::Sample(s));
                            return Ok(Some(Event::Levels(Box::new(a))));
                        }
                        Err(e) => self.damage.push(format!(
                            "{}: a roll-up record could not be read ({e}); the levels of the sample at {} are its last ones",
                            self.reader.path().display(),
                            s.time.wall_ns
                        )),
                    },
                    Some((_, other)) => self.held = Some(other),
                    None => {}
                }
                return Ok(Some(Event::Sample(s)));
            }
            match self.paths.pop_front() {
                Some(next) => {
                    self.close_current();
                    self.reader = open_log(&next)?;
                    self.seek_current()?;
                }
                None => {
                    if !self.wait_for_more()? {
                        self.close_current();
                        return Ok(None);
                    }
                }
            }
        }
    }

    fn origin(&self) -> (&HostFacts, i64) {
        (&self.host, self.created_ns)
    }

    fn take_damage(&mut self) -> Vec<String> {
        std::mem::take(&mut self.damage)
    }
}

/// sysstat's sa files, read as the records of a log.
impl Source for SaSource {
    fn next(&mut self) -> Result<Option<Event>, SourceError> {
        loop {
            match self.next_record()? {
                None => return Ok(None),
                Some(r) => {
                    if let Some(e) = Event::of(r) {
                        return Ok(Some(e));
                    }
                }
            }
        }
    }

    fn origin(&self) -> (&HostFacts, i64) {
        SaSource::origin(self)
    }

    fn take_damage(&mut self) -> Vec<String> {
        SaSource::take_damage(self)
    }
}

/// Open an rsar log. rsar reads sysstat's files too (`open_recorded` tells them apart by
/// their magic number), so a file that is neither is said to be neither.
fn open_log(path: &std::path::Path) -> Result<LogReader, StoreError> {
    LogReader::open(path).map_err(|e| match e {
        StoreError::Header {
            path,
            reason: store::HeaderError::Foreign,
        } => StoreError::Unreadable {
            path,
            reason: "neither an rsar log nor a sysstat sa file (it starts with the magic number of neither)".into(),
        },
        e => e,
    })
}

fn describe_damage(path: &std::path::Path, d: &store::Damage) -> String {
    let mut at: Vec<String> = d
        .ranges
        .iter()
        .take(5)
        .map(|&(o, len)| match len {
            1 => format!("at byte {o}"),
            _ => format!("{len} bytes at {o}–{}", o + len - 1),
        })
        .collect();
    if d.ranges.len() > 5 {
        at.push(format!("and {} more places", d.ranges.len() - 5));
    }
    let mut msg = format!(
        "{}: skipped {} damaged record{}",
        path.display(),
        d.skipped(),
        if d.skipped() == 1 { "" } else { "s" }
    );
    if !at.is_empty() {
        msg.push_str(&format!(" ({})", at.join(", ")));
    }
    if d.undecodable > 0 {
        let samples = d.undecodable - d.undecodable_processes;
        let what = match (samples, d.undecodable_processes) {
            (_, 0) => String::new(),
            (0, p) => format!(": {p} process tables"),
            (s, p) => format!(": {s} samples, {p} process tables"),
        };
        msg.push_str(&format!(
            ", {} of them intact but unreadable without the damaged record they build on (a key or a base){what}",
            d.undecodable
        ));
    }
    msg.push_str("; every other record was read");
    if d.groups_left_out > 0 {
        let left_out = format!(
            "{} groups of samples were left out (their keyframe, or the sample before \
             them, was damaged): those samples were read without them",
            d.groups_left_out
        );
        if d.skipped() == 0 {
            return format!("{}: {left_out}", path.display());
        }
        msg.push_str("; ");
        msg.push_str(&left_out);
    }
    msg
}

/// The recorded files `paths` as one source: sysstat's sa files (told by their magic) are
/// read by `sysstat::SaSource`, naming block devices from `sys_root` as sar does; rsar's
/// logs by `LogSource`, sought to `start` and followed as `follow` says. sa files are read
/// whole (the window still applies) and never followed.
pub fn open_recorded(
    paths: Vec<PathBuf>,
    follow: Follow,
    start: WindowStart,
    sys_root: &std::path::Path,
) -> Result<Box<dyn Source>, SourceError> {
    if paths.first().is_some_and(|p| crate::sysstat::is_sa_file(p)) {
        return Ok(Box::new(SaSource::open_all(paths, sys_root)?));
    }
    Ok(Box::new(
        LogSource::open(paths, follow)?.starting_at(start)?,
    ))
}

/// The files that hold `[since, until]` in `dir`, oldest first: each day's raw parts or
/// roll-up tier, as `pick` says.
fn days_between(
    dir: &Path,
    since_ns: i64,
    until_ns: i64,
    pick: Pick,
    every_s: Option<i64>,
) -> std::io::Result<Vec<PathBuf>> {
    let (first, last) = (
        crate::time::local_date(since_ns),
        crate::time::local_date(until_ns),
    );
    let mut files = Vec::new();
    for date in dates_between(dir, first, last)? {
        files.extend(pick_day(dir, date, pick, every_s)?);
    }
    Ok(files)
}

/// sysstat's file for `date` in `dir` (`saYYYYMMDD`, else `saDD`, as sadc names them),
/// when it is one.
fn sysstat_day_file(dir: &Path, date: chrono::NaiveDate) -> Option<PathBuf> {
    [date.format("sa%Y%m%d"), date.format("sa%d")]
        .into_iter()
        .map(|name| dir.join(name.to_string()))
        .find(|p| crate::sysstat::is_sa_file(p))
}

/// sysstat's files for the days of `[since, until]` in `dir`, oldest first: a directory
/// of sysstat's, read when it holds no rsar log for the span. At most a year back.
fn sysstat_days_between(dir: &Path, since_ns: i64, until_ns: i64) -> Vec<PathBuf> {
    let last = crate::time::local_date(until_ns);
    let first = crate::time::local_date(since_ns).max(last - chrono::Duration::days(366));
    first
        .iter_days()
        .take_while(|d| *d <= last)
        .filter_map(|d| sysstat_day_file(dir, d))
        .collect()
}

/// The log files a report reads, or why there are none.
pub fn log_files(files: &Files, window: &Window) -> Result<Vec<PathBuf>, String> {
    match files {
        // A directory given with -f: today's file in it, rsar's or sysstat's.
        Files::One(p) if p.is_dir() => log_files(
            &Files::Day {
                dir: p.clone(),
                days_ago: 0,
            },
            window,
        ),
        Files::One(p) => Ok(vec![p.clone()]),
        Files::Day { dir, days_ago } => {
            let now = crate::probe::system_clock_ns();
            let date = crate::time::local_date(now) - chrono::Duration::days(i64::from(*days_ago));
            // Every part of the day (a clock set back can add parts after compression),
            // or its roll-up (`-i`, or the raw day gone).
            let parts = pick_day(dir, date, Pick::Auto, window.every_s)
                .map_err(|e| unreadable_log_dir(dir, &e))?;
            if parts.is_empty() {
                if let Some(sa) = sysstat_day_file(dir, date) {
                    return Ok(vec![sa]);
                }
                return Err(format!(
                    "no log for {date} in {} ({}, or sysstat's {}): is rsadc recording?\n{}",
                    dir.display(),
                    crate::store::day_file_name(date),
                    date.format("sa%d"),
                    start_hint(dir)
                ));
            }
            Ok(parts)
        }
        Files::Span { dir } => {
            let now = crate::probe::system_clock_ns();
            let since = window.since_ns.unwrap_or(i64::MIN / 2);
            let until = window.until_ns.unwrap_or(now);
            let mut days = days_between(dir, since, until, Pick::Auto, window.every_s)
                .map_err(|e| unreadable_log_dir(dir, &e))?;
            if days.is_empty() {
                days = sysstat_days_between(dir, since, until);
            }
            if days.is_empty() {
                return Err(format!("no logs in {} for that time", dir.display()));
            }
            Ok(days)
        }
        Files::Tier {
            dir,
            days_ago,
            pick,
        } => {
            let now = crate::probe::system_clock_ns();
            let days = match days_ago {
                Some(n) => {
                    let date = crate::time::local_date(now) - chrono::Duration::days(i64::from(*n));
                    pick_day(dir, date, *pick, window.every_s)
                }
                None if window.since_ns.is_none() && window.until_ns.is_none() => {
                    pick_day(dir, crate::time::local_date(now), *pick, window.every_s)
                }
                None => days_between(
                    dir,
                    window.since_ns.unwrap_or(i64::MIN / 2),
                    window.until_ns.unwrap_or(now),
                    *pick,
                    window.every_s,
                ),
            }
            .map_err(|e| unreadable_log_dir(dir, &e))?;
            if days.is_empty() {
                return Err(format!(
                    "no logs in {} of that tier for that time (rsadc --rollup {} builds the roll-ups of the days it has)",
                    dir.display(),
                    dir.display()
                ));
            }
            Ok(days)
        }
    }
}

/// Why the log directory cannot be listed. One that does not exist is the first run on a
/// machine (or a mistyped --log-dir): say that there is no log yet and what to do.
fn unreadable_log_dir(dir: &Path, e: &std::io::Error) -> String {
    if e.kind() == std::io::ErrorKind::NotFound {
        return format!(
            "no log yet: {} does not exist, so rsadc has not recorded there\n{}",
            dir.display(),
            start_hint(dir)
        );
    }
    format!("cannot list the log directory {}: {e}", dir.display())
}

/// How to get a log into `dir`, and the report that needs none.
fn start_hint(dir: &Path) -> String {
    format!(
        "  Start the collector: `sudo systemctl enable --now rsadc` (installed by the package), \
         or `sudo rsadc 10 {}` by hand.\n  \
         Without a log, an INTERVAL reports live: `rsar 1 5` (CPU every second, five times).",
        dir.display()
    )
}

/// The machine that recorded a file, as sar's `-t` needs it: its offset from UTC when the
/// file was started (seconds east), and when that was (UTC ns).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Recorder {
    pub offset_s: i32,
    pub started_ns: i64,
}

impl Recorder {
    /// Of the file at `path`: an rsar log's header records its creator's offset, a
    /// sysstat file's first record tells it. `None` for an sa file with no record.
    pub fn of(path: &std::path::Path) -> Result<Option<Recorder>, SourceError> {
        if crate::sysstat::is_sa_file(path) {
            let found = crate::sysstat::recorder_offset(path)?;
            return Ok(found.map(|(offset_s, started_ns)| Recorder {
                offset_s,
                started_ns,
            }));
        }
        let header = open_log(path)?.header().clone();
        Ok(Some(Recorder {
            offset_s: header.utc_offset_s,
            started_ns: header.created_ns,
        }))
    }

    /// The zone its times are shown in.
    pub fn zone(&self) -> crate::time::Zone {
        crate::time::Zone::Fixed(self.offset_s)
    }

    /// `window` with `-s`/`-e` as sar takes them with `-t`: times of day on the file's date
    /// in the recorder's zone (what the report shows), made bounds in UTC.
    pub fn window(&self, window: &crate::history::Window) -> crate::history::Window {
        let date = self.zone().at(self.started_ns).date_naive();
        let at = |t: chrono::NaiveTime| {
            let local_s = date.and_time(t).and_utc().timestamp();
            (local_s - i64::from(self.offset_s)).saturating_mul(1_000_000_000)
        };
        let mut w = window.clone();
        if let Some(start) = w.start_clock.take() {
            w.since_ns = Some(w.since_ns.map_or(at(start), |s| s.max(at(start))));
        }
        if let Some(end) = w.end_clock.take() {
            w.until_ns = Some(w.until_ns.map_or(at(end), |u| u.min(at(end))));
        }
        w
    }
}
