//! A made-up log with known answers for `rsar explain`, `rsar diff` and the report's
//! summary: written through the store API, with or without cgroups.

use rsar::cgroup::CgroupCounters;
use rsar::process::ProcessCounters;
use rsar::sample::{CpuTicks, Sample};
use rsar::store::procs::ProcessTable;
use rsar::store::DayWriter;
use std::path::Path;

const NS: i64 = 1_000_000_000;

/// Seconds 0..=20 of a 2-CPU machine: each CPU busy 10 % (9 or 11 ticks of user time,
/// alternately) until second 10, 60 % (59 or 61) after. A `worker` uses 10 ticks/s until
/// then and 30 after; a `hog` started at 9.5 s uses 40 ticks/s. So from the first ten
/// seconds to the next, CPU busy goes up 50 points: the hog's 20 points are 40 % of it,
/// the worker's 10 points 20 %, and 40 % is nobody's. No cgroups.
pub fn made_up_log(path: &Path) {
    made_up_log_at(path, super::TEN, false);
}

/// `made_up_log` starting at `start` (epoch seconds); `cgroups`: with the cgroups of a
/// machine where the worker runs in `work.slice/worker.service` and the hog in
/// `work.slice/hog.service` (made at 10 s), each using what its process uses, below
/// `work.slice` (their sum, nothing of its own) and the root (every CPU's busy time): so
/// the hog's service is 40 % of the change (new), the worker's 20 %, and 40 % is outside
/// any cgroup but the root.
pub fn made_up_log_at(path: &Path, start: i64, cgroups: bool) {
    let host = super::test_host("boot-1", 2);
    let (mut w, _) = DayWriter::open(path, &host, start * NS, 0).unwrap();
    let mut s = Sample::default();
    s.cpu.per_cpu = vec![Some(CpuTicks::default()); 2];
    let (mut worker, mut hog, mut busy) = (0u64, 0u64, 0u64);
    let (worker_cg, hog_cg) = ("work.slice/worker.service", "work.slice/hog.service");
    for t in 0..=20u64 {
        if t > 0 {
            let user = if t <= 10 { 10 } else { 60 } + if t % 2 == 1 { -1i64 } else { 1 };
            for c in s.cpu.per_cpu.iter_mut().flatten() {
                c.user += user as u64;
                c.idle += 100 - user as u64;
                busy += user as u64;
            }
            worker += if t <= 10 { 10 } else { 30 };
            if t > 10 {
                hog += 40;
            }
        }
        s.time.uptime_cs = 100_000 + t * 100;
        s.time.wall_ns = (start + t as i64) * NS;
        if cgroups {
            // Ticks of 1/100 s in µs.
            let cg = |path: &str, inode: u64, ticks: u64| CgroupCounters {
                path: path.into(),
                inode,
                usage_us: Some(ticks * 10_000),
                ..CgroupCounters::default()
            };
            s.cgroups = vec![cg("", 1, busy), cg("work.slice", 2, worker + hog)];
            if t >= 10 {
                s.cgroups.push(cg(hog_cg, 4, hog));
            }
            s.cgroups.push(cg(worker_cg, 3, worker));
        }
        w.append_sample(&host, &s).unwrap();
        let in_cgroup = |c: &str| if cgroups { c.into() } else { "".into() };
        let mut ps = vec![ProcessCounters {
            pid: 100,
            start_ticks: 10,
            comm: "worker".into(),
            cgroup: in_cgroup(worker_cg),
            utime: worker,
            state: u32::from(b'S'),
            ..ProcessCounters::default()
        }];
        if t >= 10 {
            ps.push(ProcessCounters {
                pid: 200,
                start_ticks: 100_950,
                comm: "hog".into(),
                cgroup: in_cgroup(hog_cg),
                utime: hog,
                state: u32::from(b'R'),
                ..ProcessCounters::default()
            });
        }
        w.append_processes(&ProcessTable {
            wall_ns: s.time.wall_ns,
            uptime_cs: s.time.uptime_cs,
            processes: ps.into(),
        })
        .unwrap();
    }
}

/// Seconds 0..=20 of a 2-CPU machine kept busy by a `build` at nice 19, a `hog` at nice 0
/// starting at 9.5 s and taking half the machine from it. Per CPU and second, odd seconds
/// then even ones: until 10 s user 4, 6 ticks, nice 96, 92, idle 0, 2; after, user 54,
/// 56, nice 46, 42, idle 0, 2. An `agent` at nice 0 uses 10 ticks/s throughout, the
/// build 188 until 10 s and 88 after, the hog 100. So CPU busy stays at 99 %; user goes
/// from 5 to 55 points (+50, all the hog's, over a spread of 1.054), nice from 94 to 44
/// (−50, all the build's, over a spread of 2.108). Page cache goes from 1 to 3 GiB (free
/// memory down as much) after 10 s, with no spread: a change 64 times its floor that no
/// process accounts for.
pub fn niced_log(path: &Path, start: i64) {
    let host = super::test_host("boot-1", 2);
    let (mut w, _) = DayWriter::open(path, &host, start * NS, 0).unwrap();
    let mut s = Sample::default();
    s.cpu.per_cpu = vec![Some(CpuTicks::default()); 2];
    let gib = 1 << 20;
    let (mut agent, mut build, mut hog) = (0u64, 0u64, 0u64);
    for t in 0..=20u64 {
        let after = t > 10;
        if t > 0 {
            let odd = t % 2 == 1;
            let (user, nice) = match (after, odd) {
                (false, true) => (4, 96),
                (false, false) => (6, 92),
                (true, true) => (54, 46),
                (true, false) => (56, 42),
            };
            for c in s.cpu.per_cpu.iter_mut().flatten() {
                c.user += user;
                c.nice += nice;
                c.idle += 100 - user - nice;
            }
            agent += 10;
            build += if after { 88 } else { 188 };
            if after {
                hog += 100;
            }
        }
        s.memory = Some(rsar::sample::Memory {
            mem_total: 8 * gib,
            mem_free: if after { 3 * gib } else { 5 * gib },
            cached: if after { 3 * gib } else { gib },
            ..rsar::sample::Memory::default()
        });
        s.time.uptime_cs = 100_000 + t * 100;
        s.time.wall_ns = (start + t as i64) * NS;
        w.append_sample(&host, &s).unwrap();
        let process = |pid: u32, comm: &str, nice: i64, utime: u64| ProcessCounters {
            pid,
            start_ticks: 10,
            comm: comm.into(),
            nice,
            utime,
            state: u32::from(b'R'),
            ..ProcessCounters::default()
        };
        let mut ps = vec![process(100, "agent", 0, agent)];
        if t >= 10 {
            ps.push(ProcessCounters {
                start_ticks: 100_950,
                ..process(200, "hog", 0, hog)
            });
        }
        ps.push(process(300, "build", 19, build));
        w.append_processes(&ProcessTable {
            wall_ns: s.time.wall_ns,
            uptime_cs: s.time.uptime_cs,
            processes: ps.into(),
        })
        .unwrap();
    }
}
