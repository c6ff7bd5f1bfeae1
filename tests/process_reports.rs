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

/// A copy of `yes` under a name of its own (one per test: tests run at once): a busy
/// loop on one CPU.
fn busy(dir: &Path, name: &str) -> Child {
    let bin = dir.join(name);
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
    let bin = dir.join("rsardst");
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
    // A name short enough for top's 80 columns (a longer one is cut, with a +).
    let mut running = Running(vec![busy(d.path(), "rsarbusy")]);
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
    // waited for a CPU (%wait, when the machine is busy with other work: with two CPUs
    // shared by several builds it may run only a tenth of the time) all the time.
    let out = common::run(&rsar_bin(), &["pidstat", "-u", "-C", "rsarbusy", "-f", f]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let report = text(&out.stdout);
    let rows: Vec<&str> = report
        .lines()
        .filter(|l| l.ends_with("rsarbusy") && !l.starts_with("Average"))
        .collect();
    assert_eq!(rows.len(), 3, "{report}");
    for r in &rows {
        let col = |i: usize| -> f64 { r.split_whitespace().nth(i).unwrap().parse().unwrap() };
        let (cpu, wait) = (col(7), col(6));
        assert!(cpu + wait > 80.0 && cpu > 2.0, "{r}");
    }
    // Only the process asked for.
    assert!(
        report
            .lines()
            .filter(|l| l.contains(" 0 ") || l.contains("%usr"))
            .all(|l| l.contains("rsarbusy") || l.contains("%usr")),
        "{report}"
    );

    // top at the end of the log: the processes sorted by %CPU, the busy one among them
    // with its share of a CPU (other tests and builds may be busier).
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
    let busy = listed.iter().position(|l| l.ends_with("rsarbusy")).unwrap();
    assert!(cpu(listed[busy]) > 2.0, "{snapshot}");

    // --state D: the one waiting for its vfork child, and nothing busy.
    if has_stuck {
        let out = common::run(&rsar_bin(), &["top", "-f", f, "--state", "D"]);
        let snapshot = text(&out.stdout);
        let listed: Vec<&str> = snapshot
            .lines()
            .skip_while(|l| !l.trim_start().starts_with("PID"))
            .skip(1)
            .collect();
        assert!(listed.iter().any(|l| l.ends_with("rsardst")), "{snapshot}");
        assert!(
            listed
                .iter()
                .all(|l| l.split_whitespace().nth(7) == Some("D")),
            "{snapshot}"
        );
        // top's Tasks line counts the uninterruptible ones as sleeping.
        let tasks = snapshot.lines().find(|l| l.starts_with("Tasks:")).unwrap();
        assert!(!tasks.contains(" 0 sleeping"), "{tasks}");
    }
}

/// A process as a made-up /proc tree shows it: the numbers the reports read.
#[derive(Clone, Copy)]
struct FakeProcess {
    pid: u32,
    comm: &'static str,
    /// Start, in clock ticks after boot.
    start: u64,
    utime: u64,
    stime: u64,
    /// Runnable-waiting time from /proc/PID/schedstat, ns.
    wait_ns: u64,
    minflt: u64,
    vsize: u64,
    /// Resident pages.
    rss: u64,
}

impl FakeProcess {
    fn new(pid: u32, comm: &'static str, start: u64) -> Self {
        FakeProcess {
            pid,
            comm,
            start,
            utime: 0,
            stime: 0,
            wait_ns: 0,
            minflt: 0,
            vsize: 10 << 20,
            rss: 256,
        }
    }
}

/// Copy a directory tree.
fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_tree(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), target).unwrap();
        }
    }
}

/// The tree at `root` (a copy of a captured machine's /proc and /sys) at `uptime_s`, with
/// exactly the processes `procs`.
fn fake_moment(root: &Path, uptime_s: f64, procs: &[FakeProcess]) {
    let proc = root.join("proc");
    for e in std::fs::read_dir(&proc).unwrap() {
        let e = e.unwrap();
        if e.file_name()
            .to_str()
            .unwrap()
            .bytes()
            .all(|b| b.is_ascii_digit())
        {
            std::fs::remove_dir_all(e.path()).unwrap();
        }
    }
    std::fs::write(proc.join("uptime"), format!("{uptime_s:.2} 0.00\n")).unwrap();
    for p in procs {
        let dir = proc.join(p.pid.to_string());
        std::fs::create_dir_all(&dir).unwrap();
        // Fields after the name: state ppid pgrp session tty tpgid flags minflt cminflt
        // majflt cmajflt utime stime cutime cstime priority nice threads itrealvalue
        // starttime vsize rss …, processor (36), blkio ticks (39), guest time (40).
        let mut f: Vec<String> = vec!["0".into(); 50];
        f[0] = "S".into();
        f[1] = "1".into();
        f[7] = p.minflt.to_string();
        f[11] = p.utime.to_string();
        f[12] = p.stime.to_string();
        f[15] = "20".into();
        f[17] = "1".into();
        f[19] = p.start.to_string();
        f[20] = p.vsize.to_string();
        f[21] = p.rss.to_string();
        f[36] = "1".into();
        let stat = format!("{} ({}) {}\n", p.pid, p.comm, f.join(" "));
        std::fs::write(dir.join("stat"), stat).unwrap();
        std::fs::write(
            dir.join("status"),
            format!(
                "Name:\t{}\nUid:\t0\t0\t0\t0\nVmRSS:\t{} kB\nRssAnon:\t1 kB\nRssFile:\t300 kB\nRssShmem:\t100 kB\nThreads:\t1\nvoluntary_ctxt_switches:\t0\nnonvoluntary_ctxt_switches:\t0\n",
                p.comm,
                p.rss * 4
            ),
        )
        .unwrap();
        std::fs::write(dir.join("schedstat"), format!("0 {} 0\n", p.wait_ns)).unwrap();
        std::fs::write(dir.join("cmdline"), format!("{}\0", p.comm)).unwrap();
    }
}

/// Three moments 10 s apart, recorded by rsadc: `steady` runs throughout, `gone` exits in
/// the second interval, `late` starts in it.
fn record_three_moments(dir: &Path) -> std::path::PathBuf {
    let root = dir.join("root");
    copy_tree(&common::fixture("t0"), &root);
    let logs = dir.join("logs");
    std::fs::create_dir_all(&logs).unwrap();
    let mut steady = FakeProcess::new(100, "steady", 500);
    let mut gone = FakeProcess::new(300, "gone", 600);
    let mut late = FakeProcess::new(400, "late", 101_500);
    // 0.9 ms of waiting is no whole tick yet; 10 ms is one, 29 ms two.
    steady.wait_ns = 9_000_000;
    let moments: [(i64, f64, Vec<FakeProcess>); 3] = [
        (0, 1000.0, vec![steady, gone]),
        (10, 1010.0, {
            steady.utime = 100;
            steady.wait_ns = 10_000_000;
            steady.minflt = 50;
            gone.utime = 200;
            vec![steady, gone]
        }),
        (20, 1020.0, {
            steady.utime = 200;
            steady.wait_ns = 29_000_000;
            steady.rss = 512;
            late.utime = 100;
            late.stime = 50;
            vec![steady, late]
        }),
    ];
    for (at, uptime, procs) in moments {
        fake_moment(&root, uptime, &procs);
        let out = common::rsadc_on(&root, at, &["1", "1", logs.to_str().unwrap()]);
        assert!(out.status.success(), "{}", text(&out.stderr));
    }
    logs.join("rsar20251121")
}

#[test]
fn pidstat_intervals_and_averages_follow_pidstat() {
    let d = tempdir();
    let log = record_three_moments(d.path());
    let out = common::run(&rsar_bin(), &["pidstat", "-u", "-f", log.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let report = text(&out.stdout);
    let body: String = report.lines().skip(1).collect::<Vec<_>>().join("\n");
    // Each header carries the time of the sample the interval starts at. %wait counts
    // whole ticks of each sample, as pidstat reads them (0 → 1 → 2 ticks: 0.10% each
    // time, where the nanoseconds would give 0.01% and 0.19%). `Average:` divides by
    // the whole run: `late`, there for the last interval only, averages half its rate;
    // `gone`, not there at the end, has no average.
    let want = "
10:00:00      UID       PID    %usr %system  %guest   %wait    %CPU   CPU  Command
10:00:10        0       100   10.00    0.00    0.00    0.10   10.00     1  steady
10:00:10        0       300   20.00    0.00    0.00    0.00   20.00     1  gone

10:00:10      UID       PID    %usr %system  %guest   %wait    %CPU   CPU  Command
10:00:20        0       100   10.00    0.00    0.00    0.10   10.00     1  steady
10:00:20        0       400   10.00    5.00    0.00    0.00   15.00     1  late

Average:      UID       PID    %usr %system  %guest   %wait    %CPU   CPU  Command
Average:        0       100   10.00    0.00    0.00    0.10   10.00     -  steady
Average:        0       400    5.00    2.50    0.00    0.00    7.50     -  late";
    assert_eq!(body, want, "{report}");

    // -r: a process whose RSS grew is shown though it had no fault (and one new since
    // the first sample, as pidstat counts from zero); the averages of VSZ and RSS are
    // over the intervals the process was there, the rates over the whole run.
    let out = common::run(&rsar_bin(), &["pidstat", "-r", "-f", log.to_str().unwrap()]);
    let report = text(&out.stdout);
    let average: Vec<&str> = report
        .lines()
        .skip_while(|l| !l.starts_with("Average:"))
        .collect();
    assert_eq!(
        average[1..].join("\n"),
        "Average:        0       100      2.50      0.00   10240    1536   0.01  steady\n\
         Average:        0       400      0.00      0.00   10240    1024   0.00  late",
        "{report}"
    );
}

/// The real tool a behaviour is copied from, when it is installed. Without it the
/// comparison is skipped with a message, unless RSAR_REQUIRE_ORACLES=1 asks for it.
fn oracle(name: &str) -> Option<std::path::PathBuf> {
    let found = ["/usr/bin", "/bin", "/usr/local/bin"]
        .iter()
        .map(|d| Path::new(d).join(name))
        .find(|p| p.exists());
    if found.is_none() {
        oracle_missing(&format!("{name} (apt-get install sysstat procps)"));
    }
    found
}

/// `theirs args…` and `rsar ours…` started at the same moment; their outputs, once rsar
/// has succeeded.
fn side_by_side(theirs: &Path, args: &[&str], ours: &[&str]) -> (String, String) {
    let (theirs, ours) = (spawn(theirs, args), spawn(&rsar_bin(), ours));
    let (theirs, ours) = (
        theirs.wait_with_output().unwrap(),
        ours.wait_with_output().unwrap(),
    );
    assert!(ours.status.success(), "{}", text(&ours.stderr));
    (text(&theirs.stdout), text(&ours.stdout))
}

/// Start `bin args…` now, with the tests' time zone and locale.
fn spawn(bin: &Path, args: &[&str]) -> Child {
    Command::new(bin)
        .args(args)
        .env("TZ", "UTC")
        .env("LC_ALL", "C")
        .env_remove("S_TIME_FORMAT")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// A line with its times blanked (the two tools may straddle a second).
fn without_times(line: &str) -> String {
    line.split(' ')
        .map(|w| {
            let time = w.len() == 8 && w.as_bytes()[2] == b':' && w.as_bytes()[5] == b':';
            if time {
                "HH:MM:SS"
            } else {
                w
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// A busy process named `name` and a sleeping one, stopped when dropped, and their pids
/// as `-p` takes them.
fn busy_and_asleep(dir: &Path, name: &str) -> (Running, String) {
    let mut running = Running(vec![busy(dir, name)]);
    running.0.push(
        Command::new("sleep")
            .arg("60")
            .stdout(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let pids = format!("{},{}", running.0[0].id(), running.0[1].id());
    (running, pids)
}

#[test]
fn pidstat_side_by_side_with_sysstats_pidstat() {
    let Some(pidstat) = oracle("pidstat") else {
        return;
    };
    let d = tempdir();
    let (_running, pids) = busy_and_asleep(d.path(), "rsarside_yes");
    for flags in [
        &["-u"][..],
        &["-u", "-r", "-w"],
        &["-d"],
        &["-h", "-u", "-r"],
        &["-U", "-u"],
    ] {
        let mut args: Vec<&str> = flags.to_vec();
        args.extend(["-p", &pids, "1", "2"]);
        let mut ours_args = vec!["pidstat"];
        ours_args.extend(&args);
        let (theirs, ours) = side_by_side(&pidstat, &args, &ours_args);
        let both = format!("pidstat {args:?}:\n{theirs}\nrsar:\n{ours}");
        let (t, o): (Vec<&str>, Vec<&str>) = (theirs.lines().collect(), ours.lines().collect());
        assert_eq!(t.len(), o.len(), "{both}");
        // Both print the interval's start time on its header and its end on its rows.
        if !flags.contains(&"-h") {
            for lines in [&t, &o] {
                for w in lines.windows(2) {
                    let time = |l: &str| l.split(' ').next().unwrap_or_default().to_string();
                    if w[0].contains("PID") && !w[0].starts_with("Average") {
                        assert!(time(w[0]) < time(w[1]), "{both}");
                    }
                }
            }
        }
        for (t, o) in t.iter().zip(&o).skip(1) {
            let (t, o) = (without_times(t), without_times(o));
            if t.is_empty() || t.contains("PID") {
                // Empty lines and headers: the same, byte for byte.
                assert_eq!(t, o, "{both}");
                continue;
            }
            // Rows: the same process and columns; numbers within sampling skew (the busy
            // one is at about 100% in both, or waiting for a CPU).
            let (tw, ow): (Vec<&str>, Vec<&str>) = (
                t.split_whitespace().collect(),
                o.split_whitespace().collect(),
            );
            assert_eq!(tw.len(), ow.len(), "{both}");
            for (a, b) in tw.iter().zip(&ow) {
                match (a.parse::<f64>(), b.parse::<f64>()) {
                    (Ok(x), Ok(y)) if a.contains('.') => {
                        assert!((x - y).abs() <= 30.0, "{a} vs {b}\n{both}")
                    }
                    // The CPU a process last ran on may differ between two looks.
                    (Ok(x), Ok(y)) if x < 64.0 && y < 64.0 && !a.contains('.') => {}
                    // VSZ and RSS of a program that is not changing; pids, uids, names.
                    _ => assert_eq!(a, b, "{both}"),
                }
            }
        }
    }
}

#[test]
fn top_from_the_logs_shows_shr_and_cpu_over_the_interval_before() {
    let d = tempdir();
    let log = record_three_moments(d.path());
    let out = common::run(&rsar_bin(), &["top", "-f", log.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let snapshot = text(&out.stdout);
    let lines: Vec<&str> = snapshot.lines().collect();
    // The logged-in users of a past moment are not known: procps' "?" for that.
    assert!(
        lines[0].starts_with("top - 10:00:20 up 17 min,  ? users,  load average: "),
        "{snapshot}"
    );
    assert_eq!(
        lines[1], "Tasks:   2 total,   0 running,   2 sleeping,   0 stopped,   0 zombie",
        "{snapshot}"
    );
    // SHR is RssFile + RssShmem; %CPU is over the 10 s before (late: since it started);
    // TIME+ is all the CPU time it used.
    let rows: Vec<String> = lines[7..]
        .iter()
        .map(|l| {
            let w: Vec<&str> = l.split_whitespace().collect();
            [&w[..9], &w[10..]].concat().join(" ")
        })
        .collect();
    assert_eq!(
        rows,
        [
            "400 root 20 0 10240 1024 400 S 15.0 0:01.50 late",
            "100 root 20 0 10240 2048 400 S 10.0 0:02.00 steady",
        ],
        "{snapshot}"
    );
    assert_eq!(
        lines[6],
        "  PID USER      PR  NI    VIRT    RES    SHR S  %CPU  %MEM     TIME+ COMMAND"
    );
}

#[test]
fn top_refuses_an_unknown_state_or_user_naming_what_it_takes() {
    let out = common::run(&rsar_bin(), &["top", "--state", "Q"]);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    for state in [
        "'Q'",
        "R (running)",
        "S (sleeping)",
        "D (uninterruptible)",
        "Z (zombie)",
    ] {
        assert!(err.contains(state), "{err}");
    }
    let out = common::run(&rsar_bin(), &["top", "-u", "no-such-user-here"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("no-such-user-here"));
    let out = common::run(&rsar_bin(), &["top", "-u", "root", "-p", "1"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    // top refuses both too.
    if let Some(top) = oracle("top") {
        let theirs = common::run(&top, &["-b", "-n", "1", "-u", "no-such-user-here"]);
        assert_eq!(theirs.status.code(), Some(1));
        let theirs = common::run(&top, &["-b", "-n", "1", "-u", "root", "-p", "1"]);
        assert_eq!(theirs.status.code(), Some(1));
    }
}

#[test]
fn top_prints_a_snapshot_per_interval_and_until_interrupted_without_count() {
    let out = common::run(&rsar_bin(), &["top", "-p", "1", "1", "3"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let report = text(&out.stdout);
    assert_eq!(report.matches("top - ").count(), 3, "{report}");
    assert_eq!(
        report.lines().filter(|l| l.is_empty()).count(),
        3 + 2,
        "{report}"
    );

    // Without COUNT: a snapshot each second until Ctrl-C, as top -b -d 1.
    let child = spawn(&rsar_bin(), &["top", "-p", "1", "1"]);
    std::thread::sleep(std::time::Duration::from_millis(3500));
    nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(child.id() as i32),
        nix::sys::signal::Signal::SIGINT,
    )
    .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let report = text(&out.stdout);
    assert!(report.matches("top - ").count() >= 2, "{report}");
}

/// A line without its spaces, each number made a `#` (numbers may differ between two
/// looks at a moving machine, and take a column more or less).
fn skeleton(line: &str) -> String {
    let mut out = String::new();
    for c in line.chars().filter(|&c| c != ' ') {
        if c.is_ascii_digit() || c == '.' {
            if !out.ends_with('#') {
                out.push('#');
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[test]
fn top_side_by_side_with_procps_top() {
    let Some(top) = oracle("top") else {
        return;
    };
    let d = tempdir();
    let (_running, pids) = busy_and_asleep(d.path(), "rsartop_yes_with_a_long_name");
    // These two processes; a user with no process (the Tasks line counts all of them).
    for choice in [["-p", pids.as_str()], ["-u", "nobody"]] {
        let mut theirs_args = vec!["-b", "-d", "1", "-n", "2"];
        theirs_args.extend(choice);
        let mut ours_args = vec!["top"];
        ours_args.extend(choice);
        ours_args.extend(["1", "2"]);
        let (theirs, ours) = side_by_side(&top, &theirs_args, &ours_args);
        let both = format!("top {theirs_args:?}:\n{theirs}\nrsar {ours_args:?}:\n{ours}");
        let (t, o): (Vec<&str>, Vec<&str>) = (theirs.lines().collect(), ours.lines().collect());
        assert_eq!(t.len(), o.len(), "{both}");
        let last_frame = t.iter().rposition(|l| l.starts_with("top - ")).unwrap();
        for (i, (t, o)) in t.iter().zip(&o).enumerate() {
            let summary = ["top - ", "Tasks:", "%Cpu", "MiB "]
                .iter()
                .any(|p| t.starts_with(p));
            if t.is_empty() || t.contains("PID USER") || summary {
                // The same words and fields; the fixed-width lines the same length (the
                // first line's uptime and load take what they need, in both).
                assert_eq!(skeleton(t), skeleton(o), "{both}");
                if !t.starts_with("top - ") {
                    assert_eq!(t.len(), o.len(), "{both}");
                }
                continue;
            }
            // Process rows, sorted by %CPU: the busy one first. PID, USER, PR, NI, VIRT,
            // SHR and the command (cut to 80 columns with a +) as top's; RES close (it is
            // /proc/PID/stat's, which Linux 6.2+ sums from per-CPU counters approximately,
            // where top reads statm's); %CPU within sampling skew in the last frame (top's
            // first frame is over a moment).
            let (tw, ow): (Vec<&str>, Vec<&str>) = (
                t.split_whitespace().collect(),
                o.split_whitespace().collect(),
            );
            assert_eq!(tw.len(), ow.len(), "{both}");
            for k in [0, 1, 2, 3, 4, 6, 11] {
                assert_eq!(tw[k], ow[k], "column {k}\n{both}");
            }
            let res = |w: &[&str]| w[5].parse::<f64>().unwrap();
            assert!((res(&tw) - res(&ow)).abs() <= 1024.0, "{both}");
            assert_eq!(t.len(), o.len(), "{both}");
            if i > last_frame {
                let cpu = |w: &[&str]| w[8].parse::<f64>().unwrap();
                assert!((cpu(&tw) - cpu(&ow)).abs() <= 35.0, "{both}");
            }
        }
    }
}
