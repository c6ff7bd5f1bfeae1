//! Appending to a day file: safely, and so that a crash never costs more than the record
//! being written.
//!
//! Opening takes an exclusive `flock` (a second writer is refused), goes through
//! `safe_dir` (no link followed, `O_EXCL` and mode 0644 for new files, only a regular file
//! used), moves aside a file that is not one of ours instead of truncating it (and, in
//! rsadc's log directory, a link, FIFO or directory named like the day file), and cuts a torn last record away before
//! appending. A write that fails (disk full) is rolled back to the last good record.

use super::format::{self, FileHeader, HeaderError};
use super::reader::{Keyframe, Scanner};
use super::safe_dir::{self, EntryKind, LogDir};
use super::{codec::Shape, StoreError};
use crate::sample::{HostFacts, Sample};
use nix::fcntl::{Flock, FlockArg};
use std::fs::File;
use std::io;
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};

/// A keyframe at least this often, so a damaged keyframe costs a bounded run of records.
pub const KEYFRAME_EVERY: u64 = 64;

/// What opening found and did, for the collector's log.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct OpenReport {
    pub created: bool,
    /// Bytes of a torn or damaged tail cut away.
    pub truncated_bytes: u64,
    /// Where a file that was not ours was moved.
    pub moved_aside: Option<PathBuf>,
    /// Records in the file that could not be read (left in place).
    pub damaged_records: u64,
}

/// An open day file, locked for writing.
#[derive(Debug)]
pub struct DayWriter {
    path: PathBuf,
    file: Flock<File>,
    end: u64,
    next_seq: u64,
    keyframe: Option<Keyframe>,
    boot_id: String,
    values: Vec<u64>,
    payload: Vec<u8>,
    frame: Vec<u8>,
}

fn io_err(path: &Path) -> impl Fn(io::Error) -> StoreError + '_ {
    move |source| StoreError::Io {
        path: path.to_path_buf(),
        source,
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
        let bytes = read_all(&file).map_err(io_err(path))?;
        let header = FileHeader {
            version: format::VERSION,
            host: host.clone(),
            created_ns: now_ns,
            utc_offset_s,
        };
        let (file, header_len, file_boot) = match FileHeader::decode(&bytes) {
            Ok((h, len)) => (file, len, h.host.boot_id),
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
                let w = DayWriter::new(
                    path,
                    file,
                    h.len() as u64,
                    Scanner::default(),
                    &host.boot_id,
                );
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
                    DayWriter::new(path, f, len as u64, Scanner::default(), &host.boot_id),
                    report,
                ));
            }
        };
        let mut scanner = Scanner::default();
        let mut records = Vec::new();
        let consumed = scanner.scan(&bytes[header_len..], header_len as u64, &mut records);
        let good_end = (header_len + consumed) as u64;
        if good_end < bytes.len() as u64 {
            file.set_len(good_end).map_err(io_err(path))?;
            report.truncated_bytes = bytes.len() as u64 - good_end;
        }
        report.damaged_records = scanner.damage.skipped();
        let w = DayWriter::new(path, file, good_end, scanner, &file_boot);
        Ok((w, report))
    }

    /// `file_boot` is the boot id the file's header was written under.
    fn new(path: &Path, file: Flock<File>, end: u64, scanner: Scanner, file_boot: &str) -> Self {
        let boot_id = scanner
            .last_boot_id
            .clone()
            .unwrap_or_else(|| file_boot.to_string());
        DayWriter {
            path: path.to_path_buf(),
            file,
            end,
            next_seq: scanner.last_seq.map_or(0, |s| s + 1),
            keyframe: scanner.keyframe,
            boot_id,
            values: Vec::new(),
            payload: Vec::new(),
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
        super::codec::values(s, &mut self.values);
        let shape_changed = self
            .keyframe
            .as_ref()
            .is_none_or(|k| k.seq + KEYFRAME_EVERY <= self.next_seq || k.shape != Shape::of(s));
        let seq = self.next_seq;
        if shape_changed {
            let shape = Shape::of(s);
            if self.values.len() != shape.value_count() {
                // The codec writes every group whole, so this cannot happen; if it ever
                // did, writing would make a record its own reader rejects.
                return Err(StoreError::Unencodable {
                    path: self.path.clone(),
                });
            }
            format::keyframe_payload(seq, &shape, &self.values, &mut self.payload);
            self.write(format::KIND_KEYFRAME)?;
            self.keyframe = Some(Keyframe {
                seq,
                shape,
                values: self.values.clone(),
            });
        } else if let Some(k) = &self.keyframe {
            format::delta_payload(seq, k.seq, &k.values, &self.values, &mut self.payload);
            self.write(format::KIND_DELTA)?;
        }
        self.next_seq += 1;
        Ok(())
    }

    /// Append a restart record: the machine booted (`host.boot_id` is the new boot).
    pub fn append_restart(&mut self, host: &HostFacts, wall_ns: i64) -> Result<(), StoreError> {
        self.payload = format::restart_payload(wall_ns, host);
        self.write(format::KIND_RESTART)?;
        self.boot_id = host.boot_id.clone();
        self.keyframe = None;
        Ok(())
    }

    pub fn append_comment(&mut self, wall_ns: i64, text: &str) -> Result<(), StoreError> {
        self.payload = format::comment_payload(wall_ns, text);
        self.write(format::KIND_COMMENT)
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

fn read_all(f: &File) -> io::Result<Vec<u8>> {
    let len = f.metadata()?.len();
    let mut buf = vec![0; usize::try_from(len).unwrap_or(0)];
    let mut done = 0;
    while done < buf.len() {
        match f.read_at(&mut buf[done..], done as u64) {
            Ok(0) => break,
            Ok(n) => done += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    buf.truncate(done);
    Ok(buf)
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
