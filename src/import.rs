//! Importing history into a log directory: the events of another source — sysstat's sa
//! files, another directory's rsar logs — written as rsar day files, never over what the
//! directory holds.
//!
//! Each local day's events go to that day. A day without files gets a new file. A day that
//! has files keeps them untouched:
//! - imported records earlier than its first record become a compressed part that is read
//!   before its other parts (those are renumbered up, by renames that never replace);
//! - records later than its last record become a compressed part read after it, unless
//!   the day has an uncompressed file — the one rsadc appends to, always read last — in
//!   which case they are left out and the report says how many;
//! - records inside the span the day already covers are left out: the directory's own
//!   records for those moments win, so importing the same file twice adds nothing.
//!
//! Files are written under a hidden temporary name through `safe_dir` and only then given
//! their day name, so a reader never sees half an import and a crash leaves no day file
//! half written.

use crate::sample::HostFacts;
use crate::source::{Event, Follow, LogSource, Source, SourceError};
use crate::store::{self, safe_dir::LogDir, DayWriter, NonRegular, StoreError};
use chrono::NaiveDate;
use std::path::{Path, PathBuf};

/// What importing one source did to one day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DayImport {
    pub date: NaiveDate,
    /// Records written (samples, restarts, comments, process tables).
    pub written: u64,
    /// The files they were written to.
    pub files: Vec<PathBuf>,
    /// Records left out because the day already covers their moment.
    pub covered: u64,
    /// Records left out because they are later than the day's uncompressed file.
    pub after_open_file: u64,
    /// Why the day was refused as a whole (another machine's day), if it was.
    pub refused: Option<String>,
}

impl DayImport {
    /// One line for the user.
    pub fn describe(&self) -> String {
        let date = self.date.format("%Y-%m-%d");
        if let Some(why) = &self.refused {
            return format!("{date}: not imported: {why}");
        }
        let mut line = format!("{date}: {} records", self.written);
        if !self.files.is_empty() {
            let names: Vec<String> = self.files.iter().map(|p| p.display().to_string()).collect();
            line.push_str(&format!(" into {}", names.join(", ")));
        }
        if self.covered > 0 {
            line.push_str(&format!(
                "; {} left out: the directory already covers their moments",
                self.covered
            ));
        }
        if self.after_open_file > 0 {
            line.push_str(&format!(
                "; {} left out: later than the day's uncompressed file, which rsadc appends to \
                 (import them again once the day is compressed)",
                self.after_open_file
            ));
        }
        line
    }
}

/// Why an import stopped.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error(transparent)]
    Source(#[from] SourceError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// Open `path` as whatever it is: an rsar log, or a sysstat sa file (its disks named from
/// `sys_root`, the importing machine's /sys, as sar names them).
pub fn open_source(path: &Path, sys_root: &Path) -> Result<Box<dyn Source>, SourceError> {
    crate::source::open_recorded(
        vec![path.to_path_buf()],
        Follow::No,
        crate::source::WindowStart::default(),
        sys_root,
    )
}

/// Where a day's existing records are, in time.
#[derive(Debug, Clone, Copy)]
struct Span {
    first_ns: i64,
    last_ns: i64,
}

/// A temporary file being written, with the records in it.
struct Staged {
    name: String,
    writer: DayWriter,
    records: u64,
}

/// The day being imported.
struct Day {
    date: NaiveDate,
    offset_s: i32,
    span: Option<Span>,
    has_open_file: bool,
    before: Option<Staged>,
    after: Option<Staged>,
    report: DayImport,
}

/// The hidden name a day's import is staged under.
fn staged_name(date: NaiveDate, part: &str) -> String {
    format!(".{}.import-{part}", store::day_file_name(date))
}

/// Write every event of `source` into day files in `dir` (which must exist and be
/// ours: `safe_dir`'s rules), telling `done` what was done to each day as it is finished.
/// A source that fails part-way keeps what it yielded: the day in progress is finished
/// before the error is returned.
pub fn import(
    source: &mut dyn Source,
    dir: &Path,
    done: &mut dyn FnMut(DayImport),
) -> Result<(), ImportError> {
    let log_dir = LogDir::open(dir).map_err(|source| ImportError::Io {
        path: dir.to_path_buf(),
        source,
    })?;
    let mut host = source.origin().0.clone();
    if host.boot_id.is_empty() {
        host.boot_id = "imported".into();
    }
    let base_boot = host.boot_id.clone();
    let mut restarts = 0u32;
    let mut day: Option<Day> = None;
    loop {
        let event = match source.next() {
            Ok(Some(e)) => e,
            Ok(None) => break,
            Err(e) => {
                if let Some(d) = day.take() {
                    done(finish(&log_dir, d)?);
                }
                return Err(e.into());
            }
        };
        let ns = event.wall_ns();
        let date = crate::time::local_date(ns);
        if day.as_ref().is_none_or(|d| d.date != date) {
            if let Some(d) = day.take() {
                done(finish(&log_dir, d)?);
            }
            day = Some(start(&log_dir, date, ns, &host)?);
        }
        let Some(d) = day.as_mut() else { continue };
        if let Event::Restart { cpus, .. } = &event {
            // Each boot its own id, so the writer marks the restart where it was.
            restarts += 1;
            host.boot_id = format!("{base_boot}+{restarts}");
            host.cpu_count = *cpus;
        }
        if d.report.refused.is_some() {
            continue;
        }
        let (slot, part) = match d.span {
            None => (&mut d.before, "before"),
            Some(s) if ns < s.first_ns => (&mut d.before, "before"),
            Some(s) if ns > s.last_ns && !d.has_open_file => (&mut d.after, "after"),
            Some(s) if ns > s.last_ns => {
                d.report.after_open_file += 1;
                continue;
            }
            Some(_) => {
                d.report.covered += 1;
                continue;
            }
        };
        let staged = match slot {
            Some(s) => s,
            None => slot.insert(stage(&log_dir, d.date, part, &host, ns, d.offset_s)?),
        };
        match &event {
            Event::Sample(s) => staged.writer.append_sample(&host, s)?,
            Event::Restart { wall_ns, .. } => staged.writer.append_restart(&host, *wall_ns)?,
            Event::Comment { wall_ns, text } => staged.writer.append_comment(*wall_ns, text)?,
            Event::Processes(t) => staged.writer.append_processes(t)?,
            // sysstat's files have no roll-ups.
            Event::Levels(_) => {}
        }
        staged.records += 1;
    }
    if let Some(d) = day.take() {
        done(finish(&log_dir, d)?);
    }
    Ok(())
}

/// Begin a day: what it holds already, and whether it is this machine's.
fn start(log_dir: &LogDir, date: NaiveDate, ns: i64, host: &HostFacts) -> Result<Day, ImportError> {
    let files = store::day_files(log_dir.path(), date).map_err(|source| ImportError::Io {
        path: log_dir.path().to_path_buf(),
        source,
    })?;
    let mut report = DayImport {
        date,
        written: 0,
        files: Vec::new(),
        covered: 0,
        after_open_file: 0,
        refused: None,
    };
    let mut span: Option<Span> = None;
    let has_open_file = files
        .iter()
        .any(|p| store::day_of(p).is_some_and(|(_, z)| !z));
    if !files.is_empty() {
        let mut existing = LogSource::open(files.clone(), Follow::No)?;
        let theirs = existing.origin().0.hostname.clone();
        if theirs != host.hostname {
            report.refused = Some(format!(
                "{} holds {theirs}'s records and this file is {}'s",
                files[0].display(),
                host.hostname
            ));
        }
        while let Some(e) = existing.next()? {
            let t = e.wall_ns();
            span = Some(match span {
                None => Span {
                    first_ns: t,
                    last_ns: t,
                },
                Some(s) => Span {
                    first_ns: s.first_ns.min(t),
                    last_ns: s.last_ns.max(t),
                },
            });
        }
    }
    let offset_s = crate::time::local_day(ns).1;
    Ok(Day {
        date,
        offset_s,
        span,
        has_open_file,
        before: None,
        after: None,
        report,
    })
}

/// A new hidden file for part of a day (a leftover of a crashed import is removed first:
/// the entry itself, never what a link points to).
fn stage(
    log_dir: &LogDir,
    date: NaiveDate,
    part: &str,
    host: &HostFacts,
    ns: i64,
    offset_s: i32,
) -> Result<Staged, ImportError> {
    let name = staged_name(date, part);
    let path = log_dir.join(&name);
    let io = |source| ImportError::Io {
        path: path.clone(),
        source,
    };
    if log_dir.entry(&name).map_err(io)?.is_some() {
        log_dir.remove(&name).map_err(io)?;
    }
    let (writer, _) = DayWriter::open_in(log_dir, &name, host, ns, offset_s, NonRegular::Refuse)?;
    Ok(Staged {
        name,
        writer,
        records: 0,
    })
}

/// Give a day's staged files their names.
fn finish(log_dir: &LogDir, mut d: Day) -> Result<DayImport, ImportError> {
    let date = d.date;
    if let Some(s) = d.before.take() {
        d.report.written += s.records;
        s.writer.sync()?;
        drop(s.writer);
        let plain = store::day_file_name(date);
        let io = |source| ImportError::Io {
            path: log_dir.join(&plain),
            source,
        };
        let placed = if d.span.is_none() {
            match log_dir.rename_noreplace(&s.name, &plain) {
                Ok(()) => Some(log_dir.join(&plain)),
                // rsadc began the day meanwhile: it goes before that, compressed.
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => None,
                Err(e) => return Err(io(e)),
            }
        } else {
            None
        };
        let placed = match placed {
            Some(p) => p,
            None => {
                make_room_first(log_dir, date)?;
                store::compress_day(log_dir, &s.name, date)?
            }
        };
        d.report.files.push(placed);
    }
    if let Some(s) = d.after.take() {
        d.report.written += s.records;
        s.writer.sync()?;
        drop(s.writer);
        d.report
            .files
            .push(store::compress_day(log_dir, &s.name, date)?);
    }
    log_dir.sync();
    Ok(d.report)
}

/// Renumber a day's compressed parts up by one, highest first, so that part 0's name is
/// free for records earlier than all of them. Renames never replace a file.
fn make_room_first(log_dir: &LogDir, date: NaiveDate) -> Result<(), ImportError> {
    let mut parts = store::compressed_parts(log_dir, date).map_err(|source| ImportError::Io {
        path: log_dir.path().to_path_buf(),
        source,
    })?;
    parts.sort_unstable_by(|a, b| b.cmp(a));
    for n in parts {
        let from = store::compressed_name(date, n);
        let to = store::compressed_name(date, n + 1);
        log_dir
            .rename_noreplace(&from, &to)
            .map_err(|source| ImportError::Io {
                path: log_dir.join(&from),
                source,
            })?;
    }
    Ok(())
}
