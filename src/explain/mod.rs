//! `explain`: what made one window of the logs different from a baseline, and who did it.
//!
//! Each of the two windows is read once through the one pipeline into a `Pass`, a renderer
//! that keeps, per system signal, the window's added-up interval (its mean is sar's
//! `Average:`, read through the report catalogue by report and column) and the spread of
//! the per-interval values; and per process, its CPU ticks, bytes, faults and switches
//! over the window and its levels (resident memory, tasks in R and D) summed over the
//! process tables. Memory grows with the number of distinct processes and commands seen,
//! never with the window's length. `compare` then turns the two passes into findings: the
//! change of each signal, whether it stands out of the baseline's own variation, and for
//! the signals that moved the processes ranked by their own change in the same resource,
//! with the residual that nothing recorded explains; and the cgroups the same way, at one
//! level (`cgroups`), when the logs hold them. It never reads /proc or the files itself:
//! the pipeline and the catalogue do.

pub mod cgroups;
pub mod diff;
pub mod page;
pub mod render;

use cgroups::{CgroupPass, CgroupResource, Units};

use crate::process::ProcessCounters;
use crate::report::catalogue::Rows;
use crate::report::{CpuList, Render, Selection, Table};
use crate::sample::HostFacts;
use crate::stats::IntervalStats;
use crate::store::procs::ProcessTable;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::io;
use std::sync::Arc;

/// How a signal's value is taken from a report's rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fold {
    /// The `all` row (or the report's only row).
    Total,
    /// The sum over the items (the loopback interface left out: its traffic never leaves
    /// the machine).
    Sum,
    /// The largest item (the busiest device).
    Max,
}

/// A per-process resource a signal's change can be split over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resource {
    /// utime + stime, as points of all CPUs' time.
    CpuTime,
    /// utime while at nice 0 or below: the kernel counts it as user time (sar's %usr).
    UserTime,
    /// utime while at a positive nice: the kernel counts it as nice time (sar's %nice).
    NiceTime,
    SystemTime,
    /// Resident memory, kB (mean over the process tables).
    Rss,
    /// Bytes read from and written to storage (less the writes cancelled before
    /// writeback), kB/s. A process's writes count when it dirties the page cache; the
    /// disk sees them at writeback, so the two can fall in different windows.
    IoBytes,
    /// Tasks in state R (mean over the process tables).
    Running,
    /// Tasks in state D.
    Blocked,
    MajorFaults,
    /// Voluntary and involuntary context switches per second.
    Switches,
    /// Processes started per second, by command.
    Forks,
}

impl Resource {
    /// What is compared, in a sentence.
    pub fn describe(self) -> &'static str {
        match self {
            Resource::CpuTime => "CPU time",
            Resource::UserTime => "user CPU time (not niced)",
            Resource::NiceTime => "user CPU time at a positive nice",
            Resource::SystemTime => "system CPU time",
            Resource::Rss => "resident memory",
            Resource::IoBytes => "bytes read and written",
            Resource::Running => "time runnable (state R)",
            Resource::Blocked => "time in uninterruptible sleep (state D)",
            Resource::MajorFaults => "major faults",
            Resource::Switches => "context switches",
            Resource::Forks => "processes started, by command",
        }
    }
}

/// One system signal: where the catalogue has it, and what it is split over.
#[derive(Debug)]
pub struct SignalDef {
    /// Its name in JSON (`cpu`, `disk`).
    pub name: &'static str,
    /// Its name in a sentence.
    pub label: &'static str,
    pub unit: &'static str,
    table: Table,
    /// The report's columns (by sadf key) and their coefficients, added up per row.
    terms: &'static [(&'static str, f64)],
    /// Added to the `Total` row's value (CPU busy is 100 − %idle).
    offset: f64,
    fold: Fold,
    /// The smallest change worth telling, whatever the baseline's spread.
    pub floor: f64,
    pub resource: Option<Resource>,
    /// Why nothing is split when `resource` is `None`.
    pub unattributed: &'static str,
    /// The cgroup counter it is split over.
    pub cgroup: Option<CgroupResource>,
    /// Signals whose change is part of this one's and no process's time (CPU busy holds
    /// iowait and steal): the sentence names them beside what is left unexplained.
    pub held_by_none: &'static [&'static str],
}

const fn signal(
    name: &'static str,
    label: &'static str,
    unit: &'static str,
    table: Table,
    terms: &'static [(&'static str, f64)],
    floor: f64,
    resource: Option<Resource>,
) -> SignalDef {
    SignalDef {
        name,
        label,
        unit,
        table,
        terms,
        offset: 0.0,
        fold: Fold::Total,
        floor,
        resource,
        unattributed: "",
        cgroup: None,
        held_by_none: &[],
    }
}

const NO_PROCESS_COUNTER: &str = "the logs hold no per-process counter for it";

/// The signals, each declared once. A change smaller than `floor` is never significant.
pub static SIGNALS: &[SignalDef] = &[
    // Busy is all but idle, as sar's %idle leaves it: user, nice, system (with the time
    // in interrupts), iowait and steal. Nice time is busy: a niced build keeps a CPU as
    // busy as any other, and only the CPU's owner decides who yields to whom.
    SignalDef {
        cgroup: Some(CgroupResource::Cpu),
        offset: 100.0,
        held_by_none: &["cpu_iowait", "cpu_steal"],
        ..signal(
            "cpu",
            "CPU busy",
            "points",
            Table::Cpu,
            &[("idle", -1.0)],
            2.0,
            Some(Resource::CpuTime),
        )
    },
    // The kernel counts a task's user time as nice time while its nice is positive: sar's
    // %usr leaves it out and %nice has it. A cgroup's user time holds both, so these two
    // are split over processes only (by each one's nice when its time grew).
    signal(
        "cpu_user",
        "CPU user",
        "points",
        Table::Cpu,
        &[("usr", 1.0)],
        2.0,
        Some(Resource::UserTime),
    ),
    signal(
        "cpu_nice",
        "CPU nice",
        "points",
        Table::Cpu,
        &[("nice", 1.0)],
        2.0,
        Some(Resource::NiceTime),
    ),
    SignalDef {
        cgroup: Some(CgroupResource::System),
        ..signal(
            "cpu_system",
            "CPU system",
            "points",
            Table::Cpu,
            &[("sys", 1.0)],
            2.0,
            Some(Resource::SystemTime),
        )
    },
    SignalDef {
        unattributed: "I/O wait belongs to idle CPUs, not to a process: see blocked and disk",
        ..signal(
            "cpu_iowait",
            "CPU iowait",
            "points",
            Table::Cpu,
            &[("iowait", 1.0)],
            2.0,
            None,
        )
    },
    SignalDef {
        unattributed: "steal is taken by the hypervisor, outside this machine",
        ..signal(
            "cpu_steal",
            "CPU steal",
            "points",
            Table::Cpu,
            &[("steal", 1.0)],
            2.0,
            None,
        )
    },
    SignalDef {
        unattributed: "the load average lags by a minute: see running and blocked",
        ..signal(
            "load",
            "Load (1 min)",
            "tasks",
            Table::Queue,
            &[("ldavg-1", 1.0)],
            0.5,
            None,
        )
    },
    signal(
        "running",
        "Runnable tasks",
        "tasks",
        Table::Queue,
        &[("runq-sz", 1.0)],
        0.5,
        Some(Resource::Running),
    ),
    signal(
        "blocked",
        "Blocked tasks (D)",
        "tasks",
        Table::Queue,
        &[("blocked", 1.0)],
        0.5,
        Some(Resource::Blocked),
    ),
    SignalDef {
        cgroup: Some(CgroupResource::CpuStall),
        unattributed: NO_PROCESS_COUNTER,
        ..signal(
            "psi_cpu",
            "CPU pressure",
            "points",
            Table::PsiCpu,
            &[("some_avg", 1.0)],
            2.0,
            None,
        )
    },
    SignalDef {
        cgroup: Some(CgroupResource::MemoryStall),
        unattributed: NO_PROCESS_COUNTER,
        ..signal(
            "psi_memory",
            "Memory pressure",
            "points",
            Table::PsiMemory,
            &[("some_avg", 1.0)],
            2.0,
            None,
        )
    },
    SignalDef {
        cgroup: Some(CgroupResource::IoStall),
        unattributed: NO_PROCESS_COUNTER,
        ..signal(
            "psi_io",
            "I/O pressure",
            "points",
            Table::PsiIo,
            &[("some_avg", 1.0)],
            2.0,
            None,
        )
    },
    SignalDef {
        cgroup: Some(CgroupResource::Anon),
        ..signal(
            "memory",
            "Memory used",
            "kB",
            Table::Memory,
            &[("memused", 1.0)],
            32768.0,
            Some(Resource::Rss),
        )
    },
    SignalDef {
        cgroup: Some(CgroupResource::File),
        unattributed: "the page cache belongs to files, not to processes",
        ..signal(
            "cache",
            "Page cache",
            "kB",
            Table::Memory,
            &[("cached", 1.0)],
            32768.0,
            None,
        )
    },
    SignalDef {
        unattributed: NO_PROCESS_COUNTER,
        ..signal(
            "swap",
            "Swapping",
            "pages/s",
            Table::SwapPages,
            &[("pswpin", 1.0), ("pswpout", 1.0)],
            10.0,
            None,
        )
    },
    SignalDef {
        cgroup: Some(CgroupResource::MajorFaults),
        ..signal(
            "major_faults",
            "Major faults",
            "faults/s",
            Table::Paging,
            &[("majflt", 1.0)],
            10.0,
            Some(Resource::MajorFaults),
        )
    },
    // -b's sectors of whole physical disks (partitions would count twice), in kB.
    SignalDef {
        cgroup: Some(CgroupResource::IoBytes),
        ..signal(
            "disk",
            "Disk throughput",
            "kB/s",
            Table::Io,
            &[("io-reads.bread", 0.5), ("io-writes.bwrtn", 0.5)],
            256.0,
            Some(Resource::IoBytes),
        )
    },
    SignalDef {
        fold: Fold::Max,
        unattributed: NO_PROCESS_COUNTER,
        ..signal(
            "disk_await",
            "Disk await (busiest device)",
            "ms",
            Table::Disk,
            &[("await", 1.0)],
            5.0,
            None,
        )
    },
    SignalDef {
        fold: Fold::Max,
        unattributed: NO_PROCESS_COUNTER,
        ..signal(
            "disk_util",
            "Disk %util (busiest device)",
            "points",
            Table::Disk,
            &[("util-percent", 1.0)],
            5.0,
            None,
        )
    },
    SignalDef {
        fold: Fold::Sum,
        unattributed: "the logs hold no per-process network counters",
        ..signal(
            "network",
            "Network throughput",
            "kB/s",
            Table::NetDev,
            &[("rxkB", 1.0), ("txkB", 1.0)],
            64.0,
            None,
        )
    },
    SignalDef {
        fold: Fold::Sum,
        unattributed: "the logs hold no per-process network counters",
        ..signal(
            "network_errors",
            "Network errors and drops",
            "packets/s",
            Table::NetEdev,
            &[
                ("rxerr", 1.0),
                ("txerr", 1.0),
                ("rxdrop", 1.0),
                ("txdrop", 1.0),
            ],
            1.0,
            None,
        )
    },
    signal(
        "context_switches",
        "Context switches",
        "/s",
        Table::Tasks,
        &[("cswch", 1.0)],
        500.0,
        Some(Resource::Switches),
    ),
    signal(
        "forks",
        "Processes started",
        "/s",
        Table::Tasks,
        &[("proc", 1.0)],
        5.0,
        Some(Resource::Forks),
    ),
];

impl SignalDef {
    /// The signal's value in one interval (or an interval added up), through the
    /// catalogue; `None` when the report has nothing there.
    fn read(&self, sel: &Selection, s: &IntervalStats, rows: &mut Rows) -> Option<f64> {
        if !self.table.available(s) {
            return None;
        }
        let columns = (self.table.report().columns)(sel);
        let at: Vec<(usize, f64)> = self
            .terms
            .iter()
            .map(|&(key, c)| {
                columns
                    .iter()
                    .position(|col| col.sadf == key)
                    .map(|i| (i, c))
            })
            .collect::<Option<_>>()?;
        self.table.values(sel, s, rows);
        let mut folded: Option<f64> = None;
        for (item, values) in rows.iter() {
            let v: f64 = at
                .iter()
                .map(|&(i, c)| c * values.get(i).copied().unwrap_or(0.0))
                .sum();
            folded = match self.fold {
                Fold::Total if item.is_none_or(|i| i == "all") => return Some(self.offset + v),
                Fold::Total => folded,
                Fold::Sum if item == Some("lo") => folded,
                Fold::Sum => Some(folded.unwrap_or(0.0) + v),
                Fold::Max => Some(folded.map_or(v, |f: f64| f.max(v))),
            };
        }
        match self.fold {
            Fold::Total => None,
            // No device or interface did anything.
            Fold::Sum | Fold::Max => Some(folded.unwrap_or(0.0)),
        }
    }
}

/// Mean and variance of a stream of values (Welford's method: one pass, no values kept).
#[derive(Debug, Clone, Copy, Default)]
pub struct Spread {
    pub n: u64,
    mean: f64,
    m2: f64,
}

impl Spread {
    pub fn add(&mut self, v: f64) {
        self.n += 1;
        let d = v - self.mean;
        self.mean += d / self.n as f64;
        self.m2 += d * (v - self.mean);
    }

    /// The sample standard deviation; `None` under two values.
    pub fn sd(&self) -> Option<f64> {
        (self.n >= 2).then(|| (self.m2 / (self.n - 1) as f64).sqrt())
    }
}

/// One process over a pass.
#[derive(Debug, Clone)]
pub struct ProcessUse {
    pub pid: u32,
    pub comm: Arc<str>,
    /// Its cgroup (`""`: the root, or not recorded).
    pub cgroup: Arc<str>,
    /// When it started (UTC ns).
    pub started_ns: i64,
    /// The first process table it is in (UTC ns).
    pub first_seen_ns: i64,
    /// utime at nice 0 or below, and at a positive nice.
    user_ticks: u64,
    nice_ticks: u64,
    system_ticks: u64,
    io_bytes: u64,
    major_faults: u64,
    switches: u64,
    /// Summed over the process tables it is in.
    rss_pages: u64,
    running: u64,
    blocked: u64,
}

/// A process's bytes to and from storage. Writes to files deleted or truncated before
/// writeback never reach the disk, so the cancelled ones are taken off.
fn storage_bytes(p: &ProcessCounters) -> u64 {
    (p.read_bytes.unwrap_or(0) + p.write_bytes.unwrap_or(0))
        .saturating_sub(p.cancelled_write_bytes.unwrap_or(0))
}

/// A process's counters that grow, between two tables.
fn grown(before: Option<&ProcessCounters>, now: &ProcessCounters) -> [u64; 5] {
    let d = |b: u64, n: u64| n.saturating_sub(b);
    let sw = |p: &ProcessCounters| p.nvcsw.unwrap_or(0) + p.nivcsw.unwrap_or(0);
    match before {
        Some(b) => [
            d(b.utime, now.utime),
            d(b.stime, now.stime),
            d(storage_bytes(b), storage_bytes(now)),
            d(b.majflt, now.majflt),
            d(sw(b), sw(now)),
        ],
        None => [
            now.utime,
            now.stime,
            storage_bytes(now),
            now.majflt,
            sw(now),
        ],
    }
}

/// The process map's hasher: its keys (pid, start time) are looked up for every process
/// of every table, and SipHash took an eighth of a read. Multiply-rotate (as rustc's
/// FxHash) mixes them well enough; nobody gains from colliding pids in their own logs.
#[derive(Debug, Default, Clone, Copy)]
pub struct KeyHasher(u64);

impl Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(u64::from(b));
        }
    }

    fn write_u32(&mut self, n: u32) {
        self.write_u64(u64::from(n));
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0.rotate_left(5) ^ n).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

/// One window read: a renderer the pipeline feeds.
pub struct Pass {
    sel: Selection,
    rows: Rows,
    pub host: Option<HostFacts>,
    /// The window's intervals added up (its mean per signal is sar's `Average:`).
    sum: Option<IntervalStats>,
    spread: Vec<Spread>,
    pub intervals: u64,
    pub first_ns: Option<i64>,
    pub last_ns: Option<i64>,
    prev: Option<ProcessTable>,
    /// Process tables seen, and the seconds between consecutive ones.
    pub tables: u64,
    table_seconds: f64,
    /// When the last process table was taken (UTC ns).
    last_table_ns: Option<i64>,
    pub processes: HashMap<(u32, u64), ProcessUse, BuildHasherDefault<KeyHasher>>,
    /// Processes started in the window, by command.
    started: HashMap<Arc<str>, u64>,
    /// The cgroups' counters and levels over the pass.
    pub cgroups: CgroupPass,
}

impl Default for Pass {
    fn default() -> Self {
        let mut sel = Selection::all();
        sel.cpus = CpuList::Total;
        Pass {
            sel,
            rows: Rows::default(),
            host: None,
            sum: None,
            spread: vec![Spread::default(); SIGNALS.len()],
            intervals: 0,
            first_ns: None,
            last_ns: None,
            prev: None,
            tables: 0,
            table_seconds: 0.0,
            last_table_ns: None,
            processes: HashMap::default(),
            started: HashMap::new(),
            cgroups: CgroupPass::default(),
        }
    }
}

impl Pass {
    /// A signal's mean over the pass (from the added-up intervals, as sar's `Average:`).
    pub fn mean(&mut self, i: usize) -> Option<f64> {
        let def = SIGNALS.get(i)?;
        def.read(&self.sel, self.sum.as_ref()?, &mut self.rows)
    }

    /// A report's `Average:` rows over the pass (the values of every column the
    /// catalogue has for it, sar's and sadf's), into `rows`; `false` when the pass has
    /// nothing for it.
    pub fn averages(&mut self, table: Table, rows: &mut Rows) -> bool {
        rows.clear();
        match &self.sum {
            Some(sum) if table.available(sum) => {
                table.values(&self.sel, sum, rows);
                true
            }
            _ => false,
        }
    }

    /// The columns `averages` gives for `table`.
    pub fn columns(&self, table: Table) -> &'static [crate::report::catalogue::Column] {
        (table.report().columns)(&self.sel)
    }

    /// The host's CPUs (1 when unknown).
    fn cpus(&self) -> f64 {
        f64::from(self.host.as_ref().map_or(1, |h| h.cpu_count.max(1)))
    }

    fn user_hz(&self) -> f64 {
        f64::from(self.host.as_ref().map_or(100, |h| h.user_hz.max(1)))
    }

    /// Whether process tables cover the pass.
    pub fn has_processes(&self) -> bool {
        self.table_seconds > 0.0
    }

    /// Whether `p` ran in this pass before its last moment (the baseline's last table is
    /// the window's first, when one follows the other: a process first seen there
    /// started with the window).
    fn ran_before_end(&self, p: &ProcessUse) -> bool {
        self.last_table_ns.is_some_and(|end| p.first_seen_ns < end)
    }

    /// A process's use of `r` over the pass, in the unit of the signal split over it.
    fn rate(&self, p: &ProcessUse, r: Resource) -> f64 {
        let host_cpus = self.cpus();
        let page_kb = f64::from(self.host.as_ref().map_or(4096, |h| h.page_size)) / 1024.0;
        let secs = self.table_seconds;
        let tables = self.tables.max(1) as f64;
        if secs <= 0.0 {
            return 0.0;
        }
        let cpu_points = |ticks: u64| ticks as f64 / self.user_hz() / secs / host_cpus * 100.0;
        match r {
            Resource::CpuTime => cpu_points(p.user_ticks + p.nice_ticks + p.system_ticks),
            Resource::UserTime => cpu_points(p.user_ticks),
            Resource::NiceTime => cpu_points(p.nice_ticks),
            Resource::SystemTime => cpu_points(p.system_ticks),
            Resource::Rss => p.rss_pages as f64 * page_kb / tables,
            Resource::IoBytes => p.io_bytes as f64 / 1024.0 / secs,
            Resource::Running => p.running as f64 / tables,
            Resource::Blocked => p.blocked as f64 / tables,
            Resource::MajorFaults => p.major_faults as f64 / secs,
            Resource::Switches => p.switches as f64 / secs,
            Resource::Forks => 0.0,
        }
    }

    /// Processes started per second over the pass, by command.
    fn start_rates(&self) -> HashMap<Arc<str>, f64> {
        let secs = self.table_seconds;
        self.started
            .iter()
            .filter(|_| secs > 0.0)
            .map(|(comm, &n)| (comm.clone(), n as f64 / secs))
            .collect()
    }

    /// Each command's processes' use of `r`, added up.
    fn command_rates(&self, r: Resource) -> HashMap<Arc<str>, f64> {
        let mut m: HashMap<Arc<str>, f64> = HashMap::new();
        for p in self.processes.values() {
            *m.entry(p.comm.clone()).or_insert(0.0) += self.rate(p, r);
        }
        m
    }
}

impl Render for Pass {
    fn begin(&mut self, host: &HostFacts, _first_ns: i64) -> io::Result<()> {
        self.host = Some(host.clone());
        Ok(())
    }

    fn interval(&mut self, stats: &IntervalStats) -> io::Result<()> {
        for (i, def) in SIGNALS.iter().enumerate() {
            if let (Some(v), Some(s)) = (
                def.read(&self.sel, stats, &mut self.rows),
                self.spread.get_mut(i),
            ) {
                s.add(v);
            }
        }
        self.cgroups.add(&stats.cgroups);
        match &mut self.sum {
            Some(sum) => sum.add(stats),
            None => self.sum = Some(stats.clone()),
        }
        self.intervals += 1;
        self.first_ns = Some(self.first_ns.unwrap_or(stats.start_ns));
        self.last_ns = Some(stats.end_ns);
        Ok(())
    }

    fn restart(&mut self, _wall_ns: i64, _cpus: u32) -> io::Result<()> {
        self.prev = None;
        Ok(())
    }

    fn comment(&mut self, _wall_ns: i64, _text: &str) -> io::Result<()> {
        Ok(())
    }

    fn processes(&mut self, table: &ProcessTable) -> io::Result<()> {
        let hz = self.user_hz();
        let boot_ns = table.wall_ns - (table.uptime_cs as i64).saturating_mul(10_000_000);
        // Counters grow between two tables of one boot; a table of a new boot starts over.
        let prev = self.prev.take().filter(|p| p.uptime_cs < table.uptime_cs);
        // The kernel adds a reaped child's I/O to its parent's /proc/PID/io: what the
        // children gone since the table before were already counted for is taken off
        // their parents, so that it is not counted twice.
        let mut reaped: HashMap<u32, u64> = HashMap::new();
        // Each process's entry in the table before: both are sorted by key, so one walk
        // pairs them (this runs for every process of every table).
        let mut earlier = Vec::with_capacity(table.processes.len());
        if let Some(prev) = &prev {
            self.table_seconds += (table.uptime_cs - prev.uptime_cs) as f64 / 100.0;
            let mut older = prev.processes.iter().peekable();
            for p in table.processes.iter() {
                while let Some(gone) = older.next_if(|q| q.key() < p.key()) {
                    *reaped.entry(gone.ppid).or_insert(0) += storage_bytes(gone);
                }
                earlier.push(older.next_if(|q| q.key() == p.key()));
            }
            for gone in older {
                *reaped.entry(gone.ppid).or_insert(0) += storage_bytes(gone);
            }
        }
        for (i, p) in table.processes.iter().enumerate() {
            let entry = self.processes.entry(p.key()).or_insert_with(|| ProcessUse {
                pid: p.pid,
                comm: p.comm.clone(),
                cgroup: p.cgroup.clone(),
                started_ns: boot_ns + (p.start_ticks as f64 / hz * 1e9) as i64,
                first_seen_ns: table.wall_ns,
                user_ticks: 0,
                nice_ticks: 0,
                system_ticks: 0,
                io_bytes: 0,
                major_faults: 0,
                switches: 0,
                rss_pages: 0,
                running: 0,
                blocked: 0,
            });
            if let Some(prev) = &prev {
                let before = earlier.get(i).copied().flatten();
                // Started since the table before: all it used is the window's. A process
                // older than that but missing from it (the collector's budget) has
                // nothing to be measured against.
                let prev_ticks = prev.uptime_cs as f64 * hz / 100.0;
                let born = before.is_none() && p.start_ticks as f64 >= prev_ticks;
                if before.is_some() || born {
                    let [u, s, io, mf, sw] = grown(before, p);
                    // As the kernel counts it, by the nice the process has now.
                    if p.nice > 0 {
                        entry.nice_ticks += u;
                    } else {
                        entry.user_ticks += u;
                    }
                    entry.system_ticks += s;
                    let children = if before.is_some() {
                        reaped.get(&p.pid).copied().unwrap_or(0)
                    } else {
                        0
                    };
                    entry.io_bytes += io.saturating_sub(children);
                    entry.major_faults += mf;
                    entry.switches += sw;
                }
                if born {
                    *self.started.entry(p.comm.clone()).or_insert(0) += 1;
                }
            }
            if !p.cgroup.is_empty() && entry.cgroup != p.cgroup {
                entry.cgroup = p.cgroup.clone();
            }
            entry.rss_pages += p.rss;
            match p.state_char() {
                'R' => entry.running += 1,
                'D' => entry.blocked += 1,
                _ => {}
            }
        }
        self.tables += 1;
        self.last_table_ns = Some(table.wall_ns);
        self.prev = Some(table.clone());
        Ok(())
    }

    fn finish(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Whether an entity was there in both windows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Presence {
    Both,
    /// Only in the window (or first seen at the baseline's last moment, which is the
    /// window's first).
    New,
    /// Only in the baseline.
    Vanished,
}

impl Presence {
    pub fn note(self) -> Option<&'static str> {
        match self {
            Presence::Both => None,
            Presence::New => Some("new"),
            Presence::Vanished => Some("vanished"),
        }
    }
}

/// What a contributor is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntityKind {
    Process,
    /// All the processes of one command (processes started, or windows of different boots
    /// where a pid means nothing across them).
    Command,
    /// A cgroup's own part with those of its workload's cgroups (`cgroups`).
    Cgroup,
}

/// One entity's part of a signal's change.
#[derive(Debug, Clone)]
pub struct Contributor {
    pub kind: EntityKind,
    pub name: String,
    pub pid: Option<u32>,
    pub started_ns: Option<i64>,
    /// A process's cgroup (when recorded), a cgroup's path.
    pub cgroup: Option<Arc<str>>,
    /// Its use in the window and in the baseline, in the signal's unit.
    pub window: f64,
    pub baseline: f64,
    /// Its own change (`window − baseline`).
    pub change: f64,
    /// `change` over the system's change.
    pub share: f64,
    pub presence: Presence,
}

/// How a signal's change splits.
#[derive(Debug, Clone)]
pub enum Attribution {
    /// No change: nothing to split.
    NotAsked,
    /// The signal has no per-process counterpart, or no process tables cover a window.
    Unavailable(String),
    Split {
        resource: Resource,
        /// Ranked, largest part of the change first.
        contributors: Vec<Contributor>,
        /// The rest of the entities, together (share of the change).
        others: f64,
        /// What no recorded entity explains (share of the change): kernel threads,
        /// processes born and gone between two tables, threads counted by the kernel but
        /// not per process.
        residual: f64,
    },
}

/// How a signal's change splits over the cgroups.
#[derive(Debug, Clone)]
pub enum CgroupSplit {
    /// No change, or neither pass holds cgroups (the report says so once).
    NotAsked,
    /// The signal has no cgroup counterpart, or one pass holds no cgroups.
    Unavailable(String),
    Split {
        resource: CgroupResource,
        /// Ranked, largest part of the change first.
        contributors: Vec<Contributor>,
        /// The rest of the cgroups, together (share of the change).
        others: f64,
        /// What no recorded cgroup explains (share of the change): the root's own work,
        /// kernel threads, work outside any recorded cgroup. `None` where the cgroups'
        /// values overlap (pressure stalls) and do not add up.
        residual: Option<f64>,
    },
}

/// One signal, window against baseline.
#[derive(Debug, Clone)]
pub struct Finding {
    pub def: &'static SignalDef,
    pub window: f64,
    pub baseline: f64,
    pub change: f64,
    /// The baseline's per-interval standard deviation.
    pub baseline_sd: Option<f64>,
    pub significant: bool,
    /// |change| over the bar it must clear to be significant (`SIGMAS` × the baseline's
    /// spread, at least the floor): over 1 when significant.
    pub score: f64,
    /// The part of the change the named processes or cgroups account for, 0 to 1
    /// (`explained`).
    pub explained: f64,
    pub attribution: Attribution,
    pub cgroups: CgroupSplit,
}

impl Finding {
    /// Whether the part of the change that named entities account for clears the bar on
    /// its own: the report can say who made a significant change.
    pub fn attributed(&self) -> bool {
        self.significant && self.score * self.explained > 1.0
    }

    /// The order findings are told in. Significant changes first. Among them, those
    /// attributed (`attributed`) first, by how far their attributed part stands out
    /// (`score × explained`), then the others by how far the whole change stands out;
    /// the changes within the baseline's variation last, by score. Past the bar, how far
    /// a change stands out says more of how quiet its baseline was than of how much it
    /// matters, and a change the report can pin on someone answers the question asked
    /// (what changed, who did it); one nothing recorded explains (I/O pressure, page
    /// cache, iowait) is most often a consequence of it, and is told after it.
    fn precedes(&self, other: &Finding) -> std::cmp::Ordering {
        let key = |f: &Finding| {
            let attributed = f.attributed();
            let weight = if attributed {
                f.score * f.explained
            } else {
                f.score
            };
            (f.significant, attributed, weight)
        };
        let (a, b) = (key(self), key(other));
        b.0.cmp(&a.0)
            .then(b.1.cmp(&a.1))
            .then(b.2.total_cmp(&a.2))
            .then_with(|| self.def.name.cmp(other.def.name))
    }
}

/// The part of a change that the named entities of its splits account for, 0 to 1: the
/// named processes' shares added up, or the named cgroups' where they add up; where they
/// overlap (pressure stalls) the largest one's, which no other's overlap can take from.
/// The larger of the two splits; 0 where nothing is split.
pub fn explained(attribution: &Attribution, cgroups: &CgroupSplit) -> f64 {
    let named = |c: &[Contributor]| c.iter().map(|c| c.share).sum::<f64>();
    let by_process = match attribution {
        Attribution::Split { contributors, .. } => named(contributors),
        Attribution::NotAsked | Attribution::Unavailable(_) => 0.0,
    };
    let by_cgroup = match cgroups {
        CgroupSplit::Split {
            contributors,
            residual: Some(_),
            ..
        } => named(contributors),
        CgroupSplit::Split { contributors, .. } => {
            contributors.iter().map(|c| c.share).fold(0.0, f64::max)
        }
        CgroupSplit::NotAsked | CgroupSplit::Unavailable(_) => 0.0,
    };
    by_process.max(by_cgroup).clamp(0.0, 1.0)
}

/// The rule a change must pass: bigger than `SIGMAS` times the baseline's per-interval
/// standard deviation, and than the signal's floor (a flat baseline makes any jitter
/// look like a change otherwise).
pub const SIGMAS: f64 = 3.0;

/// How many entities are named per signal; the rest are `others`.
pub const NAMED: usize = 5;

/// The window against the baseline: every signal both have, most important first.
pub fn compare(window: &mut Pass, baseline: &mut Pass) -> Vec<Finding> {
    let same_boot = same_boot(window, baseline);
    let units = Units::of_passes([&window.cgroups, &baseline.cgroups]);
    let mut findings = Vec::new();
    for (i, def) in SIGNALS.iter().enumerate() {
        let (Some(w), Some(b)) = (window.mean(i), baseline.mean(i)) else {
            continue;
        };
        let change = w - b;
        let sd = baseline.spread.get(i).and_then(Spread::sd);
        let bar = (SIGMAS * sd.unwrap_or(0.0)).max(def.floor);
        let significant = change.abs() >= def.floor && change.abs() > SIGMAS * sd.unwrap_or(0.0);
        // Split even a change that is not significant: a script may want to know who
        // moved a signal a little; the text report tells only the significant ones.
        let attribution = if change == 0.0 {
            Attribution::NotAsked
        } else {
            attribute(def, change, window, baseline, same_boot)
        };
        let cgroups = if change == 0.0 {
            CgroupSplit::NotAsked
        } else {
            attribute_to_cgroups(def, change, window, baseline, &units)
        };
        findings.push(Finding {
            def,
            window: w,
            baseline: b,
            change,
            baseline_sd: sd,
            significant,
            score: change.abs() / bar,
            explained: explained(&attribution, &cgroups),
            attribution,
            cgroups,
        });
    }
    findings.sort_by(Finding::precedes);
    findings
}

/// Split `change` of `def` over the entities of both passes.
pub fn attribute(
    def: &SignalDef,
    change: f64,
    window: &Pass,
    baseline: &Pass,
    same_boot: bool,
) -> Attribution {
    let Some(resource) = def.resource else {
        return Attribution::Unavailable(def.unattributed.to_string());
    };
    for (pass, which) in [(window, "window"), (baseline, "baseline")] {
        if !pass.has_processes() {
            return Attribution::Unavailable(format!(
                "no process tables in the {which} (record with processes on)"
            ));
        }
    }
    let parts: Vec<Contributor> = if resource == Resource::Forks {
        by_command(window, baseline, Pass::start_rates)
    } else if same_boot {
        by_process(window, baseline, resource)
    } else {
        by_command(window, baseline, |pass| pass.command_rates(resource))
    };
    let (contributors, others, residual) = rank(parts, change);
    Attribution::Split {
        resource,
        contributors,
        others,
        residual,
    }
}

/// `parts` ranked in the direction of `change`, each with its share of it: the named
/// (the largest parts, at most `NAMED`, each at least 1 %), the others' share together,
/// and the residual's.
fn rank(mut parts: Vec<Contributor>, change: f64) -> (Vec<Contributor>, f64, f64) {
    let sign = change.signum();
    // Ties in a stable order (the entities come from maps): the same input, the same output.
    parts.sort_by(|a, b| {
        (b.change * sign)
            .total_cmp(&(a.change * sign))
            .then_with(|| a.name.cmp(&b.name))
            .then(a.pid.cmp(&b.pid))
    });
    let explained: f64 = parts.iter().map(|c| c.change).sum();
    for c in &mut parts {
        c.share = c.change / change;
    }
    let named = parts
        .iter()
        .take(NAMED)
        .take_while(|c| c.share >= 0.01)
        .count();
    let rest = parts.split_off(named);
    let others: f64 = rest.iter().map(|c| c.change).sum::<f64>() / change;
    (parts, others, (change - explained) / change)
}

/// Split `change` of `def` over the cgroups of both passes, at one level (`cgroups`).
pub fn attribute_to_cgroups(
    def: &SignalDef,
    change: f64,
    window: &Pass,
    baseline: &Pass,
    units: &Units,
) -> CgroupSplit {
    if window.cgroups.is_empty() && baseline.cgroups.is_empty() {
        return CgroupSplit::NotAsked;
    }
    let Some(resource) = def.cgroup else {
        return CgroupSplit::Unavailable("the cgroups have no counter for it".into());
    };
    for (pass, which) in [(window, "window"), (baseline, "baseline")] {
        if pass.cgroups.is_empty() {
            return CgroupSplit::Unavailable(format!("no cgroups recorded in the {which}"));
        }
    }
    let parts = cgroups::by_unit(
        &window.cgroups,
        &baseline.cgroups,
        units,
        resource,
        (window.cpus(), baseline.cpus()),
    );
    let (contributors, others, residual) = rank(parts, change);
    CgroupSplit::Split {
        resource,
        contributors,
        others,
        residual: resource.additive().then_some(residual),
    }
}

/// The `n` entities whose use of `r` changed most between the passes, either way,
/// largest change first (`rsar diff`'s processes). Shares are left at 0: there is no
/// system change they are a part of.
pub fn movers(window: &Pass, baseline: &Pass, r: Resource, n: usize) -> Vec<Contributor> {
    let mut all = if r == Resource::Forks {
        by_command(window, baseline, Pass::start_rates)
    } else if same_boot(window, baseline) {
        by_process(window, baseline, r)
    } else {
        by_command(window, baseline, |pass| pass.command_rates(r))
    };
    all.sort_by(|a, b| {
        b.change
            .abs()
            .total_cmp(&a.change.abs())
            .then_with(|| a.name.cmp(&b.name))
            .then(a.pid.cmp(&b.pid))
    });
    all.truncate(n);
    all
}

/// Whether a pid means the same process in both passes.
fn same_boot(window: &Pass, baseline: &Pass) -> bool {
    match (&window.host, &baseline.host) {
        (Some(a), Some(b)) => a.boot_id == b.boot_id,
        _ => false,
    }
}

/// Each process (pid and start time) of either pass, window minus baseline.
fn by_process(window: &Pass, baseline: &Pass, r: Resource) -> Vec<Contributor> {
    let mut out = Vec::new();
    for (key, p) in &window.processes {
        let before = baseline.processes.get(key);
        let (now, then) = (
            window.rate(p, r),
            before.map_or(0.0, |b| baseline.rate(b, r)),
        );
        let ran = before.is_some_and(|b| baseline.ran_before_end(b));
        out.push(Contributor {
            kind: EntityKind::Process,
            name: p.comm.to_string(),
            pid: Some(p.pid),
            started_ns: Some(p.started_ns),
            cgroup: recorded_cgroup(&p.cgroup),
            window: now,
            baseline: then,
            change: now - then,
            share: 0.0,
            presence: if ran { Presence::Both } else { Presence::New },
        });
    }
    for (key, b) in &baseline.processes {
        if !window.processes.contains_key(key) {
            out.push(Contributor {
                kind: EntityKind::Process,
                name: b.comm.to_string(),
                pid: Some(b.pid),
                started_ns: Some(b.started_ns),
                cgroup: recorded_cgroup(&b.cgroup),
                window: 0.0,
                baseline: baseline.rate(b, r),
                change: -baseline.rate(b, r),
                share: 0.0,
                presence: Presence::Vanished,
            });
        }
    }
    out.retain(|c| c.change != 0.0);
    out
}

/// A process's cgroup, when one was recorded for it.
fn recorded_cgroup(c: &Arc<str>) -> Option<Arc<str>> {
    (!c.is_empty()).then(|| c.clone())
}

/// Each command of either pass, window minus baseline; `totals` gives a pass's value per
/// command.
fn by_command(
    window: &Pass,
    baseline: &Pass,
    totals: impl Fn(&Pass) -> HashMap<Arc<str>, f64>,
) -> Vec<Contributor> {
    let (w, b) = (totals(window), totals(baseline));
    let mut out = Vec::new();
    for (comm, v) in &w {
        let before = b.get(comm);
        out.push(Contributor {
            kind: EntityKind::Command,
            name: comm.to_string(),
            pid: None,
            started_ns: None,
            cgroup: None,
            window: *v,
            baseline: before.copied().unwrap_or(0.0),
            change: v - before.copied().unwrap_or(0.0),
            share: 0.0,
            presence: if before.is_some() {
                Presence::Both
            } else {
                Presence::New
            },
        });
    }
    for (comm, v) in &b {
        if !w.contains_key(comm) {
            out.push(Contributor {
                kind: EntityKind::Command,
                name: comm.to_string(),
                pid: None,
                started_ns: None,
                cgroup: None,
                window: 0.0,
                baseline: *v,
                change: -v,
                share: 0.0,
                presence: Presence::Vanished,
            });
        }
    }
    out.retain(|c| c.change != 0.0);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn host() -> HostFacts {
        HostFacts {
            hostname: "h".into(),
            sysname: "Linux".into(),
            release: "6.1".into(),
            machine: "x86_64".into(),
            boot_id: "b".into(),
            user_hz: 100,
            page_size: 4096,
            cpu_count: 2,
        }
    }

    fn process(pid: u32, comm: &str, start_ticks: u64, utime: u64) -> ProcessCounters {
        ProcessCounters {
            pid,
            start_ticks,
            comm: comm.into(),
            utime,
            state: u32::from(b'S'),
            ..ProcessCounters::default()
        }
    }

    /// Seconds `t` of a made-up run: a worker using 10 ticks/s until t = 10 and 30 after,
    /// a hog started at 9.5 s using 40 ticks/s.
    fn table(t: u64) -> ProcessTable {
        let up = 1000 * 100 + t * 100;
        let worker = 10 * t.min(10) + 30 * t.saturating_sub(10);
        let mut ps = vec![process(100, "worker", 10, worker)];
        if t >= 10 {
            // Started at 9.5 s of this run: uptime 1009.5 s, in ticks of 1/100 s.
            ps.push(process(200, "hog", 100_950, 40 * (t - 10)));
        }
        ProcessTable {
            wall_ns: (t as i64) * 1_000_000_000,
            uptime_cs: up,
            processes: Arc::new(ps),
        }
    }

    fn pass(times: std::ops::RangeInclusive<u64>) -> Pass {
        let mut p = Pass::default();
        p.begin(&host(), 0).unwrap();
        for t in times {
            p.processes(&table(t)).unwrap();
        }
        p
    }

    #[test]
    fn shares_are_each_process_change_over_the_system_change() {
        let (window, baseline) = (pass(10..=20), pass(0..=10));
        let cpu = &SIGNALS[0];
        assert_eq!(cpu.name, "cpu");
        // The hog: 40 ticks/s of 2 CPUs at 100 Hz = 20 points; the worker 5 → 15 points.
        let Attribution::Split {
            contributors,
            others,
            residual,
            ..
        } = attribute(cpu, 50.0, &window, &baseline, true)
        else {
            panic!("no split");
        };
        let got: Vec<(&str, f64, Presence)> = contributors
            .iter()
            .map(|c| (c.name.as_str(), c.share, c.presence))
            .collect();
        assert_eq!(got.len(), 2, "{got:?}");
        assert_eq!(got[0].0, "hog");
        assert!((got[0].1 - 0.40).abs() < 1e-9, "{got:?}");
        assert_eq!(got[0].2, Presence::New);
        assert_eq!(got[1].0, "worker");
        assert!((got[1].1 - 0.20).abs() < 1e-9, "{got:?}");
        assert_eq!(got[1].2, Presence::Both);
        assert!(others.abs() < 1e-9);
        assert!((residual - 0.40).abs() < 1e-9, "{residual}");
    }

    #[test]
    fn a_process_gone_from_the_window_is_vanished_and_counts_against_the_change() {
        // Window and baseline swapped: the hog ran in the "baseline" only.
        let (window, baseline) = (pass(0..=9), pass(10..=20));
        let Attribution::Split { contributors, .. } =
            attribute(&SIGNALS[0], -30.0, &window, &baseline, true)
        else {
            panic!("no split");
        };
        let hog = contributors.iter().find(|c| c.name == "hog").unwrap();
        assert_eq!(hog.presence, Presence::Vanished);
        assert!((hog.share - 20.0 / 30.0).abs() < 1e-9, "{}", hog.share);
    }

    #[test]
    fn a_reaped_childs_io_is_not_counted_again_for_its_parent() {
        let io = |pid: u32, ppid: u32, written: u64| ProcessCounters {
            pid,
            ppid,
            start_ticks: 10,
            comm: "p".into(),
            read_bytes: Some(0),
            write_bytes: Some(written),
            ..ProcessCounters::default()
        };
        let at = |t: u64, ps: Vec<ProcessCounters>| ProcessTable {
            wall_ns: t as i64 * 1_000_000_000,
            uptime_cs: 100_000 + t * 100,
            processes: Arc::new(ps),
        };
        let mut pass = Pass::default();
        pass.begin(&host(), 0).unwrap();
        // The child writes 1 MiB and is reaped; the parent's counter then holds the
        // child's 1 MiB and 4 kiB more that the child wrote after the last table.
        pass.processes(&at(0, vec![io(1, 0, 0), io(2, 1, 0)]))
            .unwrap();
        pass.processes(&at(1, vec![io(1, 0, 0), io(2, 1, 1 << 20)]))
            .unwrap();
        pass.processes(&at(2, vec![io(1, 0, (1 << 20) + 4096)]))
            .unwrap();
        let written = |pid: u32| pass.processes[&(pid, 10)].io_bytes;
        assert_eq!(written(2), 1 << 20);
        assert_eq!(written(1), 4096);
    }

    /// The nested cgroups of `cgroups::tests` (own parts on 2 CPUs: `a.slice/x.service`
    /// +40 points, `a.slice` +15, the new `b` +5, the root's own unchanged) against a
    /// system change of 64 points: shares 40/64, 15/64 and 5/64, and 4/64 outside any
    /// recorded cgroup. A process in `x.service` is named with it.
    #[test]
    fn a_change_splits_over_nested_cgroups_once_with_the_rest_outside() {
        use crate::cgroup::CgroupCounters;
        use crate::stats::{Items, Over};
        let cg = |path: &str, usage_us: u64| Over {
            delta: CgroupCounters {
                path: path.into(),
                usage_us: Some(usage_us),
                ..CgroupCounters::default()
            },
            seconds: 1.0,
            in_use: true,
        };
        let with = |mut p: Pass, items: Vec<Over<CgroupCounters>>| {
            p.cgroups.add(&Items {
                items,
                seconds: 1.0,
            });
            p
        };
        let baseline = with(
            pass(0..=10),
            vec![
                cg("", 400_000),
                cg("a.slice", 300_000),
                cg("a.slice/x.service", 100_000),
                cg("a.slice/y.service", 100_000),
            ],
        );
        let mut window = with(
            Pass::default(),
            vec![
                cg("", 1_600_000),
                cg("a.slice", 1_400_000),
                cg("a.slice/x.service", 900_000),
                cg("a.slice/y.service", 100_000),
                cg("b", 100_000),
            ],
        );
        window.begin(&host(), 0).unwrap();
        let in_x = |t: u64| {
            let mut table = table(t);
            let mut ps = (*table.processes).clone();
            for p in &mut ps {
                p.cgroup = "a.slice/x.service".into();
            }
            table.processes = Arc::new(ps);
            table
        };
        for t in 10..=20 {
            window.processes(&in_x(t)).unwrap();
        }
        let units = Units::of_passes([&window.cgroups, &baseline.cgroups]);
        let CgroupSplit::Split {
            contributors,
            others,
            residual,
            ..
        } = attribute_to_cgroups(&SIGNALS[0], 64.0, &window, &baseline, &units)
        else {
            panic!("no split");
        };
        let got: Vec<(&str, f64)> = contributors
            .iter()
            .map(|c| (c.name.as_str(), c.share))
            .collect();
        let want = [
            ("a.slice/x.service", 40.0 / 64.0),
            ("a.slice", 15.0 / 64.0),
            ("b", 5.0 / 64.0),
        ];
        assert_eq!(got.len(), 3, "{got:?}");
        for (g, w) in got.iter().zip(want) {
            assert_eq!(g.0, w.0);
            assert!((g.1 - w.1).abs() < 1e-12, "{got:?}");
        }
        assert_eq!(contributors[2].presence, Presence::New);
        assert!(others.abs() < 1e-12);
        assert!(
            (residual.unwrap() - 4.0 / 64.0).abs() < 1e-12,
            "{residual:?}"
        );
        let Attribution::Split { contributors, .. } =
            attribute(&SIGNALS[0], 64.0, &window, &baseline, true)
        else {
            panic!("no process split");
        };
        let hog = contributors.iter().find(|c| c.name == "hog").unwrap();
        assert_eq!(hog.cgroup.as_deref(), Some("a.slice/x.service"));
        assert_eq!(
            render::who(hog, None),
            "`hog` (pid 200, a.slice/x.service, new)"
        );
        // Without cgroups in the baseline nothing is split, and that is said.
        let split = attribute_to_cgroups(&SIGNALS[0], 64.0, &window, &pass(0..=10), &units);
        assert!(
            matches!(&split, CgroupSplit::Unavailable(why) if why.contains("baseline")),
            "{split:?}"
        );
    }

    #[test]
    fn the_spread_is_the_sample_standard_deviation() {
        let mut s = Spread::default();
        assert_eq!(s.sd(), None);
        for v in [2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0] {
            s.add(v);
        }
        // Σ(v − 5)² = 32 over 7.
        assert!((s.sd().unwrap() - (32.0f64 / 7.0).sqrt()).abs() < 1e-12);
    }
}
