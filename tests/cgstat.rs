//! `rsar cgstat` and `rsar cgtop` on what the real rsadc recorded: on the live kernel, as
//! root, cgroups made for the test in the v2 and v1 hierarchies with a busy process moved
//! in, one with a CPU quota, one with a memory limit its process goes over; and a
//! generated v2 tree (the memory and io files this VM's kernel keeps in v1) recorded
//! twice behind `--proc-root`/`--sys-root`, with every number worked out by hand.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failure report

mod common;

use common::cgroups::TestCgroup;
use common::{rsadc_bin, rsar_bin, text};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;
use std::time::Duration;

/// The live tests one at a time: each wants a CPU to itself.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

const BUSY: &str = "while :; do :; done";

/// The cpu (v1) hierarchy's largest weight: on this shared 2-CPU VM, where compilers run
/// beside the tests (each session an autogroup of the weight of a nice-0 task), a busy
/// task in a cpu cgroup of this weight still gets nearly a whole CPU.
const HEAVY_SHARES: &str = "262144";

fn rsar(args: &[&str]) -> String {
    let out = Command::new(rsar_bin())
        .args(args)
        .env("TZ", "UTC")
        .env("LC_ALL", "C")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "rsar {args:?}: {}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    text(&out.stdout)
}

/// `samples` samples of this machine a second apart, recorded by rsadc into a new file.
fn record_live(dir: &Path, samples: u32) -> PathBuf {
    let log = dir.join("live.rsar");
    let out = Command::new(rsadc_bin())
        .args(["--no-processes", "--file"])
        .arg(&log)
        .args(["1", &samples.to_string()])
        .env("TZ", "UTC")
        .output()
        .unwrap();
    assert!(out.status.success(), "rsadc: {}", text(&out.stderr));
    log
}

/// The rows of the cgroup at `path` (as printed, with its `/`) in a cgstat table: the
/// time label and the cells before NAME.
fn rows_of(out: &str, path: &str) -> Vec<(String, Vec<String>)> {
    out.lines()
        .filter_map(|l| {
            let w: Vec<&str> = l.split_whitespace().collect();
            (w.len() > 3 && w[w.len() - 1] == path).then(|| {
                (
                    w[0].to_string(),
                    w[1..w.len() - 2].iter().map(|s| s.to_string()).collect(),
                )
            })
        })
        .collect()
}

fn number(cell: &str) -> f64 {
    cell.parse()
        .unwrap_or_else(|_| panic!("{cell:?} is not a number"))
}

/// The first cgroup `rsar cgtop` lists below the root, as a tree at `at`.
fn first_below_root(log: &Path, at: &str) -> String {
    let out = rsar(&["cgtop", "-f", log.to_str().unwrap(), "-s", at]);
    let lines: Vec<&str> = out.lines().collect();
    assert!(lines.len() > 3, "{out}");
    assert!(lines[2].starts_with("/ "), "the root first: {out}");
    lines[3].split_whitespace().next().unwrap().to_string()
}

/// A busy process in a cgroup (also in a cpu cgroup of the largest weight): the average
/// of the three intervals shows about one CPU, and cgtop lists the cgroup first at the
/// end of the second interval.
fn busy_cgroup_shows_one_cpu(cg: &mut TestCgroup) -> (PathBuf, tempfile::TempDir) {
    cg.set("cpu.shares", HEAVY_SHARES);
    cg.run(BUSY);
    std::thread::sleep(Duration::from_millis(300));
    let dir = common::tempdir();
    let log = record_live(dir.path(), 4);
    let path = format!("/{}", cg.path());
    let out = rsar(&["cgstat", "-u", "-f", log.to_str().unwrap()]);
    let rows = rows_of(&out, &path);
    assert_eq!(rows.len(), 4, "three intervals and Average: {out}");
    assert_eq!(rows[3].0, "Average:");
    for (at, cells) in &rows {
        let cpu = number(&cells[2]);
        // About one CPU on average; an interval may lose some to whatever else this
        // shared VM runs.
        let least = if at == "Average:" { 80.0 } else { 60.0 };
        assert!((least..=105.0).contains(&cpu), "{at}: %CPU {cpu}\n{out}");
        // %usr + %sys is %CPU, to the rounding of each.
        let parts = number(&cells[0]) + number(&cells[1]);
        assert!((parts - cpu).abs() < 2.0, "{at}: {cells:?}");
    }
    assert_eq!(first_below_root(&log, &rows[1].0), cg.path());
    (log, dir)
}

#[test]
fn a_busy_process_in_a_v2_cgroup_is_one_cpu_and_first_in_cgtop() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let Some(mut cg) = TestCgroup::make_in(&["unified", "cpu"], "cgv2busy") else {
        return;
    };
    let (log, _dir) = busy_cgroup_shows_one_cpu(&mut cg);
    // v2 has pressure per cgroup: the busy task waits for a CPU now and then, but is
    // never stalled on memory.
    let out = rsar(&["cgstat", "--psi", "-f", log.to_str().unwrap()]);
    let rows = rows_of(&out, &format!("/{}", cg.path()));
    let smem = number(&rows[0].1[2]);
    assert!(smem < 1.0, "{out}");
    assert!(number(&rows[0].1[0]) >= 0.0, "{out}");
}

#[test]
fn a_busy_process_in_a_v1_cpuacct_cgroup_is_one_cpu_and_first_in_cgtop() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let Some(mut cg) = TestCgroup::make_in(&["cpuacct", "cpu"], "cgv1busy") else {
        return;
    };
    let (log, _dir) = busy_cgroup_shows_one_cpu(&mut cg);
    // v1 has no pressure per cgroup, nor throttling without the cpu controller: absent,
    // not 0.
    let log = log.to_str().unwrap();
    let path = format!("/{}", cg.path());
    let psi = rsar(&["cgstat", "--psi", "-f", log]);
    for (at, cells) in rows_of(&psi, &path) {
        assert_eq!(cells, ["-"; 6], "{at}\n{psi}");
    }
    let cpu = rsar(&["cgstat", "-f", log]);
    assert!(
        rows_of(&cpu, &path).iter().all(|(_, c)| c[3] == "-"),
        "{cpu}"
    );
    // JSON says the same with null.
    let json: serde_json::Value = serde_json::from_str(&rsar(&[
        "cgstat", "-u", "--psi", "--format", "json", "-f", log,
    ]))
    .unwrap();
    let mine = json["intervals"][0]["cgroups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["path"] == path.as_str())
        .unwrap()
        .clone();
    assert!(mine["pressure"]["%scpu"].is_null(), "{mine}");
    assert!(mine["cpu"]["%CPU"].as_f64().unwrap() > 80.0, "{mine}");
}

/// 20 ms per 100 ms period: the cgroup gets 20 % of a CPU and is throttled in nearly
/// every period. Its cpu cgroup gets the largest weight (cpu.shares), so that on this
/// shared VM it gets its 20 ms every period.
#[test]
fn a_cpu_quota_shows_twenty_percent_and_its_throttling() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let Some(mut cg) = TestCgroup::make_in(&["cpu", "cpuacct"], "cgquota") else {
        return;
    };
    cg.set("cpu.cfs_period_us", "100000");
    cg.set("cpu.cfs_quota_us", "20000");
    cg.set("cpu.shares", HEAVY_SHARES);
    cg.run(BUSY);
    std::thread::sleep(Duration::from_millis(300));
    let dir = common::tempdir();
    let log = record_live(dir.path(), 4);
    let out = rsar(&["cgstat", "-u", "-f", log.to_str().unwrap()]);
    let rows = rows_of(&out, &format!("/{}", cg.path()));
    assert_eq!(rows.len(), 4, "{out}");
    for (at, cells) in &rows {
        let cpu = number(&cells[2]);
        assert!((15.0..=22.0).contains(&cpu), "{at}: %CPU {cpu}\n{out}");
        let throttled = number(&cells[3]);
        assert!(throttled > 50.0, "{at}: %throttled {throttled}\n{out}");
    }
}

/// The intervals a log being written holds so far (its root's rows, less `Average:`).
fn intervals_in(log: &Path) -> usize {
    let out = Command::new(rsar_bin())
        .args(["cgstat", "--depth", "0", "-f"])
        .arg(log)
        .output()
        .unwrap();
    rows_of(&text(&out.stdout), "/").len().saturating_sub(1)
}

fn wait_for_intervals(log: &Path, n: usize) {
    for _ in 0..300 {
        if log.exists() && intervals_in(log) >= n {
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("{} never held {n} intervals", log.display());
}

const MEMORY_HOG: &str = "head -c 300000000 /dev/zero | tail";

/// A 32 MiB limit and a process that keeps 300 MB, twice, in intervals at least one
/// interval apart: the OOM killer kills it each time, and `-r` shows both kills, in the
/// intervals they happened in and summed in the average (the second one leaves the
/// cgroup's memory as the first left it: rsadc must read the kill all the same); %limit
/// is the use over the limit recorded at the first sample.
#[test]
fn a_memory_limit_hit_shows_the_oom_kill() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let Some(mut cg) = TestCgroup::make("memory", "cgoom") else {
        return;
    };
    cg.set("memory.limit_in_bytes", "33554432");
    let control = std::fs::read_to_string(cg.dir.join("memory.oom_control")).unwrap();
    if !control.contains("oom_kill ") {
        common::oracle_missing("memory.oom_control's oom_kill (Linux 4.13 and later)");
        return;
    }
    let dir = common::tempdir();
    let log = dir.path().join("live.rsar");
    let mut rsadc = Command::new(rsadc_bin())
        .args(["--no-processes", "--file"])
        .arg(&log)
        .args(["1", "7"])
        .spawn()
        .unwrap();
    for after in [1, 3] {
        wait_for_intervals(&log, after);
        cg.run(MEMORY_HOG);
        let status = cg.children.last_mut().unwrap().wait().unwrap();
        assert!(!status.success(), "the memory hog was not killed: {status}");
    }
    assert!(rsadc.wait().unwrap().success());
    let out = rsar(&["cgstat", "-r", "-f", log.to_str().unwrap()]);
    let rows = rows_of(&out, &format!("/{}", cg.path()));
    assert_eq!(rows.len(), 7, "{out}");
    let kills: Vec<f64> = rows.iter().map(|(_, c)| number(&c[4])).collect();
    assert_eq!(kills[..6].iter().filter(|&&k| k == 1.0).count(), 2, "{out}");
    assert_eq!(kills[..6].iter().sum::<f64>(), 2.0, "{out}");
    assert_eq!(kills[6], 2.0, "Average: {out}");
    // The used memory's share of 32 MiB.
    for (at, c) in &rows {
        let used_kb = number(&c[0]);
        let pct = number(&c[3]);
        assert!(
            (pct - used_kb / 32768.0 * 100.0).abs() < 0.01 + used_kb.max(1.0) * 1e-4,
            "{at}: {c:?}"
        );
    }
}
