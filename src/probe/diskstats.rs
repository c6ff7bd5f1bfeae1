//! /proc/diskstats: every field of every block device.
//!
//! Kernels print 14 fields (before 4.18), 18 (4.18: discards) or 20 (5.5: flushes); 2.4
//! and early 2.6 kernels printed partitions with 7 (reads, read sectors, writes, write
//! sectors). A line whose discard or flush group is cut short (12, 13, 14 or 16
//! statistics; sysstat's own test roots have one) keeps the group with its missing
//! counters as 0, as sysstat reads it: a group is always whole, so what is recorded is
//! always what the log's reader expects. A line of another width (1–3 or 5–10 statistics)
//! is not a device the kernel ever printed and is skipped. A focused parser rather than procfs-core's `DiskStat::from_line`: it reuses the device
//! name strings of the previous sample, which matters on machines with hundreds of
//! devices (sysstat #183).

use super::{fields, numbers, parse_u64, ParseError};
use crate::sample::DiskCounters;

/// Parse /proc/diskstats into `disks`, reusing its entries. The /sys facts (`whole`,
/// `physical`) are left as they were; the probe fills them in.
pub fn parse_diskstats(text: &[u8], disks: &mut Vec<DiskCounters>) -> Result<(), ParseError> {
    let mut n = 0;
    for line in super::lines(text) {
        let mut f = fields(line);
        let Some(major) = f.next() else { continue };
        let minor = f.next();
        let name = f.next();
        let (Some(minor), Some(name)) = (minor, name) else {
            return Err(ParseError::new("line with fewer than 3 fields"));
        };
        let mut read = [0u64; 17];
        let mut count = 0;
        for (slot, v) in read.iter_mut().zip(numbers(f.rest())) {
            *slot = v?;
            count += 1;
        }
        let counters = match count {
            11.. => read,
            // major minor name reads read_sectors writes write_sectors (Linux 2.4, 2.6 < 2.6.25).
            4 => {
                let mut c = [0u64; 17];
                (c[0], c[2], c[4], c[6]) = (read[0], read[1], read[2], read[3]);
                c
            }
            _ => continue,
        };
        let name =
            std::str::from_utf8(name).map_err(|_| ParseError::new("device name not UTF-8"))?;
        if disks.len() <= n {
            disks.push(DiskCounters::default());
        }
        let d = &mut disks[n];
        n += 1;
        if d.name != name {
            d.name.clear();
            d.name.push_str(name);
            d.whole = false;
            d.physical = false;
        }
        d.major = small(major)?;
        d.minor = small(minor)?;
        let c = &counters;
        d.reads = c[0];
        d.reads_merged = c[1];
        d.read_sectors = c[2];
        d.read_ms = c[3];
        d.writes = c[4];
        d.writes_merged = c[5];
        d.write_sectors = c[6];
        d.write_ms = c[7];
        d.in_flight = c[8];
        d.io_ticks_ms = c[9];
        d.weighted_ms = c[10];
        // Each optional group whole or absent: missing counters of a group cut short are 0.
        let group = |present: bool, i: usize| present.then_some(c[i]);
        let (discards, flushes) = (count > 11, count > 15);
        d.discards = group(discards, 11);
        d.discards_merged = group(discards, 12);
        d.discard_sectors = group(discards, 13);
        d.discard_ms = group(discards, 14);
        d.flushes = group(flushes, 15);
        d.flush_ms = group(flushes, 16);
    }
    disks.truncate(n);
    Ok(())
}

fn small(field: &[u8]) -> Result<u32, ParseError> {
    u32::try_from(parse_u64(field)?).map_err(|_| ParseError::new("device number too large"))
}
