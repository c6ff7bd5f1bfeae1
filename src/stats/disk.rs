//! Block devices: `-d` per device and `-b` over the physical disks (or, read from a
//! sysstat file, over the totals it recorded).
//!
//! Rules for counters that misbehave, declared with `DiskCounters` (its `DeltaRule` and
//! each field's wrap) and carried out for every group alike by `group`:
//! - A device seen for the first time, or whose I/O counts (reads or writes completed)
//!   went backwards, was registered (again) since the previous sample: its counters are
//!   taken from zero (sysstat diffs a new device against zeros).
//! - The millisecond fields are 32-bit in the kernel on every architecture and wrap at
//!   2^32 ms (about 49.7 days of accumulated time): a smaller value with a previous value
//!   in the upper half of the 32-bit range is a wrap, and Δ = new + 2^32 − old; from
//!   lower down it is a reset and counts 0.
//! - Any other field that goes backwards counts 0.
//! - A device that disappears simply has no row; one that was never used (no I/O
//!   completed since boot) is skipped by `-d`, as sar does.
//! - A sample without any device lacked /proc/diskstats (it could not be read that
//!   second): the intervals on either side of it have no rows, and the devices after it
//!   are not new ones (`Items::between`); diffing them against zeros would print
//!   everything since boot over one interval.
//! - A device's average is over the intervals in which `-d` showed it: an interval in
//!   which it was absent, not a whole disk (no /sys to tell), or not yet used counts
//!   neither its deltas nor its seconds.

use super::Over;
use crate::sample::{DiskCounters, IoTotals};

/// What one device did during an interval (or a sum of intervals): `DiskCounters`' rule
/// (re-registration, in use) and fields (the 32-bit millisecond fields) by its
/// declaration. `in_use`: the device has completed I/O since boot.
pub type DiskDelta = Over<DiskCounters>;

impl Over<DiskCounters> {
    /// Whether `-d` shows the device for this interval: a whole disk that has completed
    /// I/O since boot (sar skips devices that never did any). An average counts only
    /// the intervals that showed it (`Items::add_shown`).
    pub fn reported(&self) -> bool {
        self.whole && self.in_use
    }

    fn ios(&self) -> u64 {
        self.reads + self.writes + self.discards()
    }

    fn discards(&self) -> u64 {
        self.delta.discards.unwrap_or(0)
    }

    fn discard_sectors(&self) -> u64 {
        self.delta.discard_sectors.unwrap_or(0)
    }

    /// The `-d` columns over `seconds`.
    pub fn rates(&self, seconds: f64) -> DiskRates {
        let ios = self.ios();
        let per_io = |v: u64| if ios == 0 { 0.0 } else { v as f64 / ios as f64 };
        // Per second as sar's `S_VALUE` computes it, Δ / interval in 1/100 s × 100, and
        // kB, queue and utilisation from that: a value on a half (discards of whole MB)
        // then rounds as sar's does.
        let centiseconds = (seconds * 100.0).round();
        let per_s = |v: u64| {
            if centiseconds >= 1.0 {
                v as f64 / centiseconds * 100.0
            } else {
                v as f64 / seconds
            }
        };
        DiskRates {
            rd_sec: per_s(self.read_sectors),
            wr_sec: per_s(self.write_sectors),
            dc_sec: per_s(self.discard_sectors()),
            tps: per_s(ios),
            rkb: per_s(self.read_sectors) / 2.0,
            wkb: per_s(self.write_sectors) / 2.0,
            dkb: per_s(self.discard_sectors()) / 2.0,
            arqsz: per_io(self.read_sectors + self.write_sectors + self.discard_sectors()),
            areq_sz: per_io(self.read_sectors + self.write_sectors + self.discard_sectors()) / 2.0,
            aqu_sz: per_s(self.weighted_ms) / 1000.0,
            await_ms: per_io(self.read_ms + self.write_ms + self.delta.discard_ms.unwrap_or(0)),
            util: per_s(self.io_ticks_ms) / 10.0,
        }
    }
}

/// `sar -d`: `tps rkB/s wkB/s dkB/s areq-sz aqu-sz await %util`.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct DiskRates {
    /// 512-byte sectors read, written, discarded per second (sadf's `rd_sec`, …).
    pub rd_sec: f64,
    pub wr_sec: f64,
    pub dc_sec: f64,
    pub tps: f64,
    pub rkb: f64,
    pub wkb: f64,
    pub dkb: f64,
    /// Average request size in 512-byte sectors (sadf's `avgrq-sz`).
    pub arqsz: f64,
    /// Average request size in kB.
    pub areq_sz: f64,
    /// Average queue length.
    pub aqu_sz: f64,
    /// Average time per request, ms (queue + service).
    pub await_ms: f64,
    /// Percent of the interval the device was busy.
    pub util: f64,
}

/// `sar -b`: `tps rtps wtps dtps bread/s bwrtn/s bdscd/s` over whole physical disks, or
/// from a sysstat file's own totals (`IoTotals`).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct IoRates {
    pub tps: f64,
    pub rtps: f64,
    pub wtps: f64,
    pub dtps: f64,
    /// 512-byte sectors per second.
    pub bread: f64,
    pub bwrtn: f64,
    pub bdscd: f64,
}

impl IoRates {
    pub fn over(disks: &[DiskDelta], seconds: f64) -> IoRates {
        let mut r = IoRates::default();
        for d in disks.iter().filter(|d| d.physical && d.whole) {
            r.rtps += d.reads as f64;
            r.wtps += d.writes as f64;
            r.dtps += d.discards() as f64;
            r.bread += d.read_sectors as f64;
            r.bwrtn += d.write_sectors as f64;
            r.bdscd += d.discard_sectors() as f64;
        }
        r.per_second(seconds)
    }

    /// From the deltas of a sysstat file's totals (totals whose reads or writes went back
    /// are counted afresh, from zero, as a device registered again is: `IoTotals`' rule).
    pub fn of_totals(t: &IoTotals, seconds: f64) -> IoRates {
        IoRates {
            tps: 0.0,
            rtps: t.reads as f64,
            wtps: t.writes as f64,
            dtps: t.discards as f64,
            bread: t.read_sectors as f64,
            bwrtn: t.write_sectors as f64,
            bdscd: t.discard_sectors as f64,
        }
        .per_second(seconds)
    }

    /// Counts over `seconds` into rates, `tps` the sum of the three kinds of request.
    fn per_second(mut self, seconds: f64) -> IoRates {
        let r = &mut self;
        r.tps = r.rtps + r.wtps + r.dtps;
        for v in [
            &mut r.tps,
            &mut r.rtps,
            &mut r.wtps,
            &mut r.dtps,
            &mut r.bread,
            &mut r.bwrtn,
            &mut r.bdscd,
        ] {
            *v /= seconds;
        }
        self
    }
}

#[cfg(test)]
mod tests {
    use super::DiskDelta;

    /// 127488 sectors discarded in a second are 62.25 MB/s: sar's Δ / 100 cs × 100 gives
    /// the double just above (`-h` prints 62.3M), Δ / 1 s the half itself (62.2M). The
    /// same for the queue: 255 weighted ms in a second print 0.25 as sar's, not 0.26.
    #[test]
    fn rates_in_sars_order() {
        let d = DiskDelta {
            delta: crate::sample::DiskCounters {
                discard_sectors: Some(127_488),
                weighted_ms: 255,
                ..Default::default()
            },
            ..DiskDelta::default()
        };
        let mb = d.rates(1.0).dkb / 1024.0;
        assert_eq!(format!("{mb:.1}"), "62.3");
        assert_eq!(format!("{:.2}", d.rates(1.0).aqu_sz), "0.25");
    }
}
