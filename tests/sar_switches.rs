//! sar's switches side by side with Debian's sar (the oracle for sysstat 12.6): `-p` and
//! `--pretty`, `-q`'s keywords, the header printed again when reading a file, `--dec`, and
//! the 12.6 compatibility switch. From a file Debian's sadc recorded here the output is
//! compared byte for byte; live, where two samplings cannot give the same numbers, the
//! layout (every line with its numbers blanked).
//!
//! Without sysstat these tests say "skipped"; with `RSAR_REQUIRE_ORACLES=1` they fail
//! instead (CI installs sysstat and sets it).

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failure report

mod common;

use common::{rsar_bin, text};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

const SAR: &str = "/usr/bin/sar";
const SADC: &str = "/usr/lib/sysstat/sadc";

/// Whether Debian's sar and sadc are here to compare with; without them the test is
/// skipped with a message, or fails under CI (`common::oracle_missing`).
fn sar_or_skip() -> bool {
    if Path::new(SAR).exists() && Path::new(SADC).exists() {
        return true;
    }
    common::oracle_missing(&format!("{SAR} or {SADC} (apt-get install sysstat)"));
    false
}

/// A file Debian's sadc 12.6.1 recorded on this project's VM: 15 samples a second apart
/// (14 intervals: sar prints -P ALL's header again after 11), every activity
/// (tests/fixtures/sa-debian/PROVENANCE.md). Fixed, so that a comparison byte for byte
/// fails for a reason and not for a half that this run's numbers fell on;
/// `RSAR_FRESH_SA=1` records a new one for the whole test binary instead, to look for
/// such cases.
fn sa_file() -> &'static Path {
    static FILE: OnceLock<PathBuf> = OnceLock::new();
    FILE.get_or_init(|| {
        if std::env::var_os("RSAR_FRESH_SA").is_none() {
            return PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("tests/fixtures/sa-debian/sa-xall-15s");
        }
        let dir = tempfile::tempdir().unwrap().keep();
        let file = dir.join("sa.switches");
        let st = Command::new(SADC)
            .args(["-S", "XALL", "1", "15"])
            .arg(&file)
            .status()
            .unwrap();
        assert!(st.success());
        file
    })
}

/// `c` run in the C locale, in UTC, with sar's default time format and no 12.6 switch
/// but the `vars` given.
fn with_env(mut c: Command, vars: &[(&str, &str)]) -> Output {
    c.env("TZ", "UTC")
        .env("LC_ALL", "C")
        .env("S_TIME_FORMAT", "")
        .env_remove("RSAR_SAR_VERSION")
        .envs(vars.iter().copied())
        .output()
        .unwrap()
}

fn sar(args: &[&str]) -> String {
    let mut c = Command::new(SAR);
    c.args(args);
    let out = with_env(c, &[]);
    assert!(out.status.success(), "sar {args:?}: {}", text(&out.stderr));
    text(&out.stdout)
}

fn rsar(args: &[&str]) -> String {
    rsar_with(args, &[])
}

/// rsar with these environment variables set as well.
fn rsar_with(args: &[&str], vars: &[(&str, &str)]) -> String {
    let mut c = Command::new(rsar_bin());
    c.args(args);
    let out = with_env(c, vars);
    assert!(out.status.success(), "rsar {args:?}: {}", text(&out.stderr));
    text(&out.stdout)
}

/// `flags -f FILE` through both, byte for byte.
fn same_from_file(flags: &str) {
    same_from_file_with(&[], flags);
}

/// `flags -f FILE` through sar and `rsar rsar_only flags -f FILE`, byte for byte.
fn same_from_file_with(rsar_only: &[&str], flags: &str) {
    let f = sa_file().to_str().unwrap();
    let mut args: Vec<&str> = flags.split_whitespace().collect();
    args.extend(["-f", f]);
    let ours: Vec<&str> = rsar_only.iter().chain(&args).copied().collect();
    let (want, got) = (sar(&args), rsar(&ours));
    let first = got
        .lines()
        .zip(want.lines())
        .position(|(g, w)| g != w)
        .unwrap_or(got.lines().count().min(want.lines().count()));
    assert!(
        got == want,
        "rsar {flags} -f differs from sar's at line {}:\nrsar: {:?}\nsar:  {:?}",
        first + 1,
        got.lines().nth(first),
        want.lines().nth(first)
    );
}

/// A report's layout: each line with its numbers (times, sizes) replaced by `#`.
fn layout(report: &str) -> Vec<String> {
    report
        .lines()
        .skip(1) // the banner's date may turn between the two runs
        .map(|l| {
            l.split_whitespace()
                .map(|w| {
                    // A number, a time, or a size for a human (2.2G, 0.0k, 16.7%).
                    let number = w.trim_end_matches(|c: char| "sBkMGTPE%".contains(c));
                    if number.bytes().any(|b| b.is_ascii_digit())
                        && number
                            .bytes()
                            .all(|b| b.is_ascii_digit() || b".:".contains(&b))
                    {
                        "#"
                    } else {
                        w
                    }
                })
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect()
}

/// `flags 1 1` live through both: the same layout.
fn same_layout_live(flags: &str) {
    same_layout_live_with(&[], flags);
}

/// `flags 1 1` live through sar and `rsar rsar_only flags 1 1`: the same layout.
fn same_layout_live_with(rsar_only: &[&str], flags: &str) {
    let mut args: Vec<&str> = flags.split_whitespace().collect();
    args.extend(["1", "1"]);
    let ours: Vec<&str> = rsar_only.iter().chain(&args).copied().collect();
    let (want, got) = (sar(&args), rsar(&ours));
    assert_eq!(
        layout(&got),
        layout(&want),
        "rsar {flags} 1 1 is laid out unlike sar:\n{got}\n---\n{want}"
    );
}

/// sar 12.6's `-p` and `--pretty` print the device, interface and interrupt names last.
#[test]
fn pretty_prints_names_last_as_sar() {
    if !sar_or_skip() {
        return;
    }
    for flags in [
        "-d -p",
        "-d --pretty",
        "-n DEV -p",
        "-n EDEV --pretty",
        "-I SUM -p",
        "-F -p",
        "-u -P ALL -p",
    ] {
        same_from_file(flags);
    }
    same_layout_live("-d -n DEV -p");
}

/// sar 12.6's `-q` keywords, read as keywords and not as the INTERVAL.
#[test]
fn queue_keywords_as_sar() {
    if !sar_or_skip() || !Path::new("/proc/pressure/cpu").exists() {
        return;
    }
    for flags in [
        "-q LOAD",
        "-q CPU",
        "-q IO,MEM",
        "-q PSI",
        "-q ALL",
        "-q CPU,LOAD",
    ] {
        same_layout_live(flags);
        // From the file: the same tables; %sio and the like may round a last digit apart.
        let f = sa_file().to_str().unwrap();
        let mut args: Vec<&str> = flags.split_whitespace().collect();
        args.extend(["-f", f]);
        assert_eq!(layout(&rsar(&args)), layout(&sar(&args)), "{flags} -f");
    }
}

/// Reading a file, sar prints a table's header again once it has counted enough lines:
/// with `-P ALL` (8200 bits of CPU bitmap an interval, 86400 lines when the output is
/// not a terminal) after every 11 intervals.
#[test]
fn headers_again_after_sars_count_of_lines() {
    if !sar_or_skip() {
        return;
    }
    for flags in ["-P ALL", "-u ALL -P ALL", "-n SOFT -P ALL", "-P 0"] {
        same_from_file(flags);
    }
    let f = sa_file().to_str().unwrap();
    let headers = rsar(&["-P", "ALL", "-f", f])
        .lines()
        .filter(|l| l.contains("%user"))
        .count();
    assert_eq!(
        headers, 2,
        "14 intervals: the header, and again before the 12th"
    );
}

/// `--sar-version 12.6` (or `RSAR_SAR_VERSION=12.6`) prints -r, -B and -n ETCP as sar
/// 12.6 does: its columns and its formulas (kbmemused without MemAvailable, %vmeff),
/// byte for byte from a file; without it rsar keeps 12.7.8's.
#[test]
fn sar_12_6_switch_as_sar_12_6() {
    if !sar_or_skip() {
        return;
    }
    let f = sa_file().to_str().unwrap();
    for flags in ["-r", "-r ALL", "-B", "-n ETCP", "-S -r", "-r -B -n ETCP -W"] {
        let mut args: Vec<&str> = flags.split_whitespace().collect();
        args.extend(["-f", f]);
        let want = sar(&args);
        let by_env = rsar_with(&args, &[("RSAR_SAR_VERSION", "12.6")]);
        assert_eq!(by_env, want, "RSAR_SAR_VERSION=12.6 rsar {flags} -f");
        let mut flagged = vec!["--sar-version", "12.6"];
        flagged.extend(&args);
        assert_eq!(rsar(&flagged), want, "rsar --sar-version 12.6 {flags} -f");
        // The flag wins over the environment.
        flagged[1] = "12.7.8";
        let latest = rsar_with(&flagged, &[("RSAR_SAR_VERSION", "12.6")]);
        assert_ne!(latest, want, "--sar-version 12.7.8 {flags}");
    }
    let latest = rsar(&["-r", "-B", "-n", "ETCP", "-f", f]);
    for column in ["kbshmem", "pgprom/s", "retrseg/s"] {
        assert!(latest.contains(column), "12.7.8 by default: {column}");
    }
    same_layout_live_with(&["--sar-version", "12.6"], "-r ALL -B -n ETCP");
}

/// With the 12.6 switch, `--format json` has the keys and values of sadf 12.6's `-j`, for
/// every report of `-A` (the timestamp object aside: rsar names the zone).
#[test]
fn sar_12_6_switch_in_json_as_sadf_12_6() {
    if !sar_or_skip() {
        return;
    }
    let f = sa_file().to_str().unwrap();
    let out = Command::new("/usr/bin/sadf")
        .args(["-j", f, "--", "-A"])
        .env("TZ", "UTC")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let sadf: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let ours = rsar(&["--sar-version", "12.6", "--format", "json", "-A", "-f", f]);
    let ours: serde_json::Value = serde_json::from_str(&ours).unwrap();
    let stats = |v: &serde_json::Value| v["sysstat"]["hosts"][0]["statistics"].clone();
    let (want, got) = (stats(&sadf), stats(&ours));
    let want = want.as_array().unwrap();
    let got = got.as_array().unwrap();
    assert_eq!(got.len(), want.len());
    for (g, w) in got.iter().zip(want) {
        let members = |o: &serde_json::Value| -> Vec<String> {
            o.as_object().unwrap().keys().cloned().collect()
        };
        assert_eq!(members(g), members(w), "at {}", w["timestamp"]);
        for member in members(w).iter().filter(|m| *m != "timestamp") {
            assert_eq!(g[member], w[member], "{member} at {}", w["timestamp"]);
        }
    }
}

/// `--dec=0|1|2`: the real numbers with that many decimals, as sar prints them.
#[test]
fn decimals_as_sar() {
    if !sar_or_skip() {
        return;
    }
    for dec in ["--dec=0", "--dec=1", "--dec=2"] {
        same_from_file(&format!("{dec} -u -P ALL -q -d -n DEV -F -S -W -w -b"));
        same_layout_live(&format!("{dec} -u -q"));
    }
}

/// `-j ID`: -d names each device by its link in DEV/disk/by-id (here a made tree pointing
/// at a disk this machine has), the others by the kernel's name.
#[test]
fn persistent_device_names() {
    let plain = rsar(&["-d", "1", "1"]);
    let Some(disk) = plain
        .lines()
        .find(|l| l.starts_with("Average:"))
        .and_then(|l| l.split_whitespace().nth(1))
    else {
        eprintln!("skipped: no block device with I/O here");
        return;
    };
    let dev = tempfile::tempdir().unwrap();
    let by_id = dev.path().join("disk/by-id");
    std::fs::create_dir_all(&by_id).unwrap();
    std::os::unix::fs::symlink(format!("../../{disk}"), by_id.join("virtio-rsar-test")).unwrap();
    let root = dev.path().to_str().unwrap();
    let named = rsar(&["-d", "-j", "ID", "--dev-root", root, "1", "1"]);
    let average = named.lines().find(|l| l.starts_with("Average:")).unwrap();
    assert_eq!(
        average.split_whitespace().nth(1),
        Some("virtio-rsar-test"),
        "{named}"
    );
    let out = Command::new(rsar_bin())
        .args(["-d", "-j", "LABEL", "--dev-root", root, "1", "1"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("by-label"),
        "{}",
        text(&out.stderr)
    );
}

/// `-h` (`--human --pretty`) and `--human`: sizes with their unit letter and percentages
/// with their sign in the columns sar prints so, as sar 12.6 prints them.
#[test]
fn human_sizes_as_sar() {
    if !sar_or_skip() {
        return;
    }
    for flags in [
        "-h -u -r ALL -S -H -d -n DEV -F",
        "--human -d -n DEV",
        "-h --dec=0 -r -d",
        "-h -B -b -q ALL",
    ] {
        same_from_file_with(&["--sar-version", "12.6"], flags);
    }
    same_layout_live_with(&["--sar-version", "12.6"], "-h -u -r -d -n DEV");
}

/// `prog args` (sar or rsar) under the C locale in the zone `tz`: its stdout.
fn in_zone(prog: &Path, args: &[&str], tz: &str) -> String {
    let mut c = Command::new(prog);
    c.args(args);
    let out = with_env(c, &[("TZ", tz)]);
    assert!(
        out.status.success(),
        "{prog:?} {args:?}: {}",
        text(&out.stderr)
    );
    text(&out.stdout)
}

/// The first column of each line after the banner (times, `Average:`).
fn times(report: &str) -> Vec<String> {
    report
        .lines()
        .skip(1)
        .filter_map(|l| l.split_whitespace().next().map(str::to_string))
        .collect()
}

/// `-t` from an sa file that sadc recorded in Kolkata, read in New York: sar's times (and
/// banner) in the recorder's zone, byte for byte; without `-t`, the reader's zone in both.
#[test]
fn recorder_zone_from_an_sa_file_as_sar() {
    if !sar_or_skip() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("sa.kolkata");
    let st = Command::new(SADC)
        .args(["1", "3"])
        .arg(&file)
        .env("TZ", "Asia/Kolkata")
        .status()
        .unwrap();
    assert!(st.success());
    let f = file.to_str().unwrap();
    let ny = "America/New_York";
    // -s and -e are times the report shows: with -t, the recorder's.
    let second = times(&in_zone(Path::new(SAR), &["-t", "-f", f], ny))[1].clone();
    let s = second.as_str();
    for flags in [
        &["-t", "-f", f][..],
        &["-f", f],
        &["-t", "-s", s, "-f", f],
        &["-t", "-e", s, "-f", f],
    ] {
        let want = in_zone(Path::new(SAR), flags, ny);
        let got = in_zone(&rsar_bin(), flags, ny);
        assert_eq!(times(&got), times(&want), "rsar {flags:?}");
        assert_eq!(got, want, "rsar {flags:?}");
    }
    // Kolkata is 10:30 (9:30 in New York's summer) ahead: the two differ.
    assert_ne!(
        times(&in_zone(&rsar_bin(), &["-t", "-f", f], ny)),
        times(&in_zone(&rsar_bin(), &["-f", f], ny))
    );
}

/// `-t` from an rsar log that rsadc wrote in Kolkata, read in UTC: the times and the
/// banner's date at the log's recorded offset (+05:30), past midnight there.
#[test]
fn recorder_zone_from_an_rsar_log() {
    let dir = common::tempdir();
    let d = dir.path().to_str().unwrap();
    // 19:00:00 and 19:00:03 UTC on 2025-11-21: 00:30 on the 22nd in Kolkata.
    for (snap, at) in [("t0", 9 * 3600), ("t1", 9 * 3600 + 3)] {
        let root = common::fixture(snap);
        let clock = (common::TEN + at).to_string();
        let out = Command::new(common::rsadc_bin())
            .args(["--fake-clock", &clock, "--proc-root"])
            .arg(root.join("proc"))
            .arg("--sys-root")
            .arg(root.join("sys"))
            .args(["1", "1", d])
            .env("TZ", "Asia/Kolkata")
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", text(&out.stderr));
    }
    let log = dir.path().join("rsar20251122");
    let f = log.to_str().unwrap();
    let shown = in_zone(&rsar_bin(), &["-t", "-f", f], "UTC");
    assert!(
        shown.lines().next().unwrap().contains("\t11/22/25 "),
        "{shown}"
    );
    assert_eq!(
        times(&shown),
        ["00:30:00", "00:30:03", "Average:"],
        "{shown}"
    );
    let utc = in_zone(&rsar_bin(), &["-f", f], "UTC");
    assert!(utc.lines().next().unwrap().contains("\t11/21/25 "), "{utc}");
    assert_eq!(times(&utc), ["19:00:00", "19:00:03", "Average:"], "{utc}");
}

/// `-t` and `--utc` ask for two zones: a usage error, exit 1.
#[test]
fn recorder_zone_and_utc_exclude_each_other() {
    let out = Command::new(rsar_bin())
        .args(["-t", "--utc", "-f", "/nonexistent"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let err = text(&out.stderr);
    assert!(err.contains("--utc and -t exclude each other"), "{err}");
}
