//! Interval statistics between two samples, and their averages — sysstat's formulas.
//!
//! This is the only place where rates exist. `IntervalStats::between` turns two samples
//! into what happened between them: counter deltas (with the rules for counters that go
//! backwards or wrap, documented in each submodule) and the levels at the end. Rates are
//! deltas over Δuptime, never over the wall clock.
//!
//! Averages are intervals added up: `add` sums the deltas and the elapsed time, so an
//! average rate is Σdelta / Σseconds — the same as sysstat's rate between the first and
//! the last sample of a segment, but still right when a device was reset in between —
//! and it sums levels so that their mean can be taken. A device is averaged over the
//! intervals that showed it, with its own seconds. Nothing here knows where samples
//! came from or how they are shown.
//!
//! A sample may lack a group (its /proc file could not be read that second). A rate is
//! taken only between two samples that both hold the group: an interval either end of
//! which lacks it has no value for the group (a gap, as for a device that is missing), and
//! the group's average covers only the seconds of the intervals that had it (each group's
//! interval carries its own seconds: `Over::seconds`, `Items::seconds`). A whole group
//! missing from the earlier sample is not a set of devices registered since: diffing them
//! against zeros would print everything since boot as one interval.
//!
//! `IntervalStats` declares each member once, with how an interval takes it from two
//! samples; adding intervals up is the same for every member (`Sum`).

mod cgroup;
mod counters;
mod cpu;
mod delta;
mod disk;
mod group;
mod irq;
mod levels;
mod net;
mod netproto;
mod power;
mod vmstat;

pub use cgroup::{CgroupMemory, CgroupRates};
pub use counters::{PagingDelta, PagingRates, PsiDelta, SwapPagesDelta, TaskDelta};
pub use cpu::{CpuDelta, CpuInterval, CpuUtil};
pub use delta::add_counters;
pub use disk::{DiskDelta, DiskRates, IoRates};
pub use group::{carry_gone_items, CarryGone, Items, Over};
pub use irq::{IrqDelta, IrqInterval};
pub use levels::{HugeLevels, KtablesLevels};
pub use levels::{
    Mean, MemoryLevels, ProcsLevels, PsiLevels, QueueLevels, Sock6Levels, SockLevels, SwapLevels,
};
pub use net::{NetDelta, NetErrors, NetRates};
pub use netproto::SoftnetDelta;
pub use power::{CpuFreqLevels, FreqMean};
pub use vmstat::VmstatRow;

use crate::sample::{
    CgroupCounters, CgroupDeviceIo, DiskCounters, FcHost, FsUsage, Group, IoTotals, KernelCounters,
    Kind, NetCounters, NfsClient, NfsServer, Paging, Pressure, PressureSet, Sample, SerialLine,
    Snmp6Counters, SnmpCounters, SoftnetCounters, Swap,
};

/// Pressure stall information over an interval, one per resource.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct PsiInterval {
    pub cpu: Option<PsiDelta>,
    pub io: Option<PsiDelta>,
    pub memory: Option<PsiDelta>,
}

impl PsiInterval {
    fn between(prev: &PressureSet, curr: &PressureSet, seconds: f64) -> Self {
        let psi = |p: &Option<Pressure>, c: &Option<Pressure>| match (p, c) {
            (Some(p), Some(c)) => Some(PsiDelta::between(p, c, seconds)),
            _ => None,
        };
        PsiInterval {
            cpu: psi(&prev.cpu, &curr.cpu),
            io: psi(&prev.io, &curr.io),
            memory: psi(&prev.memory, &curr.memory),
        }
    }
}

/// Adding up a later interval of a member of `IntervalStats` for an average: counters
/// and seconds summed, levels summed for their mean (or the later kept, where sar shows
/// the last), a group that only the later interval has taken as it is.
pub trait Sum {
    fn add(&mut self, later: &Self);
    /// The interval comes from a roll-up tier whose sample holds, for each level, the
    /// sum over `n` raw samples: its means weigh `n` samples (nothing to do for what is
    /// not a mean of levels).
    fn weigh(&mut self, _n: u32) {}
}

impl<T: Sum + Clone> Sum for Option<T> {
    fn add(&mut self, later: &Self) {
        match (self.as_mut(), later) {
            (Some(m), Some(t)) => m.add(t),
            (None, Some(t)) => *self = Some(t.clone()),
            _ => {}
        }
    }
    fn weigh(&mut self, n: u32) {
        if let Some(m) = self {
            m.weigh(n);
        }
    }
}

impl<G: Group + Clone> Sum for Over<G> {
    fn add(&mut self, later: &Self) {
        Over::add(self, later);
    }
    /// Each level the mean of the `n` samples it is the sum of (to the nearest unit).
    fn weigh(&mut self, n: u32) {
        if n < 2 {
            return;
        }
        let same = self.delta.clone();
        let n = u128::from(n);
        self.delta
            .combine_values(&same, &mut |i, v, _| match G::FIELDS.get(i) {
                Some(f) if f.kind == Kind::Level => v.map(|v| ((u128::from(v) + n / 2) / n) as u64),
                _ => v,
            });
    }
}

impl<G: Group + Clone> Sum for Items<G> {
    fn add(&mut self, later: &Self) {
        Items::add(self, later);
    }
    fn weigh(&mut self, n: u32) {
        self.items.iter_mut().for_each(|o| o.weigh(n));
    }
}

/// Items of levels (filesystems): the last levels of every item seen.
impl<G: Group + Clone> Sum for Vec<G> {
    fn add(&mut self, later: &Self) {
        for f in later {
            match self.iter_mut().find(|m| m.same_item(f)) {
                Some(m) => *m = f.clone(),
                None => self.push(f.clone()),
            }
        }
    }
}

impl Sum for PsiDelta {
    fn add(&mut self, later: &Self) {
        PsiDelta::add(self, later);
    }
    fn weigh(&mut self, n: u32) {
        self.levels.weigh(n);
    }
}

impl Sum for CpuInterval {
    fn add(&mut self, later: &Self) {
        CpuInterval::add(self, later);
    }
}

impl Sum for IrqInterval {
    fn add(&mut self, later: &Self) {
        IrqInterval::add(self, later);
    }
}

impl Sum for CpuFreqLevels {
    fn add(&mut self, later: &Self) {
        CpuFreqLevels::add(self, later);
    }
}

impl Sum for PsiInterval {
    fn add(&mut self, later: &Self) {
        self.cpu.add(&later.cpu);
        self.io.add(&later.io);
        self.memory.add(&later.memory);
    }
    fn weigh(&mut self, n: u32) {
        self.cpu.weigh(n);
        self.io.weigh(n);
        self.memory.weigh(n);
    }
}

/// Declares `IntervalStats`: each member once, with its type and how an interval takes it
/// from the earlier and the later sample over its seconds (`|prev, curr, seconds| ..`);
/// `add` adds each up by `Sum`, or by the `add = fn` the member names.
macro_rules! interval_stats {
    (
        $(
            $(#[doc = $doc:literal])*
            $name:ident: $ty:ty = |$p:ident, $c:ident, $s:ident| $e:expr $(; add = $add:expr)?,
        )*
    ) => {
        /// What happened between two samples (or, summed, over a run of them).
        #[derive(Debug, Clone, PartialEq, Default)]
        pub struct IntervalStats {
            /// Wall-clock time of the first sample (UTC ns).
            pub start_ns: i64,
            /// Wall-clock time of the last sample (UTC ns).
            pub end_ns: i64,
            /// Elapsed seconds, from /proc/uptime.
            pub seconds: f64,
            /// The interval starts at boot (its first sample is `Sample::at_boot`).
            pub since_boot: bool,
            $( $(#[doc = $doc])* pub $name: $ty, )*
        }

        impl IntervalStats {
            /// The interval from `prev` to `curr`. `None` when uptime did not advance: the
            /// same sample twice, or a reboot in between (counters restarted; there is no
            /// interval to speak of, and the caller starts a new segment).
            pub fn between(prev: &Sample, curr: &Sample) -> Option<IntervalStats> {
                if curr.time.uptime_cs <= prev.time.uptime_cs {
                    return None;
                }
                let seconds = (curr.time.uptime_cs - prev.time.uptime_cs) as f64 / 100.0;
                Some(IntervalStats {
                    start_ns: prev.time.wall_ns,
                    end_ns: curr.time.wall_ns,
                    seconds,
                    since_boot: prev.time.uptime_cs == 0,
                    $( $name: {
                        let ($p, $c, $s): (&Sample, &Sample, f64) = (prev, curr, seconds);
                        $e
                    }, )*
                })
            }

            /// Add a later interval of the same segment to this one (for `Average:`).
            pub fn add(&mut self, o: &IntervalStats) {
                self.end_ns = o.end_ns;
                self.seconds += o.seconds;
                $( interval_stats!(@add self.$name, o.$name $(, $add)?); )*
            }

            /// Taken from a roll-up tier's sample of level sums over `n` raw samples:
            /// each mean of levels weighs `n` (`Sum::weigh`).
            pub fn weigh_levels(&mut self, n: u32) {
                $( Sum::weigh(&mut self.$name, n); )*
            }
        }
    };
    (@add $m:expr, $o:expr) => { Sum::add(&mut $m, &$o) };
    (@add $m:expr, $o:expr, $add:expr) => { $add(&mut $m, &$o) };
}

interval_stats! {
    cpu: CpuInterval = |p, c, _s| CpuInterval::between(&p.cpu, &c.cpu),
    tasks: Over<KernelCounters> = |p, c, s| Over::between(&p.kernel, &c.kernel, s),
    swap_pages: Option<Over<Swap>> = |p, c, s| Over::both(&p.swap, &c.swap, s),
    paging: Option<Over<Paging>> = |p, c, s| Over::both(&p.paging, &c.paging, s),
    /// Every device of the later sample, in the kernel's order; averaged over the
    /// intervals that showed it.
    disks: Items<DiskCounters> = |p, c, s| Items::between(&p.disks, &c.disks, s);
        add = |m: &mut Items<DiskCounters>, o| m.add_shown(o, DiskDelta::reported),
    /// Every interface of the later sample, in the kernel's order.
    net: Items<NetCounters> = |p, c, s| Items::between(&p.net, &c.net, s),
    psi: PsiInterval = |p, c, s| PsiInterval::between(&p.pressure, &c.pressure, s),
    queue: Option<Mean<QueueLevels>> = |_p, c, _s| {
        c.load
            .as_ref()
            .map(|l| Mean::<QueueLevels>::of(QueueLevels::of(l, c.kernel.procs_blocked)))
    },
    procs: Mean<ProcsLevels> = |_p, c, _s| Mean::<ProcsLevels>::of(ProcsLevels::of(&c.kernel)),
    memory: Option<Mean<MemoryLevels>> = |_p, c, _s| {
        c.memory
            .as_ref()
            .map(|m| Mean::<MemoryLevels>::of(MemoryLevels::of(m, c.swap.as_ref())))
    },
    swap: Option<Mean<SwapLevels>> = |_p, c, _s| {
        c.swap.as_ref().map(|w| Mean::<SwapLevels>::of(SwapLevels::of(w)))
    },
    /// /proc/net/snmp counters over the interval.
    snmp: Option<Over<SnmpCounters>> = |p, c, s| Over::both(&p.snmp, &c.snmp, s),
    /// /proc/net/snmp6 counters over the interval.
    snmp6: Option<Over<Snmp6Counters>> = |p, c, s| Over::both(&p.snmp6, &c.snmp6, s),
    sockets: Option<Mean<SockLevels>> = |_p, c, _s| {
        c.sockets.as_ref().map(|k| Mean::<SockLevels>::of(SockLevels::of(k)))
    },
    sockets6: Option<Mean<Sock6Levels>> = |_p, c, _s| {
        c.sockets6.as_ref().map(|k| Mean::<Sock6Levels>::of(Sock6Levels::of(k)))
    },
    /// Every CPU of the later sample's softnet_stat, in its order.
    softnet: Items<SoftnetCounters> = |p, c, s| Items::between(&p.softnet, &c.softnet, s),
    /// `-H`: huge pages (from /proc/meminfo).
    hugepages: Option<Mean<HugeLevels>> = |_p, c, _s| {
        c.memory.as_ref().map(|m| Mean::<HugeLevels>::of(HugeLevels::of(m)))
    },
    /// `-v`: kernel tables.
    ktables: Option<Mean<KtablesLevels>> = |_p, c, _s| {
        c.ktables.as_ref().map(|k| Mean::<KtablesLevels>::of(KtablesLevels::of(k)))
    },
    /// `-I`: /proc/interrupts, when both samples have it.
    interrupts: Option<IrqInterval> = |p, c, s| {
        if p.interrupts.lines.is_empty() {
            None
        } else {
            IrqInterval::between(&p.interrupts, &c.interrupts, s)
        }
    },
    /// `-F`: each filesystem's levels at the end of the interval; added up, the last
    /// levels of every filesystem seen (sar's `Summary:`).
    filesystems: Vec<FsUsage> = |_p, c, _s| c.filesystems.clone(),
    /// `-m CPU`: each CPU's clock.
    cpu_freq: Option<CpuFreqLevels> = |_p, c, _s| CpuFreqLevels::of(&c.cpu_freq),
    /// `-n NFS`, `-n NFSD` (`None` without the file: sar prints zeros then).
    nfs: Option<Over<NfsClient>> = |p, c, s| Over::both(&p.nfs, &c.nfs, s),
    nfsd: Option<Over<NfsServer>> = |p, c, s| Over::both(&p.nfsd, &c.nfsd, s),
    /// `-y`: each serial line; a line new since the earlier sample counts from 0, as sar.
    serial: Items<SerialLine> = |p, c, s| Items::between(&p.serial, &c.serial, s),
    /// Every cgroup of the later sample, by path; one created again under its path
    /// (another inode) counts from 0.
    cgroups: Items<CgroupCounters> = |p, c, s| Items::between(&p.cgroups, &c.cgroups, s),
    /// Each cgroup's I/O per device, as `cgroups`.
    cgroup_devices: Items<CgroupDeviceIo> = |p, c, s| {
        Items::between(&p.cgroup_devices, &c.cgroup_devices, s)
    },
    /// `-n FC`: each Fibre Channel host; one new since the earlier sample counts from 0,
    /// as sar.
    fc_hosts: Items<FcHost> = |p, c, s| Items::between(&p.fc_hosts, &c.fc_hosts, s),
    /// `-b` from a sysstat file: its totals over the interval.
    io_totals: Option<Over<IoTotals>> = |p, c, s| Over::both(&p.io_totals, &c.io_totals, s),
}

impl IntervalStats {
    /// A count over this interval, per second.
    pub fn rate(&self, count: u64) -> f64 {
        count as f64 / self.seconds
    }

    /// `sar -b`: from a sysstat file's totals where the interval has them, else over the
    /// physical disks; `None` over an interval that either sample lacked both for.
    pub fn io(&self) -> Option<IoRates> {
        match &self.io_totals {
            Some(t) if t.seconds > 0.0 => Some(IoRates::of_totals(t, t.seconds)),
            _ if self.disks.seconds > 0.0 => Some(IoRates::over(&self.disks, self.disks.seconds)),
            _ => None,
        }
    }
}
