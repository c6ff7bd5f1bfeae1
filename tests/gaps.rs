//! A sample that lacks a group: its /proc file could not be read that second (docs/FORMAT.md
//! allows it: the group has no block). A rate is taken only between two samples that both
//! hold the group, so the intervals on either side of such a sample have no row for it, and
//! `Average:` covers only the intervals that had one; every later record is read.
//!
//! Recorded by the real rsadc over a copy of a captured tree that each run changes (the
//! counters advance, a file is removed for one sample and restored), and read by the real
//! rsar in table and JSON output.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failure report

mod common;

use common::{fixture, rsadc_on, rsar_bin, run, tempdir, text};
use std::path::{Path, PathBuf};

/// A writable copy of the captured tree t0.
fn copy_t0() -> tempfile::TempDir {
    let dir = tempdir();
    let status = std::process::Command::new("cp")
        .arg("-a")
        .arg(format!("{}/.", fixture("t0").display()))
        .arg(dir.path())
        .status()
        .unwrap();
    assert!(status.success());
    dir
}

/// t0's diskstats with vda `i` seconds on: 10 more reads and 500 more ms doing I/O each
/// second (tps 10.00, %util 50.00), every other device as it was.
fn diskstats_at(i: u64) -> String {
    let t0 = std::fs::read_to_string(fixture("t0").join("proc/diskstats")).unwrap();
    t0.lines()
        .map(|l| {
            let mut f: Vec<String> = l.split_whitespace().map(String::from).collect();
            if f[2] == "vda" {
                let add = |f: &mut Vec<String>, at: usize, by: u64| {
                    f[at] = (f[at].parse::<u64>().unwrap() + by).to_string();
                };
                add(&mut f, 3, 10 * i); // reads completed
                add(&mut f, 12, 500 * i); // ms doing I/O
            }
            f.join(" ") + "\n"
        })
        .collect()
}

/// t0's vmstat with 100 more pages paged in each second (pgpgin/s 100.00).
fn vmstat_at(i: u64) -> String {
    let t0 = std::fs::read_to_string(fixture("t0").join("proc/vmstat")).unwrap();
    t0.lines()
        .map(|l| match l.split_once(' ') {
            Some(("pgpgin", v)) => format!("pgpgin {}\n", v.parse::<u64>().unwrap() + 100 * i),
            _ => format!("{l}\n"),
        })
        .collect()
}

/// Five samples one second apart, one rsadc run each, into `dir`; at sample 2 the files
/// `missing` (under proc/) cannot be read. Returns the day's file.
fn record(dir: &Path, missing: &[&str]) -> PathBuf {
    let tree = copy_t0();
    let proc = tree.path().join("proc");
    for i in 0..5u64 {
        std::fs::write(proc.join("uptime"), format!("{}.75 940.65\n", 534 + i)).unwrap();
        std::fs::write(proc.join("diskstats"), diskstats_at(i)).unwrap();
        std::fs::write(proc.join("vmstat"), vmstat_at(i)).unwrap();
        if i == 2 {
            for f in missing {
                std::fs::remove_file(proc.join(f)).unwrap();
            }
        }
        let out = rsadc_on(tree.path(), i as i64, &["1", "1", dir.to_str().unwrap()]);
        assert!(out.status.success(), "{}", text(&out.stderr));
        if i == 2 {
            for f in missing {
                std::fs::copy(fixture("t0").join("proc").join(f), proc.join(f)).unwrap();
            }
        }
    }
    dir.join("rsar20251121")
}

fn rsar(args: &[&str]) -> String {
    let out = run(&rsar_bin(), args);
    assert!(out.status.success(), "{}", text(&out.stderr));
    text(&out.stdout)
}

/// The rows of `table` whose item (or first column after the time) is `item`: (time,
/// the row's words after the time).
fn rows<'a>(table: &'a str, item: &str) -> Vec<(&'a str, Vec<&'a str>)> {
    table
        .lines()
        .filter_map(|l| {
            let mut w = l.split_whitespace();
            let time = w.next()?;
            let rest: Vec<&str> = w.collect();
            (rest.first() == Some(&item)).then_some((time, rest))
        })
        .collect()
}

fn json(args: &[&str]) -> serde_json::Value {
    let mut all = vec!["--format", "json"];
    all.extend_from_slice(args);
    serde_json::from_str(&rsar(&all)).unwrap()
}

/// rsar over a damaged log: its report, after the damage said on stderr and exit status 2.
fn rsar_damaged(args: &[&str]) -> String {
    let out = run(&rsar_bin(), args);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("left out"), "{err}");
    text(&out.stdout)
}

fn statistics(v: &serde_json::Value) -> &Vec<serde_json::Value> {
    v["sysstat"]["hosts"][0]["statistics"].as_array().unwrap()
}

#[test]
fn a_sample_without_diskstats_or_net_dev_is_a_gap_not_a_rate_since_boot() {
    let d = tempdir();
    let file = record(d.path(), &["diskstats", "net/dev"]);
    let f = file.to_str().unwrap();
    // Every sample was read: -u has its four intervals.
    let u = rsar(&["-u", "-f", f]);
    assert_eq!(rows(&u, "all").len(), 4 + 1, "{u}");

    let table = rsar(&["-d", "-f", f]);
    let vda = rows(&table, "vda");
    // 10:00:01 (0 → 1) and 10:00:04 (3 → 4): the intervals into and out of sample 2 have
    // no row, as a device that is missing has none. Then the Average.
    let times: Vec<&str> = vda.iter().map(|(t, _)| *t).collect();
    assert_eq!(times, ["10:00:01", "10:00:04", "Average:"], "{table}");
    for (_, r) in &vda {
        // DEV tps rkB/s wkB/s dkB/s areq-sz aqu-sz await %util
        assert_eq!((r[1], r[8]), ("10.00", "50.00"), "{table}");
    }

    let v = json(&["-d", "-f", f]);
    let st = statistics(&v);
    assert_eq!(st.len(), 4, "{v}");
    let vda_of = |e: &serde_json::Value| -> Option<(f64, f64)> {
        e["disk"].as_array().unwrap().iter().find_map(|d| {
            (d["disk-device"] == "vda").then(|| {
                (
                    d["tps"].as_f64().unwrap(),
                    d["util-percent"].as_f64().unwrap(),
                )
            })
        })
    };
    let got: Vec<Option<(f64, f64)>> = st.iter().map(vda_of).collect();
    assert_eq!(
        got,
        [Some((10.0, 50.0)), None, None, Some((10.0, 50.0))],
        "{v}"
    );

    // Interfaces likewise (a per-item group too): eth0 has no row on either side of the
    // sample without /proc/net/dev.
    let n = rsar(&["-n", "DEV", "-f", f]);
    let times: Vec<&str> = rows(&n, "eth0").iter().map(|(t, _)| *t).collect();
    assert_eq!(times, ["10:00:01", "10:00:04", "Average:"], "{n}");

    // -b likewise: no row where either sample lacked the devices, an average over the
    // two intervals that had them.
    let b = rsar(&["-b", "-f", f]);
    let lines: Vec<&str> = b
        .lines()
        .filter(|l| l.starts_with("10:00:0") || l.starts_with("Average:"))
        .filter(|l| !l.contains("tps"))
        .collect();
    assert_eq!(lines.len(), 3, "{b}");
    assert!(
        lines
            .iter()
            .all(|l| l.split_whitespace().nth(1) == Some("10.00")),
        "{b}"
    );
}

#[test]
fn a_sample_without_vmstat_leaves_paging_out_of_its_intervals_and_of_the_average() {
    let d = tempdir();
    let file = record(d.path(), &["vmstat"]);
    let f = file.to_str().unwrap();
    let table = rsar(&["-B", "-f", f]);
    let got: Vec<(&str, &str)> = table
        .lines()
        .filter(|l| l.starts_with("10:00:0") || l.starts_with("Average:"))
        .filter(|l| !l.contains("pgpgin"))
        .map(|l| {
            let mut w = l.split_whitespace();
            (w.next().unwrap(), w.next().unwrap())
        })
        .collect();
    // pgpgin/s is 100.00 in both intervals that had /proc/vmstat at both ends, and so is
    // their average: not 200 pages over the four seconds (50.00).
    assert_eq!(
        got,
        [
            ("10:00:01", "100.00"),
            ("10:00:04", "100.00"),
            ("Average:", "100.00")
        ],
        "{table}"
    );
    let v = json(&["-B", "-f", f]);
    let pgpgin: Vec<Option<f64>> = statistics(&v)
        .iter()
        .map(|e| e["paging"]["pgpgin"].as_f64())
        .collect();
    assert_eq!(pgpgin, [Some(100.0), None, None, Some(100.0)], "{v}");
}

/// An unsigned LEB128 varint of `b` at `*at`.
fn varint(b: &[u8], at: &mut usize) -> u64 {
    let (mut v, mut shift) = (0u64, 0);
    loop {
        let byte = b[*at];
        *at += 1;
        v |= u64::from(byte & 0x7f) << shift;
        shift += 7;
        if byte & 0x80 == 0 {
            return v;
        }
    }
}

/// The records of a log after its header: (offset, kind, payload range).
fn records(log: &[u8]) -> Vec<(usize, u8, std::ops::Range<usize>)> {
    let (_, mut at) = rsar::store::FileHeader::decode(log).unwrap();
    let mut out = Vec::new();
    while at < log.len() {
        let len = u32::from_le_bytes(log[at + 2..at + 6].try_into().unwrap()) as usize;
        out.push((at, log[at + 6], at + 7..at + 7 + len));
        at += 7 + len + 4;
    }
    out
}

/// The sequence number of a sample record's payload.
fn seq_of(payload: &[u8]) -> u64 {
    varint(payload, &mut 0)
}

/// `log` with the block of group `id` taken out of sample `seq` (the record framed again
/// with a good checksum): a sample without that group, the rest intact.
fn without_block(log: &[u8], seq: u64, id: u64) -> Vec<u8> {
    let (_, header) = rsar::store::FileHeader::decode(log).unwrap();
    let mut out = log[..header].to_vec();
    for (at, kind, p) in records(log) {
        let payload = &log[p.clone()];
        if kind != rsar::store::wire::KIND_SAMPLE || seq_of(payload) != seq {
            out.extend_from_slice(&log[at..p.end + 4]);
            continue;
        }
        let mut pos = 0;
        varint(payload, &mut pos);
        let mut kept = payload[..pos].to_vec();
        while pos < payload.len() {
            let start = pos;
            let tag = varint(payload, &mut pos);
            pos += varint(payload, &mut pos) as usize;
            if tag >> 2 != id {
                kept.extend_from_slice(&payload[start..pos]);
            }
        }
        assert!(
            kept.len() < payload.len(),
            "sample {seq} has no block of group {id}"
        );
        let mut frame = Vec::new();
        rsar::store::wire::frame(kind, &kept, &mut frame);
        out.extend_from_slice(&frame);
    }
    out
}

/// Group 5 of docs/FORMAT.md: memory (/proc/meminfo).
const MEMORY: u64 = 5;

#[test]
fn a_compressed_day_with_a_sample_without_memory_reads_every_later_record() {
    // Forty samples of the captured tree, their counters and free memory moving, written
    // by the library's writer and packed for compression in frames of about 1.2 kB: each
    // frame's first sample keys every group again, the others are steps from the sample
    // before. Sample 5 then loses its memory block (a file that could not be read, or a
    // block lost). The memory steps after it have nothing to step from until the next
    // frame keys memory; every other group of those samples is intact.
    let root = fixture("t0");
    let base = rsar::probe::Probe::new(&root.join("proc"), &root.join("sys"))
        .unwrap()
        .with_clock(|| common::TEN * 1_000_000_000)
        .with_skip(rsar::probe::Skip::collector_default())
        .sample()
        .unwrap();
    let host = common::test_host("b1", 2);
    let d = tempdir();
    let plain = d.path().join("plain");
    let (mut w, _) = rsar::store::DayWriter::open(&plain, &host, 0, 0).unwrap();
    for i in 0..40u64 {
        let mut s = base.clone();
        s.time.wall_ns += i as i64 * 1_000_000_000;
        s.time.uptime_cs += i * 100;
        s.kernel.ctxt += i * 1000;
        s.cpu.total.user += i * 50;
        s.cpu.total.idle += i * 150;
        if let Some(m) = s.memory.as_mut() {
            m.mem_free -= i * 4;
        }
        w.append_sample(&host, &s).unwrap();
    }
    drop(w);
    // Format 6 packs samples as rows, whose blocks a damaged file can lose one by one
    // (format 7 packs them in columns, one record per frame).
    let mut bytes = std::fs::read(&plain).unwrap();
    common::set_version(&mut bytes, 6);
    let (packed, frames) = rsar::store::pack_frames_of(&bytes, 1200).unwrap();
    assert!(frames.len() >= 3, "{frames:?}");
    // A frame opens with its mark; its first sample follows.
    let first_of = |frame: usize| {
        records(&packed)
            .into_iter()
            .find(|(at, kind, _)| *at >= frames[frame] && *kind == rsar::store::wire::KIND_SAMPLE)
            .map(|(_, _, p)| seq_of(&packed[p]))
            .unwrap()
    };
    let (gap, keyed_again) = (5, first_of(1));
    assert!(
        keyed_again > gap + 2,
        "frame 1 starts at sample {keyed_again}"
    );
    let damaged = without_block(&packed, gap, MEMORY);
    let day = d.path().join("rsar20251121.zst");
    std::fs::write(&day, zstd::encode_all(&damaged[..], 3).unwrap()).unwrap();
    let f = day.to_str().unwrap();

    // Every record is read: -u has all 39 intervals.
    let u = rsar_damaged(&["-u", "-f", f]);
    assert_eq!(rows(&u, "all").len(), 39 + 1, "{u}");
    // -r has a row for each sample that holds memory: not sample 5, nor the ones whose
    // memory stepped from it, until frame 1 keyed memory again.
    let want: Vec<u64> = (1..40).filter(|&i| i < gap || i >= keyed_again).collect();
    let r = rsar_damaged(&["-r", "-f", f]);
    let times: Vec<&str> = r
        .lines()
        .filter(|l| l.starts_with("10:00:") && !l.contains("kbmemfree"))
        .map(|l| &l[..8])
        .collect();
    let want_times: Vec<String> = want.iter().map(|i| format!("10:00:{i:02}")).collect();
    assert_eq!(times, want_times, "{r}");
    // kbmemfree fell 4 kB a second: the last row says so, read after the gap.
    let last: Vec<&str> = r.lines().filter(|l| l.starts_with("10:00:39")).collect();
    let free0 = base.memory.unwrap().mem_free;
    assert_eq!(
        last[0].split_whitespace().nth(1),
        Some((free0 - 39 * 4).to_string().as_str()),
        "{r}"
    );
    // -q (loadavg) kept every sample.
    let q = rsar_damaged(&["-q", "-f", f]);
    assert_eq!(
        q.lines()
            .filter(|l| l.starts_with("10:00:") && !l.contains("runq"))
            .count(),
        39,
        "{q}"
    );
    // JSON: the same samples have "memory", and every interval is there.
    let v: serde_json::Value =
        serde_json::from_str(&rsar_damaged(&["--format", "json", "-r", "-f", f])).unwrap();
    let st = statistics(&v);
    assert_eq!(st.len(), 39, "{v}");
    let with_memory: Vec<u64> = st
        .iter()
        .zip(1..)
        .filter(|(e, _)| e.get("memory").is_some())
        .map(|(_, i)| i)
        .collect();
    assert_eq!(with_memory, want, "{v}");
}

#[test]
fn a_table_the_log_never_had_is_named_once_as_not_in_the_log() {
    // rsadc leaves /proc/interrupts out unless asked (`--with interrupts`), and here
    // /proc/sys/fs too: `-I` and `-v` have nothing in the log, `-q` has its rows.
    let d = tempdir();
    let tree = copy_t0();
    let proc = tree.path().join("proc");
    for i in 0..3u64 {
        std::fs::write(proc.join("uptime"), format!("{}.75 940.65\n", 534 + i)).unwrap();
        let out = rsadc_on(
            tree.path(),
            i as i64,
            &["--skip", "ktables", "1", "1", d.path().to_str().unwrap()],
        );
        assert!(out.status.success(), "{}", text(&out.stderr));
    }
    let log = d.path().join("rsar20251121");
    let out = run(
        &rsar_bin(),
        &["-I", "SUM", "-v", "-q", "-f", log.to_str().unwrap()],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stderr),
        "rsar: -I (Interrupts): not in the log (the recording machine lacked /proc/interrupts, or the collector left it out)\n\
         rsar: -v (Kernel tables): not in the log (the recording machine lacked /proc/sys/fs, or the collector left it out)\n"
    );
    assert!(
        text(&out.stdout).contains("runq-sz"),
        "{}",
        text(&out.stdout)
    );
}
