//! /sys/class/fc_host: each Fibre Channel host adapter's frame and word counters, for
//! `sar -n FC`. As sadc's `read_fchost`: every entry whose name starts with `host`, its
//! four `statistics/` files read as hexadecimal (`0x72400`); here the hosts are in the
//! order of their numbers (sadc keeps the directory's order, which is the file system's),
//! and a counter the HBA does not implement (all ones) or whose file is missing is absent.

use super::ParseError;
use crate::sample::{FcHost, Group};
use std::path::Path;

/// One counter file's text: a hexadecimal number with or without `0x` (as sadc's `%lx`);
/// all ones is the kernel's "not implemented by this HBA" (`None`).
pub fn parse_fc_counter(text: &[u8]) -> Result<Option<u64>, ParseError> {
    let t = std::str::from_utf8(text)
        .map_err(|_| ParseError::new("not text"))?
        .trim();
    let digits = t
        .strip_prefix("0x")
        .or_else(|| t.strip_prefix("0X"))
        .unwrap_or(t);
    let v = u64::from_str_radix(digits, 16)
        .map_err(|_| ParseError::new(format!("not a hexadecimal counter: {t:?}")))?;
    Ok(Some(v).filter(|&v| v != u64::MAX))
}

/// Read every host under `class_dir` (`SYS/class/fc_host`) into `out`, reusing its
/// entries. No directory: no hosts. A counter file that cannot be parsed is absent and
/// named in `warnings`.
pub fn read_fc_hosts(class_dir: &Path, out: &mut Vec<FcHost>, warnings: &mut Vec<String>) {
    let Ok(dir) = std::fs::read_dir(class_dir) else {
        out.clear();
        return;
    };
    let mut names: Vec<String> = dir
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.starts_with("host"))
        .collect();
    // host2 before host10.
    names.sort_by(|a, b| (a.len(), a).cmp(&(b.len(), b)));
    out.truncate(names.len());
    for (i, name) in names.into_iter().enumerate() {
        let mut host = FcHost {
            name,
            ..FcHost::default()
        };
        let stats = class_dir.join(&host.name).join("statistics");
        // Each field's file is its key.
        let mut values = [None; FcHost::FIELDS.len()];
        for (v, field) in values.iter_mut().zip(FcHost::FIELDS) {
            let Some(file) = field.key else { continue };
            let path = stats.join(file);
            let Ok(text) = std::fs::read(&path) else {
                continue;
            };
            match parse_fc_counter(&text) {
                Ok(x) => *v = x,
                Err(e) => warnings.push(format!("cannot parse {}: {}", path.display(), e.0)),
            }
        }
        // Every value fits: the fields are `Option<u64>`.
        let _ = host.set_raw_values(&values);
        match out.get_mut(i) {
            Some(slot) => *slot = host,
            None => out.push(host),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counters_are_hexadecimal_and_all_ones_is_absent() {
        assert_eq!(parse_fc_counter(b"0x72400\n").unwrap(), Some(0x72400));
        assert_eq!(parse_fc_counter(b"10\n").unwrap(), Some(16));
        assert_eq!(parse_fc_counter(b"0xffffffffffffffff\n").unwrap(), None);
        assert!(parse_fc_counter(b"0xzz\n").is_err());
        assert!(parse_fc_counter(b"\n").is_err());
    }
}
