//! Seeking: a report of the end of a day reads a small part of it, and gives the rows a
//! full read gives for the same window.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failure report

use rsar::probe::Probe;
use rsar::sample::{HostFacts, Sample};
use rsar::store::{DayWriter, LogReader, Record};
use std::path::{Path, PathBuf};

const START: i64 = 1_763_683_200; // 2025-11-21 00:00:00 UTC

fn base() -> (HostFacts, Sample) {
    let fx = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/vm-6.18/t0");
    let mut p = Probe::new(&fx.join("proc"), &fx.join("sys")).unwrap();
    let s = p.sample().unwrap();
    (p.host().clone(), s)
}

/// `n` samples 10 s apart, counters moving, with a few disk changes (re-keys).
fn write_day(path: &Path, n: u64) {
    let (host, mut s) = base();
    let (mut w, _) = DayWriter::open(path, &host, START * 1_000_000_000, 0).unwrap();
    for i in 0..n {
        s.time.wall_ns = (START + 10 * i as i64) * 1_000_000_000;
        s.time.uptime_cs += 1000;
        s.cpu.total.user += 300 + i % 97;
        s.cpu.total.idle += 1700 - i % 97;
        for c in s.cpu.per_cpu.iter_mut().flatten() {
            c.user += 150 + i % 13;
            c.idle += 850 - i % 13;
        }
        s.kernel.ctxt += 5000 + i % 1000;
        s.kernel.intr += 9000 + i % 1013;
        for d in &mut s.disks {
            d.reads += i % 7;
            d.read_sectors += 8 * (i % 7);
            d.writes += 1 + i % 11;
            d.write_sectors += 16 * (1 + i % 11);
        }
        w.append_sample(&host, &s).unwrap();
    }
}

fn walls(r: &mut LogReader) -> Vec<i64> {
    let mut v = Vec::new();
    while let Some((_, rec)) = r.next_record().unwrap() {
        if let Record::Sample(s) = rec {
            v.push(s.time.wall_ns);
        }
    }
    v
}

#[test]
fn seeking_reads_the_end_of_a_day_and_keeps_every_sample_of_the_window() {
    let d = tempfile::tempdir().unwrap();
    let path = d.path().join("rsar20251121");
    // A whole day at 10 s.
    write_day(&path, 8640);
    let len = std::fs::metadata(&path).unwrap().len();
    assert!(
        len > 1 << 20,
        "the day must be large enough to bisect: {len} B"
    );
    let full = walls(&mut LogReader::open(&path).unwrap());
    for frac in [0.0, 0.3, 0.97, 1.2] {
        let target = (START + (86_400.0 * frac) as i64) * 1_000_000_000;
        let mut r = LogReader::open(&path).unwrap();
        let at = r.seek_before(target).unwrap();
        let got: Vec<i64> = walls(&mut r).into_iter().filter(|&t| t >= target).collect();
        let want: Vec<i64> = full.iter().copied().filter(|&t| t >= target).collect();
        assert_eq!(got, want, "at {frac}");
        assert!(
            r.damage().is_clean(),
            "starting in the middle is not damage: {:?}",
            r.damage()
        );
        if frac > 0.9 {
            assert!(at > len * 8 / 10, "sought to {at} of {len}");
        }
    }
}

#[test]
fn rsar_s_prints_the_rows_of_a_full_read() {
    let d = tempfile::tempdir().unwrap();
    let path = d.path().join("rsar20251121");
    write_day(&path, 8000);
    let rsar = |args: &[&str]| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_rsar"))
            .args(args)
            .env("TZ", "UTC")
            .env("LC_ALL", "C")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    let f = path.to_str().unwrap();
    let full = rsar(&["-u", "-f", f]);
    let sought = rsar(&["-u", "-s", "21:00:00", "-f", f]);
    let rows = |t: &str| -> Vec<String> {
        t.lines()
            .filter(|l| l.contains(" all ") && !l.starts_with("Average") && l[..8] > *"21:00:00")
            .map(String::from)
            .collect()
    };
    assert!(!rows(&sought).is_empty());
    assert_eq!(rows(&sought), rows(&full));
}

/// Samples of a large machine (hundreds of interfaces: tens of kB each), so that a seek
/// lands several records before the next keys and those records fill whole read windows.
fn write_large_day(path: &Path, n: u64) {
    let (host, mut s) = base();
    s.net = (0..400)
        .map(|i| rsar::sample::NetCounters {
            name: format!("veth{i:05x}"),
            ..Default::default()
        })
        .collect();
    let (mut w, _) = DayWriter::open(path, &host, START * 1_000_000_000, 0).unwrap();
    for i in 0..n {
        s.time.wall_ns = (START + i as i64) * 1_000_000_000;
        s.time.uptime_cs += 100;
        s.cpu.total.user += 100 + i % 7;
        for (k, nc) in s.net.iter_mut().enumerate() {
            nc.rx_bytes += 1000 + (i * 31 + k as u64) % 977;
            nc.tx_packets += 3 + (i + k as u64) % 5;
        }
        w.append_sample(&host, &s).unwrap();
    }
}

#[test]
fn a_seek_into_the_last_megabytes_of_a_large_machines_day_keeps_every_sample() {
    // Undecodable records at the start of the last chunk were once followed by nothing:
    // the reader asked for more bytes, got none, and stopped with a chunk still pending.
    let d = tempfile::tempdir().unwrap();
    let path = d.path().join("rsar20251121");
    write_large_day(&path, 900);
    let len = std::fs::metadata(&path).unwrap().len();
    assert!(len > 2 << 20, "{len} B");
    let full = walls(&mut LogReader::open(&path).unwrap());
    for back in [5, 30, 61, 100, 200] {
        let target = full[full.len() - back];
        let mut r = LogReader::open(&path).unwrap();
        r.seek_before(target).unwrap();
        let got: Vec<i64> = walls(&mut r).into_iter().filter(|&t| t >= target).collect();
        assert_eq!(got.len(), back, "{back} before the end");
        assert!(r.damage().is_clean(), "{:?}", r.damage());
    }
}
