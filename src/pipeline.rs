//! The one loop every report from a source runs through: events in, the window applied
//! (`--since/--until`, `-s/-e`, `-i`), the sample that ends one day's file and starts the
//! next read once, consecutive samples of a boot paired into intervals, all handed to a
//! renderer. It holds one sample at a time, so memory never depends on the length of what
//! is read; what the renderer keeps is the renderer's business.

use crate::feed::Feed;
use crate::history::Window;
use crate::report::{Render, Table};
use crate::source::{Event, Source, SourceError};
use std::io;

/// How a run ended badly.
#[derive(Debug, thiserror::Error)]
pub enum PipelineError {
    #[error(transparent)]
    Source(#[from] SourceError),
    #[error("cannot write the report: {0}")]
    Output(#[from] io::Error),
}

/// What a run that finished found along the way.
#[derive(Debug, Default)]
pub struct Outcome {
    /// Intervals handed to the renderer.
    pub intervals: u64,
    /// Records lost to damage, one line per file.
    pub damage: Vec<String>,
}

/// Run `source` through `window` into `out`. Comments are passed on when `comments` is
/// set (sar -C). The source's warnings, and the tables it had nothing for (after the
/// first interval, and any more at the end), go to `warn` as they come, once each.
pub fn run(
    source: &mut dyn Source,
    window: &Window,
    out: &mut dyn Render,
    comments: bool,
    warn: &mut dyn FnMut(&str),
) -> Result<Outcome, PipelineError> {
    let mut told: Vec<Table> = Vec::new();
    let mut tell = |source: &mut dyn Source, out: &dyn Render, tables: bool| {
        for w in source.take_warnings() {
            warn(&w);
        }
        if tables {
            for t in out.unavailable() {
                if !told.contains(&t) {
                    warn(&t.lacking(source.is_live()));
                    told.push(t);
                }
            }
        }
    };
    let mut kept = Kept::default();
    // The banner names the date of the first event shown.
    let first = kept.next(source, window)?;
    let (host, created_ns) = source.origin();
    let cpus = host.cpu_count;
    out.begin(host, first.as_ref().map_or(created_ns, Event::wall_ns))?;
    let mut feed = Feed::default();
    let mut next = first;
    while let Some(event) = next {
        match event {
            Event::Sample(s) => feed.sample(s, cpus, out)?,
            Event::Restart { wall_ns, cpus } => feed.restart(wall_ns, cpus, out)?,
            Event::Comment { wall_ns, text } if comments => out.comment(wall_ns, &text)?,
            Event::Comment { .. } => {}
            Event::Processes(t) => out.processes(&t)?,
            Event::Levels(a) => feed.levels(a),
        }
        tell(source, out, feed.intervals == 1);
        next = kept.next(source, window)?;
    }
    out.finish()?;
    tell(source, out, true);
    Ok(Outcome {
        intervals: feed.intervals,
        damage: source.take_damage(),
    })
}

/// Walk the samples of `source` that `window` keeps, raw (an exporter wants counters, not
/// intervals), each with the machine it describes; a restart brings the new boot's host
/// facts. Damage is in the outcome, as for reports.
pub fn each_sample(
    source: &mut dyn Source,
    window: &Window,
    f: &mut dyn FnMut(&crate::sample::HostFacts, &crate::sample::Sample) -> io::Result<()>,
) -> Result<Outcome, PipelineError> {
    let mut kept = Kept::default();
    let mut host = source.origin().0.clone();
    let mut samples = 0;
    while let Some(event) = kept.next(source, window)? {
        match event {
            Event::Sample(s) => {
                f(&host, &s)?;
                samples += 1;
            }
            Event::Restart { cpus, .. } => host.cpu_count = cpus,
            Event::Comment { .. } | Event::Processes(_) | Event::Levels(_) => {}
        }
    }
    Ok(Outcome {
        intervals: samples,
        damage: source.take_damage(),
    })
}

/// Which events the window keeps.
#[derive(Default)]
struct Kept {
    /// (wall, uptime) of the last sample kept.
    last: Option<(i64, u64)>,
    /// Wall time of the last sample read, kept or not (`-i` measures the file's interval
    /// from it).
    read_ns: Option<i64>,
}

impl Kept {
    /// The next event of `source` that the window keeps.
    fn next(
        &mut self,
        source: &mut dyn Source,
        window: &Window,
    ) -> Result<Option<Event>, SourceError> {
        while let Some(event) = source.next()? {
            if self.admit(window, &event) {
                return Ok(Some(event));
            }
        }
        Ok(None)
    }

    fn admit(&mut self, window: &Window, event: &Event) -> bool {
        if !window.contains(event.wall_ns()) {
            return false;
        }
        match event {
            Event::Sample(s) => {
                let key = (s.time.wall_ns, s.time.uptime_cs);
                // The midnight sample ends one day's file and starts the next.
                if self.last == Some(key) {
                    return false;
                }
                let read = self.read_ns.replace(s.time.wall_ns);
                if let (Some(every), Some((_, up)), Some(read)) = (window.every_s, self.last, read)
                {
                    let rebooted = s.time.uptime_cs < up;
                    if !rebooted && !on_slice(read, s.time.wall_ns, every) {
                        return false;
                    }
                }
                self.last = Some(key);
            }
            Event::Restart { .. } => self.last = None,
            Event::Comment { .. } | Event::Processes(_) | Event::Levels(_) => {}
        }
        true
    }
}

/// sar's `-i` rule (`next_slice`): a sample at `E`, `If` seconds after the sample read
/// before it, stands for `[E − If/2, E + If/2)` (closed at the top when `If` is odd); it is
/// kept when a multiple of `every` seconds falls in that span, so that of samples that
/// jitter around the multiples the nearest one is kept. Seconds are rounded as sar rounds
/// them. sar counts the multiples from the file's first record; rsar from local midnight,
/// which is the same for a log that starts on a multiple, and stays the same when a report
/// seeks into the middle of a day.
fn on_slice(prev_ns: i64, ns: i64, every: i64) -> bool {
    use chrono::Offset;
    if every <= 1 {
        return true;
    }
    let round_s = |ns: i64| (ns + 500_000_000).div_euclid(1_000_000_000);
    let offset = chrono::DateTime::from_timestamp_nanos(ns)
        .with_timezone(&chrono::Local)
        .offset()
        .fix()
        .local_minus_utc();
    let entry = round_s(ns) + i64::from(offset);
    let file_interval = round_s(ns - prev_ns).max(0);
    let min = entry - file_interval / 2;
    let max = entry + file_interval / 2 + (file_interval & 1);
    let below = entry.div_euclid(every) * every;
    [below, below + every].iter().any(|&m| m >= min && m < max)
}
