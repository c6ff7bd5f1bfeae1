//! `--format json`: one document in the layout and with the key names of sysstat's
//! `sadf -j`, streamed: the header first, each interval as it ends, the restarts and
//! comments and closing brackets at the end (Ctrl-C included). Every value goes through
//! serde_json; each activity's member is built from its catalogue entry (`json` path,
//! item key, columns' sadf keys).

use super::{Cell, Render, Rows, Selection};
use crate::sample::HostFacts;
use crate::stats::IntervalStats;
use serde_json::{Map, Number, Value};
use std::io::{self, Write};

/// A number as sadf prints it: two decimals, or a whole number.
pub(super) fn number(c: Cell) -> String {
    match c {
        Cell::Real(v) if v.is_finite() => format!("{v:.2}"),
        Cell::Real(_) => "0.00".into(),
        Cell::Whole(v) => format!("{}", v.round_ties_even() as i64),
    }
}

/// A JSON number with exactly the digits `number` prints.
fn json_number(c: Cell) -> Value {
    number(c)
        .parse::<Number>()
        .map_or(Value::Null, Value::Number)
}

/// An interval length in seconds: whole when it is whole.
pub(super) fn seconds(s: f64) -> String {
    if (s - s.round()).abs() < 1e-9 {
        format!("{}", s.round() as i64)
    } else {
        format!("{s:.2}")
    }
}

pub(super) fn seconds_value(s: f64) -> Value {
    seconds(s)
        .parse::<Number>()
        .map_or(Value::Null, Value::Number)
}

/// Put `value` at `key` of `o`; a dotted key nests (`io-reads.rtps`).
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

/// Put an activity's member at `path` of `root`; objects at the same path merge (sadf's
/// `memory` holds `-r` and `-S`).
fn place(root: &mut Map<String, Value>, path: &[&str], member: Value) {
    let Some((last, parents)) = path.split_last() else {
        return;
    };
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

/// The activities of one interval, as the members of sadf's statistics object (without
/// the timestamp): `"cpu-load": [...], "memory": {...}, …`.
pub(super) fn activities(sel: &Selection, s: &IntervalStats) -> Map<String, Value> {
    let mut root = Map::new();
    for t in sel.tables() {
        let r = t.report();
        let columns = (r.columns)(sel);
        let mut rows = Rows::default();
        if (r.available)(s) {
            t.values(sel, s, &mut rows);
        }
        let object = |(item, values): (Option<&str>, &[f64])| {
            let mut o = Map::new();
            if let (Some(key), Some(item)) = (r.item, item) {
                o.insert(key.sadf.to_string(), Value::String(item.to_string()));
            }
            for (c, &v) in columns.iter().zip(values) {
                insert_dotted(&mut o, c.sadf, json_number(super::cell(c.kind, v)));
            }
            Value::Object(o)
        };
        let member = if r.item.is_some() {
            Value::Array(rows.iter().map(object).collect())
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
    sel: Selection,
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
            sel,
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
        let mut interval = Map::new();
        // sadf -j writes whole seconds, rounded (38.50 s is 39).
        interval.insert("interval".into(), Value::from(s.seconds.round() as u64));
        let mut entry = Map::new();
        entry.insert("timestamp".into(), stamp(s.end_ns, interval));
        entry.extend(activities(&self.sel, s));
        if self.entries > 0 {
            self.out.write_all(b",")?;
        }
        self.out.write_all(b"\n")?;
        serde_json::to_writer(&mut self.out, &Value::Object(entry))?;
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
