//! `sar -n FC` (Fibre Channel host adapters) side by side with sysstat, on a hand-made
//! /sys tree of two hosts whose counters move between two snapshots
//! (`tests/fixtures/fc_host`, PROVENANCE.md there): Debian's sadc recorded that tree into
//! `sa-fc`; Debian's sar and sadf read it here and rsar must print the same bytes, from
//! the sa file, from its import, and from rsadc's own recording of the same tree. The
//! numbers are also worked out by hand below, so the test means something without
//! sysstat. sysstat's own pinned outputs for `-n FC` are compared in
//! `tests/sysstat_roots.rs`.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failure report

mod common;

use common::*;
use std::path::{Path, PathBuf};
use std::process::Command;

const SAR: &str = "/usr/bin/sar";
const SADF: &str = "/usr/bin/sadf";
const SADC: &str = "/usr/lib/sysstat/sadc";

fn tree() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/fc_host")
}

/// Each host's rates over the 10 s between t0 and t1 (both trees' /proc/uptime), worked
/// out from the counter files:
/// host0: rx_frames 0x72400 → 0x72cd2 (+2258), tx_frames 0x3a000 → 0x3a237 (+567),
/// rx_words 0x1c90000 → 0x1ca81cd (+98765), tx_words 0xe80000 → 0xe8a9ca (+43466);
/// host1: rx_frames 0x10 → 0x74 (+100), tx_frames 0x20 → 0x27 (+7), rx_words all ones
/// (not implemented by the HBA: 0.00, as sar prints its Δ of 0), tx_words 0 → 0x64 (+100).
const HOST0: &str = "       225.80     56.70   9876.50   4346.60 host0";
const HOST1: &str = "        10.00      0.70      0.00     10.00 host1";

fn rsar(args: &[&str]) -> String {
    let out = run(&rsar_bin(), args);
    assert!(out.status.success(), "rsar {args:?}: {}", text(&out.stderr));
    text(&out.stdout)
}

/// rsadc's log of the tree: t0 at 10:00:00, t1 at 10:00:10 (2025-12-07, UTC).
fn recorded(dir: &Path) -> PathBuf {
    let d = dir.to_str().unwrap();
    for (snapshot, at) in [("t0", 0), ("t1", 10)] {
        let out = rsadc_on(
            &tree().join(snapshot),
            1_765_101_600 - TEN + at,
            &["1", "1", d],
        );
        assert!(out.status.success(), "{}", text(&out.stderr));
    }
    dir.join("rsar20251207")
}

/// The data rows of a table report, without their time label (`HH:MM:SS`, `Average:`).
fn rows(report: &str) -> Vec<String> {
    report
        .lines()
        .filter(|l| l.ends_with("host0") || l.ends_with("host1"))
        .filter(|l| !l.contains("FCHOST"))
        .map(|l| l[8..].to_string())
        .collect()
}

#[test]
fn rsadcs_recording_gives_the_rates_worked_out_by_hand() {
    let d = tempdir();
    let log = recorded(d.path());
    let got = rsar(&["-n", "FC", "-f", log.to_str().unwrap()]);
    let want = format!(
        "10:00:00    fch_rxf/s fch_txf/s fch_rxw/s fch_txw/s FCHOST\n\
         10:00:10{HOST0}\n10:00:10{HOST1}\nAverage:{HOST0}\nAverage:{HOST1}\n"
    );
    assert!(got.ends_with(&format!("\n\n{want}")), "{got}");
}

/// `-n ALL` and `-A` show it between `-n UDP6` and `-n SOFT`, as sar's `-A` does; the
/// other outputs carry the same numbers under sadf's names.
#[test]
fn every_output_and_the_all_selections_have_it() {
    let d = tempdir();
    let log = recorded(d.path());
    let log = log.to_str().unwrap();
    for all in [&["-n", "ALL"][..], &["-A"][..]] {
        let mut args = all.to_vec();
        args.extend(["-f", log]);
        let report = rsar(&args);
        let headers: Vec<&str> = report
            .lines()
            .filter(|l| l.starts_with("10:00:00"))
            .map(|l| l[11..].split_whitespace().next().unwrap_or(""))
            .collect();
        let fc = headers.iter().position(|h| *h == "fch_rxf/s").expect("FC");
        assert_eq!(
            headers[fc + 1],
            "CPU",
            "{all:?}: -n SOFT after FC: {headers:?}"
        );
        assert_eq!(rows(&report), [HOST0, HOST1, HOST0, HOST1], "{all:?}");
    }
    let csv = rsar(&["-n", "FC", "--format", "csv", "-f", log]);
    assert_eq!(
        csv,
        "timestamp,interval,host,report,item,fch_rxf/s,fch_txf/s,fch_rxw/s,fch_txw/s\r\n\
         2025-12-07T10:00:10+00:00,10,vm,net-fc,host0,225.80,56.70,9876.50,4346.60\r\n\
         2025-12-07T10:00:10+00:00,10,vm,net-fc,host1,10.00,0.70,0.00,10.00\r\n"
            .replace(",vm,", &format!(",{},", host_of(&csv)))
    );
    let jsonl = rsar(&["-n", "FC", "--format", "jsonl", "-f", log]);
    assert!(
        jsonl.contains(
            r#""network":{"fchosts":[{"fchost":"host0","fch_rxf":225.80,"fch_txf":56.70,"fch_rxw":9876.50,"fch_txw":4346.60},{"fchost":"host1","fch_rxf":10.00,"fch_txf":0.70,"fch_rxw":0.00,"fch_txw":10.00}]}"#
        ),
        "{jsonl}"
    );
}

/// The host column of a CSV's first data row.
fn host_of(csv: &str) -> String {
    csv.lines()
        .nth(1)
        .unwrap()
        .split(',')
        .nth(2)
        .unwrap()
        .to_string()
}

/// node_exporter's fibrechannel collector: `node_fibrechannel_<file>_total{fc_host}`, the
/// counters as the files hold them, and no series for a counter the HBA does not
/// implement (host1's rx_words, all ones), as node_exporter leaves it out.
#[test]
fn openmetrics_under_node_exporters_fibrechannel_names() {
    let d = tempdir();
    let log = recorded(d.path());
    let out = rsar(&["export", "-f", log.to_str().unwrap()]);
    let series = |name: &str| -> Vec<String> {
        out.lines()
            .filter(|l| l.starts_with(name))
            .map(|l| {
                let labels = &l[l.find("fc_host=").unwrap()..];
                labels.replace(['"', '}'], "")
            })
            .collect()
    };
    assert!(
        out.contains("# TYPE node_fibrechannel_rx_frames counter\n"),
        "{out}"
    );
    assert_eq!(
        series("node_fibrechannel_rx_frames_total{"),
        [
            "fc_host=host0 467968 1765101600",
            "fc_host=host0 470226 1765101610",
            "fc_host=host1 16 1765101600",
            "fc_host=host1 116 1765101610"
        ]
    );
    assert_eq!(
        series("node_fibrechannel_rx_words_total{"),
        [
            "fc_host=host0 29949952 1765101600",
            "fc_host=host0 30048717 1765101610"
        ]
    );
    assert_eq!(
        series("node_fibrechannel_tx_words_total{"),
        [
            "fc_host=host0 15204352 1765101600",
            "fc_host=host0 15247818 1765101610",
            "fc_host=host1 0 1765101600",
            "fc_host=host1 100 1765101610"
        ]
    );
}

fn sysstat_or_skip() -> bool {
    if [SAR, SADF, SADC].iter().all(|p| Path::new(p).exists()) {
        return true;
    }
    oracle_missing(&format!(
        "{SAR}, {SADF} or {SADC} (apt-get install sysstat)"
    ));
    false
}

fn sysstat(bin: &str, args: &[&str]) -> String {
    let out = Command::new(bin)
        .args(args)
        .env("TZ", "UTC")
        .env("LC_ALL", "C")
        .env("S_TIME_FORMAT", "")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{bin} {args:?}: {}",
        text(&out.stderr)
    );
    text(&out.stdout)
}

/// Debian's sar on the sa file Debian's sadc recorded of the tree, and rsar on the same
/// file and on its import into rsar's logs: the same bytes; the rows also the hand-worked
/// ones, and rsadc's own recording of the tree the same rows.
#[test]
fn sar_n_fc_as_debians_sar_byte_for_byte() {
    let sa = tree().join("sa-fc");
    let sa = sa.to_str().unwrap();
    let ours = rsar(&["-n", "FC", "-f", sa]);
    assert_eq!(rows(&ours), [HOST0, HOST1, HOST0, HOST1], "{ours}");
    let d = tempdir();
    assert_eq!(
        rows(&rsar(&[
            "-n",
            "FC",
            "-f",
            recorded(d.path()).to_str().unwrap()
        ])),
        rows(&ours)
    );
    let logs = tempdir();
    let out = run(
        &rsadc_bin(),
        &["--import", sa, logs.path().to_str().unwrap()],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let imported = logs.path().join("rsar20261207");
    assert_eq!(
        rsar(&["-n", "FC", "-f", imported.to_str().unwrap()]),
        ours,
        "the import reports as the sa file"
    );
    if !sysstat_or_skip() {
        return;
    }
    assert_eq!(ours, sysstat(SAR, &["-n", "FC", "-f", sa]));
}

/// `--format json` against Debian's `sadf -j -- -n FC` on the same file: the same
/// statistics (timestamps and the `fchosts` array, key for key).
#[test]
fn json_as_debians_sadf_j() {
    use serde_json::Value;
    if !sysstat_or_skip() {
        return;
    }
    let sa = tree().join("sa-fc");
    let sa = sa.to_str().unwrap();
    let ours: Value =
        serde_json::from_str(&rsar(&["-n", "FC", "--format", "json", "-f", sa])).unwrap();
    let theirs: Value =
        serde_json::from_str(&sysstat(SADF, &["-j", sa, "--", "-n", "FC"])).unwrap();
    let stats = |v: &Value| v["sysstat"]["hosts"][0]["statistics"].clone();
    let (ours, theirs) = (stats(&ours), stats(&theirs));
    assert_eq!(ours.as_array().unwrap().len(), 1);
    for (o, t) in ours
        .as_array()
        .unwrap()
        .iter()
        .zip(theirs.as_array().unwrap())
    {
        assert_eq!(o["timestamp"]["time"], t["timestamp"]["time"]);
        assert_eq!(o["timestamp"]["interval"], t["timestamp"]["interval"]);
        assert_eq!(o["network"], t["network"]);
    }
}

/// Debian's sadc has no root option: it reads /sys/class/fc_host and /proc/uptime. In a
/// private mount namespace (root only) the tree's snapshots are mounted over them and
/// sadc records them afresh; sar's report of that file is rsar's, byte for byte. Where
/// the namespace cannot be made (not root), the fixed `sa-fc` above stands for it.
#[test]
fn debians_sadc_recording_the_tree_afresh() {
    if !sysstat_or_skip() {
        return;
    }
    let probe = Command::new("unshare").args(["-m", "true"]).status();
    if !probe.is_ok_and(|s| s.success()) {
        eprintln!("skipped: no private mount namespace here (needs root)");
        return;
    }
    let d = tempdir();
    let sa = d.path().join("sa");
    for snapshot in ["t0", "t1"] {
        let t = tree().join(snapshot);
        let script = format!(
            "mount --make-rprivate / && mount --bind {class} /sys/class && \
             mount --bind {uptime} /proc/uptime && {SADC} -S DISK 1 1 {sa}",
            class = t.join("sys/class").display(),
            uptime = t.join("proc/uptime").display(),
            sa = sa.display(),
        );
        let st = Command::new("unshare")
            .args(["-m", "sh", "-c", &script])
            .status()
            .unwrap();
        assert!(st.success(), "sadc in a mount namespace");
    }
    let sa = sa.to_str().unwrap();
    let theirs = sysstat(SAR, &["-n", "FC", "-f", sa]);
    assert_eq!(rsar(&["-n", "FC", "-f", sa]), theirs);
    assert_eq!(rows(&theirs), [HOST0, HOST1, HOST0, HOST1], "{theirs}");
}
