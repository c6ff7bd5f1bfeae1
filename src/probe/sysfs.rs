//! The facts sar takes from /sys: which block devices are whole, physical disks, and each
//! interface's link speed and duplex (for `%ifutil`).
//!
//! They change rarely, so they are cached by name and re-read only for a name not seen
//! before, and every `REFRESH` samples for link speed (links renegotiate).

use crate::sample::{DiskCounters, NetCounters};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

const REFRESH: u32 = 60;

#[derive(Debug)]
pub(super) struct SysFacts {
    root: PathBuf,
    disks: HashMap<String, (bool, bool)>,
    links: HashMap<String, (Option<u32>, bool)>,
    samples: u32,
}

impl SysFacts {
    pub(super) fn new(root: &Path) -> Self {
        SysFacts {
            root: root.to_path_buf(),
            disks: HashMap::new(),
            links: HashMap::new(),
            samples: 0,
        }
    }

    pub(super) fn root(&self) -> &Path {
        &self.root
    }

    /// Fill in `whole` and `physical` for each device.
    pub(super) fn classify_disks(&mut self, disks: &mut [DiskCounters]) {
        for d in disks {
            let facts = match self.disks.get(&d.name) {
                Some(f) => *f,
                None => {
                    // Names with '/' (cciss/c0d0) appear in /sys with '!'.
                    let dir = self.root.join("block").join(d.name.replace('/', "!"));
                    let f = (dir.is_dir(), dir.join("device").exists());
                    self.disks.insert(d.name.clone(), f);
                    f
                }
            };
            (d.whole, d.physical) = facts;
        }
    }

    /// Fill in link speed and duplex for each interface.
    pub(super) fn link_facts(&mut self, net: &mut [NetCounters]) {
        self.samples = self.samples.wrapping_add(1);
        if self.samples % REFRESH == 0 {
            self.links.clear();
            self.disks.clear();
        }
        for i in net {
            let facts = match self.links.get(&i.name) {
                Some(f) => *f,
                None => {
                    let dir = self.root.join("class/net").join(&i.name);
                    let f = read_link(&dir);
                    self.links.insert(i.name.clone(), f);
                    f
                }
            };
            (i.speed_mbps, i.full_duplex) = facts;
        }
    }
}

/// Speed in Mb/s (`speed` reads -1 or fails with EINVAL when unknown) and full duplex.
fn read_link(dir: &Path) -> (Option<u32>, bool) {
    let speed = std::fs::read_to_string(dir.join("speed"))
        .ok()
        .and_then(|s| s.trim().parse::<i64>().ok())
        .filter(|&s| s > 0)
        .and_then(|s| u32::try_from(s).ok());
    let full = std::fs::read_to_string(dir.join("duplex"))
        .map(|s| s.trim() == "full")
        .unwrap_or(false);
    (speed, full)
}
