//! `rsar pidstat`: pidstat's per-process reports, live or from the logs.

use super::run::{self, Failure};
use super::{Mode, Run, Source, Subcommand, UsageError};
use crate::time::Zone;
use clap::Parser;
use std::io;
use std::path::PathBuf;
use std::process::ExitCode;

/// `rsar pidstat`: pidstat's per-process reports, live or from the logs.
#[derive(Debug, Parser)]
#[command(
    name = "rsar pidstat",
    version,
    disable_help_flag = true,
    about = "Per-process CPU, memory, I/O and context switches, as pidstat prints them, live or from rsadc's logs",
    after_help = "Examples:\n  rsar pidstat 1 5                    live, every second\n  rsar pidstat -u -r -p ALL -f /var/log/rsar/rsar20261121 -s 03:00 -e 03:20\n  rsar pidstat -d -C 'postgres|java' --since '2h ago'\n  rsar pidstat -h -u -r -d 5          one line per process, for scripts\n\nWithout -p, only processes active in each interval are shown, as pidstat does.",
    args_override_self = true
)]
pub struct PidstatArgs {
    /// CPU use: %usr %system %guest %wait %CPU CPU (the default)
    #[arg(short = 'u')]
    pub cpu: bool,
    /// Memory: minflt/s majflt/s VSZ RSS %MEM
    #[arg(short = 'r')]
    pub memory: bool,
    /// Storage I/O: kB_rd/s kB_wr/s kB_ccwr/s iodelay (needs root for other users' processes)
    #[arg(short = 'd')]
    pub io: bool,
    /// Context switches: cswch/s nvcswch/s
    #[arg(short = 'w')]
    pub switches: bool,
    /// These processes: PID[,PID…] or ALL (every process, active or not)
    #[arg(short = 'p', value_name = "PID[,…]|ALL")]
    pub pids: Option<String>,
    /// Processes whose command name matches this regular expression
    #[arg(short = 'C', value_name = "REGEX")]
    pub command: Option<String>,
    /// User names instead of ids; with a name, only that user's processes
    #[arg(short = 'U', value_name = "USER", num_args = 0..=1, default_missing_value = "")]
    pub user: Option<String>,
    /// The whole command line instead of the command name
    #[arg(short = 'l')]
    pub cmdline: bool,
    /// One line per process with every report (and no averages)
    #[arg(short = 'h')]
    pub one_line: bool,
    /// Times as seconds since the epoch
    #[arg(short = 'H')]
    pub epoch: bool,
    /// Times in UTC
    #[arg(long)]
    pub utc: bool,
    /// Print help
    #[arg(long, action = clap::ArgAction::Help)]
    pub help: Option<bool>,

    #[command(flatten)]
    pub source: Source,
}

impl Subcommand for PidstatArgs {
    const NAME: &'static str = "pidstat";

    /// The command as parsed: pidstat's `-C` is the command filter, so the logs' `-C`
    /// (comments, meaningless here) gives up its short name.
    fn command() -> clap::Command {
        <Self as clap::CommandFactory>::command()
            .mut_arg("comments", |a| a.short(None).long("comments").hide(true))
    }
}

/// What `rsar pidstat` does, checked.
#[derive(Debug)]
pub struct PidstatPlan {
    pub options: crate::report::pidstat::PidstatOptions,
    pub proc_root: PathBuf,
    pub sys_root: PathBuf,
    pub mode: Mode,
}

impl PidstatArgs {
    pub fn plan(&self) -> Result<PidstatPlan, UsageError> {
        use crate::report::pidstat::{Pids, PidstatOptions};
        let pids = match self.pids.as_deref() {
            None => Pids::Active,
            Some("ALL") => Pids::All,
            Some(list) => Pids::List(
                list.split(',')
                    .map(|p| p.trim().parse::<u32>())
                    .collect::<Result<_, _>>()
                    .map_err(|_| UsageError(format!("-p takes PID[,PID…] or ALL, not {list:?}")))?,
            ),
        };
        let command = self
            .command
            .as_deref()
            .map(regex::Regex::new)
            .transpose()
            .map_err(|e| UsageError(format!("-C: {e}")))?;
        // As pidstat: no INTERVAL reports since boot; rsar needs two tables, so it takes
        // one second.
        let mode = self.source.mode_or_one_interval()?;
        Ok(PidstatPlan {
            options: PidstatOptions {
                cpu: self.cpu,
                memory: self.memory,
                io: self.io,
                switches: self.switches,
                pids,
                command,
                user_names: self.user.is_some(),
                user: self.user.clone().filter(|u| !u.is_empty()),
                cmdline: self.cmdline,
                one_line: self.one_line,
                epoch: self.epoch,
                zone: if self.utc { Zone::Utc } else { Zone::Local },
            },
            proc_root: self.source.proc_root.clone(),
            sys_root: self.source.sys_root.clone(),
            mode,
        })
    }
}

impl Run for PidstatArgs {
    fn run(&self) -> Result<ExitCode, Failure> {
        let plan = self.plan()?;
        let stdout = io::BufWriter::new(io::stdout().lock());
        let mut out = crate::report::pidstat::Pidstat::new(stdout, plan.options);
        run::process_report(&plan.mode, &plan.proc_root, &plan.sys_root, &mut out)
    }
}
