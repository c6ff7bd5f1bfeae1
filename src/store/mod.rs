//! The binary log: one file per local calendar day, append-only framed records, raw
//! counters encoded against keyframes. `docs/FORMAT.md` is the specification; this module
//! is its only implementation. It knows nothing of rates or output.
//!
//! - `format`: header, frames, record payloads;
//! - `codec`: a `Sample` as shape + values, deltas, varints with zero runs;
//! - `reader`: frames back into records, resynchronising after damage;
//! - `writer`: locked, crash-safe appending;
//! - this module: day-file naming, reading whole files (compressed or not), retention.

mod bytes;
mod codec;
mod format;
mod reader;
mod stream;
mod writer;

pub use format::{FileHeader, HeaderError, Record, VERSION};
pub use reader::{pack, Damage, Scanner};
pub use stream::LogReader;
pub use writer::{DayWriter, OpenReport, KEYFRAME_EVERY};

use chrono::NaiveDate;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

/// Where logs live unless told otherwise.
pub const DEFAULT_DIR: &str = "/var/log/rsar";

/// The largest day file a reader will decompress (a day at 1 s intervals is tens of MB).
pub const MAX_DECOMPRESSED: u64 = 4 << 30;

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
    #[error("{}: a sample's values do not match its shape; it was not written (a bug: please report it)", path.display())]
    Unencodable { path: PathBuf },
}

/// `rsarYYYYMMDD`: names sort by date.
pub fn day_file_name(date: NaiveDate) -> String {
    date.format("rsar%Y%m%d").to_string()
}

/// The date a day file is for, from its name (`rsar20261121` or `rsar20261121.zst`).
pub fn day_of(path: &Path) -> Option<(NaiveDate, bool)> {
    let name = path.file_name()?.to_str()?;
    let (stem, compressed) = match name.strip_suffix(".zst") {
        Some(s) => (s, true),
        None => (name, false),
    };
    let digits = stem.strip_prefix("rsar")?;
    if digits.len() != 8 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    NaiveDate::parse_from_str(digits, "%Y%m%d")
        .ok()
        .map(|d| (d, compressed))
}

/// The file holding `date` in `dir`, compressed or not.
pub fn find_day(dir: &Path, date: NaiveDate) -> Option<PathBuf> {
    let plain = dir.join(day_file_name(date));
    if plain.exists() {
        return Some(plain);
    }
    let zst = dir.join(format!("{}.zst", day_file_name(date)));
    zst.exists().then_some(zst)
}

/// Every day file in `dir`, oldest first.
pub fn list_days(dir: &Path) -> io::Result<Vec<(NaiveDate, PathBuf, bool)>> {
    let mut days: Vec<_> = std::fs::read_dir(dir)?
        .filter_map(Result::ok)
        .filter_map(|e| {
            let p = e.path();
            day_of(&p).map(|(d, z)| (d, p, z))
        })
        .collect();
    days.sort();
    Ok(days)
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
}

/// Open a log to read it: never blocking on a FIFO, and only a regular file.
pub fn open_log_for_reading(path: &Path) -> Result<std::fs::File, StoreError> {
    use std::os::unix::fs::{FileTypeExt, OpenOptionsExt};
    let err = |source| StoreError::Io {
        path: path.to_path_buf(),
        source,
    };
    let file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(nix::libc::O_NONBLOCK | nix::libc::O_CLOEXEC)
        .open(path)
        .map_err(err)?;
    let kind = file.metadata().map_err(err)?.file_type();
    if !kind.is_file() {
        let what = if kind.is_dir() {
            "a directory"
        } else if kind.is_fifo() {
            "a FIFO"
        } else if kind.is_socket() {
            "a socket"
        } else {
            "a device"
        };
        return Err(err(io::Error::other(format!("is {what}, not a log file"))));
    }
    Ok(file)
}

/// The file's bytes, decompressed if it is zstd.
pub fn read_bytes(path: &Path) -> Result<Vec<u8>, StoreError> {
    let err = |source| StoreError::Io {
        path: path.to_path_buf(),
        source,
    };
    let mut raw = Vec::new();
    open_log_for_reading(path)?
        .read_to_end(&mut raw)
        .map_err(err)?;
    if raw.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
        let mut out = Vec::new();
        zstd::stream::read::Decoder::new(&raw[..])
            .map_err(err)?
            .take(MAX_DECOMPRESSED)
            .read_to_end(&mut out)
            .map_err(err)?;
        return Ok(out);
    }
    Ok(raw)
}

/// Read a whole log: header and every good record.
pub fn read_log(path: &Path) -> Result<Log, StoreError> {
    collect(LogReader::open(path, MAX_DECOMPRESSED)?)
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
    })
}

/// Compress a closed day file to `NAME.zst` and remove the original. A file still locked
/// by a writer is left alone.
pub fn compress_day(path: &Path) -> Result<PathBuf, StoreError> {
    let err = |source| StoreError::Io {
        path: path.to_path_buf(),
        source,
    };
    let file = std::fs::File::open(path).map_err(err)?;
    let _lock =
        nix::fcntl::Flock::lock(file, nix::fcntl::FlockArg::LockSharedNonblock).map_err(|_| {
            StoreError::Locked {
                path: path.to_path_buf(),
            }
        })?;
    let raw = std::fs::read(path).map_err(err)?;
    let raw = reader::pack(&raw).unwrap_or(raw);
    let packed = zstd::bulk::compress(&raw, 19).map_err(err)?;
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(".zst");
    let dest = path.with_file_name(name);
    let mut tmp_name = dest.file_name().unwrap_or_default().to_os_string();
    tmp_name.push(".tmp");
    let tmp = dest.with_file_name(tmp_name);
    std::fs::write(&tmp, &packed).map_err(err)?;
    std::fs::File::open(&tmp)
        .and_then(|f| f.sync_all())
        .map_err(err)?;
    std::fs::rename(&tmp, &dest).map_err(err)?;
    std::fs::remove_file(path).map_err(err)?;
    Ok(dest)
}

/// What housekeeping did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Housekeeping {
    pub deleted: Vec<PathBuf>,
    pub compressed: Vec<PathBuf>,
    pub problems: Vec<String>,
}

/// Delete days older than `retain_days` and compress days older than
/// `compress_after_days` (never today's: a day older than 0 days is yesterday).
pub fn housekeeping(
    dir: &Path,
    today: NaiveDate,
    retain_days: u32,
    compress_after_days: u32,
) -> io::Result<Housekeeping> {
    let mut done = Housekeeping::default();
    for (date, path, compressed) in list_days(dir)? {
        let age = (today - date).num_days();
        if age > i64::from(retain_days) {
            match std::fs::remove_file(&path) {
                Ok(()) => done.deleted.push(path),
                Err(e) => done
                    .problems
                    .push(format!("cannot delete {}: {e}", path.display())),
            }
        } else if !compressed && age > i64::from(compress_after_days) {
            match compress_day(&path) {
                Ok(p) => done.compressed.push(p),
                Err(e) => done.problems.push(format!("cannot compress: {e}")),
            }
        }
    }
    Ok(done)
}
