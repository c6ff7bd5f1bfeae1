//! What the screen shows, in two sizes. A `Point` is the few numbers the charts and the
//! timeline draw for one interval: fixed-size, no heap, so a whole day of 1-s intervals
//! is a few MB whatever the machine's size. A `Snapshot` is one interval in full (every
//! CPU, disk and interface): the screen holds only a handful of them — the moment on
//! screen and the short history its sparklines draw — decoded again from the logs when
//! the cursor moves (`moment`), or kept in a bounded ring when live. Every number comes
//! from `stats` and the report catalogue; nothing here computes a rate.

use crate::report::{Selection, Table};
use crate::stats::IntervalStats;
use std::collections::HashMap;
use std::sync::Arc;

/// One interval as the charts and the timeline draw it.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Point {
    pub end_ns: i64,
    pub seconds: f32,
    pub cpu: CpuShares,
    pub mem: MemLevels<f32>,
    pub load1: f32,
}

/// `-u`'s percentages of the whole machine.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct CpuShares {
    pub user: f32,
    pub nice: f32,
    pub system: f32,
    pub iowait: f32,
    pub steal: f32,
    pub idle: f32,
}

/// `-r`'s memory levels, in kB.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct MemLevels<T> {
    pub total: T,
    pub used: T,
    pub cached: T,
    pub avail: T,
}

impl MemLevels<f64> {
    /// The levels a screen shows of `-r`'s.
    pub fn of(m: &crate::stats::MemoryLevels) -> Self {
        MemLevels {
            total: m.total,
            used: m.memused,
            cached: m.cached,
            avail: m.avail,
        }
    }
}

impl<T> MemLevels<T> {
    /// The same levels in another type.
    pub fn map<U>(self, f: impl Fn(T) -> U) -> MemLevels<U> {
        MemLevels {
            total: f(self.total),
            used: f(self.used),
            cached: f(self.cached),
            avail: f(self.avail),
        }
    }
}

/// `-S`'s swap levels, in kB.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct SwapLevels {
    pub total: u64,
    pub used: u64,
}

/// `-q`'s load averages.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct LoadAverages {
    pub one: f32,
    pub five: f32,
    pub fifteen: f32,
}

/// Percent of the interval some tasks stalled on each resource; `None` where the
/// kernel gives no pressure file.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Stalls {
    pub cpu: Option<f32>,
    pub io: Option<f32>,
    pub memory: Option<f32>,
}

impl Point {
    pub fn of(s: &IntervalStats) -> Point {
        let u = s.cpu.all.util();
        let m = s.memory.map(|m| m.mean()).unwrap_or_default();
        let q = s.queue.map(|q| q.mean()).unwrap_or_default();
        Point {
            end_ns: s.end_ns,
            seconds: s.seconds as f32,
            cpu: CpuShares {
                user: u.user as f32,
                nice: u.nice as f32,
                system: u.system as f32,
                iowait: u.iowait as f32,
                steal: u.steal as f32,
                idle: u.idle as f32,
            },
            mem: MemLevels::of(&m).map(|v| v as f32),
            load1: q.ldavg_1 as f32,
        }
    }

    /// Percent of the machine busy: everything but idle (nice included).
    pub fn busy(&self) -> f32 {
        (100.0 - self.cpu.idle).clamp(0.0, 100.0)
    }
}

/// One device or interface: its name and the values of its catalogue report's columns
/// that sar prints (`columns(table)`), in the catalogue's order.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct DeviceRow {
    pub name: Arc<str>,
    pub values: Box<[f32]>,
}

/// One interval in full, as the screen shows it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Snapshot {
    pub point: Point,
    /// Busy percent (100 − %idle) of each CPU, rounded; `OFFLINE` when offline.
    pub per_cpu: Box<[u8]>,
    pub load: LoadAverages,
    pub runq: u32,
    pub tasks: u32,
    pub blocked: u32,
    pub psi: Stalls,
    pub mem: MemLevels<u64>,
    /// kB of buffers.
    pub buffers: u64,
    pub swap: SwapLevels,
    /// `-d`'s rows (devices that did I/O at some point).
    pub disks: Box<[DeviceRow]>,
    /// `-n DEV`'s rows.
    pub nets: Box<[DeviceRow]>,
    /// Every cgroup recorded, sorted by path (the root, `""`, first).
    pub cgroups: Box<[CgroupRow]>,
    /// The cgroups were dropped to save memory (a moment off screen): read again.
    pub cgroups_dropped: bool,
    /// Only the `Point` is known: the rest is being decoded, or no longer kept.
    pub thin: bool,
}

/// One cgroup over an interval as the `G` view lists it, with `rsar cgstat`'s rates
/// (`stats::CgroupRates`); `None` where the cgroup lacks the field.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CgroupRow {
    /// The path below the hierarchy's root (`""`: the root), as processes name it.
    pub path: Arc<str>,
    /// The name derived from the path (`nginx.service`, `docker 3f2a…`), if any.
    pub name: Option<Arc<str>>,
    /// % of one CPU.
    pub cpu_pct: Option<f32>,
    /// Memory in use, in bytes.
    pub memory: Option<u64>,
    /// kB per second read and written.
    pub read_kbs: Option<f32>,
    pub write_kbs: Option<f32>,
    /// The highest of the CPU, memory and I/O pressure: % of the time some tasks stalled.
    pub pressure_pct: Option<f32>,
    /// Tasks in it (pids.current).
    pub tasks: Option<u64>,
}

impl CgroupRow {
    /// The cgroup `c` over an interval. Its path is not shared through `Names`, which
    /// lives as long as the screen: cgroups come and go by the thousand.
    pub fn of(c: &crate::stats::Over<crate::cgroup::CgroupCounters>) -> Self {
        let r = crate::stats::CgroupRates::of(c);
        let f = |v: Option<f64>| v.map(|v| v as f32);
        let pressure = [r.cpu_some_pct, r.memory_some_pct, r.io_some_pct]
            .into_iter()
            .flatten()
            .reduce(f64::max);
        CgroupRow {
            path: Arc::from(c.path.as_str()),
            name: crate::cgroup::name::Workload::of(&c.path)
                .display()
                .map(Arc::from),
            cpu_pct: f(r.cpu_pct),
            memory: c.memory_current,
            read_kbs: f(r.rkb_s),
            write_kbs: f(r.wkb_s),
            pressure_pct: f(pressure),
            tasks: c.pids_current,
        }
    }
}

/// One process of a table as the screen lists it (made by `moment::proc_moment`, with
/// `rsar top`'s numbers).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ProcRow {
    pub pid: u32,
    pub uid: u32,
    pub comm: String,
    pub state: char,
    /// Percent of one CPU, as top (a process on two CPUs shows 200).
    pub cpu_pct: f64,
    pub mem_pct: f64,
    pub rss_kb: u64,
    /// CPU time used since the process started, in seconds.
    pub cpu_seconds: f64,
    pub ppid: u32,
    /// Threads in the process.
    pub threads: u32,
    pub nice: i64,
    /// The CPU it last ran on.
    pub processor: u32,
    /// Virtual size, in kB.
    pub virt_kb: u64,
    /// Resident shared memory, in kB (absent from tables recorded before it was).
    pub shr_kb: Option<u64>,
    /// Page faults per second over the interval (minor, major).
    pub minflt_s: f64,
    pub majflt_s: f64,
    /// kB per second read from and written to storage (`/proc/PID/io`; absent where it
    /// was not readable).
    pub read_kbs: Option<f64>,
    pub write_kbs: Option<f64>,
    /// Percent of the interval it was runnable but waiting for a CPU
    /// (`/proc/PID/schedstat`; absent where it was not recorded).
    pub run_delay_pct: Option<f64>,
    /// The command line, arguments joined by spaces; empty for kernel threads.
    pub cmdline: Arc<str>,
    /// Its cgroup (as `CgroupRow::path`; empty where not recorded).
    pub cgroup: Arc<str>,
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

/// The sar headers of `table`'s columns, in the catalogue's order: what
/// `DeviceRow::values` holds.
pub fn columns(table: Table) -> Vec<&'static str> {
    (table.report().columns)(&Selection::default())
        .iter()
        .filter_map(|c| c.sar)
        .collect()
}

/// Where the column sar heads `name` sits in `columns(table)`.
pub fn column(table: Table, name: &str) -> Option<usize> {
    columns(table).iter().position(|c| *c == name)
}

/// The catalogue's rows of `table` for an interval, keeping the columns sar prints.
fn device_rows(table: Table, s: &IntervalStats, names: &mut Names) -> Box<[DeviceRow]> {
    let sel = Selection::default();
    let keep: Vec<bool> = (table.report().columns)(&sel)
        .iter()
        .map(|c| c.sar.is_some())
        .collect();
    let mut rows = crate::report::catalogue::Rows::default();
    (table.report().values)(&sel, s, &mut rows);
    rows.iter()
        .map(|(item, values)| DeviceRow {
            name: names.get(item.unwrap_or("")),
            values: values
                .iter()
                .zip(&keep)
                .filter(|(_, k)| **k)
                .map(|(v, _)| *v as f32)
                .collect(),
        })
        .collect()
}

impl Snapshot {
    /// The interval `s` of a machine of `cpus` CPUs (those past the last online one
    /// have no entry in `s`: they show offline too).
    pub fn of(s: &IntervalStats, cpus: u32, names: &mut Names) -> Snapshot {
        let psi = |p: &Option<crate::stats::PsiDelta>| p.map(|p| p.some_pct(s.seconds) as f32);
        let q = s.queue.map(|q| q.mean()).unwrap_or_default();
        let m = s.memory.map(|m| m.mean()).unwrap_or_default();
        let w = s.swap.map(|w| w.mean()).unwrap_or_default();
        Snapshot {
            point: Point::of(s),
            per_cpu: s
                .cpu
                .per_cpu
                .iter()
                .map(|c| {
                    c.map_or(OFFLINE, |d| {
                        (100.0 - d.util().idle).round().clamp(0.0, 100.0) as u8
                    })
                })
                .chain(std::iter::repeat(OFFLINE))
                .take(s.cpu.per_cpu.len().max(cpus as usize))
                .collect(),
            load: LoadAverages {
                one: q.ldavg_1 as f32,
                five: q.ldavg_5 as f32,
                fifteen: q.ldavg_15 as f32,
            },
            runq: q.runq_sz as u32,
            tasks: q.plist_sz as u32,
            blocked: q.blocked as u32,
            psi: Stalls {
                cpu: psi(&s.psi.cpu),
                io: psi(&s.psi.io),
                memory: psi(&s.psi.memory),
            },
            mem: MemLevels::of(&m).map(|v| v as u64),
            buffers: m.buffers as u64,
            swap: SwapLevels {
                total: w.total as u64,
                used: w.swpused as u64,
            },
            disks: device_rows(Table::Disk, s, names),
            nets: device_rows(Table::NetDev, s, names),
            cgroups: {
                let mut v: Vec<CgroupRow> = s.cgroups.iter().map(CgroupRow::of).collect();
                v.sort_by(|a, b| a.path.cmp(&b.path));
                v.into()
            },
            cgroups_dropped: false,
            thin: false,
        }
    }

    /// What a point alone tells: CPU and memory of the whole machine.
    pub fn thin(p: &Point) -> Snapshot {
        Snapshot {
            point: *p,
            load: LoadAverages {
                one: p.load1,
                five: f32::NAN,
                fifteen: f32::NAN,
            },
            mem: p.mem.map(|v| v as u64),
            thin: true,
            ..Snapshot::default()
        }
    }

    /// Forget the cgroups (off screen, they cost memory and sparklines need none).
    pub fn drop_cgroups(&mut self) {
        self.cgroups = Box::default();
        self.cgroups_dropped = true;
    }

    pub fn end_ns(&self) -> i64 {
        self.point.end_ns
    }
}
