//! /proc/meminfo: memory and swap levels.

use super::ParseError;
use crate::sample::{Memory, Swap};
use procfs_core::{FromRead, Meminfo};

/// Parse /proc/meminfo into memory levels and swap levels (kB). The swap traffic counters
/// (`pswpin`/`pswpout`) live in /proc/vmstat and are left 0 here.
pub fn parse_meminfo(text: &[u8]) -> Result<(Memory, Swap), ParseError> {
    let m = Meminfo::from_read(text)?;
    // procfs-core converts kB to bytes; the kernel's unit is kB, and so is ours.
    let kb = |bytes: u64| bytes / 1024;
    let okb = |bytes: Option<u64>| bytes.map(kb);
    let memory = Memory {
        mem_total: kb(m.mem_total),
        mem_free: kb(m.mem_free),
        mem_available: okb(m.mem_available),
        buffers: kb(m.buffers),
        cached: kb(m.cached),
        active: kb(m.active),
        inactive: kb(m.inactive),
        dirty: kb(m.dirty),
        shmem: okb(m.shmem),
        slab: kb(m.slab),
        committed_as: kb(m.committed_as),
        anon_pages: okb(m.anon_pages),
        kernel_stack: okb(m.kernel_stack),
        page_tables: okb(m.page_tables),
        vmalloc_used: kb(m.vmalloc_used),
        hugepages_total: m.hugepages_total,
        hugepages_free: m.hugepages_free,
        hugepages_rsvd: m.hugepages_rsvd,
        hugepages_surp: m.hugepages_surp,
        hugepagesize: okb(m.hugepagesize),
    };
    let swap = Swap {
        swap_total: kb(m.swap_total),
        // lxcfs has been seen to print SwapFree > SwapTotal (a u64 underflow); clamp.
        swap_free: kb(m.swap_free).min(kb(m.swap_total)),
        swap_cached: kb(m.swap_cached),
        pswpin: 0,
        pswpout: 0,
    };
    Ok((memory, swap))
}
