//! Reading a log as a stream: records one at a time, the file read a chunk at a time, so
//! that memory depends on the largest record, never on the length of the day.
//!
//! A plain file is read with `pread` from where the last complete record ended; when it
//! reaches the end, `next_record` returns `None`, and calling it again later picks up what
//! a writer appended since (`--follow`, the TUI). A compressed day is decompressed as it is
//! read. Bytes at the end that could be the start of a record are a torn tail: left for
//! more bytes, counted by `torn_tail` and never called damage.

use super::format::{
    self, FileHeader, Frame, HeaderError, Record, FRAME_OVERHEAD, MAGIC, MAX_PAYLOAD, VERSION,
};
use super::reader::{Damage, Scanner};
use super::{StoreError, DECOMPRESS_FLOOR, DECOMPRESS_RATIO, DECOMPRESS_RECORDS};
use crate::sample::HostFacts;
use std::collections::VecDeque;
use std::fs::File;
use std::io;
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};

/// Bytes asked of the file at a time.
const CHUNK: usize = 1 << 20;
/// Bisection stops when the range is this narrow.
const SEEK_GRANULE: u64 = 256 << 10;
/// How far a probe reads past its offset looking for a decodable sample (every group is
/// keyed at least every 64 samples; a sample of a very large machine is tens of kB).
const PROBE_LIMIT: u64 = 16 << 20;

/// How far past where a seek starts it looks for a process table (rsadc writes one right
/// after its sample, with every sample by default), once it has passed two samples.
const PROCESS_REACH: u64 = 64 << 10;

/// Bytes of records decoded at a time.
const SCAN_WINDOW: usize = 16 << 10;
/// zstd's magic number: a compressed closed day.
const ZSTD_MAGIC: [u8; 4] = [0x28, 0xb5, 0x2f, 0xfd];

enum Input {
    /// A plain file and the offset of the next byte to read.
    Plain(File, u64),
    /// Bytes already in memory, and the offset of the next one.
    Memory(Vec<u8>, usize),
    /// A compressed day, decompressed as read (`None` once it ended), and its
    /// compressed size.
    Zstd(Option<Box<super::frames::FrameReader>>, u64),
}

/// One log file, read record by record.
pub struct LogReader {
    path: PathBuf,
    input: Input,
    header: FileHeader,
    scanner: Scanner,
    /// Bytes read, of which those from `consumed` on are not consumed yet and start at
    /// file offset `base`. Consumed bytes are dropped when more are read, not as each
    /// window is decoded, so that a chunk is not moved once per window.
    pending: Vec<u8>,
    consumed: usize,
    base: u64,
    records: VecDeque<(u64, Record)>,
    /// The input had nothing more the last time it was read.
    at_end: bool,
    /// Decompressed bytes so far.
    decompressed: u64,
    /// Why a compressed day ended before its end: cut at a cap, or undecodable bytes.
    cut: Option<String>,
    /// Compressed frames that did not decode, one line each.
    skipped_frames: Vec<String>,
    cut_at: Option<u64>,
    /// The header was damaged: `header` holds what the records told, or placeholders.
    header_damaged: bool,
    /// After a seek: records that cannot be decoded until every group has met its key
    /// are expected, not damage, up to the first sample decoded.
    warming: bool,
}

impl std::fmt::Debug for LogReader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LogReader")
            .field("path", &self.path)
            .field("base", &self.base)
            .finish_non_exhaustive()
    }
}

fn io_err(path: &Path) -> impl Fn(io::Error) -> StoreError + '_ {
    move |source| StoreError::Io {
        path: path.to_path_buf(),
        source,
    }
}

impl LogReader {
    /// Open `path` (plain or zstd; a regular file only, never blocking on a FIFO) and
    /// read its header.
    pub fn open(path: &Path) -> Result<LogReader, StoreError> {
        let file = super::safe_dir::open_for_reading(path).map_err(io_err(path))?;
        Self::of_file(path, file)
    }

    /// Open `name` in `dir` without following a link (a file of rsadc's own directory).
    pub fn open_in(dir: &super::safe_dir::LogDir, name: &str) -> Result<LogReader, StoreError> {
        let path = dir.join(name);
        let file = dir.open_regular(name, false).map_err(io_err(&path))?;
        Self::of_file(&path, file)
    }

    fn of_file(path: &Path, file: File) -> Result<LogReader, StoreError> {
        let mut magic = [0u8; 4];
        let n = file.read_at(&mut magic, 0).map_err(io_err(path))?;
        // A compressed day: zstd's magic, or a `.zst` day whose first bytes are damaged
        // (its later frames are still read).
        let damaged_zst = magic[..n] != MAGIC[..n]
            && (super::day_of(path).is_some_and(|(_, compressed)| compressed)
                || super::rollup::tier_of(path).is_some());
        let input = if (n == 4 && magic == ZSTD_MAGIC) || damaged_zst {
            let size = file.metadata().map_err(io_err(path))?.len();
            let decoder = super::frames::FrameReader::new(file).map_err(io_err(path))?;
            Input::Zstd(Some(Box::new(decoder)), size)
        } else {
            Input::Plain(file, 0)
        };
        Self::start(path, input)
    }

    /// Read a log already in memory (uncompressed); `path` names it in messages.
    pub fn from_bytes(path: &Path, bytes: Vec<u8>) -> Result<LogReader, StoreError> {
        Self::start(path, Input::Memory(bytes, 0))
    }

    fn start(path: &Path, input: Input) -> Result<LogReader, StoreError> {
        let mut r = LogReader {
            path: path.to_path_buf(),
            input,
            header: FileHeader::default(),
            scanner: Scanner::default(),
            pending: Vec::new(),
            consumed: 0,
            base: 0,
            records: VecDeque::new(),
            at_end: false,
            decompressed: 0,
            cut: None,
            skipped_frames: Vec::new(),
            cut_at: None,
            header_damaged: false,
            warming: false,
        };
        // The header: read until it is whole, or the file ends.
        loop {
            match FileHeader::decode(&r.pending) {
                Ok((h, len)) => {
                    r.header = h;
                    r.pending.drain(..len);
                    r.base = len as u64;
                    return Ok(r);
                }
                Err(HeaderError::Truncated) | Err(HeaderError::Empty) if !r.at_end => {
                    r.fill()?;
                }
                Err(HeaderError::Newer(version)) => {
                    return Err(StoreError::Newer {
                        path: path.to_path_buf(),
                        version,
                    })
                }
                Err(HeaderError::Damaged(why)) if r.pending.len() >= MAGIC.len() => {
                    // The magic is ours but the rest of the header is not readable: the
                    // records after it still are. Scanning from after the magic counts the
                    // header's bytes as a damaged range (so rsar says so and exits 2); the
                    // host facts come from a frame mark's copy of the header, else the
                    // first restart or sample, else placeholders.
                    r.pending.drain(..MAGIC.len());
                    r.base = MAGIC.len() as u64;
                    r.without_header(format!("damaged header ({why})"))?;
                    return Ok(r);
                }
                Err(_) if matches!(r.input, Input::Zstd(..)) => {
                    // A compressed day whose first frame, and the header in it, did not
                    // decode: the records of the later frames are read from the start of
                    // what did.
                    r.without_header(
                        "the header was lost with the damaged start of the compressed day".into(),
                    )?;
                    if r.records.is_empty() && !r.scanner.frames.marked() {
                        let reason = match r.skipped_frames.is_empty() {
                            true => "compressed with zstd, but not an rsar log (no rsar header or record in it)".to_string(),
                            false => format!(
                                "the compressed data is damaged and no record in it could be read ({})",
                                r.skipped_frames.join("; ")
                            ),
                        };
                        return Err(StoreError::Unreadable {
                            path: path.to_path_buf(),
                            reason,
                        });
                    }
                    return Ok(r);
                }
                Err(HeaderError::Foreign)
                    if r.pending.len() >= MAGIC.len() && super::day_of(path).is_some() =>
                {
                    // A day file whose first bytes are damaged: its records are read if it
                    // has any (a file named like a day that holds none is refused).
                    r.without_header("damaged header (no rsar magic number at the start)".into())?;
                    if r.records.is_empty() && !r.scanner.frames.marked() {
                        return Err(StoreError::Header {
                            path: path.to_path_buf(),
                            reason: HeaderError::Foreign,
                        });
                    }
                    return Ok(r);
                }
                Err(reason) => {
                    return Err(StoreError::Header {
                        path: path.to_path_buf(),
                        reason,
                    })
                }
            }
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The header was damaged; the records were read without it (see `header`).
    pub fn header_damaged(&self) -> bool {
        self.header_damaged
    }

    /// Read the records without the file's header (`why` it is missing): the host facts
    /// come from the header's copy in a frame mark (a compressed day), else the first
    /// restart or sample, else placeholders.
    fn without_header(&mut self, why: String) -> Result<(), StoreError> {
        self.header = FileHeader {
            version: VERSION,
            host: HostFacts {
                hostname: "unknown (damaged header)".into(),
                sysname: "Linux".into(),
                user_hz: 100,
                page_size: 4096,
                ..HostFacts::default()
            },
            ..FileHeader::default()
        };
        self.header_damaged = true;
        self.facts_from_first_records()?;
        match self.scanner.frames.header.clone() {
            // The frame marks say what was lost, and the header is whole again.
            Some(h) => self.header = h,
            None => {
                self.cut = Some(format!(
                    "{why}: the records after it were read, with the host facts of the first restart or sample"
                ))
            }
        }
        Ok(())
    }

    /// After a damaged header: read up to the first restart or sample and take the host
    /// facts from it, holding the records read for `next_record`.
    fn facts_from_first_records(&mut self) -> Result<(), StoreError> {
        let mut held = VecDeque::new();
        while let Some(rec) = self.next_record()? {
            let stop = match &rec.1 {
                Record::Restart { wall_ns, host } => {
                    self.header.host = host.clone();
                    self.header.created_ns = *wall_ns;
                    true
                }
                Record::Sample(s) => {
                    self.header.created_ns = s.time.wall_ns;
                    self.header.host.cpu_count =
                        u32::try_from(s.cpu.per_cpu.len()).unwrap_or(u32::MAX);
                    if let Some(b) = &self.scanner.last_boot_id {
                        self.header.host.boot_id = b.clone();
                    }
                    true
                }
                Record::Comment { .. } | Record::Processes(_) | Record::Rollup(_) => false,
            };
            held.push_back(rec);
            if stop {
                break;
            }
        }
        held.extend(self.records.drain(..));
        self.records = held;
        Ok(())
    }

    pub fn header(&self) -> &FileHeader {
        &self.header
    }

    /// Damage met so far.
    pub fn damage(&self) -> &Damage {
        &self.scanner.damage
    }

    /// Bytes after the last complete record: a record being written, or cut short.
    pub fn torn_tail(&self) -> u64 {
        self.unconsumed().len() as u64
    }

    /// Where a plain file's torn tail starts: the record at its end that is cut short.
    pub fn torn_at(&self) -> Option<u64> {
        (matches!(self.input, Input::Plain(..)) && self.torn_tail() > 0).then_some(self.base)
    }

    /// Whether a process holds a `flock` on this file, as rsadc does while it records to
    /// it: a record cut short at its end is then one being written. Read from
    /// /proc/locks, which lists every lock without taking one (a reader taking even a
    /// shared lock could make an rsadc starting at that moment find the file locked).
    /// Never for a compressed day or bytes in memory; `false` where /proc/locks cannot be
    /// read.
    pub fn being_written(&self) -> bool {
        let Input::Plain(file, _) = &self.input else {
            return false;
        };
        let Ok(meta) = file.metadata() else {
            return false;
        };
        use std::os::unix::fs::MetadataExt;
        crate::probe::flock_held(meta.dev(), meta.ino())
    }

    /// Bytes read and not consumed yet.
    fn unconsumed(&self) -> &[u8] {
        &self.pending[self.consumed..]
    }

    /// What is wrong with the file as a whole, for the reader to say: a damaged header
    /// (the records were read without it), or why a compressed day's records end before
    /// the file does — it decompresses to more than a day can hold (see
    /// `DECOMPRESS_FLOOR`), or its compressed bytes are damaged; every record before that
    /// point was read.
    pub fn cut(&self) -> Option<String> {
        let mut parts: Vec<String> = self.cut.iter().cloned().collect();
        let frames = &self.scanner.frames;
        if frames.marked() {
            // The marks say which frames did not arrive and what they held; the frames
            // that did not decode are where.
            let ended = matches!(self.input, Input::Zstd(None, _));
            let losses = frames.losses(ended);
            let mut said = losses
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("; ");
            if !self.skipped_frames.is_empty() {
                let at = self.skipped_frames.join("; ");
                said = match said.is_empty() {
                    true => at,
                    false => format!("{said}; {at}"),
                };
            }
            if !said.is_empty() {
                parts.push(format!("{said}; the rest was read"));
            }
        } else if !self.skipped_frames.is_empty() {
            parts.push(format!(
                "{}: its records were skipped; the rest was read",
                self.skipped_frames.join(": its records were skipped; ")
            ));
        }
        (!parts.is_empty()).then(|| parts.join("; "))
    }

    /// Where a compressed day was cut for decompressing to more than a day can hold.
    pub fn cut_at(&self) -> Option<u64> {
        self.cut_at
    }

    /// What a compressed day may decompress to, given what has been read of it.
    fn decompression_cap(&self, compressed: u64) -> u64 {
        let by_records = DECOMPRESS_RECORDS.saturating_mul(self.scanner.largest_record as u64);
        let by_ratio = DECOMPRESS_RATIO.saturating_mul(compressed);
        DECOMPRESS_FLOOR.max(by_records.min(by_ratio))
    }

    /// Skip to a record at or shortly before the first sample taken at `target_ns` or
    /// later (and before the process key the process tables from there build on), by
    /// bisection over the file's bytes, so that a report of the end of a day reads a small
    /// part of it. Only a plain file that has not been read yet is sought;
    /// otherwise (a compressed day, bytes in memory) this does nothing. Assumes sample
    /// times increase through the file, as rsadc writes them; where a clock stepped back
    /// inside a file, a report with `-s`/`--since` may start later than the full read.
    /// Returns the offset reading continues from.
    pub fn seek_before(&mut self, target_ns: i64) -> Result<u64, StoreError> {
        let Input::Plain(file, next) = &self.input else {
            return Ok(self.base);
        };
        if *next != self.base + (self.pending.len() - self.consumed) as u64
            || !self.records.is_empty()
        {
            return Ok(self.base);
        }
        let len = file.metadata().map_err(io_err(&self.path))?.len();
        let (mut lo, mut hi) = (self.base, len);
        // Bisect while the range is wider than a few keys' worth of records.
        while hi - lo > SEEK_GRANULE {
            let mid = lo + (hi - lo) / 2;
            match probe(file, mid, len).map_err(io_err(&self.path))? {
                Some((_, wall)) if wall < target_ns => lo = mid,
                _ => hi = mid,
            }
        }
        // Reading from `lo` decodes nothing until every group has had a key: back off
        // until the first sample decodable from there is before the target, so that every
        // sample from the target on is read (each step back is at least as far as that
        // warm-up took).
        while lo > self.base {
            match probe(file, lo, len).map_err(io_err(&self.path))? {
                Some((_, wall)) if wall < target_ns => break,
                Some((at, _)) => {
                    let back = (at - lo).max(SEEK_GRANULE);
                    lo = lo.saturating_sub(back).max(self.base);
                }
                None => lo = lo.saturating_sub(SEEK_GRANULE).max(self.base),
            }
        }
        if lo == self.base {
            return Ok(lo);
        }
        // Start at the first good record at or after `lo`.
        let Some(start) = first_record_at(file, lo, len).map_err(io_err(&self.path))? else {
            return Ok(self.base);
        };
        // Process tables build on the one before them, back to a key: start at that key,
        // so that the process tables from the target on are read too.
        let start = process_key_before(file, start, self.base, len).map_err(io_err(&self.path))?;
        self.input = match std::mem::replace(&mut self.input, Input::Memory(Vec::new(), 0)) {
            Input::Plain(f, _) => Input::Plain(f, start),
            other => other,
        };
        self.pending.clear();
        self.consumed = 0;
        self.base = start;
        self.scanner = Scanner::default();
        self.scanner.processes.reading_from(start);
        self.warming = true;
        Ok(start)
    }

    /// The next record and the offset it starts at, or `None` at the end of what has been
    /// written so far (call again to see records appended since).
    pub fn next_record(&mut self) -> Result<Option<(u64, Record)>, StoreError> {
        loop {
            if let Some(r) = self.records.pop_front() {
                if self.warming && matches!(r.1, Record::Sample(_)) {
                    // Every group has its key again: what could not be decoded before
                    // this was the cost of starting in the middle, not damage.
                    self.warming = false;
                    self.scanner.damage.undecodable = 0;
                    self.scanner.damage.undecodable_processes = 0;
                    self.scanner.damage.first_undecodable = None;
                }
                return Ok(Some(r));
            }
            // Decode a small window at a time, so that only a few records are ever held
            // decoded; widen it when a record is larger than the window.
            let mut window = SCAN_WINDOW;
            let mut progressed = false;
            while self.consumed < self.pending.len() {
                let left = &self.pending[self.consumed..];
                let end = window.min(left.len());
                let used = self
                    .scanner
                    .scan(&left[..end], self.base, &mut self.records);
                let whole = end == left.len();
                self.consumed += used;
                self.base += used as u64;
                progressed = used > 0;
                if used > 0 || whole {
                    break;
                }
                window *= 2;
            }
            if !self.records.is_empty() {
                continue;
            }
            // Records were consumed without giving any (undecodable ones): go on with what
            // is pending before reading more.
            if progressed {
                continue;
            }
            // Nothing complete in what is pending: more bytes, unless the input is done.
            if self.fill()? == 0 {
                self.scanner.finish(self.base, &mut self.records);
                if !self.records.is_empty() {
                    continue;
                }
                return Ok(None);
            }
        }
    }

    /// Read another chunk into `pending`; how many bytes came.
    fn fill(&mut self) -> Result<usize, StoreError> {
        self.pending.drain(..self.consumed);
        self.consumed = 0;
        // A record is at most MAX_PAYLOAD: pending never needs to hold more than one.
        let mut want = CHUNK.max((self.pending.len() + 1).min(MAX_PAYLOAD + FRAME_OVERHEAD));
        if let Input::Memory(bytes, at) = &self.input {
            want = want.min(bytes.len() - at);
        }
        let cap = match &self.input {
            Input::Zstd(_, compressed) => self.decompression_cap(*compressed),
            _ => 0,
        };
        let start = self.pending.len();
        self.pending.resize(start + want, 0);
        let got = match &mut self.input {
            Input::Plain(file, offset) => {
                let got = read_retrying(
                    |b, done| file.read_at(b, *offset + done as u64),
                    &mut self.pending[start..],
                );
                if let Ok(n) = got {
                    *offset += n as u64;
                }
                got
            }
            Input::Memory(bytes, at) => {
                let n = want.min(bytes.len() - *at);
                self.pending[start..start + n].copy_from_slice(&bytes[*at..*at + n]);
                *at += n;
                Ok(n)
            }
            Input::Zstd(decoder, _) => {
                match decoder {
                    None => Ok(0),
                    Some(d) => {
                        let room = cap.saturating_sub(self.decompressed);
                        let take = (want as u64).min(room) as usize;
                        let got =
                            read_retrying(|b, _| d.read(b), &mut self.pending[start..start + take]);
                        // Damaged frames skipped: said, and reading goes on after them.
                        self.skipped_frames.extend(d.take_skipped());
                        match &got {
                            Ok(0) if take == 0 => {
                                self.cut = Some(format!(
                                    "{}cut at {cap} bytes: it decompresses to more than a day can hold (a damaged or hostile file); every record before the cut was read",
                                    self.cut.take().map_or(String::new(), |c| c + "; ")
                                ));
                                self.cut_at = Some(cap);
                                *decoder = None;
                            }
                            Ok(0) => *decoder = None,
                            Ok(n) => self.decompressed += *n as u64,
                            Err(e) => {
                                self.cut = Some(format!(
                                    "{}the compressed data is damaged after {} bytes ({e}); every record before that was read",
                                    self.cut.take().map_or(String::new(), |c| c + "; "),
                                    self.decompressed
                                ));
                                *decoder = None;
                            }
                        }
                        // A damaged compressed day: every record before the damage is kept.
                        got.or(Ok(0))
                    }
                }
            }
        };
        let got = got.map_err(io_err(&self.path))?;
        self.pending.truncate(start + got);
        self.at_end = got == 0;
        Ok(got)
    }
}

fn read_retrying(
    mut read: impl FnMut(&mut [u8], usize) -> io::Result<usize>,
    buf: &mut [u8],
) -> io::Result<usize> {
    let mut done = 0;
    while done < buf.len() {
        match read(&mut buf[done..], done) {
            Ok(0) => break,
            Ok(n) => done += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            // What came before the error is good: hand it over; the error comes again.
            Err(_) if done > 0 => break,
            Err(e) => return Err(e),
        }
    }
    Ok(done)
}

/// The offset of the first good record at or after `from`.
fn first_record_at(file: &File, from: u64, len: u64) -> io::Result<Option<u64>> {
    let mut want = 64usize << 10;
    loop {
        let n = (want as u64).min(len.saturating_sub(from)) as usize;
        let mut buf = vec![0; n];
        let got = read_retrying(|b, done| file.read_at(b, from + done as u64), &mut buf)?;
        buf.truncate(got);
        if let Some(i) = super::reader::first_good(&buf) {
            return Ok(Some(from + i as u64));
        }
        if got < want || want as u64 >= PROBE_LIMIT {
            return Ok(None);
        }
        want *= 2;
    }
}

/// The first record at or after `from`, and the time of the first sample after it that
/// decodes (every group met its key), if one does within `PROBE_LIMIT` bytes.
fn probe(file: &File, from: u64, len: u64) -> io::Result<Option<(u64, i64)>> {
    let Some(start) = first_record_at(file, from, len)? else {
        return Ok(None);
    };
    let mut scanner = Scanner::default();
    let mut records = Vec::new();
    let mut at = start;
    // File offset of pending[0].
    let mut base = start;
    let mut pending: Vec<u8> = Vec::new();
    while at < len && at - start < PROBE_LIMIT {
        let n = (SCAN_WINDOW as u64 * 4).min(len - at) as usize;
        let old = pending.len();
        pending.resize(old + n, 0);
        let got = read_retrying(
            |b, done| file.read_at(b, at + done as u64),
            &mut pending[old..],
        )?;
        pending.truncate(old + got);
        if got == 0 {
            break;
        }
        at += got as u64;
        records.clear();
        let used = scanner.scan(&pending, base, &mut records);
        pending.drain(..used);
        base += used as u64;
        if let Some(found) = records.iter().find_map(|(off, r)| match r {
            Record::Sample(s) => Some((*off, s.time.wall_ns)),
            _ => None,
        }) {
            return Ok(Some(found));
        }
    }
    Ok(None)
}

/// The record that starts at `at`, if a good one does: its kind, payload and length.
/// Reads little more than the record.
fn record_at(file: &File, at: u64, len: u64) -> io::Result<Option<(u8, Vec<u8>, u64)>> {
    Records::new(at, 1 << 10).next(file, len)
}

/// Records read one after another from an offset, a chunk of the file at a time.
struct Records {
    buf: Vec<u8>,
    /// File offset of `buf[0]`, and of the next record within it.
    base: u64,
    pos: usize,
    /// Bytes read at a time, at least.
    chunk: usize,
}

impl Records {
    fn new(at: u64, chunk: usize) -> Records {
        Records {
            buf: Vec::new(),
            base: at,
            pos: 0,
            chunk,
        }
    }

    /// The offset the next record starts at.
    fn at(&self) -> u64 {
        self.base + self.pos as u64
    }

    /// The next record: kind, payload, length; `None` at the end or at bytes that are not
    /// a good record.
    fn next(&mut self, file: &File, len: u64) -> io::Result<Option<(u8, Vec<u8>, u64)>> {
        loop {
            match format::read_frame(&self.buf[self.pos..]) {
                Frame::Good { kind, payload, len } => {
                    let r = (kind, payload.to_vec(), len as u64);
                    self.pos += len;
                    return Ok(Some(r));
                }
                Frame::Torn => {
                    let at = self.at();
                    let had = self.buf.len() - self.pos;
                    if at >= len || had >= MAX_PAYLOAD + FRAME_OVERHEAD {
                        return Ok(None);
                    }
                    // Once the frame's length is in, exactly the rest of it.
                    let left = &self.buf[self.pos..];
                    let whole = match left.get(2..6) {
                        Some(n) => {
                            FRAME_OVERHEAD + u32::from_le_bytes([n[0], n[1], n[2], n[3]]) as usize
                        }
                        None => 0,
                    };
                    let want = self
                        .chunk
                        .max(2 * had)
                        .max(whole)
                        .min(MAX_PAYLOAD + FRAME_OVERHEAD);
                    let n = (want as u64).min(len - at) as usize;
                    if n <= had {
                        return Ok(None);
                    }
                    let mut buf = vec![0; n];
                    let got = read_retrying(|b, done| file.read_at(b, at + done as u64), &mut buf)?;
                    buf.truncate(got);
                    if got <= had {
                        return Ok(None);
                    }
                    (self.buf, self.base, self.pos) = (buf, at, 0);
                }
                Frame::Bad => return Ok(None),
            }
        }
    }
}

/// Where to start reading, from `start` or before it, so that the process tables from
/// `start` on decode: the key that the first process table after `start` builds on,
/// through the deltas between (at most `procs::KEY_EVERY` tables back). `start` itself
/// when that table is a key, when none comes within `PROCESS_REACH` (a log without
/// processes, or with a table only every so many samples: those before the next key are
/// then passed over), or when the chain back breaks (damage, said when it is read).
fn process_key_before(file: &File, start: u64, floor: u64, len: u64) -> io::Result<u64> {
    let mut records = Records::new(start, 16 << 10);
    let mut samples = 0;
    let (mut at, mut payload) = loop {
        let at = records.at();
        if at - start > PROCESS_REACH && samples >= 2 {
            return Ok(start);
        }
        match records.next(file, len)? {
            Some((format::KIND_PROCESSES, payload, _)) => break (at, payload),
            Some((format::KIND_RESTART, _, _)) | None => return Ok(start),
            Some((kind, _, _)) => samples += u32::from(format::is_sample_kind(kind)),
        }
    };
    for _ in 0..=super::procs::KEY_EVERY {
        let Some(base) = super::procs::builds_on(&payload, at) else {
            return Ok(at.min(start));
        };
        if base < floor || base >= at {
            return Ok(start);
        }
        match record_at(file, base, len)? {
            Some((format::KIND_PROCESSES, p, _)) => (at, payload) = (base, p),
            _ => return Ok(start),
        }
    }
    Ok(start)
}
