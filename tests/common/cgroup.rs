//! Cgroups made for a test in this host's hierarchies (the tests run as root).

use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::time::Duration;

/// A cgroup made for a test in one hierarchy, removed (its processes killed first) when
/// dropped, even when the test fails.
pub struct TestCgroup {
    pub dir: PathBuf,
    pub children: Vec<Child>,
}

impl TestCgroup {
    /// `None` when the hierarchy is not there or not writable (not root).
    pub fn make(hierarchy: &str, tag: &str) -> Option<TestCgroup> {
        let base = Path::new("/sys/fs/cgroup").join(hierarchy);
        let name = format!("rsar-test-{}-{tag}", std::process::id());
        let dir = base.join(name);
        match std::fs::create_dir(&dir) {
            Ok(()) => Some(TestCgroup {
                dir,
                children: Vec::new(),
            }),
            Err(e) => {
                super::oracle_missing(&format!(
                    "a cgroup made in {} ({e}: run as root on a host with cgroups)",
                    base.display()
                ));
                None
            }
        }
    }

    pub fn path(&self) -> String {
        self.dir.file_name().unwrap().to_string_lossy().into_owned()
    }

    pub fn set(&self, file: &str, value: &str) {
        std::fs::write(self.dir.join(file), value)
            .unwrap_or_else(|e| panic!("write {value} to {}: {e}", self.dir.join(file).display()));
    }

    /// Start `sh -c SCRIPT` and move it in.
    pub fn run(&mut self, script: &str) {
        let child = Command::new("sh").args(["-c", script]).spawn().unwrap();
        self.set("cgroup.procs", &child.id().to_string());
        self.children.push(child);
    }
}

impl Drop for TestCgroup {
    fn drop(&mut self) {
        for c in &mut self.children {
            let _ = c.kill();
            let _ = c.wait();
        }
        // The kernel frees a cgroup a moment after its last task exits. Child cgroups a
        // test made (and left when it failed) go first.
        for _ in 0..100 {
            remove_below(&self.dir);
            if std::fs::remove_dir(&self.dir).is_ok() || !self.dir.exists() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        eprintln!("could not remove {}", self.dir.display());
    }
}

/// Remove the cgroups below `dir`, deepest first (rmdir: a cgroup's files go with it).
fn remove_below(dir: &Path) {
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        if e.file_type().is_ok_and(|t| t.is_dir()) {
            remove_below(&e.path());
            let _ = std::fs::remove_dir(e.path());
        }
    }
}
