//! Whole-system event counters: forks and context switches (`-w`), swap traffic (`-W`),
//! paging (`-B`), pressure stall totals (`-q ALL`).
//!
//! These only restart at a reboot, which starts a new segment before any interval is
//! computed; a value that still goes backwards counts 0 rather than wrapping to 2^64.

use super::levels::{Mean, PsiLevels};
use super::Over;
use crate::sample::{KernelCounters, Paging, Pressure, Swap};

fn d(prev: u64, curr: u64) -> u64 {
    curr.saturating_sub(prev)
}

/// `sar -w`: forks and context switches (and interrupts, for vmstat).
pub type TaskDelta = Over<KernelCounters>;

/// `sar -W`: pages swapped in and out.
pub type SwapPagesDelta = Over<Swap>;

/// `sar -B`: the /proc/vmstat paging counters over an interval.
pub type PagingDelta = Over<Paging>;

impl Over<Paging> {
    /// Pages reclaimed as sysstat 12.7.8+ counts them: Δ(pgsteal_anon + pgsteal_file)
    /// when the interval has them, Δ of the kswapd/direct sum otherwise (kernels before
    /// 5.8, logs recorded before rsar kept them). The kswapd/direct split misses
    /// memory-cgroup reclaim.
    pub fn pgsteal(&self) -> u64 {
        match (self.pgsteal_anon, self.pgsteal_file) {
            (None, None) => self.delta.pgsteal,
            (a, f) => a.unwrap_or(0) + f.unwrap_or(0),
        }
    }

    /// Pages reclaimed as sysstat 12.6 counts them: every `pgsteal_*` line of /proc/vmstat
    /// summed, the by-reclaimer lines (kswapd, direct) and the by-type ones (anon, file)
    /// alike, so that a kernel with both (5.8+) counts each page twice.
    pub fn pgsteal_12_6(&self) -> u64 {
        self.delta.pgsteal + self.pgsteal_anon.unwrap_or(0) + self.pgsteal_file.unwrap_or(0)
    }

    /// `pgpgin/s pgpgout/s fault/s majflt/s pgfree/s pgscank/s pgscand/s pgsteal/s
    /// pgprom/s pgdem/s` (sysstat 12.7.5+, which dropped `%vmeff`).
    pub fn rates(&self, seconds: f64) -> PagingRates {
        let r = |v: u64| v as f64 / seconds;
        let p = &self.delta;
        PagingRates {
            pgpgin: r(p.pgpgin),
            pgpgout: r(p.pgpgout),
            fault: r(p.pgfault),
            majflt: r(p.pgmajfault),
            pgfree: r(p.pgfree),
            pgscank: r(p.pgscan_kswapd),
            pgscand: r(p.pgscan_direct),
            pgsteal: r(self.pgsteal()),
            pgprom: r(p.pgpromote),
            pgdem: r(p.pgdemote),
        }
    }

    /// sysstat 12.6's `%vmeff`: pages reclaimed (its count) per page scanned, in percent;
    /// 0 when nothing was scanned.
    pub fn vmeff_12_6(&self) -> f64 {
        let scanned = self.pgscan_kswapd + self.pgscan_direct;
        if scanned == 0 {
            0.0
        } else {
            self.pgsteal_12_6() as f64 / scanned as f64 * 100.0
        }
    }
}

/// `sar -B`'s columns.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct PagingRates {
    pub pgpgin: f64,
    pub pgpgout: f64,
    pub fault: f64,
    pub majflt: f64,
    pub pgfree: f64,
    pub pgscank: f64,
    pub pgscand: f64,
    pub pgsteal: f64,
    pub pgprom: f64,
    pub pgdem: f64,
}

/// One pressure resource over an interval: stall time and the kernel's averages at the end.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct PsiDelta {
    /// Microseconds in which some tasks stalled.
    pub some_us: u64,
    /// Microseconds in which all non-idle tasks stalled.
    pub full_us: u64,
    pub levels: Mean<PsiLevels>,
    /// Seconds the stall times cover: the interval's; summed for an average, over the
    /// intervals that had the file only.
    pub seconds: f64,
}

impl PsiDelta {
    pub fn between(p: &Pressure, c: &Pressure, seconds: f64) -> Self {
        let full = |x: &Pressure| x.full.map_or(0, |f| f.total_us);
        PsiDelta {
            some_us: d(p.some.total_us, c.some.total_us),
            full_us: d(full(p), full(c)),
            levels: Mean::<PsiLevels>::of(PsiLevels::of(c)),
            seconds,
        }
    }

    pub fn add(&mut self, o: &Self) {
        self.some_us += o.some_us;
        self.full_us += o.full_us;
        self.levels.add(&o.levels);
        self.seconds += o.seconds;
    }

    /// Percent of `seconds` in which some tasks stalled (`%scpu`, `%sio`, `%smem`).
    pub fn some_pct(&self, seconds: f64) -> f64 {
        stall_pct(self.some_us, seconds)
    }

    /// Percent of `seconds` in which all tasks stalled (`%fio`, `%fmem`).
    pub fn full_pct(&self, seconds: f64) -> f64 {
        stall_pct(self.full_us, seconds)
    }
}

/// µs of stall as a percentage of `seconds`, computed as sar does — Δµs / (100 × the
/// interval in 1/100 s), one division — so that a value on a half (0.035) rounds as sar's
/// does; µs / (s × 10⁶) × 100 can land just below it.
fn stall_pct(us: u64, seconds: f64) -> f64 {
    let centiseconds = (seconds * 100.0).round();
    if centiseconds >= 1.0 {
        us as f64 / (100.0 * centiseconds)
    } else {
        us as f64 / (seconds * 1e6) * 100.0
    }
}

#[cfg(test)]
mod tests {
    /// 350 µs of stall in one second is 0.035 %: sar's one division gives the double just
    /// above 0.035 (prints 0.04), µs / 10⁶ × 100 the one just below (0.03).
    #[test]
    fn stall_percentage_rounds_as_sar() {
        assert_eq!(format!("{:.2}", super::stall_pct(350, 1.0)), "0.04");
    }
}
