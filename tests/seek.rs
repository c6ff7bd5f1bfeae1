//! Seeking: a report of the end of a day reads a small part of it, and gives the rows a
//! full read gives for the same window.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failure report

mod common;

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

/// A synthetic day with a process table beside every sample (examples/synth_day: 10 s, a
/// reboot at noon), and the same day compressed: a compressed day is never sought, so it
/// is read from its beginning, which is what a seek must agree with.
fn day_with_processes(dir: &Path) -> (PathBuf, PathBuf) {
    let day = common::synth_day(dir, 10, 40);
    let whole = dir.join("whole");
    std::fs::create_dir(&whole).unwrap();
    let zst = whole.join("rsar20251121.zst");
    let raw = std::fs::read(&day).unwrap();
    std::fs::write(&zst, rsar::store::compress_frames(&raw).unwrap()).unwrap();
    (day, zst)
}

/// Seek targets: shortly after where the bisection lands, the middle of a key interval of
/// the process tables, just after the reboot, and the evening.
const PROCESS_TARGETS: [&str; 5] = ["01:37:22", "05:37:00", "11:00:00", "12:03:30", "21:00:00"];

fn rsar_utc(args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_rsar"))
        .args(args)
        .env("TZ", "UTC")
        .env("LC_ALL", "C")
        .output()
        .unwrap()
}

fn clean_run(args: &[&str]) -> String {
    let out = rsar_utc(args);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success() && err.is_empty(),
        "rsar {args:?}: exit {:?}, said: {err}",
        out.status.code()
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn a_seek_keeps_every_process_table_from_the_target_on_and_finds_no_damage() {
    let d = tempfile::tempdir().unwrap();
    let (day, _) = day_with_processes(d.path());
    // The process tables (time, processes) up to `until`.
    let tables = |r: &mut LogReader, until: i64| -> Vec<(i64, usize)> {
        let mut v = Vec::new();
        while let Some((_, rec)) = r.next_record().unwrap() {
            match rec {
                Record::Processes(t) if t.wall_ns > until => break,
                Record::Processes(t) => v.push((t.wall_ns, t.processes.len())),
                _ => {}
            }
        }
        v
    };
    let full = tables(&mut LogReader::open(&day).unwrap(), i64::MAX);
    // Many targets, so that some fall shortly after where the bisection lands, with the
    // process key they need before it (01:37:22 does); each checked for 15 minutes.
    for secs in (0..4 * 3600)
        .step_by(127)
        .chain([12 * 3600 + 210, 75_600, 86_390])
    {
        let target = (START + secs) * 1_000_000_000;
        let until = target + 900 * 1_000_000_000;
        let mut r = LogReader::open(&day).unwrap();
        r.seek_before(target).unwrap();
        let got: Vec<_> = tables(&mut r, until)
            .into_iter()
            .filter(|t| t.0 >= target)
            .collect();
        let want: Vec<_> = full
            .iter()
            .copied()
            .filter(|t| (target..=until).contains(&t.0))
            .collect();
        assert!(!want.is_empty());
        assert_eq!(got, want, "process tables from {secs} s on");
        assert!(r.damage().is_clean(), "at {secs} s: {:?}", r.damage());
    }
}

#[test]
fn rsar_pidstat_s_prints_the_process_rows_of_a_full_read() {
    let d = tempfile::tempdir().unwrap();
    let (day, zst) = day_with_processes(d.path());
    let (f, z) = (day.to_str().unwrap(), zst.to_str().unwrap());
    let full = clean_run(&["pidstat", "-f", f]);
    for t in PROCESS_TARGETS {
        let sought = clean_run(&["pidstat", "-f", f, "-s", t]);
        // Every row from the target on, as the full read printed it: -s starts at the
        // first sample at or after the target, and prints the intervals after it...
        let times = |out: &str| -> Vec<String> {
            out.lines()
                .filter(|l| l.len() > 8 && l.as_bytes()[2] == b':' && !l.contains("UID"))
                .map(String::from)
                .collect()
        };
        let first = times(&full)
            .into_iter()
            .map(|l| l[..8].to_string())
            .find(|time| time.as_str() >= t)
            .unwrap();
        let rows = |out: &str| -> Vec<String> {
            times(out).into_iter().filter(|l| l[..8] > *first).collect()
        };
        assert!(!rows(&sought).is_empty(), "{t}");
        assert_eq!(rows(&sought), rows(&full), "pidstat -s {t}");
        // ...and the whole report as one of the day read from its beginning.
        assert_eq!(sought, clean_run(&["pidstat", "-f", z, "-s", t]), "{t}");
    }
}

#[test]
fn rsar_top_s_shows_the_processes_of_a_full_read() {
    let d = tempfile::tempdir().unwrap();
    let (day, zst) = day_with_processes(d.path());
    let (f, z) = (day.to_str().unwrap(), zst.to_str().unwrap());
    for t in PROCESS_TARGETS {
        let sought = clean_run(&["top", "-f", f, "-s", t]);
        assert!(sought.contains("proc10"), "top -s {t}: {sought}");
        assert_eq!(sought, clean_run(&["top", "-f", z, "-s", t]), "top -s {t}");
    }
}

#[test]
fn a_damaged_process_table_after_a_seek_is_still_damage() {
    let d = tempfile::tempdir().unwrap();
    let (day, _) = day_with_processes(d.path());
    // A process table at 21:30, well after where a seek to 21:00 starts reading.
    let at = {
        let mut r = LogReader::open(&day).unwrap();
        let when = (START + 21 * 3600 + 1800) * 1_000_000_000;
        loop {
            match r.next_record().unwrap() {
                Some((at, Record::Processes(t))) if t.wall_ns >= when => break at,
                Some(_) => {}
                None => panic!("no process table at 21:30"),
            }
        }
    };
    let mut bytes = std::fs::read(&day).unwrap();
    bytes[at as usize + 20] ^= 0x55;
    std::fs::write(&day, &bytes).unwrap();
    let out = rsar_utc(&["pidstat", "-f", day.to_str().unwrap(), "-s", "21:00"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("unreadable without the damaged record") && err.contains("process tables"),
        "the damaged table and those built on it are said: {err}"
    );
}
