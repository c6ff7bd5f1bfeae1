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
//! uses (`Group`). `sample_members!` declares each member of a `Sample` once, with its
//! group's number in the log; `Sample`, `GROUPS` and the log's codec come from it.
//!
//! Fields that older kernels lack are `Option`; a source that is missing altogether (no
//! PSI, no swap) leaves its group `None` or empty.

use std::ops::Range;

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
    /// Low bits the kernel always leaves zero: it keeps the value in whole units of
    /// 2^`align_bits` of `unit` (memory in pages of at least 4 KiB: 12 for bytes, 2 for
    /// kB). Logs from format 6 store the value rotated right by this many bits
    /// (`store::groups`), so a count of pages costs what a count of pages does, and a
    /// value that is not a whole number of them is still kept exactly.
    pub align_bits: u8,
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

/// The position in `fields` (a group's `FIELDS`) of the field named `name`. In a constant
/// it is worked out when building, so code that picks fields by name costs nothing when
/// it runs.
pub const fn field_position(fields: &[Field], name: &str) -> Option<usize> {
    let name = name.as_bytes();
    let mut i = 0;
    while i < fields.len() {
        let field = fields[i].name.as_bytes();
        if field.len() == name.len() {
            let mut j = 0;
            while j < name.len() && field[j] == name[j] {
                j += 1;
            }
            if j == name.len() {
                return Some(i);
            }
        }
        i += 1;
    }
    None
}

/// The positions of the fields `first` to `last` of `fields`; in a constant, a name the
/// group does not declare, or the two in the wrong order, fails the build.
pub const fn field_run(fields: &[Field], first: &str, last: &str) -> Range<usize> {
    match (field_position(fields, first), field_position(fields, last)) {
        (Some(a), Some(b)) if a <= b => a..b + 1,
        _ => panic!("no run of fields from the first name to the last"),
    }
}

/// sysstat's rules for a group's interval beyond each field's own (`Field::kind`,
/// `Field::wrap_bits`), declared with the group (`group! { ... delta = DeltaRule { .. } }`)
/// and carried out by `stats`, which applies them to every group alike.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeltaRule {
    /// The fields (a mask of `FIELDS` positions, `field_mask`) whose going backwards means
    /// the item was registered again since the earlier sample (a re-attached disk, a
    /// re-created veth, a reloaded driver): every counter then counts from 0, as sysstat
    /// diffs a device it sees anew against zeros.
    pub registered_again_when_back: u64,
    /// What an item the earlier sample lacks counts.
    pub new_item: NewItem,
    /// The fields whose sum since boot says the item is in use (`-d` skips a device that
    /// never completed I/O, as sar does); no field: every item is.
    pub in_use_when_any: u64,
    /// A rule of sysstat's that changes the earlier values before the fields' own rules
    /// take their differences.
    pub earlier: Option<EarlierRule>,
    /// What an item the later sample lacks leaves for when it comes back.
    pub gone_item: GoneItem,
}

/// What an item of a group with items that a sample lacks leaves behind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GoneItem {
    /// Nothing: when it comes back it is an item new since the earlier sample (`NewItem`).
    Forgotten,
    /// Its last values, carried forward in each sample while it is away, so that when it
    /// comes back it is diffed against them: sysstat's rule for a CPU that goes offline
    /// (sar copies an offline CPU's counters forward; its row and the `all` row then
    /// count its ticks since it was last seen).
    KeepsLast,
}

/// sysstat's rules that take an earlier value as another one before the difference.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EarlierRule {
    /// sysstat's `get_per_cpu_interval`: iowait that went back while idle went forward
    /// was re-accounted as idle (the earlier iowait is taken as the later: Δ 0); iowait
    /// that went back otherwise, and idle that went back, mean the CPU went offline and
    /// came back between the samples: they restart from 0. Values this close to 2^64 are
    /// a counter about to overflow, not a CPU coming back. The fields at these positions.
    IdleIowaitRestart { idle: usize, iowait: usize },
}

/// What an item of a group with items counts over an interval whose earlier sample
/// lacks it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NewItem {
    /// Everything since it appeared: it starts at 0 (a device plugged in, an interface
    /// created, a serial line or an interrupt line new since then), as sar counts it.
    FromZero,
    /// Nothing: its counters ran while it was away (a CPU come online), so this interval
    /// is its baseline.
    Baseline,
}

impl DeltaRule {
    /// Each field by its declaration and nothing more.
    pub const FIELDS_ONLY: DeltaRule = DeltaRule {
        registered_again_when_back: 0,
        new_item: NewItem::FromZero,
        in_use_when_any: 0,
        earlier: None,
        gone_item: GoneItem::Forgotten,
    };
}

/// The position in `fields` of the field named `name`; in a constant, a name the group
/// does not declare fails the build.
pub const fn field_at(fields: &[Field], name: &str) -> usize {
    match field_position(fields, name) {
        Some(n) => n,
        None => panic!("a rule names a field the group does not declare"),
    }
}

/// The mask of the positions in `fields` of the fields named `names`; in a constant, a
/// name the group does not declare, or one past the 64th field, fails the build.
pub const fn field_mask(fields: &[Field], names: &[&str]) -> u64 {
    let mut mask = 0;
    let mut i = 0;
    while i < names.len() {
        match field_position(fields, names[i]) {
            Some(n) if n < 64 => mask |= 1 << n,
            _ => panic!("a rule names a field the group does not declare"),
        }
        i += 1;
    }
    mask
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
    /// Each field's stored value in `FIELDS` order (`None`: an absent optional field), as a
    /// list.
    fn values(&self) -> Vec<Option<u64>> {
        let mut v = Vec::with_capacity(Self::FIELDS.len());
        self.raw_values(&mut |x| v.push(x));
        v
    }
    /// Each field's stored value beside the same field of `other`, with its position in
    /// `FIELDS`: `f(n, mine, theirs)`.
    fn pair_values(&self, other: &Self, f: &mut impl FnMut(usize, Option<u64>, Option<u64>));
    /// Set each field to `f(n, mine, theirs)` of its stored value and the same field of
    /// `other`; a value that does not fit the field leaves it as it is.
    fn combine_values(
        &mut self,
        other: &Self,
        f: &mut impl FnMut(usize, Option<u64>, Option<u64>) -> Option<u64>,
    );
    /// sysstat's rules for the group's interval beyond each field's own.
    const DELTA: DeltaRule = DeltaRule::FIELDS_ONLY;
    /// Whether `other` is the same item as this one (the same device, interface, CPU or
    /// line), by the members the group declares as its key; a group without items is
    /// one item.
    fn same_item(&self, _other: &Self) -> bool {
        true
    }
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
/// A field is `name: Type [Counter|Level, "unit" (, wrap = BITS)? (, align = BITS)?
/// (, source = "file")? (, since = "Linux version")? (, key = "name in the file")?]`;
/// `source` defaults to the group's. `item key(a, b)` names the members that tell one item
/// from another; `delta = DeltaRule { .. }` after the source, sysstat's rules for the
/// group's interval.
macro_rules! group {
    (
        $(#[$meta:meta])*
        pub struct $name:ident from $source:literal $(delta = $rule:expr;)? {
            $(item $(key($($idk:ident),+))? {
                $( $(#[$imeta:meta])* pub $item:ident : $ity:ty, )*
            })?
            $(
                $(#[doc = $doc:literal])*
                pub $f:ident : $ty:ty [$kind:ident, $unit:literal
                    $(, wrap = $wrap:literal)? $(, align = $align:literal)?
                    $(, source = $src:literal)? $(, since = $since:literal)?
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
                    align_bits: or!($($align)?; 0),
                    source: or!($($src)?; $source),
                    since: or!($(Some($since))?; None),
                    optional: <$ty as FieldValue>::OPTIONAL,
                    max: <$ty as FieldValue>::MAX,
                    key: or!($(Some($key))?; None),
                    doc: concat!($($doc),*),
                },
            )*];

            #[inline(always)]
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

            #[inline(always)]
            #[allow(unused_assignments)]
            fn pair_values(
                &self,
                other: &Self,
                f: &mut impl FnMut(usize, Option<u64>, Option<u64>),
            ) {
                let mut n = 0;
                $(
                    f(n, FieldValue::to_raw(&self.$f), FieldValue::to_raw(&other.$f));
                    n += 1;
                )*
            }

            #[inline(always)]
            #[allow(unused_assignments)]
            fn combine_values(
                &mut self,
                other: &Self,
                f: &mut impl FnMut(usize, Option<u64>, Option<u64>) -> Option<u64>,
            ) {
                let mut n = 0;
                $(
                    let v = f(n, FieldValue::to_raw(&self.$f), FieldValue::to_raw(&other.$f));
                    if let Some(v) = FieldValue::from_raw(v) {
                        self.$f = v;
                    }
                    n += 1;
                )*
            }

            $(const DELTA: DeltaRule = $rule;)?

            $($(
                fn same_item(&self, other: &Self) -> bool {
                    true $(&& self.$idk == other.$idk)+
                }
            )?)?
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

impl HostFacts {
    /// The most CPUs a Linux kernel can have: `CONFIG_NR_CPUS` is at most 8192 (x86-64 with
    /// `MAXSMP`, the largest of any architecture). A file claiming more is damaged.
    pub const MAX_CPUS: u32 = 8192;
    /// The longest host, system, release or machine name the kernel keeps (`__NEW_UTS_LEN`:
    /// 64 bytes; utsname's fields are 65 with the NUL). Boot ids (36 characters, a UUID,
    /// and an import's `+N` suffix) are held to the same bound.
    pub const MAX_NAME: usize = 64;

    /// What in these facts no kernel reports, if anything: a CPU count above `MAX_CPUS`
    /// or a name longer than `MAX_NAME`. Read from a file, either is damage; a reader
    /// checks before anything is sized from them, and a writer never records them.
    pub fn out_of_bounds(&self) -> Option<&'static str> {
        if self.cpu_count > Self::MAX_CPUS {
            return Some("CPU count above the kernel's limit of 8192");
        }
        [
            (
                &self.hostname,
                "host name longer than the kernel's 64 bytes",
            ),
            (
                &self.sysname,
                "system name longer than the kernel's 64 bytes",
            ),
            (
                &self.release,
                "kernel release longer than the kernel's 64 bytes",
            ),
            (
                &self.machine,
                "machine name longer than the kernel's 64 bytes",
            ),
            (&self.boot_id, "boot id longer than 64 bytes"),
        ]
        .into_iter()
        .find(|(s, _)| s.len() > Self::MAX_NAME)
        .map(|(_, what)| what)
    }
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
    pub struct CpuTicks from "/proc/stat" delta = DeltaRule {
        earlier: Some(EarlierRule::IdleIowaitRestart {
            idle: field_at(Self::FIELDS, "idle"),
            iowait: field_at(Self::FIELDS, "iowait"),
        }),
        gone_item: GoneItem::KeepsLast,
        ..DeltaRule::FIELDS_ONLY
    }; {
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
        pub mem_total: u64 [Level, "kB", align = 2, key = "MemTotal"],
        /// MemFree.
        pub mem_free: u64 [Level, "kB", align = 2, key = "MemFree"],
        /// MemAvailable (since Linux 3.14).
        pub mem_available: Option<u64> [Level, "kB", align = 2, since = "3.14", key = "MemAvailable"],
        /// Buffers.
        pub buffers: u64 [Level, "kB", align = 2, key = "Buffers"],
        /// Cached.
        pub cached: u64 [Level, "kB", align = 2, key = "Cached"],
        /// Active.
        pub active: u64 [Level, "kB", align = 2, key = "Active"],
        /// Inactive.
        pub inactive: u64 [Level, "kB", align = 2, key = "Inactive"],
        /// Dirty.
        pub dirty: u64 [Level, "kB", align = 2, key = "Dirty"],
        /// Shmem (since Linux 2.6.32).
        pub shmem: Option<u64> [Level, "kB", align = 2, since = "2.6.32", key = "Shmem"],
        /// Slab.
        pub slab: u64 [Level, "kB", align = 2, key = "Slab"],
        /// SReclaimable: reclaimable slab (since Linux 2.6.19); procps counts it as cache.
        pub s_reclaimable: Option<u64> [Level, "kB", align = 2, since = "2.6.19", key = "SReclaimable"],
        /// Committed_AS.
        pub committed_as: u64 [Level, "kB", align = 2, key = "Committed_AS"],
        /// AnonPages (since Linux 2.6.18).
        pub anon_pages: Option<u64> [Level, "kB", align = 2, since = "2.6.18", key = "AnonPages"],
        /// KernelStack (since Linux 2.6.32).
        pub kernel_stack: Option<u64> [Level, "kB", since = "2.6.32", key = "KernelStack"],
        /// PageTables (since Linux 2.6.18).
        pub page_tables: Option<u64> [Level, "kB", align = 2, since = "2.6.18", key = "PageTables"],
        /// VmallocUsed.
        pub vmalloc_used: u64 [Level, "kB", align = 2, key = "VmallocUsed"],
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
        pub swap_total: u64 [Level, "kB", align = 2, key = "SwapTotal"],
        /// SwapFree.
        pub swap_free: u64 [Level, "kB", align = 2, key = "SwapFree"],
        /// SwapCached.
        pub swap_cached: u64 [Level, "kB", align = 2, key = "SwapCached"],
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
    pub struct DiskCounters from "/proc/diskstats" delta = DeltaRule {
        registered_again_when_back: field_mask(Self::FIELDS, &["reads", "writes"]),
        new_item: NewItem::FromZero,
        in_use_when_any: field_mask(Self::FIELDS, &["reads", "writes", "discards"]),
        ..DeltaRule::FIELDS_ONLY
    }; {
        item key(major, minor, name) {
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
    /// The I/O totals a sysstat file records for `sar -b` (its activity A_IO): what sadc
    /// summed over the disks it counted, without the disks themselves. Only sa files have
    /// it (rsar's own samples keep every device, and `-b` sums the physical disks); when a
    /// sample has it, `-b` shows it.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
    pub struct IoTotals from "sa file: activity A_IO" delta = DeltaRule {
        registered_again_when_back: field_mask(Self::FIELDS, &["reads", "writes"]),
        ..DeltaRule::FIELDS_ONLY
    }; {
        /// Reads completed (sadc's `dk_drive_rio`).
        pub reads: u64 [Counter, "requests"],
        /// Writes completed (`dk_drive_wio`).
        pub writes: u64 [Counter, "requests"],
        /// Sectors read, 512 bytes each (`dk_drive_rblk`).
        pub read_sectors: u64 [Counter, "sectors"],
        /// Sectors written (`dk_drive_wblk`).
        pub write_sectors: u64 [Counter, "sectors"],
        /// Discards completed (`dk_drive_dio`; 0 in files of sysstat before 12.1.2).
        pub discards: u64 [Counter, "requests"],
        /// Sectors discarded (`dk_drive_dblk`).
        pub discard_sectors: u64 [Counter, "sectors"],
    }
}

group! {
    /// One interface of /proc/net/dev, plus its link facts from /sys/class/net.
    ///
    /// The counters are the kernel's `unsigned long`: 32 bits on a 32-bit kernel, where
    /// they wrap at 2^32, so each is declared to wrap there (one that goes back from the
    /// upper half of the 32-bit range wrapped; from lower down it was reset).
    #[derive(Debug, Clone, PartialEq, Eq, Default)]
    pub struct NetCounters from "/proc/net/dev" delta = DeltaRule {
        registered_again_when_back: field_mask(Self::FIELDS, &["rx_packets", "tx_packets"]),
        ..DeltaRule::FIELDS_ONLY
    }; {
        item key(name) {
            pub name: String,
            /// Link speed in Mb/s, when the driver reports one.
            pub speed_mbps: Option<u32>,
            /// Full duplex (false when half or unknown).
            pub full_duplex: bool,
        }
        /// Bytes received.
        pub rx_bytes: u64 [Counter, "bytes", wrap = 32],
        /// Packets received.
        pub rx_packets: u64 [Counter, "packets", wrap = 32],
        /// Receive errors.
        pub rx_errs: u64 [Counter, "packets", wrap = 32],
        /// Received packets dropped.
        pub rx_drop: u64 [Counter, "packets", wrap = 32],
        /// Receive FIFO overruns.
        pub rx_fifo: u64 [Counter, "events", wrap = 32],
        /// Receive framing errors.
        pub rx_frame: u64 [Counter, "packets", wrap = 32],
        /// Compressed packets received.
        pub rx_compressed: u64 [Counter, "packets", wrap = 32],
        /// Multicast packets received.
        pub rx_multicast: u64 [Counter, "packets", wrap = 32],
        /// Bytes sent.
        pub tx_bytes: u64 [Counter, "bytes", wrap = 32],
        /// Packets sent.
        pub tx_packets: u64 [Counter, "packets", wrap = 32],
        /// Transmit errors.
        pub tx_errs: u64 [Counter, "packets", wrap = 32],
        /// Packets dropped on sending.
        pub tx_drop: u64 [Counter, "packets", wrap = 32],
        /// Transmit FIFO overruns.
        pub tx_fifo: u64 [Counter, "events", wrap = 32],
        /// Collisions.
        pub tx_colls: u64 [Counter, "events", wrap = 32],
        /// Carrier losses.
        pub tx_carrier: u64 [Counter, "events", wrap = 32],
        /// Compressed packets sent.
        pub tx_compressed: u64 [Counter, "packets", wrap = 32],
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

// Groups with ids from 20 on, numbered apart from the first range so that a group added
// to that range changes none of their ids.

group! {
    /// Kernel tables (`sar -v`): dentries, file handles, inodes, pseudo-terminals. Each
    /// number is `None` when its file is missing or unreadable.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
    pub struct KernelTables from "/proc/sys/fs/dentry-state" {
        /// dentry-state's first number: dentries allocated.
        pub dentries: Option<u64> [Level, "dentries"],
        /// dentry-state's second number: unused dentries (sar's `dentunusd`).
        pub dentry_unused: Option<u64> [Level, "dentries"],
        /// file-nr's first number: file handles allocated.
        pub files_allocated: Option<u64> [Level, "handles", source = "/proc/sys/fs/file-nr"],
        /// file-nr's second number: allocated handles not in use (0 since Linux 2.6).
        pub files_free: Option<u64> [Level, "handles", source = "/proc/sys/fs/file-nr"],
        /// file-nr's third number: the most handles the kernel will allocate.
        pub files_max: Option<u64> [Level, "handles", source = "/proc/sys/fs/file-nr"],
        /// inode-state's first number: inodes allocated.
        pub inodes: Option<u64> [Level, "inodes", source = "/proc/sys/fs/inode-state"],
        /// inode-state's second number: free inodes.
        pub inodes_free: Option<u64> [Level, "inodes", source = "/proc/sys/fs/inode-state"],
        /// Pseudo-terminals in use.
        pub ptys: Option<u64> [Level, "ptys", source = "/proc/sys/kernel/pty/nr"],
    }
}

group! {
    /// The IPv4, ICMP, TCP and UDP counters of /proc/net/snmp that sar's `-n IP`, `EIP`,
    /// `ICMP`, `EICMP`, `TCP`, `ETCP` and `UDP` show. Each is read by its name in the
    /// header line before its values (`Ip: … InReceives …`), so a kernel that adds a
    /// column (`InCsumErrors` in 3.10, `OutTransmits` in 6.3) moves nothing; a name the
    /// kernel does not print reads as 0.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
    pub struct SnmpCounters from "/proc/net/snmp" {
        /// Ip: InReceives — datagrams received, errors included.
        pub ip_in_receives: u64 [Counter, "datagrams", key = "Ip_InReceives"],
        /// Ip: ForwDatagrams.
        pub ip_forw_datagrams: u64 [Counter, "datagrams", key = "Ip_ForwDatagrams"],
        /// Ip: InDelivers — delivered to IP user protocols.
        pub ip_in_delivers: u64 [Counter, "datagrams", key = "Ip_InDelivers"],
        /// Ip: OutRequests — supplied by local protocols for sending.
        pub ip_out_requests: u64 [Counter, "datagrams", key = "Ip_OutRequests"],
        /// Ip: ReasmReqds — fragments needing reassembly.
        pub ip_reasm_reqds: u64 [Counter, "fragments", key = "Ip_ReasmReqds"],
        /// Ip: ReasmOKs.
        pub ip_reasm_oks: u64 [Counter, "datagrams", key = "Ip_ReasmOKs"],
        /// Ip: FragOKs.
        pub ip_frag_oks: u64 [Counter, "datagrams", key = "Ip_FragOKs"],
        /// Ip: FragCreates.
        pub ip_frag_creates: u64 [Counter, "fragments", key = "Ip_FragCreates"],
        /// Ip: InHdrErrors.
        pub ip_in_hdr_errors: u64 [Counter, "datagrams", key = "Ip_InHdrErrors"],
        /// Ip: InAddrErrors.
        pub ip_in_addr_errors: u64 [Counter, "datagrams", key = "Ip_InAddrErrors"],
        /// Ip: InUnknownProtos.
        pub ip_in_unknown_protos: u64 [Counter, "datagrams", key = "Ip_InUnknownProtos"],
        /// Ip: InDiscards.
        pub ip_in_discards: u64 [Counter, "datagrams", key = "Ip_InDiscards"],
        /// Ip: OutDiscards.
        pub ip_out_discards: u64 [Counter, "datagrams", key = "Ip_OutDiscards"],
        /// Ip: OutNoRoutes.
        pub ip_out_no_routes: u64 [Counter, "datagrams", key = "Ip_OutNoRoutes"],
        /// Ip: ReasmFails.
        pub ip_reasm_fails: u64 [Counter, "failures", key = "Ip_ReasmFails"],
        /// Ip: FragFails.
        pub ip_frag_fails: u64 [Counter, "datagrams", key = "Ip_FragFails"],
        /// Icmp: InMsgs.
        pub icmp_in_msgs: u64 [Counter, "messages", key = "Icmp_InMsgs"],
        /// Icmp: OutMsgs.
        pub icmp_out_msgs: u64 [Counter, "messages", key = "Icmp_OutMsgs"],
        /// Icmp: InEchos.
        pub icmp_in_echos: u64 [Counter, "messages", key = "Icmp_InEchos"],
        /// Icmp: InEchoReps.
        pub icmp_in_echo_reps: u64 [Counter, "messages", key = "Icmp_InEchoReps"],
        /// Icmp: OutEchos.
        pub icmp_out_echos: u64 [Counter, "messages", key = "Icmp_OutEchos"],
        /// Icmp: OutEchoReps.
        pub icmp_out_echo_reps: u64 [Counter, "messages", key = "Icmp_OutEchoReps"],
        /// Icmp: InTimestamps.
        pub icmp_in_timestamps: u64 [Counter, "messages", key = "Icmp_InTimestamps"],
        /// Icmp: InTimestampReps.
        pub icmp_in_timestamp_reps: u64 [Counter, "messages", key = "Icmp_InTimestampReps"],
        /// Icmp: OutTimestamps.
        pub icmp_out_timestamps: u64 [Counter, "messages", key = "Icmp_OutTimestamps"],
        /// Icmp: OutTimestampReps.
        pub icmp_out_timestamp_reps: u64 [Counter, "messages", key = "Icmp_OutTimestampReps"],
        /// Icmp: InAddrMasks.
        pub icmp_in_addr_masks: u64 [Counter, "messages", key = "Icmp_InAddrMasks"],
        /// Icmp: InAddrMaskReps.
        pub icmp_in_addr_mask_reps: u64 [Counter, "messages", key = "Icmp_InAddrMaskReps"],
        /// Icmp: OutAddrMasks.
        pub icmp_out_addr_masks: u64 [Counter, "messages", key = "Icmp_OutAddrMasks"],
        /// Icmp: OutAddrMaskReps.
        pub icmp_out_addr_mask_reps: u64 [Counter, "messages", key = "Icmp_OutAddrMaskReps"],
        /// Icmp: InErrors.
        pub icmp_in_errors: u64 [Counter, "messages", key = "Icmp_InErrors"],
        /// Icmp: OutErrors.
        pub icmp_out_errors: u64 [Counter, "messages", key = "Icmp_OutErrors"],
        /// Icmp: InDestUnreachs.
        pub icmp_in_dest_unreachs: u64 [Counter, "messages", key = "Icmp_InDestUnreachs"],
        /// Icmp: OutDestUnreachs.
        pub icmp_out_dest_unreachs: u64 [Counter, "messages", key = "Icmp_OutDestUnreachs"],
        /// Icmp: InTimeExcds.
        pub icmp_in_time_excds: u64 [Counter, "messages", key = "Icmp_InTimeExcds"],
        /// Icmp: OutTimeExcds.
        pub icmp_out_time_excds: u64 [Counter, "messages", key = "Icmp_OutTimeExcds"],
        /// Icmp: InParmProbs.
        pub icmp_in_parm_probs: u64 [Counter, "messages", key = "Icmp_InParmProbs"],
        /// Icmp: OutParmProbs.
        pub icmp_out_parm_probs: u64 [Counter, "messages", key = "Icmp_OutParmProbs"],
        /// Icmp: InSrcQuenchs.
        pub icmp_in_src_quenchs: u64 [Counter, "messages", key = "Icmp_InSrcQuenchs"],
        /// Icmp: OutSrcQuenchs.
        pub icmp_out_src_quenchs: u64 [Counter, "messages", key = "Icmp_OutSrcQuenchs"],
        /// Icmp: InRedirects.
        pub icmp_in_redirects: u64 [Counter, "messages", key = "Icmp_InRedirects"],
        /// Icmp: OutRedirects.
        pub icmp_out_redirects: u64 [Counter, "messages", key = "Icmp_OutRedirects"],
        /// Tcp: ActiveOpens — transitions CLOSED → SYN-SENT.
        pub tcp_active_opens: u64 [Counter, "connections", key = "Tcp_ActiveOpens"],
        /// Tcp: PassiveOpens — transitions LISTEN → SYN-RCVD.
        pub tcp_passive_opens: u64 [Counter, "connections", key = "Tcp_PassiveOpens"],
        /// Tcp: InSegs.
        pub tcp_in_segs: u64 [Counter, "segments", key = "Tcp_InSegs"],
        /// Tcp: OutSegs.
        pub tcp_out_segs: u64 [Counter, "segments", key = "Tcp_OutSegs"],
        /// Tcp: AttemptFails.
        pub tcp_attempt_fails: u64 [Counter, "connections", key = "Tcp_AttemptFails"],
        /// Tcp: EstabResets.
        pub tcp_estab_resets: u64 [Counter, "connections", key = "Tcp_EstabResets"],
        /// Tcp: RetransSegs.
        pub tcp_retrans_segs: u64 [Counter, "segments", key = "Tcp_RetransSegs"],
        /// Tcp: InErrs.
        pub tcp_in_errs: u64 [Counter, "segments", key = "Tcp_InErrs"],
        /// Tcp: OutRsts.
        pub tcp_out_rsts: u64 [Counter, "segments", key = "Tcp_OutRsts"],
        /// Udp: InDatagrams.
        pub udp_in_datagrams: u64 [Counter, "datagrams", key = "Udp_InDatagrams"],
        /// Udp: OutDatagrams.
        pub udp_out_datagrams: u64 [Counter, "datagrams", key = "Udp_OutDatagrams"],
        /// Udp: NoPorts.
        pub udp_no_ports: u64 [Counter, "datagrams", key = "Udp_NoPorts"],
        /// Udp: InErrors.
        pub udp_in_errors: u64 [Counter, "datagrams", key = "Udp_InErrors"],
    }
}

/// The runs of fields that sar shows as one report each (`-n IP` … `-n UDP`) and
/// sysstat's files keep as one activity each.
impl SnmpCounters {
    pub const IP: Range<usize> = field_run(Self::FIELDS, "ip_in_receives", "ip_frag_creates");
    pub const EIP: Range<usize> = field_run(Self::FIELDS, "ip_in_hdr_errors", "ip_frag_fails");
    pub const ICMP: Range<usize> =
        field_run(Self::FIELDS, "icmp_in_msgs", "icmp_out_addr_mask_reps");
    pub const EICMP: Range<usize> = field_run(Self::FIELDS, "icmp_in_errors", "icmp_out_redirects");
    pub const TCP: Range<usize> = field_run(Self::FIELDS, "tcp_active_opens", "tcp_out_segs");
    pub const ETCP: Range<usize> = field_run(Self::FIELDS, "tcp_attempt_fails", "tcp_out_rsts");
    pub const UDP: Range<usize> = field_run(Self::FIELDS, "udp_in_datagrams", "udp_in_errors");
}

group! {
    /// /proc/net/sockstat: sockets in use now (`-n SOCK`). Lines are found by their
    /// protocol and values by their names, so the `mem` values older kernels lack (and
    /// `UDPLITE`, added in 2.6.20) change nothing; a missing line reads as 0.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
    pub struct SockStat from "/proc/net/sockstat" {
        /// `sockets: used` — sockets of every family.
        pub sockets_used: u64 [Level, "sockets", key = "sockets_used"],
        /// `TCP: inuse`.
        pub tcp_inuse: u64 [Level, "sockets", key = "TCP_inuse"],
        /// `TCP: tw` — connections in TIME_WAIT.
        pub tcp_tw: u64 [Level, "sockets", key = "TCP_tw"],
        /// `UDP: inuse`.
        pub udp_inuse: u64 [Level, "sockets", key = "UDP_inuse"],
        /// `RAW: inuse`.
        pub raw_inuse: u64 [Level, "sockets", key = "RAW_inuse"],
        /// `FRAG: inuse` — IP fragment queues.
        pub frag_inuse: u64 [Level, "queues", key = "FRAG_inuse"],
    }
}

group! {
    /// One count of /proc/interrupts: an interrupt line on one online CPU (`sar -I`).
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
    pub struct IrqCount from "/proc/interrupts" {
        /// Times the line fired on the CPU since boot.
        pub count: u64 [Counter, "interrupts"],
    }
}

/// One line of /proc/interrupts.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct IrqLine {
    /// As the kernel prints it before the colon: `0`, `24`, `NMI`, `LOC`.
    pub name: String,
    /// One count per column of `Interrupts::cpus`.
    pub counts: Vec<u64>,
}

/// /proc/interrupts: its CPU columns (online CPUs, by number) and its lines.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Interrupts {
    pub cpus: Vec<u32>,
    pub lines: Vec<IrqLine>,
}

group! {
    /// One mounted filesystem (`sar -F`): statvfs(3) of its mount point.
    #[derive(Debug, Clone, PartialEq, Eq, Default)]
    pub struct FsUsage from "/proc/self/mounts, statvfs(3)" {
        item key(name, mountpoint) {
            /// The mounted device as /proc/self/mounts names it (`/dev/vda`).
            pub name: String,
            /// Where it is mounted.
            pub mountpoint: String,
            /// Its type as /proc/self/mounts names it (`ext4`, `xfs`); empty when the log
            /// did not record it (the `fstypes` group).
            pub fstype: String,
        }
        /// f_blocks × f_frsize.
        pub size_bytes: u64 [Level, "bytes"],
        /// f_bfree × f_frsize.
        pub free_bytes: u64 [Level, "bytes"],
        /// f_bavail × f_frsize: free for unprivileged users.
        pub avail_bytes: u64 [Level, "bytes"],
        /// f_files.
        pub inodes: u64 [Level, "inodes"],
        /// f_ffree.
        pub inodes_free: u64 [Level, "inodes"],
        /// 1 when it is mounted read-only (ST_RDONLY in f_flag), else 0; absent in logs
        /// written before rsadc recorded it.
        pub readonly: Option<u64> [Level, "boolean"],
    }
}

group! {
    /// One CPU's clock from /proc/cpuinfo (`sar -m CPU`).
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
    pub struct CpuFreq from "/proc/cpuinfo" {
        item key(cpu) {
            /// Its `processor` number.
            pub cpu: u32,
        }
        /// `cpu MHz`, in kHz.
        pub khz: u64 [Level, "kHz"],
    }
}

group! {
    /// The NFS client's RPC counters (`sar -n NFS`); read, write, access and getattr are
    /// NFSv3 + NFSv4 calls.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
    pub struct NfsClient from "/proc/net/rpc/nfs" {
        /// `rpc` line: RPC calls made.
        pub rpc_calls: u64 [Counter, "calls"],
        /// `rpc` line: calls retransmitted.
        pub rpc_retrans: u64 [Counter, "calls"],
        /// READ calls.
        pub read: u64 [Counter, "calls"],
        /// WRITE calls.
        pub write: u64 [Counter, "calls"],
        /// ACCESS calls.
        pub access: u64 [Counter, "calls"],
        /// GETATTR calls.
        pub getattr: u64 [Counter, "calls"],
    }
}

group! {
    /// The NFS server's counters (`sar -n NFSD`); read, write, access and getattr are
    /// NFSv3 procedures + NFSv4 operations.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
    pub struct NfsServer from "/proc/net/rpc/nfsd" {
        /// `rpc` line: RPC calls received.
        pub rpc_calls: u64 [Counter, "calls"],
        /// `rpc` line: bad calls.
        pub rpc_bad: u64 [Counter, "calls"],
        /// `net` line: packets received.
        pub net_packets: u64 [Counter, "packets"],
        /// `net` line: UDP packets.
        pub net_udp: u64 [Counter, "packets"],
        /// `net` line: TCP packets.
        pub net_tcp: u64 [Counter, "packets"],
        /// `rc` line: reply cache hits.
        pub rc_hits: u64 [Counter, "lookups"],
        /// `rc` line: reply cache misses.
        pub rc_misses: u64 [Counter, "lookups"],
        /// READ calls.
        pub read: u64 [Counter, "calls"],
        /// WRITE calls.
        pub write: u64 [Counter, "calls"],
        /// ACCESS calls.
        pub access: u64 [Counter, "calls"],
        /// GETATTR calls.
        pub getattr: u64 [Counter, "calls"],
    }
}

group! {
    /// One serial line with a UART (`sar -y`), from /proc/tty/driver/serial (root only).
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
    pub struct SerialLine from "/proc/tty/driver/serial" {
        item key(line) {
            /// The line's number (ttyS0 is 0).
            pub line: u32,
        }
        /// `rx:` receive interrupts.
        pub rx: u64 [Counter, "interrupts"],
        /// `tx:` transmit interrupts.
        pub tx: u64 [Counter, "interrupts"],
        /// `fe:` frame errors.
        pub frame: u64 [Counter, "errors"],
        /// `pe:` parity errors.
        pub parity: u64 [Counter, "errors"],
        /// `brk:` breaks.
        pub brk: u64 [Counter, "breaks"],
        /// `oe:` overruns.
        pub overrun: u64 [Counter, "errors"],
    }
}

group! {
    /// The IPv6, ICMPv6 and UDPv6 counters of /proc/net/snmp6 (one `Name value` per line)
    /// that sar's `-n IP6`, `EIP6`, `ICMP6`, `EICMP6` and `UDP6` show, read by name; a name
    /// the kernel does not print reads as 0. Absent altogether without IPv6.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
    pub struct Snmp6Counters from "/proc/net/snmp6" {
        /// Ip6InReceives.
        pub ip6_in_receives: u64 [Counter, "datagrams", key = "Ip6_InReceives"],
        /// Ip6OutForwDatagrams.
        pub ip6_out_forw_datagrams: u64 [Counter, "datagrams", key = "Ip6_OutForwDatagrams"],
        /// Ip6InDelivers.
        pub ip6_in_delivers: u64 [Counter, "datagrams", key = "Ip6_InDelivers"],
        /// Ip6OutRequests.
        pub ip6_out_requests: u64 [Counter, "datagrams", key = "Ip6_OutRequests"],
        /// Ip6ReasmReqds.
        pub ip6_reasm_reqds: u64 [Counter, "fragments", key = "Ip6_ReasmReqds"],
        /// Ip6ReasmOKs.
        pub ip6_reasm_oks: u64 [Counter, "datagrams", key = "Ip6_ReasmOKs"],
        /// Ip6InMcastPkts.
        pub ip6_in_mcast_pkts: u64 [Counter, "packets", key = "Ip6_InMcastPkts"],
        /// Ip6OutMcastPkts.
        pub ip6_out_mcast_pkts: u64 [Counter, "packets", key = "Ip6_OutMcastPkts"],
        /// Ip6FragOKs.
        pub ip6_frag_oks: u64 [Counter, "datagrams", key = "Ip6_FragOKs"],
        /// Ip6FragCreates.
        pub ip6_frag_creates: u64 [Counter, "fragments", key = "Ip6_FragCreates"],
        /// Ip6InHdrErrors.
        pub ip6_in_hdr_errors: u64 [Counter, "datagrams", key = "Ip6_InHdrErrors"],
        /// Ip6InAddrErrors.
        pub ip6_in_addr_errors: u64 [Counter, "datagrams", key = "Ip6_InAddrErrors"],
        /// Ip6InUnknownProtos.
        pub ip6_in_unknown_protos: u64 [Counter, "datagrams", key = "Ip6_InUnknownProtos"],
        /// Ip6InTooBigErrors.
        pub ip6_in_too_big_errors: u64 [Counter, "datagrams", key = "Ip6_InTooBigErrors"],
        /// Ip6InDiscards.
        pub ip6_in_discards: u64 [Counter, "datagrams", key = "Ip6_InDiscards"],
        /// Ip6OutDiscards.
        pub ip6_out_discards: u64 [Counter, "datagrams", key = "Ip6_OutDiscards"],
        /// Ip6InNoRoutes.
        pub ip6_in_no_routes: u64 [Counter, "datagrams", key = "Ip6_InNoRoutes"],
        /// Ip6OutNoRoutes.
        pub ip6_out_no_routes: u64 [Counter, "datagrams", key = "Ip6_OutNoRoutes"],
        /// Ip6ReasmFails.
        pub ip6_reasm_fails: u64 [Counter, "failures", key = "Ip6_ReasmFails"],
        /// Ip6FragFails.
        pub ip6_frag_fails: u64 [Counter, "datagrams", key = "Ip6_FragFails"],
        /// Ip6InTruncatedPkts.
        pub ip6_in_truncated_pkts: u64 [Counter, "datagrams", key = "Ip6_InTruncatedPkts"],
        /// Icmp6InMsgs.
        pub icmp6_in_msgs: u64 [Counter, "messages", key = "Icmp6_InMsgs"],
        /// Icmp6OutMsgs.
        pub icmp6_out_msgs: u64 [Counter, "messages", key = "Icmp6_OutMsgs"],
        /// Icmp6InEchos.
        pub icmp6_in_echos: u64 [Counter, "messages", key = "Icmp6_InEchos"],
        /// Icmp6InEchoReplies.
        pub icmp6_in_echo_replies: u64 [Counter, "messages", key = "Icmp6_InEchoReplies"],
        /// Icmp6OutEchoReplies.
        pub icmp6_out_echo_replies: u64 [Counter, "messages", key = "Icmp6_OutEchoReplies"],
        /// Icmp6InGroupMembQueries.
        pub icmp6_in_group_memb_queries: u64 [Counter, "messages", key = "Icmp6_InGroupMembQueries"],
        /// Icmp6InGroupMembResponses.
        pub icmp6_in_group_memb_responses: u64 [Counter, "messages", key = "Icmp6_InGroupMembResponses"],
        /// Icmp6OutGroupMembResponses.
        pub icmp6_out_group_memb_responses: u64 [Counter, "messages", key = "Icmp6_OutGroupMembResponses"],
        /// Icmp6InGroupMembReductions.
        pub icmp6_in_group_memb_reductions: u64 [Counter, "messages", key = "Icmp6_InGroupMembReductions"],
        /// Icmp6OutGroupMembReductions.
        pub icmp6_out_group_memb_reductions: u64 [Counter, "messages", key = "Icmp6_OutGroupMembReductions"],
        /// Icmp6InRouterSolicits.
        pub icmp6_in_router_solicits: u64 [Counter, "messages", key = "Icmp6_InRouterSolicits"],
        /// Icmp6OutRouterSolicits.
        pub icmp6_out_router_solicits: u64 [Counter, "messages", key = "Icmp6_OutRouterSolicits"],
        /// Icmp6InRouterAdvertisements.
        pub icmp6_in_router_advertisements: u64 [Counter, "messages", key = "Icmp6_InRouterAdvertisements"],
        /// Icmp6InNeighborSolicits.
        pub icmp6_in_neighbor_solicits: u64 [Counter, "messages", key = "Icmp6_InNeighborSolicits"],
        /// Icmp6OutNeighborSolicits.
        pub icmp6_out_neighbor_solicits: u64 [Counter, "messages", key = "Icmp6_OutNeighborSolicits"],
        /// Icmp6InNeighborAdvertisements.
        pub icmp6_in_neighbor_advertisements: u64 [Counter, "messages", key = "Icmp6_InNeighborAdvertisements"],
        /// Icmp6OutNeighborAdvertisements.
        pub icmp6_out_neighbor_advertisements: u64 [Counter, "messages", key = "Icmp6_OutNeighborAdvertisements"],
        /// Icmp6InErrors.
        pub icmp6_in_errors: u64 [Counter, "messages", key = "Icmp6_InErrors"],
        /// Icmp6InDestUnreachs.
        pub icmp6_in_dest_unreachs: u64 [Counter, "messages", key = "Icmp6_InDestUnreachs"],
        /// Icmp6OutDestUnreachs.
        pub icmp6_out_dest_unreachs: u64 [Counter, "messages", key = "Icmp6_OutDestUnreachs"],
        /// Icmp6InTimeExcds.
        pub icmp6_in_time_excds: u64 [Counter, "messages", key = "Icmp6_InTimeExcds"],
        /// Icmp6OutTimeExcds.
        pub icmp6_out_time_excds: u64 [Counter, "messages", key = "Icmp6_OutTimeExcds"],
        /// Icmp6InParmProblems.
        pub icmp6_in_parm_problems: u64 [Counter, "messages", key = "Icmp6_InParmProblems"],
        /// Icmp6OutParmProblems.
        pub icmp6_out_parm_problems: u64 [Counter, "messages", key = "Icmp6_OutParmProblems"],
        /// Icmp6InRedirects.
        pub icmp6_in_redirects: u64 [Counter, "messages", key = "Icmp6_InRedirects"],
        /// Icmp6OutRedirects.
        pub icmp6_out_redirects: u64 [Counter, "messages", key = "Icmp6_OutRedirects"],
        /// Icmp6InPktTooBigs.
        pub icmp6_in_pkt_too_bigs: u64 [Counter, "messages", key = "Icmp6_InPktTooBigs"],
        /// Icmp6OutPktTooBigs.
        pub icmp6_out_pkt_too_bigs: u64 [Counter, "messages", key = "Icmp6_OutPktTooBigs"],
        /// Udp6InDatagrams.
        pub udp6_in_datagrams: u64 [Counter, "datagrams", key = "Udp6_InDatagrams"],
        /// Udp6OutDatagrams.
        pub udp6_out_datagrams: u64 [Counter, "datagrams", key = "Udp6_OutDatagrams"],
        /// Udp6NoPorts.
        pub udp6_no_ports: u64 [Counter, "datagrams", key = "Udp6_NoPorts"],
        /// Udp6InErrors.
        pub udp6_in_errors: u64 [Counter, "datagrams", key = "Udp6_InErrors"],
    }
}

/// The runs of fields that sar shows as one report each (`-n IP6` … `-n UDP6`) and
/// sysstat's files keep as one activity each.
impl Snmp6Counters {
    pub const IP6: Range<usize> = field_run(Self::FIELDS, "ip6_in_receives", "ip6_frag_creates");
    pub const EIP6: Range<usize> =
        field_run(Self::FIELDS, "ip6_in_hdr_errors", "ip6_in_truncated_pkts");
    pub const ICMP6: Range<usize> = field_run(
        Self::FIELDS,
        "icmp6_in_msgs",
        "icmp6_out_neighbor_advertisements",
    );
    pub const EICMP6: Range<usize> =
        field_run(Self::FIELDS, "icmp6_in_errors", "icmp6_out_pkt_too_bigs");
    pub const UDP6: Range<usize> = field_run(Self::FIELDS, "udp6_in_datagrams", "udp6_in_errors");
}

group! {
    /// /proc/net/sockstat6: IPv6 sockets in use now (`-n SOCK6`). Absent without IPv6.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
    pub struct SockStat6 from "/proc/net/sockstat6" {
        /// `TCP6: inuse`.
        pub tcp6_inuse: u64 [Level, "sockets", key = "TCP6_inuse"],
        /// `UDP6: inuse`.
        pub udp6_inuse: u64 [Level, "sockets", key = "UDP6_inuse"],
        /// `RAW6: inuse`.
        pub raw6_inuse: u64 [Level, "sockets", key = "RAW6_inuse"],
        /// `FRAG6: inuse` — IPv6 fragment queues.
        pub frag6_inuse: u64 [Level, "queues", key = "FRAG6_inuse"],
    }
}

group! {
    /// One CPU's line of /proc/net/softnet_stat (`-n SOFT`). The kernel prints each value
    /// as 32-bit hexadecimal, so the counters wrap at 2^32.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
    pub struct SoftnetCounters from "/proc/net/softnet_stat" delta = DeltaRule {
        new_item: NewItem::Baseline,
        ..DeltaRule::FIELDS_ONLY
    }; {
        item key(cpu) {
            /// The CPU's number: the line's 13th column (since Linux 5.10), else the
            /// position of the line among the online CPUs.
            pub cpu: u32,
        }
        /// Frames processed (column 1).
        pub processed: u64 [Counter, "frames", wrap = 32],
        /// Frames dropped because the backlog queue was full (column 2).
        pub dropped: u64 [Counter, "frames", wrap = 32],
        /// Times the softirq ran out of budget or time with work left (column 3).
        pub time_squeeze: u64 [Counter, "events", wrap = 32],
        /// Times the CPU was woken by an inter-processor interrupt to process packets
        /// (RPS; column 10).
        pub received_rps: u64 [Counter, "events", wrap = 32],
        /// Times the RPS flow limit was reached (column 11; since Linux 3.11).
        pub flow_limit: u64 [Counter, "events", wrap = 32, since = "3.11"],
        /// Packets waiting in the backlog queues now (column 12; since Linux 5.10).
        pub backlog_len: Option<u64> [Level, "packets", since = "5.10"],
    }
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
    /// Every sample has it: the clock, and /proc/stat's CPUs and kernel counters (a probe
    /// that cannot read /proc/stat takes no sample).
    pub always: bool,
}

/// How a member of `Sample` holds its group: the fields of each item, what an item is,
/// and whether every sample has it. A single group is `Option<G>` (absent: `None`), a
/// group with items `Vec<G>` of an `ItemKey` type (absent: empty, so a source read with
/// no items is taken as not read) or `Option<Vec<G>>` (absent: `None`; read with no
/// items: empty); the log's codec is derived from these kinds (`store::members`), so a
/// new member of any of them needs no code outside this module.
pub trait Member {
    const FIELDS: &'static [Field];
    /// What one item is (`GroupInfo::item`); `None`: one set of fields.
    const ITEMS: Option<&'static str>;
    const ALWAYS: bool = false;
    /// The member as the machine had it at boot: every counter of every item 0 (by each
    /// field's `Kind`), its levels and items as they are (`Sample::at_boot`).
    fn zero_counters(&mut self);
}

/// `g` with every counter 0 (an absent optional one stays absent), its levels and its
/// item (name, numbers) as they are.
pub fn zero_counters<G: Group>(g: &mut G) {
    g.combine_values(&G::default(), &mut |n, mine, _| match G::FIELDS.get(n) {
        Some(f) if f.kind == Kind::Counter => mine.map(|_| 0),
        _ => mine,
    });
}

impl<G: Group> Member for Option<G> {
    const FIELDS: &'static [Field] = G::FIELDS;
    const ITEMS: Option<&'static str> = None;
    fn zero_counters(&mut self) {
        self.iter_mut().for_each(zero_counters);
    }
}

impl<G: ItemKey> Member for Vec<G> {
    const FIELDS: &'static [Field] = G::FIELDS;
    const ITEMS: Option<&'static str> = Some(G::ITEM);
    fn zero_counters(&mut self) {
        self.iter_mut().for_each(zero_counters);
    }
}

/// A group with items that tells "no items" (present, empty) from "not read" (`None`).
impl<G: ItemKey> Member for Option<Vec<G>> {
    const FIELDS: &'static [Field] = G::FIELDS;
    const ITEMS: Option<&'static str> = Some(G::ITEM);
    fn zero_counters(&mut self) {
        self.iter_mut().flatten().for_each(zero_counters);
    }
}

impl Member for SampleTime {
    const FIELDS: &'static [Field] = <Self as Group>::FIELDS;
    const ITEMS: Option<&'static str> = None;
    const ALWAYS: bool = true;
    fn zero_counters(&mut self) {
        zero_counters(self);
    }
}

impl Member for KernelCounters {
    const FIELDS: &'static [Field] = <Self as Group>::FIELDS;
    const ITEMS: Option<&'static str> = None;
    const ALWAYS: bool = true;
    fn zero_counters(&mut self) {
        zero_counters(self);
    }
}

impl Member for CpuTimes {
    const FIELDS: &'static [Field] = CpuTicks::FIELDS;
    const ITEMS: Option<&'static str> = Some("the total, then each online CPU");
    const ALWAYS: bool = true;
    fn zero_counters(&mut self) {
        zero_counters(&mut self.total);
        self.per_cpu.iter_mut().flatten().for_each(zero_counters);
    }
}

impl Member for PressureSet {
    const FIELDS: &'static [Field] = PressureLine::FIELDS;
    const ITEMS: Option<&'static str> =
        Some("a line (some, full) of a pressure file (cpu, io, memory)");
    fn zero_counters(&mut self) {
        for p in [&mut self.cpu, &mut self.io, &mut self.memory]
            .into_iter()
            .flatten()
        {
            zero_counters(&mut p.some);
            p.full.iter_mut().for_each(zero_counters);
        }
    }
}

impl Member for Interrupts {
    const FIELDS: &'static [Field] = IrqCount::FIELDS;
    const ITEMS: Option<&'static str> =
        Some("an interrupt line on an online CPU (lines × CPU columns)");
    fn zero_counters(&mut self) {
        for count in self.lines.iter_mut().flat_map(|l| &mut l.counts) {
            let mut c = IrqCount { count: *count };
            zero_counters(&mut c);
            *count = c.count;
        }
    }
}

/// The filesystems' types, a group of their own on `Sample::filesystems` so that readers
/// from before it still read the filesystems (a reader skips a group it does not know,
/// not an item set longer than it knows).
pub struct FsTypes;

impl Member for FsTypes {
    const FIELDS: &'static [Field] = &[];
    const ITEMS: Option<&'static str> =
        Some("a mounted filesystem, in the `filesystems` group's order (no numbers)");
    /// No numbers.
    fn zero_counters(&mut self) {}
}

/// What tells an item of a group from the others (a device by its numbers and name, an
/// interface by its name, a CPU by its number), as a log's item set holds it: a list of
/// parts the codec writes in order and reads back.
pub trait ItemKey: Group + Clone {
    /// What one item is, in words (`GroupInfo::item`).
    const ITEM: &'static str;
    fn put_key(&self, k: &mut impl KeyWriter);
    /// An item with the key read from `k`, its fields at their defaults.
    fn get_key(k: &mut impl KeyReader) -> Result<Self, &'static str>;
}

/// Where an item's key parts go: the log's codec decides how each is written.
pub trait KeyWriter {
    fn number(&mut self, v: u64);
    fn text(&mut self, s: &str);
    /// A few flags (at most 8).
    fn bits(&mut self, b: u8);
}

/// Where an item's key parts come back from, in the order they were written.
pub trait KeyReader {
    fn number(&mut self) -> Result<u64, &'static str>;
    fn text(&mut self) -> Result<String, &'static str>;
    fn bits(&mut self) -> Result<u8, &'static str>;

    /// A number that fits 32 bits.
    fn small(&mut self) -> Result<u32, &'static str> {
        u32::try_from(self.number()?).map_err(|_| "number too large")
    }

    /// A CPU's number: readers index by it (a column per CPU), so one beyond any kernel's
    /// is damage, not a reason to allocate.
    fn cpu(&mut self) -> Result<u32, &'static str> {
        u32::try_from(self.number()?)
            .ok()
            .filter(|&n| n < HostFacts::MAX_CPUS)
            .ok_or("CPU number above the kernel's limit of 8192 CPUs")
    }
}

/// A member of an item that is part of its key, as the codec writes it: a name as text,
/// a number as a number.
pub trait KeyPart: Sized {
    fn put(&self, k: &mut impl KeyWriter);
    fn get(k: &mut impl KeyReader) -> Result<Self, &'static str>;
}

impl KeyPart for String {
    fn put(&self, k: &mut impl KeyWriter) {
        k.text(self);
    }
    fn get(k: &mut impl KeyReader) -> Result<Self, &'static str> {
        k.text()
    }
}

impl KeyPart for u64 {
    fn put(&self, k: &mut impl KeyWriter) {
        k.number(*self);
    }
    fn get(k: &mut impl KeyReader) -> Result<Self, &'static str> {
        k.number()
    }
}

impl KeyPart for u32 {
    fn put(&self, k: &mut impl KeyWriter) {
        k.number(u64::from(*self));
    }
    fn get(k: &mut impl KeyReader) -> Result<Self, &'static str> {
        k.small()
    }
}

/// `item_key!(Group, "what one item is", member, …)`: the group's `ItemKey` from the
/// members that tell its items apart, each written as its type says (`KeyPart`), in the
/// order given; every other member is left at its default when read back.
macro_rules! item_key {
    ($t:ident, $what:literal, $($part:ident),+) => {
        impl ItemKey for $t {
            const ITEM: &'static str = $what;
            fn put_key(&self, k: &mut impl KeyWriter) {
                $( KeyPart::put(&self.$part, k); )+
            }
            fn get_key(k: &mut impl KeyReader) -> Result<Self, &'static str> {
                $( let $part = KeyPart::get(k)?; )+
                Ok($t {
                    $($part,)+
                    ..$t::default()
                })
            }
        }
    };
}

impl ItemKey for DiskCounters {
    const ITEM: &'static str = "a block device";
    fn put_key(&self, k: &mut impl KeyWriter) {
        k.number(u64::from(self.major));
        k.number(u64::from(self.minor));
        k.text(&self.name);
        k.bits(u8::from(self.whole) | (u8::from(self.physical) << 1));
    }
    fn get_key(k: &mut impl KeyReader) -> Result<Self, &'static str> {
        let (major, minor, name, flags) = (k.small()?, k.small()?, k.text()?, k.bits()?);
        Ok(DiskCounters {
            major,
            minor,
            name,
            whole: flags & 1 == 1,
            physical: flags & 2 == 2,
            ..DiskCounters::default()
        })
    }
}

impl ItemKey for NetCounters {
    const ITEM: &'static str = "a network interface";
    fn put_key(&self, k: &mut impl KeyWriter) {
        k.text(&self.name);
        // 0: no speed known.
        k.number(self.speed_mbps.map_or(0, |v| u64::from(v) + 1));
        k.bits(u8::from(self.full_duplex));
    }
    fn get_key(k: &mut impl KeyReader) -> Result<Self, &'static str> {
        let name = k.text()?;
        let speed_mbps = match k.number()? {
            0 => None,
            s => Some(u32::try_from(s - 1).map_err(|_| "number too large")?),
        };
        Ok(NetCounters {
            name,
            speed_mbps,
            full_duplex: k.bits()? == 1,
            ..NetCounters::default()
        })
    }
}

impl ItemKey for SoftnetCounters {
    const ITEM: &'static str = "an online CPU";
    fn put_key(&self, k: &mut impl KeyWriter) {
        k.number(u64::from(self.cpu));
    }
    fn get_key(k: &mut impl KeyReader) -> Result<Self, &'static str> {
        Ok(SoftnetCounters {
            cpu: k.cpu()?,
            ..SoftnetCounters::default()
        })
    }
}

impl ItemKey for FsUsage {
    const ITEM: &'static str = "a mounted filesystem";
    fn put_key(&self, k: &mut impl KeyWriter) {
        k.text(&self.name);
        k.text(&self.mountpoint);
    }
    fn get_key(k: &mut impl KeyReader) -> Result<Self, &'static str> {
        let (name, mountpoint) = (k.text()?, k.text()?);
        Ok(FsUsage {
            name,
            mountpoint,
            ..FsUsage::default()
        })
    }
}

impl ItemKey for CpuFreq {
    const ITEM: &'static str = "a CPU with a clock in /proc/cpuinfo";
    fn put_key(&self, k: &mut impl KeyWriter) {
        k.number(u64::from(self.cpu));
    }
    fn get_key(k: &mut impl KeyReader) -> Result<Self, &'static str> {
        Ok(CpuFreq {
            cpu: k.cpu()?,
            ..CpuFreq::default()
        })
    }
}

item_key!(SerialLine, "a serial line with a UART", line);

// The cgroups: what each field means, how a cgroup is keyed and where cgroup v1 keeps
// each field is said in `crate::cgroup`, which names these groups too.
group! {
    /// One Fibre Channel host adapter (`sar -n FC`): its port's frame and word counters
    /// from /sys/class/fc_host/HOST/statistics, which the kernel prints in hexadecimal.
    /// An HBA whose firmware does not implement a counter prints all ones
    /// (`0xffffffffffffffff`): that field is `None`, as it is when its file is missing.
    #[derive(Debug, Clone, PartialEq, Eq, Default)]
    pub struct FcHost from "/sys/class/fc_host/HOST/statistics" {
        item key(name) {
            /// The host's name in /sys/class/fc_host (`host0`).
            pub name: String,
        }
        /// Frames received.
        pub rx_frames: Option<u64> [Counter, "frames", key = "rx_frames"],
        /// Frames transmitted.
        pub tx_frames: Option<u64> [Counter, "frames", key = "tx_frames"],
        /// Words (4 bytes) received.
        pub rx_words: Option<u64> [Counter, "words", key = "rx_words"],
        /// Words (4 bytes) transmitted.
        pub tx_words: Option<u64> [Counter, "words", key = "tx_words"],
    }
}
item_key!(FcHost, "a Fibre Channel host adapter", name);

group! {
    /// One cgroup at one moment: CPU, memory, I/O, pressure and tasks.
    #[derive(Debug, Clone, PartialEq, Eq, Default)]
    pub struct CgroupCounters from "cpu.stat" {
        item key(path, inode) {
            /// The path below the hierarchy's root, without a leading `/` (`""`: the root;
            /// `system.slice/nginx.service`). On hosts with several hierarchies (v1
            /// controllers, v2 beside them) a path's fields are merged from each.
            pub path: String,
            /// The inode of the cgroup's directory (in v2 the cgroup id): a cgroup created
            /// again under the same path has another. From the v2 hierarchy where the path
            /// is there, else from the first v1 hierarchy that has it (cpuacct, cpu,
            /// memory, blkio, pids).
            pub inode: u64,
        }
        /// CPU time used by the cgroup's tasks (and its descendants').
        pub usage_us: Option<u64> [Counter, "us", key = "usage_usec"],
        /// The part of it in user mode.
        pub user_us: Option<u64> [Counter, "us", key = "user_usec"],
        /// The part of it in kernel mode.
        pub system_us: Option<u64> [Counter, "us", key = "system_usec"],
        /// Enforcement periods that have elapsed (with the cpu controller and a quota).
        pub nr_periods: Option<u64> [Counter, "periods", key = "nr_periods"],
        /// Periods in which the cgroup was throttled (used up its quota).
        pub nr_throttled: Option<u64> [Counter, "periods", key = "nr_throttled"],
        /// Time its tasks were throttled.
        pub throttled_us: Option<u64> [Counter, "us", key = "throttled_usec"],
        /// Memory in use by the cgroup and its descendants.
        pub memory_current: Option<u64> [Level, "bytes", align = 12, source = "memory.current"],
        /// Anonymous memory (including transparent huge pages).
        pub anon: Option<u64> [Level, "bytes", align = 12, source = "memory.stat", key = "anon"],
        /// Page cache, tmpfs and shared memory included.
        pub file: Option<u64> [Level, "bytes", align = 12, source = "memory.stat", key = "file"],
        /// Kernel memory: slab, stacks, page tables and the rest (since Linux 5.18).
        pub kernel: Option<u64> [Level, "bytes", source = "memory.stat", since = "5.18", key = "kernel"],
        /// Swap-backed cached file memory: tmpfs, shm segments, shared anonymous mmap.
        pub shmem: Option<u64> [Level, "bytes", align = 12, source = "memory.stat", key = "shmem"],
        /// Memory used by network transmission buffers.
        pub sock: Option<u64> [Level, "bytes", align = 12, source = "memory.stat", key = "sock"],
        /// In-kernel data structures (slab).
        pub slab: Option<u64> [Level, "bytes", source = "memory.stat", key = "slab"],
        /// File pages modified but not yet written back.
        pub file_dirty: Option<u64> [Level, "bytes", align = 12, source = "memory.stat", key = "file_dirty"],
        /// File pages being written back.
        pub file_writeback: Option<u64> [Level, "bytes", align = 12, source = "memory.stat", key = "file_writeback"],
        /// Page faults.
        pub pgfault: Option<u64> [Counter, "faults", source = "memory.stat", key = "pgfault"],
        /// Major page faults (with I/O).
        pub pgmajfault: Option<u64> [Counter, "faults", source = "memory.stat", key = "pgmajfault"],
        /// Refaults of evicted anonymous pages (since Linux 5.9).
        pub workingset_refault_anon: Option<u64> [Counter, "pages", source = "memory.stat", since = "5.9", key = "workingset_refault_anon"],
        /// Refaults of evicted file pages (since Linux 5.9).
        pub workingset_refault_file: Option<u64> [Counter, "pages", source = "memory.stat", since = "5.9", key = "workingset_refault_file"],
        /// Times the usage went over memory.high and the tasks were throttled to reclaim.
        pub events_high: Option<u64> [Counter, "events", source = "memory.events", key = "high"],
        /// Times the usage was about to go over memory.max (v1: memory.failcnt, the times
        /// it hit the limit).
        pub events_max: Option<u64> [Counter, "events", source = "memory.events", key = "max"],
        /// Times the usage reached the limit and an allocation was about to fail.
        pub events_oom: Option<u64> [Counter, "events", source = "memory.events", key = "oom"],
        /// Processes of the cgroup killed by the OOM killer.
        pub events_oom_kill: Option<u64> [Counter, "processes", source = "memory.events", key = "oom_kill"],
        /// Bytes read, summed over the devices.
        pub rbytes: Option<u64> [Counter, "bytes", align = 9, source = "io.stat", key = "rbytes"],
        /// Bytes written, summed over the devices.
        pub wbytes: Option<u64> [Counter, "bytes", align = 9, source = "io.stat", key = "wbytes"],
        /// Read operations, summed over the devices.
        pub rios: Option<u64> [Counter, "requests", source = "io.stat", key = "rios"],
        /// Write operations, summed over the devices.
        pub wios: Option<u64> [Counter, "requests", source = "io.stat", key = "wios"],
        /// Time some of its tasks were stalled waiting for a CPU.
        pub cpu_some_us: Option<u64> [Counter, "us", source = "cpu.pressure", key = "some total"],
        /// Time all of its non-idle tasks were stalled waiting for a CPU (since Linux 5.13).
        pub cpu_full_us: Option<u64> [Counter, "us", source = "cpu.pressure", since = "5.13", key = "full total"],
        /// Time some of its tasks were stalled on memory.
        pub memory_some_us: Option<u64> [Counter, "us", source = "memory.pressure", key = "some total"],
        /// Time all of its non-idle tasks were stalled on memory.
        pub memory_full_us: Option<u64> [Counter, "us", source = "memory.pressure", key = "full total"],
        /// Time some of its tasks were stalled on I/O.
        pub io_some_us: Option<u64> [Counter, "us", source = "io.pressure", key = "some total"],
        /// Time all of its non-idle tasks were stalled on I/O.
        pub io_full_us: Option<u64> [Counter, "us", source = "io.pressure", key = "full total"],
        /// Tasks (threads) in the cgroup and its descendants.
        pub pids_current: Option<u64> [Level, "tasks", source = "pids.current"],
    }
}

group! {
    /// A cgroup's limits, as configured. They change rarely: read apart from the counters,
    /// and meant to be stored only when they change. `None`: no limit (`max`), or not
    /// available (the controller is off, or a v1 hierarchy lacks it).
    #[derive(Debug, Clone, PartialEq, Eq, Default)]
    pub struct CgroupLimits from "cpu.max" {
        item key(path, inode) {
            /// As `CgroupCounters::path`.
            pub path: String,
            /// As `CgroupCounters::inode`.
            pub inode: u64,
        }
        /// CPU time the cgroup may use per period (v1: cpu.cfs_quota_us, -1 = none).
        pub cpu_quota_us: Option<u64> [Level, "us", key = "quota"],
        /// The period of that quota (v1: cpu.cfs_period_us).
        pub cpu_period_us: Option<u64> [Level, "us", key = "period"],
        /// Relative CPU weight, 1 to 10000, 100 by default (v2 only).
        pub cpu_weight: Option<u64> [Level, "weight", source = "cpu.weight"],
        /// Relative CPU shares, 1024 by default (v1 only: cpu.shares; the kernel treats
        /// weight w as shares w × 1024 / 100).
        pub cpu_shares: Option<u64> [Level, "shares", source = "cpu.shares"],
        /// The hard memory limit (v1: memory.limit_in_bytes).
        pub memory_max: Option<u64> [Level, "bytes", source = "memory.max"],
        /// The memory throttling limit (v2 only).
        pub memory_high: Option<u64> [Level, "bytes", source = "memory.high"],
        /// Memory protected from reclaim, best effort (v2 only).
        pub memory_low: Option<u64> [Level, "bytes", source = "memory.low"],
        /// The most tasks it may have (v1 and v2: pids.max).
        pub pids_max: Option<u64> [Level, "tasks", source = "pids.max"],
        /// Memory protected from reclaim, hard guarantee (v2 only).
        pub memory_min: Option<u64> [Level, "bytes", source = "memory.min"],
        /// The most swap it may use (v2 only: v1's memory.memsw.limit_in_bytes limits
        /// memory and swap together, which is not the same).
        pub memory_swap_max: Option<u64> [Level, "bytes", source = "memory.swap.max"],
    }
}

group! {
    /// A cgroup's I/O on one block device: its line in v2's io.stat, or its lines in v1's
    /// blkio.throttle.io_service_bytes and io_serviced. Only the devices it did I/O on.
    #[derive(Debug, Clone, PartialEq, Eq, Default)]
    pub struct CgroupDeviceIo from "io.stat" {
        item key(path, inode, major, minor) {
            /// As `CgroupCounters::path`.
            pub path: String,
            /// As `CgroupCounters::inode`.
            pub inode: u64,
            pub major: u32,
            pub minor: u32,
            /// The device's name as `sar -d` gives it: the name /sys/dev/block/MAJ:MIN
            /// leads to (`vda`), `devMAJ-MIN` where there is none.
            pub name: String,
        }
        /// Bytes read (v1: the device's `Read` line of blkio.throttle.io_service_bytes).
        pub rbytes: Option<u64> [Counter, "bytes", align = 9, key = "rbytes"],
        /// Bytes written (v1: its `Write` line).
        pub wbytes: Option<u64> [Counter, "bytes", align = 9, key = "wbytes"],
        /// Read operations (v1: the `Read` line of blkio.throttle.io_serviced).
        pub rios: Option<u64> [Counter, "requests", key = "rios"],
        /// Write operations (v1: its `Write` line).
        pub wios: Option<u64> [Counter, "requests", key = "wios"],
        /// Bytes discarded (v1: the `Discard` line, since Linux 4.19).
        pub dbytes: Option<u64> [Counter, "bytes", align = 9, key = "dbytes"],
        /// Discard operations.
        pub dios: Option<u64> [Counter, "requests", key = "dios"],
    }
}

group! {
    /// A cgroup's I/O limits on one block device, as configured: its line in v2's io.max,
    /// or in v1's blkio.throttle.read_bps_device, write_bps_device, read_iops_device and
    /// write_iops_device. Only the devices with a limit; `None`: no limit (`max`). Stored
    /// when they change, as `CgroupLimits`.
    #[derive(Debug, Clone, PartialEq, Eq, Default)]
    pub struct CgroupDeviceLimits from "io.max" {
        item key(path, inode, major, minor) {
            /// As `CgroupCounters::path`.
            pub path: String,
            /// As `CgroupCounters::inode`.
            pub inode: u64,
            pub major: u32,
            pub minor: u32,
            /// As `CgroupDeviceIo::name`.
            pub name: String,
        }
        /// Bytes read per second (v1: blkio.throttle.read_bps_device).
        pub rbps: Option<u64> [Level, "bytes/s", key = "rbps"],
        /// Bytes written per second (v1: write_bps_device).
        pub wbps: Option<u64> [Level, "bytes/s", key = "wbps"],
        /// Reads per second (v1: read_iops_device).
        pub riops: Option<u64> [Level, "requests/s", key = "riops"],
        /// Writes per second (v1: write_iops_device).
        pub wiops: Option<u64> [Level, "requests/s", key = "wiops"],
    }
}

group! {
    /// The root's `cgroup.stat` (v2): how many cgroups there are, and how many were
    /// removed but are still held by the kernel (dying: memory they charged is still
    /// referenced; many of them are a leak).
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
    pub struct CgroupTreeStat from "cgroup.stat" {
        /// Live cgroups below the root.
        pub nr_descendants: u64 [Level, "cgroups", key = "nr_descendants"],
        /// Removed cgroups still held by the kernel.
        pub nr_dying_descendants: u64 [Level, "cgroups", key = "nr_dying_descendants"],
    }
}

// A cgroup's key in the log: its path, then its directory's inode.
item_key!(CgroupCounters, "a cgroup, by path and inode", path, inode);
item_key!(CgroupLimits, "a cgroup, by path and inode", path, inode);

// A cgroup's device in the log: the cgroup's key, then the device's numbers and name.
item_key!(
    CgroupDeviceIo,
    "a block device of a cgroup, by path, inode, major and minor",
    path,
    inode,
    major,
    minor,
    name
);
item_key!(
    CgroupDeviceLimits,
    "a block device of a cgroup, by path, inode, major and minor",
    path,
    inode,
    major,
    minor,
    name
);

/// The members of a `Sample`, once: each with its group's id and name in the log and
/// where and when it is absent (`GroupInfo`), in the order a log writes them. A member is
/// `pub name: Type => id "group" "where, when absent";` (`Type` a `Member`); a group
/// that is a second view of a member is `view group of member as Kind => …`.
/// `sample_members!(then)` hands the list to the macro `then`: here it makes `Sample`
/// and `GROUPS`, in `store` the log's codec, in the store's tests their sample generator.
/// The types are named as this module names them: import `sample::*` where it expands.
#[macro_export]
macro_rules! sample_members {
    ($then:ident) => {
        $then! {
            /// When the sample was taken.
            pub time: SampleTime => 1 "time" "`time` (always)";
            pub cpu: CpuTimes => 2 "cpu" "`cpu.total`, `cpu.per_cpu` (always)";
            pub kernel: KernelCounters => 3 "kernel" "`kernel` (always)";
            pub load: Option<LoadAvg> => 4 "load" "`load` (`None` without /proc/loadavg)";
            pub memory: Option<Memory> => 5 "memory" "`memory` (`None` without /proc/meminfo)";
            pub swap: Option<Swap> => 6 "swap" "`swap` (`None` when not read)";
            pub paging: Option<Paging> => 7 "paging" "`paging` (`None` without /proc/vmstat)";
            pub disks: Vec<DiskCounters> => 8 "disk" "`disks` (empty: no block)";
            pub net: Vec<NetCounters> => 9 "net" "`net` (empty: no block)";
            pub pressure: PressureSet => 10 "pressure" "`pressure` (all `None`: no block)";
            /// /proc/net/snmp (`-n IP EIP ICMP EICMP TCP ETCP UDP`).
            pub snmp: Option<SnmpCounters> => 11 "snmp" "`snmp` (`None` without /proc/net/snmp)";
            /// /proc/net/sockstat (`-n SOCK`).
            pub sockets: Option<SockStat> => 12 "sockstat" "`sockets` (`None` without /proc/net/sockstat)";
            /// /proc/net/snmp6 (`-n IP6 EIP6 ICMP6 EICMP6 UDP6`).
            pub snmp6: Option<Snmp6Counters> => 13 "snmp6" "`snmp6` (`None` without IPv6)";
            /// /proc/net/sockstat6 (`-n SOCK6`).
            pub sockets6: Option<SockStat6> => 14 "sockstat6" "`sockets6` (`None` without IPv6)";
            /// /proc/net/softnet_stat, one per online CPU (`-n SOFT`).
            pub softnet: Vec<SoftnetCounters> => 15 "softnet" "`softnet` (empty: no block)";
            pub ktables: Option<KernelTables> => 20 "ktables" "`ktables` (`None` without any of its files)";
            /// /proc/interrupts (empty when not read).
            pub interrupts: Interrupts => 21 "interrupts" "`interrupts` (empty: no block)";
            /// Mounted filesystems (empty when not read).
            pub filesystems: Vec<FsUsage> => 22 "filesystems" "`filesystems` (empty: no block)";
            /// Each CPU's clock (empty when not read or not printed by the kernel).
            pub cpu_freq: Vec<CpuFreq> => 23 "cpufreq" "`cpu_freq` (empty: no block)";
            pub nfs: Option<NfsClient> => 24 "nfs" "`nfs` (`None` without /proc/net/rpc/nfs)";
            pub nfsd: Option<NfsServer> => 25 "nfsd" "`nfsd` (`None` without /proc/net/rpc/nfsd)";
            /// Serial lines (empty when not read, e.g. without root).
            pub serial: Vec<SerialLine> => 26 "serial" "`serial` (empty: no block)";
            view fstypes of filesystems as FsTypes => 27 "fstypes" "`filesystems[].fstype` (no block without filesystems)";
            /// sysstat's `-b` totals, in samples read from its files (`None` in rsar's own).
            pub io_totals: Option<IoTotals> => 28 "iototals" "`io_totals` (`None` but in samples read from sysstat files)";
            /// Every cgroup, the root (path `""`) first: empty only when not read or
            /// without a cgroup hierarchy.
            pub cgroups: Vec<CgroupCounters> => 29 "cgroup" "`cgroups` (empty: no block)";
            /// The limits of the cgroups that appeared or whose limits changed since the
            /// sample before: a reader keeps the last it saw of each cgroup.
            pub cgroup_limits: Vec<CgroupLimits> => 30 "cglimits" "`cgroup_limits` (empty: no block)";
            /// The v2 root's cgroup.stat.
            pub cgroup_tree: Option<CgroupTreeStat> => 31 "cgtree" "`cgroup_tree` (`None` without a v2 hierarchy)";
            /// Each cgroup's I/O per device, in `cgroups`' order, each cgroup's devices by
            /// number.
            pub cgroup_devices: Vec<CgroupDeviceIo> => 32 "cgdevice" "`cgroup_devices` (empty: no block)";
            /// The I/O limits per device of the cgroups that appeared or whose I/O limits
            /// changed since the sample before, as `cgroup_limits`.
            pub cgroup_device_limits: Vec<CgroupDeviceLimits> => 33 "cgdevlimits" "`cgroup_device_limits` (empty: no block)";
            /// /sys/class/fc_host (`-n FC`): each Fibre Channel host adapter.
            pub fc_hosts: Vec<FcHost> => 34 "fchost" "`fc_hosts` (empty: no block)";
        }
    };
}

// `#[macro_export]` puts it at the crate root; here it is named as part of the schema.
pub use super::sample_members;

/// `Sample` and `GROUPS` from `sample_members!`.
macro_rules! declare_sample {
    ($(
        $( $(#[$attr:meta])* pub $m:ident : $ty:ty => )?
        $( view $v:ident of $vm:ident as $vk:ty => )?
        $id:literal $name:literal $member:literal;
    )*) => {
        /// One sample of every group.
        #[derive(Debug, Clone, PartialEq, Eq, Default)]
        pub struct Sample {
            $($( $(#[$attr])* pub $m: $ty, )?)*
        }

        /// The groups of a `Sample`, in the order a log writes them.
        pub const GROUPS: &[GroupInfo] = &[$(
            GroupInfo {
                id: $id,
                name: $name,
                item: <$($ty)? $($vk)? as Member>::ITEMS,
                member: $member,
                fields: <$($ty)? $($vk)? as Member>::FIELDS,
                always: <$($ty)? $($vk)? as Member>::ALWAYS,
            },
        )*];

        impl Sample {
            /// The sample this machine would have given at boot: the same CPUs, devices,
            /// interfaces and other items, every counter of every member 0 (by each field's
            /// declared `Kind`), levels as they are, uptime 0 and the wall clock at boot.
            /// An interval from it to `self` is "since boot", as the first line of vmstat
            /// shows.
            pub fn at_boot(&self) -> Sample {
                let mut b = self.clone();
                $($( Member::zero_counters(&mut b.$m); )?)*
                b.time.wall_ns = self
                    .time
                    .wall_ns
                    .saturating_sub((self.time.uptime_cs as i64).saturating_mul(10_000_000));
                b
            }
        }
    };
}

sample_members!(declare_sample);
