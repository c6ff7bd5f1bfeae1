//! Reading records back: frame by frame, resynchronising after damaged bytes, decoding
//! deltas against their keyframe. Works on bytes already in memory, so a file being
//! written can be read up to its last complete record and then fed the bytes that follow.

use super::bytes::{Cursor, DecodeError};
use super::codec::{self, Shape};
use super::format::{self, Frame, Record, FRAME_OVERHEAD, SYNC};
use super::groups::{self, GroupState, NGROUPS};

/// The last keyframe seen: what deltas are decoded against.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Keyframe {
    pub seq: u64,
    pub shape: Shape,
    pub values: Vec<u64>,
}

/// Damage met while reading.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Damage {
    /// Records lost to damaged bytes (estimated by the record markers in the damaged
    /// ranges, at least one per range).
    pub damaged_records: u64,
    /// Damaged byte ranges: (file offset, length).
    pub ranges: Vec<(u64, u64)>,
    /// Intact records that could not be decoded (a delta whose keyframe was damaged, or a
    /// payload that contradicts its own shape).
    pub undecodable: u64,
    /// Offset of the first undecodable record, if any.
    pub first_undecodable: Option<u64>,
    /// Groups left out of samples that were read: blocks that could not be decoded
    /// (`groups::decode_sample`).
    pub groups_left_out: u64,
    /// Of the undecodable records, process tables (a delta whose base was damaged).
    pub undecodable_processes: u64,
}

impl Damage {
    pub fn is_clean(&self) -> bool {
        self.damaged_records == 0 && self.undecodable == 0 && self.groups_left_out == 0
    }

    /// Records skipped in all.
    pub fn skipped(&self) -> u64 {
        self.damaged_records + self.undecodable
    }
}

/// Decodes a stream of frames. Keep one per file.
#[derive(Debug, Default)]
pub struct Scanner {
    /// Format 1: the last keyframe.
    pub keyframe: Option<Keyframe>,
    /// Format 2: each group's key and last values, and the last boot id a key carried.
    pub groups: GroupState,
    pub processes: super::procs::ProcessState,
    /// A compressed day's frame marks, and the samples read between them.
    pub frames: super::frames::FrameTally,
    pub damage: Damage,
    /// Sequence number of the last sample read.
    pub last_seq: Option<u64>,
    /// Boot id of the last restart record or format-2 time key read.
    pub last_boot_id: Option<String>,
    /// Bytes of the largest good record seen, framing included.
    pub largest_record: usize,
    /// Record markers in the last damaged range.
    span_markers: u64,
    values: Vec<u64>,
    /// The last sample's values and sequence number (for `KIND_STEP`).
    prev_values: Vec<u64>,
    prev_seq: Option<u64>,
    /// Format 7: the column record being read, its samples not all handed on yet.
    columns: Option<super::columns::Pending>,
}

impl Scanner {
    /// Read the records in `buf`, which holds the file's bytes from offset `base`.
    /// Returns how many bytes were consumed: up to the end of the last complete record (or
    /// damaged range). Bytes after that are a record still being written, or cut short:
    /// a frame that starts with a marker and runs past the end of `buf`, and nothing good
    /// after it. Intact records after damage are always read, never left as a tail.
    pub fn scan(&mut self, buf: &[u8], base: u64, out: &mut impl Extend<(u64, Record)>) -> usize {
        let mut pos = 0;
        // Bound the work spent hunting for records in damaged bytes, so that no input
        // makes the reader take forever: checksums over at most 64× the buffer.
        let mut budget = budget_for(buf.len());
        while pos < buf.len() {
            match format::read_frame(&buf[pos..]) {
                Frame::Good { kind, payload, len } => {
                    let at = base + pos as u64;
                    self.largest_record = self.largest_record.max(len);
                    let ends_columns = ends_columns(kind);
                    if ends_columns {
                        self.hand_on(at, true, out);
                    }
                    if format::is_sample_kind(kind) {
                        self.frames.sample();
                    }
                    match self.decode(kind, payload, at) {
                        Ok(Some(r)) => out.extend(std::iter::once((at, r))),
                        Ok(None) => {}
                        Err(_) => {
                            self.damage.undecodable += 1;
                            if kind == format::KIND_PROCESSES {
                                self.damage.undecodable_processes += 1;
                            }
                            self.damage.first_undecodable.get_or_insert(at);
                        }
                    }
                    if !ends_columns {
                        if let Some(c) = self.columns.as_mut() {
                            c.passed_other();
                        }
                    }
                    self.hand_on(at, false, out);
                    pos += len;
                }
                Frame::Torn | Frame::Bad => match next_good(buf, pos + 1, &mut budget) {
                    Search::Found(next) => {
                        self.hand_on(base + pos as u64, true, out);
                        self.note_damage(&buf[pos..next], base + pos as u64);
                        pos = next;
                    }
                    Search::Exhausted => {
                        self.hand_on(base + pos as u64, true, out);
                        // Too much work to tell records from damage here: everything
                        // left is counted as damage, never as a torn tail (which a writer
                        // would cut away). The next buffer starts with a fresh budget.
                        self.note_damage(&buf[pos..], base + pos as u64);
                        return buf.len();
                    }
                    Search::NotFound => {
                        // Nothing good follows. A record cut short at the end is a torn
                        // tail: leave it for more bytes. Anything else is damage.
                        let torn = last_torn_start(buf, pos);
                        if torn > pos {
                            self.note_damage(&buf[pos..torn], base + pos as u64);
                        }
                        return torn;
                    }
                },
            }
        }
        pos
    }

    /// Damaged bytes at `at`. A range that goes on where the last one ended (the reader
    /// met it window by window) is the same span: it is widened, and its records counted
    /// once, so that a run of zeros is one damaged span, however long.
    fn note_damage(&mut self, bytes: &[u8], at: u64) {
        let markers = bytes.windows(2).filter(|w| *w == SYNC).count() as u64;
        match self.damage.ranges.last_mut() {
            Some((start, len)) if *start + *len == at => {
                *len += bytes.len() as u64;
                self.damage.damaged_records -= self.span_markers.max(1);
                self.span_markers += markers;
            }
            _ => {
                self.damage.ranges.push((at, bytes.len() as u64));
                self.span_markers = markers;
            }
        }
        self.damage.damaged_records += self.span_markers.max(1);
    }

    fn decode(&mut self, kind: u8, payload: &[u8], at: u64) -> Result<Option<Record>, DecodeError> {
        match kind {
            format::KIND_KEYFRAME => {
                let mut c = Cursor::new(payload);
                let seq = c.varint()?;
                let shape = Shape::decode(&mut c)?;
                let n = shape.value_count();
                codec::get_numbers(&mut c, n, &mut self.values)?;
                let sample = codec::sample(&shape, &self.values)?;
                self.keyframe = Some(Keyframe {
                    seq,
                    shape,
                    values: self.values.clone(),
                });
                self.decoded(seq);
                Ok(Some(Record::Sample(Box::new(sample))))
            }
            format::KIND_DELTA => {
                let mut c = Cursor::new(payload);
                let seq = c.varint()?;
                let key_seq = c.varint()?;
                let key = self
                    .keyframe
                    .as_ref()
                    .filter(|k| k.seq == key_seq)
                    .ok_or(DecodeError("its keyframe is missing"))?;
                codec::get_numbers(&mut c, key.values.len(), &mut self.values)?;
                codec::apply_delta(&key.values, &mut self.values);
                let sample = codec::sample(&key.shape, &self.values)?;
                self.decoded(seq);
                Ok(Some(Record::Sample(Box::new(sample))))
            }
            format::KIND_STEP => {
                let mut c = Cursor::new(payload);
                let seq = c.varint()?;
                let prev_seq = c.varint()?;
                let key = self
                    .keyframe
                    .as_ref()
                    .ok_or(DecodeError("its keyframe is missing"))?;
                if self.prev_seq != Some(prev_seq) || self.prev_values.len() != key.values.len() {
                    return Err(DecodeError("the sample before it is missing"));
                }
                codec::get_numbers(&mut c, key.values.len(), &mut self.values)?;
                codec::apply_delta(&self.prev_values, &mut self.values);
                let sample = codec::sample(&key.shape, &self.values)?;
                self.decoded(seq);
                Ok(Some(Record::Sample(Box::new(sample))))
            }
            format::KIND_SAMPLE => {
                let decoded = groups::decode_sample(&mut self.groups, payload);
                if let Some(b) = self.groups.boot_id.take() {
                    self.last_boot_id = Some(b);
                }
                let (seq, sample) = decoded?;
                self.damage.groups_left_out += std::mem::take(&mut self.groups.left_out);
                self.last_seq = Some(seq);
                Ok(Some(Record::Sample(sample)))
            }
            format::KIND_RESTART => {
                let r = format::decode_restart(payload)?;
                if let Record::Restart { host, .. } = &r {
                    self.last_boot_id = Some(host.boot_id.clone());
                }
                // Counters restarted: deltas never reach back across a restart.
                self.keyframe = None;
                self.prev_seq = None;
                self.groups.forget();
                self.processes.forget();
                Ok(Some(r))
            }
            format::KIND_COMMENT => format::decode_comment(payload).map(Some),
            format::KIND_PROCESSES => super::procs::decode(&mut self.processes, payload, at)
                .map(|t| t.map(Record::Processes)),
            format::KIND_FRAME => {
                self.frames.mark(format::FrameMark::decode(payload)?);
                Ok(None)
            }
            format::KIND_ROLLUP => Ok(Some(Record::Rollup(payload.to_vec()))),
            format::KIND_COLUMNS => {
                let c = super::columns::Pending::decode(payload)?;
                self.frames.samples(c.len() as u64);
                self.columns = Some(c);
                Ok(None)
            }
            // A kind from a later version of the format: skip it.
            _ => Ok(None),
        }
    }
}

impl Scanner {
    /// Hand on the samples of the column record being read whose turn it is (`all`: every
    /// one left, the records that were to come before them having been passed or lost),
    /// at offset `at`.
    fn hand_on(&mut self, at: u64, all: bool, out: &mut impl Extend<(u64, Record)>) {
        while let Some(c) = self.columns.as_mut() {
            if c.is_done() {
                self.columns = None;
                break;
            }
            if !all && !c.ready() {
                break;
            }
            let Some(taken) = c.take() else { break };
            if taken.boot.is_some() {
                self.last_boot_id = taken.boot;
            }
            match taken.sample {
                Ok(s) => {
                    self.last_seq = Some(taken.seq);
                    out.extend(std::iter::once((at, Record::Sample(s))));
                }
                Err(_) => {
                    self.damage.undecodable += 1;
                    self.damage.first_undecodable.get_or_insert(at);
                }
            }
        }
    }

    /// The end of the input, at offset `at`: the samples of a column record whose other
    /// records did not all arrive are handed on.
    pub fn finish(&mut self, at: u64, out: &mut impl Extend<(u64, Record)>) {
        self.hand_on(at, true, out);
    }

    /// A sample was decoded into `values`: it is the one the next step refers to.
    fn decoded(&mut self, seq: u64) {
        self.last_seq = Some(seq);
        self.prev_seq = Some(seq);
        self.prev_values.clone_from(&self.values);
    }
}

/// Records before which a column record's samples are all handed on: samples, restarts,
/// frame marks and the next column record never come between a column record's samples.
fn ends_columns(kind: u8) -> bool {
    format::is_sample_kind(kind)
        || matches!(
            kind,
            format::KIND_RESTART | format::KIND_FRAME | format::KIND_COLUMNS
        )
}

/// Bytes of packed records per compressed frame (at least; a frame ends before the first
/// sample or restart past this): damage to a compressed day costs at most one frame.
pub const FRAME_BYTES: usize = 64 << 10;

/// Rewrite a closed day for compression: every delta becomes a step from the sample
/// before it (format 1: `KIND_STEP` records; format 2: each group a step, keyed at the
/// start of each frame; format 7: each frame's samples in columns, `columns`); everything
/// else, damaged bytes included, is copied as it is. `None` when the bytes do not start
/// with a header of ours, or were packed in columns already.
pub fn pack(bytes: &[u8]) -> Option<Vec<u8>> {
    pack_frames(bytes).map(|(out, _)| out)
}

/// `pack`, and where each compressed frame starts in its output: a frame is about
/// `FRAME_BYTES` of whole records, and the first sample of each (format 2) has every
/// group keyed and the first process table after it is a key, so that the records of a
/// frame decode without the frames before it.
pub fn pack_frames(bytes: &[u8]) -> Option<(Vec<u8>, Vec<usize>)> {
    pack_frames_of(bytes, FRAME_BYTES)
}

/// `pack_frames` with frames of about `frame_bytes` (for measuring the trade-off).
pub fn pack_frames_of(bytes: &[u8], frame_bytes: usize) -> Option<(Vec<u8>, Vec<usize>)> {
    let mut frame = Vec::new();
    let (file_header, hlen) = format::FileHeader::decode(bytes).ok()?;
    let header = &bytes[..hlen];
    let mut out = header.to_vec();
    let mut frames = vec![0];
    // Each frame's mark: where it is in `out`, and the samples before it.
    let mut marks = Vec::new();
    let mut samples = 0u32;
    let mut mark = |out: &mut Vec<u8>, frame: &mut Vec<u8>, samples: u32| {
        marks.push((out.len(), samples));
        let mut payload = Vec::new();
        format::FrameMark {
            index: 0,
            frames: 0,
            samples_before: samples,
            samples_in_frame: 0,
            samples: 0,
            header: header.to_vec(),
        }
        .payload(&mut payload);
        format::frame(format::KIND_FRAME, &payload, frame);
        out.extend_from_slice(frame);
    };
    mark(&mut out, &mut frame, 0);
    // Format 7: each frame's samples in columns, as they are decoded from the day (so a
    // sample read with a group left out is packed as it was read); a frame is cut once the
    // day's records in it take `frame_bytes` as they were written.
    let mut columns = (file_header.version >= format::VERSION_COLUMNS)
        .then(|| super::columns::Packer::new(file_header.version));
    let mut frame_in = 0;
    let encoding = super::writer::encoding_of(file_header.version);
    let mut sc = Scanner::default();
    let mut pos = hlen;
    let mut payload = Vec::new();
    let mut block = Vec::new();
    let mut processes = super::procs::ProcessWriter::for_version(file_header.version);
    let mut keys: [Option<groups::PackKey>; NGROUPS] = Default::default();
    let mut rekey = false;
    let mut budget = budget_for(bytes.len());
    while pos < bytes.len() {
        match format::read_frame(&bytes[pos..]) {
            Frame::Good {
                kind,
                payload: p,
                len,
            } => {
                let filled = match columns {
                    Some(_) => frame_in,
                    None => out.len() - frames.last().copied().unwrap_or(0),
                };
                let starts_frame = matches!(kind, format::KIND_SAMPLE | format::KIND_RESTART)
                    && filled >= frame_bytes;
                if kind == format::KIND_FRAME {
                    // A mark of an earlier packing: the frames are cut again.
                    pos += len;
                    continue;
                }
                if kind == format::KIND_COLUMNS {
                    // Packed already, by format 7: left as it is.
                    return None;
                }
                if starts_frame {
                    if let Some(c) = columns.as_mut() {
                        c.flush(&mut out);
                        c.forget_processes();
                    }
                    frames.push(out.len());
                    mark(&mut out, &mut frame, samples);
                    frame_in = 0;
                    rekey = true;
                    processes.forget();
                }
                frame_in += len;
                if format::is_sample_kind(kind) {
                    samples = samples.saturating_add(1);
                }
                let prev = sc.prev_seq.map(|s| (s, sc.prev_values.clone()));
                let decoded = sc.decode(kind, p, pos as u64);
                if kind == format::KIND_RESTART {
                    processes.forget();
                    keys = Default::default();
                }
                if let Some(c) = columns.as_mut() {
                    let record = &bytes[pos..pos + len];
                    match decoded {
                        Ok(Some(Record::Sample(_)))
                            if kind == format::KIND_SAMPLE && !groups::foreign_blocks(p) =>
                        {
                            c.sample(sc.last_seq.unwrap_or(0), &sc.groups, &mut out);
                            // A sample written as a row after these is keyed.
                            keys = Default::default();
                        }
                        Ok(Some(Record::Sample(_))) if kind == format::KIND_SAMPLE => {
                            // Blocks of groups this build does not know: a row, as they were.
                            c.flush(&mut out);
                            let row = groups::packed_payload(
                                &sc.groups,
                                p,
                                &mut keys,
                                rekey,
                                encoding,
                                &mut block,
                                &mut payload,
                            );
                            rekey = false;
                            match row {
                                Ok(()) => {
                                    format::frame(format::KIND_SAMPLE, &payload, &mut frame);
                                    out.extend_from_slice(&frame);
                                }
                                Err(_) => {
                                    out.extend_from_slice(record);
                                    keys = Default::default();
                                }
                            }
                        }
                        Ok(Some(Record::Processes(t))) => {
                            c.other(super::columns::Later::Processes(t), &mut out);
                        }
                        Ok(Some(Record::Comment { .. } | Record::Rollup(_)) | None) => {
                            c.other(super::columns::Later::Bytes(record.to_vec()), &mut out);
                        }
                        // Restarts and what does not decode stay where they were.
                        _ => {
                            c.flush(&mut out);
                            out.extend_from_slice(record);
                            keys = Default::default();
                            if kind == format::KIND_RESTART {
                                c.forget_processes();
                            }
                        }
                    }
                    pos += len;
                    continue;
                }
                let rewritten = match (kind, decoded, prev) {
                    // A process delta names its base by byte distance, and the records
                    // before it may have changed size: encode it again where it lands.
                    (format::KIND_PROCESSES, Ok(Some(Record::Processes(t))), _) => {
                        let at = out.len() as u64;
                        processes.payload(&t, at, &mut payload);
                        processes.written(&t, at);
                        format::frame(format::KIND_PROCESSES, &payload, &mut frame);
                        out.extend_from_slice(&frame);
                        true
                    }
                    (format::KIND_DELTA, Ok(Some(_)), Some((prev_seq, prev_values)))
                        if prev_values.len() == sc.values.len() =>
                    {
                        payload.clear();
                        super::bytes::put_varint(&mut payload, sc.last_seq.unwrap_or(0));
                        super::bytes::put_varint(&mut payload, prev_seq);
                        codec::put_delta(&mut payload, &prev_values, &sc.values);
                        format::frame(format::KIND_STEP, &payload, &mut frame);
                        out.extend_from_slice(&frame);
                        true
                    }
                    (format::KIND_SAMPLE, Ok(Some(_)), _) => {
                        match groups::packed_payload(
                            &sc.groups,
                            p,
                            &mut keys,
                            rekey,
                            super::writer::encoding_of(file_header.version),
                            &mut block,
                            &mut payload,
                        ) {
                            Ok(()) => {
                                rekey = false;
                                format::frame(format::KIND_SAMPLE, &payload, &mut frame);
                                out.extend_from_slice(&frame);
                                true
                            }
                            Err(_) => false,
                        }
                    }
                    _ => false,
                };
                if !rewritten {
                    out.extend_from_slice(&bytes[pos..pos + len]);
                    if kind == format::KIND_SAMPLE {
                        // Copied as it was: the next sample keys its groups again.
                        keys = Default::default();
                    }
                }
                pos += len;
            }
            Frame::Torn | Frame::Bad => {
                let next = match next_good(bytes, pos + 1, &mut budget) {
                    Search::Found(next) => next,
                    Search::NotFound | Search::Exhausted => bytes.len(),
                };
                if let Some(c) = columns.as_mut() {
                    c.flush(&mut out);
                }
                out.extend_from_slice(&bytes[pos..next]);
                pos = next;
            }
        }
    }
    if let Some(c) = columns.as_mut() {
        c.flush(&mut out);
    }
    // The counts known only now, written into each mark in place (they are fixed-width).
    let count = u32::try_from(marks.len()).unwrap_or(u32::MAX);
    for (i, &(at, before)) in marks.iter().enumerate() {
        let next = marks.get(i + 1).map_or(samples, |&(_, b)| b);
        let p = at + 7;
        for (k, v) in [
            (0, i as u32),
            (4, count),
            (12, next - before),
            (16, samples),
        ] {
            out[p + k..p + k + 4].copy_from_slice(&v.to_le_bytes());
        }
        let len = format::FRAME_MARK_FIXED + header.len();
        let crc = crc32fast::hash(&out[at + 2..p + len]);
        out[p + len..p + len + 4].copy_from_slice(&crc.to_le_bytes());
    }
    Some((out, frames))
}

/// Where the first good record in `buf` starts (a reader starting in the middle of a
/// file: the bytes before it belong to a record that began earlier).
pub fn first_good(buf: &[u8]) -> Option<usize> {
    if let Frame::Good { .. } = format::read_frame(buf) {
        return Some(0);
    }
    match next_good(buf, 1, &mut budget_for(buf.len())) {
        Search::Found(i) => Some(i),
        Search::NotFound | Search::Exhausted => None,
    }
}

/// Checksum work allowed when resynchronising in `len` bytes: proportional to them.
fn budget_for(len: usize) -> usize {
    len.saturating_mul(64).max(1 << 20)
}

/// What a search for the next good record found.
#[derive(Debug, PartialEq, Eq)]
enum Search {
    Found(usize),
    /// No good record starts after this point.
    NotFound,
    /// The work budget ran out before the search could tell.
    Exhausted,
}

/// The offset of the next complete, intact record at or after `from`.
fn next_good(buf: &[u8], from: usize, budget: &mut usize) -> Search {
    let mut i = from;
    while i + FRAME_OVERHEAD <= buf.len() {
        let Some(off) = memchr::memmem::find(&buf[i..], &SYNC) else {
            return Search::NotFound;
        };
        i += off;
        // Only a frame that fits the buffer is checksummed; one whose declared length is
        // out of bounds or runs past the end costs nothing (planted markers with huge
        // lengths do not use up the budget).
        let declared = buf.get(i + 2..i + 6).map_or(usize::MAX, |b| {
            u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize
        });
        let checked = declared <= format::MAX_PAYLOAD && i + FRAME_OVERHEAD + declared <= buf.len();
        if checked {
            let Some(left) = budget.checked_sub(declared + 5) else {
                return Search::Exhausted;
            };
            *budget = left;
        }
        if let Frame::Good { .. } = format::read_frame(&buf[i..]) {
            return Search::Found(i);
        }
        i += 1;
    }
    Search::NotFound
}
/// Where a record cut short by the end of the buffer starts (the buffer's length if the
/// bytes after `from` are not the beginning of a record).
fn last_torn_start(buf: &[u8], from: usize) -> usize {
    let mut i = from;
    while i < buf.len() {
        if format::read_frame(&buf[i..]) == Frame::Torn {
            return i;
        }
        match buf[i + 1..].windows(2).position(|w| w == SYNC) {
            Some(off) => i += 1 + off,
            None => {
                // A lone first sync byte at the very end is a torn record too.
                return if buf.last() == Some(&SYNC[0]) {
                    buf.len() - 1
                } else {
                    buf.len()
                };
            }
        }
    }
    buf.len()
}
