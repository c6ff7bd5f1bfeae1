//! `rsar top`: snapshots of the processes as `top -b` prints them, one per interval
//! live, or one at a past moment from the logs.

use super::run::{self, Failure};
use super::{Mode, Run, Source, Subcommand, UsageError};
use crate::time::Zone;
use clap::Parser;
use std::io;
use std::path::PathBuf;
use std::process::ExitCode;

/// `rsar top`: one snapshot of the processes, live or at a past moment.
#[derive(Debug, Parser)]
#[command(
    name = "rsar top",
    version,
    about = "Snapshots of the processes, as `top -b` prints them: one per interval live, or one at a past moment from rsadc's logs",
    after_help = "Examples:\n  rsar top                               now (over one second)\n  rsar top 2 5                           every 2 seconds, 5 times (top -b -d 2 -n 5)\n  rsar top -u www-data                   one user's processes (-p 1,42: these)\n  rsar top -f /var/log/rsar/rsar20261121 -s 03:12\n  rsar top -1 -s 03:12 --state D         what was stuck in uninterruptible sleep\n  rsar top -o %MEM -n 20",
    args_override_self = true
)]
pub struct TopArgs {
    /// Sort the processes by this column
    #[arg(short = 'o', value_enum, default_value = "%CPU", value_name = "FIELD")]
    pub sort: crate::report::top::SortBy,
    /// Only processes in these states, e.g. D (uninterruptible) or RD
    #[arg(long, value_name = "LETTERS")]
    pub state: Option<String>,
    /// Only this user's processes (a name or a uid)
    #[arg(short = 'u', value_name = "USER")]
    pub user: Option<String>,
    /// Only these processes
    #[arg(short = 'p', value_name = "PID[,…]")]
    pub pids: Option<String>,
    /// At most this many processes
    #[arg(short = 'n', value_name = "N")]
    pub lines: Option<usize>,
    /// The whole command line instead of the command name
    #[arg(short = 'c')]
    pub cmdline: bool,
    /// Times in UTC
    #[arg(long)]
    pub utc: bool,

    #[command(flatten)]
    pub source: Source,
}

impl Subcommand for TopArgs {
    const NAME: &'static str = "top";

    /// The command as parsed: top's `-o` sorts, so the live `-o FILE` gives up its short
    /// name.
    fn command() -> clap::Command {
        <Self as clap::CommandFactory>::command()
            .mut_arg("save", |a| a.short(None).long("save").hide(true))
    }
}

/// What `rsar top` does, checked.
#[derive(Debug)]
pub struct TopPlan {
    pub options: crate::report::top::TopOptions,
    pub proc_root: PathBuf,
    pub sys_root: PathBuf,
    pub mode: Mode,
}

/// How far before the asked moment `rsar top` starts reading: the process table before
/// it gives the %CPU (cron records every 10 minutes).
const TOP_LOOKBACK: chrono::Duration = chrono::Duration::minutes(15);

impl TopArgs {
    pub fn plan(&self) -> Result<TopPlan, UsageError> {
        let zone = if self.utc { Zone::Utc } else { Zone::Local };
        let mut mode = self.source.mode_or_one_interval()?;
        let (at_ns, at_clock) = moment(&mut mode);
        use crate::report::top::STATES;
        if let Some(bad) = self
            .state
            .as_deref()
            .and_then(|s| s.chars().find(|c| STATES.iter().all(|(l, _)| l != c)))
        {
            let known: Vec<String> = STATES.iter().map(|(l, m)| format!("{l} ({m})")).collect();
            return Err(UsageError(format!(
                "--state: '{bad}' is not a process state; the states are {}",
                known.join(", ")
            )));
        }
        if self.user.is_some() && self.pids.is_some() {
            return Err(UsageError(
                "-u and -p both choose the processes; give one of them (as top)".into(),
            ));
        }
        let uid = self.user.as_deref().map(user_id).transpose()?;
        let pids = self
            .pids
            .as_deref()
            .map(|list| {
                list.split(',')
                    .map(|p| p.trim().parse::<u32>())
                    .collect::<Result<Vec<_>, _>>()
                    .map_err(|_| UsageError(format!("-p takes PID[,PID…], not {list:?}")))
            })
            .transpose()?;
        // As top in batch mode: COLUMNS wide, else the terminal's width, else 80.
        let terminal = || {
            use std::io::IsTerminal;
            std::io::stdout()
                .is_terminal()
                .then(|| crossterm::terminal::size().ok())
                .flatten()
                .map(|(columns, _)| usize::from(columns))
        };
        let width = std::env::var("COLUMNS")
            .ok()
            .and_then(|c| c.parse::<usize>().ok())
            .or_else(terminal)
            .filter(|&c| c > 0)
            .unwrap_or(80);
        Ok(TopPlan {
            options: crate::report::top::TopOptions {
                at_ns,
                at_clock,
                sort: self.sort,
                states: self.state.clone(),
                lines: self.lines,
                cmdline: self.cmdline,
                uid,
                pids,
                each: matches!(mode, Mode::Live { .. }),
                width,
                pid_width: 5,
                zone,
            },
            proc_root: self.source.proc_root.clone(),
            sys_root: self.source.sys_root.clone(),
            mode,
        })
    }
}

/// The moment a snapshot from the logs is asked for (`--since` as a time, `-s` as a time
/// of day), and the window moved earlier by `TOP_LOOKBACK` so that it holds the sample
/// before that moment too (`rsar top`, `rsar cgtop`).
pub(super) fn moment(mode: &mut Mode) -> (Option<i64>, Option<chrono::NaiveTime>) {
    let (mut at_ns, mut at_clock) = (None, None);
    if let Mode::Recorded { window, .. } = mode {
        at_ns = window.since_ns;
        if let Some(since) = window.since_ns.as_mut() {
            *since -= TOP_LOOKBACK.num_nanoseconds().unwrap_or(0);
        }
        if let Some(start) = window.start_clock {
            let earlier = start - TOP_LOOKBACK;
            window.start_clock = Some(if earlier > start {
                chrono::NaiveTime::MIN
            } else {
                earlier
            });
            at_clock = Some(start);
        }
    }
    (at_ns, at_clock)
}

/// A user named or numbered, as top's `-u` takes it.
fn user_id(user: &str) -> Result<u32, UsageError> {
    if let Ok(uid) = user.parse::<u32>() {
        return Ok(uid);
    }
    match nix::unistd::User::from_name(user) {
        Ok(Some(u)) => Ok(u.uid.as_raw()),
        _ => Err(UsageError(format!(
            "-u: no user named {user:?} on this machine; give a user name or a uid"
        ))),
    }
}

impl Run for TopArgs {
    fn run(&self) -> Result<ExitCode, Failure> {
        let mut plan = self.plan()?;
        let live = matches!(plan.mode, Mode::Live { .. });
        if live {
            // top sizes its PID column to the machine's largest pid.
            let pid_max = std::fs::read_to_string(plan.proc_root.join("sys/kernel/pid_max"));
            plan.options.pid_width = pid_max.map_or(5, |m| m.trim().len());
        }
        let stdout = io::BufWriter::new(io::stdout().lock());
        let mut out = crate::report::top::Top::new(stdout, plan.options);
        if live {
            out = out.with_logged_in(crate::probe::logged_in_users);
        }
        run::process_report(&plan.mode, &plan.proc_root, &plan.sys_root, &mut out)
    }
}
