//! `rsar cgstat`'s numbers: a cgroup's counters over an interval (`Over<CgroupCounters>`,
//! taken like every group's by `Items`) as rates. CPU time in µs per second is a share of
//! one CPU (100 % = one CPU busy), as pidstat's %CPU; throttling the share of the quota's
//! enforcement periods in which the cgroup was throttled; pressure the share of the time
//! some (or all non-idle) of its tasks were stalled. A field the cgroup lacks (a
//! controller that is off, or cgroup v1) has no rate. Memory (`CgroupMemory`) is levels
//! at the interval's end, the share of the hard limit in use, and the OOM kills counted
//! in the interval.

use super::{IntervalStats, Items, Over};
use crate::cgroup::{is_others, CgroupCounters, CgroupDeviceIo, CgroupLimits};
use crate::sample::{Group, Kind, Sample};
use std::collections::HashSet;

/// A cgroup's rates over an interval (or, summed, over several).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct CgroupRates {
    /// CPU used, % of one CPU; and its user and kernel parts.
    pub cpu_pct: Option<f64>,
    pub usr_pct: Option<f64>,
    pub sys_pct: Option<f64>,
    /// % of the enforcement periods in which it was throttled (`None` without a quota's
    /// periods in the interval).
    pub throttled_pct: Option<f64>,
    /// kB read and written per second, read and write requests per second.
    pub rkb_s: Option<f64>,
    pub wkb_s: Option<f64>,
    pub r_s: Option<f64>,
    pub w_s: Option<f64>,
    /// Pressure: % of the time some, and all non-idle, tasks were stalled, per resource.
    pub cpu_some_pct: Option<f64>,
    pub cpu_full_pct: Option<f64>,
    pub memory_some_pct: Option<f64>,
    pub memory_full_pct: Option<f64>,
    pub io_some_pct: Option<f64>,
    pub io_full_pct: Option<f64>,
}

/// Per second over `s` seconds (`None` over no time).
fn per_s(v: Option<u64>, s: f64) -> Option<f64> {
    v.filter(|_| s > 0.0).map(|v| v as f64 / s)
}

impl CgroupRates {
    /// The rates of a cgroup's counters over the seconds they cover.
    pub fn of(d: &Over<CgroupCounters>) -> Self {
        let s = d.seconds;
        // µs per second over 10^6 µs, as a percentage.
        let pct_of_time = |v: Option<u64>| per_s(v, s).map(|us| us / 10_000.0);
        CgroupRates {
            cpu_pct: pct_of_time(d.usage_us),
            usr_pct: pct_of_time(d.user_us),
            sys_pct: pct_of_time(d.system_us),
            throttled_pct: match (d.nr_throttled, d.nr_periods) {
                (Some(t), Some(p)) if p > 0 => Some(t as f64 * 100.0 / p as f64),
                _ => None,
            },
            cpu_some_pct: pct_of_time(d.cpu_some_us),
            cpu_full_pct: pct_of_time(d.cpu_full_us),
            memory_some_pct: pct_of_time(d.memory_some_us),
            memory_full_pct: pct_of_time(d.memory_full_us),
            io_some_pct: pct_of_time(d.io_some_us),
            io_full_pct: pct_of_time(d.io_full_us),
            ..Self::io(s, [d.rbytes, d.wbytes, d.rios, d.wios])
        }
    }

    /// The I/O rates of a cgroup on one device over an interval (the rest absent).
    pub fn of_device(d: &Over<CgroupDeviceIo>) -> Self {
        Self::io(d.seconds, [d.rbytes, d.wbytes, d.rios, d.wios])
    }

    /// kB read and written per second, and requests, from bytes and requests over `s`
    /// seconds.
    fn io(s: f64, [rbytes, wbytes, rios, wios]: [Option<u64>; 4]) -> Self {
        let kb = |v: Option<u64>| per_s(v, s).map(|b| b / 1024.0);
        CgroupRates {
            rkb_s: kb(rbytes),
            wkb_s: kb(wbytes),
            r_s: per_s(rios, s),
            w_s: per_s(wios, s),
            ..CgroupRates::default()
        }
    }
}

/// A cgroup's memory at the end of an interval, and its OOM kills over it.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct CgroupMemory {
    /// In use (v2 memory.current, v1 memory.usage_in_bytes), anonymous, page cache: kB.
    pub used_kb: Option<f64>,
    pub anon_kb: Option<f64>,
    pub file_kb: Option<f64>,
    /// `used` as a % of the hard limit (v2 memory.max, v1 memory.limit_in_bytes); `None`
    /// without a limit, or without the limits.
    pub limit_pct: Option<f64>,
    /// Processes killed by the OOM killer in the interval.
    pub oom_kills: Option<f64>,
    /// Tasks at the end (pids.current).
    pub tasks: Option<f64>,
}

impl CgroupMemory {
    /// The memory of a cgroup's interval, with the limits last recorded for it.
    pub fn of(d: &Over<CgroupCounters>, limits: Option<&CgroupLimits>) -> Self {
        let kb = |v: Option<u64>| v.map(|b| b as f64 / 1024.0);
        let max = limits.and_then(|l| l.memory_max).filter(|&m| m > 0);
        CgroupMemory {
            used_kb: kb(d.memory_current),
            anon_kb: kb(d.anon),
            file_kb: kb(d.file),
            limit_pct: match (d.memory_current, max) {
                (Some(u), Some(m)) => Some(u as f64 * 100.0 / m as f64),
                _ => None,
            },
            oom_kills: d.events_oom_kill.map(|k| k as f64),
            tasks: d.pids_current.map(|t| t as f64),
        }
    }
}

impl IntervalStats {
    /// The interval ends at a roll-up tier's sample (`store::rollup::cgroups`): a cgroup
    /// the sample before lacks was left out of it rather than created since, and counts
    /// 0 (what it did is in its parent's `(others)` row), its devices too. An `(others)`
    /// row new since the sample before, and a device new to a cgroup the sample before
    /// has, count from 0, as in a raw log.
    pub fn first_seen_in_tier(&mut self, prev: &Sample) {
        let before: HashSet<(&str, u64)> = prev
            .cgroups
            .iter()
            .map(|c| (c.path.as_str(), c.inode))
            .collect();
        let was_there =
            |path: &str, inode: u64| is_others(path, inode) || before.contains(&(path, inode));
        count_first_seen_as_0(&mut self.cgroups, |c| was_there(&c.path, c.inode));
        count_first_seen_as_0(&mut self.cgroup_devices, |d| was_there(&d.path, d.inode));
    }
}

/// Each item of a cgroup that `was_there` says the sample before lacked counts 0.
fn count_first_seen_as_0<G: Group + Clone>(items: &mut Items<G>, was_there: impl Fn(&G) -> bool) {
    for o in items.items.iter_mut().filter(|o| !was_there(&o.delta)) {
        let same = o.delta.clone();
        o.delta
            .combine_values(&same, &mut |n, v, _| match G::FIELDS.get(n) {
                Some(f) if f.kind == Kind::Counter => v.map(|_| 0),
                _ => v,
            });
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::sample::Sample;
    use crate::stats::IntervalStats;

    fn cgroup(
        path: &str,
        inode: u64,
        usage_us: u64,
        periods: u64,
        throttled: u64,
    ) -> CgroupCounters {
        CgroupCounters {
            path: path.into(),
            inode,
            usage_us: Some(usage_us),
            user_us: Some(usage_us / 4 * 3),
            system_us: Some(usage_us / 4),
            nr_periods: Some(periods),
            nr_throttled: Some(throttled),
            rbytes: Some(usage_us * 2),
            io_some_us: Some(usage_us / 10),
            ..CgroupCounters::default()
        }
    }

    fn sample(uptime_cs: u64, cgroups: Vec<CgroupCounters>) -> Sample {
        let mut s = Sample::default();
        s.time.uptime_cs = uptime_cs;
        s.time.wall_ns = uptime_cs as i64 * 10_000_000;
        s.cgroups = cgroups;
        s
    }

    /// Two seconds in which a cgroup used 1.5 s of CPU and was throttled in 5 of 20
    /// periods: 75 % of one CPU, 25 % throttled; a cgroup created again under the same
    /// path (another inode) counts from 0, not against the old one's counters; the
    /// average of two intervals is Σ over Σ seconds.
    #[test]
    fn cgroup_counters_become_shares_of_a_cpu_and_of_periods() {
        let a = sample(
            1000,
            vec![
                cgroup("", 1, 10_000_000, 0, 0),
                cgroup("web", 7, 1_000_000, 100, 10),
            ],
        );
        let b = sample(
            1200,
            vec![
                cgroup("", 1, 14_000_000, 0, 0),
                cgroup("web", 7, 2_500_000, 120, 15),
            ],
        );
        let c = sample(
            1400,
            vec![
                cgroup("", 1, 14_000_000, 0, 0),
                cgroup("web", 8, 400_000, 4, 0),
            ],
        );
        let i = IntervalStats::between(&a, &b).unwrap();
        let web = CgroupRates::of(&i.cgroups[1]);
        assert_eq!(i.cgroups[1].path, "web");
        assert!((web.cpu_pct.unwrap() - 75.0).abs() < 1e-9, "{web:?}");
        assert!((web.usr_pct.unwrap() + web.sys_pct.unwrap() - 75.0).abs() < 1e-3);
        assert!((web.throttled_pct.unwrap() - 25.0).abs() < 1e-9);
        assert!((web.rkb_s.unwrap() - 3_000_000.0 / 2.0 / 1024.0).abs() < 1e-9);
        assert!((web.io_some_pct.unwrap() - 7.5).abs() < 1e-9);
        // Not read (v1, a controller off): no rate, not 0.
        assert_eq!(web.wkb_s, None);
        let root = CgroupRates::of(&i.cgroups[0]);
        assert!((root.cpu_pct.unwrap() - 200.0).abs() < 1e-9);
        assert_eq!(root.throttled_pct, None, "no periods: no share");

        let j = IntervalStats::between(&b, &c).unwrap();
        let again = CgroupRates::of(&j.cgroups[1]);
        assert!((again.cpu_pct.unwrap() - 20.0).abs() < 1e-9, "{again:?}");

        let mut avg = i.clone();
        avg.add(&j);
        let root = CgroupRates::of(&avg.cgroups[0]);
        assert!((root.cpu_pct.unwrap() - 100.0).abs() < 1e-9, "{root:?}");
    }

    /// 48 MiB in use under a 64 MiB limit is 75 %; no limit (or none recorded) is no
    /// share; OOM kills are the interval's Δ, absent where the cgroup lacks the count.
    #[test]
    fn memory_is_levels_a_share_of_the_limit_and_the_kills_of_the_interval() {
        let mut a = cgroup("m", 3, 0, 0, 0);
        a.memory_current = Some(40 << 20);
        a.events_oom_kill = Some(1);
        let mut b = a.clone();
        b.memory_current = Some(48 << 20);
        b.anon = Some(32 << 20);
        b.events_oom_kill = Some(3);
        let d = Over::of_item(Some(&a), &b, 2.0);
        let limits = CgroupLimits {
            memory_max: Some(64 << 20),
            ..CgroupLimits::default()
        };
        let m = CgroupMemory::of(&d, Some(&limits));
        assert_eq!(m.used_kb, Some(48.0 * 1024.0));
        assert_eq!(m.anon_kb, Some(32.0 * 1024.0));
        assert_eq!(m.file_kb, None);
        assert_eq!(m.limit_pct, Some(75.0));
        assert_eq!(m.oom_kills, Some(2.0));
        assert_eq!(CgroupMemory::of(&d, None).limit_pct, None);
        let unlimited = CgroupLimits::default();
        assert_eq!(CgroupMemory::of(&d, Some(&unlimited)).limit_pct, None);
    }

    /// From a roll-up tier: a cgroup's memory is the mean of the `n` raw samples whose sum
    /// the tier's levels hold; a cgroup the tier sample before lacks counts 0 (it was left
    /// out there), an `(others)` row new since then counts from 0.
    #[test]
    fn a_tier_interval_takes_means_and_counts_a_cgroup_first_seen_as_0() {
        let mut a = sample(100, vec![cgroup("", 1, 1_000, 0, 0)]);
        a.cgroups[0].memory_current = Some(3 << 20);
        let mut sums = sample(
            6100,
            vec![
                cgroup("", 1, 61_000, 0, 0),
                cgroup("(others)", 0, 40_000, 0, 0),
                cgroup("web", 7, 20_000, 0, 0),
            ],
        );
        sums.cgroups[0].memory_current = Some(6 * (3 << 20) + 4);
        let mut i = IntervalStats::between(&a, &sums).unwrap();
        i.weigh_levels(6);
        i.first_seen_in_tier(&a);
        assert_eq!(i.cgroups[0].memory_current, Some((3 << 20) + 1));
        assert_eq!(i.cgroups[0].usage_us, Some(60_000));
        assert_eq!(i.cgroups[1].usage_us, Some(40_000));
        assert_eq!(i.cgroups[2].usage_us, Some(0));
    }
}
