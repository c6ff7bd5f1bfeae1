//! Deltas of counters between two samples, the same for every group: each field by its
//! declaration in the schema (a counter's Δ, a level's later value), 32-bit kernel
//! counters wrapping at 2^32, and the sums of deltas that averages are made of. The
//! per-report modules use these and add their own rules (re-registered devices, CPUs
//! coming online).

use crate::sample::{Group, Kind};

/// Δ of a 32-bit kernel counter that may have wrapped. Only a counter that was in the
/// upper half of the 32-bit range can have wrapped: one that goes back from lower down
/// would have counted 2^31 or more in one interval — it was reset, and counts 0 (a
/// collision count going 10 → 0 is not 4294967286 collisions).
pub(super) fn delta_u32_wrapping(prev: u64, curr: u64) -> u64 {
    if curr >= prev {
        curr - prev
    } else if (1u64 << 31..=u64::from(u32::MAX)).contains(&prev) {
        curr + (1u64 << 32) - prev
    } else {
        0
    }
}

thread_local! {
    /// Scratch values for `counter_delta` and `add_counters`, reused from interval to
    /// interval (every interval computes several groups' deltas).
    static SCRATCH: std::cell::RefCell<Vec<Option<u64>>> = const {
        std::cell::RefCell::new(Vec::new())
    };
}

/// `f` with the scratch values, emptied (a fresh vector if they are in use).
fn with_scratch<R>(f: impl FnOnce(&mut Vec<Option<u64>>) -> R) -> R {
    SCRATCH.with(|s| match s.try_borrow_mut() {
        Ok(mut v) => {
            v.clear();
            f(&mut v)
        }
        Err(_) => f(&mut Vec::new()),
    })
}

fn from_raw<T: Group>(v: &[Option<u64>]) -> T {
    let mut t = T::default();
    // Every value is a u64 difference or sum of u64 fields: it always fits.
    let _ = t.set_raw_values(v);
    t
}

/// What a group did between two samples, field by field, kept in the group's own struct,
/// by each field's declaration in the schema: a counter holds its Δ (one kept in fewer bits
/// wraps there, as `delta_u32_wrapping` says; any other that went back counts 0), a level
/// its later value. A field either sample lacks is absent.
pub fn counter_delta<T: Group>(prev: &T, curr: &T) -> T {
    with_scratch(|d| {
        // The earlier values, each then replaced by its field's delta.
        prev.raw_values(&mut |x| d.push(x));
        let mut n = 0;
        curr.raw_values(&mut |c| {
            if let (Some(f), Some(slot)) = (T::FIELDS.get(n), d.get_mut(n)) {
                *slot = match (f.kind, *slot, c) {
                    (Kind::Level, _, c) => c,
                    (Kind::Counter, Some(p), Some(c)) => Some(match f.wrap_bits {
                        Some(32) => delta_u32_wrapping(p, c),
                        _ => c.saturating_sub(p),
                    }),
                    _ => None,
                };
            }
            n += 1;
        });
        d.truncate(n.min(T::FIELDS.len()));
        from_raw(d)
    })
}

/// Add the Δs of a later interval (`more`) to `sum`, field by field.
pub fn add_counters<T: Group>(sum: &mut T, more: &T) {
    with_scratch(|s| {
        sum.raw_values(&mut |x| s.push(x));
        let mut n = 0;
        more.raw_values(&mut |b| {
            if let Some(a) = s.get_mut(n) {
                *a = match (*a, b) {
                    (Some(a), Some(b)) => Some(a.saturating_add(b)),
                    (a, b) => a.or(b),
                };
            }
            n += 1;
        });
        s.truncate(n);
        *sum = from_raw(s);
    })
}

/// Each counter of a group's later value minus its earlier one (0 where it went back).
/// Each field's delta by its declaration in the schema (`counter_delta`: 32-bit counters
/// wrap), in the group's field order; a field the kernel lacks counts 0.
pub(super) fn counter_deltas<T: Group>(p: &Option<T>, c: &Option<T>) -> Option<Vec<u64>> {
    let d = counter_delta(p.as_ref()?, c.as_ref()?);
    let mut out = Vec::with_capacity(T::FIELDS.len());
    d.raw_values(&mut |v| out.push(v.unwrap_or(0)));
    Some(out)
}

// `merge` takes `fn(&mut T, &T)` with T = Vec<u64>.
#[allow(clippy::ptr_arg)]
pub(super) fn add_deltas(m: &mut Vec<u64>, o: &Vec<u64>) {
    for (m, o) in m.iter_mut().zip(o) {
        *m += o;
    }
}

#[cfg(test)]
mod tests {
    use super::counter_delta;
    use crate::sample::DiskCounters;

    #[test]
    fn deltas_follow_each_fields_declaration() {
        // reads: a counter; read_ms: a counter the kernel keeps in 32 bits; in_flight: a
        // level; discards: optional, absent from the earlier sample.
        let p = DiskCounters {
            reads: 100,
            read_ms: u64::from(u32::MAX) - 5,
            in_flight: 7,
            writes: 50,
            ..DiskCounters::default()
        };
        let c = DiskCounters {
            reads: 160,
            read_ms: 10,
            in_flight: 2,
            writes: 40,
            discards: Some(3),
            ..DiskCounters::default()
        };
        let d = counter_delta(&p, &c);
        assert_eq!(d.reads, 60);
        assert_eq!(d.read_ms, 16, "wrapped at 2^32");
        assert_eq!(d.in_flight, 2, "a level keeps its later value");
        assert_eq!(d.writes, 0, "a 64-bit counter that went back counts 0");
        assert_eq!(d.discards, None);
    }
}
