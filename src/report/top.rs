//! `rsar top`: `top -b`'s snapshots in top's layout — uptime, users and load, tasks by
//! state, the CPU and memory lines, then the processes with PR, NI, VIRT, RES, SHR, state,
//! %CPU, %MEM and TIME+ — one per interval live (`top -b -d N -n M`), or one at a past
//! moment from the logs. `--state D` lists only the uninterruptible tasks: what made the
//! load high while the CPUs were idle.

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
    /// `-u`: only this user's processes (the Tasks line still counts all, as top's).
    pub uid: Option<u32>,
    /// `-p`: only these processes (and the Tasks line counts only them, as top's).
    pub pids: Option<Vec<u32>>,
    /// A snapshot at every table after the first (live), not one at the end or moment.
    pub each: bool,
    /// Columns of the screen: a process line takes one less, its command cut to fit with
    /// a `+`, as top's.
    pub width: usize,
    /// Width of the PID column: the digits of the machine's pid_max (at least 5).
    pub pid_width: usize,
    pub zone: Zone,
}

/// Letters `--state` takes, with what each means.
pub const STATES: &[(char, &str)] = &[
    ('R', "running"),
    ('S', "sleeping"),
    ('D', "uninterruptible"),
    ('I', "idle"),
    ('T', "stopped"),
    ('t', "traced"),
    ('Z', "zombie"),
    ('X', "dead"),
];

/// A memory amount in KiB as top fits it in `width` columns: whole KiB, else MiB, GiB…
/// with one decimal and the unit's letter.
fn scale_mem(kib: f64, width: usize) -> String {
    let plain = format!("{kib:.0}");
    if plain.len() <= width {
        return plain;
    }
    let mut v = kib;
    for unit in ['m', 'g', 't', 'p'] {
        v /= 1024.0;
        let s = format!("{v:.1}{unit}");
        if s.len() <= width {
            return s;
        }
    }
    "?".to_string()
}

/// CPU time as top's TIME+ fits it in `width` columns: minutes:seconds.hundredths, else
/// minutes:seconds, hours,minutes, days+hours, weeks+days.
fn scale_time(ticks: u64, hz: u64, width: usize) -> String {
    let cs = u128::from(ticks) * 100 / u128::from(hz.max(1));
    let (hundredths, secs) = (cs % 100, cs / 100);
    let (s, mins) = (secs % 60, secs / 60);
    let (hours, days) = (mins / 60, mins / 60 / 24);
    [
        format!("{mins}:{s:02}.{hundredths:02}"),
        format!("{mins}:{s:02}"),
        format!("{hours},{:02}", mins % 60),
        format!("{days}d+{:02}h", hours % 24),
        format!("{}w+{}d", days / 7, days % 7),
    ]
    .into_iter()
    .find(|t| t.len() <= width)
    .unwrap_or_else(|| "?".to_string())
}

/// Text cut to `width` characters, its last one a `+` when cut, as top cuts.
fn fit(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        return text.to_string();
    }
    let mut cut: String = text.chars().take(width.saturating_sub(1)).collect();
    cut.push('+');
    cut
}

/// `up …` as procps prints it: days, then `hh:mm` or `m min`.
fn uptime_text(uptime_cs: u64) -> String {
    let secs = uptime_cs / 100;
    let days = if secs > 86_400 { secs / 86_400 } else { 0 };
    let rest = secs - days * 86_400;
    let hours = if rest > 3600 { rest / 3600 } else { 0 };
    let minutes = if rest - hours * 3600 > 60 {
        (rest - hours * 3600) / 60
    } else {
        0
    };
    let mut text = String::new();
    if days > 0 {
        text.push_str(&format!(
            "{days} {}, ",
            if days > 1 { "days" } else { "day" }
        ));
    }
    if hours > 0 {
        text.push_str(&format!("{hours:2}:{minutes:02}"));
    } else {
        text.push_str(&format!("{minutes} min"));
    }
    text
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
/// prints at each table (live) or once, at the moment asked for or at the end.
pub struct Top<W: Write> {
    out: W,
    opts: TopOptions,
    host: HostFacts,
    stats: Option<IntervalStats>,
    prev: Option<ProcessTable>,
    last: Option<ProcessTable>,
    done: bool,
    printed: usize,
    users: super::UserNames,
    /// Users logged in now (live); without it the count is unknown (`?`), as for a log.
    logged_in: Option<fn() -> Option<u32>>,
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
            printed: 0,
            users: super::UserNames::default(),
            logged_in: None,
        }
    }

    /// Count the users logged in with `count` at each snapshot (live).
    pub fn with_logged_in(mut self, count: fn() -> Option<u32>) -> Self {
        self.logged_in = Some(count);
        self
    }

    fn user(&mut self, uid: u32) -> String {
        fit(self.users.name(uid), 8)
    }

    fn print(&mut self, now: &ProcessTable, prev: Option<&ProcessTable>) -> io::Result<()> {
        let hz = u64::from(self.host.user_hz.max(1));
        let stats = self.stats.clone();
        let mem_total = stats
            .as_ref()
            .and_then(|s| s.memory)
            .map_or(0.0, |m| m.mean().total);
        if self.printed > 0 {
            writeln!(self.out)?;
        }
        self.printed += 1;
        // The summary: time, uptime, users, load; tasks; CPU; memory.
        let users = match self.logged_in.and_then(|count| count()) {
            Some(n) => format!("{n:2} {}", if n > 1 { "users" } else { "user" }),
            None => " ? users".to_string(),
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
            "top - {} up {}, {users},  load average: {load}",
            clock_label(now.wall_ns, self.opts.zone),
            uptime_text(now.uptime_cs)
        )?;
        let wanted = |p: &ProcessCounters| {
            self.opts
                .pids
                .as_ref()
                .is_none_or(|pids| pids.contains(&p.pid))
        };
        let tasks = TaskCounts::of(
            now.processes
                .iter()
                .filter(|p| wanted(p))
                .map(ProcessCounters::state_char),
        );
        // top counts the uninterruptible and idle tasks as sleeping.
        writeln!(
            self.out,
            "Tasks: {:3} total, {:3} running, {:3} sleeping, {:3} stopped, {:3} zombie",
            tasks.total,
            tasks.running,
            tasks.sleeping + tasks.uninterruptible,
            tasks.stopped,
            tasks.zombie
        )?;
        if let Some(s) = &stats {
            let u = s.cpu.all.util();
            writeln!(
                self.out,
                "%Cpu(s):{:5.1} us,{:5.1} sy,{:5.1} ni,{:5.1} id,{:5.1} wa,{:5.1} hi,{:5.1} si,{:5.1} st ",
                u.usr, u.sys, u.nice, u.idle, u.iowait, u.irq, u.soft, u.steal
            )?;
            if let Some(m) = s.memory.map(|m| m.mean()) {
                let mib = |kb: f64| kb / 1024.0;
                writeln!(
                    self.out,
                    "MiB Mem : {:8.1} total, {:8.1} free, {:8.1} used, {:8.1} buff/cache     ",
                    mib(m.total),
                    mib(m.memfree),
                    mib(m.memused),
                    mib(m.buffers + m.cached + m.sreclaim)
                )?;
                let w = s.swap.map(|w| w.mean()).unwrap_or_default();
                writeln!(
                    self.out,
                    "MiB Swap: {:8.1} total, {:8.1} free, {:8.1} used. {:8.1} avail Mem ",
                    mib(w.total),
                    mib(w.swpfree),
                    mib(w.swpused),
                    mib(m.avail)
                )?;
            }
        }
        writeln!(self.out)?;
        // The processes.
        let mut lines: Vec<Line<'_>> = lines(now, prev, &self.host, mem_total)
            .into_iter()
            .filter(|l| wanted(l.p))
            .filter(|l| self.opts.uid.is_none_or(|uid| l.p.uid == uid))
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
        // As wide as pid_max (live), and never narrower than the largest pid shown.
        let widest = lines.iter().map(|l| l.p.pid.to_string().len()).max();
        let pid_width = self.opts.pid_width.max(5).max(widest.unwrap_or(0));
        writeln!(
            self.out,
            "{:>pid_width$} USER      PR  NI    VIRT    RES    SHR S  %CPU  %MEM     TIME+ COMMAND",
            "PID"
        )?;
        let rows: Vec<(u32, u32, String, String)> = lines
            .iter()
            .map(|l| {
                let pr = if l.p.priority < -99 {
                    "rt".to_string()
                } else {
                    l.p.priority.to_string()
                };
                let command = if self.opts.cmdline && !l.p.cmdline.is_empty() {
                    l.p.cmdline.to_string()
                } else {
                    l.p.comm.to_string()
                };
                // A log written before SHR was recorded: unknown, not 0.
                let shr =
                    l.p.rss_shared
                        .map_or("-".to_string(), |kb| scale_mem(kb as f64, 6));
                (
                    l.p.pid,
                    l.p.uid,
                    format!(
                        "{:>3} {:>3} {:>7} {:>6} {:>6} {} {:>5.1} {:>5.1} {:>9} ",
                        pr,
                        l.p.nice,
                        scale_mem((l.p.vsize >> 10) as f64, 7),
                        scale_mem(l.res_kb, 6),
                        shr,
                        l.p.state_char(),
                        l.cpu_pct,
                        l.mem_pct,
                        scale_time(l.time_ticks, hz, 9),
                    ),
                    command,
                )
            })
            .collect();
        drop(lines);
        for (pid, uid, rest, command) in rows {
            let user = self.user(uid);
            let head = format!("{pid:>pid_width$} {user:<8} {rest}");
            // top leaves the screen's last column free.
            let room = self.opts.width.saturating_sub(1 + head.chars().count());
            writeln!(self.out, "{head}{}", fit(&command, room))?;
        }
        self.out.flush()
    }

    /// The one snapshot of a report from the logs.
    fn print_last(&mut self) -> io::Result<()> {
        self.done = true;
        let Some(now) = self.last.take() else {
            return writeln!(
                self.out,
                "no process table in the window (recorded with rsadc --no-processes?)"
            );
        };
        let prev = self.prev.take();
        self.print(&now, prev.as_ref())
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
        if self.opts.each {
            // Live: a snapshot per interval, its %CPU over that interval.
            return match self.prev.take() {
                Some(prev) => self.print(table, Some(&prev)),
                None => Ok(()),
            };
        }
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
            return self.print_last();
        }
        Ok(())
    }

    fn finish(&mut self) -> io::Result<()> {
        if self.done || self.opts.each {
            return self.out.flush();
        }
        self.print_last()
    }
}
