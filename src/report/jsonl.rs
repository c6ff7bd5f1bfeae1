//! `--format jsonl`: one self-contained JSON object per line — per interval, and per
//! restart or comment — for `tail -f` pipelines and log shippers. The schema is in
//! docs/JSON.md and docs/rsar-jsonl.schema.json.

use super::json::{activities, quote, seconds};
use super::{Render, Selection};
use crate::sample::HostFacts;
use crate::stats::IntervalStats;
use std::io::{self, Write};

pub struct JsonLines<W: Write> {
    out: W,
    sel: Selection,
    host: String,
}

impl<W: Write> JsonLines<W> {
    pub fn new(out: W, sel: Selection) -> Self {
        JsonLines {
            out,
            sel,
            host: String::new(),
        }
    }

    fn stamp(&self, ns: i64) -> String {
        let t = chrono::DateTime::from_timestamp_nanos(ns).with_timezone(&chrono::Local);
        t.to_rfc3339_opts(chrono::SecondsFormat::Secs, false)
    }
}

impl<W: Write> Render for JsonLines<W> {
    fn begin(&mut self, host: &HostFacts, _: i64) -> io::Result<()> {
        self.host = quote(&host.hostname);
        Ok(())
    }

    fn interval(&mut self, s: &IntervalStats) -> io::Result<()> {
        let mut acts = String::new();
        activities(&self.sel, s, &mut acts);
        writeln!(
            self.out,
            "{{\"type\": \"interval\", \"timestamp\": \"{}\", \"interval\": {}, \"host\": {}{}{}}}",
            self.stamp(s.end_ns),
            seconds(s.seconds),
            self.host,
            if acts.is_empty() { "" } else { ", " },
            acts
        )?;
        self.out.flush()
    }

    fn restart(&mut self, wall_ns: i64, cpus: u32) -> io::Result<()> {
        writeln!(
            self.out,
            "{{\"type\": \"restart\", \"timestamp\": \"{}\", \"host\": {}, \"cpu_count\": {cpus}}}",
            self.stamp(wall_ns),
            self.host
        )
    }

    fn comment(&mut self, wall_ns: i64, text: &str) -> io::Result<()> {
        writeln!(
            self.out,
            "{{\"type\": \"comment\", \"timestamp\": \"{}\", \"host\": {}, \"comment\": {}}}",
            self.stamp(wall_ns),
            self.host,
            quote(text)
        )
    }

    fn finish(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}
