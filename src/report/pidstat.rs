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
    /// `-h`: one line per process with every report, times as seconds since the epoch.
    pub one_line: bool,
    pub zone: Zone,
}

/// One process over one interval.
#[derive(Debug, Clone, Default, PartialEq)]
struct Delta {
    /// Length of the interval in clock ticks.
    ticks: f64,
    seconds: f64,
    usr: f64,
    sys: f64,
    guest: f64,
    wait_ns: f64,
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
}

impl Delta {
    fn between(
        p: Option<&ProcessCounters>,
        c: &ProcessCounters,
        ticks: f64,
        seconds: f64,
        page_kb: f64,
    ) -> Delta {
        let zero = ProcessCounters::default();
        let p = p.unwrap_or(&zero);
        let d = |a: u64, b: u64| b.saturating_sub(a) as f64;
        let o = |a: Option<u64>, b: Option<u64>| d(a.unwrap_or(0), b.unwrap_or(0));
        Delta {
            ticks,
            seconds,
            usr: d(
                p.utime.saturating_sub(p.guest_time),
                c.utime.saturating_sub(c.guest_time),
            ),
            sys: d(p.stime, c.stime),
            guest: d(p.guest_time, c.guest_time),
            wait_ns: o(p.run_delay_ns, c.run_delay_ns),
            minflt: d(p.minflt, c.minflt),
            majflt: d(p.majflt, c.majflt),
            read: o(p.read_bytes, c.read_bytes),
            write: o(p.write_bytes, c.write_bytes),
            cancelled: o(p.cancelled_write_bytes, c.cancelled_write_bytes),
            blkio: d(p.blkio_ticks, c.blkio_ticks),
            nvcsw: o(p.nvcsw, c.nvcsw),
            nivcsw: o(p.nivcsw, c.nivcsw),
            vsize_kb: c.vsize as f64 / 1024.0,
            rss_kb: c.rss as f64 * page_kb,
        }
    }

    fn add(&mut self, o: &Delta) {
        let n = self.seconds;
        self.ticks += o.ticks;
        self.seconds += o.seconds;
        for (a, b) in [
            (&mut self.usr, o.usr),
            (&mut self.sys, o.sys),
            (&mut self.guest, o.guest),
            (&mut self.wait_ns, o.wait_ns),
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
        // Levels: averaged over time.
        let w = |a: f64, b: f64| (a * n + b * o.seconds) / (n + o.seconds).max(f64::MIN_POSITIVE);
        self.vsize_kb = w(self.vsize_kb, o.vsize_kb);
        self.rss_kb = w(self.rss_kb, o.rss_kb);
    }

    fn pct(&self, ticks: f64) -> f64 {
        100.0 * ticks / self.ticks.max(f64::MIN_POSITIVE)
    }

    fn per_s(&self, v: f64) -> f64 {
        v / self.seconds.max(f64::MIN_POSITIVE)
    }
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
            Part::Memory => d.minflt + d.majflt > 0.0,
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
                f(
                    out,
                    100.0 * d.wait_ns / (d.seconds * 1e9).max(f64::MIN_POSITIVE),
                    8,
                );
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
                    100.0 * d.rss_kb / mem_total_kb.max(f64::MIN_POSITIVE),
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

/// The per-process averages of the run, in the order processes were first shown.
#[derive(Default)]
struct Averages {
    order: Vec<(u32, u64)>,
    by_key: HashMap<(u32, u64), (ProcessCounters, Delta, Vec<Part>)>,
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
            return format!("{uid:>6}");
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
        if self.opts.one_line {
            self.line
                .extend_from_slice(format!("#{:>10}{user}       PID", "Time").as_bytes());
            for p in &self.parts {
                self.line.extend_from_slice(p.header().as_bytes());
            }
        } else {
            self.line
                .extend_from_slice(format!("{label:<11}{user}       PID").as_bytes());
            if let Some(p) = part {
                self.line.extend_from_slice(p.header().as_bytes());
            }
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
        if self.opts.one_line {
            self.line
                .extend_from_slice(format!(" {label:>10}").as_bytes());
        } else {
            self.line
                .extend_from_slice(format!("{label:<11}").as_bytes());
        }
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
        let page_kb = f64::from(self.host.page_size.max(1024)) / 1024.0;
        let prev_start_ticks = prev.uptime_cs as f64 * hz / 100.0;
        let mut rows: Vec<(ProcessCounters, Delta)> = Vec::new();
        for c in now.processes.iter() {
            let before = prev
                .processes
                .binary_search_by_key(&c.key(), ProcessCounters::key)
                .ok()
                .map(|i| &prev.processes[i]);
            // A process new since the last table counts from its start; one that was
            // there but is missing from it (a table cut short) is not shown.
            if before.is_none() && (c.start_ticks as f64) < prev_start_ticks {
                continue;
            }
            if !self.selected(c) {
                continue;
            }
            rows.push((
                c.clone(),
                Delta::between(before, c, ticks, seconds, page_kb),
            ));
        }
        let label = if self.opts.one_line {
            (now.wall_ns.div_euclid(1_000_000_000)).to_string()
        } else {
            clock_label(now.wall_ns, self.opts.zone)
        };
        let groups: Vec<Vec<Part>> = if self.opts.one_line {
            vec![self.parts.clone()]
        } else {
            self.parts.iter().map(|&p| vec![p]).collect()
        };
        let mut shown_in: HashMap<(u32, u64), Vec<Part>> = HashMap::new();
        for parts in groups {
            let active = |d: &Delta| parts.iter().any(|p| p.active(d));
            let all = self.opts.pids != Pids::Active;
            if !self.opts.one_line || self.averages.order.is_empty() {
                self.header(&label, parts.first().copied())?;
            }
            for (p, d) in rows.iter().filter(|(_, d)| all || active(d)) {
                self.row(&label, p, d, &parts, Some(p.processor))?;
                shown_in.entry(p.key()).or_default().extend(&parts);
            }
            if !self.opts.one_line {
                self.out.write_all(b"\n")?;
            }
        }
        // Each process shown is averaged once per interval, over the reports it showed in.
        for (p, d) in rows {
            let Some(parts) = shown_in.remove(&p.key()) else {
                continue;
            };
            let key = p.key();
            match self.averages.by_key.get_mut(&key) {
                Some((last, sum, seen)) => {
                    sum.add(&d);
                    *last = p;
                    for part in parts {
                        if !seen.contains(&part) {
                            seen.push(part);
                        }
                    }
                }
                None => {
                    self.averages.order.push(key);
                    self.averages.by_key.insert(key, (p, d, parts));
                }
            }
        }
        Ok(())
    }
}

impl<W: Write> Render for Pidstat<W> {
    fn begin(&mut self, host: &HostFacts, first_ns: i64) -> io::Result<()> {
        self.host = host.clone();
        writeln!(self.out, "{}", banner_for(host, first_ns, self.opts.zone))?;
        writeln!(self.out)
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
        if self.opts.one_line {
            return self.out.flush();
        }
        let order = std::mem::take(&mut self.averages.order);
        for part in self.parts.clone() {
            self.header("Average:", Some(part))?;
            for key in &order {
                let Some((p, d, seen)) = self.averages.by_key.get(key).cloned() else {
                    continue;
                };
                if seen.contains(&part) {
                    self.row("Average:", &p, &d, &[part], None)?;
                }
            }
            self.out.write_all(b"\n")?;
        }
        self.out.flush()
    }
}
