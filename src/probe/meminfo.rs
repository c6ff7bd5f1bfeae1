//! /proc/meminfo: memory and swap levels.
//!
//! A focused parser: procfs-core's `Meminfo` builds a `HashMap` with a `String` per line
//! and measured 23 µs and about 110 heap allocations per read on this project's machine
//! (`cargo bench --bench sample -- parse`), the largest single cost of a sample. It also
//! fails the whole file when one field it expects is missing (lxcfs omits several).

use super::{fields, lines, parse_u64, ParseError};
use crate::sample::{Memory, Swap};

/// Parse /proc/meminfo into memory levels and swap levels (kB). The swap traffic counters
/// (`pswpin`/`pswpout`) live in /proc/vmstat and are left 0 here. `MemTotal` is required;
/// any other missing line reads as 0 (or `None` where older kernels lack it).
pub fn parse_meminfo(text: &[u8]) -> Result<(Memory, Swap), ParseError> {
    // The lines we keep, in this order; unknown ones are skipped before their number is
    // parsed.
    const KEYS: [&[u8]; 24] = [
        b"MemTotal",
        b"MemFree",
        b"MemAvailable",
        b"Buffers",
        b"Cached",
        b"SwapCached",
        b"Active",
        b"Inactive",
        b"SwapTotal",
        b"SwapFree",
        b"Dirty",
        b"AnonPages",
        b"Shmem",
        b"Slab",
        b"KernelStack",
        b"PageTables",
        b"Committed_AS",
        b"VmallocUsed",
        b"HugePages_Total",
        b"HugePages_Free",
        b"HugePages_Rsvd",
        b"HugePages_Surp",
        b"Hugepagesize",
        b"SReclaimable",
    ];
    let mut v: [Option<u64>; 24] = [None; 24];
    for line in lines(text) {
        let Some(colon) = memchr::memchr(b':', line) else {
            if line.trim_ascii().is_empty() {
                continue;
            }
            return Err(ParseError::new(format!(
                "line without a colon: {:?}",
                String::from_utf8_lossy(line)
            )));
        };
        let key = &line[..colon];
        // Most lines are none of ours: the first byte rules out nearly every key without
        // a comparison of the whole name.
        let Some(i) = KEYS
            .iter()
            .position(|k| k.first() == key.first() && *k == key)
        else {
            continue;
        };
        let value = fields(&line[colon + 1..])
            .next()
            .ok_or_else(|| ParseError::new("a line without a value"))?;
        v[i] = Some(parse_u64(value)?);
    }
    let z = |i: usize| v[i].unwrap_or(0);
    let m = Memory {
        mem_total: v[0].ok_or_else(|| ParseError::new("no MemTotal line"))?,
        mem_free: z(1),
        mem_available: v[2],
        buffers: z(3),
        cached: z(4),
        active: z(6),
        inactive: z(7),
        dirty: z(10),
        anon_pages: v[11],
        shmem: v[12],
        slab: z(13),
        kernel_stack: v[14],
        page_tables: v[15],
        committed_as: z(16),
        vmalloc_used: z(17),
        hugepages_total: v[18],
        hugepages_free: v[19],
        hugepages_rsvd: v[20],
        hugepages_surp: v[21],
        hugepagesize: v[22],
        s_reclaimable: v[23],
    };
    let swap_total = z(8);
    let s = Swap {
        swap_total,
        // lxcfs has been seen to print SwapFree > SwapTotal (a u64 underflow); clamp.
        swap_free: z(9).min(swap_total),
        swap_cached: z(5),
        pswpin: 0,
        pswpout: 0,
    };
    Ok((m, s))
}
