//! The interactive screen's view of a process (`ProcCounters`, made from the recorded
//! process table, `process::ProcessCounters`) and user names from /etc/passwd.

use std::collections::HashMap;

/// One process's counters at one moment.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ProcCounters {
    pub pid: u32,
    pub comm: String,
    /// R, S, D, Z, T, I…
    pub state: char,
    pub uid: u32,
    /// utime + stime, clock ticks.
    pub cpu_ticks: u64,
    /// Resident set size in kB.
    pub rss_kb: u64,
    /// When the process started, in clock ticks after boot: with the pid, it tells a
    /// process from a later one that got the same pid.
    pub start_ticks: u64,
}

/// User names by uid, from an /etc/passwd text.
pub fn parse_passwd(text: &str) -> HashMap<u32, String> {
    text.lines()
        .filter_map(|l| {
            let mut f = l.split(':');
            let name = f.next()?;
            let uid = f.nth(1)?.parse().ok()?;
            Some((uid, name.to_string()))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwd_names() {
        let m = parse_passwd(
            "root:x:0:0:root:/root:/bin/bash\nwww-data:x:33:33::/var/www:/usr/sbin/nologin\n",
        );
        assert_eq!(m.get(&33).map(String::as_str), Some("www-data"));
    }
}
