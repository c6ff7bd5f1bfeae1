//! The facts sar takes from /sys: which block devices are whole, physical disks, and each
//! interface's link speed and duplex (for `%ifutil`).
//!
//! They change rarely, so they are cached by name and read only for a name not seen
//! before. A device keeps its kind while it exists (one that goes and comes back is read
//! again); a link's speed is read again at least once a minute of uptime and every
//! `REFRESH` samples (links renegotiate). A refresh reads in place — one reused path, one
//! reused buffer, each file opened relative to a kept descriptor of `class/net` — and
//! forgets names no longer present, so the cache neither allocates in a steady state nor
//! grows with devices and interfaces that came and went (container veths). `duplex` is
//! read only for a link whose speed is known: without one `%ifutil` has no use for it.

use crate::sample::{DiskCounters, NetCounters};
use nix::fcntl::{openat, OFlag};
use nix::sys::stat::Mode;
use std::collections::HashMap;
use std::os::fd::OwnedFd;
use std::path::{Path, PathBuf};

/// Refresh at least every this many samples...
pub(super) const REFRESH: u32 = 60;
/// ...and every this many centiseconds of uptime.
const REFRESH_CS: u64 = 60 * 100;

/// Facts cached by name. Nearly every sample lists the same names in the same order as
/// the one before: such a sample takes each fact by position, comparing names, with no
/// lookup; any other makes a pass through the map, which stamps the names it has.
#[derive(Debug)]
struct Known<T> {
    /// Each name's facts, and the pass that last saw it.
    by_name: HashMap<String, (T, u32)>,
    /// The names of the last pass, in order, with their facts.
    order: Vec<(String, T)>,
    pass: u32,
    /// Facts in `by_name` were read again since `order` was made.
    stale: bool,
}

impl<T: Copy> Known<T> {
    fn new() -> Self {
        Known {
            by_name: HashMap::new(),
            order: Vec::new(),
            pass: 0,
            stale: false,
        }
    }

    /// Give each item the facts of its name (`name`, `set`); `fetch` reads those of a
    /// name not seen before.
    fn apply<I>(
        &mut self,
        items: &mut [I],
        name: impl Fn(&I) -> &str,
        set: impl Fn(&mut I, T),
        mut fetch: impl FnMut(&str) -> T,
    ) {
        let same = !self.stale
            && items.len() == self.order.len()
            && items
                .iter()
                .zip(&self.order)
                .all(|(i, (n, _))| name(i) == n);
        if same {
            for (i, (_, facts)) in items.iter_mut().zip(&self.order) {
                set(i, *facts);
            }
            return;
        }
        self.stale = false;
        self.pass = self.pass.wrapping_add(1);
        self.order.truncate(items.len());
        for (k, i) in items.iter_mut().enumerate() {
            let n = name(i);
            let facts = match self.by_name.get_mut(n) {
                Some((facts, seen)) => {
                    *seen = self.pass;
                    *facts
                }
                None => {
                    let facts = fetch(n);
                    self.by_name.insert(n.to_owned(), (facts, self.pass));
                    facts
                }
            };
            match self.order.get_mut(k) {
                Some(o) => {
                    o.0.clear();
                    o.0.push_str(n);
                    o.1 = facts;
                }
                None => self.order.push((n.to_owned(), facts)),
            }
            set(i, facts);
        }
    }

    /// Forget the names the last pass did not see.
    fn forget_gone(&mut self) {
        let pass = self.pass;
        self.by_name.retain(|_, (_, seen)| *seen == pass);
    }
}

#[derive(Debug)]
pub(super) struct SysFacts {
    root: PathBuf,
    disks: Known<(bool, bool)>,
    links: Known<(Option<u32>, bool)>,
    /// Samples taken.
    samples: u32,
    /// The sample and uptime of the last refresh.
    refreshed: (u32, u64),
    /// `root/class/net`, opened at the start and, while it cannot be, at each refresh.
    net_dir: Option<OwnedFd>,
    /// Reused for every path and file read.
    path: PathBuf,
    name: String,
    buf: Vec<u8>,
}

impl SysFacts {
    pub(super) fn new(root: &Path) -> Self {
        let mut facts = SysFacts {
            root: root.to_path_buf(),
            disks: Known::new(),
            links: Known::new(),
            samples: 0,
            refreshed: (0, 0),
            net_dir: None,
            path: PathBuf::new(),
            name: String::new(),
            buf: Vec::new(),
        };
        facts.open_net_dir();
        facts
    }

    pub(super) fn root(&self) -> &Path {
        &self.root
    }

    /// Start a sample taken at `uptime_cs`: at least once a minute (and every `REFRESH`
    /// samples) forget the names the last sample did not have and re-read the link facts
    /// of the interfaces it had.
    pub(super) fn start_sample(&mut self, uptime_cs: u64) {
        self.samples = self.samples.wrapping_add(1);
        let (at, up) = self.refreshed;
        if self.samples.wrapping_sub(at) < REFRESH && uptime_cs.saturating_sub(up) < REFRESH_CS {
            return;
        }
        self.refreshed = (self.samples, uptime_cs);
        self.disks.forget_gone();
        self.links.forget_gone();
        if self.net_dir.is_none() {
            self.open_net_dir();
        }
        let (dir, file, buf) = (&self.net_dir, &mut self.name, &mut self.buf);
        for (name, (facts, _)) in &mut self.links.by_name {
            *facts = link_facts(dir.as_ref(), file, buf, name);
        }
        self.links.stale = true;
    }

    fn open_net_dir(&mut self) {
        set_path(&mut self.path, &self.root, &["class/net"]);
        let flags = OFlag::O_RDONLY | OFlag::O_DIRECTORY | OFlag::O_CLOEXEC;
        self.net_dir = nix::fcntl::open(&self.path, flags, Mode::empty()).ok();
    }

    /// The files a refresh reads, relative to `class/net` (`bench/collector-floor.sh`).
    pub(super) fn refreshed_link_files(&self) -> (PathBuf, Vec<String>) {
        let mut files = Vec::new();
        for (name, (facts, _)) in &self.links.by_name {
            files.push(format!("{name}/speed"));
            if facts.0.is_some() {
                files.push(format!("{name}/duplex"));
            }
        }
        files.sort();
        (self.root.join("class/net"), files)
    }

    /// Fill in `whole` and `physical` for each device.
    pub(super) fn classify_disks(&mut self, disks: &mut [DiskCounters]) {
        let (path, root) = (&mut self.path, &self.root);
        self.disks.apply(
            disks,
            |d| &d.name,
            |d, facts| (d.whole, d.physical) = facts,
            |name| disk_facts(path, root, name),
        );
    }

    /// Fill in link speed and duplex for each interface.
    pub(super) fn link_facts(&mut self, net: &mut [NetCounters]) {
        let (dir, file, buf) = (&self.net_dir, &mut self.name, &mut self.buf);
        self.links.apply(
            net,
            |i| &i.name,
            |i, facts| (i.speed_mbps, i.full_duplex) = facts,
            |name| link_facts(dir.as_ref(), file, buf, name),
        );
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

/// Speed in Mb/s (`speed` reads -1 or fails with EINVAL when unknown) and full duplex,
/// from `dir` (`class/net`); `file` is scratch for the relative path.
fn link_facts(
    dir: Option<&OwnedFd>,
    file: &mut String,
    buf: &mut Vec<u8>,
    name: &str,
) -> (Option<u32>, bool) {
    let Some(dir) = dir else {
        return (None, false);
    };
    // The kernel takes no '/' and no "." or ".." as an interface name; a name from
    // another tree that does is none of ours.
    if name.is_empty() || name.contains('/') || name == "." || name == ".." {
        return (None, false);
    }
    let mut read = |attribute: &str, buf: &mut Vec<u8>| {
        file.clear();
        file.push_str(name);
        file.push('/');
        file.push_str(attribute);
        read_small(dir, file, buf)
    };
    let speed = read("speed", buf)
        .and_then(|s| std::str::from_utf8(&buf[..s]).ok())
        .and_then(|s| s.trim().parse::<i64>().ok())
        .filter(|&s| s > 0)
        .and_then(|s| u32::try_from(s).ok());
    let full =
        speed.is_some() && read("duplex", buf).is_some_and(|n| buf[..n].trim_ascii() == b"full");
    (speed, full)
}

/// Read the small file `dir/rel` into `buf`, giving its length. A sysfs attribute is at
/// most a page, and the kernel makes it whole at the first read: one call into room kept
/// for a page reads all of it, with no second read to see the end.
fn read_small(dir: &OwnedFd, rel: &str, buf: &mut Vec<u8>) -> Option<usize> {
    let fd = openat(dir, rel, OFlag::O_RDONLY | OFlag::O_CLOEXEC, Mode::empty()).ok()?;
    buf.resize(4096, 0);
    loop {
        match nix::unistd::read(&fd, buf) {
            Ok(n) => return Some(n),
            Err(nix::errno::Errno::EINTR) => {}
            Err(_) => return None,
        }
    }
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
        // No known speed (a tun device reads -1): its duplex is no use to %ifutil.
        link("tun0", "-1\n");
        std::fs::create_dir_all(root.join("block/vda/device")).unwrap();
        let mut facts = SysFacts::new(root);
        let iface = |name: &str| NetCounters {
            name: name.into(),
            ..Default::default()
        };
        let mut net = vec![iface("eth0"), iface("veth1"), iface("tun0")];
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
        assert_eq!((net[2].speed_mbps, net[2].full_duplex), (None, false));
        let (dir, files) = facts.refreshed_link_files();
        assert_eq!(dir, root.join("class/net"));
        assert_eq!(
            files,
            [
                "eth0/duplex",
                "eth0/speed",
                "tun0/speed",
                "veth1/duplex",
                "veth1/speed"
            ]
        );

        // The link renegotiates and veth1 goes away: nothing changes within the minute...
        link("eth0", "100\n");
        net.truncate(1);
        facts.start_sample(200);
        facts.classify_disks(&mut []);
        facts.link_facts(&mut net);
        assert_eq!(net[0].speed_mbps, Some(1000));
        // ...after it the new speed is read, and veth1 is forgotten.
        facts.start_sample(200 + REFRESH_CS);
        facts.link_facts(&mut net);
        assert_eq!(net[0].speed_mbps, Some(100));
        assert!(!facts.links.by_name.contains_key("veth1"));
        assert!(facts.links.by_name.contains_key("eth0"));
        // A disk not in the last sample is forgotten too.
        assert!(facts.disks.by_name.is_empty());
    }
}
