//! `rsar pidstat`: pidstat's reports of each process over each interval — CPU (`-u`),
//! memory (`-r`), storage I/O (`-d`), context switches (`-w`) — from two consecutive
//! process tables, live or recorded, with pidstat's columns, selection (`-p`, `-C`, `-U`)
//! and `Average:` block. Without `-p`, only processes active in the interval are shown,
//! as pidstat does.

use super::table::banner_for;
use super::{number, Render};
use crate::process::ProcessCounters;
use crate::sample::HostFacts;
use crate::stats::IntervalStats;
use crate::store::procs::ProcessTable;
use crate::time::{clock_label, Zone};
use std::collections::HashMap;
use std::io::{self, Write};

/// Which processes to show.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Pids {
    /// Those with activity in the interval (pidstat without `-p`).
    #[default]
    Active,
    /// Every process (`-p ALL`).
    All,
    /// These (`-p 1,42`).
    List(Vec<u32>),
}

/// What `rsar pidstat` shows.
#[derive(Debug, Clone, Default)]
pub struct PidstatOptions {
    pub cpu: bool,
    pub memory: bool,
    pub io: bool,
    pub switches: bool,
    pub pids: Pids,
    /// `-C`: command names matching this.
    pub command: Option<regex::Regex>,
    /// `-U`: user names instead of ids; with a name, only that user's processes.
    pub user_names: bool,
    pub user: Option<String>,
    /// `-l`: the whole command line.
    pub cmdline: bool,
    /// `-h`: one line per process with every report, and no averages.
    pub one_line: bool,
    /// `-H`: times as seconds since the epoch.
    pub epoch: bool,
    pub zone: Zone,
}

/// One process over one interval, or over the whole run for `Average:`.
#[derive(Debug, Clone, Default, PartialEq)]
struct Delta {
    /// Length of the interval in clock ticks.
    ticks: f64,
    seconds: f64,
    usr: f64,
    sys: f64,
    guest: f64,
    /// Clock ticks spent runnable but waiting for a CPU. pidstat turns each sample's
    /// nanoseconds into whole ticks before taking the difference; so does this, so that
    /// `%wait` is pidstat's (a multiple of one tick over the interval).
    wait: f64,
    minflt: f64,
    majflt: f64,
    read: f64,
    write: f64,
    cancelled: f64,
    blkio: f64,
    nvcsw: f64,
    nivcsw: f64,
    vsize_kb: f64,
    rss_kb: f64,
    /// The RSS %MEM is taken of: the interval's, or the average rounded down to a whole
    /// kB as pidstat's integer division gives it.
    mem_rss_kb: f64,
    /// VSZ or RSS changed: pidstat's `-r` shows such a process even without faults.
    resized: bool,
}

/// Run-queue wait in whole clock ticks, as pidstat reads /proc/PID/schedstat.
fn wait_ticks(ns: Option<u64>, hz: u64) -> u64 {
    let ticks = u128::from(ns.unwrap_or(0)) * u128::from(hz) / 1_000_000_000;
    u64::try_from(ticks).unwrap_or(u64::MAX)
}

impl Delta {
    /// `c` since `p` (or since it started, without `p`), over `ticks` and `seconds`.
    fn between(
        p: Option<&ProcessCounters>,
        c: &ProcessCounters,
        ticks: f64,
        seconds: f64,
        host: &HostFacts,
    ) -> Delta {
        let zero = ProcessCounters::default();
        let p = p.unwrap_or(&zero);
        let d = |a: u64, b: u64| b.saturating_sub(a) as f64;
        let o = |a: Option<u64>, b: Option<u64>| d(a.unwrap_or(0), b.unwrap_or(0));
        let hz = u64::from(host.user_hz.max(1));
        let rss_kb = resident_kb(c, host);
        Delta {
            ticks,
            seconds,
            usr: d(
                p.utime.saturating_sub(p.guest_time),
                c.utime.saturating_sub(c.guest_time),
            ),
            sys: d(p.stime, c.stime),
            guest: d(p.guest_time, c.guest_time),
            wait: d(
                wait_ticks(p.run_delay_ns, hz),
                wait_ticks(c.run_delay_ns, hz),
            ),
            minflt: d(p.minflt, c.minflt),
            majflt: d(p.majflt, c.majflt),
            read: o(p.read_bytes, c.read_bytes),
            write: o(p.write_bytes, c.write_bytes),
            cancelled: o(p.cancelled_write_bytes, c.cancelled_write_bytes),
            blkio: d(p.blkio_ticks, c.blkio_ticks),
            nvcsw: o(p.nvcsw, c.nvcsw),
            nivcsw: o(p.nivcsw, c.nivcsw),
            vsize_kb: (c.vsize >> 10) as f64,
            rss_kb,
            mem_rss_kb: rss_kb,
            resized: p.vsize != c.vsize || p.rss != c.rss,
        }
    }

    /// Add another interval's counters (levels are averaged apart, in `RunTotal`).
    fn add(&mut self, o: &Delta) {
        for (a, b) in [
            (&mut self.usr, o.usr),
            (&mut self.sys, o.sys),
            (&mut self.guest, o.guest),
            (&mut self.wait, o.wait),
            (&mut self.minflt, o.minflt),
            (&mut self.majflt, o.majflt),
            (&mut self.read, o.read),
            (&mut self.write, o.write),
            (&mut self.cancelled, o.cancelled),
            (&mut self.blkio, o.blkio),
            (&mut self.nvcsw, o.nvcsw),
            (&mut self.nivcsw, o.nivcsw),
        ] {
            *a += b;
        }
    }

    fn pct(&self, ticks: f64) -> f64 {
        100.0 * ticks / self.ticks.max(f64::MIN_POSITIVE)
    }

    fn per_s(&self, v: f64) -> f64 {
        v / self.seconds.max(f64::MIN_POSITIVE)
    }
}

/// Resident set in kB, as pidstat converts pages.
fn resident_kb(p: &ProcessCounters, host: &HostFacts) -> f64 {
    (p.rss * u64::from(host.page_size.max(1024) / 1024)) as f64
}

/// One report's columns: header and how a row prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Part {
    Cpu,
    Memory,
    Io,
    Switches,
}

impl Part {
    fn header(self) -> &'static str {
        match self {
            Part::Cpu => "    %usr %system  %guest   %wait    %CPU   CPU",
            Part::Memory => "  minflt/s  majflt/s     VSZ     RSS   %MEM",
            Part::Io => "   kB_rd/s   kB_wr/s kB_ccwr/s iodelay",
            Part::Switches => "   cswch/s nvcswch/s",
        }
    }

    /// Whether the process did anything this report shows (pidstat's "active" rule).
    fn active(self, d: &Delta) -> bool {
        match self {
            Part::Cpu => d.usr + d.sys + d.guest > 0.0,
            Part::Memory => d.minflt + d.majflt > 0.0 || d.resized,
            Part::Io => d.read + d.write + d.cancelled + d.blkio > 0.0,
            Part::Switches => d.nvcsw + d.nivcsw > 0.0,
        }
    }

    fn cells(self, out: &mut Vec<u8>, d: &Delta, cpu: Option<u32>, mem_total_kb: f64) {
        let f = |out: &mut Vec<u8>, v: f64, w: usize| {
            out.push(b' ');
            number::push_fixed2_right(out, v, w - 1);
        };
        match self {
            Part::Cpu => {
                f(out, d.pct(d.usr), 8);
                f(out, d.pct(d.sys), 8);
                f(out, d.pct(d.guest), 8);
                f(out, d.pct(d.wait), 8);
                f(out, d.pct(d.usr + d.sys + d.guest), 8);
                match cpu {
                    Some(c) => out.extend_from_slice(format!("{c:>6}").as_bytes()),
                    None => out.extend_from_slice(b"     -"),
                }
            }
            Part::Memory => {
                f(out, d.per_s(d.minflt), 10);
                f(out, d.per_s(d.majflt), 10);
                out.extend_from_slice(format!(" {:>7.0} {:>7.0}", d.vsize_kb, d.rss_kb).as_bytes());
                f(
                    out,
                    100.0 * d.mem_rss_kb / mem_total_kb.max(f64::MIN_POSITIVE),
                    7,
                );
            }
            Part::Io => {
                f(out, d.per_s(d.read) / 1024.0, 10);
                f(out, d.per_s(d.write) / 1024.0, 10);
                f(out, d.per_s(d.cancelled) / 1024.0, 10);
                out.extend_from_slice(format!(" {:>7.0}", d.blkio).as_bytes());
            }
            Part::Switches => {
                f(out, d.per_s(d.nvcsw), 10);
                f(out, d.per_s(d.nivcsw), 10);
            }
        }
    }
}

/// One selected process of an interval's end table.
struct IntervalRow {
    p: ProcessCounters,
    d: Delta,
    /// Its VSZ and RSS at the interval's start, if it was there.
    sizes_before: Option<(u64, u64)>,
}

/// One process over the whole run, for `Average:`.
#[derive(Debug, Clone)]
struct RunTotal {
    /// As it was in the last table it was in.
    last: ProcessCounters,
    /// Its counters since the run's first table (since it started, if it started later).
    sum: Delta,
    /// Intervals it was in, and the sums of its VSZ and RSS (kB) at their ends: pidstat
    /// averages levels and `iodelay` over those.
    intervals: u32,
    vsize_kb: u64,
    rss_kb: u64,
    /// VSZ and RSS at the run's first table (0 for a process started later).
    first_vsize: u64,
    first_rss: u64,
}

/// What `Average:` is made of: each process of the last table, over the whole run.
///
/// pidstat diffs each process's last sample with the run's first (with zeros for one that
/// started later) and divides by the whole run, so a process that ran only in the last of
/// two intervals averages half its rate; one gone before the end has no `Average:` row.
#[derive(Default)]
struct Averages {
    by_key: HashMap<(u32, u64), RunTotal>,
    ticks: f64,
    seconds: f64,
}

impl Averages {
    /// Add one interval: its length, and each selected process of its end table.
    fn add(&mut self, rows: &[IntervalRow], host: &HostFacts) {
        let Some(first) = rows.first() else {
            return;
        };
        self.ticks += first.d.ticks;
        self.seconds += first.d.seconds;
        let mut now = HashMap::with_capacity(rows.len());
        for IntervalRow { p, d, sizes_before } in rows {
            let vsize_kb = p.vsize >> 10;
            let rss_kb = resident_kb(p, host) as u64;
            let total = match self.by_key.remove(&p.key()) {
                Some(mut t) => {
                    t.sum.add(d);
                    t.intervals += 1;
                    t.vsize_kb += vsize_kb;
                    t.rss_kb += rss_kb;
                    t.last = p.clone();
                    t
                }
                None => {
                    let (first_vsize, first_rss) = sizes_before.unwrap_or((0, 0));
                    RunTotal {
                        last: p.clone(),
                        sum: d.clone(),
                        intervals: 1,
                        vsize_kb,
                        rss_kb,
                        first_vsize,
                        first_rss,
                    }
                }
            };
            now.insert(p.key(), total);
        }
        // A process not in this interval's table is gone: pidstat forgets it.
        self.by_key = now;
    }

    /// The processes to average, by pid as pidstat lists them, each with its averages.
    fn rows(&self) -> Vec<(ProcessCounters, Delta)> {
        let mut keys: Vec<&(u32, u64)> = self.by_key.keys().collect();
        keys.sort();
        keys.into_iter()
            .filter_map(|k| self.by_key.get(k))
            .map(|t| {
                let n = f64::from(t.intervals.max(1));
                let mut d = t.sum.clone();
                d.ticks = self.ticks;
                d.seconds = self.seconds;
                d.blkio /= n;
                d.vsize_kb = t.vsize_kb as f64 / n;
                d.rss_kb = t.rss_kb as f64 / n;
                d.mem_rss_kb = (t.rss_kb / u64::from(t.intervals.max(1))) as f64;
                d.resized = t.first_vsize != t.last.vsize || t.first_rss != t.last.rss;
                (t.last.clone(), d)
            })
            .collect()
    }
}

/// The pidstat renderer.
pub struct Pidstat<W: Write> {
    out: W,
    opts: PidstatOptions,
    parts: Vec<Part>,
    host: HostFacts,
    prev: Option<ProcessTable>,
    mem_total_kb: f64,
    averages: Averages,
    users: super::UserNames,
    line: Vec<u8>,
}

impl<W: Write> Pidstat<W> {
    pub fn new(out: W, opts: PidstatOptions) -> Self {
        let mut parts = Vec::new();
        for (on, part) in [
            (opts.cpu, Part::Cpu),
            (opts.memory, Part::Memory),
            (opts.io, Part::Io),
            (opts.switches, Part::Switches),
        ] {
            if on {
                parts.push(part);
            }
        }
        if parts.is_empty() {
            parts.push(Part::Cpu);
        }
        Pidstat {
            out,
            opts,
            parts,
            host: HostFacts::default(),
            prev: None,
            mem_total_kb: 0.0,
            averages: Averages::default(),
            users: super::UserNames::default(),
            line: Vec::with_capacity(256),
        }
    }

    fn user(&mut self, uid: u32) -> String {
        if !self.opts.user_names {
            return format!("{:>6}", ProcessCounters::uid_text(uid));
        }
        format!("{:>9}", self.users.name(uid))
    }

    fn selected(&mut self, p: &ProcessCounters) -> bool {
        if let Pids::List(pids) = &self.opts.pids {
            if !pids.contains(&p.pid) {
                return false;
            }
        }
        if let Some(re) = &self.opts.command {
            let named = re.is_match(&p.comm) || (self.opts.cmdline && re.is_match(&p.cmdline));
            if !named {
                return false;
            }
        }
        if let Some(want) = self.opts.user.clone() {
            let name = self.user(p.uid);
            if name.trim() != want && p.uid.to_string() != want {
                return false;
            }
        }
        true
    }

    /// A sample's time as pidstat prints it: `HH:MM:SS`, or seconds since the epoch (`-H`).
    fn time_label(&self, wall_ns: i64) -> String {
        if self.opts.epoch {
            wall_ns.div_euclid(1_000_000_000).to_string()
        } else {
            clock_label(wall_ns, self.opts.zone)
        }
    }

    fn command<'p>(&self, p: &'p ProcessCounters) -> &'p str {
        if self.opts.cmdline && !p.cmdline.is_empty() {
            &p.cmdline
        } else {
            &p.comm
        }
    }

    fn header(&mut self, label: &str, part: Option<Part>) -> io::Result<()> {
        let user = if self.opts.user_names {
            "     USER"
        } else {
            "   UID"
        };
        self.line.clear();
        let label = if self.opts.one_line { "# Time" } else { label };
        self.line
            .extend_from_slice(format!("{label:<11}{user}       PID").as_bytes());
        if self.opts.one_line {
            for p in &self.parts {
                self.line.extend_from_slice(p.header().as_bytes());
            }
        } else if let Some(p) = part {
            self.line.extend_from_slice(p.header().as_bytes());
        }
        self.line.extend_from_slice(b"  Command\n");
        self.out.write_all(&self.line)
    }

    fn row(
        &mut self,
        label: &str,
        p: &ProcessCounters,
        d: &Delta,
        parts: &[Part],
        cpu: Option<u32>,
    ) -> io::Result<()> {
        let user = self.user(p.uid);
        let command = self.command(p).to_string();
        self.line.clear();
        self.line
            .extend_from_slice(format!("{label:<11}").as_bytes());
        self.line
            .extend_from_slice(format!("{user} {:>9}", p.pid).as_bytes());
        for part in parts {
            part.cells(&mut self.line, d, cpu, self.mem_total_kb);
        }
        self.line
            .extend_from_slice(format!("  {command}\n").as_bytes());
        self.out.write_all(&self.line)
    }

    /// The rows of one interval, between `prev` and `now`.
    fn interval_rows(&mut self, prev: &ProcessTable, now: &ProcessTable) -> io::Result<()> {
        let seconds = now.uptime_cs.saturating_sub(prev.uptime_cs) as f64 / 100.0;
        if seconds <= 0.0 {
            return Ok(());
        }
        let hz = f64::from(self.host.user_hz.max(1));
        let ticks = seconds * hz;
        // Each selected process of `now`, its interval, and its VSZ and RSS before it.
        let mut rows: Vec<IntervalRow> = Vec::new();
        for c in now.processes.iter() {
            let Some(before) = c.before_in(&prev.processes, prev.uptime_cs, hz) else {
                continue;
            };
            if !self.selected(c) {
                continue;
            }
            rows.push(IntervalRow {
                p: c.clone(),
                d: Delta::between(before, c, ticks, seconds, &self.host),
                sizes_before: before.map(|b| (b.vsize, b.rss)),
            });
        }
        // As pidstat: the header carries the previous sample's time, the rows this one's.
        let (header_label, label) = (self.time_label(prev.wall_ns), self.time_label(now.wall_ns));
        let groups: Vec<Vec<Part>> = if self.opts.one_line {
            vec![self.parts.clone()]
        } else {
            self.parts.iter().map(|&p| vec![p]).collect()
        };
        for parts in groups {
            self.out.write_all(b"\n")?;
            self.header(&header_label, parts.first().copied())?;
            let all = self.opts.pids != Pids::Active;
            for r in &rows {
                if all || parts.iter().any(|part| part.active(&r.d)) {
                    self.row(&label, &r.p, &r.d, &parts, Some(r.p.processor))?;
                }
            }
        }
        self.averages.add(&rows, &self.host);
        Ok(())
    }
}

impl<W: Write> Render for Pidstat<W> {
    fn begin(&mut self, host: &HostFacts, first_ns: i64) -> io::Result<()> {
        self.host = host.clone();
        // Each header starts with an empty line, as pidstat's do.
        writeln!(self.out, "{}", banner_for(host, first_ns, self.opts.zone))
    }

    fn interval(&mut self, stats: &IntervalStats) -> io::Result<()> {
        if let Some(m) = stats.memory {
            self.mem_total_kb = m.mean().total;
        }
        Ok(())
    }

    fn restart(&mut self, _wall_ns: i64, _cpus: u32) -> io::Result<()> {
        self.prev = None;
        Ok(())
    }

    fn comment(&mut self, _: i64, _: &str) -> io::Result<()> {
        Ok(())
    }

    fn processes(&mut self, table: &ProcessTable) -> io::Result<()> {
        if let Some(prev) = self.prev.take() {
            if table.uptime_cs > prev.uptime_cs {
                self.interval_rows(&prev, table)?;
            }
        }
        self.prev = Some(table.clone());
        self.out.flush()
    }

    fn finish(&mut self) -> io::Result<()> {
        // pidstat's one-line format has no averages; nor has a run without an interval.
        if self.opts.one_line || self.averages.seconds <= 0.0 {
            return self.out.flush();
        }
        let rows = self.averages.rows();
        let all = self.opts.pids != Pids::Active;
        for part in self.parts.clone() {
            self.out.write_all(b"\n")?;
            self.header("Average:", Some(part))?;
            for (p, d) in &rows {
                if all || part.active(d) {
                    self.row("Average:", p, d, &[part], None)?;
                }
            }
        }
        self.out.flush()
    }
}
