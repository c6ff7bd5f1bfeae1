//! `rsar cgtop`: a systemd-cgtop snapshot of the cgroups, live or at a past moment.

use super::run::{self, Failure};
use super::{Mode, Run, Source, Subcommand, UsageError};
use crate::report::cgtop::{CgtopOptions, SortBy};
use crate::time::Zone;
use clap::Parser;
use std::io;
use std::path::PathBuf;
use std::process::ExitCode;

/// `rsar cgtop`: the cgroups over one interval, as systemd-cgtop shows them.
#[derive(Debug, Parser)]
#[command(
    name = "rsar cgtop",
    version,
    about = "The cgroups over one interval, as systemd-cgtop shows them: tasks, %CPU, memory, I/O and pressure, as a tree or flat, live or at a past moment of rsadc's logs",
    after_help = "Examples:\n  rsar cgtop                              now (over one second), as a tree\n  rsar cgtop 2 5                          every 2 seconds, 5 times\n  rsar cgtop --flat --sort memory -n 10   the 10 largest in memory\n  rsar cgtop -f /var/log/rsar/rsar20261121 -s 03:12\n  rsar cgtop -1 -s 03:12 --sort io --depth 2",
    args_override_self = true
)]
pub struct CgtopArgs {
    /// Sort by this column, largest first
    #[arg(long, value_enum, default_value_t = SortBy::Cpu, value_name = "COLUMN")]
    pub sort: SortBy,
    /// At most this many rows
    #[arg(short = 'n', value_name = "N")]
    pub lines: Option<usize>,
    /// One flat list with full paths, instead of a tree
    #[arg(long)]
    pub flat: bool,
    /// Only the cgroups whose path matches this regular expression (with or without the
    /// leading /)
    #[arg(short = 'g', long = "cgroup", value_name = "REGEX")]
    pub cgroup: Option<String>,
    /// Only the cgroups down to this depth (the root is 0, system.slice 1)
    #[arg(long, value_name = "N")]
    pub depth: Option<usize>,
    /// Times in UTC
    #[arg(long)]
    pub utc: bool,

    #[command(flatten)]
    pub source: Source,
}

impl Subcommand for CgtopArgs {
    const NAME: &'static str = "cgtop";

    fn command() -> clap::Command {
        <Self as clap::CommandFactory>::command()
    }
}

/// What `rsar cgtop` does, checked.
#[derive(Debug)]
pub struct CgtopPlan {
    pub options: CgtopOptions,
    pub proc_root: PathBuf,
    pub sys_root: PathBuf,
    pub mode: Mode,
}

impl CgtopArgs {
    pub fn plan(&self) -> Result<CgtopPlan, UsageError> {
        let mut mode = self.source.mode_or_one_interval()?;
        let (at_ns, at_clock) = super::top::moment(&mut mode);
        Ok(CgtopPlan {
            options: CgtopOptions {
                at_ns,
                at_clock,
                sort: self.sort,
                lines: self.lines,
                flat: self.flat,
                filter: super::cgstat::cgroup_filter(self.cgroup.as_deref(), self.depth)?,
                each: matches!(mode, Mode::Live { .. }),
                zone: if self.utc { Zone::Utc } else { Zone::Local },
            },
            proc_root: self.source.proc_root.clone(),
            sys_root: self.source.sys_root.clone(),
            mode,
        })
    }
}

impl Run for CgtopArgs {
    fn run(&self) -> Result<ExitCode, Failure> {
        let plan = self.plan()?;
        let input = run::cgroup_input(
            &plan.mode,
            &plan.proc_root,
            &plan.sys_root,
            plan.options.filter.depth,
            true,
            |s| s,
        )?;
        let stdout = io::BufWriter::new(io::stdout().lock());
        let mut out = crate::report::cgtop::Cgtop::new(stdout, plan.options);
        run::run_pipeline(input, &mut out)
    }
}
