//! Format 2: a sample as a sequence of per-group blocks, each keyed on its own.
//!
//! A block is `varint tag (group id << 2 | mode)`, `varint length`, body. A *key* body
//! holds the group's layout (field count, flags, item set, per-item presence of optional
//! fields) and its values; a *delta* body names its key by distance in sequence numbers
//! and holds each value's difference from the key's; a *step* (closed days only) the
//! difference from the same group in the sample before. Format 3 adds the *change*: the
//! values that moved since the group's key or its sample before, whichever is at the
//! record's reference distance (1 unless a block of group 0 says otherwise); most numbers
//! do not move from one second to the next, so a sample of an idle group costs two bytes.
//! A reader skips a block whose group it does not know, and ignores fields past those it
//! knows, so a group or a field can be added without a new format version. The field
//! tables come from `crate::sample::GROUPS` and each group's layout and values from its
//! member of `Sample` (`members`): nothing here lists a group or its fields.

use super::bytes::{put_varint, Cursor, DecodeError};
use super::codec::{apply_delta, get_changes, get_numbers, put_changes, put_delta, put_numbers};
pub use super::members::{encode, Items};
use crate::sample::{Field, Group, IoTotals, Sample, GROUPS};

/// Block modes: the low two bits of a block's tag.
pub const MODE_KEY: u64 = 0;
pub const MODE_DELTA: u64 = 1;
pub const MODE_STEP: u64 = 2;
/// Format 3: the values that changed since the group's key or its sample before, at the
/// record's reference distance (`put_changes`).
pub const MODE_CHANGE: u64 = 3;
/// Format 3: a block of this group id (mode key), first in a record, holds the record's
/// reference distance (varint, ≥ 1); without one it is 1.
pub const GROUP_REFERENCE: u64 = 0;
/// Format 4: a block of group 0 in this mode, after the reference block and before every
/// group's block, names the groups whose numbers are those of the sample at the record's
/// reference distance (`Unchanged`): they have no block of their own.
pub const MODE_UNCHANGED: u64 = MODE_CHANGE;
/// How many groups this build knows (the slots of `GROUPS`; ids have gaps).
pub const NGROUPS: usize = GROUPS.len();
/// Guards on what a layout read from a file may ask for.
const MAX_FIELDS: usize = 256;
const MAX_VALUES: usize = 1 << 20;
/// Layout flag: per-item presence bits follow the item set.
const FLAG_PRESENCE: u64 = 1;
/// Layout flag (format 6): after the flags, a count and that many pairs (field, bits):
/// those fields' values are stored rotated right by so many bits (`Field::align_bits`).
const FLAG_ALIGNED: u64 = 2;

/// The time group's slot: its key is the record's reference (`sample_payload`).
const SLOT_TIME: usize = slot_const(1);

/// The slot of group `id` in `GROUPS`, at compile time.
pub(super) const fn slot_const(id: u8) -> usize {
    let mut i = 0;
    while i < GROUPS.len() {
        if GROUPS[i].id == id {
            return i;
        }
        i += 1;
    }
    panic!("no such group id")
}

/// The group id of a slot (`GROUPS[slot].id`).
pub fn group_id(slot: usize) -> u64 {
    GROUPS.get(slot).map_or(0, |g| u64::from(g.id))
}

pub(super) fn slot_of(id: u64) -> Option<usize> {
    GROUPS.iter().position(|g| u64::from(g.id) == id)
}

/// The groups of a format-4 record that did not change (`MODE_UNCHANGED`): a bit per
/// group id, bit `id % 8` of byte `id / 8`, trailing zero bytes left out. On an idle
/// machine most groups do not move from one second to the next; a bit each is all they
/// cost, where a change block costs two bytes (tag and empty length).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Unchanged([u8; 32]);

impl Unchanged {
    pub fn set(&mut self, id: u64) {
        if let Some(b) = self.0.get_mut((id / 8) as usize) {
            *b |= 1 << (id % 8);
        }
    }

    pub fn has(&self, id: u64) -> bool {
        self.0
            .get((id / 8) as usize)
            .is_some_and(|b| b >> (id % 8) & 1 == 1)
    }

    pub fn is_empty(&self) -> bool {
        self.0.iter().all(|&b| b == 0)
    }

    fn parse(body: &[u8]) -> Result<Self, DecodeError> {
        let mut u = Unchanged::default();
        if body.len() > u.0.len() || body.last() == Some(&0) {
            return Err(DecodeError("a bad list of unchanged groups"));
        }
        u.0[..body.len()].copy_from_slice(body);
        Ok(u)
    }

    /// Write the block, if any group is in it, at `at` in `out` (before the groups' blocks).
    fn insert(&self, out: &mut Vec<u8>, at: usize, block: &mut Vec<u8>) {
        if self.is_empty() {
            return;
        }
        let len = self.0.iter().rposition(|&b| b != 0).map_or(0, |i| i + 1);
        block.clear();
        put_block(block, GROUP_REFERENCE, MODE_UNCHANGED, &self.0[..len]);
        // In place, without allocating: a steady-state sample allocates nothing.
        out.extend_from_slice(block);
        out[at..].rotate_right(block.len());
    }
}

/// One group of one sample, encoded by a writer: its layout bytes and its values.
#[derive(Debug, Default, Clone)]
pub struct Encoded {
    pub present: bool,
    pub layout: Vec<u8>,
    pub values: Vec<u64>,
    presence: Vec<u8>,
    /// Format 6: fields with `align_bits` are stored rotated by them (`FLAG_ALIGNED`).
    aligned: bool,
}

fn has_optional<T: Group>() -> bool {
    T::FIELDS.iter().any(|f| f.optional)
}

/// How many bits field `i` of `fields` is rotated by when stored aligned.
fn align_of(fields: &[Field], i: usize) -> u32 {
    fields.get(i).map_or(0, |f| u32::from(f.align_bits))
}

impl Encoded {
    pub(super) fn set_aligned(&mut self, aligned: bool) {
        self.aligned = aligned;
    }

    pub(super) fn start<T: Group>(&mut self) {
        self.start_fields(T::FIELDS);
    }

    /// The layout's start: the field count and flags, and in format 6 the fields stored
    /// aligned.
    pub(super) fn start_fields(&mut self, fields: &[Field]) {
        self.present = true;
        self.layout.clear();
        self.values.clear();
        self.presence.clear();
        let optional = fields.iter().any(|f| f.optional);
        let aligned = self.aligned && fields.iter().any(|f| f.align_bits > 0);
        put_varint(&mut self.layout, fields.len() as u64);
        put_varint(
            &mut self.layout,
            (u64::from(optional) * FLAG_PRESENCE) | (u64::from(aligned) * FLAG_ALIGNED),
        );
        if aligned {
            let list = || fields.iter().enumerate().filter(|(_, f)| f.align_bits > 0);
            put_varint(&mut self.layout, list().count() as u64);
            for (i, f) in list() {
                put_varint(&mut self.layout, i as u64);
                put_varint(&mut self.layout, u64::from(f.align_bits));
            }
        }
    }

    pub(super) fn item<T: Group>(&mut self, t: &T) {
        let optional = has_optional::<T>();
        let fields = T::FIELDS.len();
        // Rotated by 0 bits: stored as they are.
        let aligned = self.aligned;
        let bits = |i: usize| if aligned { align_of(T::FIELDS, i) } else { 0 };
        let values = &mut self.values;
        values.reserve(fields);
        if fields <= 64 {
            // The presence bits gathered in a register, then stored once.
            let (mut i, mut present) = (0, 0u64);
            t.raw_values(&mut |v| {
                if let Some(v) = v {
                    values.push(v.rotate_right(bits(i)));
                    present |= 1 << i;
                }
                i += 1;
            });
            if optional {
                let bytes = present.to_le_bytes();
                self.presence
                    .extend_from_slice(&bytes[..fields.div_ceil(8)]);
            }
            return;
        }
        let base = self.presence.len();
        if optional {
            self.presence.resize(base + fields.div_ceil(8), 0);
        }
        let presence = &mut self.presence;
        let mut i = 0;
        t.raw_values(&mut |v| {
            if let Some(v) = v {
                values.push(v.rotate_right(bits(i)));
                if optional {
                    presence[base + i / 8] |= 1 << (i % 8);
                }
            }
            i += 1;
        });
    }

    pub(super) fn finish(&mut self) {
        self.layout.extend_from_slice(&self.presence);
    }
}

/// A group's layout, read from its key block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layout {
    /// Fields per item the writer knew (this reader may know fewer or more).
    pub fields: usize,
    pub items: Items,
    /// Per item, ⌈fields/8⌉ bytes of presence bits; `None`: every field present.
    pub presence: Option<Vec<u8>>,
    /// Numbers in the block.
    pub value_count: usize,
    /// Per field, the bits its stored values are rotated right by (format 6,
    /// `FLAG_ALIGNED`); empty: none is.
    pub align: Vec<u32>,
}

impl Layout {
    /// Field `f`'s value as stored, as it was.
    fn unaligned(&self, f: usize, v: u64) -> u64 {
        v.rotate_left(self.align.get(f).copied().unwrap_or(0))
    }
}

pub(super) fn parse_layout(slot: usize, c: &mut Cursor<'_>) -> Result<Layout, DecodeError> {
    let fields = c.count(MAX_FIELDS)?;
    let flags = c.varint()?;
    let mut align = Vec::new();
    if flags & FLAG_ALIGNED != 0 {
        align.resize(fields, 0);
        for _ in 0..c.count(fields)? {
            let f = c.count(fields.saturating_sub(1))?;
            let bits = c.count(63)?;
            align[f] = bits as u32;
        }
    }
    let items = Items::parse(slot, c)?;
    let n = items.count();
    if n.saturating_mul(fields) > MAX_VALUES {
        return Err(DecodeError("more values than a group can hold"));
    }
    let (presence, value_count) = if flags & FLAG_PRESENCE != 0 {
        let per = fields.div_ceil(8);
        let p = c.bytes(n * per)?.to_vec();
        let count = p
            .chunks(per.max(1))
            .take(n)
            .map(|item| {
                (0..fields)
                    .filter(|&f| item.get(f / 8).is_some_and(|b| b >> (f % 8) & 1 == 1))
                    .count()
            })
            .sum();
        (Some(p), if per == 0 { 0 } else { count })
    } else {
        (None, n * fields)
    };
    Ok(Layout {
        fields,
        items,
        presence,
        value_count,
        align,
    })
}

/// Hands out a group's values item by item, as this reader's structs.
pub struct ItemReader<'a> {
    layout: &'a Layout,
    values: &'a [u64],
    pos: usize,
    item: usize,
    raw: &'a mut Vec<Option<u64>>,
}

impl<'a> ItemReader<'a> {
    pub(super) fn new(
        layout: &'a Layout,
        values: &'a [u64],
        raw: &'a mut Vec<Option<u64>>,
    ) -> Self {
        ItemReader {
            layout,
            values,
            pos: 0,
            item: 0,
            raw,
        }
    }

    pub(super) fn next<T: Group>(&mut self, t: &mut T) -> Result<(), DecodeError> {
        let per = self.layout.fields.div_ceil(8);
        let known = T::FIELDS.len();
        self.raw.clear();
        if self.layout.presence.is_none() {
            // Every field present: the item's values as they are, those past the fields
            // this reader knows skipped.
            let end = self.pos + self.layout.fields;
            let item = self
                .values
                .get(self.pos..end)
                .ok_or(DecodeError("fewer values than the layout"))?;
            let layout = self.layout;
            self.raw.extend(
                item.iter()
                    .take(known)
                    .enumerate()
                    .map(|(f, &v)| Some(layout.unaligned(f, v))),
            );
            self.pos = end;
            self.item += 1;
            return t
                .set_raw_values(self.raw)
                .map_err(|_| DecodeError("a value out of its field's range"));
        }
        for f in 0..self.layout.fields {
            let present = self.layout.presence.as_ref().is_none_or(|p| {
                p.get(self.item * per + f / 8)
                    .is_some_and(|b| b >> (f % 8) & 1 == 1)
            });
            let v = if present {
                let v = *self
                    .values
                    .get(self.pos)
                    .ok_or(DecodeError("fewer values than the layout"))?;
                self.pos += 1;
                Some(self.layout.unaligned(f, v))
            } else {
                None
            };
            // Fields past those this reader knows are skipped.
            if f < known {
                self.raw.push(v);
            }
        }
        self.item += 1;
        t.set_raw_values(self.raw)
            .map_err(|_| DecodeError("a value out of its field's range"))
    }

    pub(super) fn one<T: Group>(&mut self) -> Result<T, DecodeError> {
        let mut t = T::default();
        self.next(&mut t)?;
        Ok(t)
    }
}

/// Put a group's values into the sample. `raw` is scratch.
pub(super) fn apply(
    layout: &Layout,
    values: &[u64],
    s: &mut Sample,
    raw: &mut Vec<Option<u64>>,
) -> Result<(), DecodeError> {
    layout
        .items
        .apply(&mut ItemReader::new(layout, values, raw), s)
}

/// A group's current key, as a reader (and a writer resuming a file) knows it.
#[derive(Debug, Clone)]
pub struct GroupKey {
    /// Sequence number of the sample record holding the key block.
    pub seq: u64,
    /// The layout exactly as written (a writer compares its own with it).
    pub layout_bytes: Vec<u8>,
    pub layout: Layout,
    pub values: Vec<u64>,
}

/// A group's values in the last sample that had it (what a step is decoded against).
#[derive(Debug, Clone, Default)]
pub struct Prev {
    pub seq: u64,
    pub key_seq: u64,
    pub values: Vec<u64>,
}

/// What a reader keeps between format-2 sample records.
#[derive(Debug, Default, Clone)]
pub struct GroupState {
    pub keys: [Option<GroupKey>; NGROUPS],
    pub prev: [Option<Prev>; NGROUPS],
    /// The boot id of the last time key read.
    pub boot_id: Option<String>,
    /// Group blocks left out of the samples read (`decode_sample`), since last taken.
    pub left_out: u64,
    /// Scratch, reused from sample to sample: an item's values as its group takes them,
    /// and the values a step is decoded against.
    raw: Vec<Option<u64>>,
    before: Vec<u64>,
}

impl GroupState {
    /// A restart: counters began again; nothing reaches back across it.
    pub fn forget(&mut self) {
        *self = GroupState {
            boot_id: self.boot_id.take(),
            ..GroupState::default()
        };
    }
}

/// The blocks of a sample payload after its sequence number: (group id, mode, body).
fn blocks<'a, 'c>(
    c: &'c mut Cursor<'a>,
) -> impl Iterator<Item = Result<(u64, u64, &'a [u8]), DecodeError>> + use<'a, 'c> {
    std::iter::from_fn(move || {
        if c.remaining() == 0 {
            return None;
        }
        let block = (|| {
            let tag = c.varint()?;
            let len = c.count(c.remaining())?;
            Ok((tag >> 2, tag & 3, c.bytes(len)?))
        })();
        Some(block)
    })
}

/// Decode a format-2 sample record's payload.
///
/// A block of an optional group that cannot be decoded although the reader has met the
/// group's key (its key was damaged since, or it is a step and the sample before lacked
/// the group) is left out: the sample is read without that group, a gap in it as when
/// its file could not be read, and `GroupState::left_out` counts it. The sample itself is
/// refused only when such a block is of a group every sample has (time, CPUs, kernel
/// counters), or of a group whose key this read has not met yet: starting in the middle
/// of a file, records before every group's key are the cost of starting there, not
/// damage (`LogReader::seek_before`).
pub fn decode_sample(
    st: &mut GroupState,
    payload: &[u8],
) -> Result<(u64, Box<Sample>), DecodeError> {
    let mut c = Cursor::new(payload);
    let seq = c.varint()?;
    let mut s = Box::<Sample>::default();
    let mut failed = None;
    let mut left_out = 0;
    // `None`: the record's reference block could not be read, so none of its changes can be.
    let mut reference = Some(1);
    let mut unchanged = Unchanged::default();
    // Slots below this one are decoded (or were not in the record): the unchanged groups
    // are decoded in slot order among the others, as a writer writes them.
    let mut next_slot = 0;
    let mut settle = |r: Result<bool, DecodeError>| match r {
        Ok(left) => left_out += u64::from(left),
        Err(e) => {
            failed.get_or_insert(e);
        }
    };
    for block in blocks(&mut c) {
        let (id, mode, body) = block?;
        if id == GROUP_REFERENCE {
            match mode {
                MODE_KEY => {
                    reference = Cursor::new(body).varint().ok().filter(|&d| d > 0);
                    if reference.is_none() {
                        settle(Err(DecodeError("a bad reference distance")));
                    }
                }
                MODE_UNCHANGED if next_slot == 0 => unchanged = Unchanged::parse(body)?,
                MODE_UNCHANGED => return Err(DecodeError("unchanged groups after the groups")),
                _ => {}
            }
            continue;
        }
        // A group this reader does not know: skipped.
        let Some(slot) = slot_of(id) else { continue };
        if unchanged.has(id) {
            return Err(DecodeError("a group both unchanged and written"));
        }
        let before = next_slot..slot;
        decode_unchanged(st, before, &unchanged, seq, reference, &mut s, &mut settle);
        next_slot = next_slot.max(slot + 1);
        let block = Block { slot, mode, body };
        settle(decode_or_leave_out(st, block, seq, reference, &mut s));
    }
    let after = next_slot..NGROUPS;
    decode_unchanged(st, after, &unchanged, seq, reference, &mut s, &mut settle);
    match failed {
        Some(e) => Err(e),
        None => {
            st.left_out += left_out;
            io_totals_of_older_imports(&mut s);
            Ok((seq, s))
        }
    }
}

/// The groups of `slots` that `unchanged` names, each decoded as an empty change block:
/// the group of the reference sample as it is.
fn decode_unchanged(
    st: &mut GroupState,
    slots: std::ops::Range<usize>,
    unchanged: &Unchanged,
    seq: u64,
    reference: Option<u64>,
    s: &mut Sample,
    settle: &mut impl FnMut(Result<bool, DecodeError>),
) {
    for u in slots.filter(|&u| unchanged.has(group_id(u))) {
        let block = Block {
            slot: u,
            mode: MODE_CHANGE,
            body: &[],
        };
        settle(decode_or_leave_out(st, block, seq, reference, s));
    }
}

/// Days imported from sysstat files before the `iototals` group carried sar -b's totals
/// as a block device named `sysstat-io-totals` (physical, not a whole disk): read it back
/// as the group, so that `-b` on those days still shows the totals.
pub(super) fn io_totals_of_older_imports(s: &mut Sample) {
    if s.io_totals.is_some() {
        return;
    }
    let Some(i) = s
        .disks
        .iter()
        .position(|d| !d.whole && d.physical && d.name == "sysstat-io-totals")
    else {
        return;
    };
    let d = s.disks.remove(i);
    s.io_totals = Some(IoTotals {
        reads: d.reads,
        writes: d.writes,
        read_sectors: d.read_sectors,
        write_sectors: d.write_sectors,
        discards: d.discards.unwrap_or(0),
        discard_sectors: d.discard_sectors.unwrap_or(0),
    });
}

/// Whether a sample payload holds blocks of groups this build does not know (or names
/// such a group unchanged): packing keeps those as they are.
pub(super) fn foreign_blocks(payload: &[u8]) -> bool {
    let mut c = Cursor::new(payload);
    if c.varint().is_err() {
        return false;
    }
    let foreign = blocks(&mut c).any(|b| match b {
        Ok((GROUP_REFERENCE, MODE_UNCHANGED, body)) => Unchanged::parse(body)
            .is_ok_and(|u| (0..256).any(|id| slot_of(id).is_none() && u.has(id))),
        Ok((GROUP_REFERENCE, _, _)) | Err(_) => false,
        Ok((id, _, _)) => slot_of(id).is_none(),
    });
    foreign
}

/// How many values the groups decoded in sample `seq` hold.
pub(super) fn values_in(st: &GroupState, seq: u64) -> usize {
    st.prev
        .iter()
        .flatten()
        .filter(|p| p.seq == seq)
        .map(|p| p.values.len())
        .sum()
}

/// One group's block of a record: the group's slot, the block's mode and its body.
struct Block<'a> {
    slot: usize,
    mode: u64,
    body: &'a [u8],
}

/// Decode one group's block; `Ok(true)`: it could not be, and the sample is read without
/// the group (see `decode_sample`); `Err`: the sample cannot be read.
fn decode_or_leave_out(
    st: &mut GroupState,
    block: Block<'_>,
    seq: u64,
    reference: Option<u64>,
    s: &mut Sample,
) -> Result<bool, DecodeError> {
    let slot = block.slot;
    match decode_block(st, block, seq, reference, s) {
        Ok(()) => Ok(false),
        Err(e) if every_sample_has(slot) || st.keys[slot].is_none() => Err(e),
        Err(_) => {
            super::members::leave_out(slot, s);
            Ok(true)
        }
    }
}

/// Groups without which there is no sample (`GroupInfo::always`).
fn every_sample_has(slot: usize) -> bool {
    GROUPS.get(slot).is_some_and(|g| g.always)
}

fn decode_block(
    st: &mut GroupState,
    Block { slot, mode, body }: Block<'_>,
    seq: u64,
    reference: Option<u64>,
    s: &mut Sample,
) -> Result<(), DecodeError> {
    let mut c = Cursor::new(body);
    let before = st.prev[slot].take();
    // Reuse the previous values' buffer; a step needs them, so it keeps a copy.
    let (before_at, mut values) = match before {
        Some(p) => (Some((p.seq, p.key_seq)), p.values),
        None => (None, Vec::new()),
    };
    let key_seq = if mode == MODE_KEY {
        let layout = parse_layout(slot, &mut c)?;
        let layout_bytes = body[..c.position()].to_vec();
        get_numbers(&mut c, layout.value_count, &mut values)?;
        apply(&layout, &values, s, &mut st.raw)?;
        if let Some(boot) = layout.items.boot() {
            st.boot_id = Some(boot.to_string());
        }
        st.keys[slot] = Some(GroupKey {
            seq,
            layout_bytes,
            layout,
            values: values.clone(),
        });
        seq
    } else if mode == MODE_CHANGE {
        // Against the group's key or its sample before, whichever is the sample at the
        // record's reference distance.
        let at = reference
            .and_then(|d| seq.checked_sub(d))
            .ok_or(DecodeError("a reference distance past the start"))?;
        let key = st.keys[slot]
            .as_ref()
            .ok_or(DecodeError("its keyframe is missing"))?;
        if key.seq == at {
            get_changes(&mut c, &key.values, &mut values)?;
        } else if before_at == Some((at, key.seq)) && values.len() == key.layout.value_count {
            std::mem::swap(&mut values, &mut st.before);
            get_changes(&mut c, &st.before, &mut values)?;
        } else {
            return Err(DecodeError("the sample it is taken against is missing"));
        }
        apply(&key.layout, &values, s, &mut st.raw)?;
        key.seq
    } else {
        let distance = c.varint()?;
        let key_seq = seq
            .checked_sub(distance)
            .filter(|_| distance > 0)
            .ok_or(DecodeError("a key distance past the start"))?;
        let key = st.keys[slot]
            .as_ref()
            .filter(|k| k.seq == key_seq)
            .ok_or(DecodeError("its keyframe is missing"))?;
        if mode == MODE_DELTA {
            get_numbers(&mut c, key.layout.value_count, &mut values)?;
            apply_delta(&key.values, &mut values);
        } else {
            // A step: against this group in the sample just before, on the same key.
            if before_at != Some((seq.wrapping_sub(1), key_seq))
                || values.len() != key.layout.value_count
            {
                return Err(DecodeError("the sample before it is missing"));
            }
            std::mem::swap(&mut values, &mut st.before);
            get_numbers(&mut c, key.layout.value_count, &mut values)?;
            apply_delta(&st.before, &mut values);
        }
        apply(&key.layout, &values, s, &mut st.raw)?;
        key_seq
    };
    st.prev[slot] = Some(Prev {
        seq,
        key_seq,
        values,
    });
    Ok(())
}

/// A writer's key for a group: where it is and what its deltas are taken against; and
/// the group's values in the last sample written on that key (what a change from the
/// sample before is taken against).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WriterKey {
    pub seq: u64,
    pub layout: Vec<u8>,
    pub values: Vec<u64>,
    pub last_seq: u64,
    pub last: Vec<u64>,
}

impl WriterKey {
    /// A writer going on where a file ends: the group's last key read, and its values in
    /// the last sample read when they were decoded on that key.
    pub fn resume(k: &GroupKey, prev: Option<&Prev>) -> Self {
        let (last_seq, last) = match prev {
            Some(p) if p.key_seq == k.seq && p.values.len() == k.values.len() => {
                (p.seq, p.values.clone())
            }
            _ => (k.seq, k.values.clone()),
        };
        WriterKey {
            seq: k.seq,
            layout: k.layout_bytes.clone(),
            values: k.values.clone(),
            last_seq,
            last,
        }
    }
}

/// How a writer encodes the groups of a sample that keep their key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// Format 2 (appending to a file begun by an older rsadc): a delta against the key.
    Deltas,
    /// Format 3: a change against the key in every sample whose number is a multiple of
    /// `key_every`, and from the sample before in the samples between; so a damaged record
    /// costs at most the samples up to the next multiple. Format 4 (`unchanged`): a group
    /// without a change is named in the record's `Unchanged` block instead. Format 6
    /// (`aligned`): fields with `align_bits` are stored rotated by them (`FLAG_ALIGNED`).
    Changes {
        key_every: u64,
        unchanged: bool,
        aligned: bool,
    },
}

impl Encoding {
    /// Whether fields with `align_bits` are stored rotated by them.
    pub fn aligned(self) -> bool {
        matches!(self, Encoding::Changes { aligned: true, .. })
    }
}

fn put_block(out: &mut Vec<u8>, id: u64, mode: u64, body: &[u8]) {
    put_varint(out, id << 2 | mode);
    put_varint(out, body.len() as u64);
    out.extend_from_slice(body);
}

/// Whether a group can go on with its writer key `k` in sample `seq` (else it is keyed).
fn keeps_key(k: &WriterKey, e: &Encoded, seq: u64, every: u64) -> bool {
    k.layout == e.layout && k.values.len() == e.values.len() && seq > k.seq && seq - k.seq < every
}

/// The payload of a sample record numbered `seq`: a block per present group, a key when
/// the group has none, its layout changed or its key is `every` samples old, else a delta
/// or a change (`encoding`). `keys` is updated; `block` is scratch.
pub fn sample_payload(
    seq: u64,
    enc: &[Encoded; NGROUPS],
    keys: &mut [Option<WriterKey>; NGROUPS],
    every: u64,
    encoding: Encoding,
    block: &mut Vec<u8>,
    out: &mut Vec<u8>,
) {
    out.clear();
    put_varint(out, seq);
    // The record's reference distance: 1 (the sample before), and in every `key_every`th
    // sample the distance to the time group's key, which the other groups share unless
    // they were keyed on their own (those write a delta there).
    let reference = match (encoding, &keys[SLOT_TIME]) {
        (Encoding::Changes { key_every, .. }, Some(k))
            if seq % key_every.max(1) == 0 && keeps_key(k, &enc[SLOT_TIME], seq, every) =>
        {
            seq - k.seq
        }
        _ => 1,
    };
    if reference != 1 {
        block.clear();
        put_varint(block, reference);
        put_block(out, GROUP_REFERENCE, MODE_KEY, block);
    }
    let groups_at = out.len();
    let mut unchanged = Unchanged::default();
    let name_unchanged = matches!(
        encoding,
        Encoding::Changes {
            unchanged: true,
            ..
        }
    );
    for (slot, (e, key)) in enc.iter().zip(keys.iter_mut()).enumerate() {
        if !e.present {
            continue;
        }
        block.clear();
        match key {
            Some(k) if keeps_key(k, e, seq, every) => {
                let changes = encoding != Encoding::Deltas;
                let at = seq - reference;
                // From the sample before only between the samples taken against the key,
                // so that a chain of changes is never longer than `key_every`.
                if changes && (k.seq == at || (reference == 1 && k.last_seq == at)) {
                    let against = if k.seq == at { &k.values } else { &k.last };
                    if name_unchanged && *against == e.values {
                        unchanged.set(group_id(slot));
                    } else {
                        put_changes(block, against, &e.values);
                        put_block(out, group_id(slot), MODE_CHANGE, block);
                    }
                } else {
                    put_varint(block, seq - k.seq);
                    put_delta(block, &k.values, &e.values);
                    put_block(out, group_id(slot), MODE_DELTA, block);
                }
                if changes {
                    k.last_seq = seq;
                    k.last.clone_from(&e.values);
                }
            }
            _ => {
                block.extend_from_slice(&e.layout);
                put_numbers(block, e.values.iter().copied());
                put_block(out, group_id(slot), MODE_KEY, block);
                let k = key.get_or_insert_with(WriterKey::default);
                k.seq = seq;
                k.layout.clone_from(&e.layout);
                k.values.clone_from(&e.values);
                k.last_seq = seq;
                k.last.clone_from(&e.values);
            }
        }
    }
    unchanged.insert(out, groups_at, block);
}

/// A closed day's key of a group (`packed_payload`): where it is, its layout, and the
/// group's values in the last sample packed.
#[derive(Debug, Clone, Default)]
pub struct PackKey {
    seq: u64,
    layout: Vec<u8>,
    last_seq: u64,
    values: Vec<u64>,
}

/// Rewrite a decoded sample payload for a closed day (`after`: the reader's state after
/// decoding it): each group a step from itself in the sample just before when it was
/// there on the same packed key and layout (as the file's format writes it, `encoding`:
/// in format 3 a change at reference distance 1, in format 4 a group that did not change
/// named in the record's unchanged groups), else a key; every group a key when `rekey`
/// (the first sample of a compressed frame, so that nothing reaches back into the frame
/// before). Blocks of groups this build does not know are copied as they are.
pub fn packed_payload(
    after: &GroupState,
    payload: &[u8],
    keys: &mut [Option<PackKey>; NGROUPS],
    rekey: bool,
    encoding: Encoding,
    block: &mut Vec<u8>,
    out: &mut Vec<u8>,
) -> Result<(), DecodeError> {
    let (changes, name_unchanged) = match encoding {
        Encoding::Deltas => (false, false),
        Encoding::Changes { unchanged, .. } => (true, unchanged),
    };
    let mut c = Cursor::new(payload);
    let seq = c.varint()?;
    out.clear();
    put_varint(out, seq);
    let groups_at = out.len();
    let mut unchanged_in = Unchanged::default();
    let mut unchanged_out = Unchanged::default();
    let mut pack = |slot: usize, out: &mut Vec<u8>| -> Result<(), DecodeError> {
        let id = group_id(slot);
        let now = after.prev[slot]
            .as_ref()
            .filter(|p| p.seq == seq)
            .ok_or(DecodeError("a group of the sample was not decoded"))?;
        let layout = &after.keys[slot]
            .as_ref()
            .ok_or(DecodeError("its keyframe is missing"))?
            .layout_bytes;
        block.clear();
        match &mut keys[slot] {
            Some(k)
                if !rekey
                    && k.layout == *layout
                    && k.last_seq.wrapping_add(1) == seq
                    && k.values.len() == now.values.len() =>
            {
                if name_unchanged && k.values == now.values {
                    unchanged_out.set(id);
                } else if changes {
                    put_changes(block, &k.values, &now.values);
                    put_block(out, id, MODE_CHANGE, block);
                } else {
                    put_varint(block, seq - k.seq);
                    put_delta(block, &k.values, &now.values);
                    put_block(out, id, MODE_STEP, block);
                }
                k.last_seq = seq;
                k.values.clone_from(&now.values);
            }
            k => {
                block.extend_from_slice(layout);
                put_numbers(block, now.values.iter().copied());
                put_block(out, id, MODE_KEY, block);
                *k = Some(PackKey {
                    seq,
                    layout: layout.clone(),
                    last_seq: seq,
                    values: now.values.clone(),
                });
            }
        }
        Ok(())
    };
    // The groups in slot order, those unchanged in the record among the others.
    let mut next_slot = 0;
    for b in blocks(&mut c) {
        let (id, mode, body) = b?;
        // Every change of a closed day is from the sample before: no reference distance.
        if id == GROUP_REFERENCE {
            if mode == MODE_UNCHANGED {
                unchanged_in = Unchanged::parse(body)?;
            }
            continue;
        }
        let Some(slot) = slot_of(id) else {
            put_block(out, id, mode, body);
            continue;
        };
        for u in (next_slot..slot).filter(|&u| unchanged_in.has(group_id(u))) {
            pack(u, out)?;
        }
        next_slot = next_slot.max(slot + 1);
        pack(slot, out)?;
    }
    for u in (next_slot..NGROUPS).filter(|&u| unchanged_in.has(group_id(u))) {
        pack(u, out)?;
    }
    // Groups this build does not know stay as they were, like their blocks.
    for id in (0..256).filter(|&id| slot_of(id).is_none() && unchanged_in.has(id)) {
        unchanged_out.set(id);
    }
    unchanged_out.insert(out, groups_at, block);
    Ok(())
}
