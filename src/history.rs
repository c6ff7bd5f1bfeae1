//! Recorded days as a stream of events: which files to read, which records fall in the
//! asked window, in order, with what was damaged said plainly.
//!
//! Knows the store only through `store::read_log`; computes no rates.

use crate::sample::Sample;
use crate::store::{self, FileHeader, Record, StoreError};
use crate::time;
use chrono::NaiveTime;
use std::path::{Path, PathBuf};

/// What a report reads from the logs.
// Samples are nearly every event; boxing them to shrink the rare ones would cost an
// allocation per sample.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    Sample(Sample),
    /// A new boot: counters restarted. `cpus` is the new boot's CPU count.
    Restart {
        wall_ns: i64,
        cpus: u32,
    },
    Comment {
        wall_ns: i64,
        text: String,
    },
}

impl Event {
    pub fn wall_ns(&self) -> i64 {
        match self {
            Event::Sample(s) => s.time.wall_ns,
            Event::Restart { wall_ns, .. } | Event::Comment { wall_ns, .. } => *wall_ns,
        }
    }
}

/// Which log files a report reads.
#[derive(Debug, Clone, PartialEq)]
pub enum Files {
    /// `-f FILE`.
    One(PathBuf),
    /// The day `days_ago` days before today, in the log directory.
    Day { dir: PathBuf, days_ago: u32 },
    /// Every day file of the log directory that overlaps the window's since/until.
    Span { dir: PathBuf },
}

/// Which records to keep.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Window {
    /// `--since` / `--until`, UTC ns, inclusive.
    pub since_ns: Option<i64>,
    pub until_ns: Option<i64>,
    /// `-s` / `-e`: times of day, applied to each record's local date.
    pub start_clock: Option<NaiveTime>,
    pub end_clock: Option<NaiveTime>,
    /// `-i`: keep samples at least this far apart.
    pub min_gap_ns: Option<i64>,
}

impl Window {
    pub fn contains(&self, ns: i64) -> bool {
        let clock = || {
            chrono::DateTime::from_timestamp_nanos(ns)
                .with_timezone(&chrono::Local)
                .time()
        };
        self.since_ns.is_none_or(|s| ns >= s)
            && self.until_ns.is_none_or(|u| ns <= u)
            && self.start_clock.is_none_or(|s| clock() >= s)
            && self.end_clock.is_none_or(|e| clock() <= e)
    }
}

/// Events read from one or more day files.
#[derive(Debug)]
pub struct History {
    /// The first file's header: the banner describes it.
    pub header: FileHeader,
    pub events: Vec<Event>,
    /// One line per file with damaged records.
    pub damage: Vec<String>,
}

/// Read `paths` in order and keep the events in `window`.
pub fn load(paths: &[PathBuf], window: &Window) -> Result<History, StoreError> {
    let mut header = None;
    let mut events: Vec<Event> = Vec::new();
    let mut damage = Vec::new();
    let mut last_kept: Option<(i64, u64)> = None;
    for path in paths {
        let log = store::read_log(path)?;
        if !log.damage.is_clean() {
            damage.push(describe_damage(path, &log.damage));
        }
        if let Some(at) = log.cut_at {
            damage.push(format!(
                "{}: cut at {at} bytes: it decompresses to more than a day can hold (a damaged or hostile file); every record before the cut was read",
                path.display()
            ));
        }
        header.get_or_insert(log.header);
        for (_, record) in log.records {
            let event = match record {
                Record::Sample(s) => Event::Sample(s),
                Record::Restart { wall_ns, host } => Event::Restart {
                    wall_ns,
                    cpus: host.cpu_count,
                },
                Record::Comment { wall_ns, text } => Event::Comment { wall_ns, text },
            };
            if !window.contains(event.wall_ns()) {
                continue;
            }
            match &event {
                Event::Sample(s) => {
                    let key = (s.time.wall_ns, s.time.uptime_cs);
                    // The midnight sample ends one day's file and starts the next.
                    if last_kept == Some(key) {
                        continue;
                    }
                    if let (Some(gap), Some((last, up))) = (window.min_gap_ns, last_kept) {
                        let rebooted = s.time.uptime_cs < up;
                        if !rebooted && s.time.wall_ns - last < gap {
                            continue;
                        }
                    }
                    last_kept = Some(key);
                }
                Event::Restart { .. } => last_kept = None,
                Event::Comment { .. } => {}
            }
            events.push(event);
        }
    }
    let header = match header {
        Some(h) => h,
        None => {
            return Err(StoreError::Io {
                path: PathBuf::new(),
                source: std::io::Error::other("no log files to read"),
            })
        }
    };
    Ok(History {
        header,
        events,
        damage,
    })
}

fn describe_damage(path: &Path, d: &store::Damage) -> String {
    let mut at: Vec<String> = d
        .ranges
        .iter()
        .take(5)
        .map(|(o, _)| format!("byte {o}"))
        .collect();
    if d.ranges.len() > 5 {
        at.push(format!("and {} more places", d.ranges.len() - 5));
    }
    let mut msg = format!(
        "{}: skipped {} damaged records",
        path.display(),
        d.skipped()
    );
    if !at.is_empty() {
        msg.push_str(&format!(" (at {})", at.join(", ")));
    }
    if d.undecodable > 0 {
        msg.push_str(&format!(
            ", {} of them intact but unreadable without a damaged keyframe",
            d.undecodable
        ));
    }
    msg.push_str("; every other record was read");
    msg
}

/// The day files that hold `[since, until]` in `dir`, oldest first.
pub fn days_between(dir: &Path, since_ns: i64, until_ns: i64) -> std::io::Result<Vec<PathBuf>> {
    let (first, last) = (time::local_date(since_ns), time::local_date(until_ns));
    Ok(store::list_days(dir)?
        .into_iter()
        .filter(|(d, _, _)| *d >= first && *d <= last)
        .map(|(_, p, _)| p)
        .collect())
}

/// The log files a report reads, or why there are none.
pub fn log_files(files: &Files, window: &Window) -> Result<Vec<PathBuf>, String> {
    match files {
        Files::One(p) => Ok(vec![p.clone()]),
        Files::Day { dir, days_ago } => {
            let now = crate::probe::system_clock_ns();
            let date = crate::time::local_date(now) - chrono::Duration::days(i64::from(*days_ago));
            // Every part of the day: a clock set back can add parts after compression.
            let parts = crate::store::day_files(dir, date)
                .map_err(|e| format!("{}: {e}", dir.display()))?;
            if parts.is_empty() {
                return Err(format!(
                    "no log for {date} in {} ({}): is rsadc recording? For a live report give an INTERVAL, e.g. `rsar -u 1 5`",
                    dir.display(),
                    crate::store::day_file_name(date)
                ));
            }
            Ok(parts)
        }
        Files::Span { dir } => {
            let now = crate::probe::system_clock_ns();
            let since = window.since_ns.unwrap_or(i64::MIN / 2);
            let until = window.until_ns.unwrap_or(now);
            let days = crate::history::days_between(dir, since, until)
                .map_err(|e| format!("{}: {e}", dir.display()))?;
            if days.is_empty() {
                return Err(format!("no logs in {} for that time", dir.display()));
            }
            Ok(days)
        }
    }
}
