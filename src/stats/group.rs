//! One metric group over an interval, the same for every group: `Over<G>` is what a group
//! (or one item of a group with items) did between two samples, `Items<G>` every item of
//! a group with items. Both are taken by each field's declaration in the schema (a
//! counter's Δ, wrapping where `wrap_bits` says; a level's later value) and by the rules
//! the group declares (`Group::DELTA`: sysstat's re-registration, new items, items in
//! use), and both add up the same way for an average: counters and seconds summed,
//! levels the later ones. Nothing here names a group; what is special to one group is in
//! its declaration or in its report module's accessors.

use super::delta::{add_counters, add_counters_to_later, counter_delta};
// Every member type by name, as `sample_members!` names them.
use crate::sample::*;
use std::ops::Deref;

/// What a group, or one item of a group with items, did over an interval (or, summed,
/// over several).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Over<G> {
    /// The group's own struct: each counter holds its Δ, each level its value at the end
    /// of the (last) interval, an item's identity (name, numbers, link facts) the later
    /// sample's.
    pub delta: G,
    /// Seconds the deltas cover: the interval's; summed for an average, over the
    /// intervals that had the group (or the item) only.
    pub seconds: f64,
    /// The item has counted anything since boot, by its group's `DeltaRule::in_use_when_any`
    /// (as of the end of the last interval); always for a group that names no field.
    pub in_use: bool,
}

impl<G> Deref for Over<G> {
    type Target = G;
    fn deref(&self) -> &G {
        &self.delta
    }
}

impl<G: Group + Clone> Over<G> {
    /// The group between two samples that both hold it.
    pub fn between(prev: &G, curr: &G, seconds: f64) -> Self {
        Self::of_item(Some(prev), curr, seconds)
    }

    /// One item between two samples; `prev` `None` when the earlier sample lacks it (its
    /// group's `NewItem` rule says what it counts).
    pub fn of_item(prev: Option<&G>, curr: &G, seconds: f64) -> Self {
        let (delta, in_use) = counter_delta(prev, curr);
        Over {
            delta,
            seconds,
            in_use,
        }
    }

    /// The group, when both samples hold it.
    pub fn both(prev: &Option<G>, curr: &Option<G>, seconds: f64) -> Option<Self> {
        match (prev, curr) {
            (Some(p), Some(c)) => Some(Self::between(p, c, seconds)),
            _ => None,
        }
    }

    /// Add a later interval: counters and seconds summed, levels the later.
    pub fn add(&mut self, o: &Self) {
        add_counters(&mut self.delta, &o.delta);
        self.seconds += o.seconds;
        self.in_use |= o.in_use;
    }

    /// A count over the seconds the group covers, per second.
    pub fn rate(&self, count: u64) -> f64 {
        count as f64 / self.seconds
    }
}

/// Every item of a group with items over an interval (or, summed, over several).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Items<G> {
    /// The later sample's items in its order; for an average, the items of every
    /// interval summed over the intervals in which each was in use.
    pub items: Vec<Over<G>>,
    /// Seconds of the intervals both samples of which held the group.
    pub seconds: f64,
}

impl<G> Deref for Items<G> {
    type Target = [Over<G>];
    fn deref(&self) -> &[Over<G>] {
        &self.items
    }
}

impl<'a, G> IntoIterator for &'a Items<G> {
    type Item = &'a Over<G>;
    type IntoIter = std::slice::Iter<'a, Over<G>>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.iter()
    }
}

impl<G: Group + Clone> Items<G> {
    /// Each item of `curr` against the item of `prev` with the same key. None when either
    /// sample lacks the group: every machine has some of each (devices, interfaces, CPUs'
    /// softnet lines), so a sample without any lacked the file — and diffing the items
    /// after such a gap against zeros would print everything since boot as one interval.
    pub fn between(prev: &[G], curr: &[G], seconds: f64) -> Self {
        if prev.is_empty() || curr.is_empty() {
            return Items::default();
        }
        let items = curr
            .iter()
            .enumerate()
            .map(|(i, c)| {
                // Items keep their order from sample to sample: the same place first.
                let p = prev
                    .get(i)
                    .filter(|p| p.same_item(c))
                    .or_else(|| prev.iter().find(|p| p.same_item(c)));
                Over::of_item(p, c, seconds)
            })
            .collect();
        Items { items, seconds }
    }

    /// Add a later interval: each item in use to the same item's sum (which starts anew
    /// if it was not in use), seconds summed.
    pub fn add(&mut self, o: &Self) {
        self.add_shown(o, |d| d.in_use);
    }

    /// `add`, counting an item over the intervals `shown` says a report showed it in
    /// only (`-d` shows a device while it is a whole disk in use: an interval it was not,
    /// an average leaves out).
    pub fn add_shown(&mut self, o: &Self, shown: fn(&Over<G>) -> bool) {
        self.seconds += o.seconds;
        for d in o.items.iter().filter(|d| shown(d)) {
            match self.items.iter_mut().find(|m| m.same_item(d)) {
                Some(m) if shown(m) => {
                    // The later identity: an interface's link facts as they are now.
                    add_counters_to_later(&mut m.delta, &d.delta);
                    m.seconds += d.seconds;
                    m.in_use |= d.in_use;
                }
                Some(m) => *m = d.clone(),
                None => self.items.push(d.clone()),
            }
        }
    }
}

/// Items the later sample lacks given the values they had when last seen, where their
/// group declares it (`DeltaRule::gone_item`): applied to a sample once it has been
/// diffed, before it serves as the earlier one, never across a reboot.
pub trait CarryGone {
    /// Give `self` (the later) the items of `earlier` it lacks, as `earlier` holds them
    /// (itself carried forward the same way). A later sample without any item of the
    /// group did not read it: nothing is carried.
    fn carry_gone(&mut self, earlier: &Self);
}

/// Items by key.
impl<G: Group + Clone> CarryGone for Vec<G> {
    fn carry_gone(&mut self, earlier: &Self) {
        if G::DELTA.gone_item == GoneItem::KeepsLast && !self.is_empty() {
            for e in earlier {
                if !self.iter().any(|l| l.same_item(e)) {
                    self.push(e.clone());
                }
            }
        }
    }
}

/// Items by position (CPUs by number): `None` is an item away.
impl<G: Group + Clone> CarryGone for Vec<Option<G>> {
    fn carry_gone(&mut self, earlier: &Self) {
        if G::DELTA.gone_item != GoneItem::KeepsLast || self.is_empty() {
            return;
        }
        if self.len() < earlier.len() {
            self.resize(earlier.len(), None);
        }
        for (l, e) in self.iter_mut().zip(earlier) {
            if l.is_none() {
                l.clone_from(e);
            }
        }
    }
}

impl<G: Group + Clone> CarryGone for Option<Vec<G>> {
    fn carry_gone(&mut self, earlier: &Self) {
        if let (Some(l), Some(e)) = (self, earlier) {
            l.carry_gone(e);
        }
    }
}

/// A single group: no items.
impl<G: Group> CarryGone for Option<G> {
    fn carry_gone(&mut self, _: &Self) {}
}

/// The CPUs by number, by `CpuTicks`' rule.
impl CarryGone for CpuTimes {
    fn carry_gone(&mut self, earlier: &Self) {
        self.per_cpu.carry_gone(&earlier.per_cpu);
    }
}

/// Members whose items are not carried: one set of fields (the clock, the kernel's
/// counters), pressure lines (a resource is there or not for the whole boot), interrupt
/// lines (a CPU column the earlier sample lacks counts nothing: `IrqInterval`).
macro_rules! carries_nothing {
    ($($t:ty),*) => {
        $(impl CarryGone for $t {
            fn carry_gone(&mut self, _: &Self) {}
        })*
    };
}
carries_nothing!(SampleTime, KernelCounters, PressureSet, Interrupts);

/// `carry_gone_items`, a member at a time as `sample_members!` declares them.
macro_rules! carry_members {
    ($(
        $( $(#[$attr:meta])* pub $m:ident : $ty:ty => )?
        $( view $v:ident of $vm:ident as $vk:ty => )?
        $id:literal $name:literal $member:literal;
    )*) => {
        /// Give `later` the items of `earlier` it lacks where their group's rule keeps them
        /// (`CarryGone`), member by member: applied to each sample once it has been diffed,
        /// before it serves as the earlier one; never across a reboot.
        pub fn carry_gone_items(earlier: &Sample, later: &mut Sample) {
            $($( CarryGone::carry_gone(&mut later.$m, &earlier.$m); )?)*
        }
    };
}
crate::sample::sample_members!(carry_members);

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::super::IntervalStats;
    use crate::sample::*;
    use proptest::prelude::*;

    /// A group's values over an interval as its declaration says, worked out apart from
    /// `counter_delta`: a level its later value; a counter its Δ, wrapping at 2^32 from the
    /// upper half of the 32-bit range where it is declared to wrap there, else 0 when it
    /// went back; every counter its later value when a re-registration field went back;
    /// a field only the later sample has as a new item of its group.
    fn by_declaration<G: Group>(p: &G, c: &G) -> Vec<Option<u64>> {
        let (mut pv, mut cv) = (vec![], vec![]);
        p.raw_values(&mut |v| pv.push(v));
        c.raw_values(&mut |v| cv.push(v));
        let restarted = G::FIELDS.iter().enumerate().any(|(n, _)| {
            G::DELTA.registered_again_when_back & (1 << n) != 0
                && matches!((pv[n], cv[n]), (Some(p), Some(c)) if c < p)
        });
        let half = 1u64 << 31..=u64::from(u32::MAX);
        G::FIELDS
            .iter()
            .zip(pv.iter().zip(&cv))
            .map(|(f, (&p, &c))| match (f.kind, p, c) {
                (Kind::Level, _, c) => c,
                (Kind::Counter, _, Some(c)) if restarted => Some(c),
                (Kind::Counter, Some(p), Some(c)) if c >= p => Some(c - p),
                (Kind::Counter, Some(p), Some(c))
                    if f.wrap_bits == Some(32) && half.contains(&p) =>
                {
                    Some(c + (1 << 32) - p)
                }
                (Kind::Counter, Some(_), Some(_)) => Some(0),
                (Kind::Counter, None, Some(c)) => match G::DELTA.new_item {
                    NewItem::FromZero => Some(c),
                    NewItem::Baseline => Some(0),
                },
                (Kind::Counter, _, None) => None,
            })
            .collect()
    }

    fn raw<G: Group>(g: &G) -> Vec<Option<u64>> {
        let mut v = vec![];
        g.raw_values(&mut |x| v.push(x));
        v
    }

    /// Values that exercise every rule: small ones, ones just below 2^32 (a 32-bit
    /// counter about to wrap), any; an optional field sometimes absent.
    fn values(n: usize) -> impl Strategy<Value = Vec<Option<u64>>> {
        let value = prop_oneof![0u64..1000, (1u64 << 32) - 1000..(1u64 << 32), any::<u64>()];
        proptest::collection::vec(proptest::option::weighted(0.9, value), n)
    }

    fn group<G: Group>(v: &[Option<u64>]) -> G {
        let mut g = G::default();
        let fitted: Vec<Option<u64>> = G::FIELDS
            .iter()
            .zip(v)
            .map(|(f, v)| match v {
                None if f.optional => None,
                v => {
                    let v = v.unwrap_or(0);
                    Some(if f.max == u64::MAX {
                        v
                    } else {
                        v % (f.max + 1)
                    })
                }
            })
            .collect();
        g.set_raw_values(&fitted).unwrap();
        g
    }

    /// Two samples one second apart holding `p` and `c` in the member `put` names.
    fn interval<G: Group>(p: G, c: G, put: fn(&mut Sample, G)) -> IntervalStats {
        let mut a = Sample::default();
        let mut b = Sample::default();
        a.time.uptime_cs = 100;
        b.time.uptime_cs = 200;
        put(&mut a, p);
        put(&mut b, c);
        IntervalStats::between(&a, &b).unwrap()
    }

    fn check<G: Group + Clone>(
        pv: &[Option<u64>],
        cv: &[Option<u64>],
        put: fn(&mut Sample, G),
        got: fn(&IntervalStats) -> Option<&super::Over<G>>,
    ) -> Result<(), TestCaseError> {
        let (p, c): (G, G) = (group(pv), group(cv));
        let want = by_declaration(&p, &c);
        let s = interval(p, c, put);
        let over = got(&s).unwrap();
        prop_assert_eq!(raw(&over.delta), want);
        prop_assert_eq!(over.seconds, 1.0);
        Ok(())
    }

    proptest! {
        /// Every scalar counter group's interval is each field's Δ as its declaration
        /// says, in the member of `IntervalStats` that shows it.
        #[test]
        fn each_counter_group_is_its_declared_fields_delta(
            p in values(64),
            c in values(64),
        ) {
            check::<KernelCounters>(&p, &c, |s, g| s.kernel = g, |s| Some(&s.tasks))?;
            check::<Swap>(&p, &c, |s, g| s.swap = Some(g), |s| s.swap_pages.as_ref())?;
            check::<Paging>(&p, &c, |s, g| s.paging = Some(g), |s| s.paging.as_ref())?;
            check::<SnmpCounters>(&p, &c, |s, g| s.snmp = Some(g), |s| s.snmp.as_ref())?;
            check::<Snmp6Counters>(&p, &c, |s, g| s.snmp6 = Some(g), |s| s.snmp6.as_ref())?;
            check::<NfsClient>(&p, &c, |s, g| s.nfs = Some(g), |s| s.nfs.as_ref())?;
            check::<NfsServer>(&p, &c, |s, g| s.nfsd = Some(g), |s| s.nfsd.as_ref())?;
            check::<IoTotals>(&p, &c, |s, g| s.io_totals = Some(g), |s| s.io_totals.as_ref())?;
        }

        /// The same for an item of every group with items, against the same item (its
        /// key unchanged) in the earlier sample.
        #[test]
        fn each_item_is_its_declared_fields_delta(p in values(64), c in values(64)) {
            check::<DiskCounters>(&p, &c, |s, g| s.disks = vec![g], |s| s.disks.first())?;
            check::<NetCounters>(&p, &c, |s, g| s.net = vec![g], |s| s.net.first())?;
            check::<SoftnetCounters>(&p, &c, |s, g| s.softnet = vec![g], |s| s.softnet.first())?;
            check::<SerialLine>(&p, &c, |s, g| s.serial = vec![g], |s| s.serial.first())?;
            check::<FcHost>(&p, &c, |s, g| s.fc_hosts = vec![g], |s| s.fc_hosts.first())?;
        }
    }
}
