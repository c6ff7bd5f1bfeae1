//! rsadc's command line: sadc's shape (`rsadc [INTERVAL [COUNT]] [DIR|FILE]`) plus options.

use clap::Parser;
use std::net::{SocketAddr, ToSocketAddrs};
use std::path::PathBuf;
use std::time::Duration;

const EXAMPLES: &str = "\
Examples:
  rsadc 10 /var/log/rsar        run as a service: a sample every 10 s, daily files, rotation
  rsadc --interval 0.5 /tmp/rs  sub-second sampling into daily files under /tmp/rs (created)
  rsadc 1 1 /var/log/rsar       from cron: append one sample to today's file
  rsadc --file /tmp/today.rsar 1 60
                                60 samples, one per second, into one file
  rsadc --boot                  mark a reboot (LINUX RESTART) in today's file
  rsadc --comment 'kernel upgrade' /var/log/rsar
  rsadc --import /var/log/sysstat/sa?? /var/log/rsar
                                sysstat's history into rsar's day files
  rsadc --rollup /var/log/rsar  the 1-minute and 1-hour roll-ups of every closed day

Without INTERVAL (and without --interval), rsadc writes one restart record (or the
--comment) and exits, as sadc does; with --listen and no INTERVAL it only serves metrics:
  rsadc --listen 127.0.0.1:9808                 metrics for Prometheus, nothing recorded
  rsadc --listen 127.0.0.1:9808 10 /var/log/rsar  both

A path that does not exist is a directory to create (mode 0755). A path that is an
existing rsar log file (or an empty file) is appended to as it is, without rotation;
--file PATH writes one file, creating it if needed.

Exit status: 0 success; 1 bad usage (bad arguments); 2 a data problem: the log directory
or file cannot be used (not owned by root or this user, writable by others, not a regular
file), a sample asked for could not be written (a run with COUNT exits 2 at its end), or
/proc cannot be read.";

#[derive(Debug, Parser)]
#[command(
    name = "rsadc",
    version,
    about = "Sample /proc and append the raw counters to rsar's daily log files",
    long_about = "Sample /proc and append the raw counters to rsar's daily log files: \
load, CPU, memory, swap, paging, block I/O, network, network protocols and pressure, one file per local day \
(rsarYYYYMMDD) in a directory, rotated at midnight, compressed and expired; or one given file \
(--file). Arguments as sadc's: [INTERVAL [COUNT]] [DIR]; a DIR that does not exist is created.",
    after_help = EXAMPLES
)]
pub struct Args {
    /// Seconds between samples (fractions allowed); samples are aligned to multiples of it
    #[arg(long = "interval", value_name = "SECS")]
    pub interval_opt: Option<f64>,

    /// [INTERVAL [COUNT]] [DIR]: one file per day in DIR (default /var/log/rsar), which is
    /// created if it does not exist; an existing rsar log file (or empty file) instead of
    /// DIR is appended to as it is, without rotation
    #[arg(value_name = "ARGS", num_args = 0..)]
    pub positional: Vec<String>,

    /// Import history and exit: ARGS are FILE… DIR, sysstat sa files (saDD, format 12.x)
    /// or rsar logs, written into DIR's day files. A day DIR already has keeps its files:
    /// imported records before or after them become compressed parts of the day, records
    /// inside the span it covers are left out (so importing twice adds nothing)
    #[arg(long, conflicts_with_all = ["file", "boot", "comment", "housekeeping", "listen", "interval_opt"])]
    pub import: bool,

    /// Write to this one file (created if it does not exist), without daily rotation
    #[arg(long, value_name = "PATH")]
    pub file: Option<PathBuf>,

    /// Write a restart record (the machine has just booted). While a collector writes the
    /// directory, the record is handed to it (DIR/rsadc.sock) and written between samples
    #[arg(long)]
    pub boot: bool,

    /// Write a comment record with this text (sar -C shows it). While a collector writes
    /// the directory, the record is handed to it (DIR/rsadc.sock) and written between
    /// samples
    #[arg(long, value_name = "TEXT")]
    pub comment: Option<String>,

    /// Delete day files older than this many days
    #[arg(long, value_name = "DAYS", default_value_t = 28)]
    pub retain_days: u32,

    /// Compress day files older than this many days (zstd)
    #[arg(long, value_name = "DAYS", default_value_t = 1)]
    pub compress_after_days: u32,

    /// The roll-up tiers built from each closed day, each as INTERVAL:DAYS (its interval,
    /// a number and s, m, h or d that divides a day; the days it is kept): a tier's
    /// files are rsarYYYYMMDD.INTERVAL.zst. A tier no longer named is kept as long as the
    /// longest named one
    #[arg(long, value_name = "INTERVAL:DAYS,…", default_value_t = rsar::store::rollup::Retention::default(), value_parser = rsar::store::rollup::Retention::parse)]
    pub tiers: rsar::store::rollup::Retention,

    /// Roll up the closed days of DIR now into the tiers (--tiers: by default 1-minute and
    /// 1-hour, rsarYYYYMMDD.1m.zst, .1h.zst; days rolled up before and unchanged since are left),
    /// delete tiers past their retention, then exit. A running collector does it after
    /// each new day by itself, in the background
    #[arg(long, conflicts_with_all = ["import", "file", "boot", "comment", "housekeeping", "listen", "remote_write", "interval_opt"])]
    pub rollup: bool,

    /// Flush every record to disk (fdatasync) as it is written
    #[arg(long)]
    pub fsync: bool,

    /// Delete and compress old days in the log directory now, then exit (for a daily cron
    /// line; a running collector does it after each new day by itself)
    #[arg(long)]
    pub housekeeping: bool,

    /// Also record these optional groups, off by default for their cost (comma list):
    /// interrupts (-I; /proc/interrupts is slow to read and grows with CPUs × lines),
    /// cpufreq (-m CPU; /proc/cpuinfo grows with CPUs)
    #[arg(long, value_name = "GROUP[,GROUP…]", value_delimiter = ',')]
    pub with: Vec<String>,

    /// Leave these optional groups out of the log (comma list): ktables (-v), filesystems
    /// (-F), interrupts, cpufreq, snmp (as --no-snmp)
    #[arg(long, value_name = "GROUP[,GROUP…]", value_delimiter = ',')]
    pub skip: Vec<String>,
    /// Do not record the process table (recorded by default with every sample)
    #[arg(long)]
    pub no_processes: bool,

    /// Do not record the cgroups (recorded by default where a cgroup hierarchy is mounted:
    /// each cgroup's CPU, memory, I/O (also per device), pressure and tasks, its limits
    /// when they change)
    #[arg(long)]
    pub no_cgroups: bool,

    /// Record cgroups down to this depth only (the root is 0, system.slice 1)
    #[arg(long, value_name = "N", conflicts_with = "no_cgroups")]
    pub cgroup_depth: Option<usize>,

    /// Record only the cgroups whose path (below the root, e.g. system.slice/nginx.service)
    /// matches this regular expression
    #[arg(long, value_name = "REGEX", conflicts_with = "no_cgroups")]
    pub cgroup_include: Option<String>,

    /// Leave out the cgroups whose path matches this regular expression, with their
    /// descendants
    #[arg(long, value_name = "REGEX", conflicts_with = "no_cgroups")]
    pub cgroup_exclude: Option<String>,

    /// Record the process table every SECS seconds instead of with every sample (rounded to
    /// a whole number of samples)
    #[arg(long, value_name = "SECS", conflicts_with = "no_processes")]
    pub process_interval: Option<f64>,

    /// Serve GET /metrics for Prometheus on this address (node_exporter's metric names):
    /// an IP address and port (127.0.0.1:9808, [::1]:9808), or a host name and port
    /// (localhost:9808: every address it resolves to). Without INTERVAL, only serve; with
    /// it, record too. An empty value serves nothing (for `--listen=$SETTING`). Give a
    /// loopback address unless the port is firewalled: the metrics describe the machine
    #[arg(long, value_name = "ADDR:PORT")]
    pub listen: Option<String>,

    /// Also push what is recorded to this Prometheus remote-write (1.0) receiver, e.g.
    /// http://prometheus:9090/api/v1/write, with the log as the queue: nothing is lost
    /// while the receiver is away, and sending resumes from a cursor kept in the log
    /// directory (rsadc.remote-write). Same series as /metrics, plus job="rsadc" and
    /// instance=<host name>. Needs INTERVAL and a log directory. An empty value sends
    /// nothing (for `--remote-write=$SETTING`)
    #[arg(long, value_name = "URL")]
    pub remote_write: Option<String>,

    /// A label added to every series pushed (repeatable; job and instance may be
    /// replaced so)
    #[arg(long, value_name = "NAME=VALUE", requires = "remote_write")]
    pub remote_write_label: Vec<String>,

    /// HTTP basic authentication for --remote-write: the user name (the password comes
    /// from --remote-write-password-file)
    #[arg(long, value_name = "USER", requires = "remote_write")]
    pub remote_write_user: Option<String>,

    /// The file holding the basic-authentication password (read at start)
    #[arg(long, value_name = "PATH", requires = "remote_write")]
    pub remote_write_password_file: Option<PathBuf>,

    /// The file holding a bearer token for --remote-write (read at start)
    #[arg(long, value_name = "PATH", requires = "remote_write")]
    pub remote_write_bearer_token_file: Option<PathBuf>,

    /// PEM certificates to trust for an https --remote-write URL, besides the system's
    #[arg(long, value_name = "PATH", requires = "remote_write")]
    pub remote_write_ca_file: Option<PathBuf>,

    /// The tenant for --remote-write, sent as the X-Scope-OrgID header (Grafana Mimir,
    /// Cortex, Loki and other multi-tenant receivers)
    #[arg(long, value_name = "ID", requires = "remote_write")]
    pub remote_write_tenant: Option<String>,

    /// Which cgroups /metrics and --remote-write serve (all are recorded)
    #[command(flatten)]
    pub metrics_cgroups: rsar::export::cgroup::Bound,

    /// Say how far remote write has got in the log directory (the acknowledged time and
    /// its lag), then exit
    #[arg(long, conflicts_with_all = ["import", "file", "boot", "comment", "housekeeping", "listen", "remote_write"])]
    pub status: bool,

    /// Do not record /proc/net/snmp and /proc/net/snmp6 (the -n IP EIP ICMP EICMP TCP ETCP
    /// UDP reports and their IPv6 twins): the kernel sums every per-CPU counter of those
    /// files at each read, about 30 µs per sample on 2 CPUs and more with more CPUs
    #[arg(long)]
    pub no_snmp: bool,

    /// Read the kernel's counters from this /proc
    #[arg(long, value_name = "DIR", default_value = "/proc")]
    pub proc_root: PathBuf,

    /// Read device facts from this /sys
    #[arg(long, value_name = "DIR", default_value = "/sys")]
    pub sys_root: PathBuf,

    /// Benchmarks: take one sample, print the files a sample reads (and `statvfs PATH`
    /// for each mount point of -F) one a line, and exit (bench/collector-floor.sh)
    #[arg(long, hide = true)]
    pub list_sources: bool,

    /// Benchmarks: parse every file at every sample, even one that reads the same as at
    /// the last (the cost of a machine whose every counter moves; bench/collector-floor.sh)
    #[arg(long, hide = true)]
    pub reparse: bool,

    /// Testing: a simulated clock starting at this Unix time (seconds); waits take no time
    #[arg(long, value_name = "EPOCH", hide = true)]
    pub fake_clock: Option<f64>,
}

/// Where samples go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// One file per local day in this directory.
    Dir(PathBuf),
    /// This one file.
    File(PathBuf),
}

/// What to do, checked.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    pub target: Target,
    /// `None`: write one restart or comment record and exit.
    pub interval: Option<Duration>,
    pub count: Option<u64>,
}

/// The addresses `--listen` names: `None` when it is not given or empty (serve nothing).
/// A host name is resolved (`/etc/hosts`, then DNS); each address it resolves to is
/// served, once.
pub fn listen_addresses(given: Option<&str>) -> Result<Option<Vec<SocketAddr>>, String> {
    let Some(given) = given.map(str::trim).filter(|g| !g.is_empty()) else {
        return Ok(None);
    };
    let bad = |why: &str| {
        format!(
            "--listen {given:?}: {why} (give an IP address and port, e.g. 127.0.0.1:9808, or a host name and port, e.g. localhost:9808)"
        )
    };
    if let Ok(addr) = given.parse::<SocketAddr>() {
        return Ok(Some(vec![addr]));
    }
    let Some((host, port)) = given.rsplit_once(':') else {
        return Err(bad("no port"));
    };
    if host.is_empty() {
        return Err(bad("no address before the port"));
    }
    if host.contains(':') && !host.starts_with('[') {
        return Err(bad("an IPv6 address goes in brackets, as in [::1]:9808"));
    }
    let port: u16 = port
        .parse()
        .map_err(|_| bad(&format!("{port:?} is not a port number (0 to 65535)")))?;
    let resolved = (host, port)
        .to_socket_addrs()
        .map_err(|e| bad(&format!("cannot resolve {host:?} ({e})")))?;
    let mut addrs: Vec<SocketAddr> = Vec::new();
    for a in resolved {
        if !addrs.contains(&a) {
            addrs.push(a);
        }
    }
    if addrs.is_empty() {
        return Err(bad(&format!("{host:?} resolves to no address")));
    }
    Ok(Some(addrs))
}

/// What a positional path names. The rule, simple on purpose: an existing directory, or a
/// path that does not exist, is a log directory (created if needed); an existing rsar log
/// file or empty file is written as one file; anything else is refused (`--file` writes a
/// new one file).
fn target_of(path: PathBuf) -> Result<Target, String> {
    match std::fs::metadata(&path) {
        Ok(m) if m.is_dir() => Ok(Target::Dir(path)),
        Ok(m) if m.is_file() && rsar::store::is_log_or_empty(&path) => Ok(Target::File(path)),
        Ok(m) if m.is_file() => Err(format!(
            "{} is a file but not an rsar log: give a directory for daily files, or --file {} to write one log there (the file would be moved aside)",
            path.display(),
            path.display()
        )),
        Ok(_) => Err(format!(
            "{} is neither a directory nor a regular file: give a directory for daily files",
            path.display()
        )),
        Err(_) => Ok(Target::Dir(path)),
    }
}

impl Args {
    pub fn plan(&self) -> Result<Plan, String> {
        let mut numbers = Vec::new();
        let mut path = None;
        for p in &self.positional {
            if path.is_none() && numbers.len() < 2 && p.parse::<f64>().is_ok() {
                numbers.push(p);
            } else if path.is_none() {
                path = Some(PathBuf::from(p));
            } else {
                return Err(format!("unexpected argument {p:?}"));
            }
        }
        let interval = match (self.interval_opt, numbers.first()) {
            (Some(_), Some(_)) => {
                return Err("give the interval once: --interval or INTERVAL".into());
            }
            (Some(s), None) => Some(rsar::time::parse_interval(&s.to_string())?),
            (None, Some(n)) => Some(rsar::time::parse_interval(n)?),
            (None, None) => None,
        }
        .map(Duration::from_secs_f64);
        let count = match numbers.get(1) {
            Some(c) => Some(
                c.parse::<u64>()
                    .ok()
                    .filter(|&c| c > 0)
                    .ok_or_else(|| format!("COUNT must be a whole number above 0, not {c:?}"))?,
            ),
            None => None,
        };
        let target = match (&self.file, path) {
            (Some(_), Some(p)) => {
                return Err(format!(
                    "give one place to write: --file or {}, not both",
                    p.display()
                ))
            }
            (Some(f), None) => Target::File(f.clone()),
            (None, path) => {
                target_of(path.unwrap_or_else(|| PathBuf::from(rsar::store::DEFAULT_DIR)))?
            }
        };
        Ok(Plan {
            target,
            interval,
            count,
        })
    }
}
