//! Who holds a `flock`, from /proc/locks: the kernel lists every lock there, so a reader
//! can see that rsadc is writing a file without taking a lock itself.

/// Whether a process holds a `flock` on the file `ino` of the device `dev` (from
/// /proc/locks; `false` where it cannot be read).
pub fn flock_held(dev: u64, ino: u64) -> bool {
    std::fs::read_to_string("/proc/locks").is_ok_and(|locks| listed(&locks, dev, ino))
}

/// Whether `locks` (/proc/locks) lists a `flock` on the file `ino` of the device `dev`.
/// A line reads `1: FLOCK  ADVISORY  WRITE 1234 fe:00:6670584 0 EOF` (a waiter's line has
/// `->` after the number): the device's major and minor in hex, then the inode.
fn listed(locks: &str, dev: u64, ino: u64) -> bool {
    let (major, minor) = (nix::sys::stat::major(dev), nix::sys::stat::minor(dev));
    locks.lines().any(|line| {
        let mut words = line.split_whitespace().skip(1).skip_while(|w| *w == "->");
        if words.next() != Some("FLOCK") {
            return false;
        }
        let Some(id) = words.nth(3) else {
            return false;
        };
        let mut parts = id.split(':');
        let field = |p: Option<&str>, radix| p.and_then(|p| u64::from_str_radix(p, radix).ok());
        field(parts.next(), 16) == Some(major)
            && field(parts.next(), 16) == Some(minor)
            && field(parts.next(), 10) == Some(ino)
    })
}

#[cfg(test)]
mod tests {
    use super::listed;

    #[test]
    fn a_flock_is_found_by_device_and_inode() {
        let locks = "1: FLOCK  ADVISORY  WRITE 9632 fe:00:6670584 0 EOF\n\
                     2: POSIX  ADVISORY  WRITE 31361 08:01:77 0 EOF\n\
                     3: -> FLOCK  ADVISORY  WRITE 18339 08:11:99 0 EOF\n";
        let dev = |major, minor| nix::sys::stat::makedev(major, minor);
        assert!(listed(locks, dev(0xfe, 0), 6670584));
        assert!(!listed(locks, dev(0xfe, 0), 6670585));
        assert!(!listed(locks, dev(0xfe, 1), 6670584));
        // A POSIX lock is not rsadc's.
        assert!(!listed(locks, dev(8, 1), 77));
        assert!(listed(locks, dev(8, 0x11), 99));
    }
}
