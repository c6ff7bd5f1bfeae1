//! The fault-injection suite (`bench/explain-faults.py`, issue 27) once for each scenario
//! cheap and steady enough for the test run: a process held in state D by throttled
//! writes, a fork storm and a memory leak, each recorded by the real rsadc at 1 s after a
//! quiet spell. `rsar explain` must name the injected process first for the signal the
//! fault moved. The scenarios are declared once, in the script; this runs it with the
//! binaries under test. The whole suite (every scenario, ten runs each, with its table)
//! is `bench/explain-faults.sh`.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code

mod common;

use common::{oracle_missing, rsadc_bin, rsar_bin, text};
use serde_json::Value;
use std::os::unix::fs::MetadataExt;
use std::path::Path;
use std::process::Command;

#[test]
fn explain_names_the_injected_culprit_of_each_fault() {
    if std::fs::metadata("/proc/self").map(|m| m.uid()).ok() != Some(0) {
        oracle_missing("root (the fault suite makes cgroups and throttles block I/O)");
        return;
    }
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("bench/explain-faults.py");
    let Ok(out) = Command::new("python3")
        .arg(&script)
        .args(["--runs", "1", "--quiet-s", "6", "--fault-s", "6", "--json"])
        .args(["--scenarios", "d-state,fork-storm,memory-leak"])
        .arg("--rsar")
        .arg(rsar_bin())
        .arg("--rsadc")
        .arg(rsadc_bin())
        .env("TZ", "UTC")
        .output()
    else {
        oracle_missing("python3");
        return;
    };
    assert!(out.status.success(), "{}", text(&out.stderr));
    let runs: Vec<Value> = text(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    let scenarios: Vec<&str> = runs
        .iter()
        .map(|r| r["scenario"].as_str().unwrap())
        .collect();
    assert_eq!(scenarios, ["d-state", "fork-storm", "memory-leak"]);
    for (r, (signal, culprit)) in runs.iter().zip([
        ("blocked", "rsar-stuck"),
        ("forks", "rsar-fork"),
        ("memory", "rsar-leak"),
    ]) {
        // The first finding may be another signal a shared machine moved more; the one
        // checked is the fault's own.
        assert_eq!(r["checked_signal"], signal, "{r:#}");
        assert_eq!(r["first_contributor"], culprit, "{r:#}");
        assert_eq!(r["process_ok"], true, "{r:#}");
        let share = r["culprit_share"].as_f64().unwrap();
        assert!(share > 0.3 && share < 1.5, "{r:#}");
    }
}
