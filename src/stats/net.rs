//! Network interfaces: `-n DEV` and `-n EDEV`.
//!
//! Rules for counters that misbehave:
//! - An interface seen for the first time, or whose packet counts (received or sent) went
//!   backwards, was registered (again) since the previous sample — a re-created veth, a
//!   reloaded driver: its counters are taken from zero (sysstat does the same).
//! - Any other counter that went backwards with a previous value in the upper half of the
//!   32-bit range wrapped (32-bit kernels keep 32-bit byte counters): Δ = new + 2^32 −
//!   old. Otherwise it was reset (a driver clearing one statistic) and counts 0, as sar
//!   prints it: not the 2^32 events a wrap from a small value would mean.
//! - A sample without any interface lacked /proc/net/dev: the intervals on either side of
//!   it have no rows (`IntervalStats::between`), rather than every interface counted from
//!   zero after it.
//! - An interface's average is over the intervals in which it was there: an interval in
//!   which it had no row counts neither its deltas nor its seconds.

use super::delta::delta_u32_wrapping;
use crate::sample::NetCounters;

/// What one interface did during an interval (or a sum of intervals).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct NetDelta {
    pub name: String,
    pub rx_bytes: u64,
    pub rx_packets: u64,
    pub rx_compressed: u64,
    pub rx_multicast: u64,
    pub tx_bytes: u64,
    pub tx_packets: u64,
    pub tx_compressed: u64,
    /// Errors, drops and collisions (`-n EDEV`).
    pub errors: NetErrors,
    pub speed_mbps: Option<u32>,
    pub full_duplex: bool,
    /// Seconds the deltas cover: the interval's; for an average, the sum over the
    /// intervals in which the interface was there (and had a row).
    pub seconds: f64,
}

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

impl NetDelta {
    pub fn between(prev: Option<&NetCounters>, curr: &NetCounters) -> NetDelta {
        let zero = NetCounters::default();
        let p = match prev {
            Some(p) if curr.rx_packets >= p.rx_packets && curr.tx_packets >= p.tx_packets => p,
            _ => &zero,
        };
        let w = delta_u32_wrapping;
        NetDelta {
            name: curr.name.clone(),
            rx_bytes: w(p.rx_bytes, curr.rx_bytes),
            rx_packets: w(p.rx_packets, curr.rx_packets),
            rx_compressed: w(p.rx_compressed, curr.rx_compressed),
            rx_multicast: w(p.rx_multicast, curr.rx_multicast),
            tx_bytes: w(p.tx_bytes, curr.tx_bytes),
            tx_packets: w(p.tx_packets, curr.tx_packets),
            tx_compressed: w(p.tx_compressed, curr.tx_compressed),
            errors: NetErrors {
                rx_errs: w(p.rx_errs, curr.rx_errs),
                tx_errs: w(p.tx_errs, curr.tx_errs),
                tx_colls: w(p.tx_colls, curr.tx_colls),
                rx_drop: w(p.rx_drop, curr.rx_drop),
                tx_drop: w(p.tx_drop, curr.tx_drop),
                tx_carrier: w(p.tx_carrier, curr.tx_carrier),
                rx_frame: w(p.rx_frame, curr.rx_frame),
                rx_fifo: w(p.rx_fifo, curr.rx_fifo),
                tx_fifo: w(p.tx_fifo, curr.tx_fifo),
            },
            speed_mbps: curr.speed_mbps,
            full_duplex: curr.full_duplex,
            seconds: 0.0,
        }
    }

    pub fn add(&mut self, o: &NetDelta) {
        self.seconds += o.seconds;
        self.rx_bytes += o.rx_bytes;
        self.rx_packets += o.rx_packets;
        self.rx_compressed += o.rx_compressed;
        self.rx_multicast += o.rx_multicast;
        self.tx_bytes += o.tx_bytes;
        self.tx_packets += o.tx_packets;
        self.tx_compressed += o.tx_compressed;
        let mut theirs = o.errors;
        for (mine, theirs) in self.errors.fields().into_iter().zip(theirs.fields()) {
            *mine += *theirs;
        }
        self.speed_mbps = o.speed_mbps;
        self.full_duplex = o.full_duplex;
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
