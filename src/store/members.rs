//! Each member of a `Sample` as a format-2 group: its item set in the key's layout and its
//! items' values, by the kind of member (`sample::Member`). A single group (`Option<G>`)
//! and a group with items (`Vec<G>` or `Option<Vec<G>>`, each item known by its
//! `ItemKey`) are written the same way for every group of their kind; the clock, the
//! kernel counters, the CPUs, the pressure lines, the interrupts and the filesystems'
//! types have layouts of their own. Which member is which group comes from
//! `sample_members!`, so this module names no other group.
//! It never decides when a group is keyed or how its numbers are taken against another
//! sample (`groups`).

use super::bytes::{put_str, put_varint, Cursor, DecodeError};
use super::groups::{slot_const, Encoded, ItemReader, NGROUPS};
// Every member type by name, as `sample_members!` names them: a group added there needs
// no import here.
use crate::sample::*;
use std::fmt::Debug;

/// The most items a layout read from a file may hold.
const MAX_ITEMS: usize = 1 << 16;
/// The most CPUs a kernel has (`HostFacts::MAX_CPUS`).
const MAX_CPUS: usize = crate::sample::HostFacts::MAX_CPUS as usize;

/// A kind of `Sample` member as a group of the log.
pub trait MemberCodec {
    /// The member's type in `Sample`.
    type Of;
    /// The item set a key's layout holds: the items with their keys and no numbers yet.
    type Set: Debug + Clone + PartialEq + Eq;
    /// The member into `e`, its layout's item set and its values; `e` is left alone (not
    /// present) when the member is absent.
    fn encode(m: &Self::Of, boot_id: &str, e: &mut Encoded);
    fn parse(c: &mut Cursor<'_>) -> Result<Self::Set, DecodeError>;
    /// Items in the set, each with the layout's fields.
    fn count(set: &Self::Set) -> usize;
    /// The member from the set and the values `r` hands out.
    fn apply(set: &Self::Set, r: &mut ItemReader<'_>, m: &mut Self::Of) -> Result<(), DecodeError>;
    /// The member as absent (a block that could not be decoded may have set part of it).
    fn leave_out(m: &mut Self::Of);
    /// The boot the sample was taken in, where the layout holds it.
    fn boot(_set: &Self::Set) -> Option<&str> {
        None
    }
}

impl KeyWriter for Vec<u8> {
    fn number(&mut self, v: u64) {
        put_varint(self, v);
    }
    fn text(&mut self, s: &str) {
        put_str(self, s);
    }
    fn bits(&mut self, b: u8) {
        self.push(b);
    }
}

impl KeyReader for Cursor<'_> {
    fn number(&mut self) -> Result<u64, &'static str> {
        self.varint().map_err(|e| e.0)
    }
    fn text(&mut self) -> Result<String, &'static str> {
        self.string().map_err(|e| e.0)
    }
    fn bits(&mut self) -> Result<u8, &'static str> {
        self.u8().map_err(|e| e.0)
    }
}

/// A count of items, each of which takes at least a byte.
fn item_count(c: &mut Cursor<'_>, most: usize) -> Result<usize, DecodeError> {
    c.count(most.min(c.remaining()))
}

fn cpu_number(c: &mut Cursor<'_>) -> Result<u32, DecodeError> {
    KeyReader::cpu(c).map_err(DecodeError)
}

/// One group's fields, no layout.
fn put_one<G: Group>(g: &G, e: &mut Encoded) {
    e.start::<G>();
    e.item(g);
    e.finish();
}

impl<G: Group> MemberCodec for Option<G> {
    type Of = Self;
    type Set = ();
    fn encode(m: &Self, _: &str, e: &mut Encoded) {
        if let Some(g) = m {
            put_one(g, e);
        }
    }
    fn parse(_: &mut Cursor<'_>) -> Result<(), DecodeError> {
        Ok(())
    }
    fn count((): &()) -> usize {
        1
    }
    fn apply((): &(), r: &mut ItemReader<'_>, m: &mut Self) -> Result<(), DecodeError> {
        *m = Some(r.one()?);
        Ok(())
    }
    fn leave_out(m: &mut Self) {
        *m = None;
    }
}

/// Layout: the item count, each item's key; then each item's values.
fn put_items<G: ItemKey>(items: &[G], e: &mut Encoded) {
    e.start::<G>();
    put_varint(&mut e.layout, items.len() as u64);
    for g in items {
        g.put_key(&mut e.layout);
    }
    for g in items {
        e.item(g);
    }
    e.finish();
}

fn get_items<G: ItemKey>(c: &mut Cursor<'_>) -> Result<Vec<G>, DecodeError> {
    // Grown as keys are read, not sized from the count: a count no bytes back costs
    // nothing.
    let n = item_count(c, MAX_ITEMS)?;
    let mut set = Vec::new();
    for _ in 0..n {
        set.push(G::get_key(c).map_err(DecodeError)?);
    }
    Ok(set)
}

fn items_of<G: ItemKey>(set: &[G], r: &mut ItemReader<'_>) -> Result<Vec<G>, DecodeError> {
    set.iter()
        .map(|g| {
            let mut g = g.clone();
            r.next(&mut g).map(|()| g)
        })
        .collect()
}

/// No block without items.
impl<G: ItemKey + Debug + Eq> MemberCodec for Vec<G> {
    type Of = Self;
    type Set = Vec<G>;
    fn encode(m: &Self, _: &str, e: &mut Encoded) {
        if !m.is_empty() {
            put_items(m, e);
        }
    }
    fn parse(c: &mut Cursor<'_>) -> Result<Vec<G>, DecodeError> {
        get_items(c)
    }
    fn count(set: &Vec<G>) -> usize {
        set.len()
    }
    fn apply(set: &Vec<G>, r: &mut ItemReader<'_>, m: &mut Self) -> Result<(), DecodeError> {
        *m = items_of(set, r)?;
        Ok(())
    }
    fn leave_out(m: &mut Self) {
        m.clear();
    }
}

/// A block with no items when the source was read and had none.
impl<G: ItemKey + Debug + Eq> MemberCodec for Option<Vec<G>> {
    type Of = Self;
    type Set = Vec<G>;
    fn encode(m: &Self, _: &str, e: &mut Encoded) {
        if let Some(m) = m {
            put_items(m, e);
        }
    }
    fn parse(c: &mut Cursor<'_>) -> Result<Vec<G>, DecodeError> {
        <Vec<G>>::parse(c)
    }
    fn count(set: &Vec<G>) -> usize {
        <Vec<G>>::count(set)
    }
    fn apply(set: &Vec<G>, r: &mut ItemReader<'_>, m: &mut Self) -> Result<(), DecodeError> {
        items_of(set, r).map(|items| *m = Some(items))
    }
    fn leave_out(m: &mut Self) {
        *m = None;
    }
}

/// The clock; its layout holds the boot the sample was taken in.
impl MemberCodec for SampleTime {
    type Of = Self;
    type Set = String;
    fn encode(m: &Self, boot_id: &str, e: &mut Encoded) {
        e.start::<SampleTime>();
        put_str(&mut e.layout, boot_id);
        e.item(m);
        e.finish();
    }
    fn parse(c: &mut Cursor<'_>) -> Result<String, DecodeError> {
        c.string()
    }
    fn count(_: &String) -> usize {
        1
    }
    fn apply(_: &String, r: &mut ItemReader<'_>, m: &mut Self) -> Result<(), DecodeError> {
        *m = r.one()?;
        Ok(())
    }
    fn leave_out(_: &mut Self) {}
    fn boot(set: &String) -> Option<&str> {
        Some(set)
    }
}

/// As a single group that every sample has.
impl MemberCodec for KernelCounters {
    type Of = Self;
    type Set = ();
    fn encode(m: &Self, _: &str, e: &mut Encoded) {
        put_one(m, e);
    }
    fn parse(c: &mut Cursor<'_>) -> Result<(), DecodeError> {
        <Option<Self>>::parse(c)
    }
    fn count(set: &()) -> usize {
        <Option<Self>>::count(set)
    }
    fn apply(_: &(), r: &mut ItemReader<'_>, m: &mut Self) -> Result<(), DecodeError> {
        r.one().map(|k| *m = k)
    }
    fn leave_out(_: &mut Self) {}
}

/// Layout: the number of CPU slots and a bitmap of those online. Values: the total, then
/// each online CPU.
impl MemberCodec for CpuTimes {
    type Of = Self;
    type Set = Vec<bool>;
    fn encode(m: &Self, _: &str, e: &mut Encoded) {
        e.start::<CpuTicks>();
        put_varint(&mut e.layout, m.per_cpu.len() as u64);
        for chunk in m.per_cpu.chunks(8) {
            e.layout.push(
                chunk
                    .iter()
                    .enumerate()
                    .fold(0u8, |b, (i, c)| b | (u8::from(c.is_some()) << i)),
            );
        }
        e.item(&m.total);
        for c in m.per_cpu.iter().flatten() {
            e.item(c);
        }
        e.finish();
    }
    fn parse(c: &mut Cursor<'_>) -> Result<Vec<bool>, DecodeError> {
        let n = c.count(MAX_CPUS.min(c.remaining() * 8))?;
        let bitmap = c.bytes(n.div_ceil(8))?;
        Ok((0..n).map(|i| bitmap[i / 8] >> (i % 8) & 1 == 1).collect())
    }
    fn count(on: &Vec<bool>) -> usize {
        1 + on.iter().filter(|&&b| b).count()
    }
    fn apply(on: &Vec<bool>, r: &mut ItemReader<'_>, m: &mut Self) -> Result<(), DecodeError> {
        m.total = r.one::<CpuTicks>()?;
        m.per_cpu = on
            .iter()
            .map(|&on| on.then(|| r.one::<CpuTicks>()).transpose())
            .collect::<Result<_, _>>()?;
        Ok(())
    }
    fn leave_out(_: &mut Self) {}
}

/// Layout: a byte whose bit 2r says resource r (cpu, io, memory) has `some`, bit 2r+1
/// that it has `full`. Values: those lines in that order.
impl MemberCodec for PressureSet {
    type Of = Self;
    type Set = u8;
    fn encode(m: &Self, _: &str, e: &mut Encoded) {
        let psi = [&m.cpu, &m.io, &m.memory];
        if psi.iter().all(|p| p.is_none()) {
            return;
        }
        e.start::<PressureLine>();
        let mut mask = 0u8;
        for (i, p) in psi.iter().enumerate() {
            if let Some(p) = p {
                mask |= 1 << (2 * i);
                if p.full.is_some() {
                    mask |= 1 << (2 * i + 1);
                }
            }
        }
        e.layout.push(mask);
        for p in psi.into_iter().flatten() {
            e.item(&p.some);
            if let Some(f) = &p.full {
                e.item(f);
            }
        }
        e.finish();
    }
    fn parse(c: &mut Cursor<'_>) -> Result<u8, DecodeError> {
        let m = c.u8()?;
        // A `full` line without its `some`, or a resource this reader does not know.
        if m & 0xc0 != 0 || (0..3).any(|r| m >> (2 * r) & 3 == 2) {
            return Err(DecodeError("bad pressure line set"));
        }
        Ok(m)
    }
    fn count(m: &u8) -> usize {
        m.count_ones() as usize
    }
    fn apply(m: &u8, r: &mut ItemReader<'_>, s: &mut Self) -> Result<(), DecodeError> {
        for (i, slot) in [&mut s.cpu, &mut s.io, &mut s.memory]
            .into_iter()
            .enumerate()
        {
            if m >> (2 * i) & 1 == 1 {
                let some = r.one::<PressureLine>()?;
                let full = if m >> (2 * i + 1) & 1 == 1 {
                    Some(r.one::<PressureLine>()?)
                } else {
                    None
                };
                *slot = Some(Pressure { some, full });
            }
        }
        Ok(())
    }
    fn leave_out(m: &mut Self) {
        *m = PressureSet::default();
    }
}

/// Layout: the CPU columns by number, then the lines by name. Values: each line's count
/// on each CPU.
impl MemberCodec for Interrupts {
    type Of = Self;
    type Set = Interrupts;
    fn encode(m: &Self, _: &str, e: &mut Encoded) {
        if m.lines.is_empty() {
            return;
        }
        e.start::<IrqCount>();
        put_varint(&mut e.layout, m.cpus.len() as u64);
        for &c in &m.cpus {
            put_varint(&mut e.layout, u64::from(c));
        }
        put_varint(&mut e.layout, m.lines.len() as u64);
        for l in &m.lines {
            put_str(&mut e.layout, &l.name);
        }
        for l in &m.lines {
            for &count in &l.counts {
                e.item(&IrqCount { count });
            }
        }
        e.finish();
    }
    fn parse(c: &mut Cursor<'_>) -> Result<Interrupts, DecodeError> {
        let ncpu = item_count(c, MAX_CPUS)?;
        let cpus = (0..ncpu)
            .map(|_| cpu_number(c))
            .collect::<Result<Vec<_>, _>>()?;
        let n = item_count(c, MAX_ITEMS)?;
        let lines = (0..n)
            .map(|_| {
                c.string().map(|name| IrqLine {
                    name,
                    counts: Vec::new(),
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Interrupts { cpus, lines })
    }
    fn count(i: &Interrupts) -> usize {
        i.lines.len().saturating_mul(i.cpus.len())
    }
    fn apply(set: &Interrupts, r: &mut ItemReader<'_>, m: &mut Self) -> Result<(), DecodeError> {
        let mut i = set.clone();
        for l in &mut i.lines {
            l.counts = (0..set.cpus.len())
                .map(|_| r.one::<IrqCount>().map(|c| c.count))
                .collect::<Result<_, _>>()?;
        }
        *m = i;
        Ok(())
    }
    fn leave_out(m: &mut Self) {
        *m = Interrupts::default();
    }
}

/// Layout: each filesystem's type, in the filesystems group's order; no values. Written
/// after the filesystems, so a reader has them when it reads their types.
impl MemberCodec for FsTypes {
    type Of = Vec<crate::sample::FsUsage>;
    type Set = Vec<String>;
    fn encode(m: &Self::Of, _: &str, e: &mut Encoded) {
        if m.is_empty() {
            return;
        }
        e.start_fields(&[]);
        put_varint(&mut e.layout, m.len() as u64);
        for f in m {
            put_str(&mut e.layout, &f.fstype);
        }
    }
    fn parse(c: &mut Cursor<'_>) -> Result<Vec<String>, DecodeError> {
        let n = item_count(c, MAX_ITEMS)?;
        (0..n).map(|_| c.string()).collect()
    }
    fn count(types: &Vec<String>) -> usize {
        types.len()
    }
    /// Types that do not match the filesystems one for one are ignored.
    fn apply(
        types: &Vec<String>,
        _: &mut ItemReader<'_>,
        m: &mut Self::Of,
    ) -> Result<(), DecodeError> {
        if types.len() == m.len() {
            for (f, t) in m.iter_mut().zip(types) {
                f.fstype.clone_from(t);
            }
        }
        Ok(())
    }
    fn leave_out(m: &mut Self::Of) {
        for f in m {
            f.fstype.clear();
        }
    }
}

/// The codec of each member `sample_members!` declares, by its group's slot.
macro_rules! member_codecs {
    ($(
        $( $(#[$attr:meta])* pub $m:ident : $ty:ty => )?
        $( view $v:ident of $vm:ident as $vk:ty => )?
        $id:literal $name:literal $member:literal;
    )*) => {
        /// A group's item set, as its key's layout holds it: a variant per group, named
        /// after its member of `Sample`.
        #[allow(non_camel_case_types)]
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub enum Items {
            $( $($m)? $($v)? (<$($ty)? $($vk)? as MemberCodec>::Set), )*
        }

        impl Items {
            /// The item set of the group in `slot`, read from its layout.
            pub(super) fn parse(slot: usize, c: &mut Cursor<'_>) -> Result<Items, DecodeError> {
                $(
                    if slot == const { slot_const($id) } {
                        return <$($ty)? $($vk)? as MemberCodec>::parse(c)
                            .map(Items::$($m)? $($v)?);
                    }
                )*
                Err(DecodeError("a group this reader does not know"))
            }

            /// Items in the set, each with the layout's fields.
            pub(super) fn count(&self) -> usize {
                match self {
                    $( Items::$($m)? $($v)? (set) =>
                        <$($ty)? $($vk)? as MemberCodec>::count(set), )*
                }
            }

            /// The boot the sample was taken in, where the layout holds it.
            pub(super) fn boot(&self) -> Option<&str> {
                match self {
                    $( Items::$($m)? $($v)? (set) =>
                        <$($ty)? $($vk)? as MemberCodec>::boot(set), )*
                }
            }

            /// Put the group's values into its member of `s`.
            pub(super) fn apply(&self, r: &mut ItemReader<'_>, s: &mut Sample)
                -> Result<(), DecodeError> {
                match self {
                    $( Items::$($m)? $($v)? (set) =>
                        <$($ty)? $($vk)? as MemberCodec>::apply(set, r, &mut s.$($m)? $($vm)?), )*
                }
            }
        }

        /// Encode every group of `s` into `out` (indexed by slot); absent groups get
        /// `present = false`. `boot_id` goes in the time group's layout.
        /// `aligned` (format 6): fields with `align_bits` stored rotated by them.
        pub fn encode(s: &Sample, boot_id: &str, aligned: bool, out: &mut [Encoded; NGROUPS]) {
            for e in out.iter_mut() {
                e.present = false;
                e.set_aligned(aligned);
            }
            $(
                <$($ty)? $($vk)? as MemberCodec>::encode(
                    &s.$($m)? $($vm)?, boot_id, &mut out[const { slot_const($id) }]);
            )*
        }

        /// Empty group `slot` of `s` (a block that could not be decoded may have set part
        /// of it).
        pub(super) fn leave_out(slot: usize, s: &mut Sample) {
            $(
                if slot == const { slot_const($id) } {
                    <$($ty)? $($vk)? as MemberCodec>::leave_out(&mut s.$($m)? $($vm)?);
                }
            )*
        }
    };
}

crate::sample::sample_members!(member_codecs);

#[cfg(test)]
mod tests {
    use super::super::groups::{parse_layout, slot_const};
    use super::*;

    /// A group with items held as `Option<Vec<G>>`: read with no items, it is a block with
    /// none, read back as present and empty; not read, no block. Its layout is the one of
    /// the same items held as `Vec<G>` (the serial lines' here), so a reader that holds
    /// them as a `Vec` reads it too.
    #[test]
    fn no_items_is_a_block_and_not_read_is_none() {
        let line = SerialLine {
            line: 3,
            rx: 5,
            ..SerialLine::default()
        };
        for m in [None, Some(vec![]), Some(vec![line])] {
            let mut e = Encoded::default();
            <Option<Vec<SerialLine>>>::encode(&m, "", &mut e);
            assert_eq!(e.present, m.is_some());
            let Some(items) = &m else { continue };
            let layout = parse_layout(slot_const(26), &mut Cursor::new(&e.layout)).unwrap();
            let Items::serial(set) = &layout.items else {
                panic!("{:?}", layout.items)
            };
            let mut raw = Vec::new();
            let mut back = None;
            <Option<Vec<SerialLine>>>::apply(
                set,
                &mut ItemReader::new(&layout, &e.values, &mut raw),
                &mut back,
            )
            .unwrap();
            assert_eq!(back.as_ref(), Some(items));
            let mut as_vec = vec![line, line];
            <Vec<SerialLine>>::apply(
                set,
                &mut ItemReader::new(&layout, &e.values, &mut raw),
                &mut as_vec,
            )
            .unwrap();
            assert_eq!(&as_vec, items);
        }
    }
    /// Format 6: a field the kernel keeps in whole pages is stored as its count of pages
    /// (rotated right by its `align_bits`), and read back exactly, a value that is not a
    /// whole number of pages too; not aligned (a format-5 file), it is stored as it is.
    #[test]
    fn aligned_fields_are_stored_as_counts_of_pages_and_read_back_exactly() {
        let memory = crate::sample::Memory {
            mem_free: 4 * 1_000,
            cached: 4 * 1_000 + 1,
            ..Default::default()
        };
        let position =
            |name| crate::sample::field_position(crate::sample::Memory::FIELDS, name).unwrap();
        for aligned in [true, false] {
            let mut e = Encoded::default();
            e.set_aligned(aligned);
            <Option<crate::sample::Memory>>::encode(&Some(memory), "", &mut e);
            let layout = parse_layout(slot_const(5), &mut Cursor::new(&e.layout)).unwrap();
            // Values of present fields in field order: mem_total, mem_free, ...
            let at = |name| {
                let before = (0..position(name))
                    .filter(|&f| {
                        let p = layout.presence.as_ref().unwrap();
                        p[f / 8] >> (f % 8) & 1 == 1
                    })
                    .count();
                e.values[before]
            };
            if aligned {
                assert_eq!(at("mem_free"), 1_000);
                assert_eq!(at("cached"), (4_001u64).rotate_right(2));
            } else {
                assert_eq!(at("mem_free"), 4_000);
                assert_eq!(at("cached"), 4_001);
            }
            let mut raw = Vec::new();
            let mut back = None;
            <Option<crate::sample::Memory>>::apply(
                &(),
                &mut ItemReader::new(&layout, &e.values, &mut raw),
                &mut back,
            )
            .unwrap();
            assert_eq!(back, Some(memory));
        }
    }
}
