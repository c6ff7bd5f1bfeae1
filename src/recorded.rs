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
