//! `rsar diff`: two windows of the logs, or two logs, side by side: every sar report's
//! averages with the change, then the processes and cgroups that moved most. Which logs and which
//! moments is decided here; each is read once (`explain::Pass`).

use super::explain::{clock_range, read_pass, ExplainFormat};
use super::run::{self, Failure};
use super::{Run, Subcommand, UsageError};
use crate::explain::diff::{reports_and_movers, Diff};
use crate::explain::render::{Cgroups, Extent};
use crate::history::{Files, Window};
use crate::time::{parse_clock, Zone};
use clap::Parser;
use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;

/// `rsar diff`: two windows or two logs, report by report, and the processes that moved.
#[derive(Debug, Parser)]
#[command(
    name = "rsar diff",
    version,
    about = "Two windows of the logs, or two logs (before and after a deploy, host A and host B), side by side: every sar report's averages with the change, then the processes and cgroups that moved most",
    after_help = "Examples:\n  rsar diff --before 02:00-02:30 --after 03:00-03:30\n  rsar diff -f /var/log/rsar/rsar20261121 --before 09:00-10:00 --after 14:00-15:00\n  rsar diff hostA/rsar20261121 hostB/rsar20261121 -s 09:00 -e 10:00\n  rsar diff --before 02:00-02:30 --after 03:00-03:30 --format json\n\nBetween logs of different boots or hosts, a pid means nothing: processes are compared\nby command.",
    args_override_self = true
)]
pub struct DiffArgs {
    /// The two logs to compare (before, after); without them, --before and --after are
    /// two windows of the same log
    #[arg(value_name = "LOG", num_args = 0..=2)]
    pub logs: Vec<PathBuf>,

    /// The log files the windows are in (repeat -f for several days) instead of today's
    /// in the log directory
    #[arg(short = 'f', value_name = "FILE")]
    pub files: Vec<PathBuf>,

    /// Where rsadc keeps its daily logs [default: RSAR_DIR from the environment or from
    /// /etc/default/rsar, else /var/log/rsar]
    #[arg(long, value_name = "DIR")]
    pub log_dir: Option<PathBuf>,

    /// The first window: HH:MM[:SS]-HH:MM[:SS]
    #[arg(long, value_name = "FROM-TO")]
    pub before: Option<String>,

    /// The second window: HH:MM[:SS]-HH:MM[:SS]
    #[arg(long, value_name = "FROM-TO")]
    pub after: Option<String>,

    /// With two logs: the time of day each starts at (HH:MM[:SS])
    #[arg(short = 's', value_name = "HH:MM[:SS]")]
    pub start: Option<String>,

    /// With two logs: the time of day each ends at (HH:MM[:SS])
    #[arg(short = 'e', value_name = "HH:MM[:SS]")]
    pub end: Option<String>,

    /// How to print the comparison
    #[arg(long, value_enum, default_value = "text")]
    pub format: ExplainFormat,

    /// Times in UTC
    #[arg(long)]
    pub utc: bool,
}

impl Subcommand for DiffArgs {
    const NAME: &'static str = "diff";

    fn command() -> clap::Command {
        <Self as clap::CommandFactory>::command()
    }
}

/// One side of the comparison: its files, its window, and how to name it.
struct Side {
    paths: Vec<PathBuf>,
    window: Window,
    chosen: String,
}

impl DiffArgs {
    fn sides(&self) -> Result<(Side, Side), Failure> {
        let clock = |s: &Option<String>, flag: &str| -> Result<_, UsageError> {
            s.as_deref()
                .map(|c| parse_clock(c).map_err(|e| UsageError(format!("{flag} {e}"))))
                .transpose()
        };
        if let [a, b] = self.logs.as_slice() {
            if self.before.is_some() || self.after.is_some() || !self.files.is_empty() {
                return Err(UsageError(
                    "give either two logs (with -s/-e) or --before and --after (with -f), not both"
                        .into(),
                )
                .into());
            }
            let window = Window {
                start_clock: clock(&self.start, "-s")?,
                end_clock: clock(&self.end, "-e")?,
                ..Window::default()
            };
            let side = |p: &PathBuf| Side {
                paths: vec![p.clone()],
                window: window.clone(),
                chosen: p.display().to_string(),
            };
            return Ok((side(a), side(b)));
        }
        if !self.logs.is_empty() {
            return Err(UsageError(
                "give two logs to compare, or none with --before and --after".into(),
            )
            .into());
        }
        let (Some(before), Some(after)) = (&self.before, &self.after) else {
            return Err(UsageError(
                "give --before and --after (HH:MM-HH:MM each), or two logs".into(),
            )
            .into());
        };
        if self.start.is_some() || self.end.is_some() {
            return Err(UsageError(
                "-s/-e go with two logs; --before and --after are the windows".into(),
            )
            .into());
        }
        let range = |s: &str, flag: &str| -> Result<Window, UsageError> {
            let (a, b) = clock_range(s)
                .unwrap_or_else(|| Err(format!("{s:?}: give HH:MM[:SS]-HH:MM[:SS]")))
                .map_err(|e| UsageError(format!("{flag} {e}")))?;
            Ok(Window {
                start_clock: Some(a),
                end_clock: Some(b),
                ..Window::default()
            })
        };
        let (wb, wa) = (range(before, "--before")?, range(after, "--after")?);
        let paths = if self.files.is_empty() {
            let dir = self
                .log_dir
                .clone()
                .map_or_else(crate::settings::log_dir, Ok)
                .map_err(UsageError)?;
            run::said_log_files(&Files::Day { dir, days_ago: 0 }, &wb, "").map_err(Failure::Data)?
        } else {
            self.files.clone()
        };
        Ok((
            Side {
                paths: paths.clone(),
                window: wb,
                chosen: before.clone(),
            },
            Side {
                paths,
                window: wa,
                chosen: after.clone(),
            },
        ))
    }
}

impl Run for DiffArgs {
    fn run(&self) -> Result<ExitCode, Failure> {
        let (b, a) = self.sides()?;
        let mut damage = Vec::new();
        let mut read = |side: Side| -> Result<(crate::explain::Pass, Extent), Failure> {
            let pass = read_pass(side.paths, &side.window, &mut damage)?;
            let (Some(from_ns), Some(to_ns)) = (pass.first_ns, pass.last_ns) else {
                return Err(Failure::Data(format!(
                    "no interval in {}: the logs hold fewer than two samples there",
                    side.chosen
                )));
            };
            let extent = Extent {
                chosen: side.chosen,
                from_ns,
                to_ns,
                intervals: pass.intervals,
                process_tables: pass.tables,
            };
            Ok((pass, extent))
        };
        let (mut before, before_extent) = read(b)?;
        let (mut after, after_extent) = read(a)?;
        let (reports, movers, cgroup_movers) = reports_and_movers(&mut after, &mut before);
        let diff = Diff {
            before: before_extent,
            after: after_extent,
            reports,
            movers,
            cgroup_movers,
            cgroups: Cgroups::of(&after, &before),
        };
        let zone = if self.utc { Zone::Utc } else { Zone::Local };
        let mut out = io::BufWriter::new(io::stdout().lock());
        let written = match self.format {
            ExplainFormat::Json => {
                serde_json::to_writer_pretty(&mut out, &crate::explain::diff::to_json(&diff))
                    .map_err(io::Error::from)
                    .and_then(|()| writeln!(out))
            }
            ExplainFormat::Text => crate::explain::diff::text(&mut out, &diff, zone),
        };
        written
            .and_then(|()| out.flush())
            .map_err(|e| Failure::Pipeline(crate::pipeline::PipelineError::Output(e)))?;
        Ok(run::said_damage(&damage))
    }
}
