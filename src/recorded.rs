//! Reports from the logs, laid out as `sar -f` lays them out: per boot segment, each table
//! with its rows and its own `Average:`, `LINUX RESTART` between segments.

use crate::history::{Event, History};
use crate::report::{Banner, Selection, Table, TableWriter};
use crate::sample::Sample;
use crate::stats::IntervalStats;
use crate::time::{banner_date, clock_label, Zone};
use std::io::{self, Write};

/// One boot's worth of intervals.
#[derive(Default)]
struct Segment {
    start: Option<String>,
    intervals: Vec<(String, IntervalStats)>,
    average: Option<IntervalStats>,
}

/// Print `history`. Returns the tables the logs had no data for.
pub fn print<W: Write>(
    history: &History,
    sel: &Selection,
    zone: Zone,
    comments: bool,
    out: W,
) -> io::Result<Vec<Table>> {
    let mut w = TableWriter::new(out, sel.clone());
    let h = &history.header.host;
    let first_ns = history
        .events
        .first()
        .map_or(history.header.created_ns, Event::wall_ns);
    w.banner(&Banner {
        sysname: h.sysname.clone(),
        release: h.release.clone(),
        hostname: h.hostname.clone(),
        date: banner_date(first_ns, zone),
        machine: h.machine.clone(),
        cpus: h.cpu_count,
    })?;
    let mut missing: Vec<Table> = Vec::new();
    let mut segment = Segment::default();
    let mut prev: Option<&Sample> = None;
    let mut flush = |w: &mut TableWriter<W>, seg: &mut Segment| -> io::Result<()> {
        let seg = std::mem::take(seg);
        if let (Some(start), Some(avg)) = (seg.start, seg.average) {
            for t in w.segment(&start, &seg.intervals, &avg)? {
                if !missing.contains(&t) {
                    missing.push(t);
                }
            }
        }
        Ok(())
    };
    for event in &history.events {
        match event {
            Event::Sample(s) => {
                match prev.map(|p| (p, IntervalStats::between(p, s))) {
                    Some((p, Some(stats))) => {
                        segment
                            .start
                            .get_or_insert_with(|| clock_label(p.time.wall_ns, zone));
                        match &mut segment.average {
                            Some(a) => a.add(&stats),
                            None => segment.average = Some(stats.clone()),
                        }
                        segment
                            .intervals
                            .push((clock_label(s.time.wall_ns, zone), stats));
                    }
                    // Uptime went backwards with no restart record (a collector run from
                    // cron without --boot): the machine rebooted all the same.
                    Some((p, None)) if s.time.uptime_cs < p.time.uptime_cs => {
                        flush(&mut w, &mut segment)?;
                        w.restart(&clock_label(s.time.wall_ns, zone), h.cpu_count)?;
                    }
                    _ => {}
                }
                prev = Some(s);
            }
            Event::Restart { wall_ns, cpus } => {
                flush(&mut w, &mut segment)?;
                w.restart(&clock_label(*wall_ns, zone), *cpus)?;
                prev = None;
            }
            Event::Comment { wall_ns, text } => {
                if comments {
                    w.comment(&clock_label(*wall_ns, zone), text)?;
                }
            }
        }
    }
    flush(&mut w, &mut segment)?;
    Ok(missing)
}

/// Where `--follow` reads.
pub enum Followed {
    /// This file only.
    File(std::path::PathBuf),
    /// Today's file in this directory, moving to the next day's at midnight.
    Today(std::path::PathBuf),
}

impl Followed {
    fn path(&self, now_ns: i64) -> std::path::PathBuf {
        match self {
            Followed::File(p) => p.clone(),
            Followed::Today(dir) => {
                dir.join(crate::store::day_file_name(crate::time::local_date(now_ns)))
            }
        }
    }
}

/// Why following stopped.
#[derive(Debug, thiserror::Error)]
pub enum FollowError {
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
    #[error("cannot write the report: {0}")]
    Output(#[from] io::Error),
    #[error("{0}: the file shrank under the reader (rewritten or truncated); start again")]
    Shrunk(String),
}

/// Report records as they land in a growing log, in the live layout, until interrupted
/// (Ctrl-C prints the averages). Damaged records are skipped and counted in `damage`.
pub fn follow<W: Write>(
    what: &Followed,
    window: &crate::history::Window,
    report: &mut crate::live::SampleReport<W>,
    poll: std::time::Duration,
    damage: &mut crate::store::Damage,
) -> Result<(), FollowError> {
    use std::os::unix::fs::FileExt;
    let now = crate::probe::system_clock_ns;
    let mut path = what.path(now());
    let mut file = std::fs::File::open(&path).map_err(|source| crate::store::StoreError::Io {
        path: path.clone(),
        source,
    })?;
    let mut pending: Vec<u8> = Vec::new();
    let mut offset: u64 = 0;
    let mut scanner: Option<(crate::store::Scanner, u64)> = None;
    let mut bannered = false;
    let mut cpus = 0;
    let mut last: Option<(i64, u64)> = None;
    let mut records = Vec::new();
    loop {
        // Read what was appended since the last look.
        let len = file.metadata()?.len();
        if len < offset + pending.len() as u64 {
            return Err(FollowError::Shrunk(path.display().to_string()));
        }
        let start = offset + pending.len() as u64;
        let mut more = vec![0; (len - start) as usize];
        let got = file.read_at(&mut more, start)?;
        more.truncate(got);
        pending.extend_from_slice(&more);
        if scanner.is_none() {
            match crate::store::FileHeader::decode(&pending) {
                Ok((header, hlen)) => {
                    cpus = header.host.cpu_count;
                    if !bannered {
                        let first = crate::sample::Sample {
                            time: crate::sample::SampleTime {
                                wall_ns: header.created_ns,
                                uptime_cs: 0,
                            },
                            ..Default::default()
                        };
                        report.banner(&header.host, &first)?;
                        bannered = true;
                    }
                    pending.drain(..hlen);
                    offset = hlen as u64;
                    scanner = Some((crate::store::Scanner::default(), offset));
                }
                Err(crate::store::HeaderError::Truncated | crate::store::HeaderError::Empty) => {}
                Err(reason) => {
                    return Err(crate::store::StoreError::Header {
                        path: path.clone(),
                        reason,
                    }
                    .into())
                }
            }
        }
        if let Some((sc, _)) = scanner.as_mut() {
            records.clear();
            let used = sc.scan(&pending, offset, &mut records);
            pending.drain(..used);
            offset += used as u64;
            for (_, r) in records.drain(..) {
                match r {
                    crate::store::Record::Sample(s) => {
                        let key = (s.time.wall_ns, s.time.uptime_cs);
                        if last == Some(key) || !window.contains(s.time.wall_ns) {
                            continue;
                        }
                        if let Some((_, up)) = last {
                            if s.time.uptime_cs < up {
                                report.restart(s.time.wall_ns, cpus)?;
                            }
                        }
                        last = Some(key);
                        report.push(s)?;
                    }
                    crate::store::Record::Restart { wall_ns, host } => {
                        report.restart(wall_ns, host.cpu_count)?;
                        last = None;
                    }
                    crate::store::Record::Comment { .. } => {}
                }
            }
            *damage = sc.damage.clone();
        }
        let clock = crate::wait::Clock::Monotonic;
        let poll_ns = i64::try_from(poll.as_nanos()).unwrap_or(i64::MAX);
        if !crate::wait::sleep_until(clock, clock.now_ns().saturating_add(poll_ns)) {
            report.finish()?;
            return Ok(());
        }
        // At midnight, today's log is a new file.
        let next = what.path(now());
        if next != path && next.exists() {
            path = next;
            file = std::fs::File::open(&path).map_err(|source| crate::store::StoreError::Io {
                path: path.clone(),
                source,
            })?;
            pending.clear();
            offset = 0;
            scanner = None;
        }
    }
}
