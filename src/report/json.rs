//! `--format json`: one document in the layout and with the key names of sysstat's
//! `sadf -j`, streamed: the header first, each interval as it ends, the restarts and
//! comments and closing brackets at the end (Ctrl-C included).

use super::{Cell, Render, Row, Selection, Table};
use crate::sample::HostFacts;
use crate::stats::IntervalStats;
use std::fmt::Write as _;
use std::io::{self, Write};

/// A JSON string literal.
pub(super) fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A number as sadf prints it: two decimals, or a whole number.
pub(super) fn number(c: Cell) -> String {
    match c {
        Cell::Real(v) if v.is_finite() => format!("{v:.2}"),
        Cell::Real(_) => "0.00".into(),
        Cell::Whole(v) => format!("{}", v.trunc() as i64),
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

/// sadf's key for each column of a table, in the order of `Table::columns`.
fn keys(table: Table, sel: &Selection) -> &'static [&'static str] {
    match table {
        Table::Cpu if sel.cpu == Some(true) => &[
            "usr", "nice", "sys", "iowait", "steal", "irq", "soft", "guest", "gnice", "idle",
        ],
        Table::Cpu => &["user", "nice", "system", "iowait", "steal", "idle"],
        Table::Tasks => &["proc", "cswch"],
        Table::SwapPages => &["pswpin", "pswpout"],
        Table::Paging => &[
            "pgpgin", "pgpgout", "fault", "majflt", "pgfree", "pgscank", "pgscand", "pgsteal",
            "pgprom", "pgdem",
        ],
        Table::Io => &["tps", "rtps", "wtps", "dtps", "bread", "bwrtn", "bdscd"],
        Table::Memory => &[
            "memfree",
            "avail",
            "memused",
            "memused-percent",
            "buffers",
            "cached",
            "commit",
            "commit-percent",
            "active",
            "inactive",
            "dirty",
            "shmem",
            "anonpg",
            "slab",
            "kstack",
            "pgtbl",
            "vmused",
        ],
        Table::Swap => &[
            "swpfree",
            "swpused",
            "swpused-percent",
            "swpcad",
            "swpcad-percent",
        ],
        Table::Queue => &[
            "runq-sz", "plist-sz", "ldavg-1", "ldavg-5", "ldavg-15", "blocked",
        ],
        Table::Disk => &[
            "tps",
            "rkB",
            "wkB",
            "dkB",
            "areq-sz",
            "aqu-sz",
            "await",
            "util-percent",
        ],
        Table::NetDev => &[
            "rxpck",
            "txpck",
            "rxkB",
            "txkB",
            "rxcmp",
            "txcmp",
            "rxmcst",
            "ifutil-percent",
        ],
        Table::PsiCpu => &["some_avg10", "some_avg60", "some_avg300", "some_avg"],
        Table::PsiIo | Table::PsiMemory => &[
            "some_avg10",
            "some_avg60",
            "some_avg300",
            "some_avg",
            "full_avg10",
            "full_avg60",
            "full_avg300",
            "full_avg",
        ],
    }
}

/// `"key": value, …` for one row.
fn fields(table: Table, sel: &Selection, row: &Row, out: &mut String) {
    for (i, (k, c)) in keys(table, sel).iter().zip(&row.cells).enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        let _ = write!(out, "\"{k}\": {}", number(*c));
    }
}

/// The activities of one interval, as the members of sadf's statistics object (without
/// the timestamp): `"cpu-load": [...], "memory": {...}, …`.
pub(super) fn activities(sel: &Selection, s: &IntervalStats, out: &mut String) {
    let tables = sel.tables();
    let mut members: Vec<String> = Vec::new();
    let rows = |t: Table| {
        if t.available(s) {
            t.rows(sel, s)
        } else {
            Vec::new()
        }
    };
    let object = |t: Table| -> Option<String> {
        let r = rows(t);
        let row = r.first()?;
        let mut o = String::new();
        fields(t, sel, row, &mut o);
        Some(o)
    };
    let mut memory: Vec<String> = Vec::new();
    let mut psi: Vec<String> = Vec::new();
    for &t in &tables {
        match t {
            Table::Cpu => {
                let items: Vec<String> = rows(t)
                    .iter()
                    .map(|r| {
                        let mut o =
                            format!("{{\"cpu\": {}, ", quote(r.item.as_deref().unwrap_or("all")));
                        fields(t, sel, r, &mut o);
                        o.push('}');
                        o
                    })
                    .collect();
                members.push(format!("\"cpu-load\": [{}]", items.join(", ")));
            }
            Table::Tasks => {
                if let Some(o) = object(t) {
                    members.push(format!("\"process-and-context-switch\": {{{o}}}"));
                }
            }
            Table::SwapPages => {
                if let Some(o) = object(t) {
                    members.push(format!("\"swap-pages\": {{{o}}}"));
                }
            }
            Table::Paging => {
                if let Some(o) = object(t) {
                    members.push(format!("\"paging\": {{{o}}}"));
                }
            }
            Table::Io => {
                if let Some(r) = rows(t).first() {
                    let n = |i: usize| number(r.cells[i]);
                    members.push(format!(
                        "\"io\": {{\"tps\": {}, \"io-reads\": {{\"rtps\": {}, \"bread\": {}}}, \"io-writes\": {{\"wtps\": {}, \"bwrtn\": {}}}, \"io-discard\": {{\"dtps\": {}, \"bdscd\": {}}}}}",
                        n(0), n(1), n(4), n(2), n(5), n(3), n(6)
                    ));
                }
            }
            // -r and -S share sadf's "memory" object.
            Table::Memory | Table::Swap => {
                if let Some(o) = object(t) {
                    memory.push(o);
                }
                let last = t == Table::Swap || !tables.contains(&Table::Swap);
                if last && !memory.is_empty() {
                    members.push(format!("\"memory\": {{{}}}", memory.join(", ")));
                    memory.clear();
                }
            }
            Table::Queue => {
                if let Some(o) = object(t) {
                    members.push(format!("\"queue\": {{{o}}}"));
                }
            }
            Table::Disk => {
                // sadf gives both the old and the current names of some columns.
                let items: Vec<String> = s
                    .disks
                    .iter()
                    .filter(|d| super::disk_shown(d))
                    .map(|d| {
                        let r = d.rates(s.seconds);
                        let n = |v: f64| number(Cell::Real(v));
                        format!(
                            "{{\"disk-device\": {}, \"tps\": {}, \"rd_sec\": {}, \"wr_sec\": {}, \"dc_sec\": {}, \"rkB\": {}, \"wkB\": {}, \"dkB\": {}, \"avgrq-sz\": {}, \"areq-sz\": {}, \"avgqu-sz\": {}, \"aqu-sz\": {}, \"await\": {}, \"util-percent\": {}}}",
                            quote(&d.name),
                            n(r.tps), n(r.rd_sec), n(r.wr_sec), n(r.dc_sec), n(r.rkb), n(r.wkb), n(r.dkb),
                            n(r.areq_sz), n(r.areq_sz), n(r.aqu_sz), n(r.aqu_sz), n(r.await_ms), n(r.util)
                        )
                    })
                    .collect();
                members.push(format!("\"disk\": [{}]", items.join(", ")));
            }
            Table::NetDev => {
                let items: Vec<String> = rows(t)
                    .iter()
                    .map(|r| {
                        let mut o =
                            format!("{{\"iface\": {}, ", quote(r.item.as_deref().unwrap_or("")));
                        fields(t, sel, r, &mut o);
                        o.push('}');
                        o
                    })
                    .collect();
                members.push(format!(
                    "\"network\": {{\"net-dev\": [{}]}}",
                    items.join(", ")
                ));
            }
            Table::PsiCpu | Table::PsiIo | Table::PsiMemory => {
                let name = match t {
                    Table::PsiCpu => "psi-cpu",
                    Table::PsiIo => "psi-io",
                    _ => "psi-mem",
                };
                if let Some(o) = object(t) {
                    psi.push(format!("\"{name}\": {{{o}}}"));
                }
                if t == Table::PsiMemory && !psi.is_empty() {
                    members.push(format!("\"psi\": {{{}}}", psi.join(", ")));
                }
            }
        }
    }
    out.push_str(&members.join(", "));
}

fn date_time_utc(ns: i64) -> (String, String) {
    let t = chrono::DateTime::from_timestamp_nanos(ns);
    (
        t.format("%Y-%m-%d").to_string(),
        t.format("%H:%M:%S").to_string(),
    )
}

/// `--format json`.
pub struct Json<W: Write> {
    out: W,
    sel: Selection,
    entries: u64,
    restarts: Vec<String>,
    comments: Vec<String>,
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
        let (date, time) = date_time_utc(first_ns);
        write!(
            self.out,
            "{{\"sysstat\": {{\"hosts\": [{{\"nodename\": {}, \"sysname\": {}, \"release\": {}, \"machine\": {}, \"number-of-cpus\": {}, \"file-date\": \"{date}\", \"file-utc-time\": \"{time}\", \"timezone\": \"UTC\", \"statistics\": [",
            quote(&host.hostname),
            quote(&host.sysname),
            quote(&host.release),
            quote(&host.machine),
            host.cpu_count
        )?;
        self.started = true;
        self.out.flush()
    }

    fn interval(&mut self, s: &IntervalStats) -> io::Result<()> {
        let (date, time) = date_time_utc(s.end_ns);
        let mut o = format!(
            "{}\n{{\"timestamp\": {{\"date\": \"{date}\", \"time\": \"{time}\", \"utc\": 1, \"interval\": {}}}",
            if self.entries > 0 { "," } else { "" },
            seconds(s.seconds)
        );
        let mut acts = String::new();
        activities(&self.sel, s, &mut acts);
        if !acts.is_empty() {
            o.push_str(", ");
            o.push_str(&acts);
        }
        o.push('}');
        self.entries += 1;
        self.out.write_all(o.as_bytes())?;
        self.out.flush()
    }

    fn restart(&mut self, wall_ns: i64, cpus: u32) -> io::Result<()> {
        let (date, time) = date_time_utc(wall_ns);
        self.restarts.push(format!(
            "{{\"boot\": {{\"date\": \"{date}\", \"time\": \"{time}\", \"utc\": 1, \"cpu_count\": {cpus}}}}}"
        ));
        Ok(())
    }

    fn comment(&mut self, wall_ns: i64, text: &str) -> io::Result<()> {
        let (date, time) = date_time_utc(wall_ns);
        self.comments.push(format!(
            "{{\"comment\": {{\"date\": \"{date}\", \"time\": \"{time}\", \"utc\": 1, \"com\": {}}}}}",
            quote(text)
        ));
        Ok(())
    }

    fn finish(&mut self) -> io::Result<()> {
        if !self.started || self.finished {
            return Ok(());
        }
        self.finished = true;
        // As sadf, "comments" only when there are some (they are passed on with -C).
        let comments = if self.comments.is_empty() {
            String::new()
        } else {
            format!(", \"comments\": [{}]", self.comments.join(", "))
        };
        write!(
            self.out,
            "\n], \"restarts\": [{}]{comments}}}]}}}}\n",
            self.restarts.join(", ")
        )?;
        self.out.flush()
    }
}
