//! Reading every cgroup of the host's hierarchies into `CgroupCounters`, sample after
//! sample, at the least cost the kernel allows.
//!
//! The hierarchies come from /proc/self/mountinfo: the v2 unified one (at /sys/fs/cgroup,
//! or /sys/fs/cgroup/unified on hybrid hosts) and the v1 ones of the cpu, cpuacct, memory,
//! blkio and pids controllers. A mount point under /sys is taken below the probe's /sys
//! root, so tests run on generated trees. Cgroups of all hierarchies are merged by path:
//! v1's files fill what v2's leave absent (on a hybrid host the v2 tree gives CPU time and
//! pressure, the v1 memory controller memory).
//!
//! The tree is walked (getdents) at the first sample, and after that only where inotify
//! says a directory gained or lost an entry (mkdir, rmdir and rename of cgroups go through
//! the VFS, which reports them): listing a cgroup directory costs about 12 µs on this VM,
//! more than reading its files. A directory inotify cannot watch (no inotify, too many
//! watches) is listed at every sample, and a lost event queue (`IN_Q_OVERFLOW`) makes the
//! next sample list everything. Each cgroup's files are re-read from offset 0 with `pread`
//! on descriptors opened once; directories are not kept open (descriptors are the scarce
//! resource at thousands of cgroups), and the reader stops keeping files open
//! `FD_RESERVE` descriptors below the limit it could raise, reading the rest by name. A
//! directory whose inode changed is a cgroup created again: a new item, its files opened
//! afresh. A cgroup that vanished (`ENODEV`, `ENOENT`) is left out and dropped with its
//! descriptors, without a warning. Nothing is ever opened through a symbolic link:
//! directories are opened with openat2's `RESOLVE_NO_SYMLINKS | RESOLVE_BENEATH` from the
//! hierarchy's root (or component by component with `O_NOFOLLOW`), files with
//! `O_NOFOLLOW`, and entries that are links are not walked. The expensive files
//! (memory.stat, memory.events, io.stat and their v1 twins) are skipped for a cgroup whose
//! CPU usage and memory did not move since the last sample (nor, on v1, its count of
//! memory-limit hits, which an OOM kill follows), except every
//! `full_read_every` samples; limits are read every `limits_every` samples.
//! `probe` knows nothing of the store: what to keep of a sample is its caller's business.

pub mod parse;

use super::ParseError;
use crate::cgroup::{
    CgroupCounters, CgroupDeviceIo, CgroupDeviceLimits, CgroupLimits, CgroupSample,
};
use crate::sample::Sample;
use nix::dir::Dir;
use nix::errno::Errno;
use nix::fcntl::{openat, openat2, OFlag, OpenHow, ResolveFlag};
use nix::sys::inotify::{AddWatchFlags, InitFlags, Inotify, WatchDescriptor};
use nix::sys::stat::Mode;
use parse::Units;
use std::collections::{BTreeMap, HashMap};
use std::ffi::CStr;
use std::fs::File;
use std::io;
use std::os::fd::AsRawFd;
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

pub use parse::process_cgroup;

/// Which cgroup version a hierarchy is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CgroupVersion {
    V1,
    V2,
}

/// The v1 controllers the reader reads, as bits.
const CPU: u8 = 1;
const CPUACCT: u8 = 2;
const MEMORY: u8 = 4;
const BLKIO: u8 = 8;
const PIDS: u8 = 16;
/// A v2 hierarchy's "controller": its files.
const UNIFIED: u8 = 32;

/// One counter file: its name, the hierarchy it is in (a v1 controller's bit or
/// `UNIFIED`), whether it is one of the expensive ones the skip rule leaves out for an idle
/// cgroup, how it is parsed, and how its fields are emptied before a read (so a key the
/// kernel stopped printing, or a file that vanished, leaves its fields absent).
struct CounterFile {
    name: &'static CStr,
    controller: u8,
    heavy: bool,
    parse: fn(&[u8], &mut CgroupCounters, Units) -> Result<(), ParseError>,
    clear: fn(&mut CgroupCounters),
    /// For a file with a line per device (io.stat, v1's blkio files): its devices, into
    /// the cgroup's `CgroupDeviceIo` items (read with the heavy files).
    devices: Option<DevicesParse>,
}

type DevicesParse = fn(&[u8], &mut Vec<CgroupDeviceIo>) -> Result<(), ParseError>;

/// One limit file (read every `limits_every` samples, opened and closed each time): of
/// the cgroup, or with a line per device.
struct LimitFile {
    name: &'static CStr,
    controller: u8,
    parse: LimitParse,
}

enum LimitParse {
    Cgroup(fn(&[u8], &mut CgroupLimits) -> Result<(), ParseError>),
    Devices(fn(&[u8], &mut Vec<CgroupDeviceLimits>) -> Result<(), ParseError>),
}

macro_rules! counter_files {
    ($($name:literal, $ctl:ident, $heavy:literal, $parse:ident, [$($f:ident),*]
        $(, devices = $dev:ident)?;)*) => {
        &[$(CounterFile {
            name: $name,
            controller: $ctl,
            heavy: $heavy,
            parse: parse::$parse,
            clear: |c| { $(c.$f = None;)* },
            devices: or_none!($(parse::$dev)?),
        },)*]
    };
}

macro_rules! or_none {
    () => {
        None
    };
    ($f:expr) => {
        Some($f)
    };
}

macro_rules! limit_files {
    ($($name:literal, $ctl:ident, $kind:ident($parse:ident);)*) => {
        &[$(LimitFile {
            name: $name,
            controller: $ctl,
            parse: LimitParse::$kind(parse::$parse),
        },)*]
    };
}

/// The counter files, v1 first: where a path is in v1 and v2 hierarchies, v2's files are
/// read last and their values win.
const COUNTER_FILES: &[CounterFile] = counter_files! {
    c"cpuacct.usage", CPUACCT, false, v1_cpuacct_usage, [usage_us];
    c"cpuacct.stat", CPUACCT, false, v1_cpuacct_stat, [user_us, system_us];
    c"cpu.stat", CPU, false, v1_cpu_stat, [nr_periods, nr_throttled, throttled_us];
    c"memory.usage_in_bytes", MEMORY, false, v1_memory_usage, [memory_current];
    c"memory.failcnt", MEMORY, false, v1_memory_failcnt, [events_max];
    c"memory.stat", MEMORY, true, v1_memory_stat, [anon, file, shmem, file_dirty,
        file_writeback, pgfault, pgmajfault, workingset_refault_anon, workingset_refault_file];
    c"memory.oom_control", MEMORY, true, v1_memory_oom_control, [events_oom_kill];
    c"blkio.throttle.io_service_bytes", BLKIO, true, v1_blkio_bytes, [rbytes, wbytes],
        devices = v1_blkio_bytes_devices;
    c"blkio.throttle.io_serviced", BLKIO, true, v1_blkio_ios, [rios, wios],
        devices = v1_blkio_ios_devices;
    c"pids.current", PIDS, false, pids_current, [pids_current];
    c"cpu.stat", UNIFIED, false, cpu_stat, [usage_us, user_us, system_us, nr_periods,
        nr_throttled, throttled_us];
    c"memory.current", UNIFIED, false, memory_current, [memory_current];
    c"memory.stat", UNIFIED, true, memory_stat, [anon, file, kernel, shmem, sock, slab,
        file_dirty, file_writeback, pgfault, pgmajfault, workingset_refault_anon,
        workingset_refault_file];
    c"memory.events", UNIFIED, true, memory_events, [events_high, events_max, events_oom,
        events_oom_kill];
    c"io.stat", UNIFIED, true, io_stat, [rbytes, wbytes, rios, wios], devices = io_stat_devices;
    c"cpu.pressure", UNIFIED, false, cpu_pressure, [cpu_some_us, cpu_full_us];
    c"memory.pressure", UNIFIED, false, memory_pressure, [memory_some_us, memory_full_us];
    c"io.pressure", UNIFIED, false, io_pressure, [io_some_us, io_full_us];
    c"pids.current", UNIFIED, false, pids_current, [pids_current];
};

const LIMIT_FILES: &[LimitFile] = limit_files! {
    c"cpu.cfs_quota_us", CPU, Cgroup(limit_v1_cfs_quota);
    c"cpu.cfs_period_us", CPU, Cgroup(limit_v1_cfs_period);
    c"cpu.shares", CPU, Cgroup(limit_v1_shares);
    c"memory.limit_in_bytes", MEMORY, Cgroup(limit_v1_memory);
    c"blkio.throttle.read_bps_device", BLKIO, Devices(limit_v1_read_bps);
    c"blkio.throttle.write_bps_device", BLKIO, Devices(limit_v1_write_bps);
    c"blkio.throttle.read_iops_device", BLKIO, Devices(limit_v1_read_iops);
    c"blkio.throttle.write_iops_device", BLKIO, Devices(limit_v1_write_iops);
    c"pids.max", PIDS, Cgroup(limit_pids_max);
    c"cpu.max", UNIFIED, Cgroup(limit_cpu_max);
    c"cpu.weight", UNIFIED, Cgroup(limit_cpu_weight);
    c"memory.max", UNIFIED, Cgroup(limit_memory_max);
    c"memory.high", UNIFIED, Cgroup(limit_memory_high);
    c"memory.low", UNIFIED, Cgroup(limit_memory_low);
    c"memory.min", UNIFIED, Cgroup(limit_memory_min);
    c"memory.swap.max", UNIFIED, Cgroup(limit_memory_swap_max);
    c"io.max", UNIFIED, Devices(limit_io_max);
    c"pids.max", UNIFIED, Cgroup(limit_pids_max);
};

/// Samples between two attempts to open a cgroup file found absent: a controller enabled
/// later (cgroup.subtree_control) makes its files appear.
const REOPEN_ABSENT_EVERY: u64 = 60;

/// What to read, and how often.
#[derive(Debug, Clone)]
pub struct CgroupOptions {
    /// The deepest level read (the root is 0, `system.slice` 1); `None`: all.
    pub max_depth: Option<usize>,
    /// Only cgroups whose path matches are recorded (their descendants are still walked).
    pub include: Option<regex::Regex>,
    /// Cgroups whose path matches are left out with all their descendants.
    pub exclude: Option<regex::Regex>,
    /// The expensive files of an idle cgroup are read at least this often (in samples);
    /// 1 reads them at every sample.
    pub full_read_every: u32,
    /// Limits are read this often (in samples), and when a cgroup appears: each read opens
    /// the cgroup's directory and up to six files, about 1 µs per cgroup per sample at
    /// the default.
    pub limits_every: u32,
}

impl Default for CgroupOptions {
    fn default() -> Self {
        CgroupOptions {
            max_depth: None,
            include: None,
            exclude: None,
            full_read_every: 10,
            limits_every: 60,
        }
    }
}

impl CgroupOptions {
    /// The options of a collector's command line: the deepest level, and the patterns
    /// (regular expressions, searched in the path below the root) of the cgroups recorded
    /// and of those left out with their descendants. The error names the bad pattern.
    pub fn from_args(
        max_depth: Option<usize>,
        include: Option<&str>,
        exclude: Option<&str>,
    ) -> Result<Self, String> {
        let pattern = |what: &str, p: Option<&str>| {
            p.map(regex::Regex::new)
                .transpose()
                .map_err(|e| format!("{what}: {e}"))
        };
        Ok(CgroupOptions {
            max_depth,
            include: pattern("--cgroup-include", include)?,
            exclude: pattern("--cgroup-exclude", exclude)?,
            ..CgroupOptions::default()
        })
    }
}

/// A mounted hierarchy the reader reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hierarchy {
    /// Its mount point, below the /sys root given to the reader.
    pub mount: PathBuf,
    pub version: CgroupVersion,
    /// The controllers read from it (v1: some of cpu, cpuacct, memory, blkio, pids).
    pub controllers: Vec<&'static str>,
    bits: u8,
}

/// The cgroup hierarchies of a mountinfo text (`/proc/self/mountinfo`), in the order the
/// reader reads them (v1 first, v2 last); mount points under /sys are moved below
/// `sys_root`, others are kept only when `sys_root` is `/sys` itself. A hierarchy mounted
/// twice is read once.
pub fn parse_mountinfo(text: &[u8], sys_root: &Path) -> Vec<Hierarchy> {
    let mut v1: Vec<Hierarchy> = Vec::new();
    let mut v2: Option<Hierarchy> = None;
    for line in super::lines(text) {
        let Ok(line) = std::str::from_utf8(line) else {
            continue;
        };
        let Some((left, right)) = line.split_once(" - ") else {
            continue;
        };
        let mut l = left.split(' ');
        let Some(mount) = l.nth(4) else { continue };
        let mut r = right.split(' ');
        let (Some(fstype), Some(_source), Some(options)) = (r.next(), r.next(), r.next()) else {
            continue;
        };
        let mount = unescape_mount(mount);
        let Some(mount) = below_sys_root(&mount, sys_root) else {
            continue;
        };
        match fstype {
            "cgroup2" if v2.is_none() => {
                v2 = Some(Hierarchy {
                    mount,
                    version: CgroupVersion::V2,
                    controllers: Vec::new(),
                    bits: UNIFIED,
                });
            }
            "cgroup" => {
                let mut bits = 0;
                let mut names = Vec::new();
                for o in options.split(',') {
                    let (bit, name) = match o {
                        "cpu" => (CPU, "cpu"),
                        "cpuacct" => (CPUACCT, "cpuacct"),
                        "memory" => (MEMORY, "memory"),
                        "blkio" => (BLKIO, "blkio"),
                        "pids" => (PIDS, "pids"),
                        _ => continue,
                    };
                    bits |= bit;
                    names.push(name);
                }
                let taken = v1.iter().fold(0, |a, h| a | h.bits);
                if bits != 0 && bits & taken == 0 {
                    v1.push(Hierarchy {
                        mount,
                        version: CgroupVersion::V1,
                        controllers: names,
                        bits,
                    });
                }
            }
            _ => {}
        }
    }
    // The cpuacct hierarchy's directory inode names a cgroup before the other v1 ones.
    v1.sort_by_key(|h| match h.bits {
        b if b & CPUACCT != 0 => 0,
        b if b & CPU != 0 => 1,
        b if b & MEMORY != 0 => 2,
        b if b & BLKIO != 0 => 3,
        _ => 4,
    });
    v1.extend(v2);
    v1
}

/// mountinfo escapes space, tab, newline and backslash as `\ooo`.
fn unescape_mount(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let octal = b.get(i + 1..i + 4);
        if b[i] == b'\\' && octal.is_some_and(|o| o.iter().all(|c| (b'0'..=b'7').contains(c))) {
            out.push((b[i + 1] - b'0') * 64 + (b[i + 2] - b'0') * 8 + (b[i + 3] - b'0'));
            i += 4;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn below_sys_root(mount: &str, sys_root: &Path) -> Option<PathBuf> {
    if let Some(rest) = mount.strip_prefix("/sys/") {
        return Some(sys_root.join(rest));
    }
    (sys_root == Path::new("/sys")).then(|| PathBuf::from(mount))
}

/// A counter file of one cgroup in one hierarchy.
#[derive(Debug)]
enum Slot {
    Open(File),
    /// Not there when last tried: try again at this sample.
    Absent(u64),
    /// Out of descriptors: opened, read and closed at each sample.
    ByName,
}

/// A cgroup's directory in one hierarchy, with its counter files (in the order of the
/// hierarchy's `files`).
/// Its directory is not kept open: descriptors are the scarce resource at thousands of
/// cgroups (the files are what each sample reads), and a directory is opened again only
/// to be listed (when inotify reports a change) or to open a file.
#[derive(Debug)]
struct Member {
    ino: u64,
    /// The sample whose walk last saw it.
    seen: u64,
    files: Vec<Slot>,
    /// Its inotify watch: `None` when it could not be watched (listed at every walk).
    watch: Option<WatchDescriptor>,
    /// Its child cgroups' paths, as last listed (walked again without a listing while
    /// inotify reports no change).
    children: Vec<String>,
    /// inotify reported a change: list it at the next walk.
    dirty: bool,
    /// Bit i: `LIMIT_FILES[i]` was not there, not looked for again before
    /// `limits_retry_at`.
    limits_absent: u32,
    limits_retry_at: u64,
}

const _: () = assert!(
    LIMIT_FILES.len() <= 32,
    "Member::limits_absent has a bit each"
);

/// A cgroup, merged over the hierarchies that have its path.
#[derive(Debug)]
struct Cgroup {
    /// One per hierarchy, in the reader's order.
    members: Vec<Option<Member>>,
    /// The last values read (`path` empty: the path is the map's key).
    counters: CgroupCounters,
    /// The last limits read, `None` before the first read, and its I/O limits per device.
    limits: Option<CgroupLimits>,
    device_limits: Vec<CgroupDeviceLimits>,
    /// Its I/O per device as last read (`path`, `inode` and `name` left empty), by device.
    devices: Vec<CgroupDeviceIo>,
    /// Recorded (the include pattern, if any, matches).
    recorded: bool,
    /// A member appeared, vanished or was replaced: forget the values and read all.
    changed: bool,
    /// Samples since the expensive files were last read.
    since_full: u32,
}

/// Reads the cgroups of one host, sample after sample. Keep one for the life of a
/// collector: it keeps each cgroup's files open.
#[derive(Debug)]
pub struct CgroupReader {
    hierarchies: Vec<Hierarchy>,
    /// Per hierarchy, the indices into `COUNTER_FILES` of its files.
    files: Vec<Vec<usize>>,
    cgroups: BTreeMap<String, Cgroup>,
    /// Each hierarchy's root directory, once opened.
    roots: Vec<Option<Dir>>,
    /// Reports the directories that gained or lost entries.
    inotify: Option<Inotify>,
    /// Each watch's directory: its hierarchy and path.
    watched: HashMap<WatchDescriptor, (usize, String)>,
    /// Per hierarchy: members without a watch, and whether a directory of it is dirty.
    unwatched: Vec<usize>,
    dirty: Vec<bool>,
    /// Events were lost: list every directory at the next walk.
    list_all: bool,
    /// The v2 root's cgroup.stat.
    tree_stat: Option<File>,
    /// /sys, where a device's name is found (`device_name`), and the names found.
    sys_root: PathBuf,
    device_names: HashMap<(u32, u32), String>,
    options: CgroupOptions,
    units: Units,
    /// Samples taken.
    samples: u64,
    buf: Vec<u8>,
    /// Child directories of the directory being walked: names, then (name end, inode).
    names: Vec<u8>,
    entries: Vec<(usize, u64)>,
    warnings: Vec<String>,
}

impl CgroupReader {
    /// A reader of the hierarchies mounted in `proc_root`'s /proc/self/mountinfo, with
    /// /sys at `sys_root`; `user_hz` converts v1's ticks. No hierarchy (no cgroups
    /// mounted, no mountinfo) is a reader that reads nothing (`is_empty`).
    pub fn new(proc_root: &Path, sys_root: &Path, user_hz: u32, options: CgroupOptions) -> Self {
        let mountinfo = proc_root.join("self/mountinfo");
        let hierarchies = match std::fs::read(&mountinfo) {
            Ok(text) => parse_mountinfo(&text, sys_root),
            Err(_) => Vec::new(),
        };
        let mut reader = Self::with_hierarchies(hierarchies, user_hz, options);
        reader.sys_root = sys_root.to_path_buf();
        reader
    }

    /// A reader of the given hierarchies (from `parse_mountinfo`).
    pub fn with_hierarchies(
        hierarchies: Vec<Hierarchy>,
        user_hz: u32,
        options: CgroupOptions,
    ) -> Self {
        let files = hierarchies
            .iter()
            .map(|h| {
                (0..COUNTER_FILES.len())
                    .filter(|&i| COUNTER_FILES[i].controller & h.bits != 0)
                    .collect()
            })
            .collect();
        let tree_stat = hierarchies
            .iter()
            .find(|h| h.version == CgroupVersion::V2)
            .and_then(|h| File::open(h.mount.join("cgroup.stat")).ok());
        raise_open_files_limit();
        let nh = hierarchies.len();
        CgroupReader {
            hierarchies,
            files,
            cgroups: BTreeMap::new(),
            roots: (0..nh).map(|_| None).collect(),
            inotify: Inotify::init(InitFlags::IN_NONBLOCK | InitFlags::IN_CLOEXEC).ok(),
            watched: HashMap::new(),
            unwatched: vec![0; nh],
            dirty: vec![false; nh],
            list_all: true,
            tree_stat,
            sys_root: PathBuf::from("/sys"),
            device_names: HashMap::new(),
            options,
            units: Units {
                user_hz: u64::from(user_hz.max(1)),
            },
            samples: 0,
            buf: vec![0; 64 * 1024],
            names: Vec::new(),
            entries: Vec::new(),
            warnings: Vec::new(),
        }
    }

    /// The hierarchies read.
    pub fn hierarchies(&self) -> &[Hierarchy] {
        &self.hierarchies
    }

    /// A v2 hierarchy is read: a process's cgroup is its path there (`process_cgroup`).
    pub fn unified(&self) -> bool {
        self.hierarchies
            .iter()
            .any(|h| h.version == CgroupVersion::V2)
    }

    /// No hierarchy to read.
    pub fn is_empty(&self) -> bool {
        self.hierarchies.is_empty()
    }

    /// Problems met in the last sample (one line each). A cgroup that vanished while it
    /// was read is not one.
    pub fn warnings(&self) -> &[String] {
        &self.warnings
    }

    /// Take a sample into `out`, reusing its entries.
    pub fn read(&mut self, out: &mut CgroupSample) {
        self.warnings.clear();
        self.samples += 1;
        self.take_events();
        let mut walked = vec![false; self.hierarchies.len()];
        for (h, walked) in walked.iter_mut().enumerate() {
            let root_known = self.cgroups.get("").is_some_and(|c| c.members[h].is_some());
            if self.list_all || self.dirty[h] || self.unwatched[h] > 0 || !root_known {
                self.walk(h);
                self.dirty[h] = false;
                *walked = true;
            }
        }
        self.list_all = false;
        let now = self.samples;
        let (inotify, watched, unwatched) = (&self.inotify, &mut self.watched, &mut self.unwatched);
        self.cgroups.retain(|_, c| {
            for (h, slot) in c.members.iter_mut().enumerate() {
                let Some(m) = slot else { continue };
                if !walked[h] || m.seen == now {
                    continue;
                }
                match m.watch {
                    Some(wd) => {
                        watched.remove(&wd);
                        if let Some(i) = inotify {
                            // Gone with its directory already, as a rule.
                            let _ = i.rm_watch(wd);
                        }
                    }
                    None => unwatched[h] = unwatched[h].saturating_sub(1),
                }
                *slot = None;
                c.changed = true;
            }
            c.members.iter().any(Option::is_some)
        });
        out.tree = self.tree_stat.as_ref().and_then(|f| {
            let n = pread_whole(f, &mut self.buf).ok()?;
            parse::tree_stat(&self.buf[..n]).ok()
        });
        let read_limits = self.samples % u64::from(self.options.limits_every.max(1)) == 1
            || self.options.limits_every <= 1;
        out.limits_changed.clear();
        out.devices.clear();
        out.device_limits_changed.clear();
        let mut n = 0;
        let names = &mut self.device_names;
        let sys_root = &self.sys_root;
        for (path, cg) in self.cgroups.iter_mut() {
            if !cg.recorded {
                continue;
            }
            let vanished = read_cgroup(
                cg,
                &self.files,
                self.units,
                &self.options,
                now,
                &mut self.buf,
                &mut self.warnings,
                path,
                &self.hierarchies,
                &self.roots,
            );
            if vanished {
                // Removed while it was read: not in this sample, and dropped at the next
                // walk (its parent's listing no longer has it).
                cg.changed = true;
                continue;
            }
            let inode = cg.counters.inode;
            if read_limits || cg.limits.is_none() {
                let mut devices = Vec::new();
                let limits = read_limits_of(
                    cg,
                    path,
                    &self.hierarchies,
                    &self.roots,
                    now,
                    &mut self.buf,
                    &mut devices,
                );
                devices.sort_unstable_by_key(|d| (d.major, d.minor));
                let first = cg.limits.is_none();
                if cg.limits.as_ref() != Some(&limits) {
                    out.limits_changed.push(CgroupLimits {
                        path: path.clone(),
                        inode,
                        ..limits.clone()
                    });
                    cg.limits = Some(limits);
                }
                if devices != cg.device_limits || (first && !devices.is_empty()) {
                    // The devices whose limits were all lifted, as items with none.
                    let lifted = cg
                        .device_limits
                        .iter()
                        .filter(|o| {
                            !devices
                                .iter()
                                .any(|d| (d.major, d.minor) == (o.major, o.minor))
                        })
                        .map(|o| CgroupDeviceLimits {
                            major: o.major,
                            minor: o.minor,
                            ..CgroupDeviceLimits::default()
                        });
                    let mut changed: Vec<CgroupDeviceLimits> =
                        devices.iter().cloned().chain(lifted).collect();
                    changed.sort_unstable_by_key(|d| (d.major, d.minor));
                    out.device_limits_changed
                        .extend(changed.into_iter().map(|d| CgroupDeviceLimits {
                            path: path.clone(),
                            inode,
                            name: device_name(names, sys_root, d.major, d.minor).to_string(),
                            ..d
                        }));
                    cg.device_limits = devices;
                }
            }
            out.devices
                .extend(cg.devices.iter().map(|d| CgroupDeviceIo {
                    path: path.clone(),
                    inode,
                    name: device_name(names, sys_root, d.major, d.minor).to_string(),
                    ..d.clone()
                }));
            if out.cgroups.len() <= n {
                out.cgroups.push(CgroupCounters::default());
            }
            let o = &mut out.cgroups[n];
            n += 1;
            let mut kept = std::mem::take(&mut o.path);
            if kept != *path {
                kept.clone_from(path);
            }
            *o = CgroupCounters {
                path: kept,
                ..cg.counters.clone()
            };
        }
        out.cgroups.truncate(n);
    }

    /// Take a sample into the cgroup members of `s` (`cgroups`, `cgroup_limits`,
    /// `cgroup_tree`, `cgroup_devices`, `cgroup_device_limits`), reusing their entries.
    pub fn read_into(&mut self, s: &mut Sample) {
        let mut c = CgroupSample {
            tree: None,
            cgroups: std::mem::take(&mut s.cgroups),
            limits_changed: std::mem::take(&mut s.cgroup_limits),
            devices: std::mem::take(&mut s.cgroup_devices),
            device_limits_changed: std::mem::take(&mut s.cgroup_device_limits),
        };
        self.read(&mut c);
        s.cgroups = c.cgroups;
        s.cgroup_limits = c.limits_changed;
        s.cgroup_tree = c.tree;
        s.cgroup_devices = c.devices;
        s.cgroup_device_limits = c.device_limits_changed;
    }

    /// Give the limits of every cgroup with the next sample, changed or not: a log file
    /// started afresh (a new day) then holds them all.
    pub fn resend_limits(&mut self) {
        for c in self.cgroups.values_mut() {
            c.limits = None;
        }
    }

    /// The files one sample reads (each counter file of each recorded cgroup, kept open or
    /// read by name beyond the open-files limit, and the root's cgroup.stat), for a
    /// comparison with a program that only reads them (`bench/cgroup-cost.sh`). Call it
    /// after a first `read`.
    pub fn per_sample_files(&self) -> Vec<PathBuf> {
        let mut out = Vec::new();
        for (path, cg) in &self.cgroups {
            if !cg.recorded {
                continue;
            }
            for (h, m) in cg.members.iter().enumerate() {
                let Some(m) = m else { continue };
                let dir = self.hierarchies[h].mount.join(path);
                for (k, &i) in self.files[h].iter().enumerate() {
                    if matches!(m.files.get(k), Some(Slot::Open(_) | Slot::ByName)) {
                        let name = COUNTER_FILES[i].name.to_string_lossy();
                        out.push(dir.join(&*name));
                    }
                }
            }
        }
        if self.tree_stat.is_some() {
            if let Some(h) = self
                .hierarchies
                .iter()
                .find(|h| h.version == CgroupVersion::V2)
            {
                out.push(h.mount.join("cgroup.stat"));
            }
        }
        out
    }

    /// Walk hierarchy `h` from its root, adding the directories not seen before (or seen
    /// with another inode) and marking those still there.
    fn walk(&mut self, h: usize) {
        let nh = self.hierarchies.len();
        if self.roots[h].is_none() {
            let mount = &self.hierarchies[h].mount;
            self.roots[h] = Dir::open(
                mount.as_path(),
                OFlag::O_RDONLY | OFlag::O_DIRECTORY | OFlag::O_CLOEXEC,
                Mode::empty(),
            )
            .ok();
        }
        let Some(root) = self.roots[h].take() else {
            return;
        };
        self.walk_from(h, nh, &root);
        self.roots[h] = Some(root);
    }

    fn walk_from(&mut self, h: usize, nh: usize, root: &Dir) {
        if self.cgroups.get("").is_none_or(|c| c.members[h].is_none()) {
            let Ok(st) = nix::sys::stat::fstat(root) else {
                return;
            };
            self.add_member(String::new(), h, nh, root, st.st_ino);
        }
        let mut stack: Vec<(String, usize)> = vec![(String::new(), 0)];
        while let Some((path, depth)) = stack.pop() {
            let Some(m) = self
                .cgroups
                .get_mut(&path)
                .and_then(|c| c.members[h].as_mut())
            else {
                continue;
            };
            m.seen = self.samples;
            if self.options.max_depth.is_some_and(|d| depth >= d) {
                continue;
            }
            if !(m.dirty || m.watch.is_none() || self.list_all) {
                // Unchanged since it was listed: its children are the same.
                stack.extend(m.children.iter().map(|c| (c.clone(), depth + 1)));
                continue;
            }
            m.dirty = false;
            let mut children = std::mem::take(&mut m.children);
            children.clear();
            self.names.clear();
            self.entries.clear();
            let Ok(mut dir) = open_dir(root, &path) else {
                // Gone: its parent's listing drops it.
                continue;
            };
            for e in dir.iter() {
                let Ok(e) = e else { break };
                // No type from getdents (some file systems): the open below, of
                // directories only and never through a link, tells.
                let is_dir = matches!(e.file_type(), Some(nix::dir::Type::Directory) | None);
                let name = e.file_name().to_bytes();
                if !is_dir || name == b"." || name == b".." {
                    continue;
                }
                self.names.extend_from_slice(name);
                self.entries.push((self.names.len(), e.ino()));
            }
            let mut start = 0;
            for k in 0..self.entries.len() {
                let (end, ino) = self.entries[k];
                let name = &self.names[start..end];
                start = end;
                let Ok(name) = std::str::from_utf8(name) else {
                    continue;
                };
                let child = if path.is_empty() {
                    name.to_string()
                } else {
                    format!("{path}/{name}")
                };
                if self
                    .options
                    .exclude
                    .as_ref()
                    .is_some_and(|r| r.is_match(&child))
                {
                    continue;
                }
                let known = self
                    .cgroups
                    .get(&child)
                    .and_then(|c| c.members[h].as_ref())
                    .is_some_and(|m| m.ino == ino);
                if !known {
                    let dir = match open_child_dir(&dir, name) {
                        Ok(d) => d,
                        // Gone since the listing, or not a directory any more.
                        Err(_) => continue,
                    };
                    // The inode of what was opened, not of what was listed.
                    let ino = match nix::sys::stat::fstat(&dir) {
                        Ok(st) => st.st_ino,
                        Err(_) => continue,
                    };
                    self.add_member(child.clone(), h, nh, &dir, ino);
                }
                children.push(child.clone());
                stack.push((child, depth + 1));
            }
            if let Some(m) = self
                .cgroups
                .get_mut(&path)
                .and_then(|c| c.members[h].as_mut())
            {
                m.children = children;
            }
        }
    }

    /// Mark the directories inotify reports changed as dirty.
    fn take_events(&mut self) {
        let Some(inotify) = &self.inotify else {
            return;
        };
        loop {
            let events = match inotify.read_events() {
                Ok(e) => e,
                Err(Errno::EAGAIN) => return,
                Err(_) => {
                    self.list_all = true;
                    return;
                }
            };
            if events.is_empty() {
                return;
            }
            for e in events {
                if e.mask.contains(AddWatchFlags::IN_Q_OVERFLOW) {
                    self.list_all = true;
                    continue;
                }
                if e.mask.contains(AddWatchFlags::IN_IGNORED) {
                    // The directory is gone; its parent's event drops its cgroup.
                    self.watched.remove(&e.wd);
                    continue;
                }
                let Some((h, path)) = self.watched.get(&e.wd) else {
                    continue;
                };
                if let Some(m) = self
                    .cgroups
                    .get_mut(path)
                    .and_then(|c| c.members[*h].as_mut())
                {
                    m.dirty = true;
                    self.dirty[*h] = true;
                }
            }
        }
    }

    fn add_member(&mut self, path: String, h: usize, nh: usize, dir: &Dir, ino: u64) {
        let recorded = self
            .options
            .include
            .as_ref()
            .is_none_or(|r| r.is_match(&path));
        let files = if recorded {
            self.files[h]
                .iter()
                .map(|&i| open_counter_file(dir, COUNTER_FILES[i].name, self.samples))
                .collect()
        } else {
            Vec::new()
        };
        // Watched through our own descriptor of it (inotify takes a path): never a name
        // that could since lead elsewhere.
        let watch = self.inotify.as_ref().and_then(|i| {
            i.add_watch(
                format!("/proc/self/fd/{}", dir.as_raw_fd()).as_str(),
                AddWatchFlags::IN_CREATE
                    | AddWatchFlags::IN_DELETE
                    | AddWatchFlags::IN_MOVED_FROM
                    | AddWatchFlags::IN_MOVED_TO
                    | AddWatchFlags::IN_ONLYDIR,
            )
            .ok()
        });
        match watch {
            Some(wd) => {
                self.watched.insert(wd, (h, path.clone()));
            }
            None => self.unwatched[h] += 1,
        }
        if let Some(old) = self
            .cgroups
            .get_mut(&path)
            .and_then(|c| c.members[h].take())
        {
            // Replaced by a directory created again under the same name.
            match old.watch {
                Some(wd) if Some(wd) != watch => {
                    self.watched.remove(&wd);
                }
                Some(_) => {}
                None => self.unwatched[h] = self.unwatched[h].saturating_sub(1),
            }
        }
        let cg = self.cgroups.entry(path).or_insert_with(|| Cgroup {
            members: (0..nh).map(|_| None).collect(),
            counters: CgroupCounters::default(),
            limits: None,
            device_limits: Vec::new(),
            devices: Vec::new(),
            recorded,
            changed: true,
            since_full: 0,
        });
        // A new member (a directory created again): its limits are given again, even
        // when the same.
        cg.limits = None;
        cg.members[h] = Some(Member {
            ino,
            seen: self.samples,
            files,
            watch,
            children: Vec::new(),
            dirty: true,
            limits_absent: 0,
            limits_retry_at: 0,
        });
        cg.changed = true;
    }
}

fn open_counter_file(dir: &Dir, name: &CStr, now: u64) -> Slot {
    let open = || {
        openat(
            dir,
            name,
            OFlag::O_RDONLY | OFlag::O_NOFOLLOW | OFlag::O_CLOEXEC,
            Mode::empty(),
        )
    };
    // Descriptors are numbered lowest free first, so a number near the limit says the
    // table is nearly full: the last `FD_RESERVE` are left to the rest of the collector.
    let keep = |fd: std::os::fd::OwnedFd| {
        let ceiling = FD_CEILING.load(Ordering::Relaxed);
        if fd.as_raw_fd() as usize >= ceiling && !raise_open_files_limit() {
            Slot::ByName
        } else {
            Slot::Open(File::from(fd))
        }
    };
    match open() {
        Ok(fd) => keep(fd),
        Err(Errno::EMFILE) | Err(Errno::ENFILE) => match raise_open_files_limit() {
            true => open().map_or(Slot::ByName, keep),
            false => Slot::ByName,
        },
        Err(_) => Slot::Absent(now + REOPEN_ABSENT_EVERY),
    }
}

/// Descriptors the reader leaves free for the rest of the process.
const FD_RESERVE: usize = 256;

/// The descriptor number from which the reader stops keeping files open: the soft limit
/// less `FD_RESERVE`, as last raised.
static FD_CEILING: AtomicUsize = AtomicUsize::new(1024 - FD_RESERVE);

/// Read one cgroup's counter files into its `counters`; `true` when its directory in a
/// hierarchy was removed meanwhile (its files answer ENODEV).
#[allow(clippy::too_many_arguments)]
fn read_cgroup(
    cg: &mut Cgroup,
    files: &[Vec<usize>],
    units: Units,
    options: &CgroupOptions,
    now: u64,
    buf: &mut Vec<u8>,
    warnings: &mut Vec<String>,
    path: &str,
    hierarchies: &[Hierarchy],
    roots: &[Option<Dir>],
) -> bool {
    let first = cg.changed;
    if cg.changed {
        cg.counters = CgroupCounters::default();
        cg.devices.clear();
        cg.changed = false;
    }
    // The inode: v2's where the path is there (v2 is the last hierarchy), else the first
    // v1 hierarchy's.
    let v2 = match hierarchies.last() {
        Some(h) if h.version == CgroupVersion::V2 => cg.members.last().and_then(Option::as_ref),
        _ => None,
    };
    cg.counters.inode = v2
        .or_else(|| cg.members.iter().flatten().next())
        .map_or(0, |m| m.ino);
    // What says the cgroup moved: its CPU time, its memory, and (v1's memory.failcnt,
    // a light file) the times it hit its memory limit, which an OOM kill follows even
    // when the memory is back where it was.
    let moved = |c: &CgroupCounters| (c.usage_us, c.memory_current, c.events_max);
    let before = moved(&cg.counters);
    let mut gone = false;
    let mut pass = |heavy: bool, cg: &mut Cgroup| {
        for (h, member) in cg.members.iter_mut().enumerate() {
            let Some(m) = member else { continue };
            let mut dir: Option<Dir> = None;
            for (k, &i) in files[h].iter().enumerate() {
                let spec = &COUNTER_FILES[i];
                if spec.heavy != heavy || gone {
                    continue;
                }
                let Some(slot) = m.files.get_mut(k) else {
                    continue;
                };
                if let Slot::Absent(at) = *slot {
                    if at > now {
                        continue;
                    }
                    let Some(d) = dir_of(&mut dir, roots[h].as_ref(), path) else {
                        continue;
                    };
                    *slot = open_counter_file(d, spec.name, now);
                    if matches!(slot, Slot::Absent(_)) {
                        continue;
                    }
                }
                let read = match &*slot {
                    Slot::Open(f) => pread_whole(f, buf),
                    Slot::ByName | Slot::Absent(_) => {
                        match dir_of(&mut dir, roots[h].as_ref(), path) {
                            Some(d) => read_once(d, spec.name, buf),
                            None => Err(io::ErrorKind::NotFound.into()),
                        }
                    }
                };
                (spec.clear)(&mut cg.counters);
                match read {
                    Ok(n) => {
                        let text = &buf[..n];
                        let parsed = (spec.parse)(text, &mut cg.counters, units).and_then(|()| {
                            spec.devices.map_or(Ok(()), |d| d(text, &mut cg.devices))
                        });
                        if let Err(e) = parsed {
                            warnings.push(format!(
                                "cannot parse {}: {}",
                                hierarchies[h]
                                    .mount
                                    .join(path)
                                    .join(&*spec.name.to_string_lossy())
                                    .display(),
                                e.0
                            ));
                        }
                    }
                    Err(e) if vanished(&e) => {
                        // The file went away (a controller disabled), or the whole
                        // cgroup did: which, its directory says.
                        *slot = Slot::Absent(now + REOPEN_ABSENT_EVERY);
                        if dir_of(&mut dir, roots[h].as_ref(), path).is_none() {
                            gone = true;
                        }
                    }
                    // Its directory could not be opened to read it by name.
                    Err(e) if e.kind() == io::ErrorKind::NotFound => gone = true,
                    Err(e) => warnings.push(format!(
                        "cannot read {}: {e}",
                        hierarchies[h]
                            .mount
                            .join(path)
                            .join(&*spec.name.to_string_lossy())
                            .display()
                    )),
                }
            }
        }
    };
    pass(false, cg);
    // A cgroup with none of them (only in v1's blkio hierarchy) cannot be seen idle.
    let watched = before != (None, None, None);
    let idle = !first
        && watched
        && moved(&cg.counters) == before
        && cg.since_full + 1 < options.full_read_every;
    if idle {
        cg.since_full += 1;
    } else {
        cg.devices.clear();
        pass(true, cg);
        // A device it did no I/O on (v1 lists them with zeros) is not one of its items.
        let io = |d: &CgroupDeviceIo| [d.rbytes, d.wbytes, d.rios, d.wios, d.dbytes, d.dios];
        cg.devices
            .retain(|d| io(d).iter().any(|v| v.is_some_and(|v| v > 0)));
        cg.devices.sort_unstable_by_key(|d| (d.major, d.minor));
        cg.since_full = 0;
    }
    gone
}

/// The name of block device MAJ:MIN as `sar -d` gives it, found once: the last component
/// of the link /sys/dev/block/MAJ:MIN (below the reader's /sys root), `devMAJ-MIN` where
/// there is none (a device removed since).
fn device_name<'a>(
    names: &'a mut HashMap<(u32, u32), String>,
    sys_root: &Path,
    major: u32,
    minor: u32,
) -> &'a str {
    names.entry((major, minor)).or_insert_with(|| {
        std::fs::read_link(sys_root.join(format!("dev/block/{major}:{minor}")))
            .ok()
            .and_then(|t| Some(t.file_name()?.to_string_lossy().into_owned()))
            .unwrap_or_else(|| format!("dev{major}-{minor}"))
    })
}

/// A member's directory in `dir`, opened when a file must be opened (rarely).
fn dir_of<'a>(dir: &'a mut Option<Dir>, root: Option<&Dir>, path: &str) -> Option<&'a Dir> {
    if dir.is_none() {
        *dir = open_dir(root?, path).ok();
    }
    dir.as_ref()
}

/// A cgroup's limits, each file opened, read and closed.
/// Files absent (a controller not enabled) are looked for again only every
/// `REOPEN_ABSENT_EVERY` samples, and a directory with none to read is not opened.
fn read_limits_of(
    cg: &mut Cgroup,
    path: &str,
    hierarchies: &[Hierarchy],
    roots: &[Option<Dir>],
    now: u64,
    buf: &mut Vec<u8>,
    devices: &mut Vec<CgroupDeviceLimits>,
) -> CgroupLimits {
    let mut l = CgroupLimits::default();
    devices.clear();
    for (h, slot) in cg.members.iter_mut().enumerate() {
        let Some(m) = slot else { continue };
        if now >= m.limits_retry_at {
            m.limits_absent = 0;
            m.limits_retry_at = now + REOPEN_ABSENT_EVERY;
        }
        let absent_before = m.limits_absent;
        let wanted = |i: usize| {
            LIMIT_FILES[i].controller & hierarchies[h].bits != 0 && absent_before & (1 << i) == 0
        };
        if !(0..LIMIT_FILES.len()).any(wanted) {
            continue;
        }
        let Some(dir) = roots[h].as_ref().and_then(|r| open_dir(r, path).ok()) else {
            continue;
        };
        let mut absent = 0;
        for (i, spec) in LIMIT_FILES.iter().enumerate() {
            if !wanted(i) {
                continue;
            }
            match read_once(&dir, spec.name, buf) {
                // An unparsable limit is left absent: limits are not worth a warning each.
                Ok(n) => {
                    let _ = match spec.parse {
                        LimitParse::Cgroup(parse) => parse(&buf[..n], &mut l),
                        LimitParse::Devices(parse) => parse(&buf[..n], devices),
                    };
                }
                Err(e) if e.kind() == io::ErrorKind::NotFound => absent |= 1 << i,
                Err(_) => {}
            }
        }
        m.limits_absent |= absent;
    }
    l
}

/// The error of a file that was removed (with its cgroup, or with its controller): the
/// kernel answers ENODEV on a descriptor of a removed file, ENOENT on a name gone.
fn vanished(e: &io::Error) -> bool {
    matches!(
        e.raw_os_error(),
        Some(nix::libc::ENODEV) | Some(nix::libc::ENOENT)
    )
}

const DIR_FLAGS: OFlag = OFlag::O_RDONLY
    .union(OFlag::O_DIRECTORY)
    .union(OFlag::O_CLOEXEC);

/// The cgroup directory at `path` below a hierarchy's `root`, opened without following any
/// symbolic link and without leaving the hierarchy: with openat2(2) where the kernel has it
/// (5.6), else one component at a time with `O_NOFOLLOW`.
fn open_dir(root: &Dir, path: &str) -> nix::Result<Dir> {
    if path.is_empty() {
        return Dir::openat(root, ".", DIR_FLAGS, Mode::empty());
    }
    let how = OpenHow::new()
        .flags(DIR_FLAGS | OFlag::O_NOFOLLOW)
        .resolve(ResolveFlag::RESOLVE_NO_SYMLINKS | ResolveFlag::RESOLVE_BENEATH);
    match openat2(root, path, how) {
        Ok(fd) => Dir::from_fd(fd),
        // No openat2 (an old kernel, a seccomp filter).
        Err(Errno::ENOSYS) | Err(Errno::EPERM) => {
            let mut dir: Option<Dir> = None;
            for part in path.split('/') {
                let next = match &dir {
                    Some(d) => open_child_dir(d, part)?,
                    None => open_child_dir(root, part)?,
                };
                dir = Some(next);
            }
            dir.ok_or(Errno::ENOENT)
        }
        Err(e) => Err(e),
    }
}

/// The directory `name` in `dir`, never through a link.
fn open_child_dir(dir: &Dir, name: &str) -> nix::Result<Dir> {
    Dir::openat(dir, name, DIR_FLAGS | OFlag::O_NOFOLLOW, Mode::empty())
}

/// Open `name` in `dir`, read it whole, close it.
fn read_once(dir: &Dir, name: &CStr, buf: &mut Vec<u8>) -> io::Result<usize> {
    let fd = openat(
        dir,
        name,
        OFlag::O_RDONLY | OFlag::O_NOFOLLOW | OFlag::O_CLOEXEC,
        Mode::empty(),
    )
    .map_err(io::Error::from)?;
    pread_whole(&File::from(fd), buf)
}

/// Read a cgroup file whole from offset 0. The kernel makes a cgroup file's text at once
/// and hands out all of it that fits: a read that did not fill the buffer has reached the
/// end, and the read that would return 0 is saved.
fn pread_whole(f: &File, buf: &mut Vec<u8>) -> io::Result<usize> {
    let mut len = 0;
    loop {
        if buf.len() - len < 4096 {
            buf.resize((buf.len() * 2).max(16 * 1024), 0);
        }
        let room = buf.len() - len;
        match f.read_at(&mut buf[len..], len as u64) {
            Ok(0) => return Ok(len),
            Ok(n) => {
                len += n;
                if n < room {
                    return Ok(len);
                }
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
}

/// Raise the soft limit of open files towards the hard one (a reader keeps about ten
/// files per cgroup open), and the hard one too where allowed (CAP_SYS_RESOURCE) up to
/// the kernel's `fs.nr_open`. `false` when it could not be raised further.
fn raise_open_files_limit() -> bool {
    use nix::sys::resource::{getrlimit, setrlimit, Resource};
    // Once it could not be raised, it will not be: do not ask at every file.
    static AT_MOST: AtomicBool = AtomicBool::new(false);
    if AT_MOST.load(Ordering::Relaxed) {
        return false;
    }
    let Ok((soft, hard)) = getrlimit(Resource::RLIMIT_NOFILE) else {
        return false;
    };
    let ceiling = |limit: u64| {
        let limit = usize::try_from(limit).unwrap_or(usize::MAX);
        FD_CEILING.store(limit.saturating_sub(FD_RESERVE), Ordering::Relaxed);
    };
    ceiling(soft);
    if soft < hard {
        let raised = setrlimit(Resource::RLIMIT_NOFILE, hard, hard).is_ok();
        if raised {
            ceiling(hard);
        }
        return raised;
    }
    let nr_open = std::fs::read_to_string("/proc/sys/fs/nr_open")
        .ok()
        .and_then(|s| s.trim().parse::<u64>().ok())
        .unwrap_or(1 << 20);
    let want = hard.saturating_mul(2).min(nr_open);
    let raised = want > hard && setrlimit(Resource::RLIMIT_NOFILE, want, want).is_ok();
    if raised {
        ceiling(want);
    } else {
        AT_MOST.store(true, Ordering::Relaxed);
    }
    raised
}
