//! The command line: sar's flags with sar's meaning.
//!
//! Parsing happens in two steps (as ripgrep does): clap checks what the user typed, then
//! `Args::plan` turns it into what to do, with a message naming the bad value otherwise.
//! sar's optional keywords (`-u ALL`, `-r ALL`, `-q ALL`) are rewritten to `-u=ALL` before
//! clap sees them, so that `-u 1 5` still means "CPU, every second, five times".

pub use crate::history::Files;
use crate::history::Window;
use crate::report::{CpuList, Format, SarVersion, Selection};
use crate::time::{parse_clock, parse_when, Zone};
use clap::Parser;
use std::ffi::OsString;
use std::path::PathBuf;
use std::time::Duration;

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

    /// Network statistics: DEV, EDEV (per interface), SOCK, IP, EIP, ICMP, EICMP, TCP,
    /// ETCP, UDP (IPv4), SOCK6, IP6, EIP6, ICMP6, EICMP6, UDP6 (IPv6), SOFT (softirq per
    /// CPU), a comma list of them (`-n TCP,ETCP`), or ALL
    #[arg(short = 'n', value_name = "KEYWORD")]
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

/// Where samples come from: /proc (live) or the logs, and when. Shared by the sar-style
/// command line and `rsar vmstat`.
#[derive(Debug, clap::Args)]
pub struct Source {
    /// Read this log file (written by rsadc, or sysstat's saDD) instead of sampling live
    #[arg(short = 'f', value_name = "FILE")]
    pub file: Option<PathBuf>,

    /// Read the log of N days ago: -1 is yesterday, -2 the day before
    #[arg(long = "days-ago", value_name = "N", hide = true)]
    pub days_ago: Option<u32>,

    /// Start the report at this time of day (HH:MM[:SS])
    #[arg(short = 's', value_name = "HH:MM[:SS]")]
    pub start: Option<String>,

    /// End the report at this time of day (HH:MM[:SS])
    #[arg(short = 'e', value_name = "HH:MM[:SS]")]
    pub end: Option<String>,

    /// Report from this time on: HH:MM, 2026-11-21 14:00, ISO 8601, @EPOCH, '2h ago',
    /// 'yesterday 14:00'; spans as many daily logs as it needs
    #[arg(long, value_name = "WHEN")]
    pub since: Option<String>,

    /// Report up to this time (same forms as --since)
    #[arg(long, value_name = "WHEN")]
    pub until: Option<String>,

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

impl TuiArgs {
    /// The command as parsed: the screen runs until `q`, so COUNT only bounds it, and it
    /// follows today's log by itself.
    pub fn command() -> clap::Command {
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

/// What `rsar tui` shows.
#[derive(Debug, Clone, PartialEq)]
pub enum TuiPlan {
    Live {
        proc_root: PathBuf,
        sys_root: PathBuf,
        interval: Duration,
        /// Quit after this many intervals (COUNT).
        count: Option<u64>,
        /// `-o FILE`: also save the samples there.
        save: Option<PathBuf>,
    },
    Logs {
        files: Files,
        window: Window,
        /// `-C`: show the comments recorded in the logs.
        comments: bool,
    },
}

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
            return Ok(TuiPlan::Live {
                proc_root: s.proc_root.clone(),
                sys_root: s.sys_root.clone(),
                interval,
                count,
                save,
            });
        }
        match s.mode()? {
            Mode::Recorded {
                files,
                window,
                comments,
                ..
            } => Ok(TuiPlan::Logs {
                files,
                window,
                comments,
            }),
            Mode::Live { .. } => Err(UsageError(
                "give either an INTERVAL or logs to replay".into(),
            )),
        }
    }
}

impl VmstatArgs {
    /// The command as parsed: vmstat's lines carry no averages and no comments.
    pub fn command() -> clap::Command {
        <Self as clap::CommandFactory>::command()
            .mut_arg("count", |a| {
                a.help("Number of lines, the first (since boot) included; without it, until interrupted")
            })
            .mut_arg("follow", |a| {
                a.help("Keep reading the log as rsadc appends to it (today's, or the -f FILE), printing each line as it lands")
            })
            .mut_arg("comments", |a| a.hide(true))
    }

    pub fn plan(&self) -> Result<Plan, UsageError> {
        let s = &self.source;
        if s.comments {
            return Err(UsageError(
                "vmstat's lines show no comments; `rsar -C` prints them with sar's reports".into(),
            ));
        }
        // As procps vmstat: no INTERVAL prints the one line since boot.
        let mode = s.mode_or_one_interval()?;
        Ok(Plan {
            selection: Selection::default(),
            format: Format::Table,
            vmstat: Some((self.wide, self.unit)),
            zone: Zone::Local,
            recorder_zone: false,
            proc_root: self.source.proc_root.clone(),
            sys_root: self.source.sys_root.clone(),
            mode,
        })
    }
}

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

impl PidstatArgs {
    /// The command as parsed: pidstat's `-C` is the command filter, so the logs' `-C`
    /// (comments, meaningless here) gives up its short name.
    pub fn command() -> clap::Command {
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

impl TopArgs {
    /// The command as parsed: top's `-o` sorts, so the live `-o FILE` gives up its short
    /// name.
    pub fn command() -> clap::Command {
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
        let (mut at_ns, mut at_clock) = (None, None);
        if let Mode::Recorded { window, .. } = &mut mode {
            // The moment asked for; the window starts earlier, for the table before it.
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

/// `rsar export`: the logs as OpenMetrics for Prometheus' backfill.
#[derive(Debug, Parser)]
#[command(
    name = "rsar export",
    version,
    about = "Write logged history as OpenMetrics, in node_exporter's metric names, for `promtool tsdb create-blocks-from openmetrics`",
    after_help = "Examples:\n  rsar export -1 > yesterday.om\n  rsar export --since '2026-11-01' --until '2026-11-21 23:59' --label env=prod > history.om\n  promtool tsdb create-blocks-from openmetrics history.om /var/lib/prometheus/metrics2\n\nEvery series carries job=\"rsadc\" and instance=<the recorded host name> unless --label sets them.",
    args_override_self = true
)]
pub struct ExportArgs {
    /// The output format (OpenMetrics 1.0, the one promtool backfills from)
    #[arg(long, value_enum, default_value = "openmetrics")]
    pub format: ExportFormat,

    /// Add (or replace) a label on every series: K=V; repeatable. Defaults: job="rsadc",
    /// instance=the recorded host name
    #[arg(long = "label", value_name = "K=V", value_parser = parse_label)]
    pub labels: Vec<(String, String)>,

    #[command(flatten)]
    pub source: Source,
}

/// `rsar export --format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ExportFormat {
    Openmetrics,
}

/// A label `K=V` whose name Prometheus accepts.
fn parse_label(s: &str) -> Result<(String, String), String> {
    let (k, v) = s
        .split_once('=')
        .ok_or_else(|| format!("a label is K=V, not {s:?}"))?;
    let valid = k
        .chars()
        .enumerate()
        .all(|(i, c)| c == '_' || c.is_ascii_alphabetic() || (i > 0 && c.is_ascii_digit()));
    if k.is_empty() || !valid || k.starts_with("__") {
        return Err(format!(
            "{k:?} is not a label name Prometheus accepts ([a-zA-Z_][a-zA-Z0-9_]*, not starting with __)"
        ));
    }
    Ok((k.to_string(), v.to_string()))
}

/// What `rsar export` reads.
#[derive(Debug, Clone, PartialEq)]
pub struct ExportPlan {
    pub files: Files,
    pub window: Window,
    pub labels: Vec<(String, String)>,
}

/// What `rsar export` parses but does not take: live sampling, comments and following
/// (a backfill is a finished span). Hidden from its help, refused when given.
const EXPORT_REFUSES: &[&str] = &[
    "interval",
    "count",
    "save",
    "comments",
    "follow",
    "proc_root",
    "sys_root",
];

impl ExportArgs {
    /// The command as parsed, its help showing only what export takes.
    pub fn command() -> clap::Command {
        EXPORT_REFUSES
            .iter()
            .fold(<Self as clap::CommandFactory>::command(), |cmd, id| {
                cmd.mut_arg(*id, |a| a.hide(true))
            })
    }

    pub fn plan(&self) -> Result<ExportPlan, UsageError> {
        let s = &self.source;
        let refused = [
            (
                s.interval.is_some(),
                "INTERVAL (-i SECS keeps a sample every SECS seconds)",
            ),
            (s.count.is_some(), "COUNT"),
            (s.save.is_some(), "-o"),
            (s.comments, "-C"),
            (s.follow, "--follow"),
        ];
        if let Some((_, what)) = refused.iter().find(|(given, _)| *given) {
            return Err(UsageError(format!(
                "export writes a span of the logs once, so it takes no {what}"
            )));
        }
        if !self.source.from_logs() {
            return Err(UsageError(
                "export reads the logs: give -f FILE, -N (days ago) or --since/--until".into(),
            ));
        }
        match self.source.mode()? {
            Mode::Recorded { files, window, .. } => Ok(ExportPlan {
                files,
                window,
                labels: self.labels.clone(),
            }),
            Mode::Live { .. } => Err(UsageError(
                "export reads the logs: an INTERVAL is for live reports".into(),
            )),
        }
    }
}

/// What the user asked for, checked.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    pub selection: Selection,
    pub format: Format,
    /// `rsar vmstat`: wide, and the memory unit.
    pub vmstat: Option<(bool, crate::report::Unit)>,
    pub zone: Zone,
    /// `-t`: from the logs, `zone` gives way to the recording machine's offset, known
    /// once the first file is open.
    pub recorder_zone: bool,
    pub proc_root: PathBuf,
    pub sys_root: PathBuf,
    pub mode: Mode,
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

/// A value the user gave that makes no sense; the message names it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct UsageError(pub String);

/// The whole command as `rsar --help`, `rsar help COMMAND`, the man pages and the shell
/// completions see it: sar's flags, plus the subcommands. `main` dispatches those on the
/// first word, before sar's flags are parsed, so `rsar 1 5` never reads `1` as one; what
/// reaches clap as a subcommand here is only `help`.
pub fn command() -> clap::Command {
    use clap::CommandFactory;
    let subcommands = [
        VmstatArgs::command().name("vmstat"),
        PidstatArgs::command().name("pidstat"),
        TopArgs::command().name("top"),
        ExportArgs::command().name("export"),
        TuiArgs::command().name("tui"),
    ];
    let names: Vec<&str> = subcommands.iter().map(|c| c.get_name()).collect();
    let usage = format!(
        "rsar [OPTIONS] [INTERVAL [COUNT]]\n       rsar {} [OPTIONS] [ARGS]\n       \
         rsar help [COMMAND]",
        names.join("|")
    );
    Args::command()
        .override_usage(usage)
        .args_conflicts_with_subcommands(true)
        .subcommands(subcommands)
}

/// The one line a refused command line gets: clap's first line, and for a value outside
/// a fixed set, the values accepted (clap prints those on a line of their own).
pub fn usage_error_line(e: &clap::Error) -> String {
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    let text = e.to_string();
    let mut line = text
        .lines()
        .next()
        .unwrap_or_default()
        .trim_start_matches("error: ")
        .to_string();
    if e.kind() == ErrorKind::InvalidValue {
        if let Some(ContextValue::Strings(accepted)) = e.get(ContextKind::ValidValue) {
            line.push_str(&format!("; accepted values: {}", accepted.join(", ")));
        }
    }
    line
}

/// COUNT: a whole number of reports, at least one.
fn parse_count(s: &str) -> Result<u64, String> {
    s.parse::<u64>()
        .ok()
        .filter(|&c| c > 0)
        .ok_or_else(|| format!("COUNT must be a whole number above 0, not {s}"))
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

/// Rewrite sar's `-u ALL` style keywords into `-u=ALL` for clap.
pub fn normalize(args: impl IntoIterator<Item = OsString>) -> Vec<OsString> {
    let mut out: Vec<OsString> = Vec::new();
    let mut it = args.into_iter().peekable();
    while let Some(a) = it.next() {
        // `-q CPU,IO`: sar's keywords, or a word that looks like one (an error names it).
        let queue_list = a.to_str() == Some("-q")
            && it.peek().and_then(|n| n.to_str()).is_some_and(|n| {
                !n.is_empty() && n.bytes().all(|b| b.is_ascii_uppercase() || b == b',')
            });
        let takes_keyword = matches!(a.to_str(), Some("-u" | "-r"))
            || (a.to_str() == Some("-F") && it.peek().and_then(|n| n.to_str()) == Some("MOUNT"));
        let days_ago = a
            .to_str()
            .and_then(|s| s.strip_prefix('-'))
            .filter(|n| !n.is_empty() && n.len() <= 4 && n.bytes().all(|b| b.is_ascii_digit()));
        // `-I SUM`, `-I ALL`, `-I 0,9,LOC`: a lone number after -I stays the INTERVAL.
        let irq_list = a.to_str() == Some("-I")
            && it.peek().and_then(|n| n.to_str()).is_some_and(|n| {
                !n.starts_with('-')
                    && (n.contains(',') || n.bytes().any(|b| b.is_ascii_alphabetic()))
            });
        if let Some(n) = days_ago {
            out.push(OsString::from(format!("--days-ago={n}")));
        } else if irq_list || queue_list {
            let mut joined = a;
            joined.push("=");
            joined.push(it.next().unwrap_or_default());
            out.push(joined);
        } else if takes_keyword
            && matches!(it.peek().and_then(|n| n.to_str()), Some("ALL" | "MOUNT"))
        {
            let kw = it.next().unwrap_or_default();
            let mut joined = a;
            joined.push("=");
            joined.push(kw);
            out.push(joined);
        } else {
            out.push(a);
        }
    }
    out
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
    use crate::report::Table::{PsiCpu, PsiIo, PsiMemory, Queue};
    if list.is_empty() {
        sel.ask(Queue);
        return Ok(());
    }
    for keyword in list.split(',') {
        match keyword {
            "LOAD" => sel.ask(Queue),
            "CPU" => sel.ask(PsiCpu),
            "IO" => sel.ask(PsiIo),
            "MEM" => sel.ask(PsiMemory),
            "PSI" | "ALL" => {
                if keyword == "ALL" {
                    sel.ask(Queue);
                }
                [PsiCpu, PsiIo, PsiMemory]
                    .into_iter()
                    .for_each(|t| sel.ask(t));
            }
            other => {
                return Err(UsageError(format!(
                    "-q accepts the keywords LOAD, CPU, IO, MEM, PSI and ALL (a comma list: \
                     -q LOAD,CPU), not {other:?}"
                )))
            }
        }
    }
    Ok(())
}

/// `-n KEYWORD[,KEYWORD…]`: the catalogue's `-n` reports by keyword, or `ALL`.
fn select_network(sel: &mut Selection, list: &str) -> Result<(), UsageError> {
    let network = || {
        crate::report::REPORTS
            .iter()
            .filter_map(|r| r.flag.strip_prefix("-n ").map(|k| (k, r)))
    };
    for keyword in list.split(',') {
        // Refused rather than printed empty: rsar does not read Fibre Channel host adapters.
        if keyword == "FC" {
            return Err(UsageError(
                "-n FC is not supported by rsar: it needs Fibre Channel host adapters \
                 (/sys/class/fc_host)"
                    .into(),
            ));
        }
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
            vmstat: None,
            zone,
            recorder_zone: self.recorder_zone,
            proc_root: self.source.proc_root.clone(),
            sys_root: self.source.sys_root.clone(),
            mode,
        })
    }
}

impl Source {
    /// Whether a log is asked for (-f, -N, --since, --until, --follow).
    pub fn from_logs(&self) -> bool {
        self.file.is_some()
            || self.follow
            || self.days_ago.is_some()
            || self.since.is_some()
            || self.until.is_some()
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
        // `sar INTERVAL -f FILE` keeps records INTERVAL apart, as -i does.
        let gap = self.min_interval.or(interval);
        if let Some(g) = gap {
            if !(g.is_finite() && g > 0.0) {
                return Err(UsageError(format!(
                    "-i must be a positive number of seconds, not {g}"
                )));
            }
        }
        let window = Window {
            since_ns: when(&self.since)?,
            until_ns: when(&self.until)?,
            start_clock: clock(&self.start, "-s")?,
            end_clock: clock(&self.end, "-e")?,
            every_s: gap.map(|g| (g.round() as i64).max(1)),
        };
        if let (Some(s), Some(u)) = (window.since_ns, window.until_ns) {
            if s > u {
                return Err(UsageError("--since is after --until".into()));
            }
        }
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
        if self.follow && matches!(files, Files::Span { .. } | Files::Day { days_ago: 1.., .. }) {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::{Table, REPORTS};

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
        assert!(plan(&["-s", "9h"]).unwrap_err().0.contains("-s"));
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
        assert!(plan(&["-n", "DEV,FC", "1"])
            .unwrap_err()
            .0
            .contains("not supported"));
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
        let help = include_str!("../tests/fixtures/sar-usage/sar-12.6.1-help.txt");
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
