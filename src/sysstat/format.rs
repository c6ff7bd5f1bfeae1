//! The byte layout of sysstat's sa files, format magic 0x2175 (sysstat 11.7.1 to today):
//! the file magic, the file header, the activity table, record headers and the `extra`
//! structures, in either byte order and with 4- or 8-byte longs.
//!
//! Every structure in the file says how it is made: counts of `unsigned long long` (8
//! bytes), `unsigned long` (an 8-byte slot; 4 bytes used on a 32-bit machine) and
//! `unsigned int` (4 bytes) fields, in that order, then any characters. A field is read by
//! its kind and its index among fields of that kind (`Fields`), so a structure that grew
//! in a later sysstat still gives the fields this reader knows, and a field that an older
//! sysstat did not write reads as absent. This module reads bytes and checks counts; it
//! never allocates more than what is left in the file.

use std::io::Read;

/// The sysstat magic, first two bytes of every sa file.
pub const SYSSTAT_MAGIC: u16 = 0xd596;
/// The format this reader reads.
pub const FORMAT_MAGIC: u16 = 0x2175;
/// Formats of sysstat 9.1.6–10.x (0x2171) and 11.0–11.6 (0x2173).
pub const OLD_FORMATS: [u16; 2] = [0x2171, 0x2173];

/// The file magic structure: 2 + 2 + 4 + 5 × 4 bytes, then 48 bytes of padding.
pub const FILE_MAGIC_SIZE: u64 = 76;
const MAX_FILE_HEADER_SIZE: u32 = 8192;
const MAX_NR_ACT: u32 = 256;
const MAX_FILE_ACTIVITY_SIZE: u32 = 1024;
const MAX_RECORD_HEADER_SIZE: u32 = 512;
/// sysstat's bounds on item counts of any activity.
pub const NR_MAX: u32 = 65536 * 4096;
pub const NR2_MAX: u32 = 1024;
const MAX_EXTRA_NR: u32 = 8192;
const MAX_EXTRA_SIZE: u32 = 1024;
/// The largest item structure sysstat accepts.
const MAX_ITEM_SIZE: u32 = 1024;
/// Bytes of a comment record's text.
pub const COMMENT_LEN: u64 = 64;
const UTSNAME_LEN: usize = 65;
/// CPU items of a machine: "all" and each CPU, at most the kernel's limit (sysstat's own
/// `NR_CPUS`, in its common.h, is 8192 too).
pub const MAX_CPU_ITEMS: u32 = crate::sample::HostFacts::MAX_CPUS + 1;

/// Record types.
pub const R_STATS: u8 = 1;
pub const R_RESTART: u8 = 2;
pub const R_COMMENT: u8 = 4;
pub const R_EXTRA_MIN: u8 = 5;
pub const R_EXTRA_MAX: u8 = 15;

/// How the file's numbers are stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Encoding {
    pub big_endian: bool,
    /// `sizeof(long)` on the recording machine: 4 or 8.
    pub long4: bool,
}

impl Encoding {
    pub fn u16(&self, b: [u8; 2]) -> u16 {
        if self.big_endian {
            u16::from_be_bytes(b)
        } else {
            u16::from_le_bytes(b)
        }
    }
    pub fn u32(&self, b: [u8; 4]) -> u32 {
        if self.big_endian {
            u32::from_be_bytes(b)
        } else {
            u32::from_le_bytes(b)
        }
    }
    pub fn u64(&self, b: [u8; 8]) -> u64 {
        if self.big_endian {
            u64::from_be_bytes(b)
        } else {
            u64::from_le_bytes(b)
        }
    }
}

/// A structure's composition: how many `unsigned long long`, `unsigned long` and
/// `unsigned int` fields it starts with.
pub type Types = [u32; 3];

/// Bytes the fields of `t` take (sysstat's `MAP_SIZE`), `None` on overflow.
pub fn map_size(t: Types) -> Option<u64> {
    let [a, b, c] = t.map(u64::from);
    a.checked_mul(8)?
        .checked_add(b.checked_mul(8)?)?
        .checked_add(c.checked_mul(4)?)
}

/// One structure's bytes, read by field kind and index.
#[derive(Clone, Copy)]
pub struct Fields<'a> {
    pub bytes: &'a [u8],
    pub types: Types,
    pub enc: Encoding,
}

impl<'a> Fields<'a> {
    fn at<const N: usize>(&self, off: u64) -> Option<[u8; N]> {
        let off = usize::try_from(off).ok()?;
        self.bytes.get(off..off.checked_add(N)?)?.try_into().ok()
    }

    /// The `i`-th `unsigned long long`, `None` if the structure has none there.
    pub fn ull(&self, i: u32) -> Option<u64> {
        (i < self.types[0])
            .then(|| self.at::<8>(8 * u64::from(i)).map(|b| self.enc.u64(b)))
            .flatten()
    }

    /// The `i`-th `unsigned long`.
    pub fn ul(&self, i: u32) -> Option<u64> {
        if i >= self.types[1] {
            return None;
        }
        let off = 8 * u64::from(self.types[0]) + 8 * u64::from(i);
        if self.enc.long4 {
            self.at::<4>(off).map(|b| u64::from(self.enc.u32(b)))
        } else {
            self.at::<8>(off).map(|b| self.enc.u64(b))
        }
    }

    /// The `i`-th `unsigned int`.
    pub fn u(&self, i: u32) -> Option<u64> {
        if i >= self.types[2] {
            return None;
        }
        let off = 8 * u64::from(self.types[0]) + 8 * u64::from(self.types[1]) + 4 * u64::from(i);
        self.at::<4>(off).map(|b| u64::from(self.enc.u32(b)))
    }

    /// The bytes after the numbers (names, characters).
    pub fn tail(&self) -> &'a [u8] {
        let start = map_size(self.types)
            .and_then(|s| usize::try_from(s).ok())
            .unwrap_or(usize::MAX);
        self.bytes.get(start..).unwrap_or(&[])
    }
}

/// A NUL-terminated string in `b`, non-printable bytes shown as `.` (as sar shows them).
pub fn c_string(b: &[u8]) -> String {
    let end = b.iter().position(|&c| c == 0).unwrap_or(b.len());
    b[..end]
        .iter()
        .map(|&c| {
            if c.is_ascii_graphic() || c == b' ' {
                c as char
            } else {
                '.'
            }
        })
        .collect()
}

/// Why bytes could not be read as an sa file. The reader adds the path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// Not a sysstat file at all.
    NotSysstat,
    /// An older format, to convert with `sadf -c`.
    OldFormat {
        magic: u16,
        version: String,
    },
    /// A format magic this reader does not know.
    UnknownFormat {
        magic: u16,
        version: String,
    },
    /// A value that cannot be right, at a byte offset.
    Invalid {
        offset: u64,
        what: String,
    },
    /// The file ends inside something, at a byte offset.
    Truncated {
        offset: u64,
        what: &'static str,
    },
    Io(String),
}

/// The input, read forward with its position and what is left of it known: every read is
/// checked against what is left before a byte is allocated.
pub struct Input<R> {
    inner: R,
    pub pos: u64,
    pub len: u64,
    buf: Vec<u8>,
}

impl<R: Read> Input<R> {
    pub fn new(inner: R, len: u64) -> Self {
        Input {
            inner,
            pos: 0,
            len,
            buf: Vec::new(),
        }
    }

    pub fn left(&self) -> u64 {
        self.len.saturating_sub(self.pos)
    }

    /// The next `n` bytes; `Truncated` if fewer are left.
    pub fn take(&mut self, n: u64, what: &'static str) -> Result<&[u8], Problem> {
        if n > self.left() {
            return Err(Problem::Truncated {
                offset: self.pos,
                what,
            });
        }
        let n = usize::try_from(n).map_err(|_| Problem::Truncated {
            offset: self.pos,
            what,
        })?;
        self.buf.clear();
        self.buf.resize(n, 0);
        if let Err(e) = self.inner.read_exact(&mut self.buf) {
            return Err(if e.kind() == std::io::ErrorKind::UnexpectedEof {
                // The file shrank under us.
                Problem::Truncated {
                    offset: self.pos,
                    what,
                }
            } else {
                Problem::Io(e.to_string())
            });
        }
        self.pos += n as u64;
        Ok(&self.buf)
    }

    /// Skip `n` bytes.
    pub fn skip(&mut self, n: u64, what: &'static str) -> Result<(), Problem> {
        if n > self.left() {
            return Err(Problem::Truncated {
                offset: self.pos,
                what,
            });
        }
        let copied = std::io::copy(&mut (&mut self.inner).take(n), &mut std::io::sink())
            .map_err(|e| Problem::Io(e.to_string()))?;
        if copied < n {
            return Err(Problem::Truncated {
                offset: self.pos + copied,
                what,
            });
        }
        self.pos += n;
        Ok(())
    }
}

/// The file header and activity table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileHeader {
    pub enc: Encoding,
    /// sysstat version that wrote the file, `12.6.1`.
    pub version: String,
    /// When the file was started, seconds since the epoch.
    pub ust_time: u64,
    pub hz: u64,
    /// CPUs + 1 (sysstat counts "all").
    pub cpu_nr: u32,
    pub rec_types: Types,
    pub rec_size: u32,
    pub sysname: String,
    pub nodename: String,
    pub release: String,
    pub machine: String,
    pub activities: Vec<FileActivity>,
}

/// One entry of the activity table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileActivity {
    pub id: u32,
    pub magic: u32,
    pub nr: u32,
    pub nr2: u32,
    pub has_nr: bool,
    pub size: u32,
    pub types: Types,
}

fn invalid(offset: u64, what: impl Into<String>) -> Problem {
    Problem::Invalid {
        offset,
        what: what.into(),
    }
}

fn types_at(f: &Fields<'_>, first: u32) -> Types {
    [0, 1, 2].map(|k| f.u(first + k).unwrap_or(0) as u32)
}

/// Read the file magic, header and activity table, checking every count and size.
/// `known` says, for an activity id and magic, the composition this reader decodes and
/// the most items it may have; an activity it knows with a composition it cannot map
/// makes the file unreadable, as it does for sar.
pub fn read_header<R: Read>(
    input: &mut Input<R>,
    known: impl Fn(u32, u32) -> Option<(Types, u32)>,
) -> Result<FileHeader, Problem> {
    let magic = match input.take(FILE_MAGIC_SIZE, "the file magic") {
        Ok(m) => m.to_vec(),
        Err(Problem::Truncated { .. }) => return Err(Problem::NotSysstat),
        Err(e) => return Err(e),
    };
    let big_endian = match [magic[0], magic[1]] {
        b if u16::from_le_bytes(b) == SYSSTAT_MAGIC => false,
        b if u16::from_be_bytes(b) == SYSSTAT_MAGIC => true,
        _ => return Err(Problem::NotSysstat),
    };
    let mut enc = Encoding {
        big_endian,
        long4: false,
    };
    let format = enc.u16([magic[2], magic[3]]);
    let version = format!("{}.{}.{}", magic[4], magic[5], magic[6]);
    if OLD_FORMATS.contains(&format) {
        return Err(Problem::OldFormat {
            magic: format,
            version,
        });
    }
    if format != FORMAT_MAGIC {
        return Err(Problem::UnknownFormat {
            magic: format,
            version,
        });
    }
    let u32_at = |o: usize| enc.u32([magic[o], magic[o + 1], magic[o + 2], magic[o + 3]]);
    let header_size = u32_at(8);
    let hdr_types = [u32_at(16), u32_at(20), u32_at(24)];
    if header_size == 0 || header_size > MAX_FILE_HEADER_SIZE {
        return Err(invalid(8, format!("file header size {header_size}")));
    }
    if map_size(hdr_types).is_none_or(|s| s > u64::from(header_size)) {
        return Err(invalid(
            16,
            "file header composition larger than the header",
        ));
    }
    let at = input.pos;
    let hdr = input
        .take(u64::from(header_size), "the file header")?
        .to_vec();
    let h = Fields {
        bytes: &hdr,
        types: hdr_types,
        enc,
    };
    let tail = h.tail();
    // sa_day, sa_month, sa_sizeof_long, then four utsname strings.
    let sizeof_long = tail.get(2).copied().unwrap_or(8);
    if sizeof_long != 4 && sizeof_long != 8 {
        return Err(invalid(at, format!("size of long {sizeof_long}")));
    }
    enc.long4 = sizeof_long == 4;
    let h = Fields { enc, ..h };
    // utsname's 65 bytes end with a NUL: at most 64 are a name (the kernel's limit).
    let name = |k: usize| {
        let s = 3 + k * UTSNAME_LEN;
        c_string(
            tail.get(s..(s + UTSNAME_LEN - 1).min(tail.len()))
                .unwrap_or(&[]),
        )
    };
    let u = |i| h.u(i).unwrap_or(0) as u32;
    let (cpu_nr, act_nr) = (u(0), u(1));
    let act_types = types_at(&h, 3);
    let rec_types = types_at(&h, 6);
    let (act_size, rec_size, extra_next) = (u(9), u(10), u(11));
    check_cpu_items(cpu_nr, at, "the file header")?;
    if act_nr > MAX_NR_ACT {
        return Err(invalid(at, format!("{act_nr} activities")));
    }
    if act_size > MAX_FILE_ACTIVITY_SIZE
        || map_size(act_types).is_none_or(|s| s > u64::from(act_size))
    {
        return Err(invalid(at, format!("activity entry size {act_size}")));
    }
    if rec_size > MAX_RECORD_HEADER_SIZE
        || map_size(rec_types).is_none_or(|s| s > u64::from(rec_size))
    {
        return Err(invalid(at, format!("record header size {rec_size}")));
    }
    // The table must fit in what is left before it is allocated.
    if u64::from(act_nr) * u64::from(act_size) > input.left() {
        return Err(Problem::Truncated {
            offset: input.pos,
            what: "the activity table",
        });
    }
    let mut activities = Vec::with_capacity(act_nr as usize);
    for _ in 0..act_nr {
        let at = input.pos;
        let b = input.take(u64::from(act_size), "the activity table")?;
        let f = Fields {
            bytes: b,
            types: act_types,
            enc,
        };
        let v = |i| f.u(i).unwrap_or(0) as u32;
        let a = FileActivity {
            id: v(0),
            magic: v(1),
            nr: v(2),
            nr2: v(3),
            has_nr: v(4) != 0,
            size: v(5),
            types: [v(6), v(7), v(8)],
        };
        // Counts are signed in sysstat: a "negative" one is out of bounds too.
        if a.nr < 1
            || a.nr2 < 1
            || a.nr > NR_MAX
            || a.nr2 > NR2_MAX
            || a.size == 0
            || a.size > MAX_ITEM_SIZE
        {
            return Err(invalid(
                at,
                format!(
                    "activity {} has {} items of {} sub-items of {} bytes",
                    a.id, a.nr as i32, a.nr2 as i32, a.size as i32
                ),
            ));
        }
        if map_size(a.types).is_none_or(|s| s > u64::from(a.size)) {
            return Err(invalid(
                at,
                format!(
                    "activity {}: fields larger than its {}-byte items",
                    a.id, a.size
                ),
            ));
        }
        if let Some((ours, nr_max)) = known(a.id, a.magic) {
            if a.nr > nr_max {
                return Err(invalid(at, format!("activity {}: {} items", a.id, a.nr)));
            }
            let ge = (0..3).all(|k| a.types[k] >= ours[k]);
            let le = (0..3).all(|k| a.types[k] <= ours[k]);
            if !ge && !le {
                return Err(invalid(
                    at,
                    format!(
                        "activity {}: fields {:?} cannot be mapped on {:?}",
                        a.id, a.types, ours
                    ),
                ));
            }
        }
        activities.push(a);
    }
    if extra_next != 0 {
        skip_extras(input, enc)?;
    }
    Ok(FileHeader {
        enc,
        version,
        ust_time: h.ull(0).unwrap_or(0),
        hz: h.ul(0).unwrap_or(0),
        cpu_nr,
        rec_types,
        rec_size,
        sysname: name(0),
        nodename: name(1),
        release: name(2),
        machine: name(3),
        activities,
    })
}

/// Skip a chain of `extra_desc` structures and the structures each announces.
pub fn skip_extras<R: Read>(input: &mut Input<R>, enc: Encoding) -> Result<(), Problem> {
    loop {
        let at = input.pos;
        let d = input.take(24, "an extra structure")?;
        let v = |o: usize| enc.u32([d[o], d[o + 1], d[o + 2], d[o + 3]]);
        let (nr, size, next) = (v(0), v(4), v(8));
        if nr > MAX_EXTRA_NR || size > MAX_EXTRA_SIZE || size == 0 {
            return Err(invalid(
                at,
                format!("{nr} extra structures of {size} bytes"),
            ));
        }
        input.skip(u64::from(nr) * u64::from(size), "an extra structure")?;
        if next == 0 {
            return Ok(());
        }
    }
}

/// A record header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RecordHeader {
    pub uptime_cs: u64,
    pub ust_time: u64,
    pub extra_next: bool,
    pub record_type: u8,
    /// The recording machine's local time of day at `ust_time` (hour, minute, second):
    /// what sar `-t` shows, and how the recorder's UTC offset is known.
    pub local_hms: [u8; 3],
}

pub fn read_record_header<R: Read>(
    input: &mut Input<R>,
    hdr: &FileHeader,
) -> Result<RecordHeader, Problem> {
    let b = input.take(u64::from(hdr.rec_size), "a record header")?;
    let f = Fields {
        bytes: b,
        types: hdr.rec_types,
        enc: hdr.enc,
    };
    Ok(RecordHeader {
        uptime_cs: f.ull(0).unwrap_or(0),
        ust_time: f.ull(1).unwrap_or(0),
        extra_next: f.u(0).unwrap_or(0) != 0,
        record_type: f.tail().first().copied().unwrap_or(0),
        local_hms: f
            .tail()
            .get(1..4)
            .and_then(|b| b.try_into().ok())
            .unwrap_or_default(),
    })
}

/// A CPU count as the file header and restart records give it ("all" and each CPU), at
/// byte `at` of `whose`: reports make per-CPU columns from it, so no more than a kernel
/// can have.
pub fn check_cpu_items(cpu_nr: u32, at: u64, whose: &str) -> Result<(), Problem> {
    if cpu_nr > MAX_CPU_ITEMS {
        return Err(invalid(
            at,
            format!(
                "{whose} claims {} CPUs (a kernel has at most {})",
                cpu_nr - 1,
                MAX_CPU_ITEMS - 1
            ),
        ));
    }
    Ok(())
}

/// Read an item count (`__nr_t`, a signed int) at the input's position.
pub fn read_count<R: Read>(
    input: &mut Input<R>,
    enc: Encoding,
    what: &'static str,
) -> Result<u32, Problem> {
    let at = input.pos;
    let b = input.take(4, what)?;
    let v = enc.u32([b[0], b[1], b[2], b[3]]) as i32;
    u32::try_from(v)
        .ok()
        .filter(|&v| v <= NR_MAX)
        .ok_or_else(|| invalid(at, format!("{what}: {v}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    const LE64: Encoding = Encoding {
        big_endian: false,
        long4: false,
    };
    const BE32: Encoding = Encoding {
        big_endian: true,
        long4: true,
    };

    #[test]
    fn fields_are_read_by_kind_and_index() {
        // 1 ull, 2 ul, 1 u, then "ab": 8 + 16 + 4 + 2 bytes.
        let mut b = Vec::new();
        b.extend(7u64.to_le_bytes());
        b.extend(8u64.to_le_bytes());
        b.extend(9u64.to_le_bytes());
        b.extend(10u32.to_le_bytes());
        b.extend(b"ab");
        let f = Fields {
            bytes: &b,
            types: [1, 2, 1],
            enc: LE64,
        };
        assert_eq!((f.ull(0), f.ull(1)), (Some(7), None));
        assert_eq!((f.ul(0), f.ul(1), f.ul(2)), (Some(8), Some(9), None));
        assert_eq!((f.u(0), f.u(1)), (Some(10), None));
        assert_eq!(f.tail(), b"ab");
    }

    #[test]
    fn a_32_bit_long_is_the_first_half_of_its_slot() {
        // Big-endian, 32-bit: an unsigned long takes an 8-byte slot, its value first.
        let mut b = Vec::new();
        b.extend(5u32.to_be_bytes());
        b.extend([0xff; 4]);
        b.extend(6u32.to_be_bytes());
        let f = Fields {
            bytes: &b,
            types: [0, 1, 1],
            enc: BE32,
        };
        assert_eq!((f.ul(0), f.u(0)), (Some(5), Some(6)));
    }

    #[test]
    fn a_short_structure_reads_as_absent_not_out_of_bounds() {
        let b = [1u8; 6];
        let f = Fields {
            bytes: &b,
            types: [1, 0, 0],
            enc: LE64,
        };
        assert_eq!(f.ull(0), None);
        assert_eq!(f.tail(), b"");
    }

    #[test]
    fn headers_of_other_formats_are_told_apart() {
        let read = |b: Vec<u8>| {
            let len = b.len() as u64;
            read_header(&mut Input::new(std::io::Cursor::new(b), len), |_, _| None)
        };
        let magic = |fm: u16, big: bool| {
            let mut b = vec![0u8; 76];
            let (m, f) = if big {
                (SYSSTAT_MAGIC.to_be_bytes(), fm.to_be_bytes())
            } else {
                (SYSSTAT_MAGIC.to_le_bytes(), fm.to_le_bytes())
            };
            b[..2].copy_from_slice(&m);
            b[2..4].copy_from_slice(&f);
            b[4..7].copy_from_slice(&[11, 6, 5]);
            b
        };
        assert_eq!(read(b"RSAR".to_vec()), Err(Problem::NotSysstat));
        assert_eq!(read(vec![0; 200]), Err(Problem::NotSysstat));
        assert!(matches!(
            read(magic(0x2173, true)),
            Err(Problem::OldFormat { magic: 0x2173, .. })
        ));
        assert!(matches!(
            read(magic(0x2171, false)),
            Err(Problem::OldFormat { .. })
        ));
        assert!(matches!(
            read(magic(0x2199, false)),
            Err(Problem::UnknownFormat { .. })
        ));
        // The right format with a header size of 0 is damaged.
        assert!(matches!(
            read(magic(FORMAT_MAGIC, false)),
            Err(Problem::Invalid { offset: 8, .. })
        ));
    }

    #[test]
    fn nothing_is_taken_past_the_end() {
        let mut i = Input::new(std::io::Cursor::new(vec![0u8; 10]), 10);
        assert!(i.take(4, "x").is_ok());
        assert!(matches!(
            i.take(u64::MAX, "y"),
            Err(Problem::Truncated { offset: 4, .. })
        ));
        assert!(matches!(i.skip(7, "z"), Err(Problem::Truncated { .. })));
        assert_eq!(i.left(), 6);
    }
}
