//! The file layout: header, framed records, record payloads. `docs/FORMAT.md` describes
//! the same thing for someone writing a reader in another language.

use super::bytes::{put_str, put_varint, unzigzag, zigzag, Cursor, DecodeError};
use crate::sample::{HostFacts, Sample};

/// The first 8 bytes of every log: not text, not a sysstat file, detects CR/LF mangling.
pub const MAGIC: [u8; 8] = [0x89, b'R', b'S', b'A', b'R', b'\r', b'\n', 0x1a];
/// The format this build writes, and the newest it reads.
pub const VERSION: u16 = 7;
/// The first format whose samples may hold change blocks (and reference distances): a
/// writer appending to an older file writes it as that format's writers did.
pub const VERSION_CHANGES: u16 = 3;
/// The first format whose samples may name their unchanged groups in one block.
pub const VERSION_UNCHANGED: u16 = 4;
/// The first format whose process deltas may say a rename in place (mode 2).
pub const VERSION_RENAMES: u16 = 5;
/// The first format whose layouts may store fields aligned (`Field::align_bits`), and
/// whose roll-up levels are taken from the values as stored.
pub const VERSION_ALIGNED: u16 = 6;
/// The first format whose closed days and tiers may hold samples in columns (kind 10).
pub const VERSION_COLUMNS: u16 = 7;
/// Every record starts with these two bytes, so a reader can find the next record after
/// damaged bytes.
pub const SYNC: [u8; 2] = [0xd5, 0x5b];
/// sync + length + kind before the payload, CRC after it.
pub const FRAME_OVERHEAD: usize = 2 + 4 + 1 + 4;
/// No record is larger (a keyframe of a machine with thousands of devices is ~1 MiB).
pub const MAX_PAYLOAD: usize = 16 << 20;
/// Bytes before the header body: magic, version, flags, body length.
const HEADER_FIXED: usize = 8 + 2 + 2 + 4;
/// Largest header body a reader accepts.
const MAX_HEADER_BODY: usize = 64 << 10;

/// Facts recorded once per file: where and when it was started.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FileHeader {
    pub version: u16,
    pub host: HostFacts,
    /// When the file was created (UTC ns).
    pub created_ns: i64,
    /// The creator's offset from UTC in seconds at creation (east positive).
    pub utc_offset_s: i32,
}

impl FileHeader {
    pub fn encode(&self) -> Vec<u8> {
        let mut body = Vec::new();
        put_varint(&mut body, zigzag(self.created_ns));
        put_varint(&mut body, zigzag(i64::from(self.utc_offset_s)));
        put_host(&mut body, &self.host);
        let mut out = Vec::with_capacity(HEADER_FIXED + body.len() + 4);
        out.extend_from_slice(&MAGIC);
        out.extend_from_slice(&VERSION.to_le_bytes());
        out.extend_from_slice(&0u16.to_le_bytes());
        out.extend_from_slice(&(body.len() as u32).to_le_bytes());
        out.extend_from_slice(&body);
        let crc = crc32fast::hash(&out[8..]);
        out.extend_from_slice(&crc.to_le_bytes());
        out
    }

    /// Parse the header at the start of `buf`; returns it and its length in bytes.
    pub fn decode(buf: &[u8]) -> Result<(FileHeader, usize), HeaderError> {
        if buf.is_empty() {
            return Err(HeaderError::Empty);
        }
        if buf.len() < MAGIC.len() || buf[..8] != MAGIC {
            return Err(HeaderError::Foreign);
        }
        if buf.len() < HEADER_FIXED {
            return Err(HeaderError::Truncated);
        }
        // The fixed part (magic, version, flags, body length) and the CRC after the body
        // are the same in every version, so the checksum is checked first: a damaged
        // version field is damage, not a file from the future.
        let version = u16::from_le_bytes([buf[8], buf[9]]);
        let body_len = u32::from_le_bytes([buf[12], buf[13], buf[14], buf[15]]) as usize;
        if body_len > MAX_HEADER_BODY {
            return Err(HeaderError::Damaged("header length out of range"));
        }
        let end = HEADER_FIXED + body_len;
        if buf.len() < end + 4 {
            return Err(HeaderError::Truncated);
        }
        let crc = u32::from_le_bytes([buf[end], buf[end + 1], buf[end + 2], buf[end + 3]]);
        if crc != crc32fast::hash(&buf[8..end]) {
            return Err(HeaderError::Damaged("header checksum mismatch"));
        }
        if version > VERSION {
            return Err(HeaderError::Newer(version));
        }
        let mut c = Cursor::new(&buf[HEADER_FIXED..end]);
        let parse = |c: &mut Cursor<'_>| -> Result<FileHeader, DecodeError> {
            let created_ns = unzigzag(c.varint()?);
            let utc_offset_s = i32::try_from(unzigzag(c.varint()?))
                .map_err(|_| DecodeError("UTC offset out of range"))?;
            let host = get_host(c)?;
            // Later versions may append fields; they are skipped.
            Ok(FileHeader {
                version,
                host,
                created_ns,
                utc_offset_s,
            })
        };
        let h = parse(&mut c).map_err(|e| HeaderError::Damaged(e.0))?;
        Ok((h, end + 4))
    }
}

/// Why a file's header was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HeaderError {
    #[error("the file is empty")]
    Empty,
    #[error("not an rsar log (no rsar magic number at the start)")]
    Foreign,
    #[error("the header is cut short")]
    Truncated,
    #[error("written by a newer rsar (format {0}, this rsar reads up to format {VERSION}); upgrade rsar")]
    Newer(u16),
    #[error("damaged header: {0}")]
    Damaged(&'static str),
}

fn put_host(out: &mut Vec<u8>, h: &HostFacts) {
    for s in [&h.hostname, &h.sysname, &h.release, &h.machine, &h.boot_id] {
        put_str(out, s);
    }
    for v in [h.user_hz, h.page_size, h.cpu_count] {
        put_varint(out, u64::from(v));
    }
}

/// Host facts as the header or a restart record holds them. Facts no kernel reports (a
/// CPU count above the kernel's limit, a name longer than utsname holds) are damage: a
/// reader sizes columns from the CPU count and repeats the names on every line.
fn get_host(c: &mut Cursor<'_>) -> Result<HostFacts, DecodeError> {
    let small = |v: u64| u32::try_from(v).map_err(|_| DecodeError("host fact out of range"));
    let host = HostFacts {
        hostname: c.string()?,
        sysname: c.string()?,
        release: c.string()?,
        machine: c.string()?,
        boot_id: c.string()?,
        user_hz: small(c.varint()?)?,
        page_size: small(c.varint()?)?,
        cpu_count: small(c.varint()?)?,
    };
    match host.out_of_bounds() {
        Some(what) => Err(DecodeError(what)),
        None => Ok(host),
    }
}

/// Record kinds.
pub const KIND_KEYFRAME: u8 = 1;
pub const KIND_DELTA: u8 = 2;
pub const KIND_RESTART: u8 = 3;
pub const KIND_COMMENT: u8 = 4;
/// A sample against the previous sample rather than the keyframe: only in closed days,
/// rewritten so at compression (numbers that repeat from one sample to the next compress
/// far better than distances from a keyframe that grow).
pub const KIND_STEP: u8 = 5;
/// A sample of format 2 or later: a sequence number, then one block per group (`groups`).
pub const KIND_SAMPLE: u8 = 6;
/// Format 2: the process table of a moment (`store::procs`).
pub const KIND_PROCESSES: u8 = 7;
/// Closed days only: the start of a compressed frame (`FrameMark`).
pub const KIND_FRAME: u8 = 8;
/// Roll-up tiers only: the levels' minimum, maximum and sum over the raw samples the
/// sample just before it stands for (`store::rollup`).
pub const KIND_ROLLUP: u8 = 9;
/// Format 7, closed days and tiers only: the samples of a compressed frame in columns,
/// and how many of the records after it come before each (`store::columns`).
pub const KIND_COLUMNS: u8 = 10;

/// Whether records of `kind` are samples (format 1's three kinds, format 2's one).
pub fn is_sample_kind(kind: u8) -> bool {
    matches!(kind, KIND_KEYFRAME | KIND_DELTA | KIND_STEP | KIND_SAMPLE)
}

/// Frame a payload: sync, length, kind, payload, CRC-32 of length+kind+payload.
pub fn frame(kind: u8, payload: &[u8], out: &mut Vec<u8>) {
    out.clear();
    out.extend_from_slice(&SYNC);
    out.extend_from_slice(&(payload.len() as u32).to_le_bytes());
    out.push(kind);
    out.extend_from_slice(payload);
    let crc = crc32fast::hash(&out[2..]);
    out.extend_from_slice(&crc.to_le_bytes());
}

/// What is at an offset of a file.
#[derive(Debug, PartialEq, Eq)]
pub enum Frame<'a> {
    /// A complete record with a good checksum; `len` is its size in bytes with framing.
    Good {
        kind: u8,
        payload: &'a [u8],
        len: usize,
    },
    /// The file ends inside what could be a record (a write in progress, or cut short).
    Torn,
    /// Not a record.
    Bad,
}

/// Look at the bytes at the start of `buf`.
pub fn read_frame(buf: &[u8]) -> Frame<'_> {
    if buf.len() < 2 {
        return if buf.is_empty() || buf[0] == SYNC[0] {
            Frame::Torn
        } else {
            Frame::Bad
        };
    }
    if buf[..2] != SYNC {
        return Frame::Bad;
    }
    if buf.len() < 7 {
        return Frame::Torn;
    }
    let len = u32::from_le_bytes([buf[2], buf[3], buf[4], buf[5]]) as usize;
    if len > MAX_PAYLOAD {
        return Frame::Bad;
    }
    let total = FRAME_OVERHEAD + len;
    if buf.len() < total {
        return Frame::Torn;
    }
    let crc_at = 7 + len;
    let crc = u32::from_le_bytes([
        buf[crc_at],
        buf[crc_at + 1],
        buf[crc_at + 2],
        buf[crc_at + 3],
    ]);
    if crc != crc32fast::hash(&buf[2..crc_at]) {
        return Frame::Bad;
    }
    Frame::Good {
        kind: buf[6],
        payload: &buf[7..crc_at],
        len: total,
    }
}

/// A record, decoded.
#[derive(Debug, Clone, PartialEq)]
pub enum Record {
    /// Boxed where it is decoded: a sample is over 2 kB, and moving it by value through
    /// the reader's queue, the source and the pairing cost more than its allocation.
    Sample(Box<Sample>),
    /// The machine booted again (a new boot id): counters restarted.
    Restart {
        wall_ns: i64,
        host: HostFacts,
    },
    Comment {
        wall_ns: i64,
        text: String,
    },
    /// The processes at a moment (recorded beside the sample of that moment).
    Processes(super::procs::ProcessTable),
    /// A roll-up's levels over the raw samples the sample before it stands for, as
    /// stored: decoded against that sample (`store::rollup::Aggregate::decode`).
    Rollup(Vec<u8>),
}

pub fn restart_payload(wall_ns: i64, host: &HostFacts) -> Vec<u8> {
    let mut out = Vec::new();
    put_varint(&mut out, zigzag(wall_ns));
    put_host(&mut out, host);
    out
}

pub fn comment_payload(wall_ns: i64, text: &str) -> Vec<u8> {
    let mut out = Vec::new();
    put_varint(&mut out, zigzag(wall_ns));
    put_str(&mut out, text);
    out
}

pub fn decode_restart(p: &[u8]) -> Result<Record, DecodeError> {
    let mut c = Cursor::new(p);
    let wall_ns = unzigzag(c.varint()?);
    Ok(Record::Restart {
        wall_ns,
        host: get_host(&mut c)?,
    })
}

pub fn decode_comment(p: &[u8]) -> Result<Record, DecodeError> {
    let mut c = Cursor::new(p);
    let wall_ns = unzigzag(c.varint()?);
    Ok(Record::Comment {
        wall_ns,
        text: c.string()?,
    })
}

/// The first record of every compressed frame of a closed day: which frame it is, how many
/// samples the day holds before it, in it and in all, and a copy of the file's header, so
/// that a reader that lost a frame (the first one included, and the header with it) knows
/// the host and says how many samples the damage cost.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FrameMark {
    /// 0 for the first frame.
    pub index: u32,
    pub frames: u32,
    pub samples_before: u32,
    pub samples_in_frame: u32,
    pub samples: u32,
    /// The header at the start of the file, byte for byte.
    pub header: Vec<u8>,
}

/// Bytes of a frame mark's payload before the header copy: five u32.
pub const FRAME_MARK_FIXED: usize = 5 * 4;

impl FrameMark {
    /// The payload: the five counts as little-endian u32 (fixed width, so that a packer
    /// can fill in the counts it knows only at the end), then the header.
    pub fn payload(&self, out: &mut Vec<u8>) {
        out.clear();
        for v in [
            self.index,
            self.frames,
            self.samples_before,
            self.samples_in_frame,
            self.samples,
        ] {
            out.extend_from_slice(&v.to_le_bytes());
        }
        out.extend_from_slice(&self.header);
    }

    pub fn decode(p: &[u8]) -> Result<FrameMark, DecodeError> {
        let (fixed, header) = (
            p.get(..FRAME_MARK_FIXED)
                .ok_or(DecodeError("a frame mark is cut short"))?,
            &p[FRAME_MARK_FIXED..],
        );
        let n = |i: usize| u32::from_le_bytes([fixed[i], fixed[i + 1], fixed[i + 2], fixed[i + 3]]);
        let mark = FrameMark {
            index: n(0),
            frames: n(4),
            samples_before: n(8),
            samples_in_frame: n(12),
            samples: n(16),
            header: header.to_vec(),
        };
        if mark.index >= mark.frames
            || u64::from(mark.samples_before) + u64::from(mark.samples_in_frame)
                > u64::from(mark.samples)
        {
            return Err(DecodeError("a frame mark's counts contradict each other"));
        }
        Ok(mark)
    }
}
