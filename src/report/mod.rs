//! Renderers. `report` decides what a sar report shows — which tables, in sar's order, with
//! which columns and rows — from interval statistics, and the submodules lay that out.
//! Every number comes from `stats`; nothing here computes a rate or reads /proc.

mod csv;
mod json;
mod jsonl;
mod svg;
mod table;
mod vmstat;

pub use table::{Banner, FileTable, LiveTable, TableWriter};
pub use vmstat::{Unit, Vmstat};

use crate::sample::HostFacts;
use crate::stats::IntervalStats;
use crate::time::Zone;
use std::io::{self, Write};

/// A renderer: receives the intervals of a report, with the restarts and comments between
/// them, and lays them out. It never computes a rate: everything comes from `stats`.
pub trait Render {
    /// Before anything else: the machine the data is from, and when it starts.
    fn begin(&mut self, host: &HostFacts, first_ns: i64) -> io::Result<()>;
    /// One interval between two samples.
    fn interval(&mut self, stats: &IntervalStats) -> io::Result<()>;
    /// The machine booted again: what follows is a new segment.
    fn restart(&mut self, wall_ns: i64, cpus: u32) -> io::Result<()>;
    /// A comment recorded in the logs (only passed on when asked for with -C).
    fn comment(&mut self, wall_ns: i64, text: &str) -> io::Result<()>;
    /// The end of the data (or Ctrl-C): averages, closing brackets, the chart.
    fn finish(&mut self) -> io::Result<()>;
    /// Tables the data had nothing for, to tell the user.
    fn unavailable(&self) -> Vec<Table> {
        Vec::new()
    }
}

/// `--format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Format {
    /// sar's tables
    #[default]
    Table,
    /// one document in the layout of sysstat's `sadf -j`
    Json,
    /// one JSON object per interval, per line
    Jsonl,
    /// RFC 4180 CSV with one header row
    Csv,
    /// a self-contained SVG with a chart per report
    Svg,
}

/// How a table report is laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// Live (and `--follow`): each interval printed as it ends.
    Streaming,
    /// From the logs: table by table for each boot, as `sar -f`.
    ByTable,
}

/// The renderer for `format`, writing to `out`.
pub fn renderer<'a, W: Write + 'a>(
    format: Format,
    layout: Layout,
    out: W,
    sel: &Selection,
    zone: Zone,
) -> Box<dyn Render + 'a> {
    match (format, layout) {
        (Format::Table, Layout::Streaming) => Box::new(LiveTable::new(out, sel.clone(), zone)),
        (Format::Table, Layout::ByTable) => Box::new(FileTable::new(out, sel.clone(), zone)),
        (Format::Json, _) => Box::new(json::Json::new(out, sel.clone())),
        (Format::Jsonl, _) => Box::new(jsonl::JsonLines::new(out, sel.clone())),
        (Format::Csv, _) => Box::new(csv::Csv::new(out, sel.clone())),
        (Format::Svg, _) => Box::new(svg::Svg::new(out, sel.clone(), zone)),
    }
}

/// Which CPUs `-P` asks for.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum CpuList {
    /// No `-P`: the `all` row only.
    #[default]
    Total,
    /// `-P ALL`: the `all` row and every online CPU.
    All,
    /// `-P N[,M…]`: those CPUs only.
    Some(Vec<usize>),
}

/// The reports asked for on the command line.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Selection {
    /// `-u` (false) or `-u ALL` (true).
    pub cpu: Option<bool>,
    pub cpus: CpuList,
    /// `-w`
    pub tasks: bool,
    /// `-W`
    pub swap_pages: bool,
    /// `-B`
    pub paging: bool,
    /// `-b`
    pub io: bool,
    /// `-r` (false) or `-r ALL` (true).
    pub memory: Option<bool>,
    /// `-S`
    pub swap: bool,
    /// `-q` (false) or `-q ALL` (true, adds pressure).
    pub queue: Option<bool>,
    /// `-d`
    pub disk: bool,
    /// `-n DEV`
    pub net_dev: bool,
}

impl Selection {
    /// `-A`: every report rsar has, with all columns, and every CPU.
    pub fn all() -> Self {
        Selection {
            cpu: Some(true),
            cpus: CpuList::All,
            tasks: true,
            swap_pages: true,
            paging: true,
            io: true,
            memory: Some(true),
            swap: true,
            queue: Some(true),
            disk: true,
            net_dev: true,
        }
    }

    /// The tables to print, in sar's order.
    pub fn tables(&self) -> Vec<Table> {
        let psi = self.queue == Some(true);
        [
            (self.cpu.is_some(), Table::Cpu),
            (self.tasks, Table::Tasks),
            (self.swap_pages, Table::SwapPages),
            (self.paging, Table::Paging),
            (self.io, Table::Io),
            (self.memory.is_some(), Table::Memory),
            (self.swap, Table::Swap),
            (self.queue.is_some(), Table::Queue),
            (self.disk, Table::Disk),
            (self.net_dev, Table::NetDev),
            (psi, Table::PsiCpu),
            (psi, Table::PsiIo),
            (psi, Table::PsiMemory),
        ]
        .into_iter()
        .filter_map(|(on, t)| on.then_some(t))
        .collect()
    }
}

/// One sar table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Table {
    Cpu,
    Tasks,
    SwapPages,
    Paging,
    Io,
    Memory,
    Swap,
    Queue,
    Disk,
    NetDev,
    PsiCpu,
    PsiIo,
    PsiMemory,
}

/// A value in a table: a two-decimal number, or a whole number (a level in kB or a
/// count: an average of those prints truncated, as sar does).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Cell {
    Real(f64),
    Whole(f64),
}

/// One row: the item it is about (CPU, device, interface), if the table has items.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub item: Option<String>,
    pub cells: Vec<Cell>,
}

impl Table {
    /// What the kernel must provide for this table; `None` for tables always available.
    pub fn source(self) -> Option<&'static str> {
        match self {
            Table::Cpu | Table::Tasks | Table::Io | Table::Disk | Table::NetDev => None,
            Table::SwapPages | Table::Paging => Some("/proc/vmstat"),
            Table::Memory | Table::Swap => Some("/proc/meminfo"),
            Table::Queue => Some("/proc/loadavg"),
            Table::PsiCpu => Some("/proc/pressure/cpu"),
            Table::PsiIo => Some("/proc/pressure/io"),
            Table::PsiMemory => Some("/proc/pressure/memory"),
        }
    }

    /// Whether `stats` has the data this table shows.
    pub fn available(self, stats: &IntervalStats) -> bool {
        match self {
            Table::Cpu | Table::Tasks | Table::Io | Table::Disk | Table::NetDev => true,
            Table::SwapPages => stats.swap_pages.is_some(),
            Table::Paging => stats.paging.is_some(),
            Table::Memory => stats.memory.is_some(),
            Table::Swap => stats.swap.is_some(),
            Table::Queue => stats.queue.is_some(),
            Table::PsiCpu => stats.psi.cpu.is_some(),
            Table::PsiIo => stats.psi.io.is_some(),
            Table::PsiMemory => stats.psi.memory.is_some(),
        }
    }

    /// The header of the item column (`CPU`, `DEV`, `IFACE`), if the table has items.
    pub fn item_header(self) -> Option<&'static str> {
        match self {
            Table::Cpu => Some("CPU"),
            Table::Disk => Some("DEV"),
            Table::NetDev => Some("IFACE"),
            _ => None,
        }
    }

    /// sar's column names.
    pub fn columns(self, sel: &Selection) -> &'static [&'static str] {
        match self {
            Table::Cpu if sel.cpu == Some(true) => &[
                "%usr", "%nice", "%sys", "%iowait", "%steal", "%irq", "%soft", "%guest", "%gnice",
                "%idle",
            ],
            Table::Cpu => &["%user", "%nice", "%system", "%iowait", "%steal", "%idle"],
            Table::Tasks => &["proc/s", "cswch/s"],
            Table::SwapPages => &["pswpin/s", "pswpout/s"],
            Table::Paging => &[
                "pgpgin/s",
                "pgpgout/s",
                "fault/s",
                "majflt/s",
                "pgfree/s",
                "pgscank/s",
                "pgscand/s",
                "pgsteal/s",
                "pgprom/s",
                "pgdem/s",
            ],
            Table::Io => &[
                "tps", "rtps", "wtps", "dtps", "bread/s", "bwrtn/s", "bdscd/s",
            ],
            Table::Memory if sel.memory == Some(true) => &[
                "kbmemfree",
                "kbavail",
                "kbmemused",
                "%memused",
                "kbbuffers",
                "kbcached",
                "kbcommit",
                "%commit",
                "kbactive",
                "kbinact",
                "kbdirty",
                "kbshmem",
                "kbanonpg",
                "kbslab",
                "kbkstack",
                "kbpgtbl",
                "kbvmused",
            ],
            Table::Memory => &[
                "kbmemfree",
                "kbavail",
                "kbmemused",
                "%memused",
                "kbbuffers",
                "kbcached",
                "kbcommit",
                "%commit",
                "kbactive",
                "kbinact",
                "kbdirty",
                "kbshmem",
            ],
            Table::Swap => &["kbswpfree", "kbswpused", "%swpused", "kbswpcad", "%swpcad"],
            Table::Queue => &[
                "runq-sz", "plist-sz", "ldavg-1", "ldavg-5", "ldavg-15", "blocked",
            ],
            Table::Disk => &[
                "tps", "rkB/s", "wkB/s", "dkB/s", "areq-sz", "aqu-sz", "await", "%util",
            ],
            Table::NetDev => &[
                "rxpck/s", "txpck/s", "rxkB/s", "txkB/s", "rxcmp/s", "txcmp/s", "rxmcst/s",
                "%ifutil",
            ],
            Table::PsiCpu => &["%scpu-10", "%scpu-60", "%scpu-300", "%scpu"],
            Table::PsiIo => &[
                "%sio-10", "%sio-60", "%sio-300", "%sio", "%fio-10", "%fio-60", "%fio-300", "%fio",
            ],
            Table::PsiMemory => &[
                "%smem-10",
                "%smem-60",
                "%smem-300",
                "%smem",
                "%fmem-10",
                "%fmem-60",
                "%fmem-300",
                "%fmem",
            ],
        }
    }

    /// The rows of this table for one interval (or an average of intervals).
    pub fn rows(self, sel: &Selection, s: &IntervalStats) -> Vec<Row> {
        use Cell::{Real, Whole};
        let one = |cells: Vec<Cell>| vec![Row { item: None, cells }];
        match self {
            Table::Cpu => cpu_rows(sel, s),
            Table::Tasks => one(vec![
                Real(s.rate(s.tasks.processes)),
                Real(s.rate(s.tasks.ctxt)),
            ]),
            Table::SwapPages => s.swap_pages.map_or_else(Vec::new, |w| {
                one(vec![Real(s.rate(w.pswpin)), Real(s.rate(w.pswpout))])
            }),
            Table::Paging => s.paging.map_or_else(Vec::new, |p| {
                let r = p.rates(s.seconds);
                one(vec![
                    Real(r.pgpgin),
                    Real(r.pgpgout),
                    Real(r.fault),
                    Real(r.majflt),
                    Real(r.pgfree),
                    Real(r.pgscank),
                    Real(r.pgscand),
                    Real(r.pgsteal),
                    Real(r.pgprom),
                    Real(r.pgdem),
                ])
            }),
            Table::Io => {
                let r = s.io();
                one(vec![
                    Real(r.tps),
                    Real(r.rtps),
                    Real(r.wtps),
                    Real(r.dtps),
                    Real(r.bread),
                    Real(r.bwrtn),
                    Real(r.bdscd),
                ])
            }
            Table::Memory => s.memory.map_or_else(Vec::new, |m| {
                let m = m.mean();
                let mut cells = vec![
                    Whole(m.memfree),
                    Whole(m.avail),
                    Whole(m.memused),
                    Real(m.memused_pct()),
                    Whole(m.buffers),
                    Whole(m.cached),
                    Whole(m.commit),
                    Real(m.commit_pct()),
                    Whole(m.active),
                    Whole(m.inact),
                    Whole(m.dirty),
                    Whole(m.shmem),
                ];
                if sel.memory == Some(true) {
                    cells.extend([
                        Whole(m.anonpg),
                        Whole(m.slab),
                        Whole(m.kstack),
                        Whole(m.pgtbl),
                        Whole(m.vmused),
                    ]);
                }
                one(cells)
            }),
            Table::Swap => s.swap.map_or_else(Vec::new, |w| {
                let w = w.mean();
                one(vec![
                    Whole(w.swpfree),
                    Whole(w.swpused),
                    Real(w.swpused_pct()),
                    Whole(w.swpcad),
                    Real(w.swpcad_pct()),
                ])
            }),
            Table::Queue => s.queue.map_or_else(Vec::new, |q| {
                let q = q.mean();
                one(vec![
                    Whole(q.runq_sz),
                    Whole(q.plist_sz),
                    Real(q.ldavg_1),
                    Real(q.ldavg_5),
                    Real(q.ldavg_15),
                    Whole(q.blocked),
                ])
            }),
            Table::Disk => s
                .disks
                .iter()
                .filter(|d| disk_shown(d))
                .map(|d| {
                    let r = d.rates(s.seconds);
                    Row {
                        item: Some(d.name.clone()),
                        cells: vec![
                            Real(r.tps),
                            Real(r.rkb),
                            Real(r.wkb),
                            Real(r.dkb),
                            Real(r.areq_sz),
                            Real(r.aqu_sz),
                            Real(r.await_ms),
                            Real(r.util),
                        ],
                    }
                })
                .collect(),
            Table::NetDev => s
                .net
                .iter()
                .map(|n| {
                    let r = n.rates(s.seconds);
                    Row {
                        item: Some(n.name.clone()),
                        cells: vec![
                            Real(r.rxpck),
                            Real(r.txpck),
                            Real(r.rxkb),
                            Real(r.txkb),
                            Real(r.rxcmp),
                            Real(r.txcmp),
                            Real(r.rxmcst),
                            Real(r.ifutil),
                        ],
                    }
                })
                .collect(),
            Table::PsiCpu => s.psi.cpu.map_or_else(Vec::new, |p| {
                let l = p.levels.mean();
                one(vec![
                    Real(l.some10),
                    Real(l.some60),
                    Real(l.some300),
                    Real(p.some_pct(s.seconds)),
                ])
            }),
            Table::PsiIo | Table::PsiMemory => {
                let p = if self == Table::PsiIo {
                    s.psi.io
                } else {
                    s.psi.memory
                };
                p.map_or_else(Vec::new, |p| {
                    let l = p.levels.mean();
                    one(vec![
                        Real(l.some10),
                        Real(l.some60),
                        Real(l.some300),
                        Real(p.some_pct(s.seconds)),
                        Real(l.full10),
                        Real(l.full60),
                        Real(l.full300),
                        Real(p.full_pct(s.seconds)),
                    ])
                })
            }
        }
    }
}

/// A number in few characters, where sar's two decimals do not fit (chart axes, the
/// interactive screen): 12.3M, 45.6k, 1234, 56.7, 0.25.
pub fn compact(v: f64) -> String {
    if !v.is_finite() {
        return "-".into();
    }
    if v.abs() >= 1e6 {
        compact(v / 1e6) + "M"
    } else if v.abs() >= 1e4 {
        compact(v / 1e3) + "k"
    } else if v.fract() == 0.0 || v.abs() >= 100.0 {
        format!("{v:.0}")
    } else if v.abs() >= 10.0 {
        format!("{v:.1}")
    } else {
        format!("{v:.2}")
            .trim_end_matches('0')
            .trim_end_matches('.')
            .to_string()
    }
}

/// `-d` shows whole devices that have done I/O since boot, as sar does.
pub(crate) fn disk_shown(d: &crate::stats::DiskDelta) -> bool {
    d.whole && d.ever_used
}

fn cpu_rows(sel: &Selection, s: &IntervalStats) -> Vec<Row> {
    let row = |item: String, d: &crate::stats::CpuDelta| {
        let u = d.util();
        let cells = if sel.cpu == Some(true) {
            vec![
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
            ]
        } else {
            vec![u.user, u.nice, u.system, u.iowait, u.steal, u.idle]
        };
        Row {
            item: Some(item),
            cells: cells.into_iter().map(Cell::Real).collect(),
        }
    };
    let per_cpu = |n: usize| s.cpu.per_cpu.get(n).copied().flatten();
    let mut rows = Vec::new();
    match &sel.cpus {
        CpuList::Total => rows.push(row("all".into(), &s.cpu.all)),
        CpuList::All => {
            rows.push(row("all".into(), &s.cpu.all));
            for n in 0..s.cpu.per_cpu.len() {
                if let Some(d) = per_cpu(n) {
                    rows.push(row(n.to_string(), &d));
                }
            }
        }
        CpuList::Some(list) => {
            for &n in list {
                if let Some(d) = per_cpu(n) {
                    rows.push(row(n.to_string(), &d));
                }
            }
        }
    }
    rows
}
