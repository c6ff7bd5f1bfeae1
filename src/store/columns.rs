//! Format 7: the samples of a compressed frame in columns (kind 10, closed days and tiers
//! only). A frame's samples are written as one record that holds, per group, each value's
//! column down the samples: the first as it is, then its differences, so that zstd meets
//! the small, alike numbers of one counter together instead of a row of unlike ones per
//! sample. The frame's other records (process tables, roll-up levels, comments) stay where
//! they were, after the column record, which says how many of them came before each sample:
//! a reader hands the records on in their order.
//!
//! `Packer` gathers a frame's samples as the packer decodes the day
//! (`reader::pack_frames_of`, which cuts the frames); `Pending` is a column record being
//! read, its samples built one at a time as they are handed on.

use super::bytes::{put_varint, unzigzag, zigzag, Cursor, DecodeError};
use super::codec::{get_numbers, put_numbers};
use super::format;
use super::groups::{self, GroupState, Layout, NGROUPS};
use crate::sample::Sample;

/// Samples in one column record at most...
const MAX_SAMPLES: usize = 1 << 16;
/// ...and values: a reader holds them decoded (8 bytes each) while it hands the samples on.
const MAX_VALUES: usize = 1 << 22;

/// A run of samples being gathered into a column record.
#[derive(Debug, Default)]
struct Run {
    seqs: Vec<u64>,
    /// Per sample, the other records between it and the sample before (or the column
    /// record).
    others_before: Vec<u64>,
    /// Other records since the run's last sample.
    others: u64,
    /// Values in the run (`MAX_VALUES`).
    values: usize,
    /// Per group slot, once the run has a sample.
    groups: Vec<GroupRun>,
}

/// One group's part of a run.
#[derive(Debug, Default, Clone)]
struct GroupRun {
    /// The distinct layouts, as their key blocks hold them.
    layouts: Vec<Vec<u8>>,
    /// Per sample, 1 + the index of its layout; 0 when the group is not in the sample.
    which: Vec<u64>,
    /// Per layout, its samples' values, one sample after another.
    rows: Vec<Vec<u64>>,
}

impl Run {
    fn is_empty(&self) -> bool {
        self.seqs.is_empty()
    }

    /// Whether sample `seq` with `values` values can join the run: it still fits in one
    /// record, and its sequence number follows the run's (as the format's always do; a
    /// file that breaks that begins a new run, never a wrapped gap).
    fn takes(&self, seq: u64, values: usize) -> bool {
        self.seqs.len() < MAX_SAMPLES
            && self.values + values <= MAX_VALUES
            && self.seqs.last().is_none_or(|&last| seq > last)
    }

    /// The sample `seq`, as `st` decoded it: each group decoded in it, on its key's layout.
    fn push(&mut self, seq: u64, st: &GroupState) {
        if self.groups.is_empty() {
            self.groups.resize(NGROUPS, GroupRun::default());
        }
        for (slot, g) in self.groups.iter_mut().enumerate() {
            let decoded = st.prev[slot].as_ref().filter(|p| p.seq == seq);
            let key = st.keys[slot].as_ref();
            let (Some(p), Some(k)) = (decoded, key) else {
                g.which.push(0);
                continue;
            };
            let i = match g.layouts.iter().position(|l| *l == k.layout_bytes) {
                Some(i) => i,
                None => {
                    g.layouts.push(k.layout_bytes.clone());
                    g.rows.push(Vec::new());
                    g.layouts.len() - 1
                }
            };
            g.which.push(i as u64 + 1);
            g.rows[i].extend_from_slice(&p.values);
            self.values += p.values.len();
        }
        self.seqs.push(seq);
        self.others_before.push(std::mem::take(&mut self.others));
    }

    /// The run's payload (kind 10); the run is emptied.
    fn take_payload(&mut self, out: &mut Vec<u8>) {
        out.clear();
        let n = self.seqs.len();
        put_varint(out, n as u64);
        put_numbers(out, self.others_before.iter().copied());
        put_varint(out, self.seqs[0]);
        put_numbers(out, self.seqs.windows(2).map(|w| w[1] - w[0] - 1));
        let mut body = Vec::new();
        for (slot, g) in self.groups.iter().enumerate() {
            if g.layouts.is_empty() {
                continue;
            }
            body.clear();
            put_varint(&mut body, g.layouts.len() as u64);
            for l in &g.layouts {
                body.extend_from_slice(l);
            }
            put_numbers(&mut body, g.which.iter().copied());
            for (i, rows) in g.rows.iter().enumerate() {
                let m = g.which.iter().filter(|&&w| w == i as u64 + 1).count();
                let width = rows.len() / m.max(1);
                let column = |j: usize| {
                    (0..m).map(move |r| {
                        let v = rows[r * width + j];
                        match r {
                            0 => v,
                            _ => zigzag(v.wrapping_sub(rows[(r - 1) * width + j]) as i64),
                        }
                    })
                };
                put_numbers(&mut body, (0..width).flat_map(column));
            }
            put_varint(out, groups::group_id(slot));
            put_varint(out, body.len() as u64);
            out.extend_from_slice(&body);
        }
        *self = Run::default();
    }
}

/// A frame's samples being packed in columns, as the packer decodes the day
/// (`reader::pack_frames_of`): each sample joins the run; the records that come after the
/// run's first sample wait for its column record; `flush` writes them all.
pub(super) struct Packer {
    run: Run,
    /// Records after the run's first sample, written once its column record is.
    after: Vec<Later>,
    processes: super::procs::ProcessWriter,
    payload: Vec<u8>,
    frame: Vec<u8>,
}

/// A record after a run's first sample.
pub(super) enum Later {
    Bytes(Vec<u8>),
    /// Encoded again where it lands (a process delta names its base by byte distance).
    Processes(super::procs::ProcessTable),
}

impl Packer {
    /// For a file of format `version`.
    pub(super) fn new(version: u16) -> Packer {
        Packer {
            run: Run::default(),
            after: Vec::new(),
            processes: super::procs::ProcessWriter::for_version(version),
            payload: Vec::new(),
            frame: Vec::new(),
        }
    }

    /// Sample `seq`, as `st` decoded it (the groups decoded in it; a group that could
    /// not be is not in it, as when its file could not be read).
    pub(super) fn sample(&mut self, seq: u64, st: &GroupState, out: &mut Vec<u8>) {
        if !self.run.takes(seq, groups::values_in(st, seq)) {
            self.flush(out);
        }
        self.run.push(seq, st);
    }

    /// A record that is not a sample: after the run, or at once when there is none.
    pub(super) fn other(&mut self, later: Later, out: &mut Vec<u8>) {
        if self.run.is_empty() {
            self.write(later, out);
        } else {
            self.run.others += 1;
            self.after.push(later);
        }
    }

    /// A new frame or a restart: the next process table is a key.
    pub(super) fn forget_processes(&mut self) {
        self.processes.forget();
    }

    fn write(&mut self, later: Later, out: &mut Vec<u8>) {
        match later {
            Later::Bytes(b) => out.extend_from_slice(&b),
            Later::Processes(t) => {
                let at = out.len() as u64;
                self.processes.payload(&t, at, &mut self.payload);
                self.processes.written(&t, at);
                format::frame(format::KIND_PROCESSES, &self.payload, &mut self.frame);
                out.extend_from_slice(&self.frame);
            }
        }
    }

    /// The run's column record, then the records after it: before anything that must
    /// not come between them (a frame's end, a restart, damaged bytes, a record copied
    /// as it is, a sample written as a row).
    pub(super) fn flush(&mut self, out: &mut Vec<u8>) {
        if !self.run.is_empty() {
            self.run.take_payload(&mut self.payload);
            format::frame(format::KIND_COLUMNS, &self.payload, &mut self.frame);
            out.extend_from_slice(&self.frame);
        }
        for later in std::mem::take(&mut self.after) {
            self.write(later, out);
        }
    }
}

/// A column record being read: its samples, built one at a time as they are handed on.
#[derive(Debug)]
pub struct Pending {
    seqs: Vec<u64>,
    others_before: Vec<u64>,
    next: usize,
    groups: Vec<GroupColumns>,
    raw: Vec<Option<u64>>,
    values: Vec<u64>,
}

/// One group of a column record, decoded.
#[derive(Debug)]
struct GroupColumns {
    layouts: Vec<Layout>,
    /// Per sample, 1 + the index of its layout; 0 when the group is not in it.
    which: Vec<u64>,
    /// Per sample, its row among the samples of its layout.
    row: Vec<usize>,
    /// Per layout, its values column by column, as they are (the differences summed).
    columns: Vec<Vec<u64>>,
    /// Per layout, how many samples have it (the length of each of its columns).
    counts: Vec<usize>,
}

impl Pending {
    /// Read a column record's payload.
    pub fn decode(payload: &[u8]) -> Result<Pending, DecodeError> {
        let mut c = Cursor::new(payload);
        let n = c.count(MAX_SAMPLES)?;
        if n == 0 {
            return Err(DecodeError("a column record of no samples"));
        }
        let mut others_before = Vec::new();
        get_numbers(&mut c, n, &mut others_before)?;
        let mut seqs = Vec::with_capacity(n);
        seqs.push(c.varint()?);
        let mut gaps = Vec::new();
        get_numbers(&mut c, n - 1, &mut gaps)?;
        for g in gaps {
            let next = seqs[seqs.len() - 1]
                .checked_add(g)
                .and_then(|s| s.checked_add(1))
                .ok_or(DecodeError("sequence numbers past 2^64"))?;
            seqs.push(next);
        }
        let mut groups = Vec::new();
        let mut total = 0usize;
        let mut last_id = None;
        while c.remaining() > 0 {
            let id = c.varint()?;
            let len = c.count(c.remaining())?;
            let body = c.bytes(len)?;
            if last_id.is_some_and(|l| id <= l) {
                return Err(DecodeError("groups out of order in a column record"));
            }
            last_id = Some(id);
            // A group this reader does not know: skipped.
            let Some(slot) = groups::slot_of(id) else {
                continue;
            };
            groups.push(GroupColumns::decode(slot, body, n, &mut total)?);
        }
        Ok(Pending {
            seqs,
            others_before,
            next: 0,
            groups,
            raw: Vec::new(),
            values: Vec::new(),
        })
    }

    /// Samples in the record.
    pub fn len(&self) -> usize {
        self.seqs.len()
    }

    /// Whether every sample was handed on.
    pub fn is_done(&self) -> bool {
        self.next == self.seqs.len()
    }

    /// Whether the next sample comes now (the other records before it were passed).
    pub fn ready(&self) -> bool {
        self.others_before.get(self.next) == Some(&0)
    }

    /// One of the other records after the column record was passed.
    pub fn passed_other(&mut self) {
        if let Some(k) = self.others_before.get_mut(self.next) {
            *k = k.saturating_sub(1);
        }
    }

    /// The next sample.
    pub fn take(&mut self) -> Option<Taken> {
        let i = self.next;
        let seq = *self.seqs.get(i)?;
        self.next += 1;
        let mut s = Box::<Sample>::default();
        let mut boot = None;
        for g in &self.groups {
            let k = g.which[i];
            if k == 0 {
                continue;
            }
            let k = k as usize - 1;
            let (layout, m, r) = (&g.layouts[k], g.counts[k], g.row[i]);
            self.values.clear();
            self.values
                .extend((0..layout.value_count).map(|j| g.columns[k][j * m + r]));
            if let Err(e) = groups::apply(layout, &self.values, &mut s, &mut self.raw) {
                let sample = Err(e);
                return Some(Taken { seq, boot, sample });
            }
            if let Some(b) = layout.items.boot() {
                boot = Some(b.to_string());
            }
        }
        groups::io_totals_of_older_imports(&mut s);
        let sample = Ok(s);
        Some(Taken { seq, boot, sample })
    }
}

/// A sample of a column record, handed on.
pub struct Taken {
    pub seq: u64,
    /// The boot it was taken in, when its time group says.
    pub boot: Option<String>,
    pub sample: Result<Box<Sample>, DecodeError>,
}

impl GroupColumns {
    fn decode(
        slot: usize,
        body: &[u8],
        n: usize,
        total: &mut usize,
    ) -> Result<GroupColumns, DecodeError> {
        let mut c = Cursor::new(body);
        let count = c.count(n)?;
        let mut layouts = Vec::with_capacity(count);
        for _ in 0..count {
            layouts.push(groups::parse_layout(slot, &mut c)?);
        }
        let mut which = Vec::new();
        get_numbers(&mut c, n, &mut which)?;
        let mut counts = vec![0usize; count];
        let mut row = Vec::with_capacity(n);
        for &w in &which {
            if w > count as u64 {
                return Err(DecodeError("a sample of a layout the column record lacks"));
            }
            if w == 0 {
                row.push(0);
            } else {
                row.push(counts[w as usize - 1]);
                counts[w as usize - 1] += 1;
            }
        }
        let mut columns = Vec::with_capacity(count);
        for (l, &m) in layouts.iter().zip(&counts) {
            let values = l.value_count.saturating_mul(m);
            *total = total.saturating_add(values);
            if *total > MAX_VALUES {
                return Err(DecodeError("more values than a column record may hold"));
            }
            let mut col = Vec::new();
            get_numbers(&mut c, values, &mut col)?;
            for column in col.chunks_mut(m.max(1)) {
                for r in 1..column.len() {
                    column[r] = column[r - 1].wrapping_add(unzigzag(column[r]) as u64);
                }
            }
            columns.push(col);
        }
        Ok(GroupColumns {
            layouts,
            which,
            row,
            columns,
            counts,
        })
    }
}
