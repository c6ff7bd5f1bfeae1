//! --format json, jsonl and csv on a recorded log: each parsed back with a real parser and
//! checked against the table output for the same file; sadf -j's key names pinned; jsonl
//! validated against its JSON Schema.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failure report

mod common;

use common::*;
use serde_json::Value;
use std::path::{Path, PathBuf};

const FLAGS: [&str; 8] = ["-u", "-q", "-r", "-S", "-d", "-n", "DEV", "-w"];

fn report(file: &Path, extra: &[&str]) -> String {
    let f = file.to_str().unwrap();
    let mut args: Vec<&str> = FLAGS.to_vec();
    args.extend_from_slice(extra);
    args.extend(["-f", f]);
    let out = run(&rsar_bin(), &args);
    assert!(out.status.success(), "{}", text(&out.stderr));
    text(&out.stdout)
}

/// Table rows by report: (end time, item, values), skipping headers and averages.
fn table_rows(table: &str, first_column: &str) -> Vec<(String, String, Vec<f64>)> {
    let mut rows = Vec::new();
    let mut inside = false;
    for l in table.lines() {
        if l.len() < 12 {
            inside = false;
            continue;
        }
        let words: Vec<&str> = l[11..].split_whitespace().collect();
        if words.first() == Some(&first_column) || words.contains(&first_column) {
            inside = words.first() == Some(&first_column);
            continue;
        }
        if !inside || l.starts_with("Average") || l.contains("LINUX RESTART") {
            continue;
        }
        let (item, nums) = match words[0].parse::<f64>() {
            Ok(_) => (String::new(), &words[..]),
            Err(_) => (words[0].to_string(), &words[1..]),
        };
        rows.push((
            l[..8].to_string(),
            item,
            nums.iter().map(|w| w.parse().unwrap()).collect(),
        ));
    }
    rows
}

fn num(v: &Value) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("not a number: {v}"))
}

fn keys(v: &Value) -> Vec<String> {
    v.as_object().unwrap().keys().cloned().collect()
}

fn recorded() -> (tempfile::TempDir, PathBuf) {
    let d = tempdir();
    let f = record(d.path());
    (d, f)
}

#[test]
fn json_has_sadfs_layout_and_the_tables_numbers() {
    let (_d, file) = recorded();
    let table = report(&file, &[]);
    let doc: Value = serde_json::from_str(&report(&file, &["--format", "json"])).unwrap();
    let host = &doc["sysstat"]["hosts"][0];
    assert_eq!(
        keys(host),
        [
            "nodename",
            "sysname",
            "release",
            "machine",
            "number-of-cpus",
            "file-date",
            "file-utc-time",
            "timezone",
            "statistics",
            "restarts"
        ]
    );
    assert_eq!(host["nodename"], "vm");
    assert_eq!(host["number-of-cpus"], 2);
    let stats = host["statistics"].as_array().unwrap();
    assert_eq!(stats.len(), 3, "two intervals before the reboot, one after");
    assert_eq!(host["restarts"].as_array().unwrap().len(), 1);
    assert_eq!(
        keys(&host["restarts"][0]["boot"]),
        ["date", "time", "tz", "cpu_count"]
    );
    let e = &stats[0];
    assert_eq!(
        keys(e),
        [
            "timestamp",
            "cpu-load",
            "process-and-context-switch",
            "memory",
            "queue",
            "disk",
            "network"
        ]
    );
    assert_eq!(keys(&e["timestamp"]), ["date", "time", "tz", "interval"]);
    assert_eq!(e["timestamp"]["time"], "10:00:03");
    assert_eq!(
        keys(&e["cpu-load"][0]),
        ["cpu", "user", "nice", "system", "iowait", "steal", "idle"]
    );
    assert_eq!(
        keys(&e["memory"]),
        [
            "memfree",
            "avail",
            "memused",
            "memused-percent",
            "buffers",
            "cached",
            "commit",
            "commit-percent",
            "active",
            "inactive",
            "dirty",
            "shared",
            "swpfree",
            "swpused",
            "swpused-percent",
            "swpcad",
            "swpcad-percent"
        ]
    );
    assert_eq!(
        keys(&e["queue"]),
        ["runq-sz", "plist-sz", "ldavg-1", "ldavg-5", "ldavg-15", "blocked"]
    );
    assert_eq!(
        keys(&e["disk"][0]),
        [
            "disk-device",
            "tps",
            "rd_sec",
            "wr_sec",
            "dc_sec",
            "rkB",
            "wkB",
            "dkB",
            "avgrq-sz",
            "areq-sz",
            "avgqu-sz",
            "aqu-sz",
            "await",
            "util-percent"
        ]
    );
    assert_eq!(
        keys(&e["network"]["net-dev"][0]),
        [
            "iface",
            "rxpck",
            "txpck",
            "rxkB",
            "txkB",
            "rxcmp",
            "txcmp",
            "rxmcst",
            "ifutil-percent"
        ]
    );
    assert_eq!(keys(&e["process-and-context-switch"]), ["proc", "cswch"]);

    // The numbers are the table's.
    let cpu = table_rows(&table, "CPU");
    let queue = table_rows(&table, "runq-sz");
    let disk = table_rows(&table, "DEV");
    for (i, s) in stats.iter().enumerate() {
        let time = s["timestamp"]["time"].as_str().unwrap();
        assert_eq!(cpu[i].0, time);
        let c = &s["cpu-load"][0];
        let json_cpu: Vec<f64> = ["user", "nice", "system", "iowait", "steal", "idle"]
            .iter()
            .map(|k| num(&c[k]))
            .collect();
        assert_eq!(json_cpu, cpu[i].2, "cpu at {time}");
        let q = &s["queue"];
        let json_q: Vec<f64> = [
            "runq-sz", "plist-sz", "ldavg-1", "ldavg-5", "ldavg-15", "blocked",
        ]
        .iter()
        .map(|k| num(&q[k]))
        .collect();
        assert_eq!(json_q, queue[i].2, "queue at {time}");
        let d = &s["disk"][0];
        assert_eq!(d["disk-device"], disk[i].1.as_str());
        assert_eq!(num(&d["tps"]), disk[i].2[0]);
        assert_eq!(num(&d["util-percent"]), disk[i].2[7]);
        assert!((num(&d["rd_sec"]) - 2.0 * num(&d["rkB"])).abs() < 0.02);
    }
    assert_eq!(
        num(&stats[0]["cpu-load"][0]["user"]),
        38.47,
        "the hand-computed figure"
    );
}

#[test]
fn json_psi_io_and_paging_members() {
    let (_d, file) = recorded();
    let f = file.to_str().unwrap();
    let out = run(
        &rsar_bin(),
        &["-q", "ALL", "-b", "-B", "-W", "--format", "json", "-f", f],
    );
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let e = &doc["sysstat"]["hosts"][0]["statistics"][0];
    assert_eq!(
        keys(&e["io"]),
        ["tps", "io-reads", "io-writes", "io-discard"]
    );
    assert_eq!(keys(&e["io"]["io-reads"]), ["rtps", "bread"]);
    assert_eq!(keys(&e["psi"]), ["psi-cpu", "psi-io", "psi-mem"]);
    assert_eq!(
        keys(&e["psi"]["psi-cpu"]),
        ["some_avg10", "some_avg60", "some_avg300", "some_avg"]
    );
    assert_eq!(keys(&e["psi"]["psi-io"]).len(), 8);
    assert_eq!(keys(&e["swap-pages"]), ["pswpin", "pswpout"]);
    assert_eq!(num(&e["paging"]["pgpgin"]), 94425.77);
}

#[test]
fn jsonl_lines_validate_against_the_schema() {
    let (_d, file) = recorded();
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("docs/rsar-jsonl.schema.json"),
        )
        .unwrap(),
    )
    .unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let mut all = FLAGS.to_vec();
    all.extend([
        "-q", "ALL", "-b", "-B", "-W", "-u", "ALL", "-P", "ALL", "-r", "ALL",
    ]);
    // -A: every report, the network protocols' members under "network" among them.
    for flags in [&FLAGS[..], &all[..], &["-A"][..]] {
        let mut args = flags.to_vec();
        args.extend(["-C", "--format", "jsonl", "-f", file.to_str().unwrap()]);
        let out = run(&rsar_bin(), &args);
        assert!(out.status.success());
        let lines: Vec<Value> = text(&out.stdout)
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        for l in &lines {
            let errors: Vec<String> = validator.iter_errors(l).map(|e| e.to_string()).collect();
            assert!(errors.is_empty(), "{l}: {errors:?}");
        }
        let types: Vec<&str> = lines.iter().map(|l| l["type"].as_str().unwrap()).collect();
        assert_eq!(types, ["interval", "interval", "restart", "interval"]);
        if flags == ["-A"] {
            let net = &lines[0]["network"];
            assert!(net["net-tcp"]["active"].is_number(), "{net}");
            assert!(net["net-etcp"]["retrseg"].is_number(), "{net}");
            assert_eq!(net["softnet"][0]["cpu"], "all", "{net}");
        }
        assert_eq!(lines[0]["timestamp"], "2025-11-21T10:00:03+00:00");
        assert_eq!(
            lines[0]["interval"], 3.26,
            "uptime-based, as the table's rates"
        );
    }
    // The schema rejects what it should.
    let bad: Value = serde_json::json!({"type": "interval", "timestamp": "10:00", "host": "x"});
    assert!(!validator.is_valid(&bad));
}

#[test]
fn csv_reads_back_with_the_tables_numbers() {
    let (_d, file) = recorded();
    let table = report(&file, &[]);
    let out = report(&file, &["--format", "csv"]);
    assert!(out.contains("\r\n"), "RFC 4180 line ends");
    let mut rdr = csv::Reader::from_reader(out.as_bytes());
    let header: Vec<String> = rdr.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(
        &header[..5],
        ["timestamp", "interval", "host", "report", "item"]
    );
    assert!(header.contains(&"cpu:%user".to_string()));
    assert!(header.contains(&"disk:await".to_string()));
    let rows: Vec<csv::StringRecord> = rdr.records().map(Result::unwrap).collect();
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let cpu: Vec<&csv::StringRecord> = rows.iter().filter(|r| &r[3] == "cpu").collect();
    let want = table_rows(&table, "CPU");
    assert_eq!(cpu.len(), want.len());
    for (r, w) in cpu.iter().zip(&want) {
        assert_eq!(&r[0][11..19], w.0, "timestamp");
        let got: Vec<f64> = ["%user", "%nice", "%system", "%iowait", "%steal", "%idle"]
            .iter()
            .map(|c| r[col(&format!("cpu:{c}"))].parse().unwrap())
            .collect();
        assert_eq!(got, w.2);
        assert!(
            r[col("queue:runq-sz")].is_empty(),
            "other reports' cells are empty"
        );
    }
    let net: Vec<&csv::StringRecord> = rows.iter().filter(|r| &r[3] == "net-dev").collect();
    assert_eq!(net.len(), 3 * 4, "one row per interval per interface");
    // One report alone: its columns as they are.
    let out = run(
        &rsar_bin(),
        &["-q", "--format", "csv", "-f", file.to_str().unwrap()],
    );
    let first = text(&out.stdout).lines().next().unwrap().to_string();
    assert_eq!(
        first,
        "timestamp,interval,host,report,item,runq-sz,plist-sz,ldavg-1,ldavg-5,ldavg-15,blocked"
    );
}

#[test]
fn live_json_is_closed_on_ctrl_c() {
    use std::io::{BufRead, BufReader};
    let mut child = std::process::Command::new(rsar_bin())
        .args(["-u", "--format", "json", "0.3"])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut got = String::new();
    while !got.contains("\"timestamp\"") {
        let mut l = String::new();
        out.read_line(&mut l).unwrap();
        got.push_str(&l);
    }
    nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(child.id() as i32),
        nix::sys::signal::Signal::SIGINT,
    )
    .unwrap();
    std::io::Read::read_to_string(&mut out, &mut got).unwrap();
    assert!(child.wait().unwrap().success());
    let doc: Value = serde_json::from_str(&got).unwrap();
    assert!(!doc["sysstat"]["hosts"][0]["statistics"]
        .as_array()
        .unwrap()
        .is_empty());
}
