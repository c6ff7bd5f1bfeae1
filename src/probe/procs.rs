//! User names from /etc/passwd, and the number of users logged in (top's first line).

use std::collections::HashMap;

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

/// Users logged in, as procps counts them for top's first line: systemd-logind's
/// sessions of class `user…`, else utmp's USER_PROCESS entries (0 without utmp).
pub fn logged_in_users() -> Option<u32> {
    let sessions = logind_user_sessions(std::path::Path::new("/run/systemd/sessions"));
    if sessions > 0 {
        return Some(sessions);
    }
    let utmp = ["/run/utmp", "/var/run/utmp"]
        .iter()
        .find_map(|p| std::fs::read(p).ok())
        .unwrap_or_default();
    Some(utmp_user_processes(&utmp))
}

/// Sessions in a logind session directory whose `CLASS=` begins with `user` (user,
/// user-early, user-incomplete).
fn logind_user_sessions(dir: &std::path::Path) -> u32 {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    let mut n = 0;
    for e in entries.filter_map(Result::ok) {
        // `NAME.ref` files are references, not sessions.
        if e.file_name().to_string_lossy().contains('.') {
            continue;
        }
        let Ok(text) = std::fs::read_to_string(e.path()) else {
            continue;
        };
        if text.lines().any(|l| {
            l.strip_prefix("CLASS=")
                .is_some_and(|c| c.starts_with("user"))
        }) {
            n += 1;
        }
    }
    n
}

/// USER_PROCESS entries with a user name in a glibc utmp file (384-byte records: a
/// 16-bit type at 0, the 32-byte user name at 44).
fn utmp_user_processes(utmp: &[u8]) -> u32 {
    const RECORD: usize = 384;
    const USER_PROCESS: i16 = 7;
    let count = utmp
        .chunks_exact(RECORD)
        .filter(|r| i16::from_le_bytes([r[0], r[1]]) == USER_PROCESS && r[44] != 0)
        .count();
    u32::try_from(count).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utmp_counts_user_processes_with_a_name() {
        let mut utmp = vec![0u8; 384 * 4];
        // A login, a boot record, a user process without a name, another login.
        for (i, (kind, name)) in [(7i16, &b"ann"[..]), (2, b"reboot"), (7, b""), (7, b"bob")]
            .iter()
            .enumerate()
        {
            utmp[i * 384..i * 384 + 2].copy_from_slice(&kind.to_le_bytes());
            utmp[i * 384 + 44..i * 384 + 44 + name.len()].copy_from_slice(name);
        }
        assert_eq!(utmp_user_processes(&utmp), 2);
        assert_eq!(utmp_user_processes(&[]), 0);
    }

    #[test]
    fn logind_sessions_of_class_user() {
        let d = tempfile::tempdir().unwrap();
        std::fs::write(d.path().join("1"), "UID=1000\nCLASS=user\n").unwrap();
        std::fs::write(d.path().join("2"), "CLASS=greeter\n").unwrap();
        std::fs::write(d.path().join("3"), "CLASS=user-early\n").unwrap();
        std::fs::write(d.path().join("1.ref"), "").unwrap();
        assert_eq!(logind_user_sessions(d.path()), 2);
        assert_eq!(logind_user_sessions(&d.path().join("none")), 0);
    }

    #[test]
    fn passwd_names() {
        let m = parse_passwd(
            "root:x:0:0:root:/root:/bin/bash\nwww-data:x:33:33::/var/www:/usr/sbin/nologin\n",
        );
        assert_eq!(m.get(&33).map(String::as_str), Some("www-data"));
    }
}
