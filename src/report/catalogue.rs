//! The report catalogue: one entry per sar report, in the order sar prints them. An entry
//! says how the report is asked for, its columns (sar's name, sadf's key, unit, kind), its
//! item column, where it sits in sadf's JSON, what the kernel must provide, and how its
//! values come from an interval's statistics. Every renderer — tables, JSON, JSON Lines,
//! CSV, charts — and the docs' tables are derived from these entries: adding a report whose
//! counters are recorded is one entry here (and a `Table` name).

use super::{CpuList, Selection, Table};
use crate::stats::{CpuDelta, IntervalStats};

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
}

/// The column that names a report's items (CPU, device, interface).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ItemColumn {
    /// sar's header.
    pub sar: &'static str,
    /// sadf -j's key for the item in each object of the report's array.
    pub sadf: &'static str,
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
    /// Whether the command line asked for it.
    pub selected: fn(&Selection) -> bool,
    /// Ask for it (a `-n` keyword, `-A`).
    pub select: fn(&mut Selection),
    /// Its columns, as the selection asks (`-u ALL` has other columns than `-u`).
    pub columns: fn(&Selection) -> &'static [Column],
    /// Whether an interval has its data.
    pub available: fn(&IntervalStats) -> bool,
    /// Its rows for an interval (or an average of intervals), one number per column,
    /// added to the (cleared) rows given.
    pub values: fn(&Selection, &IntervalStats, &mut Rows),
}

const fn col(sar: &'static str, sadf: &'static str, unit: &'static str, kind: Kind) -> Column {
    Column {
        sar: Some(sar),
        sadf,
        unit,
        kind,
    }
}

const fn json_only(sadf: &'static str, unit: &'static str, kind: Kind) -> Column {
    Column {
        sar: None,
        sadf,
        unit,
        kind,
    }
}

use Kind::{Percent, Rate, Real, Whole};

const CPU: &[Column] = &[
    col("%user", "user", "%", Percent),
    col("%nice", "nice", "%", Percent),
    col("%system", "system", "%", Percent),
    col("%iowait", "iowait", "%", Percent),
    col("%steal", "steal", "%", Percent),
    col("%idle", "idle", "%", Percent),
];
const CPU_ALL: &[Column] = &[
    col("%usr", "usr", "%", Percent),
    col("%nice", "nice", "%", Percent),
    col("%sys", "sys", "%", Percent),
    col("%iowait", "iowait", "%", Percent),
    col("%steal", "steal", "%", Percent),
    col("%irq", "irq", "%", Percent),
    col("%soft", "soft", "%", Percent),
    col("%guest", "guest", "%", Percent),
    col("%gnice", "gnice", "%", Percent),
    col("%idle", "idle", "%", Percent),
];
const TASKS: &[Column] = &[
    col("proc/s", "proc", "tasks/s", Rate),
    col("cswch/s", "cswch", "switches/s", Rate),
];
const SWAP_PAGES: &[Column] = &[
    col("pswpin/s", "pswpin", "pages/s", Rate),
    col("pswpout/s", "pswpout", "pages/s", Rate),
];
const PAGING: &[Column] = &[
    col("pgpgin/s", "pgpgin", "kB/s", Rate),
    col("pgpgout/s", "pgpgout", "kB/s", Rate),
    col("fault/s", "fault", "faults/s", Rate),
    col("majflt/s", "majflt", "faults/s", Rate),
    col("pgfree/s", "pgfree", "pages/s", Rate),
    col("pgscank/s", "pgscank", "pages/s", Rate),
    col("pgscand/s", "pgscand", "pages/s", Rate),
    col("pgsteal/s", "pgsteal", "pages/s", Rate),
    col("pgprom/s", "pgprom", "pages/s", Rate),
    col("pgdem/s", "pgdem", "pages/s", Rate),
];
const IO: &[Column] = &[
    col("tps", "tps", "requests/s", Rate),
    col("rtps", "io-reads.rtps", "requests/s", Rate),
    col("wtps", "io-writes.wtps", "requests/s", Rate),
    col("dtps", "io-discard.dtps", "requests/s", Rate),
    col("bread/s", "io-reads.bread", "sectors/s", Rate),
    col("bwrtn/s", "io-writes.bwrtn", "sectors/s", Rate),
    col("bdscd/s", "io-discard.bdscd", "sectors/s", Rate),
];
const MEMORY_ALL: &[Column] = &[
    col("kbmemfree", "memfree", "kB", Whole),
    col("kbavail", "avail", "kB", Whole),
    col("kbmemused", "memused", "kB", Whole),
    col("%memused", "memused-percent", "%", Percent),
    col("kbbuffers", "buffers", "kB", Whole),
    col("kbcached", "cached", "kB", Whole),
    col("kbcommit", "commit", "kB", Whole),
    col("%commit", "commit-percent", "%", Percent),
    col("kbactive", "active", "kB", Whole),
    col("kbinact", "inactive", "kB", Whole),
    col("kbdirty", "dirty", "kB", Whole),
    col("kbshmem", "shared", "kB", Whole),
    col("kbanonpg", "anonpg", "kB", Whole),
    col("kbslab", "slab", "kB", Whole),
    col("kbkstack", "kstack", "kB", Whole),
    col("kbpgtbl", "pgtbl", "kB", Whole),
    col("kbvmused", "vmused", "kB", Whole),
];
/// `-r` without ALL: the first twelve of `-r ALL`.
const MEMORY: &[Column] = MEMORY_ALL.split_at(12).0;
const SWAP: &[Column] = &[
    col("kbswpfree", "swpfree", "kB", Whole),
    col("kbswpused", "swpused", "kB", Whole),
    col("%swpused", "swpused-percent", "%", Percent),
    col("kbswpcad", "swpcad", "kB", Whole),
    col("%swpcad", "swpcad-percent", "%", Percent),
];
const QUEUE: &[Column] = &[
    col("runq-sz", "runq-sz", "tasks", Whole),
    col("plist-sz", "plist-sz", "tasks", Whole),
    col("ldavg-1", "ldavg-1", "load", Real),
    col("ldavg-5", "ldavg-5", "load", Real),
    col("ldavg-15", "ldavg-15", "load", Real),
    col("blocked", "blocked", "tasks", Whole),
];
const DISK: &[Column] = &[
    col("tps", "tps", "requests/s", Rate),
    json_only("rd_sec", "sectors/s", Rate),
    json_only("wr_sec", "sectors/s", Rate),
    json_only("dc_sec", "sectors/s", Rate),
    col("rkB/s", "rkB", "kB/s", Rate),
    col("wkB/s", "wkB", "kB/s", Rate),
    col("dkB/s", "dkB", "kB/s", Rate),
    json_only("avgrq-sz", "sectors", Real),
    col("areq-sz", "areq-sz", "kB", Real),
    json_only("avgqu-sz", "requests", Real),
    col("aqu-sz", "aqu-sz", "requests", Real),
    col("await", "await", "ms", Real),
    col("%util", "util-percent", "%", Percent),
];
const NET_DEV: &[Column] = &[
    col("rxpck/s", "rxpck", "packets/s", Rate),
    col("txpck/s", "txpck", "packets/s", Rate),
    col("rxkB/s", "rxkB", "kB/s", Rate),
    col("txkB/s", "txkB", "kB/s", Rate),
    col("rxcmp/s", "rxcmp", "packets/s", Rate),
    col("txcmp/s", "txcmp", "packets/s", Rate),
    col("rxmcst/s", "rxmcst", "packets/s", Rate),
    col("%ifutil", "ifutil-percent", "%", Percent),
];
const NET_EDEV: &[Column] = &[
    col("rxerr/s", "rxerr", "packets/s", Rate),
    col("txerr/s", "txerr", "packets/s", Rate),
    col("coll/s", "coll", "collisions/s", Rate),
    col("rxdrop/s", "rxdrop", "packets/s", Rate),
    col("txdrop/s", "txdrop", "packets/s", Rate),
    col("txcarr/s", "txcarr", "errors/s", Rate),
    col("rxfram/s", "rxfram", "errors/s", Rate),
    col("rxfifo/s", "rxfifo", "errors/s", Rate),
    col("txfifo/s", "txfifo", "errors/s", Rate),
];
const PSI_CPU: &[Column] = &[
    col("%scpu-10", "some_avg10", "%", Percent),
    col("%scpu-60", "some_avg60", "%", Percent),
    col("%scpu-300", "some_avg300", "%", Percent),
    col("%scpu", "some_avg", "%", Percent),
];
const PSI_IO: &[Column] = &[
    col("%sio-10", "some_avg10", "%", Percent),
    col("%sio-60", "some_avg60", "%", Percent),
    col("%sio-300", "some_avg300", "%", Percent),
    col("%sio", "some_avg", "%", Percent),
    col("%fio-10", "full_avg10", "%", Percent),
    col("%fio-60", "full_avg60", "%", Percent),
    col("%fio-300", "full_avg300", "%", Percent),
    col("%fio", "full_avg", "%", Percent),
];
const PSI_MEMORY: &[Column] = &[
    col("%smem-10", "some_avg10", "%", Percent),
    col("%smem-60", "some_avg60", "%", Percent),
    col("%smem-300", "some_avg300", "%", Percent),
    col("%smem", "some_avg", "%", Percent),
    col("%fmem-10", "full_avg10", "%", Percent),
    col("%fmem-60", "full_avg60", "%", Percent),
    col("%fmem-300", "full_avg300", "%", Percent),
    col("%fmem", "full_avg", "%", Percent),
];

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
        }),
        source: None,
        selected: |sel| sel.cpu.is_some(),
        select: |sel| {
            sel.cpu.get_or_insert(false);
        },
        columns: |sel| if sel.cpu == Some(true) { CPU_ALL } else { CPU },
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
        selected: |sel| sel.tasks,
        select: |sel| sel.tasks = true,
        columns: |_| TASKS,
        available: always,
        values: |_, s, out| out.push(None, &[s.rate(s.tasks.processes), s.rate(s.tasks.ctxt)]),
    },
    Report {
        table: Table::SwapPages,
        flag: "-W",
        title: "Swapping",
        name: "swap-pages",
        json: &["swap-pages"],
        item: None,
        source: Some("/proc/vmstat"),
        selected: |sel| sel.swap_pages,
        select: |sel| sel.swap_pages = true,
        columns: |_| SWAP_PAGES,
        available: |s| s.swap_pages.is_some(),
        values: |_, s, out| {
            if let Some(w) = s.swap_pages {
                out.push(None, &[s.rate(w.pswpin), s.rate(w.pswpout)]);
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
        selected: |sel| sel.paging,
        select: |sel| sel.paging = true,
        columns: |_| PAGING,
        available: |s| s.paging.is_some(),
        values: |_, s, out| {
            if let Some(p) = s.paging {
                let r = p.rates(s.seconds);
                out.push(
                    None,
                    &[
                        r.pgpgin, r.pgpgout, r.fault, r.majflt, r.pgfree, r.pgscank, r.pgscand,
                        r.pgsteal, r.pgprom, r.pgdem,
                    ],
                );
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
        selected: |sel| sel.io,
        select: |sel| sel.io = true,
        columns: |_| IO,
        available: always,
        values: |_, s, out| {
            let r = s.io();
            out.push(
                None,
                &[r.tps, r.rtps, r.wtps, r.dtps, r.bread, r.bwrtn, r.bdscd],
            );
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
        selected: |sel| sel.memory.is_some(),
        select: |sel| {
            sel.memory.get_or_insert(false);
        },
        columns: |sel| {
            if sel.memory == Some(true) {
                MEMORY_ALL
            } else {
                MEMORY
            }
        },
        available: |s| s.memory.is_some(),
        values: |sel, s, out| {
            if let Some(m) = s.memory {
                let m = m.mean();
                let v = [
                    m.memfree,
                    m.avail,
                    m.memused,
                    m.memused_pct(),
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
                ];
                let all = sel.memory == Some(true);
                out.push(None, if all { &v } else { &v[..MEMORY.len()] });
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
        selected: |sel| sel.swap,
        select: |sel| sel.swap = true,
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
    Report {
        table: Table::Queue,
        flag: "-q",
        title: "Run queue and load",
        name: "queue",
        json: &["queue"],
        item: None,
        source: Some("/proc/loadavg"),
        selected: |sel| sel.queue.is_some(),
        select: |sel| {
            sel.queue.get_or_insert(false);
        },
        columns: |_| QUEUE,
        available: |s| s.queue.is_some(),
        values: |_, s, out| {
            if let Some(q) = s.queue {
                let q = q.mean();
                out.push(
                    None,
                    &[
                        q.runq_sz, q.plist_sz, q.ldavg_1, q.ldavg_5, q.ldavg_15, q.blocked,
                    ],
                );
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
        }),
        source: None,
        selected: |sel| sel.disk,
        select: |sel| sel.disk = true,
        columns: |_| DISK,
        available: always,
        values: |_, s, out| {
            for d in s.disks.iter().filter(|d| super::disk_shown(d)) {
                // Over the seconds that showed the device (an average's may be fewer than
                // the segment's).
                let r = d.rates(d.seconds);
                out.push(
                    Some(&d.name),
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
        }),
        source: None,
        selected: |sel| sel.net_dev,
        select: |sel| sel.net_dev = true,
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
        }),
        source: None,
        selected: |sel| sel.net_edev,
        select: |sel| sel.net_edev = true,
        columns: |_| NET_EDEV,
        available: always,
        values: |_, s, out| {
            for n in &s.net {
                out.push(Some(&n.name), &n.errors.rates(n.seconds));
            }
        },
    },
    Report {
        table: Table::PsiCpu,
        flag: "-q ALL",
        title: "CPU pressure",
        name: "psi-cpu",
        json: &["psi", "psi-cpu"],
        item: None,
        source: Some("/proc/pressure/cpu"),
        selected: |sel| sel.queue == Some(true),
        select: |sel| sel.queue = Some(true),
        columns: |_| PSI_CPU,
        available: |s| s.psi.cpu.is_some(),
        values: |_, s, out| {
            if let Some(p) = s.psi.cpu {
                let l = p.levels.mean();
                out.push(
                    None,
                    &[l.some10, l.some60, l.some300, p.some_pct(s.seconds)],
                );
            }
        },
    },
    Report {
        table: Table::PsiIo,
        flag: "-q ALL",
        title: "I/O pressure",
        name: "psi-io",
        json: &["psi", "psi-io"],
        item: None,
        source: Some("/proc/pressure/io"),
        selected: |sel| sel.queue == Some(true),
        select: |sel| sel.queue = Some(true),
        columns: |_| PSI_IO,
        available: |s| s.psi.io.is_some(),
        values: |_, s, out| psi_values(s.psi.io, s.seconds, out),
    },
    Report {
        table: Table::PsiMemory,
        flag: "-q ALL",
        title: "Memory pressure",
        name: "psi-mem",
        json: &["psi", "psi-mem"],
        item: None,
        source: Some("/proc/pressure/memory"),
        selected: |sel| sel.queue == Some(true),
        select: |sel| sel.queue = Some(true),
        columns: |_| PSI_MEMORY,
        available: |s| s.psi.memory.is_some(),
        values: |_, s, out| psi_values(s.psi.memory, s.seconds, out),
    },
];

fn psi_values(p: Option<crate::stats::PsiDelta>, seconds: f64, out: &mut Rows) {
    if let Some(p) = p {
        let l = p.levels.mean();
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
        let v: &[f64] = if sel.cpu == Some(true) {
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

    #[test]
    fn each_table_has_one_entry() {
        for r in REPORTS {
            assert_eq!(report(r.table).name, r.name);
            assert_eq!(REPORTS.iter().filter(|o| o.table == r.table).count(), 1);
        }
    }
}
