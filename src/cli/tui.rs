//! `rsar tui`: the interactive screen, live or replaying the logs.

use super::run::{self, Failure};
use super::{Files, Mode, Run, Source, Subcommand, UsageError};
use crate::source::Follow;
use crate::tui::{Feed, LiveFeed, LogsFeed};
use clap::Parser;
use std::process::ExitCode;
use std::time::Duration;

/// `rsar tui`: the interactive screen, live or replaying the logs.
#[derive(Debug, Parser)]
#[command(
    name = "rsar tui",
    version,
    about = "The machine live, or its history replayed, in the terminal (press ? for the keys)",
    after_help = "Examples:\n  rsar tui                 live, refreshed every second\n  rsar tui 5               live, every 5 seconds\n  rsar tui -1              replay yesterday\n  rsar tui -f /var/log/rsar/rsar20261121\n  rsar tui --since '2h ago'\n\nNO_COLOR set in the environment turns colours off.",
    args_override_self = true
)]
pub struct TuiArgs {
    #[command(flatten)]
    pub source: Source,
}

impl Subcommand for TuiArgs {
    const NAME: &'static str = "tui";

    /// The command as parsed: the screen runs until `q`, so COUNT only bounds it, and it
    /// follows today's log by itself.
    fn command() -> clap::Command {
        <Self as clap::CommandFactory>::command()
            .mut_arg("interval", |a| {
                a.help("Seconds between live samples (fractions allowed) [default: 1]")
            })
            .mut_arg("count", |a| {
                a.help("Quit after this many live intervals; without it, run until q")
            })
            .mut_arg("follow", |a| {
                a.help("Replay today's log (or the -f FILE), which is followed as it grows anyway")
            })
    }
}

/// What `rsar tui` shows: the screen's feed, with the days as the command line names them.
pub type TuiPlan = crate::tui::Feed<Files>;

impl TuiArgs {
    pub fn plan(&self) -> Result<TuiPlan, UsageError> {
        let s = &self.source;
        let from_logs = s.from_logs();
        if !from_logs {
            let (interval, count, save) = match &s.interval {
                None => (Duration::from_secs(1), None, s.save.clone()),
                Some(_) => match s.mode()? {
                    Mode::Live {
                        interval,
                        count,
                        save,
                    } => (interval, count, save),
                    Mode::Recorded { .. } => (Duration::from_secs(1), None, s.save.clone()),
                },
            };
            return Ok(TuiPlan::Live(LiveFeed {
                proc_root: s.proc_root.clone(),
                sys_root: s.sys_root.clone(),
                interval,
                count,
                save,
            }));
        }
        match s.mode()? {
            Mode::Recorded {
                files,
                window,
                comments,
                ..
            } => {
                // A single file, or today's, keeps being followed as it grows.
                let poll = Duration::from_secs(1);
                let follow = match &files {
                    Files::One(_) => Follow::File { poll },
                    Files::Day { dir, days_ago: 0 } => Follow::Today {
                        dir: dir.clone(),
                        poll,
                    },
                    _ => Follow::No,
                };
                // Across days of the log directory, each stretch is read from its days.
                let dir = match &files {
                    Files::Span { dir } => Some((dir.clone(), crate::store::rollup::Pick::Auto)),
                    Files::Tier {
                        dir,
                        days_ago: None,
                        pick,
                    } if window.since_ns.is_some() || window.until_ns.is_some() => {
                        Some((dir.clone(), *pick))
                    }
                    _ => None,
                };
                Ok(TuiPlan::Logs(LogsFeed {
                    files,
                    follow,
                    window,
                    comments,
                    sys_root: s.sys_root.clone(),
                    dir,
                }))
            }
            Mode::Live { .. } => Err(UsageError(
                "give either an INTERVAL or logs to replay".into(),
            )),
        }
    }
}

impl Run for TuiArgs {
    fn run(&self) -> Result<ExitCode, Failure> {
        let feed = match self.plan()? {
            Feed::Live(live) => Feed::Live(live),
            Feed::Logs(logs) => {
                let paths =
                    crate::source::log_files(&logs.files, &logs.window).map_err(Failure::Data)?;
                Feed::Logs(LogsFeed {
                    files: paths,
                    follow: logs.follow,
                    window: logs.window,
                    comments: logs.comments,
                    sys_root: logs.sys_root,
                    dir: logs.dir,
                })
            }
        };
        use std::io::IsTerminal;
        if !std::io::stdout().is_terminal() {
            return Err(Failure::Usage(
                "tui needs a terminal; for a report to a file or pipe use `rsar` without tui"
                    .into(),
            ));
        }
        let color = std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
        match crate::tui::run(feed, color) {
            // Damage found in the logs was on the screen; it is said again once the screen
            // is gone, and the exit code is a data problem's, as the reports' are.
            Ok(damage) => Ok(run::said_damage(&damage)),
            Err(e) => Err(Failure::Data(e.to_string())),
        }
    }
}
