//! The report catalogue: one entry per sar report, in the order sar prints them. An entry
//! says how the report is asked for, its columns (sar's name, sadf's key, unit, kind), its
//! item column, where it sits in sadf's JSON, what the kernel must provide, and how its
//! values come from an interval's statistics. Every renderer — tables, JSON, JSON Lines,
//! CSV, charts — and the docs' tables are derived from these entries: adding a report whose
//! counters are recorded is one entry here (and a `Table` name).

use super::{CpuList, SarVersion, Selection, Table};
use crate::sample::{Group, Snmp6Counters, SnmpCounters};
use crate::stats::{CpuDelta, IntervalStats, Items, Over, SoftnetDelta};
use std::ops::Range;

/// What a column's numbers are, which decides how they print.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Per second over the interval; two decimals.
    Rate,
    /// A percentage; two decimals.
    Percent,
    /// A level averaged over samples, with decimals (load averages).
    Real,
    /// A level in whole units (kB, tasks); averages print rounded as sar does.
    Whole,
}

/// One column of a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column {
    /// sar's header; `None` for a value only sadf's JSON has.
    pub sar: Option<&'static str>,
    /// sadf -j's key; a dot nests it (`io-reads.rtps`).
    pub sadf: &'static str,
    pub unit: &'static str,
    pub kind: Kind,
    /// The fields its values are computed from, each as `group.field` (`GroupInfo::name`,
    /// `Field::name`): one for a rate or level of a field, several for a column worked
    /// out from them (`%memused`, `await`).
    pub from: &'static [&'static str],
}

impl Column {
    /// The column, computed from the fields `from` (`group.field`).
    const fn of(self, from: &'static [&'static str]) -> Column {
        Column { from, ..self }
    }
}

/// The column that names a report's items (CPU, device, interface), and how the command
/// line chooses among them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ItemColumn {
    /// sar's header.
    pub sar: &'static str,
    /// sadf -j's key for the item in each object of the report's array.
    pub sadf: &'static str,
    /// The option that names the items to show (`--dev=vda,sdb`), if any.
    pub filter: Option<ItemFilter>,
    /// What `-z` does to an item idle over the interval.
    pub idle: Idle,
    /// Where the item column sits in sar's rows.
    pub place: ItemPlace,
}

/// An option naming the items a report shows: `--dev=`, `--iface=`, `--fs=`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ItemFilter {
    /// `--dev=`: block devices by kernel name.
    Dev,
    /// `--iface=`: network interfaces.
    Iface,
    /// `--fs=`: filesystems (or, with `-F MOUNT`, mount points).
    Fs,
}

/// What sar's `-z` does to a row whose values are all zero.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Idle {
    /// Left out (devices, interfaces, interrupt and serial lines).
    Omitted,
    /// Kept (CPUs, clocks and filesystems: a zero is a level worth seeing).
    Kept,
}

/// Where sar prints the item column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemPlace {
    /// First, always.
    First,
    /// First, or last with `-p` (sar's pretty output).
    LastWhenPretty,
    /// Last, always (`-n FC`).
    Last,
    /// Last, always, and the rows closing a segment are `Summary:`, the last levels of
    /// each item, not an `Average:` (`-F`).
    LastLevels,
}

/// How often sar prints a report's header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Header {
    /// Once (live: again only when several tables or rows would otherwise run together).
    Once,
    /// Before every interval, even one of a single row, live and from files (sar's -I).
    EveryInterval,
}

/// How `--format svg` charts a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChartKind {
    /// %usr, %sys, %iowait and %steal stacked, of the `all` row.
    CpuStates,
    /// The load averages, the run queue and blocked tasks.
    Load,
    /// Memory used, cached and available in GiB (and swap used, unless -S has its own chart).
    Memory,
    /// Swap used and cached in GiB.
    Swap,
    /// Read and write throughput, and %util, of the busiest devices.
    DiskTraffic,
    /// Receive and transmit throughput of the busiest interfaces.
    NetTraffic,
    /// A line per column; for a report with items, a chart per column with a line per item.
    /// `percent`: the axis tops at 100 unless a value is above it.
    Columns { percent: bool },
}

/// The rows of one report for one interval: per row its item (for reports with items) and
/// one number per column. Filled by a report's `values` and reused from interval to
/// interval, so that a day of rows costs no allocation per row.
#[derive(Debug, Default, Clone)]
pub struct Rows {
    /// Every row's item name, one after the other.
    items: String,
    values: Vec<f64>,
    /// Per row: where its item ends in `items` (`None`: no item), where its values end.
    ends: Vec<(Option<usize>, usize)>,
}

impl Rows {
    pub fn clear(&mut self) {
        self.items.clear();
        self.values.clear();
        self.ends.clear();
    }

    /// Add a row.
    pub fn push(&mut self, item: Option<&str>, values: &[f64]) {
        let item = item.map(|i| {
            self.items.push_str(i);
            self.items.len()
        });
        self.values.extend_from_slice(values);
        self.ends.push((item, self.values.len()));
    }

    /// Add a row whose item is a number (a CPU).
    fn push_numbered(&mut self, n: usize, values: &[f64]) {
        use std::fmt::Write;
        let _ = write!(self.items, "{n}");
        let end = self.items.len();
        self.values.extend_from_slice(values);
        self.ends.push((Some(end), self.values.len()));
    }

    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// Keep the rows `keep` says yes to.
    pub fn retain(&mut self, mut keep: impl FnMut(Option<&str>, &[f64]) -> bool) {
        let mut kept = Rows::default();
        for (item, values) in self.iter() {
            if keep(item, values) {
                kept.push(item, values);
            }
        }
        *self = kept;
    }

    /// Each row: its item and its values.
    pub fn iter(&self) -> impl Iterator<Item = (Option<&str>, &[f64])> + '_ {
        let mut item_at = 0;
        let mut value_at = 0;
        self.ends.iter().map(move |&(item_end, value_end)| {
            let item = item_end.map(|end| {
                let i = self.items.get(item_at..end).unwrap_or("");
                item_at = end;
                i
            });
            let values = self.values.get(value_at..value_end).unwrap_or(&[]);
            value_at = value_end;
            (item, values)
        })
    }
}

/// One sar report.
pub struct Report {
    pub table: Table,
    /// How it is asked for (`-u`, `-n DEV`).
    pub flag: &'static str,
    pub title: &'static str,
    /// Its name in CSV's `report` column and in chart ids.
    pub name: &'static str,
    /// Where its member sits in sadf -j's statistics object (`["network", "net-dev"]`);
    /// reports sharing a path merge into one object (`-r` and `-S` into `memory`).
    pub json: &'static [&'static str],
    pub item: Option<ItemColumn>,
    /// The /proc file it needs, for reports a kernel may lack.
    pub source: Option<&'static str>,
    /// The report it replaces when asked for (`-F MOUNT` is `-F` by mount point): asking
    /// for the other then keeps this one, and `-A` asks for the other.
    pub instead_of: Option<Table>,
    /// How often sar prints its header.
    pub header: Header,
    /// How `--format svg` draws it.
    pub chart: ChartKind,
    /// Its columns, as the selection asks (`-u ALL` has other columns than `-u`).
    pub columns: fn(&Selection) -> &'static [Column],
    /// Whether an interval has its data.
    pub available: fn(&IntervalStats) -> bool,
    /// Its rows for an interval (or an average of intervals), one number per column,
    /// added to the (cleared) rows given.
    pub values: fn(&Selection, &IntervalStats, &mut Rows),
}

/// A column of sar's; its fields come with `Column::of`.
const fn col(sar: &'static str, sadf: &'static str, unit: &'static str, kind: Kind) -> Column {
    Column {
        sar: Some(sar),
        sadf,
        unit,
        kind,
        from: &[],
    }
}

/// A value only sadf's JSON has; its fields come with `Column::of`.
const fn json_only(sadf: &'static str, unit: &'static str, kind: Kind) -> Column {
    Column {
        sar: None,
        ..col("", sadf, unit, kind)
    }
}

use Kind::{Percent, Rate, Real, Whole};

const CPU: &[Column] = &[
    col("%user", "user", "%", Percent).of(&["cpu.user"]),
    col("%nice", "nice", "%", Percent).of(&["cpu.nice"]),
    col("%system", "system", "%", Percent).of(&["cpu.system", "cpu.irq", "cpu.softirq"]),
    col("%iowait", "iowait", "%", Percent).of(&["cpu.iowait"]),
    col("%steal", "steal", "%", Percent).of(&["cpu.steal"]),
    col("%idle", "idle", "%", Percent).of(&["cpu.idle"]),
];
const CPU_ALL: &[Column] = &[
    col("%usr", "usr", "%", Percent).of(&["cpu.user", "cpu.guest"]),
    col("%nice", "nice", "%", Percent).of(&["cpu.nice", "cpu.guest_nice"]),
    col("%sys", "sys", "%", Percent).of(&["cpu.system"]),
    col("%iowait", "iowait", "%", Percent).of(&["cpu.iowait"]),
    col("%steal", "steal", "%", Percent).of(&["cpu.steal"]),
    col("%irq", "irq", "%", Percent).of(&["cpu.irq"]),
    col("%soft", "soft", "%", Percent).of(&["cpu.softirq"]),
    col("%guest", "guest", "%", Percent).of(&["cpu.guest"]),
    col("%gnice", "gnice", "%", Percent).of(&["cpu.guest_nice"]),
    col("%idle", "idle", "%", Percent).of(&["cpu.idle"]),
];
const TASKS: &[Column] = &[
    col("proc/s", "proc", "tasks/s", Rate).of(&["kernel.processes"]),
    col("cswch/s", "cswch", "switches/s", Rate).of(&["kernel.ctxt"]),
];
const SWAP_PAGES: &[Column] = &[
    col("pswpin/s", "pswpin", "pages/s", Rate).of(&["swap.pswpin"]),
    col("pswpout/s", "pswpout", "pages/s", Rate).of(&["swap.pswpout"]),
];
const PAGING: &[Column] = &[
    col("pgpgin/s", "pgpgin", "kB/s", Rate).of(&["paging.pgpgin"]),
    col("pgpgout/s", "pgpgout", "kB/s", Rate).of(&["paging.pgpgout"]),
    col("fault/s", "fault", "faults/s", Rate).of(&["paging.pgfault"]),
    col("majflt/s", "majflt", "faults/s", Rate).of(&["paging.pgmajfault"]),
    col("pgfree/s", "pgfree", "pages/s", Rate).of(&["paging.pgfree"]),
    col("pgscank/s", "pgscank", "pages/s", Rate).of(&["paging.pgscan_kswapd"]),
    col("pgscand/s", "pgscand", "pages/s", Rate).of(&["paging.pgscan_direct"]),
    col("pgsteal/s", "pgsteal", "pages/s", Rate).of(&[
        "paging.pgsteal",
        "paging.pgsteal_anon",
        "paging.pgsteal_file",
    ]),
    col("pgprom/s", "pgprom", "pages/s", Rate).of(&["paging.pgpromote"]),
    col("pgdem/s", "pgdem", "pages/s", Rate).of(&["paging.pgdemote"]),
];
/// sysstat 12.6's `-B`: `%vmeff` where 12.7.5+ has `pgprom/s pgdem/s`.
const PAGING_12_6: &[Column] = &[
    PAGING[0],
    PAGING[1],
    PAGING[2],
    PAGING[3],
    PAGING[4],
    PAGING[5],
    PAGING[6],
    PAGING[7],
    col("%vmeff", "vmeff-percent", "%", Percent).of(&[
        "paging.pgsteal",
        "paging.pgsteal_anon",
        "paging.pgsteal_file",
        "paging.pgscan_kswapd",
        "paging.pgscan_direct",
    ]),
];
const IO: &[Column] = &[
    col("tps", "tps", "requests/s", Rate).of(&[
        "disk.reads",
        "disk.writes",
        "disk.discards",
        "iototals.reads",
        "iototals.writes",
        "iototals.discards",
    ]),
    col("rtps", "io-reads.rtps", "requests/s", Rate).of(&["disk.reads", "iototals.reads"]),
    col("wtps", "io-writes.wtps", "requests/s", Rate).of(&["disk.writes", "iototals.writes"]),
    col("dtps", "io-discard.dtps", "requests/s", Rate).of(&["disk.discards", "iototals.discards"]),
    col("bread/s", "io-reads.bread", "sectors/s", Rate)
        .of(&["disk.read_sectors", "iototals.read_sectors"]),
    col("bwrtn/s", "io-writes.bwrtn", "sectors/s", Rate)
        .of(&["disk.write_sectors", "iototals.write_sectors"]),
    col("bdscd/s", "io-discard.bdscd", "sectors/s", Rate)
        .of(&["disk.discard_sectors", "iototals.discard_sectors"]),
];
const MEMORY_ALL: &[Column] = &[
    col("kbmemfree", "memfree", "kB", Whole).of(&["memory.mem_free"]),
    col("kbavail", "avail", "kB", Whole).of(&["memory.mem_available"]),
    col("kbmemused", "memused", "kB", Whole).of(&[
        "memory.mem_total",
        "memory.mem_available",
        "memory.mem_free",
        "memory.buffers",
        "memory.cached",
        "memory.slab",
    ]),
    col("%memused", "memused-percent", "%", Percent).of(&[
        "memory.mem_total",
        "memory.mem_available",
        "memory.mem_free",
        "memory.buffers",
        "memory.cached",
        "memory.slab",
    ]),
    col("kbbuffers", "buffers", "kB", Whole).of(&["memory.buffers"]),
    col("kbcached", "cached", "kB", Whole).of(&["memory.cached"]),
    col("kbcommit", "commit", "kB", Whole).of(&["memory.committed_as"]),
    col("%commit", "commit-percent", "%", Percent).of(&[
        "memory.committed_as",
        "memory.mem_total",
        "swap.swap_total",
    ]),
    col("kbactive", "active", "kB", Whole).of(&["memory.active"]),
    col("kbinact", "inactive", "kB", Whole).of(&["memory.inactive"]),
    col("kbdirty", "dirty", "kB", Whole).of(&["memory.dirty"]),
    col("kbshmem", "shared", "kB", Whole).of(&["memory.shmem"]),
    col("kbanonpg", "anonpg", "kB", Whole).of(&["memory.anon_pages"]),
    col("kbslab", "slab", "kB", Whole).of(&["memory.slab"]),
    col("kbkstack", "kstack", "kB", Whole).of(&["memory.kernel_stack"]),
    col("kbpgtbl", "pgtbl", "kB", Whole).of(&["memory.page_tables"]),
    col("kbvmused", "vmused", "kB", Whole).of(&["memory.vmalloc_used"]),
];
/// `-r` without ALL: the first twelve of `-r ALL`.
const MEMORY: &[Column] = MEMORY_ALL.split_at(12).0;
/// sysstat 12.6's `-r ALL`: no `kbshmem`.
const MEMORY_ALL_12_6: &[Column] = &[
    MEMORY_ALL[0],
    MEMORY_ALL[1],
    MEMORY_ALL[2],
    MEMORY_ALL[3],
    MEMORY_ALL[4],
    MEMORY_ALL[5],
    MEMORY_ALL[6],
    MEMORY_ALL[7],
    MEMORY_ALL[8],
    MEMORY_ALL[9],
    MEMORY_ALL[10],
    MEMORY_ALL[12],
    MEMORY_ALL[13],
    MEMORY_ALL[14],
    MEMORY_ALL[15],
    MEMORY_ALL[16],
];
/// sysstat 12.6's `-r`: the first eleven of its `-r ALL`.
const MEMORY_12_6: &[Column] = MEMORY_ALL_12_6.split_at(11).0;
const SWAP: &[Column] = &[
    col("kbswpfree", "swpfree", "kB", Whole).of(&["swap.swap_free"]),
    col("kbswpused", "swpused", "kB", Whole).of(&["swap.swap_total", "swap.swap_free"]),
    col("%swpused", "swpused-percent", "%", Percent).of(&["swap.swap_total", "swap.swap_free"]),
    col("kbswpcad", "swpcad", "kB", Whole).of(&["swap.swap_cached"]),
    col("%swpcad", "swpcad-percent", "%", Percent).of(&[
        "swap.swap_cached",
        "swap.swap_total",
        "swap.swap_free",
    ]),
];
const QUEUE: &[Column] = &[
    col("runq-sz", "runq-sz", "tasks", Whole).of(&["load.runnable"]),
    col("plist-sz", "plist-sz", "tasks", Whole).of(&["load.tasks"]),
    col("ldavg-1", "ldavg-1", "load", Real).of(&["load.load1_x100"]),
    col("ldavg-5", "ldavg-5", "load", Real).of(&["load.load5_x100"]),
    col("ldavg-15", "ldavg-15", "load", Real).of(&["load.load15_x100"]),
    col("blocked", "blocked", "tasks", Whole).of(&["kernel.procs_blocked"]),
];
const DISK: &[Column] = &[
    col("tps", "tps", "requests/s", Rate).of(&["disk.reads", "disk.writes", "disk.discards"]),
    json_only("rd_sec", "sectors/s", Rate).of(&["disk.read_sectors"]),
    json_only("wr_sec", "sectors/s", Rate).of(&["disk.write_sectors"]),
    json_only("dc_sec", "sectors/s", Rate).of(&["disk.discard_sectors"]),
    col("rkB/s", "rkB", "kB/s", Rate).of(&["disk.read_sectors"]),
    col("wkB/s", "wkB", "kB/s", Rate).of(&["disk.write_sectors"]),
    col("dkB/s", "dkB", "kB/s", Rate).of(&["disk.discard_sectors"]),
    json_only("avgrq-sz", "sectors", Real).of(&[
        "disk.read_sectors",
        "disk.write_sectors",
        "disk.discard_sectors",
        "disk.reads",
        "disk.writes",
        "disk.discards",
    ]),
    col("areq-sz", "areq-sz", "kB", Real).of(&[
        "disk.read_sectors",
        "disk.write_sectors",
        "disk.discard_sectors",
        "disk.reads",
        "disk.writes",
        "disk.discards",
    ]),
    json_only("avgqu-sz", "requests", Real).of(&["disk.weighted_ms"]),
    col("aqu-sz", "aqu-sz", "requests", Real).of(&["disk.weighted_ms"]),
    col("await", "await", "ms", Real).of(&[
        "disk.read_ms",
        "disk.write_ms",
        "disk.discard_ms",
        "disk.reads",
        "disk.writes",
        "disk.discards",
    ]),
    col("%util", "util-percent", "%", Percent).of(&["disk.io_ticks_ms"]),
];
const NET_DEV: &[Column] = &[
    col("rxpck/s", "rxpck", "packets/s", Rate).of(&["net.rx_packets"]),
    col("txpck/s", "txpck", "packets/s", Rate).of(&["net.tx_packets"]),
    col("rxkB/s", "rxkB", "kB/s", Rate).of(&["net.rx_bytes"]),
    col("txkB/s", "txkB", "kB/s", Rate).of(&["net.tx_bytes"]),
    col("rxcmp/s", "rxcmp", "packets/s", Rate).of(&["net.rx_compressed"]),
    col("txcmp/s", "txcmp", "packets/s", Rate).of(&["net.tx_compressed"]),
    col("rxmcst/s", "rxmcst", "packets/s", Rate).of(&["net.rx_multicast"]),
    col("%ifutil", "ifutil-percent", "%", Percent).of(&["net.rx_bytes", "net.tx_bytes"]),
];
const NET_EDEV: &[Column] = &[
    col("rxerr/s", "rxerr", "packets/s", Rate).of(&["net.rx_errs"]),
    col("txerr/s", "txerr", "packets/s", Rate).of(&["net.tx_errs"]),
    col("coll/s", "coll", "collisions/s", Rate).of(&["net.tx_colls"]),
    col("rxdrop/s", "rxdrop", "packets/s", Rate).of(&["net.rx_drop"]),
    col("txdrop/s", "txdrop", "packets/s", Rate).of(&["net.tx_drop"]),
    col("txcarr/s", "txcarr", "errors/s", Rate).of(&["net.tx_carrier"]),
    col("rxfram/s", "rxfram", "errors/s", Rate).of(&["net.rx_frame"]),
    col("rxfifo/s", "rxfifo", "errors/s", Rate).of(&["net.rx_fifo"]),
    col("txfifo/s", "txfifo", "errors/s", Rate).of(&["net.tx_fifo"]),
];
const NET_SOCK: &[Column] = &[
    col("totsck", "totsck", "sockets", Whole).of(&["sockstat.sockets_used"]),
    col("tcpsck", "tcpsck", "sockets", Whole).of(&["sockstat.tcp_inuse"]),
    col("udpsck", "udpsck", "sockets", Whole).of(&["sockstat.udp_inuse"]),
    col("rawsck", "rawsck", "sockets", Whole).of(&["sockstat.raw_inuse"]),
    col("ip-frag", "ip-frag", "queues", Whole).of(&["sockstat.frag_inuse"]),
    col("tcp-tw", "tcp-tw", "sockets", Whole).of(&["sockstat.tcp_tw"]),
];
const NET_IP: &[Column] = &[
    col("irec/s", "irec", "datagrams/s", Rate).of(&["snmp.ip_in_receives"]),
    col("fwddgm/s", "fwddgm", "datagrams/s", Rate).of(&["snmp.ip_forw_datagrams"]),
    col("idel/s", "idel", "datagrams/s", Rate).of(&["snmp.ip_in_delivers"]),
    col("orq/s", "orq", "datagrams/s", Rate).of(&["snmp.ip_out_requests"]),
    col("asmrq/s", "asmrq", "fragments/s", Rate).of(&["snmp.ip_reasm_reqds"]),
    col("asmok/s", "asmok", "datagrams/s", Rate).of(&["snmp.ip_reasm_oks"]),
    col("fragok/s", "fragok", "datagrams/s", Rate).of(&["snmp.ip_frag_oks"]),
    col("fragcrt/s", "fragcrt", "fragments/s", Rate).of(&["snmp.ip_frag_creates"]),
];
const NET_EIP: &[Column] = &[
    col("ihdrerr/s", "ihdrerr", "datagrams/s", Rate).of(&["snmp.ip_in_hdr_errors"]),
    col("iadrerr/s", "iadrerr", "datagrams/s", Rate).of(&["snmp.ip_in_addr_errors"]),
    col("iukwnpr/s", "iukwnpr", "datagrams/s", Rate).of(&["snmp.ip_in_unknown_protos"]),
    col("idisc/s", "idisc", "datagrams/s", Rate).of(&["snmp.ip_in_discards"]),
    col("odisc/s", "odisc", "datagrams/s", Rate).of(&["snmp.ip_out_discards"]),
    col("onort/s", "onort", "datagrams/s", Rate).of(&["snmp.ip_out_no_routes"]),
    col("asmf/s", "asmf", "failures/s", Rate).of(&["snmp.ip_reasm_fails"]),
    col("fragf/s", "fragf", "datagrams/s", Rate).of(&["snmp.ip_frag_fails"]),
];
const NET_ICMP: &[Column] = &[
    col("imsg/s", "imsg", "messages/s", Rate).of(&["snmp.icmp_in_msgs"]),
    col("omsg/s", "omsg", "messages/s", Rate).of(&["snmp.icmp_out_msgs"]),
    col("iech/s", "iech", "messages/s", Rate).of(&["snmp.icmp_in_echos"]),
    col("iechr/s", "iechr", "messages/s", Rate).of(&["snmp.icmp_in_echo_reps"]),
    col("oech/s", "oech", "messages/s", Rate).of(&["snmp.icmp_out_echos"]),
    col("oechr/s", "oechr", "messages/s", Rate).of(&["snmp.icmp_out_echo_reps"]),
    col("itm/s", "itm", "messages/s", Rate).of(&["snmp.icmp_in_timestamps"]),
    col("itmr/s", "itmr", "messages/s", Rate).of(&["snmp.icmp_in_timestamp_reps"]),
    col("otm/s", "otm", "messages/s", Rate).of(&["snmp.icmp_out_timestamps"]),
    col("otmr/s", "otmr", "messages/s", Rate).of(&["snmp.icmp_out_timestamp_reps"]),
    col("iadrmk/s", "iadrmk", "messages/s", Rate).of(&["snmp.icmp_in_addr_masks"]),
    col("iadrmkr/s", "iadrmkr", "messages/s", Rate).of(&["snmp.icmp_in_addr_mask_reps"]),
    col("oadrmk/s", "oadrmk", "messages/s", Rate).of(&["snmp.icmp_out_addr_masks"]),
    col("oadrmkr/s", "oadrmkr", "messages/s", Rate).of(&["snmp.icmp_out_addr_mask_reps"]),
];
const NET_EICMP: &[Column] = &[
    col("ierr/s", "ierr", "messages/s", Rate).of(&["snmp.icmp_in_errors"]),
    col("oerr/s", "oerr", "messages/s", Rate).of(&["snmp.icmp_out_errors"]),
    col("idstunr/s", "idstunr", "messages/s", Rate).of(&["snmp.icmp_in_dest_unreachs"]),
    col("odstunr/s", "odstunr", "messages/s", Rate).of(&["snmp.icmp_out_dest_unreachs"]),
    col("itmex/s", "itmex", "messages/s", Rate).of(&["snmp.icmp_in_time_excds"]),
    col("otmex/s", "otmex", "messages/s", Rate).of(&["snmp.icmp_out_time_excds"]),
    col("iparmpb/s", "iparmpb", "messages/s", Rate).of(&["snmp.icmp_in_parm_probs"]),
    col("oparmpb/s", "oparmpb", "messages/s", Rate).of(&["snmp.icmp_out_parm_probs"]),
    col("isrcq/s", "isrcq", "messages/s", Rate).of(&["snmp.icmp_in_src_quenchs"]),
    col("osrcq/s", "osrcq", "messages/s", Rate).of(&["snmp.icmp_out_src_quenchs"]),
    col("iredir/s", "iredir", "messages/s", Rate).of(&["snmp.icmp_in_redirects"]),
    col("oredir/s", "oredir", "messages/s", Rate).of(&["snmp.icmp_out_redirects"]),
];
const NET_TCP: &[Column] = &[
    col("active/s", "active", "connections/s", Rate).of(&["snmp.tcp_active_opens"]),
    col("passive/s", "passive", "connections/s", Rate).of(&["snmp.tcp_passive_opens"]),
    col("iseg/s", "iseg", "segments/s", Rate).of(&["snmp.tcp_in_segs"]),
    col("oseg/s", "oseg", "segments/s", Rate).of(&["snmp.tcp_out_segs"]),
];
const NET_ETCP: &[Column] = &[
    col("atmptf/s", "atmptf", "connections/s", Rate).of(&["snmp.tcp_attempt_fails"]),
    col("estres/s", "estres", "connections/s", Rate).of(&["snmp.tcp_estab_resets"]),
    col("retrseg/s", "retrseg", "segments/s", Rate).of(&["snmp.tcp_retrans_segs"]),
    col("isegerr/s", "isegerr", "segments/s", Rate).of(&["snmp.tcp_in_errs"]),
    col("orsts/s", "orsts", "segments/s", Rate).of(&["snmp.tcp_out_rsts"]),
];
/// sysstat 12.6's `-n ETCP`: `retrseg/s` is named `retrans/s` (sadf: `retrans`).
const NET_ETCP_12_6: &[Column] = &[
    NET_ETCP[0],
    NET_ETCP[1],
    col("retrans/s", "retrans", "segments/s", Rate).of(&["snmp.tcp_retrans_segs"]),
    NET_ETCP[3],
    NET_ETCP[4],
];
const NET_UDP: &[Column] = &[
    col("idgm/s", "idgm", "datagrams/s", Rate).of(&["snmp.udp_in_datagrams"]),
    col("odgm/s", "odgm", "datagrams/s", Rate).of(&["snmp.udp_out_datagrams"]),
    col("noport/s", "noport", "datagrams/s", Rate).of(&["snmp.udp_no_ports"]),
    col("idgmerr/s", "idgmerr", "datagrams/s", Rate).of(&["snmp.udp_in_errors"]),
];
const NET_SOCK6: &[Column] = &[
    col("tcp6sck", "tcp6sck", "sockets", Whole).of(&["sockstat6.tcp6_inuse"]),
    col("udp6sck", "udp6sck", "sockets", Whole).of(&["sockstat6.udp6_inuse"]),
    col("raw6sck", "raw6sck", "sockets", Whole).of(&["sockstat6.raw6_inuse"]),
    col("ip6-frag", "ip6-frag", "queues", Whole).of(&["sockstat6.frag6_inuse"]),
];
const NET_IP6: &[Column] = &[
    col("irec6/s", "irec6", "datagrams/s", Rate).of(&["snmp6.ip6_in_receives"]),
    col("fwddgm6/s", "fwddgm6", "datagrams/s", Rate).of(&["snmp6.ip6_out_forw_datagrams"]),
    col("idel6/s", "idel6", "datagrams/s", Rate).of(&["snmp6.ip6_in_delivers"]),
    col("orq6/s", "orq6", "datagrams/s", Rate).of(&["snmp6.ip6_out_requests"]),
    col("asmrq6/s", "asmrq6", "fragments/s", Rate).of(&["snmp6.ip6_reasm_reqds"]),
    col("asmok6/s", "asmok6", "datagrams/s", Rate).of(&["snmp6.ip6_reasm_oks"]),
    col("imcpck6/s", "imcpck6", "packets/s", Rate).of(&["snmp6.ip6_in_mcast_pkts"]),
    col("omcpck6/s", "omcpck6", "packets/s", Rate).of(&["snmp6.ip6_out_mcast_pkts"]),
    col("fragok6/s", "fragok6", "datagrams/s", Rate).of(&["snmp6.ip6_frag_oks"]),
    col("fragcr6/s", "fragcr6", "fragments/s", Rate).of(&["snmp6.ip6_frag_creates"]),
];
const NET_EIP6: &[Column] = &[
    col("ihdrer6/s", "ihdrer6", "datagrams/s", Rate).of(&["snmp6.ip6_in_hdr_errors"]),
    col("iadrer6/s", "iadrer6", "datagrams/s", Rate).of(&["snmp6.ip6_in_addr_errors"]),
    col("iukwnp6/s", "iukwnp6", "datagrams/s", Rate).of(&["snmp6.ip6_in_unknown_protos"]),
    col("i2big6/s", "i2big6", "datagrams/s", Rate).of(&["snmp6.ip6_in_too_big_errors"]),
    col("idisc6/s", "idisc6", "datagrams/s", Rate).of(&["snmp6.ip6_in_discards"]),
    col("odisc6/s", "odisc6", "datagrams/s", Rate).of(&["snmp6.ip6_out_discards"]),
    col("inort6/s", "inort6", "datagrams/s", Rate).of(&["snmp6.ip6_in_no_routes"]),
    col("onort6/s", "onort6", "datagrams/s", Rate).of(&["snmp6.ip6_out_no_routes"]),
    col("asmf6/s", "asmf6", "failures/s", Rate).of(&["snmp6.ip6_reasm_fails"]),
    col("fragf6/s", "fragf6", "datagrams/s", Rate).of(&["snmp6.ip6_frag_fails"]),
    col("itrpck6/s", "itrpck6", "datagrams/s", Rate).of(&["snmp6.ip6_in_truncated_pkts"]),
];
const NET_ICMP6: &[Column] = &[
    col("imsg6/s", "imsg6", "messages/s", Rate).of(&["snmp6.icmp6_in_msgs"]),
    col("omsg6/s", "omsg6", "messages/s", Rate).of(&["snmp6.icmp6_out_msgs"]),
    col("iech6/s", "iech6", "messages/s", Rate).of(&["snmp6.icmp6_in_echos"]),
    col("iechr6/s", "iechr6", "messages/s", Rate).of(&["snmp6.icmp6_in_echo_replies"]),
    col("oechr6/s", "oechr6", "messages/s", Rate).of(&["snmp6.icmp6_out_echo_replies"]),
    col("igmbq6/s", "igmbq6", "messages/s", Rate).of(&["snmp6.icmp6_in_group_memb_queries"]),
    col("igmbr6/s", "igmbr6", "messages/s", Rate).of(&["snmp6.icmp6_in_group_memb_responses"]),
    col("ogmbr6/s", "ogmbr6", "messages/s", Rate).of(&["snmp6.icmp6_out_group_memb_responses"]),
    col("igmbrd6/s", "igmbrd6", "messages/s", Rate).of(&["snmp6.icmp6_in_group_memb_reductions"]),
    col("ogmbrd6/s", "ogmbrd6", "messages/s", Rate).of(&["snmp6.icmp6_out_group_memb_reductions"]),
    col("irtsol6/s", "irtsol6", "messages/s", Rate).of(&["snmp6.icmp6_in_router_solicits"]),
    col("ortsol6/s", "ortsol6", "messages/s", Rate).of(&["snmp6.icmp6_out_router_solicits"]),
    col("irtad6/s", "irtad6", "messages/s", Rate).of(&["snmp6.icmp6_in_router_advertisements"]),
    col("inbsol6/s", "inbsol6", "messages/s", Rate).of(&["snmp6.icmp6_in_neighbor_solicits"]),
    col("onbsol6/s", "onbsol6", "messages/s", Rate).of(&["snmp6.icmp6_out_neighbor_solicits"]),
    col("inbad6/s", "inbad6", "messages/s", Rate).of(&["snmp6.icmp6_in_neighbor_advertisements"]),
    col("onbad6/s", "onbad6", "messages/s", Rate).of(&["snmp6.icmp6_out_neighbor_advertisements"]),
];
const NET_EICMP6: &[Column] = &[
    col("ierr6/s", "ierr6", "messages/s", Rate).of(&["snmp6.icmp6_in_errors"]),
    col("idtunr6/s", "idtunr6", "messages/s", Rate).of(&["snmp6.icmp6_in_dest_unreachs"]),
    col("odtunr6/s", "odtunr6", "messages/s", Rate).of(&["snmp6.icmp6_out_dest_unreachs"]),
    col("itmex6/s", "itmex6", "messages/s", Rate).of(&["snmp6.icmp6_in_time_excds"]),
    col("otmex6/s", "otmex6", "messages/s", Rate).of(&["snmp6.icmp6_out_time_excds"]),
    col("iprmpb6/s", "iprmpb6", "messages/s", Rate).of(&["snmp6.icmp6_in_parm_problems"]),
    col("oprmpb6/s", "oprmpb6", "messages/s", Rate).of(&["snmp6.icmp6_out_parm_problems"]),
    col("iredir6/s", "iredir6", "messages/s", Rate).of(&["snmp6.icmp6_in_redirects"]),
    col("oredir6/s", "oredir6", "messages/s", Rate).of(&["snmp6.icmp6_out_redirects"]),
    col("ipck2b6/s", "ipck2b6", "messages/s", Rate).of(&["snmp6.icmp6_in_pkt_too_bigs"]),
    col("opck2b6/s", "opck2b6", "messages/s", Rate).of(&["snmp6.icmp6_out_pkt_too_bigs"]),
];
const NET_UDP6: &[Column] = &[
    col("idgm6/s", "idgm6", "datagrams/s", Rate).of(&["snmp6.udp6_in_datagrams"]),
    col("odgm6/s", "odgm6", "datagrams/s", Rate).of(&["snmp6.udp6_out_datagrams"]),
    col("noport6/s", "noport6", "datagrams/s", Rate).of(&["snmp6.udp6_no_ports"]),
    col("idgmer6/s", "idgmer6", "datagrams/s", Rate).of(&["snmp6.udp6_in_errors"]),
];
const NET_SOFT: &[Column] = &[
    col("total/s", "total", "frames/s", Rate).of(&["softnet.processed"]),
    col("dropd/s", "dropd", "frames/s", Rate).of(&["softnet.dropped"]),
    col("squeezd/s", "squeezd", "events/s", Rate).of(&["softnet.time_squeeze"]),
    col("rx_rps/s", "rx_rps", "interrupts/s", Rate).of(&["softnet.received_rps"]),
    col("flw_lim/s", "flw_lim", "events/s", Rate).of(&["softnet.flow_limit"]),
    col("blg_len", "blg_len", "packets", Whole).of(&["softnet.backlog_len"]),
];
const PSI_CPU: &[Column] = &[
    col("%scpu-10", "some_avg10", "%", Percent).of(&["pressure.avg10_x100"]),
    col("%scpu-60", "some_avg60", "%", Percent).of(&["pressure.avg60_x100"]),
    col("%scpu-300", "some_avg300", "%", Percent).of(&["pressure.avg300_x100"]),
    col("%scpu", "some_avg", "%", Percent).of(&["pressure.total_us"]),
];
const PSI_IO: &[Column] = &[
    col("%sio-10", "some_avg10", "%", Percent).of(&["pressure.avg10_x100"]),
    col("%sio-60", "some_avg60", "%", Percent).of(&["pressure.avg60_x100"]),
    col("%sio-300", "some_avg300", "%", Percent).of(&["pressure.avg300_x100"]),
    col("%sio", "some_avg", "%", Percent).of(&["pressure.total_us"]),
    col("%fio-10", "full_avg10", "%", Percent).of(&["pressure.avg10_x100"]),
    col("%fio-60", "full_avg60", "%", Percent).of(&["pressure.avg60_x100"]),
    col("%fio-300", "full_avg300", "%", Percent).of(&["pressure.avg300_x100"]),
    col("%fio", "full_avg", "%", Percent).of(&["pressure.total_us"]),
];
const PSI_MEMORY: &[Column] = &[
    col("%smem-10", "some_avg10", "%", Percent).of(&["pressure.avg10_x100"]),
    col("%smem-60", "some_avg60", "%", Percent).of(&["pressure.avg60_x100"]),
    col("%smem-300", "some_avg300", "%", Percent).of(&["pressure.avg300_x100"]),
    col("%smem", "some_avg", "%", Percent).of(&["pressure.total_us"]),
    col("%fmem-10", "full_avg10", "%", Percent).of(&["pressure.avg10_x100"]),
    col("%fmem-60", "full_avg60", "%", Percent).of(&["pressure.avg60_x100"]),
    col("%fmem-300", "full_avg300", "%", Percent).of(&["pressure.avg300_x100"]),
    col("%fmem", "full_avg", "%", Percent).of(&["pressure.total_us"]),
];

const HUGEPAGES: &[Column] = &[
    col("kbhugfree", "hugfree", "kB", Whole).of(&["memory.hugepages_free", "memory.hugepagesize"]),
    col("kbhugused", "hugused", "kB", Whole).of(&[
        "memory.hugepages_total",
        "memory.hugepages_free",
        "memory.hugepagesize",
    ]),
    col("%hugused", "hugused-percent", "%", Percent)
        .of(&["memory.hugepages_total", "memory.hugepages_free"]),
    col("kbhugrsvd", "hugrsvd", "kB", Whole).of(&["memory.hugepages_rsvd", "memory.hugepagesize"]),
    col("kbhugsurp", "hugsurp", "kB", Whole).of(&["memory.hugepages_surp", "memory.hugepagesize"]),
];
const KTABLES: &[Column] = &[
    col("dentunusd", "dentunusd", "dentries", Whole).of(&["ktables.dentry_unused"]),
    col("file-nr", "file-nr", "handles", Whole)
        .of(&["ktables.files_allocated", "ktables.files_free"]),
    col("inode-nr", "inode-nr", "inodes", Whole).of(&["ktables.inodes", "ktables.inodes_free"]),
    col("pty-nr", "pty-nr", "ptys", Whole).of(&["ktables.ptys"]),
];

/// `-I`'s columns: `all`, then a `CPUn` column for each CPU `-P` lists (`-P ALL`: each
/// CPU of the machine). Column names are made once per run and kept.
fn irq_columns(sel: &Selection) -> &'static [Column] {
    use std::collections::HashMap;
    use std::sync::{Mutex, OnceLock};
    const ALL_COLUMN: &[Column] =
        &[col("all", "all", "interrupts/s", Rate).of(&["interrupts.count"])];
    let Some(cpus) = irq_cpus(sel) else {
        return ALL_COLUMN;
    };
    static MADE: OnceLock<Mutex<HashMap<Vec<usize>, &'static [Column]>>> = OnceLock::new();
    let mut made = MADE
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    made.entry(cpus.clone()).or_insert_with(|| {
        let mut v = ALL_COLUMN.to_vec();
        for n in &cpus {
            let name: &'static str = Box::leak(format!("CPU{n}").into_boxed_str());
            v.push(col(name, name, "interrupts/s", Rate).of(&["interrupts.count"]));
        }
        Box::leak(v.into_boxed_slice())
    })
}

/// The CPUs `-I` has a column for: `-P`'s list, or every CPU of the machine for `-P ALL`
/// (once a renderer knows the machine).
fn irq_cpus(sel: &Selection) -> Option<Vec<usize>> {
    match &sel.cpus {
        CpuList::Total => None,
        CpuList::All => (sel.host_cpus > 0).then(|| (0..sel.host_cpus as usize).collect()),
        CpuList::Some(list) => Some(list.clone()),
    }
}

fn irq_values(sel: &Selection, s: &IntervalStats, out: &mut Rows) {
    let Some(irq) = &s.interrupts else {
        return;
    };
    let cpus = irq_cpus(sel);
    let mut v = Vec::with_capacity(1 + cpus.as_ref().map_or(0, Vec::len));
    for d in std::iter::once(&irq.sum)
        .chain(&irq.lines)
        .filter(|d| sel.interrupts.shows(&d.name))
    {
        v.clear();
        v.push(per_second(d.all(), irq.seconds));
        if let Some(cpus) = &cpus {
            v.extend(
                cpus.iter()
                    .map(|&n| per_second(d.per_cpu.get(n).copied().unwrap_or(0), irq.seconds)),
            );
        }
        out.push(Some(&d.name), &v);
    }
}

// sysstat prints -F's names as its JSON keys too.
const FILESYSTEMS: &[Column] = &[
    col("MBfsfree", "MBfsfree", "MB", Whole).of(&["filesystems.free_bytes"]),
    col("MBfsused", "MBfsused", "MB", Whole)
        .of(&["filesystems.size_bytes", "filesystems.free_bytes"]),
    col("%fsused", "%fsused", "%", Percent)
        .of(&["filesystems.size_bytes", "filesystems.free_bytes"]),
    col("%ufsused", "%ufsused", "%", Percent)
        .of(&["filesystems.size_bytes", "filesystems.avail_bytes"]),
    col("Ifree", "Ifree", "inodes", Whole).of(&["filesystems.inodes_free"]),
    col("Iused", "Iused", "inodes", Whole).of(&["filesystems.inodes", "filesystems.inodes_free"]),
    col("%Iused", "%Iused", "%", Percent).of(&["filesystems.inodes", "filesystems.inodes_free"]),
];

/// sar's `-F` row of a filesystem, named by device or (`-F MOUNT`) by mount point. MB
/// stay fractional, as sar's doubles: a whole column prints them as `%.0f` does (a half
/// MB to the even neighbour: 21594.5 MB prints 21594), and `-h` scales the exact value
/// (86886.6 MB prints 84.9G, where a whole 86886 MB would print 84.8G).
fn fs_values(s: &IntervalStats, mount: bool, out: &mut Rows) {
    let pct = |part: u64, whole: u64| {
        if whole == 0 {
            0.0
        } else {
            part as f64 * 100.0 / whole as f64
        }
    };
    let mb = |b: u64| b as f64 / 1024.0 / 1024.0;
    for f in &s.filesystems {
        let name = if mount { &f.mountpoint } else { &f.name };
        let used = f.size_bytes.saturating_sub(f.free_bytes);
        let iused = f.inodes.saturating_sub(f.inodes_free);
        out.push(
            Some(name),
            &[
                mb(f.free_bytes),
                mb(used),
                pct(used, f.size_bytes),
                pct(f.size_bytes.saturating_sub(f.avail_bytes), f.size_bytes),
                f.inodes_free as f64,
                iused as f64,
                pct(iused, f.inodes),
            ],
        );
    }
}

const CPU_FREQ: &[Column] = &[col("MHz", "frequency", "MHz", Real).of(&["cpufreq.khz"])];

fn cpu_freq_values(sel: &Selection, s: &IntervalStats, out: &mut Rows) {
    let Some(f) = &s.cpu_freq else {
        return;
    };
    out.push(Some("all"), &[f.all.mhz()]);
    for c in &f.per_cpu {
        let shown = match &sel.cpus {
            CpuList::Total => false,
            CpuList::All => true,
            CpuList::Some(list) => list.contains(&(c.cpu as usize)),
        };
        if shown {
            out.push_numbered(c.cpu as usize, &[c.mhz()]);
        }
    }
}

// sar -n NFS / NFSD: the group's fields in order, as rates.
const NET_NFS: &[Column] = &[
    col("call/s", "call", "calls/s", Rate).of(&["nfs.rpc_calls"]),
    col("retrans/s", "retrans", "calls/s", Rate).of(&["nfs.rpc_retrans"]),
    col("read/s", "read", "calls/s", Rate).of(&["nfs.read"]),
    col("write/s", "write", "calls/s", Rate).of(&["nfs.write"]),
    col("access/s", "access", "calls/s", Rate).of(&["nfs.access"]),
    col("getatt/s", "getatt", "calls/s", Rate).of(&["nfs.getattr"]),
];
const NET_NFSD: &[Column] = &[
    col("scall/s", "scall", "calls/s", Rate).of(&["nfsd.rpc_calls"]),
    col("badcall/s", "badcall", "calls/s", Rate).of(&["nfsd.rpc_bad"]),
    col("packet/s", "packet", "packets/s", Rate).of(&["nfsd.net_packets"]),
    col("udp/s", "udp", "packets/s", Rate).of(&["nfsd.net_udp"]),
    col("tcp/s", "tcp", "packets/s", Rate).of(&["nfsd.net_tcp"]),
    col("hit/s", "hit", "lookups/s", Rate).of(&["nfsd.rc_hits"]),
    col("miss/s", "miss", "lookups/s", Rate).of(&["nfsd.rc_misses"]),
    col("sread/s", "sread", "calls/s", Rate).of(&["nfsd.read"]),
    col("swrite/s", "swrite", "calls/s", Rate).of(&["nfsd.write"]),
    col("saccess/s", "saccess", "calls/s", Rate).of(&["nfsd.access"]),
    col("sgetatt/s", "sgetatt", "calls/s", Rate).of(&["nfsd.getattr"]),
];

/// Rates of a counter group's deltas; zeros without the file, as sar prints them.
fn nfs_values<T: Group>(d: &Option<Over<T>>, n: usize, out: &mut Rows) {
    let mut v = [0.0; 16];
    let v = &mut v[..n];
    if let Some(d) = d {
        let seconds = d.seconds;
        let mut v = v.iter_mut();
        d.raw_values(&mut |d| {
            if let Some(v) = v.next() {
                *v = per_second(d.unwrap_or(0), seconds);
            }
        });
    }
    out.push(None, v);
}

const SERIAL: &[Column] = &[
    col("rcvin/s", "rcvin", "interrupts/s", Rate).of(&["serial.rx"]),
    col("xmtin/s", "xmtin", "interrupts/s", Rate).of(&["serial.tx"]),
    col("framerr/s", "framerr", "errors/s", Rate).of(&["serial.frame"]),
    col("prtyerr/s", "prtyerr", "errors/s", Rate).of(&["serial.parity"]),
    col("brk/s", "brk", "breaks/s", Rate).of(&["serial.brk"]),
    col("ovrun/s", "ovrun", "errors/s", Rate).of(&["serial.overrun"]),
];

// sar -n FC: each host's counters, as rates.
const NET_FC: &[Column] = &[
    col("fch_rxf/s", "fch_rxf", "frames/s", Rate).of(&["fchost.rx_frames"]),
    col("fch_txf/s", "fch_txf", "frames/s", Rate).of(&["fchost.tx_frames"]),
    col("fch_rxw/s", "fch_rxw", "words/s", Rate).of(&["fchost.rx_words"]),
    col("fch_txw/s", "fch_txw", "words/s", Rate).of(&["fchost.tx_words"]),
];

/// A row per item of a group with items: each column the rate of the one field it names
/// (`Column::from`, `group.field`), over the seconds that showed the item, an absent
/// field as 0 (as sar prints a counter it could not read). A report whose columns are
/// rates of its group's counters needs no more than its columns.
fn item_rates<G: Group>(
    items: &Items<G>,
    columns: &[Column],
    item: impl Fn(&G) -> &str,
    out: &mut Rows,
) {
    let fields: Vec<Option<usize>> = columns
        .iter()
        .map(|c| {
            let name = c.from.first()?.split_once('.')?.1;
            crate::sample::field_position(G::FIELDS, name)
        })
        .collect();
    let mut raw = Vec::with_capacity(G::FIELDS.len());
    let mut row = Vec::with_capacity(columns.len());
    for d in items {
        raw.clear();
        d.raw_values(&mut |v| raw.push(v.unwrap_or(0)));
        row.clear();
        row.extend(fields.iter().map(|f| {
            let count = f.and_then(|f| raw.get(f).copied()).unwrap_or(0);
            per_second(count, d.seconds)
        }));
        out.push(Some(item(d)), &row);
    }
}

fn always(_: &IntervalStats) -> bool {
    true
}

/// Every report, in the order sar prints them.
pub static REPORTS: &[Report] = &[
    Report {
        table: Table::Cpu,
        flag: "-u",
        title: "CPU utilisation",
        name: "cpu",
        json: &["cpu-load"],
        item: Some(ItemColumn {
            sar: "CPU",
            sadf: "cpu",
            filter: None,
            idle: Idle::Kept,
            place: ItemPlace::First,
        }),
        source: None,
        instead_of: None,
        header: Header::Once,
        chart: ChartKind::CpuStates,
        columns: |sel| {
            if sel.all_columns(Table::Cpu) {
                CPU_ALL
            } else {
                CPU
            }
        },
        available: always,
        values: cpu_values,
    },
    Report {
        table: Table::Tasks,
        flag: "-w",
        title: "Task creation and context switches",
        name: "tasks",
        json: &["process-and-context-switch"],
        item: None,
        source: None,
        instead_of: None,
        header: Header::Once,
        chart: ChartKind::Columns { percent: false },
        columns: |_| TASKS,
        available: always,
        values: |_, s, out| out.push(None, &[s.rate(s.tasks.processes), s.rate(s.tasks.ctxt)]),
    },
    // -I, where sar -A prints it.
    Report {
        table: Table::Interrupts,
        flag: "-I",
        title: "Interrupts",
        name: "interrupts",
        json: &["interrupts"],
        item: Some(ItemColumn {
            sar: "INTR",
            sadf: "intr",
            filter: None,
            idle: Idle::Omitted,
            place: ItemPlace::LastWhenPretty,
        }),
        source: Some("/proc/interrupts"),
        instead_of: None,
        header: Header::EveryInterval,
        chart: ChartKind::Columns { percent: false },
        columns: irq_columns,
        available: |s| s.interrupts.is_some(),
        values: irq_values,
    },
    Report {
        table: Table::SwapPages,
        flag: "-W",
        title: "Swapping",
        name: "swap-pages",
        json: &["swap-pages"],
        item: None,
        source: Some("/proc/vmstat"),
        instead_of: None,
        header: Header::Once,
        chart: ChartKind::Columns { percent: false },
        columns: |_| SWAP_PAGES,
        available: |s| s.swap_pages.is_some(),
        values: |_, s, out| {
            if let Some(w) = s.swap_pages {
                let secs = w.seconds;
                out.push(
                    None,
                    &[per_second(w.pswpin, secs), per_second(w.pswpout, secs)],
                );
            }
        },
    },
    Report {
        table: Table::Paging,
        flag: "-B",
        title: "Paging",
        name: "paging",
        json: &["paging"],
        item: None,
        source: Some("/proc/vmstat"),
        instead_of: None,
        header: Header::Once,
        chart: ChartKind::Columns { percent: false },
        columns: |sel| match sel.sar_version {
            SarVersion::V12_6 => PAGING_12_6,
            SarVersion::V12_7_8 => PAGING,
        },
        available: |s| s.paging.is_some(),
        values: |sel, s, out| {
            if let Some(p) = s.paging {
                let seconds = p.seconds;
                let r = p.rates(seconds);
                let v = match sel.sar_version {
                    SarVersion::V12_6 => [
                        r.pgpgin,
                        r.pgpgout,
                        r.fault,
                        r.majflt,
                        r.pgfree,
                        r.pgscank,
                        r.pgscand,
                        p.pgsteal_12_6() as f64 / seconds,
                        p.vmeff_12_6(),
                        0.0,
                    ],
                    SarVersion::V12_7_8 => [
                        r.pgpgin, r.pgpgout, r.fault, r.majflt, r.pgfree, r.pgscank, r.pgscand,
                        r.pgsteal, r.pgprom, r.pgdem,
                    ],
                };
                let columns = (report(Table::Paging).columns)(sel).len();
                out.push(None, &v[..columns]);
            }
        },
    },
    Report {
        table: Table::Io,
        flag: "-b",
        title: "I/O over physical disks",
        name: "io",
        json: &["io"],
        item: None,
        source: None,
        instead_of: None,
        header: Header::Once,
        chart: ChartKind::Columns { percent: false },
        columns: |_| IO,
        // Not over an interval that either sample lacked /proc/diskstats (or a sysstat
        // file's totals) for.
        available: |s| s.io().is_some(),
        values: |_, s, out| {
            if let Some(r) = s.io() {
                out.push(
                    None,
                    &[r.tps, r.rtps, r.wtps, r.dtps, r.bread, r.bwrtn, r.bdscd],
                );
            }
        },
    },
    Report {
        table: Table::Memory,
        flag: "-r",
        title: "Memory",
        name: "memory",
        json: &["memory"],
        item: None,
        source: Some("/proc/meminfo"),
        instead_of: None,
        header: Header::Once,
        chart: ChartKind::Memory,
        columns: |sel| match (sel.sar_version, sel.all_columns(Table::Memory)) {
            (SarVersion::V12_7_8, true) => MEMORY_ALL,
            (SarVersion::V12_7_8, false) => MEMORY,
            (SarVersion::V12_6, true) => MEMORY_ALL_12_6,
            (SarVersion::V12_6, false) => MEMORY_12_6,
        },
        available: |s| s.memory.is_some(),
        values: |sel, s, out| {
            if let Some(m) = s.memory {
                let m = m.mean();
                let v12_6 = sel.sar_version == SarVersion::V12_6;
                let (used, used_pct) = if v12_6 {
                    (m.memused_12_6(), m.memused_pct_12_6())
                } else {
                    (m.memused, m.memused_pct())
                };
                let mut v = [
                    m.memfree,
                    m.avail,
                    used,
                    used_pct,
                    m.buffers,
                    m.cached,
                    m.commit,
                    m.commit_pct(),
                    m.active,
                    m.inact,
                    m.dirty,
                    m.shmem,
                    // -r ALL only:
                    m.anonpg,
                    m.slab,
                    m.kstack,
                    m.pgtbl,
                    m.vmused,
                    0.0,
                ];
                if v12_6 {
                    // 12.6 has no kbshmem: the ALL columns move up.
                    v.copy_within(12.., 11);
                }
                let columns = (report(Table::Memory).columns)(sel).len();
                out.push(None, &v[..columns]);
            }
        },
    },
    Report {
        table: Table::Swap,
        flag: "-S",
        title: "Swap space",
        name: "swap",
        json: &["memory"],
        item: None,
        source: Some("/proc/meminfo"),
        instead_of: None,
        header: Header::Once,
        chart: ChartKind::Swap,
        columns: |_| SWAP,
        available: |s| s.swap.is_some(),
        values: |_, s, out| {
            if let Some(w) = s.swap {
                let w = w.mean();
                out.push(
                    None,
                    &[
                        w.swpfree,
                        w.swpused,
                        w.swpused_pct(),
                        w.swpcad,
                        w.swpcad_pct(),
                    ],
                );
            }
        },
    },
    // -H and -v, where sar -A prints them.
    Report {
        table: Table::Hugepages,
        flag: "-H",
        title: "Huge pages",
        name: "hugepages",
        json: &["hugepages"],
        item: None,
        source: Some("/proc/meminfo"),
        instead_of: None,
        header: Header::Once,
        chart: ChartKind::Columns { percent: false },
        columns: |_| HUGEPAGES,
        available: |s| s.hugepages.is_some(),
        values: |_, s, out| {
            if let Some(h) = s.hugepages {
                let h = h.mean();
                out.push(None, &[h.free, h.used(), h.used_pct(), h.rsvd, h.surp]);
            }
        },
    },
    Report {
        table: Table::Ktables,
        flag: "-v",
        title: "Kernel tables",
        name: "kernel",
        json: &["kernel"],
        item: None,
        source: Some("/proc/sys/fs"),
        instead_of: None,
        header: Header::Once,
        chart: ChartKind::Columns { percent: false },
        columns: |_| KTABLES,
        available: |s| s.ktables.is_some(),
        values: |_, s, out| {
            if let Some(k) = s.ktables {
                let k = k.mean();
                out.push(None, &[k.dentunusd, k.file_nr, k.inode_nr, k.pty_nr]);
            }
        },
    },
    Report {
        table: Table::Queue,
        flag: "-q",
        title: "Run queue and load",
        name: "queue",
        json: &["queue"],
        item: None,
        source: Some("/proc/loadavg"),
        instead_of: None,
        header: Header::Once,
        chart: ChartKind::Load,
        columns: |_| QUEUE,
        available: |s| s.queue.is_some(),
        values: |_, s, out| {
            if let Some(m) = s.queue {
                let (q, [l1, l5, l15]) = (m.mean(), m.ldavg_as_sar());
                out.push(None, &[q.runq_sz, q.plist_sz, l1, l5, l15, q.blocked]);
            }
        },
    },
    // -y, where sar -A prints it.
    Report {
        table: Table::Serial,
        flag: "-y",
        title: "Serial lines",
        name: "serial",
        json: &["serial"],
        item: Some(ItemColumn {
            sar: "TTY",
            sadf: "line",
            filter: None,
            idle: Idle::Omitted,
            place: ItemPlace::First,
        }),
        source: Some("/proc/tty/driver/serial (root only)"),
        instead_of: None,
        header: Header::Once,
        chart: ChartKind::Columns { percent: false },
        columns: |_| SERIAL,
        available: |s| !s.serial.is_empty(),
        values: |_, s, out| {
            let mut v = [0.0; 6];
            for d in &s.serial {
                let mut n = 0;
                d.raw_values(&mut |d| {
                    if let Some(v) = v.get_mut(n) {
                        *v = per_second(d.unwrap_or(0), s.serial.seconds);
                    }
                    n += 1;
                });
                out.push_numbered(d.line as usize, &v[..n.min(6)]);
            }
        },
    },
    Report {
        table: Table::Disk,
        flag: "-d",
        title: "Block devices",
        name: "disk",
        json: &["disk"],
        item: Some(ItemColumn {
            sar: "DEV",
            sadf: "disk-device",
            filter: Some(ItemFilter::Dev),
            idle: Idle::Omitted,
            place: ItemPlace::LastWhenPretty,
        }),
        source: None,
        instead_of: None,
        header: Header::Once,
        chart: ChartKind::DiskTraffic,
        columns: |_| DISK,
        available: always,
        values: |sel, s, out| {
            for d in s.disks.iter().filter(|d| super::disk_shown(d)) {
                // Over the seconds that showed the device (an average's may be fewer than
                // the segment's).
                let r = d.rates(d.seconds);
                out.push(
                    Some(sel.disk_name(&d.name)),
                    &[
                        r.tps, r.rd_sec, r.wr_sec, r.dc_sec, r.rkb, r.wkb, r.dkb, r.arqsz,
                        r.areq_sz, r.aqu_sz, r.aqu_sz, r.await_ms, r.util,
                    ],
                );
            }
        },
    },
    Report {
        table: Table::NetDev,
        flag: "-n DEV",
        title: "Network interfaces",
        name: "net-dev",
        json: &["network", "net-dev"],
        item: Some(ItemColumn {
            sar: "IFACE",
            sadf: "iface",
            filter: Some(ItemFilter::Iface),
            idle: Idle::Omitted,
            place: ItemPlace::LastWhenPretty,
        }),
        source: None,
        instead_of: None,
        header: Header::Once,
        chart: ChartKind::NetTraffic,
        columns: |_| NET_DEV,
        available: always,
        values: |_, s, out| {
            for n in &s.net {
                // Over the seconds the interface was there.
                let r = n.rates(n.seconds);
                out.push(
                    Some(&n.name),
                    &[
                        r.rxpck, r.txpck, r.rxkb, r.txkb, r.rxcmp, r.txcmp, r.rxmcst, r.ifutil,
                    ],
                );
            }
        },
    },
    Report {
        table: Table::NetEdev,
        flag: "-n EDEV",
        title: "Network interface errors",
        name: "net-edev",
        json: &["network", "net-edev"],
        item: Some(ItemColumn {
            sar: "IFACE",
            sadf: "iface",
            filter: Some(ItemFilter::Iface),
            idle: Idle::Omitted,
            place: ItemPlace::LastWhenPretty,
        }),
        source: None,
        instead_of: None,
        header: Header::Once,
        chart: ChartKind::Columns { percent: false },
        columns: |_| NET_EDEV,
        available: always,
        values: |_, s, out| {
            for n in &s.net {
                out.push(Some(&n.name), &n.errors().rates(n.seconds));
            }
        },
    },
    // -n NFS and -n NFSD, where sar -A prints them (after EDEV).
    Report {
        table: Table::NetNfs,
        flag: "-n NFS",
        title: "NFS client",
        name: "net-nfs",
        json: &["network", "net-nfs"],
        item: None,
        source: None,
        instead_of: None,
        header: Header::Once,
        chart: ChartKind::Columns { percent: false },
        columns: |_| NET_NFS,
        available: always,
        values: |_, s, out| nfs_values(&s.nfs, NET_NFS.len(), out),
    },
    Report {
        table: Table::NetNfsd,
        flag: "-n NFSD",
        title: "NFS server",
        name: "net-nfsd",
        json: &["network", "net-nfsd"],
        item: None,
        source: None,
        instead_of: None,
        header: Header::Once,
        chart: ChartKind::Columns { percent: false },
        columns: |_| NET_NFSD,
        available: always,
        values: |_, s, out| nfs_values(&s.nfsd, NET_NFSD.len(), out),
    },
    Report {
        table: Table::NetSock,
        flag: "-n SOCK",
        title: "IPv4 sockets in use",
        name: "net-sock",
        json: &["network", "net-sock"],
        item: None,
        source: Some("/proc/net/sockstat"),
        instead_of: None,
        header: Header::Once,
        chart: ChartKind::Columns { percent: false },
        columns: |_| NET_SOCK,
        available: |s| s.sockets.is_some(),
        values: |_, s, out| {
            if let Some(m) = s.sockets {
                let l = m.mean();
                out.push(
                    None,
                    &[l.totsck, l.tcpsck, l.udpsck, l.rawsck, l.ip_frag, l.tcp_tw],
                );
            }
        },
    },
    Report {
        table: Table::NetIp,
        flag: "-n IP",
        title: "IPv4 traffic",
        name: "net-ip",
        json: &["network", "net-ip"],
        item: None,
        source: Some("/proc/net/snmp"),
        instead_of: None,
        header: Header::Once,
        chart: ChartKind::Columns { percent: false },
        columns: |_| NET_IP,
        available: |s| s.snmp.is_some(),
        values: |_, s, out| counter_rates(&s.snmp, SnmpCounters::IP, out),
    },
    Report {
        table: Table::NetEip,
        flag: "-n EIP",
        title: "IPv4 errors",
        name: "net-eip",
        json: &["network", "net-eip"],
        item: None,
        source: Some("/proc/net/snmp"),
        instead_of: None,
        header: Header::Once,
        chart: ChartKind::Columns { percent: false },
        columns: |_| NET_EIP,
        available: |s| s.snmp.is_some(),
        values: |_, s, out| counter_rates(&s.snmp, SnmpCounters::EIP, out),
    },
    Report {
        table: Table::NetIcmp,
        flag: "-n ICMP",
        title: "ICMPv4 traffic",
        name: "net-icmp",
        json: &["network", "net-icmp"],
        item: None,
        source: Some("/proc/net/snmp"),
        instead_of: None,
        header: Header::Once,
        chart: ChartKind::Columns { percent: false },
        columns: |_| NET_ICMP,
        available: |s| s.snmp.is_some(),
        values: |_, s, out| counter_rates(&s.snmp, SnmpCounters::ICMP, out),
    },
    Report {
        table: Table::NetEicmp,
        flag: "-n EICMP",
        title: "ICMPv4 errors",
        name: "net-eicmp",
        json: &["network", "net-eicmp"],
        item: None,
        source: Some("/proc/net/snmp"),
        instead_of: None,
        header: Header::Once,
        chart: ChartKind::Columns { percent: false },
        columns: |_| NET_EICMP,
        available: |s| s.snmp.is_some(),
        values: |_, s, out| counter_rates(&s.snmp, SnmpCounters::EICMP, out),
    },
    Report {
        table: Table::NetTcp,
        flag: "-n TCP",
        title: "TCPv4 traffic",
        name: "net-tcp",
        json: &["network", "net-tcp"],
        item: None,
        source: Some("/proc/net/snmp"),
        instead_of: None,
        header: Header::Once,
        chart: ChartKind::Columns { percent: false },
        columns: |_| NET_TCP,
        available: |s| s.snmp.is_some(),
        values: |_, s, out| counter_rates(&s.snmp, SnmpCounters::TCP, out),
    },
    Report {
        table: Table::NetEtcp,
        flag: "-n ETCP",
        title: "TCPv4 errors",
        name: "net-etcp",
        json: &["network", "net-etcp"],
        item: None,
        source: Some("/proc/net/snmp"),
        instead_of: None,
        header: Header::Once,
        chart: ChartKind::Columns { percent: false },
        columns: |sel| match sel.sar_version {
            SarVersion::V12_6 => NET_ETCP_12_6,
            SarVersion::V12_7_8 => NET_ETCP,
        },
        available: |s| s.snmp.is_some(),
        values: |_, s, out| counter_rates(&s.snmp, SnmpCounters::ETCP, out),
    },
    Report {
        table: Table::NetUdp,
        flag: "-n UDP",
        title: "UDPv4 traffic",
        name: "net-udp",
        json: &["network", "net-udp"],
        item: None,
        source: Some("/proc/net/snmp"),
        instead_of: None,
        header: Header::Once,
        chart: ChartKind::Columns { percent: false },
        columns: |_| NET_UDP,
        available: |s| s.snmp.is_some(),
        values: |_, s, out| counter_rates(&s.snmp, SnmpCounters::UDP, out),
    },
    Report {
        table: Table::NetSock6,
        flag: "-n SOCK6",
        title: "IPv6 sockets in use",
        name: "net-sock6",
        json: &["network", "net-sock6"],
        item: None,
        source: Some("/proc/net/sockstat6"),
        instead_of: None,
        header: Header::Once,
        chart: ChartKind::Columns { percent: false },
        columns: |_| NET_SOCK6,
        available: |s| s.sockets6.is_some(),
        values: |_, s, out| {
            if let Some(m) = s.sockets6 {
                let l = m.mean();
                out.push(None, &[l.tcp6sck, l.udp6sck, l.raw6sck, l.ip6_frag]);
            }
        },
    },
    Report {
        table: Table::NetIp6,
        flag: "-n IP6",
        title: "IPv6 traffic",
        name: "net-ip6",
        json: &["network", "net-ip6"],
        item: None,
        source: Some("/proc/net/snmp6"),
        instead_of: None,
        header: Header::Once,
        chart: ChartKind::Columns { percent: false },
        columns: |_| NET_IP6,
        available: |s| s.snmp6.is_some(),
        values: |_, s, out| counter_rates(&s.snmp6, Snmp6Counters::IP6, out),
    },
    Report {
        table: Table::NetEip6,
        flag: "-n EIP6",
        title: "IPv6 errors",
        name: "net-eip6",
        json: &["network", "net-eip6"],
        item: None,
        source: Some("/proc/net/snmp6"),
        instead_of: None,
        header: Header::Once,
        chart: ChartKind::Columns { percent: false },
        columns: |_| NET_EIP6,
        available: |s| s.snmp6.is_some(),
        values: |_, s, out| counter_rates(&s.snmp6, Snmp6Counters::EIP6, out),
    },
    Report {
        table: Table::NetIcmp6,
        flag: "-n ICMP6",
        title: "ICMPv6 traffic",
        name: "net-icmp6",
        json: &["network", "net-icmp6"],
        item: None,
        source: Some("/proc/net/snmp6"),
        instead_of: None,
        header: Header::Once,
        chart: ChartKind::Columns { percent: false },
        columns: |_| NET_ICMP6,
        available: |s| s.snmp6.is_some(),
        values: |_, s, out| counter_rates(&s.snmp6, Snmp6Counters::ICMP6, out),
    },
    Report {
        table: Table::NetEicmp6,
        flag: "-n EICMP6",
        title: "ICMPv6 errors",
        name: "net-eicmp6",
        json: &["network", "net-eicmp6"],
        item: None,
        source: Some("/proc/net/snmp6"),
        instead_of: None,
        header: Header::Once,
        chart: ChartKind::Columns { percent: false },
        columns: |_| NET_EICMP6,
        available: |s| s.snmp6.is_some(),
        values: |_, s, out| counter_rates(&s.snmp6, Snmp6Counters::EICMP6, out),
    },
    Report {
        table: Table::NetUdp6,
        flag: "-n UDP6",
        title: "UDPv6 traffic",
        name: "net-udp6",
        json: &["network", "net-udp6"],
        item: None,
        source: Some("/proc/net/snmp6"),
        instead_of: None,
        header: Header::Once,
        chart: ChartKind::Columns { percent: false },
        columns: |_| NET_UDP6,
        available: |s| s.snmp6.is_some(),
        values: |_, s, out| counter_rates(&s.snmp6, Snmp6Counters::UDP6, out),
    },
    // -n FC, where sar -A prints it (sysstat's act[]: after the IPv6 reports).
    Report {
        table: Table::NetFc,
        flag: "-n FC",
        title: "FC host adapters",
        name: "net-fc",
        json: &["network", "fchosts"],
        item: Some(ItemColumn {
            sar: "FCHOST",
            sadf: "fchost",
            filter: None,
            idle: Idle::Omitted,
            place: ItemPlace::Last,
        }),
        source: Some("/sys/class/fc_host"),
        instead_of: None,
        header: Header::Once,
        chart: ChartKind::Columns { percent: false },
        columns: |_| NET_FC,
        available: |s| !s.fc_hosts.is_empty(),
        values: |_, s, out| item_rates(&s.fc_hosts, NET_FC, |h| &h.name, out),
    },
    Report {
        table: Table::NetSoft,
        flag: "-n SOFT",
        title: "Network softirq per CPU",
        name: "softnet",
        json: &["network", "softnet"],
        item: Some(ItemColumn {
            sar: "CPU",
            sadf: "cpu",
            filter: None,
            idle: Idle::Omitted,
            place: ItemPlace::First,
        }),
        source: Some("/proc/net/softnet_stat"),
        instead_of: None,
        header: Header::Once,
        chart: ChartKind::Columns { percent: false },
        columns: |_| NET_SOFT,
        available: |s| !s.softnet.is_empty(),
        values: softnet_values,
    },
    // -m CPU, then -F: sar -A prints them after -n SOFT (sysstat's act[] order:
    // the network activities, power management, filesystems, pressure).
    Report {
        table: Table::CpuFreq,
        flag: "-m CPU",
        title: "CPU clock",
        name: "cpu-frequency",
        json: &["power-management", "cpu-frequency"],
        item: Some(ItemColumn {
            sar: "CPU",
            sadf: "number",
            filter: None,
            idle: Idle::Kept,
            place: ItemPlace::First,
        }),
        source: Some("/proc/cpuinfo"),
        instead_of: None,
        header: Header::Once,
        chart: ChartKind::Columns { percent: false },
        columns: |_| CPU_FREQ,
        available: |s| s.cpu_freq.is_some(),
        values: cpu_freq_values,
    },
    // -F, where sar -A prints it (its item column comes last, and its
    // closing rows are `Summary:`, the last levels of each filesystem).
    Report {
        table: Table::Filesystems,
        flag: "-F",
        title: "Filesystems",
        name: "filesystems",
        json: &["filesystems"],
        item: Some(ItemColumn {
            sar: "FILESYSTEM",
            sadf: "filesystem",
            filter: Some(ItemFilter::Fs),
            idle: Idle::Kept,
            place: ItemPlace::LastLevels,
        }),
        source: Some("/proc/self/mounts"),
        instead_of: None,
        header: Header::Once,
        chart: ChartKind::Columns { percent: false },
        columns: |_| FILESYSTEMS,
        available: |s| !s.filesystems.is_empty(),
        values: |_, s, out| fs_values(s, false, out),
    },
    Report {
        table: Table::FsMount,
        flag: "-F MOUNT",
        title: "Filesystems by mount point",
        name: "filesystems-mount",
        json: &["filesystems"],
        item: Some(ItemColumn {
            sar: "MOUNTPOINT",
            sadf: "mountpoint",
            filter: Some(ItemFilter::Fs),
            idle: Idle::Kept,
            place: ItemPlace::LastLevels,
        }),
        source: Some("/proc/self/mounts"),
        instead_of: Some(Table::Filesystems),
        header: Header::Once,
        chart: ChartKind::Columns { percent: false },
        columns: |_| FILESYSTEMS,
        available: |s| !s.filesystems.is_empty(),
        values: |_, s, out| fs_values(s, true, out),
    },
    Report {
        table: Table::PsiCpu,
        flag: "-q CPU",
        title: "CPU pressure",
        name: "psi-cpu",
        json: &["psi", "psi-cpu"],
        item: None,
        source: Some("/proc/pressure/cpu"),
        instead_of: None,
        header: Header::Once,
        chart: ChartKind::Columns { percent: true },
        columns: |_| PSI_CPU,
        available: |s| s.psi.cpu.is_some(),
        values: |_, s, out| {
            if let Some(p) = s.psi.cpu {
                let l = p.levels.as_sar();
                out.push(
                    None,
                    &[l.some10, l.some60, l.some300, p.some_pct(p.seconds)],
                );
            }
        },
    },
    Report {
        table: Table::PsiIo,
        flag: "-q IO",
        title: "I/O pressure",
        name: "psi-io",
        json: &["psi", "psi-io"],
        item: None,
        source: Some("/proc/pressure/io"),
        instead_of: None,
        header: Header::Once,
        chart: ChartKind::Columns { percent: true },
        columns: |_| PSI_IO,
        available: |s| s.psi.io.is_some(),
        values: |_, s, out| psi_values(s.psi.io, out),
    },
    Report {
        table: Table::PsiMemory,
        flag: "-q MEM",
        title: "Memory pressure",
        name: "psi-mem",
        json: &["psi", "psi-mem"],
        item: None,
        source: Some("/proc/pressure/memory"),
        instead_of: None,
        header: Header::Once,
        chart: ChartKind::Columns { percent: true },
        columns: |_| PSI_MEMORY,
        available: |s| s.psi.memory.is_some(),
        values: |_, s, out| psi_values(s.psi.memory, out),
    },
];

/// A count over `seconds` (a group's `IntervalStats::held` seconds), per second.
fn per_second(count: u64, seconds: f64) -> f64 {
    count as f64 / seconds
}

/// Rates of the fields `range` (in `FIELDS` order) of a counter group's Δs: one row.
fn counter_rates<T: Group>(d: &Option<Over<T>>, range: Range<usize>, out: &mut Rows) {
    let Some(d) = d else { return };
    let seconds = d.seconds;
    let mut all = Vec::with_capacity(T::FIELDS.len());
    d.raw_values(&mut |v| all.push(v.unwrap_or(0) as f64 / seconds));
    if let Some(row) = all.get(range) {
        out.push(None, row);
    }
}

/// `-n SOFT`: the `all` row and the CPUs `-P` asks for, as `-u` shows them.
fn softnet_values(sel: &Selection, s: &IntervalStats, out: &mut Rows) {
    // Without softnet lines the `all` row is zeros, as sar prints it: over the interval.
    let seconds = if s.softnet.seconds > 0.0 {
        s.softnet.seconds
    } else {
        s.seconds
    };
    let row = |out: &mut Rows, c: &SoftnetDelta| {
        out.push_numbered(c.cpu as usize, &c.values(seconds));
    };
    let all = SoftnetDelta::total(&s.softnet).values(seconds);
    match &sel.cpus {
        CpuList::Total => out.push(Some("all"), &all),
        CpuList::All => {
            out.push(Some("all"), &all);
            for c in &s.softnet {
                row(out, c);
            }
        }
        CpuList::Some(list) => {
            for &n in list {
                if let Some(c) = s.softnet.iter().find(|c| c.cpu as usize == n) {
                    row(out, c);
                }
            }
        }
    }
}

fn psi_values(p: Option<crate::stats::PsiDelta>, out: &mut Rows) {
    if let Some(p) = p {
        let seconds = p.seconds;
        let l = p.levels.as_sar();
        out.push(
            None,
            &[
                l.some10,
                l.some60,
                l.some300,
                p.some_pct(seconds),
                l.full10,
                l.full60,
                l.full300,
                p.full_pct(seconds),
            ],
        );
    }
}

fn cpu_values(sel: &Selection, s: &IntervalStats, out: &mut Rows) {
    let row = |item: Option<usize>, d: &CpuDelta, out: &mut Rows| {
        let u = d.util();
        let all;
        let some;
        let v: &[f64] = if sel.all_columns(Table::Cpu) {
            all = [
                u.usr,
                u.gnice_free_nice,
                u.sys,
                u.iowait,
                u.steal,
                u.irq,
                u.soft,
                u.guest,
                u.gnice,
                u.idle,
            ];
            &all
        } else {
            some = [u.user, u.nice, u.system, u.iowait, u.steal, u.idle];
            &some
        };
        match item {
            None => out.push(Some("all"), v),
            Some(n) => out.push_numbered(n, v),
        }
    };
    let per_cpu = |n: usize| s.cpu.per_cpu.get(n).copied().flatten();
    match &sel.cpus {
        CpuList::Total => row(None, &s.cpu.all, out),
        CpuList::All => {
            row(None, &s.cpu.all, out);
            for n in 0..s.cpu.per_cpu.len() {
                if let Some(d) = per_cpu(n) {
                    row(Some(n), &d, out);
                }
            }
        }
        CpuList::Some(list) => {
            for &n in list {
                if let Some(d) = per_cpu(n) {
                    row(Some(n), &d, out);
                }
            }
        }
    }
}

/// The catalogue entry of `table`. Entries are in `Table`'s order, so this is an index
/// (looked up several times per table per interval); a search if they ever are not.
pub fn report(table: Table) -> &'static Report {
    match REPORTS.get(table as usize) {
        Some(r) if r.table == table => r,
        _ => REPORTS
            .iter()
            .find(|r| r.table == table)
            .unwrap_or(&REPORTS[0]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_are_in_the_order_of_table() {
        for (i, r) in REPORTS.iter().enumerate() {
            assert_eq!(r.table as usize, i, "{}", r.name);
        }
    }

    /// sar -A's order, as sysstat's `act[]` lists the activities and as sar 12.6.1 prints
    /// them here (`sar -A -f` on a file of `sadc -S XALL 1 3`; sysstat's own
    /// `tests/expected2.sar-all` agrees); sadf -j nests them in the same order.
    #[test]
    fn entries_are_in_sars_a_order() {
        let sar = [
            "-u",
            "-w",
            "-I",
            "-W",
            "-B",
            "-b",
            "-r",
            "-S",
            "-H",
            "-v",
            "-q",
            "-y",
            "-d",
            "-n DEV",
            "-n EDEV",
            "-n NFS",
            "-n NFSD",
            "-n SOCK",
            "-n IP",
            "-n EIP",
            "-n ICMP",
            "-n EICMP",
            "-n TCP",
            "-n ETCP",
            "-n UDP",
            "-n SOCK6",
            "-n IP6",
            "-n EIP6",
            "-n ICMP6",
            "-n EICMP6",
            "-n UDP6",
            "-n FC",
            "-n SOFT",
            "-m CPU",
            "-F",
            "-F MOUNT",
            "-q CPU",
            "-q IO",
            "-q MEM",
        ];
        let ours: Vec<&str> = REPORTS.iter().map(|r| r.flag).collect();
        assert_eq!(ours, sar);
        // sadf -j's statistics object: its members in first-appearance order.
        let mut keys: Vec<&str> = Vec::new();
        for r in REPORTS {
            if !keys.contains(&r.json[0]) {
                keys.push(r.json[0]);
            }
        }
        assert_eq!(
            keys,
            [
                "cpu-load",
                "process-and-context-switch",
                "interrupts",
                "swap-pages",
                "paging",
                "io",
                "memory",
                "hugepages",
                "kernel",
                "queue",
                "serial",
                "disk",
                "network",
                "power-management",
                "filesystems",
                "psi"
            ]
        );
    }

    /// A filesystem whose used space is exactly 21594.5 MB: the row keeps the half, which
    /// a whole cell prints as sar's `%.0f` does (21594), and `-h` scales as it is.
    #[test]
    fn filesystem_megabytes_round_half_to_even() {
        let half_mb = 1 << 19;
        let used = 21594 * (1 << 20) + half_mb;
        let s = IntervalStats {
            filesystems: vec![crate::sample::FsUsage {
                name: "/dev/vda".into(),
                size_bytes: used + 1000 * (1 << 20) + half_mb,
                free_bytes: 1000 * (1 << 20) + half_mb,
                ..Default::default()
            }],
            ..IntervalStats::default()
        };
        let mut rows = Rows::default();
        fs_values(&s, false, &mut rows);
        let (_, v) = rows.iter().next().unwrap();
        assert_eq!((v[0], v[1]), (1000.5, 21594.5));
    }

    /// The /proc/net/snmp and snmp6 reports pick their fields by name: each column shows
    /// the field it names, whose unit, per second, is the column's, and each field is shown by one
    /// column of one report. Field i holds i + 1 over one second, so a value tells which
    /// field it came from.
    #[test]
    fn snmp_columns_show_each_field_once_in_its_unit() {
        fn numbered<T: Group>() -> T {
            let raw: Vec<Option<u64>> = (1..=T::FIELDS.len() as u64).map(Some).collect();
            let mut t = T::default();
            t.set_raw_values(&raw).unwrap();
            t
        }
        fn check<T: Group>(source: &str, group: &str, s: &IntervalStats) {
            for version in [SarVersion::V12_6, SarVersion::V12_7_8] {
                let sel = Selection {
                    sar_version: version,
                    ..Selection::default()
                };
                let mut shown = vec![0; T::FIELDS.len()];
                for r in REPORTS.iter().filter(|r| r.source == Some(source)) {
                    let mut rows = Rows::default();
                    (r.values)(&sel, s, &mut rows);
                    let (_, values) = rows.iter().next().unwrap();
                    let columns = (r.columns)(&sel);
                    assert_eq!(values.len(), columns.len(), "{}", r.name);
                    for (v, c) in values.iter().zip(columns) {
                        let f = &T::FIELDS[*v as usize - 1];
                        assert_eq!(c.unit, format!("{}/s", f.unit), "{} {}", r.name, f.name);
                        // The column names the field it shows.
                        assert_eq!(c.from, [format!("{group}.{}", f.name)], "{}", r.name);
                        shown[*v as usize - 1] += 1;
                    }
                }
                assert_eq!(shown, vec![1; T::FIELDS.len()], "{source}");
            }
        }
        fn over<T>(delta: T) -> Option<Over<T>> {
            Some(Over {
                delta,
                seconds: 1.0,
                in_use: true,
            })
        }
        let s = IntervalStats {
            snmp: over(numbered::<SnmpCounters>()),
            snmp6: over(numbered::<Snmp6Counters>()),
            ..IntervalStats::default()
        };
        check::<SnmpCounters>("/proc/net/snmp", "snmp", &s);
        check::<Snmp6Counters>("/proc/net/snmp6", "snmp6", &s);
    }

    #[test]
    fn each_table_has_one_entry() {
        for r in REPORTS {
            assert_eq!(report(r.table).name, r.name);
            assert_eq!(REPORTS.iter().filter(|o| o.table == r.table).count(), 1);
        }
    }
}
