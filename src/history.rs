//! Which recorded days a report reads, and which moments of them (`Window`): the choice
//! of files and times from the command line. Reading them is `source::LogSource`'s
//! business; applying the window is `pipeline`'s.

use crate::store;
use crate::time;
use chrono::NaiveTime;
use std::path::{Path, PathBuf};

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
    /// `-i SECS`: keep the sample nearest each multiple of SECS seconds.
    pub every_s: Option<i64>,
}

impl Window {
    /// Whether a sample at `ns` is in the window. The ends are inclusive at the second a
    /// report prints (times print truncated to the second): `-e 07:26:55` keeps a sample
    /// at 07:26:55.4, as sar does.
    pub fn contains(&self, ns: i64) -> bool {
        let second = ns.div_euclid(1_000_000_000) * 1_000_000_000;
        let clock = || {
            chrono::DateTime::from_timestamp_nanos(second)
                .with_timezone(&chrono::Local)
                .time()
        };
        self.since_ns.is_none_or(|s| ns >= s)
            && self.until_ns.is_none_or(|u| second <= u)
            && self.start_clock.is_none_or(|s| clock() >= s)
            && self.end_clock.is_none_or(|e| clock() <= e)
    }
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
    let last = time::local_date(until_ns);
    let first = time::local_date(since_ns).max(last - chrono::Duration::days(366));
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
            // Every part of the day: a clock set back can add parts after compression.
            let parts = crate::store::day_files(dir, date).map_err(|e| unreadable_dir(dir, &e))?;
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
            let mut days = days_between(dir, since, until).map_err(|e| unreadable_dir(dir, &e))?;
            if days.is_empty() {
                days = sysstat_days_between(dir, since, until);
            }
            if days.is_empty() {
                return Err(format!("no logs in {} for that time", dir.display()));
            }
            Ok(days)
        }
    }
}

/// Why the log directory cannot be listed. One that does not exist is the first run on a
/// machine (or a mistyped --log-dir): say that there is no log yet and what to do.
fn unreadable_dir(dir: &Path, e: &std::io::Error) -> String {
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
