//! Decoding a moment of recorded days on demand: the intervals from `from_ns` to
//! `until_ns`, in full, read again from the files. The log is sought to just before the
//! start (bisection on keyframes, `LogSource::starting_at`), read through the same
//! pipeline as the reports, and reading stops at the first record past the end, so a
//! moment costs the few records it covers whatever the length of the day. What is kept
//! of the replay as a whole is `model::Point`s; this is how the screen gets the rest.

use super::model::{Names, Snapshot};
use crate::history::Window;
use crate::report::{Render, Table};
use crate::sample::HostFacts;
use crate::source::{Event, Source, SourceError, WindowStart};
use crate::stats::IntervalStats;
use std::io;
use std::path::PathBuf;

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
}

impl Render for Capture {
    fn begin(&mut self, _: &HostFacts, _: i64) -> io::Result<()> {
        Ok(())
    }
    fn interval(&mut self, s: &IntervalStats) -> io::Result<()> {
        self.snaps.push(Snapshot::of(s, &mut self.names));
        Ok(())
    }
    fn restart(&mut self, _: i64, _: u32) -> io::Result<()> {
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
pub fn decode(files: &[PathBuf], window: &Window, req: &Request) -> Result<Vec<Snapshot>, String> {
    let mut snaps = Vec::new();
    for seek in [
        Some(req.from_ns),
        Some(req.from_ns.saturating_sub(RETRY_BACK_NS)),
        None,
    ] {
        snaps = decode_from(files, window, req, seek)?;
        if snaps.last().is_some_and(|s| s.end_ns() == req.until_ns) {
            break;
        }
    }
    Ok(snaps)
}

/// `decode`, reading from just before `seek_ns` (or from the start).
fn decode_from(
    files: &[PathBuf],
    window: &Window,
    req: &Request,
    seek_ns: Option<i64>,
) -> Result<Vec<Snapshot>, String> {
    let start = WindowStart {
        since_ns: seek_ns,
        clock: None,
    };
    let inner = crate::source::open_recorded(
        files.to_vec(),
        crate::source::Follow::No,
        start,
        std::path::Path::new("/sys"),
    )
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
