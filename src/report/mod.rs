//! Renderers. `report` decides what a sar report shows — which tables, in sar's order, with
//! which columns and rows — from interval statistics, and the submodules lay that out.
//! Every number comes from `stats`; nothing here computes a rate or reads /proc.

pub mod catalogue;
mod csv;
mod json;
mod jsonl;
mod number;
pub mod pidstat;
mod svg;
mod table;
pub mod top;
mod vmstat;

pub use catalogue::{Column, ItemColumn, Kind, Report, Rows, REPORTS};
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
    /// The process table at a moment, where processes were recorded (after that moment's
    /// sample). System reports ignore it.
    fn processes(&mut self, _table: &crate::store::procs::ProcessTable) -> io::Result<()> {
        Ok(())
    }
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
    /// `-n EDEV`
    pub net_edev: bool,
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
            net_edev: true,
        }
    }

    /// The tables to print, in sar's order (the catalogue's).
    pub fn tables(&self) -> Vec<Table> {
        catalogue::REPORTS
            .iter()
            .filter(|r| (r.selected)(self))
            .map(|r| r.table)
            .collect()
    }
}

/// One sar table: the name of a catalogue entry (`catalogue::report`).
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
    NetEdev,
    PsiCpu,
    PsiIo,
    PsiMemory,
}

/// A value in a table: a two-decimal number, or a whole number (a level in kB or a
/// count: an average of those prints rounded, as sar's `%.0f`).
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
    /// The table's catalogue entry.
    pub fn report(self) -> &'static Report {
        catalogue::report(self)
    }

    /// What the kernel must provide for this table; `None` for tables always available.
    pub fn source(self) -> Option<&'static str> {
        self.report().source
    }

    /// Whether `stats` has the data this table shows.
    pub fn available(self, stats: &IntervalStats) -> bool {
        (self.report().available)(stats)
    }

    /// The header of the item column (`CPU`, `DEV`, `IFACE`), if the table has items.
    pub fn item_header(self) -> Option<&'static str> {
        self.report().item.map(|i| i.sar)
    }

    /// sar's column names.
    pub fn columns(self, sel: &Selection) -> Vec<&'static str> {
        (self.report().columns)(sel)
            .iter()
            .filter_map(|c| c.sar)
            .collect()
    }

    /// The rows of this table for one interval (or an average of intervals): sar's columns
    /// only (sadf's extra keys are JSON's).
    pub fn rows(self, sel: &Selection, s: &IntervalStats) -> Vec<Row> {
        let mut values = Rows::default();
        self.values(sel, s, &mut values);
        let columns = (self.report().columns)(sel);
        values
            .iter()
            .map(|(item, values)| Row {
                item: item.map(str::to_string),
                cells: sar_cells(columns, values).collect(),
            })
            .collect()
    }

    /// The values of this table's rows for one interval (or an average of intervals),
    /// one per column sar and sadf have, into `rows` (cleared first).
    pub fn values(self, sel: &Selection, s: &IntervalStats, rows: &mut Rows) {
        rows.clear();
        (self.report().values)(sel, s, rows);
    }
}

/// The cells sar prints of a row's `values` (one per column of `columns`).
pub(crate) fn sar_cells<'a>(
    columns: &'a [Column],
    values: &'a [f64],
) -> impl Iterator<Item = Cell> + 'a {
    columns
        .iter()
        .zip(values)
        .filter(|(c, _)| c.sar.is_some())
        .map(|(c, &v)| cell(c.kind, v))
}

/// How a value of a column of `kind` prints.
pub(crate) fn cell(kind: Kind, v: f64) -> Cell {
    match kind {
        Kind::Whole => Cell::Whole(v),
        Kind::Rate | Kind::Percent | Kind::Real => Cell::Real(v),
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
    d.reported()
}
