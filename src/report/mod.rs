//! Renderers. `report` decides what a sar report shows — which tables, in sar's order, with
//! which columns and rows — from interval statistics, and the submodules lay that out.
//! Every number comes from `stats`; nothing here computes a rate or reads /proc.

pub mod catalogue;
pub mod cgstat;
pub mod cgtop;
mod csv;
pub mod html;
mod json;
mod jsonl;
mod number;
pub mod pidstat;
mod svg;
mod table;
pub mod top;
mod vmstat;

pub use catalogue::{
    ChartKind, Column, Header, Idle, ItemColumn, ItemFilter, ItemPlace, Kind, Report, Rows, REPORTS,
};
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
    /// From a roll-up tier, right after `interval`: the same interval with each level at
    /// its maximum over the raw samples it stands for (`sar -f`'s `Max:` rows).
    fn peaks(&mut self, _stats: &IntervalStats) -> io::Result<()> {
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

/// The sysstat release whose columns and formulas rsar follows where releases differ:
/// `-r` (12.6 has no `kbshmem`, and counts `kbmemused` as MemTotal − MemFree − Buffers −
/// Cached − Slab), `-B` (12.6 ends with `%vmeff` where 12.7.5+ has `pgprom/s pgdem/s`) and
/// `-n ETCP` (12.6 names `retrseg/s` `retrans/s`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SarVersion {
    /// sysstat 12.6 (Debian 12, Ubuntu 22.04 to 24.04).
    V12_6,
    /// sysstat 12.7.8 and later.
    #[default]
    V12_7_8,
}

impl SarVersion {
    /// `12.6` or `12.7.8` (later 12.7 and 12.8 releases print these reports as 12.7.8).
    pub fn parse(s: &str) -> Option<SarVersion> {
        match s {
            "12.6" | "12.6.0" | "12.6.1" | "12.6.2" => Some(SarVersion::V12_6),
            "12.7.8" | "12.7" | "12.8" | "latest" => Some(SarVersion::V12_7_8),
            _ => None,
        }
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

/// A set of catalogue entries (by `Table`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ReportSet(u64);

impl ReportSet {
    fn bit(table: Table) -> u64 {
        1 << (table as u32)
    }

    pub fn contains(self, table: Table) -> bool {
        self.0 & Self::bit(table) != 0
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    fn insert(&mut self, table: Table) {
        self.0 |= Self::bit(table);
    }

    fn remove(&mut self, table: Table) {
        self.0 &= !Self::bit(table);
    }

    /// The entries of the set, in the catalogue's order (sar's).
    pub fn reports(self) -> impl Iterator<Item = &'static Report> {
        catalogue::REPORTS
            .iter()
            .filter(move |r| self.contains(r.table))
    }
}

/// The reports asked for on the command line, and how they are to be shown.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Selection {
    /// The catalogue entries asked for (`ask`).
    reports: ReportSet,
    /// Those asked for with all their columns (`-u ALL`, `-r ALL`, `-A`).
    wide: ReportSet,
    pub cpus: CpuList,
    /// `-I` (and `--int=`): which interrupt lines `-I` shows.
    pub interrupts: IrqFilter,
    /// `--dev=`, `--iface=`, `--fs=`: the items the reports declaring each filter show
    /// (all when absent).
    filters: Vec<(ItemFilter, Vec<String>)>,
    /// `-z`: leave out the rows of items idle over the interval, in reports whose items
    /// say so (`Idle::Omitted`).
    pub omit_idle: bool,
    /// CPUs of the machine the data is from (0 until a renderer begins), never more than
    /// its records hold (once a renderer has seen them): `-I -P ALL`'s columns.
    pub host_cpus: u32,
    /// The CPU count the data's header claims (`on_host`).
    pub cpus_claimed: u32,
    /// `-j`: block devices' persistent names, by kernel name (sorted by it).
    pub disk_names: Option<Vec<(String, String)>>,
    /// `--human` (and `-h`): sizes with a unit letter (2.2G) and percentages with their
    /// sign, as sar prints them for a human.
    pub human: bool,
    /// `--dec`: decimals of the real numbers in sar's tables (0, 1 or 2; two without it).
    pub decimals: Option<u8>,
    /// `--sar-version`: whose columns and formulas `-r`, `-B` and `-n ETCP` follow.
    pub sar_version: SarVersion,
    /// `-p`/`--pretty`: the device, interface or interrupt name last in each row, as sar
    /// prints it then.
    pub pretty: bool,
}

impl Selection {
    /// The name `-d` prints for a block device: its persistent name with `-j`, where it
    /// has one, else the kernel's.
    pub fn disk_name<'a>(&'a self, kernel: &'a str) -> &'a str {
        self.disk_names
            .as_ref()
            .and_then(|names| {
                let i = names
                    .binary_search_by(|(k, _)| k.as_str().cmp(kernel))
                    .ok()?;
                names.get(i).map(|(_, p)| p.as_str())
            })
            .unwrap_or(kernel)
    }

    /// `-A`: every report rsar has (but those replacing another, as `-F MOUNT`), with all
    /// columns, every interrupt line, and every CPU.
    pub fn all() -> Self {
        let mut sel = Selection {
            cpus: CpuList::All,
            interrupts: IrqFilter {
                all: true,
                ..IrqFilter::default()
            },
            ..Selection::default()
        };
        for r in catalogue::REPORTS.iter().filter(|r| r.instead_of.is_none()) {
            sel.ask(r.table);
            sel.wide.insert(r.table);
        }
        sel
    }

    /// Ask for a report. One that another replaces (`-F` after `-F MOUNT`) stays replaced;
    /// one that replaces another (`-F MOUNT`) drops it.
    pub fn ask(&mut self, table: Table) {
        let replaced = catalogue::REPORTS
            .iter()
            .any(|r| r.instead_of == Some(table) && self.reports.contains(r.table));
        if replaced {
            return;
        }
        if let Some(other) = table.report().instead_of {
            self.reports.remove(other);
        }
        self.reports.insert(table);
    }

    /// Ask for a report with all its columns (`-u ALL`, `-r ALL`).
    pub fn ask_all_columns(&mut self, table: Table) {
        self.ask(table);
        self.wide.insert(table);
    }

    /// Whether the report was asked for.
    pub fn asks(&self, table: Table) -> bool {
        self.reports.contains(table)
    }

    /// Whether the report was asked for with all its columns.
    pub fn all_columns(&self, table: Table) -> bool {
        self.wide.contains(table)
    }

    /// The reports asked for.
    pub fn reports(&self) -> ReportSet {
        self.reports
    }

    /// Show only these items in the reports that declare `filter` (`--dev=vda,sdb`).
    pub fn keep_only(&mut self, filter: ItemFilter, items: Vec<String>) {
        self.filters.retain(|(f, _)| *f != filter);
        self.filters.push((filter, items));
    }

    /// The items `filter` names, if it was given.
    pub fn kept(&self, filter: ItemFilter) -> Option<&[String]> {
        self.filters
            .iter()
            .find(|(f, _)| *f == filter)
            .map(|(_, items)| items.as_slice())
    }

    /// Learn the machine's facts the columns depend on (called by each renderer's `begin`).
    pub fn on_host(&mut self, host: &HostFacts) {
        self.host_cpus = host.cpu_count;
        self.cpus_claimed = host.cpu_count;
    }

    /// Learn the CPUs the records hold (called by each renderer with the first interval
    /// it sizes columns for, before it sizes anything by CPU). The header's count is only
    /// a claim: a column is made for each CPU it claims that the records hold, so a
    /// damaged header cannot make a report of two CPUs print thousands of columns.
    pub fn on_data(&mut self, s: &IntervalStats) {
        let irq = s.interrupts.as_ref().map_or(0, |i| i.sum.per_cpu.len());
        let held = u32::try_from(s.cpu.per_cpu.len().max(irq)).unwrap_or(u32::MAX);
        self.host_cpus = self.cpus_claimed.min(held);
    }

    /// The tables to print, in sar's order (the catalogue's).
    pub fn tables(&self) -> Vec<Table> {
        self.reports.reports().map(|r| r.table).collect()
    }
}

/// Which interrupt lines `-I` shows: `-I SUM` the `sum` row, `-I ALL` every line and
/// `sum`, `-I 0,3,LOC` or `--int=0,30-50,4000-,LOC,sum` the lines named (numbers, ranges
/// of numbers, open ranges, names; `sum` is the total row).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct IrqFilter {
    pub all: bool,
    pub picks: Vec<IrqPick>,
}

/// One element of an interrupt list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IrqPick {
    /// A name (`LOC`, `sum`, or a number written as it is).
    Name(String),
    /// Numbered lines from..=to (`to` open: `4000-`).
    Range(u64, Option<u64>),
}

impl IrqFilter {
    /// Parse `SUM`, `ALL` or a list (`0,3,30-50,4000-,LOC,sum`); `None` names the bad part.
    pub fn parse(list: &str) -> Result<IrqFilter, String> {
        let mut f = IrqFilter::default();
        f.add(list)?;
        Ok(f)
    }

    /// Add a list's lines to this filter.
    pub fn add(&mut self, list: &str) -> Result<(), String> {
        for part in list.split(',') {
            match part {
                "ALL" => self.all = true,
                "SUM" | "sum" => self.picks.push(IrqPick::Name("sum".into())),
                "" => return Err(format!("an empty interrupt in {list:?}")),
                _ => match part.split_once('-') {
                    Some((a, b)) if a.bytes().all(|c| c.is_ascii_digit()) && !a.is_empty() => {
                        let bad = || format!("not an interrupt range: {part:?}");
                        let a = a.parse().map_err(|_| bad())?;
                        let b = if b.is_empty() {
                            None
                        } else {
                            Some(b.parse().map_err(|_| bad())?)
                        };
                        self.picks.push(IrqPick::Range(a, b));
                    }
                    _ => self.picks.push(IrqPick::Name(part.to_string())),
                },
            }
        }
        Ok(())
    }

    /// Whether the line (or `sum`) is shown.
    pub fn shows(&self, name: &str) -> bool {
        if self.all {
            return true;
        }
        let number = name.parse::<u64>().ok();
        self.picks.iter().any(|p| match p {
            IrqPick::Name(n) => n == name,
            IrqPick::Range(a, b) => number.is_some_and(|v| v >= *a && b.is_none_or(|b| v <= b)),
        })
    }
}

/// One sar table: the name of a catalogue entry (`catalogue::report`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Table {
    Cpu,
    Tasks,
    Interrupts,
    SwapPages,
    Paging,
    Io,
    Memory,
    Swap,
    Hugepages,
    Ktables,
    Queue,
    Serial,
    Disk,
    NetDev,
    NetEdev,
    NetNfs,
    NetNfsd,
    NetSock,
    NetIp,
    NetEip,
    NetIcmp,
    NetEicmp,
    NetTcp,
    NetEtcp,
    NetUdp,
    NetSock6,
    NetIp6,
    NetEip6,
    NetIcmp6,
    NetEicmp6,
    NetUdp6,
    NetFc,
    NetSoft,
    CpuFreq,
    Filesystems,
    FsMount,
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

impl Cell {
    pub fn value(self) -> f64 {
        match self {
            Cell::Real(v) | Cell::Whole(v) => v,
        }
    }
}

/// One row: the item it is about (CPU, device, interface), if the table has items.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub item: Option<String>,
    pub cells: Vec<Cell>,
}

impl Table {
    /// Where the item column sits in sar's rows (`First` for reports without items).
    fn item_place(self) -> ItemPlace {
        self.report().item.map_or(ItemPlace::First, |i| i.place)
    }

    /// Whether the item column comes last with this selection: -F's always, and with
    /// `-p` those that move then (-d, -n DEV, -n EDEV and -I).
    pub fn item_last_in(self, sel: &Selection) -> bool {
        match self.item_place() {
            ItemPlace::First => false,
            ItemPlace::LastWhenPretty => sel.pretty,
            ItemPlace::Last | ItemPlace::LastLevels => true,
        }
    }

    /// The label of the rows closing a segment: sar's -F prints `Summary:` (the last
    /// levels), every other report `Average:`.
    pub fn closing_label(self) -> &'static str {
        if self.item_place() == ItemPlace::LastLevels {
            "Summary:"
        } else {
            "Average:"
        }
    }

    /// The table's catalogue entry.
    pub fn report(self) -> &'static Report {
        catalogue::report(self)
    }

    /// What the kernel must provide for this table; `None` for tables always available.
    pub fn source(self) -> Option<&'static str> {
        self.report().source
    }

    /// The line telling the user that this table had nothing in what a source read:
    /// `live`, from this machine's kernel now; otherwise from a recording.
    pub fn lacking(self, live: bool) -> String {
        let r = self.report();
        if live {
            let source = r.source.unwrap_or("the kernel");
            format!(
                "{} ({}) not available: {source} is missing or unreadable",
                r.flag, r.title
            )
        } else {
            let source = r.source.unwrap_or("its source");
            format!(
                "{} ({}): not in the log (the recording machine lacked {source}, or the collector left it out)",
                r.flag, r.title
            )
        }
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
    /// `--dev=`, `--iface=`, `--fs=` and `-z` applied: every renderer takes its rows from here.
    pub fn values(self, sel: &Selection, s: &IntervalStats, rows: &mut Rows) {
        rows.clear();
        (self.report().values)(sel, s, rows);
        // Keep only the items --dev=, --iface= or --fs= name, and under -z drop idle rows.
        let item = self.report().item;
        let list = item.and_then(|i| sel.kept(i.filter?));
        let omit_idle = sel.omit_idle && item.is_some_and(|i| i.idle == Idle::Omitted);
        if list.is_none() && !omit_idle {
            return;
        }
        rows.retain(|item, values| {
            let named = list.is_none_or(|l| item.is_some_and(|i| l.iter().any(|n| n == i)));
            let idle = omit_idle && item.is_some() && values.iter().all(|&v| v == 0.0);
            named && !idle
        });
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

/// User names by uid, looked up once each (pidstat's `-U`, top's USER column).
#[derive(Debug, Default)]
pub(crate) struct UserNames(std::collections::HashMap<u32, String>);

impl UserNames {
    /// The name of `uid`, or `ProcessCounters::uid_text` when the system has no such user.
    pub(crate) fn name(&mut self, uid: u32) -> &str {
        self.0.entry(uid).or_insert_with(|| {
            nix::unistd::User::from_uid(nix::unistd::Uid::from_raw(uid))
                .ok()
                .flatten()
                .map_or_else(
                    || crate::process::ProcessCounters::uid_text(uid),
                    |u| u.name,
                )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `ReportSet` holds a bit per catalogue entry: every entry's `Table` fits, and asking
    /// for each entry alone selects that entry alone.
    #[test]
    fn every_entry_has_its_bit_in_a_report_set() {
        for r in REPORTS {
            assert!((r.table as u32) < u64::BITS, "{}", r.flag);
            let mut sel = Selection::default();
            sel.ask(r.table);
            assert_eq!(sel.tables(), [r.table], "{}", r.flag);
        }
    }

    /// `-F MOUNT` replaces `-F` whichever comes first, and `-A` asks for `-F`.
    #[test]
    fn a_report_asked_instead_of_another_replaces_it() {
        let mut sel = Selection::default();
        sel.ask(Table::Filesystems);
        sel.ask(Table::FsMount);
        assert_eq!(sel.tables(), [Table::FsMount]);
        sel.ask(Table::Filesystems);
        assert_eq!(sel.tables(), [Table::FsMount]);
        let all = Selection::all();
        assert!(all.asks(Table::Filesystems) && !all.asks(Table::FsMount));
    }
}
