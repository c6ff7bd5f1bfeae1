//! Decoding a moment of recorded days on demand: the intervals from `from_ns` to
//! `until_ns`, in full, read again from the files. The log is sought to just before the
//! start (bisection on keyframes, `LogSource::starting_at`), read through the same
//! pipeline as the reports, and reading stops at the first record past the end, so a
//! moment costs the few records it covers whatever the length of the day. What is kept
//! of the replay as a whole is `model::Point`s (and the times of the process tables);
//! this is how the screen gets the rest.
//!
//! The process table of a moment is decoded the same way (`decode_processes`): read from
//! far enough back that a key table is met before it (tables are deltas against the one
//! before, keyed every `KEY_EVERY`), keeping only the last two tables, and shown with %CPU
//! from the table before it, as `rsar top` computes it.

use super::model::{Names, ProcRow, Snapshot};
use crate::history::Window;
use crate::report::{Render, Table};
use crate::sample::HostFacts;
use crate::source::{Event, Source, SourceError, WindowStart};
use crate::stats::IntervalStats;
use crate::store::procs::ProcessTable;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// A source that ends at the first event after `until_ns`.
struct Until {
    inner: Box<dyn Source>,
    until_ns: i64,
}

impl Source for Until {
    fn next(&mut self) -> Result<Option<Event>, SourceError> {
        match self.inner.next()? {
            Some(e) if e.wall_ns() > self.until_ns => Ok(None),
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

/// A renderer keeping each interval as a snapshot.
#[derive(Default)]
struct Capture {
    names: Names,
    snaps: Vec<Snapshot>,
    /// CPUs of the machine in the boot being read.
    cpus: u32,
}

impl Render for Capture {
    fn begin(&mut self, host: &HostFacts, _: i64) -> io::Result<()> {
        self.cpus = host.cpu_count;
        Ok(())
    }
    fn interval(&mut self, s: &IntervalStats) -> io::Result<()> {
        self.snaps.push(Snapshot::of(s, self.cpus, &mut self.names));
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

/// What to decode: the samples from `from_ns` to `until_ns` of `files`, thinned as the
/// replay's window thins them (`-i`).
#[derive(Debug, Clone, PartialEq)]
pub struct Request {
    pub from_ns: i64,
    pub until_ns: i64,
}

/// How far back each retry seeks when a seek gave nothing (see `decode`).
const RETRY_BACK_NS: i64 = 600 * 1_000_000_000;

/// The intervals of `req`, oldest first.
///
/// A seek that lands where the groups' keyframes cannot be met before the end of the
/// file yields nothing (seen near the end of a large host's file): then it seeks again
/// ten minutes earlier, and at last reads the files from their start.
pub fn decode(
    files: &[PathBuf],
    sys_root: &Path,
    window: &Window,
    req: &Request,
) -> Result<Vec<Snapshot>, String> {
    let mut snaps = Vec::new();
    for seek in [
        Some(req.from_ns),
        Some(req.from_ns.saturating_sub(RETRY_BACK_NS)),
        None,
    ] {
        snaps = decode_from(files, sys_root, window, req, seek)?;
        if snaps.last().is_some_and(|s| s.end_ns() == req.until_ns) {
            break;
        }
    }
    Ok(snaps)
}

/// `decode`, reading from just before `seek_ns` (or from the start).
fn decode_from(
    files: &[PathBuf],
    sys_root: &Path,
    window: &Window,
    req: &Request,
    seek_ns: Option<i64>,
) -> Result<Vec<Snapshot>, String> {
    let start = WindowStart {
        since_ns: seek_ns,
        clock: None,
    };
    let inner =
        crate::source::open_recorded(files.to_vec(), crate::source::Follow::No, start, sys_root)
            .map_err(|e| e.to_string())?;
    let mut source = Until {
        inner,
        until_ns: req.until_ns,
    };
    let window = Window {
        since_ns: Some(req.from_ns),
        until_ns: Some(req.until_ns),
        ..window.clone()
    };
    let mut out = Capture::default();
    crate::pipeline::run(&mut source, &window, &mut out, false, &mut |_| {})
        .map_err(|e| e.to_string())?;
    Ok(out.snaps)
}

/// What to decode for the process table of a moment.
#[derive(Debug, Clone, PartialEq)]
pub struct ProcRequest {
    /// The wall time of the table (the nearest at or before the moment).
    pub at_ns: i64,
    /// Where to start reading: a table's time far enough back that a key table comes
    /// before `at_ns` (`None`: from the start of the files).
    pub seek_ns: Option<i64>,
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

/// The process table recorded at `req.at_ns`, with %CPU from the table before it (`None`
/// when no table at that time could be decoded).
pub fn decode_processes(
    files: &[PathBuf],
    sys_root: &Path,
    req: &ProcRequest,
) -> Result<Option<ProcMoment>, String> {
    let start = WindowStart {
        since_ns: req.seek_ns,
        clock: None,
    };
    let mut source =
        crate::source::open_recorded(files.to_vec(), crate::source::Follow::No, start, sys_root)
            .map_err(|e| e.to_string())?;
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
    let Some(now) = last.filter(|t| t.wall_ns == req.at_ns) else {
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
