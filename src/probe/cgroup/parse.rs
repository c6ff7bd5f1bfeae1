//! The text of each cgroup file, v2 and v1, parsed from bytes into the fields of
//! `CgroupCounters` and `CgroupLimits` (in v2's units), and /proc/PID/cgroup.
//!
//! A key the parser does not know is skipped (kernels add keys); a known key with a value
//! that is not a number is an error naming the key.

use super::super::{fields, lines, parse_u64, ParseError};
use crate::cgroup::{CgroupDeviceIo, CgroupDeviceLimits, CgroupLimits, CgroupTreeStat};

pub use crate::cgroup::CgroupCounters;

/// Clock ticks per second, for v1's cpuacct.stat.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Units {
    pub user_hz: u64,
}

/// Each `key value` line of `text`, with the value as a number.
fn key_values<'a>(text: &'a [u8], mut each: impl FnMut(&'a [u8], u64)) -> Result<(), ParseError> {
    for line in lines(text) {
        let mut f = fields(line);
        let (Some(key), Some(value)) = (f.next(), f.next()) else {
            continue;
        };
        let v = parse_u64(value)
            .map_err(|e| ParseError::new(format!("{}: {}", String::from_utf8_lossy(key), e.0)))?;
        each(key, v);
    }
    Ok(())
}

/// A file of one number, or `max` (no limit: `None`).
pub fn parse_value(text: &[u8]) -> Result<Option<u64>, ParseError> {
    let v = fields(text)
        .next()
        .ok_or_else(|| ParseError::new("empty file"))?;
    if v == b"max" {
        return Ok(None);
    }
    parse_u64(v).map(Some)
}

/// v2 `cpu.stat`: `usage_usec user_usec system_usec` always; `nr_periods nr_throttled
/// throttled_usec` with the cpu controller.
pub fn cpu_stat(text: &[u8], c: &mut CgroupCounters, _: Units) -> Result<(), ParseError> {
    key_values(text, |k, v| match k {
        b"usage_usec" => c.usage_us = Some(v),
        b"user_usec" => c.user_us = Some(v),
        b"system_usec" => c.system_us = Some(v),
        b"nr_periods" => c.nr_periods = Some(v),
        b"nr_throttled" => c.nr_throttled = Some(v),
        b"throttled_usec" => c.throttled_us = Some(v),
        _ => {}
    })
}

/// v2 `memory.current`.
pub fn memory_current(text: &[u8], c: &mut CgroupCounters, _: Units) -> Result<(), ParseError> {
    c.memory_current = parse_value(text)?;
    Ok(())
}

/// `pids.current` (v1 and v2).
pub fn pids_current(text: &[u8], c: &mut CgroupCounters, _: Units) -> Result<(), ParseError> {
    c.pids_current = parse_value(text)?;
    Ok(())
}

/// v2 `memory.stat` (bytes and event counts, hierarchical).
pub fn memory_stat(text: &[u8], c: &mut CgroupCounters, _: Units) -> Result<(), ParseError> {
    key_values(text, |k, v| {
        let slot = match k {
            b"anon" => &mut c.anon,
            b"file" => &mut c.file,
            b"kernel" => &mut c.kernel,
            b"shmem" => &mut c.shmem,
            b"sock" => &mut c.sock,
            b"slab" => &mut c.slab,
            b"file_dirty" => &mut c.file_dirty,
            b"file_writeback" => &mut c.file_writeback,
            b"pgfault" => &mut c.pgfault,
            b"pgmajfault" => &mut c.pgmajfault,
            b"workingset_refault_anon" => &mut c.workingset_refault_anon,
            b"workingset_refault_file" => &mut c.workingset_refault_file,
            _ => return,
        };
        *slot = Some(v);
    })
}

/// v2 `memory.events`.
pub fn memory_events(text: &[u8], c: &mut CgroupCounters, _: Units) -> Result<(), ParseError> {
    key_values(text, |k, v| match k {
        b"high" => c.events_high = Some(v),
        b"max" => c.events_max = Some(v),
        b"oom" => c.events_oom = Some(v),
        b"oom_kill" => c.events_oom_kill = Some(v),
        _ => {}
    })
}

/// A device's `MAJ:MIN`.
fn device_numbers(f: &[u8]) -> Option<(u32, u32)> {
    let colon = memchr::memchr(b':', f)?;
    let n = |b: &[u8]| std::str::from_utf8(b).ok()?.parse::<u32>().ok();
    Some((n(&f[..colon])?, n(&f[colon + 1..])?))
}

/// Each `key=value` of each device line (`MAJ:MIN key=value …`) of v2's io.stat or
/// io.max, with the device's numbers; a line that does not start with a device is skipped.
/// `each` takes the keys it knows, their values through `device_value`.
fn device_key_values<'a>(
    text: &'a [u8],
    mut each: impl FnMut((u32, u32), &'a [u8], &'a [u8]) -> Result<(), ParseError>,
) -> Result<(), ParseError> {
    for line in lines(text) {
        let mut f = fields(line);
        let Some(dev) = f.next().and_then(device_numbers) else {
            continue;
        };
        for kv in f {
            if let Some(eq) = memchr::memchr(b'=', kv) {
                each(dev, &kv[..eq], &kv[eq + 1..])?;
            }
        }
    }
    Ok(())
}

/// A device line's value: a number, or `max` (no limit: `None`); else an error naming
/// the key.
fn device_value(key: &[u8], v: &[u8]) -> Result<Option<u64>, ParseError> {
    match v {
        b"max" => Ok(None),
        v => parse_u64(v)
            .map(Some)
            .map_err(|e| ParseError::new(format!("{}: {}", String::from_utf8_lossy(key), e.0))),
    }
}

/// `fn NAME(items, (major, minor)) -> &mut ITEM`: the item of that device in `items` (in
/// the order the file gives them), added when it is not there yet.
macro_rules! device_item {
    ($name:ident, $item:ty) => {
        fn $name(items: &mut Vec<$item>, (major, minor): (u32, u32)) -> &mut $item {
            let at = match items
                .iter()
                .position(|i| (i.major, i.minor) == (major, minor))
            {
                Some(at) => at,
                None => {
                    items.push(<$item>::default());
                    items.len() - 1
                }
            };
            let item = &mut items[at];
            (item.major, item.minor) = (major, minor);
            item
        }
    };
}
device_item!(io_item, CgroupDeviceIo);
device_item!(limit_item, CgroupDeviceLimits);

/// v2 `io.stat`'s slot for a key, in a device's item.
fn io_stat_slot<'a>(d: &'a mut CgroupDeviceIo, key: &[u8]) -> Option<&'a mut Option<u64>> {
    Some(match key {
        b"rbytes" => &mut d.rbytes,
        b"wbytes" => &mut d.wbytes,
        b"rios" => &mut d.rios,
        b"wios" => &mut d.wios,
        b"dbytes" => &mut d.dbytes,
        b"dios" => &mut d.dios,
        _ => return None,
    })
}

/// v2 `io.stat`: a line per device, `MAJ:MIN rbytes=N wbytes=N rios=N wios=N dbytes=N
/// dios=N` (more keys with some controllers), each device into `devices`.
pub fn io_stat_devices(text: &[u8], devices: &mut Vec<CgroupDeviceIo>) -> Result<(), ParseError> {
    device_key_values(text, |dev, k, v| {
        if let Some(slot) = io_stat_slot(io_item(devices, dev), k) {
            *slot = device_value(k, v)?;
        }
        Ok(())
    })
}

/// The sums over the devices of read and written bytes and operations, as `CgroupCounters`
/// holds them: 0 where no device has a value (a cgroup that did no I/O has no line).
fn sum_devices(c: &mut CgroupCounters, devices: &[CgroupDeviceIo]) {
    let sum = |f: fn(&CgroupDeviceIo) -> Option<u64>| {
        Some(devices.iter().filter_map(f).fold(0u64, u64::wrapping_add))
    };
    c.rbytes = sum(|d| d.rbytes);
    c.wbytes = sum(|d| d.wbytes);
    c.rios = sum(|d| d.rios);
    c.wios = sum(|d| d.wios);
}

/// v2 `io.stat`, summed over the devices.
pub fn io_stat(text: &[u8], c: &mut CgroupCounters, _: Units) -> Result<(), ParseError> {
    let mut devices = Vec::new();
    io_stat_devices(text, &mut devices)?;
    sum_devices(c, &devices);
    Ok(())
}

/// The `total=` of a pressure file's `some` and `full` lines (µs).
fn pressure_totals(text: &[u8]) -> Result<(Option<u64>, Option<u64>), ParseError> {
    let (mut some, mut full) = (None, None);
    for line in lines(text) {
        let slot = match line.get(..5) {
            Some(b"some ") => &mut some,
            Some(b"full ") => &mut full,
            _ => continue,
        };
        let total = fields(line)
            .find_map(|kv| kv.strip_prefix(b"total="))
            .ok_or_else(|| ParseError::new("no total value"))?;
        *slot = Some(parse_u64(total)?);
    }
    if some.is_none() {
        return Err(ParseError::new("no \"some\" line"));
    }
    Ok((some, full))
}

/// v2 `cpu.pressure`.
pub fn cpu_pressure(text: &[u8], c: &mut CgroupCounters, _: Units) -> Result<(), ParseError> {
    (c.cpu_some_us, c.cpu_full_us) = pressure_totals(text)?;
    Ok(())
}

/// v2 `memory.pressure`.
pub fn memory_pressure(text: &[u8], c: &mut CgroupCounters, _: Units) -> Result<(), ParseError> {
    (c.memory_some_us, c.memory_full_us) = pressure_totals(text)?;
    Ok(())
}

/// v2 `io.pressure`.
pub fn io_pressure(text: &[u8], c: &mut CgroupCounters, _: Units) -> Result<(), ParseError> {
    (c.io_some_us, c.io_full_us) = pressure_totals(text)?;
    Ok(())
}

/// The root's v2 `cgroup.stat`.
pub fn tree_stat(text: &[u8]) -> Result<CgroupTreeStat, ParseError> {
    let (mut live, mut dying) = (None, None);
    key_values(text, |k, v| match k {
        b"nr_descendants" => live = Some(v),
        b"nr_dying_descendants" => dying = Some(v),
        _ => {}
    })?;
    match (live, dying) {
        (Some(nr_descendants), Some(nr_dying_descendants)) => Ok(CgroupTreeStat {
            nr_descendants,
            nr_dying_descendants,
        }),
        _ => Err(ParseError::new(
            "no nr_descendants or nr_dying_descendants line",
        )),
    }
}

/// v1 `cpuacct.usage`: nanoseconds.
pub fn v1_cpuacct_usage(text: &[u8], c: &mut CgroupCounters, _: Units) -> Result<(), ParseError> {
    c.usage_us = parse_value(text)?.map(|ns| ns / 1000);
    Ok(())
}

/// v1 `cpuacct.stat`: `user N` and `system N` in USER_HZ ticks.
pub fn v1_cpuacct_stat(text: &[u8], c: &mut CgroupCounters, u: Units) -> Result<(), ParseError> {
    let hz = u.user_hz.max(1);
    let us = |ticks: u64| (u128::from(ticks) * 1_000_000 / u128::from(hz)) as u64;
    key_values(text, |k, v| match k {
        b"user" => c.user_us = Some(us(v)),
        b"system" => c.system_us = Some(us(v)),
        _ => {}
    })
}

/// v1 `cpu.stat`: `nr_periods nr_throttled throttled_time` (ns).
pub fn v1_cpu_stat(text: &[u8], c: &mut CgroupCounters, _: Units) -> Result<(), ParseError> {
    key_values(text, |k, v| match k {
        b"nr_periods" => c.nr_periods = Some(v),
        b"nr_throttled" => c.nr_throttled = Some(v),
        b"throttled_time" => c.throttled_us = Some(v / 1000),
        _ => {}
    })
}

/// v1 `memory.usage_in_bytes`.
pub fn v1_memory_usage(text: &[u8], c: &mut CgroupCounters, _: Units) -> Result<(), ParseError> {
    c.memory_current = parse_value(text)?;
    Ok(())
}

/// v1 `memory.stat`, through its `total_` lines: they count the cgroup with its
/// descendants, as v2's memory.stat does (the lines without the prefix count the cgroup's
/// own pages only).
pub fn v1_memory_stat(text: &[u8], c: &mut CgroupCounters, _: Units) -> Result<(), ParseError> {
    key_values(text, |k, v| {
        let Some(k) = k.strip_prefix(b"total_") else {
            return;
        };
        let slot = match k {
            b"rss" => &mut c.anon,
            b"cache" => &mut c.file,
            b"shmem" => &mut c.shmem,
            b"dirty" => &mut c.file_dirty,
            b"writeback" => &mut c.file_writeback,
            b"pgfault" => &mut c.pgfault,
            b"pgmajfault" => &mut c.pgmajfault,
            b"workingset_refault_anon" => &mut c.workingset_refault_anon,
            b"workingset_refault_file" => &mut c.workingset_refault_file,
            _ => return,
        };
        *slot = Some(v);
    })
}

/// v1 `memory.failcnt`: times the usage hit the limit.
pub fn v1_memory_failcnt(text: &[u8], c: &mut CgroupCounters, _: Units) -> Result<(), ParseError> {
    c.events_max = parse_value(text)?;
    Ok(())
}

/// v1 `memory.oom_control`: its `oom_kill` line (since Linux 4.13).
pub fn v1_memory_oom_control(
    text: &[u8],
    c: &mut CgroupCounters,
    _: Units,
) -> Result<(), ParseError> {
    key_values(text, |k, v| {
        if k == b"oom_kill" {
            c.events_oom_kill = Some(v);
        }
    })
}

/// Each `MAJ:MIN OP N` line of a v1 blkio file, its `Read`, `Write` and `Discard` lines
/// (the `Sync`/`Async` split and the `Total` lines are left out), into `devices`: the
/// bytes (`bytes`) or the operations.
fn blkio_devices(
    text: &[u8],
    bytes: bool,
    devices: &mut Vec<CgroupDeviceIo>,
) -> Result<(), ParseError> {
    for line in lines(text) {
        let mut f = fields(line);
        let (Some(dev), Some(op), Some(v)) = (f.next(), f.next(), f.next()) else {
            continue;
        };
        let Some(dev) = device_numbers(dev) else {
            continue;
        };
        if !matches!(op, b"Read" | b"Write" | b"Discard") {
            continue;
        }
        let v = parse_u64(v)?;
        let d = io_item(devices, dev);
        let slot = match (op, bytes) {
            (b"Read", true) => &mut d.rbytes,
            (b"Read", false) => &mut d.rios,
            (b"Write", true) => &mut d.wbytes,
            (b"Write", false) => &mut d.wios,
            (_, true) => &mut d.dbytes,
            (_, false) => &mut d.dios,
        };
        *slot = Some(v);
    }
    Ok(())
}

/// v1 `blkio.throttle.io_service_bytes`, per device.
pub fn v1_blkio_bytes_devices(
    text: &[u8],
    devices: &mut Vec<CgroupDeviceIo>,
) -> Result<(), ParseError> {
    blkio_devices(text, true, devices)
}

/// v1 `blkio.throttle.io_serviced`, per device.
pub fn v1_blkio_ios_devices(
    text: &[u8],
    devices: &mut Vec<CgroupDeviceIo>,
) -> Result<(), ParseError> {
    blkio_devices(text, false, devices)
}

/// v1 `blkio.throttle.io_service_bytes`, summed over the devices.
pub fn v1_blkio_bytes(text: &[u8], c: &mut CgroupCounters, _: Units) -> Result<(), ParseError> {
    v1_blkio(text, true, c)
}

/// v1 `blkio.throttle.io_serviced`, summed over the devices.
pub fn v1_blkio_ios(text: &[u8], c: &mut CgroupCounters, _: Units) -> Result<(), ParseError> {
    v1_blkio(text, false, c)
}

/// One of v1's two blkio throttle files (`bytes`: io_service_bytes, else io_serviced)
/// summed over the devices into its pair of `c`'s fields; the other file's pair is kept.
fn v1_blkio(text: &[u8], bytes: bool, c: &mut CgroupCounters) -> Result<(), ParseError> {
    let mut devices = Vec::new();
    blkio_devices(text, bytes, &mut devices)?;
    let kept = (c.rbytes, c.wbytes, c.rios, c.wios);
    sum_devices(c, &devices);
    if bytes {
        (c.rios, c.wios) = (kept.2, kept.3);
    } else {
        (c.rbytes, c.wbytes) = (kept.0, kept.1);
    }
    Ok(())
}

/// v2 `io.max`: a line per device with a limit, `MAJ:MIN rbps=N wbps=N riops=N
/// wiops=N`, `max` for none.
pub fn limit_io_max(text: &[u8], devices: &mut Vec<CgroupDeviceLimits>) -> Result<(), ParseError> {
    device_key_values(text, |dev, k, v| {
        let d = limit_item(devices, dev);
        let slot = match k {
            b"rbps" => &mut d.rbps,
            b"wbps" => &mut d.wbps,
            b"riops" => &mut d.riops,
            b"wiops" => &mut d.wiops,
            _ => return Ok(()),
        };
        *slot = device_value(k, v)?;
        Ok(())
    })
}

/// A v1 blkio.throttle limit file: `MAJ:MIN N` per device with a limit, into the field
/// `slot` picks.
fn v1_throttle(
    text: &[u8],
    devices: &mut Vec<CgroupDeviceLimits>,
    slot: fn(&mut CgroupDeviceLimits) -> &mut Option<u64>,
) -> Result<(), ParseError> {
    for line in lines(text) {
        let mut f = fields(line);
        let (Some(dev), Some(v)) = (f.next().and_then(device_numbers), f.next()) else {
            continue;
        };
        *slot(limit_item(devices, dev)) = Some(parse_u64(v)?);
    }
    Ok(())
}

/// v1 `blkio.throttle.read_bps_device`.
pub fn limit_v1_read_bps(text: &[u8], d: &mut Vec<CgroupDeviceLimits>) -> Result<(), ParseError> {
    v1_throttle(text, d, |l| &mut l.rbps)
}

/// v1 `blkio.throttle.write_bps_device`.
pub fn limit_v1_write_bps(text: &[u8], d: &mut Vec<CgroupDeviceLimits>) -> Result<(), ParseError> {
    v1_throttle(text, d, |l| &mut l.wbps)
}

/// v1 `blkio.throttle.read_iops_device`.
pub fn limit_v1_read_iops(text: &[u8], d: &mut Vec<CgroupDeviceLimits>) -> Result<(), ParseError> {
    v1_throttle(text, d, |l| &mut l.riops)
}

/// v1 `blkio.throttle.write_iops_device`.
pub fn limit_v1_write_iops(text: &[u8], d: &mut Vec<CgroupDeviceLimits>) -> Result<(), ParseError> {
    v1_throttle(text, d, |l| &mut l.wiops)
}

/// v2 `memory.min`.
pub fn limit_memory_min(text: &[u8], l: &mut CgroupLimits) -> Result<(), ParseError> {
    l.memory_min = parse_value(text)?;
    Ok(())
}

/// v2 `memory.swap.max`.
pub fn limit_memory_swap_max(text: &[u8], l: &mut CgroupLimits) -> Result<(), ParseError> {
    l.memory_swap_max = parse_value(text)?;
    Ok(())
}

/// v2 `cpu.max`: `QUOTA PERIOD`, QUOTA `max` for none.
pub fn limit_cpu_max(text: &[u8], l: &mut CgroupLimits) -> Result<(), ParseError> {
    let mut f = fields(text);
    let (Some(quota), Some(period)) = (f.next(), f.next()) else {
        return Err(ParseError::new("not QUOTA PERIOD"));
    };
    l.cpu_quota_us = parse_value(quota)?;
    l.cpu_period_us = Some(parse_u64(period)?);
    Ok(())
}

/// v2 `cpu.weight`.
pub fn limit_cpu_weight(text: &[u8], l: &mut CgroupLimits) -> Result<(), ParseError> {
    l.cpu_weight = parse_value(text)?;
    Ok(())
}

/// v2 `memory.max`.
pub fn limit_memory_max(text: &[u8], l: &mut CgroupLimits) -> Result<(), ParseError> {
    l.memory_max = parse_value(text)?;
    Ok(())
}

/// v2 `memory.high`.
pub fn limit_memory_high(text: &[u8], l: &mut CgroupLimits) -> Result<(), ParseError> {
    l.memory_high = parse_value(text)?;
    Ok(())
}

/// v2 `memory.low`.
pub fn limit_memory_low(text: &[u8], l: &mut CgroupLimits) -> Result<(), ParseError> {
    l.memory_low = parse_value(text)?;
    Ok(())
}

/// `pids.max` (v1 and v2).
pub fn limit_pids_max(text: &[u8], l: &mut CgroupLimits) -> Result<(), ParseError> {
    l.pids_max = parse_value(text)?;
    Ok(())
}

/// A v1 number where -1 means no limit (cpu.cfs_quota_us).
fn v1_signed(text: &[u8]) -> Result<Option<u64>, ParseError> {
    let v = fields(text)
        .next()
        .ok_or_else(|| ParseError::new("empty file"))?;
    if v.first() == Some(&b'-') {
        return Ok(None);
    }
    parse_u64(v).map(Some)
}

/// v1 `cpu.cfs_quota_us` (-1: none).
pub fn limit_v1_cfs_quota(text: &[u8], l: &mut CgroupLimits) -> Result<(), ParseError> {
    l.cpu_quota_us = v1_signed(text)?;
    Ok(())
}

/// v1 `cpu.cfs_period_us`.
pub fn limit_v1_cfs_period(text: &[u8], l: &mut CgroupLimits) -> Result<(), ParseError> {
    l.cpu_period_us = parse_value(text)?;
    Ok(())
}

/// v1 `cpu.shares`.
pub fn limit_v1_shares(text: &[u8], l: &mut CgroupLimits) -> Result<(), ParseError> {
    l.cpu_shares = parse_value(text)?;
    Ok(())
}

/// v1's "no limit" in memory.limit_in_bytes: the page counter's maximum (LONG_MAX pages'
/// worth, rounded down to a page of 4 KiB to 64 KiB).
const V1_UNLIMITED: u64 = 0x7fff_ffff_ffff_0000;

/// v1 `memory.limit_in_bytes`.
pub fn limit_v1_memory(text: &[u8], l: &mut CgroupLimits) -> Result<(), ParseError> {
    l.memory_max = parse_value(text)?.filter(|&v| v < V1_UNLIMITED);
    Ok(())
}

/// The cgroup of a process from its /proc/PID/cgroup (`ID:CONTROLLERS:PATH` lines), as a
/// path below the hierarchies' root without the leading `/` (the item path of
/// `CgroupCounters`), by one rule whatever the depths: where a v2 hierarchy is mounted
/// (`unified`), its path (the `0::` line), which is where systemd keeps its units on v2
/// and hybrid hosts; else the path of the v1 `cpuacct` hierarchy, else of `cpu` (the
/// controllers systemd's units are made in on a v1 host), else of the first of `memory`,
/// `blkio` and `pids` listed. A kernel lists `0::` even with no v2 hierarchy mounted,
/// which is why the caller says whether one is. `None` when no line names one.
pub fn process_cgroup(text: &[u8], unified: bool) -> Option<&str> {
    // Lower is better: 0 the unified path, 1 cpuacct, 2 cpu, 3 the others.
    let mut best: Option<(u8, &str)> = None;
    for line in lines(text) {
        let Ok(line) = std::str::from_utf8(line) else {
            continue;
        };
        let mut parts = line.splitn(3, ':');
        let (Some(id), Some(controllers), Some(path)) = (parts.next(), parts.next(), parts.next())
        else {
            continue;
        };
        let rank = if id == "0" && controllers.is_empty() {
            if !unified {
                continue;
            }
            0
        } else {
            let mut rank = None;
            for c in controllers.split(',') {
                let r = match c {
                    "cpuacct" => 1,
                    "cpu" => 2,
                    "memory" | "blkio" | "pids" => 3,
                    _ => continue,
                };
                rank = Some(rank.map_or(r, |k: u8| k.min(r)));
            }
            match rank {
                Some(r) => r,
                None => continue,
            }
        };
        if best.is_none_or(|(b, _)| rank < b) {
            best = Some((rank, path.trim_start_matches('/')));
        }
    }
    best.map(|(_, p)| p)
}

#[cfg(test)]
mod tests {
    use super::*;

    const U: Units = Units { user_hz: 100 };

    /// /proc/PID/cgroup of processes on hybrid hosts, as the kernel printed them: this VM
    /// (v1 cpu, cpuacct, memory, blkio, pids and a v2 hierarchy; the process in a v1
    /// memory cgroup only), and a systemd host in hybrid mode (units in every hierarchy).
    #[test]
    fn process_cgroup_takes_the_unified_path_else_cpuacct_else_cpu() {
        let v2 = b"0::/system.slice/nginx.service\n";
        assert_eq!(process_cgroup(v2, true), Some("system.slice/nginx.service"));
        let vm = b"9:name=systemd:/\n8:pids:/\n7:blkio:/\n6:freezer:/\n5:devices:/\n\
            4:memory:/process_api/e1093525ba1dc92bee4dba8974472db2\n3:cpuset:/\n2:cpuacct:/\n\
            1:cpu:/\n0::/\n";
        // The unified one, not the deeper memory cgroup: the rule is not the depth.
        assert_eq!(process_cgroup(vm, true), Some(""));
        // With no v2 hierarchy mounted, cpuacct's.
        let v1 = b"4:memory:/a/b/c\n3:cpu:/cpu-only\n2:cpuacct:/acct\n0::/\n";
        assert_eq!(process_cgroup(v1, false), Some("acct"));
        assert_eq!(
            process_cgroup(b"4:memory:/m\n1:cpu:/c\n0::/\n", false),
            Some("c")
        );
        assert_eq!(process_cgroup(b"4:memory:/m\n0::/u\n", false), Some("m"));
        // Debian 10 in systemd's hybrid mode: cpu and cpuacct share a hierarchy.
        let hybrid = b"12:cpuset:/\n11:memory:/system.slice/cron.service\n\
            5:cpu,cpuacct:/system.slice/cron.service\n4:pids:/system.slice/cron.service\n\
            1:name=systemd:/system.slice/cron.service\n0::/system.slice/cron.service\n";
        assert_eq!(
            process_cgroup(hybrid, true),
            Some("system.slice/cron.service")
        );
        assert_eq!(
            process_cgroup(hybrid, false),
            Some("system.slice/cron.service")
        );
        // A hierarchy the reader does not read is not it.
        assert_eq!(
            process_cgroup(b"9:name=systemd:/x/y\n0::/\n", true),
            Some("")
        );
        assert_eq!(process_cgroup(b"9:name=systemd:/x/y\n0::/\n", false), None);
        assert_eq!(process_cgroup(b"garbage\n", true), None);
    }

    #[test]
    fn v1_units_become_v2_units() {
        let mut c = CgroupCounters::default();
        v1_cpuacct_usage(b"14029503089347\n", &mut c, U).unwrap();
        v1_cpuacct_stat(b"user 1117329\nsystem 285620\n", &mut c, U).unwrap();
        v1_cpu_stat(
            b"nr_periods 10\nnr_throttled 4\nthrottled_time 2500000\nnr_bursts 0\n",
            &mut c,
            U,
        )
        .unwrap();
        assert_eq!(c.usage_us, Some(14_029_503_089));
        assert_eq!(c.user_us, Some(11_173_290_000));
        assert_eq!(c.system_us, Some(2_856_200_000));
        assert_eq!((c.nr_periods, c.nr_throttled), (Some(10), Some(4)));
        assert_eq!(c.throttled_us, Some(2500));
        let mut l = CgroupLimits::default();
        limit_v1_cfs_quota(b"-1\n", &mut l).unwrap();
        limit_v1_memory(b"9223372036854771712\n", &mut l).unwrap();
        assert_eq!((l.cpu_quota_us, l.memory_max), (None, None));
        limit_v1_cfs_quota(b"50000\n", &mut l).unwrap();
        limit_v1_memory(b"104857600\n", &mut l).unwrap();
        assert_eq!(
            (l.cpu_quota_us, l.memory_max),
            (Some(50000), Some(104_857_600))
        );
    }

    #[test]
    fn blkio_sums_read_and_write_lines_over_devices() {
        let text = b"8:0 Read 4096\n8:0 Write 8192\n8:0 Sync 0\n8:0 Async 12288\n8:0 Discard 0\n8:0 Total 12288\n8:16 Read 1\n8:16 Write 2\nTotal 12291\n";
        let mut c = CgroupCounters::default();
        v1_blkio_bytes(text, &mut c, U).unwrap();
        assert_eq!((c.rbytes, c.wbytes), (Some(4097), Some(8194)));
        v1_blkio_ios(b"Total 0\n", &mut c, U).unwrap();
        assert_eq!((c.rios, c.wios), (Some(0), Some(0)));
    }

    /// The kernel documentation's io.stat example (cgroup-v2.rst), and a line of a kernel
    /// with io.cost's extra keys: per device, and the sums over them.
    #[test]
    fn io_stat_per_device_and_summed() {
        let text = b"8:16 rbytes=1459200 wbytes=314773504 rios=192 wios=353 dbytes=0 dios=0\n\
            8:0 rbytes=90430464 wbytes=299008000 rios=8950 wios=1252 dbytes=50331648 dios=3021\n\
            254:0 rbytes=4096 wbytes=0 rios=1 wios=0 cost.vrate=100.00 cost.usage=12\n";
        let mut d = Vec::new();
        io_stat_devices(text, &mut d).unwrap();
        let dev: Vec<_> = d
            .iter()
            .map(|d| (d.major, d.minor, d.rbytes, d.wios, d.dbytes, d.dios))
            .collect();
        assert_eq!(
            dev,
            [
                (8, 16, Some(1_459_200), Some(353), Some(0), Some(0)),
                (
                    8,
                    0,
                    Some(90_430_464),
                    Some(1252),
                    Some(50_331_648),
                    Some(3021)
                ),
                (254, 0, Some(4096), Some(0), None, None),
            ]
        );
        let mut c = CgroupCounters::default();
        io_stat(text, &mut c, U).unwrap();
        // 1459200 + 90430464 + 4096; 314773504 + 299008000; 192 + 8950 + 1; 353 + 1252.
        assert_eq!(
            (c.rbytes, c.wbytes, c.rios, c.wios),
            (Some(91_893_760), Some(613_781_504), Some(9143), Some(1605))
        );
        io_stat(b"", &mut c, U).unwrap();
        assert_eq!(c.rbytes, Some(0), "no line: no I/O");
        let e = io_stat_devices(b"8:0 rbytes=1x\n", &mut d).unwrap_err();
        assert!(e.0.contains("rbytes"), "{e:?}");
    }

    /// v1's blkio files of this VM's kernel (a Discard line, and the Total lines), per
    /// device; v2's io.max and v1's throttle files as limits per device.
    #[test]
    fn blkio_per_device_and_io_limits() {
        let bytes = b"254:0 Read 4096\n254:0 Write 8192\n254:0 Sync 0\n254:0 Async 12288\n\
            254:0 Discard 512\n254:0 Total 12800\n8:16 Read 1\n8:16 Write 2\nTotal 12803\n";
        let ios = b"254:0 Read 1\n254:0 Write 2\n254:0 Discard 1\n254:0 Total 4\nTotal 4\n";
        let mut d = Vec::new();
        v1_blkio_bytes_devices(bytes, &mut d).unwrap();
        v1_blkio_ios_devices(ios, &mut d).unwrap();
        let got: Vec<_> = d
            .iter()
            .map(|d| {
                (
                    d.major, d.minor, d.rbytes, d.wbytes, d.rios, d.wios, d.dbytes, d.dios,
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                (
                    254,
                    0,
                    Some(4096),
                    Some(8192),
                    Some(1),
                    Some(2),
                    Some(512),
                    Some(1)
                ),
                (8, 16, Some(1), Some(2), None, None, None, None),
            ]
        );
        let mut l = Vec::new();
        limit_io_max(b"8:16 rbps=2097152 wbps=max riops=max wiops=120\n", &mut l).unwrap();
        let got: Vec<_> = l
            .iter()
            .map(|l| (l.major, l.minor, l.rbps, l.wbps, l.riops, l.wiops))
            .collect();
        assert_eq!(got, [(8, 16, Some(2_097_152), None, None, Some(120))]);
        let mut l = Vec::new();
        limit_v1_write_bps(b"254:0 1048576\n", &mut l).unwrap();
        limit_v1_read_iops(b"254:0 50\n8:0 7\n", &mut l).unwrap();
        limit_v1_read_bps(b"", &mut l).unwrap();
        let got: Vec<_> = l
            .iter()
            .map(|l| (l.major, l.minor, l.rbps, l.wbps, l.riops, l.wiops))
            .collect();
        assert_eq!(
            got,
            [
                (254, 0, None, Some(1_048_576), Some(50), None),
                (8, 0, None, None, Some(7), None)
            ]
        );
        let mut m = CgroupLimits::default();
        limit_memory_min(b"1048576\n", &mut m).unwrap();
        limit_memory_swap_max(b"max\n", &mut m).unwrap();
        assert_eq!((m.memory_min, m.memory_swap_max), (Some(1 << 20), None));
    }

    #[test]
    fn cpu_max_and_values() {
        let mut l = CgroupLimits::default();
        limit_cpu_max(b"max 100000\n", &mut l).unwrap();
        assert_eq!((l.cpu_quota_us, l.cpu_period_us), (None, Some(100_000)));
        limit_cpu_max(b"50000 100000\n", &mut l).unwrap();
        assert_eq!(l.cpu_quota_us, Some(50000));
        assert!(limit_cpu_max(b"50000\n", &mut l).is_err());
        assert_eq!(parse_value(b"max\n"), Ok(None));
        assert!(parse_value(b"").is_err());
        let mut c = CgroupCounters::default();
        let e = cpu_stat(b"usage_usec 12x\n", &mut c, U).unwrap_err();
        assert!(e.0.contains("usage_usec"), "{e:?}");
    }
}
