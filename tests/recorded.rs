//! rsar reading logs: the real binaries end to end. rsadc records captured /proc trees
//! (one cron-style run per snapshot, with a simulated clock), rsar reports them; damaged,
//! empty, foreign and newer files get the exit codes and messages users rely on.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failure report

mod common;

use common::*;
use std::path::PathBuf;
use std::process::Command;

#[test]
fn recorded_snapshots_report_as_pinned() {
    let d = tempdir();
    let file = record(d.path());
    let out = run(&rsar_bin(), &["-A", "-f", file.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let got = text(&out.stdout);
    golden("recorded-A.txt", &got);
}

#[test]
fn the_pinned_numbers_are_the_hand_computed_ones() {
    // The same figures as tests/probe.rs computes by hand for t0 → t1: Δtot 655 ticks;
    // %usr 252, %sys 48, %iowait 19, %steal 15, %soft 2, %idle 319 of them; vda's rates
    // over 3.26 s.
    let golden = std::fs::read_to_string(
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/golden/recorded-A.txt"),
    )
    .unwrap();
    assert!(golden.contains("10:00:03        all     38.47      0.00      7.33      2.90      2.29      0.00      0.31      0.00      0.00     48.70"), "-u ALL row");
    assert!(golden.contains("10:00:03          vda    130.06  94425.77  99107.98      0.00   1488.02      0.57      4.41     19.39"), "-d row");
    assert_eq!(golden.matches("LINUX RESTART\t(2 CPU)").count(), 1);
}

#[test]
fn time_windows_and_spacing() {
    let d = tempdir();
    let file = record(d.path());
    let f = file.to_str().unwrap();
    let rows = |args: &[&str]| -> Vec<String> {
        let out = run(&rsar_bin(), args);
        assert!(out.status.success(), "{args:?}: {}", text(&out.stderr));
        text(&out.stdout)
            .lines()
            .filter(|l| l.ends_with("%idle") || l.contains(" all "))
            .map(|l| l[..8].to_string())
            .collect()
    };
    // Everything: two segments, each with a header, its rows and its Average.
    assert_eq!(
        rows(&["-u", "-f", f]),
        ["10:00:00", "10:00:03", "10:20:33", "Average:", "10:21:41", "10:21:44", "Average:"]
    );
    assert_eq!(
        rows(&["-u", "-f", f, "-s", "10:00:03", "-e", "10:21:00"]),
        ["10:00:03", "10:20:33", "Average:"]
    );
    assert_eq!(
        rows(&["-u", "-f", f, "--since", "2025-11-21T10:20:00Z"]),
        ["10:21:41", "10:21:44", "Average:"]
    );
    // -i 600: keep samples at least 10 minutes apart.
    assert_eq!(
        rows(&["-u", "-f", f, "-i", "600"]),
        ["10:00:00", "10:20:33", "Average:"]
    );
}

#[test]
fn reading_from_the_log_directory_by_day() {
    let d = tempdir();
    record(d.path());
    let out = run(
        &rsar_bin(),
        &[
            "-q",
            "--log-dir",
            d.path().to_str().unwrap(),
            "--since",
            "2025-11-21 09:00",
            "--until",
            "2025-11-21 11:00",
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("runq-sz"));
}

#[test]
fn damaged_records_are_skipped_reported_and_exit_2() {
    let d = tempdir();
    let file = record(d.path());
    let mut b = std::fs::read(&file).unwrap();
    let len = b.len();
    b[len * 3 / 5] ^= 0xff;
    std::fs::write(&file, &b).unwrap();
    let out = run(&rsar_bin(), &["-u", "-f", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let e = text(&out.stderr);
    assert!(
        e.contains("skipped") && e.contains("damaged") && e.contains("rsar20251121"),
        "{e}"
    );
    assert!(
        text(&out.stdout).contains("Average:"),
        "the good records still print"
    );
}

/// A log cut inside a record (`head -c 1500 LOG > cut`) says on stderr where it is cut and
/// exits 2, as a cut sa file does; the same bytes while a writer holds the file's lock (a
/// record being appended by a running rsadc) are read quietly.
#[test]
fn a_cut_log_says_where_unless_it_is_being_written() {
    let d = tempdir();
    let file = record(d.path());
    let bytes = std::fs::read(&file).unwrap();
    let whole = run(&rsar_bin(), &["-u", "-f", file.to_str().unwrap()]);
    assert!(whole.status.success(), "{}", text(&whole.stderr));
    let cut = d.path().join("cut");
    let at = 1500;
    std::fs::write(&cut, &bytes[..at]).unwrap();
    let first = rsar::store::read_log(&cut).unwrap();
    let last_whole = first.records.last().unwrap().0;
    assert!(first.torn_tail > 0, "the cut is inside a record");

    let out = run(&rsar_bin(), &["-u", "-f", cut.to_str().unwrap()]);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    let torn_at = at as u64 - first.torn_tail;
    assert!(torn_at > last_whole);
    assert_eq!(
        err.trim(),
        format!(
            "rsar: {}: the file is cut at byte {torn_at}, inside a record; every complete record before it was read",
            cut.display()
        )
    );
    assert!(text(&out.stdout).contains("Average:"));

    // Being written: the writer's lock is held.
    let held = nix::fcntl::Flock::lock(
        std::fs::File::open(&cut).unwrap(),
        nix::fcntl::FlockArg::LockExclusiveNonblock,
    )
    .unwrap();
    let out = run(&rsar_bin(), &["-u", "-f", cut.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(text(&out.stderr), "");
    drop(held);
}

#[test]
fn empty_foreign_and_newer_files_get_one_line_errors() {
    let d = tempdir();
    let file = record(d.path());
    let empty = d.path().join("empty");
    std::fs::write(&empty, b"").unwrap();
    let foreign = d.path().join("foreign");
    std::fs::write(&foreign, b"Linux 6.1 (host) 11/21/25\n").unwrap();
    let newer = d.path().join("newer");
    let mut b = std::fs::read(&file).unwrap();
    set_version(&mut b, 8);
    std::fs::write(&newer, &b).unwrap();
    let passwd = PathBuf::from("/etc/passwd");
    // Named like a day, but with no record in it.
    let day_named = d.path().join("rsar20251122");
    std::fs::copy(&passwd, &day_named).unwrap();
    for (path, says) in [
        (&day_named, "neither an rsar log nor a sysstat sa file"),
        (&empty, "empty"),
        (&foreign, "neither an rsar log nor a sysstat sa file"),
        (&passwd, "neither an rsar log nor a sysstat sa file"),
        (&newer, "newer rsar (format 8"),
    ] {
        let out = run(&rsar_bin(), &["-f", path.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(2), "{path:?}");
        let e = text(&out.stderr);
        assert_eq!(e.lines().count(), 1, "{e}");
        assert!(
            e.contains(path.to_str().unwrap()) && e.contains(says),
            "{e}"
        );
        assert!(out.stdout.is_empty());
    }
}

#[test]
fn o_saves_live_samples_that_read_back() {
    let d = tempdir();
    let file = d.path().join("saved");
    let out = run(
        &rsar_bin(),
        &["-u", "-o", file.to_str().unwrap(), "0.5", "2"],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let live = text(&out.stdout);
    let back = run(&rsar_bin(), &["-u", "-f", file.to_str().unwrap()]);
    assert!(back.status.success());
    // The same two intervals, the same numbers.
    let rows = |s: &str| -> Vec<String> {
        s.lines()
            .filter(|l| l.contains(" all "))
            .map(String::from)
            .collect()
    };
    assert_eq!(rows(&live), rows(&text(&back.stdout)));
}

#[test]
fn follow_prints_records_as_they_land_and_ctrl_c_averages() {
    use std::io::{BufRead, BufReader};
    let d = tempdir();
    let file = d.path().join("growing");
    let mut writer = Command::new(rsadc_bin())
        .args(["--file", file.to_str().unwrap(), "0.2"])
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Until rsadc has written the file's header: rsar refuses an empty file, and a
    // loaded machine can start it between the file's creation and its first write.
    while std::fs::metadata(&file).map_or(true, |m| m.len() == 0) {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let mut reader = Command::new(rsar_bin())
        .args(["-u", "--follow", "-f", file.to_str().unwrap()])
        .env("TZ", "UTC")
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut out = BufReader::new(reader.stdout.take().unwrap());
    // Banner, blank, header, then rows as rsadc writes them.
    let mut rows = 0;
    let mut line = String::new();
    while rows < 4 {
        line.clear();
        assert!(out.read_line(&mut line).unwrap() > 0, "rsar stopped early");
        if line.contains(" all ") {
            rows += 1;
        }
    }
    let pid = |c: &std::process::Child| nix::unistd::Pid::from_raw(c.id() as i32);
    nix::sys::signal::kill(pid(&reader), nix::sys::signal::Signal::SIGINT).unwrap();
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut out, &mut rest).unwrap();
    assert!(reader.wait().unwrap().success());
    assert!(rest.contains("Average:        all"), "{rest}");
    nix::sys::signal::kill(pid(&writer), nix::sys::signal::Signal::SIGTERM).unwrap();
    assert!(writer.wait().unwrap().success());
}

#[test]
fn sysstats_roots_with_cut_short_diskstats_lines_record_whole() {
    // sysstat's test roots 1→5 (tests/fixtures/sysstat) have 18-field diskstats lines
    // (no flush group); rsadc once wrote records its own reader rejected for them.
    let roots = sysstat_tests().join("roots");
    let d = tempdir();
    let dir = d.path().to_str().unwrap();
    for (i, root) in ["root1", "root2", "root3", "root4", "root5"]
        .iter()
        .enumerate()
    {
        let out = sample_tree(&roots.join(root), 10 * i as i64, dir);
        assert!(out.status.success(), "{}", text(&out.stderr));
        assert!(
            !text(&out.stderr).contains("damaged"),
            "{}",
            text(&out.stderr)
        );
    }
    let file = d.path().join("rsar20251121");
    let out = run(&rsar_bin(), &["-u", "-d", "-f", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(text(&out.stderr), "");
    let stdout = text(&out.stdout);
    let cpu_rows = stdout.lines().filter(|l| l.contains(" all ")).count();
    assert_eq!(cpu_rows, 4 + 1, "four intervals and the Average:\n{stdout}");
    assert!(stdout.lines().any(|l| l.contains(" sda ")), "{stdout}");
}

#[test]
fn a_flipped_bit_in_the_header_version_is_damage_not_a_newer_file() {
    // Once read as "written by a newer rsar (format 257)": rsar refused the day and rsadc
    // exited 1 at every start until midnight.
    let d = tempdir();
    let file = record(d.path());
    let mut b = std::fs::read(&file).unwrap();
    b[9] ^= 0x01;
    std::fs::write(&file, &b).unwrap();

    let out = run(&rsar_bin(), &["-f", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let e = text(&out.stderr);
    assert!(e.contains("damaged header") && !e.contains("newer"), "{e}");

    // The collector keeps the damaged bytes aside and goes on recording today.
    let dir = d.path().to_str().unwrap();
    let out = sample_tree(&fixture("t0"), 2000, dir);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("moved aside"),
        "{}",
        text(&out.stderr)
    );
    let aside: Vec<_> = std::fs::read_dir(d.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_str().unwrap().contains(".bad-"))
        .collect();
    assert_eq!(aside.len(), 1, "{aside:?}");
    assert_eq!(
        std::fs::read(&aside[0]).unwrap(),
        b,
        "the damaged bytes are kept"
    );
    let out = run(&rsar_bin(), &["-f", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
}

#[test]
fn format_1_logs_read_with_the_same_numbers_forever() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/logs-v1");
    let want = std::fs::read_to_string(dir.join("rsar20251121.A.txt")).unwrap();
    for file in ["rsar20251121", "rsar20251121.zst"] {
        let out = run(&rsar_bin(), &["-A", "-f", dir.join(file).to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(0), "{file}: {}", text(&out.stderr));
        assert_eq!(text(&out.stdout), want, "{file}");
    }
}

#[test]
fn n_edev_reports_interface_errors_in_every_format() {
    let d = tempdir();
    let file = record(d.path());
    let f = file.to_str().unwrap();
    let out = run(&rsar_bin(), &["-n", "EDEV", "-f", f]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let t = text(&out.stdout);
    let header = t.lines().find(|l| l.contains("IFACE")).unwrap();
    let cols: Vec<&str> = header.split_whitespace().skip(2).collect();
    assert_eq!(
        cols,
        [
            "rxerr/s", "txerr/s", "coll/s", "rxdrop/s", "txdrop/s", "txcarr/s", "rxfram/s",
            "rxfifo/s", "txfifo/s"
        ]
    );
    assert!(
        t.lines()
            .any(|l| l.starts_with("Average:") && l.contains(" lo ")),
        "{t}"
    );
    let out = run(
        &rsar_bin(),
        &["-n", "DEV,EDEV", "--format", "json", "-f", f],
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let first = &v["sysstat"]["hosts"][0]["statistics"][0]["network"];
    assert!(first["net-dev"].is_array(), "{first}");
    let edev = &first["net-edev"][0];
    for key in [
        "iface", "rxerr", "txerr", "coll", "rxdrop", "txdrop", "txcarr", "rxfram", "rxfifo",
        "txfifo",
    ] {
        assert!(edev.get(key).is_some(), "{key} in {edev}");
    }
    let out = run(&rsar_bin(), &["-n", "EDEV", "--format", "csv", "-f", f]);
    assert!(text(&out.stdout)
        .lines()
        .next()
        .unwrap()
        .contains("rxerr/s"));
}
