//! The synthetic large-host generator (examples/synth_host.rs) end to end, on a small host:
//! its trees go through rsadc, and rsar's report of them is whole and sane.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failure report

mod common;

use common::*;

/// The rows of the first table of `report` whose header has all of `columns`, split into
/// fields.
fn table<'a>(report: &'a str, columns: &[&str]) -> Vec<Vec<&'a str>> {
    for block in report.split("\n\n") {
        let mut lines = block.lines();
        let Some(header) = lines.next() else { continue };
        if columns
            .iter()
            .all(|c| header.split_whitespace().any(|h| h == *c))
        {
            return lines.map(|l| l.split_whitespace().collect()).collect();
        }
    }
    panic!("no table with {columns:?} in\n{report}");
}

/// The rows of one interval (by its time), or of the averages.
fn at<'a>(rows: &'a [Vec<&'a str>], time: &str) -> Vec<&'a [&'a str]> {
    rows.iter()
        .filter(|r| r[0] == time)
        .map(Vec::as_slice)
        .collect()
}

#[test]
fn a_synthetic_host_records_and_reports_whole() {
    let d = tempdir();
    let trees = d.path().join("trees");
    let out = run(
        &synth_host_bin(),
        &[
            "--cpus",
            "8",
            "--disks",
            "4",
            "--ifaces",
            "20",
            "--steps",
            "3",
            trees.to_str().unwrap(),
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let logs = format!("{}/logs/", d.path().display());
    for i in 0..3 {
        let out = sample_tree(&trees.join(format!("t000{i}")), i, &logs);
        assert!(out.status.success(), "{}", text(&out.stderr));
    }
    let file = format!("{logs}rsar20251121");
    let out = run(&rsar_bin(), &["-A", "-f", &file]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let report = text(&out.stdout);
    assert!(
        report.starts_with("Linux 6.18.0-synth (synth-8c)"),
        "{report}"
    );
    assert!(report.lines().next().unwrap().ends_with("(8 CPU)"));

    let cpu = table(&report, &["CPU", "%usr", "%idle"]);
    for time in ["10:00:01", "10:00:02"] {
        let rows: Vec<_> = at(&cpu, time)
            .into_iter()
            .filter(|r| r[1] != "all")
            .collect();
        let ids: Vec<&str> = rows.iter().map(|r| r[1]).collect();
        assert_eq!(ids, ["0", "1", "2", "3", "4", "5", "6", "7"], "{time}");
        for r in rows {
            let pct: Vec<f64> = r[2..].iter().map(|v| v.parse().unwrap()).collect();
            let idle = *pct.last().unwrap();
            assert!((0.0..=100.0).contains(&idle), "{r:?}");
            let sum: f64 = pct.iter().sum();
            assert!((sum - 100.0).abs() <= 0.1, "{r:?} sums to {sum}");
        }
    }

    let disks = table(&report, &["DEV", "tps", "%util"]);
    let names: Vec<&str> = at(&disks, "10:00:02").iter().map(|r| r[1]).collect();
    assert_eq!(
        names,
        ["nvme0n1", "nvme1n1", "sda", "sdb"],
        "whole disks only"
    );

    let net = table(&report, &["IFACE", "rxpck/s"]);
    for time in ["10:00:01", "10:00:02", "Average:"] {
        let mut names: Vec<&str> = at(&net, time).iter().map(|r| r[1]).collect();
        assert_eq!(names.len(), 20, "{time}");
        assert_eq!(&names[..4], ["lo", "eth0", "eth1", "eth2"]);
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), 20, "distinct names at {time}");
    }

    for line in report.lines() {
        for v in line.split_whitespace() {
            if let Ok(x) = v.parse::<f64>() {
                assert!(
                    !v.starts_with('-') && x.is_finite() && x <= 1e12,
                    "{v} in {line:?}"
                );
            }
        }
    }
}
