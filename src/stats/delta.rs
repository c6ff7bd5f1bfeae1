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
    let (idle_at, iowait_at) = match rule.earlier {
        Some(EarlierRule::IdleIowaitRestart { idle, iowait }) => (idle, iowait),
        None => (usize::MAX, usize::MAX),
    };
    let base = prev.unwrap_or(curr);
    // What the rule needs to know before any difference is taken.
    let mut in_use = rule.in_use_when_any == 0;
    let mut back = false;
    let mut idle = (0, 0);
    let mut iowait = (0, 0);
    if rule.in_use_when_any | rule.registered_again_when_back != 0 || rule.earlier.is_some() {
        base.pair_values(curr, &mut |n, p, c| {
            in_use |= in_mask(rule.in_use_when_any, n) && c.unwrap_or(0) > 0;
            back |= in_mask(rule.registered_again_when_back, n)
                && matches!((p, c), (Some(p), Some(c)) if c < p);
            let both = (p.unwrap_or(0), c.unwrap_or(0));
            if n == idle_at {
                idle = both;
            } else if n == iowait_at {
                iowait = both;
            }
        });
    }
    let (p_idle, p_iowait) = take_earlier_as(idle, iowait);
    let from_zero = match prev {
        None => rule.new_item == NewItem::FromZero,
        Some(_) => back,
    };
    let mut out = curr.clone();
    out.combine_values(base, &mut |n, c, p| {
        let (Some(f), Some(now)) = (T::FIELDS.get(n), c) else {
            return c;
        };
        if f.kind == Kind::Level || from_zero {
            return Some(now);
        }
        if prev.is_none() {
            return Some(0);
        }
        let before = match n {
            _ if n == idle_at => p_idle.or(p),
            _ if n == iowait_at => p_iowait.or(p),
            _ => p,
        };
        Some(match before {
            Some(before) => match f.wrap_bits {
                Some(32) => delta_u32_wrapping(before, now),
                _ => now.saturating_sub(before),
            },
            // A field new since the earlier sample: as a new item.
            None if rule.new_item == NewItem::FromZero => now,
            None => 0,
        })
    });
    (out, in_use)
}

/// sysstat's `get_per_cpu_interval` (`EarlierRule::IdleIowaitRestart`): the earlier idle
/// and iowait to take, from (earlier, later) of each; `None` where the earlier value stands.
fn take_earlier_as(idle: (u64, u64), iowait: (u64, u64)) -> (Option<u64>, Option<u64>) {
    // sysstat's guard: near 2^64 a counter is about to overflow, not a CPU coming back.
    const NEAR_MAX: u64 = u64::MAX - 0x7ffff;
    let ((p_idle, c_idle), (p_iowait, c_iowait)) = (idle, iowait);
    let reaccounted = c_idle > p_idle || p_idle >= NEAR_MAX;
    let iowait = (c_iowait < p_iowait && p_iowait < NEAR_MAX).then_some(if reaccounted {
        c_iowait
    } else {
        0
    });
    let idle = (c_idle < p_idle && p_idle < NEAR_MAX).then_some(0);
    (idle, iowait)
}

/// A field of a sum of intervals: a counter's Δs summed (a field only one has is that
/// one's), a level the later's.
fn summed<T: Group>(n: usize, earlier: Option<u64>, later: Option<u64>) -> Option<u64> {
    match T::FIELDS.get(n).map(|f| f.kind) {
        Some(Kind::Counter) => match (earlier, later) {
            (Some(a), Some(b)) => Some(a.saturating_add(b)),
            (a, b) => a.or(b),
        },
        _ => later,
    }
}

/// Add a later interval's group (`more`) to `sum`, field by field: counters summed (a
/// field only one has is that one's), levels the later's; `sum` keeps its identity.
pub fn add_counters<T: Group>(sum: &mut T, more: &T) {
    sum.combine_values(more, &mut |n, s, m| summed::<T>(n, s, m));
}

/// `add_counters`, the sum taking the later's identity (an interface's link facts).
pub fn add_counters_to_later<T: Group + Clone>(sum: &mut T, later: &T) {
    let earlier = std::mem::replace(sum, later.clone());
    sum.combine_values(&earlier, &mut |n, l, e| summed::<T>(n, e, l));
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
