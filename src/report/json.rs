//! `--format json`: one document in the layout and with the key names of sysstat's
//! `sadf -j`, streamed: the header first, each interval as it ends, the restarts and
//! comments and closing brackets at the end (Ctrl-C included). Each activity's member is
//! laid out from its catalogue entry (`json` path, item key, columns' sadf keys), once
//! per run (`Activities`); an interval is then written straight from the reports' rows,
//! with the bytes serde_json gave for the same values (strings escaped by serde_json,
//! numbers with `number`'s digits), which the tests check against serde_json itself.

use super::{Cell, Column, Render, Rows, Selection, Table};
use crate::sample::HostFacts;
use crate::stats::IntervalStats;
use serde_json::{Map, Value};
use std::io::{self, Write};

/// A number as sadf prints it: two decimals, or a whole number.
pub(super) fn number(c: Cell) -> String {
    match c {
        Cell::Real(v) if v.is_finite() => format!("{v:.2}"),
        Cell::Real(_) => "0.00".into(),
        Cell::Whole(v) => format!("{}", v.round_ties_even() as i64),
    }
}

/// An interval length in seconds: whole when it is whole.
pub(super) fn seconds(s: f64) -> String {
    if (s - s.round()).abs() < 1e-9 {
        format!("{}", s.round() as i64)
    } else {
        format!("{s:.2}")
    }
}

/// How sadf's statistics object is laid out for a selection, worked out once from the
/// catalogue: which member goes under which key, in which order, and how each report's
/// row object nests its dotted keys (`io-reads.rtps`). Each interval is then written
/// straight from the reports' rows, without building a tree of values.
///
/// Reports sharing a path (`-r` and `-S` in `memory`) are adjacent in the catalogue and
/// merge into one object; a report with items is an array, present even when empty if the
/// interval has its data; one without items is left out when it has no row.
pub(super) struct Activities {
    sel: Selection,
    /// The selected reports, in the catalogue's order.
    members: Vec<Member>,
    slots: Vec<Slot>,
    /// Per member, its rows of the interval being written.
    rows: Vec<Rows>,
    /// Per member, whether the interval has its data (`Report::available`).
    available: Vec<bool>,
    /// The columns were made for the CPUs the records hold (at the first interval).
    sized_by_data: bool,
}

struct Member {
    table: Table,
    columns: &'static [Column],
    /// The item's key, as JSON text (`"cpu"`), for reports with items.
    item: Option<String>,
    fields: Vec<Field>,
}

/// Whether sadf prints a row's item as a JSON number: -y's serial line (`"line": 0`);
/// CPUs, devices and the like are strings.
fn item_is_number(table: Table, item: &str) -> bool {
    table == Table::Serial && !item.is_empty() && item.bytes().all(|b| b.is_ascii_digit())
}

/// A key of a row object: a column's value, or an object nesting dotted keys.
enum Field {
    Value(String, usize),
    Object(String, Vec<Field>),
}

/// A key of the statistics object (or of an object in it).
struct Slot {
    /// As JSON text, with its quotes.
    key: String,
    content: Content,
}

enum Content {
    /// Members (indices into `members`) at this key: one report with items (an array),
    /// or reports without items whose objects merge.
    Members(Vec<usize>),
    /// An object of further keys (`network` holds `net-dev` and `net-edev`).
    Object(Vec<Slot>),
}

/// `key` as JSON text.
fn json_key(key: &str) -> String {
    serde_json::to_string(key).unwrap_or_else(|_| format!("\"{key}\""))
}

/// Put a column at its (possibly dotted) key, as `serde_json::Map` would order it: a key
/// seen before keeps its place.
fn add_field(fields: &mut Vec<Field>, key: &str, column: usize) {
    match key.split_once('.') {
        None => {
            let k = json_key(key);
            match fields
                .iter_mut()
                .find(|f| matches!(f, Field::Value(x, _) | Field::Object(x, _) if *x == k))
            {
                Some(f) => *f = Field::Value(k, column),
                None => fields.push(Field::Value(k, column)),
            }
        }
        Some((head, rest)) => {
            let k = json_key(head);
            let at = match fields
                .iter()
                .position(|f| matches!(f, Field::Value(x, _) | Field::Object(x, _) if *x == k))
            {
                Some(i) => {
                    if let Field::Value(..) = fields[i] {
                        fields[i] = Field::Object(k, Vec::new());
                    }
                    i
                }
                None => {
                    fields.push(Field::Object(k, Vec::new()));
                    fields.len() - 1
                }
            };
            if let Field::Object(_, inner) = &mut fields[at] {
                add_field(inner, rest, column);
            }
        }
    }
}

/// Put member `m` at `path` under `slots`.
fn place(slots: &mut Vec<Slot>, path: &[&str], m: usize) {
    let Some((first, rest)) = path.split_first() else {
        return;
    };
    let key = json_key(first);
    let at = match slots.iter().position(|s| s.key == key) {
        Some(i) => i,
        None => {
            slots.push(Slot {
                key,
                content: if rest.is_empty() {
                    Content::Members(Vec::new())
                } else {
                    Content::Object(Vec::new())
                },
            });
            slots.len() - 1
        }
    };
    match (&mut slots[at].content, rest.is_empty()) {
        (Content::Members(ms), true) => ms.push(m),
        (Content::Object(inner), false) => place(inner, rest, m),
        // A member and an object of members at one key: not in the catalogue (see the
        // tests); the member is left out rather than guessed at.
        _ => {}
    }
}

impl Activities {
    pub(super) fn new(sel: &Selection) -> Activities {
        let mut members = Vec::new();
        let mut slots = Vec::new();
        for table in sel.tables() {
            let r = table.report();
            let columns = (r.columns)(sel);
            let mut fields = Vec::new();
            for (i, c) in columns.iter().enumerate() {
                add_field(&mut fields, c.sadf, i);
            }
            place(&mut slots, r.json, members.len());
            members.push(Member {
                table,
                columns,
                item: r.item.map(|i| json_key(i.sadf)),
                fields,
            });
        }
        Activities {
            sel: sel.clone(),
            rows: members.iter().map(|_| Rows::default()).collect(),
            available: vec![false; members.len()],
            members,
            slots,
            sized_by_data: false,
        }
    }

    /// The machine is known: columns that depend on it (`-I -P ALL`'s `CPUn`) are made
    /// again at the first interval, for the CPUs its records hold (`size_by_data`).
    pub(super) fn on_host(&mut self, host: &HostFacts) {
        self.sel.on_host(host);
        self.sized_by_data = false;
    }

    /// At the first interval, the columns are made for the CPUs the header claims that
    /// its records hold (`Selection::on_data`): never from the header's claim alone.
    fn size_by_data(&mut self, s: &IntervalStats) {
        let mut sel = self.sel.clone();
        sel.on_data(s);
        *self = Activities::new(&sel);
        self.sized_by_data = true;
    }

    /// The members of sadf's statistics object for one interval (without the timestamp
    /// and without braces), each preceded by a comma: `,"cpu-load":[...],"memory":{...}`.
    pub(super) fn write(&mut self, s: &IntervalStats, out: &mut Vec<u8>) {
        if !self.sized_by_data {
            self.size_by_data(s);
        }
        for ((m, rows), available) in self
            .members
            .iter()
            .zip(&mut self.rows)
            .zip(&mut self.available)
        {
            rows.clear();
            *available = m.table.available(s);
            if *available {
                m.table.values(&self.sel, s, rows);
            }
        }
        for slot in &self.slots {
            if self.present(slot) {
                out.push(b',');
                self.write_slot(slot, out);
            }
        }
    }

    fn present(&self, slot: &Slot) -> bool {
        match &slot.content {
            // A report with items is an array, empty when the interval has no rows but
            // its data; without its data (no FC host, no serial line) it is left out, as
            // sadf leaves out an activity of no items.
            Content::Members(ms) => ms.iter().any(|&m| {
                (self.members[m].item.is_some() && self.available[m]) || !self.rows[m].is_empty()
            }),
            Content::Object(inner) => inner.iter().any(|s| self.present(s)),
        }
    }

    fn write_slot(&self, slot: &Slot, buf: &mut Vec<u8>) {
        buf.extend_from_slice(slot.key.as_bytes());
        buf.push(b':');
        match &slot.content {
            Content::Members(ms) => match ms.as_slice() {
                &[m] if self.members[m].item.is_some() => {
                    buf.push(b'[');
                    let member = &self.members[m];
                    for (i, (item, values)) in self.rows[m].iter().enumerate() {
                        if i > 0 {
                            buf.push(b',');
                        }
                        buf.push(b'{');
                        let mut first = true;
                        if let (Some(key), Some(item)) = (&member.item, item) {
                            buf.extend_from_slice(key.as_bytes());
                            buf.push(b':');
                            if item_is_number(member.table, item) {
                                buf.extend_from_slice(item.as_bytes());
                            } else {
                                let _ = serde_json::to_writer(&mut *buf, item);
                            }
                            first = false;
                        }
                        write_fields(buf, &member.fields, member.columns, values, first);
                        buf.push(b'}');
                    }
                    buf.push(b']');
                }
                ms => {
                    buf.push(b'{');
                    let mut first = true;
                    for &m in ms {
                        let member = &self.members[m];
                        if let Some((_, values)) = self.rows[m].iter().next() {
                            first =
                                write_fields(buf, &member.fields, member.columns, values, first);
                        }
                    }
                    buf.push(b'}');
                }
            },
            Content::Object(inner) => {
                buf.push(b'{');
                let mut first = true;
                for s in inner {
                    if self.present(s) {
                        if !first {
                            buf.push(b',');
                        }
                        first = false;
                        self.write_slot(s, buf);
                    }
                }
                buf.push(b'}');
            }
        }
    }
}

/// A row's fields, each preceded by a comma unless `first`; whether still `first`.
fn write_fields(
    buf: &mut Vec<u8>,
    fields: &[Field],
    columns: &[Column],
    values: &[f64],
    mut first: bool,
) -> bool {
    for f in fields {
        if !first {
            buf.push(b',');
        }
        first = false;
        match f {
            Field::Value(key, i) => {
                buf.extend_from_slice(key.as_bytes());
                buf.push(b':');
                let v = values.get(*i).copied().unwrap_or(f64::NAN);
                let kind = columns.get(*i).map_or(super::Kind::Real, |c| c.kind);
                push_number(buf, super::cell(kind, v));
            }
            Field::Object(key, inner) => {
                buf.extend_from_slice(key.as_bytes());
                buf.extend_from_slice(b":{");
                write_fields(buf, inner, columns, values, true);
                buf.push(b'}');
            }
        }
    }
    first
}

/// `number(c)`, appended to `buf`.
fn push_number(buf: &mut Vec<u8>, c: Cell) {
    match c {
        Cell::Real(v) if v.is_finite() => super::number::push_fixed2_right(buf, v, 0),
        Cell::Real(_) => buf.extend_from_slice(b"0.00"),
        Cell::Whole(v) => super::number::push_i64_right(buf, v.round_ties_even() as i64, 0),
    }
}

/// `seconds(s)` as a JSON number (`null` when it is not one), appended to `buf`.
pub(super) fn push_seconds(buf: &mut Vec<u8>, s: f64) {
    if !s.is_finite() {
        buf.extend_from_slice(b"null");
    } else if (s - s.round()).abs() < 1e-9 {
        super::number::push_i64_right(buf, s.round() as i64, 0);
    } else {
        super::number::push_fixed2_right(buf, s, 0);
    }
}

/// `s` rounded to whole seconds as `Value::from(s.round() as u64)` writes it, appended to
/// `buf`.
fn push_whole_seconds(buf: &mut Vec<u8>, s: f64) {
    let _ = write!(buf, "{}", s.round() as u64);
}

/// `"date":"2025-11-21","time":"10:00:03"` of a moment in UTC, appended to `buf`.
fn push_date_time(buf: &mut Vec<u8>, ns: i64) {
    use chrono::{Datelike, Timelike};
    let t = chrono::DateTime::from_timestamp_nanos(ns);
    let two = |buf: &mut Vec<u8>, n: u32| {
        buf.extend_from_slice(&[b'0' + (n / 10 % 10) as u8, b'0' + (n % 10) as u8])
    };
    buf.extend_from_slice(b"\"date\":\"");
    match u32::try_from(t.year()) {
        Ok(y) if y <= 9999 => {
            two(buf, y / 100);
            two(buf, y % 100);
        }
        _ => buf.extend_from_slice(t.format("%Y").to_string().as_bytes()),
    }
    buf.push(b'-');
    two(buf, t.month());
    buf.push(b'-');
    two(buf, t.day());
    buf.extend_from_slice(b"\",\"time\":\"");
    two(buf, t.hour());
    buf.push(b':');
    two(buf, t.minute());
    buf.push(b':');
    two(buf, t.second());
    buf.push(b'"');
}

/// `{"date": …, "time": …, "tz": "UTC"}` plus `more`, for a moment in UTC as sadf -j
/// writes (sysstat 12.7+; 12.6 wrote `"utc": 1`).
fn stamp(ns: i64, more: Map<String, Value>) -> Value {
    let t = chrono::DateTime::from_timestamp_nanos(ns);
    let mut o = Map::new();
    o.insert("date".into(), t.format("%Y-%m-%d").to_string().into());
    o.insert("time".into(), t.format("%H:%M:%S").to_string().into());
    o.insert("tz".into(), "UTC".into());
    o.extend(more);
    Value::Object(o)
}

/// `--format json`.
pub struct Json<W: Write> {
    out: W,
    activities: Activities,
    /// The interval being written.
    line: Vec<u8>,
    entries: u64,
    restarts: Vec<Value>,
    comments: Vec<Value>,
    started: bool,
    finished: bool,
}

impl<W: Write> Json<W> {
    pub fn new(out: W, sel: Selection) -> Self {
        Json {
            out,
            activities: Activities::new(&sel),
            line: Vec::new(),
            entries: 0,
            restarts: Vec::new(),
            comments: Vec::new(),
            started: false,
            finished: false,
        }
    }
}

impl<W: Write> Render for Json<W> {
    fn begin(&mut self, host: &HostFacts, first_ns: i64) -> io::Result<()> {
        self.activities.on_host(host);
        let t = chrono::DateTime::from_timestamp_nanos(first_ns);
        let mut h = Map::new();
        h.insert("nodename".into(), host.hostname.clone().into());
        h.insert("sysname".into(), host.sysname.clone().into());
        h.insert("release".into(), host.release.clone().into());
        h.insert("machine".into(), host.machine.clone().into());
        h.insert("number-of-cpus".into(), host.cpu_count.into());
        h.insert("file-date".into(), t.format("%Y-%m-%d").to_string().into());
        h.insert(
            "file-utc-time".into(),
            t.format("%H:%M:%S").to_string().into(),
        );
        h.insert("timezone".into(), "UTC".into());
        // The host object stays open: its statistics follow as they are read.
        let host = serde_json::to_string(&Value::Object(h))?;
        let open = host.strip_suffix('}').unwrap_or(&host);
        write!(
            self.out,
            "{{\"sysstat\": {{\"hosts\": [{open}, \"statistics\": ["
        )?;
        self.started = true;
        self.out.flush()
    }

    fn interval(&mut self, s: &IntervalStats) -> io::Result<()> {
        // {"timestamp": {"date": …, "time": …, "tz": "UTC", "interval": …}, activities…}
        self.line.clear();
        if self.entries > 0 {
            self.line.push(b',');
        }
        self.line.extend_from_slice(b"\n{\"timestamp\":{");
        push_date_time(&mut self.line, s.end_ns);
        self.line
            .extend_from_slice(b",\"tz\":\"UTC\",\"interval\":");
        // sadf -j writes whole seconds, rounded (38.50 s is 39).
        push_whole_seconds(&mut self.line, s.seconds);
        self.line.push(b'}');
        self.activities.write(s, &mut self.line);
        self.line.push(b'}');
        self.out.write_all(&self.line)?;
        self.entries += 1;
        self.out.flush()
    }

    fn restart(&mut self, wall_ns: i64, cpus: u32) -> io::Result<()> {
        let mut more = Map::new();
        more.insert("cpu_count".into(), cpus.into());
        let mut o = Map::new();
        o.insert("boot".into(), stamp(wall_ns, more));
        self.restarts.push(Value::Object(o));
        Ok(())
    }

    fn comment(&mut self, wall_ns: i64, text: &str) -> io::Result<()> {
        let mut more = Map::new();
        more.insert("com".into(), text.into());
        let mut o = Map::new();
        o.insert("comment".into(), stamp(wall_ns, more));
        self.comments.push(Value::Object(o));
        Ok(())
    }

    fn finish(&mut self) -> io::Result<()> {
        if !self.started || self.finished {
            return Ok(());
        }
        self.finished = true;
        write!(self.out, "\n], \"restarts\": ")?;
        serde_json::to_writer(&mut self.out, &self.restarts)?;
        // As sadf, "comments" only when there are some (they are passed on with -C).
        if !self.comments.is_empty() {
            write!(self.out, ", \"comments\": ")?;
            serde_json::to_writer(&mut self.out, &self.comments)?;
        }
        writeln!(self.out, "}}]}}}}")?;
        self.out.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::{CpuList, REPORTS};
    use crate::store::{LogReader, Record};
    use serde_json::Number;

    /// What the statistics object was before `Activities`: built as a serde_json tree,
    /// with sadf's merging of members sharing a path. The reference the streamed text
    /// must equal byte for byte.
    fn activities_tree(sel: &Selection, s: &IntervalStats) -> Map<String, Value> {
        fn insert_dotted(o: &mut Map<String, Value>, key: &str, value: Value) {
            match key.split_once('.') {
                None => {
                    o.insert(key.to_string(), value);
                }
                Some((head, rest)) => {
                    let inner = o
                        .entry(head.to_string())
                        .or_insert_with(|| Value::Object(Map::new()));
                    if let Value::Object(inner) = inner {
                        insert_dotted(inner, rest, value);
                    }
                }
            }
        }
        fn place(root: &mut Map<String, Value>, path: &[&str], member: Value) {
            let (last, parents) = path.split_last().unwrap();
            let mut at = root;
            for p in parents {
                let next = at
                    .entry(p.to_string())
                    .or_insert_with(|| Value::Object(Map::new()));
                match next {
                    Value::Object(m) => at = m,
                    _ => return,
                }
            }
            match (at.get_mut(*last), member) {
                (Some(Value::Object(existing)), Value::Object(more)) => existing.extend(more),
                (_, member) => {
                    at.insert(last.to_string(), member);
                }
            }
        }
        let json_number = |c: Cell| {
            number(c)
                .parse::<Number>()
                .map_or(Value::Null, Value::Number)
        };
        let mut root = Map::new();
        for t in sel.tables() {
            let r = t.report();
            let columns = (r.columns)(sel);
            let mut rows = Rows::default();
            let available = (r.available)(s);
            if available {
                t.values(sel, s, &mut rows);
            }
            let object = |(item, values): (Option<&str>, &[f64])| {
                let mut o = Map::new();
                if let (Some(key), Some(item)) = (r.item, item) {
                    let value = match item.parse::<u64>() {
                        Ok(n) if item_is_number(t, item) => Value::from(n),
                        _ => Value::String(item.to_string()),
                    };
                    o.insert(key.sadf.to_string(), value);
                }
                for (c, &v) in columns.iter().zip(values) {
                    insert_dotted(&mut o, c.sadf, json_number(crate::report::cell(c.kind, v)));
                }
                Value::Object(o)
            };
            let member = if r.item.is_some() && (available || !rows.is_empty()) {
                Value::Array(rows.iter().map(object).collect())
            } else if r.item.is_some() {
                continue;
            } else {
                match rows.iter().next() {
                    Some(row) => object(row),
                    None => continue,
                }
            };
            place(&mut root, r.json, member);
        }
        root
    }

    fn streamed(sel: &Selection, s: &IntervalStats) -> String {
        let mut buf = b"{\"x\":0".to_vec();
        Activities::new(sel).write(s, &mut buf);
        buf.push(b'}');
        String::from_utf8(buf).unwrap()
    }

    fn from_tree(sel: &Selection, s: &IntervalStats) -> String {
        let mut o = Map::new();
        o.insert("x".into(), 0.into());
        o.extend(activities_tree(sel, s));
        serde_json::to_string(&Value::Object(o)).unwrap()
    }

    /// The intervals of the format-1 fixture day (a real 2-CPU VM), a few of them with
    /// parts missing and odd values, as a kernel without them or a broken counter gives.
    fn intervals() -> Vec<IntervalStats> {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/logs-v1/rsar20251121");
        let mut reader = LogReader::open(&path).unwrap();
        let mut prev = None;
        let mut out = Vec::new();
        while let Some((_, r)) = reader.next_record().unwrap() {
            if let Record::Sample(s) = r {
                if let Some(p) = &prev {
                    out.extend(IntervalStats::between(p, &s));
                }
                prev = Some(*s);
            }
        }
        assert!(out.len() >= 2);
        let mut average = out[0].clone();
        for s in &out[1..] {
            average.add(s);
        }
        out.push(average);
        let mut odd = out[1].clone();
        odd.memory = None;
        odd.psi.cpu = None;
        odd.paging = None;
        odd.disks.items.clear();
        odd.seconds = 2.5;
        out.push(odd);
        let mut odd = out[0].clone();
        odd.swap = None;
        odd.psi = Default::default();
        odd.net.items.truncate(1);
        odd.seconds = f64::NAN;
        for n in &mut odd.net.items {
            n.delta.name = "we\"ird\\ñ\n".into();
        }
        out.push(odd);
        let mut odd = out[1].clone();
        for n in &mut odd.net.items {
            n.delta.name = "we\"ird\\ñ\u{1}".into();
        }
        odd.seconds = 1e-300;
        out.push(odd);
        out
    }

    #[test]
    fn streamed_activities_are_the_bytes_serde_json_gave() {
        let mut sels = vec![Selection::all()];
        for r in REPORTS {
            let mut sel = Selection::default();
            sel.ask(r.table);
            sels.push(sel);
        }
        let mut some = Selection::default();
        for r in REPORTS.iter().filter(|r| r.instead_of.is_none()) {
            some.ask(r.table);
        }
        some.interrupts = Selection::all().interrupts;
        some.cpus = CpuList::Some(vec![1, 7]);
        sels.push(some);
        let mut two = Selection::default();
        two.ask(Table::Swap);
        two.ask(Table::NetEdev);
        sels.push(two);
        for s in intervals() {
            for sel in &sels {
                assert_eq!(streamed(sel, &s), from_tree(sel, &s), "{sel:?}");
            }
        }
    }

    #[test]
    fn interval_head_is_what_serde_json_gave() {
        for (ns, secs) in [
            (1_763_719_203_000_000_000i64, 1.0),
            (0, 2.5),
            (-1, 60.0),
            (i64::MAX, f64::NAN),
            (946_684_799_999_999_999, 1e300),
        ] {
            let mut more = Map::new();
            more.insert("interval".into(), Value::from(secs.round() as u64));
            let want = serde_json::to_string(&stamp(ns, more)).unwrap();
            let mut got = b"{".to_vec();
            push_date_time(&mut got, ns);
            got.extend_from_slice(b",\"tz\":\"UTC\",\"interval\":");
            push_whole_seconds(&mut got, secs);
            got.push(b'}');
            assert_eq!(String::from_utf8(got).unwrap(), want);
            // JSON Lines' interval: seconds, with two decimals when not whole.
            let v = seconds(secs)
                .parse::<Number>()
                .map_or(Value::Null, Value::Number);
            let mut got = Vec::new();
            push_seconds(&mut got, secs);
            assert_eq!(String::from_utf8(got).unwrap(), v.to_string());
        }
    }

    /// `Activities` places each member by its path alone: reports sharing a key must be
    /// adjacent in the catalogue, without items, and a key holds members or further keys,
    /// never both.
    #[test]
    fn catalogue_paths_are_ones_activities_can_lay_out() {
        for (i, r) in REPORTS.iter().enumerate() {
            for (j, o) in REPORTS.iter().enumerate().skip(i + 1) {
                if r.json[0] != o.json[0] {
                    continue;
                }
                assert!(
                    REPORTS[i..=j].iter().all(|m| m.json[0] == r.json[0]),
                    "{} and {} share {} but are not adjacent",
                    r.name,
                    o.name,
                    r.json[0]
                );
                assert_eq!(r.json.len(), o.json.len(), "{} and {}", r.name, o.name);
                if r.json == o.json && (r.item.is_some() || o.item.is_some()) {
                    // -F and -F MOUNT share "filesystems"; one excludes the other.
                    let only = |a: &crate::report::Report, b: &crate::report::Report| {
                        let mut sel = Selection::default();
                        sel.ask(a.table);
                        !sel.asks(b.table)
                    };
                    assert!(only(r, o) && only(o, r), "{} and {}", r.name, o.name);
                } else if r.json == o.json {
                    let keys = |r: &crate::report::Report| {
                        let sel = Selection::all();
                        (r.columns)(&sel)
                            .iter()
                            .map(|c| c.sadf.split('.').next().unwrap_or(""))
                            .collect::<Vec<_>>()
                    };
                    assert!(keys(r).iter().all(|k| !keys(o).contains(k)));
                }
            }
        }
    }
}
