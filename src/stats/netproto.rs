//! Network protocols: `-n IP EIP ICMP EICMP TCP ETCP UDP` and their IPv6 twins (whole-system
//! counters), `-n SOCK` and `SOCK6` (levels, in `levels`), `-n SOFT` (per-CPU counters).
//!
//! Rules for counters that misbehave:
//! - /proc/net/snmp and snmp6 counters only restart at a reboot, which starts a new segment
//!   before any interval is computed; a value that still goes backwards (a collector moved
//!   into another network namespace) counts 0, as the other system counters do.
//! - softnet_stat values are 32-bit: one that went backwards wrapped (Δ = new + 2^32 −
//!   old), as sar's unsigned arithmetic has it. A CPU with no line in the previous sample
//!   (it came online) starts its baseline: its interval counts 0. Both are declared with
//!   `SoftnetCounters`.

use super::Over;
use crate::sample::SoftnetCounters;

/// What one CPU's network softirq did during an interval (`-n SOFT`); its backlog is the
/// one at the end of the (last) interval, as sar prints it in an average.
pub type SoftnetDelta = Over<SoftnetCounters>;

impl Over<SoftnetCounters> {
    /// The `all` row: every CPU's interval added up (backlogs too, as sadc sums them).
    pub fn total(cpus: &[SoftnetDelta]) -> SoftnetDelta {
        let mut all = SoftnetCounters::default();
        for c in cpus {
            all.processed += c.processed;
            all.dropped += c.dropped;
            all.time_squeeze += c.time_squeeze;
            all.received_rps += c.received_rps;
            all.flow_limit += c.flow_limit;
            all.backlog_len = Some(all.backlog_len.unwrap_or(0) + c.backlog_len.unwrap_or(0));
        }
        Over {
            delta: all,
            ..Over::default()
        }
    }

    /// `total/s dropd/s squeezd/s rx_rps/s flw_lim/s blg_len`.
    pub fn values(&self, seconds: f64) -> Vec<f64> {
        vec![
            self.processed as f64 / seconds,
            self.dropped as f64 / seconds,
            self.time_squeeze as f64 / seconds,
            self.received_rps as f64 / seconds,
            self.flow_limit as f64 / seconds,
            self.backlog_len.unwrap_or(0) as f64,
        ]
    }
}
