//! The kernel tables `sar -v` reports: /proc/sys/fs/dentry-state, file-nr, inode-state and
//! /proc/sys/kernel/pty/nr. Each is a line of whitespace-separated numbers; a reader takes
//! the leading ones it needs and ignores the rest (dentry-state has grown from 6 fields, its
//! last ones have changed meaning over the years, and inode-state's tail is padding).

use super::{fields, parse_u64, ParseError};

/// The first `N` numbers of a one-line file. Fewer than `N` is an error.
pub fn parse_numbers<const N: usize>(text: &[u8]) -> Result<[u64; N], ParseError> {
    let mut out = [0u64; N];
    let mut it = fields(text);
    for v in &mut out {
        let f = it
            .next()
            .ok_or_else(|| ParseError::new(format!("fewer than {N} numbers")))?;
        *v = parse_u64(f)?;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leading_numbers() {
        // /proc/sys/fs/dentry-state on this project's VM (Linux 6.18), tab-separated.
        assert_eq!(
            parse_numbers::<2>(b"186813\t185262\t45\t0\t67848\t0\n").unwrap(),
            [186813, 185262]
        );
        assert_eq!(
            parse_numbers::<3>(b"859\t0\t2466170\n").unwrap(),
            [859, 0, 2466170]
        );
        assert_eq!(parse_numbers::<1>(b"0\n").unwrap(), [0]);
        assert!(parse_numbers::<2>(b"12\n").is_err());
        assert!(parse_numbers::<1>(b"").is_err());
        assert!(parse_numbers::<1>(b"-1\n").is_err());
        assert!(parse_numbers::<1>(b"99999999999999999999999\n").is_err());
    }
}
