//! `rsar [OPTIONS] [INTERVAL [COUNT]]`: sar's reports with sar's flags, from the report
//! catalogue (`-n`'s keywords, `-A`), live or from the logs, in sar's tables or as JSON,
//! CSV or SVG.

use super::run::{self, Failure};
use super::{Files, Mode, Run, Source, UsageError};
use crate::report::{renderer, CpuList, Format, SarVersion, Selection};
use crate::time::Zone;
use clap::Parser;
use std::ffi::OsString;
use std::io;
use std::path::PathBuf;
use std::process::ExitCode;

const EXAMPLES: &str = "\
Examples:
  rsar 1 5              CPU utilisation every second, five times (same as -u)
  rsar -u ALL 2 3       every CPU state, including irq, softirq and guest time
  rsar -P ALL 1 3       each CPU as well as the total
  rsar -q 1 5           run queue, task count, load averages, blocked tasks
  rsar -q ALL 1 5       ... and pressure stall information
  rsar -r 5             memory use every 5 seconds until Ctrl-C
  rsar -S -W 1 5        swap space and swapping
  rsar -B 1 5           paging
  rsar -b -d 1 5        I/O in total, and per block device
  rsar -n DEV 1 5       per network interface
  rsar -w 1 5           forks and context switches
  rsar -A 1 2           everything

From rsadc's daily logs (no INTERVAL):
  rsar -q               load recorded today
  rsar -r -1            memory yesterday (-2: the day before)
  rsar -u -s 09:00 -e 10:00
  rsar -d --since '2h ago'
  rsar -A -f /var/log/rsar/rsar20261121
  rsar -u --follow      as rsadc appends

Other formats and views (rsar help COMMAND, or rsar COMMAND --help, for each):
  rsar -u -q --format json 1 5      (also jsonl, csv, svg)
  rsar vmstat 1 5                   procps vmstat's columns
  rsar pidstat 1 5                  pidstat's per-process reports
  rsar top -1 -s 03:12              the processes at a past moment, as top shows them
  rsar export -1 > yesterday.om     yesterday as OpenMetrics, for Prometheus' backfill
  rsar tui                          the interactive screen

Without a log yet, an INTERVAL reports live; rsadc records the logs (man rsadc). The log
directory is --log-dir, else RSAR_DIR from the environment or from /etc/default/rsar.

Exit status: 0 success, 1 bad usage, 2 a data problem (unreadable counters or log,
damaged records).";

/// sar's flags, as typed.
#[derive(Debug, Parser)]
#[command(
    name = "rsar",
    version,
    about = "Report system activity as sar does: CPU, load, memory, swap, paging, I/O, network",
    long_about = "Report system activity as sar does: CPU, load, memory, swap, paging, I/O, \
network and pressure, with sar's flags, columns and formulas. With an INTERVAL, rsar samples \
/proc live; without one it reads the daily logs that rsadc writes (today's, -N days ago, \
-f FILE, or --since/--until). Reports print as sar's tables, or as JSON (sadf's layout), \
JSON Lines, CSV or SVG charts.",
    after_help = EXAMPLES,
    disable_help_flag = true,
    // sar takes a flag given twice (`-u -u`, `-q -q ALL`); the last one counts.
    args_override_self = true
)]
pub struct Args {
    /// CPU utilisation (the default report). `-u ALL` shows every CPU state
    #[arg(short = 'u', value_name = "ALL", num_args = 0..=1, require_equals = true, default_missing_value = "")]
    pub cpu: Option<String>,

    /// Per-CPU utilisation for the listed CPUs (`-P 0,3`) or for every CPU (`-P ALL`);
    /// with -I or -m CPU, their per-CPU columns or rows instead
    #[arg(short = 'P', value_name = "N[,M…]|ALL")]
    pub cpus: Option<String>,

    /// Run queue, task list and load averages (`-q LOAD`); pressure stall information with
    /// `-q CPU`, `-q IO`, `-q MEM` (a comma list, `-q PSI` for all three), `-q ALL` for everything
    #[arg(short = 'q', value_name = "KEYWORD[,…]", num_args = 0..=1, require_equals = true, default_missing_value = "")]
    pub queue: Option<String>,

    /// Memory utilisation. `-r ALL` adds anon, slab, kernel stack, page table and vmalloc use
    #[arg(short = 'r', value_name = "ALL", num_args = 0..=1, require_equals = true, default_missing_value = "")]
    pub memory: Option<String>,

    /// Swap space utilisation
    #[arg(short = 'S')]
    pub swap: bool,

    /// Swapping: pages swapped in and out per second
    #[arg(short = 'W')]
    pub swap_pages: bool,

    /// Paging: page-ins, page-outs, faults, reclaim
    #[arg(short = 'B')]
    pub paging: bool,

    /// I/O and transfer rates over all physical disks
    #[arg(short = 'b')]
    pub io: bool,

    /// Activity of each block device
    #[arg(short = 'd')]
    pub disk: bool,

    /// Easier to read, as sar's -p: the device, interface or interrupt name last in the
    /// rows of -d, -n DEV, -n EDEV and -I
    #[arg(short = 'p', long = "pretty")]
    pub pretty: bool,

    #[arg(short = 'n', value_name = "KEYWORD", help = network_help())]
    pub network: Option<String>,

    /// Task creation and context switches
    #[arg(short = 'w')]
    pub tasks: bool,

    /// Interrupts per second: `-I SUM` (the total), `-I ALL` (every line), or lines by
    /// number or name (`-I 0,9,LOC`); `-P` adds a column per listed CPU
    #[arg(short = 'I', value_name = "SUM|ALL|N[,M…]", num_args = 0..=1, require_equals = true, default_missing_value = "SUM")]
    pub interrupts: Option<String>,

    /// Interrupt lines to show with -I: numbers, ranges (30-50, 4000-), names, sum
    #[arg(long = "int", value_name = "LIST")]
    pub int_filter: Option<String>,

    /// Filesystems: free and used space and inodes; `-F MOUNT` names them by mount point
    #[arg(short = 'F', value_name = "MOUNT", num_args = 0..=1, require_equals = true, default_missing_value = "")]
    pub filesystems: Option<String>,

    /// Power management: `-m CPU` (each CPU's clock). sar's FAN, TEMP, IN, USB and BAT
    /// need sensors this kind of machine lacks and are refused
    #[arg(short = 'm', value_name = "CPU")]
    pub power: Option<String>,

    /// Persistent device names in -d: the names of the links in /dev/disk/by-TYPE (ID,
    /// LABEL, PATH, UUID, …; SID: the device's stable identifier, its WWN where it has
    /// one) that lead to each device
    #[arg(short = 'j', value_name = "SID|ID|LABEL|PATH|UUID|…")]
    pub persistent: Option<String>,

    /// Where -j finds disk/by-TYPE (a captured tree, a container's view of the host)
    #[arg(
        long = "dev-root",
        value_name = "DIR",
        default_value = "/dev",
        hide = true
    )]
    pub dev_root: PathBuf,

    /// Only these block devices in -d (comma list of names: --dev=vda,sdb)
    #[arg(long = "dev", value_name = "DEV[,DEV…]", value_delimiter = ',')]
    pub devices: Option<Vec<String>>,

    /// Only these interfaces in -n DEV and -n EDEV (comma list: --iface=eth0,lo)
    #[arg(long = "iface", value_name = "IFACE[,IFACE…]", value_delimiter = ',')]
    pub ifaces: Option<Vec<String>>,

    /// Only these filesystems in -F: names (--fs=/dev/vda), or mount points with -F MOUNT
    #[arg(long = "fs", value_name = "FS[,FS…]", value_delimiter = ',')]
    pub fs: Option<Vec<String>>,

    /// Leave out devices, interfaces, interrupts and serial lines with no activity in the
    /// interval
    #[arg(short = 'z')]
    pub omit_idle: bool,

    /// Serial lines (TTY): interrupts and errors per second (needs root, as sar)
    #[arg(short = 'y')]
    pub serial: bool,

    /// Huge pages utilisation
    #[arg(short = 'H')]
    pub hugepages: bool,

    /// Kernel tables: unused dentries, file handles, inodes and ptys in use
    #[arg(short = 'v')]
    pub ktables: bool,

    /// All reports: -bBdFHqSrvwWy -I ALL -m CPU -n ALL -u ALL -r ALL -q ALL -P ALL
    #[arg(short = 'A')]
    pub all: bool,

    /// Show times in UTC instead of the local time zone
    #[arg(long)]
    pub utc: bool,

    /// From a file: show times (and the banner's date) in the zone of the machine that
    /// recorded it, as it was when the file was started (the first file's, with several);
    /// live, no effect
    #[arg(short = 't')]
    pub recorder_zone: bool,

    /// Print -r, -B and -n ETCP as this sysstat release does, in every format: 12.6
    /// (Debian 12, Ubuntu 22.04 to 24.04: no kbshmem, kbmemused without MemAvailable,
    /// %vmeff, retrans/s) or 12.7.8 (the default). The environment variable
    /// RSAR_SAR_VERSION sets it too
    #[arg(long = "sar-version", value_name = "12.6|12.7.8")]
    pub sar_version: Option<String>,

    /// For a human, as sar's -h: --human and --pretty
    #[arg(short = 'h')]
    pub human_pretty: bool,

    /// Sizes with a unit letter (2.2G, 512.0k) and percentages with their sign (2.5%), in
    /// the columns sar prints so
    #[arg(long = "human")]
    pub human: bool,

    /// Decimals of the real numbers in the tables: 0, 1 or 2 (the default)
    #[arg(long = "dec", value_name = "0|1|2", value_parser = clap::value_parser!(u8).range(0..=2))]
    pub decimals: Option<u8>,

    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,

    #[command(flatten)]
    pub source: Source,

    /// Print help
    #[arg(long, action = clap::ArgAction::Help)]
    pub help: Option<bool>,
}

/// What the user asked for, checked.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    pub selection: Selection,
    pub format: Format,
    pub zone: Zone,
    /// `-t`: from the logs, `zone` gives way to the recording machine's offset, known
    /// once the first file is open.
    pub recorder_zone: bool,
    pub proc_root: PathBuf,
    pub sys_root: PathBuf,
    pub mode: Mode,
}

/// sar's flags that rsar does not have, and what they do in sar.
const SAR_ONLY: &[(&str, &str)] = &[
    ("-D", "saDD file names for -o"),
    ("--sadc", "printing sadc's path"),
];

/// A flag sar has and rsar does not, said plainly (clap would call it unexpected).
pub fn sar_only_flag(args: &[OsString]) -> Option<UsageError> {
    for arg in args.iter().skip(1) {
        let arg = arg.to_string_lossy();
        if arg == "--" {
            break;
        }
        let flag = arg.split('=').next().unwrap_or_default();
        let flag = if flag.starts_with("--") {
            flag.to_string()
        } else {
            match sar_only_in_cluster(flag) {
                Some(c) => format!("-{c}"),
                None => continue,
            }
        };
        if let Some((f, what)) = SAR_ONLY.iter().find(|(f, _)| *f == flag) {
            return Some(UsageError(format!(
                "{f} ({what} in sar) is not supported by rsar"
            )));
        }
    }
    None
}

/// The first of sar's short flags that rsar lacks in a cluster of short flags (`-dh`,
/// `-jID`), up to the first flag that takes a value (`-f`, `-P`, …: the rest is it).
fn sar_only_in_cluster(arg: &str) -> Option<char> {
    let cluster = arg.strip_prefix('-')?;
    for c in cluster.chars() {
        match c {
            'D' => return Some(c),
            'j' | 'P' | 'n' | 'f' | 's' | 'e' | 'i' | 'o' | 'm' | 'I' | 'F' | 'u' | 'r' | 'q' => {
                return None
            }
            c if !c.is_ascii_alphabetic() => return None,
            _ => {}
        }
    }
    None
}

fn keyword(flag: char, v: &Option<String>) -> Result<Option<bool>, UsageError> {
    match v.as_deref() {
        None => Ok(None),
        Some("") => Ok(Some(false)),
        Some("ALL") => Ok(Some(true)),
        Some(other) => Err(UsageError(format!(
            "-{flag} accepts only the keyword ALL, not {other:?}"
        ))),
    }
}

/// `-j TYPE`: each block device's persistent name, from the links in
/// `DEV/disk/by-TYPE` (lower case, as sar looks for them), kernel name first. A device
/// with several links takes the first by name; `SID` looks in by-id and prefers the
/// device's World Wide Name (`wwn-…`), which stays the same across reboots.
fn persistent_names(
    dev: &std::path::Path,
    kind: &str,
) -> Result<Vec<(String, String)>, UsageError> {
    let stable = kind.eq_ignore_ascii_case("SID");
    let by = if stable {
        "by-id".to_string()
    } else {
        format!("by-{}", kind.to_ascii_lowercase())
    };
    let dir = dev.join("disk").join(by);
    let entries = std::fs::read_dir(&dir).map_err(|e| {
        UsageError(format!(
            "-j {kind}: cannot read {}: {e}; persistent names are the links udev makes \
             there (ls {} shows the types this machine has)",
            dir.display(),
            dev.join("disk").display()
        ))
    })?;
    let mut links: Vec<(String, String)> = entries
        .filter_map(Result::ok)
        .filter_map(|e| {
            let target = std::fs::read_link(e.path()).ok()?;
            let device = target.file_name()?.to_str()?.to_string();
            Some((device, e.file_name().to_str()?.to_string()))
        })
        .collect();
    // The first name of each device: a WWN first for SID, then by name.
    links.sort_by(|a, b| {
        let wwn = |n: &str| !(stable && n.starts_with("wwn-"));
        (&a.0, wwn(&a.1), &a.1).cmp(&(&b.0, wwn(&b.1), &b.1))
    });
    links.dedup_by(|a, b| a.0 == b.0);
    Ok(links)
}

/// The environment variable that chooses the sysstat release rsar's reports follow.
pub const SAR_VERSION_ENV: &str = "RSAR_SAR_VERSION";

/// `--sar-version`, else `RSAR_SAR_VERSION`, else 12.7.8.
fn sar_version(flag: Option<&str>) -> Result<SarVersion, UsageError> {
    let env = std::env::var(SAR_VERSION_ENV)
        .ok()
        .filter(|v| !v.is_empty());
    let (given, from) = match (flag, env.as_deref()) {
        (Some(v), _) => (v, "--sar-version".to_string()),
        (None, Some(v)) => (v, format!("{SAR_VERSION_ENV} in the environment")),
        (None, None) => return Ok(SarVersion::default()),
    };
    SarVersion::parse(given).ok_or_else(|| {
        UsageError(format!(
            "{from}: rsar prints sar's reports as sysstat 12.6 or 12.7.8 does, not {given:?}; \
             give 12.6 or 12.7.8"
        ))
    })
}

/// `-q [KEYWORD[,KEYWORD…]]`, as sar 12.6 takes it: LOAD (also no keyword), CPU, IO and
/// MEM pressure, PSI (the three pressures), ALL (everything).
fn select_queue(sel: &mut Selection, list: &str) -> Result<(), UsageError> {
    use crate::report::Table::Queue;
    // The pressure reports are the catalogue's `-q KEYWORD` entries.
    let pressure = || {
        crate::report::REPORTS
            .iter()
            .filter_map(|r| r.flag.strip_prefix("-q ").map(|k| (k, r.table)))
    };
    if list.is_empty() {
        sel.ask(Queue);
        return Ok(());
    }
    for keyword in list.split(',') {
        match keyword {
            "LOAD" => sel.ask(Queue),
            "PSI" | "ALL" => {
                if keyword == "ALL" {
                    sel.ask(Queue);
                }
                pressure().for_each(|(_, t)| sel.ask(t));
            }
            _ => match pressure().find(|(k, _)| *k == keyword) {
                Some((_, t)) => sel.ask(t),
                None => {
                    return Err(UsageError(format!(
                        "-q accepts the keywords LOAD, CPU, IO, MEM, PSI and ALL (a comma list: \
                         -q LOAD,CPU), not {keyword:?}"
                    )))
                }
            },
        }
    }
    Ok(())
}

/// The catalogue's `-n` reports, by keyword.
fn network() -> impl Iterator<Item = (&'static str, &'static crate::report::Report)> {
    crate::report::REPORTS
        .iter()
        .filter_map(|r| r.flag.strip_prefix("-n ").map(|k| (k, r)))
}

/// `-n`'s help: its keywords from the catalogue, so that a new `-n` report is listed
/// where it is declared.
fn network_help() -> &'static str {
    static HELP: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
        let keywords: Vec<String> = network()
            .map(|(k, r)| format!("{k} ({})", lowercase_word(r.title)))
            .collect();
        format!(
            "Network statistics: {}; a comma list of them (`-n TCP,ETCP`), or ALL",
            keywords.join(", ")
        )
    });
    &HELP
}

/// A title in a sentence: its first word in lower case unless it is an acronym
/// ("Network interfaces" → "network interfaces", "NFS client" as it is).
fn lowercase_word(title: &str) -> String {
    let mut chars = title.chars();
    match (chars.next(), chars.next()) {
        (Some(first), Some(second)) if second.is_lowercase() => first
            .to_lowercase()
            .chain(title[first.len_utf8()..].chars())
            .collect(),
        _ => title.to_string(),
    }
}

/// `-n KEYWORD[,KEYWORD…]`: the catalogue's `-n` reports by keyword, or `ALL`.
fn select_network(sel: &mut Selection, list: &str) -> Result<(), UsageError> {
    for keyword in list.split(',') {
        if keyword == "ALL" {
            network().for_each(|(_, r)| sel.ask(r.table));
            continue;
        }
        match network().find(|(k, _)| *k == keyword) {
            Some((_, r)) => sel.ask(r.table),
            None => {
                let known: Vec<&str> = network().map(|(k, _)| k).collect();
                return Err(UsageError(format!(
                    "-n {keyword}: rsar reports these network activities: {} (or ALL)",
                    known.join(", ")
                )));
            }
        }
    }
    Ok(())
}

impl Args {
    /// Check the values and decide what to do.
    pub fn plan(&self) -> Result<Plan, UsageError> {
        let mut sel = if self.all {
            Selection::all()
        } else {
            Selection::default()
        };
        use crate::report::{ItemFilter, Table};
        if let Some(all) = keyword('u', &self.cpu)? {
            sel.ask(Table::Cpu);
            if all {
                sel.ask_all_columns(Table::Cpu);
            }
        }
        if let Some(list) = &self.queue {
            select_queue(&mut sel, list)?;
        }
        if let Some(all) = keyword('r', &self.memory)? {
            sel.ask(Table::Memory);
            if all {
                sel.ask_all_columns(Table::Memory);
            }
        }
        for (given, table) in [
            (self.swap, Table::Swap),
            (self.swap_pages, Table::SwapPages),
            (self.paging, Table::Paging),
            (self.io, Table::Io),
            (self.disk, Table::Disk),
            (self.tasks, Table::Tasks),
        ] {
            if given {
                sel.ask(table);
            }
        }
        if let Some(list) = &self.interrupts {
            sel.ask(Table::Interrupts);
            if list == "ALL" && self.int_filter.is_none() {
                sel.interrupts.all = true;
            } else {
                sel.interrupts
                    .add(list)
                    .map_err(|e| UsageError(format!("-I: {e}")))?;
            }
        }
        if let Some(list) = &self.int_filter {
            // --int= chooses the lines: it replaces -I ALL's (and -A's) "every line".
            sel.ask(Table::Interrupts);
            sel.interrupts.all = false;
            sel.interrupts
                .add(list)
                .map_err(|e| UsageError(format!("--int: {e}")))?;
        }
        match self.filesystems.as_deref() {
            None => {}
            Some("") => sel.ask(Table::Filesystems),
            Some("MOUNT") => sel.ask(Table::FsMount),
            Some(other) => {
                return Err(UsageError(format!(
                    "-F accepts only the keyword MOUNT, not {other:?}"
                )))
            }
        }
        if let Some(list) = &self.power {
            for kw in list.split(',') {
                match kw {
                    "CPU" | "ALL" => sel.ask(Table::CpuFreq),
                    "FAN" | "TEMP" | "IN" | "USB" | "BAT" | "FREQ" => {
                        return Err(UsageError(format!(
                            "-m {kw} is not supported by rsar: it needs hardware sensors (lm-sensors, \
                             USB, batteries, cpufreq statistics) that rsar does not read; -m CPU works"
                        )))
                    }
                    other => {
                        return Err(UsageError(format!(
                            "-m accepts CPU (or ALL), not {other:?}"
                        )))
                    }
                }
            }
        }
        for (given, table) in [
            (self.serial, Table::Serial),
            (self.hugepages, Table::Hugepages),
            (self.ktables, Table::Ktables),
        ] {
            if given {
                sel.ask(table);
            }
        }
        sel.pretty |= self.pretty || self.human_pretty;
        sel.human |= self.human || self.human_pretty;
        sel.sar_version = sar_version(self.sar_version.as_deref())?;
        sel.decimals = self.decimals;
        if let Some(kind) = &self.persistent {
            sel.disk_names = Some(persistent_names(&self.dev_root, kind)?);
        }
        for (given, filter) in [
            (&self.devices, ItemFilter::Dev),
            (&self.ifaces, ItemFilter::Iface),
            (&self.fs, ItemFilter::Fs),
        ] {
            if let Some(items) = given {
                sel.keep_only(filter, items.clone());
            }
        }
        sel.omit_idle |= self.omit_idle;
        if let Some(net) = &self.network {
            select_network(&mut sel, net)?;
        }
        if let Some(list) = &self.cpus {
            // -P picks the CPUs of -u, -n SOFT, -I's and -m CPU's columns; alone it means -u
            // (below), as in sar.
            sel.cpus = parse_cpu_list(list)?;
        }
        if sel.reports().is_empty() {
            sel.ask(Table::Cpu);
        }
        if self.utc && self.recorder_zone {
            return Err(UsageError(
                "--utc and -t exclude each other: times are shown in UTC or in the recording \
                 machine's zone"
                    .into(),
            ));
        }
        let zone = if self.utc { Zone::Utc } else { Zone::Local };
        let mode = self.source.mode()?;
        Ok(Plan {
            selection: sel,
            format: self.format,
            zone,
            recorder_zone: self.recorder_zone,
            proc_root: self.source.proc_root.clone(),
            sys_root: self.source.sys_root.clone(),
            mode,
        })
    }
}

/// `-P ALL` or `-P 0,2,5` (sar also takes ranges: `-P 0-3`).
fn parse_cpu_list(list: &str) -> Result<CpuList, UsageError> {
    if list == "ALL" {
        return Ok(CpuList::All);
    }
    let bad = || {
        UsageError(format!(
            "-P expects ALL or CPU numbers such as 0,2-3, not {list:?}"
        ))
    };
    let mut cpus = Vec::new();
    for part in list.split(',') {
        match part.split_once('-') {
            Some((a, b)) => {
                let (a, b): (usize, usize) =
                    (a.parse().map_err(|_| bad())?, b.parse().map_err(|_| bad())?);
                if a > b || b >= 1 << 16 {
                    return Err(bad());
                }
                cpus.extend(a..=b);
            }
            None => cpus.push(part.parse().map_err(|_| bad())?),
        }
    }
    cpus.sort_unstable();
    cpus.dedup();
    Ok(CpuList::Some(cpus))
}

impl Run for Args {
    /// The report the plan asks for, live or from the logs, through the one pipeline.
    fn run(&self) -> Result<ExitCode, Failure> {
        let plan = self.plan()?;
        let (mode, zone) = match (&plan.mode, plan.recorder_zone) {
            (Mode::Recorded { .. }, true) => plan.in_recorder_zone()?,
            _ => (plan.mode.clone(), plan.zone),
        };
        let input = run::input(
            &mode,
            run::Live {
                proc_root: &plan.proc_root,
                sys_root: &plan.sys_root,
                since_boot: false,
                processes: false,
            },
        )?;
        let out = io::BufWriter::new(io::stdout().lock());
        let mut out = renderer(plan.format, input.layout, out, &plan.selection, zone);
        run::run_pipeline(input, out.as_mut())
    }
}

impl Plan {
    /// `-t`: the zone of the machine that recorded the first file read, as sar takes it,
    /// and the report's `-s`/`-e` in that zone when one day is read (sar reads one file).
    fn in_recorder_zone(&self) -> Result<(Mode, Zone), Failure> {
        let mut mode = self.mode.clone();
        let Mode::Recorded { files, window, .. } = &mut mode else {
            return Ok((mode, Zone::Local));
        };
        let paths = crate::source::log_files(files, window).map_err(Failure::Data)?;
        let recorder = match paths.first() {
            Some(first) => {
                crate::source::Recorder::of(first).map_err(|e| Failure::Data(e.to_string()))?
            }
            None => None,
        };
        let Some(recorder) = recorder else {
            return Ok((mode, Zone::Local));
        };
        if !matches!(files, Files::Span { .. }) {
            *window = recorder.window(window);
        }
        Ok((mode, recorder.zone()))
    }
}

#[cfg(test)]
mod tests {
    use super::super::normalize;
    use super::*;
    use crate::report::{Table, REPORTS};
    use std::time::Duration;

    fn plan(args: &[&str]) -> Result<Plan, UsageError> {
        let argv = normalize(
            std::iter::once("rsar")
                .chain(args.iter().copied())
                .map(OsString::from),
        );
        Args::try_parse_from(argv)
            .map_err(|e| UsageError(e.to_string()))?
            .plan()
    }

    #[test]
    fn no_flag_means_cpu() {
        let p = plan(&["1", "3"]).unwrap();
        assert_eq!(p.selection.tables(), vec![crate::report::Table::Cpu]);
        assert_eq!(
            p.mode,
            Mode::Live {
                interval: Duration::from_secs(1),
                count: Some(3),
                save: None,
            }
        );
    }

    #[test]
    fn keyword_all_is_not_mistaken_for_the_interval() {
        let p = plan(&["-u", "ALL", "1", "2"]).unwrap();
        assert!(p.selection.all_columns(Table::Cpu));
        let p = plan(&["-u", "1", "2"]).unwrap();
        assert_eq!(flags(&p.selection), ["-u"]);
        assert!(!p.selection.all_columns(Table::Cpu));
        assert!(matches!(p.mode, Mode::Live { count: Some(2), .. }));
        let p = plan(&["-r", "ALL", "-q", "ALL", "2"]).unwrap();
        assert!(p.selection.all_columns(Table::Memory));
        assert_eq!(
            flags(&p.selection),
            ["-r", "-q", "-q CPU", "-q IO", "-q MEM"]
        );
        assert!(matches!(p.mode, Mode::Live { count: None, .. }));
    }

    /// sar 12.6's `-q` keywords, alone or in a comma list, before the INTERVAL.
    #[test]
    fn queue_keywords() {
        let p = plan(&["-q", "CPU", "1", "2"]).unwrap();
        assert_eq!(flags(&p.selection), ["-q CPU"]);
        assert!(matches!(p.mode, Mode::Live { count: Some(2), .. }));
        let s = plan(&["-q", "IO,MEM", "1"]).unwrap().selection;
        assert_eq!(flags(&s), ["-q IO", "-q MEM"]);
        let s = plan(&["-q", "LOAD", "1"]).unwrap().selection;
        assert_eq!(flags(&s), ["-q"]);
        let s = plan(&["-q", "PSI", "1"]).unwrap().selection;
        assert_eq!(flags(&s), ["-q CPU", "-q IO", "-q MEM"]);
        let s = plan(&["-q", "ALL", "1"]).unwrap().selection;
        assert_eq!(flags(&s), ["-q", "-q CPU", "-q IO", "-q MEM"]);
        let s = plan(&["-q", "1", "1"]).unwrap().selection;
        assert_eq!(flags(&s), ["-q"]);
        let e = plan(&["-q", "CPUS", "1"]).unwrap_err().0;
        assert!(
            e.contains("CPUS") && e.contains("LOAD, CPU, IO, MEM"),
            "{e}"
        );
    }

    #[test]
    fn sar_version_switch() {
        // The environment is the test process's: only the flag is checked here (the
        // variable in tests/sar_switches.rs, on the binary).
        if std::env::var_os(SAR_VERSION_ENV).is_some() {
            return;
        }
        assert_eq!(
            plan(&["1"]).unwrap().selection.sar_version,
            SarVersion::V12_7_8
        );
        let p = plan(&["--sar-version", "12.6", "-r", "1"]).unwrap();
        assert_eq!(p.selection.sar_version, SarVersion::V12_6);
        let e = plan(&["--sar-version", "11.7", "1"]).unwrap_err().0;
        assert!(e.contains("11.7") && e.contains("12.6 or 12.7.8"), "{e}");
    }

    /// sar's flags that rsar lacks are named, alone or in a cluster, in one line.
    #[test]
    fn sar_only_flags_are_named() {
        let said = |args: &[&str]| {
            let argv: Vec<OsString> = std::iter::once("rsar")
                .chain(args.iter().copied())
                .map(OsString::from)
                .collect();
            sar_only_flag(&argv).map(|e| e.0)
        };
        let e = said(&["-dD", "1"]).unwrap();
        assert_eq!(
            e,
            "-D (saDD file names for -o in sar) is not supported by rsar"
        );
        assert_eq!(said(&["-dt", "1"]), None, "-t is rsar's too");
        assert_eq!(said(&["-dh", "1"]), None, "-h is rsar's too");
        assert!(said(&["-Dj", "ID"]).unwrap().starts_with("-D ("));
        assert_eq!(said(&["-jID", "-d"]), None);
        assert!(said(&["-D", "-f", "x"]).unwrap().starts_with("-D ("));
        assert!(said(&["--sadc"]).unwrap().starts_with("--sadc ("));
        // Values are not flags: a file named -tx, a start time, days ago.
        assert_eq!(
            said(&["-f", "/tmp/sa-th", "-s", "10:00", "-1", "-uq"]),
            None
        );
        assert_eq!(said(&["-fth"]), None);
    }

    /// `-j`: the links of a disk/by-TYPE tree, the first name of each device.
    #[test]
    fn persistent_names_from_links() {
        let dev = tempfile::tempdir().unwrap();
        let by_id = dev.path().join("disk/by-id");
        std::fs::create_dir_all(&by_id).unwrap();
        for (link, to) in [
            ("virtio-abc", "../../vda"),
            ("wwn-0x5000", "../../vda"),
            ("virtio-abc-part1", "../../vda1"),
        ] {
            std::os::unix::fs::symlink(to, by_id.join(link)).unwrap();
        }
        let names = persistent_names(dev.path(), "ID").unwrap();
        assert_eq!(
            names,
            [
                ("vda".to_string(), "virtio-abc".to_string()),
                ("vda1".to_string(), "virtio-abc-part1".to_string())
            ]
        );
        let stable = persistent_names(dev.path(), "SID").unwrap();
        assert_eq!(stable[0], ("vda".to_string(), "wwn-0x5000".to_string()));
        let e = persistent_names(dev.path(), "LABEL").unwrap_err().0;
        assert!(e.contains("-j LABEL") && e.contains("by-label"), "{e}");
    }

    #[test]
    fn clustered_flags() {
        let p = plan(&["-uqr", "1", "1"]).unwrap();
        assert_eq!(flags(&p.selection), ["-u", "-r", "-q"]);
        assert!(!p.selection.all_columns(Table::Cpu) && !p.selection.all_columns(Table::Memory));
    }

    #[test]
    fn cpu_lists() {
        assert_eq!(parse_cpu_list("ALL").unwrap(), CpuList::All);
        assert_eq!(
            parse_cpu_list("3,0-1,1").unwrap(),
            CpuList::Some(vec![0, 1, 3])
        );
        assert!(parse_cpu_list("x").is_err());
        assert!(parse_cpu_list("3-1").is_err());
        let p = plan(&["-P", "1", "1", "1"]).unwrap();
        assert_eq!(flags(&p.selection), ["-u"], "-P implies -u");
    }

    #[test]
    fn bad_values_are_named() {
        assert!(plan(&["0"]).unwrap_err().0.contains("INTERVAL"));
        assert!(plan(&["1", "0"]).unwrap_err().0.contains("COUNT"));
        let e = plan(&["-n", "TCPX", "1"]).unwrap_err().0;
        assert!(e.contains("TCPX") && e.contains("DEV, EDEV"), "{e}");
        let p = plan(&["-n", "DEV,EDEV", "1"]).unwrap();
        assert_eq!(flags(&p.selection), ["-n DEV", "-n EDEV"]);
        let p = plan(&["-n", "TCP,ETCP,SOCK6", "1"]).unwrap();
        assert_eq!(flags(&p.selection), ["-n TCP", "-n ETCP", "-n SOCK6"]);
        let p = plan(&["-n", "ALL", "1"]).unwrap();
        let network: Vec<&str> = REPORTS
            .iter()
            .map(|r| r.flag)
            .filter(|f| f.starts_with("-n "))
            .collect();
        assert_eq!(flags(&p.selection), network);
        // -P picks the CPUs of -n SOFT; it means -u only when nothing else is asked for.
        let p = plan(&["-n", "SOFT", "-P", "ALL", "1"]).unwrap();
        assert_eq!(flags(&p.selection), ["-n SOFT"]);
        assert_eq!(p.selection.cpus, CpuList::All);
        assert!(plan(&["-u=SOME", "1"]).unwrap_err().0.contains("SOME"));
        assert!(plan(&["-f", "x", "1", "3"])
            .unwrap_err()
            .0
            .contains("COUNT"));
        assert!(plan(&["-o", "x", "-f", "y"]).unwrap_err().0.contains("-o"));
        assert!(plan(&["-s", "9x"]).unwrap_err().0.contains("-s"));
        // A length is a moment, as --since takes it: nine hours ago.
        assert!(plan(&["-s", "9h"]).is_ok());
        assert!(plan(&["--since", "soon"]).unwrap_err().0.contains("soon"));
    }

    #[test]
    fn log_modes() {
        let p = plan(&["-q"]).unwrap();
        assert!(matches!(
            p.mode,
            Mode::Recorded {
                files: Files::Day { days_ago: 0, .. },
                ..
            }
        ));
        let p = plan(&["-1", "-r"]).unwrap();
        assert!(matches!(
            p.mode,
            Mode::Recorded {
                files: Files::Day { days_ago: 1, .. },
                ..
            }
        ));
        assert_eq!(flags(&p.selection), ["-r"]);
        let p = plan(&["-f", "/x/rsar20261121", "-s", "09:00", "-e", "10:00"]).unwrap();
        match p.mode {
            Mode::Recorded { files, window, .. } => {
                assert_eq!(files, Files::One("/x/rsar20261121".into()));
                assert!(window.start_clock.is_some() && window.end_clock.is_some());
            }
            m => panic!("{m:?}"),
        }
        let p = plan(&["--since", "2h ago"]).unwrap();
        assert!(matches!(
            p.mode,
            Mode::Recorded {
                files: Files::Span { .. },
                ..
            }
        ));
        let p = plan(&["-f", "x", "600"]).unwrap();
        match p.mode {
            Mode::Recorded { window, .. } => assert_eq!(window.every_s, Some(600)),
            m => panic!("{m:?}"),
        }
    }

    #[test]
    fn kernel_side_flags() {
        let p = plan(&["-I", "SUM", "1", "2"]).unwrap();
        assert!(p.selection.asks(Table::Interrupts) && p.selection.interrupts.shows("sum"));
        assert!(matches!(p.mode, Mode::Live { count: Some(2), .. }));
        // A lone number after -I is the interval, not an interrupt.
        let p = plan(&["-I", "1", "2"]).unwrap();
        assert!(matches!(p.mode, Mode::Live { count: Some(2), .. }));
        let p = plan(&["-I", "ALL", "--int=LOC", "1"]).unwrap();
        let f = p.selection.interrupts;
        assert!(f.shows("LOC") && !f.shows("0"));
        let p = plan(&["-m", "CPU", "-P", "ALL", "1"]).unwrap();
        assert_eq!(flags(&p.selection), ["-m CPU"], "-P is -m's");
        assert!(plan(&["-m", "TEMP", "1"])
            .unwrap_err()
            .0
            .contains("not supported"));
        let p = plan(&["-n", "DEV,FC", "1"]).unwrap();
        assert_eq!(flags(&p.selection), ["-n DEV", "-n FC"]);
        let p = plan(&["-F", "MOUNT", "1", "1"]).unwrap();
        assert_eq!(flags(&p.selection), ["-F MOUNT"]);
        let p = plan(&["-F", "1", "1"]).unwrap();
        assert_eq!(flags(&p.selection), ["-F"]);
        assert!(matches!(p.mode, Mode::Live { count: Some(1), .. }));
        let p = plan(&["-H", "-v", "1"]).unwrap();
        assert_eq!(flags(&p.selection), ["-H", "-v"]);
    }

    /// The reports a selection asks for, by flag, in the catalogue's order.
    fn flags(s: &Selection) -> Vec<&'static str> {
        s.reports().reports().map(|r| r.flag).collect()
    }

    /// sar's option table (`sar --help` of sysstat 12.6.1): each report option and each
    /// keyword of one, with the keyword `None` for the option alone.
    fn sar_report_options() -> Vec<(String, Option<String>)> {
        let help = include_str!("../../tests/fixtures/sar-usage/sar-12.6.1-help.txt");
        let mut options = Vec::new();
        let mut option = String::new();
        for line in help.lines() {
            if let Some(rest) = line.strip_prefix("\t-") {
                // `-F [ MOUNT ]`, `-I [ SUM | ALL ]`, `-r [ ALL ]`: the option, and its words.
                let (letter, after) = rest.split_at(rest.len().min(1));
                option = format!("-{letter}");
                options.push((option.clone(), None));
                let after = after.trim_start();
                if after.starts_with(['[', '{']) {
                    let variants = after.split([']', '}']).next().unwrap_or("");
                    for w in variants.split([' ', '|', '[', '{']) {
                        if !w.is_empty() && w.bytes().all(|b| b.is_ascii_uppercase()) {
                            options.push((option.clone(), Some(w.to_string())));
                        }
                    }
                }
            } else if let Some(rest) = line.strip_prefix("\t\t") {
                let word = rest.split('\t').next().unwrap_or("");
                let keyword = word.starts_with(|c: char| c.is_ascii_uppercase())
                    && word
                        .bytes()
                        .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit());
                if rest.contains('\t') && keyword {
                    options.push((option.clone(), Some(word.to_string())));
                }
            }
        }
        // -m and -n take a keyword (or ALL): alone they are not reports.
        options.retain(|(o, k)| k.is_some() || !matches!(o.as_str(), "-m" | "-n"));
        for o in ["-m", "-n", "-q"] {
            options.push((o.to_string(), Some("ALL".to_string())));
        }
        options
    }

    /// Every report option and keyword of sar's table asks for catalogue entries of that
    /// option (or is refused as needing hardware rsar does not read), and every entry is
    /// asked for by its flag alone, which sar's table has.
    #[test]
    fn sar_option_table_maps_to_catalogue_entries_and_back() {
        let table = sar_report_options();
        assert!(table.len() > 40, "{table:?}");
        for (option, keyword) in &table {
            let mut args = vec![option.as_str()];
            args.extend(keyword.as_deref());
            args.push("1");
            match plan(&args) {
                Ok(p) => {
                    let asked = flags(&p.selection);
                    assert!(!asked.is_empty(), "{args:?}");
                    for flag in &asked {
                        let own = flag.split(' ').next() == Some(option.as_str());
                        assert!(own, "{args:?} asks for {flag}");
                    }
                }
                Err(e) => assert!(
                    e.0.contains("is not supported by rsar"),
                    "{args:?}: {}",
                    e.0
                ),
            }
        }
        for r in REPORTS {
            let mut words = r.flag.split(' ');
            let option = words.next().unwrap_or("");
            let keyword = words.next();
            let in_sar = table
                .iter()
                .any(|(o, k)| o == option && k.as_deref() == keyword);
            assert!(in_sar, "{} is not in sar's option table", r.flag);
            let mut args: Vec<&str> = r.flag.split(' ').collect();
            args.push("1");
            let p = plan(&args).unwrap();
            assert_eq!(flags(&p.selection), [r.flag], "{args:?}");
        }
    }

    #[test]
    fn a_selects_everything() {
        let p = plan(&["-A", "1", "1"]).unwrap();
        assert_eq!(p.selection, Selection::all());
    }

    #[test]
    fn clap_definition_is_consistent() {
        use clap::CommandFactory;
        Args::command().debug_assert();
    }
}
