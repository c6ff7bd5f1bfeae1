//! `rsar top`: a `top -b -n 1`-like snapshot of one moment — uptime and load, tasks by
//! state, the CPU and memory lines, then every process with its state, threads, VIRT,
//! RES, %CPU, %MEM and TIME+ — live, or at a past moment from the logs. `--state D` lists
//! only the uninterruptible tasks: what made the load high while the CPUs were idle.

use super::Render;
use crate::process::ProcessCounters;
use crate::sample::HostFacts;
use crate::stats::IntervalStats;
use crate::store::procs::ProcessTable;
use crate::time::{clock_label, Zone};
use std::io::{self, Write};

/// The column the process list is sorted by (`-o`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum SortBy {
    #[default]
    #[value(name = "%CPU", alias = "cpu")]
    Cpu,
    #[value(name = "%MEM", alias = "mem")]
    Mem,
    #[value(name = "RES", alias = "res")]
    Res,
    #[value(name = "VIRT", alias = "virt")]
    Virt,
    #[value(name = "TIME+", alias = "time")]
    Time,
    #[value(name = "PID", alias = "pid")]
    Pid,
    #[value(name = "nTH", alias = "threads")]
    Threads,
}

/// What `rsar top` shows.
#[derive(Debug, Clone, Default)]
pub struct TopOptions {
    /// The moment: the first process table at or after it (the last one without).
    pub at_ns: Option<i64>,
    /// The same as a time of day (`-s`), on the table's own date.
    pub at_clock: Option<chrono::NaiveTime>,
    pub sort: SortBy,
    /// Only processes in these states (letters, e.g. "D" or "RD").
    pub states: Option<String>,
    /// At most this many processes.
    pub lines: Option<usize>,
    /// The whole command line instead of the name (`-c`).
    pub cmdline: bool,
    pub zone: Zone,
}

/// One process at the moment shown.
#[derive(Debug, Clone, Copy)]
pub struct Line<'a> {
    pub p: &'a ProcessCounters,
    /// Percent of one CPU over the time since the table before (a process on two CPUs
    /// shows 200); 0 without a table before.
    pub cpu_pct: f64,
    pub res_kb: f64,
    pub mem_pct: f64,
    /// CPU time used since the process started (user + system), in clock ticks.
    pub time_ticks: u64,
}

/// Every process of `now`, in its order, with %CPU from the ticks each used since `prev`
/// (the table before it in the same boot; a process new since then, or a pid reused,
/// counts from its start) and %MEM of `mem_total_kb`. What `rsar top` and the TUI's
/// replay show.
pub fn lines<'a>(
    now: &'a ProcessTable,
    prev: Option<&ProcessTable>,
    host: &HostFacts,
    mem_total_kb: f64,
) -> Vec<Line<'a>> {
    let hz = f64::from(host.user_hz.max(1));
    let page_kb = f64::from(host.page_size.max(1024)) / 1024.0;
    let prev = prev.filter(|p| p.uptime_cs < now.uptime_cs);
    let ticks = prev.map_or(0.0, |p| (now.uptime_cs - p.uptime_cs) as f64 * hz / 100.0);
    now.processes
        .iter()
        .map(|p| {
            let before = prev.and_then(|t| {
                t.processes
                    .binary_search_by_key(&p.key(), ProcessCounters::key)
                    .ok()
                    .map(|i| &t.processes[i])
            });
            let used = |q: &ProcessCounters| q.utime + q.stime;
            let delta = match before {
                Some(b) => used(p).saturating_sub(used(b)),
                None => used(p),
            };
            let res_kb = p.rss as f64 * page_kb;
            Line {
                p,
                cpu_pct: if ticks > 0.0 {
                    100.0 * delta as f64 / ticks
                } else {
                    0.0
                },
                res_kb,
                mem_pct: if mem_total_kb > 0.0 {
                    100.0 * res_kb / mem_total_kb
                } else {
                    0.0
                },
                time_ticks: used(p),
            }
        })
        .collect()
}

/// Tasks by state, as top's `Tasks:` line counts them (idle kernel threads sleep, traced
/// ones are stopped).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TaskCounts {
    pub total: usize,
    pub running: usize,
    pub sleeping: usize,
    pub uninterruptible: usize,
    pub stopped: usize,
    pub zombie: usize,
}

impl TaskCounts {
    /// Count the tasks whose state letters are `states`.
    pub fn of(states: impl IntoIterator<Item = char>) -> TaskCounts {
        let mut c = TaskCounts::default();
        for s in states {
            c.total += 1;
            match s {
                'R' => c.running += 1,
                'S' | 'I' => c.sleeping += 1,
                'D' => c.uninterruptible += 1,
                'T' | 't' => c.stopped += 1,
                'Z' => c.zombie += 1,
                _ => {}
            }
        }
        c
    }
}

/// The top renderer: it keeps the last two process tables and the last interval, and
/// prints once.
pub struct Top<W: Write> {
    out: W,
    opts: TopOptions,
    host: HostFacts,
    stats: Option<IntervalStats>,
    prev: Option<ProcessTable>,
    last: Option<ProcessTable>,
    done: bool,
    users: super::UserNames,
}

impl<W: Write> Top<W> {
    pub fn new(out: W, opts: TopOptions) -> Self {
        Top {
            out,
            opts,
            host: HostFacts::default(),
            stats: None,
            prev: None,
            last: None,
            done: false,
            users: super::UserNames::default(),
        }
    }

    fn user(&mut self, uid: u32) -> String {
        self.users.name(uid).to_string()
    }

    fn print(&mut self) -> io::Result<()> {
        self.done = true;
        let Some(now) = self.last.take() else {
            return writeln!(
                self.out,
                "no process table in the window (recorded with rsadc --no-processes?)"
            );
        };
        let hz = f64::from(self.host.user_hz.max(1));
        let prev = self.prev.take();
        let stats = self.stats.clone();
        let mem_total = stats
            .as_ref()
            .and_then(|s| s.memory)
            .map_or(0.0, |m| m.mean().total);
        // The header: uptime, load, tasks, CPU, memory.
        let up_s = now.uptime_cs / 100;
        let (days, hours, minutes) = (up_s / 86_400, up_s % 86_400 / 3600, up_s % 3600 / 60);
        let up = match days {
            0 => format!("{hours:2}:{minutes:02}"),
            1 => format!("1 day, {hours:2}:{minutes:02}"),
            d => format!("{d} days, {hours:2}:{minutes:02}"),
        };
        let load = stats
            .as_ref()
            .and_then(|s| s.queue)
            .map(|q| q.mean())
            .map_or("-".to_string(), |q| {
                format!("{:.2}, {:.2}, {:.2}", q.ldavg_1, q.ldavg_5, q.ldavg_15)
            });
        writeln!(
            self.out,
            "top - {} up {up},  load average: {load}",
            clock_label(now.wall_ns, self.opts.zone)
        )?;
        let tasks = TaskCounts::of(now.processes.iter().map(ProcessCounters::state_char));
        writeln!(
            self.out,
            "Tasks: {:3} total, {:3} running, {:3} sleeping, {:3} uninterruptible, {:3} stopped, {:3} zombie",
            tasks.total,
            tasks.running,
            tasks.sleeping,
            tasks.uninterruptible,
            tasks.stopped,
            tasks.zombie
        )?;
        if let Some(s) = &stats {
            let u = s.cpu.all.util();
            writeln!(
                self.out,
                "%Cpu(s): {:4.1} us, {:4.1} sy, {:4.1} ni, {:4.1} id, {:4.1} wa, {:4.1} hi, {:4.1} si, {:4.1} st",
                u.usr, u.sys, u.nice, u.idle, u.iowait, u.irq, u.soft, u.steal
            )?;
            if let Some(m) = s.memory.map(|m| m.mean()) {
                let mib = |kb: f64| kb / 1024.0;
                writeln!(
                    self.out,
                    "MiB Mem : {:8.1} total, {:8.1} free, {:8.1} used, {:8.1} buff/cache",
                    mib(m.total),
                    mib(m.memfree),
                    mib(m.memused),
                    mib(m.buffers + m.cached)
                )?;
                let w = s.swap.map(|w| w.mean()).unwrap_or_default();
                writeln!(
                    self.out,
                    "MiB Swap: {:8.1} total, {:8.1} free, {:8.1} used. {:8.1} avail Mem",
                    mib(w.total),
                    mib(w.swpfree),
                    mib(w.swpused),
                    mib(m.avail)
                )?;
            }
        }
        writeln!(self.out)?;
        // The processes.
        let mut lines: Vec<Line<'_>> = lines(&now, prev.as_ref(), &self.host, mem_total)
            .into_iter()
            .filter(|l| {
                self.opts
                    .states
                    .as_ref()
                    .is_none_or(|s| s.contains(l.p.state_char()))
            })
            .collect();
        let key = |l: &Line<'_>| -> f64 {
            match self.opts.sort {
                SortBy::Cpu => l.cpu_pct,
                SortBy::Mem | SortBy::Res => l.res_kb,
                SortBy::Virt => l.p.vsize as f64,
                SortBy::Time => l.time_ticks as f64,
                SortBy::Pid => -f64::from(l.p.pid),
                SortBy::Threads => f64::from(l.p.threads),
            }
        };
        lines.sort_by(|a, b| key(b).total_cmp(&key(a)).then(a.p.pid.cmp(&b.p.pid)));
        if let Some(n) = self.opts.lines {
            lines.truncate(n);
        }
        writeln!(
            self.out,
            "    PID USER      PR  NI    VIRT    RES S  nTH  %CPU  %MEM     TIME+ COMMAND"
        )?;
        let rows: Vec<(u32, String)> = lines
            .iter()
            .map(|l| {
                let cs = l.time_ticks as f64 * 100.0 / hz;
                let (m, s) = ((cs / 6000.0).floor(), (cs % 6000.0) / 100.0);
                let pr = if l.p.priority < -99 {
                    "rt".to_string()
                } else {
                    l.p.priority.to_string()
                };
                let command = if self.opts.cmdline && !l.p.cmdline.is_empty() {
                    l.p.cmdline.clone()
                } else {
                    l.p.comm.clone()
                };
                (
                    l.p.uid,
                    format!(
                        "{:>3} {:>3} {:>7.0} {:>6.0} {} {:>4} {:>5.1} {:>5.1} {:>9} {}",
                        pr,
                        l.p.nice,
                        l.p.vsize as f64 / 1024.0,
                        l.res_kb,
                        l.p.state_char(),
                        l.p.threads,
                        l.cpu_pct,
                        l.mem_pct,
                        format!("{m}:{s:05.2}"),
                        command
                    ),
                )
            })
            .collect();
        let pids: Vec<u32> = lines.iter().map(|l| l.p.pid).collect();
        drop(lines);
        for (pid, (uid, rest)) in pids.into_iter().zip(rows) {
            let user = self.user(uid);
            let user: String = user.chars().take(8).collect();
            writeln!(self.out, "{pid:>7} {user:<8} {rest}")?;
        }
        self.out.flush()
    }
}

impl<W: Write> Render for Top<W> {
    fn begin(&mut self, host: &HostFacts, _first_ns: i64) -> io::Result<()> {
        self.host = host.clone();
        Ok(())
    }

    fn interval(&mut self, stats: &IntervalStats) -> io::Result<()> {
        if !self.done {
            self.stats = Some(stats.clone());
        }
        Ok(())
    }

    fn restart(&mut self, _: i64, _: u32) -> io::Result<()> {
        if !self.done {
            self.prev = None;
            self.last = None;
        }
        Ok(())
    }

    fn comment(&mut self, _: i64, _: &str) -> io::Result<()> {
        Ok(())
    }

    fn processes(&mut self, table: &ProcessTable) -> io::Result<()> {
        if self.done {
            return Ok(());
        }
        self.prev = self.last.replace(table.clone());
        let clock = || {
            chrono::DateTime::from_timestamp_nanos(
                table.wall_ns.div_euclid(1_000_000_000) * 1_000_000_000,
            )
            .with_timezone(&chrono::Local)
            .time()
        };
        let reached = self.opts.at_ns.is_some_and(|at| table.wall_ns >= at)
            || self.opts.at_clock.is_some_and(|at| clock() >= at);
        if reached {
            return self.print();
        }
        Ok(())
    }

    fn finish(&mut self) -> io::Result<()> {
        if self.done {
            return Ok(());
        }
        self.print()
    }
}
