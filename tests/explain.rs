//! `rsar explain` end to end: a made-up log with known answers written through the store
//! API, and a real log recorded by rsadc while the test starts a CPU hog and a disk writer
//! after a quiet spell.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code

mod common;

use common::cgroups::{v2_hierarchy, TestCgroup};
use common::made_up::{made_up_log, made_up_log_at};
use common::{rsar_bin, run, tempdir, text, TEN};
use serde_json::Value;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn explain(args: &[&str]) -> (String, String, Option<i32>) {
    let out = run(&rsar_bin(), &[&["explain"][..], args].concat());
    (text(&out.stdout), text(&out.stderr), out.status.code())
}

fn json(args: &[&str]) -> Value {
    let (out, err, code) = explain(&[args, &["--format", "json"][..]].concat());
    assert_eq!(code, Some(0), "{err}");
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"))
}

fn signal<'a>(doc: &'a Value, name: &str) -> &'a Value {
    doc["signals"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["signal"] == name)
        .unwrap_or_else(|| panic!("no {name} in {doc:#}"))
}

/// Every split adds up: the named shares, the others and the residual make the whole
/// change, and each share is the contributor's change over the system's; the processes'
/// split and the cgroups' each on its own.
fn check_arithmetic(doc: &Value) {
    for s in doc["signals"].as_array().unwrap() {
        let change = s["change"].as_f64().unwrap();
        let cgroups = &s["cgroup_split"];
        for (kind, split) in [("process", s), ("cgroup", cgroups)] {
            let Some(residual) = split["residual"].as_f64() else {
                continue;
            };
            let mut sum = residual + split["others"].as_f64().unwrap();
            for c in s["contributors"].as_array().unwrap() {
                let is_cgroup = c["kind"] == "cgroup";
                if is_cgroup != (kind == "cgroup") {
                    continue;
                }
                let share = c["share"].as_f64().unwrap();
                let own = c["change"].as_f64().unwrap();
                assert!((own / change - share).abs() < 1e-9, "{s:#}");
                sum += share;
            }
            assert!(
                (sum - 1.0).abs() < 1e-9,
                "{kind} shares add up to {sum}: {s:#}"
            );
        }
    }
}

/// The contributors of one kind ("process", "cgroup") of a signal.
fn of_kind<'a>(signal: &'a Value, kind: &str) -> Vec<&'a Value> {
    signal["contributors"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| (c["kind"] == "cgroup") == (kind == "cgroup"))
        .collect()
}

/// The text says the significant findings in the JSON's order, each naming its first
/// contributor, and leaves the others out of its findings.
fn check_text_matches(text: &str, doc: &Value) {
    let findings: Vec<&str> = text
        .lines()
        .skip_while(|l| !l.is_empty())
        .skip(1)
        .take_while(|l| !l.is_empty())
        .collect();
    let significant: Vec<&Value> = doc["signals"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["significant"] == true)
        .collect();
    if significant.is_empty() {
        assert_eq!(
            findings,
            ["Nothing stands out of the baseline's variation."],
            "{text}"
        );
        return;
    }
    assert_eq!(findings.len(), significant.len(), "{text}");
    for (line, s) in findings.iter().zip(&significant) {
        let label = s["label"].as_str().unwrap();
        assert!(line.starts_with(&format!("{label} ")), "{line} / {label}");
        if let Some(first) = s["contributors"].as_array().unwrap().first() {
            let name = first["name"].as_str().unwrap();
            assert!(line.contains(&format!("`{name}`")), "{line} / {name}");
        }
    }
}

/// The text report of `args`, checked against `doc`, its JSON (whose splits add up).
fn text_checked(args: &[&str], doc: &Value) -> String {
    check_arithmetic(doc);
    let (out, err, code) = explain(args);
    assert_eq!(code, Some(0), "{err}");
    check_text_matches(&out, doc);
    out
}

#[test]
fn a_known_change_splits_into_its_known_shares() {
    let d = tempdir();
    let log = d.path().join("log");
    made_up_log_at(&log, TEN, true);
    let f = log.to_str().unwrap();
    let since = format!("@{}", TEN + 10);
    let until = format!("@{}", TEN + 20);
    let window = ["-f", f, "--since", &since, "--until", &until];
    let doc = json(&window);
    let cpu = signal(&doc, "cpu");
    assert_eq!(doc["signals"][0]["signal"], "cpu", "most important first");
    assert!(
        (cpu["baseline"].as_f64().unwrap() - 10.0).abs() < 1e-9,
        "{cpu}"
    );
    assert!(
        (cpu["window"].as_f64().unwrap() - 60.0).abs() < 1e-9,
        "{cpu}"
    );
    assert_eq!(cpu["significant"], true);
    // Alternating 9 and 11 ticks over 100: a standard deviation of about 1 point.
    let sd = cpu["baseline_sd"].as_f64().unwrap();
    assert!((sd - 1.054).abs() < 1e-3, "{sd}");
    let c = of_kind(cpu, "process");
    assert_eq!(c.len(), 2, "{cpu:#}");
    assert_eq!(
        (&c[0]["name"], &c[0]["pid"], &c[0]["note"]),
        (&"hog".into(), &200.into(), &"new".into())
    );
    assert!(
        (c[0]["share"].as_f64().unwrap() - 0.40).abs() < 1e-9,
        "{cpu:#}"
    );
    assert_eq!(
        (&c[1]["name"], &c[1]["note"]),
        (&"worker".into(), &Value::Null)
    );
    assert!(
        (c[1]["share"].as_f64().unwrap() - 0.20).abs() < 1e-9,
        "{cpu:#}"
    );
    assert!(
        (cpu["residual"].as_f64().unwrap() - 0.40).abs() < 1e-9,
        "{cpu:#}"
    );
    assert_eq!(c[0]["cgroup"], "work.slice/hog.service");
    // The cgroups: the hog's service 40 % (made in the window), the worker's 20 %, and
    // `work.slice`, their parent, not counted again; 40 % outside any cgroup but the root.
    let g = of_kind(cpu, "cgroup");
    let got: Vec<(&str, f64, &Value)> = g
        .iter()
        .map(|c| {
            (
                c["name"].as_str().unwrap(),
                c["share"].as_f64().unwrap(),
                &c["note"],
            )
        })
        .collect();
    assert_eq!(got.len(), 2, "{cpu:#}");
    assert_eq!(
        (got[0].0, got[0].2),
        ("work.slice/hog.service", &"new".into())
    );
    assert!((got[0].1 - 0.40).abs() < 1e-9, "{got:?}");
    assert_eq!(
        (got[1].0, got[1].2),
        ("work.slice/worker.service", &Value::Null)
    );
    assert!((got[1].1 - 0.20).abs() < 1e-9, "{got:?}");
    let split = &cpu["cgroup_split"];
    assert_eq!(split["split_by"], "CPU time");
    assert!(
        (split["residual"].as_f64().unwrap() - 0.40).abs() < 1e-9,
        "{split}"
    );
    // The window is the ten seconds asked; the baseline the ten just before.
    assert_eq!(doc["window"]["intervals"], 10);
    assert_eq!(doc["baseline"]["intervals"], 10);
    assert_eq!(doc["baseline"]["from"], "2025-11-21T10:00:00+00:00");
    assert_eq!(doc["cgroups"]["recorded"], true);
    assert_eq!(
        (&doc["cgroups"]["window"], &doc["cgroups"]["baseline"]),
        (&4.into(), &4.into())
    );
    let out = text_checked(&window, &doc);
    assert!(
        out.contains(
            "CPU busy +50.0 points (10.0% → 60.0%), by CPU time; 40% of it: \
             `hog` (pid 200, work.slice/hog.service, new, started 10:00:09); \
             20%: `worker` (pid 100, work.slice/worker.service); \
             other processes 0%; unexplained 40%. \
             By cgroup, CPU time: 40% of it: `work.slice/hog.service` (new); \
             20%: `work.slice/worker.service`; other cgroups 0%; \
             outside any recorded cgroup 40%.\n"
        ),
        "{out}"
    );
    assert!(
        out.contains("Cgroups: 4 recorded in the window, 4 in the baseline; "),
        "{out}"
    );
    assert!(!out.contains("no cgroup data"), "{out}");

    // The same log without cgroups says so, and splits by process alone.
    let bare = d.path().join("bare");
    made_up_log(&bare);
    let bare_window = [
        "-f",
        bare.to_str().unwrap(),
        "--since",
        &since,
        "--until",
        &until,
    ];
    let doc = json(&bare_window);
    assert_eq!(doc["cgroups"]["recorded"], false);
    assert_eq!(signal(&doc, "cpu")["cgroup_split"], Value::Null);
    assert!(of_kind(signal(&doc, "cpu"), "cgroup").is_empty());
    let (out, _, _) = explain(&bare_window);
    assert!(
        out.contains(
            "Cgroups: none recorded in these logs (written by an rsadc older than cgroup \
             recording, or with --no-cgroups): nothing is split by cgroup.\n"
        ),
        "{out}"
    );
    assert!(out.contains("unexplained 40%.\n"), "{out}");
}

/// `niced_log`: a hog at nice 0 takes half of a machine a build at nice 19 kept busy.
/// CPU busy does not move; user time goes up 50 points, all the hog's, and nice time
/// down 50, all the build's (the kernel counts a niced process's user time as nice). The
/// page cache rises 2 GiB, 64 times its floor (no spread), a larger score than user's
/// (50 over 3 × 1.054 = 15.81) or nice's (50 over 3 × 2.108 = 7.91); but nothing
/// recorded explains it, so it is told after the two changes the report can pin on
/// someone, each of which it accounts for whole.
#[test]
fn changes_someone_accounts_for_come_before_larger_ones_nobody_does() {
    let d = tempdir();
    let log = d.path().join("log");
    common::made_up::niced_log(&log, TEN);
    let f = log.to_str().unwrap();
    let (since, until) = (format!("@{}", TEN + 10), format!("@{}", TEN + 20));
    let window = ["-f", f, "--since", &since, "--until", &until];
    let doc = json(&window);
    let order: Vec<&str> = doc["signals"]
        .as_array()
        .unwrap()
        .iter()
        .take(3)
        .map(|s| s["signal"].as_str().unwrap())
        .collect();
    assert_eq!(order, ["cpu_user", "cpu_nice", "cache"], "{doc:#}");
    let near = |v: &Value, want: f64| (v.as_f64().unwrap() - want).abs() < 1e-3;
    let cpu = signal(&doc, "cpu");
    assert!(
        near(&cpu["baseline"], 99.0) && near(&cpu["change"], 0.0),
        "{cpu:#}"
    );
    assert_eq!(cpu["significant"], false);
    for (name, culprit, change, score) in [
        ("cpu_user", "hog", 50.0, 50.0 / (3.0 * 1.0541)),
        ("cpu_nice", "build", -50.0, 50.0 / (3.0 * 2.1082)),
    ] {
        let s = signal(&doc, name);
        assert!(near(&s["change"], change), "{s:#}");
        assert!((s["score"].as_f64().unwrap() - score).abs() < 1e-2, "{s:#}");
        assert!(near(&s["explained"], 1.0), "{s:#}");
        assert_eq!(s["attributed"], true, "{s:#}");
        let c = of_kind(s, "process");
        assert_eq!(c.len(), 1, "{s:#}");
        assert_eq!(c[0]["name"], culprit, "{s:#}");
        assert!(
            near(&c[0]["share"], 1.0) && near(&c[0]["change"], change),
            "{s:#}"
        );
        assert!(near(&s["residual"], 0.0), "{s:#}");
    }
    let cache = signal(&doc, "cache");
    assert!(near(&cache["change"], 2.0 * 1024.0 * 1024.0), "{cache:#}");
    assert!(near(&cache["score"], 64.0), "{cache:#}");
    assert_eq!(
        (&cache["significant"], &cache["attributed"]),
        (&true.into(), &false.into())
    );
    assert!(near(&cache["explained"], 0.0), "{cache:#}");
    let out = text_checked(&window, &doc);
    assert!(
        out.contains(
            "CPU user +50.0 points (5.0% → 55.0%), by user CPU time (not niced); \
             100% of it: `hog` (pid 200, new, started 10:00:09); other processes 0%; \
             unexplained 0%.\n"
        ),
        "{out}"
    );
}

#[test]
fn a_quiet_window_against_a_quiet_baseline_finds_nothing() {
    let d = tempdir();
    let log = d.path().join("log");
    made_up_log(&log);
    let f = log.to_str().unwrap();
    let args = [
        "-f",
        f,
        "-s",
        "10:00:05",
        "-e",
        "10:00:10",
        "--baseline",
        "10:00-10:00:05",
    ];
    let doc = json(&args);
    let significant: Vec<&Value> = doc["signals"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["significant"] == true)
        .collect();
    assert!(significant.is_empty(), "{significant:#?}");
    assert!(signal(&doc, "cpu")["change"].as_f64().unwrap().abs() < 2.0);
    let (out, _, code) = explain(&args);
    assert_eq!(code, Some(0));
    check_text_matches(&out, &doc);
}

#[test]
fn a_window_or_baseline_without_data_is_a_data_error_and_a_bad_baseline_a_usage_error() {
    let d = tempdir();
    let log = d.path().join("log");
    made_up_log(&log);
    let f = log.to_str().unwrap();
    let (_, err, code) = explain(&["-f", f, "-s", "11:00", "-e", "11:10"]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("no interval in the window"), "{err}");
    // The window starts with the log: nothing before it.
    let (_, err, code) = explain(&["-f", f, "-s", "10:00", "-e", "10:00:10"]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("no interval in the baseline"), "{err}");
    let (_, err, code) = explain(&["-f", f, "--baseline", "last tuesday"]);
    assert_eq!(code, Some(1), "{err}");
    assert!(err.contains("--baseline takes"), "{err}");
}

/// A copy of a system program under a name of our own, so that the report can only have
/// found it by looking at the recorded processes.
fn renamed(program: &str, dir: &Path, name: &str) -> std::path::PathBuf {
    let from = ["/usr/bin", "/bin"]
        .iter()
        .map(|d| Path::new(d).join(program))
        .find(|p| p.exists())
        .unwrap_or_else(|| panic!("{program} is not installed"));
    let to = dir.join(name);
    std::fs::copy(from, &to).unwrap();
    to
}

/// `rsar diff --format json` of two windows (HH:MM:SS-HH:MM:SS) of the log `f`.
fn diff_json(f: &str, before: &str, after: &str) -> Value {
    let out = run(
        &rsar_bin(),
        &[
            "diff", "-f", f, "--before", before, "--after", after, "--format", "json",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

fn clock(epoch_s: i64) -> String {
    chrono::DateTime::from_timestamp(epoch_s, 0)
        .unwrap()
        .format("%H:%M:%S")
        .to_string()
}

/// The tests that record a live machine run one at a time: each one's busy loops would
/// be the other's culprits.
static LIVE: std::sync::Mutex<()> = std::sync::Mutex::new(());

#[test]
fn a_recorded_cpu_hog_and_disk_writer_are_named_for_what_they_moved() {
    let _one_at_a_time = LIVE.lock().unwrap_or_else(|e| e.into_inner());
    let d = tempdir();
    let log = d.path().join("log");
    // A shell's busy loop: user time only, under a name of its own.
    let hog = renamed("sh", d.path(), "rsar-hog");
    let writer = renamed("dd", d.path(), "rsar-writer");
    let started = Instant::now();
    let mut rsadc = Command::new(common::rsadc_bin())
        .args(["--file", log.to_str().unwrap(), "1", "23"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // A quiet spell first (as quiet as a shared machine gets), then the culprits.
    std::thread::sleep(Duration::from_secs(11));
    let at = chrono::Utc::now().timestamp();
    let hogs: Vec<_> = (0..2)
        .map(|_| {
            Command::new(&hog)
                .args(["-c", "while :; do :; done"])
                .spawn()
                .unwrap()
        })
        .collect();
    // Small direct writes: tens of MB/s kept up through the window (big ones would be
    // done in a second), under the page cache, so the bytes are the writer's own.
    let out = d.path().join("written");
    let of = format!("of={}", out.display());
    let mut dd = Command::new(&writer)
        .args(["if=/dev/zero", &of, "bs=8k", "count=120000", "oflag=direct"])
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let status = rsadc.wait().unwrap();
    for mut h in hogs {
        let _ = h.kill();
        let _ = h.wait();
    }
    let _ = dd.kill();
    let _ = dd.wait();
    assert!(status.success(), "rsadc failed");
    assert!(started.elapsed() < Duration::from_secs(40));

    let f = log.to_str().unwrap();
    let (since, until) = (format!("@{}", at + 2), format!("@{}", at + 11));
    let baseline = format!("{}-{}", clock(at - 10), clock(at));
    let args = [
        "-f",
        f,
        "--since",
        &since,
        "--until",
        &until,
        "--baseline",
        &baseline,
    ];
    let doc = json(&args);
    let first = |name: &str| {
        let s = signal(&doc, name);
        s["contributors"]
            .as_array()
            .unwrap()
            .first()
            .cloned()
            .unwrap_or_else(|| panic!("nobody moved {name}: {s:#}"))
    };
    // Other writers on a shared machine can outweigh this one, so that disk throughput
    // falls: then its change is split over those who write less, and the writer is
    // checked where the processes are ranked by their own change, in `diff`.
    let disk = signal(&doc, "disk");
    // A linker of another build can write more in those seconds than a direct writer
    // gets through: the writer is among those named, with its part of the rise.
    if disk["change"].as_f64().unwrap() > 0.0 {
        let writer = of_kind(disk, "process")
            .into_iter()
            .find(|c| c["name"] == "rsar-writer")
            .unwrap_or_else(|| panic!("the writer not named: {disk:#}"));
        assert_eq!(writer["note"], "new");
        assert!(writer["share"].as_f64().unwrap() > 0.0, "{disk:#}");
    } else {
        eprintln!("disk throughput fell: {disk:#}");
    }
    let diff = diff_json(
        f,
        &baseline,
        &format!("{}-{}", clock(at + 2), clock(at + 11)),
    );
    let by_bytes = &diff["processes"][2];
    assert_eq!(by_bytes["by"], "bytes read and written");
    // Among the five that moved most either way (a linker of another build on a shared
    // machine can write more in those seconds than a direct writer gets through).
    let writer = by_bytes["movers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["name"] == "rsar-writer")
        .unwrap_or_else(|| panic!("the writer did not move: {by_bytes:#}"));
    assert_eq!(writer["note"], "new", "{by_bytes:#}");
    assert!(writer["change"].as_f64().unwrap() > 0.0, "{by_bytes:#}");
    // CPU busy can only rise where there was idle time: on a machine already saturated
    // (other builds on a shared CI runner) the hog takes its time from the others and
    // the system's busy time does not move, so there is no change to split.
    let cpu = signal(&doc, "cpu");
    let before = cpu["baseline"].as_f64().unwrap();
    if before < 60.0 {
        let hog = first("cpu");
        assert_eq!(hog["name"], "rsar-hog", "{doc:#}");
        assert_eq!(hog["note"], "new");
        assert!(cpu["change"].as_f64().unwrap() > 0.0, "{cpu:#}");
    } else {
        // Then the hogs still show where they are: runnable in (nearly) every table of
        // the window and in none of the baseline's.
        eprintln!("CPU busy not checked: {before:.0}% busy before the hog started");
        let running = signal(&doc, "running");
        let hogs: Vec<&Value> = running["contributors"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| c["name"] == "rsar-hog")
            .collect();
        assert_eq!(hogs.len(), 2, "{running:#}");
        for h in hogs {
            assert!(h["change"].as_f64().unwrap() >= 0.8, "{running:#}");
            assert_eq!(h["note"], "new");
        }
    }
    text_checked(&args, &doc);
}

#[test]
fn diff_sets_every_report_side_by_side_and_names_the_processes_that_moved() {
    let d = tempdir();
    let log = d.path().join("log");
    made_up_log(&log);
    let f = log.to_str().unwrap();
    let args = [
        "diff",
        "-f",
        f,
        "--before",
        "10:00:00-10:00:10",
        "--after",
        "10:00:10-10:00:20",
    ];
    let out = run(&rsar_bin(), &[&args[..], &["--format", "json"]].concat());
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let cpu = doc["reports"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["flag"] == "-u")
        .unwrap_or_else(|| panic!("no -u in {doc:#}"));
    let usr = &cpu["rows"][0]["values"]["%usr"];
    assert_eq!(cpu["rows"][0]["item"], "all");
    assert!(
        (usr["before"].as_f64().unwrap() - 10.0).abs() < 1e-9,
        "{usr}"
    );
    assert!(
        (usr["after"].as_f64().unwrap() - 60.0).abs() < 1e-9,
        "{usr}"
    );
    assert!(
        (usr["change"].as_f64().unwrap() - 50.0).abs() < 1e-9,
        "{usr}"
    );
    let by_cpu = &doc["processes"][0];
    assert_eq!(by_cpu["by"], "CPU time");
    let movers = by_cpu["movers"].as_array().unwrap();
    assert_eq!(movers.len(), 2, "{by_cpu:#}");
    assert_eq!(
        (&movers[0]["name"], &movers[0]["note"]),
        (&"hog".into(), &"new".into())
    );
    assert!((movers[0]["window"].as_f64().unwrap() - 20.0).abs() < 1e-9);
    assert!((movers[1]["change"].as_f64().unwrap() - 10.0).abs() < 1e-9);

    let out = run(&rsar_bin(), &args);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let shown = text(&out.stdout);
    assert!(
        shown.contains("all          %usr                  10.00          60.00         +50.00"),
        "{shown}"
    );
    assert!(
        shown.contains("  `hog` (pid 200, new) 0.0 points → 20.0 points (+20.0 points)"),
        "{shown}"
    );
    assert!(
        shown.contains("\nCgroups: none recorded in these logs"),
        "{shown}"
    );
    // With cgroups, the cgroups that moved most, each counted once.
    let with = d.path().join("with-cgroups");
    made_up_log_at(&with, TEN, true);
    let mut args = args;
    args[2] = with.to_str().unwrap();
    let out = run(&rsar_bin(), &[&args[..], &["--format", "json"]].concat());
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let by_cpu = &doc["cgroups"]["movers"][0];
    assert_eq!(by_cpu["by"], "CPU time", "{doc:#}");
    let names: Vec<(&str, f64)> = by_cpu["movers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| (m["name"].as_str().unwrap(), m["change"].as_f64().unwrap()))
        .collect();
    assert_eq!(names.len(), 2, "{by_cpu:#}");
    assert_eq!(names[0].0, "work.slice/hog.service");
    assert!((names[0].1 - 20.0).abs() < 1e-9, "{names:?}");
    assert!((names[1].1 - 10.0).abs() < 1e-9, "{names:?}");
    let shown = text(&run(&rsar_bin(), &args).stdout);
    assert!(
        shown.contains("\nCgroups that moved most, by CPU time:\n  `work.slice/hog.service` (new) 0.0 points → 20.0 points (+20.0 points)\n"),
        "{shown}"
    );
}

#[test]
fn diff_of_a_log_with_itself_changes_nothing() {
    let d = tempdir();
    let log = d.path().join("log");
    made_up_log(&log);
    let f = log.to_str().unwrap();
    let out = run(&rsar_bin(), &["diff", f, f, "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    for r in doc["reports"].as_array().unwrap() {
        for row in r["rows"].as_array().unwrap() {
            for (column, v) in row["values"].as_object().unwrap() {
                assert_eq!(v["change"].as_f64(), Some(0.0), "{column} {v}");
            }
        }
    }
    for p in doc["processes"].as_array().unwrap() {
        assert_eq!(p["movers"], serde_json::json!([]), "{p}");
    }
    // Two logs or two windows, not both.
    let out = run(&rsar_bin(), &["diff", f, f, "--before", "10:00-10:01"]);
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn a_window_early_in_a_log_is_read_only_up_to_its_end() {
    let d = tempdir();
    let log = d.path().join("log");
    made_up_log(&log);
    // Damage the log's last record: only a report that reads that far meets it.
    let mut bytes = std::fs::read(&log).unwrap();
    let n = bytes.len();
    bytes[n - 6] ^= 0xff;
    std::fs::write(&log, &bytes).unwrap();
    let f = log.to_str().unwrap();
    let (_, err, code) = explain(&["-f", f, "-s", "10:00:14", "-e", "10:00:20"]);
    assert_eq!(code, Some(2), "the damage is there: {err}");
    assert!(err.contains("damaged"), "{err}");
    let (_, err, code) = explain(&["-f", f, "-s", "10:00:05", "-e", "10:00:08"]);
    assert_eq!(code, Some(0), "{err}");
    let (since, until) = (format!("@{}", TEN + 5), format!("@{}", TEN + 8));
    let (_, err, code) = explain(&["-f", f, "--since", &since, "--until", &until]);
    assert_eq!(code, Some(0), "{err}");
}

#[test]
fn the_baseline_of_yesterday_is_read_from_yesterdays_log() {
    let d = tempdir();
    made_up_log_at(&d.path().join("rsar20251121"), TEN, false);
    made_up_log_at(&d.path().join("rsar20251120"), TEN - 86_400, false);
    let dir = d.path().to_str().unwrap();
    let (since, until) = (format!("@{}", TEN + 10), format!("@{}", TEN + 20));
    let args = [
        "--log-dir",
        dir,
        "--since",
        &since,
        "--until",
        &until,
        "--baseline",
        "yesterday",
    ];
    let doc = json(&args);
    assert_eq!(
        doc["baseline"]["from"], "2025-11-20T10:00:10+00:00",
        "{doc:#}"
    );
    assert_eq!(doc["baseline"]["chosen"], "the same time yesterday");
    // The same ten seconds a day apart: nothing changed, and the pids are the same
    // processes of the same boot.
    let cpu = signal(&doc, "cpu");
    assert_eq!(cpu["change"].as_f64(), Some(0.0), "{cpu:#}");
    assert_eq!(cpu["significant"], false);
    let (_, err, code) = explain(&[&args[..4], &["--baseline", "-2d"]].concat());
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("2 days before"), "{err}");
}

/// A real log recorded by rsadc at 1 s: a quiet spell, then a busy shell loop in a cgroup
/// made for the test. `rsar explain` splits the CPU change over the cgroups, naming that
/// cgroup first with at least 80 % of it, and names the process with its cgroup.
#[test]
fn a_recorded_hog_in_its_own_cgroup_is_named_with_its_cgroup() {
    let _one_at_a_time = LIVE.lock().unwrap_or_else(|e| e.into_inner());
    let Some(mut cg) = v2_hierarchy().and_then(|h| TestCgroup::make_nested(&[h], "explain", "hog"))
    else {
        return;
    };
    let d = tempdir();
    let log = d.path().join("log");
    let hog = renamed("sh", d.path(), "rsar-cghog");
    let pid = cg.start_stopped(&hog, "while :; do :; done");
    let rsadc = Command::new(common::rsadc_bin())
        .args(["--file", log.to_str().unwrap(), "1", "23"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_secs(11));
    let at = chrono::Utc::now().timestamp();
    nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(pid as i32),
        nix::sys::signal::Signal::SIGCONT,
    )
    .unwrap();
    let out = rsadc.wait_with_output().unwrap();
    assert!(out.status.success(), "rsadc: {}", text(&out.stderr));
    if let Some(mut hog) = cg.children.pop() {
        let _ = hog.kill();
        let _ = hog.wait();
    }

    let f = log.to_str().unwrap();
    let (since, until) = (format!("@{}", at + 2), format!("@{}", at + 11));
    let baseline = format!("{}-{}", clock(at - 10), clock(at));
    let args = [
        "-f",
        f,
        "--since",
        &since,
        "--until",
        &until,
        "--baseline",
        &baseline,
        "--utc",
    ];
    let doc = json(&args);
    assert_eq!(doc["cgroups"]["recorded"], true, "{:#}", doc["cgroups"]);
    let cpu = signal(&doc, "cpu");
    let ours = cg.path();
    // The process, wherever the CPU change ranks it (on a machine saturated by niced
    // builds, CPU busy stays and user time rises; under `nice -n 19 cargo test` the loop
    // runs at nice 4, its time nice time): named with its cgroup.
    let running = signal(&doc, "running");
    let process = of_kind(running, "process")
        .into_iter()
        .chain(of_kind(cpu, "process"))
        .chain(of_kind(signal(&doc, "cpu_user"), "process"))
        .chain(of_kind(signal(&doc, "cpu_nice"), "process"))
        .find(|c| c["pid"] == pid)
        .unwrap_or_else(|| panic!("pid {pid} not named: {running:#} {cpu:#}"));
    assert_eq!(process["name"], "rsar-cghog");
    assert_eq!(process["cgroup"], ours.as_str(), "{process:#}");
    let text_out = text_checked(&args, &doc);
    assert!(!text_out.contains("no cgroup data"), "{text_out}");
    // CPU busy can only rise where there was idle time: a machine already busy (other
    // builds on a shared runner) gives the hog its time from others, and the change is
    // no longer the hog's alone. Then its cgroup must still have moved most, in `diff`.
    let before = cpu["baseline"].as_f64().unwrap();
    let change = cpu["change"].as_f64().unwrap();
    if before < 40.0 && cpu["significant"] == true {
        let first = of_kind(cpu, "cgroup")[0];
        assert_eq!(first["name"], ours.as_str(), "{cpu:#}");
        let share = first["share"].as_f64().unwrap();
        eprintln!("CPU {before:.1} → +{change:.1} points; {ours}: {share:.3} of it");
        assert!(share >= 0.8, "{cpu:#}");
        assert!(
            text_out.contains(&format!("`rsar-cghog` (pid {pid}, {ours}")),
            "{text_out}"
        );
        assert!(
            text_out.contains(&format!(
                "By cgroup, CPU time: {:.0}% of it: `{ours}`",
                share * 100.0
            )),
            "{text_out}"
        );
    } else {
        eprintln!("CPU share not checked: {before:.0}% busy before, {change:+.1} points");
    }
    let diff = diff_json(
        f,
        &baseline,
        &format!("{}-{}", clock(at + 2), clock(at + 11)),
    );
    // Among the five cgroups that moved most (other tests' cgroup loops on a shared
    // machine can move as much): about one CPU of two, 50 points, less what a busy machine
    // kept from it.
    let by_cpu = &diff["cgroups"]["movers"][0];
    assert_eq!(by_cpu["by"], "CPU time");
    let moved = by_cpu["movers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["name"] == ours.as_str())
        .unwrap_or_else(|| panic!("{ours} did not move: {by_cpu:#}"));
    assert!(moved["change"].as_f64().unwrap() > 10.0, "{by_cpu:#}");
}
