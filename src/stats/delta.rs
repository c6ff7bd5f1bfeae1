//! Deltas of counters between two samples, the same for every group: each field by its
//! declaration in the schema (a counter's Δ, a level's later value), 32-bit kernel
//! counters wrapping at 2^32, the rules a group declares (`DeltaRule`: re-registered
//! devices and interfaces, items new since the earlier sample), and the sums of deltas
//! that averages are made of. `group` builds every group's interval from these.

use crate::sample::{EarlierRule, Group, Kind, NewItem};

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
    /// Scratch values for `counter_delta` and `add_counters` (the earlier and the later
    /// sample's), reused from interval to interval: every interval computes every group's
    /// deltas, and a group with items one per item.
    static SCRATCH: std::cell::RefCell<(Values, Values)> = const {
        std::cell::RefCell::new((Vec::new(), Vec::new()))
    };
}

type Values = Vec<Option<u64>>;

/// `f` with the scratch values, emptied (fresh vectors if they are in use).
fn with_scratch<R>(f: impl FnOnce(&mut Values, &mut Values) -> R) -> R {
    SCRATCH.with(|s| match s.try_borrow_mut() {
        Ok(mut v) => {
            let (a, b) = &mut *v;
            a.clear();
            b.clear();
            f(a, b)
        }
        Err(_) => f(&mut Vec::new(), &mut Vec::new()),
    })
}

/// `like` with its fields set from `v` (its other members, an item's name, kept).
fn with_values<T: Group + Clone>(like: &T, v: &[Option<u64>]) -> T {
    let mut t = like.clone();
    // Every value is a u64 difference or sum of u64 fields, or a field's own value: it
    // always fits.
    let _ = t.set_raw_values(v);
    t
}

/// Whether bit `n` of a field mask is set.
fn in_mask(mask: u64, n: usize) -> bool {
    n < 64 && mask & (1 << n) != 0
}

/// What a group (or an item of one) did between two samples, field by field, kept in the
/// group's own struct (`curr`'s, so an item keeps its name), by each field's declaration
/// in the schema and the group's `DeltaRule`:
/// - a counter holds its Δ: one kept in fewer bits wraps there (`delta_u32_wrapping`),
///   any other that went back counts 0; a field the later sample lacks is absent, one
///   only the later has is new and counts as a new item does (sysstat reads a field the
///   kernel did not print as 0);
/// - the earlier values are first taken as the group's `EarlierRule` says (CPU idle and
///   iowait restarting);
/// - a level holds its later value;
/// - an item whose re-registration fields went back, or (`NewItem::FromZero`) that the
///   earlier sample lacks (`prev` `None`), counts every counter from 0; one that
///   (`NewItem::Baseline`) the earlier sample lacks counts 0.
///
/// With it, whether the item is in use by the rule (`DeltaRule::in_use_when_any`).
pub fn counter_delta<T: Group + Clone>(prev: Option<&T>, curr: &T) -> (T, bool) {
    let rule = T::DELTA;
    with_scratch(|p, c| {
        curr.raw_values(&mut |x| c.push(x));
        if let Some(prev) = prev {
            prev.raw_values(&mut |x| p.push(x));
        }
        if let (Some(rule), Some(_)) = (rule.earlier, prev) {
            take_earlier_as(rule, p, c);
        }
        let back =
            |n: usize| matches!((p.get(n), c.get(n)), (Some(Some(a)), Some(Some(b))) if b < a);
        let in_use = rule.in_use_when_any == 0
            || (0..c.len()).any(|n| in_mask(rule.in_use_when_any, n) && c[n].unwrap_or(0) > 0);
        let from_zero = match prev {
            None => rule.new_item == NewItem::FromZero,
            Some(_) => (0..c.len()).any(|n| in_mask(rule.registered_again_when_back, n) && back(n)),
        };
        for (n, f) in T::FIELDS.iter().enumerate().take(c.len()) {
            let Some(now) = c[n] else { continue };
            if f.kind == Kind::Level {
                continue;
            }
            c[n] = if from_zero {
                Some(now)
            } else if prev.is_none() {
                Some(0)
            } else {
                match p.get(n).copied().flatten() {
                    Some(before) => Some(match f.wrap_bits {
                        Some(32) => delta_u32_wrapping(before, now),
                        _ => now.saturating_sub(before),
                    }),
                    // A field new since the earlier sample: as a new item.
                    None if rule.new_item == NewItem::FromZero => Some(now),
                    None => Some(0),
                }
            };
        }
        (with_values(curr, c), in_use)
    })
}

/// The earlier values `p` as `rule` takes them against the later `c`.
fn take_earlier_as(rule: EarlierRule, p: &mut [Option<u64>], c: &[Option<u64>]) {
    match rule {
        EarlierRule::IdleIowaitRestart { idle, iowait } => {
            // sysstat's guard: near 2^64 a counter is about to overflow.
            const NEAR_MAX: u64 = u64::MAX - 0x7ffff;
            let get = |v: &[Option<u64>], n: usize| v.get(n).copied().flatten().unwrap_or(0);
            let (p_idle, c_idle) = (get(p, idle), get(c, idle));
            let (p_iowait, c_iowait) = (get(p, iowait), get(c, iowait));
            let mut set = |n: usize, v: u64| {
                if let Some(x) = p.get_mut(n) {
                    *x = Some(v);
                }
            };
            if c_iowait < p_iowait && p_iowait < NEAR_MAX {
                if c_idle > p_idle || p_idle >= NEAR_MAX {
                    set(iowait, c_iowait);
                } else {
                    set(iowait, 0);
                }
            }
            if c_idle < p_idle && p_idle < NEAR_MAX {
                set(idle, 0);
            }
        }
    }
}

/// Add a later interval's group (`more`) to `sum`, field by field: counters summed (a
/// field only one has is that one's), levels and an item's identity the later's.
pub fn add_counters<T: Group + Clone>(sum: &mut T, more: &T) {
    with_scratch(|s, m| {
        sum.raw_values(&mut |x| s.push(x));
        more.raw_values(&mut |x| m.push(x));
        for ((f, m), s) in T::FIELDS.iter().zip(m.iter_mut()).zip(s.iter()) {
            if f.kind == Kind::Counter {
                *m = match (*s, *m) {
                    (Some(a), Some(b)) => Some(a.saturating_add(b)),
                    (a, b) => a.or(b),
                };
            }
        }
        *sum = with_values(more, m);
    })
}

#[cfg(test)]
mod tests {
    use super::counter_delta;
    use crate::sample::DiskCounters;

    #[test]
    fn deltas_follow_each_fields_declaration() {
        // reads: a counter; read_ms: a counter the kernel keeps in 32 bits; in_flight: a
        // level; discards: optional, absent from the earlier sample; flushes: absent from
        // the later.
        let p = DiskCounters {
            reads: 100,
            read_ms: u64::from(u32::MAX) - 5,
            in_flight: 7,
            write_sectors: 50,
            flushes: Some(9),
            ..DiskCounters::default()
        };
        let c = DiskCounters {
            reads: 160,
            read_ms: 10,
            in_flight: 2,
            write_sectors: 40,
            discards: Some(3),
            ..DiskCounters::default()
        };
        let (d, _) = counter_delta(Some(&p), &c);
        assert_eq!(d.reads, 60);
        assert_eq!(d.read_ms, 16, "wrapped at 2^32");
        assert_eq!(d.in_flight, 2, "a level keeps its later value");
        assert_eq!(
            d.write_sectors, 0,
            "a 64-bit counter that went back counts 0"
        );
        assert_eq!(
            d.discards,
            Some(3),
            "a field new since the earlier sample counts from 0"
        );
        assert_eq!(d.flushes, None);
        assert_eq!(d.name, c.name, "an item keeps its identity");
    }

    /// A device whose reads (a field its group's rule names) went back was registered
    /// again: every counter counts from 0, an optional one the earlier sample lacked too;
    /// one the earlier sample lacks altogether counts from 0 as well.
    #[test]
    fn a_device_registered_again_counts_from_zero() {
        let p = DiskCounters {
            reads: 500,
            writes: 10,
            read_ms: 900,
            ..DiskCounters::default()
        };
        let c = DiskCounters {
            reads: 7,
            writes: 20,
            read_ms: 30,
            discards: Some(4),
            ..DiskCounters::default()
        };
        for prev in [Some(&p), None] {
            let (d, in_use) = counter_delta(prev, &c);
            assert_eq!((d.reads, d.writes, d.read_ms), (7, 20, 30));
            assert_eq!(d.discards, Some(4));
            assert!(in_use);
        }
        let (_, in_use) = counter_delta(None, &DiskCounters::default());
        assert!(!in_use, "a device that never completed I/O is not in use");
    }
}
