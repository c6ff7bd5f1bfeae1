//! Writes a synthetic log of cgroups that come and go — for measuring what `rsar cgstat
//! -f` keeps while it reads a long day (`bench/cgstat-memory.sh`), not for real numbers.
//! Each sample holds 200 cgroups: 100 services that stay, and 100 session scopes of which
//! 5 end and 5 new ones start every sample, so the day holds far more cgroups than any
//! one sample does. Limits are given when a cgroup appears.
//!
//! Usage: cargo run --release --example cgroup_day -- OUT_FILE SAMPLES

use rsar::sample::{CgroupCounters, CgroupLimits, HostFacts, Sample};
use rsar::store::DayWriter;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let out = args.get(1).ok_or("usage: cgroup_day OUT_FILE SAMPLES")?;
    let samples: u64 = args
        .get(2)
        .ok_or("usage: cgroup_day OUT_FILE SAMPLES")?
        .parse()?;
    let host = HostFacts {
        hostname: "synth".into(),
        sysname: "Linux".into(),
        release: "6.1.0-synthetic".into(),
        machine: "x86_64".into(),
        boot_id: "boot-1".into(),
        user_hz: 100,
        page_size: 4096,
        cpu_count: 4,
    };
    let start_ns = 1_763_683_200_000_000_000; // 2025-11-21 00:00 UTC
    let (mut w, _) = DayWriter::open(std::path::Path::new(out), &host, start_ns, 0)?;
    let cgroup = |path: String, inode: u64, t: u64| CgroupCounters {
        path,
        inode,
        usage_us: Some(t * 10_000 + inode),
        user_us: Some(t * 8_000),
        system_us: Some(t * 2_000),
        memory_current: Some(1 << 20 | inode),
        anon: Some(1 << 19),
        file: Some(1 << 19),
        events_oom_kill: Some(0),
        pids_current: Some(3),
        ..CgroupCounters::default()
    };
    for t in 0..samples {
        let mut s = Sample::default();
        s.time.wall_ns = start_ns + t as i64 * 1_000_000_000;
        s.time.uptime_cs = 100_000 + t * 100;
        s.cgroups.push(cgroup(String::new(), 1, t));
        for i in 0..100 {
            s.cgroups
                .push(cgroup(format!("system.slice/unit-{i}.service"), 10 + i, t));
        }
        // Sessions first..first+100: 5 new ones each sample.
        let first = t * 5;
        for n in first..first + 100 {
            let path = format!("user.slice/session-{n}.scope");
            if n >= first + 95 || t == 0 {
                s.cgroup_limits.push(CgroupLimits {
                    path: path.clone(),
                    inode: 1_000 + n,
                    memory_max: Some(1 << 30),
                    ..CgroupLimits::default()
                });
            }
            s.cgroups.push(cgroup(path, 1_000 + n, t));
        }
        s.cgroups.sort_by(|a, b| a.path.cmp(&b.path));
        s.cgroup_limits.sort_by(|a, b| a.path.cmp(&b.path));
        w.append_sample(&host, &s)?;
    }
    Ok(())
}
