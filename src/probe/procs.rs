//! User names from /etc/passwd.

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
