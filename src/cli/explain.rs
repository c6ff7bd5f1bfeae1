//! `rsar explain`: what made a window of the logs different from a baseline, and which
//! processes did it. The window and the baseline are each read once through the one
//! pipeline (`explain::Pass`); which logs and which moments is decided here.

use super::run::{self, Failure};
use super::source::Moments;
use super::{Run, Subcommand, UsageError};
use crate::explain::render::{Cgroups, Explanation, Extent};
use crate::explain::{compare, Pass};
use crate::history::{Files, Window};
use crate::source::{Event, Follow, Source, SourceError, WindowStart};
use crate::time::{parse_clock, Zone};
use chrono::Timelike;
use clap::Parser;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

const DAY_NS: i64 = 86_400_000_000_000;

/// `rsar explain`: a window against a baseline, and who made the difference.
#[derive(Debug, Parser)]
#[command(
    name = "rsar explain",
    version,
    about = "What made a window of the logs different from a baseline: each system signal's change, whether it stands out of the baseline's own variation, and the processes and cgroups ranked by their share of it",
    after_help = "Examples:\n  rsar explain -s 03:10 -e 03:15                 against 03:05-03:10\n  rsar explain --since '20 min ago' --baseline yesterday\n  rsar explain -f /var/log/rsar/rsar20261121 -s 03:10 -e 03:15 --baseline 02:00-02:30\n  rsar explain -s 14:00 -e 14:10 --baseline -7d --format json\n\nA change is significant when it exceeds 3 times the baseline's per-interval standard\ndeviation and the signal's floor. Shares are of the system's change; what no recorded\nprocess explains (kernel threads, processes born and gone between two samples) is\nthe residual, always stated. Cgroups are split at one level: each cgroup's own use (less\nits recorded children's) counts for its workload's outermost cgroup.",
    args_override_self = true
)]
pub struct ExplainArgs {
    /// Read these log files (repeat -f for several days) instead of the log directory
    #[arg(short = 'f', value_name = "FILE")]
    pub files: Vec<PathBuf>,

    /// Where rsadc keeps its daily logs [default: RSAR_DIR from the environment or from
    /// /etc/default/rsar, else /var/log/rsar]
    #[arg(long, value_name = "DIR")]
    pub log_dir: Option<PathBuf>,

    #[command(flatten)]
    pub moments: Moments,

    /// What the window is compared with: `before` (the window of the same length just
    /// before it, the default), `yesterday`, `-Nd` (N days before), `HH:MM-HH:MM` (that
    /// time of the window's day), or another log file (with the window's -s/-e)
    #[arg(long, value_name = "WHICH", allow_hyphen_values = true)]
    pub baseline: Option<String>,

    /// How to print the findings
    #[arg(long, value_enum, default_value = "text")]
    pub format: ExplainFormat,

    /// Times in UTC
    #[arg(long)]
    pub utc: bool,
}

/// `rsar explain --format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ExplainFormat {
    /// a sentence per finding, most important first
    Text,
    /// one JSON document: window, baseline, signals, cgroups
    Json,
}

impl Subcommand for ExplainArgs {
    const NAME: &'static str = "explain";

    fn command() -> clap::Command {
        <Self as clap::CommandFactory>::command()
    }
}

/// Which baseline, checked.
#[derive(Debug, Clone, PartialEq)]
enum Baseline {
    /// The same length just before the window.
    Before,
    /// The same moments this many days before.
    DaysBefore(u32),
    /// These times of the window's day.
    Clock(chrono::NaiveTime, chrono::NaiveTime),
    /// Another log, at the window's times of day.
    File(PathBuf),
}

fn parse_baseline(s: Option<&str>) -> Result<Baseline, UsageError> {
    let Some(s) = s else {
        return Ok(Baseline::Before);
    };
    if s == "before" || s == "prev" {
        return Ok(Baseline::Before);
    }
    if s == "yesterday" {
        return Ok(Baseline::DaysBefore(1));
    }
    if let Some(n) = s.strip_prefix('-').and_then(|d| d.strip_suffix('d')) {
        if let Some(n) = n.parse::<u32>().ok().filter(|&n| n > 0 && n <= 3660) {
            return Ok(Baseline::DaysBefore(n));
        }
    }
    if let Some(range) = clock_range(s) {
        let (a, b) = range.map_err(|e| UsageError(format!("--baseline {e}")))?;
        return Ok(Baseline::Clock(a, b));
    }
    let path = PathBuf::from(s);
    if path.is_file() {
        return Ok(Baseline::File(path));
    }
    Err(UsageError(format!(
        "--baseline takes before, yesterday, -Nd, HH:MM-HH:MM or a log file, not {s:?}"
    )))
}

/// `HH:MM[:SS]-HH:MM[:SS]`: `None` when `s` is not of that form, an error when it is
/// but ends before it starts.
pub(super) fn clock_range(
    s: &str,
) -> Option<Result<(chrono::NaiveTime, chrono::NaiveTime), String>> {
    let (a, b) = s.split_once('-')?;
    let (a, b) = (parse_clock(a).ok()?, parse_clock(b).ok()?);
    Some(if a < b {
        Ok((a, b))
    } else {
        Err(format!("{s}: the start must come before the end"))
    })
}

/// What the line saying a baseline's roll-up tiers starts with.
const BASELINE: &str = "the baseline: ";

/// What `rsar explain` does, checked (and which baseline `rsar report --html` compares
/// its window with).
#[derive(Debug)]
pub(super) struct ExplainPlan {
    files: Vec<PathBuf>,
    dir: Option<PathBuf>,
    window: Window,
    baseline: Baseline,
    json: bool,
    zone: Zone,
}

impl ExplainPlan {
    /// The baseline `which` (`--baseline`'s forms) of a report's window of `files`.
    pub(super) fn for_report(
        files: &Files,
        window: &Window,
        which: Option<&str>,
        zone: Zone,
    ) -> Result<ExplainPlan, UsageError> {
        let (files, dir) = match files {
            Files::One(path) => (vec![path.clone()], None),
            Files::Day { dir, .. } | Files::Span { dir } | Files::Tier { dir, .. } => {
                (Vec::new(), Some(dir.clone()))
            }
        };
        Ok(ExplainPlan {
            files,
            dir,
            window: window.clone(),
            baseline: parse_baseline(which)?,
            json: false,
            zone,
        })
    }

    /// `window`, read already, against the baseline this plan chooses (read here).
    pub(super) fn explain(
        &self,
        window: &mut Pass,
        damage: &mut Vec<String>,
    ) -> Result<Explanation, Failure> {
        let (Some(from_ns), Some(to_ns)) = (window.first_ns, window.last_ns) else {
            return Err(Failure::Data(
                "no interval in the window: the logs hold fewer than two samples there; \
                 check -s/-e or --since/--until against what the log covers (rsar -f FILE)"
                    .into(),
            ));
        };
        let (bwindow, bpaths, chosen) = self.baseline(from_ns, to_ns)?;
        let mut baseline = read_pass(bpaths, &bwindow, damage)?;
        let (Some(bfrom), Some(bto)) = (baseline.first_ns, baseline.last_ns) else {
            return Err(Failure::Data(format!(
                "no interval in the baseline ({chosen}): the logs hold fewer than two samples \
                 there; choose another with --baseline"
            )));
        };
        let findings = compare(window, &mut baseline);
        Ok(Explanation {
            window: Extent {
                chosen: "the window asked".into(),
                from_ns,
                to_ns,
                intervals: window.intervals,
                process_tables: window.tables,
            },
            baseline: Extent {
                chosen,
                from_ns: bfrom,
                to_ns: bto,
                intervals: baseline.intervals,
                process_tables: baseline.tables,
            },
            findings,
            cgroups: Cgroups::of(window, &baseline),
        })
    }
}

impl ExplainArgs {
    fn plan(&self) -> Result<ExplainPlan, UsageError> {
        let window = self.moments.window(None)?;
        let dir = if self.files.is_empty() {
            Some(
                self.log_dir
                    .clone()
                    .map_or_else(crate::settings::log_dir, Ok)
                    .map_err(UsageError)?,
            )
        } else {
            self.log_dir.clone()
        };
        Ok(ExplainPlan {
            files: self.files.clone(),
            dir,
            window,
            baseline: parse_baseline(self.baseline.as_deref())?,
            json: self.format == ExplainFormat::Json,
            zone: if self.utc { Zone::Utc } else { Zone::Local },
        })
    }
}

/// Read `window` of `paths` once into a `Pass`. Damage found is added to `damage`.
pub(super) fn read_pass(
    paths: Vec<PathBuf>,
    window: &Window,
    damage: &mut Vec<String>,
) -> Result<Pass, Failure> {
    let start = WindowStart {
        since_ns: window.since_ns,
        clock: window.start_clock,
    };
    let single_day = paths.len() == 1;
    let inner = crate::source::open_recorded(paths, Follow::No, start, Path::new("/sys"))
        .map_err(|e| Failure::Data(e.to_string()))?;
    let mut source = Bounded {
        inner,
        window: window.clone(),
        single_day,
        entered: false,
        done: false,
    };
    let mut pass = Pass::default();
    let mut warn = |w: &str| eprintln!("rsar: {w}");
    let outcome = crate::pipeline::run(&mut source, window, &mut pass, false, &mut warn)?;
    // Both windows may cross the same damage: it is said once.
    for d in outcome.damage {
        if !damage.contains(&d) {
            damage.push(d);
        }
    }
    Ok(pass)
}

/// The events of a source up to where its window ends, so that a window early in a day
/// does not read the rest of it: past `--until`, or, in one day's file, at the first
/// sample after the times of day the window keeps (several days repeat them).
struct Bounded {
    inner: Box<dyn Source>,
    window: Window,
    single_day: bool,
    /// A sample in the window has been read.
    entered: bool,
    done: bool,
}

impl Source for Bounded {
    fn next(&mut self) -> Result<Option<Event>, SourceError> {
        if self.done {
            return Ok(None);
        }
        let Some(event) = self.inner.next()? else {
            return Ok(None);
        };
        if let Event::Sample(s) = &event {
            let ns = s.time.wall_ns;
            let inside = self.window.contains(ns);
            // `--until` keeps the whole second it names.
            let past_until = self
                .window
                .until_ns
                .is_some_and(|u| ns.div_euclid(1_000_000_000) > u.div_euclid(1_000_000_000));
            let clocks = self.window.start_clock.is_some() || self.window.end_clock.is_some();
            let left = self.single_day && clocks && self.entered && !inside;
            if past_until || left {
                self.done = true;
                return Ok(None);
            }
            self.entered |= inside;
        }
        Ok(Some(event))
    }

    fn origin(&self) -> (&crate::sample::HostFacts, i64) {
        self.inner.origin()
    }

    fn take_damage(&mut self) -> Vec<String> {
        self.inner.take_damage()
    }

    fn take_warnings(&mut self) -> Vec<String> {
        self.inner.take_warnings()
    }
}

impl ExplainPlan {
    /// The files holding `window`: those given with -f, else the log directory's, said
    /// after `what` when they are roll-ups.
    fn paths(&self, window: &Window, what: &str) -> Result<Vec<PathBuf>, Failure> {
        if !self.files.is_empty() {
            super::run::say_tiers(&self.files, what);
            return Ok(self.files.clone());
        }
        let Some(dir) = self.dir.clone() else {
            return Err(Failure::Data("no log directory to read".into()));
        };
        let files = if window.since_ns.is_some() || window.until_ns.is_some() {
            Files::Span { dir }
        } else {
            Files::Day { dir, days_ago: 0 }
        };
        super::run::said_log_files(&files, window, what).map_err(Failure::Data)
    }

    /// The directory of other days' logs: --log-dir, else the directory of the -f file.
    fn day_dir(&self) -> Option<PathBuf> {
        self.dir.clone().or_else(|| {
            self.files
                .first()
                .and_then(|f| f.parent())
                .map(|p| p.to_path_buf())
        })
    }

    /// The baseline's window, its files, and how it was chosen, for a window read from
    /// `from_ns` to `to_ns`.
    fn baseline(
        &self,
        from_ns: i64,
        to_ns: i64,
    ) -> Result<(Window, Vec<PathBuf>, String), Failure> {
        let span = |since: i64, until: i64| Window {
            since_ns: Some(since),
            until_ns: Some(until),
            ..Window::default()
        };
        Ok(match &self.baseline {
            Baseline::Before => {
                let w = span(from_ns - (to_ns - from_ns), from_ns);
                let paths = self.paths(&w, BASELINE)?;
                (w, paths, "the window just before".to_string())
            }
            Baseline::DaysBefore(n) => {
                let back = i64::from(*n) * DAY_NS;
                let w = span(from_ns - back, to_ns - back);
                let dir = self.day_dir().ok_or_else(|| {
                    Failure::Data("no log directory for the baseline's day: give --log-dir".into())
                })?;
                let paths = super::run::said_log_files(&Files::Span { dir }, &w, BASELINE)
                    .map_err(|e| Failure::Data(format!("the baseline ({n} days before): {e}")))?;
                let chosen = if *n == 1 {
                    "the same time yesterday".to_string()
                } else {
                    format!("the same time {n} days before")
                };
                (w, paths, chosen)
            }
            Baseline::Clock(a, b) => {
                let date = match self.zone {
                    Zone::Utc => chrono::DateTime::from_timestamp_nanos(from_ns).date_naive(),
                    _ => crate::time::local_date(from_ns),
                };
                let at = |t: chrono::NaiveTime| match self.zone {
                    Zone::Utc => date
                        .and_time(t)
                        .and_utc()
                        .timestamp_nanos_opt()
                        .unwrap_or(i64::MAX),
                    _ => crate::time::local_ns(date, t),
                };
                let w = span(at(*a), at(*b));
                let paths = self.paths(&w, BASELINE)?;
                let hm = |t: &chrono::NaiveTime| {
                    t.format(if t.second() == 0 { "%H:%M" } else { "%H:%M:%S" })
                };
                let chosen = format!("{}–{} the same day", hm(a), hm(b));
                (w, paths, chosen)
            }
            Baseline::File(path) => {
                let w = Window {
                    start_clock: self.window.start_clock,
                    end_clock: self.window.end_clock,
                    ..Window::default()
                };
                super::run::say_tiers(std::slice::from_ref(path), BASELINE);
                (w, vec![path.clone()], path.display().to_string())
            }
        })
    }
}

impl Run for ExplainArgs {
    fn run(&self) -> Result<ExitCode, Failure> {
        let plan = self.plan()?;
        let mut damage = Vec::new();
        let paths = plan.paths(&plan.window, "")?;
        let mut window = read_pass(paths, &plan.window, &mut damage)?;
        let explanation = plan.explain(&mut window, &mut damage)?;
        let mut out = io::BufWriter::new(io::stdout().lock());
        let written = if plan.json {
            serde_json::to_writer_pretty(&mut out, &crate::explain::render::to_json(&explanation))
                .map_err(io::Error::from)
                .and_then(|()| writeln!(out))
        } else {
            crate::explain::render::text(&mut out, &explanation, plan.zone)
        };
        written
            .and_then(|()| out.flush())
            .map_err(|e| Failure::Pipeline(crate::pipeline::PipelineError::Output(e)))?;
        Ok(run::said_damage(&damage))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_form_of_baseline_is_understood_and_others_refused() {
        let t = |h, m| chrono::NaiveTime::from_hms_opt(h, m, 0).unwrap();
        assert_eq!(parse_baseline(None), Ok(Baseline::Before));
        assert_eq!(parse_baseline(Some("before")), Ok(Baseline::Before));
        assert_eq!(
            parse_baseline(Some("yesterday")),
            Ok(Baseline::DaysBefore(1))
        );
        assert_eq!(parse_baseline(Some("-7d")), Ok(Baseline::DaysBefore(7)));
        assert_eq!(
            parse_baseline(Some("02:00-02:30")),
            Ok(Baseline::Clock(t(2, 0), t(2, 30)))
        );
        assert!(parse_baseline(Some("02:30-02:00")).is_err());
        assert!(parse_baseline(Some("-0d")).is_err());
        let e = parse_baseline(Some("/no/such/log")).unwrap_err();
        assert!(e.0.contains("HH:MM-HH:MM"), "{e}");
    }
}
