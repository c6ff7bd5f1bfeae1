//! `--format csv`: RFC 4180, one header row, one row per interval per item (CPU, device,
//! interface), ready for a spreadsheet or `pandas.read_csv` without options.
//!
//! Columns: `timestamp` (ISO 8601 with offset, the end of the interval), `interval`
//! (seconds), `host`, `report` (cpu, queue, memory, …), `item` (the CPU, device or
//! interface; empty for whole-system reports), then the columns of every report asked
//! for, with sar's names. With one report they are its columns as they are; with several,
//! each is prefixed by its report (`cpu:%user`, `queue:runq-sz`) and a row fills only its
//! own report's columns. Restarts and averages are not rows: a restart shows as a gap.

use super::json::number;
use super::{Render, Selection, Table};
use crate::sample::HostFacts;
use crate::stats::IntervalStats;
use std::io::{self, Write};

/// The short name of a report, as the `report` column and column prefixes give it.
pub(super) fn report_name(t: Table) -> &'static str {
    t.report().name
}

fn field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

pub struct Csv<W: Write> {
    out: W,
    sel: Selection,
    tables: Vec<Table>,
    host: String,
    header_done: bool,
}

impl<W: Write> Csv<W> {
    pub fn new(out: W, sel: Selection) -> Self {
        let tables = sel.tables();
        Csv {
            out,
            sel,
            tables,
            host: String::new(),
            header_done: false,
        }
    }

    /// Where each table's columns start, after the five leading columns.
    fn offsets(&self) -> Vec<usize> {
        let mut at = 0;
        self.tables
            .iter()
            .map(|t| {
                let o = at;
                at += t.columns(&self.sel).len();
                o
            })
            .collect()
    }
}

impl<W: Write> Render for Csv<W> {
    fn begin(&mut self, host: &HostFacts, _: i64) -> io::Result<()> {
        self.sel.on_host(host);
        self.host = field(&host.hostname);
        Ok(())
    }

    fn interval(&mut self, s: &IntervalStats) -> io::Result<()> {
        if !self.header_done {
            // Columns per CPU are made for the CPUs the records hold.
            self.sel.on_data(s);
            self.header()?;
        }
        self.rows(s)
    }

    fn restart(&mut self, _: i64, _: u32) -> io::Result<()> {
        Ok(())
    }

    fn comment(&mut self, _: i64, _: &str) -> io::Result<()> {
        Ok(())
    }

    fn finish(&mut self) -> io::Result<()> {
        if !self.header_done {
            self.header()?;
        }
        self.out.flush()
    }
}

impl<W: Write> Csv<W> {
    /// The header row.
    fn header(&mut self) -> io::Result<()> {
        let mut h = vec!["timestamp", "interval", "host", "report", "item"]
            .into_iter()
            .map(String::from)
            .collect::<Vec<_>>();
        let prefix = self.tables.len() > 1;
        for t in &self.tables {
            for c in t.columns(&self.sel) {
                h.push(if prefix {
                    field(&format!("{}:{c}", report_name(*t)))
                } else {
                    field(c)
                });
            }
        }
        write!(self.out, "{}\r\n", h.join(","))?;
        self.header_done = true;
        Ok(())
    }

    /// The rows of an interval.
    fn rows(&mut self, s: &IntervalStats) -> io::Result<()> {
        let width: usize = self.tables.iter().map(|t| t.columns(&self.sel).len()).sum();
        let stamp = chrono::DateTime::from_timestamp_nanos(s.end_ns)
            .with_timezone(&chrono::Local)
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, false);
        let secs = super::json::seconds(s.seconds);
        for (t, off) in self.tables.iter().zip(self.offsets()) {
            if !t.available(s) {
                continue;
            }
            for row in t.rows(&self.sel, s) {
                let mut cells = vec![String::new(); width];
                for (i, c) in row.cells.iter().enumerate() {
                    cells[off + i] = number(*c);
                }
                write!(
                    self.out,
                    "{stamp},{secs},{},{},{},{}\r\n",
                    self.host,
                    report_name(*t),
                    field(row.item.as_deref().unwrap_or("")),
                    cells.join(",")
                )?;
            }
        }
        self.out.flush()
    }
}
