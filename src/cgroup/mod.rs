//! The schema of per-cgroup history: what is recorded of each control group (a service, a
//! container, a pod) — its groups declared once with the others in `sample` (a `Sample`
//! holds them, and the schema may not reach up to this module) and named here too —, where
//! cgroup v1 keeps each field, what one read of the hierarchies holds, and the names
//! derived from a cgroup's path (`name`).
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

// The groups, declared with the others in the schema (a `Sample` holds them), named here
// too.
pub use crate::sample::{
    CgroupCounters, CgroupDeviceIo, CgroupDeviceLimits, CgroupLimits, CgroupTreeStat,
};

/// The last part of the path of the row a roll-up tier keeps, under a cgroup it kept,
/// for that cgroup's children it left out (`store::rollup::cgroups`); the row's inode is
/// 0, which no directory has.
pub const OTHERS: &str = "(others)";

/// The path of the `(others)` row under `parent`.
pub fn others_path(parent: &str) -> String {
    match parent {
        "" => OTHERS.to_string(),
        p => format!("{p}/{OTHERS}"),
    }
}

/// Whether the cgroup at `path` with `inode` is a roll-up tier's `(others)` row.
pub fn is_others(path: &str, inode: u64) -> bool {
    inode == 0 && path.rsplit('/').next() == Some(OTHERS)
}

/// The path of the cgroup's parent; `None` for the root (`""`).
pub fn parent_path(path: &str) -> Option<&str> {
    match path {
        "" => None,
        p => Some(p.rsplit_once('/').map_or("", |(parent, _)| parent)),
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
    /// Each cgroup's I/O per device, in `cgroups`' order, by device.
    pub devices: Vec<CgroupDeviceIo>,
    /// The I/O limits per device of the cgroups that appeared with some or whose I/O
    /// limits changed, in `cgroups`' order: every device with a limit, and a device whose
    /// limits were all lifted as an item with none.
    pub device_limits_changed: Vec<CgroupDeviceLimits>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sample::Group;

    /// Each counter field says where v1 keeps it, in the same order.
    #[test]
    fn v1_sources_follow_the_fields() {
        let fields: Vec<&str> = CgroupCounters::FIELDS.iter().map(|f| f.name).collect();
        let v1: Vec<&str> = V1_SOURCES.iter().map(|(n, _)| *n).collect();
        assert_eq!(fields, v1);
        assert!(CgroupCounters::FIELDS.iter().all(|f| f.optional));
    }
}
