//! Network interfaces: `-n DEV` and `-n EDEV`.
//!
//! Rules for counters that misbehave, declared with `NetCounters` (its `DeltaRule` and
//! each field's wrap) and carried out for every group alike by `group`:
//! - An interface seen for the first time, or whose packet counts (received or sent) went
//!   backwards, was registered (again) since the previous sample — a re-created veth, a
//!   reloaded driver: its counters are taken from zero (sysstat does the same).
//! - Any other counter that went backwards with a previous value in the upper half of the
//!   32-bit range wrapped (32-bit kernels keep 32-bit counters): Δ = new + 2^32 − old.
//!   Otherwise it was reset (a driver clearing one statistic) and counts 0, as sar prints
//!   it: not the 2^32 events a wrap from a small value would mean.
//! - A sample without any interface lacked /proc/net/dev: the intervals on either side of
//!   it have no rows (`Items::between`), rather than every interface counted from zero
//!   after it.
//! - An interface's average is over the intervals in which it was there: an interval in
//!   which it had no row counts neither its deltas nor its seconds.

use super::Over;
use crate::sample::NetCounters;

/// What one interface did during an interval (or a sum of intervals); its link facts
/// (speed, duplex) are the later sample's.
pub type NetDelta = Over<NetCounters>;

/// What went wrong on an interface during an interval: the `-n EDEV` counters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct NetErrors {
    pub rx_errs: u64,
    pub tx_errs: u64,
    pub tx_colls: u64,
    pub rx_drop: u64,
    pub tx_drop: u64,
    pub tx_carrier: u64,
    pub rx_frame: u64,
    pub rx_fifo: u64,
    pub tx_fifo: u64,
}

impl NetErrors {
    fn fields(&mut self) -> [&mut u64; 9] {
        [
            &mut self.rx_errs,
            &mut self.tx_errs,
            &mut self.tx_colls,
            &mut self.rx_drop,
            &mut self.tx_drop,
            &mut self.tx_carrier,
            &mut self.rx_frame,
            &mut self.rx_fifo,
            &mut self.tx_fifo,
        ]
    }

    /// `rxerr/s txerr/s coll/s rxdrop/s txdrop/s txcarr/s rxfram/s rxfifo/s txfifo/s`.
    pub fn rates(mut self, seconds: f64) -> [f64; 9] {
        self.fields().map(|v| *v as f64 / seconds)
    }
}

impl Over<NetCounters> {
    /// Errors, drops and collisions (`-n EDEV`).
    pub fn errors(&self) -> NetErrors {
        let n = &self.delta;
        NetErrors {
            rx_errs: n.rx_errs,
            tx_errs: n.tx_errs,
            tx_colls: n.tx_colls,
            rx_drop: n.rx_drop,
            tx_drop: n.tx_drop,
            tx_carrier: n.tx_carrier,
            rx_frame: n.rx_frame,
            rx_fifo: n.rx_fifo,
            tx_fifo: n.tx_fifo,
        }
    }

    /// The `-n DEV` columns over `seconds`.
    pub fn rates(&self, seconds: f64) -> NetRates {
        let rx = self.rx_bytes as f64 / seconds;
        let tx = self.tx_bytes as f64 / seconds;
        // sysstat's compute_ifutil: bytes/s × 8 bits × 100 % / (Mb/s × 10^6).
        let ifutil = match self.speed_mbps {
            Some(speed) if speed > 0 => {
                let bits = f64::from(speed) * 1e6;
                let busy = if self.full_duplex {
                    rx.max(tx)
                } else {
                    rx + tx
                };
                busy * 800.0 / bits
            }
            _ => 0.0,
        };
        NetRates {
            rxpck: self.rx_packets as f64 / seconds,
            txpck: self.tx_packets as f64 / seconds,
            rxkb: rx / 1024.0,
            txkb: tx / 1024.0,
            rxcmp: self.rx_compressed as f64 / seconds,
            txcmp: self.tx_compressed as f64 / seconds,
            rxmcst: self.rx_multicast as f64 / seconds,
            ifutil,
        }
    }
}

/// `sar -n DEV`: `rxpck/s txpck/s rxkB/s txkB/s rxcmp/s txcmp/s rxmcst/s %ifutil`.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct NetRates {
    pub rxpck: f64,
    pub txpck: f64,
    pub rxkb: f64,
    pub txkb: f64,
    pub rxcmp: f64,
    pub txcmp: f64,
    pub rxmcst: f64,
    pub ifutil: f64,
}
