//! What the screen shows of one interval, kept small so that a whole day fits in memory:
//! every number comes from `stats`, nothing here computes a rate.

use crate::report::disk_shown;
use crate::stats::IntervalStats;
use std::collections::HashMap;
use std::sync::Arc;

#[derive(Debug, Clone, PartialEq, Default)]
pub struct DiskView {
    pub name: Arc<str>,
    pub tps: f32,
    pub rkb: f32,
    pub wkb: f32,
    pub await_ms: f32,
    pub util: f32,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct NetView {
    pub name: Arc<str>,
    pub rxkb: f32,
    pub txkb: f32,
    pub rxpck: f32,
    pub txpck: f32,
}

/// One interval, as the screen shows it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Snapshot {
    pub end_ns: i64,
    pub seconds: f32,
    /// `-u`'s %user %nice %system %iowait %steal %idle of the whole machine.
    pub cpu: [f32; 6],
    /// Busy percent (100 − %idle) of each CPU, rounded; `OFFLINE` when offline.
    pub per_cpu: Box<[u8]>,
    pub load: [f32; 3],
    pub runq: u32,
    pub tasks: u32,
    pub blocked: u32,
    /// Percent of the interval some tasks stalled on CPU, I/O, memory.
    pub psi: [Option<f32>; 3],
    /// kB: total, used, cached, available, buffers.
    pub mem: [u64; 5],
    /// kB: total, used.
    pub swap: [u64; 2],
    pub disks: Box<[DiskView]>,
    pub nets: Box<[NetView]>,
}

/// A CPU with no interval (offline) in `Snapshot::per_cpu`.
pub const OFFLINE: u8 = u8::MAX;

/// Shares device and interface names between snapshots.
#[derive(Debug, Default)]
pub struct Names(HashMap<String, Arc<str>>);

impl Names {
    fn get(&mut self, name: &str) -> Arc<str> {
        if let Some(n) = self.0.get(name) {
            return n.clone();
        }
        let n: Arc<str> = Arc::from(name);
        self.0.insert(name.to_string(), n.clone());
        n
    }
}

impl Snapshot {
    pub fn of(s: &IntervalStats, names: &mut Names) -> Snapshot {
        let u = s.cpu.all.util();
        let psi = |p: &Option<crate::stats::PsiDelta>| p.map(|p| p.some_pct(s.seconds) as f32);
        let q = s.queue.map(|q| q.mean()).unwrap_or_default();
        let m = s.memory.map(|m| m.mean()).unwrap_or_default();
        let w = s.swap.map(|w| w.mean()).unwrap_or_default();
        Snapshot {
            end_ns: s.end_ns,
            seconds: s.seconds as f32,
            cpu: [u.user, u.nice, u.system, u.iowait, u.steal, u.idle].map(|v| v as f32),
            per_cpu: s
                .cpu
                .per_cpu
                .iter()
                .map(|c| {
                    c.map_or(OFFLINE, |d| {
                        (100.0 - d.util().idle).round().clamp(0.0, 100.0) as u8
                    })
                })
                .collect(),
            load: [q.ldavg_1, q.ldavg_5, q.ldavg_15].map(|v| v as f32),
            runq: q.runq_sz as u32,
            tasks: q.plist_sz as u32,
            blocked: q.blocked as u32,
            psi: [psi(&s.psi.cpu), psi(&s.psi.io), psi(&s.psi.memory)],
            mem: [m.total, m.memused, m.cached, m.avail, m.buffers].map(|v| v as u64),
            swap: [w.total as u64, w.swpused as u64],
            disks: s
                .disks
                .iter()
                .filter(|d| disk_shown(d))
                .map(|d| {
                    let r = d.rates(s.seconds);
                    DiskView {
                        name: names.get(&d.name),
                        tps: r.tps as f32,
                        rkb: r.rkb as f32,
                        wkb: r.wkb as f32,
                        await_ms: r.await_ms as f32,
                        util: r.util as f32,
                    }
                })
                .collect(),
            nets: s
                .net
                .iter()
                .map(|n| {
                    let r = n.rates(s.seconds);
                    NetView {
                        name: names.get(&n.name),
                        rxkb: r.rxkb as f32,
                        txkb: r.txkb as f32,
                        rxpck: r.rxpck as f32,
                        txpck: r.txpck as f32,
                    }
                })
                .collect(),
        }
    }
}
