//! Cgroups in a roll-up tier: of each tier interval's cgroups, those that led it in some
//! resource, their ancestors, and under each cgroup kept an `(others)` row for its
//! children left out (docs/FORMAT.md, "Roll-up tiers").
//!
//! A tier sample holds the raw sample's cgroups cut down: the root, the top `TOP_K`
//! cgroups of every `Resource` of the interval the sample ends *and* of the one it starts
//! (as process tables keep processes), those the tier sample before kept (a cgroup once
//! kept stays while it is there: rows that come and go cost a tier more than rows that
//! stay), and every ancestor of those (a parent's counters include its children's: the
//! tree stays whole). A cgroup kept for an interval is in the
//! samples at both its ends with its raw counters, so its delta there is the raw one; a
//! reader counts a cgroup that the tier sample before lacks as 0 over the interval
//! (`stats::IntervalStats::first_seen_in_tier`), since it was left out there rather than
//! created (its use then is in its parent's `(others)`).
//!
//! The `(others)` row under a kept cgroup P (path `P/(others)`, inode 0) adds up, over
//! the intervals P is shown over (in the samples at both ends), what P's children did
//! that no row shows: each child's raw deltas summed over the raw intervals, less what
//! its own row shows. Where a field of a parent counts its children's (everything but
//! cgroup v1's blkio throttle counters, which count a cgroup's own I/O only), a child's
//! children are in the child's numbers and only P's children are added up; otherwise
//! every descendant whose nearest ancestor shown is P. So an interval's rows under P add
//! up to P's delta, less what P's own tasks did. Its counters start at 0 when it first
//! appears (a reader counts it from 0), its levels at a tier sample are the sums of the
//! levels of P's children left out of it, and in the roll-up record its levels' minimum,
//! sum and maximum are the sums of theirs (the mean is exact; the minimum and maximum are
//! bounds). Pressure stall times do not add up over cgroups, and are absent there.
//!
//! Limits, recorded by rsadc when a cgroup appears or its limits change, are carried to
//! the tier sample after each change, and given again for a cgroup when it reappears in
//! the tier, so that a reader of the tier knows the limits of every cgroup it shows.
//!
//! Choosing the cgroups of a tier sample needs the next tier interval, so a tier sample
//! is written one tier interval late: `CgroupRollup` holds it.

use super::procs::{MIN_CPU_SHARE, TOP_K};
use super::Aggregate;
use crate::cgroup::{is_others, others_path, parent_path};
use crate::sample::{
    CgroupCounters, CgroupDeviceIo, CgroupDeviceLimits, CgroupLimits, Group, Kind, Sample,
};
use crate::stats::{add_counters, Items, Over};
use std::collections::{HashMap, HashSet};

/// A cgroup: its path and inode.
type CgKey = (String, u64);

/// An item of a member holding cgroups' rows: the cgroup's key and a device (0:0 for the
/// cgroup's own counters).
type ItemKey = (String, u64, u32, u32);

/// A cgroup ranks by I/O over a tier interval only with at least this many bytes a
/// second (a page), as by CPU and by time stalled only with `MIN_CPU_SHARE` of one CPU or
/// of the time: below them, which idle daemon wrote a page or woke changes from one
/// interval to the next, and each newcomer costs the tier its row.
pub const MIN_IO_RATE: f64 = 4096.0;

/// What a cgroup is ranked by, per tier interval.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Resource {
    /// CPU time used over the interval.
    Cpu,
    /// Memory in use at the interval's end.
    Memory,
    /// Bytes read and written over the interval.
    Io,
    /// Time some of its tasks were stalled on I/O or memory over the interval (the
    /// pressure files): the cgroup's time in D.
    Stalled,
}

impl Resource {
    const ALL: [Resource; 4] = [
        Resource::Cpu,
        Resource::Memory,
        Resource::Io,
        Resource::Stalled,
    ];

    /// The cgroup's score from its counters over the interval (`over`) and at its end.
    fn score(self, over: Option<&CgroupCounters>, now: &CgroupCounters) -> u64 {
        let d = |f: fn(&CgroupCounters) -> Option<u64>| over.and_then(f).unwrap_or(0);
        match self {
            Resource::Cpu => d(|c| c.usage_us),
            Resource::Memory => now.memory_current.unwrap_or(0),
            Resource::Io => d(|c| c.rbytes).saturating_add(d(|c| c.wbytes)),
            Resource::Stalled => d(|c| c.io_some_us).saturating_add(d(|c| c.memory_some_us)),
        }
    }
}

/// A member of `Sample` whose items are rows of cgroups (their counters, their I/O per
/// device), as the tier cuts it.
trait CgroupRow: Group + Clone {
    fn path(&self) -> &str;
    fn inode(&self) -> u64;
    fn cgroup(&self) -> CgKey {
        (self.path().to_string(), self.inode())
    }
    fn device(&self) -> (u32, u32);
    /// The `(others)` row under `parent` for this row's device, every field absent.
    fn others_under(&self, parent: &str) -> Self;
    /// Whether field `n` adds up over cgroups (else it is absent from `(others)`).
    fn adds_up(n: usize) -> bool;
    /// Whether field `n` counts I/O, which cgroup v1 counts per cgroup alone.
    fn io(n: usize) -> bool;

    fn key(&self) -> ItemKey {
        let (major, minor) = self.device();
        (self.path().to_string(), self.inode(), major, minor)
    }
}

impl CgroupRow for CgroupCounters {
    fn path(&self) -> &str {
        &self.path
    }
    fn inode(&self) -> u64 {
        self.inode
    }
    fn device(&self) -> (u32, u32) {
        (0, 0)
    }
    fn others_under(&self, parent: &str) -> Self {
        CgroupCounters {
            path: others_path(parent),
            inode: 0,
            ..CgroupCounters::default()
        }
    }
    fn adds_up(n: usize) -> bool {
        Self::FIELDS
            .get(n)
            .is_some_and(|f| !f.source.ends_with(".pressure"))
    }
    fn io(n: usize) -> bool {
        Self::FIELDS.get(n).is_some_and(|f| f.source == "io.stat")
    }
}

impl CgroupRow for CgroupDeviceIo {
    fn path(&self) -> &str {
        &self.path
    }
    fn inode(&self) -> u64 {
        self.inode
    }
    fn device(&self) -> (u32, u32) {
        (self.major, self.minor)
    }
    fn others_under(&self, parent: &str) -> Self {
        CgroupDeviceIo {
            path: others_path(parent),
            inode: 0,
            major: self.major,
            minor: self.minor,
            name: self.name.clone(),
            ..CgroupDeviceIo::default()
        }
    }
    fn adds_up(_: usize) -> bool {
        true
    }
    fn io(_: usize) -> bool {
        true
    }
}

fn is_counter<G: Group>(n: usize) -> bool {
    G::FIELDS.get(n).is_some_and(|f| f.kind == Kind::Counter)
}

/// Each row's counters over one raw interval, added to its sums over the tier interval,
/// taken as every reader takes them (`Items::between`: a row new since the raw sample
/// before counts from 0; nothing over an interval either sample lacks the group for).
fn add_raw_interval<G: CgroupRow>(sums: &mut HashMap<ItemKey, G>, prev: &[G], now: &[G]) {
    for d in Items::between(prev, now, 0.0).items {
        match sums.get_mut(&d.key()) {
            Some(acc) => add_counters(acc, &d.delta),
            None => {
                sums.insert(d.key(), d.delta);
            }
        }
    }
}

/// The `(others)` rows being made, by parent and device: a row to shape them like, their
/// values.
type Others<G> = HashMap<(String, u32, u32), (G, Vec<Option<u64>>)>;

/// The values of the `(others)` row under `parent` for `like`'s device.
fn slot<'m, G: CgroupRow>(
    others: &'m mut Others<G>,
    parent: &str,
    like: &G,
) -> &'m mut Vec<Option<u64>> {
    let (major, minor) = like.device();
    let (_, v) = others
        .entry((parent.to_string(), major, minor))
        .or_insert_with(|| (like.others_under(parent), vec![None; G::FIELDS.len()]));
    v
}

/// What a cut of one tier sample's rows needs to know of the cgroups.
struct Cut<'a> {
    /// The cgroups kept, and their paths.
    kept: &'a HashSet<CgKey>,
    kept_paths: HashSet<&'a str>,
    /// The cgroups the tier sample before has.
    before: HashSet<CgKey>,
    /// The paths of the cgroups kept that the tier sample before showed too: those whose
    /// rows show their whole delta over the interval.
    whole: HashSet<&'a str>,
    /// The cgroups' I/O is counted per cgroup alone (cgroup v1's blkio).
    own_io: bool,
}

impl Cut<'_> {
    /// Where what field `n` of the cgroup at `path` did and no row shows goes: the
    /// `(others)` of its parent when the parent's row shows its whole delta; for a field
    /// a parent does not count its children's in, of the nearest such ancestor.
    fn others_of<'p, G: CgroupRow>(&self, path: &'p str, n: usize) -> Option<&'p str> {
        let parent = parent_path(path)?;
        if !(self.own_io && G::io(n)) {
            return self.whole.contains(parent).then_some(parent);
        }
        let mut at = parent;
        loop {
            if self.whole.contains(at) {
                return Some(at);
            }
            at = parent_path(at)?;
        }
    }

    /// `raw`'s rows cut to the cgroups kept, and the `(others)` rows: `before` is the
    /// tier sample before's rows (as written), `sums` each raw row's counters over the
    /// interval this sample ends.
    fn rows<G: CgroupRow>(&self, raw: &[G], before: &[G], sums: &HashMap<ItemKey, G>) -> Vec<G> {
        let mut rows: Vec<G> = raw
            .iter()
            .filter(|c| self.kept.contains(&c.cgroup()))
            .cloned()
            .collect();
        // What each row shows over the interval: its delta from the sample before (from
        // 0 for a device new to a cgroup there), or 0 (a reader counts a cgroup the sample
        // before lacks as 0).
        let shown: HashMap<ItemKey, Vec<Option<u64>>> = rows
            .iter()
            .filter(|c| self.before.contains(&c.cgroup()))
            .map(|c| {
                let b = before.iter().find(|b| b.same_item(c));
                (c.key(), Over::of_item(b, c, 0.0).delta.values())
            })
            .collect();
        // The `(others)` rows, by parent and device: a row to shape them like, their
        // values.
        let mut others: Others<G> = HashMap::new();
        let has_levels = (0..G::FIELDS.len()).any(|n| !is_counter::<G>(n) && G::adds_up(n));
        for (key, sum) in sums {
            let path = key.0.as_str();
            // A child left out has its levels over the interval in the roll-up record's
            // `(others)`, though it did nothing the counters count, or ended before the
            // sample.
            if let Some(parent) = parent_path(path).filter(|p| {
                has_levels
                    && self.kept_paths.contains(p)
                    && !self.kept.contains(&(key.0.clone(), key.1))
            }) {
                slot(&mut others, parent, sum);
            }
            let shown = shown.get(key);
            for (n, total) in sum.values().into_iter().enumerate() {
                let Some(total) = total.filter(|_| is_counter::<G>(n) && G::adds_up(n)) else {
                    continue;
                };
                let seen = shown.and_then(|s| s[n]).unwrap_or(0);
                let rest = total.saturating_sub(seen);
                if rest == 0 {
                    continue;
                }
                if let Some(parent) = self.others_of::<G>(path, n) {
                    let v = &mut slot(&mut others, parent, sum)[n];
                    *v = Some(v.unwrap_or(0).wrapping_add(rest));
                }
            }
        }
        // The levels of the children left out, at this sample.
        for c in raw
            .iter()
            .filter(|c| has_levels && !self.kept.contains(&c.cgroup()))
        {
            let Some(parent) = parent_path(c.path()).filter(|p| self.kept_paths.contains(p)) else {
                continue;
            };
            let slot = slot(&mut others, parent, c);
            for (n, x) in c.values().into_iter().enumerate() {
                if let Some(x) = x.filter(|_| !is_counter::<G>(n) && G::adds_up(n)) {
                    slot[n] = Some(slot[n].unwrap_or(0).saturating_add(x));
                }
            }
        }
        // An `(others)` row the sample before had goes on from its counters there.
        for (mut row, mut v) in others.into_values() {
            if let Some(b) = before.iter().find(|b| b.same_item(&row)) {
                for (n, was) in b.values().into_iter().enumerate() {
                    if is_counter::<G>(n) && G::adds_up(n) && was.is_some() {
                        v[n] = Some(v[n].unwrap_or(0).wrapping_add(was.unwrap_or(0)));
                    }
                }
            }
            // Every value is one of a field of the same type, or a sum of them.
            let _ = row.set_raw_values(&v);
            rows.push(row);
        }
        rows.sort_by_key(CgroupRow::key);
        rows
    }
}

/// The top `TOP_K` cgroups of each resource over the interval that `now` ends, from each
/// row's counters over it (`sums`) and the `seconds` it lasted (none: `now` is a boot's
/// first, and ends no interval). The root is not ranked: it is always kept.
fn top(
    now: &Sample,
    sums: &HashMap<ItemKey, CgroupCounters>,
    seconds: Option<f64>,
) -> HashSet<CgKey> {
    // MIN_CPU_SHARE of the interval, in µs; MIN_IO_RATE over it, in bytes.
    let min_share = seconds.map_or(0, |s| (s * 1e6 * MIN_CPU_SHARE).ceil() as u64);
    let min_io = seconds.map_or(0, |s| (s * MIN_IO_RATE).ceil() as u64);
    let mut kept = HashSet::new();
    for r in Resource::ALL {
        let floor = match r {
            Resource::Cpu | Resource::Stalled => min_share,
            Resource::Io => min_io,
            Resource::Memory => 0,
        }
        .max(1);
        let mut scored: Vec<(u64, &CgroupCounters)> = now
            .cgroups
            .iter()
            .filter(|c| !c.path.is_empty() && !is_others(&c.path, c.inode))
            .map(|c| (r.score(sums.get(&c.key()), c), c))
            .filter(|(x, _)| *x >= floor)
            .collect();
        // Highest first; ties by path, so a tier is built the same every time.
        scored.sort_by(|a, b| {
            b.0.cmp(&a.0)
                .then_with(|| (&a.1.path, a.1.inode).cmp(&(&b.1.path, b.1.inode)))
        });
        kept.extend(scored.into_iter().take(TOP_K).map(|(_, c)| c.cgroup()));
    }
    kept
}

/// A level-only `(others)` row under `parent`: each level summed over `parent`'s
/// children in `items` that are not `kept` (a roll-up record's minima, sums or maxima).
fn left_out_levels(
    items: &[CgroupCounters],
    parent: &str,
    kept: &HashSet<CgKey>,
) -> CgroupCounters {
    let mut v = vec![None; CgroupCounters::FIELDS.len()];
    for c in items.iter().filter(|c| {
        parent_path(&c.path) == Some(parent)
            && !is_others(&c.path, c.inode)
            && !kept.contains(&c.cgroup())
    }) {
        for (n, x) in c.values().into_iter().enumerate() {
            if let Some(x) = x.filter(|_| !is_counter::<CgroupCounters>(n)) {
                v[n] = Some(v[n].unwrap_or(0u64).saturating_add(x));
            }
        }
    }
    let mut row = CgroupCounters::default().others_under(parent);
    // Sums of u64 levels.
    let _ = row.set_raw_values(&v);
    row
}

/// `changes`, then `later` (the last of each item wins).
fn merge_changes<G: Group + Clone>(changes: &mut Vec<G>, later: &[G]) {
    for l in later {
        match changes.iter_mut().find(|c| c.same_item(l)) {
            Some(c) => *c = l.clone(),
            None => changes.push(l.clone()),
        }
    }
}

/// A tier sample waiting for the next tier interval's top cgroups.
struct Held {
    sample: Box<Sample>,
    levels: Option<Aggregate>,
    /// The top cgroups of the interval it ends.
    top: HashSet<CgKey>,
    /// Each raw row's counters over the interval it ends.
    counters: HashMap<ItemKey, CgroupCounters>,
    devices: HashMap<ItemKey, CgroupDeviceIo>,
    /// The limits recorded in the interval it ends (the last of each cgroup and device).
    limits: Vec<CgroupLimits>,
    device_limits: Vec<CgroupDeviceLimits>,
}

/// Cuts one boot's tier samples down to their cgroups; see the module doc.
#[derive(Default)]
pub struct CgroupRollup {
    held: Option<Held>,
    /// Since the held sample: each raw row's counters over the raw intervals, and the
    /// limits recorded.
    counters: HashMap<ItemKey, CgroupCounters>,
    devices: HashMap<ItemKey, CgroupDeviceIo>,
    limits: Vec<CgroupLimits>,
    device_limits: Vec<CgroupDeviceLimits>,
    /// The rows of the tier sample written last in this boot.
    written: Option<(Vec<CgroupCounters>, Vec<CgroupDeviceIo>)>,
    /// Every cgroup's limits as of that sample, kept or not: given again when it
    /// reappears.
    known_limits: HashMap<CgKey, CgroupLimits>,
    known_device_limits: HashMap<CgKey, Vec<CgroupDeviceLimits>>,
}

impl CgroupRollup {
    /// A raw sample of the boot, after `prev` (none: the boot's first).
    pub fn raw(&mut self, prev: Option<&Sample>, s: &Sample) {
        if let Some(p) = prev {
            add_raw_interval(&mut self.counters, &p.cgroups, &s.cgroups);
            add_raw_interval(&mut self.devices, &p.cgroup_devices, &s.cgroup_devices);
        }
        merge_changes(&mut self.limits, &s.cgroup_limits);
        merge_changes(&mut self.device_limits, &s.cgroup_device_limits);
    }

    /// The next tier sample of the boot (a raw sample given to `raw` last), with its
    /// levels over the interval it ends: the held one when it is out, cut.
    pub fn push(
        &mut self,
        s: Box<Sample>,
        levels: Option<Aggregate>,
    ) -> Option<(Box<Sample>, Option<Aggregate>)> {
        let seconds = self
            .held
            .as_ref()
            .map(|h| s.time.uptime_cs.saturating_sub(h.sample.time.uptime_cs) as f64 / 100.0);
        let top = top(&s, &self.counters, seconds);
        let next = Held {
            sample: s,
            levels,
            top,
            counters: std::mem::take(&mut self.counters),
            devices: std::mem::take(&mut self.devices),
            limits: std::mem::take(&mut self.limits),
            device_limits: std::mem::take(&mut self.device_limits),
        };
        let out = self.held.take().map(|h| self.cut(h, &next.top));
        self.held = Some(next);
        out
    }

    /// The boot ended: the held sample, cut, and nothing carried to the next boot.
    pub fn finish_boot(&mut self) -> Option<(Box<Sample>, Option<Aggregate>)> {
        let out = self.held.take().map(|h| self.cut(h, &HashSet::new()));
        *self = CgroupRollup::default();
        out
    }

    /// The held sample cut down to its cgroups and `(others)`, now that the top of the
    /// next interval (`next`) is known.
    fn cut(&mut self, h: Held, next: &HashSet<CgKey>) -> (Box<Sample>, Option<Aggregate>) {
        let mut s = h.sample;
        let (before, before_devices) = self.written.take().unwrap_or_default();
        // The root, the top of both intervals, those the tier sample before kept (a
        // cgroup once kept stays while it is there: the tier's rows change only when a
        // cgroup comes to the top or goes, which is what costs a tier bytes), and their
        // ancestors.
        let shown_before: HashSet<CgKey> = before.iter().map(CgroupRow::cgroup).collect();
        let mut kept_paths: HashSet<&str> = HashSet::new();
        for c in s.cgroups.iter().filter(|c| {
            let k = c.cgroup();
            c.path.is_empty()
                || h.top.contains(&k)
                || next.contains(&k)
                || shown_before.contains(&k)
        }) {
            let mut at = Some(c.path.as_str());
            while let Some(p) = at.filter(|p| kept_paths.insert(p)) {
                at = parent_path(p);
            }
        }
        let kept: HashSet<CgKey> = s
            .cgroups
            .iter()
            .filter(|c| kept_paths.contains(c.path.as_str()))
            .map(CgroupRow::cgroup)
            .collect();
        let whole: HashSet<&str> = s
            .cgroups
            .iter()
            .filter(|c| kept.contains(&c.cgroup()) && shown_before.contains(&c.cgroup()))
            .map(|c| c.path.as_str())
            .collect();
        let cut = Cut {
            kept: &kept,
            kept_paths,
            before: shown_before,
            whole,
            own_io: s.cgroup_tree.is_none(),
        };
        let mut cgroups = cut.rows(&s.cgroups, &before, &h.counters);
        let devices = cut.rows(&s.cgroup_devices, &before_devices, &h.devices);
        let (limits, device_limits) =
            self.limits_of(&h.limits, &h.device_limits, &s, &kept, &before);
        let levels = h.levels.map(|mut a| {
            for row in cgroups.iter_mut().filter(|c| is_others(&c.path, c.inode)) {
                let parent = parent_path(&row.path).unwrap_or("").to_string();
                for x in [&mut a.min, &mut a.sum, &mut a.max] {
                    let sums = left_out_levels(&x.cgroups, &parent, &kept);
                    // A level the row lacks at the sample (its children left out all
                    // ended before it) is 0 there, so that the record keeps its mean.
                    let mut v = row.values();
                    for (n, x) in sums.values().into_iter().enumerate() {
                        if x.is_some() && v[n].is_none() {
                            v[n] = Some(0);
                        }
                    }
                    let _ = row.set_raw_values(&v);
                    x.cgroups.push(sums);
                }
            }
            a
        });
        s.cgroups = cgroups;
        s.cgroup_devices = devices;
        s.cgroup_limits = limits;
        s.cgroup_device_limits = device_limits;
        self.written = Some((s.cgroups.clone(), s.cgroup_devices.clone()));
        (s, levels)
    }

    /// The limits the cut sample `s` gives: those recorded in its interval of the
    /// cgroups it keeps, and every limit known of a cgroup it keeps that the sample
    /// before did not show.
    fn limits_of(
        &mut self,
        changed: &[CgroupLimits],
        devices_changed: &[CgroupDeviceLimits],
        s: &Sample,
        kept: &HashSet<CgKey>,
        before: &[CgroupCounters],
    ) -> (Vec<CgroupLimits>, Vec<CgroupDeviceLimits>) {
        for l in changed {
            self.known_limits
                .insert((l.path.clone(), l.inode), l.clone());
        }
        for d in devices_changed {
            let known = self
                .known_device_limits
                .entry((d.path.clone(), d.inode))
                .or_default();
            known.retain(|k| !k.same_item(d));
            // A device whose limits were all lifted is recorded as one with none.
            if [d.rbps, d.wbps, d.riops, d.wiops]
                .iter()
                .any(Option::is_some)
            {
                known.push(d.clone());
                known.sort_by_key(|k| (k.major, k.minor));
            }
        }
        let present: HashSet<CgKey> = s.cgroups.iter().map(CgroupRow::cgroup).collect();
        self.known_limits.retain(|k, _| present.contains(k));
        self.known_device_limits.retain(|k, _| present.contains(k));
        let mut limits = Vec::new();
        let mut device_limits = Vec::new();
        for c in s.cgroups.iter().filter(|c| kept.contains(&c.cgroup())) {
            let key = c.cgroup();
            if before.iter().any(|b| b.same_item(c)) {
                limits.extend(
                    changed
                        .iter()
                        .filter(|l| l.path == c.path && l.inode == c.inode)
                        .cloned(),
                );
                device_limits.extend(
                    devices_changed
                        .iter()
                        .filter(|l| l.path == c.path && l.inode == c.inode)
                        .cloned(),
                );
            } else {
                limits.extend(self.known_limits.get(&key).cloned());
                device_limits.extend(
                    self.known_device_limits
                        .get(&key)
                        .into_iter()
                        .flatten()
                        .cloned(),
                );
            }
        }
        (limits, device_limits)
    }
}
