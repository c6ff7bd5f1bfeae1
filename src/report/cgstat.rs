//! `rsar cgstat`: pidstat's reports for cgroups — each interval a table per report (`-u`
//! CPU, `-r` memory, `-d` I/O, `--psi` pressure), a row per cgroup with the name derived
//! from its path and the path, then an `Average:` block per report over the cgroups still
//! there at the end — or the same as JSON, JSON lines or CSV. Also what `rsar cgtop`
//! shares: which cgroups a report shows (`CgroupFilter`), how a path and its name print,
//! and the limits a reader keeps (`LimitBook`, fed by `KeepingLimits`).
//!
//! A value the cgroup lacks (its controller is off, cgroup v1 has nothing that means the
//! same, no limit) is absent: `-` in a table, `null` in JSON, an empty CSV field; never 0.
//! Memory stays bounded by the number of cgroups: what a report keeps of a cgroup is
//! dropped once it is no longer in an interval.

use super::Render;
use crate::cgroup::name::Workload;
use crate::cgroup::{CgroupCounters, CgroupDeviceIo, CgroupLimits};
use crate::sample::{HostFacts, Sample};
use crate::source::{Event, Source, SourceError};
use crate::stats::{CgroupMemory, CgroupRates, IntervalStats, Over};
use crate::time::{clock_label, Zone};
use serde_json::{Map, Value};
use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::io::{self, Write};
use std::rc::Rc;

/// `--format` of the cgroup reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum CgroupFormat {
    /// pidstat's tables
    #[default]
    Table,
    /// one JSON document: the intervals, then the averages
    Json,
    /// one JSON object per interval, per line; the averages last
    Jsonl,
    /// RFC 4180 CSV with one header row, a row per cgroup per interval
    Csv,
}

/// Which cgroups a report shows.
#[derive(Debug, Clone, Default)]
pub struct CgroupFilter {
    /// Searched in the path as reports print it (`/system.slice/nginx.service`) and as
    /// rsadc's `--cgroup-include` takes it (`system.slice/nginx.service`): a match in
    /// either keeps the cgroup.
    pub pattern: Option<regex::Regex>,
    /// The deepest level shown: the root is 0, `system.slice` 1.
    pub depth: Option<usize>,
}

impl CgroupFilter {
    pub fn keeps(&self, path: &str) -> bool {
        self.depth.is_none_or(|d| depth(path) <= d)
            && self
                .pattern
                .as_ref()
                .is_none_or(|re| re.is_match(path) || re.is_match(&shown_path(path)))
    }
}

/// A cgroup's depth: the root is 0.
pub(crate) fn depth(path: &str) -> usize {
    path.split('/').filter(|p| !p.is_empty()).count()
}

/// A cgroup's path as reports print it: from the root, with a leading `/`.
pub(crate) fn shown_path(path: &str) -> String {
    format!("/{path}")
}

/// The NAME column: the container, pod or unit the path names, else `-`.
pub(crate) fn workload_name(path: &str) -> Option<String> {
    Workload::of(path).display()
}

/// The limits last seen of each cgroup present. rsadc records a cgroup's limits when it
/// appears, when they change, and at the start of each day's file; a reader keeps the
/// last it saw, and forgets those of cgroups that are gone.
#[derive(Debug, Default)]
pub struct LimitBook {
    by_key: HashMap<(String, u64), CgroupLimits>,
}

impl LimitBook {
    /// Learn what a sample says.
    pub fn see(&mut self, s: &Sample) {
        for l in &s.cgroup_limits {
            self.by_key.insert((l.path.clone(), l.inode), l.clone());
        }
        // Every entry is of a cgroup present when it was added: more entries than
        // cgroups means some are gone.
        if !s.cgroups.is_empty() && self.by_key.len() > s.cgroups.len() {
            let present: HashSet<(&str, u64)> = s
                .cgroups
                .iter()
                .map(|c| (c.path.as_str(), c.inode))
                .collect();
            self.by_key
                .retain(|(p, i), _| present.contains(&(p.as_str(), *i)));
        }
    }

    pub fn get(&self, path: &str, inode: u64) -> Option<&CgroupLimits> {
        self.by_key.get(&(path.to_string(), inode))
    }
}

/// A source whose samples feed a `LimitBook` on their way to the pipeline. The pipeline
/// reads no further than the sample it hands on, so the book is as of the interval a
/// renderer is given.
pub struct KeepingLimits {
    pub inner: Box<dyn Source>,
    pub book: Rc<RefCell<LimitBook>>,
}

impl Source for KeepingLimits {
    fn next(&mut self) -> Result<Option<Event>, SourceError> {
        let event = self.inner.next()?;
        if let Some(Event::Sample(s)) = &event {
            self.book.borrow_mut().see(s);
        }
        Ok(event)
    }
    fn origin(&self) -> (&HostFacts, i64) {
        self.inner.origin()
    }
    fn take_damage(&mut self) -> Vec<String> {
        self.inner.take_damage()
    }
    fn take_warnings(&mut self) -> Vec<String> {
        self.inner.take_warnings()
    }
    fn is_live(&self) -> bool {
        self.inner.is_live()
    }
}

/// What the columns of one cgroup show over an interval (or its average).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct CgroupValues {
    pub rates: CgroupRates,
    pub memory: CgroupMemory,
}

impl CgroupValues {
    pub fn of(d: &Over<CgroupCounters>, limits: Option<&CgroupLimits>) -> Self {
        CgroupValues {
            rates: CgroupRates::of(d),
            memory: CgroupMemory::of(d, limits),
        }
    }
}

/// One report of cgstat.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    Cpu,
    Memory,
    Io,
    Pressure,
}

/// A column: its header, width (with the space before it), whether it holds whole
/// numbers, and its value.
struct Column {
    name: &'static str,
    width: usize,
    whole: bool,
    value: fn(&CgroupValues) -> Option<f64>,
}

const fn col(name: &'static str, width: usize, value: fn(&CgroupValues) -> Option<f64>) -> Column {
    Column {
        name,
        width,
        whole: false,
        value,
    }
}

/// A column of whole numbers (kB, counts).
const fn whole(
    name: &'static str,
    width: usize,
    value: fn(&CgroupValues) -> Option<f64>,
) -> Column {
    Column {
        whole: true,
        ..col(name, width, value)
    }
}

const CPU: &[Column] = &[
    col("%usr", 8, |v| v.rates.usr_pct),
    col("%sys", 8, |v| v.rates.sys_pct),
    col("%CPU", 8, |v| v.rates.cpu_pct),
    col("%throttled", 11, |v| v.rates.throttled_pct),
];

const MEMORY: &[Column] = &[
    whole("kB_used", 12, |v| v.memory.used_kb),
    whole("kB_anon", 12, |v| v.memory.anon_kb),
    whole("kB_file", 12, |v| v.memory.file_kb),
    col("%limit", 8, |v| v.memory.limit_pct),
    whole("oomkills", 9, |v| v.memory.oom_kills),
];

const IO: &[Column] = &[
    col("rkB/s", 11, |v| v.rates.rkb_s),
    col("wkB/s", 11, |v| v.rates.wkb_s),
    col("r/s", 9, |v| v.rates.r_s),
    col("w/s", 9, |v| v.rates.w_s),
];

const PRESSURE: &[Column] = &[
    col("%scpu", 8, |v| v.rates.cpu_some_pct),
    col("%fcpu", 8, |v| v.rates.cpu_full_pct),
    col("%smem", 8, |v| v.rates.memory_some_pct),
    col("%fmem", 8, |v| v.rates.memory_full_pct),
    col("%sio", 8, |v| v.rates.io_some_pct),
    col("%fio", 8, |v| v.rates.io_full_pct),
];

impl Part {
    /// Its name in JSON and in CSV's column prefixes.
    fn key(self) -> &'static str {
        match self {
            Part::Cpu => "cpu",
            Part::Memory => "memory",
            Part::Io => "io",
            Part::Pressure => "pressure",
        }
    }

    fn columns(self) -> &'static [Column] {
        match self {
            Part::Cpu => CPU,
            Part::Memory => MEMORY,
            Part::Io => IO,
            Part::Pressure => PRESSURE,
        }
    }

    /// Nothing to show: every value 0 or absent (`-z` leaves the row out).
    fn idle(self, v: &CgroupValues) -> bool {
        self.columns()
            .iter()
            .all(|c| (c.value)(v).is_none_or(|x| x == 0.0))
    }
}

/// A value rounded as the tables print it (two decimals, or whole), for JSON.
fn json_number(v: Option<f64>, whole: bool) -> Value {
    let Some(v) = v.filter(|v| v.is_finite()) else {
        return Value::Null;
    };
    let v = if whole {
        v.round()
    } else {
        (v * 100.0).round() / 100.0
    };
    serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number)
}

/// A value as a table cell of `width` (with its leading space): `-` when absent.
fn push_cell(out: &mut Vec<u8>, v: Option<f64>, c: &Column) {
    out.push(b' ');
    match v.filter(|v| v.is_finite()) {
        None => super::number::push_str_right(out, "-", c.width - 1),
        Some(v) if c.whole => super::number::push_i64_right(out, v.round() as i64, c.width - 1),
        Some(v) => super::number::push_fixed2_right(out, v, c.width - 1),
    }
}

/// What `rsar cgstat` shows.
#[derive(Debug, Clone)]
pub struct CgstatOptions {
    /// The reports, in the order printed (at least one).
    pub parts: Vec<Part>,
    pub filter: CgroupFilter,
    /// `-z`: leave out the rows with nothing to show.
    pub omit_idle: bool,
    /// `--dev`: the I/O report a row per cgroup and device (JSON: each cgroup's
    /// `devices`; CSV: a `device` column, a row per device after its cgroup's).
    pub per_device: bool,
    pub format: CgroupFormat,
    pub zone: Zone,
}

/// A cgroup (or, with `device`, a cgroup on one device) in one interval's rows.
struct Row {
    path: String,
    inode: u64,
    name: Option<String>,
    /// The device's name, major and minor.
    device: Option<(String, u32, u32)>,
    values: CgroupValues,
}

/// A cgroup's device's key: the cgroup's path and inode, the device's numbers.
type DeviceKey = (String, u64, u32, u32);

/// The mean of a level over the time of the intervals that had it: each interval's
/// level weighs its seconds, so that the mean over a roll-up tier's intervals (each the
/// mean of its raw samples) is the mean over the raw ones.
#[derive(Debug, Clone, Copy, Default)]
struct Mean {
    sum: f64,
    seconds: f64,
}

impl Mean {
    fn add(&mut self, v: Option<f64>, seconds: f64) {
        if let Some(v) = v {
            self.sum += v * seconds;
            self.seconds += seconds;
        }
    }
    fn get(self) -> Option<f64> {
        (self.seconds > 0.0).then(|| self.sum / self.seconds)
    }
}

/// A cgroup over the run, for `Average:`: its counters summed over the intervals it was
/// in (rates are Σ over its own Σ seconds), its levels (and share of its limit) averaged.
struct RunTotal {
    sum: Over<CgroupCounters>,
    name: Option<String>,
    used: Mean,
    anon: Mean,
    file: Mean,
    limit: Mean,
    tasks: Mean,
}

impl RunTotal {
    fn values(&self) -> CgroupValues {
        let mut v = CgroupValues::of(&self.sum, None);
        v.memory.used_kb = self.used.get();
        v.memory.anon_kb = self.anon.get();
        v.memory.file_kb = self.file.get();
        v.memory.limit_pct = self.limit.get();
        v.memory.tasks = self.tasks.get();
        v
    }
}

/// The cgstat renderer.
pub struct Cgstat<W: Write> {
    out: W,
    opts: CgstatOptions,
    limits: Rc<RefCell<LimitBook>>,
    host: String,
    /// The cgroups of the last interval, each over the run, by (path, inode).
    totals: HashMap<(String, u64), RunTotal>,
    /// `--dev`: the devices of the cgroups of the last interval, each over the run.
    device_totals: HashMap<DeviceKey, Over<CgroupDeviceIo>>,
    first_ns: Option<i64>,
    last_ns: i64,
    seconds: f64,
    /// An interval had cgroups.
    saw_cgroups: bool,
    /// JSON: the document's opening, and an interval, written.
    opened: bool,
    wrote_interval: bool,
    line: Vec<u8>,
}

impl<W: Write> Cgstat<W> {
    pub fn new(out: W, opts: CgstatOptions, limits: Rc<RefCell<LimitBook>>) -> Self {
        Cgstat {
            out,
            opts,
            limits,
            host: String::new(),
            totals: HashMap::new(),
            device_totals: HashMap::new(),
            first_ns: None,
            last_ns: 0,
            seconds: 0.0,
            saw_cgroups: false,
            opened: false,
            wrote_interval: false,
            line: Vec::with_capacity(256),
        }
    }

    fn rows(&mut self, stats: &IntervalStats) -> Vec<Row> {
        let book = self.limits.borrow();
        let mut totals = HashMap::with_capacity(self.totals.len());
        let mut rows = Vec::new();
        for d in stats.cgroups.iter() {
            if !self.opts.filter.keeps(&d.path) {
                continue;
            }
            let values = CgroupValues::of(d, book.get(&d.path, d.inode));
            let key = (d.path.clone(), d.inode);
            let name = workload_name(&d.path);
            let mut t = match self.totals.remove(&key) {
                Some(mut t) => {
                    t.sum.add(d);
                    t
                }
                None => RunTotal {
                    sum: d.clone(),
                    name: name.clone(),
                    used: Mean::default(),
                    anon: Mean::default(),
                    file: Mean::default(),
                    limit: Mean::default(),
                    tasks: Mean::default(),
                },
            };
            let m = &values.memory;
            for (mean, v) in [
                (&mut t.used, m.used_kb),
                (&mut t.anon, m.anon_kb),
                (&mut t.file, m.file_kb),
                (&mut t.limit, m.limit_pct),
                (&mut t.tasks, m.tasks),
            ] {
                mean.add(v, d.seconds);
            }
            totals.insert(key, t);
            rows.push(Row {
                path: d.path.clone(),
                inode: d.inode,
                name,
                device: None,
                values,
            });
        }
        drop(book);
        // A cgroup not in this interval is gone: forgotten, as pidstat forgets a process.
        self.totals = totals;
        if self.opts.per_device {
            self.device_rows_into(stats, &mut rows);
        }
        rows
    }

    /// `--dev`: each shown cgroup's devices, in the interval's order, after the cgroups.
    fn device_rows_into(&mut self, stats: &IntervalStats, rows: &mut Vec<Row>) {
        let mut totals = HashMap::with_capacity(self.device_totals.len());
        for d in stats.cgroup_devices.iter() {
            if !self.opts.filter.keeps(&d.path) {
                continue;
            }
            let key = (d.path.clone(), d.inode, d.major, d.minor);
            let t = match self.device_totals.remove(&key) {
                Some(mut t) => {
                    t.add(d);
                    t
                }
                None => d.clone(),
            };
            totals.insert(key, t);
            rows.push(Self::device_row(d));
        }
        self.device_totals = totals;
    }

    fn device_row(d: &Over<CgroupDeviceIo>) -> Row {
        Row {
            path: d.path.clone(),
            inode: d.inode,
            name: workload_name(&d.path),
            device: Some((d.name.clone(), d.major, d.minor)),
            values: CgroupValues {
                rates: CgroupRates::of_device(d),
                memory: CgroupMemory::default(),
            },
        }
    }

    /// The rows of `Average:`, by path.
    fn average_rows(&self) -> Vec<Row> {
        let mut rows: Vec<Row> = self
            .totals
            .iter()
            .map(|((path, inode), t)| Row {
                path: path.clone(),
                inode: *inode,
                name: t.name.clone(),
                device: None,
                values: t.values(),
            })
            .chain(self.device_totals.values().map(Self::device_row))
            .collect();
        let key = |r: &Row| {
            let device = r.device.as_ref().map(|d| (d.1, d.2));
            (device.is_some(), r.path.clone(), r.inode, device)
        };
        rows.sort_by_key(key);
        rows
    }

    fn label(&self, ns: i64) -> String {
        clock_label(ns, self.opts.zone)
    }

    fn table(&mut self, start: &str, end: &str, rows: &[Row]) -> io::Result<()> {
        for part in self.opts.parts.clone() {
            // `--dev`: the I/O report's rows are the devices'.
            let by_device = part == Part::Io && self.opts.per_device;
            let shown: Vec<&Row> = rows
                .iter()
                .filter(|r| r.device.is_some() == by_device)
                .filter(|r| !(self.opts.omit_idle && part.idle(&r.values)))
                .collect();
            let device_width = shown
                .iter()
                .filter_map(|r| r.device.as_ref().map(|d| d.0.chars().count()))
                .max()
                .unwrap_or(0)
                .max(6);
            let name_width = shown
                .iter()
                .map(|r| r.name.as_deref().map_or(1, |n| n.chars().count()))
                .max()
                .unwrap_or(0)
                .max(4);
            self.line.clear();
            self.line.push(b'\n');
            self.line
                .extend_from_slice(format!("{start:<11}").as_bytes());
            for c in part.columns() {
                super::number::push_str_right(&mut self.line, c.name, c.width);
            }
            if by_device {
                self.line
                    .extend_from_slice(format!("  {:<device_width$}", "DEVICE").as_bytes());
            }
            self.line
                .extend_from_slice(format!("  {:<name_width$}  CGROUP\n", "NAME").as_bytes());
            for r in shown {
                self.line.extend_from_slice(format!("{end:<11}").as_bytes());
                for c in part.columns() {
                    push_cell(&mut self.line, (c.value)(&r.values), c);
                }
                if let Some((device, ..)) = &r.device {
                    self.line
                        .extend_from_slice(format!("  {device:<device_width$}").as_bytes());
                }
                let name = r.name.as_deref().unwrap_or("-");
                self.line.extend_from_slice(
                    format!("  {name:<name_width$}  {}\n", shown_path(&r.path)).as_bytes(),
                );
            }
            self.out.write_all(&self.line)?;
        }
        Ok(())
    }

    /// A row as a JSON object: path, name, inode, then each report's columns; with
    /// `--dev`, `devices`: each of `devices` (the rows of the cgroup's devices) as its
    /// name, numbers and I/O columns.
    fn json_row(&self, r: &Row, seconds: Option<f64>, devices: &[&Row]) -> Value {
        let mut o = Map::new();
        o.insert("path".into(), shown_path(&r.path).into());
        o.insert(
            "name".into(),
            r.name.clone().map_or(Value::Null, Value::String),
        );
        o.insert("inode".into(), r.inode.into());
        if let Some(s) = seconds {
            o.insert("seconds".into(), json_number(Some(s), false));
        }
        for part in &self.opts.parts {
            let mut p = Map::new();
            for c in part.columns() {
                p.insert(c.name.into(), json_number((c.value)(&r.values), c.whole));
            }
            o.insert(part.key().into(), Value::Object(p));
        }
        if self.opts.per_device {
            let devices = devices
                .iter()
                .filter_map(|d| {
                    let (name, major, minor) = d.device.as_ref()?;
                    let mut p = Map::new();
                    p.insert("device".into(), name.clone().into());
                    p.insert("major".into(), (*major).into());
                    p.insert("minor".into(), (*minor).into());
                    for c in IO {
                        p.insert(c.name.into(), json_number((c.value)(&d.values), c.whole));
                    }
                    Some(Value::Object(p))
                })
                .collect();
            o.insert("devices".into(), Value::Array(devices));
        }
        Value::Object(o)
    }

    /// The device rows of the cgroup of row `r`.
    fn devices_of<'a>(rows: &'a [Row], r: &Row) -> Vec<&'a Row> {
        rows.iter()
            .filter(|d| d.device.is_some() && d.path == r.path && d.inode == r.inode)
            .collect()
    }

    /// Shown in JSON and CSV: a cgroup's row (its devices go with it), not idle in
    /// every report under `-z`.
    fn kept(&self, r: &Row) -> bool {
        r.device.is_none()
            && (!self.opts.omit_idle || !self.opts.parts.iter().all(|p| p.idle(&r.values)))
    }

    fn timestamp(ns: i64) -> String {
        chrono::DateTime::from_timestamp_nanos(ns)
            .with_timezone(&chrono::Local)
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, false)
    }

    /// An interval (or the averages) as a JSON object.
    fn json_block(&self, kind: &str, end_ns: i64, seconds: f64, rows: &[Row], avg: bool) -> Value {
        let mut o = Map::new();
        o.insert("type".into(), kind.into());
        o.insert("timestamp".into(), Self::timestamp(end_ns).into());
        o.insert("interval".into(), json_number(Some(seconds), false));
        o.insert("host".into(), self.host.clone().into());
        let cgroups: Vec<Value> = rows
            .iter()
            .filter(|r| self.kept(r))
            .map(|r| {
                let own = avg
                    .then(|| self.totals.get(&(r.path.clone(), r.inode)))
                    .flatten()
                    .map(|t| t.sum.seconds);
                self.json_row(r, own, &Self::devices_of(rows, r))
            })
            .collect();
        o.insert("cgroups".into(), Value::Array(cgroups));
        Value::Object(o)
    }

    fn csv_header(&mut self) -> io::Result<()> {
        let prefix = self.opts.parts.len() > 1;
        let mut h = String::from("timestamp,interval,host,path,name");
        if self.opts.per_device {
            h.push_str(",device");
        }
        for part in &self.opts.parts {
            for c in part.columns() {
                h.push(',');
                if prefix {
                    h.push_str(part.key());
                    h.push(':');
                }
                h.push_str(c.name);
            }
        }
        write!(self.out, "{h}\r\n")
    }

    fn csv_rows(&mut self, end_ns: i64, seconds: f64, rows: &[Row]) -> io::Result<()> {
        let stamp = Self::timestamp(end_ns);
        let mut text = String::new();
        for cgroup in rows.iter().filter(|r| self.kept(r)) {
            let devices = match self.opts.per_device {
                true => Self::devices_of(rows, cgroup),
                false => Vec::new(),
            };
            for r in std::iter::once(cgroup).chain(devices) {
                let mut line = format!(
                    "{stamp},{},{},{},{}",
                    csv_field(&format_seconds(seconds)),
                    csv_field(&self.host),
                    csv_field(&shown_path(&r.path)),
                    csv_field(r.name.as_deref().unwrap_or(""))
                );
                if self.opts.per_device {
                    line.push(',');
                    line.push_str(&csv_field(r.device.as_ref().map_or("", |d| d.0.as_str())));
                }
                for part in &self.opts.parts {
                    for c in part.columns() {
                        line.push(',');
                        // A device's row has its I/O columns only.
                        let v = (c.value)(&r.values)
                            .filter(|_| r.device.is_none() || *part == Part::Io);
                        if let Value::Number(n) = json_number(v, c.whole) {
                            line.push_str(&n.to_string());
                        }
                    }
                }
                text.push_str(&line);
                text.push_str("\r\n");
            }
        }
        self.out.write_all(text.as_bytes())
    }

    fn write_json_line(&mut self, v: &Value) -> io::Result<()> {
        serde_json::to_writer(&mut self.out, v)?;
        self.out.write_all(b"\n")
    }
}

/// A CSV field, quoted when it must be (RFC 4180).
fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// An interval's length: whole seconds when whole.
fn format_seconds(s: f64) -> String {
    if (s - s.round()).abs() < 1e-9 {
        format!("{}", s.round() as i64)
    } else {
        format!("{s:.2}")
    }
}

impl<W: Write> Render for Cgstat<W> {
    fn begin(&mut self, host: &HostFacts, first_ns: i64) -> io::Result<()> {
        self.host = host.hostname.clone();
        match self.opts.format {
            CgroupFormat::Table => writeln!(
                self.out,
                "{}",
                super::table::banner_for(host, first_ns, self.opts.zone)
            ),
            CgroupFormat::Csv => self.csv_header(),
            CgroupFormat::Json | CgroupFormat::Jsonl => Ok(()),
        }
    }

    fn interval(&mut self, stats: &IntervalStats) -> io::Result<()> {
        if stats.cgroups.is_empty() {
            return Ok(());
        }
        self.saw_cgroups = true;
        self.first_ns.get_or_insert(stats.start_ns);
        self.last_ns = stats.end_ns;
        self.seconds += stats.seconds;
        let rows = self.rows(stats);
        match self.opts.format {
            CgroupFormat::Table => {
                let (start, end) = (self.label(stats.start_ns), self.label(stats.end_ns));
                self.table(&start, &end, &rows)?;
            }
            CgroupFormat::Jsonl => {
                let v = self.json_block("interval", stats.end_ns, stats.seconds, &rows, false);
                self.write_json_line(&v)?;
            }
            CgroupFormat::Json => {
                if !self.opened {
                    self.opened = true;
                    let head = serde_json::json!({ "host": self.host });
                    let head = head.to_string();
                    self.out
                        .write_all(head.strip_suffix('}').unwrap_or(&head).as_bytes())?;
                    self.out.write_all(b",\"intervals\":[")?;
                }
                if self.wrote_interval {
                    self.out.write_all(b",")?;
                }
                self.wrote_interval = true;
                let mut v = self.json_block("interval", stats.end_ns, stats.seconds, &rows, false);
                if let Value::Object(o) = &mut v {
                    o.remove("type");
                    o.remove("host");
                }
                serde_json::to_writer(&mut self.out, &v)?;
            }
            CgroupFormat::Csv => self.csv_rows(stats.end_ns, stats.seconds, &rows)?,
        }
        self.out.flush()
    }

    fn restart(&mut self, _wall_ns: i64, _cpus: u32) -> io::Result<()> {
        Ok(())
    }

    fn comment(&mut self, _: i64, _: &str) -> io::Result<()> {
        Ok(())
    }

    fn finish(&mut self) -> io::Result<()> {
        let rows = self.average_rows();
        match self.opts.format {
            CgroupFormat::Table if !self.saw_cgroups => writeln!(
                self.out,
                "\nno cgroups in the window (recorded with rsadc --no-cgroups, or no cgroup hierarchy mounted)"
            )?,
            CgroupFormat::Table => self.table("Average:", "Average:", &rows)?,
            CgroupFormat::Jsonl if self.saw_cgroups => {
                let v = self.json_block("average", self.last_ns, self.seconds, &rows, true);
                self.write_json_line(&v)?;
            }
            CgroupFormat::Jsonl | CgroupFormat::Csv => {}
            CgroupFormat::Json => {
                if !self.opened {
                    let head = serde_json::json!({ "host": self.host }).to_string();
                    self.out
                        .write_all(head.strip_suffix('}').unwrap_or(&head).as_bytes())?;
                    self.out.write_all(b",\"intervals\":[")?;
                }
                self.out.write_all(b"],\"average\":")?;
                let avg = self.json_block("average", self.last_ns, self.seconds, &rows, true);
                let mut cgroups = Value::Null;
                if let Value::Object(mut o) = avg {
                    if self.saw_cgroups {
                        o.remove("type");
                        o.remove("host");
                        cgroups = Value::Object(o);
                    }
                }
                serde_json::to_writer(&mut self.out, &cgroups)?;
                self.out.write_all(b"}\n")?;
            }
        }
        self.out.flush()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn the_filter_takes_the_path_with_or_without_its_slash_and_a_depth() {
        let f = CgroupFilter {
            pattern: Some(regex::Regex::new("^/system.slice/").unwrap()),
            depth: Some(2),
        };
        assert!(f.keeps("system.slice/nginx.service"));
        assert!(!f.keeps("system.slice/a.service/deeper"), "depth 3");
        assert!(!f.keeps("user.slice"));
        let g = CgroupFilter {
            pattern: Some(regex::Regex::new("^system").unwrap()),
            depth: None,
        };
        assert!(g.keeps("system.slice") && !g.keeps(""));
        assert!(CgroupFilter::default().keeps(""));
        assert_eq!((depth(""), depth("a"), depth("a/b")), (0, 1, 2));
    }

    /// A cgroup's limits are kept from the sample that gave them until it is gone; a
    /// cgroup created again under its path (another inode) has none until given.
    #[test]
    fn the_book_keeps_the_last_limits_of_the_cgroups_present() {
        let cg = |path: &str, inode| CgroupCounters {
            path: path.into(),
            inode,
            ..CgroupCounters::default()
        };
        let lim = |path: &str, inode, max| CgroupLimits {
            path: path.into(),
            inode,
            memory_max: Some(max),
            ..CgroupLimits::default()
        };
        let mut book = LimitBook::default();
        let mut s = Sample {
            cgroups: vec![cg("", 1), cg("a", 2), cg("b", 3)],
            cgroup_limits: vec![lim("a", 2, 100), lim("b", 3, 200)],
            ..Sample::default()
        };
        book.see(&s);
        s.cgroup_limits = vec![lim("a", 2, 150)];
        book.see(&s);
        assert_eq!(book.get("a", 2).unwrap().memory_max, Some(150));
        assert_eq!(book.get("b", 3).unwrap().memory_max, Some(200));
        s.cgroups = vec![cg("", 1), cg("b", 4)];
        s.cgroup_limits.clear();
        book.see(&s);
        assert!(
            book.get("b", 4).is_none(),
            "created again: not the old one's"
        );
        // No more limits kept than cgroups present.
        assert!(book.by_key.len() <= 2);
        s.cgroups = vec![cg("", 1)];
        book.see(&s);
        assert!(book.by_key.is_empty(), "{book:?}");
    }
}
