//! Where samples come from, as every command takes it: /proc live (INTERVAL [COUNT],
//! `-o`), or the logs (`-f`, `-N`, `-s/-e`, `--since/--until`, `--follow`), checked into
//! a `Mode`.

use super::{Files, UsageError};
use crate::history::Window;
use crate::time::{parse_clock, parse_when};
use std::path::PathBuf;
use std::time::Duration;

/// Where samples come from: /proc (live) or the logs, and when. Every command flattens
/// it into its own flags.
#[derive(Debug, clap::Args)]
pub struct Source {
    /// Read this log file (written by rsadc, or sysstat's saDD) instead of sampling live
    #[arg(short = 'f', value_name = "FILE")]
    pub file: Option<PathBuf>,

    /// Read the log of N days ago: -1 is yesterday, -2 the day before
    #[arg(long = "days-ago", value_name = "N", hide = true)]
    pub days_ago: Option<u32>,

    #[command(flatten)]
    pub moments: Moments,

    /// From the logs, keep the sample nearest each multiple of SECS seconds (sar's rule)
    #[arg(short = 'i', value_name = "SECS")]
    pub min_interval: Option<f64>,

    /// Also save the live samples to this log file
    #[arg(short = 'o', value_name = "FILE")]
    pub save: Option<PathBuf>,

    /// Show comments recorded in the logs
    #[arg(short = 'C')]
    pub comments: bool,

    /// Keep reading the log as rsadc appends to it (today's, or the -f FILE), printing
    /// each interval as it lands; Ctrl-C prints the averages
    #[arg(long)]
    pub follow: bool,

    /// Read each day from its raw log (raw) or its roll-up (1m, 1h: a sample a minute or
    /// an hour, written by rsadc after the day; or the interval of a tier rsadc's --tiers
    /// named, as 5m), whichever the day has. Without it, a day is read raw, from a
    /// roll-up when its raw log is gone (the finest), or from the coarsest roll-up whose
    /// interval is at most -i's
    #[arg(long, value_name = "raw|1m|1h|…", value_parser = parse_tier)]
    pub tier: Option<crate::store::rollup::Pick>,

    /// Where rsadc keeps its daily logs [default: RSAR_DIR from the environment or from
    /// /etc/default/rsar, else /var/log/rsar]
    #[arg(long, value_name = "DIR")]
    pub log_dir: Option<PathBuf>,

    /// Read the kernel's counters from this /proc (a container with the host's /proc
    /// mounted elsewhere, or a captured tree)
    #[arg(long, value_name = "DIR", default_value = "/proc")]
    pub proc_root: PathBuf,

    /// Read device facts (physical disks, link speeds, CPU count) from this /sys
    #[arg(long, value_name = "DIR", default_value = "/sys")]
    pub sys_root: PathBuf,

    /// Seconds between samples (fractions allowed)
    #[arg(value_name = "INTERVAL", value_parser = crate::time::parse_interval)]
    pub interval: Option<f64>,

    /// Number of reports; without it, report until interrupted (Ctrl-C prints the averages)
    #[arg(value_name = "COUNT", value_parser = parse_count)]
    pub count: Option<u64>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Mode {
    /// Sample /proc every `interval`, `count` times (forever when `None`), saving the
    /// samples to `save` as well when given.
    Live {
        interval: Duration,
        count: Option<u64>,
        save: Option<PathBuf>,
    },
    /// Report from recorded days.
    Recorded {
        files: Files,
        window: Window,
        comments: bool,
        /// Keep reading as the file grows.
        follow: bool,
    },
}

/// `--tier`: raw, or a tier's interval (1m, 1h, or one rsadc's `--tiers` named).
fn parse_tier(s: &str) -> Result<crate::store::rollup::Pick, String> {
    crate::store::rollup::Pick::parse(s).ok_or_else(|| {
        format!("--tier is raw or a roll-up tier's interval (1m, 1h, 5m, …), not {s}")
    })
}

/// COUNT: a whole number of reports, at least one.
fn parse_count(s: &str) -> Result<u64, String> {
    s.parse::<u64>()
        .ok()
        .filter(|&c| c > 0)
        .ok_or_else(|| format!("COUNT must be a whole number above 0, not {s}"))
}

/// When in the logs a command reads: times of day (`-s/-e`, sar's) and moments
/// (`--since/--until`, and `-s/-e` given a date), as every command that reads the logs
/// takes them.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct Moments {
    /// Start at this time of day (HH:MM[:SS]) on each day read, as sar; or, given a date,
    /// at that moment: 2026-11-01, '2026-11-01 08:00', or any form --since takes
    #[arg(short = 's', value_name = "HH:MM[:SS]|DATE")]
    pub start: Option<String>,

    /// End at this time of day (HH:MM[:SS]) on each day read, as sar; or, given a date,
    /// at that moment (a date alone: through its end): 2026-11-30, '2026-11-30 18:00'
    #[arg(short = 'e', value_name = "HH:MM[:SS]|DATE")]
    pub end: Option<String>,

    /// From this time on: 30d, 12h, 2w, 90m (that long ago), HH:MM, 2026-11-21 14:00,
    /// ISO 8601, @EPOCH, '2h ago', 'yesterday 14:00'; spans as many daily logs as it needs
    #[arg(long, value_name = "WHEN")]
    pub since: Option<String>,

    /// Up to this time (same forms as --since)
    #[arg(long, value_name = "WHEN")]
    pub until: Option<String>,
}

/// What `-s`/`-e` name: sar's time of day on each day read, or a moment (a date, a date
/// and time, any form of `--since`).
#[derive(Debug, Clone, Copy, PartialEq)]
enum Bound {
    Clock(chrono::NaiveTime),
    At(i64),
}

impl Moments {
    /// The window these moments choose, keeping a sample every `every_s` seconds if given.
    pub fn window(&self, every_s: Option<i64>) -> Result<Window, UsageError> {
        self.window_at(every_s, crate::probe::system_clock_ns())
    }

    /// Whether these moments name a span of days rather than times of today's log
    /// (`--since`, `--until`, or `-s`/`-e` given a date).
    pub fn spans_days(&self) -> bool {
        self.since.is_some()
            || self.until.is_some()
            || [&self.start, &self.end]
                .into_iter()
                .flatten()
                .any(|s| parse_clock(s).is_err())
    }

    /// `-s`/`-e`: a time of day when it is one (sar's meaning), else a moment, as
    /// `--since`/`--until` take it; `-e` given a date alone ends at that day's end.
    fn bound(s: &str, flag: &str, end: bool, now: i64) -> Result<Bound, UsageError> {
        if let Ok(clock) = parse_clock(s) {
            return Ok(Bound::Clock(clock));
        }
        if let (true, Ok(date)) = (end, chrono::NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")) {
            let next = date.succ_opt().unwrap_or(date);
            return Ok(Bound::At(
                crate::time::local_ns(next, chrono::NaiveTime::MIN) - 1,
            ));
        }
        parse_when(s, now).map(Bound::At).map_err(|e| {
            UsageError(format!(
                "{flag} takes a time of day (HH:MM[:SS]) or a date ('2026-11-01 08:00'): {e}"
            ))
        })
    }

    /// `window` as of `now` (UTC ns).
    fn window_at(&self, every_s: Option<i64>, now: i64) -> Result<Window, UsageError> {
        let when = |s: &Option<String>| -> Result<Option<i64>, UsageError> {
            s.as_deref()
                .map(|w| parse_when(w, now).map_err(UsageError))
                .transpose()
        };
        let bound = |s: &Option<String>, flag: &str, end: bool| {
            s.as_deref()
                .map(|b| Moments::bound(b, flag, end, now))
                .transpose()
        };
        let (start, end) = (
            bound(&self.start, "-s", false)?,
            bound(&self.end, "-e", true)?,
        );
        let (mut since_ns, mut until_ns) = (when(&self.since)?, when(&self.until)?);
        for (b, moment, flags) in [
            (start, &mut since_ns, "-s with a date, or --since"),
            (end, &mut until_ns, "-e with a date, or --until"),
        ] {
            if let Some(Bound::At(t)) = b {
                if moment.replace(t).is_some() {
                    return Err(UsageError(format!("give {flags}, not both")));
                }
            }
        }
        let clock = |b: Option<Bound>| match b {
            Some(Bound::Clock(c)) => Some(c),
            _ => None,
        };
        let window = Window {
            since_ns,
            until_ns,
            start_clock: clock(start),
            end_clock: clock(end),
            every_s,
        };
        if let (Some(s), Some(u)) = (window.since_ns, window.until_ns) {
            if s > u {
                return Err(UsageError(
                    "the start (--since, -s) is after the end (--until, -e)".into(),
                ));
            }
        }
        Ok(window)
    }
}

/// The flags of `Source` that a command reading a span of the logs once (`export`,
/// `report`) parses but does not take: live sampling, saving, comments, following and
/// the live trees. Hidden from its help (`hide_sampling`); those given are refused
/// (`sampling_flag`).
const ONCE_OVER_HIDES: &[&str] = &[
    "interval",
    "count",
    "save",
    "comments",
    "follow",
    "proc_root",
    "sys_root",
];

impl Source {
    /// `cmd`, a command that reads a span of the logs once, with the flags it does not
    /// take hidden from its help.
    pub fn hide_sampling(cmd: clap::Command) -> clap::Command {
        ONCE_OVER_HIDES
            .iter()
            .fold(cmd, |cmd, id| cmd.mut_arg(*id, |a| a.hide(true)))
    }

    /// The first flag given that only sampling (or a report run over and over) takes, for
    /// a command that reads a span of the logs once; `save` names `-o` as that command
    /// spells it.
    pub fn sampling_flag(&self, save: &'static str) -> Option<&'static str> {
        [
            (
                self.interval.is_some(),
                "INTERVAL (-i SECS keeps a sample every SECS seconds)",
            ),
            (self.count.is_some(), "COUNT"),
            (self.save.is_some(), save),
            (self.comments, "-C"),
            (self.follow, "--follow"),
        ]
        .into_iter()
        .find_map(|(given, what)| given.then_some(what))
    }

    /// Whether a log is asked for (-f, -N, --since, --until, -s/-e with a date, --follow).
    pub fn from_logs(&self) -> bool {
        self.file.is_some() || self.follow || self.days_ago.is_some() || self.moments.spans_days()
    }

    /// `mode`, except that neither an INTERVAL nor logs means one live interval of a
    /// second (vmstat, pidstat and top without arguments).
    pub fn mode_or_one_interval(&self) -> Result<Mode, UsageError> {
        if self.interval.is_none() && !self.from_logs() {
            return Ok(Mode::Live {
                interval: Duration::from_secs(1),
                count: Some(1),
                save: None,
            });
        }
        self.mode()
    }

    /// Live or from the logs, and which logs, checked.
    pub fn mode(&self) -> Result<Mode, UsageError> {
        let interval = self.interval;
        let count = self.count;
        let from_logs = self.from_logs();
        if let (Some(secs), false) = (interval, from_logs) {
            return Ok(Mode::Live {
                interval: Duration::from_secs_f64(secs),
                count,
                save: self.save.clone(),
            });
        }
        if self.save.is_some() {
            return Err(UsageError(
                "-o saves a live report: give INTERVAL [COUNT] and no -f/-N/--since".into(),
            ));
        }
        if count.is_some() {
            return Err(UsageError(
                "COUNT is for live reports; from the logs, -s/-e/--since/--until choose the time"
                    .into(),
            ));
        }
        // `sar INTERVAL -f FILE` keeps records INTERVAL apart, as -i does.
        let gap = self.min_interval.or(interval);
        if let Some(g) = gap {
            if !(g.is_finite() && g > 0.0) {
                return Err(UsageError(format!(
                    "-i must be a positive number of seconds, not {g}"
                )));
            }
        }
        let window = self
            .moments
            .window(gap.map(|g| (g.round() as i64).max(1)))?;
        // The log directory, looked up only when a report reads it (not for -f FILE).
        let dir = || -> Result<PathBuf, UsageError> {
            self.log_dir
                .clone()
                .map_or_else(crate::settings::log_dir, Ok)
                .map_err(UsageError)
        };
        let files = match (&self.file, self.days_ago) {
            (Some(_), Some(_)) => {
                return Err(UsageError("give either -f FILE or -N, not both".into()))
            }
            (Some(_), None) if self.tier.is_some() => {
                return Err(UsageError(
                    "--tier picks among the log directory's files; -f names one".into(),
                ))
            }
            (None, days_ago) if self.tier.is_some() => Files::Tier {
                dir: dir()?,
                days_ago,
                pick: self.tier.unwrap_or(crate::store::rollup::Pick::Auto),
            },
            (Some(f), None) => Files::One(f.clone()),
            (None, Some(n)) => Files::Day {
                dir: dir()?,
                days_ago: n,
            },
            (None, None) if window.since_ns.is_some() || window.until_ns.is_some() => {
                Files::Span { dir: dir()? }
            }
            (None, None) => Files::Day {
                dir: dir()?,
                days_ago: 0,
            },
        };
        if self.follow
            && matches!(
                files,
                Files::Span { .. } | Files::Day { days_ago: 1.., .. } | Files::Tier { .. }
            )
        {
            return Err(UsageError(
                "--follow reads today's log, or the file given with -f".into(),
            ));
        }
        Ok(Mode::Recorded {
            files,
            window,
            comments: self.comments,
            follow: self.follow,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::local_ns;
    use chrono::{NaiveDate, NaiveTime};

    const S: i64 = 1_000_000_000;

    fn moments(s: Option<&str>, e: Option<&str>, since: Option<&str>) -> Moments {
        Moments {
            start: s.map(str::to_string),
            end: e.map(str::to_string),
            since: since.map(str::to_string),
            until: None,
        }
    }

    fn at(date: &str, time: &str) -> i64 {
        local_ns(
            NaiveDate::parse_from_str(date, "%Y-%m-%d").unwrap(),
            parse_clock(time).unwrap(),
        )
    }

    #[test]
    fn s_and_e_keep_sars_time_of_day_and_take_dates() {
        let now = at("2026-12-07", "05:00");
        // sar's meaning: a time of day on each day read, and today's log only.
        let m = moments(Some("08:00"), Some("17:30:15"), None);
        let w = m.window_at(None, now).unwrap();
        assert_eq!(w.start_clock, NaiveTime::from_hms_opt(8, 0, 0));
        assert_eq!(w.end_clock, NaiveTime::from_hms_opt(17, 30, 15));
        assert_eq!((w.since_ns, w.until_ns), (None, None));
        assert!(!m.spans_days());
        // Dates: moments, across days; -e given a date alone reads through that day.
        let m = moments(Some("2026-11-01"), Some("2026-11-30"), None);
        let w = m.window_at(None, now).unwrap();
        assert_eq!(w.since_ns, Some(at("2026-11-01", "00:00")));
        assert_eq!(w.until_ns, Some(at("2026-12-01", "00:00") - 1));
        assert_eq!((w.start_clock, w.end_clock), (None, None));
        assert!(w.contains(at("2026-11-30", "23:59:59") + S / 2));
        assert!(!w.contains(at("2026-12-01", "00:00")));
        assert!(m.spans_days());
        // A date and a time; a date with a time of day for the other end (each day's).
        let w = moments(Some("2026-11-01 08:00"), Some("18:00"), None)
            .window_at(None, now)
            .unwrap();
        assert_eq!(w.since_ns, Some(at("2026-11-01", "08:00")));
        assert_eq!(w.end_clock, NaiveTime::from_hms_opt(18, 0, 0));
        // Any --since form, the new lengths among them.
        let w = moments(Some("30d"), None, None)
            .window_at(None, now)
            .unwrap();
        assert_eq!(w.since_ns, Some(now - 30 * 86_400 * S));
    }

    #[test]
    fn lengths_and_conflicts() {
        let now = at("2026-12-07", "05:00");
        let w = moments(None, None, Some("12h"))
            .window_at(Some(60), now)
            .unwrap();
        assert_eq!(w.since_ns, Some(now - 12 * 3600 * S));
        assert_eq!(w.every_s, Some(60));
        let clash = moments(Some("2026-11-01"), None, Some("30d")).window_at(None, now);
        assert!(clash.unwrap_err().0.contains("not both"));
        let backwards = moments(Some("2026-11-30"), Some("2026-11-01"), None).window_at(None, now);
        assert!(backwards.unwrap_err().0.contains("after the end"));
        let bad = moments(Some("2026-11-31"), None, None).window_at(None, now);
        assert!(bad.unwrap_err().0.starts_with("-s takes a time of day"));
        // -e with a time of day alone stays sar's, even beside --since.
        let w = moments(None, Some("09:00"), Some("2w"))
            .window_at(None, now)
            .unwrap();
        assert_eq!(w.end_clock, NaiveTime::from_hms_opt(9, 0, 0));
        assert_eq!(w.since_ns, Some(now - 14 * 86_400 * S));
    }
}
