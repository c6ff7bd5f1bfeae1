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
    /// an hour, written by rsadc after the day), whichever the day has. Without it, a
    /// day is read raw, from a roll-up when its raw log is gone (the finest), or from a
    /// roll-up whose interval is at most -i's
    #[arg(long, value_name = "raw|1m|1h", value_parser = parse_tier)]
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

/// `--tier`: raw, 1m or 1h.
fn parse_tier(s: &str) -> Result<crate::store::rollup::Pick, String> {
    crate::store::rollup::Pick::parse(s).ok_or_else(|| format!("--tier is raw, 1m or 1h, not {s}"))
}

/// COUNT: a whole number of reports, at least one.
fn parse_count(s: &str) -> Result<u64, String> {
    s.parse::<u64>()
        .ok()
        .filter(|&c| c > 0)
        .ok_or_else(|| format!("COUNT must be a whole number above 0, not {s}"))
}

/// When in the logs a command reads: times of day (`-s/-e`) and moments
/// (`--since/--until`), as every command that reads the logs takes them.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct Moments {
    /// Start at this time of day (HH:MM[:SS])
    #[arg(short = 's', value_name = "HH:MM[:SS]")]
    pub start: Option<String>,

    /// End at this time of day (HH:MM[:SS])
    #[arg(short = 'e', value_name = "HH:MM[:SS]")]
    pub end: Option<String>,

    /// From this time on: HH:MM, 2026-11-21 14:00, ISO 8601, @EPOCH, '2h ago',
    /// 'yesterday 14:00'; spans as many daily logs as it needs
    #[arg(long, value_name = "WHEN")]
    pub since: Option<String>,

    /// Up to this time (same forms as --since)
    #[arg(long, value_name = "WHEN")]
    pub until: Option<String>,
}

impl Moments {
    /// The window these moments choose, keeping a sample every `every_s` seconds if given.
    pub fn window(&self, every_s: Option<i64>) -> Result<Window, UsageError> {
        let now = crate::probe::system_clock_ns();
        let when = |s: &Option<String>| -> Result<Option<i64>, UsageError> {
            s.as_deref()
                .map(|w| parse_when(w, now).map_err(UsageError))
                .transpose()
        };
        let clock = |s: &Option<String>, flag: &str| -> Result<_, UsageError> {
            s.as_deref()
                .map(|c| parse_clock(c).map_err(|e| UsageError(format!("{flag} {e}"))))
                .transpose()
        };
        let window = Window {
            since_ns: when(&self.since)?,
            until_ns: when(&self.until)?,
            start_clock: clock(&self.start, "-s")?,
            end_clock: clock(&self.end, "-e")?,
            every_s,
        };
        if let (Some(s), Some(u)) = (window.since_ns, window.until_ns) {
            if s > u {
                return Err(UsageError("--since is after --until".into()));
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

    /// Whether a log is asked for (-f, -N, --since, --until, --follow).
    pub fn from_logs(&self) -> bool {
        self.file.is_some()
            || self.follow
            || self.days_ago.is_some()
            || self.moments.since.is_some()
            || self.moments.until.is_some()
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
