//! The data model: one `Sample` of raw kernel counters, as read from a /proc tree.
//!
//! Everything here is a counter or a level exactly as the kernel reported it — never a
//! rate. Rates are `stats`' business, so a sample can be stored losslessly and any interval
//! recomputed later. This module knows nothing of files, screens or formulas.
//!
//! Fields that older kernels lack are `Option`; a source that is missing altogether (no
//! PSI, no swap) leaves its group `None` or empty.

/// Facts about the machine a sample was taken on. They travel with the samples (in the log
/// header, later), so a report never re-reads them from the reading machine.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct HostFacts {
    /// `uname -n`.
    pub hostname: String,
    /// `uname -s`, normally `Linux`.
    pub sysname: String,
    /// `uname -r`.
    pub release: String,
    /// `uname -m`.
    pub machine: String,
    /// `/proc/sys/kernel/random/boot_id`; changes at every boot.
    pub boot_id: String,
    /// Clock ticks per second (`USER_HZ`), the unit of /proc/stat CPU times.
    pub user_hz: u32,
    /// Page size in bytes.
    pub page_size: u32,
    /// Number of CPUs the system can bring online (sar's `(N CPU)` in the banner).
    pub cpu_count: u32,
}

/// When a sample was taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SampleTime {
    /// UTC wall-clock time, nanoseconds since the Unix epoch.
    pub wall_ns: i64,
    /// `/proc/uptime`'s first field in hundredths of a second. Intervals are measured on
    /// this clock, which never steps back, not on the wall clock.
    pub uptime_cs: u64,
}

/// One line of /proc/stat's `cpu` block, in clock ticks. `guest` and `guest_nice` are
/// already included in `user` and `nice` by the kernel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CpuTicks {
    pub user: u64,
    pub nice: u64,
    pub system: u64,
    pub idle: u64,
    /// (since Linux 2.5.41)
    pub iowait: u64,
    /// (since Linux 2.6.0)
    pub irq: u64,
    /// (since Linux 2.6.0)
    pub softirq: u64,
    /// (since Linux 2.6.11; 0 before)
    pub steal: u64,
    /// (since Linux 2.6.24; 0 before)
    pub guest: u64,
    /// (since Linux 2.6.33; 0 before)
    pub guest_nice: u64,
}

/// CPU times: the machine total and each CPU by its number.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CpuTimes {
    /// The aggregate `cpu` line.
    pub total: CpuTicks,
    /// Indexed by CPU number; `None` for a CPU that has no line (offline).
    pub per_cpu: Vec<Option<CpuTicks>>,
}

impl CpuTimes {
    /// Numbers of the CPUs that were online when the sample was taken.
    pub fn online(&self) -> impl Iterator<Item = (usize, &CpuTicks)> {
        self.per_cpu
            .iter()
            .enumerate()
            .filter_map(|(n, t)| t.as_ref().map(|t| (n, t)))
    }
}

/// Whole-system counters from /proc/stat.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct KernelCounters {
    /// Context switches since boot.
    pub ctxt: u64,
    /// Forks since boot (`processes`).
    pub processes: u64,
    /// Interrupts serviced since boot (first number of `intr`).
    pub intr: u64,
    /// Tasks runnable now.
    pub procs_running: u64,
    /// Tasks blocked on I/O now.
    pub procs_blocked: u64,
}

/// /proc/loadavg. Load averages are kept as the kernel prints them, in hundredths.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct LoadAvg {
    pub load1_x100: u32,
    pub load5_x100: u32,
    pub load15_x100: u32,
    /// Runnable scheduling entities, including the reader itself.
    pub runnable: u32,
    /// Scheduling entities that exist.
    pub tasks: u32,
}

/// /proc/meminfo, in kB as the kernel prints it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Memory {
    pub mem_total: u64,
    pub mem_free: u64,
    /// (since Linux 3.14)
    pub mem_available: Option<u64>,
    pub buffers: u64,
    pub cached: u64,
    pub active: u64,
    pub inactive: u64,
    pub dirty: u64,
    /// (since Linux 2.6.32)
    pub shmem: Option<u64>,
    pub slab: u64,
    /// Reclaimable slab (since Linux 2.6.19); procps counts it as cache.
    pub s_reclaimable: Option<u64>,
    pub committed_as: u64,
    /// (since Linux 2.6.18)
    pub anon_pages: Option<u64>,
    /// (since Linux 2.6.32)
    pub kernel_stack: Option<u64>,
    /// (since Linux 2.6.18)
    pub page_tables: Option<u64>,
    pub vmalloc_used: u64,
    pub hugepages_total: Option<u64>,
    pub hugepages_free: Option<u64>,
    pub hugepages_rsvd: Option<u64>,
    pub hugepages_surp: Option<u64>,
    /// kB per huge page.
    pub hugepagesize: Option<u64>,
}

/// Swap levels from /proc/meminfo (kB) and swap traffic from /proc/vmstat (pages).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Swap {
    pub swap_total: u64,
    pub swap_free: u64,
    pub swap_cached: u64,
    pub pswpin: u64,
    pub pswpout: u64,
}

/// Paging counters from /proc/vmstat. The `pgscan_*`, `pgsteal_*` families are summed
/// over their zones/kinds when read (as sadc does).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Paging {
    /// kB paged in from disk.
    pub pgpgin: u64,
    /// kB paged out to disk.
    pub pgpgout: u64,
    pub pgfault: u64,
    pub pgmajfault: u64,
    pub pgfree: u64,
    /// Σ pgscan_kswapd*.
    pub pgscan_kswapd: u64,
    /// Σ pgscan_direct*.
    pub pgscan_direct: u64,
    /// Σ pgsteal_*.
    pub pgsteal: u64,
    /// Σ pgpromote_success (since Linux 6.1; 0 before).
    pub pgpromote: u64,
    /// Σ pgdemote_* (since Linux 5.16; 0 before).
    pub pgdemote: u64,
}

/// One line of /proc/diskstats: every field the kernel gives.
///
/// The millisecond fields (`read_ms`, `write_ms`, `io_ticks_ms`, `weighted_ms`,
/// `discard_ms`, `flush_ms`) are 32-bit in the kernel and wrap at 2^32.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DiskCounters {
    pub major: u32,
    pub minor: u32,
    pub name: String,
    /// A whole disk (it has `/sys/block/NAME`), not a partition.
    pub whole: bool,
    /// A whole disk backed by a device (`/sys/block/NAME/device` exists), not a virtual
    /// one such as loop or dm: the devices `sar -b` sums.
    pub physical: bool,
    pub reads: u64,
    pub reads_merged: u64,
    pub read_sectors: u64,
    pub read_ms: u64,
    pub writes: u64,
    pub writes_merged: u64,
    pub write_sectors: u64,
    pub write_ms: u64,
    pub in_flight: u64,
    pub io_ticks_ms: u64,
    pub weighted_ms: u64,
    /// (since Linux 4.18)
    pub discards: Option<u64>,
    pub discards_merged: Option<u64>,
    pub discard_sectors: Option<u64>,
    pub discard_ms: Option<u64>,
    /// (since Linux 5.5)
    pub flushes: Option<u64>,
    pub flush_ms: Option<u64>,
}

/// One interface of /proc/net/dev, plus its link facts from /sys/class/net.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct NetCounters {
    pub name: String,
    pub rx_bytes: u64,
    pub rx_packets: u64,
    pub rx_errs: u64,
    pub rx_drop: u64,
    pub rx_fifo: u64,
    pub rx_frame: u64,
    pub rx_compressed: u64,
    pub rx_multicast: u64,
    pub tx_bytes: u64,
    pub tx_packets: u64,
    pub tx_errs: u64,
    pub tx_drop: u64,
    pub tx_fifo: u64,
    pub tx_colls: u64,
    pub tx_carrier: u64,
    pub tx_compressed: u64,
    /// Link speed in Mb/s, when the driver reports one.
    pub speed_mbps: Option<u32>,
    /// Full duplex (false when half or unknown).
    pub full_duplex: bool,
}

/// One line (`some` or `full`) of a /proc/pressure file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PressureLine {
    pub avg10_x100: u32,
    pub avg60_x100: u32,
    pub avg300_x100: u32,
    /// Total stall time in microseconds.
    pub total_us: u64,
}

/// One /proc/pressure file. CPU `full` is absent before Linux 5.13.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Pressure {
    pub some: PressureLine,
    pub full: Option<PressureLine>,
}

/// Pressure stall information (since Linux 4.20, with CONFIG_PSI); each `None` when absent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PressureSet {
    pub cpu: Option<Pressure>,
    pub io: Option<Pressure>,
    pub memory: Option<Pressure>,
}

/// One sample of every group.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Sample {
    pub time: SampleTime,
    pub cpu: CpuTimes,
    pub kernel: KernelCounters,
    pub load: Option<LoadAvg>,
    pub memory: Option<Memory>,
    pub swap: Option<Swap>,
    pub paging: Option<Paging>,
    pub disks: Vec<DiskCounters>,
    pub net: Vec<NetCounters>,
    pub pressure: PressureSet,
}

impl Sample {
    /// The sample this machine would have given at boot: the same CPUs, devices and
    /// interfaces, every counter 0, uptime 0. An interval from it to `self` is "since
    /// boot", as the first line of vmstat shows.
    pub fn at_boot(&self) -> Sample {
        let mut b = self.clone();
        b.time.uptime_cs = 0;
        b.time.wall_ns = self
            .time
            .wall_ns
            .saturating_sub((self.time.uptime_cs as i64).saturating_mul(10_000_000));
        b.cpu.total = CpuTicks::default();
        for c in b.cpu.per_cpu.iter_mut().flatten() {
            *c = CpuTicks::default();
        }
        b.kernel.ctxt = 0;
        b.kernel.processes = 0;
        b.kernel.intr = 0;
        if let Some(w) = b.swap.as_mut() {
            w.pswpin = 0;
            w.pswpout = 0;
        }
        if let Some(p) = b.paging.as_mut() {
            *p = Paging::default();
        }
        for d in &mut b.disks {
            *d = DiskCounters {
                major: d.major,
                minor: d.minor,
                name: std::mem::take(&mut d.name),
                whole: d.whole,
                physical: d.physical,
                ..DiskCounters::default()
            };
        }
        for n in &mut b.net {
            *n = NetCounters {
                name: std::mem::take(&mut n.name),
                speed_mbps: n.speed_mbps,
                full_duplex: n.full_duplex,
                ..NetCounters::default()
            };
        }
        for p in [
            &mut b.pressure.cpu,
            &mut b.pressure.io,
            &mut b.pressure.memory,
        ]
        .into_iter()
        .flatten()
        {
            p.some.total_us = 0;
            if let Some(f) = p.full.as_mut() {
                f.total_us = 0;
            }
        }
        b
    }
}
