//! The schema of per-cgroup history: what is recorded of each control group (a service, a
//! container, a pod), declared once with the schema's `group!`, and the names derived from
//! a cgroup's path (`name`).
//!
//! A cgroup is an item keyed by its path relative to the hierarchy's root (`""` is the
//! root) and its directory's inode, so that a cgroup removed and created again under the
//! same name is a new item. Fields are the kernel's raw counters and levels, in cgroup v2's
//! units (microseconds, bytes); each field's `source` is its v2 file and `key` its name
//! there, and `V1_SOURCES` says where cgroup v1 keeps the same thing, or that it has
//! nothing that means the same. Every field is optional: a controller that is not enabled
//! for a cgroup, or a v1 hierarchy that is not mounted, leaves its fields absent.
//!
//! The limits (`CgroupLimits`) are configuration, not activity: they change rarely, so they
//! are read apart and meant to be stored only when they change. This module knows nothing
//! of files: `probe::cgroup` reads them.

pub mod name;

use crate::sample::{group, or, Field, FieldValue, Group, ItemKey, KeyReader, KeyWriter, Kind};

group! {
    /// One cgroup at one moment: CPU, memory, I/O, pressure and tasks.
    #[derive(Debug, Clone, PartialEq, Eq, Default)]
    pub struct CgroupCounters from "cpu.stat" {
        item key(path, inode) {
            /// The path below the hierarchy's root, without a leading `/` (`""`: the root;
            /// `system.slice/nginx.service`). On hosts with several hierarchies (v1
            /// controllers, v2 beside them) a path's fields are merged from each.
            pub path: String,
            /// The inode of the cgroup's directory (in v2 the cgroup id): a cgroup created
            /// again under the same path has another. From the v2 hierarchy where the path
            /// is there, else from the first v1 hierarchy that has it (cpuacct, cpu,
            /// memory, blkio, pids).
            pub inode: u64,
        }
        /// CPU time used by the cgroup's tasks (and its descendants').
        pub usage_us: Option<u64> [Counter, "us", key = "usage_usec"],
        /// The part of it in user mode.
        pub user_us: Option<u64> [Counter, "us", key = "user_usec"],
        /// The part of it in kernel mode.
        pub system_us: Option<u64> [Counter, "us", key = "system_usec"],
        /// Enforcement periods that have elapsed (with the cpu controller and a quota).
        pub nr_periods: Option<u64> [Counter, "periods", key = "nr_periods"],
        /// Periods in which the cgroup was throttled (used up its quota).
        pub nr_throttled: Option<u64> [Counter, "periods", key = "nr_throttled"],
        /// Time its tasks were throttled.
        pub throttled_us: Option<u64> [Counter, "us", key = "throttled_usec"],
        /// Memory in use by the cgroup and its descendants.
        pub memory_current: Option<u64> [Level, "bytes", source = "memory.current"],
        /// Anonymous memory (including transparent huge pages).
        pub anon: Option<u64> [Level, "bytes", source = "memory.stat", key = "anon"],
        /// Page cache, tmpfs and shared memory included.
        pub file: Option<u64> [Level, "bytes", source = "memory.stat", key = "file"],
        /// Kernel memory: slab, stacks, page tables and the rest (since Linux 5.18).
        pub kernel: Option<u64> [Level, "bytes", source = "memory.stat", since = "5.18", key = "kernel"],
        /// Swap-backed cached file memory: tmpfs, shm segments, shared anonymous mmap.
        pub shmem: Option<u64> [Level, "bytes", source = "memory.stat", key = "shmem"],
        /// Memory used by network transmission buffers.
        pub sock: Option<u64> [Level, "bytes", source = "memory.stat", key = "sock"],
        /// In-kernel data structures (slab).
        pub slab: Option<u64> [Level, "bytes", source = "memory.stat", key = "slab"],
        /// File pages modified but not yet written back.
        pub file_dirty: Option<u64> [Level, "bytes", source = "memory.stat", key = "file_dirty"],
        /// File pages being written back.
        pub file_writeback: Option<u64> [Level, "bytes", source = "memory.stat", key = "file_writeback"],
        /// Page faults.
        pub pgfault: Option<u64> [Counter, "faults", source = "memory.stat", key = "pgfault"],
        /// Major page faults (with I/O).
        pub pgmajfault: Option<u64> [Counter, "faults", source = "memory.stat", key = "pgmajfault"],
        /// Refaults of evicted anonymous pages (since Linux 5.9).
        pub workingset_refault_anon: Option<u64> [Counter, "pages", source = "memory.stat", since = "5.9", key = "workingset_refault_anon"],
        /// Refaults of evicted file pages (since Linux 5.9).
        pub workingset_refault_file: Option<u64> [Counter, "pages", source = "memory.stat", since = "5.9", key = "workingset_refault_file"],
        /// Times the usage went over memory.high and the tasks were throttled to reclaim.
        pub events_high: Option<u64> [Counter, "events", source = "memory.events", key = "high"],
        /// Times the usage was about to go over memory.max (v1: memory.failcnt, the times
        /// it hit the limit).
        pub events_max: Option<u64> [Counter, "events", source = "memory.events", key = "max"],
        /// Times the usage reached the limit and an allocation was about to fail.
        pub events_oom: Option<u64> [Counter, "events", source = "memory.events", key = "oom"],
        /// Processes of the cgroup killed by the OOM killer.
        pub events_oom_kill: Option<u64> [Counter, "processes", source = "memory.events", key = "oom_kill"],
        /// Bytes read, summed over the devices.
        pub rbytes: Option<u64> [Counter, "bytes", source = "io.stat", key = "rbytes"],
        /// Bytes written, summed over the devices.
        pub wbytes: Option<u64> [Counter, "bytes", source = "io.stat", key = "wbytes"],
        /// Read operations, summed over the devices.
        pub rios: Option<u64> [Counter, "requests", source = "io.stat", key = "rios"],
        /// Write operations, summed over the devices.
        pub wios: Option<u64> [Counter, "requests", source = "io.stat", key = "wios"],
        /// Time some of its tasks were stalled waiting for a CPU.
        pub cpu_some_us: Option<u64> [Counter, "us", source = "cpu.pressure", key = "some total"],
        /// Time all of its non-idle tasks were stalled waiting for a CPU (since Linux 5.13).
        pub cpu_full_us: Option<u64> [Counter, "us", source = "cpu.pressure", since = "5.13", key = "full total"],
        /// Time some of its tasks were stalled on memory.
        pub memory_some_us: Option<u64> [Counter, "us", source = "memory.pressure", key = "some total"],
        /// Time all of its non-idle tasks were stalled on memory.
        pub memory_full_us: Option<u64> [Counter, "us", source = "memory.pressure", key = "full total"],
        /// Time some of its tasks were stalled on I/O.
        pub io_some_us: Option<u64> [Counter, "us", source = "io.pressure", key = "some total"],
        /// Time all of its non-idle tasks were stalled on I/O.
        pub io_full_us: Option<u64> [Counter, "us", source = "io.pressure", key = "full total"],
        /// Tasks (threads) in the cgroup and its descendants.
        pub pids_current: Option<u64> [Level, "tasks", source = "pids.current"],
    }
}

/// Where cgroup v1 keeps each field of `CgroupCounters`, in `FIELDS` order, and how it is
/// converted to the v2 unit; `None` where v1 has nothing that means the same (the field is
/// then absent on v1). v1's memory.stat is read through its `total_` lines, which count
/// the cgroup with its descendants, as v2's memory.stat does.
pub const V1_SOURCES: &[(&str, Option<&str>)] = &[
    ("usage_us", Some("cpuacct.usage, ns / 1000")),
    (
        "user_us",
        Some("cpuacct.stat user, USER_HZ ticks × 10^6 / USER_HZ"),
    ),
    (
        "system_us",
        Some("cpuacct.stat system, USER_HZ ticks × 10^6 / USER_HZ"),
    ),
    ("nr_periods", Some("cpu.stat nr_periods")),
    ("nr_throttled", Some("cpu.stat nr_throttled")),
    ("throttled_us", Some("cpu.stat throttled_time, ns / 1000")),
    ("memory_current", Some("memory.usage_in_bytes")),
    ("anon", Some("memory.stat total_rss")),
    ("file", Some("memory.stat total_cache")),
    ("kernel", None),
    ("shmem", Some("memory.stat total_shmem")),
    ("sock", None),
    ("slab", None),
    ("file_dirty", Some("memory.stat total_dirty")),
    ("file_writeback", Some("memory.stat total_writeback")),
    ("pgfault", Some("memory.stat total_pgfault")),
    ("pgmajfault", Some("memory.stat total_pgmajfault")),
    (
        "workingset_refault_anon",
        Some("memory.stat total_workingset_refault_anon"),
    ),
    (
        "workingset_refault_file",
        Some("memory.stat total_workingset_refault_file"),
    ),
    ("events_high", None),
    ("events_max", Some("memory.failcnt")),
    ("events_oom", None),
    (
        "events_oom_kill",
        Some("memory.oom_control oom_kill (since Linux 4.13)"),
    ),
    (
        "rbytes",
        Some("blkio.throttle.io_service_bytes, the devices' Read lines"),
    ),
    (
        "wbytes",
        Some("blkio.throttle.io_service_bytes, the devices' Write lines"),
    ),
    (
        "rios",
        Some("blkio.throttle.io_serviced, the devices' Read lines"),
    ),
    (
        "wios",
        Some("blkio.throttle.io_serviced, the devices' Write lines"),
    ),
    ("cpu_some_us", None),
    ("cpu_full_us", None),
    ("memory_some_us", None),
    ("memory_full_us", None),
    ("io_some_us", None),
    ("io_full_us", None),
    ("pids_current", Some("pids.current")),
];

group! {
    /// A cgroup's limits, as configured. They change rarely: read apart from the counters,
    /// and meant to be stored only when they change. `None`: no limit (`max`), or not
    /// available (the controller is off, or a v1 hierarchy lacks it).
    #[derive(Debug, Clone, PartialEq, Eq, Default)]
    pub struct CgroupLimits from "cpu.max" {
        item key(path, inode) {
            /// As `CgroupCounters::path`.
            pub path: String,
            /// As `CgroupCounters::inode`.
            pub inode: u64,
        }
        /// CPU time the cgroup may use per period (v1: cpu.cfs_quota_us, -1 = none).
        pub cpu_quota_us: Option<u64> [Level, "us", key = "quota"],
        /// The period of that quota (v1: cpu.cfs_period_us).
        pub cpu_period_us: Option<u64> [Level, "us", key = "period"],
        /// Relative CPU weight, 1 to 10000, 100 by default (v2 only).
        pub cpu_weight: Option<u64> [Level, "weight", source = "cpu.weight"],
        /// Relative CPU shares, 1024 by default (v1 only: cpu.shares; the kernel treats
        /// weight w as shares w × 1024 / 100).
        pub cpu_shares: Option<u64> [Level, "shares", source = "cpu.shares"],
        /// The hard memory limit (v1: memory.limit_in_bytes).
        pub memory_max: Option<u64> [Level, "bytes", source = "memory.max"],
        /// The memory throttling limit (v2 only).
        pub memory_high: Option<u64> [Level, "bytes", source = "memory.high"],
        /// Memory protected from reclaim, best effort (v2 only).
        pub memory_low: Option<u64> [Level, "bytes", source = "memory.low"],
        /// The most tasks it may have (v1 and v2: pids.max).
        pub pids_max: Option<u64> [Level, "tasks", source = "pids.max"],
    }
}

group! {
    /// The root's `cgroup.stat` (v2): how many cgroups there are, and how many were
    /// removed but are still held by the kernel (dying: memory they charged is still
    /// referenced; many of them are a leak).
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
    pub struct CgroupTreeStat from "cgroup.stat" {
        /// Live cgroups below the root.
        pub nr_descendants: u64 [Level, "cgroups", key = "nr_descendants"],
        /// Removed cgroups still held by the kernel.
        pub nr_dying_descendants: u64 [Level, "cgroups", key = "nr_dying_descendants"],
    }
}

/// A cgroup's key in the log: its path, then its directory's inode.
macro_rules! cgroup_key {
    ($t:ident) => {
        impl ItemKey for $t {
            const ITEM: &'static str = "a cgroup, by path and inode";
            fn put_key(&self, k: &mut impl KeyWriter) {
                k.text(&self.path);
                k.number(self.inode);
            }
            fn get_key(k: &mut impl KeyReader) -> Result<Self, &'static str> {
                let (path, inode) = (k.text()?, k.number()?);
                Ok($t {
                    path,
                    inode,
                    ..$t::default()
                })
            }
        }
    };
}
cgroup_key!(CgroupCounters);
cgroup_key!(CgroupLimits);

/// What one sample of the cgroup hierarchies holds.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CgroupSample {
    /// The v2 root's `cgroup.stat`; `None` without a v2 hierarchy.
    pub tree: Option<CgroupTreeStat>,
    /// Every cgroup read, sorted by path.
    pub cgroups: Vec<CgroupCounters>,
    /// The limits of the cgroups that appeared or whose limits changed since the previous
    /// sample (limits are looked at every few samples), sorted by path.
    pub limits_changed: Vec<CgroupLimits>,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each counter field says where v1 keeps it, in the same order.
    #[test]
    fn v1_sources_follow_the_fields() {
        let fields: Vec<&str> = CgroupCounters::FIELDS.iter().map(|f| f.name).collect();
        let v1: Vec<&str> = V1_SOURCES.iter().map(|(n, _)| *n).collect();
        assert_eq!(fields, v1);
        assert!(CgroupCounters::FIELDS.iter().all(|f| f.optional));
    }
}
