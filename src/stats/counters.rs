//! Whole-system event counters: forks and context switches (`-w`), swap traffic (`-W`),
//! paging (`-B`), pressure stall totals (`-q ALL`).
//!
//! These only restart at a reboot, which starts a new segment before any interval is
//! computed; a value that still goes backwards counts 0 rather than wrapping to 2^64.

use super::levels::{Mean, PsiLevels};
use crate::sample::{KernelCounters, Paging, Pressure, Swap};

fn d(prev: u64, curr: u64) -> u64 {
    curr.saturating_sub(prev)
}

/// `sar -w`: forks and context switches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TaskDelta {
    pub processes: u64,
    pub ctxt: u64,
    pub intr: u64,
}

impl TaskDelta {
    pub fn between(p: &KernelCounters, c: &KernelCounters) -> Self {
        TaskDelta {
            processes: d(p.processes, c.processes),
            ctxt: d(p.ctxt, c.ctxt),
            intr: d(p.intr, c.intr),
        }
    }

    pub fn add(&mut self, o: &Self) {
        self.processes += o.processes;
        self.ctxt += o.ctxt;
        self.intr += o.intr;
    }
}

/// `sar -W`: pages swapped in and out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SwapPagesDelta {
    pub pswpin: u64,
    pub pswpout: u64,
}

impl SwapPagesDelta {
    pub fn between(p: &Swap, c: &Swap) -> Self {
        SwapPagesDelta {
            pswpin: d(p.pswpin, c.pswpin),
            pswpout: d(p.pswpout, c.pswpout),
        }
    }

    pub fn add(&mut self, o: &Self) {
        self.pswpin += o.pswpin;
        self.pswpout += o.pswpout;
    }
}

/// `sar -B`: the /proc/vmstat paging counters over an interval.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PagingDelta {
    pub counters: Paging,
    /// Pages reclaimed as sysstat 12.6 counts them: every `pgsteal_*` line of /proc/vmstat
    /// summed, the by-reclaimer lines (kswapd, direct) and the by-type ones (anon, file)
    /// alike, so that a kernel with both (5.8+) counts each page twice.
    pub pgsteal_12_6: u64,
}

impl PagingDelta {
    /// `pgsteal` of the delta is Δ(pgsteal_anon + pgsteal_file), as sysstat 12.7.8+ counts
    /// it, when both samples have them; Δ of the kswapd/direct sum otherwise (kernels
    /// before 5.8, logs recorded before rsar kept them).
    pub fn between(p: &Paging, c: &Paging) -> Self {
        let by_type = |x: &Paging| match (x.pgsteal_anon, x.pgsteal_file) {
            (None, None) => None,
            (a, f) => Some(a.unwrap_or(0) + f.unwrap_or(0)),
        };
        let pgsteal = match (by_type(p), by_type(c)) {
            (Some(a), Some(b)) => d(a, b),
            _ => d(p.pgsteal, c.pgsteal),
        };
        let by_reclaimer = d(p.pgsteal, c.pgsteal);
        let pgsteal_12_6 = match (by_type(p), by_type(c)) {
            (Some(a), Some(b)) => by_reclaimer + d(a, b),
            _ => by_reclaimer,
        };
        // Every field by its schema declaration; pgsteal by sysstat's current rule.
        PagingDelta {
            counters: Paging {
                pgsteal,
                ..super::counter_delta(p, c)
            },
            pgsteal_12_6,
        }
    }

    pub fn add(&mut self, o: &Self) {
        self.pgsteal_12_6 += o.pgsteal_12_6;
        let (m, t) = (&mut self.counters, &o.counters);
        m.pgpgin += t.pgpgin;
        m.pgpgout += t.pgpgout;
        m.pgfault += t.pgfault;
        m.pgmajfault += t.pgmajfault;
        m.pgfree += t.pgfree;
        m.pgscan_kswapd += t.pgscan_kswapd;
        m.pgscan_direct += t.pgscan_direct;
        m.pgsteal += t.pgsteal;
        m.pgpromote += t.pgpromote;
        m.pgdemote += t.pgdemote;
        let add = |a: Option<u64>, b: Option<u64>| match (a, b) {
            (Some(a), Some(b)) => Some(a + b),
            (a, b) => a.or(b),
        };
        m.pgsteal_anon = add(m.pgsteal_anon, t.pgsteal_anon);
        m.pgsteal_file = add(m.pgsteal_file, t.pgsteal_file);
    }

    /// `pgpgin/s pgpgout/s fault/s majflt/s pgfree/s pgscank/s pgscand/s pgsteal/s
    /// pgprom/s pgdem/s` (sysstat 12.7.5+, which dropped `%vmeff`).
    pub fn rates(&self, seconds: f64) -> PagingRates {
        let r = |v: u64| v as f64 / seconds;
        let p = &self.counters;
        PagingRates {
            pgpgin: r(p.pgpgin),
            pgpgout: r(p.pgpgout),
            fault: r(p.pgfault),
            majflt: r(p.pgmajfault),
            pgfree: r(p.pgfree),
            pgscank: r(p.pgscan_kswapd),
            pgscand: r(p.pgscan_direct),
            pgsteal: r(p.pgsteal),
            pgprom: r(p.pgpromote),
            pgdem: r(p.pgdemote),
        }
    }
}

impl PagingDelta {
    /// sysstat 12.6's `%vmeff`: pages reclaimed (its count) per page scanned, in percent;
    /// 0 when nothing was scanned.
    pub fn vmeff_12_6(&self) -> f64 {
        let p = &self.counters;
        let scanned = p.pgscan_kswapd + p.pgscan_direct;
        if scanned == 0 {
            0.0
        } else {
            self.pgsteal_12_6 as f64 / scanned as f64 * 100.0
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
}

impl PsiDelta {
    pub fn between(p: &Pressure, c: &Pressure) -> Self {
        let full = |x: &Pressure| x.full.map_or(0, |f| f.total_us);
        PsiDelta {
            some_us: d(p.some.total_us, c.some.total_us),
            full_us: d(full(p), full(c)),
            levels: Mean::<PsiLevels>::of(PsiLevels::of(c)),
        }
    }

    pub fn add(&mut self, o: &Self) {
        self.some_us += o.some_us;
        self.full_us += o.full_us;
        self.levels.add(&o.levels);
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
