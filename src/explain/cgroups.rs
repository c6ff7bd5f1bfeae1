//! Cgroups as the second source `explain` and `diff` split a change over, beside the
//! processes. Each pass keeps, per cgroup path, its counters summed over the intervals
//! (`IntervalStats::cgroups`, the stats layer's deltas) and its levels summed for their
//! mean: memory grows with the number of cgroups, never with the window's length.
//!
//! A cgroup's counters include its descendants', so splitting over every cgroup would
//! count the same work at each level. A change is split at one level only: each cgroup's
//! own part (its counter less those of its nearest recorded descendants) is gathered into
//! its *unit*, the outermost cgroup of the same workload (`Workload::of` names the same
//! service, container or pod; a path that names none is its own unit). So
//! `system.slice/docker-<id>.scope/init.scope` counts for the container's scope, and
//! `system.slice` only for what runs in the slice itself. What the root does itself, and
//! what no recorded cgroup covers, is the residual. Pressure stalls overlap across
//! cgroups and do not add up: for them the innermost units are ranked by their own stall
//! time, and no residual is given.

use super::{Contributor, EntityKind, Presence};
use crate::cgroup::name::Workload;
use crate::cgroup::CgroupCounters;
use crate::stats::Items;
use std::collections::{HashMap, HashSet};

/// A cgroup counter or level a signal's change can be split over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CgroupResource {
    /// `usage_usec`, as points of all CPUs' time.
    Cpu,
    System,
    /// Anonymous memory, kB (mean over the intervals): what a cgroup holds of the memory
    /// `memused` counts; its page cache is `File`.
    Anon,
    File,
    /// Bytes read and written at the block layer (writeback charged to the cgroup that
    /// dirtied the pages), kB/s.
    IoBytes,
    MajorFaults,
    /// Time some of its tasks stalled (pressure), as points of the time.
    CpuStall,
    MemoryStall,
    IoStall,
}

const RESOURCES: usize = 9;

impl CgroupResource {
    /// What is compared, in a sentence.
    pub fn describe(self) -> &'static str {
        match self {
            CgroupResource::Cpu => "CPU time",
            CgroupResource::System => "system CPU time",
            CgroupResource::Anon => "anonymous memory",
            CgroupResource::File => "page cache charged",
            CgroupResource::IoBytes => "bytes read and written",
            CgroupResource::MajorFaults => "major faults",
            CgroupResource::CpuStall => "time stalled waiting for a CPU",
            CgroupResource::MemoryStall => "time stalled on memory",
            CgroupResource::IoStall => "time stalled on I/O",
        }
    }

    /// Whether the cgroups' own parts add up to the system's value.
    pub fn additive(self) -> bool {
        !matches!(
            self,
            CgroupResource::CpuStall | CgroupResource::MemoryStall | CgroupResource::IoStall
        )
    }

    /// Its raw value in one interval of one cgroup: a counter's Δ, a level's value.
    fn raw(self, c: &CgroupCounters) -> Option<u64> {
        match self {
            CgroupResource::Cpu => c.usage_us,
            CgroupResource::System => c.system_us,
            CgroupResource::Anon => c.anon,
            CgroupResource::File => c.file,
            CgroupResource::IoBytes => match (c.rbytes, c.wbytes) {
                (None, None) => None,
                (r, w) => Some(r.unwrap_or(0) + w.unwrap_or(0)),
            },
            CgroupResource::MajorFaults => c.pgmajfault,
            CgroupResource::CpuStall => c.cpu_some_us,
            CgroupResource::MemoryStall => c.memory_some_us,
            CgroupResource::IoStall => c.io_some_us,
        }
    }

    const ALL: [CgroupResource; RESOURCES] = [
        CgroupResource::Cpu,
        CgroupResource::System,
        CgroupResource::Anon,
        CgroupResource::File,
        CgroupResource::IoBytes,
        CgroupResource::MajorFaults,
        CgroupResource::CpuStall,
        CgroupResource::MemoryStall,
        CgroupResource::IoStall,
    ];
}

/// One cgroup over a pass.
#[derive(Debug, Clone, Default)]
struct CgroupUse {
    /// Per resource (`CgroupResource` order), its values summed over the intervals;
    /// `None` where the cgroup never had the field.
    sums: [Option<u64>; RESOURCES],
    /// The pass's interval it was first in (0 the first).
    first: u64,
}

/// The cgroups of one pass.
#[derive(Debug, Clone, Default)]
pub struct CgroupPass {
    by_path: HashMap<String, CgroupUse>,
    /// Seconds and intervals that held cgroups.
    seconds: f64,
    intervals: u64,
}

impl CgroupPass {
    /// Add one interval's cgroups.
    pub fn add(&mut self, cgroups: &Items<CgroupCounters>) {
        if cgroups.is_empty() {
            return;
        }
        self.seconds += cgroups.seconds;
        let at = self.intervals;
        self.intervals += 1;
        for c in cgroups {
            let u = match self.by_path.get_mut(c.path.as_str()) {
                Some(u) => u,
                None => self.by_path.entry(c.path.clone()).or_insert(CgroupUse {
                    first: at,
                    ..CgroupUse::default()
                }),
            };
            for (sum, r) in u.sums.iter_mut().zip(CgroupResource::ALL) {
                if let Some(v) = r.raw(&c.delta) {
                    *sum = Some(sum.unwrap_or(0).saturating_add(v));
                }
            }
        }
    }

    /// Seconds of the intervals that held cgroups.
    pub fn seconds(&self) -> f64 {
        self.seconds
    }

    /// How many cgroups the pass saw.
    pub fn len(&self) -> usize {
        self.by_path.len()
    }

    pub fn is_empty(&self) -> bool {
        self.by_path.is_empty()
    }

    pub fn paths(&self) -> impl Iterator<Item = &str> {
        self.by_path.keys().map(String::as_str)
    }

    /// A sum in the unit of the signal split over `r`, on a host of `cpus` CPUs.
    fn value(&self, sum: u64, r: CgroupResource, cpus: f64) -> f64 {
        let (secs, n) = (self.seconds, self.intervals.max(1) as f64);
        if secs <= 0.0 {
            return 0.0;
        }
        let v = sum as f64;
        match r {
            CgroupResource::Cpu | CgroupResource::System => v / 1e6 / secs / cpus * 100.0,
            CgroupResource::Anon | CgroupResource::File => v / n / 1024.0,
            CgroupResource::IoBytes => v / 1024.0 / secs,
            CgroupResource::MajorFaults => v / secs,
            CgroupResource::CpuStall | CgroupResource::MemoryStall | CgroupResource::IoStall => {
                v / 1e6 / secs * 100.0
            }
        }
    }

    /// Each unit's use of `r` over the pass (the root left out: its own part is the
    /// residual), in the signal's unit.
    pub fn unit_values(&self, units: &Units, r: CgroupResource, cpus: f64) -> HashMap<String, f64> {
        let i = r as usize;
        let own: HashMap<&str, f64> = self
            .by_path
            .iter()
            .filter_map(|(p, u)| Some((p.as_str(), self.value(u.sums[i]?, r, cpus))))
            .collect();
        let mut out: HashMap<String, f64> = HashMap::new();
        if r.additive() {
            // Each cgroup's own part: less what its nearest recorded descendants used.
            let mut part = own.clone();
            for (&p, &v) in &own {
                if let Some(parent) = nearest_ancestor(p, |a| own.contains_key(a)) {
                    if let Some(x) = part.get_mut(parent) {
                        *x -= v;
                    }
                }
            }
            for (p, v) in part.into_iter().filter(|(p, _)| !p.is_empty()) {
                *out.entry(units.of(p).to_string()).or_insert(0.0) += v;
            }
        } else {
            // A unit's stall time is its outermost cgroup's (it covers the others'); only
            // the innermost units are ranked, as their stalls are inside the outer ones'.
            for (p, v) in own.into_iter().filter(|(p, _)| !p.is_empty()) {
                let u = out.entry(units.of(p).to_string()).or_insert(0.0);
                *u = u.max(v);
            }
            let outer: HashSet<String> = out
                .keys()
                .filter(|u| out.keys().any(|o| o.len() > u.len() && is_below(o, u)))
                .cloned()
                .collect();
            out.retain(|u, _| !outer.contains(u));
        }
        out
    }

    /// The units that had any cgroup in the pass; `before_end`: before its last interval
    /// (a baseline's last sample is the window's first: a cgroup that appeared there is
    /// the window's, as a process first seen there is).
    fn units_seen(&self, units: &Units, before_end: bool) -> HashSet<String> {
        let last = self.intervals.saturating_sub(1);
        self.by_path
            .iter()
            .filter(|(p, u)| !p.is_empty() && (!before_end || last == 0 || u.first < last))
            .map(|(p, _)| units.of(p).to_string())
            .collect()
    }
}

/// Whether `path` is strictly below `ancestor` (`""` is the root).
fn is_below(path: &str, ancestor: &str) -> bool {
    ancestor.is_empty() && !path.is_empty()
        || path
            .strip_prefix(ancestor)
            .is_some_and(|rest| rest.starts_with('/'))
}

/// The nearest proper ancestor of `path` that `known` accepts (the root `""` last).
fn nearest_ancestor(path: &str, known: impl Fn(&str) -> bool) -> Option<&str> {
    let mut p = path;
    while !p.is_empty() {
        p = p.rfind('/').map_or("", |i| &p[..i]);
        if known(p) {
            return Some(p);
        }
    }
    None
}

/// Each cgroup path's unit: the outermost cgroup of the same workload.
#[derive(Debug, Default)]
pub struct Units(HashMap<String, String>);

impl Units {
    /// The units of every path of the passes.
    pub fn of_passes<'a>(passes: impl IntoIterator<Item = &'a CgroupPass>) -> Units {
        let mut m = HashMap::new();
        for pass in passes {
            for p in pass.paths() {
                if !m.contains_key(p) {
                    m.insert(p.to_string(), unit_of(p));
                }
            }
        }
        Units(m)
    }

    fn of<'a>(&'a self, path: &'a str) -> &'a str {
        self.0.get(path).map_or(path, String::as_str)
    }
}

/// The outermost ancestor-or-self of `path` that `Workload::of` names as it names `path`;
/// `path` itself when it names nothing.
pub fn unit_of(path: &str) -> String {
    let Some(name) = Workload::of(path).display() else {
        return path.to_string();
    };
    let mut end = 0;
    for part in path.split('/') {
        end += part.len();
        let prefix = &path[..end];
        if !part.is_empty() && Workload::of(prefix).display().as_deref() == Some(name.as_str()) {
            return prefix.to_string();
        }
        end += 1;
    }
    path.to_string()
}

/// The workload name of a unit, when it says more than the path's last part.
pub fn workload(path: &str) -> Option<String> {
    let name = Workload::of(path).display()?;
    (Some(name.as_str()) != path.rsplit('/').next()).then_some(name)
}

/// Each unit of either pass, window minus baseline, as contributors (shares left at 0).
pub fn by_unit(
    window: &CgroupPass,
    baseline: &CgroupPass,
    units: &Units,
    r: CgroupResource,
    cpus: (f64, f64),
) -> Vec<Contributor> {
    let (w, b) = (
        window.unit_values(units, r, cpus.0),
        baseline.unit_values(units, r, cpus.1),
    );
    let (seen_w, seen_b) = (
        window.units_seen(units, false),
        baseline.units_seen(units, true),
    );
    let mut names: Vec<&String> = w.keys().chain(b.keys()).collect();
    names.sort();
    names.dedup();
    let mut out: Vec<Contributor> = names
        .into_iter()
        .map(|u| {
            let (now, then) = (
                w.get(u).copied().unwrap_or(0.0),
                b.get(u).copied().unwrap_or(0.0),
            );
            Contributor {
                kind: EntityKind::Cgroup,
                name: u.clone(),
                pid: None,
                started_ns: None,
                cgroup: Some(u.as_str().into()),
                window: now,
                baseline: then,
                change: now - then,
                share: 0.0,
                presence: match (seen_w.contains(u), seen_b.contains(u)) {
                    (true, false) => Presence::New,
                    (false, true) => Presence::Vanished,
                    _ => Presence::Both,
                },
            }
        })
        .collect();
    out.retain(|c| c.change != 0.0);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::Over;

    fn cg(path: &str, usage_us: u64, anon: u64, io_some_us: u64) -> Over<CgroupCounters> {
        Over {
            delta: CgroupCounters {
                path: path.into(),
                inode: 1,
                usage_us: Some(usage_us),
                anon: Some(anon),
                io_some_us: Some(io_some_us),
                ..CgroupCounters::default()
            },
            seconds: 1.0,
            in_use: true,
        }
    }

    fn pass(intervals: &[Vec<Over<CgroupCounters>>]) -> CgroupPass {
        let mut p = CgroupPass::default();
        for items in intervals {
            p.add(&Items {
                items: items.clone(),
                seconds: 1.0,
            });
        }
        p
    }

    #[test]
    fn a_unit_is_the_outermost_cgroup_of_its_workload() {
        let id = "0123456789abcdef".repeat(4);
        let scope = format!("system.slice/docker-{id}.scope");
        assert_eq!(unit_of(&format!("{scope}/init.scope")), scope);
        assert_eq!(unit_of(&scope), scope);
        assert_eq!(
            unit_of("system.slice/nginx.service"),
            "system.slice/nginx.service"
        );
        assert_eq!(unit_of("system.slice"), "system.slice");
        assert_eq!(unit_of("test/hog"), "test/hog");
        assert_eq!(unit_of(""), "");
        assert_eq!(
            workload(&scope).as_deref(),
            Some(&*format!("docker {}", &id[..12]))
        );
        assert_eq!(workload("system.slice/nginx.service"), None);
    }

    /// Nested cgroups on a 2-CPU host, over one second each pass (µs of CPU):
    ///
    /// ```text
    ///                   baseline     window
    /// ""  (root)         400 000    1 600 000
    /// a.slice            300 000    1 400 000
    /// a.slice/x.service  100 000      900 000
    /// a.slice/y.service  100 000      100 000
    /// b                        -      100 000   (new)
    /// ```
    ///
    /// Own parts: x 100 000 → 900 000 (+800 000), y unchanged, a.slice's own 100 000 →
    /// 400 000 (+300 000), b +100 000, the root's own 100 000 → 100 000. In points of two
    /// CPUs (1 000 000 µs over 1 s × 2 CPUs is 50 points): the system's busy goes up
    /// 1 200 000 µs = 60 points; x is +40 (2/3), a.slice +15 (1/4), b +5 (1/12), and the
    /// three add up to the 60: nothing counted twice.
    #[test]
    fn nested_cgroups_count_once_each_for_their_own_part() {
        let base = pass(&[vec![
            cg("", 400_000, 0, 0),
            cg("a.slice", 300_000, 0, 0),
            cg("a.slice/x.service", 100_000, 0, 0),
            cg("a.slice/y.service", 100_000, 0, 0),
        ]]);
        let win = pass(&[vec![
            cg("", 1_600_000, 0, 0),
            cg("a.slice", 1_400_000, 0, 0),
            cg("a.slice/x.service", 900_000, 0, 0),
            cg("a.slice/y.service", 100_000, 0, 0),
            cg("b", 100_000, 0, 0),
        ]]);
        let units = Units::of_passes([&win, &base]);
        let mut parts = by_unit(&win, &base, &units, CgroupResource::Cpu, (2.0, 2.0));
        parts.sort_by(|a, b| b.change.total_cmp(&a.change));
        let got: Vec<(&str, f64, Presence)> = parts
            .iter()
            .map(|c| (c.name.as_str(), c.change, c.presence))
            .collect();
        let want = [
            ("a.slice/x.service", 40.0, Presence::Both),
            ("a.slice", 15.0, Presence::Both),
            ("b", 5.0, Presence::New),
        ];
        assert_eq!(got.len(), want.len(), "{got:?}");
        for (g, w) in got.iter().zip(want) {
            assert_eq!((g.0, g.2), (w.0, w.2));
            assert!((g.1 - w.1).abs() < 1e-9, "{got:?}");
        }
        let sum: f64 = parts.iter().map(|c| c.change).sum();
        assert!((sum - 60.0).abs() < 1e-9, "{sum}");
    }

    /// Memory is a level: its mean over the intervals (a cgroup absent from one counts
    /// nothing there). `m` holds 1 MiB then 3 MiB: a mean of 2048 kB; its child `m/c` 1
    /// MiB in the second only: 512 kB, so `m`'s own part is 1536 kB.
    #[test]
    fn levels_are_means_over_the_intervals() {
        let mib = 1 << 20;
        let p = pass(&[
            vec![cg("", 0, 0, 0), cg("m", 0, mib, 0)],
            vec![
                cg("", 0, 0, 0),
                cg("m", 0, 3 * mib, 0),
                cg("m/c", 0, mib, 0),
            ],
        ]);
        let units = Units::of_passes([&p]);
        let v = p.unit_values(&units, CgroupResource::Anon, 1.0);
        assert_eq!(v.get("m").copied(), Some(1536.0));
        assert_eq!(v.get("m/c").copied(), Some(512.0));
    }

    /// Stalls overlap: a parent's is not less its children's; only the innermost units
    /// are ranked, each by its own stall time.
    #[test]
    fn stalls_rank_the_innermost_units_by_their_own_time() {
        let p = pass(&[vec![
            cg("", 0, 0, 500_000),
            cg("s", 0, 0, 400_000),
            cg("s/a", 0, 0, 300_000),
            cg("s/b", 0, 0, 200_000),
        ]]);
        let units = Units::of_passes([&p]);
        let mut v: Vec<(String, f64)> = p
            .unit_values(&units, CgroupResource::IoStall, 2.0)
            .into_iter()
            .collect();
        v.sort_by(|a, b| a.0.cmp(&b.0));
        assert_eq!(v, [("s/a".to_string(), 30.0), ("s/b".to_string(), 20.0)]);
    }

    #[test]
    fn ancestors_are_found_by_path() {
        let known = ["", "a", "a/b/c"];
        let k = |p: &str| known.contains(&p);
        assert_eq!(nearest_ancestor("a/b/c/d", k), Some("a/b/c"));
        assert_eq!(nearest_ancestor("a/b/c", k), Some("a"));
        assert_eq!(nearest_ancestor("a", k), Some(""));
        assert_eq!(nearest_ancestor("", k), None);
        assert!(is_below("a/b", "a") && is_below("a", "") && !is_below("ab", "a"));
    }
}
