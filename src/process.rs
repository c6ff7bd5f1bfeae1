//! The process table: what rsadc records of each process, as `ps`, `top` and `pidstat`
//! show it, declared once with the schema's `group!` (fields, counter or level, unit,
//! source), and read from a /proc tree.
//!
//! A process is keyed by its pid and start time (pids are reused). Threads are not
//! recorded separately: a process's counters include all its threads, and `threads`
//! counts them. The command line is read once per process lifetime.

use crate::sample::{group, or, Field, FieldValue, Group, Kind};
use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

group! {
    /// One process at one moment.
    #[derive(Debug, Clone, PartialEq, Eq, Default)]
    pub struct ProcessCounters from "/proc/PID/stat" {
        item {
            pub pid: u32,
            /// When it started, in clock ticks after boot: with the pid, it names the process.
            pub start_ticks: u64,
            /// The command name (`comm`, at most 15 bytes). Shared, not copied, between
            /// the tables of successive moments.
            pub comm: Arc<str>,
            /// The command line, its arguments joined by spaces; empty for kernel threads.
            pub cmdline: Arc<str>,
            /// Its cgroup, as the path of `CgroupCounters` (`system.slice/nginx.service`;
            /// `""`: the root, or not read). Read once per process lifetime, like the
            /// command line; processes in one cgroup share the text.
            pub cgroup: Arc<str>,
        }
        /// State as its ASCII letter code: R running, S sleeping, D uninterruptible, Z
        /// zombie, T stopped, t traced, I idle (kernel thread), X dead.
        pub state: u32 [Level, "ASCII"],
        /// Parent's pid.
        pub ppid: u32 [Level, "pid"],
        /// Real user id.
        pub uid: u32 [Level, "uid", source = "/proc/PID/status"],
        /// Threads in the process.
        pub threads: u32 [Level, "threads", source = "/proc/PID/status"],
        /// CPU the process last ran on.
        pub processor: u32 [Level, "CPU"],
        /// Time in user mode (guest time included).
        pub utime: u64 [Counter, "ticks"],
        /// Time in kernel mode.
        pub stime: u64 [Counter, "ticks"],
        /// Time running a guest (a virtual CPU).
        pub guest_time: u64 [Counter, "ticks"],
        /// Minor page faults (no I/O).
        pub minflt: u64 [Counter, "faults"],
        /// Major page faults (I/O).
        pub majflt: u64 [Counter, "faults"],
        /// Virtual memory size.
        pub vsize: u64 [Level, "bytes"],
        /// Resident set size.
        pub rss: u64 [Level, "pages"],
        /// Bytes read from storage (absent when /proc/PID/io is not readable).
        pub read_bytes: Option<u64> [Counter, "bytes", source = "/proc/PID/io"],
        /// Bytes written to storage.
        pub write_bytes: Option<u64> [Counter, "bytes", source = "/proc/PID/io"],
        /// Nice value (-20..19).
        pub nice: i64 [Level, "nice"],
        /// Scheduling priority as the kernel shows it.
        pub priority: i64 [Level, "priority"],
        /// Voluntary context switches.
        pub nvcsw: Option<u64> [Counter, "switches", source = "/proc/PID/status"],
        /// Involuntary context switches.
        pub nivcsw: Option<u64> [Counter, "switches", source = "/proc/PID/status"],
        /// Time spent waiting for block I/O (delay accounting; 0 when it is off).
        pub blkio_ticks: u64 [Counter, "ticks"],
        /// Bytes whose writing was cancelled (truncated dirty pages).
        pub cancelled_write_bytes: Option<u64> [Counter, "bytes", source = "/proc/PID/io"],
        /// Time spent runnable but waiting for a CPU.
        pub run_delay_ns: Option<u64> [Counter, "ns", source = "/proc/PID/schedstat"],
        /// Resident shared memory: file-backed and shmem pages (RssFile + RssShmem, as
        /// statm's `shared`; top's SHR); 0 for a kernel thread. Absent from tables
        /// recorded before it was.
        pub rss_shared: Option<u64> [Level, "kB", source = "/proc/PID/status"],
    }
}

impl ProcessCounters {
    /// The uid of no user, `(uid_t)-1` (the kernel's "no change" in setresuid, never a
    /// real user's): the roll-up tiers' `(others)` row has it. Reports print `-`.
    pub const NO_UID: u32 = u32::MAX;

    /// `uid` as a report prints it where it has no name: its number, `-` for `NO_UID`.
    pub fn uid_text(uid: u32) -> String {
        match uid {
            Self::NO_UID => "-".to_string(),
            uid => uid.to_string(),
        }
    }

    /// The key a process is known by: pid and start time.
    pub fn key(&self) -> (u32, u64) {
        (self.pid, self.start_ticks)
    }

    /// The state letter.
    pub fn state_char(&self) -> char {
        char::from_u32(self.state).unwrap_or('?')
    }

    /// This process in the table before (`prev`, sorted by key, taken at `prev_uptime_cs`
    /// on a machine of `hz` ticks a second), for an interval from it: `Some(Some(p))` it
    /// was there; `Some(None)` it started since, and counts from its start; `None` it was
    /// running then but is missing from that table (a table cut short), so it has no
    /// interval to speak of, as pidstat leaves it out.
    pub fn before_in<'a>(
        &self,
        prev: &'a [ProcessCounters],
        prev_uptime_cs: u64,
        hz: f64,
    ) -> Option<Option<&'a ProcessCounters>> {
        match prev.binary_search_by_key(&self.key(), ProcessCounters::key) {
            Ok(i) => Some(Some(&prev[i])),
            Err(_) if (self.start_ticks as f64) < prev_uptime_cs as f64 * hz / 100.0 => None,
            Err(_) => Some(None),
        }
    }
}

/// Reads every process of a /proc tree, keeping the command lines (and cgroups) it has
/// read before.
#[derive(Debug)]
pub struct ProcessReader {
    /// Per process, its command line and its cgroup.
    cmdlines: HashMap<(u32, u64), (Arc<str>, Arc<str>)>,
    /// Read each process's cgroup (`with_cgroups`): `Some(unified)`, whether a v2
    /// hierarchy is mounted (`probe::cgroup::process_cgroup`'s rule).
    cgroups: Option<bool>,
    /// Each cgroup path once, shared by the processes in it.
    cgroup_paths: std::collections::HashSet<Arc<str>>,
    buf: Vec<u8>,
    /// kB per page, for statm on kernels whose status lacks RssFile.
    page_kb: u64,
}

impl Default for ProcessReader {
    fn default() -> Self {
        let page = nix::unistd::sysconf(nix::unistd::SysconfVar::PAGE_SIZE)
            .ok()
            .flatten()
            .unwrap_or(4096);
        ProcessReader {
            cmdlines: HashMap::new(),
            cgroups: None,
            cgroup_paths: Default::default(),
            buf: Vec::new(),
            page_kb: u64::try_from(page / 1024).unwrap_or(4).max(1),
        }
    }
}

impl ProcessReader {
    /// Also read each process's cgroup, once per process lifetime (/proc/PID/cgroup);
    /// `unified`: a v2 hierarchy is mounted, and its path is the process's cgroup.
    pub fn with_cgroups(mut self, unified: bool) -> Self {
        self.cgroups = Some(unified);
        self
    }

    /// Every process that could be read, sorted by pid and start time (processes vanish
    /// while we look: those are skipped).
    pub fn read(&mut self, proc_root: &Path, out: &mut Vec<ProcessCounters>) {
        out.clear();
        let Ok(dir) = std::fs::read_dir(proc_root) else {
            return;
        };
        let mut seen = Vec::new();
        for e in dir.filter_map(Result::ok) {
            let name = e.file_name();
            let Some(pid) = name
                .to_str()
                .filter(|n| n.bytes().all(|b| b.is_ascii_digit()))
                .and_then(|n| n.parse::<u32>().ok())
            else {
                continue;
            };
            let base = e.path();
            if let Some(p) = self.one(&base, pid) {
                seen.push(p.key());
                out.push(p);
            }
        }
        out.sort_by_key(ProcessCounters::key);
        // Forget the command lines of processes that are gone.
        if self.cmdlines.len() > out.len() {
            let keep: std::collections::HashSet<(u32, u64)> = seen.into_iter().collect();
            self.cmdlines.retain(|k, _| keep.contains(k));
            if self.cgroup_paths.len() > self.cmdlines.len() {
                self.cgroup_paths.clear();
                for (_, c) in self.cmdlines.values() {
                    self.cgroup_paths.insert(c.clone());
                }
            }
        }
    }

    fn one(&mut self, base: &Path, pid: u32) -> Option<ProcessCounters> {
        self.buf.clear();
        let stat = read_into(&base.join("stat"), &mut self.buf)?;
        let mut p = parse_stat(stat)?;
        if p.pid != pid {
            return None;
        }
        if let Some(status) = read_into(&base.join("status"), &mut self.buf) {
            parse_status(status, &mut p);
        }
        if p.rss_shared.is_none() {
            // Kernels before 4.5: statm's third number, in pages.
            p.rss_shared = read_into(&base.join("statm"), &mut self.buf)
                .and_then(|t| {
                    std::str::from_utf8(t)
                        .ok()?
                        .split_ascii_whitespace()
                        .nth(2)?
                        .parse::<u64>()
                        .ok()
                })
                .map(|pages| pages * self.page_kb);
        }
        if let Some(io) = read_into(&base.join("io"), &mut self.buf) {
            parse_io(io, &mut p);
        }
        if let Some(sched) = read_into(&base.join("schedstat"), &mut self.buf) {
            // on-CPU ns, runnable-waiting ns, time slices.
            p.run_delay_ns = std::str::from_utf8(sched)
                .ok()
                .and_then(|t| t.split_ascii_whitespace().nth(1)?.parse().ok());
        }
        let key = p.key();
        (p.cmdline, p.cgroup) = match self.cmdlines.get(&key) {
            Some(known) => known.clone(),
            None => {
                let c: Arc<str> = read_into(&base.join("cmdline"), &mut self.buf)
                    .map(cmdline_text)
                    .unwrap_or_default()
                    .into();
                let g = match self.cgroups {
                    Some(unified) => self.cgroup_of(base, unified),
                    None => Arc::default(),
                };
                self.cmdlines.insert(key, (c.clone(), g.clone()));
                (c, g)
            }
        };
        Some(p)
    }
}

impl ProcessReader {
    /// The cgroup of the process at `base`, shared with the processes already in it.
    fn cgroup_of(&mut self, base: &Path, unified: bool) -> Arc<str> {
        let path = read_into(&base.join("cgroup"), &mut self.buf)
            .and_then(|t| crate::probe::cgroup::process_cgroup(t, unified))
            .unwrap_or_default();
        match self.cgroup_paths.get(path) {
            Some(known) => known.clone(),
            None => {
                let new: Arc<str> = path.into();
                self.cgroup_paths.insert(new.clone());
                new
            }
        }
    }
}

/// A file's bytes, into `buf` (cleared first).
fn read_into<'b>(path: &Path, buf: &'b mut Vec<u8>) -> Option<&'b [u8]> {
    use std::io::Read;
    buf.clear();
    std::fs::File::open(path).ok()?.read_to_end(buf).ok()?;
    Some(buf)
}

/// NUL-separated arguments as one line.
fn cmdline_text(raw: &[u8]) -> String {
    let text = String::from_utf8_lossy(raw);
    text.trim_end_matches('\0').replace('\0', " ")
}

/// /proc/PID/stat: `pid (comm) state ppid …`; the name runs to the last `)`.
pub fn parse_stat(text: &[u8]) -> Option<ProcessCounters> {
    let open = text.iter().position(|&b| b == b'(')?;
    let close = text.iter().rposition(|&b| b == b')')?;
    if close < open {
        return None;
    }
    let pid = std::str::from_utf8(&text[..open])
        .ok()?
        .trim()
        .parse()
        .ok()?;
    let comm: Arc<str> = String::from_utf8_lossy(&text[open + 1..close]).into();
    let rest = std::str::from_utf8(&text[close + 1..]).ok()?;
    let f: Vec<&str> = rest.split_ascii_whitespace().collect();
    // After the name, 0-based: state(0) ppid(1) … minflt(7) majflt(9) utime(11) stime(12)
    // priority(15) nice(16) threads(17) starttime(19) vsize(20) rss(21) processor(36)
    // delayacct_blkio_ticks(39) guest_time(40).
    let n = |i: usize| f.get(i).and_then(|v| v.parse::<u64>().ok());
    let s = |i: usize| f.get(i).and_then(|v| v.parse::<i64>().ok());
    Some(ProcessCounters {
        pid,
        start_ticks: n(19)?,
        comm,
        cmdline: Arc::default(),
        cgroup: Arc::default(),
        state: u32::from(f.first()?.bytes().next()?),
        ppid: n(1)? as u32,
        uid: 0,
        threads: n(17).unwrap_or(1) as u32,
        processor: n(36).unwrap_or(0) as u32,
        utime: n(11)?,
        stime: n(12)?,
        guest_time: n(40).unwrap_or(0),
        minflt: n(7)?,
        majflt: n(9)?,
        vsize: n(20)?,
        rss: s(21).map_or(0, |v| v.max(0) as u64),
        read_bytes: None,
        write_bytes: None,
        nice: s(16).unwrap_or(0),
        priority: s(15).unwrap_or(0),
        nvcsw: None,
        nivcsw: None,
        blkio_ticks: n(39).unwrap_or(0),
        cancelled_write_bytes: None,
        run_delay_ns: None,
        rss_shared: None,
    })
}

/// /proc/PID/status: the real uid, threads, context switches and resident shared memory
/// (RssFile + RssShmem, since Linux 4.5; a kernel thread has neither, and shares 0).
pub fn parse_status(text: &[u8], p: &mut ProcessCounters) {
    let mut shared: Option<u64> = None;
    let mut has_memory = false;
    for line in text.split(|&b| b == b'\n') {
        let Some(colon) = line.iter().position(|&b| b == b':') else {
            continue;
        };
        let value = || {
            std::str::from_utf8(&line[colon + 1..])
                .ok()?
                .split_ascii_whitespace()
                .next()?
                .parse::<u64>()
                .ok()
        };
        match &line[..colon] {
            b"Uid" => p.uid = value().unwrap_or(0) as u32,
            b"Threads" => p.threads = value().unwrap_or(1) as u32,
            b"voluntary_ctxt_switches" => p.nvcsw = value(),
            b"nonvoluntary_ctxt_switches" => p.nivcsw = value(),
            b"RssFile" | b"RssShmem" => {
                shared = Some(shared.unwrap_or(0) + value().unwrap_or(0));
            }
            b"VmRSS" => has_memory = true,
            _ => {}
        }
    }
    p.rss_shared = match (shared, has_memory) {
        (Some(kb), _) => Some(kb),
        (None, false) => Some(0),
        // A kernel before 4.5: status does not split the resident set.
        (None, true) => None,
    };
}

/// /proc/PID/io (readable by the process's owner and root): storage bytes.
pub fn parse_io(text: &[u8], p: &mut ProcessCounters) {
    for line in text.split(|&b| b == b'\n') {
        let mut it = line.splitn(2, |&b| b == b':');
        let (Some(k), Some(v)) = (it.next(), it.next()) else {
            continue;
        };
        let v = std::str::from_utf8(v)
            .ok()
            .and_then(|v| v.trim().parse().ok());
        match k {
            b"read_bytes" => p.read_bytes = v,
            b"write_bytes" => p.write_bytes = v,
            b"cancelled_write_bytes" => p.cancelled_write_bytes = v,
            _ => {}
        }
    }
}

/// The fields of the process table, for the format document.
pub const PROCESS_FIELDS: &[Field] = ProcessCounters::FIELDS;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stat_with_parentheses_and_spaces_in_the_name() {
        let line = b"4242 (my (odd) name) D 1 4242 4242 0 -1 4194560 1200 0 3 0 250 75 0 0 20 0 4 0 98765 104857600 2560 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 7 5 0 0 0 0 0 0 0 0 0";
        let p = parse_stat(line).unwrap();
        assert_eq!(
            (p.pid, &*p.comm, p.state_char()),
            (4242, "my (odd) name", 'D')
        );
        assert_eq!((p.ppid, p.minflt, p.majflt), (1, 1200, 3));
        assert_eq!(
            (p.utime, p.stime, p.priority, p.nice, p.threads),
            (250, 75, 20, 0, 4)
        );
        assert_eq!(
            (p.start_ticks, p.vsize, p.rss, p.processor),
            (98765, 104857600, 2560, 1)
        );
        assert_eq!(p.guest_time, 5);
    }

    #[test]
    fn status_and_io() {
        let mut p = ProcessCounters::default();
        parse_status(
            b"Name:\tx\nUid:\t1000\t1000\t1000\t1000\nThreads:\t3\nvoluntary_ctxt_switches:\t10\nnonvoluntary_ctxt_switches:\t2\n",
            &mut p,
        );
        parse_io(b"rchar: 5\nread_bytes: 4096\nwrite_bytes: 8192\n", &mut p);
        assert_eq!(p.rss_shared, Some(0), "no memory lines: a kernel thread");
        parse_status(
            b"VmRSS:\t  9000 kB\nRssAnon:\t  5000 kB\nRssFile:\t  3000 kB\nRssShmem:\t  1000 kB\n",
            &mut p,
        );
        assert_eq!(p.rss_shared, Some(4000));
        parse_status(b"VmRSS:\t  9000 kB\n", &mut p);
        assert_eq!(p.rss_shared, None, "before Linux 4.5: statm tells");
        assert_eq!(
            (p.uid, p.threads, p.nvcsw, p.nivcsw),
            (1000, 3, Some(10), Some(2))
        );
        assert_eq!((p.read_bytes, p.write_bytes), (Some(4096), Some(8192)));
    }

    #[test]
    fn this_machines_processes_include_this_one() {
        let mut r = ProcessReader::default();
        let mut table = Vec::new();
        r.read(Path::new("/proc"), &mut table);
        let me = std::process::id();
        let p = table.iter().find(|p| p.pid == me).expect("this process");
        let exe = std::env::args().next().unwrap_or_default();
        assert!(p.cmdline.starts_with(&exe), "{} / {exe}", p.cmdline);
        assert!(p.utime + p.stime > 0 || p.threads >= 1);
        assert!(table.windows(2).all(|w| w[0].key() < w[1].key()));
    }
}
