//! Reading stretches of recorded days on demand, as a replay's cursor moves: the
//! intervals around the cursor (points, and the moments up to it in full), the charts'
//! zoomed span (bucketed as it is read, `summary::Summary::over`) and the process table
//! at the cursor. Each is read again from the files: the log is sought to just before the
//! start (bisection on keyframes, `LogSource::starting_at`; a compressed day is read from
//! its start), read through the same pipeline as the reports, and reading stops past
//! what is wanted, so a read costs the records it covers whatever the length of the log.
//! Across days (`Logs::dir`), only the days of the stretch are read, each from its raw
//! file or roll-up tier: the finest for the moment, a coarser one for a longer span.
//!
//! The process table of a moment is read from two tables before it (the store starts
//! a sought read at the process key before, tables being deltas against the one before),
//! keeping only the last two tables, and shown with %CPU from the table before it, as
//! `rsar top` computes it.

use super::model::{Names, Point, ProcRow, Snapshot};
use super::summary::{Summary, BUCKETS};
use crate::history::{Files, Window};
use crate::report::{Render, Table};
use crate::sample::HostFacts;
use crate::source::{Event, Source, SourceError, WindowStart};
use crate::stats::IntervalStats;
use crate::store::procs::ProcessTable;
use crate::store::rollup::Pick;
use std::cell::Cell;
use std::collections::VecDeque;
use std::io;
use std::path::PathBuf;
use std::rc::Rc;
use std::sync::Arc;

/// The recorded days a replay reads.
#[derive(Debug, Clone)]
pub struct Logs {
    /// The files of the whole replay, oldest first.
    pub files: Vec<PathBuf>,
    /// A log directory read across days (`--since`, `--tier`), each day from its raw file
    /// or a roll-up tier as `Pick` says: a stretch is read from its own days only.
    pub dir: Option<(PathBuf, Pick)>,
    /// Where sysstat's sa files find the names of their disks.
    pub sys_root: PathBuf,
    /// The replay's window (`-s`, `-e`, `-i`).
    pub window: Window,
}

impl Logs {
    /// The files holding `from_ns` to `to_ns`, read at a sample every `every_s` seconds
    /// (a roll-up tier that fine or finer serves it).
    fn files_for(&self, from_ns: i64, to_ns: i64, every_s: Option<i64>) -> Vec<PathBuf> {
        let Some((dir, pick)) = &self.dir else {
            return self.files.clone();
        };
        let files = Files::Tier {
            dir: dir.clone(),
            days_ago: None,
            pick: *pick,
        };
        let window = Window {
            since_ns: Some(from_ns),
            until_ns: Some(to_ns),
            every_s: every_s.max(self.window.every_s),
            ..Window::default()
        };
        crate::source::log_files(&files, &window).unwrap_or_else(|_| self.files.clone())
    }

    /// `files` sought to just before `since_ns` (or from their start).
    fn open(&self, files: Vec<PathBuf>, since_ns: Option<i64>) -> Result<Box<dyn Source>, String> {
        let start = WindowStart {
            since_ns,
            clock: None,
        };
        crate::source::open_recorded(files, crate::source::Follow::No, start, &self.sys_root)
            .map_err(|e| e.to_string())
    }
}

/// A source that ends at the first event after `until_ns`, or once `enough` says so.
struct Until {
    inner: Box<dyn Source>,
    until_ns: i64,
    enough: Option<Rc<Cell<bool>>>,
    /// The files ended before either.
    ended: bool,
}

impl Source for Until {
    fn next(&mut self) -> Result<Option<Event>, SourceError> {
        if self.enough.as_ref().is_some_and(|e| e.get()) {
            return Ok(None);
        }
        match self.inner.next()? {
            Some(e) if e.wall_ns() > self.until_ns => Ok(None),
            None => {
                self.ended = true;
                Ok(None)
            }
            e => Ok(e),
        }
    }
    fn origin(&self) -> (&HostFacts, i64) {
        self.inner.origin()
    }
    fn take_damage(&mut self) -> Vec<String> {
        self.inner.take_damage()
    }
}

/// What a renderer does with each interval read (`Keep`).
trait Take {
    fn take(&mut self, s: &IntervalStats, cpus: u32);
}

/// A renderer handing each interval to a `Take`, with the CPUs of the boot being read.
struct Keep<T> {
    take: T,
    cpus: u32,
}

impl<T: Take> Render for Keep<T> {
    fn begin(&mut self, host: &HostFacts, _: i64) -> io::Result<()> {
        self.cpus = host.cpu_count;
        Ok(())
    }
    fn interval(&mut self, s: &IntervalStats) -> io::Result<()> {
        self.take.take(s, self.cpus);
        Ok(())
    }
    fn restart(&mut self, _: i64, cpus: u32) -> io::Result<()> {
        self.cpus = cpus;
        Ok(())
    }
    fn comment(&mut self, _: i64, _: &str) -> io::Result<()> {
        Ok(())
    }
    fn finish(&mut self) -> io::Result<()> {
        Ok(())
    }
    fn unavailable(&self) -> Vec<Table> {
        Vec::new()
    }
}

/// The intervals around a moment: up to `REPLAY_MOMENTS` before it in full (and the
/// first after it), their points, and `ahead` points after it.
struct Around {
    names: Names,
    at_ns: i64,
    ahead: usize,
    snaps: VecDeque<Snapshot>,
    points: VecDeque<Point>,
    after: usize,
    enough: Rc<Cell<bool>>,
}

impl Take for Around {
    fn take(&mut self, s: &IntervalStats, cpus: u32) {
        let keep = super::app::REPLAY_MOMENTS;
        let p = Point::of(s);
        if p.end_ns <= self.at_ns || self.after == 0 {
            self.snaps.push_back(Snapshot::of(s, cpus, &mut self.names));
            if self.snaps.len() > keep + 1 {
                self.snaps.pop_front();
            }
        }
        self.points.push_back(p);
        if p.end_ns > self.at_ns {
            self.after += 1;
        } else if self.points.len() > keep + 1 {
            self.points.pop_front();
        }
        self.enough.set(self.after > 0 && self.after >= self.ahead);
    }
}

/// What to read around a moment: from `from_ns`, the intervals up to `at_ns` and
/// `ahead` more, thinned as the replay's window thins them (`-i`).
#[derive(Debug, Clone, PartialEq)]
pub struct Request {
    pub from_ns: i64,
    pub at_ns: i64,
    pub ahead: usize,
}

/// The intervals read for a `Request`.
#[derive(Debug, Clone, PartialEq)]
pub struct Moments {
    pub at_ns: i64,
    /// Up to `REPLAY_MOMENTS` ending at or before `at_ns` and the first after, in full.
    pub snaps: Vec<Snapshot>,
    /// The points of every interval read, oldest first.
    pub points: Vec<Point>,
}

/// How far back each retry seeks when a seek gave nothing (see `decode`).
const RETRY_BACK_NS: i64 = 600 * 1_000_000_000;

/// The intervals of `req`.
///
/// A seek that lands where the groups' keyframes cannot be met before the end of the
/// file yields nothing (seen near the end of a large host's file): then it seeks again
/// ten minutes earlier, and at last reads the files from their start.
pub fn decode(logs: &Logs, req: &Request) -> Result<Moments, String> {
    let mut got = None;
    for seek in [
        Some(req.from_ns),
        Some(req.from_ns.saturating_sub(RETRY_BACK_NS)),
        None,
    ] {
        let (m, ended) = decode_from(logs, req, seek)?;
        let done =
            m.points.iter().any(|p| p.end_ns >= req.at_ns) || (ended && !m.points.is_empty());
        got = Some(m);
        if done {
            break;
        }
    }
    Ok(got.unwrap_or(Moments {
        at_ns: req.at_ns,
        snaps: Vec::new(),
        points: Vec::new(),
    }))
}

/// `decode`, reading from just before `seek_ns` (or from the start); and whether the
/// files ended before `ahead` intervals past the moment were read.
fn decode_from(
    logs: &Logs,
    req: &Request,
    seek_ns: Option<i64>,
) -> Result<(Moments, bool), String> {
    // The days from the start to the day after the moment (what is ahead may be there).
    let files = logs.files_for(
        seek_ns.unwrap_or(req.from_ns),
        req.at_ns.saturating_add(86_400 * 1_000_000_000),
        logs.window.every_s,
    );
    let enough = Rc::new(Cell::new(false));
    let mut source = Until {
        inner: logs.open(files, seek_ns)?,
        until_ns: i64::MAX,
        enough: Some(enough.clone()),
        ended: false,
    };
    let window = Window {
        since_ns: Some(req.from_ns),
        ..logs.window.clone()
    };
    let mut out = Keep {
        take: Around {
            names: Names::default(),
            at_ns: req.at_ns,
            ahead: req.ahead,
            snaps: VecDeque::new(),
            points: VecDeque::new(),
            after: 0,
            enough,
        },
        cpus: 0,
    };
    crate::pipeline::run(&mut source, &window, &mut out, false, &mut |_| {})
        .map_err(|e| e.to_string())?;
    let a = out.take;
    Ok((
        Moments {
            at_ns: req.at_ns,
            snaps: a.snaps.into(),
            points: a.points.into(),
        },
        source.ended,
    ))
}

/// The charts' span to read: its intervals bucketed from `from_ns` to `to_ns`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ChartRequest {
    pub from_ns: i64,
    pub to_ns: i64,
}

impl Take for Summary {
    fn take(&mut self, s: &IntervalStats, _: u32) {
        self.push(&Point::of(s));
    }
}

/// The intervals of the charts' span, bucketed: read from the finest roll-up tier (or
/// the raw days) with a sample at least every bucket's length.
pub fn decode_chart(logs: &Logs, req: &ChartRequest) -> Result<Summary, String> {
    let bucket_s = (req.to_ns - req.from_ns) / BUCKETS as i64 / 1_000_000_000;
    let files = logs.files_for(req.from_ns, req.to_ns, (bucket_s > 0).then_some(bucket_s));
    let mut source = Until {
        inner: logs.open(files, Some(req.from_ns))?,
        until_ns: req.to_ns,
        enough: None,
        ended: false,
    };
    let window = Window {
        since_ns: Some(req.from_ns),
        until_ns: Some(req.to_ns),
        ..logs.window.clone()
    };
    let mut out = Keep {
        take: Summary::over(req.from_ns, req.to_ns),
        cpus: 0,
    };
    crate::pipeline::run(&mut source, &window, &mut out, false, &mut |_| {})
        .map_err(|e| e.to_string())?;
    Ok(out.take)
}

/// What to decode for the process table of a moment.
#[derive(Debug, Clone, PartialEq)]
pub struct ProcRequest {
    /// The moment: its table is the newest recorded at or before it.
    pub at_ns: i64,
    /// Where to start reading (`None`: from the start of the files).
    pub seek_ns: Option<i64>,
    /// The time between tables, as far as the replay knows: a table further back than
    /// that (and half as much again) is not the moment's.
    pub every_ns: i64,
}

/// The process table of a moment, as the screen shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct ProcMoment {
    /// The wall time of the table.
    pub wall_ns: i64,
    /// The wall time of the table %CPU is measured from (none: the first table of a boot,
    /// whose %CPU is 0).
    pub since_ns: Option<i64>,
    /// The host's uptime when the table was read, in hundredths of a second.
    pub uptime_cs: u64,
    pub rows: Vec<ProcRow>,
    /// Recorded command lines by pid (empty ones left out).
    pub cmdlines: Vec<(u32, Arc<str>)>,
}

/// The process table of the moment `req.at_ns` (the newest at or before it, if that is
/// within the time between tables of it: jitter between a table's and a sample's times
/// aside, by half as much again), with %CPU from the table before it; `None` when none
/// was recorded near the moment.
pub fn decode_processes(logs: &Logs, req: &ProcRequest) -> Result<Option<ProcMoment>, String> {
    let files = logs.files_for(
        req.seek_ns.unwrap_or(req.at_ns),
        req.at_ns,
        logs.window.every_s,
    );
    let mut source = logs.open(files, req.seek_ns)?;
    let host = source.origin().0.clone();
    let (mut prev, mut last): (Option<ProcessTable>, Option<ProcessTable>) = (None, None);
    let mut mem_total_kb = 0;
    while let Some(e) = source.next().map_err(|e| e.to_string())? {
        if e.wall_ns() > req.at_ns {
            break;
        }
        match e {
            Event::Processes(t) => prev = last.replace(t),
            Event::Sample(s) => {
                if let Some(m) = s.memory {
                    mem_total_kb = m.mem_total;
                }
            }
            // Counters restarted: no rate reaches back across a restart.
            Event::Restart { .. } => (prev, last) = (None, None),
            Event::Comment { .. } | Event::Levels(_) => {}
        }
    }
    let gap = match (&prev, &last) {
        (Some(p), Some(l)) => l.wall_ns - p.wall_ns,
        _ => req.every_ns,
    }
    .max(1);
    let Some(now) = last.filter(|t| req.at_ns - t.wall_ns <= gap.saturating_add(gap / 2)) else {
        return Ok(None);
    };
    Ok(Some(proc_moment(
        &now,
        prev.as_ref(),
        &host,
        mem_total_kb as f64,
    )))
}

/// The process table `now` as the screen shows it, with %CPU from `prev` (the table
/// before it; none, or one of another boot: %CPU 0), as `rsar top` computes it. A replay
/// and the live screen both show tables this way.
pub fn proc_moment(
    now: &ProcessTable,
    prev: Option<&ProcessTable>,
    host: &HostFacts,
    mem_total_kb: f64,
) -> ProcMoment {
    let hz = f64::from(host.user_hz.max(1));
    let lines = crate::report::top::lines(now, prev, host, mem_total_kb);
    let prev = prev.filter(|p| p.uptime_cs < now.uptime_cs);
    let seconds = prev.map_or(0.0, |p| (now.uptime_cs - p.uptime_cs) as f64 / 100.0);
    let rows = lines
        .iter()
        .map(|l| {
            let p = l.p;
            // The same process in the table before (a new one counts from its start).
            let before = prev.and_then(|t| {
                t.processes
                    .binary_search_by_key(&p.key(), crate::process::ProcessCounters::key)
                    .ok()
                    .map(|i| &t.processes[i])
            });
            let per_s = |now: u64, was: Option<u64>| {
                if seconds > 0.0 {
                    now.saturating_sub(was.unwrap_or(0)) as f64 / seconds
                } else {
                    0.0
                }
            };
            let opt_per_s =
                |now: Option<u64>, was: Option<Option<u64>>| now.map(|n| per_s(n, was.flatten()));
            ProcRow {
                pid: p.pid,
                uid: p.uid,
                comm: p.comm.to_string(),
                state: p.state_char(),
                cpu_pct: l.cpu_pct,
                mem_pct: l.mem_pct,
                rss_kb: l.res_kb.round() as u64,
                cpu_seconds: l.time_ticks as f64 / hz,
                ppid: p.ppid,
                threads: p.threads,
                nice: p.nice,
                processor: p.processor,
                virt_kb: p.vsize / 1024,
                shr_kb: p.rss_shared,
                minflt_s: per_s(p.minflt, before.map(|b| b.minflt)),
                majflt_s: per_s(p.majflt, before.map(|b| b.majflt)),
                read_kbs: opt_per_s(p.read_bytes, before.map(|b| b.read_bytes)).map(|b| b / 1024.0),
                write_kbs: opt_per_s(p.write_bytes, before.map(|b| b.write_bytes))
                    .map(|b| b / 1024.0),
                // Nanoseconds waited per second of interval, as a percent.
                run_delay_pct: opt_per_s(p.run_delay_ns, before.map(|b| b.run_delay_ns))
                    .map(|ns| ns / 1e7),
                cmdline: Arc::clone(&p.cmdline),
                cgroup: Arc::clone(&p.cgroup),
            }
        })
        .collect();
    let cmdlines = now
        .processes
        .iter()
        .filter(|p| !p.cmdline.is_empty())
        .map(|p| (p.pid, Arc::clone(&p.cmdline)))
        .collect();
    ProcMoment {
        wall_ns: now.wall_ns,
        since_ns: prev
            .filter(|p| p.uptime_cs < now.uptime_cs)
            .map(|p| p.wall_ns),
        uptime_cs: now.uptime_cs,
        rows,
        cmdlines,
    }
}
