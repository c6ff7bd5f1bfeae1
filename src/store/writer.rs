//! Appending to a day file: safely, and so that a crash never costs more than the record
//! being written.
//!
//! Opening takes an exclusive `flock` (a second writer is refused), goes through
//! `safe_dir` (no link followed, `O_EXCL` and mode 0644 for new files, only a regular file
//! used), moves aside a file that is not one of ours instead of truncating it (and, in
//! rsadc's log directory, a link, FIFO or directory named like the day file), and cuts a torn last record away before
//! appending. A write that fails (disk full) is rolled back to the last good record.

use super::format::{self, FileHeader, HeaderError};
use super::groups::{self, Encoded, Encoding, WriterKey, NGROUPS};
use super::reader::{self, Scanner};
use super::safe_dir::{self, EntryKind, LogDir};
use super::StoreError;
use crate::sample::{HostFacts, Sample};
use nix::fcntl::{Flock, FlockArg};
use std::fs::File;
use std::io;
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};

/// Each group gets a key at least this often, so a damaged key costs a bounded run of
/// records.
pub const KEYFRAME_EVERY: u64 = 64;
/// In a format-3 file, each group's numbers are taken against its key in every sample
/// whose number is a multiple of this, and from the sample before in the samples between:
/// a damaged record costs at most this many samples.
pub const CHANGES_FROM_KEY_EVERY: u64 = 8;
/// How this build writes a file of the format it writes.
const ENCODING: Encoding = encoding_of(format::VERSION);

/// How a writer encodes samples in a file of format `version`.
pub const fn encoding_of(version: u16) -> Encoding {
    if version < format::VERSION_CHANGES {
        Encoding::Deltas
    } else {
        Encoding::Changes {
            key_every: CHANGES_FROM_KEY_EVERY,
            unchanged: version >= format::VERSION_UNCHANGED,
            aligned: version >= format::VERSION_ALIGNED,
        }
    }
}
/// Opening reads this much of the end of a file first, and 4× more each time that was
/// not enough to find the last sample and the boot it was taken in...
const TAIL_FIRST: u64 = 64 << 10;
/// ...up to this much (a file damaged at its end; past this the writer starts every group
/// with a key and numbers its samples so they cannot be confused with earlier ones).
const TAIL_MAX: u64 = 16 << 20;
/// The most a header takes: fixed part, body, CRC.
const HEADER_MAX: u64 = 16 + (64 << 10) + 4;

/// What opening found and did, for the collector's log.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct OpenReport {
    pub created: bool,
    /// Bytes of a torn tail (a record cut short by the end of the file) cut away.
    pub truncated_bytes: u64,
    /// Where a file that was not ours was moved.
    pub moved_aside: Option<PathBuf>,
    /// Damaged records in the part of the file that was read (left in place).
    pub damaged_records: u64,
    /// Bytes of the file read to open it: the header and a bounded tail, not the day.
    pub bytes_read: u64,
}

/// An open day file, locked for writing.
#[derive(Debug)]
pub struct DayWriter {
    path: PathBuf,
    file: Flock<File>,
    end: u64,
    next_seq: u64,
    keys: [Option<WriterKey>; NGROUPS],
    boot_id: String,
    /// Format 2's deltas in a file begun by an older rsadc, so that it can still read it.
    encoding: Encoding,
    encoded: [Encoded; NGROUPS],
    block: Vec<u8>,
    payload: Vec<u8>,
    /// The last process table written, for the next one's delta.
    processes: super::procs::ProcessWriter,
    frame: Vec<u8>,
}

fn io_err(path: &Path) -> impl Fn(io::Error) -> StoreError + '_ {
    move |source| StoreError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Host facts no kernel reports (`HostFacts::out_of_bounds`) are never written: every
/// reader would call the header or restart record that holds them damaged.
fn refuse_implausible(path: &Path, host: &HostFacts) -> Result<(), StoreError> {
    match host.out_of_bounds() {
        Some(what) => Err(io_err(path)(io::Error::new(
            io::ErrorKind::InvalidData,
            format!("refusing host facts no kernel reports ({what})"),
        ))),
        None => Ok(()),
    }
}

/// What to do when the entry named like the log file is not a regular file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NonRegular {
    /// Refuse to write (a file the user named: never rename `/dev/null` aside).
    Refuse,
    /// Move it aside as a foreign file (a day file in rsadc's own log directory).
    MoveAside,
}

impl DayWriter {
    /// Open `path` for appending, creating it (with a header describing `host`) if needed.
    /// A symlink, FIFO, device or directory at `path` is refused.
    pub fn open(
        path: &Path,
        host: &HostFacts,
        now_ns: i64,
        utc_offset_s: i32,
    ) -> Result<(DayWriter, OpenReport), StoreError> {
        let (dir, name) = LogDir::of_file(path).map_err(io_err(path))?;
        DayWriter::open_in(&dir, &name, host, now_ns, utc_offset_s, NonRegular::Refuse)
    }

    /// Open `name` in `dir` for appending, creating it if needed; every access is relative
    /// to the directory and never follows a link.
    pub fn open_in(
        dir: &LogDir,
        name: &str,
        host: &HostFacts,
        now_ns: i64,
        utc_offset_s: i32,
        non_regular: NonRegular,
    ) -> Result<(DayWriter, OpenReport), StoreError> {
        let path = &dir.join(name);
        refuse_implausible(path, host)?;
        let mut report = OpenReport::default();
        if let Some((kind, _)) = dir.entry(name).map_err(io_err(path))? {
            if kind != EntryKind::Regular {
                if non_regular == NonRegular::Refuse {
                    return Err(io_err(path)(safe_dir::not_regular(kind)));
                }
                report.moved_aside = Some(move_aside(dir, name, now_ns).map_err(io_err(path))?);
            }
        }
        let file = match dir.open_regular(name, true) {
            Ok(f) => f,
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                report.created = true;
                create_new(dir, name).map_err(io_err(path))?
            }
            Err(e) => return Err(io_err(path)(e)),
        };
        let file = Flock::lock(file, FlockArg::LockExclusiveNonblock).map_err(|(_, errno)| {
            if errno == nix::errno::Errno::EWOULDBLOCK {
                StoreError::Locked {
                    path: path.to_path_buf(),
                }
            } else {
                io_err(path)(errno.into())
            }
        })?;
        let len = file.metadata().map_err(io_err(path))?.len();
        // Headers are small: a first read of 4 KiB nearly always holds one.
        let mut head = read_range(&file, 0, len.min(4 << 10)).map_err(io_err(path))?;
        if matches!(FileHeader::decode(&head), Err(HeaderError::Truncated)) {
            head = read_range(&file, 0, len.min(HEADER_MAX)).map_err(io_err(path))?;
        }
        report.bytes_read = head.len() as u64;
        let header = FileHeader {
            version: format::VERSION,
            host: host.clone(),
            created_ns: now_ns,
            utc_offset_s,
        };
        let (file, header_len, file_boot, version) = match FileHeader::decode(&head) {
            Ok((h, len)) => (file, len as u64, h.host.boot_id, h.version),
            Err(HeaderError::Newer(v)) => {
                return Err(StoreError::Newer {
                    path: path.to_path_buf(),
                    version: v,
                })
            }
            Err(HeaderError::Empty) => {
                // New, or created but never written (a crash right after creation).
                let h = header.encode();
                file.write_all_at(&h, 0).map_err(io_err(path))?;
                file.sync_all().map_err(io_err(path))?;
                let w = DayWriter::new(path, file, h.len() as u64, Resume::fresh(&host.boot_id));
                return Ok((w, report));
            }
            Err(_) => {
                // Not a log of ours (or its header is unreadable): never truncate it.
                let aside = move_aside(dir, name, now_ns).map_err(io_err(path))?;
                drop(file);
                report.moved_aside = Some(aside);
                report.created = true;
                let f = create_new(dir, name).map_err(io_err(path))?;
                let f = Flock::lock(f, FlockArg::LockExclusiveNonblock).map_err(|_| {
                    StoreError::Locked {
                        path: path.to_path_buf(),
                    }
                })?;
                let h = header.encode();
                f.write_all_at(&h, 0).map_err(io_err(path))?;
                f.sync_all().map_err(io_err(path))?;
                let len = h.len();
                return Ok((
                    DayWriter::new(path, f, len as u64, Resume::fresh(&host.boot_id)),
                    report,
                ));
            }
        };
        let tail = read_tail(&file, header_len, len, &file_boot).map_err(io_err(path))?;
        report.bytes_read += tail.bytes_read;
        report.damaged_records = tail.damaged_records;
        if tail.good_end < len {
            file.set_len(tail.good_end).map_err(io_err(path))?;
            report.truncated_bytes = len - tail.good_end;
        }
        let mut w = DayWriter::new(path, file, tail.good_end, tail.resume);
        w.encoding = encoding_of(version);
        w.processes = super::procs::ProcessWriter::for_version(version);
        Ok((w, report))
    }

    fn new(path: &Path, file: Flock<File>, end: u64, resume: Resume) -> Self {
        DayWriter {
            path: path.to_path_buf(),
            file,
            end,
            next_seq: resume.next_seq,
            keys: resume.keys,
            boot_id: resume.boot_id,
            encoding: ENCODING,
            encoded: Default::default(),
            block: Vec::new(),
            payload: Vec::new(),
            processes: super::procs::ProcessWriter::for_version(format::VERSION),
            frame: Vec::new(),
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Size of the file up to its last good record.
    pub fn len(&self) -> u64 {
        self.end
    }

    pub fn is_empty(&self) -> bool {
        self.end == 0
    }

    /// Append a sample taken on `host`. A boot id different from the file's last one
    /// writes a restart record first.
    pub fn append_sample(&mut self, host: &HostFacts, s: &Sample) -> Result<(), StoreError> {
        if host.boot_id != self.boot_id {
            self.append_restart(host, s.time.wall_ns)?;
        }
        groups::encode(s, &self.boot_id, self.encoding.aligned(), &mut self.encoded);
        groups::sample_payload(
            self.next_seq,
            &self.encoded,
            &mut self.keys,
            KEYFRAME_EVERY,
            self.encoding,
            &mut self.block,
            &mut self.payload,
        );
        if let Err(e) = self.write(format::KIND_SAMPLE) {
            // Not written: the keys it set are not in the file.
            self.keys = Default::default();
            return Err(e);
        }
        self.next_seq += 1;
        Ok(())
    }

    /// Append a restart record: the machine booted (`host.boot_id` is the new boot).
    pub fn append_restart(&mut self, host: &HostFacts, wall_ns: i64) -> Result<(), StoreError> {
        refuse_implausible(&self.path, host)?;
        self.payload = format::restart_payload(wall_ns, host);
        self.write(format::KIND_RESTART)?;
        self.boot_id = host.boot_id.clone();
        self.keys = Default::default();
        self.processes.forget();
        Ok(())
    }

    /// Append the process table of a moment (after that moment's sample).
    pub fn append_processes(&mut self, t: &super::procs::ProcessTable) -> Result<(), StoreError> {
        let at = self.end;
        let mut payload = std::mem::take(&mut self.payload);
        self.processes.payload(t, at, &mut payload);
        self.payload = payload;
        if let Err(e) = self.write(format::KIND_PROCESSES) {
            self.processes.forget();
            return Err(e);
        }
        self.processes.written(t, at);
        Ok(())
    }

    pub fn append_comment(&mut self, wall_ns: i64, text: &str) -> Result<(), StoreError> {
        self.payload = format::comment_payload(wall_ns, text);
        self.write(format::KIND_COMMENT)
    }

    /// Append a roll-up's levels (`store::rollup`), after the sample they belong to.
    pub fn append_rollup(&mut self, payload: &[u8]) -> Result<(), StoreError> {
        self.payload.clear();
        self.payload.extend_from_slice(payload);
        self.write(format::KIND_ROLLUP)
    }

    /// Flush the file's data to the disk.
    pub fn sync(&self) -> Result<(), StoreError> {
        self.file.sync_data().map_err(io_err(&self.path))
    }

    fn write(&mut self, kind: u8) -> Result<(), StoreError> {
        format::frame(kind, &self.payload, &mut self.frame);
        if let Err(e) = self.file.write_all_at(&self.frame, self.end) {
            // Disk full or an I/O error part-way: cut back to the last good record so the
            // next append starts clean.
            let _ = self.file.set_len(self.end);
            return Err(io_err(&self.path)(e));
        }
        self.end += self.frame.len() as u64;
        Ok(())
    }
}

fn create_new(dir: &LogDir, name: &str) -> io::Result<File> {
    let f = dir.create_new(name)?;
    // The directory entry must survive a crash too.
    dir.sync();
    Ok(f)
}

/// Bytes `start..end` of the file.
fn read_range(f: &File, start: u64, end: u64) -> io::Result<Vec<u8>> {
    let mut buf = vec![0; usize::try_from(end.saturating_sub(start)).unwrap_or(0)];
    let mut done = 0;
    while done < buf.len() {
        match f.read_at(&mut buf[done..], start + done as u64) {
            Ok(0) => break,
            Ok(n) => done += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    buf.truncate(done);
    Ok(buf)
}

/// What a writer needs to go on appending to a file.
struct Resume {
    next_seq: u64,
    keys: [Option<WriterKey>; NGROUPS],
    boot_id: String,
}

impl Resume {
    fn fresh(boot_id: &str) -> Resume {
        Resume {
            next_seq: 0,
            keys: Default::default(),
            boot_id: boot_id.to_string(),
        }
    }
}

/// What reading the end of a file found.
struct Tail {
    resume: Resume,
    /// The end of the last good record (or damaged range): a torn record after it is cut.
    good_end: u64,
    damaged_records: u64,
    bytes_read: u64,
}

/// Read the end of a file of `len` bytes whose records start at `header_len`: a window
/// that grows 4× until it holds a sample and the boot it belongs to (a time key or a
/// restart), or the whole file, or `TAIL_MAX`. Only the window is read; records are
/// decoded and dropped.
fn read_tail(file: &File, header_len: u64, len: u64, file_boot: &str) -> io::Result<Tail> {
    let mut window = TAIL_FIRST;
    let mut bytes_read = 0;
    loop {
        let start = header_len.max(len.saturating_sub(window));
        let buf = read_range(file, start, len)?;
        bytes_read += buf.len() as u64;
        let whole = start == header_len;
        // Mid-file, the window starts inside a record: skip to the first good one.
        let first = if whole {
            Some(0)
        } else {
            reader::first_good(&buf)
        };
        let done = whole || window >= TAIL_MAX;
        if let Some(first) = first {
            let mut sc = Scanner::default();
            let consumed = first + scan_dropping(&mut sc, &buf[first..], start + first as u64);
            let found = sc.last_seq.is_some() && sc.last_boot_id.is_some();
            if found || done {
                let good_end = start + consumed as u64;
                // Damage in the window: what the writer knows of keys and numbering may be
                // incomplete. It starts every group with a key, and numbers its samples
                // from past every earlier number (each sample record takes more than one
                // byte, so no sequence number ever exceeds its record's offset).
                let damaged = sc.damage.damaged_records > 0;
                let keys = if damaged {
                    Default::default()
                } else {
                    std::array::from_fn(|i| {
                        let prev = sc.groups.prev[i].as_ref();
                        sc.groups.keys[i]
                            .as_ref()
                            .map(|k| WriterKey::resume(k, prev))
                    })
                };
                let next_seq = match sc.last_seq {
                    Some(s) if !damaged => s + 1,
                    None if whole && !damaged => 0,
                    last => last.map_or(0, |s| s + 1).max(good_end),
                };
                return Ok(Tail {
                    resume: Resume {
                        next_seq,
                        keys,
                        boot_id: sc.last_boot_id.unwrap_or_else(|| file_boot.to_string()),
                    },
                    good_end,
                    // Deltas at the window's start whose keys are before it are not damage.
                    damaged_records: if whole {
                        sc.damage.skipped()
                    } else {
                        sc.damage.damaged_records
                    },
                    bytes_read,
                });
            }
        } else if done {
            // Nothing good in the last TAIL_MAX bytes: append after them, as after damage.
            return Ok(Tail {
                resume: Resume {
                    next_seq: len,
                    keys: Default::default(),
                    boot_id: file_boot.to_string(),
                },
                good_end: len,
                damaged_records: 1,
                bytes_read,
            });
        }
        window = window.saturating_mul(4);
    }
}

/// Scan `buf` a window at a time, dropping the records (only the scanner's state is
/// wanted); returns the bytes consumed.
fn scan_dropping(sc: &mut Scanner, buf: &[u8], base: u64) -> usize {
    let mut out = Vec::new();
    let mut pos = 0;
    // Small windows: every record a window holds is decoded at once (a process table is
    // tens of kB decoded), and only the scanner's state is kept.
    let mut window = 8 << 10;
    while pos < buf.len() {
        let end = (pos + window).min(buf.len());
        out.clear();
        let used = sc.scan(&buf[pos..end], base + pos as u64, &mut out);
        pos += used;
        if used == 0 {
            if end == buf.len() {
                break;
            }
            window *= 2;
        }
    }
    pos
}

/// Rename the entry `name` (whatever it is; never followed) to
/// `NAME.bad-20261121T101500` beside it (`...T101500.1` and on if that is taken); returns
/// the new path.
fn move_aside(dir: &LogDir, name: &str, now_ns: i64) -> io::Result<PathBuf> {
    let stamp = chrono::DateTime::from_timestamp_nanos(now_ns).format("%Y%m%dT%H%M%S");
    let base = format!("{name}.bad-{stamp}");
    for n in 0..1000 {
        let aside = if n == 0 {
            base.clone()
        } else {
            format!("{base}.{n}")
        };
        match dir.rename_noreplace(name, &aside) {
            Ok(()) => {
                dir.sync();
                return Ok(dir.join(&aside));
            }
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {}
            Err(e) => return Err(e),
        }
    }
    Err(io::Error::other(format!(
        "cannot move it aside: {base} and 999 more names are taken"
    )))
}
