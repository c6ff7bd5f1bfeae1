//! The probe over whole /proc and /sys trees: a captured one (fixtures/vm-6.18), copies of
//! it with files removed or damaged, and this machine's own.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failure report

use rsar::probe::{Probe, ProbeError};
use rsar::sample::Sample;
use std::path::{Path, PathBuf};

fn tree(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/vm-6.18")
        .join(name)
}

fn probe_at(root: &Path) -> Probe {
    Probe::new(&root.join("proc"), &root.join("sys"))
        .unwrap()
        .with_clock(|| 1_763_768_000_000_000_000)
}

/// A writable copy of a captured tree.
fn copy_tree(name: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let status = std::process::Command::new("cp")
        .arg("-a")
        .arg(format!("{}/.", tree(name).display()))
        .arg(dir.path())
        .status()
        .unwrap();
    assert!(status.success());
    dir
}

#[test]
fn a_captured_tree_gives_every_group() {
    let mut p = probe_at(&tree("t0"));
    let h = p.host().clone();
    assert_eq!(h.hostname, "vm");
    assert_eq!(h.sysname, "Linux");
    assert_eq!(h.release, "6.18.44-fc-v595");
    assert_eq!(h.machine, "x86_64");
    assert_eq!(h.cpu_count, 2);
    assert_eq!(h.boot_id.len(), 36);
    let s = p.sample().unwrap();
    assert!(p.warnings().is_empty(), "{:?}", p.warnings());
    assert_eq!(s.time.uptime_cs, 53475);
    assert_eq!(s.time.wall_ns, 1_763_768_000_000_000_000);
    assert_eq!(s.cpu.per_cpu.len(), 2);
    assert!(s.load.is_some() && s.memory.is_some() && s.paging.is_some());
    assert_eq!(s.swap.map(|w| w.swap_total), Some(0));
    let vda = s.disks.iter().find(|d| d.name == "vda").unwrap();
    assert!(vda.whole && vda.physical, "vda has /sys/block/vda/device");
    let loop0 = s.disks.iter().find(|d| d.name == "loop0").unwrap();
    assert!(loop0.whole && !loop0.physical, "loop devices are virtual");
    let eth0 = s.net.iter().find(|n| n.name == "eth0").unwrap();
    assert_eq!(eth0.speed_mbps, None, "the driver reports speed -1");
    assert!(s.pressure.cpu.is_some() && s.pressure.io.is_some() && s.pressure.memory.is_some());
    assert!(s.snmp.is_some() && s.snmp6.is_some());
    assert!(s.sockets.is_some() && s.sockets6.is_some());
    assert_eq!(s.softnet.iter().map(|c| c.cpu).collect::<Vec<_>>(), [0, 1]);
}

#[test]
fn no_ipv6_leaves_its_groups_empty_without_a_warning() {
    let dir = copy_tree("t0");
    for f in ["snmp6", "sockstat6"] {
        std::fs::remove_file(dir.path().join("proc/net").join(f)).unwrap();
    }
    std::fs::write(dir.path().join("proc/net/sockstat"), "garbage\n").unwrap();
    let mut p = probe_at(dir.path());
    let s = p.sample().unwrap();
    assert!(s.snmp6.is_none() && s.sockets6.is_none());
    assert!(s.sockets.is_none(), "unparsable: left out");
    assert_eq!(p.warnings().len(), 1, "{:?}", p.warnings());
    assert!(
        p.warnings()[0].contains("net/sockstat"),
        "{:?}",
        p.warnings()
    );
    assert!(s.snmp.is_some());
}

#[test]
fn reading_into_a_used_sample_equals_a_fresh_read() {
    let mut p = probe_at(&tree("t1"));
    let mut reused = probe_at(&tree("t0")).sample().unwrap();
    p.read(&mut reused).unwrap();
    assert_eq!(reused, p.sample().unwrap());
}

#[test]
fn no_pressure_directory_leaves_pressure_empty_without_a_warning() {
    let dir = copy_tree("t0");
    std::fs::remove_dir_all(dir.path().join("proc/pressure")).unwrap();
    let mut p = probe_at(dir.path());
    let s = p.sample().unwrap();
    assert_eq!(s.pressure, Default::default());
    assert!(p.warnings().is_empty(), "{:?}", p.warnings());
    assert!(s.memory.is_some());
}

#[test]
fn a_missing_optional_file_empties_its_group_only() {
    let dir = copy_tree("t0");
    for f in ["diskstats", "net/dev", "vmstat", "loadavg"] {
        std::fs::remove_file(dir.path().join("proc").join(f)).unwrap();
    }
    let mut p = probe_at(dir.path());
    let s = p.sample().unwrap();
    assert!(s.disks.is_empty() && s.net.is_empty());
    assert_eq!((s.paging, s.load), (None, None));
    assert!(s.memory.is_some());
    assert_eq!(s.swap.map(|w| w.pswpin), Some(0));
}

#[test]
fn a_damaged_optional_file_is_reported_with_its_path() {
    let dir = copy_tree("t0");
    std::fs::write(dir.path().join("proc/meminfo"), "MemTotal: lots\n").unwrap();
    let mut p = probe_at(dir.path());
    let s = p.sample().unwrap();
    assert_eq!(s.memory, None);
    let w = p.warnings().join("\n");
    assert!(w.contains("proc/meminfo"), "{w}");
}

#[test]
fn a_missing_proc_stat_fails_the_sample_and_names_the_file() {
    let dir = copy_tree("t0");
    std::fs::remove_file(dir.path().join("proc/stat")).unwrap();
    let mut p = probe_at(dir.path());
    match p.sample() {
        Err(ProbeError::Read { path, .. }) => assert!(path.ends_with("proc/stat")),
        other => panic!("expected a read error, got {other:?}"),
    }
}

#[test]
fn without_sys_every_disk_counts_as_virtual() {
    let root = tree("t0");
    let mut p = Probe::new(&root.join("proc"), Path::new("/nonexistent")).unwrap();
    let s = p.sample().unwrap();
    assert!(s.disks.iter().all(|d| !d.whole && !d.physical));
    assert_eq!(p.host().cpu_count, 2, "counted from /proc/stat instead");
}

#[test]
fn this_machine() {
    let mut p = Probe::system().unwrap();
    let a: Sample = p.sample().unwrap();
    assert!(a.time.uptime_cs > 0);
    assert!(!a.cpu.per_cpu.is_empty());
    assert!(a.memory.is_some_and(|m| m.mem_total > 0));
    assert!(p.host().cpu_count >= 1);
    // Files stay open between samples: a second read must see new counters, not the text
    // of the first.
    std::thread::sleep(std::time::Duration::from_millis(30));
    let b = p.sample().unwrap();
    assert!(
        b.time.uptime_cs > a.time.uptime_cs,
        "{:?} then {:?}",
        a.time,
        b.time
    );
    assert!(b.kernel.ctxt > a.kernel.ctxt);
}

#[test]
fn the_captured_pair_gives_hand_computed_rates() {
    use rsar::report::{Selection, Table};
    use rsar::stats::IntervalStats;
    let a = probe_at(&tree("t0")).sample().unwrap();
    let b = probe_at(&tree("t1")).sample().unwrap();
    let s = IntervalStats::between(&a, &b).unwrap();
    // uptime 534.75 → 538.01
    assert_eq!(s.seconds, 3.26);
    // `all` is the sum of the cpu0 and cpu1 lines (sysstat HEAD), which here differs by a
    // tick from the kernel's aggregate line: Δuser 1+251, Δsystem 5+43, Δidle 313+6,
    // Δiowait 1+18, Δsoftirq 1+1, Δsteal 6+9 → Δtot 655.
    let u = s.cpu.all.util();
    let r2 = |v: f64| (v * 100.0).round() / 100.0;
    assert_eq!(s.cpu.all.total(), 655);
    assert_eq!(
        [u.user, u.system, u.iowait, u.steal, u.idle].map(r2),
        [38.47, 7.63, 2.90, 2.29, 48.70]
    );
    // vda: Δreads 111, Δwrites 313, Δsectors 615656 read and 646184 written, Δread ms
    // 1625, Δwrite ms 245, Δio_ticks 632, Δweighted 1870.
    let vda = s.disks.iter().find(|d| d.name == "vda").unwrap();
    let r = vda.rates(s.seconds);
    assert_eq!(
        [r.tps, r.rkb, r.wkb, r.areq_sz, r.aqu_sz, r.await_ms, r.util].map(r2),
        [130.06, 94425.77, 99107.98, 1488.02, 0.57, 4.41, 19.39]
    );
    let mut sel = Selection::default();
    sel.ask(Table::Disk);
    let rows = Table::Disk.rows(&sel, &s);
    assert_eq!(rows.len(), 1, "only vda did I/O: {rows:?}");
}

/// Overwrite every file of `dir`'s tree with `from`'s, in place (same inodes, as /proc's
/// files stay the same files), so that a probe holding them open reads the new text.
fn overwrite_tree(dir: &Path, from: &Path) {
    for entry in walk(from) {
        let rel = entry.strip_prefix(from).unwrap();
        std::fs::copy(&entry, dir.join(rel)).unwrap();
    }
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let path = e.unwrap().path();
        let kind = std::fs::symlink_metadata(&path).unwrap().file_type();
        if kind.is_dir() {
            out.extend(walk(&path));
        } else if kind.is_file() {
            out.push(path);
        }
    }
    out
}

#[test]
fn a_probe_reusing_unchanged_files_reads_what_a_fresh_probe_reads() {
    // t0 → t1 → t2 changes some files (snmp, diskstats, loadavg) and keeps others
    // (net/dev, the serial lines) byte for byte: the kept parts must be left right, the
    // changed ones parsed.
    let dir = copy_tree("t0");
    let mut p = probe_at(dir.path()).reusing_unchanged();
    let mut s = Sample::default();
    p.read(&mut s).unwrap();
    assert_eq!(s, probe_at(&tree("t0")).sample().unwrap());
    for t in ["t1", "t2"] {
        overwrite_tree(dir.path(), &tree(t));
        p.read(&mut s).unwrap();
        assert_eq!(s, probe_at(&tree(t)).sample().unwrap(), "after {t}");
    }

    // A file that stops parsing empties its group and warns at every sample while it
    // stays bad, the same text or not; back to a text seen before, the group comes back.
    let snmp = dir.path().join("proc/net/snmp");
    let good = std::fs::read(&snmp).unwrap();
    std::fs::write(&snmp, b"Tcp: ActiveOpens\nTcp: many\n").unwrap();
    for _ in 0..2 {
        p.read(&mut s).unwrap();
        assert_eq!(s.snmp, None);
        assert!(
            p.warnings().iter().any(|w| w.contains("net/snmp")),
            "{:?}",
            p.warnings()
        );
    }
    std::fs::write(&snmp, &good).unwrap();
    p.read(&mut s).unwrap();
    assert_eq!(s, probe_at(&tree("t2")).sample().unwrap());
    assert!(p.warnings().is_empty(), "{:?}", p.warnings());
}
