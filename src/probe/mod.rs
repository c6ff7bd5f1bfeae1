//! Reading one `Sample` from a /proc tree (and the /sys facts sar takes from there).
//!
//! Reading and parsing are kept apart: each submodule parses one /proc file from a byte
//! slice, so captured fixtures test parsing without touching the file system, and this
//! module owns the only I/O — one reused buffer, paths built once. The roots are
//! parameters, so tests and containers can point at another tree.
//!
//! `/proc/stat` and `/proc/uptime` are required: without them there is no sample. Every
//! other source is optional: when it is missing its group stays empty, and when it cannot
//! be parsed the group stays empty and a warning says which file and why. `probe` knows
//! nothing of rates or of the store.

pub mod cgroup;
mod cpuinfo;
mod diskstats;
mod fchost;
mod host;
mod interrupts;
mod ktables;
mod loadavg;
mod locks;
mod meminfo;
mod mounts;
mod netdev;
mod netproto;
mod nfs;
mod pressure;
mod procs;
mod serial;
mod stat;
mod sysfs;
mod uptime;
mod vmstat;

pub use cpuinfo::parse_cpuinfo;
pub use diskstats::parse_diskstats;
pub use host::read_host_facts;
pub use interrupts::parse_interrupts;
pub use ktables::parse_numbers;
pub use loadavg::parse_loadavg;
pub use locks::flock_held;
pub use meminfo::parse_meminfo;
pub use mounts::{parse_mounts, Mount};
pub use netdev::parse_net_dev;
pub use netproto::{parse_snmp, parse_snmp6, parse_sockstat, parse_sockstat6, parse_softnet};
pub use nfs::{parse_nfs, parse_nfsd};
pub use pressure::parse_pressure;
pub use procs::{logged_in_users, parse_passwd};
pub use serial::parse_serial;
pub use stat::parse_stat;
pub use uptime::parse_uptime;
pub use vmstat::parse_vmstat;

use crate::sample::{HostFacts, Sample, Swap};
use std::fs::File;
use std::io;
use std::path::{Path, PathBuf};

/// Why a sample could not be taken.
#[derive(Debug, thiserror::Error)]
pub enum ProbeError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error("cannot parse {path}: {reason}")]
    Parse { path: PathBuf, reason: String },
}

/// A problem with one /proc file's text, before the path is known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError(pub String);

impl ParseError {
    pub(crate) fn new(reason: impl Into<String>) -> Self {
        ParseError(reason.into())
    }
}

impl From<procfs_core::ProcError> for ParseError {
    fn from(e: procfs_core::ProcError) -> Self {
        ParseError(e.to_string())
    }
}

/// The /proc files a sample reads, declared once: each file's path under the /proc root,
/// how the kernel hands it out (`Shape`), the group of the `Sample` it fills (its name in
/// `sample::GROUPS`), and, for the optional files that cost the most, the `rsadc --skip`
/// name that leaves them out. `Source` names a file; the table is `FILES`, in its order.
macro_rules! proc_files {
    ($($source:ident: $path:literal, $shape:ident, $group:literal $(, skip $skip:literal)?;)*) => {
        /// A /proc file one sample reads (a row of `FILES`).
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        enum Source {
            $($source,)*
        }

        const FILES: &[ProcFileSpec] = &[
            $(ProcFileSpec {
                path: $path,
                shape: Shape::$shape,
                group: $group,
                skip: proc_files!(@skip $($skip)?),
            },)*
        ];
    };
    (@skip) => { None };
    (@skip $skip:literal) => { Some($skip) };
}

proc_files! {
    Uptime: "uptime", OnePiece, "time";
    Stat: "stat", OnePiece, "cpu";
    Loadavg: "loadavg", OnePiece, "load";
    Meminfo: "meminfo", OnePiece, "memory";
    Vmstat: "vmstat", ShortRecords, "paging";
    Diskstats: "diskstats", ShortRecords, "disk";
    NetDev: "net/dev", ShortRecords, "net";
    PsiCpu: "pressure/cpu", OnePiece, "pressure";
    PsiIo: "pressure/io", OnePiece, "pressure";
    PsiMemory: "pressure/memory", OnePiece, "pressure";
    DentryState: "sys/fs/dentry-state", OnePiece, "ktables", skip "ktables";
    FileNr: "sys/fs/file-nr", OnePiece, "ktables", skip "ktables";
    InodeState: "sys/fs/inode-state", OnePiece, "ktables", skip "ktables";
    PtyNr: "sys/kernel/pty/nr", OnePiece, "ktables", skip "ktables";
    Interrupts: "interrupts", Unknown, "interrupts", skip "interrupts";
    Mounts: "self/mounts", Unknown, "filesystems", skip "filesystems";
    Cpuinfo: "cpuinfo", Unknown, "cpufreq", skip "cpufreq";
    RpcNfs: "net/rpc/nfs", OnePiece, "nfs";
    RpcNfsd: "net/rpc/nfsd", OnePiece, "nfsd";
    TtySerial: "tty/driver/serial", OnePiece, "serial";
    NetSnmp: "net/snmp", OnePiece, "snmp", skip "snmp";
    NetSockstat: "net/sockstat", OnePiece, "sockstat";
    NetSnmp6: "net/snmp6", OnePiece, "snmp6", skip "snmp";
    NetSockstat6: "net/sockstat6", OnePiece, "sockstat6";
    NetSoftnet: "net/softnet_stat", ShortRecords, "softnet";
}

/// A row of `FILES`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct ProcFileSpec {
    /// Under the /proc root.
    path: &'static str,
    shape: Shape,
    /// The group of `sample::GROUPS` it fills (with others, for some groups).
    group: &'static str,
    /// The `--skip` name that leaves it out; `None`: always read.
    skip: Option<&'static str>,
}

/// How the kernel hands a file out, which says when a read that returned less than was
/// asked for has reached the end (so the read that returns 0 can be saved).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    /// The end is any short read: single_open files (uptime, stat, loadavg, meminfo,
    /// pressure, snmp, snmp6, sockstat{,6}, rpc/nfs{,d}, tty/driver/serial) and sysctl
    /// files make the whole text at once, and a read gets all of it that fits (so does a
    /// regular file's).
    OnePiece,
    /// seq_files of one short line per item (a counter, a disk, an interface, a CPU):
    /// the end is a read of at most `SHORT_RECORDS_END` bytes. A seq_file read fills the
    /// kernel's buffer (a page at least) with whole records and stops at the first one that
    /// does not fit: a read that stopped early for room returned more than a page minus one
    /// record, and these files' records are under 512 bytes.
    ShortRecords,
    /// Records that can be long (mount options, a CPU's flags, a column per CPU): never;
    /// read until a read returns 0.
    Unknown,
}

const SHORT_RECORDS_END: usize = 4096 - 512;

/// Samples between two attempts to open a file that was absent (NFS statistics appear
/// when the module loads): an absent file otherwise costs a failed open per sample.
const REOPEN_ABSENT_EVERY: u32 = 60;

/// One /proc file, kept open between samples and re-read from offset 0 with `pread`: the
/// kernel regenerates the text at every read from the start, and this saves an open and a
/// close per file per sample.
#[derive(Debug)]
struct ProcFile {
    path: PathBuf,
    shape: Shape,
    file: Option<(File, Shape)>,
    /// Samples to wait before trying again to open a file found absent.
    absent_for: u32,
    /// With `Probe::reusing_unchanged`: the text whose parse is in the caller's sample,
    /// when `parsed_ok` (not when it was not parsed yet, its parse failed or the file
    /// could not be read since).
    parsed: Vec<u8>,
    parsed_ok: bool,
}

impl ProcFile {
    fn new(proc_root: &Path, spec: &ProcFileSpec) -> Self {
        ProcFile {
            path: proc_root.join(spec.path),
            shape: spec.shape,
            file: None,
            absent_for: 0,
            parsed: Vec::new(),
            parsed_ok: false,
        }
    }

    /// Read the whole file into `buf`, reusing its allocation.
    fn read_into(&mut self, buf: &mut ReadBuf) -> io::Result<()> {
        let read = self.read_whole(buf);
        if read.is_err() {
            // Whatever comes next is a new text.
            self.parsed_ok = false;
        }
        read
    }

    fn read_whole(&mut self, buf: &mut ReadBuf) -> io::Result<()> {
        if let Some((f, shape)) = &self.file {
            if pread_all(f, *shape, buf).is_ok() {
                return Ok(());
            }
        }
        if self.absent_for > 0 {
            self.absent_for -= 1;
            return Err(io::ErrorKind::NotFound.into());
        }
        // Not open yet, or the open file went bad: open afresh.
        self.file = None;
        let f = match File::open(&self.path) {
            Ok(f) => f,
            Err(e) => {
                if e.kind() == io::ErrorKind::NotFound {
                    self.absent_for = REOPEN_ABSENT_EVERY - 1;
                }
                return Err(e);
            }
        };
        // A regular file with a size (a captured or synthetic tree) is always one piece;
        // /proc's files say 0.
        let shape = match f.metadata() {
            Ok(m) if m.is_file() && m.len() > 0 => Shape::OnePiece,
            _ => self.shape,
        };
        pread_all(&f, shape, buf)?;
        self.file = Some((f, shape));
        Ok(())
    }
}

/// A read buffer that keeps its bytes initialised, so that re-reading a file does not
/// clear or zero anything: only `len` moves.
#[derive(Debug, Default)]
struct ReadBuf {
    bytes: Vec<u8>,
    len: usize,
}

impl ReadBuf {
    fn text(&self) -> &[u8] {
        &self.bytes[..self.len]
    }
}

fn pread_all(f: &File, shape: Shape, buf: &mut ReadBuf) -> io::Result<()> {
    use std::os::unix::fs::FileExt;
    buf.len = 0;
    loop {
        if buf.bytes.len() - buf.len < 4096 {
            let grown = (buf.bytes.len() * 2).max(16 * 1024);
            buf.bytes.resize(grown, 0);
        }
        let room = buf.bytes.len() - buf.len;
        match f.read_at(&mut buf.bytes[buf.len..], buf.len as u64) {
            Ok(0) => return Ok(()),
            Ok(n) => {
                buf.len += n;
                let end = match shape {
                    Shape::OnePiece => n < room,
                    Shape::ShortRecords => n < room && n <= SHORT_RECORDS_END,
                    Shape::Unknown => false,
                };
                if end {
                    return Ok(());
                }
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
}

/// Takes samples of one machine. Keep one `Probe` for the life of a collector: it reuses
/// its read buffer and caches the /sys facts of devices it has already seen.
#[derive(Debug)]
pub struct Probe {
    proc_root: PathBuf,
    files: Vec<ProcFile>,
    sysfs: sysfs::SysFacts,
    /// `SYS/class/fc_host` (`-n FC`), its path made once.
    fc_host_dir: PathBuf,
    host: HostFacts,
    buf: ReadBuf,
    warnings: Vec<String>,
    clock: fn() -> i64,
    skip: Skip,
    /// Leave the parts of the caller's sample whose file reads the same bytes as at the
    /// last sample (`reusing_unchanged`).
    reuse: bool,
    /// The mounts `-F` looks at, each with its mount point as a C string for statvfs(2),
    /// kept while /proc/self/mounts does not change.
    mounts: Option<Vec<(Mount, std::ffi::CString)>>,
}

/// Optional groups a collector leaves out (`rsadc --skip`): the files of `FILES` whose
/// `skip` name was given. What each costs:
/// - `ktables`: /proc/sys/fs/* and pty/nr (`-v`), four small reads;
/// - `interrupts`: /proc/interrupts (`-I`): the kernel prints it slowly, and it grows
///   with CPUs × lines;
/// - `filesystems`: statvfs of each mounted disk (`-F`);
/// - `cpufreq`: /proc/cpuinfo (`-m CPU`), growing with CPUs;
/// - `snmp`: /proc/net/snmp and snmp6 (`-n IP EIP ICMP EICMP TCP ETCP UDP` and their
///   IPv6 twins): the kernel folds every per-CPU counter of those files at each read,
///   about 30 us per sample on 2 CPUs, more than the rest of the network groups together.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Skip {
    /// Bit i: `FILES[i]` is left out.
    files: u64,
}

const _: () = assert!(FILES.len() <= 64, "Skip holds a bit per file");

impl Skip {
    /// What rsadc leaves out unless asked (`--with`), as sadc does without `-S INT` and
    /// `-S POWER`: on this project's 2-CPU VM /proc/interrupts alone costs about 55 us of
    /// kernel time per read (more than /proc/stat, diskstats and meminfo together) and
    /// grows with CPUs × lines; /proc/cpuinfo about 20 us, growing with CPUs
    /// (bench/kernrep-cost.sh).
    pub fn collector_default() -> Skip {
        let mut s = Skip::default();
        s.set("interrupts", true);
        s.set("cpufreq", true);
        s
    }

    /// The names `--skip` takes, in `FILES`' order.
    pub fn names() -> Vec<&'static str> {
        let mut names: Vec<&'static str> = Vec::new();
        for n in FILES.iter().filter_map(|f| f.skip) {
            if !names.contains(&n) {
                names.push(n);
            }
        }
        names
    }

    /// Leave out the group called `name` (one of `names`).
    pub fn add(&mut self, name: &str) -> Result<(), String> {
        self.known(name)?;
        self.set(name, true);
        Ok(())
    }

    /// Read the group called `name` after all.
    pub fn remove(&mut self, name: &str) -> Result<(), String> {
        self.known(name)?;
        self.set(name, false);
        Ok(())
    }

    fn known(&self, name: &str) -> Result<(), String> {
        if FILES.iter().any(|f| f.skip == Some(name)) {
            Ok(())
        } else {
            Err(format!(
                "no optional group {name:?}: the groups are {}",
                Self::names().join(", ")
            ))
        }
    }

    fn set(&mut self, name: &str, on: bool) {
        for (i, f) in FILES.iter().enumerate() {
            if f.skip == Some(name) {
                if on {
                    self.files |= 1 << i;
                } else {
                    self.files &= !(1 << i);
                }
            }
        }
    }

    /// Whether `source` is left out.
    fn leaves_out(&self, source: Source) -> bool {
        self.files & (1 << source as usize) != 0
    }
}

/// Nanoseconds since the Unix epoch, from the system clock.
pub fn system_clock_ns() -> i64 {
    chrono::Utc::now().timestamp_nanos_opt().unwrap_or(i64::MAX)
}

impl Probe {
    /// A probe over the real `/proc` and `/sys`.
    pub fn system() -> Result<Self, ProbeError> {
        Self::new(Path::new("/proc"), Path::new("/sys"))
    }

    /// A probe over the given roots. Reads the host facts once.
    pub fn new(proc_root: &Path, sys_root: &Path) -> Result<Self, ProbeError> {
        let mut probe = Probe {
            proc_root: proc_root.to_path_buf(),
            files: FILES.iter().map(|f| ProcFile::new(proc_root, f)).collect(),
            sysfs: sysfs::SysFacts::new(sys_root),
            fc_host_dir: sys_root.join("class/fc_host"),
            host: HostFacts::default(),
            buf: ReadBuf::default(),
            warnings: Vec::new(),
            clock: system_clock_ns,
            skip: Skip::default(),
            reuse: false,
            mounts: None,
        };
        probe.refresh_host()?;
        Ok(probe)
    }

    /// Use another wall clock (tests and reproducible recordings).
    pub fn with_clock(mut self, clock: fn() -> i64) -> Self {
        self.clock = clock;
        self
    }

    /// Leave these optional groups out of every sample.
    pub fn with_skip(mut self, skip: Skip) -> Self {
        self.skip = skip;
        self
    }

    /// Parse a file again only when its text changed since the last sample: the part of
    /// the sample it fills is left as the last `read` made it. On an idle machine most of
    /// the network files (net/dev, snmp, snmp6, sockstat) and the serial lines
    /// read the same from one second to the next. The caller must give every `read` the
    /// sample the previous `read` filled, changed in nothing but `time` (the collector's
    /// loop). The files whose parts other files also feed (stat, meminfo, vmstat,
    /// softnet_stat's CPU numbers), those that change at every read (uptime, interrupts,
    /// cpuinfo) and the four tiny `-v` files are parsed every time.
    pub fn reusing_unchanged(mut self) -> Self {
        self.reuse = true;
        self
    }

    /// Leave out /proc/net/snmp and /proc/net/snmp6 (their groups stay `None`): the same as `Skip::snmp`. The kernel
    /// folds every per-CPU counter of those files at each read: on a 2-CPU machine that is
    /// about 30 µs per sample, more than the rest of the network groups together, and it
    /// grows with the number of CPUs.
    pub fn without_snmp(mut self) -> Self {
        self.skip.set("snmp", true);
        self
    }

    /// The facts of the machine, as of the last `refresh_host`.
    pub fn host(&self) -> &HostFacts {
        &self.host
    }

    /// Re-read the host facts (hostname and boot id can change under a long-running
    /// collector).
    pub fn refresh_host(&mut self) -> Result<(), ProbeError> {
        self.host = read_host_facts(&self.proc_root, self.sysfs.root())?;
        // /proc/stat may show more CPUs than /sys (or /sys may be absent): trust the larger.
        if let Ok(()) = self.files[Source::Stat as usize].read_into(&mut self.buf) {
            let mut cpu = crate::sample::CpuTimes::default();
            let mut kernel = crate::sample::KernelCounters::default();
            if parse_stat(self.buf.text(), &mut cpu, &mut kernel).is_ok() {
                let seen = u32::try_from(cpu.per_cpu.len()).unwrap_or(u32::MAX);
                self.host.cpu_count = self.host.cpu_count.max(seen).max(1);
            }
        }
        Ok(())
    }

    /// Problems met in the last sample with optional sources (one line each).
    pub fn warnings(&self) -> &[String] {
        &self.warnings
    }

    /// Take a new sample.
    pub fn sample(&mut self) -> Result<Sample, ProbeError> {
        let mut s = Sample::default();
        self.read(&mut s)?;
        Ok(s)
    }

    /// Take a sample into `out`, reusing its vectors and strings.
    pub fn read(&mut self, out: &mut Sample) -> Result<(), ProbeError> {
        self.warnings.clear();
        out.time.wall_ns = (self.clock)();

        self.required(Source::Uptime)?;
        out.time.uptime_cs =
            parse_uptime(self.buf.text()).map_err(|e| self.parse_error(Source::Uptime, e))?;
        self.sysfs.start_sample(out.time.uptime_cs);

        self.required(Source::Stat)?;
        parse_stat(self.buf.text(), &mut out.cpu, &mut out.kernel)
            .map_err(|e| self.parse_error(Source::Stat, e))?;

        self.optional_into(Source::Loadavg, &mut out.load, parse_loadavg);
        let memory = self.optional(Source::Meminfo, parse_meminfo);
        let vm = self.optional(Source::Vmstat, parse_vmstat);
        out.memory = memory.map(|(m, _)| m);
        out.swap = memory.map(|(_, swap)| match vm {
            Some(v) => Swap {
                pswpin: v.pswpin,
                pswpout: v.pswpout,
                ..swap
            },
            None => swap,
        });
        out.paging = vm.map(|v| v.paging);

        let loaded = self.load(Source::Diskstats);
        self.refill(Source::Diskstats, loaded, &mut out.disks, parse_diskstats);
        self.sysfs.classify_disks(&mut out.disks);

        let loaded = self.load(Source::NetDev);
        self.refill(Source::NetDev, loaded, &mut out.net, parse_net_dev);
        self.sysfs.link_facts(&mut out.net);

        self.optional_into(Source::PsiCpu, &mut out.pressure.cpu, parse_pressure);
        self.optional_into(Source::PsiIo, &mut out.pressure.io, parse_pressure);
        self.optional_into(Source::PsiMemory, &mut out.pressure.memory, parse_pressure);

        // A file left out (`Skip`) does not load.
        self.read_ktables(out);
        out.cpu_freq.clear();
        if self.load(Source::Cpuinfo) {
            if let Err(e) = parse_cpuinfo(self.buf.text(), &mut out.cpu_freq) {
                self.warn(Source::Cpuinfo, &e);
                out.cpu_freq.clear();
            }
        }
        if self.load(Source::Interrupts) {
            if let Err(e) = parse_interrupts(self.buf.text(), &mut out.interrupts) {
                self.warn(Source::Interrupts, &e);
                out.interrupts = Default::default();
            }
        } else {
            out.interrupts = Default::default();
        }
        self.read_filesystems(out);
        self.optional_into(Source::RpcNfs, &mut out.nfs, parse_nfs);
        self.optional_into(Source::RpcNfsd, &mut out.nfsd, parse_nfsd);
        // Readable by root only: without it `sar -y` has nothing either, and that is no
        // reason for a warning every sample.
        let loaded = self.files[Source::TtySerial as usize]
            .read_into(&mut self.buf)
            .is_ok();
        self.refill(Source::TtySerial, loaded, &mut out.serial, parse_serial);
        self.optional_into(Source::NetSnmp, &mut out.snmp, parse_snmp);
        self.optional_into(Source::NetSnmp6, &mut out.snmp6, parse_snmp6);
        self.optional_into(Source::NetSockstat, &mut out.sockets, parse_sockstat);
        self.optional_into(Source::NetSockstat6, &mut out.sockets6, parse_sockstat6);
        if self.load(Source::NetSoftnet) {
            let online = out.cpu.online().map(|(n, _)| n);
            if let Err(e) = parse_softnet(self.buf.text(), online, &mut out.softnet) {
                self.warn(Source::NetSoftnet, &e);
                out.softnet.clear();
            }
        } else {
            out.softnet.clear();
        }
        fchost::read_fc_hosts(&self.fc_host_dir, &mut out.fc_hosts, &mut self.warnings);
        Ok(())
    }

    /// What one sample reads with the groups this probe keeps, for a comparison with a
    /// program that only reads them (`bench/collector-floor.sh`): each /proc file as its
    /// path, each mount point `-F` looks at as `statvfs PATH`, and the link facts read
    /// again every `REFRESH` samples as `every REFRESH DIR FILE` (FILE opened relative to
    /// DIR, and closed). The kinds of block devices are left out: they are read once per
    /// device. Call it after a first `read`, which finds the mounts and the interfaces.
    pub fn per_sample_sources(&self) -> Vec<String> {
        let mut out: Vec<String> = FILES
            .iter()
            .enumerate()
            // The mounts are read again only when the kernel says they changed.
            .filter(|&(i, _)| i != Source::Mounts as usize && self.skip.files & (1 << i) == 0)
            .map(|(i, _)| self.files[i].path.display().to_string())
            .collect();
        if !self.skip.leaves_out(Source::Mounts) {
            for (m, _) in self.mounts.iter().flatten() {
                out.push(format!("statvfs {}", m.mountpoint));
            }
        }
        let (dir, files) = self.sysfs.refreshed_link_files();
        for f in files {
            out.push(format!("every {} {} {f}", sysfs::REFRESH, dir.display()));
        }
        out
    }

    /// `sar -v`'s four files; the group is `None` only when none of them can be read.
    fn read_ktables(&mut self, out: &mut Sample) {
        let dentry = self.optional(Source::DentryState, parse_numbers::<2>);
        let files = self.optional(Source::FileNr, parse_numbers::<3>);
        let inodes = self.optional(Source::InodeState, parse_numbers::<2>);
        let ptys = self.optional(Source::PtyNr, parse_numbers::<1>);
        out.ktables = (dentry.is_some() || files.is_some() || inodes.is_some() || ptys.is_some())
            .then(|| crate::sample::KernelTables {
                dentries: dentry.map(|d| d[0]),
                dentry_unused: dentry.map(|d| d[1]),
                files_allocated: files.map(|f| f[0]),
                files_free: files.map(|f| f[1]),
                files_max: files.map(|f| f[2]),
                inodes: inodes.map(|i| i[0]),
                inodes_free: inodes.map(|i| i[1]),
                ptys: ptys.map(|p| p[0]),
            });
    }

    /// `sar -F`: statvfs(3) of the mounts sadc keeps. Only over the real /proc: the mount
    /// points of another tree (a fixture, a host's /proc mounted in a container) are not
    /// paths of this file system, and statvfs there would report the wrong disks.
    // statvfs's field types differ by platform (u32 on some 32-bit ones).
    #[allow(clippy::useless_conversion)]
    fn read_filesystems(&mut self, out: &mut Sample) {
        if self.skip.leaves_out(Source::Mounts) || self.proc_root != Path::new("/proc") {
            out.filesystems.clear();
            return;
        }
        // The mount list is read again only when the kernel says it changed: poll(2) on an
        // open /proc/self/mounts reports POLLPRI after a mount or unmount.
        if self.mounts.is_none() || self.mounts_changed() {
            self.mounts = self.load(Source::Mounts).then(|| {
                parse_mounts(self.buf.text())
                    .into_iter()
                    // A mount point with a NUL byte cannot be named to statvfs.
                    .filter_map(|m| {
                        let c = std::ffi::CString::new(m.mountpoint.as_bytes()).ok()?;
                        Some((m, c))
                    })
                    .collect()
            });
        }
        let Some(mounts) = &self.mounts else {
            out.filesystems.clear();
            return;
        };
        // Entries of the previous sample are refilled in place: their names are the same
        // strings sample after sample, so nothing is allocated while the mounts stay.
        let mut n = 0;
        for (m, path) in mounts {
            let Ok(st) = statvfs(path) else {
                continue;
            };
            let frsize = u64::from(st.f_frsize);
            let size = u64::from(st.f_blocks).saturating_mul(frsize);
            if size == 0 {
                continue;
            }
            if out.filesystems.len() <= n {
                out.filesystems.push(crate::sample::FsUsage::default());
            }
            let fs = &mut out.filesystems[n];
            n += 1;
            if fs.name != m.device {
                fs.name.clone_from(&m.device);
            }
            if fs.mountpoint != m.mountpoint {
                fs.mountpoint.clone_from(&m.mountpoint);
            }
            if fs.fstype != m.fstype {
                fs.fstype.clone_from(&m.fstype);
            }
            fs.size_bytes = size;
            fs.free_bytes = u64::from(st.f_bfree).saturating_mul(frsize);
            fs.avail_bytes = u64::from(st.f_bavail).saturating_mul(frsize);
            fs.inodes = u64::from(st.f_files);
            fs.inodes_free = u64::from(st.f_ffree);
            fs.readonly = Some(u64::from(st.f_flag & nix::libc::ST_RDONLY != 0));
        }
        out.filesystems.truncate(n);
    }

    /// Whether /proc/self/mounts changed since it was last read (or cannot tell).
    fn mounts_changed(&self) -> bool {
        use nix::poll::{poll, PollFd, PollFlags, PollTimeout};
        use std::os::fd::AsFd;
        let Some((f, _)) = &self.files[Source::Mounts as usize].file else {
            return true;
        };
        let mut fds = [PollFd::new(f.as_fd(), PollFlags::POLLPRI)];
        match poll(&mut fds, PollTimeout::ZERO) {
            Ok(0) => false,
            Ok(_) => fds[0]
                .revents()
                .is_none_or(|r| r.intersects(PollFlags::POLLPRI | PollFlags::POLLERR)),
            Err(_) => true,
        }
    }

    fn path(&self, source: Source) -> &Path {
        &self.files[source as usize].path
    }

    fn required(&mut self, source: Source) -> Result<(), ProbeError> {
        let file = &mut self.files[source as usize];
        file.read_into(&mut self.buf).map_err(|e| ProbeError::Read {
            path: file.path.clone(),
            source: e,
        })
    }

    fn parse_error(&self, source: Source, e: ParseError) -> ProbeError {
        ProbeError::Parse {
            path: self.path(source).to_path_buf(),
            reason: e.0,
        }
    }

    /// Read an optional source into the buffer; `false` when it is left out (`Skip`) or
    /// cannot be read. A file that does not exist is normal (no PSI, an old kernel); any
    /// other failure is worth a warning.
    fn load(&mut self, source: Source) -> bool {
        if self.skip.leaves_out(source) {
            return false;
        }
        let file = &mut self.files[source as usize];
        match file.read_into(&mut self.buf) {
            Ok(()) => true,
            Err(e) if e.kind() == io::ErrorKind::NotFound => false,
            Err(e) => {
                let line = format!("cannot read {}: {e}", file.path.display());
                self.warnings.push(line);
                false
            }
        }
    }

    /// With `reusing_unchanged`, after a `load` of `source`: whether its text is the one
    /// whose parse the caller's sample holds.
    fn unchanged(&mut self, source: Source) -> bool {
        let file = &mut self.files[source as usize];
        let same = self.reuse && file.parsed_ok && file.parsed == self.buf.text();
        if !same {
            file.parsed_ok = false;
        }
        same
    }

    /// The text just loaded for `source` is now parsed into the caller's sample.
    fn parsed(&mut self, source: Source) {
        if self.reuse {
            let file = &mut self.files[source as usize];
            file.parsed.clear();
            file.parsed.extend_from_slice(self.buf.text());
            file.parsed_ok = true;
        }
    }

    fn optional<T>(
        &mut self,
        source: Source,
        parse: impl FnOnce(&[u8]) -> Result<T, ParseError>,
    ) -> Option<T> {
        if !self.load(source) {
            return None;
        }
        self.parse_loaded(source, parse)
    }

    /// Parse the text just loaded for `source`; a failure is a warning and `None`.
    fn parse_loaded<T>(
        &mut self,
        source: Source,
        parse: impl FnOnce(&[u8]) -> Result<T, ParseError>,
    ) -> Option<T> {
        let parsed = parse(self.buf.text());
        parsed.map_err(|e| self.warn(source, &e)).ok()
    }

    /// Refill `items` from `source` (`loaded`: its text is in the buffer): left as they
    /// are when the text has not changed (`reusing_unchanged`), emptied when the file
    /// cannot be read or parsed.
    fn refill<T>(
        &mut self,
        source: Source,
        loaded: bool,
        items: &mut Vec<T>,
        parse: impl FnOnce(&[u8], &mut Vec<T>) -> Result<(), ParseError>,
    ) {
        if !loaded {
            items.clear();
        } else if !self.unchanged(source) {
            match parse(self.buf.text(), items) {
                Ok(()) => self.parsed(source),
                Err(e) => {
                    self.warn(source, &e);
                    items.clear();
                }
            }
        }
    }

    /// `optional` into `slot`, which is left as it is when the file's text has not changed
    /// (`reusing_unchanged`).
    fn optional_into<T>(
        &mut self,
        source: Source,
        slot: &mut Option<T>,
        parse: impl FnOnce(&[u8]) -> Result<T, ParseError>,
    ) {
        if !self.load(source) {
            *slot = None;
        } else if !self.unchanged(source) {
            *slot = self.parse_loaded(source, parse);
            if slot.is_some() {
                self.parsed(source);
            }
        }
    }

    fn warn(&mut self, source: Source, e: &ParseError) {
        let line = format!("cannot parse {}: {}", self.path(source).display(), e.0);
        self.warnings.push(line);
    }
}

/// statvfs(2) of a path already in C form: nix's `statvfs` copies the path into a new
/// C string at every call.
fn statvfs(path: &std::ffi::CStr) -> io::Result<nix::libc::statvfs> {
    let mut st = std::mem::MaybeUninit::<nix::libc::statvfs>::uninit();
    // SAFETY: `path` is NUL-terminated and `st` is a valid place for the kernel to fill;
    // it is read only when the call succeeded.
    let rc = unsafe { nix::libc::statvfs(path.as_ptr(), st.as_mut_ptr()) };
    if rc == 0 {
        // SAFETY: statvfs returned 0, so it filled `st`.
        Ok(unsafe { st.assume_init() })
    } else {
        Err(io::Error::last_os_error())
    }
}

/// The lines of `text`, without their newlines.
pub(crate) fn lines(text: &[u8]) -> impl Iterator<Item = &[u8]> {
    let mut rest = text;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let (line, next) = match memchr::memchr(b'\n', rest) {
            Some(i) => (&rest[..i], &rest[i + 1..]),
            None => (rest, &rest[rest.len()..]),
        };
        rest = next;
        Some(line)
    })
}

/// Split `text` into whitespace-separated fields without allocating.
pub(crate) fn fields(line: &[u8]) -> Fields<'_> {
    Fields(line)
}

/// The whitespace-separated fields of a line, found in one pass over its bytes.
pub(crate) struct Fields<'a>(&'a [u8]);

impl<'a> Fields<'a> {
    /// What is left of the line.
    pub(crate) fn rest(&self) -> &'a [u8] {
        self.0
    }
}

impl<'a> Iterator for Fields<'a> {
    type Item = &'a [u8];

    #[inline]
    fn next(&mut self) -> Option<&'a [u8]> {
        let (s, start) = skip_space(&mut self.0)?;
        let mut i = start;
        while i < s.len() && !s[i].is_ascii_whitespace() {
            i += 1;
        }
        self.0 = &s[i..];
        Some(&s[start..i])
    }
}

/// The rest of a line and where its next field starts, past the whitespace before it;
/// `None` (the rest consumed) when only whitespace is left.
#[inline]
fn skip_space<'a>(rest: &mut &'a [u8]) -> Option<(&'a [u8], usize)> {
    let s = *rest;
    let i = s
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(s.len());
    if i == s.len() {
        *rest = &s[i..];
        return None;
    }
    Some((s, i))
}

/// The whitespace-separated fields of a line read as unsigned decimal numbers, each found
/// and converted in one pass over its bytes (the hot loop of the long per-device files).
pub(crate) fn numbers(line: &[u8]) -> Numbers<'_> {
    Numbers(line)
}

/// See `numbers`.
pub(crate) struct Numbers<'a>(&'a [u8]);

impl Iterator for Numbers<'_> {
    type Item = Result<u64, ParseError>;

    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        let (s, start) = skip_space(&mut self.0)?;
        // The leading digits of the next eight bytes at once where there are eight, then
        // digit by digit (past eight digits, or near the end of the line).
        let (mut v, mut i) = match s.get(start..start + 8) {
            Some(eight) => {
                let (v, n) = leading_digits(eight);
                (v, start + n)
            }
            None => (0, start),
        };
        while i < s.len() {
            let d = s[i].wrapping_sub(b'0');
            if d > 9 {
                break;
            }
            v = v.wrapping_mul(10).wrapping_add(u64::from(d));
            i += 1;
        }
        if i - start > 19 || (i < s.len() && !s[i].is_ascii_whitespace()) || i == start {
            // Not a plain number, or one that may overflow: the careful parser says which.
            while i < s.len() && !s[i].is_ascii_whitespace() {
                i += 1;
            }
            self.0 = &s[i..];
            return Some(parse_u64_checked(&s[start..i]));
        }
        self.0 = &s[i..];
        Some(Ok(v))
    }
}

/// The value of the decimal digits `eight` starts with, and how many there are (0–8): the
/// eight bytes are tested and converted together, in one 64-bit word.
#[inline]
fn leading_digits(eight: &[u8]) -> (u64, usize) {
    let mut word = [0u8; 8];
    word.copy_from_slice(eight);
    // Digits become 0–9 (XOR with '0' maps '0'..='9' onto 0..=9 and nothing else there).
    let x = u64::from_le_bytes(word) ^ 0x3030_3030_3030_3030;
    // A byte is no digit when it is 10 or more: adding 0x76 to its low 7 bits (no carry
    // into the next byte) sets its top bit, or the top bit was already set.
    let low7 = x & 0x7f7f_7f7f_7f7f_7f7f;
    let not_digit = ((low7 + 0x7676_7676_7676_7676) | x) & 0x8080_8080_8080_8080;
    // The first byte is the lowest (little-endian).
    let n = (not_digit.trailing_zeros() / 8) as usize;
    if n == 0 {
        return (0, 0);
    }
    // The n digits to the top bytes, zero bytes (leading zeros) below them, then pairs,
    // fours and eights of digits combined.
    let d = x << (8 * (8 - n));
    let d = (d & 0x0f0f_0f0f_0f0f_0f0f).wrapping_mul(10 * 256 + 1) >> 8;
    let d = (d & 0x00ff_00ff_00ff_00ff).wrapping_mul(100 * 65536 + 1) >> 16;
    let d = (d & 0x0000_ffff_0000_ffff).wrapping_mul(10000 * (1 << 32) + 1) >> 32;
    (d, n)
}

/// Parse an unsigned decimal field.
#[inline]
pub(crate) fn parse_u64(field: &[u8]) -> Result<u64, ParseError> {
    // Up to 19 digits cannot overflow: no checks in the loop but the digit test.
    if field.is_empty() || field.len() > 19 {
        return parse_u64_checked(field);
    }
    let mut v: u64 = 0;
    for &b in field {
        let d = b.wrapping_sub(b'0');
        if d > 9 {
            return Err(not_a_number(field));
        }
        v = v * 10 + u64::from(d);
    }
    Ok(v)
}

#[cold]
fn not_a_number(field: &[u8]) -> ParseError {
    ParseError::new(format!(
        "not a number: {:?}",
        String::from_utf8_lossy(field)
    ))
}

#[cold]
fn parse_u64_checked(field: &[u8]) -> Result<u64, ParseError> {
    if field.is_empty() {
        return Err(ParseError::new("empty number"));
    }
    let mut v: u64 = 0;
    for &b in field {
        if !b.is_ascii_digit() {
            return Err(not_a_number(field));
        }
        v = v
            .checked_mul(10)
            .and_then(|v| v.checked_add(u64::from(b - b'0')))
            .ok_or_else(|| ParseError::new("number too large"))?;
    }
    Ok(v)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Reading without the last read that returns 0 still reads every file whole: the same
    /// lines as a plain read to the end (the counters in them move, the lines do not).
    #[test]
    fn each_proc_file_is_read_whole() {
        let mut buf = ReadBuf::default();
        for spec in FILES {
            let mut file = ProcFile::new(Path::new("/proc"), spec);
            // Twice: the first read opens the file, the second is a sample's pread.
            for _ in 0..2 {
                let Ok(()) = file.read_into(&mut buf) else {
                    continue;
                };
                let Ok(whole) = std::fs::read(&file.path) else {
                    continue;
                };
                let lines = |t: &[u8]| t.iter().filter(|&&b| b == b'\n').count();
                assert_eq!(lines(buf.text()), lines(&whole), "{}", file.path.display());
            }
        }
    }

    /// Each file fills a group the schema declares, and `--skip` takes group names.
    #[test]
    fn each_file_names_a_declared_group() {
        let groups: Vec<&str> = crate::sample::GROUPS.iter().map(|g| g.name).collect();
        for f in FILES {
            assert!(groups.contains(&f.group), "{}: {}", f.path, f.group);
            if let Some(s) = f.skip {
                assert!(groups.contains(&s), "{}: --skip {s}", f.path);
            }
        }
        assert_eq!(
            Skip::names(),
            ["ktables", "interrupts", "filesystems", "cpufreq", "snmp"]
        );
    }

    /// `--skip snmp` leaves out both SNMP files and nothing else; `--with` undoes it.
    #[test]
    fn a_skip_name_leaves_out_its_files() {
        let mut s = Skip::default();
        s.add("snmp").unwrap();
        let out: Vec<&str> = FILES
            .iter()
            .enumerate()
            .filter(|&(i, _)| s.files & (1 << i) != 0)
            .map(|(_, f)| f.path)
            .collect();
        assert_eq!(out, ["net/snmp", "net/snmp6"]);
        s.remove("snmp").unwrap();
        assert_eq!(s, Skip::default());
        let e = s.add("disk").unwrap_err();
        assert_eq!(
            e,
            "no optional group \"disk\": the groups are ktables, interrupts, filesystems, cpufreq, snmp"
        );
        let d = Skip::collector_default();
        assert!(d.leaves_out(Source::Interrupts) && d.leaves_out(Source::Cpuinfo));
        assert!(!d.leaves_out(Source::NetSnmp) && !d.leaves_out(Source::Mounts));
    }

    proptest! {
        /// Eight bytes at a time read what one byte at a time reads: numbers of every
        /// length, separated by spaces, tabs or a stray byte, at any place in a line.
        #[test]
        fn numbers_match_the_careful_parser(
            fields in proptest::collection::vec(
                (prop_oneof![
                    any::<u64>().prop_map(|v| v.to_string()),
                    (0u64..1000).prop_map(|v| v.to_string()),
                    "[0-9]{1,22}",
                    "[0-9]{0,9}[-:x/a\\x80]{1}[0-9]{0,9}",
                ], "[ \t]{1,3}"),
                0..12,
            )
        ) {
            let line: String = fields.iter().map(|(f, sep)| format!("{f}{sep}")).collect();
            let fast: Vec<_> = numbers(line.as_bytes()).collect();
            let careful: Vec<_> = line
                .split_ascii_whitespace()
                .map(|f| parse_u64_checked(f.as_bytes()))
                .collect();
            prop_assert_eq!(fast.len(), careful.len(), "{:?}", line);
            for (a, b) in fast.iter().zip(&careful) {
                prop_assert_eq!(a.as_ref().ok(), b.as_ref().ok(), "{:?}", line);
            }
        }
    }

    #[test]
    fn leading_digits_of_eight_bytes() {
        assert_eq!(leading_digits(b"12345678"), (12_345_678, 8));
        assert_eq!(leading_digits(b"0 123456"), (0, 1));
        assert_eq!(leading_digits(b"9999999 "), (9_999_999, 7));
        assert_eq!(leading_digits(b"42\n00000"), (42, 2));
        assert_eq!(leading_digits(b" 1234567"), (0, 0));
        assert_eq!(leading_digits(b"12:45678"), (12, 2));
        assert_eq!(leading_digits(b"1/345678"), (1, 1));
        assert_eq!(
            leading_digits(&[b'1', 0xb9, b'2', b'3', b'4', b'5', b'6', b'7']),
            (1, 1)
        );
        assert_eq!(leading_digits(&[0xff; 8]), (0, 0));
    }

    #[test]
    fn numbers_in_one_pass() {
        let all = |s: &[u8]| numbers(s).collect::<Result<Vec<u64>, _>>();
        assert_eq!(all(b" 1\t22  333 \n"), Ok(vec![1, 22, 333]));
        assert_eq!(all(b""), Ok(vec![]));
        assert_eq!(
            all(b"18446744073709551615"),
            Ok(vec![u64::MAX]),
            "20 digits that fit"
        );
        assert!(all(b"18446744073709551616").is_err());
        assert!(all(b"12 3x 4").is_err());
        assert!(all(b"-1").is_err());
        assert_eq!(parse_u64(b"0123"), Ok(123));
        assert!(parse_u64(b"12a").is_err());
        assert!(parse_u64(b"").is_err());
    }
}
