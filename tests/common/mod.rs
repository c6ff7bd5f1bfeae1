//! Helpers shared by the integration tests that run the real binaries on recorded logs.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)] // test code

pub mod cgroups;
pub mod made_up;
mod oracle;
pub mod prometheus;

#[allow(unused_imports)] // not every test file compares with a reference
pub use oracle::oracle_missing;

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn rsar_bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_rsar"))
}

/// rsadc lives in the collector package, built beside rsar by `cargo test --workspace`;
/// build it when this test runs alone.
pub fn rsadc_bin() -> PathBuf {
    let p = rsar_bin().with_file_name("rsadc");
    if !p.exists() {
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        let st = Command::new(cargo)
            .args(["build", "-p", "rsadc", "--bin", "rsadc"])
            .status()
            .unwrap();
        assert!(st.success());
    }
    p
}

pub fn run(bin: &Path, args: &[&str]) -> Output {
    Command::new(bin)
        .args(args)
        .env("TZ", "UTC")
        .env("LC_ALL", "C")
        .env_remove("S_TIME_FORMAT")
        .output()
        .unwrap()
}

pub fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// Compare `got` with the golden file `tests/golden/NAME`; `RSAR_BLESS=1` rewrites the
/// file first (look at the diff before committing it).
pub fn golden(name: &str, got: &str) {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(name);
    if std::env::var_os("RSAR_BLESS").is_some() {
        std::fs::write(&path, got).unwrap();
    }
    let want = std::fs::read_to_string(&path).unwrap_or_default();
    assert_eq!(
        got,
        want,
        "{} differs (RSAR_BLESS=1 rewrites it, to be looked at before committing)",
        path.display()
    );
}

pub fn fixture(t: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/vm-6.18")
        .join(t)
}

pub fn tempdir() -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    std::fs::set_permissions(d.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    d
}

/// 2025-11-21 10:00:00 UTC.
pub const TEN: i64 = 1_763_719_200;

/// Record snapshots t0, t1, t2, a reboot, then t0 and t1 again, one rsadc run each.
pub fn record(dir: &Path) -> PathBuf {
    let d = dir.to_str().unwrap();
    let steps: [(&str, i64); 6] = [
        ("t0", 0),
        ("t1", 3),
        ("t2", 1233),
        ("boot", 1300),
        ("t0", 1301),
        ("t1", 1304),
    ];
    for (snap, at) in steps {
        let out = if snap == "boot" {
            rsadc_on(&fixture("t0"), at, &["--boot", d])
        } else {
            sample_tree(&fixture(snap), at, d)
        };
        assert!(out.status.success(), "{}", text(&out.stderr));
    }
    dir.join("rsar20251121")
}

/// Roll up the day `date` in `dir` as rsadc does after midnight (the tiers by default),
/// which must go without a problem or damage.
pub fn roll_up_day(dir: &Path, date: chrono::NaiveDate) {
    use rsar::store::rollup::{roll_up, Retention};
    let built = roll_up(dir, date + chrono::Duration::days(1), &Retention::default()).unwrap();
    assert!(
        built.problems.is_empty() && built.damage.is_empty(),
        "{built:?}"
    );
}

/// Set a log's format version, with a header checksum that matches (a file written by a
/// newer rsar, not a damaged one).
pub fn set_version(log: &mut [u8], version: u16) {
    log[8..10].copy_from_slice(&version.to_le_bytes());
    let end = 16 + u32::from_le_bytes(log[12..16].try_into().unwrap()) as usize;
    let crc = crc32fast::hash(&log[8..end]);
    log[end..end + 4].copy_from_slice(&crc.to_le_bytes());
}

/// The host facts of a made-up machine with `cpus` CPUs, booted as `boot`.
pub fn test_host(boot: &str, cpus: u32) -> rsar::sample::HostFacts {
    rsar::sample::HostFacts {
        hostname: "testhost".into(),
        sysname: "Linux".into(),
        release: "6.1.0-test".into(),
        machine: "x86_64".into(),
        boot_id: boot.into(),
        user_hz: 100,
        page_size: 4096,
        cpu_count: cpus,
    }
}

/// The samples of a log read whole, in order.
pub fn samples_of(log: &rsar::store::Log) -> Vec<rsar::sample::Sample> {
    log.records
        .iter()
        .filter_map(|(_, r)| match r {
            rsar::store::Record::Sample(s) => Some((**s).clone()),
            _ => None,
        })
        .collect()
}

/// One cron-style rsadc run: a sample of the tree at `root` (its `proc` and `sys`) at
/// `TEN + at` on the simulated clock, into `target`.
pub fn sample_tree(root: &Path, at: i64, target: &str) -> Output {
    // Every optional group, so that the reports of the opt-in ones are pinned too.
    rsadc_on(
        root,
        at,
        &["--with", "interrupts,cpufreq", "1", "1", target],
    )
}

/// rsadc over the tree at `root` at `TEN + at` on the simulated clock, with `rest`.
pub fn rsadc_on(root: &Path, at: i64, rest: &[&str]) -> Output {
    let clock = (TEN + at).to_string();
    let (p, s) = (root.join("proc"), root.join("sys"));
    let mut args = vec![
        "--fake-clock",
        &clock,
        "--proc-root",
        p.to_str().unwrap(),
        "--sys-root",
        s.to_str().unwrap(),
    ];
    args.extend(rest);
    run(&rsadc_bin(), &args)
}

/// sysstat's own test data — its fake /proc and /sys roots, sa files and the outputs its
/// tests pin for them — kept in the tree (tests/fixtures/sysstat/PROVENANCE.md), so that
/// every comparison with sysstat runs wherever the tests run.
pub fn sysstat_tests() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/sysstat")
}

/// An example of this package (examples/NAME.rs), built in this test's profile (a no-op
/// when `cargo test` already built it).
pub fn example_bin(name: &str) -> PathBuf {
    let bin_dir = rsar_bin().parent().unwrap().to_path_buf();
    let profile = match bin_dir.file_name().and_then(|n| n.to_str()) {
        Some("debug") | None => "dev",
        Some(p) => p,
    }
    .to_string();
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let st = Command::new(cargo)
        .args(["build", "--quiet", "--example", name, "--profile", &profile])
        .status()
        .unwrap();
    assert!(st.success());
    bin_dir.join("examples").join(name)
}

/// The synthetic large-host generator (examples/synth_host.rs).
pub fn synth_host_bin() -> PathBuf {
    example_bin("synth_host")
}

/// A synthetic day at `step` seconds (examples/synth_day.rs: 4 CPUs, a working day, a
/// reboot at noon) with a process table of about `processes` processes per sample.
pub fn synth_day(dir: &Path, step: u32, processes: u32) -> PathBuf {
    let file = dir.join("rsar20251121");
    let out = run(
        &example_bin("synth_day"),
        &[
            file.to_str().unwrap(),
            &step.to_string(),
            "2025-11-21",
            &processes.to_string(),
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    file
}

/// A log of the synthetic large host (examples/synth_host.rs) with `cpus` CPUs, `disks`
/// whole disks and `ifaces` interfaces, in `dir`: one snapshot per entry of `at` (seconds
/// after 10:00 on the simulated clock; the snapshots' counters advance 10 s apart).
pub fn synth_log(dir: &Path, cpus: u32, disks: u32, ifaces: u32, at: &[i64]) -> PathBuf {
    let trees = dir.join("trees");
    let out = run(
        &synth_host_bin(),
        &[
            "--cpus",
            &cpus.to_string(),
            "--disks",
            &disks.to_string(),
            "--ifaces",
            &ifaces.to_string(),
            "--steps",
            &at.len().to_string(),
            "--step-secs",
            "10",
            trees.to_str().unwrap(),
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let logs = format!("{}/logs/", dir.display());
    for (i, &t) in at.iter().enumerate() {
        let out = rsadc_on(&trees.join(format!("t{i:04}")), t, &["1", "1", &logs]);
        assert!(out.status.success(), "{}", text(&out.stderr));
    }
    dir.join("logs/rsar20251121")
}

/// Two daily logs in `dir`, 2025-11-21 and 2025-11-22, of the captured tree t0 sampled every
/// 10 s from 23:59:40 to 00:00:20 (UTC), the context switches moving; the midnight sample
/// ends one file and starts the next.
pub fn across_midnight(dir: &Path) {
    use rsar::store::{day_file_name, DayWriter};
    let root = fixture("t0");
    let base = rsar::probe::Probe::new(&root.join("proc"), &root.join("sys"))
        .unwrap()
        .sample()
        .unwrap();
    let host = rsar::sample::HostFacts {
        hostname: "vm".into(),
        boot_id: "b".into(),
        ..Default::default()
    };
    let samples: Vec<rsar::sample::Sample> = (0..5i64)
        .map(|k| {
            let mut s = base.clone();
            s.time.wall_ns = (1_763_769_580 + 10 * k) * 1_000_000_000;
            s.time.uptime_cs += 1000 * k as u64;
            s.kernel.ctxt += 5000 * k as u64;
            s
        })
        .collect();
    for (date, range) in [("2025-11-21", 0..3), ("2025-11-22", 2..5)] {
        let day = chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d").unwrap();
        let (mut w, _) = DayWriter::open(&dir.join(day_file_name(day)), &host, 0, 0).unwrap();
        for s in &samples[range] {
            w.append_sample(&host, s).unwrap();
        }
    }
}

/// A varint as docs/FORMAT.md describes it (LEB128), at `*i`.
fn varint(b: &[u8], i: &mut usize) -> u64 {
    let mut v = 0;
    for shift in (0..64).step_by(7) {
        let x = b[*i];
        *i += 1;
        v |= u64::from(x & 0x7f) << shift;
        if x < 0x80 {
            break;
        }
    }
    v
}

/// The records of an uncompressed log, as (kind, payload): read by hand, as
/// docs/FORMAT.md describes the frames.
pub fn records(bytes: &[u8]) -> Vec<(u8, &[u8])> {
    let (_, mut pos) = rsar::store::FileHeader::decode(bytes).unwrap();
    let mut out = Vec::new();
    while pos < bytes.len() {
        assert_eq!(
            bytes[pos..pos + 2],
            rsar::store::wire::SYNC,
            "a frame at {pos}"
        );
        let len = u32::from_le_bytes(bytes[pos + 2..pos + 6].try_into().unwrap()) as usize;
        out.push((bytes[pos + 6], &bytes[pos + 7..pos + 7 + len]));
        pos += 11 + len;
    }
    out
}

/// The blocks of each sample record of a log, as (group id, mode, body length).
pub fn sample_blocks(bytes: &[u8]) -> Vec<Vec<(u64, u64, usize)>> {
    let mut out = Vec::new();
    for (kind, payload) in records(bytes) {
        if kind != rsar::store::wire::KIND_SAMPLE {
            continue;
        }
        let mut i = 0;
        varint(payload, &mut i);
        let mut blocks = Vec::new();
        while i < payload.len() {
            let tag = varint(payload, &mut i);
            let n = varint(payload, &mut i) as usize;
            blocks.push((tag >> 2, tag & 3, n));
            i += n;
        }
        out.push(blocks);
    }
    out
}

/// The process tables of the log at `path`, read by rsar; the log must be undamaged.
pub fn process_tables(path: &Path) -> Vec<rsar::store::procs::ProcessTable> {
    let mut r = rsar::store::LogReader::open(path).unwrap();
    let mut got = Vec::new();
    while let Some((_, rec)) = r.next_record().unwrap() {
        if let rsar::store::Record::Processes(t) = rec {
            got.push(t);
        }
    }
    assert!(r.damage().is_clean(), "{:?}", r.damage());
    got
}

/// The mode of each process record of a log (0 key, 1 delta, 2 delta with renames): the
/// third number of its payload.
pub fn process_modes(bytes: &[u8]) -> Vec<u64> {
    records(bytes)
        .into_iter()
        .filter(|&(kind, _)| kind == rsar::store::wire::KIND_PROCESSES)
        .map(|(_, payload)| {
            let mut i = 0;
            varint(payload, &mut i);
            varint(payload, &mut i);
            varint(payload, &mut i)
        })
        .collect()
}
