//! sysstat's own daily files (`/var/log/sysstat/saDD`, `/var/log/sa/saDD`) read as the
//! records of rsar's own logs (`store::Record`), which `source` hands on as a `Source`:
//! every report, output format and the TUI read them as they read rsar's logs.
//!
//! Format magic 0x2175 (sysstat 11.7.1 to today) is read in either byte order and with 4-
//! or 8-byte longs; each activity is decoded by the field composition its header declares
//! (`format`), and mapped onto rsar's raw counters (`activities`). Activities this reader
//! does not know, or of a format (magic) it does not know, are skipped as sar skips them.
//! The older formats 0x2171/0x2173 are refused with the way to convert them. sysstat's
//! CVEs were readers trusting counts in a file: here every count and size is checked
//! against what is left in the file before anything is allocated, a damaged header is a
//! one-line error, and a file cut short gives every complete record and says so.

mod activities;
mod format;

use crate::sample::{HostFacts, SampleTime};
use crate::store::Record;
use format::{FileHeader, Input, Problem};
use std::fs::File;
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};

/// Why an sa file cannot be read. One line, naming the file and where in it.
#[derive(Debug, thiserror::Error)]
pub enum SaError {
    #[error("cannot read {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: not a sysstat data file")]
    NotSysstat { path: PathBuf },
    #[error(
        "{path}: sysstat file of an older format ({magic:#06x}, written by sysstat {version}); convert it with sysstat's `sadf -c {path} > NEWFILE` and read NEWFILE"
    )]
    OldFormat {
        path: PathBuf,
        magic: u16,
        version: String,
    },
    #[error(
        "{path}: sysstat file of an unknown format ({magic:#06x}, written by sysstat {version})"
    )]
    UnknownFormat {
        path: PathBuf,
        magic: u16,
        version: String,
    },
    #[error("{path}: damaged sysstat file at byte {offset}: {what}")]
    Invalid {
        path: PathBuf,
        offset: u64,
        what: String,
    },
}

impl SaError {
    fn of(path: &Path, p: Problem) -> SaError {
        let path = path.to_path_buf();
        match p {
            Problem::NotSysstat => SaError::NotSysstat { path },
            Problem::OldFormat { magic, version } => SaError::OldFormat {
                path,
                magic,
                version,
            },
            Problem::UnknownFormat { magic, version } => SaError::UnknownFormat {
                path,
                magic,
                version,
            },
            Problem::Invalid { offset, what } => SaError::Invalid { path, offset, what },
            Problem::Truncated { offset, what } => SaError::Invalid {
                path,
                offset,
                what: format!("the file ends inside {what}"),
            },
            Problem::Io(e) => SaError::Io {
                path,
                source: std::io::Error::other(e),
            },
        }
    }
}

/// Whether `path` is a regular file that starts with sysstat's magic 0xd596 (in either
/// byte order). Anything else (a FIFO, a device) is not opened.
pub fn is_sa_file(path: &Path) -> bool {
    let mut b = [0u8; 2];
    std::fs::metadata(path).is_ok_and(|m| m.is_file())
        && File::open(path)
            .and_then(|mut f| f.read_exact(&mut b))
            .is_ok()
        && (u16::from_le_bytes(b) == format::SYSSTAT_MAGIC
            || u16::from_be_bytes(b) == format::SYSSTAT_MAGIC)
}

/// The UTC offset (seconds east) of the machine that recorded the sa file `path`, as
/// sar `-t` shows its times, and when the file was started (UTC ns): each record carries
/// that machine's local time of day beside its UTC time, and the first record's
/// difference is the offset. `None` for a file with no record.
pub fn recorder_offset(path: &Path) -> Result<Option<(i32, i64)>, SaError> {
    let (mut input, header) = open_file(path)?;
    if input.left() == 0 {
        return Ok(None);
    }
    let rec = format::read_record_header(&mut input, &header).map_err(|p| SaError::of(path, p))?;
    Ok(Some((
        offset_of(rec.local_hms, rec.ust_time),
        secs_ns(header.ust_time),
    )))
}

/// The offset from UTC of a local time of day `[h, m, s]` at `ust_time` (seconds since
/// the epoch). A time of day gives the offset modulo a day: it is taken between −10:15 and
/// +13:45, where every zone but the Pacific's −11 and +14 lies (the times shown are the same
/// either way; only a banner's date could differ).
fn offset_of([h, m, s]: [u8; 3], ust_time: u64) -> i32 {
    const DAY: i64 = 86_400;
    let local = i64::from(h) * 3600 + i64::from(m) * 60 + i64::from(s);
    let utc = (ust_time % 86_400) as i64;
    let d = (local - utc).rem_euclid(DAY);
    let d = if d > 13 * 3600 + 45 * 60 { d - DAY } else { d };
    d as i32
}

/// sysstat's day files, read one after another, record by record.
pub struct SaSource {
    path: PathBuf,
    input: Input<Box<dyn Read>>,
    header: FileHeader,
    host: HostFacts,
    created_ns: i64,
    names: activities::DiskNames,
    /// Files still to read after this one.
    rest: std::collections::VecDeque<PathBuf>,
    damage: Vec<String>,
    done: bool,
}

impl SaSource {
    /// Open `paths` (at least one) to read in order, naming block devices from
    /// `sys_root/dev/block` as sar does on the reading machine. The first file's header
    /// describes the data.
    pub fn open_all(paths: Vec<PathBuf>, sys_root: &Path) -> Result<SaSource, SaError> {
        let mut rest: std::collections::VecDeque<PathBuf> = paths.into();
        let first = rest.pop_front().ok_or_else(|| SaError::Io {
            path: PathBuf::new(),
            source: std::io::Error::other("no sysstat files to read"),
        })?;
        let (input, header) = open_file(&first)?;
        let host = host_facts(&header);
        Ok(SaSource {
            created_ns: secs_ns(header.ust_time),
            path: first,
            input,
            header,
            host,
            names: activities::DiskNames::new(sys_root.to_path_buf()),
            rest,
            damage: Vec::new(),
            done: false,
        })
    }

    /// Read sa bytes held in memory (a test's or a fuzzer's), named `name` in messages.
    pub fn from_bytes(name: &Path, bytes: Vec<u8>, sys_root: &Path) -> Result<SaSource, SaError> {
        let len = bytes.len() as u64;
        let mut input: Input<Box<dyn Read>> =
            Input::new(Box::new(std::io::Cursor::new(bytes)), len);
        let header =
            format::read_header(&mut input, activities::known).map_err(|p| SaError::of(name, p))?;
        Ok(SaSource {
            created_ns: secs_ns(header.ust_time),
            host: host_facts(&header),
            path: name.to_path_buf(),
            input,
            header,
            names: activities::DiskNames::new(sys_root.to_path_buf()),
            rest: Default::default(),
            damage: Vec::new(),
            done: false,
        })
    }

    /// The next record of the current file; `Ok(None)` at its end. A problem inside a
    /// record ends the file: what came before it was read.
    fn next_in_file(&mut self) -> Result<Option<Record>, Problem> {
        loop {
            if self.input.left() == 0 {
                return Ok(None);
            }
            let rec = format::read_record_header(&mut self.input, &self.header)?;
            let enc = self.header.enc;
            let wall_ns = secs_ns(rec.ust_time);
            match rec.record_type {
                format::R_STATS => {
                    if rec.extra_next {
                        format::skip_extras(&mut self.input, enc)?;
                    }
                    let mut data = activities::RecordData::default();
                    for i in 0..self.header.activities.len() {
                        let a = self.header.activities[i];
                        let at = self.input.pos;
                        let count = if a.has_nr {
                            format::read_count(&mut self.input, enc, "an item count")?
                        } else {
                            a.nr
                        };
                        let bytes = u64::from(count) * u64::from(a.nr2) * u64::from(a.size);
                        match activities::known(a.id, a.magic) {
                            Some((_, nr_max)) if count > nr_max => {
                                return Err(Problem::Invalid {
                                    offset: at,
                                    what: format!("activity {}: {count} items", a.id),
                                })
                            }
                            Some(_) => {
                                let b = self.input.take(bytes, "a statistics record")?;
                                data.add(&a, count, b, enc, &mut self.names);
                            }
                            None => self.input.skip(bytes, "a statistics record")?,
                        }
                    }
                    let mut sample = data.finish();
                    sample.time = SampleTime {
                        wall_ns,
                        uptime_cs: rec.uptime_cs,
                    };
                    return Ok(Some(Record::Sample(Box::new(sample))));
                }
                format::R_RESTART => {
                    let at = self.input.pos;
                    let cpu_nr = format::read_count(&mut self.input, enc, "a restart record")?;
                    format::check_cpu_items(cpu_nr, at, "a restart record")?;
                    if rec.extra_next {
                        format::skip_extras(&mut self.input, enc)?;
                    }
                    return Ok(Some(Record::Restart {
                        wall_ns,
                        host: HostFacts {
                            cpu_count: cpu_nr.saturating_sub(1).max(1),
                            ..self.host.clone()
                        },
                    }));
                }
                format::R_COMMENT => {
                    let b = self.input.take(format::COMMENT_LEN, "a comment record")?;
                    let text = format::c_string(b);
                    if rec.extra_next {
                        format::skip_extras(&mut self.input, enc)?;
                    }
                    return Ok(Some(Record::Comment { wall_ns, text }));
                }
                t if (format::R_EXTRA_MIN..=format::R_EXTRA_MAX).contains(&t) => {
                    if rec.extra_next {
                        format::skip_extras(&mut self.input, enc)?;
                    }
                }
                t => {
                    return Err(Problem::Invalid {
                        offset: self.input.pos - u64::from(self.header.rec_size),
                        what: format!("record of unknown type {t}"),
                    })
                }
            }
        }
    }
}

fn open_file(path: &Path) -> Result<(Input<Box<dyn Read>>, FileHeader), SaError> {
    let io = |source| SaError::Io {
        path: path.to_path_buf(),
        source,
    };
    let f = File::open(path).map_err(io)?;
    let len = f.metadata().map_err(io)?.len();
    let mut input: Input<Box<dyn Read>> = Input::new(Box::new(BufReader::new(f)), len);
    let header =
        format::read_header(&mut input, activities::known).map_err(|p| SaError::of(path, p))?;
    Ok((input, header))
}

fn secs_ns(s: u64) -> i64 {
    i64::try_from(s)
        .unwrap_or(i64::MAX / 1_000_000_000)
        .saturating_mul(1_000_000_000)
}

fn host_facts(h: &FileHeader) -> HostFacts {
    HostFacts {
        hostname: h.nodename.clone(),
        sysname: h.sysname.clone(),
        release: h.release.clone(),
        machine: h.machine.clone(),
        boot_id: String::new(),
        user_hz: u32::try_from(h.hz).unwrap_or(100),
        page_size: 4096,
        cpu_count: h.cpu_nr.saturating_sub(1).max(1),
    }
}

/// The records of the files in order, as the log's records (`source` reads them as a
/// `Source`).
impl SaSource {
    /// The next record; `None` after the last file. A problem inside a file ends that
    /// file (what came before it was read, and `take_damage` says so) and reading goes on
    /// with the next.
    pub fn next_record(&mut self) -> Result<Option<Record>, SaError> {
        loop {
            if self.done {
                return Ok(None);
            }
            match self.next_in_file() {
                Ok(Some(e)) => return Ok(Some(e)),
                Ok(None) => {}
                Err(p) => {
                    let msg = match p {
                        Problem::Truncated { offset, what } => format!(
                            "{}: the file is cut at byte {offset}, inside {what}; every complete record before it was read",
                            self.path.display()
                        ),
                        p => format!(
                            "{}; every record before it was read",
                            SaError::of(&self.path, p)
                        ),
                    };
                    self.damage.push(msg);
                }
            }
            match self.rest.pop_front() {
                Some(next) => {
                    let (input, header) = open_file(&next)?;
                    self.input = input;
                    self.header = header;
                    self.path = next;
                }
                None => self.done = true,
            }
        }
    }

    /// The machine the files describe (the first file's header), and when it started.
    pub fn origin(&self) -> (&HostFacts, i64) {
        (&self.host, self.created_ns)
    }

    /// The files cut short or damaged since the last call, one line each.
    pub fn take_damage(&mut self) -> Vec<String> {
        std::mem::take(&mut self.damage)
    }
}

#[cfg(test)]
mod tests {
    use super::offset_of;

    #[test]
    fn recorder_offsets() {
        // 2026-12-06T06:30:15Z.
        let t = 1_796_538_615;
        assert_eq!(offset_of([6, 30, 15], t), 0);
        assert_eq!(offset_of([12, 0, 15], t), 5 * 3600 + 1800);
        assert_eq!(offset_of([1, 30, 15], t), -5 * 3600);
        assert_eq!(offset_of([20, 30, 15], t), -10 * 3600, "Hawaii");
        assert_eq!(
            offset_of([19, 30, 15], t),
            13 * 3600,
            "New Zealand's summer"
        );
    }
}
