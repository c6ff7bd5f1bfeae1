//! `rsar vmstat`: procps vmstat's one line per interval, live (the first line since
//! boot, as vmstat's) or from the logs.

use super::run::{self, Failure};
use super::{Mode, Run, Source, Subcommand, UsageError};
use crate::report::Vmstat;
use clap::Parser;
use std::io;
use std::path::PathBuf;
use std::process::ExitCode;

/// `rsar vmstat`: procps vmstat's view, live or from the logs.
#[derive(Debug, Parser)]
#[command(
    name = "rsar vmstat",
    version,
    about = "One line per interval, as procps vmstat prints it: processes, memory, swap, I/O, system, CPU",
    after_help = "Examples:\n  rsar vmstat 1 5          live: the first line is since boot, as vmstat's\n  rsar vmstat -w -S M 2    wide, memory in MiB\n  rsar vmstat -f /var/log/rsar/rsar20261121 -s 09:00 -e 10:00\n  rsar vmstat --since '1h ago'",
    args_override_self = true
)]
pub struct VmstatArgs {
    /// Wide output: wider columns and the guest CPU column (gu)
    #[arg(short = 'w', long)]
    pub wide: bool,

    /// Unit of the memory columns: k (1000), K (1024), m (1000000), M (1048576) bytes
    #[arg(short = 'S', long = "unit", value_enum, default_value = "K")]
    pub unit: crate::report::Unit,

    /// Accepted for vmstat compatibility: the header is printed once anyway
    #[arg(short = 'n', long = "one-header")]
    pub one_header: bool,

    #[command(flatten)]
    pub source: Source,
}

impl Subcommand for VmstatArgs {
    const NAME: &'static str = "vmstat";

    /// The command as parsed: vmstat's lines carry no averages and no comments.
    fn command() -> clap::Command {
        <Self as clap::CommandFactory>::command()
            .mut_arg("count", |a| {
                a.help("Number of lines, the first (since boot) included; without it, until interrupted")
            })
            .mut_arg("follow", |a| {
                a.help("Keep reading the log as rsadc appends to it (today's, or the -f FILE), printing each line as it lands")
            })
            .mut_arg("comments", |a| a.hide(true))
    }
}

/// What `rsar vmstat` does, checked.
#[derive(Debug, Clone, PartialEq)]
pub struct VmstatPlan {
    /// `-w`: wide columns and the guest column.
    pub wide: bool,
    pub unit: crate::report::Unit,
    pub proc_root: PathBuf,
    pub sys_root: PathBuf,
    pub mode: Mode,
}

impl VmstatArgs {
    pub fn plan(&self) -> Result<VmstatPlan, UsageError> {
        let s = &self.source;
        if s.comments {
            return Err(UsageError(
                "vmstat's lines show no comments; `rsar -C` prints them with sar's reports".into(),
            ));
        }
        // As procps vmstat: no INTERVAL prints the one line since boot.
        let mode = s.mode_or_one_interval()?;
        Ok(VmstatPlan {
            wide: self.wide,
            unit: self.unit,
            proc_root: self.source.proc_root.clone(),
            sys_root: self.source.sys_root.clone(),
            mode,
        })
    }
}

impl Run for VmstatArgs {
    fn run(&self) -> Result<ExitCode, Failure> {
        let plan = self.plan()?;
        let input = run::input(
            &plan.mode,
            run::Live {
                proc_root: &plan.proc_root,
                sys_root: &plan.sys_root,
                since_boot: true,
                processes: false,
            },
        )?;
        let out = io::BufWriter::new(io::stdout().lock());
        let mut out = Vmstat::new(out, plan.wide, plan.unit);
        run::run_pipeline(input, &mut out)
    }
}
