//! CPU utilisation (`-u`, `-u ALL`, `-P`) with sysstat's rules for counters that misbehave.
//!
//! Rules, in the order they apply to one CPU between two samples:
//! - A CPU with no line in the later sample (offline) has no interval: it is left out of
//!   the per-CPU rows and of the `all` row. A CPU that goes offline keeps its last online
//!   counters as its baseline (`CpuTicks` declares `GoneItem::KeepsLast`, which
//!   `carry_gone_items` carries out on each sample before it becomes the previous one, as
//!   sysstat copies them forward), so when it comes back its row and the `all` row count
//!   its ticks since then. Only a CPU with no counters since the segment began is left
//!   out when it comes online.
//! - iowait going backwards while idle went forward is iowait being re-accounted as idle:
//!   the old iowait is taken as the new one (Δiowait = 0). iowait going backwards
//!   otherwise, and idle going backwards, mean the CPU went offline and came back between
//!   the samples: idle and iowait restart from 0, so their previous values count as 0.
//!   (sysstat's `get_per_cpu_interval`; declared with `CpuTicks` as its `EarlierRule`,
//!   which the generic delta carries out.)
//! - Every other field that went backwards counts 0 (sysstat HEAD's per-field clamp).
//! - user − guest or nice − guest_nice going down (the kernel counted guest ticks before
//!   it put them into user or nice) adds the difference to the CPU's interval: sysstat's
//!   `ishift`. Those ticks count in Δtot and in no state.
//! - Δtot = Δ(user+nice+system+idle+iowait+irq+softirq+steal) + shift; guest and
//!   guest_nice are already in user and nice. A CPU with Δtot = 0 (tickless) shows 100 %
//!   idle.
//! - The `all` row is the sum of the per-CPU intervals (sysstat HEAD), so a CPU that comes
//!   back online cannot make the machine total go backwards. Only when /proc/stat has no
//!   per-CPU lines at all is the aggregate line used.

use super::delta::{add_counters, counter_delta};
use crate::sample::{CpuTicks, CpuTimes};

/// Ticks spent in each state during an interval (or a sum of intervals): each field's
/// Δ by `CpuTicks`' declaration (its `EarlierRule` is sysstat's idle and iowait restart),
/// with the guest shift.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CpuDelta {
    pub ticks: CpuTicks,
    /// Ticks by which user − guest or nice − guest_nice went down: the kernel counted
    /// guest time it had not yet put into user or nice. sysstat adds them to the CPU's
    /// interval (`ishift`), so they count in the total but in no state.
    pub shift: u64,
}

impl std::ops::Deref for CpuDelta {
    type Target = CpuTicks;
    fn deref(&self) -> &CpuTicks {
        &self.ticks
    }
}

impl CpuDelta {
    /// The interval of one CPU between two readings.
    pub fn between(prev: &CpuTicks, curr: &CpuTicks) -> CpuDelta {
        let own = |total: u64, guest: u64| i128::from(total) - i128::from(guest);
        let went_down = |p: i128, c: i128| u64::try_from(p - c).unwrap_or(0);
        let shift = went_down(own(prev.user, prev.guest), own(curr.user, curr.guest))
            + went_down(
                own(prev.nice, prev.guest_nice),
                own(curr.nice, curr.guest_nice),
            );
        CpuDelta {
            ticks: counter_delta(Some(prev), curr).0,
            shift,
        }
    }

    pub fn add(&mut self, o: &CpuDelta) {
        add_counters(&mut self.ticks, &o.ticks);
        self.shift += o.shift;
    }

    /// All ticks of the interval (guest time is inside user and nice already), with the
    /// guest shift.
    pub fn total(&self) -> u64 {
        self.shift
            + self.user
            + self.nice
            + self.system
            + self.idle
            + self.iowait
            + self.irq
            + self.softirq
            + self.steal
    }

    /// Percentages of the interval, as `sar -u` and `sar -u ALL` print them.
    pub fn util(&self) -> CpuUtil {
        let tot = self.total();
        if tot == 0 {
            return CpuUtil {
                idle: 100.0,
                ..CpuUtil::default()
            };
        }
        let pct = |v: u64| v as f64 * 100.0 / tot as f64;
        CpuUtil {
            user: pct(self.user),
            nice: pct(self.nice),
            system: pct(self.system + self.irq + self.softirq),
            iowait: pct(self.iowait),
            steal: pct(self.steal),
            idle: pct(self.idle),
            usr: pct(self.user.saturating_sub(self.guest)),
            gnice_free_nice: pct(self.nice.saturating_sub(self.guest_nice)),
            sys: pct(self.system),
            irq: pct(self.irq),
            soft: pct(self.softirq),
            guest: pct(self.guest),
            gnice: pct(self.guest_nice),
        }
    }
}

/// CPU percentages. `-u` uses user/nice/system/iowait/steal/idle; `-u ALL` uses
/// usr/gnice_free_nice/sys/iowait/steal/irq/soft/guest/gnice/idle.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct CpuUtil {
    /// `%user`: user time, guest included.
    pub user: f64,
    /// `%nice` of `-u`: nice time, guest_nice included.
    pub nice: f64,
    /// `%system` of `-u`: system + irq + softirq.
    pub system: f64,
    pub iowait: f64,
    pub steal: f64,
    pub idle: f64,
    /// `%usr` of `-u ALL`: user − guest.
    pub usr: f64,
    /// `%nice` of `-u ALL`: nice − guest_nice.
    pub gnice_free_nice: f64,
    /// `%sys` of `-u ALL`: system alone.
    pub sys: f64,
    pub irq: f64,
    pub soft: f64,
    pub guest: f64,
    pub gnice: f64,
}

/// The CPU part of an interval: the machine and each CPU by number.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CpuInterval {
    pub all: CpuDelta,
    /// Indexed by CPU number; `None` when the CPU was offline (or just came online).
    pub per_cpu: Vec<Option<CpuDelta>>,
}

impl CpuInterval {
    pub fn between(prev: &CpuTimes, curr: &CpuTimes) -> CpuInterval {
        let per_cpu: Vec<Option<CpuDelta>> = curr
            .per_cpu
            .iter()
            .enumerate()
            .map(|(n, c)| {
                let p = prev.per_cpu.get(n).copied().flatten();
                match (p, c) {
                    (Some(p), Some(c)) => Some(CpuDelta::between(&p, c)),
                    _ => None,
                }
            })
            .collect();
        let all = if curr.per_cpu.is_empty() {
            CpuDelta::between(&prev.total, &curr.total)
        } else {
            let mut all = CpuDelta::default();
            for d in per_cpu.iter().flatten() {
                all.add(d);
            }
            all
        };
        CpuInterval { all, per_cpu }
    }

    pub fn add(&mut self, o: &CpuInterval) {
        self.all.add(&o.all);
        if self.per_cpu.len() < o.per_cpu.len() {
            self.per_cpu.resize(o.per_cpu.len(), None);
        }
        for (mine, theirs) in self.per_cpu.iter_mut().zip(&o.per_cpu) {
            if let Some(t) = theirs {
                mine.get_or_insert_with(CpuDelta::default).add(t);
            }
        }
    }
}
