//! sar's text layout: the banner, a header row per table, one row per item per interval,
//! and the `Average:` block.
//!
//! Columns are as sar prints them in the C locale: an 11-character time column, then each
//! field right-aligned in 9 characters after one space (`CPU` in 7), two decimals for
//! real numbers. A single one-row table prints its header once; several tables, or a table
//! with several rows per interval, print a blank line and the header before each interval,
//! as sar does.

use super::{number, Cell, Render, Row, Rows, Selection, Table};
use crate::stats::IntervalStats;
use crate::time::{banner_date, clock_hms, clock_label, Zone};
use std::fmt;
use std::io::{self, Write};

/// sar's first line: `Linux 6.1.0 (host) \t11/21/26 \t_x86_64_\t(2 CPU)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Banner {
    pub sysname: String,
    pub release: String,
    pub hostname: String,
    /// The date, already formatted (`MM/DD/YY`, or ISO when asked).
    pub date: String,
    pub machine: String,
    pub cpus: u32,
}

impl fmt::Display for Banner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {} ({}) \t{} \t_{}_\t({} CPU)",
            self.sysname, self.release, self.hostname, self.date, self.machine, self.cpus
        )
    }
}

/// Writes sar-style tables, interval after interval.
pub struct TableWriter<W: Write> {
    out: W,
    sel: Selection,
    tables: Vec<Table>,
    /// Decided at the first interval: print the header before every interval?
    repeat_headers: Option<bool>,
    /// A table has been printed since the banner (the next one is preceded by a blank line).
    printed: bool,
    /// A single one-row table prints its header again after this many intervals (sar's
    /// `lines / rows` live: the terminal's height less two).
    lines_per_header: u64,
    /// Intervals since that header.
    since_header: u64,
}

impl<W: Write> TableWriter<W> {
    pub fn new(out: W, sel: Selection) -> Self {
        let tables = sel.tables();
        TableWriter {
            out,
            sel,
            tables,
            repeat_headers: None,
            printed: false,
            lines_per_header: lines_per_header(),
            since_header: 0,
        }
    }

    /// Drop the tables whose data `stats` lacks (no PSI on this kernel, …) and return them.
    pub fn retain_available(&mut self, stats: &IntervalStats) -> Vec<Table> {
        let (keep, gone) = self.tables.iter().partition(|t| t.available(stats));
        self.tables = keep;
        gone
    }

    pub fn banner(&mut self, banner: &Banner) -> io::Result<()> {
        writeln!(self.out, "{banner}")?;
        writeln!(self.out)?;
        self.printed = false;
        Ok(())
    }

    /// One interval: `start` labels the header row, `end` the data rows.
    pub fn interval(&mut self, start: &str, end: &str, stats: &IntervalStats) -> io::Result<()> {
        let rows: Vec<(Table, Vec<Row>)> = self
            .tables
            .iter()
            .map(|&t| (t, t.rows(&self.sel, stats)))
            .collect();
        let repeat = *self.repeat_headers.get_or_insert_with(|| {
            // sar repeats -I's header even for the one `sum` row (print_irq_stats).
            rows.len() > 1 || rows.iter().any(|(t, r)| r.len() > 1 || repeats_in_file(*t))
        });
        let first = !self.printed || self.since_header >= self.lines_per_header;
        if first {
            self.since_header = 0;
        }
        self.since_header += 1;
        for (table, rows) in &rows {
            if repeat || first {
                self.header(start, *table)?;
            }
            self.rows(end, *table, rows)?;
        }
        self.out.flush()
    }

    /// The `Average:` block over `stats` (intervals added up).
    pub fn average(&mut self, stats: &IntervalStats) -> io::Result<()> {
        let repeat = self.repeat_headers.unwrap_or(true);
        for &table in &self.tables.clone() {
            let rows = table.rows(&self.sel, stats);
            let label = table.closing_label();
            if repeat || !self.printed {
                self.header(label, table)?;
            }
            self.rows(label, table, &rows)?;
        }
        self.out.flush()
    }

    /// One table of a boot segment of a recorded day, as `sar -f` prints it: its header
    /// once (unless `headed`: already printed, the rows streamed after it), the rows
    /// spooled while the segment was read, then its `Average:` rows.
    fn spooled_table(
        &mut self,
        start: &str,
        table: Table,
        spool: &mut Spool,
        average: &IntervalStats,
        headed: bool,
    ) -> io::Result<()> {
        if repeats_in_file(table) {
            // The spool holds each interval's own header.
            if self.printed {
                writeln!(self.out)?;
            }
            self.printed = true;
            spool.copy_to(&mut self.out)?;
            self.header("Average:", table)?;
            let rows = table.rows(&self.sel, average);
            return self.rows(table.closing_label(), table, &rows);
        }
        if !headed {
            self.header(start, table)?;
        }
        spool.copy_to(&mut self.out)?;
        let rows = table.rows(&self.sel, average);
        self.rows(table.closing_label(), table, &rows)
    }

    /// The `Max:` rows of `table` after its `Average:` (a roll-up tier's): the cells of
    /// columns that show one recorded level (`runq-sz`, `kbmemfree`, `ldavg-1`), which are
    /// that level's raw maximum; `-` in the others (rates, and columns worked out from
    /// several fields, whose maximum the fields' maxima do not give).
    fn peak_rows(&mut self, table: Table, rows: &[Row]) -> io::Result<()> {
        let exact = peak_columns(&self.sel, table);
        let rows: Vec<Row> = rows
            .iter()
            .map(|r| Row {
                item: r.item.clone(),
                cells: r
                    .cells
                    .iter()
                    .zip(exact.iter().chain(std::iter::repeat(&false)))
                    .map(|(&c, &e)| if e { c } else { Cell::Real(f64::NAN) })
                    .collect(),
            })
            .collect();
        self.rows("Max:", table, &rows)
    }

    /// A `LINUX RESTART` row: the machine booted again.
    pub fn restart(&mut self, at: &str, cpus: u32) -> io::Result<()> {
        if self.printed {
            writeln!(self.out)?;
        }
        writeln!(self.out, "{at:<11}  LINUX RESTART\t({cpus} CPU)")?;
        self.printed = true;
        self.out.flush()
    }

    /// A comment row (`sar -C`).
    pub fn comment(&mut self, at: &str, text: &str) -> io::Result<()> {
        write_comment(&mut self.out, at, text)?;
        self.out.flush()
    }

    fn header(&mut self, label: &str, table: Table) -> io::Result<()> {
        if self.printed {
            writeln!(self.out)?;
        }
        self.printed = true;
        let line = header_line(&self.sel, label, table);
        writeln!(self.out, "{line}")
    }

    fn rows(&mut self, label: &str, table: Table, rows: &[Row]) -> io::Result<()> {
        let style = RowStyle::of(&self.sel, table);
        write_rows(&mut self.out, label, table, &style, rows)
    }
}

/// Per sar column of `table`: whether it shows one recorded level field as it is (scaled),
/// so that its value from each level's maximum is the column's maximum.
fn peak_columns(sel: &Selection, table: Table) -> Vec<bool> {
    let level = |name: &str| {
        let Some((group, field)) = name.split_once('.') else {
            return false;
        };
        crate::sample::GROUPS
            .iter()
            .filter(|g| g.name == group)
            .flat_map(|g| g.fields)
            .any(|f| f.name == field && f.kind == crate::sample::Kind::Level)
    };
    (table.report().columns)(sel)
        .iter()
        .filter(|c| c.sar.is_some())
        .map(|c| matches!(c.from, [one] if level(one)))
        .collect()
}

/// Each cell of `rows` into the same item's row of `into` when larger; a new item added.
fn merge_peaks(into: &mut Vec<Row>, rows: Vec<Row>) {
    for r in rows {
        match into.iter_mut().find(|x| x.item == r.item) {
            Some(x) => {
                for (a, b) in x.cells.iter_mut().zip(&r.cells) {
                    if b.value() > a.value() {
                        *a = *b;
                    }
                }
            }
            None => into.push(r),
        }
    }
}

/// Whether `table` has rows in an interval without its data (`values` of an interval
/// with no data at all; `rows` is scratch).
fn rows_without_data(sel: &Selection, table: Table, rows: &mut Rows) -> bool {
    let empty = IntervalStats {
        seconds: 1.0,
        ..IntervalStats::default()
    };
    table.values(sel, &empty, rows);
    table.available(&empty) || !rows.is_empty()
}

/// An `HH:MM:SS` label as text.
fn hms_str(hms: &[u8; 8]) -> &str {
    std::str::from_utf8(hms).unwrap_or("??:??:??")
}

/// Whether sar prints the table's header before every interval, from the logs too (-I).
fn repeats_in_file(table: Table) -> bool {
    table.report().header == super::Header::EveryInterval
}

/// The lines of a table sar prints before it prints the header again (`get_win_height`):
/// the terminal's height less two when the output is a terminal, else 86400.
pub fn lines_per_header() -> u64 {
    use std::io::IsTerminal;
    const NOT_A_TERMINAL: u64 = 3600 * 24;
    if !io::stdout().is_terminal() {
        return NOT_A_TERMINAL;
    }
    match crossterm::terminal::size() {
        Ok((_, rows)) if rows > 2 => u64::from(rows) - 2,
        _ => NOT_A_TERMINAL,
    }
}

/// Bits sar's `-P ALL` sets in its CPU bitmap (`BITMAP_SIZE(NR_CPUS)` bytes of ones, for
/// sysstat's 8192 CPUs): what a per-CPU table adds to its count of lines per interval.
const ALL_CPUS_BITS: u64 = (8192 / 8 + 1) * 8;

/// What one interval of `table` adds to sar's count of lines between headers when reading
/// a file (`handle_curr_act_stats`): per-CPU tables count the bits of the CPU bitmap (one
/// per CPU `-P` lists, 8200 for `-P ALL`, 1 for the `all` row alone), other tables their
/// items in the record (here: the rows of the interval), at least one. A table is per CPU
/// when its catalogue entry's items are CPUs.
fn lines_of_interval(sel: &Selection, table: Table, rows: usize) -> u64 {
    use super::CpuList;
    let per_cpu = table.report().item.is_some_and(|i| i.sar == "CPU");
    if per_cpu {
        return match &sel.cpus {
            CpuList::Total => 1,
            CpuList::All => ALL_CPUS_BITS,
            CpuList::Some(list) => list.len() as u64,
        };
    }
    (rows as u64).max(1)
}

/// A table's header row, labelled with `label`.
fn header_line(sel: &Selection, label: &str, table: Table) -> String {
    let mut line = format!("{label:<11}");
    line.push_str(&header_tail(sel, table));
    line
}

/// A table's header row after its 11-character label.
fn header_tail(sel: &Selection, table: Table) -> String {
    {
        let mut line = String::new();
        let item = table.item_header();
        let last = table.item_last_in(sel);
        if let Some(item) = item.filter(|_| !last) {
            push_item(&mut line, table, item);
        }
        for c in table.columns(sel) {
            line.push(' ');
            line.push_str(&format!("{c:>9}"));
        }
        if let Some(item) = item.filter(|_| last) {
            line.push(' ');
            line.push_str(item);
        }
        line
    }
}

fn write_comment(out: &mut impl Write, at: &str, text: &str) -> io::Result<()> {
    writeln!(out, "{at:<11}  COM {text}")
}

fn write_rows(
    out: &mut impl Write,
    label: &str,
    table: Table,
    style: &RowStyle,
    rows: &[Row],
) -> io::Result<()> {
    let mut lines = Vec::with_capacity(256);
    let mut padded = Vec::with_capacity(11);
    number::push_str_left(&mut padded, label, 11);
    for row in rows {
        push_row(
            &mut lines,
            &padded,
            table,
            style,
            row.item.as_deref(),
            row.cells.iter().copied(),
        );
    }
    out.write_all(&lines)
}

/// How a table's rows are laid out beyond sar's defaults: the item last (-F, `-p`), the
/// decimals of real numbers (`--dec`), sizes and percentages for a human (`-h`).
#[derive(Debug, Clone, Default)]
struct RowStyle {
    last: bool,
    decimals: u8,
    /// Per sar column (empty: every column as it is).
    human: Vec<Human>,
}

impl RowStyle {
    fn of(sel: &Selection, table: Table) -> RowStyle {
        RowStyle {
            last: table.item_last_in(sel),
            decimals: sel.decimals.unwrap_or(2),
            human: if sel.human {
                human_columns(table, (table.report().columns)(sel))
            } else {
                Vec::new()
            },
        }
    }
}

/// How sar's `--human` prints a column: as it is, a percentage with its sign (`2.5%`), or
/// a size scaled by 1024s to a unit letter (`2.2G`) from the unit the value is in.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Human {
    Plain,
    Percent,
    /// The value times the factor is in `SIZE_UNITS[unit]`.
    Size {
        unit: usize,
        factor: f64,
    },
}

/// sysstat's unit letters: sectors, bytes, kB, MB, …
const SIZE_UNITS: &[u8] = b"sBkMGTPE";

/// The columns sar 12.6 prints for a human: every percentage; the kB of -r, -S and -H;
/// -d's kB/s and request size; -n DEV's kB/s (as bytes); -F's MB. Rates of other units
/// (-B's kB/s, -b's sectors) stay as they are, as in sar.
fn human_columns(table: Table, columns: &[super::Column]) -> Vec<Human> {
    use super::Kind;
    let size = |unit, factor| Human::Size { unit, factor };
    columns
        .iter()
        .filter(|c| c.sar.is_some())
        .map(|c| match (c.kind, table, c.unit) {
            (Kind::Percent, _, _) => Human::Percent,
            (_, Table::Memory | Table::Swap | Table::Hugepages, "kB") => size(2, 1.0),
            (_, Table::Disk, "kB" | "kB/s") => size(2, 1.0),
            (_, Table::NetDev, "kB/s") => size(1, 1024.0),
            (_, Table::Filesystems | Table::FsMount, "MB") => size(3, 1.0),
            _ => Human::Plain,
        })
        .collect()
}

/// One row as sar prints it, with its newline, appended to `lines`; `label` is already
/// padded to its 11 characters.
fn push_row(
    lines: &mut Vec<u8>,
    label: &[u8],
    table: Table,
    style: &RowStyle,
    item: Option<&str>,
    cells: impl Iterator<Item = Cell>,
) {
    let last = style.last;
    lines.extend_from_slice(label);
    if let Some(item) = item.filter(|_| !last) {
        push_item_bytes(lines, table, item);
    }
    for (i, cell) in cells.enumerate() {
        if cell.value().is_nan() {
            // A value not known (a `Max:` row's rate).
            lines.extend_from_slice(b"         -");
            continue;
        }
        match style.human.get(i) {
            Some(&h) if h != Human::Plain => push_human(lines, cell, h, style.decimals),
            _ => push_cell(lines, cell, style.decimals),
        }
    }
    if let Some(item) = item.filter(|_| last) {
        lines.push(b' ');
        lines.extend_from_slice(item.as_bytes());
    }
    lines.push(b'\n');
}

/// One table's rows of the boot segment being read, kept in an unnamed temporary file
/// until the segment ends: `sar -f` prints a segment table by table, and holding every
/// interval in memory instead would make memory grow with the length of the log.
/// Emptying it keeps the file's pages: the next segment writes over them (allocating
/// page cache and truncating were a tenth of a day's report), and only the first `len`
/// bytes count.
struct Spool {
    file: std::fs::File,
    /// Bytes not written to the file yet; rows are laid out straight into it.
    buf: Vec<u8>,
    /// Bytes of this segment in the file.
    len: u64,
    /// A header was spooled since the spool was last emptied.
    headed: bool,
    /// sar's count of lines since the table's header in this segment.
    lines: u64,
}

/// Bytes a spool gathers before writing them to its file (a day of 1-s rows made a
/// write call per 8 kB of every table with std's default).
const SPOOL_BUFFER: usize = 64 << 10;

impl Spool {
    fn new() -> io::Result<Spool> {
        Ok(Spool {
            file: tempfile::tempfile()?,
            // Room for an interval's rows past the mark, so that the buffer never grows.
            buf: Vec::with_capacity(SPOOL_BUFFER + (16 << 10)),
            len: 0,
            headed: false,
            lines: 0,
        })
    }

    /// Write what is gathered once there is enough of it.
    fn spill_if_full(&mut self) -> io::Result<()> {
        if self.buf.len() >= SPOOL_BUFFER {
            self.spill()?;
        }
        Ok(())
    }

    /// Once there is enough gathered: to `out` when `streamed` (the table's rows go
    /// straight to the output), else to the file.
    fn pass_on_if_full(&mut self, streamed: bool, out: &mut impl Write) -> io::Result<()> {
        if streamed && self.buf.len() >= SPOOL_BUFFER {
            out.write_all(&self.buf)?;
            self.buf.clear();
            return Ok(());
        }
        self.spill_if_full()
    }

    fn spill(&mut self) -> io::Result<()> {
        use std::os::unix::fs::FileExt;
        self.file.write_all_at(&self.buf, self.len)?;
        self.len += self.buf.len() as u64;
        self.buf.clear();
        Ok(())
    }

    /// Append what was spooled to `out`, and empty the spool.
    fn copy_to(&mut self, out: &mut impl Write) -> io::Result<()> {
        use std::io::{Read, Seek};
        self.spill()?;
        self.file.rewind()?;
        io::copy(&mut (&self.file).take(self.len), out)?;
        self.clear();
        Ok(())
    }

    fn clear(&mut self) {
        self.buf.clear();
        self.len = 0;
        self.headed = false;
        self.lines = 0;
    }
}

/// `push_item` into a byte line.
fn push_item_bytes(line: &mut Vec<u8>, table: Table, item: &str) {
    // Per-CPU tables (`-u`, `-n SOFT`, `-m CPU`) print the CPU in 8 characters, as sar
    // does.
    if table.item_header() == Some("CPU") {
        number::push_str_right(line, item, 8);
    } else {
        line.push(b' ');
        number::push_str_right(line, item, 9);
    }
}

fn push_item(line: &mut String, table: Table, item: &str) {
    // Per-CPU tables (`-u`, `-n SOFT`, `-m CPU`) print the CPU in 8 characters, as sar
    // does.
    if table.item_header() == Some("CPU") {
        line.push_str(&format!("{item:>8}"));
    } else {
        line.push(' ');
        line.push_str(&format!("{item:>9}"));
    }
}

/// A cell as sar prints it, after the space that separates it: `decimals` decimals (two
/// unless `--dec`), or a whole number rounded as `%9.0f` rounds (the mean of integer
/// levels: 133.67 tasks print 134; halves go to the even neighbour).
/// A cell as sar's `--human` prints it: one decimal (none with `--dec=0`), then `%` or the
/// size's unit letter, in the same 9 characters.
fn push_human(line: &mut Vec<u8>, cell: Cell, human: Human, decimals: u8) {
    use std::io::Write;
    let (Cell::Real(v) | Cell::Whole(v)) = cell;
    let d = usize::from(decimals.min(1));
    let _ = match human {
        Human::Size { unit, factor } => {
            let (mut v, mut unit) = (v * factor, unit);
            while v >= 1024.0 {
                v /= 1024.0;
                unit += 1;
            }
            let letter = SIZE_UNITS[unit.min(SIZE_UNITS.len() - 1)];
            write!(line, " {v:>8.d$}{}", char::from(letter))
        }
        Human::Percent | Human::Plain => write!(line, " {v:>8.d$}%"),
    };
}

fn push_cell(line: &mut Vec<u8>, cell: Cell, decimals: u8) {
    match cell {
        Cell::Real(v) if decimals != 2 => {
            use std::io::Write;
            // Rust rounds the exact binary value to the nearest, as printf's %9.*f does.
            let _ = write!(line, " {:>9.*}", usize::from(decimals), v);
        }
        Cell::Real(v) => number::push_sar_fixed2(line, v),
        Cell::Whole(v) => {
            let n = number::round_ties_even_small(v).unwrap_or_else(|| v.round_ties_even() as i64);
            number::push_sar_i64(line, n);
        }
    }
}

pub(crate) fn banner_for(host: &crate::sample::HostFacts, first_ns: i64, zone: Zone) -> Banner {
    Banner {
        sysname: host.sysname.clone(),
        release: host.release.clone(),
        hostname: host.hostname.clone(),
        date: banner_date(first_ns, zone),
        machine: host.machine.clone(),
        cpus: host.cpu_count,
    }
}

/// Intervals added up for an `Average:` block.
fn accumulate(avg: &mut Option<IntervalStats>, stats: &IntervalStats) {
    match avg {
        Some(a) => a.add(stats),
        None => *avg = Some(stats.clone()),
    }
}

/// sar's live layout: each interval printed as it ends, `Average:` at the end of the run
/// and before each `LINUX RESTART`.
pub struct LiveTable<W: Write> {
    w: TableWriter<W>,
    zone: Zone,
    average: Option<IntervalStats>,
    checked: bool,
    dropped: Vec<Table>,
}

impl<W: Write> LiveTable<W> {
    pub fn new(out: W, sel: Selection, zone: Zone) -> Self {
        LiveTable {
            w: TableWriter::new(out, sel),
            zone,
            average: None,
            checked: false,
            dropped: Vec::new(),
        }
    }

    fn averages(&mut self) -> io::Result<()> {
        match self.average.take() {
            Some(avg) => self.w.average(&avg),
            None => Ok(()),
        }
    }
}

impl<W: Write> Render for LiveTable<W> {
    fn begin(&mut self, host: &crate::sample::HostFacts, first_ns: i64) -> io::Result<()> {
        self.w.sel.on_host(host);
        self.w.banner(&banner_for(host, first_ns, self.zone))
    }

    fn interval(&mut self, stats: &IntervalStats) -> io::Result<()> {
        if !self.checked {
            self.w.sel.on_data(stats);
            self.dropped = self.w.retain_available(stats);
            self.checked = true;
        }
        let start = clock_label(stats.start_ns, self.zone);
        let end = clock_label(stats.end_ns, self.zone);
        self.w.interval(&start, &end, stats)?;
        accumulate(&mut self.average, stats);
        Ok(())
    }

    fn restart(&mut self, wall_ns: i64, cpus: u32) -> io::Result<()> {
        self.averages()?;
        self.w.restart(&clock_label(wall_ns, self.zone), cpus)
    }

    fn comment(&mut self, wall_ns: i64, text: &str) -> io::Result<()> {
        self.w.comment(&clock_label(wall_ns, self.zone), text)
    }

    fn finish(&mut self) -> io::Result<()> {
        self.averages()
    }

    fn unavailable(&self) -> Vec<Table> {
        self.dropped.clone()
    }
}

/// `sar -f`'s layout: for each boot, table by table, each with its rows and `Average:`.
/// Rows are spooled to temporary files per table while the segment is read, so memory
/// does not depend on the segment's length.
pub struct FileTable<W: Write> {
    w: TableWriter<W>,
    zone: Zone,
    start: Option<String>,
    /// One per selected table, in print order; created at the first interval.
    spools: Vec<(Table, Spool)>,
    average: Option<IntervalStats>,
    missing: Vec<Table>,
    /// Scratch, reused from interval to interval: a table's values.
    values: Rows,
    /// Per spool, in the same order: the header after its label, and whether the table
    /// has rows in an interval without its data (`-n SOFT`'s `all` row of zeros).
    header_tails: Vec<(String, bool)>,
    /// Per spool, in the same order: how its rows are laid out.
    styles: Vec<RowStyle>,
    /// sar prints a table's header again once this many lines are counted since the last.
    lines_per_header: u64,
    /// The last interval's end and its label: the next interval's start, usually.
    last_end: Option<(i64, [u8; 8])>,
    /// The first table's header is printed and its rows go to the output as they come,
    /// not through its spool's file: it prints first, and it has rows whatever the data
    /// (so it cannot turn out to be missing at the segment's end). Decided with the
    /// spools; set at a segment's first interval.
    stream_first: bool,
    streamed: bool,
    /// From a roll-up tier: per table, each item's largest values over the segment's
    /// intervals with their levels at the raw maxima (`Max:`).
    peaks: Vec<(Table, Vec<Row>)>,
}

impl<W: Write> FileTable<W> {
    pub fn new(out: W, sel: Selection, zone: Zone) -> Self {
        FileTable {
            w: TableWriter::new(out, sel),
            zone,
            start: None,
            spools: Vec::new(),
            average: None,
            missing: Vec::new(),
            values: Rows::default(),
            header_tails: Vec::new(),
            styles: Vec::new(),
            lines_per_header: lines_per_header(),
            last_end: None,
            stream_first: false,
            streamed: false,
            peaks: Vec::new(),
        }
    }

    /// `HH:MM:SS` of `ns`, the last interval's end label reused when it is the same time.
    fn label(&self, ns: i64) -> [u8; 8] {
        match self.last_end {
            Some((at, label)) if at == ns => label,
            _ => clock_hms(ns, self.zone),
        }
    }

    fn flush_segment(&mut self) -> io::Result<()> {
        if self.average.is_none() {
            // Comments of a segment without intervals: print them once, as they are.
            if let Some((_, spool)) = self.spools.first_mut() {
                spool.copy_to(&mut self.w.out)?;
            }
            self.spools.clear();
        }
        let streamed = std::mem::take(&mut self.streamed);
        if let (Some(start), Some(avg)) = (self.start.take(), self.average.take()) {
            for (i, (table, spool)) in self.spools.iter_mut().enumerate() {
                if table.available(&avg) {
                    let headed = i == 0 && streamed;
                    self.w.spooled_table(&start, *table, spool, &avg, headed)?;
                    if let Some((_, rows)) = self.peaks.iter().find(|(t, _)| t == table) {
                        self.w.peak_rows(*table, rows)?;
                    }
                } else {
                    spool.clear();
                    if !self.missing.contains(table) {
                        self.missing.push(*table);
                    }
                }
            }
            self.w.out.flush()?;
        }
        self.peaks.clear();
        Ok(())
    }
}

impl<W: Write> FileTable<W> {
    /// The spools of the segment being read, one per selected table.
    fn open_spools(&mut self) -> io::Result<()> {
        if self.spools.is_empty() {
            self.header_tails.clear();
            self.styles.clear();
            for &table in &self.w.tables {
                self.styles.push(RowStyle::of(&self.w.sel, table));
                self.spools.push((table, Spool::new()?));
                let tail = header_tail(&self.w.sel, table);
                let rows = rows_without_data(&self.w.sel, table, &mut self.values);
                self.header_tails.push((tail, rows));
            }
            self.stream_first = self.spools.first().is_some_and(|&(t, _)| {
                !repeats_in_file(t) && t.available(&IntervalStats::default())
            });
        }
        Ok(())
    }
}

impl<W: Write> Render for FileTable<W> {
    fn begin(&mut self, host: &crate::sample::HostFacts, first_ns: i64) -> io::Result<()> {
        self.w.sel.on_host(host);
        self.w.banner(&banner_for(host, first_ns, self.zone))
    }

    fn interval(&mut self, stats: &IntervalStats) -> io::Result<()> {
        self.start
            .get_or_insert_with(|| clock_label(stats.start_ns, self.zone));
        accumulate(&mut self.average, stats);
        if self.spools.is_empty() {
            self.w.sel.on_data(stats);
        }
        self.open_spools()?;
        let end_hms = self.label(stats.end_ns);
        let start_hms = self.label(stats.start_ns);
        self.last_end = Some((stats.end_ns, end_hms));
        let start = hms_str(&start_hms);
        // The rows' label: `HH:MM:SS` and 3 spaces (`{:<11}`).
        let mut end = [b' '; 11];
        end[..8].copy_from_slice(&end_hms);
        if self.stream_first && !self.streamed {
            // The segment's first interval: the first table's header, what was spooled
            // for it before (comments), then its rows as they come.
            if let (Some(label), Some((table, spool))) = (&self.start, self.spools.first_mut()) {
                self.w.header(label, *table)?;
                spool.copy_to(&mut self.w.out)?;
                self.streamed = true;
            }
        }
        for (i, (((table, spool), (tail, rows_without)), style)) in self
            .spools
            .iter_mut()
            .zip(&self.header_tails)
            .zip(&self.styles)
            .enumerate()
        {
            // -I's header every interval; the others' again after sar's count of lines.
            let again = spool.lines >= self.lines_per_header;
            if repeats_in_file(*table) || again {
                if spool.headed || again {
                    spool.buf.push(b'\n');
                }
                number::push_str_left(&mut spool.buf, start, 11);
                spool.buf.extend_from_slice(tail.as_bytes());
                spool.buf.push(b'\n');
                spool.headed = true;
                spool.lines = 0;
            }
            // An interval without the table's data has no rows for it (its `values` would
            // give none, most tables): skip the work.
            if !rows_without && !table.available(stats) {
                spool.spill_if_full()?;
                continue;
            }
            let columns = (table.report().columns)(&self.w.sel);
            table.values(&self.w.sel, stats, &mut self.values);
            spool.lines += lines_of_interval(&self.w.sel, *table, self.values.len());
            for (item, values) in self.values.iter() {
                push_row(
                    &mut spool.buf,
                    &end,
                    *table,
                    style,
                    item,
                    super::sar_cells(columns, values),
                );
            }
            spool.pass_on_if_full(i == 0 && self.streamed, &mut self.w.out)?;
        }
        Ok(())
    }

    fn peaks(&mut self, stats: &IntervalStats) -> io::Result<()> {
        for &table in &self.w.tables {
            if !table.available(stats) || table.closing_label() != "Average:" {
                continue;
            }
            let rows = table.rows(&self.w.sel, stats);
            match self.peaks.iter_mut().find(|(t, _)| *t == table) {
                Some((_, into)) => merge_peaks(into, rows),
                None => self.peaks.push((table, rows)),
            }
        }
        Ok(())
    }

    fn restart(&mut self, wall_ns: i64, cpus: u32) -> io::Result<()> {
        self.flush_segment()?;
        self.w.restart(&clock_label(wall_ns, self.zone), cpus)
    }

    /// A comment goes into every table at its time, between the rows, as `sar -C -f`
    /// prints it.
    fn comment(&mut self, wall_ns: i64, text: &str) -> io::Result<()> {
        self.open_spools()?;
        let at = clock_label(wall_ns, self.zone);
        for (i, (_, spool)) in self.spools.iter_mut().enumerate() {
            write_comment(&mut spool.buf, &at, text)?;
            // sar counts a comment once a table has lines since its header.
            if spool.lines > 0 {
                spool.lines += 1;
            }
            spool.pass_on_if_full(i == 0 && self.streamed, &mut self.w.out)?;
        }
        Ok(())
    }

    fn finish(&mut self) -> io::Result<()> {
        self.flush_segment()
    }

    fn unavailable(&self) -> Vec<Table> {
        self.missing.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Live, a single one-row table prints its header again once it has printed as many
    /// intervals as the terminal has rows less two (here 2), as sar does.
    #[test]
    fn live_header_again_after_a_screenful() {
        let mut sel = Selection::default();
        sel.ask(Table::Queue);
        let mut out = Vec::new();
        let mut w = TableWriter::new(&mut out, sel);
        w.lines_per_header = 2;
        let stats = IntervalStats {
            seconds: 1.0,
            ..IntervalStats::default()
        };
        for (start, end) in [("00:00:00", "00:00:01"), ("00:00:01", "00:00:02")] {
            w.interval(start, end, &stats).unwrap();
        }
        w.interval("00:00:02", "00:00:03", &stats).unwrap();
        let text = String::from_utf8(out).unwrap();
        let headers: Vec<&str> = text
            .lines()
            .filter(|l| l.contains("runq-sz"))
            .map(|l| &l[..8])
            .collect();
        assert_eq!(headers, ["00:00:00", "00:00:02"], "{text}");
    }

    /// `FileTable` skips a table's `values` in an interval its data is missing from,
    /// unless the table has rows then: only `-n SOFT` (an `all` row of zeros) does.
    #[test]
    fn tables_without_their_data_have_no_rows_but_softnet() {
        let sel = Selection::all();
        let mut rows = Rows::default();
        let with_rows: Vec<&str> = super::super::REPORTS
            .iter()
            .filter(|r| {
                let empty = IntervalStats::default();
                !r.table.available(&empty) && rows_without_data(&sel, r.table, &mut rows)
            })
            .map(|r| r.flag)
            .collect();
        assert_eq!(with_rows, ["-n SOFT"]);
        let always: Vec<&str> = super::super::REPORTS
            .iter()
            .filter(|r| r.table.available(&IntervalStats::default()))
            .map(|r| r.flag)
            .collect();
        assert_eq!(
            always,
            ["-u", "-w", "-d", "-n DEV", "-n EDEV", "-n NFS", "-n NFSD"]
        );
    }
}
