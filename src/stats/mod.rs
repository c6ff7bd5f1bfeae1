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
//! the group's average covers only the seconds of the intervals that had it
//! (`HeldSeconds`). A whole group missing from the earlier sample is not a set of devices
//! registered since: diffing them against zeros would print everything since boot as one
//! interval.

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

pub use counters::{PagingDelta, PagingRates, PsiDelta, SwapPagesDelta, TaskDelta};
pub use cpu::{carry_offline_cpus, CpuDelta, CpuInterval, CpuUtil};
pub use disk::{DiskDelta, DiskRates, IoRates};
pub use group::{Items, Over};
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
    DiskCounters, IoTotals, NetCounters, NfsClient, NfsServer, Sample, SerialLine, Snmp6Counters,
    SnmpCounters, SoftnetCounters,
};

/// Pressure stall information over an interval, one per resource.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct PsiInterval {
    pub cpu: Option<PsiDelta>,
    pub io: Option<PsiDelta>,
    pub memory: Option<PsiDelta>,
}

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
    pub cpu: CpuInterval,
    pub tasks: TaskDelta,
    pub swap_pages: Option<SwapPagesDelta>,
    pub paging: Option<PagingDelta>,
    /// Every device of the later sample, in the kernel's order.
    pub disks: Items<DiskCounters>,
    /// Every interface of the later sample, in the kernel's order.
    pub net: Items<NetCounters>,
    pub psi: PsiInterval,
    pub queue: Option<Mean<QueueLevels>>,
    pub procs: Mean<ProcsLevels>,
    pub memory: Option<Mean<MemoryLevels>>,
    pub swap: Option<Mean<SwapLevels>>,
    /// /proc/net/snmp counters over the interval.
    pub snmp: Option<Over<SnmpCounters>>,
    /// /proc/net/snmp6 counters over the interval.
    pub snmp6: Option<Over<Snmp6Counters>>,
    pub sockets: Option<Mean<SockLevels>>,
    pub sockets6: Option<Mean<Sock6Levels>>,
    /// Every CPU of the later sample's softnet_stat, in its order.
    pub softnet: Items<SoftnetCounters>,
    /// `-H`: huge pages (from /proc/meminfo).
    pub hugepages: Option<Mean<HugeLevels>>,
    /// `-v`: kernel tables.
    pub ktables: Option<Mean<KtablesLevels>>,
    /// `-I`: /proc/interrupts.
    pub interrupts: Option<IrqInterval>,
    /// `-F`: each filesystem's levels at the end of the interval; added up, the last
    /// levels of every filesystem seen (sar's `Summary:`).
    pub filesystems: Vec<crate::sample::FsUsage>,
    /// `-m CPU`: each CPU's clock.
    pub cpu_freq: Option<CpuFreqLevels>,
    /// `-n NFS`, `-n NFSD` (`None` without the file: sar prints zeros then).
    pub nfs: Option<Over<NfsClient>>,
    pub nfsd: Option<Over<NfsServer>>,
    /// `-y`: each serial line; a line new since the earlier sample counts from 0, as sar.
    pub serial: Items<SerialLine>,
    /// `-b` from a sysstat file: its totals over the interval.
    pub io_totals: Option<Over<IoTotals>>,
    /// Seconds each group's deltas cover.
    pub held: HeldSeconds,
}

/// The seconds each group's deltas cover: in one interval, its seconds for a group both
/// samples hold and 0 for one that either lacks; added up for an average, so that a
/// group's average rate is over the intervals that had it, never over a gap. (CPU and
/// kernel counters come from /proc/stat, without which there is no sample: they always
/// cover `IntervalStats::seconds`. Devices and interfaces carry their own seconds.)
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct HeldSeconds {
    pub psi_cpu: f64,
    pub psi_io: f64,
    pub psi_memory: f64,
    pub interrupts: f64,
}

impl HeldSeconds {
    fn add(&mut self, o: &HeldSeconds) {
        let mut o = *o;
        for (m, t) in self.each().into_iter().zip(o.each()) {
            *m += *t;
        }
    }

    fn each(&mut self) -> [&mut f64; 4] {
        [
            &mut self.psi_cpu,
            &mut self.psi_io,
            &mut self.psi_memory,
            &mut self.interrupts,
        ]
    }
}

impl IntervalStats {
    /// The interval from `prev` to `curr`. `None` when uptime did not advance: the same
    /// sample twice, or a reboot in between (counters restarted; there is no interval to
    /// speak of, and the caller starts a new segment).
    pub fn between(prev: &Sample, curr: &Sample) -> Option<IntervalStats> {
        if curr.time.uptime_cs <= prev.time.uptime_cs {
            return None;
        }
        let seconds = (curr.time.uptime_cs - prev.time.uptime_cs) as f64 / 100.0;
        let psi =
            |p: &Option<crate::sample::Pressure>, c: &Option<crate::sample::Pressure>| match (p, c)
            {
                (Some(p), Some(c)) => Some(PsiDelta::between(p, c)),
                _ => None,
            };
        let pair = |p: bool, c: bool| if p && c { seconds } else { 0.0 };
        let held = HeldSeconds {
            psi_cpu: pair(prev.pressure.cpu.is_some(), curr.pressure.cpu.is_some()),
            psi_io: pair(prev.pressure.io.is_some(), curr.pressure.io.is_some()),
            psi_memory: pair(
                prev.pressure.memory.is_some(),
                curr.pressure.memory.is_some(),
            ),
            interrupts: pair(
                !prev.interrupts.lines.is_empty(),
                !curr.interrupts.lines.is_empty(),
            ),
        };
        Some(IntervalStats {
            start_ns: prev.time.wall_ns,
            end_ns: curr.time.wall_ns,
            seconds,
            since_boot: prev.time.uptime_cs == 0,
            cpu: CpuInterval::between(&prev.cpu, &curr.cpu),
            tasks: Over::between(&prev.kernel, &curr.kernel, seconds),
            swap_pages: Over::both(&prev.swap, &curr.swap, seconds),
            paging: Over::both(&prev.paging, &curr.paging, seconds),
            disks: Items::between(&prev.disks, &curr.disks, seconds),
            net: Items::between(&prev.net, &curr.net, seconds),
            psi: PsiInterval {
                cpu: psi(&prev.pressure.cpu, &curr.pressure.cpu),
                io: psi(&prev.pressure.io, &curr.pressure.io),
                memory: psi(&prev.pressure.memory, &curr.pressure.memory),
            },
            procs: Mean::<ProcsLevels>::of(ProcsLevels::of(&curr.kernel)),
            queue: curr
                .load
                .as_ref()
                .map(|l| Mean::<QueueLevels>::of(QueueLevels::of(l, curr.kernel.procs_blocked))),
            memory: curr
                .memory
                .as_ref()
                .map(|m| Mean::<MemoryLevels>::of(MemoryLevels::of(m, curr.swap.as_ref()))),
            swap: curr
                .swap
                .as_ref()
                .map(|s| Mean::<SwapLevels>::of(SwapLevels::of(s))),
            snmp: Over::both(&prev.snmp, &curr.snmp, seconds),
            snmp6: Over::both(&prev.snmp6, &curr.snmp6, seconds),
            sockets: curr
                .sockets
                .as_ref()
                .map(|s| Mean::<SockLevels>::of(SockLevels::of(s))),
            sockets6: curr
                .sockets6
                .as_ref()
                .map(|s| Mean::<Sock6Levels>::of(Sock6Levels::of(s))),
            softnet: Items::between(&prev.softnet, &curr.softnet, seconds),
            hugepages: curr
                .memory
                .as_ref()
                .map(|m| Mean::<HugeLevels>::of(HugeLevels::of(m))),
            ktables: curr
                .ktables
                .as_ref()
                .map(|k| Mean::<KtablesLevels>::of(KtablesLevels::of(k))),
            interrupts: if prev.interrupts.lines.is_empty() {
                None
            } else {
                IrqInterval::between(&prev.interrupts, &curr.interrupts)
            },
            filesystems: curr.filesystems.clone(),
            cpu_freq: CpuFreqLevels::of(&curr.cpu_freq),
            nfs: Over::both(&prev.nfs, &curr.nfs, seconds),
            nfsd: Over::both(&prev.nfsd, &curr.nfsd, seconds),
            serial: Items::between(&prev.serial, &curr.serial, seconds),
            io_totals: Over::both(&prev.io_totals, &curr.io_totals, seconds),
            held,
        })
    }

    /// Add a later interval of the same segment to this one (for `Average:`).
    pub fn add(&mut self, o: &IntervalStats) {
        self.end_ns = o.end_ns;
        self.seconds += o.seconds;
        self.held.add(&o.held);
        self.cpu.add(&o.cpu);
        self.tasks.add(&o.tasks);
        merge(&mut self.swap_pages, &o.swap_pages, Over::add);
        merge(&mut self.paging, &o.paging, Over::add);
        // A device is averaged over the intervals that showed it.
        self.disks.add_shown(&o.disks, DiskDelta::reported);
        self.net.add(&o.net);
        merge(&mut self.psi.cpu, &o.psi.cpu, PsiDelta::add);
        merge(&mut self.psi.io, &o.psi.io, PsiDelta::add);
        merge(&mut self.psi.memory, &o.psi.memory, PsiDelta::add);
        merge(&mut self.queue, &o.queue, Mean::<QueueLevels>::add);
        self.procs.add(&o.procs);
        merge(&mut self.memory, &o.memory, Mean::<MemoryLevels>::add);
        merge(&mut self.swap, &o.swap, Mean::<SwapLevels>::add);
        merge(&mut self.snmp, &o.snmp, Over::add);
        merge(&mut self.snmp6, &o.snmp6, Over::add);
        merge(&mut self.sockets, &o.sockets, Mean::<SockLevels>::add);
        merge(&mut self.sockets6, &o.sockets6, Mean::<Sock6Levels>::add);
        self.softnet.add(&o.softnet);
        merge(&mut self.hugepages, &o.hugepages, Mean::<HugeLevels>::add);
        merge(&mut self.ktables, &o.ktables, Mean::<KtablesLevels>::add);
        merge(&mut self.interrupts, &o.interrupts, IrqInterval::add);
        merge(&mut self.cpu_freq, &o.cpu_freq, CpuFreqLevels::add);
        merge(&mut self.nfs, &o.nfs, Over::add);
        merge(&mut self.nfsd, &o.nfsd, Over::add);
        merge(&mut self.io_totals, &o.io_totals, Over::add);
        self.serial.add(&o.serial);
        for f in &o.filesystems {
            match self
                .filesystems
                .iter_mut()
                .find(|m| m.name == f.name && m.mountpoint == f.mountpoint)
            {
                Some(m) => *m = f.clone(),
                None => self.filesystems.push(f.clone()),
            }
        }
    }

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

fn merge<T: Clone>(mine: &mut Option<T>, theirs: &Option<T>, add: fn(&mut T, &T)) {
    match (mine.as_mut(), theirs) {
        (Some(m), Some(t)) => add(m, t),
        (None, Some(t)) => *mine = Some(t.clone()),
        _ => {}
    }
}
