//! Cgroups made for a test on the live kernel, in one or several hierarchies under the
//! same name (on a hybrid host a process is in one cgroup per hierarchy: the cpuacct one
//! counts its CPU time, the cpu one throttles it), removed when dropped, even when the
//! test fails.

use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::time::{Duration, Instant};

/// A cgroup made for a test; its processes are killed and its directories removed when
/// it is dropped.
pub struct TestCgroup {
    /// Its directory in the first hierarchy given.
    pub dir: PathBuf,
    /// Its directories in every hierarchy given: where its processes go.
    pub dirs: Vec<PathBuf>,
    /// Its path below the hierarchies' root.
    path: String,
    /// The directories made (the outer ones of a nested cgroup), removed with what is
    /// below them.
    made: Vec<PathBuf>,
    pub children: Vec<Child>,
}

/// The cgroup v2 hierarchy below /sys/fs/cgroup: `unified` on a hybrid host, the root
/// (`""`) on a v2 host; `None` after `oracle_missing` said so where there is none.
pub fn v2_hierarchy() -> Option<&'static str> {
    let found = ["unified", ""].into_iter().find(|h| {
        Path::new("/sys/fs/cgroup")
            .join(h)
            .join("cgroup.controllers")
            .exists()
    });
    if found.is_none() {
        super::oracle_missing("a cgroup v2 hierarchy (mount | grep cgroup2)");
    }
    found
}

impl TestCgroup {
    /// `rsar-test-PID-TAG` in `hierarchy` (below /sys/fs/cgroup); `None` when it is not
    /// there or not writable (not root), after `oracle_missing` said so.
    pub fn make(hierarchy: &str, tag: &str) -> Option<TestCgroup> {
        Self::make_in(&[hierarchy], tag)
    }

    /// The same cgroup in each of `hierarchies`.
    pub fn make_in(hierarchies: &[&str], tag: &str) -> Option<TestCgroup> {
        Self::made(
            hierarchies,
            format!("rsar-test-{}-{tag}", std::process::id()),
        )
    }

    /// `rsar-test-PID-TAG/LEAF` in each of `hierarchies`, its processes in the leaf: two
    /// levels deep, so that on a hybrid host it is the deepest of a process's cgroups,
    /// the one rsadc names it with.
    pub fn make_nested(hierarchies: &[&str], tag: &str, leaf: &str) -> Option<TestCgroup> {
        Self::made(
            hierarchies,
            format!("rsar-test-{}-{tag}/{leaf}", std::process::id()),
        )
    }

    /// `path` (one or two levels) made in each hierarchy.
    fn made(hierarchies: &[&str], path: String) -> Option<TestCgroup> {
        let outer = path.split('/').next().unwrap_or_default().to_string();
        let mut made = TestCgroup {
            dir: PathBuf::new(),
            dirs: Vec::new(),
            path,
            made: Vec::new(),
            children: Vec::new(),
        };
        for h in hierarchies {
            let base = Path::new("/sys/fs/cgroup").join(h);
            let (top, dir) = (base.join(&outer), base.join(&made.path));
            // The outer directory must be new (one left by another test is not ours); once
            // made, it is removed on drop whatever happens next.
            let mut result = std::fs::create_dir(&top);
            if result.is_ok() {
                made.made.push(top.clone());
                if dir != top {
                    result = std::fs::create_dir(&dir);
                }
            }
            if let Err(e) = result {
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
        self.path.clone()
    }

    /// Start `program -c SCRIPT` 15 nice steps above the tests (`nice -n -15`), stopped,
    /// and move it into the cgroup: it runs when sent SIGCONT. (It stops itself before
    /// SCRIPT, so it is in the cgroup before it uses anything and before rsadc first reads
    /// its cgroup; the priority keeps its CPU its own on a machine busy with other tests'
    /// loops, while a recorder the test starts at its own nice still gets its turn.) Its
    /// pid.
    pub fn start_stopped(&mut self, program: &Path, script: &str) -> u32 {
        let child = Command::new("nice")
            .args(["-n", "-15"])
            .arg(program)
            .args(["-c", &format!("kill -STOP $$; {script}")])
            .spawn()
            .unwrap();
        let pid = child.id();
        self.children.push(child);
        let stopped = || {
            std::fs::read_to_string(format!("/proc/{pid}/stat"))
                .is_ok_and(|s| s.rsplit(')').next().is_some_and(|r| r.starts_with(" T")))
        };
        let t0 = Instant::now();
        while !stopped() {
            assert!(
                t0.elapsed() < Duration::from_secs(10),
                "{pid} never stopped"
            );
            std::thread::sleep(Duration::from_millis(5));
        }
        for d in &self.dirs {
            std::fs::write(d.join("cgroup.procs"), pid.to_string()).unwrap();
        }
        pid
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
        for dir in &self.made {
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
