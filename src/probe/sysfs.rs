//! The facts sar takes from /sys: which block devices are whole, physical disks, and each
//! interface's link speed and duplex (for `%ifutil`).
//!
//! They change rarely, so they are cached by name and read only for a name not seen
//! before. A device keeps its kind while it exists (one that goes and comes back is read
//! again); a link's speed is read again at least once a minute of uptime and every
//! `REFRESH` samples (links renegotiate). A refresh reads in place — one reused path, one
//! reused buffer — and forgets names no longer present, so the cache neither allocates in
//! a steady state nor grows with devices and interfaces that came and went (container
//! veths).

use crate::sample::{DiskCounters, NetCounters};
use std::collections::HashMap;
use std::io::Read;
use std::path::{Path, PathBuf};

/// Refresh at least every this many samples...
const REFRESH: u32 = 60;
/// ...and every this many centiseconds of uptime.
const REFRESH_CS: u64 = 60 * 100;

#[derive(Debug)]
struct Cached<T> {
    facts: T,
    /// The sample this name was last seen in.
    seen: u32,
}

#[derive(Debug)]
pub(super) struct SysFacts {
    root: PathBuf,
    disks: HashMap<String, Cached<(bool, bool)>>,
    links: HashMap<String, Cached<(Option<u32>, bool)>>,
    /// Samples taken; the cache entries are stamped with it.
    samples: u32,
    /// The sample and uptime of the last refresh.
    refreshed: (u32, u64),
    /// Reused for every path and file read.
    path: PathBuf,
    buf: Vec<u8>,
}

impl SysFacts {
    pub(super) fn new(root: &Path) -> Self {
        SysFacts {
            root: root.to_path_buf(),
            disks: HashMap::new(),
            links: HashMap::new(),
            samples: 0,
            refreshed: (0, 0),
            path: PathBuf::new(),
            buf: Vec::new(),
        }
    }

    pub(super) fn root(&self) -> &Path {
        &self.root
    }

    /// Start a sample taken at `uptime_cs`: at least once a minute (and every `REFRESH`
    /// samples) forget the names the last sample did not have and re-read the link facts
    /// of the interfaces it had.
    pub(super) fn start_sample(&mut self, uptime_cs: u64) {
        let last = self.samples;
        self.samples = self.samples.wrapping_add(1);
        let (at, up) = self.refreshed;
        if self.samples.wrapping_sub(at) < REFRESH && uptime_cs.saturating_sub(up) < REFRESH_CS {
            return;
        }
        self.refreshed = (self.samples, uptime_cs);
        self.disks.retain(|_, c| c.seen == last);
        self.links.retain(|_, c| c.seen == last);
        let (path, buf) = (&mut self.path, &mut self.buf);
        for (name, c) in &mut self.links {
            c.facts = link_facts(path, buf, &self.root, name);
        }
    }

    /// Fill in `whole` and `physical` for each device.
    pub(super) fn classify_disks(&mut self, disks: &mut [DiskCounters]) {
        for d in disks {
            let facts = match self.disks.get_mut(&d.name) {
                Some(c) => {
                    c.seen = self.samples;
                    c.facts
                }
                None => {
                    let facts = disk_facts(&mut self.path, &self.root, &d.name);
                    let seen = self.samples;
                    self.disks.insert(d.name.clone(), Cached { facts, seen });
                    facts
                }
            };
            (d.whole, d.physical) = facts;
        }
    }

    /// Fill in link speed and duplex for each interface.
    pub(super) fn link_facts(&mut self, net: &mut [NetCounters]) {
        for i in net {
            let facts = match self.links.get_mut(&i.name) {
                Some(c) => {
                    c.seen = self.samples;
                    c.facts
                }
                None => {
                    let facts = link_facts(&mut self.path, &mut self.buf, &self.root, &i.name);
                    let seen = self.samples;
                    self.links.insert(i.name.clone(), Cached { facts, seen });
                    facts
                }
            };
            (i.speed_mbps, i.full_duplex) = facts;
        }
    }
}

/// `path` := `root/parts…` (reusing its allocation).
fn set_path(path: &mut PathBuf, root: &Path, parts: &[&str]) {
    path.as_mut_os_string().clear();
    path.push(root);
    for p in parts {
        path.push(p);
    }
}

/// Whether `/sys/block/NAME` exists (a whole disk) and has a `device` (a physical one).
fn disk_facts(path: &mut PathBuf, root: &Path, name: &str) -> (bool, bool) {
    // Names with '/' (cciss/c0d0) appear in /sys with '!'.
    let fixed;
    let name = if name.contains('/') {
        fixed = name.replace('/', "!");
        fixed.as_str()
    } else {
        name
    };
    set_path(path, root, &["block", name]);
    let whole = path.is_dir();
    path.push("device");
    (whole, path.exists())
}

/// Speed in Mb/s (`speed` reads -1 or fails with EINVAL when unknown) and full duplex.
fn link_facts(
    path: &mut PathBuf,
    buf: &mut Vec<u8>,
    root: &Path,
    name: &str,
) -> (Option<u32>, bool) {
    set_path(path, root, &["class/net", name, "speed"]);
    let speed = read_small(path, buf)
        .and_then(|s| std::str::from_utf8(s).ok())
        .and_then(|s| s.trim().parse::<i64>().ok())
        .filter(|&s| s > 0)
        .and_then(|s| u32::try_from(s).ok());
    path.set_file_name("duplex");
    let full = read_small(path, buf).is_some_and(|s| s.trim_ascii() == b"full");
    (speed, full)
}

/// The bytes of a small file, read into `buf`.
fn read_small<'a>(path: &Path, buf: &'a mut Vec<u8>) -> Option<&'a [u8]> {
    buf.clear();
    let mut f = std::fs::File::open(path).ok()?;
    // A sysfs attribute is at most a page; read it with one call into room kept for it.
    buf.resize(4096, 0);
    let mut len = 0;
    loop {
        match f.read(&mut buf[len..]) {
            Ok(0) => break,
            Ok(n) => {
                len += n;
                if len == buf.len() {
                    break;
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(_) => return None,
        }
    }
    Some(&buf[..len])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn facts_are_refreshed_and_gone_names_forgotten() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let link = |name: &str, speed: &str| {
            let d = root.join("class/net").join(name);
            std::fs::create_dir_all(&d).unwrap();
            std::fs::write(d.join("speed"), speed).unwrap();
            std::fs::write(d.join("duplex"), "full\n").unwrap();
        };
        link("eth0", "1000\n");
        link("veth1", "10000\n");
        std::fs::create_dir_all(root.join("block/vda/device")).unwrap();
        let mut facts = SysFacts::new(root);
        let iface = |name: &str| NetCounters {
            name: name.into(),
            ..Default::default()
        };
        let mut net = vec![iface("eth0"), iface("veth1")];
        let mut disks = vec![DiskCounters {
            name: "vda".into(),
            ..Default::default()
        }];
        facts.start_sample(100);
        facts.classify_disks(&mut disks);
        facts.link_facts(&mut net);
        assert_eq!((disks[0].whole, disks[0].physical), (true, true));
        assert_eq!((net[0].speed_mbps, net[0].full_duplex), (Some(1000), true));
        assert_eq!(net[1].speed_mbps, Some(10000));

        // The link renegotiates and veth1 goes away: nothing changes within the minute...
        link("eth0", "100\n");
        net.truncate(1);
        facts.start_sample(200);
        facts.link_facts(&mut net);
        assert_eq!(net[0].speed_mbps, Some(1000));
        // ...after it the new speed is read, and veth1 is forgotten.
        facts.start_sample(200 + REFRESH_CS);
        facts.link_facts(&mut net);
        assert_eq!(net[0].speed_mbps, Some(100));
        assert!(!facts.links.contains_key("veth1"));
        assert!(facts.links.contains_key("eth0"));
        // A disk not in the last sample is forgotten too.
        assert!(facts.disks.is_empty());
    }
}
