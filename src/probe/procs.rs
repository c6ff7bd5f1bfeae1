//! The process table: /proc/[pid]/stat and status for every process, as top shows them.
//!
//! Read only for the interactive screen (the collector does not record processes).

use super::ParseError;
use std::collections::HashMap;
use std::path::Path;

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

/// Parse /proc/[pid]/stat: `pid (comm) state ppid … utime stime … rss …`. The command
/// name may contain spaces and parentheses: it runs to the last `)`.
pub fn parse_proc_stat(text: &[u8], page_kb: u64) -> Result<ProcCounters, ParseError> {
    let text = std::str::from_utf8(text).map_err(|_| ParseError::new("not UTF-8"))?;
    let open = text
        .find('(')
        .ok_or_else(|| ParseError::new("no command name"))?;
    let close = text
        .rfind(')')
        .ok_or_else(|| ParseError::new("no command name"))?;
    let pid = text[..open]
        .trim()
        .parse()
        .map_err(|_| ParseError::new("bad pid"))?;
    let comm = text[open + 1..close].to_string();
    let rest: Vec<&str> = text[close + 1..].split_whitespace().collect();
    // After the name: state(0) ppid(1) … utime(11) stime(12) … rss(21).
    let field = |i: usize| -> Result<u64, ParseError> {
        rest.get(i)
            .and_then(|v| v.parse().ok())
            .ok_or_else(|| ParseError::new(format!("field {} missing", i + 3)))
    };
    Ok(ProcCounters {
        pid,
        comm,
        state: rest.first().and_then(|s| s.chars().next()).unwrap_or('?'),
        uid: 0,
        cpu_ticks: field(11)? + field(12)?,
        rss_kb: field(21)? * page_kb,
        start_ticks: field(19)?,
    })
}

/// Every process under `proc_root` that could be read (processes vanish while we look).
pub fn read_processes(proc_root: &Path, page_size: u32) -> Vec<ProcCounters> {
    let page_kb = u64::from(page_size / 1024).max(1);
    let Ok(dir) = std::fs::read_dir(proc_root) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for e in dir.filter_map(Result::ok) {
        let name = e.file_name();
        let Some(pid) = name
            .to_str()
            .filter(|n| n.bytes().all(|b| b.is_ascii_digit()))
        else {
            continue;
        };
        let base = proc_root.join(pid);
        let Ok(stat) = std::fs::read(base.join("stat")) else {
            continue;
        };
        let Ok(mut p) = parse_proc_stat(&stat, page_kb) else {
            continue;
        };
        if let Ok(status) = std::fs::read_to_string(base.join("status")) {
            p.uid = status
                .lines()
                .find_map(|l| l.strip_prefix("Uid:"))
                .and_then(|v| v.split_whitespace().next())
                .and_then(|v| v.parse().ok())
                .unwrap_or(0);
        }
        out.push(p);
    }
    out
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
    fn a_command_with_spaces_and_parentheses() {
        // Captured from this project's machine, with the name changed to a hard one.
        let text = b"1234 (tmux: server (1)) S 1 1234 1234 0 -1 4194624 1163 0 0 0 25 13 0 0 20 0 1 0 3611 9814016 1162 18446744073709551615 1 1 0 0 0 0 0 4096 134759937 0 0 0 17 1 0 0 0 0 0 0 0 0 0 0 0 0 0\n";
        let p = parse_proc_stat(text, 4).unwrap();
        assert_eq!(p.pid, 1234);
        assert_eq!(p.comm, "tmux: server (1)");
        assert_eq!(p.state, 'S');
        assert_eq!(p.cpu_ticks, 38);
        assert_eq!(p.rss_kb, 1162 * 4);
        assert_eq!(p.start_ticks, 3611);
        assert!(parse_proc_stat(b"12 (x) S 1", 4).is_err());
    }

    #[test]
    fn passwd_names() {
        let m = parse_passwd(
            "root:x:0:0:root:/root:/bin/bash\nwww-data:x:33:33::/var/www:/usr/sbin/nologin\n",
        );
        assert_eq!(m.get(&33).map(String::as_str), Some("www-data"));
    }

    #[test]
    fn this_machine_has_processes() {
        let v = read_processes(Path::new("/proc"), 4096);
        assert!(v.iter().any(|p| p.pid == std::process::id()));
    }
}
