//! Process history end to end: a busy process and one stuck in uninterruptible sleep,
//! recorded by rsadc, found again by `rsar pidstat`, `rsar top` and `rsar top --state D`.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failure report

mod common;

use common::{oracle_missing, rsadc_bin, rsar_bin, tempdir, text};
use std::path::Path;
use std::process::{Child, Command, Stdio};

/// Processes started for the test, killed at the end.
struct Running(Vec<Child>);

impl Drop for Running {
    fn drop(&mut self) {
        for c in &mut self.0 {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

/// A copy of `yes` under a name of its own: a busy loop on one CPU.
fn busy(dir: &Path) -> Child {
    let bin = dir.join("rsarbusy_yes");
    std::fs::copy("/usr/bin/yes", &bin).unwrap();
    Command::new(&bin).stdout(Stdio::null()).spawn().unwrap()
}

/// A process in uninterruptible sleep: the parent of a vfork child waits in state D until
/// the child execs or exits (the child sleeps). Built with the C compiler CI has.
fn stuck(dir: &Path) -> Option<Child> {
    let src = dir.join("dstate.c");
    std::fs::write(
        &src,
        "#include <unistd.h>\nint main(void){ if (vfork()==0){ sleep(60); _exit(0);} return 0; }\n",
    )
    .unwrap();
    let bin = dir.join("rsar_dstate");
    let built = Command::new("cc").arg("-o").arg(&bin).arg(&src).status();
    if !built.is_ok_and(|s| s.success()) {
        oracle_missing("a C compiler (cc), for the D-state part");
        return None;
    }
    Some(Command::new(&bin).spawn().unwrap())
}

#[test]
fn a_busy_and_a_stuck_process_are_found_in_the_recorded_history() {
    let d = tempdir();
    let mut running = Running(vec![busy(d.path())]);
    let has_stuck = match stuck(d.path()) {
        Some(c) => {
            running.0.push(c);
            true
        }
        None => false,
    };
    std::thread::sleep(std::time::Duration::from_millis(300));
    let log = d.path().join("log");
    let out = common::run(&rsadc_bin(), &["--file", log.to_str().unwrap(), "1", "4"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let f = log.to_str().unwrap();

    // pidstat: the busy process wanted a whole CPU in each interval: it ran (%CPU) or
    // waited for a CPU (%wait, when the machine is busy with other work) all the time.
    let out = common::run(&rsar_bin(), &["pidstat", "-u", "-C", "rsarbusy", "-f", f]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let report = text(&out.stdout);
    let rows: Vec<&str> = report
        .lines()
        .filter(|l| l.ends_with("rsarbusy_yes") && !l.starts_with("Average"))
        .collect();
    assert_eq!(rows.len(), 3, "{report}");
    for r in &rows {
        let col = |i: usize| -> f64 { r.split_whitespace().nth(i).unwrap().parse().unwrap() };
        let (cpu, wait) = (col(7), col(6));
        assert!(cpu + wait > 80.0 && cpu > 20.0, "{r}");
    }
    // Only the process asked for.
    assert!(
        report
            .lines()
            .filter(|l| l.contains(" 0 ") || l.contains("%usr"))
            .all(|l| l.contains("rsarbusy") || l.contains("%usr")),
        "{report}"
    );

    // top at the end of the log: the processes sorted by %CPU, the busy one among the
    // first (other tests may be busy too).
    let out = common::run(&rsar_bin(), &["top", "-f", f]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let snapshot = text(&out.stdout);
    assert!(snapshot.starts_with("top - "), "{snapshot}");
    assert!(snapshot.contains("Tasks:"), "{snapshot}");
    let listed: Vec<&str> = snapshot
        .lines()
        .skip_while(|l| !l.trim_start().starts_with("PID"))
        .skip(1)
        .collect();
    let cpu = |l: &str| -> f64 { l.split_whitespace().nth(8).unwrap().parse().unwrap() };
    assert!(
        listed.windows(2).all(|w| cpu(w[0]) >= cpu(w[1])),
        "{snapshot}"
    );
    let busy = listed
        .iter()
        .position(|l| l.ends_with("rsarbusy_yes"))
        .unwrap();
    assert!(busy < 5 && cpu(listed[busy]) > 20.0, "{snapshot}");

    // --state D: the one waiting for its vfork child, and nothing busy.
    if has_stuck {
        let out = common::run(&rsar_bin(), &["top", "-f", f, "--state", "D"]);
        let snapshot = text(&out.stdout);
        let listed: Vec<&str> = snapshot
            .lines()
            .skip_while(|l| !l.trim_start().starts_with("PID"))
            .skip(1)
            .collect();
        assert!(
            listed.iter().any(|l| l.ends_with("rsar_dstate")),
            "{snapshot}"
        );
        assert!(
            listed
                .iter()
                .all(|l| l.split_whitespace().nth(6) == Some("D")),
            "{snapshot}"
        );
        let tasks = snapshot.lines().find(|l| l.starts_with("Tasks:")).unwrap();
        assert!(!tasks.contains(" 0 uninterruptible"), "{tasks}");
    }
}
