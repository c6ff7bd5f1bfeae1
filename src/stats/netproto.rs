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

use super::delta::delta_u32_wrapping;
use crate::sample::SoftnetCounters;

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
