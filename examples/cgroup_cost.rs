//! The CPU cost of rsar's cgroup reader per sample on this machine, for
//! `bench/cgroup-cost.sh`, which runs it beside `bench/cgroup-floor.c` on the same files.
//!
//! ```text
//! cargo run --release --example cgroup_cost -- [--include REGEX] [--full] \
//!     [--list FILE] [--samples N] [--procs]
//! ```
//!
//! It takes one sample (which opens every file), then with `--list FILE` writes the files
//! a sample reads to FILE (the floor's input) and stops; otherwise it takes N more samples
//! (default 20) back to back and prints the CPU time (user + system, getrusage) per
//! sample in microseconds, and the number of cgroups read. `--full` turns the skip rule
//! off (every file of every cgroup at every sample, as the floor reads them).
//!
//! `--procs` measures instead the two ways of giving each process its cgroup: reading
//! /proc/PID/cgroup of every process, or cgroup.procs of every cgroup (the reader's
//! hierarchies, opened, read and closed), and prints both per sample in microseconds.

use rsar::cgroup::CgroupSample;
use rsar::probe::cgroup::{process_cgroup, CgroupOptions, CgroupReader};
use std::io::Read;
use std::path::Path;

fn cpu_us() -> f64 {
    use nix::sys::resource::{getrusage, UsageWho};
    match getrusage(UsageWho::RUSAGE_SELF) {
        Ok(u) => {
            let t = |tv: nix::sys::time::TimeVal| tv.tv_sec() as f64 * 1e6 + tv.tv_usec() as f64;
            t(u.user_time()) + t(u.system_time())
        }
        Err(_) => 0.0,
    }
}

fn main() -> Result<(), String> {
    let mut args = std::env::args().skip(1);
    let mut options = CgroupOptions::default();
    let mut list = None;
    let mut samples = 20u32;
    let mut procs = false;
    while let Some(a) = args.next() {
        match a.as_str() {
            "--include" => {
                let r = args.next().ok_or("--include takes a regular expression")?;
                options.include = Some(regex::Regex::new(&r).map_err(|e| e.to_string())?);
            }
            "--full" => options.full_read_every = 1,
            "--list" => list = Some(args.next().ok_or("--list takes a file")?),
            "--samples" => {
                samples = args
                    .next()
                    .and_then(|n| n.parse().ok())
                    .ok_or("--samples takes a number")?
            }
            "--procs" => procs = true,
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    let hz = nix::unistd::sysconf(nix::unistd::SysconfVar::CLK_TCK)
        .ok()
        .flatten()
        .unwrap_or(100) as u32;
    let mut r = CgroupReader::new(Path::new("/proc"), Path::new("/sys"), hz, options);
    let mut s = CgroupSample::default();
    r.read(&mut s);
    if procs {
        return by_process_or_by_cgroup(&r, samples);
    }
    if let Some(list) = list {
        let files: Vec<String> = r
            .per_sample_files()
            .iter()
            .map(|p| p.display().to_string())
            .collect();
        std::fs::write(&list, files.join("\n") + "\n").map_err(|e| format!("{list}: {e}"))?;
        return Ok(());
    }
    let t0 = cpu_us();
    for _ in 0..samples {
        r.read(&mut s);
    }
    let t1 = cpu_us();
    println!(
        "{:.1} {}",
        (t1 - t0) / f64::from(samples.max(1)),
        s.cgroups.len()
    );
    Ok(())
}

/// Per sample: every process's /proc/PID/cgroup, against every cgroup's cgroup.procs.
fn by_process_or_by_cgroup(r: &CgroupReader, samples: u32) -> Result<(), String> {
    let mut buf = Vec::new();
    let pids: Vec<String> = std::fs::read_dir("/proc")
        .map_err(|e| e.to_string())?
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.bytes().all(|b| b.is_ascii_digit()))
        .collect();
    let dirs: Vec<std::path::PathBuf> = r
        .per_sample_files()
        .iter()
        .filter_map(|p| p.parent().map(Path::to_path_buf))
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    let mut found = 0usize;
    let t0 = cpu_us();
    for _ in 0..samples {
        for pid in &pids {
            buf.clear();
            if let Ok(mut f) = std::fs::File::open(format!("/proc/{pid}/cgroup")) {
                if f.read_to_end(&mut buf).is_ok() && process_cgroup(&buf, r.unified()).is_some() {
                    found += 1;
                }
            }
        }
    }
    let t1 = cpu_us();
    for _ in 0..samples {
        for d in &dirs {
            buf.clear();
            if let Ok(mut f) = std::fs::File::open(d.join("cgroup.procs")) {
                let _ = f.read_to_end(&mut buf);
            }
        }
    }
    let t2 = cpu_us();
    let n = f64::from(samples.max(1));
    println!(
        "/proc/PID/cgroup: {:.1} us per sample for {} processes ({} mapped); \
         cgroup.procs: {:.1} us per sample for {} cgroup directories",
        (t1 - t0) / n,
        pids.len(),
        found / samples.max(1) as usize,
        (t2 - t1) / n,
        dirs.len()
    );
    Ok(())
}
