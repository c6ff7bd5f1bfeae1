//! The install story's files: the systemd unit's sandboxing, the cron lines, the default
//! configuration, and that every file the .deb and .rpm list exists.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failure report

use std::path::PathBuf;

fn read(rel: &str) -> String {
    std::fs::read_to_string(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(rel)).unwrap()
}

#[test]
fn the_unit_runs_rsadc_sandboxed_without_privilege() {
    let unit = read("packaging/systemd/rsadc.service");
    for line in [
        "Restart=on-failure",
        "LogsDirectory=rsar",
        "ProtectSystem=strict",
        "ProtectHome=yes",
        "PrivateTmp=yes",
        "NoNewPrivileges=yes",
        "CapabilityBoundingSet=\n",
        "EnvironmentFile=-/etc/default/rsar",
        "WantedBy=multi-user.target",
    ] {
        assert!(unit.contains(line), "{line:?} missing");
    }
    let exec = unit.lines().find(|l| l.starts_with("ExecStart=")).unwrap();
    for var in [
        "${RSAR_INTERVAL}",
        "${RSAR_RETAIN_DAYS}",
        "${RSAR_COMPRESS_AFTER_DAYS}",
        "${RSAR_DIR}",
    ] {
        assert!(exec.contains(var), "{var} not used by ExecStart");
    }
    // Where systemd-analyze is installed, the unit must pass it.
    if let Ok(out) = std::process::Command::new("systemd-analyze")
        .args(["verify", "--man=no"])
        .arg(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("packaging/systemd/rsadc.service"))
        .output()
    {
        let err = String::from_utf8_lossy(&out.stderr);
        // The binary is not installed where the tests run; everything else must be clean.
        let problems: Vec<&str> = err
            .lines()
            .filter(|l| !l.contains("/usr/bin/rsadc") && !l.trim().is_empty())
            .collect();
        assert!(problems.is_empty(), "systemd-analyze verify: {problems:?}");
    }
}

#[test]
fn the_settings_are_read_by_both_the_unit_and_cron() {
    let defaults = read("packaging/default/rsar");
    let cron = read("packaging/cron/rsar");
    for key in [
        "RSAR_INTERVAL=10",
        "RSAR_DIR=/var/log/rsar",
        "RSAR_RETAIN_DAYS=28",
        "RSAR_COMPRESS_AFTER_DAYS=1",
    ] {
        assert!(defaults.contains(key), "{key}");
    }
    let jobs: Vec<&str> = cron
        .lines()
        .filter(|l| !l.starts_with('#') && l.contains(" root "))
        .collect();
    assert_eq!(jobs.len(), 3, "{jobs:?}");
    assert!(jobs[0].starts_with("*/10 * * * * root") && jobs[0].contains("rsadc 1 1"));
    assert!(jobs[1].starts_with("@reboot root") && jobs[1].contains("--boot"));
    assert!(jobs[2].contains("--housekeeping"));
    for j in &jobs {
        assert!(j.contains(". /etc/default/rsar"), "{j}");
        assert!(
            j.contains("[ -d /run/systemd/system ] ||"),
            "idle under systemd: {j}"
        );
    }
}

#[test]
fn every_packaged_file_exists() {
    let manifest = read("Cargo.toml");
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut n = 0;
    for line in manifest.lines() {
        let line = line.trim();
        let source = if let Some(rest) = line.strip_prefix("[\"") {
            rest.split('"').next()
        } else if let Some(rest) = line.strip_prefix("{ source = \"") {
            rest.split('"').next()
        } else {
            None
        };
        if let Some(src) = source {
            if src.starts_with("target/") {
                continue;
            }
            assert!(root.join(src).exists(), "{src} is packaged but missing");
            n += 1;
        }
    }
    assert!(n >= 20, "found {n} packaged files");
}

#[test]
fn the_collector_installs_as_a_package_named_rsadc() {
    // `cargo install --path collector` names the installed package after this.
    let manifest = read("collector/Cargo.toml");
    let name = manifest
        .lines()
        .skip_while(|l| l.trim() != "[package]")
        .find_map(|l| l.strip_prefix("name = "))
        .expect("a package name");
    assert_eq!(name.trim_matches('"'), "rsadc");
}
