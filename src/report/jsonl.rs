//! `--format jsonl`: one self-contained JSON object per line — per interval, and per
//! restart or comment — for `tail -f` pipelines and log shippers. The schema is in
//! docs/JSON.md and docs/rsar-jsonl.schema.json.

use super::json::{push_seconds, Activities};
use super::{Render, Selection};
use crate::sample::HostFacts;
use crate::stats::IntervalStats;
use serde_json::{Map, Value};
use std::io::{self, Write};

pub struct JsonLines<W: Write> {
    out: W,
    activities: Activities,
    host: Value,
    /// The line being written.
    line: Vec<u8>,
}

impl<W: Write> JsonLines<W> {
    pub fn new(out: W, sel: Selection) -> Self {
        JsonLines {
            out,
            activities: Activities::new(&sel),
            host: Value::Null,
            line: Vec::new(),
        }
    }

    /// A line's first members: its type and time (local, RFC 3339).
    fn line(&self, kind: &str, ns: i64) -> Map<String, Value> {
        let t = chrono::DateTime::from_timestamp_nanos(ns).with_timezone(&chrono::Local);
        let mut o = Map::new();
        o.insert("type".into(), kind.into());
        o.insert(
            "timestamp".into(),
            t.to_rfc3339_opts(chrono::SecondsFormat::Secs, false).into(),
        );
        o
    }

    fn write(&mut self, line: Map<String, Value>) -> io::Result<()> {
        serde_json::to_writer(&mut self.out, &Value::Object(line))?;
        self.out.write_all(b"\n")?;
        self.out.flush()
    }
}

impl<W: Write> Render for JsonLines<W> {
    fn begin(&mut self, host: &HostFacts, _: i64) -> io::Result<()> {
        self.activities.on_host(host);
        self.host = host.hostname.clone().into();
        Ok(())
    }

    fn interval(&mut self, s: &IntervalStats) -> io::Result<()> {
        // What `line` and `write` make of "type", "timestamp", then "interval", "host"
        // and the activities, written straight into a reused buffer.
        let head = serde_json::to_string(&Value::Object(self.line("interval", s.end_ns)))?;
        let mut line = std::mem::take(&mut self.line);
        line.clear();
        line.extend_from_slice(head.strip_suffix('}').unwrap_or(&head).as_bytes());
        line.extend_from_slice(b",\"interval\":");
        push_seconds(&mut line, s.seconds);
        line.extend_from_slice(b",\"host\":");
        serde_json::to_writer(&mut line, &self.host)?;
        self.activities.write(s, &mut line);
        line.extend_from_slice(b"}\n");
        let written = self.out.write_all(&line);
        self.line = line;
        written?;
        self.out.flush()
    }

    fn restart(&mut self, wall_ns: i64, cpus: u32) -> io::Result<()> {
        let mut o = self.line("restart", wall_ns);
        o.insert("host".into(), self.host.clone());
        o.insert("cpu_count".into(), cpus.into());
        self.write(o)
    }

    fn comment(&mut self, wall_ns: i64, text: &str) -> io::Result<()> {
        let mut o = self.line("comment", wall_ns);
        o.insert("host".into(), self.host.clone());
        o.insert("comment".into(), text.into());
        self.write(o)
    }

    fn finish(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}
