//! Appending to a day file: safely, and so that a crash never costs more than the record
//! being written.
//!
//! Opening takes an exclusive `flock` (a second writer is refused), refuses symlinks
//! (`O_NOFOLLOW`), creates new files with `O_EXCL` and mode 0644, moves aside a file that
//! is not one of ours instead of truncating it, and cuts a torn last record away before
//! appending. A write that fails (disk full) is rolled back to the last good record.

use super::format::{self, FileHeader, HeaderError};
use super::reader::{Keyframe, Scanner};
use super::{codec::Shape, StoreError};
use crate::sample::{HostFacts, Sample};
use nix::fcntl::{Flock, FlockArg};
use std::fs::{File, OpenOptions};
use std::io;
use std::os::unix::fs::{FileExt, OpenOptionsExt};
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

impl DayWriter {
    /// Open `path` for appending, creating it (with a header describing `host`) if needed.
    pub fn open(
        path: &Path,
        host: &HostFacts,
        now_ns: i64,
        utc_offset_s: i32,
    ) -> Result<(DayWriter, OpenReport), StoreError> {
        let mut report = OpenReport::default();
        let file = match open_existing(path) {
            Ok(f) => f,
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                report.created = true;
                create_new(path).map_err(io_err(path))?
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
                let aside = aside_path(path, now_ns);
                std::fs::rename(path, &aside).map_err(io_err(path))?;
                drop(file);
                report.moved_aside = Some(aside);
                report.created = true;
                let f = create_new(path).map_err(io_err(path))?;
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

fn open_existing(path: &Path) -> io::Result<File> {
    OpenOptions::new()
        .read(true)
        .write(true)
        .custom_flags(nix::libc::O_NOFOLLOW | nix::libc::O_CLOEXEC)
        .open(path)
}

fn create_new(path: &Path) -> io::Result<File> {
    let f = OpenOptions::new()
        .read(true)
        .write(true)
        .create_new(true)
        .mode(0o644)
        .custom_flags(nix::libc::O_NOFOLLOW | nix::libc::O_CLOEXEC)
        .open(path)?;
    // The directory entry must survive a crash too.
    if let Some(dir) = path.parent() {
        if let Ok(d) = File::open(if dir.as_os_str().is_empty() {
            Path::new(".")
        } else {
            dir
        }) {
            let _ = d.sync_all();
        }
    }
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

/// `rsar20261121.bad-20261121T101500` beside the original.
fn aside_path(path: &Path, now_ns: i64) -> PathBuf {
    let stamp = chrono::DateTime::from_timestamp_nanos(now_ns).format("%Y%m%dT%H%M%S");
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(format!(".bad-{stamp}"));
    path.with_file_name(name)
}
