//! `rsar cgstat`: pidstat's interval reports for cgroups, live or from the logs.

use super::run::{self, Failure};
use super::{Mode, Run, Source, Subcommand, UsageError};
use crate::report::cgstat::{CgroupFilter, CgroupFormat, KeepingLimits, LimitBook, Part};
use crate::time::Zone;
use clap::Parser;
use std::cell::RefCell;
use std::io;
use std::path::PathBuf;
use std::process::ExitCode;
use std::rc::Rc;

/// `rsar cgstat`: per-cgroup CPU, memory, I/O and pressure over each interval.
#[derive(Debug, Parser)]
#[command(
    name = "rsar cgstat",
    version,
    about = "Per-cgroup CPU, memory, I/O and pressure over each interval, laid out as pidstat's reports, live or from rsadc's logs",
    after_help = "Examples:\n  rsar cgstat 1 5                       live, every second: %usr %sys %CPU %throttled\n  rsar cgstat -u -r -f /var/log/rsar/rsar20261121 -s 03:00 -e 03:20\n  rsar cgstat -d -g 'docker|kubepods' --depth 3 -z\n  rsar cgstat --dev -f /var/log/rsar/rsar20261121    I/O per cgroup and device\n  rsar cgstat --psi --since '2h ago' --format csv\n\nA value a cgroup lacks (its controller is off, cgroup v1 has nothing like it, no limit) prints '-', never 0.",
    args_override_self = true
)]
pub struct CgstatArgs {
    /// CPU: %usr %sys %CPU (of one CPU) %throttled (the default)
    #[arg(short = 'u')]
    pub cpu: bool,
    /// Memory: kB_used kB_anon kB_file %limit oomkills
    #[arg(short = 'r')]
    pub memory: bool,
    /// Storage I/O: rkB/s wkB/s r/s w/s
    #[arg(short = 'd')]
    pub io: bool,
    /// Storage I/O per device: -d with a row per cgroup and device (DEVICE as sar -d names
    /// it); JSON gives each cgroup its devices, CSV a device column
    #[arg(long = "dev")]
    pub per_device: bool,
    /// Pressure stalls: %scpu %fcpu %smem %fmem %sio %fio (some and full, % of the time)
    #[arg(long)]
    pub psi: bool,
    /// Only the cgroups whose path matches this regular expression (searched in the path
    /// as printed, /system.slice/nginx.service, and as rsadc's --cgroup-include takes it,
    /// without the leading /)
    #[arg(short = 'g', long = "cgroup", value_name = "REGEX")]
    pub cgroup: Option<String>,
    /// Only the cgroups down to this depth (the root is 0, system.slice 1)
    #[arg(long, value_name = "N")]
    pub depth: Option<usize>,
    /// Leave out the rows with nothing to show (every value 0 or absent)
    #[arg(short = 'z')]
    pub omit_idle: bool,
    /// Output format
    #[arg(long, value_enum, default_value_t = CgroupFormat::Table)]
    pub format: CgroupFormat,
    /// Times in UTC
    #[arg(long)]
    pub utc: bool,

    #[command(flatten)]
    pub source: Source,
}

impl Subcommand for CgstatArgs {
    const NAME: &'static str = "cgstat";

    fn command() -> clap::Command {
        <Self as clap::CommandFactory>::command()
    }
}

/// The cgroups `-g` and `--depth` choose, checked.
pub(super) fn cgroup_filter(
    pattern: Option<&str>,
    depth: Option<usize>,
) -> Result<CgroupFilter, UsageError> {
    let pattern = pattern
        .map(regex::Regex::new)
        .transpose()
        .map_err(|e| UsageError(format!("-g: {e}")))?;
    Ok(CgroupFilter { pattern, depth })
}

/// What `rsar cgstat` does, checked.
#[derive(Debug)]
pub struct CgstatPlan {
    pub options: crate::report::cgstat::CgstatOptions,
    pub proc_root: PathBuf,
    pub sys_root: PathBuf,
    pub mode: Mode,
}

impl CgstatArgs {
    pub fn plan(&self) -> Result<CgstatPlan, UsageError> {
        let mut parts: Vec<Part> = [
            (self.cpu, Part::Cpu),
            (self.memory, Part::Memory),
            (self.io || self.per_device, Part::Io),
            (self.psi, Part::Pressure),
        ]
        .into_iter()
        .filter_map(|(on, p)| on.then_some(p))
        .collect();
        if parts.is_empty() {
            parts.push(Part::Cpu);
        }
        // As pidstat: without INTERVAL or logs, one interval of a second.
        let mode = self.source.mode_or_one_interval()?;
        Ok(CgstatPlan {
            options: crate::report::cgstat::CgstatOptions {
                parts,
                filter: cgroup_filter(self.cgroup.as_deref(), self.depth)?,
                omit_idle: self.omit_idle,
                per_device: self.per_device,
                format: self.format,
                zone: if self.utc { Zone::Utc } else { Zone::Local },
            },
            proc_root: self.source.proc_root.clone(),
            sys_root: self.source.sys_root.clone(),
            mode,
        })
    }
}

impl Run for CgstatArgs {
    fn run(&self) -> Result<ExitCode, Failure> {
        let plan = self.plan()?;
        let book = Rc::new(RefCell::new(LimitBook::default()));
        // %limit needs the limits recorded before the window: read the logs from the
        // start of each day then, not from where the window starts.
        let seek = !plan.options.parts.contains(&Part::Memory);
        let keep = book.clone();
        let input = run::cgroup_input(
            &plan.mode,
            &plan.proc_root,
            &plan.sys_root,
            plan.options.filter.depth,
            seek,
            move |inner| Box::new(KeepingLimits { inner, book: keep }),
        )?;
        let stdout = io::BufWriter::new(io::stdout().lock());
        let mut out = crate::report::cgstat::Cgstat::new(stdout, plan.options, book);
        run::run_pipeline(input, &mut out)
    }
}
