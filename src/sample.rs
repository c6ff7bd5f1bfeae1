//! The data model: one `Sample` of raw kernel counters, as read from a /proc tree, and the
//! **schema** that declares it.
//!
//! Everything here is a counter or a level exactly as the kernel reported it — never a
//! rate. Rates are `stats`' business, so a sample can be stored losslessly and any interval
//! recomputed later. This module knows nothing of files, screens or formulas.
//!
//! Each metric group is declared once, with `group!`: its fields with name, counter or
//! level, unit, wrap rule, source file and the kernel version that added it. From that one
//! declaration come the struct, its `FIELDS` table (which the log format, the format
//! document, the property tests and exporters read), and the generic access the log codec
//! uses (`Group`). `GROUPS` lists the groups of a `Sample` with their numbers in the log.
//!
//! Fields that older kernels lack are `Option`; a source that is missing altogether (no
//! PSI, no swap) leaves its group `None` or empty.

/// Whether a field counts events since boot (rates come from its differences) or is a
/// level at the moment of the sample.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Counter,
    Level,
}

/// One field of a metric group: what it is, where it comes from, how it behaves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Field {
    /// The struct field's name; also its name in the log's documentation.
    pub name: &'static str,
    pub kind: Kind,
    /// Unit as the kernel gives it (`ticks` are USER_HZ clock ticks).
    pub unit: &'static str,
    /// The kernel keeps this counter in so many bits and it wraps to 0 there (diskstats'
    /// millisecond fields are 32-bit); `None`: it does not wrap within 64 bits.
    pub wrap_bits: Option<u8>,
    /// The file (or call) it is read from.
    pub source: &'static str,
    /// The Linux version that added it, where older kernels lack it.
    pub since: Option<&'static str>,
    /// Absent on some kernels (`Option` in the struct).
    pub optional: bool,
    /// The largest value the field's type holds.
    pub max: u64,
    /// The field's name in its source file where it is one line or column of it
    /// (`MemTotal`, `pgpgin`); `None` for a sum or a derived value. Exporters name metrics
    /// after it.
    pub key: Option<&'static str>,
    /// The field's documentation.
    pub doc: &'static str,
}

/// A field's Rust type as a stored number: `None` is an absent optional field.
pub trait FieldValue: Sized {
    const OPTIONAL: bool;
    const MAX: u64;
    fn to_raw(&self) -> Option<u64>;
    /// `None` when `raw` does not fit the type. An absent required field reads as 0.
    fn from_raw(raw: Option<u64>) -> Option<Self>;
}

impl FieldValue for u64 {
    const OPTIONAL: bool = false;
    const MAX: u64 = u64::MAX;
    fn to_raw(&self) -> Option<u64> {
        Some(*self)
    }
    fn from_raw(raw: Option<u64>) -> Option<Self> {
        Some(raw.unwrap_or(0))
    }
}

impl FieldValue for u32 {
    const OPTIONAL: bool = false;
    const MAX: u64 = u32::MAX as u64;
    fn to_raw(&self) -> Option<u64> {
        Some(u64::from(*self))
    }
    fn from_raw(raw: Option<u64>) -> Option<Self> {
        u32::try_from(raw.unwrap_or(0)).ok()
    }
}

/// Stored as the u64 with the same bits.
impl FieldValue for i64 {
    const OPTIONAL: bool = false;
    const MAX: u64 = u64::MAX;
    fn to_raw(&self) -> Option<u64> {
        Some(*self as u64)
    }
    fn from_raw(raw: Option<u64>) -> Option<Self> {
        Some(raw.unwrap_or(0) as i64)
    }
}

impl FieldValue for Option<u64> {
    const OPTIONAL: bool = true;
    const MAX: u64 = u64::MAX;
    fn to_raw(&self) -> Option<u64> {
        *self
    }
    fn from_raw(raw: Option<u64>) -> Option<Self> {
        Some(raw)
    }
}

/// A metric group declared with `group!`: its field table and its values as numbers.
pub trait Group: Default {
    /// Each field, in declaration order (the order of its numbers in the log).
    const FIELDS: &'static [Field];
    /// Each field's stored value (`None`: an absent optional field), in `FIELDS` order.
    fn raw_values(&self, out: &mut impl FnMut(Option<u64>));
    /// Set the fields from stored values in `FIELDS` order; a field past the end of `raw`
    /// is absent. Other members (an item's name) are left as they are. `Err` names a field
    /// whose value does not fit its type.
    fn set_raw_values(&mut self, raw: &[Option<u64>]) -> Result<(), &'static str>;
}

/// `or!(x; default)`: x when given, else the default.
macro_rules! or {
    (; $d:expr) => {
        $d
    };
    ($x:expr; $d:expr) => {
        $x
    };
}

/// Declare a metric group: the struct (its `item { }` members describe an item and are not
/// numbers; every other member is a field), its `FIELDS` table and its `Group` impl.
/// A field is `name: Type [Counter|Level, "unit" (, wrap = BITS)? (, source = "file")?
/// (, since = "Linux version")? (, key = "name in the file")?]`; `source` defaults to the
/// group's.
macro_rules! group {
    (
        $(#[$meta:meta])*
        pub struct $name:ident from $source:literal {
            $(item {
                $( $(#[$imeta:meta])* pub $item:ident : $ity:ty, )*
            })?
            $(
                $(#[doc = $doc:literal])*
                pub $f:ident : $ty:ty [$kind:ident, $unit:literal
                    $(, wrap = $wrap:literal)? $(, source = $src:literal)? $(, since = $since:literal)?
                    $(, key = $key:literal)?],
            )*
        }
    ) => {
        $(#[$meta])*
        pub struct $name {
            $($( $(#[$imeta])* pub $item: $ity, )*)?
            $( $(#[doc = $doc])* pub $f: $ty, )*
        }

        impl Group for $name {
            const FIELDS: &'static [Field] = &[$(
                Field {
                    name: stringify!($f),
                    kind: Kind::$kind,
                    unit: $unit,
                    wrap_bits: or!($(Some($wrap))?; None),
                    source: or!($($src)?; $source),
                    since: or!($(Some($since))?; None),
                    optional: <$ty as FieldValue>::OPTIONAL,
                    max: <$ty as FieldValue>::MAX,
                    key: or!($(Some($key))?; None),
                    doc: concat!($($doc),*),
                },
            )*];

            fn raw_values(&self, out: &mut impl FnMut(Option<u64>)) {
                $( out(FieldValue::to_raw(&self.$f)); )*
            }

            fn set_raw_values(&mut self, raw: &[Option<u64>]) -> Result<(), &'static str> {
                let mut it = raw.iter().copied();
                $(
                    self.$f = FieldValue::from_raw(it.next().flatten()).ok_or(stringify!($f))?;
                )*
                Ok(())
            }
        }
    };
}

// Other modules declare groups too (the process table).
pub(crate) use {group, or};

/// Facts about the machine a sample was taken on. They travel with the samples (in the log
/// header and restart records), so a report never re-reads them from the reading machine.
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

group! {
    /// When a sample was taken.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
    pub struct SampleTime from "clock_gettime(CLOCK_REALTIME)" {
        /// UTC wall-clock time, nanoseconds since the Unix epoch.
        pub wall_ns: i64 [Level, "ns"],
        /// `/proc/uptime`'s first field in hundredths of a second. Intervals are measured
        /// on this clock, which never steps back, not on the wall clock.
        pub uptime_cs: u64 [Counter, "1/100 s", source = "/proc/uptime"],
    }
}

group! {
    /// One line of /proc/stat's `cpu` block, in clock ticks. `guest` and `guest_nice` are
    /// already included in `user` and `nice` by the kernel.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
    pub struct CpuTicks from "/proc/stat" {
        /// Time in user mode.
        pub user: u64 [Counter, "ticks"],
        /// Time in user mode at low priority.
        pub nice: u64 [Counter, "ticks"],
        /// Time in kernel mode.
        pub system: u64 [Counter, "ticks"],
        /// Time idle.
        pub idle: u64 [Counter, "ticks"],
        /// Time idle with I/O outstanding (since Linux 2.5.41).
        pub iowait: u64 [Counter, "ticks", since = "2.5.41"],
        /// Time servicing interrupts (since Linux 2.6.0).
        pub irq: u64 [Counter, "ticks", since = "2.6.0"],
        /// Time servicing softirqs (since Linux 2.6.0).
        pub softirq: u64 [Counter, "ticks", since = "2.6.0"],
        /// Time stolen by the hypervisor (since Linux 2.6.11; 0 before).
        pub steal: u64 [Counter, "ticks", since = "2.6.11"],
        /// Time running a guest (since Linux 2.6.24; 0 before).
        pub guest: u64 [Counter, "ticks", since = "2.6.24"],
        /// Time running a niced guest (since Linux 2.6.33; 0 before).
        pub guest_nice: u64 [Counter, "ticks", since = "2.6.33"],
    }
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

group! {
    /// Whole-system counters from /proc/stat.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
    pub struct KernelCounters from "/proc/stat" {
        /// Context switches since boot.
        pub ctxt: u64 [Counter, "switches"],
        /// Forks since boot (`processes`).
        pub processes: u64 [Counter, "forks"],
        /// Interrupts serviced since boot (first number of `intr`).
        pub intr: u64 [Counter, "interrupts"],
        /// Tasks runnable now.
        pub procs_running: u64 [Level, "tasks"],
        /// Tasks blocked on I/O now.
        pub procs_blocked: u64 [Level, "tasks"],
        /// When the machine booted (`btime`), in seconds since the epoch.
        pub btime: Option<u64> [Level, "s"],
    }
}

group! {
    /// /proc/loadavg. Load averages are kept as the kernel prints them, in hundredths.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
    pub struct LoadAvg from "/proc/loadavg" {
        /// 1-minute load average × 100.
        pub load1_x100: u32 [Level, "1/100"],
        /// 5-minute load average × 100.
        pub load5_x100: u32 [Level, "1/100"],
        /// 15-minute load average × 100.
        pub load15_x100: u32 [Level, "1/100"],
        /// Runnable scheduling entities, including the reader itself.
        pub runnable: u32 [Level, "tasks"],
        /// Scheduling entities that exist.
        pub tasks: u32 [Level, "tasks"],
    }
}

group! {
    /// /proc/meminfo, in kB as the kernel prints it.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
    pub struct Memory from "/proc/meminfo" {
        /// MemTotal.
        pub mem_total: u64 [Level, "kB", key = "MemTotal"],
        /// MemFree.
        pub mem_free: u64 [Level, "kB", key = "MemFree"],
        /// MemAvailable (since Linux 3.14).
        pub mem_available: Option<u64> [Level, "kB", since = "3.14", key = "MemAvailable"],
        /// Buffers.
        pub buffers: u64 [Level, "kB", key = "Buffers"],
        /// Cached.
        pub cached: u64 [Level, "kB", key = "Cached"],
        /// Active.
        pub active: u64 [Level, "kB", key = "Active"],
        /// Inactive.
        pub inactive: u64 [Level, "kB", key = "Inactive"],
        /// Dirty.
        pub dirty: u64 [Level, "kB", key = "Dirty"],
        /// Shmem (since Linux 2.6.32).
        pub shmem: Option<u64> [Level, "kB", since = "2.6.32", key = "Shmem"],
        /// Slab.
        pub slab: u64 [Level, "kB", key = "Slab"],
        /// SReclaimable: reclaimable slab (since Linux 2.6.19); procps counts it as cache.
        pub s_reclaimable: Option<u64> [Level, "kB", since = "2.6.19", key = "SReclaimable"],
        /// Committed_AS.
        pub committed_as: u64 [Level, "kB", key = "Committed_AS"],
        /// AnonPages (since Linux 2.6.18).
        pub anon_pages: Option<u64> [Level, "kB", since = "2.6.18", key = "AnonPages"],
        /// KernelStack (since Linux 2.6.32).
        pub kernel_stack: Option<u64> [Level, "kB", since = "2.6.32", key = "KernelStack"],
        /// PageTables (since Linux 2.6.18).
        pub page_tables: Option<u64> [Level, "kB", since = "2.6.18", key = "PageTables"],
        /// VmallocUsed.
        pub vmalloc_used: u64 [Level, "kB", key = "VmallocUsed"],
        /// HugePages_Total (without huge page support: absent).
        pub hugepages_total: Option<u64> [Level, "huge pages", key = "HugePages_Total"],
        /// HugePages_Free.
        pub hugepages_free: Option<u64> [Level, "huge pages", key = "HugePages_Free"],
        /// HugePages_Rsvd.
        pub hugepages_rsvd: Option<u64> [Level, "huge pages", key = "HugePages_Rsvd"],
        /// HugePages_Surp.
        pub hugepages_surp: Option<u64> [Level, "huge pages", key = "HugePages_Surp"],
        /// Hugepagesize: kB per huge page.
        pub hugepagesize: Option<u64> [Level, "kB", key = "Hugepagesize"],
    }
}

group! {
    /// Swap levels from /proc/meminfo (kB) and swap traffic from /proc/vmstat (pages).
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
    pub struct Swap from "/proc/meminfo" {
        /// SwapTotal.
        pub swap_total: u64 [Level, "kB", key = "SwapTotal"],
        /// SwapFree.
        pub swap_free: u64 [Level, "kB", key = "SwapFree"],
        /// SwapCached.
        pub swap_cached: u64 [Level, "kB", key = "SwapCached"],
        /// Pages swapped in.
        pub pswpin: u64 [Counter, "pages", source = "/proc/vmstat", key = "pswpin"],
        /// Pages swapped out.
        pub pswpout: u64 [Counter, "pages", source = "/proc/vmstat", key = "pswpout"],
    }
}

group! {
    /// Paging counters from /proc/vmstat. The `pgscan_*`, `pgsteal_*` families are summed
    /// over their zones/kinds when read (as sadc does).
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
    pub struct Paging from "/proc/vmstat" {
        /// kB paged in from disk.
        pub pgpgin: u64 [Counter, "kB", key = "pgpgin"],
        /// kB paged out to disk.
        pub pgpgout: u64 [Counter, "kB", key = "pgpgout"],
        /// Page faults.
        pub pgfault: u64 [Counter, "faults", key = "pgfault"],
        /// Major page faults (needing I/O).
        pub pgmajfault: u64 [Counter, "faults", key = "pgmajfault"],
        /// Pages freed.
        pub pgfree: u64 [Counter, "pages", key = "pgfree"],
        /// Σ pgscan_kswapd*.
        pub pgscan_kswapd: u64 [Counter, "pages"],
        /// Σ pgscan_direct*.
        pub pgscan_direct: u64 [Counter, "pages"],
        /// Σ pgsteal_kswapd* + pgsteal_direct* (older kernels: Σ pgsteal_<zone>).
        pub pgsteal: u64 [Counter, "pages"],
        /// Σ pgpromote_success (since Linux 6.1; 0 before).
        pub pgpromote: u64 [Counter, "pages", since = "6.1"],
        /// Σ pgdemote_* (since Linux 5.16; 0 before).
        pub pgdemote: u64 [Counter, "pages", since = "5.16"],
        /// Anonymous pages reclaimed, memory-cgroup reclaim included (since Linux 5.8).
        /// With `pgsteal_file`, what `sar -B`'s pgsteal/s counts (sysstat 12.7.8+); the
        /// kswapd/direct split misses reclaim by memory cgroups.
        pub pgsteal_anon: Option<u64> [Counter, "pages", since = "5.8"],
        /// File pages reclaimed, memory-cgroup reclaim included (since Linux 5.8).
        pub pgsteal_file: Option<u64> [Counter, "pages", since = "5.8"],
    }
}

group! {
    /// One line of /proc/diskstats: every field the kernel gives.
    ///
    /// The millisecond fields (`read_ms`, `write_ms`, `io_ticks_ms`, `weighted_ms`,
    /// `discard_ms`, `flush_ms`) are 32-bit in the kernel and wrap at 2^32.
    #[derive(Debug, Clone, PartialEq, Eq, Default)]
    pub struct DiskCounters from "/proc/diskstats" {
        item {
            pub major: u32,
            pub minor: u32,
            pub name: String,
            /// A whole disk (it has `/sys/block/NAME`), not a partition.
            pub whole: bool,
            /// A whole disk backed by a device (`/sys/block/NAME/device` exists), not a
            /// virtual one such as loop or dm: the devices `sar -b` sums.
            pub physical: bool,
        }
        /// Reads completed.
        pub reads: u64 [Counter, "requests"],
        /// Reads merged.
        pub reads_merged: u64 [Counter, "requests"],
        /// Sectors read (512 bytes each).
        pub read_sectors: u64 [Counter, "sectors"],
        /// Milliseconds spent reading.
        pub read_ms: u64 [Counter, "ms", wrap = 32],
        /// Writes completed.
        pub writes: u64 [Counter, "requests"],
        /// Writes merged.
        pub writes_merged: u64 [Counter, "requests"],
        /// Sectors written.
        pub write_sectors: u64 [Counter, "sectors"],
        /// Milliseconds spent writing.
        pub write_ms: u64 [Counter, "ms", wrap = 32],
        /// I/Os in progress now.
        pub in_flight: u64 [Level, "requests"],
        /// Milliseconds spent doing I/O.
        pub io_ticks_ms: u64 [Counter, "ms", wrap = 32],
        /// Weighted milliseconds spent doing I/O.
        pub weighted_ms: u64 [Counter, "ms", wrap = 32],
        /// Discards completed (since Linux 4.18).
        pub discards: Option<u64> [Counter, "requests", since = "4.18"],
        /// Discards merged (since Linux 4.18).
        pub discards_merged: Option<u64> [Counter, "requests", since = "4.18"],
        /// Sectors discarded (since Linux 4.18).
        pub discard_sectors: Option<u64> [Counter, "sectors", since = "4.18"],
        /// Milliseconds spent discarding (since Linux 4.18).
        pub discard_ms: Option<u64> [Counter, "ms", wrap = 32, since = "4.18"],
        /// Flush requests completed (since Linux 5.5).
        pub flushes: Option<u64> [Counter, "requests", since = "5.5"],
        /// Milliseconds spent flushing (since Linux 5.5).
        pub flush_ms: Option<u64> [Counter, "ms", wrap = 32, since = "5.5"],
    }
}

group! {
    /// One interface of /proc/net/dev, plus its link facts from /sys/class/net.
    #[derive(Debug, Clone, PartialEq, Eq, Default)]
    pub struct NetCounters from "/proc/net/dev" {
        item {
            pub name: String,
            /// Link speed in Mb/s, when the driver reports one.
            pub speed_mbps: Option<u32>,
            /// Full duplex (false when half or unknown).
            pub full_duplex: bool,
        }
        /// Bytes received.
        pub rx_bytes: u64 [Counter, "bytes"],
        /// Packets received.
        pub rx_packets: u64 [Counter, "packets"],
        /// Receive errors.
        pub rx_errs: u64 [Counter, "packets"],
        /// Received packets dropped.
        pub rx_drop: u64 [Counter, "packets"],
        /// Receive FIFO overruns.
        pub rx_fifo: u64 [Counter, "events"],
        /// Receive framing errors.
        pub rx_frame: u64 [Counter, "packets"],
        /// Compressed packets received.
        pub rx_compressed: u64 [Counter, "packets"],
        /// Multicast packets received.
        pub rx_multicast: u64 [Counter, "packets"],
        /// Bytes sent.
        pub tx_bytes: u64 [Counter, "bytes"],
        /// Packets sent.
        pub tx_packets: u64 [Counter, "packets"],
        /// Transmit errors.
        pub tx_errs: u64 [Counter, "packets"],
        /// Packets dropped on sending.
        pub tx_drop: u64 [Counter, "packets"],
        /// Transmit FIFO overruns.
        pub tx_fifo: u64 [Counter, "events"],
        /// Collisions.
        pub tx_colls: u64 [Counter, "events"],
        /// Carrier losses.
        pub tx_carrier: u64 [Counter, "events"],
        /// Compressed packets sent.
        pub tx_compressed: u64 [Counter, "packets"],
    }
}

group! {
    /// One line (`some` or `full`) of a /proc/pressure file (since Linux 4.20, with
    /// CONFIG_PSI).
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
    pub struct PressureLine from "/proc/pressure/{cpu,io,memory}" {
        /// Share of time stalled over 10 s, in hundredths of a percent.
        pub avg10_x100: u32 [Level, "1/100 %", since = "4.20"],
        /// The same over 60 s.
        pub avg60_x100: u32 [Level, "1/100 %", since = "4.20"],
        /// The same over 300 s.
        pub avg300_x100: u32 [Level, "1/100 %", since = "4.20"],
        /// Total stall time in microseconds.
        pub total_us: u64 [Counter, "us", since = "4.20"],
    }
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

/// One metric group of a `Sample`, as the log and the documentation see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GroupInfo {
    /// Its number in a format-2 log. Never reused for another group.
    pub id: u8,
    pub name: &'static str,
    /// What one item of the group is, for a group with items; `None`: one set of fields.
    pub item: Option<&'static str>,
    /// Where it is in a `Sample`, and when it is absent.
    pub member: &'static str,
    pub fields: &'static [Field],
}

/// The groups of a `Sample`, in the order a log writes them.
pub const GROUPS: &[GroupInfo] = &[
    GroupInfo {
        id: 1,
        name: "time",
        item: None,
        member: "`time` (always)",
        fields: SampleTime::FIELDS,
    },
    GroupInfo {
        id: 2,
        name: "cpu",
        item: Some("the total, then each online CPU"),
        member: "`cpu.total`, `cpu.per_cpu` (always)",
        fields: CpuTicks::FIELDS,
    },
    GroupInfo {
        id: 3,
        name: "kernel",
        item: None,
        member: "`kernel` (always)",
        fields: KernelCounters::FIELDS,
    },
    GroupInfo {
        id: 4,
        name: "load",
        item: None,
        member: "`load` (`None` without /proc/loadavg)",
        fields: LoadAvg::FIELDS,
    },
    GroupInfo {
        id: 5,
        name: "memory",
        item: None,
        member: "`memory` (`None` without /proc/meminfo)",
        fields: Memory::FIELDS,
    },
    GroupInfo {
        id: 6,
        name: "swap",
        item: None,
        member: "`swap` (`None` when not read)",
        fields: Swap::FIELDS,
    },
    GroupInfo {
        id: 7,
        name: "paging",
        item: None,
        member: "`paging` (`None` without /proc/vmstat)",
        fields: Paging::FIELDS,
    },
    GroupInfo {
        id: 8,
        name: "disk",
        item: Some("a block device"),
        member: "`disks` (empty: no block)",
        fields: DiskCounters::FIELDS,
    },
    GroupInfo {
        id: 9,
        name: "net",
        item: Some("a network interface"),
        member: "`net` (empty: no block)",
        fields: NetCounters::FIELDS,
    },
    GroupInfo {
        id: 10,
        name: "pressure",
        item: Some("a line (some, full) of a pressure file (cpu, io, memory)"),
        member: "`pressure` (all `None`: no block)",
        fields: PressureLine::FIELDS,
    },
];

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
