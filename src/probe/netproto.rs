//! The network protocol files: /proc/net/snmp, /proc/net/snmp6, /proc/net/sockstat,
//! /proc/net/sockstat6 and /proc/net/softnet_stat.
//!
//! Values are found by their names (the header line of a /proc/net/snmp section, the name
//! before each /proc/net/snmp6 value, the word before each sockstat number), never by
//! their position, so columns a kernel adds or lacks (`InCsumErrors`, `OutTransmits`,
//! sockstat's `mem`) move nothing. A name the kernel does not print reads as 0; a file in
//! which none of the names is found is an error. Nothing here allocates.

use super::{fields, lines, parse_u64, ParseError};
use crate::sample::{
    Field, Group, Snmp6Counters, SnmpCounters, SockStat, SockStat6, SoftnetCounters,
};
use std::ops::Range;

/// Each `SnmpCounters` field's `(section, column)` in /proc/net/snmp, in `FIELDS` order,
/// from the key the field declares (`Ip_InReceives`).
const SNMP_NAMES: [(&str, &str); SnmpCounters::FIELDS.len()] =
    section_and_column(SnmpCounters::FIELDS);

/// Each `Snmp6Counters` field's protocol and counter name, which /proc/net/snmp6 prints
/// joined (`Ip6InReceives`), in `FIELDS` order, from the field's key (`Ip6_InReceives`).
const SNMP6_NAMES: [(&str, &str); Snmp6Counters::FIELDS.len()] =
    section_and_column(Snmp6Counters::FIELDS);

/// Split each field's key at its first `_` into section and column; a field without
/// such a key fails the build.
const fn section_and_column<const N: usize>(
    group: &'static [Field],
) -> [(&'static str, &'static str); N] {
    let mut out = [("", ""); N];
    let mut i = 0;
    while i < N {
        let Some(key) = group[i].key else {
            panic!("an SNMP field without a key")
        };
        let key = key.as_bytes();
        let mut at = 0;
        while at < key.len() && key[at] != b'_' {
            at += 1;
        }
        if at == 0 || at + 1 >= key.len() {
            panic!("an SNMP key not of the form Section_Column");
        }
        let (section, column) = key.split_at(at);
        let column = column.split_at(1).1;
        out[i] = match (std::str::from_utf8(section), std::str::from_utf8(column)) {
            (Ok(s), Ok(c)) => (s, c),
            _ => panic!("a key split inside a character"),
        };
        i += 1;
    }
    out
}

/// Set a group's fields from values found by name (`None`: not found, read as 0).
fn group_from<T: Group>(raw: &[Option<u64>]) -> Result<T, ParseError> {
    let mut t = T::default();
    t.set_raw_values(raw)
        .map_err(|f| ParseError::new(format!("{f} out of range")))?;
    Ok(t)
}

/// The index in `names` of the first one `is` accepts, trying `hint` first: the kernel
/// prints the counters in the order of our tables, so the one after the last found is
/// nearly always the next, and a line costs one comparison instead of a search.
fn find_from<T>(names: &[T], hint: usize, is: impl Fn(&T) -> bool) -> Option<usize> {
    if names.get(hint).is_some_and(&is) {
        return Some(hint);
    }
    names.iter().position(is)
}

/// Name equality that rules most names out before a whole comparison: counter names of
/// one protocol share their start (`Icmp6InErrors`, `Icmp6OutErrors`) and often their
/// length, so the last byte tells more than the first.
fn same_name(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.last() == b.last() && a == b
}

fn split_section(line: &[u8]) -> Option<(&[u8], &[u8])> {
    let colon = memchr::memchr(b':', line)?;
    Some((line[..colon].trim_ascii(), &line[colon + 1..]))
}

/// Parse /proc/net/snmp: pairs of lines, `Section: Name Name …` then `Section: 1 2 …`.
pub fn parse_snmp(text: &[u8]) -> Result<SnmpCounters, ParseError> {
    let mut raw = [None; SNMP_NAMES.len()];
    let mut found = false;
    let mut header: Option<(&[u8], &[u8])> = None;
    for line in lines(text) {
        let Some((section, rest)) = split_section(line) else {
            header = None;
            continue;
        };
        match header.take() {
            Some((h, names)) if h == section => {
                // The names of this section: a run of SNMP_NAMES (none for IcmpMsg, UdpLite).
                let start = SNMP_NAMES.iter().position(|(s, _)| s.as_bytes() == section);
                let Some(start) = start else { continue };
                let len = SNMP_NAMES[start..]
                    .iter()
                    .take_while(|(s, _)| s.as_bytes() == section)
                    .count();
                let mut hint = start;
                for (name, value) in fields(names).zip(fields(rest)) {
                    let slot =
                        find_from(&SNMP_NAMES[start..start + len], hint - start, |(_, n)| {
                            same_name(n.as_bytes(), name)
                        })
                        .map(|i| start + i);
                    if let Some(i) = slot {
                        hint = (i + 1).min(start + len - 1);
                    }
                    if let Some(i) = slot {
                        raw[i] = Some(parse_u64(value).map_err(|e| {
                            ParseError::new(format!(
                                "{}: {}: {}",
                                String::from_utf8_lossy(section),
                                String::from_utf8_lossy(name),
                                e.0
                            ))
                        })?);
                        found = true;
                    }
                }
            }
            _ => header = Some((section, rest)),
        }
    }
    if !found {
        return Err(ParseError::new("no Ip, Icmp, Tcp or Udp values"));
    }
    group_from(&raw)
}

/// The protocols of /proc/net/snmp6 read here, and where each one's names are in
/// `SNMP6_NAMES`.
const IP6: &str = "Ip6";
const ICMP6: &str = "Icmp6";
const UDP6: &str = "Udp6";
const SNMP6_IP: Range<usize> = run_of(&SNMP6_NAMES, IP6);
const SNMP6_ICMP: Range<usize> = run_of(&SNMP6_NAMES, ICMP6);
const SNMP6_UDP: Range<usize> = run_of(&SNMP6_NAMES, UDP6);

/// The positions of the names of `section`, which are declared together; otherwise the
/// build fails.
const fn run_of(names: &[(&str, &str)], section: &str) -> Range<usize> {
    const fn same(a: &str, b: &str) -> bool {
        let (a, b) = (a.as_bytes(), b.as_bytes());
        if a.len() != b.len() {
            return false;
        }
        let mut i = 0;
        while i < a.len() && a[i] == b[i] {
            i += 1;
        }
        i == a.len()
    }
    let mut start = 0;
    while start < names.len() && !same(names[start].0, section) {
        start += 1;
    }
    let mut end = start;
    while end < names.len() && same(names[end].0, section) {
        end += 1;
    }
    let mut after = end;
    while after < names.len() {
        if same(names[after].0, section) {
            panic!("an SNMP section's fields are not declared together");
        }
        after += 1;
    }
    if start == end {
        panic!("no field of an SNMP section");
    }
    start..end
}

/// Parse /proc/net/snmp6: one `Name value` per line.
pub fn parse_snmp6(text: &[u8]) -> Result<Snmp6Counters, ParseError> {
    let mut raw = [None; SNMP6_NAMES.len()];
    let mut found = false;
    let mut hint = 0;
    for line in lines(text) {
        let mut f = fields(line);
        let (Some(name), Some(value)) = (f.next(), f.next()) else {
            continue;
        };
        // Search only the names of the line's protocol; per-type ICMP counters
        // (`Icmp6InType135`) and UDP-Lite are none of ours.
        let (range, counter) = if let Some(c) = name.strip_prefix(IP6.as_bytes()) {
            (SNMP6_IP, c)
        } else if name.starts_with(b"Icmp6InType") || name.starts_with(b"Icmp6OutType") {
            continue;
        } else if let Some(c) = name.strip_prefix(ICMP6.as_bytes()) {
            (SNMP6_ICMP, c)
        } else if let Some(c) = name.strip_prefix(UDP6.as_bytes()) {
            (SNMP6_UDP, c)
        } else {
            continue;
        };
        let at = hint.clamp(range.start, range.end - 1) - range.start;
        let slot = find_from(&SNMP6_NAMES[range.clone()], at, |(_, n)| {
            same_name(n.as_bytes(), counter)
        })
        .map(|i| range.start + i);
        if let Some(i) = slot {
            hint = i + 1;
            raw[i] = Some(parse_u64(value).map_err(|e| {
                ParseError::new(format!("{}: {}", String::from_utf8_lossy(name), e.0))
            })?);
            found = true;
        }
    }
    if !found {
        return Err(ParseError::new("no Ip6, Icmp6 or Udp6 values"));
    }
    group_from(&raw)
}

/// Values of a sockstat file: lines `SECTION: name value name value …`; `names` gives
/// each field's (section, name) in `FIELDS` order.
fn parse_sockstat_names<T: Group, const N: usize>(
    text: &[u8],
    names: &[(&str, &str); N],
) -> Result<T, ParseError> {
    let mut raw = [None; N];
    let mut found = false;
    for line in lines(text) {
        let Some((section, rest)) = split_section(line) else {
            continue;
        };
        let mut f = fields(rest);
        while let (Some(name), Some(value)) = (f.next(), f.next()) {
            let slot = names
                .iter()
                .position(|(s, n)| s.as_bytes() == section && n.as_bytes() == name);
            if let Some(i) = slot {
                raw[i] = Some(parse_u64(value).map_err(|e| {
                    ParseError::new(format!(
                        "{} {}: {}",
                        String::from_utf8_lossy(section),
                        String::from_utf8_lossy(name),
                        e.0
                    ))
                })?);
                found = true;
            }
        }
    }
    if !found {
        return Err(ParseError::new("no socket counts"));
    }
    group_from(&raw)
}

/// Parse /proc/net/sockstat.
pub fn parse_sockstat(text: &[u8]) -> Result<SockStat, ParseError> {
    parse_sockstat_names(
        text,
        &[
            ("sockets", "used"),
            ("TCP", "inuse"),
            ("TCP", "tw"),
            ("UDP", "inuse"),
            ("RAW", "inuse"),
            ("FRAG", "inuse"),
        ],
    )
}

/// Parse /proc/net/sockstat6.
pub fn parse_sockstat6(text: &[u8]) -> Result<SockStat6, ParseError> {
    parse_sockstat_names(
        text,
        &[
            ("TCP6", "inuse"),
            ("UDP6", "inuse"),
            ("RAW6", "inuse"),
            ("FRAG6", "inuse"),
        ],
    )
}

fn parse_hex(field: &[u8]) -> Result<u64, ParseError> {
    if field.is_empty() || field.len() > 16 {
        return Err(ParseError::new("bad hexadecimal number"));
    }
    field.iter().try_fold(0u64, |v, &b| {
        let d = (b as char)
            .to_digit(16)
            .ok_or_else(|| ParseError::new("bad hexadecimal number"))?;
        Ok(v << 4 | u64::from(d))
    })
}

/// Parse /proc/net/softnet_stat into `out`, one entry per line. A line names its CPU in
/// its 13th column since Linux 5.10; before, lines are the online CPUs in order, which
/// `online` lists.
pub fn parse_softnet(
    text: &[u8],
    mut online: impl Iterator<Item = usize>,
    out: &mut Vec<SoftnetCounters>,
) -> Result<(), ParseError> {
    out.clear();
    for line in lines(text) {
        let mut col = [0u64; 13];
        let mut n = 0;
        for (slot, f) in col.iter_mut().zip(fields(line)) {
            *slot = parse_hex(f)?;
            n += 1;
        }
        if n == 0 {
            continue;
        }
        if n < 3 {
            return Err(ParseError::new(format!("a line with {n} columns")));
        }
        let position = online.next();
        let cpu = if n >= 13 {
            col[12]
        } else {
            position.ok_or_else(|| ParseError::new("more lines than online CPUs"))? as u64
        };
        out.push(SoftnetCounters {
            cpu: u32::try_from(cpu).map_err(|_| ParseError::new("CPU number too large"))?,
            processed: col[0],
            dropped: col[1],
            time_squeeze: col[2],
            received_rps: col[9],
            flow_limit: col[10],
            backlog_len: (n >= 12).then_some(col[11]),
        });
    }
    if out.is_empty() {
        return Err(ParseError::new("no CPU lines"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_snmp6_protocols_read_cover_every_field() {
        assert_eq!(SNMP6_IP.start, 0);
        assert_eq!(SNMP6_UDP.end, SNMP6_NAMES.len());
        assert_eq!(
            (SNMP6_IP.end, SNMP6_ICMP.end),
            (SNMP6_ICMP.start, SNMP6_UDP.start)
        );
    }
}
