//! /proc/vmstat: paging and swap traffic.
//!
//! A focused parser rather than procfs-core's `VmStat`, which builds a `HashMap` of all
//! ~180 lines (a `String` each) when we need a dozen families. Every line we need starts
//! with `p`, so the others are skipped after one byte.

use super::{lines, parse_u64, ParseError};
use crate::sample::Paging;

/// What one /proc/vmstat read yields.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct VmCounters {
    pub paging: Paging,
    pub pswpin: u64,
    pub pswpout: u64,
}

pub fn parse_vmstat(text: &[u8]) -> Result<VmCounters, ParseError> {
    let mut v = VmCounters::default();
    let mut any = false;
    for line in lines(text) {
        any = true;
        if line.first() != Some(&b'p') {
            continue;
        }
        let Some(sp) = memchr::memchr(b' ', line) else {
            continue;
        };
        let key = &line[..sp];
        let p = &mut v.paging;
        let slot = match key {
            b"pgpgin" => &mut p.pgpgin,
            b"pgpgout" => &mut p.pgpgout,
            b"pgfault" => &mut p.pgfault,
            b"pgmajfault" => &mut p.pgmajfault,
            b"pgfree" => &mut p.pgfree,
            b"pswpin" => &mut v.pswpin,
            b"pswpout" => &mut v.pswpout,
            b"pgpromote_success" => &mut p.pgpromote,
            k if k.starts_with(b"pgscan_kswapd") => &mut p.pgscan_kswapd,
            k if k.starts_with(b"pgscan_direct") && !k.ends_with(b"_throttle") => {
                &mut p.pgscan_direct
            }
            b"pgsteal_anon" => p.pgsteal_anon.get_or_insert(0),
            b"pgsteal_file" => p.pgsteal_file.get_or_insert(0),
            // pgsteal_kswapd*, pgsteal_direct* (and older kernels' pgsteal_{normal,dma,...});
            // pgsteal_anon/pgsteal_file above split the same steals by type instead.
            k if k.starts_with(b"pgsteal_") => &mut p.pgsteal,
            k if k.starts_with(b"pgdemote_") => &mut p.pgdemote,
            _ => continue,
        };
        *slot = slot.saturating_add(parse_u64(line[sp + 1..].trim_ascii())?);
    }
    if !any {
        return Err(ParseError::new("empty file"));
    }
    Ok(v)
}
