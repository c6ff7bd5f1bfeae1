//! Reports from the logs: recorded days fed through the same pipeline as live reports
//! (`feed`), and `--follow`, which keeps reading as rsadc appends.

use crate::feed::Feed;
use crate::history::{Event, History};
use crate::report::Render;
use std::io;

/// Hand `history` to `out`. Comments are passed on only when `comments` is set (sar -C).
pub fn print(history: &History, out: &mut dyn Render, comments: bool) -> io::Result<()> {
    let cpus = history.header.host.cpu_count;
    let first_ns = history
        .events
        .first()
        .map_or(history.header.created_ns, Event::wall_ns);
    out.begin(&history.header.host, first_ns)?;
    let mut feed = Feed::default();
    for event in &history.events {
        match event {
            Event::Sample(s) => feed.sample(s.clone(), cpus, out)?,
            Event::Restart { wall_ns, cpus } => feed.restart(*wall_ns, *cpus, out)?,
            Event::Comment { wall_ns, text } if comments => out.comment(*wall_ns, text)?,
            Event::Comment { .. } => {}
        }
    }
    out.finish()
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

/// Open a log to follow: a regular file only (a FIFO would block the reader).
fn open(path: &std::path::Path) -> Result<std::fs::File, crate::store::StoreError> {
    crate::store::safe_dir::open_for_reading(path).map_err(|source| crate::store::StoreError::Io {
        path: path.to_path_buf(),
        source,
    })
}

/// Report records as they land in a growing log, in the live layout, until interrupted
/// (Ctrl-C prints the averages). Damaged records are skipped and counted in `damage`.
pub fn follow(
    what: &Followed,
    window: &crate::history::Window,
    report: &mut dyn Render,
    poll: std::time::Duration,
    damage: &mut crate::store::Damage,
) -> Result<(), FollowError> {
    use std::os::unix::fs::FileExt;
    let now = crate::probe::system_clock_ns;
    let mut path = what.path(now());
    let mut file = open(&path)?;
    let mut pending: Vec<u8> = Vec::new();
    let mut offset: u64 = 0;
    let mut scanner: Option<(crate::store::Scanner, u64)> = None;
    let mut bannered = false;
    let mut cpus = 0;
    let mut feed = Feed::default();
    let mut records = Vec::new();
    loop {
        // Read what was appended since the last look.
        let len = file.metadata()?.len();
        if len < offset + pending.len() as u64 {
            return Err(FollowError::Shrunk(path.display().to_string()));
        }
        // A few megabytes at a time: a day's file is not held in memory whole.
        let start = offset + pending.len() as u64;
        let want = (len - start).min(4 << 20) as usize;
        let mut more = vec![0; want];
        let got = file.read_at(&mut more, start)?;
        more.truncate(got);
        pending.extend_from_slice(&more);
        let caught_up = start + got as u64 >= len;
        if scanner.is_none() {
            match crate::store::FileHeader::decode(&pending) {
                Ok((header, hlen)) => {
                    cpus = header.host.cpu_count;
                    if !bannered {
                        report.begin(&header.host, header.created_ns)?;
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
            // A megabyte at a time, so that a whole day is never decoded into memory at once.
            let mut start = 0;
            let mut chunk = 1 << 20;
            while start < pending.len() {
                let end = (start + chunk).min(pending.len());
                records.clear();
                let used = sc.scan(&pending[start..end], offset, &mut records);
                offset += used as u64;
                start += used;
                for (_, r) in records.drain(..) {
                    match r {
                        crate::store::Record::Sample(s) if window.contains(s.time.wall_ns) => {
                            feed.sample(s, cpus, report)?;
                        }
                        crate::store::Record::Sample(_) => {}
                        crate::store::Record::Restart { wall_ns, host } => {
                            feed.restart(wall_ns, host.cpu_count, report)?;
                        }
                        crate::store::Record::Comment { .. } => {}
                    }
                }
                if used == 0 {
                    if end == pending.len() {
                        break; // a record still being written
                    }
                    chunk *= 2; // a record larger than the chunk
                }
            }
            pending.drain(..start);
            *damage = sc.damage.clone();
        }
        if !caught_up {
            continue; // more of the file to read before waiting for growth
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
            file = open(&path)?;
            pending.clear();
            offset = 0;
            scanner = None;
        }
    }
}
