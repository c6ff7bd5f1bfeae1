//! The binary log: one file per local calendar day, append-only framed records, raw
//! counters encoded against keyframes. `docs/FORMAT.md` is the specification; this module
//! is its only implementation. It knows nothing of rates or output.
//!
//! - `format`: header, frames, record payloads;
//! - `codec`: format 1's samples (shape + values), and the numbers both formats share:
//!   deltas, varints with zero runs;
//! - `groups`: the samples of formats 2 and 3, one block per metric group, keyed per group;
//! - `columns`: format 7's closed days and tiers, each frame's samples in columns;
//! - `reader`: frames back into records, resynchronising after damage; packing a closed
//!   day for compression;
//! - `frames`: reading a compressed day frame by frame, skipping a damaged frame;
//! - `writer`: locked, crash-safe appending;
//! - `rollup`: a closed day down-sampled to the minute and hour tiers;
//! - `safe_dir`: opening, creating, renaming and deleting in a log directory without
//!   following links or replacing what it did not write;
//! - this module: day-file naming, reading whole files (compressed or not, with a cap on
//!   decompression), compression and retention.

mod bytes;
mod codec;
mod columns;
mod format;
mod frames;
mod groups;
mod members;
pub mod procs;
mod reader;
pub mod rollup;
pub mod safe_dir;
mod stream;
mod writer;

pub use format::MAGIC;
pub use format::{FileHeader, HeaderError, Record, VERSION};
pub use reader::{pack, pack_frames, pack_frames_of, Damage, Scanner, FRAME_BYTES};
pub use stream::LogReader;
pub use writer::{DayWriter, NonRegular, OpenReport, CHANGES_FROM_KEY_EVERY, KEYFRAME_EVERY};

/// The format's primitives, for tools and tests that write records by hand (see
/// `docs/FORMAT.md`).
pub mod wire {
    pub use super::bytes::{put_str, put_varint, unzigzag, zigzag};
    pub use super::codec::put_numbers;
    pub use super::format::{
        frame, KIND_COLUMNS, KIND_COMMENT, KIND_PROCESSES, KIND_RESTART, KIND_SAMPLE, MAGIC, SYNC,
        VERSION,
    };
    pub use super::groups::{
        GROUP_REFERENCE, MODE_CHANGE, MODE_DELTA, MODE_KEY, MODE_STEP, MODE_UNCHANGED,
    };
}

use chrono::NaiveDate;
use safe_dir::{EntryKind, LogDir};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

/// Where logs live unless told otherwise.
pub const DEFAULT_DIR: &str = "/var/log/rsar";

/// A compressed day is decompressed as it is read, and stops at
/// max(`DECOMPRESS_FLOOR`, min(`DECOMPRESS_RECORDS` × the largest good record so far,
/// `DECOMPRESS_RATIO` × the compressed size)): a file that decompresses to more holds
/// more than a day can (a damaged or hostile file), and is cut there, keeping every record
/// before the cut.
///
/// Decompression always may go this far (a day at 1 s intervals is tens of MB).
pub const DECOMPRESS_FLOOR: u64 = 64 << 20;
/// Past the floor, a compressed day may hold this many records of the largest size seen
/// so far (a day at 1 s intervals has 86,400 samples)...
pub const DECOMPRESS_RECORDS: u64 = 100_000;
/// ...and never more than this many times its compressed size (rsar's logs compress far
/// less than 1000:1; a decompression bomb far more).
pub const DECOMPRESS_RATIO: u64 = 1_000;

/// What can go wrong with a log file.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error("{}: another rsadc is writing this file (it holds the lock)", path.display())]
    Locked { path: PathBuf },
    #[error("{}: written by a newer rsar (format {version}, this rsar reads up to format {VERSION}); upgrade rsar or move the file", path.display())]
    Newer { path: PathBuf, version: u16 },
    #[error("{}: {reason}", path.display())]
    Header { path: PathBuf, reason: HeaderError },
    #[error("{}: {reason}", path.display())]
    Unreadable { path: PathBuf, reason: String },
    #[error("{}: a sample's values do not match its shape; it was not written (a bug: please report it)", path.display())]
    Unencodable { path: PathBuf },
}

/// `rsarYYYYMMDD`: names sort by date. This is the name rsadc writes a day to.
pub fn day_file_name(date: NaiveDate) -> String {
    date.format("rsar%Y%m%d").to_string()
}

/// The name of a day's compressed part `n`: `rsarYYYYMMDD.zst`, then `rsarYYYYMMDD.1.zst`,
/// `.2.zst`... A day is compressed again when rsadc wrote to it after it was compressed
/// (a clock set back): the new part gets the next free number, never the old one's name.
pub fn compressed_name(date: NaiveDate, n: u32) -> String {
    match n {
        0 => format!("{}.zst", day_file_name(date)),
        n => format!("{}.{n}.zst", day_file_name(date)),
    }
}

/// Parse a day file name: its date and where it comes in the day's reading order
/// (compressed parts by number, then the plain file, which is the newest).
fn parse_day_name(name: &str) -> Option<(NaiveDate, u32, bool)> {
    let digits = name.strip_prefix("rsar")?;
    let (digits, rest) = (digits.get(..8)?, digits.get(8..)?);
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let date = NaiveDate::parse_from_str(digits, "%Y%m%d").ok()?;
    let (order, compressed) = match rest {
        "" => (u32::MAX, false),
        ".zst" => (0, true),
        _ => {
            let n = rest.strip_prefix('.')?.strip_suffix(".zst")?;
            if n.is_empty() || n.starts_with('0') || !n.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            (n.parse::<u32>().ok().filter(|&n| n < u32::MAX)?, true)
        }
    };
    Some((date, order, compressed))
}

/// The date a day file is for, from its name (`rsar20261121`, `rsar20261121.zst` or
/// `rsar20261121.2.zst`), and whether it is compressed.
pub fn day_of(path: &Path) -> Option<(NaiveDate, bool)> {
    let (date, _, compressed) = parse_day_name(path.file_name()?.to_str()?)?;
    Some((date, compressed))
}

/// Every file holding a part of `date` in `dir`, in reading order (compressed parts, then
/// the plain file). Empty if there is none.
pub fn day_files(dir: &Path, date: NaiveDate) -> io::Result<Vec<PathBuf>> {
    Ok(list_days(dir)?
        .into_iter()
        .filter(|(d, _, _)| *d == date)
        .map(|(_, p, _)| p)
        .collect())
}

/// The numbers of `date`'s compressed parts in `dir` (`rsarYYYYMMDD.zst` is 0).
pub fn compressed_parts(dir: &LogDir, date: NaiveDate) -> io::Result<Vec<u32>> {
    Ok(dir
        .names()?
        .iter()
        .filter_map(|n| parse_day_name(n))
        .filter(|&(d, _, compressed)| d == date && compressed)
        .map(|(_, n, _)| n)
        .collect())
}

/// Every day file in `dir`, oldest first; the parts of one day in reading order.
pub fn list_days(dir: &Path) -> io::Result<Vec<(NaiveDate, PathBuf, bool)>> {
    let names = std::fs::read_dir(dir)?
        .filter_map(Result::ok)
        .filter_map(|e| e.file_name().to_str().map(str::to_string));
    Ok(sorted_days(dir, names))
}

fn sorted_days(dir: &Path, names: impl Iterator<Item = String>) -> Vec<(NaiveDate, PathBuf, bool)> {
    let mut days: Vec<_> = names
        .filter_map(|n| parse_day_name(&n).map(|(d, order, z)| ((d, order), dir.join(n), z)))
        .collect();
    days.sort();
    days.into_iter().map(|((d, _), p, z)| (d, p, z)).collect()
}

/// Whether `path` is a regular file that is an rsar log (starts with `MAGIC`) or empty:
/// one rsadc may append to when it is named in place of a directory.
pub fn is_log_or_empty(path: &Path) -> bool {
    let mut head = [0u8; MAGIC.len()];
    let Ok(mut f) = safe_dir::open_for_reading(path) else {
        return false;
    };
    let mut got = 0;
    while got < head.len() {
        match f.read(&mut head[got..]) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(_) => return false,
        }
    }
    got == 0 || (got == head.len() && head == MAGIC)
}

/// A whole log file, read into memory: for tests and tools on small files. Reports
/// stream with `LogReader` instead.
#[derive(Debug)]
pub struct Log {
    pub header: FileHeader,
    /// Records with the file offset each started at (in the decompressed bytes).
    pub records: Vec<(u64, Record)>,
    pub damage: Damage,
    /// Bytes at the end that are a record cut short (a write in progress, or a crash).
    pub torn_tail: u64,
    /// A compressed file decompressing to more than a day can hold was cut at this many
    /// bytes (see `LogReader::cut_at`).
    pub cut_at: Option<u64>,
}

/// Read a whole log: header and every good record.
pub fn read_log(path: &Path) -> Result<Log, StoreError> {
    collect(LogReader::open(path)?)
}

/// Parse a log already in memory; `path` names it in messages.
pub fn parse_log(path: &Path, bytes: &[u8]) -> Result<Log, StoreError> {
    collect(LogReader::from_bytes(path, bytes.to_vec())?)
}

fn collect(mut reader: LogReader) -> Result<Log, StoreError> {
    let mut records = Vec::new();
    while let Some(r) = reader.next_record()? {
        records.push(r);
    }
    Ok(Log {
        header: reader.header().clone(),
        records,
        damage: reader.damage().clone(),
        torn_tail: reader.torn_tail(),
        cut_at: reader.cut_at(),
    })
}

/// Why a day file with more than one name is not compressed: the same words for
/// housekeeping's warning and `compress_day`'s refusal.
fn hard_linked(links: impl Into<u64>) -> String {
    let links: u64 = links.into();
    format!(
        "has {links} names (hard links): left as it is, since compressing it would remove only this name and copy data another name may guard; remove the other links, or move the file away"
    )
}

/// Compress the closed day file `name` (holding `date`) in `dir` to the first free name
/// of `compressed_name(date, 0..)` and remove the original. A file still locked by a
/// writer is left alone, and so is a file with more than one link (a hard link planted in
/// the directory could name any file of the filesystem). Only a regular file is
/// compressed; the result is created exclusively (`NAME.zst.tmp`, then linked to its name,
/// which must not exist), so neither a planted link nor an existing compressed part is
/// ever written through or replaced; it keeps the original's mode (and, where it may, its
/// owner and group), so a day only its owner could read stays that way.
pub fn compress_day(dir: &LogDir, name: &str, date: NaiveDate) -> Result<PathBuf, StoreError> {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    let path = dir.join(name);
    let err = |source| StoreError::Io {
        path: path.clone(),
        source,
    };
    let file = dir.open_regular(name, false).map_err(err)?;
    let id = file.metadata().map_err(err)?;
    if id.nlink() > 1 {
        return Err(err(io::Error::other(hard_linked(id.nlink()))));
    }
    let file = nix::fcntl::Flock::lock(file, nix::fcntl::FlockArg::LockSharedNonblock)
        .map_err(|_| StoreError::Locked { path: path.clone() })?;
    let mut raw = Vec::new();
    (&*file).read_to_end(&mut raw).map_err(err)?;
    let packed = compress_frames(&raw).map_err(err)?;

    let tmp = format!("{name}.zst.tmp");
    let tmp_err = |source| StoreError::Io {
        path: dir.join(&tmp),
        source,
    };
    rollup::clear_leftover(dir, &tmp)?;
    let mut out = dir.create_new(&tmp).map_err(tmp_err)?;
    // Owner first (a chown clears set-id bits), then the mode. Taking the owner needs
    // privilege: without it the compressed day is ours, with the original's mode.
    let _ = std::os::unix::fs::fchown(&out, Some(id.uid()), Some(id.gid()));
    out.set_permissions(std::fs::Permissions::from_mode(id.mode() & 0o777))
        .map_err(tmp_err)?;
    out.write_all(&packed)
        .and_then(|()| out.sync_all())
        .map_err(tmp_err)?;
    drop(out);
    let mut dest = None;
    for n in 0..10_000 {
        let candidate = compressed_name(date, n);
        match dir.rename_noreplace(&tmp, &candidate) {
            Ok(()) => {
                dest = Some(candidate);
                break;
            }
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {}
            Err(e) => {
                let _ = dir.remove(&tmp);
                return Err(tmp_err(e));
            }
        }
    }
    let Some(dest) = dest else {
        let _ = dir.remove(&tmp);
        return Err(tmp_err(io::Error::other(
            "10,000 compressed parts of this day exist already; move some away",
        )));
    };
    // Remove the original only if it is still the file that was compressed.
    if let Ok(Some((EntryKind::Regular, st))) = dir.entry(name) {
        if st.st_ino == id.ino() && st.st_dev == id.dev() {
            dir.remove(name).map_err(err)?;
        }
    }
    dir.sync();
    drop(file);
    Ok(dir.join(&dest))
}

/// A closed day, packed (`pack_frames`) and compressed as one zstd frame per packed frame:
/// a damaged byte costs the records of its frame, not the rest of the day.
pub fn compress_frames(raw: &[u8]) -> io::Result<Vec<u8>> {
    compress_frames_of(raw, FRAME_BYTES)
}

/// `compress_frames` with frames of about `frame_bytes` of packed records (for measuring
/// the trade-off between size and what a damaged byte costs).
pub fn compress_frames_of(raw: &[u8], frame_bytes: usize) -> io::Result<Vec<u8>> {
    let (packed, starts) = match reader::pack_frames_of(raw, frame_bytes) {
        Some(p) => p,
        None => (raw.to_vec(), vec![0]),
    };
    let mut out = Vec::new();
    let mut cx = zstd::bulk::Compressor::new(19)?;
    for (i, &start) in starts.iter().enumerate() {
        let end = starts.get(i + 1).copied().unwrap_or(packed.len());
        out.extend_from_slice(&cx.compress(&packed[start..end])?);
    }
    Ok(out)
}

/// What housekeeping did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Housekeeping {
    pub deleted: Vec<PathBuf>,
    pub compressed: Vec<PathBuf>,
    /// Days left as they are on purpose (a day file with several hard links), each with
    /// the reason: nothing failed, but someone should look.
    pub warnings: Vec<String>,
    pub problems: Vec<String>,
}

/// Delete days older than `retain_days` and compress days older than
/// `compress_after_days` (never today's: a day older than 0 days is yesterday). Every
/// access is relative to the directory (`safe_dir`); deleting removes the entry itself
/// (a link, never what it points to) and leaves a directory alone.
pub fn housekeeping(
    dir: &Path,
    today: NaiveDate,
    retain_days: u32,
    compress_after_days: u32,
) -> io::Result<Housekeeping> {
    let log_dir = LogDir::open(dir)?;
    let mut done = Housekeeping::default();
    for (date, path, compressed) in sorted_days(dir, log_dir.names()?.into_iter()) {
        let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
            continue;
        };
        let age = (today - date).num_days();
        if age > i64::from(retain_days) {
            match delete_entry(&log_dir, name, "day file") {
                Ok(true) => done.deleted.push(path),
                Ok(false) => {}
                Err(e) => done.problems.push(e),
            }
        } else if !compressed && age > i64::from(compress_after_days) {
            if let Ok(Some((EntryKind::Regular, st))) = log_dir.entry(name) {
                if st.st_nlink > 1 {
                    done.warnings.push(format!(
                        "not compressing {}: it {}",
                        path.display(),
                        hard_linked(st.st_nlink)
                    ));
                    continue;
                }
            }
            match compress_day(&log_dir, name, date) {
                Ok(p) => done.compressed.push(p),
                Err(e) => done.problems.push(format!("cannot compress: {e}")),
            }
        }
    }
    Ok(done)
}

/// Delete the entry `name` of `dir` (a `what` past its retention): the entry itself,
/// never what a link points to; a directory is left, and said. `false`: it was gone.
pub(crate) fn delete_entry(dir: &LogDir, name: &str, what: &str) -> Result<bool, String> {
    let path = dir.join(name);
    match dir.entry(name) {
        Ok(None) => Ok(false),
        Ok(Some((EntryKind::Directory, _))) => Err(format!(
            "cannot delete {}: it is a directory, not a {what}; move it away",
            path.display()
        )),
        Ok(Some(_)) => dir
            .remove(name)
            .map(|()| true)
            .map_err(|e| format!("cannot delete {}: {e}", path.display())),
        Err(e) => Err(format!("cannot delete {}: {e}", path.display())),
    }
}
