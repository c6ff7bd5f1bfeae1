//! procps vmstat's columns from an interval: `r b swpd free buff cache si so bi bo in cs
//! us sy id wa st gu`.
//!
//! - r, b: tasks running and blocked at the end (/proc/stat, the running count includes
//!   the reader, as vmstat shows it);
//! - memory in kB: swpd = SwapTotal − SwapFree, free, buff = Buffers, cache = Cached +
//!   SReclaimable (procps' definition);
//! - si, so: swap traffic in kB/s (pages × page size); bi, bo: pgpgin/pgpgout in
//!   1 kB blocks per second; in, cs: interrupts and context switches per second;
//! - since boot (the first line), procps divides the counters by the CPU time of all CPUs
//!   (Σ ticks / USER_HZ), not by the uptime, so its first line's rates are per CPU; the
//!   same here, so the lines agree;
//! - CPU in whole percent of all ticks, rounded as procps rounds: us = user + nice −
//!   guest time, sy = system + irq + softirq, id, wa = iowait, st = steal, gu = guest +
//!   guest_nice.

use super::IntervalStats;

#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct VmstatRow {
    pub r: u64,
    pub b: u64,
    pub swpd: u64,
    pub free: u64,
    pub buff: u64,
    pub cache: u64,
    pub si: u64,
    pub so: u64,
    pub bi: u64,
    pub bo: u64,
    pub r#in: u64,
    pub cs: u64,
    pub us: u64,
    pub sy: u64,
    pub id: u64,
    pub wa: u64,
    pub st: u64,
    pub gu: u64,
}

impl VmstatRow {
    /// `page_size` in bytes converts swapped pages to kB; `user_hz` is the unit of CPU
    /// ticks.
    pub fn of(s: &IntervalStats, page_size: u32, user_hz: u32) -> VmstatRow {
        let seconds = if s.since_boot && s.cpu.all.total() > 0 {
            s.cpu.all.total() as f64 / f64::from(user_hz.max(1))
        } else {
            s.seconds
        };
        let per_s = |v: f64| (v / seconds).round() as u64;
        let p = s.procs.mean();
        let (free, buff, cache) = s.memory.map_or((0, 0, 0), |m| {
            let m = m.mean();
            (
                m.memfree as u64,
                m.buffers as u64,
                (m.cached + m.sreclaim) as u64,
            )
        });
        let swpd = s.swap.map_or(0, |w| w.mean().swpused as u64);
        let page_kb = f64::from(page_size) / 1024.0;
        let (si, so) = s.swap_pages.map_or((0, 0), |w| {
            (
                per_s(w.pswpin as f64 * page_kb),
                per_s(w.pswpout as f64 * page_kb),
            )
        });
        let (bi, bo) = s.paging.map_or((0, 0), |g| {
            (per_s(g.pgpgin as f64), per_s(g.pgpgout as f64))
        });
        let c = &s.cpu.all;
        // procps has no guest shift: its total is the plain sum of the states.
        let total = c.total() - c.shift;
        let pct = |v: u64| (100 * v + total / 2).checked_div(total).unwrap_or(0);
        let guest = c.guest + c.guest_nice;
        VmstatRow {
            r: p.running as u64,
            b: p.blocked as u64,
            swpd,
            free,
            buff,
            cache,
            si,
            so,
            bi,
            bo,
            r#in: per_s(s.tasks.intr as f64),
            cs: per_s(s.tasks.ctxt as f64),
            us: pct((c.user + c.nice).saturating_sub(guest)),
            sy: pct(c.system + c.irq + c.softirq),
            id: if total == 0 { 100 } else { pct(c.idle) },
            wa: pct(c.iowait),
            st: pct(c.steal),
            gu: pct(guest),
        }
    }
}
