//! Network protocols: `-n IP EIP ICMP EICMP TCP ETCP UDP` and their IPv6 twins (whole-system
//! counters), `-n SOCK` and `SOCK6` (levels, in `levels`), `-n SOFT` (per-CPU counters).
//!
//! Rules for counters that misbehave:
//! - /proc/net/snmp and snmp6 counters only restart at a reboot, which starts a new segment
//!   before any interval is computed; a value that still goes backwards (a collector moved
//!   into another network namespace) counts 0, as the other system counters do.
//! - softnet_stat values are 32-bit: one that went backwards wrapped (Δ = new + 2^32 −
//!   old), as sar's unsigned arithmetic has it. A CPU with no line in the previous sample
//!   (it came online) starts its baseline: its interval counts 0.

use super::disk::delta_u32_wrapping;
use crate::sample::{Group, Kind, SoftnetCounters};

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

/// What one CPU's network softirq did during an interval (`-n SOFT`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SoftnetDelta {
    pub cpu: u32,
    pub processed: u64,
    pub dropped: u64,
    pub time_squeeze: u64,
    pub received_rps: u64,
    pub flow_limit: u64,
    /// The backlog at the end of the interval (0 before Linux 5.10). An average keeps the
    /// last interval's, as sar prints it.
    pub backlog_len: u64,
}

impl SoftnetDelta {
    pub fn between(prev: Option<&SoftnetCounters>, curr: &SoftnetCounters) -> SoftnetDelta {
        let p = prev.copied().unwrap_or(SoftnetCounters {
            backlog_len: None,
            ..*curr
        });
        let w = delta_u32_wrapping;
        SoftnetDelta {
            cpu: curr.cpu,
            processed: w(p.processed, curr.processed),
            dropped: w(p.dropped, curr.dropped),
            time_squeeze: w(p.time_squeeze, curr.time_squeeze),
            received_rps: w(p.received_rps, curr.received_rps),
            flow_limit: w(p.flow_limit, curr.flow_limit),
            backlog_len: curr.backlog_len.unwrap_or(0),
        }
    }

    pub fn add(&mut self, o: &SoftnetDelta) {
        self.processed += o.processed;
        self.dropped += o.dropped;
        self.time_squeeze += o.time_squeeze;
        self.received_rps += o.received_rps;
        self.flow_limit += o.flow_limit;
        self.backlog_len = o.backlog_len;
    }

    /// The `all` row: every CPU's interval added up (backlogs too, as sadc sums them).
    pub fn total(cpus: &[SoftnetDelta]) -> SoftnetDelta {
        let mut all = SoftnetDelta::default();
        for c in cpus {
            all.processed += c.processed;
            all.dropped += c.dropped;
            all.time_squeeze += c.time_squeeze;
            all.received_rps += c.received_rps;
            all.flow_limit += c.flow_limit;
            all.backlog_len += c.backlog_len;
        }
        all
    }

    /// `total/s dropd/s squeezd/s rx_rps/s flw_lim/s blg_len`.
    pub fn values(&self, seconds: f64) -> Vec<f64> {
        vec![
            self.processed as f64 / seconds,
            self.dropped as f64 / seconds,
            self.time_squeeze as f64 / seconds,
            self.received_rps as f64 / seconds,
            self.flow_limit as f64 / seconds,
            self.backlog_len as f64,
        ]
    }
}

#[cfg(test)]
mod schema_delta {
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
