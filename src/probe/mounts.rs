//! The filesystems `sar -F` reports: the lines of /proc/self/mounts that sadc keeps, then
//! statvfs(3) of each mount point.
//!
//! sadc keeps a mount whose device is a path (`/dev/vda`), which already leaves out the
//! virtual filesystems (proc, tmpfs, cgroup) and NFS (`server:/export`), and drops one
//! whose statvfs fails or reports no blocks. rsar also leaves out network and FUSE-over-
//! network filesystems whose device happens to be a path (CIFS's `//server/share`, 9p,
//! Ceph, sshfs): statvfs on a dead server blocks, and a collector must never hang on a
//! sample. Names are unescaped as the kernel escapes them (`\040` for a space).

/// One mount sadc would look at: device, mount point and filesystem type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mount {
    pub device: String,
    pub mountpoint: String,
    pub fstype: String,
}

/// Filesystem types whose statvfs can wait on a server.
const NETWORK: &[&str] = &[
    "nfs",
    "nfs4",
    "cifs",
    "smb3",
    "smbfs",
    "ncpfs",
    "afs",
    "ceph",
    "glusterfs",
    "9p",
    "lustre",
    "gpfs",
    "fuse.sshfs",
    "fuse.s3fs",
    "fuse.glusterfs",
    "fuse.cephfs",
];

/// The mounts of /proc/self/mounts that `sar -F` considers, in the kernel's order, each
/// device once, at its first mount point: as sar, which names a filesystem by its device,
/// a device mounted again elsewhere (a bind mount, `/run/netns`, a container's volume) is
/// the same filesystem and is not listed twice.
pub fn parse_mounts(text: &[u8]) -> Vec<Mount> {
    let mut out: Vec<Mount> = Vec::new();
    for line in super::lines(text) {
        let mut f = super::fields(line);
        let (Some(dev), Some(mnt), Some(fstype)) = (f.next(), f.next(), f.next()) else {
            continue;
        };
        if !dev.starts_with(b"/") || dev.starts_with(b"//") {
            continue;
        }
        if NETWORK.iter().any(|n| n.as_bytes() == fstype) {
            continue;
        }
        let m = Mount {
            device: unescape(dev),
            mountpoint: unescape(mnt),
            fstype: unescape(fstype),
        };
        if !out.iter().any(|o| o.device == m.device) {
            out.push(m);
        }
    }
    out
}

/// `\ooo` octal escapes (space, tab, newline, backslash) back to their bytes.
fn unescape(field: &[u8]) -> String {
    let mut out = Vec::with_capacity(field.len());
    let mut i = 0;
    while i < field.len() {
        let oct = field
            .get(i + 1..i + 4)
            .filter(|d| field[i] == b'\\' && d.iter().all(|b| (b'0'..=b'7').contains(b)));
        match oct {
            Some(d) => {
                let v = d.iter().fold(0u32, |v, b| v * 8 + u32::from(b - b'0'));
                out.push(u8::try_from(v).unwrap_or(b'?'));
                i += 4;
            }
            None => {
                out.push(field[i]);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_path_devices_once_and_skips_network_filesystems() {
        let text = b"proc /proc proc rw 0 0\n\
            /dev/vda / ext4 rw 0 0\n\
            /dev/vda / ext4 rw 0 0\n\
            /dev/vda /run/netns ext4 rw 0 0\n\
            /dev/sdb1 /mnt/my\\040disk xfs rw 0 0\n\
            server:/export /nfs nfs4 rw 0 0\n\
            //server/share /smb cifs rw 0 0\n\
            /dev/fuse /remote fuse.sshfs rw 0 0\n\
            short line\n";
        let m = parse_mounts(text);
        assert_eq!(
            m,
            [
                Mount {
                    device: "/dev/vda".into(),
                    mountpoint: "/".into(),
                    fstype: "ext4".into(),
                },
                Mount {
                    device: "/dev/sdb1".into(),
                    mountpoint: "/mnt/my disk".into(),
                    fstype: "xfs".into(),
                },
            ]
        );
        assert!(parse_mounts(b"").is_empty());
        assert_eq!(unescape(b"a\\134b\\0"), "a\\b\\0");
    }
}
