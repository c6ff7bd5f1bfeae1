//! Host facts: names from the proc tree (falling back to `uname`), the boot id, the CPU
//! count from /sys, and the clock tick and page size from `sysconf`.

use super::ProbeError;
use crate::sample::HostFacts;
use std::path::Path;

/// Read the host facts. Names are read from `proc_root/sys/kernel` so that a captured tree
/// describes its own machine; the ones it lacks come from this machine's `uname`.
pub fn read_host_facts(proc_root: &Path, sys_root: &Path) -> Result<HostFacts, ProbeError> {
    let kernel = proc_root.join("sys/kernel");
    let uts = nix::sys::utsname::uname().ok();
    let from_uname = |f: fn(&nix::sys::utsname::UtsName) -> &std::ffi::OsStr| {
        uts.as_ref()
            .map(|u| f(u).to_string_lossy().into_owned())
            .unwrap_or_default()
    };
    let name = |file: &str, fallback: fn(&nix::sys::utsname::UtsName) -> &std::ffi::OsStr| {
        read_trimmed(&kernel.join(file)).unwrap_or_else(|| from_uname(fallback))
    };
    Ok(HostFacts {
        hostname: name("hostname", |u| u.nodename()),
        sysname: name("ostype", |u| u.sysname()),
        release: name("osrelease", |u| u.release()),
        machine: name("arch", |u| u.machine()),
        boot_id: read_trimmed(&kernel.join("random/boot_id")).unwrap_or_default(),
        user_hz: sysconf(nix::unistd::SysconfVar::CLK_TCK).unwrap_or(100),
        page_size: sysconf(nix::unistd::SysconfVar::PAGE_SIZE).unwrap_or(4096),
        cpu_count: count_cpus(sys_root),
    })
}

fn sysconf(var: nix::unistd::SysconfVar) -> Option<u32> {
    nix::unistd::sysconf(var)
        .ok()
        .flatten()
        .and_then(|v| u32::try_from(v).ok())
}

fn read_trimmed(path: &Path) -> Option<String> {
    std::fs::read_to_string(path)
        .ok()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
}

/// The CPUs present: `cpuN` directories under /sys/devices/system/cpu, as sysstat counts
/// them. 0 when /sys is not there (the probe then counts /proc/stat's lines).
fn count_cpus(sys_root: &Path) -> u32 {
    let Ok(dir) = std::fs::read_dir(sys_root.join("devices/system/cpu")) else {
        return 0;
    };
    let n = dir
        .filter_map(Result::ok)
        .filter(|e| {
            let name = e.file_name();
            let name = name.to_string_lossy();
            name.strip_prefix("cpu")
                .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
        })
        .count();
    u32::try_from(n).unwrap_or(u32::MAX)
}
