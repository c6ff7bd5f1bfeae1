//! Which recorded days a report reads, and which moments of them (`Window`): the choice
//! of files and times from the command line. Finding and reading the files is `source`'s
//! business (`log_files`, `LogSource`); applying the window is `pipeline`'s.
//!
//! Every reader (sar's reports, `export`, `explain` and `diff`, both window and baseline,
//! `report --html`, the TUI) takes its files from `source::log_files`, and so reads each
//! day of its range from the same file (`store::rollup::pick_day`): the finest the day
//! has — its raw log; once that is past rsadc's `--retain-days`, its finest roll-up (by
//! default the 1-minute one); once that is past its retention too, the next (the 1-hour
//! one). `-i SECS` at least a tier's interval reads the coarsest such tier the day has
//! (nothing finer is kept), and `--tier` names one. A reader says on stderr which tiers it
//! read.

use chrono::NaiveTime;
use std::path::PathBuf;

/// Which log files a report reads.
#[derive(Debug, Clone, PartialEq)]
pub enum Files {
    /// `-f FILE`.
    One(PathBuf),
    /// The day `days_ago` days before today, in the log directory.
    Day { dir: PathBuf, days_ago: u32 },
    /// Every day file of the log directory that overlaps the window's since/until.
    Span { dir: PathBuf },
    /// `--tier`: the days of the log directory as `Span` (or `days_ago` days before
    /// today, or today), each read from the raw day or the roll-up tier `pick` names.
    Tier {
        dir: PathBuf,
        days_ago: Option<u32>,
        pick: crate::store::rollup::Pick,
    },
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
