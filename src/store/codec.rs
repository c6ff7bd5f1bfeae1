//! The lists of numbers of both formats (`put_numbers`, `put_delta`, and format 3's
//! `put_changes`), and format 1 (read only, forever): how a `Sample` was written as its
//! *shape* (which CPUs are online, which devices and
//! interfaces exist, which optional groups and fields are present) and a flat vector of
//! u64 *values* in a fixed order.
//!
//! A keyframe stores the shape and the values. A delta stores, for each value, the
//! difference from its keyframe's value (wrapping, zigzag-encoded), so a damaged delta costs
//! only itself. Both write their numbers as varints with runs of zeros collapsed: an idle
//! loop device or a counter that did not move costs a fraction of a byte.

use super::bytes::{put_varint, unzigzag, zigzag, Cursor, DecodeError};
use crate::sample::{
    CpuTicks, DiskCounters, LoadAvg, Memory, NetCounters, Paging, Pressure, PressureLine, Sample,
    Swap,
};

/// More CPUs, devices or interfaces than sysstat accepts: a guard on counts read from a file.
const MAX_ITEMS: usize = 1 << 16;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiskShape {
    pub major: u32,
    pub minor: u32,
    pub name: String,
    pub whole: bool,
    pub physical: bool,
    /// How many of the optional counters (discards…, flushes…) the kernel gave: 0, 4 or 6.
    pub optional: u8,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NetShape {
    pub name: String,
    pub speed_mbps: Option<u32>,
    pub full_duplex: bool,
}

/// Everything about a sample that is not a number that changes every time.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Shape {
    pub cpus: Vec<bool>,
    /// Bit set of `GROUP_*`.
    pub groups: u32,
    /// Bit set of the `Memory` fields that are `Some`, in `MEMORY_OPTIONAL` order.
    pub memory_fields: u32,
    pub disks: Vec<DiskShape>,
    pub nets: Vec<NetShape>,
}

const GROUP_LOAD: u32 = 1;
const GROUP_MEMORY: u32 = 1 << 1;
const GROUP_SWAP: u32 = 1 << 2;
const GROUP_PAGING: u32 = 1 << 3;
impl Shape {
    pub fn decode(c: &mut Cursor<'_>) -> Result<Shape, DecodeError> {
        let ncpu = c.count(MAX_ITEMS.min(c.remaining() * 8))?;
        let bitmap = c.bytes(ncpu.div_ceil(8))?;
        let cpus = (0..ncpu)
            .map(|i| bitmap[i / 8] >> (i % 8) & 1 == 1)
            .collect();
        let groups = u32::try_from(c.varint()?).map_err(|_| DecodeError("bad group set"))?;
        let memory_fields =
            u32::try_from(c.varint()?).map_err(|_| DecodeError("bad memory field set"))?;
        // Each disk takes at least 4 bytes, each interface at least 3: no count can ask for
        // more entries than the bytes left could hold.
        let ndisk = c.count(MAX_ITEMS.min(c.remaining() / 4))?;
        let mut disks = Vec::with_capacity(ndisk);
        for _ in 0..ndisk {
            let major = small(c.varint()?)?;
            let minor = small(c.varint()?)?;
            let name = c.string()?;
            let flags = c.u8()?;
            let optional = flags >> 2;
            if ![0, 4, 6].contains(&optional) {
                return Err(DecodeError("bad disk field count"));
            }
            disks.push(DiskShape {
                major,
                minor,
                name,
                whole: flags & 1 == 1,
                physical: flags & 2 == 2,
                optional,
            });
        }
        let nnet = c.count(MAX_ITEMS.min(c.remaining() / 3))?;
        let mut nets = Vec::with_capacity(nnet);
        for _ in 0..nnet {
            let name = c.string()?;
            let speed = c.varint()?;
            let speed_mbps = match speed {
                0 => None,
                s => Some(small(s - 1)?),
            };
            let full_duplex = c.u8()? == 1;
            nets.push(NetShape {
                name,
                speed_mbps,
                full_duplex,
            });
        }
        Ok(Shape {
            cpus,
            groups,
            memory_fields,
            disks,
            nets,
        })
    }

    /// How many values a sample of this shape has.
    pub fn value_count(&self) -> usize {
        let psi: usize = (0..3)
            .map(|i| {
                let on = self.groups >> (4 + 2 * i) & 1;
                let full = self.groups >> (5 + 2 * i) & 1;
                (on * 4 + on * full * 4) as usize
            })
            .sum();
        2 + 10
            + 10 * self.cpus.iter().filter(|&&c| c).count()
            + 5
            + if self.groups & GROUP_LOAD != 0 { 5 } else { 0 }
            + if self.groups & GROUP_MEMORY != 0 {
                MEMORY_FIXED + self.memory_fields.count_ones() as usize
            } else {
                0
            }
            + if self.groups & GROUP_SWAP != 0 { 5 } else { 0 }
            + if self.groups & GROUP_PAGING != 0 {
                10
            } else {
                0
            }
            + self
                .disks
                .iter()
                .map(|d| 11 + d.optional as usize)
                .sum::<usize>()
            + 16 * self.nets.len()
            + psi
    }
}

fn small(v: u64) -> Result<u32, DecodeError> {
    u32::try_from(v).map_err(|_| DecodeError("number too large"))
}

const MEMORY_FIXED: usize = 10;

/// Rebuild a sample from its shape and values.
pub fn sample(shape: &Shape, v: &[u64]) -> Result<Sample, DecodeError> {
    if v.len() != shape.value_count() {
        return Err(DecodeError("value count does not match the shape"));
    }
    let mut it = v.iter().copied();
    let mut next = || it.next().unwrap_or(0);
    let u32v = |x: u64| u32::try_from(x).map_err(|_| DecodeError("level out of range"));
    let mut s = Sample::default();
    s.time.wall_ns = next() as i64;
    s.time.uptime_cs = next();
    let ticks = |next: &mut dyn FnMut() -> u64| CpuTicks {
        user: next(),
        nice: next(),
        system: next(),
        idle: next(),
        iowait: next(),
        irq: next(),
        softirq: next(),
        steal: next(),
        guest: next(),
        guest_nice: next(),
    };
    s.cpu.total = ticks(&mut next);
    s.cpu.per_cpu = shape
        .cpus
        .iter()
        .map(|&on| on.then(|| ticks(&mut next)))
        .collect();
    s.kernel.ctxt = next();
    s.kernel.processes = next();
    s.kernel.intr = next();
    s.kernel.procs_running = next();
    s.kernel.procs_blocked = next();
    if shape.groups & GROUP_LOAD != 0 {
        s.load = Some(LoadAvg {
            load1_x100: u32v(next())?,
            load5_x100: u32v(next())?,
            load15_x100: u32v(next())?,
            runnable: u32v(next())?,
            tasks: u32v(next())?,
        });
    }
    if shape.groups & GROUP_MEMORY != 0 {
        let mut m = Memory {
            mem_total: next(),
            mem_free: next(),
            buffers: next(),
            cached: next(),
            active: next(),
            inactive: next(),
            dirty: next(),
            slab: next(),
            committed_as: next(),
            vmalloc_used: next(),
            ..Memory::default()
        };
        let bits = shape.memory_fields;
        let mut opt = |i: u32| (bits >> i & 1 == 1).then(&mut next);
        m.mem_available = opt(0);
        m.shmem = opt(1);
        m.anon_pages = opt(2);
        m.kernel_stack = opt(3);
        m.page_tables = opt(4);
        m.hugepages_total = opt(5);
        m.hugepages_free = opt(6);
        m.hugepages_rsvd = opt(7);
        m.hugepages_surp = opt(8);
        m.hugepagesize = opt(9);
        m.s_reclaimable = opt(10);
        s.memory = Some(m);
    }
    if shape.groups & GROUP_SWAP != 0 {
        s.swap = Some(Swap {
            swap_total: next(),
            swap_free: next(),
            swap_cached: next(),
            pswpin: next(),
            pswpout: next(),
        });
    }
    if shape.groups & GROUP_PAGING != 0 {
        s.paging = Some(Paging {
            pgpgin: next(),
            pgpgout: next(),
            pgfault: next(),
            pgmajfault: next(),
            pgfree: next(),
            pgscan_kswapd: next(),
            pgscan_direct: next(),
            pgsteal: next(),
            pgpromote: next(),
            pgdemote: next(),
            ..Paging::default()
        });
    }
    for d in &shape.disks {
        let mut c = DiskCounters {
            major: d.major,
            minor: d.minor,
            name: d.name.clone(),
            whole: d.whole,
            physical: d.physical,
            reads: next(),
            reads_merged: next(),
            read_sectors: next(),
            read_ms: next(),
            writes: next(),
            writes_merged: next(),
            write_sectors: next(),
            write_ms: next(),
            in_flight: next(),
            io_ticks_ms: next(),
            weighted_ms: next(),
            ..DiskCounters::default()
        };
        if d.optional >= 4 {
            c.discards = Some(next());
            c.discards_merged = Some(next());
            c.discard_sectors = Some(next());
            c.discard_ms = Some(next());
        }
        if d.optional >= 6 {
            c.flushes = Some(next());
            c.flush_ms = Some(next());
        }
        s.disks.push(c);
    }
    for n in &shape.nets {
        s.net.push(NetCounters {
            name: n.name.clone(),
            rx_bytes: next(),
            rx_packets: next(),
            rx_errs: next(),
            rx_drop: next(),
            rx_fifo: next(),
            rx_frame: next(),
            rx_compressed: next(),
            rx_multicast: next(),
            tx_bytes: next(),
            tx_packets: next(),
            tx_errs: next(),
            tx_drop: next(),
            tx_fifo: next(),
            tx_colls: next(),
            tx_carrier: next(),
            tx_compressed: next(),
            speed_mbps: n.speed_mbps,
            full_duplex: n.full_duplex,
        });
    }
    let slots = [
        &mut s.pressure.cpu,
        &mut s.pressure.io,
        &mut s.pressure.memory,
    ];
    for (i, slot) in slots.into_iter().enumerate() {
        if shape.groups >> (4 + 2 * i) & 1 == 1 {
            let mut line = || -> Result<PressureLine, DecodeError> {
                Ok(PressureLine {
                    avg10_x100: u32v(next())?,
                    avg60_x100: u32v(next())?,
                    avg300_x100: u32v(next())?,
                    total_us: next(),
                })
            };
            let some = line()?;
            let full = if shape.groups >> (5 + 2 * i) & 1 == 1 {
                Some(line()?)
            } else {
                None
            };
            *slot = Some(Pressure { some, full });
        }
    }
    Ok(s)
}

/// Write numbers as varints, a run of zeros as `0, run length − 1`.
pub fn put_numbers(out: &mut Vec<u8>, v: impl IntoIterator<Item = u64>) {
    let mut zeros = 0u64;
    for x in v {
        if x == 0 {
            zeros += 1;
            continue;
        }
        if zeros > 0 {
            out.push(0);
            put_varint(out, zeros - 1);
            zeros = 0;
        }
        put_varint(out, x);
    }
    if zeros > 0 {
        out.push(0);
        put_varint(out, zeros - 1);
    }
}

/// Read exactly `n` numbers written by `put_numbers`.
pub fn get_numbers(c: &mut Cursor<'_>, n: usize, out: &mut Vec<u64>) -> Result<(), DecodeError> {
    out.clear();
    while out.len() < n {
        match c.varint()? {
            0 => {
                let run = c.varint()?;
                let left = (n - out.len()) as u64;
                if run >= left {
                    return Err(DecodeError("run of zeros past the last value"));
                }
                out.extend(std::iter::repeat_n(0, run as usize + 1));
            }
            x => out.push(x),
        }
    }
    Ok(())
}

/// Values of a delta: each value minus the keyframe's, wrapping, zigzag-encoded (written
/// as `put_numbers` writes them). Most values of a large host's disks and interfaces are
/// what they were at the key: they are compared four at a time, and only a group of four
/// with a change is encoded value by value.
pub fn put_delta(out: &mut Vec<u8>, key: &[u64], v: &[u64]) {
    let n = key.len().min(v.len());
    let (key, v) = (&key[..n], &v[..n]);
    let mut zeros = 0u64;
    let one = |out: &mut Vec<u8>, zeros: &mut u64, k: u64, x: u64| {
        let d = zigzag(x.wrapping_sub(k) as i64);
        if d == 0 {
            *zeros += 1;
            return;
        }
        if *zeros > 0 {
            out.push(0);
            put_varint(out, *zeros - 1);
            *zeros = 0;
        }
        put_varint(out, d);
    };
    let mut i = 0;
    while i + 4 <= n {
        if key[i..i + 4] == v[i..i + 4] {
            zeros += 4;
        } else {
            for j in i..i + 4 {
                one(out, &mut zeros, key[j], v[j]);
            }
        }
        i += 4;
    }
    for j in i..n {
        one(out, &mut zeros, key[j], v[j]);
    }
    if zeros > 0 {
        out.push(0);
        put_varint(out, zeros - 1);
    }
}

pub fn apply_delta(key: &[u64], deltas: &mut [u64]) {
    for (d, &k) in deltas.iter_mut().zip(key) {
        *d = k.wrapping_add(unzigzag(*d) as u64);
    }
}

/// The numbers of a change block (format 3): what differs between `reference` and `v`
/// (of the same length). From one second to the next most numbers do not move and the
/// others move a little, so the numbers go by eights: a bit per eight saying whether any
/// of them changed (left out when there is only one eight), then for each eight that did
/// a byte with a bit per number that changed, then each changed number's
/// `zigzag(v − reference) − 1` as a varint. Nothing at all when nothing changed.
pub fn put_changes(out: &mut Vec<u8>, reference: &[u64], v: &[u64]) {
    let n = reference.len().min(v.len());
    let (reference, v) = (&reference[..n], &v[..n]);
    let eights = n.div_ceil(8);
    let start = out.len();
    let top = if eights > 1 { eights.div_ceil(8) } else { 0 };
    out.resize(start + top, 0);
    let mut changed = false;
    for (j, (r, x)) in reference.chunks(8).zip(v.chunks(8)).enumerate() {
        if r == x {
            continue;
        }
        changed = true;
        if top > 0 {
            out[start + j / 8] |= 1 << (j % 8);
        }
        let bits = out.len();
        out.push(0);
        for (i, (&a, &b)) in r.iter().zip(x).enumerate() {
            if a != b {
                out[bits] |= 1 << i;
                put_varint(out, zigzag(b.wrapping_sub(a) as i64) - 1);
            }
        }
    }
    if !changed {
        out.truncate(start);
    }
}

/// Read the numbers `put_changes` wrote (all of what is left in `c`) against `reference`.
pub fn get_changes(
    c: &mut Cursor<'_>,
    reference: &[u64],
    out: &mut Vec<u64>,
) -> Result<(), DecodeError> {
    out.clear();
    out.extend_from_slice(reference);
    if c.remaining() == 0 {
        return Ok(());
    }
    let n = reference.len();
    let eights = n.div_ceil(8);
    let top: &[u8] = match eights {
        0 => return Err(DecodeError("changes to a group without numbers")),
        1 => &[1],
        _ => c.bytes(eights.div_ceil(8))?,
    };
    if eights % 8 != 0 && top[top.len() - 1] >> (eights % 8) != 0 {
        return Err(DecodeError("a change past the last number"));
    }
    for j in 0..eights {
        if top[j / 8] >> (j % 8) & 1 == 0 {
            continue;
        }
        let mut bits = c.u8()?;
        let len = (n - 8 * j).min(8);
        if len < 8 && bits >> len != 0 {
            return Err(DecodeError("a change past the last number"));
        }
        while bits != 0 {
            let i = 8 * j + bits.trailing_zeros() as usize;
            bits &= bits - 1;
            let d = c
                .varint()?
                .checked_add(1)
                .ok_or(DecodeError("a change out of range"))?;
            out[i] = out[i].wrapping_add(unzigzag(d) as u64);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// The delta's shortcut over unchanged values writes what `put_numbers` writes
        /// for every difference, zero runs of any length and position included.
        #[test]
        fn put_delta_writes_the_zigzag_differences_as_put_numbers_does(
            items in proptest::collection::vec((0u64..4, any::<u64>(), any::<u64>()), 0..80)
        ) {
            // Mostly unchanged values (three times in four), the others anything.
            let key: Vec<u64> = items.iter().map(|&(_, k, _)| k).collect();
            let v: Vec<u64> = items
                .iter()
                .map(|&(change, k, other)| if change == 0 { other } else { k })
                .collect();
            let mut fast = Vec::new();
            put_delta(&mut fast, &key, &v);
            let mut plain = Vec::new();
            put_numbers(
                &mut plain,
                key.iter().zip(&v).map(|(&k, &x)| zigzag(x.wrapping_sub(k) as i64)),
            );
            prop_assert_eq!(&fast, &plain);
            let mut c = Cursor::new(&fast);
            let mut back = Vec::new();
            get_numbers(&mut c, v.len(), &mut back).unwrap();
            apply_delta(&key, &mut back);
            prop_assert_eq!(back, v);
        }

        /// Changes read back as the values they were taken from, whatever changed: none,
        /// some, all, in one eight or many, by any amount.
        #[test]
        fn changes_round_trip(
            items in proptest::collection::vec((0u64..3, any::<u64>(), any::<u64>()), 0..150)
        ) {
            let reference: Vec<u64> = items.iter().map(|&(_, r, _)| r).collect();
            let v: Vec<u64> = items
                .iter()
                .map(|&(change, r, other)| match change {
                    0 => other,
                    1 => r.wrapping_add(other % 5).wrapping_sub(2),
                    _ => r,
                })
                .collect();
            let mut out = Vec::new();
            put_changes(&mut out, &reference, &v);
            prop_assert_eq!(out.is_empty(), reference == v);
            let mut c = Cursor::new(&out);
            let mut back = Vec::new();
            get_changes(&mut c, &reference, &mut back).unwrap();
            prop_assert_eq!(c.remaining(), 0);
            prop_assert_eq!(back, v);
        }
    }

    proptest! {
        /// Any bytes read as changes give an error or the reference's length in values;
        /// never a panic.
        #[test]
        fn any_bytes_read_as_changes_never_panic(
            bytes in proptest::collection::vec(any::<u8>(), 0..40),
            n in 0usize..100,
        ) {
            let reference = vec![7u64; n];
            let mut out = Vec::new();
            if get_changes(&mut Cursor::new(&bytes), &reference, &mut out).is_ok() {
                prop_assert_eq!(out.len(), n);
            }
        }
    }

    #[test]
    fn changes_cost_a_byte_per_eight_that_moved_and_a_byte_per_small_change() {
        let reference = [10u64; 20];
        let mut v = reference;
        assert!({
            let mut out = Vec::new();
            put_changes(&mut out, &reference, &v);
            out.is_empty()
        });
        v[3] = 11; // +1: zigzag 2, written as 1
        v[17] = 9; // -1: zigzag 1, written as 0
        let mut out = Vec::new();
        put_changes(&mut out, &reference, &v);
        // Eights 0 and 2 moved; bit 3 of the first, bit 1 of the third.
        assert_eq!(out, [0b101, 0b1000, 1, 0b10, 0]);
        // A bit past the last number, or a varint that overflows, is refused.
        for bad in [
            &[0b1000u8][..],
            &[0b101, 0b1000, 1, 0b10000, 0],
            &[
                0b1, 0b1, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01,
            ],
        ] {
            let mut back = Vec::new();
            assert!(
                get_changes(&mut Cursor::new(bad), &reference, &mut back).is_err(),
                "{bad:?}"
            );
        }
    }
}
