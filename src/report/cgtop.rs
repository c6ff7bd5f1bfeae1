//! `rsar cgtop`: systemd-cgtop's snapshot of the cgroups over one interval — tasks, %CPU,
//! memory, bytes read and written per second, and pressure — as a tree (each cgroup
//! below its parent, siblings sorted) or flat (`--flat`), sorted by one column, the first
//! N rows; one snapshot per interval live, or the interval ending at (or just after) a
//! moment of the logs. A value the cgroup lacks prints `-`.

use super::cgstat::{shown_path, workload_name, CgroupFilter};
use super::Render;
use crate::cgroup::CgroupCounters;
use crate::sample::HostFacts;
use crate::stats::{CgroupRates, IntervalStats, Over};
use crate::time::{clock_label, Zone};
use std::cmp::Ordering;
use std::collections::HashMap;
use std::io::{self, Write};

/// The column the cgroups are sorted by (`--sort`), largest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum SortBy {
    /// %CPU
    #[default]
    Cpu,
    /// memory in use
    Memory,
    /// bytes read and written per second
    Io,
    /// %PSI, the largest share of time stalled on CPU, memory or I/O
    Pressure,
    /// tasks
    Tasks,
}

/// What `rsar cgtop` shows.
#[derive(Debug, Clone, Default)]
pub struct CgtopOptions {
    /// The moment: the interval ending at or after it (the last one without).
    pub at_ns: Option<i64>,
    /// The same as a time of day (`-s`), on the sample's own date.
    pub at_clock: Option<chrono::NaiveTime>,
    pub sort: SortBy,
    /// At most this many rows.
    pub lines: Option<usize>,
    pub flat: bool,
    pub filter: CgroupFilter,
    /// A snapshot at every interval (live), not one at the moment or at the end.
    pub each: bool,
    pub zone: Zone,
}

/// One cgroup's line.
#[derive(Debug, Clone)]
struct Entry {
    path: String,
    name: Option<String>,
    tasks: Option<f64>,
    cpu: Option<f64>,
    /// Bytes in use.
    memory: Option<f64>,
    /// Bytes per second.
    read: Option<f64>,
    write: Option<f64>,
    psi: Option<f64>,
}

impl Entry {
    fn of(d: &Over<CgroupCounters>) -> Entry {
        let r = CgroupRates::of(d);
        let psi = [r.cpu_some_pct, r.memory_some_pct, r.io_some_pct]
            .into_iter()
            .flatten()
            .reduce(f64::max);
        Entry {
            path: d.path.clone(),
            name: workload_name(&d.path),
            tasks: d.pids_current.map(|t| t as f64),
            cpu: r.cpu_pct,
            memory: d.memory_current.map(|m| m as f64),
            read: r.rkb_s.map(|k| k * 1024.0),
            write: r.wkb_s.map(|k| k * 1024.0),
            psi,
        }
    }

    fn key(&self, by: SortBy) -> Option<f64> {
        match by {
            SortBy::Cpu => self.cpu,
            SortBy::Memory => self.memory,
            SortBy::Io => match (self.read, self.write) {
                (None, None) => None,
                (r, w) => Some(r.unwrap_or(0.0) + w.unwrap_or(0.0)),
            },
            SortBy::Pressure => self.psi,
            SortBy::Tasks => self.tasks,
        }
    }
}

/// Largest first, absent last, then by path.
fn order(a: &Entry, b: &Entry, by: SortBy) -> Ordering {
    match (a.key(by), b.key(by)) {
        (Some(x), Some(y)) => y.partial_cmp(&x).unwrap_or(Ordering::Equal),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    }
    .then_with(|| a.path.cmp(&b.path))
}

/// Bytes as systemd-cgtop prints them: B below 1 KiB, else K, M, G, T with one decimal.
fn bytes(v: Option<f64>) -> String {
    let Some(mut v) = v.filter(|v| v.is_finite()) else {
        return "-".into();
    };
    if v < 1024.0 {
        return format!("{v:.0}B");
    }
    for unit in ["K", "M", "G", "T", "P"] {
        v /= 1024.0;
        if v < 1024.0 || unit == "P" {
            return format!("{v:.1}{unit}");
        }
    }
    "-".into()
}

fn one_decimal(v: Option<f64>) -> String {
    v.filter(|v| v.is_finite())
        .map_or_else(|| "-".into(), |v| format!("{v:.1}"))
}

/// The rows in the order shown, each with its indent (tree) and label.
fn arrange(mut entries: Vec<Entry>, opts: &CgtopOptions) -> Vec<(usize, String, Entry)> {
    if opts.flat {
        entries.sort_by(|a, b| order(a, b, opts.sort));
        return entries
            .into_iter()
            .map(|e| (0, shown_path(&e.path), e))
            .collect();
    }
    // Each cgroup below the nearest ancestor shown.
    entries.sort_by(|a, b| a.path.cmp(&b.path));
    let index: HashMap<&str, usize> = entries
        .iter()
        .enumerate()
        .map(|(i, e)| (e.path.as_str(), i))
        .collect();
    let parent_of = |path: &str| -> Option<usize> {
        let mut p = path;
        while !p.is_empty() {
            p = p.rfind('/').map_or("", |i| &p[..i]);
            if let Some(&i) = index.get(p) {
                return Some(i);
            }
        }
        None
    };
    let mut children: HashMap<Option<usize>, Vec<usize>> = HashMap::new();
    for (i, e) in entries.iter().enumerate() {
        let parent = if e.path.is_empty() {
            None
        } else {
            parent_of(&e.path)
        };
        children.entry(parent).or_default().push(i);
    }
    for list in children.values_mut() {
        list.sort_by(|&a, &b| order(&entries[a], &entries[b], opts.sort));
    }
    let mut out = Vec::with_capacity(entries.len());
    let mut stack: Vec<(usize, usize)> = children
        .get(&None)
        .map(|l| l.iter().rev().map(|&i| (i, 0)).collect())
        .unwrap_or_default();
    while let Some((i, level)) = stack.pop() {
        let path = &entries[i].path;
        let label = match parent_of(path) {
            Some(p) if !path.is_empty() => {
                let above = &entries[p].path;
                let rest = if above.is_empty() {
                    path.as_str()
                } else {
                    path.get(above.len() + 1..).unwrap_or(path)
                };
                rest.to_string()
            }
            _ => shown_path(path),
        };
        out.push((level, label, entries[i].clone()));
        if let Some(kids) = children.get(&Some(i)) {
            stack.extend(kids.iter().rev().map(|&k| (k, level + 1)));
        }
    }
    out
}

/// The cgtop renderer.
pub struct Cgtop<W: Write> {
    out: W,
    opts: CgtopOptions,
    /// The last interval's cgroups (shown), its end and length.
    last: Option<(i64, f64, Vec<Entry>)>,
    done: bool,
}

impl<W: Write> Cgtop<W> {
    pub fn new(out: W, opts: CgtopOptions) -> Self {
        Cgtop {
            out,
            opts,
            last: None,
            done: false,
        }
    }

    fn print(&mut self, end_ns: i64, seconds: f64, entries: Vec<Entry>) -> io::Result<()> {
        let mut rows = arrange(entries, &self.opts);
        if let Some(n) = self.opts.lines {
            rows.truncate(n);
        }
        let label_w = rows
            .iter()
            .map(|(l, label, _)| 2 * l + label.chars().count())
            .max()
            .unwrap_or(0)
            .max(6);
        let name_w = rows
            .iter()
            .map(|(_, _, e)| e.name.as_deref().map_or(1, |n| n.chars().count()))
            .max()
            .unwrap_or(0)
            .max(4);
        let mut text = format!(
            "{}, over the {seconds:.2} s before\n{:<label_w$}  {:<name_w$} {:>7} {:>7} {:>8} {:>8} {:>8} {:>6}\n",
            clock_label(end_ns, self.opts.zone),
            "CGROUP",
            "NAME",
            "Tasks",
            "%CPU",
            "Memory",
            "Input/s",
            "Output/s",
            "%PSI"
        );
        for (level, label, e) in &rows {
            let indented = format!("{:1$}{label}", "", 2 * level);
            text.push_str(&format!(
                "{indented:<label_w$}  {:<name_w$} {:>7} {:>7} {:>8} {:>8} {:>8} {:>6}\n",
                e.name.as_deref().unwrap_or("-"),
                e.tasks.map_or_else(|| "-".into(), |t| format!("{t:.0}")),
                one_decimal(e.cpu),
                bytes(e.memory),
                bytes(e.read),
                bytes(e.write),
                one_decimal(e.psi),
            ));
        }
        if rows.is_empty() {
            text.push_str("(no cgroup)\n");
        }
        self.out.write_all(text.as_bytes())?;
        self.out.flush()
    }

    fn reached(&self, ns: i64) -> bool {
        let clock = || {
            chrono::DateTime::from_timestamp_nanos(ns.div_euclid(1_000_000_000) * 1_000_000_000)
                .with_timezone(&chrono::Local)
                .time()
        };
        self.opts.at_ns.is_some_and(|at| ns >= at)
            || self.opts.at_clock.is_some_and(|at| clock() >= at)
    }
}

impl<W: Write> Render for Cgtop<W> {
    fn begin(&mut self, _host: &HostFacts, _first_ns: i64) -> io::Result<()> {
        Ok(())
    }

    fn interval(&mut self, stats: &IntervalStats) -> io::Result<()> {
        if self.done || stats.cgroups.is_empty() {
            return Ok(());
        }
        let entries: Vec<Entry> = stats
            .cgroups
            .iter()
            .filter(|d| self.opts.filter.keeps(&d.path))
            .map(Entry::of)
            .collect();
        if self.opts.each {
            if self
                .last
                .replace((stats.end_ns, stats.seconds, Vec::new()))
                .is_some()
            {
                self.out.write_all(b"\n")?;
            }
            return self.print(stats.end_ns, stats.seconds, entries);
        }
        if self.reached(stats.end_ns) {
            self.done = true;
            return self.print(stats.end_ns, stats.seconds, entries);
        }
        self.last = Some((stats.end_ns, stats.seconds, entries));
        Ok(())
    }

    fn restart(&mut self, _: i64, _: u32) -> io::Result<()> {
        Ok(())
    }

    fn comment(&mut self, _: i64, _: &str) -> io::Result<()> {
        Ok(())
    }

    fn finish(&mut self) -> io::Result<()> {
        if self.done || self.opts.each {
            return self.out.flush();
        }
        self.done = true;
        match self.last.take() {
            Some((end, seconds, entries)) => self.print(end, seconds, entries),
            None => {
                writeln!(
                    self.out,
                    "no cgroups in the window (recorded with rsadc --no-cgroups, or no cgroup hierarchy mounted)"
                )?;
                self.out.flush()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(path: &str, cpu: f64) -> Entry {
        Entry {
            path: path.into(),
            name: None,
            tasks: None,
            cpu: Some(cpu),
            memory: None,
            read: None,
            write: None,
            psi: None,
        }
    }

    /// The tree puts each cgroup below its nearest ancestor shown, siblings by the sort
    /// key; flat sorts them all.
    #[test]
    fn a_tree_nests_by_path_and_sorts_siblings() {
        let entries = vec![
            entry("", 150.0),
            entry("a.slice", 30.0),
            entry("a.slice/x/y.service", 30.0),
            entry("b.slice", 100.0),
            entry("b.slice/z.service", 90.0),
        ];
        let opts = CgtopOptions::default();
        let got: Vec<(usize, String)> = arrange(entries.clone(), &opts)
            .into_iter()
            .map(|(l, s, _)| (l, s))
            .collect();
        let want = [
            (0, "/"),
            (1, "b.slice"),
            (2, "z.service"),
            (1, "a.slice"),
            (2, "x/y.service"),
        ];
        assert_eq!(
            got,
            want.map(|(l, s)| (l, s.to_string())).to_vec(),
            "{got:?}"
        );
        let flat = CgtopOptions {
            flat: true,
            ..CgtopOptions::default()
        };
        let got: Vec<String> = arrange(entries, &flat)
            .into_iter()
            .map(|(_, s, _)| s)
            .collect();
        assert_eq!(
            got,
            [
                "/",
                "/b.slice",
                "/b.slice/z.service",
                "/a.slice",
                "/a.slice/x/y.service"
            ]
        );
        assert_eq!(bytes(Some(1000.0)), "1000B");
        assert_eq!(bytes(Some(1536.0)), "1.5K");
        assert_eq!(bytes(Some(3.0 * 1024.0 * 1024.0 * 1024.0)), "3.0G");
        assert_eq!(bytes(None), "-");
    }
}
