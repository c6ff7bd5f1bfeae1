//! /proc/meminfo: memory and swap levels.
//!
//! A focused parser: procfs-core's `Meminfo` builds a `HashMap` with a `String` per line
//! and measured 23 µs and about 110 heap allocations per read on this project's machine
//! (`cargo bench --bench sample -- parse`), the largest single cost of a sample. It also
//! fails the whole file when one field it expects is missing (lxcfs omits several).

use super::{fields, lines, parse_u64, ParseError};
use crate::sample::{field_position, Field, Group, Memory, Swap};

/// The file the `Memory` and `Swap` fields read here declare as their source; a field
/// with another source (`Swap`'s /proc/vmstat counters) is not looked for in it.
const SOURCE: &str = "/proc/meminfo";

/// The fields of `group` read from /proc/meminfo: the position in `FIELDS` of the one
/// whose declared `key` is the line's name, if any.
fn field_for(group: &[Field], key: &[u8]) -> Option<usize> {
    // Most lines are none of ours: the first byte rules out nearly every key without a
    // comparison of the whole name.
    let i = group.iter().position(|f| {
        f.key
            .is_some_and(|k| k.as_bytes().first() == key.first() && k.as_bytes() == key)
    })?;
    (group[i].source == SOURCE).then_some(i)
}

/// Where `mem_total` is in `Memory::FIELDS`: the one line a meminfo must have.
const MEM_TOTAL: usize = match field_position(Memory::FIELDS, "mem_total") {
    Some(i) => i,
    None => panic!("Memory declares no mem_total"),
};

/// Parse /proc/meminfo into memory levels and swap levels (kB). Each line is matched to
/// the field that declares its name as `key` in the schema. The swap traffic counters
/// (`pswpin`/`pswpout`) live in /proc/vmstat and are left 0 here. `MemTotal` is required;
/// any other missing line reads as 0 (or `None` where older kernels lack it).
pub fn parse_meminfo(text: &[u8]) -> Result<(Memory, Swap), ParseError> {
    let mut memory = [None; Memory::FIELDS.len()];
    let mut swap = [None; Swap::FIELDS.len()];
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
        let slot = if let Some(i) = field_for(Memory::FIELDS, key) {
            &mut memory[i]
        } else if let Some(i) = field_for(Swap::FIELDS, key) {
            &mut swap[i]
        } else {
            continue;
        };
        let value = fields(&line[colon + 1..])
            .next()
            .ok_or_else(|| ParseError::new("a line without a value"))?;
        *slot = Some(parse_u64(value)?);
    }
    if memory[MEM_TOTAL].is_none() {
        return Err(ParseError::new("no MemTotal line"));
    }
    let too_large = |name| ParseError::new(format!("{name} does not fit its type"));
    let mut m = Memory::default();
    m.set_raw_values(&memory).map_err(too_large)?;
    let mut s = Swap::default();
    s.set_raw_values(&swap).map_err(too_large)?;
    // lxcfs has been seen to print SwapFree > SwapTotal (a u64 underflow); clamp.
    s.swap_free = s.swap_free.min(s.swap_total);
    Ok((m, s))
}
