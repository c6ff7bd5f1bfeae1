//! Cgroups made for a test on the live kernel, in one or several hierarchies under the
//! same name (on a hybrid host a process is in one cgroup per hierarchy: the cpuacct one
//! counts its CPU time, the cpu one throttles it), removed when dropped, even when the
//! test fails.

use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::time::Duration;

/// A cgroup made for a test; its processes are killed and its directories removed when
/// it is dropped.
pub struct TestCgroup {
    /// Its directory in the first hierarchy given.
    pub dir: PathBuf,
    /// Its directories in every hierarchy given.
    pub dirs: Vec<PathBuf>,
    pub children: Vec<Child>,
}

impl TestCgroup {
    /// `rsar-test-PID-TAG` in `hierarchy` (below /sys/fs/cgroup); `None` when it is not
    /// there or not writable (not root), after `oracle_missing` said so.
    pub fn make(hierarchy: &str, tag: &str) -> Option<TestCgroup> {
        Self::make_in(&[hierarchy], tag)
    }

    /// The same cgroup in each of `hierarchies`.
    pub fn make_in(hierarchies: &[&str], tag: &str) -> Option<TestCgroup> {
        let name = format!("rsar-test-{}-{tag}", std::process::id());
        let mut made = TestCgroup {
            dir: PathBuf::new(),
            dirs: Vec::new(),
            children: Vec::new(),
        };
        for h in hierarchies {
            let base = Path::new("/sys/fs/cgroup").join(h);
            let dir = base.join(&name);
            if let Err(e) = std::fs::create_dir(&dir) {
                super::oracle_missing(&format!(
                    "a cgroup made in {} ({e}: run as root on a host with cgroups)",
                    base.display()
                ));
                return None;
            }
            made.dirs.push(dir);
        }
        made.dir = made.dirs.first()?.clone();
        Some(made)
    }

    /// Its path below the hierarchies' root, as rsadc records it.
    pub fn path(&self) -> String {
        self.dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    }

    /// Write `value` to `file`, in the first of its directories that has it.
    pub fn set(&self, file: &str, value: &str) {
        let target = self
            .dirs
            .iter()
            .map(|d| d.join(file))
            .find(|p| p.exists())
            .unwrap_or_else(|| self.dir.join(file));
        std::fs::write(&target, value)
            .unwrap_or_else(|e| panic!("write {value} to {}: {e}", target.display()));
    }

    /// Start `sh -c SCRIPT` in the cgroup: the shell moves itself into each of its
    /// directories before it runs SCRIPT, so that what SCRIPT starts is in it too.
    pub fn run(&mut self, script: &str) {
        let moves: String = self
            .dirs
            .iter()
            .map(|d| format!("echo $$ > '{}/cgroup.procs' && ", d.display()))
            .collect();
        let child = Command::new("sh")
            .args(["-c", &format!("{moves}exec sh -c \"$1\""), "sh", script])
            .spawn()
            .unwrap();
        self.children.push(child);
        // Moved once its pid is listed in each directory.
        let pid = self.children.last().map_or(0, Child::id).to_string();
        for _ in 0..500 {
            let moved = self.dirs.iter().all(|d| {
                std::fs::read_to_string(d.join("cgroup.procs"))
                    .is_ok_and(|p| p.lines().any(|l| l == pid))
            });
            if moved {
                return;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        panic!("process {pid} did not move into {:?}", self.dirs);
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
        for dir in &self.dirs {
            let mut removed = false;
            for _ in 0..100 {
                remove_below(dir);
                if std::fs::remove_dir(dir).is_ok() || !dir.exists() {
                    removed = true;
                    break;
                }
                std::thread::sleep(Duration::from_millis(20));
            }
            if !removed {
                eprintln!("could not remove {}", dir.display());
            }
        }
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
