//! /proc/meminfo: memory and swap levels.
//!
//! A focused parser: procfs-core's `Meminfo` builds a `HashMap` with a `String` per line
//! and measured 23 µs and about 110 heap allocations per read on this project's machine
//! (`cargo bench --bench sample -- parse`), the largest single cost of a sample. It also
//! fails the whole file when one field it expects is missing (lxcfs omits several).

use super::{fields, parse_u64, ParseError};
use crate::sample::{Memory, Swap};

/// Parse /proc/meminfo into memory levels and swap levels (kB). The swap traffic counters
/// (`pswpin`/`pswpout`) live in /proc/vmstat and are left 0 here. `MemTotal` is required;
/// any other missing line reads as 0 (or `None` where older kernels lack it).
pub fn parse_meminfo(text: &[u8]) -> Result<(Memory, Swap), ParseError> {
    let mut m = Memory::default();
    let mut s = Swap::default();
    let mut total = None;
    for line in text.split(|&b| b == b'\n') {
        let mut f = fields(line);
        let (Some(key), Some(value)) = (f.next(), f.next()) else {
            continue;
        };
        let Some(key) = key.strip_suffix(b":") else {
            return Err(ParseError::new(format!(
                "line without a colon: {:?}",
                String::from_utf8_lossy(line)
            )));
        };
        let v = parse_u64(value)?;
        match key {
            b"MemTotal" => total = Some(v),
            b"MemFree" => m.mem_free = v,
            b"MemAvailable" => m.mem_available = Some(v),
            b"Buffers" => m.buffers = v,
            b"Cached" => m.cached = v,
            b"SwapCached" => s.swap_cached = v,
            b"Active" => m.active = v,
            b"Inactive" => m.inactive = v,
            b"SwapTotal" => s.swap_total = v,
            b"SwapFree" => s.swap_free = v,
            b"Dirty" => m.dirty = v,
            b"AnonPages" => m.anon_pages = Some(v),
            b"Shmem" => m.shmem = Some(v),
            b"Slab" => m.slab = v,
            b"KernelStack" => m.kernel_stack = Some(v),
            b"PageTables" => m.page_tables = Some(v),
            b"Committed_AS" => m.committed_as = v,
            b"VmallocUsed" => m.vmalloc_used = v,
            b"HugePages_Total" => m.hugepages_total = Some(v),
            b"HugePages_Free" => m.hugepages_free = Some(v),
            b"HugePages_Rsvd" => m.hugepages_rsvd = Some(v),
            b"HugePages_Surp" => m.hugepages_surp = Some(v),
            b"Hugepagesize" => m.hugepagesize = Some(v),
            _ => {}
        }
    }
    m.mem_total = total.ok_or_else(|| ParseError::new("no MemTotal line"))?;
    // lxcfs has been seen to print SwapFree > SwapTotal (a u64 underflow); clamp.
    s.swap_free = s.swap_free.min(s.swap_total);
    Ok((m, s))
}
