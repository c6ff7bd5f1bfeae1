//! The log store: round trips, truncation at every byte, bit flips, overwritten ranges,
//! two writers, a reader racing a writer, files that are not ours, retention and
//! compression.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failure report

mod common;
#[path = "common/declared.rs"]
mod declared;

use common::{records, samples_of, test_host};
use proptest::prelude::*;
use rsar::probe::Probe;
use rsar::sample::{HostFacts, Sample};
use rsar::store::{self, DayWriter, Record, StoreError};
use std::path::{Path, PathBuf};

/// Real samples: the captured trees, then this machine's /proc a few times.
fn real_samples() -> Vec<Sample> {
    let fx = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/vm-6.18");
    let mut v: Vec<Sample> = ["t0", "t1"]
        .iter()
        .map(|t| {
            Probe::new(&fx.join(t).join("proc"), &fx.join(t).join("sys"))
                .unwrap()
                .sample()
                .unwrap()
        })
        .collect();
    let mut p = Probe::system().unwrap();
    for _ in 0..4 {
        v.push(p.sample().unwrap());
    }
    v
}

fn write_all(path: &Path, h: &HostFacts, samples: &[Sample]) {
    let (mut w, _) = DayWriter::open(path, h, 0, 0).unwrap();
    for s in samples {
        w.append_sample(h, s).unwrap();
    }
}

#[test]
fn real_samples_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("rsar20261121");
    let samples = real_samples();
    write_all(&path, &test_host("b1", 2), &samples);
    let log = store::read_log(&path).unwrap();
    assert!(log.damage.is_clean());
    assert_eq!(log.torn_tail, 0);
    assert_eq!(log.header.host, test_host("b1", 2));
    assert_eq!(samples_of(&log), samples);
}

#[test]
fn appending_later_continues_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("rsar20261121");
    let samples = real_samples();
    let h = test_host("b1", 2);
    // One process per sample, as from cron.
    for s in &samples {
        let (mut w, _) = DayWriter::open(&path, &h, 0, 0).unwrap();
        w.append_sample(&h, s).unwrap();
    }
    let log = store::read_log(&path).unwrap();
    assert_eq!(samples_of(&log), samples);
    assert!(log.damage.is_clean());
}

#[test]
fn a_new_boot_id_writes_a_restart_record() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("rsar20261121");
    let s = real_samples();
    let (mut w, _) = DayWriter::open(&path, &test_host("b1", 2), 0, 0).unwrap();
    w.append_sample(&test_host("b1", 2), &s[0]).unwrap();
    w.append_sample(&test_host("b2", 2), &s[1]).unwrap();
    w.append_sample(&test_host("b2", 2), &s[2]).unwrap();
    drop(w);
    // And again from a new process: the file remembers the last boot.
    let (mut w, _) = DayWriter::open(&path, &test_host("b2", 2), 0, 0).unwrap();
    w.append_sample(&test_host("b2", 2), &s[3]).unwrap();
    drop(w);
    let log = store::read_log(&path).unwrap();
    let kinds: Vec<&str> = log
        .records
        .iter()
        .map(|(_, r)| match r {
            Record::Sample(_) => "S",
            Record::Restart { .. } => "R",
            Record::Comment { .. } => "C",
            Record::Processes(_) => "P",
            Record::Rollup(_) => "L",
        })
        .collect();
    assert_eq!(kinds, ["S", "R", "S", "S", "S"]);
}

#[test]
fn two_writers_on_one_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("rsar20261121");
    let (_w, _) = DayWriter::open(&path, &test_host("b1", 2), 0, 0).unwrap();
    match DayWriter::open(&path, &test_host("b1", 2), 0, 0) {
        Err(StoreError::Locked { path: p }) => assert_eq!(p, path),
        other => panic!("expected Locked, got {other:?}"),
    }
}

#[test]
fn a_file_that_is_not_ours_is_moved_aside() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("rsar20261121");
    std::fs::write(&path, b"precious text that is not a log\n").unwrap();
    let (_w, report) =
        DayWriter::open(&path, &test_host("b1", 2), 1_763_700_000_000_000_000, 0).unwrap();
    let aside = report.moved_aside.unwrap();
    assert!(aside.to_str().unwrap().contains(".bad-"));
    assert_eq!(
        std::fs::read(&aside).unwrap(),
        b"precious text that is not a log\n"
    );
    assert!(store::read_log(&path).unwrap().records.is_empty());
}

/// Set a log's format version, with a header checksum that matches (a file written by a
/// newer rsar, not a damaged one).
fn set_version(log: &mut [u8], version: u16) {
    log[8..10].copy_from_slice(&version.to_le_bytes());
    let end = 16 + u32::from_le_bytes(log[12..16].try_into().unwrap()) as usize;
    let crc = crc32fast::hash(&log[8..end]);
    log[end..end + 4].copy_from_slice(&crc.to_le_bytes());
}

#[test]
fn a_newer_format_is_refused_by_name() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("rsar20261121");
    write_all(&path, &test_host("b1", 2), &real_samples()[..1]);
    let mut b = std::fs::read(&path).unwrap();
    set_version(&mut b, 9);
    std::fs::write(&path, &b).unwrap();
    let e = store::read_log(&path).unwrap_err().to_string();
    assert!(
        e.contains("format 9") && e.contains(&format!("up to format {}", store::VERSION)),
        "{e}"
    );
    let e = DayWriter::open(&path, &test_host("b1", 2), 0, 0)
        .unwrap_err()
        .to_string();
    assert!(e.contains("newer"), "{e}");
    assert_eq!(std::fs::read(&path).unwrap(), b, "never touched");
}

#[test]
fn symlinks_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("elsewhere");
    std::fs::write(&target, b"").unwrap();
    let path = dir.path().join("rsar20261121");
    std::os::unix::fs::symlink(&target, &path).unwrap();
    assert!(DayWriter::open(&path, &test_host("b1", 2), 0, 0).is_err());
}

#[test]
fn created_files_are_0644() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("rsar20261121");
    write_all(&path, &test_host("b1", 2), &real_samples()[..1]);
    let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode & !0o022, 0o644 & !0o022, "{mode:o}");
}

/// A small file and the byte offset at which each of its records ends.
fn small_file(dir: &Path) -> (PathBuf, Vec<Sample>, Vec<u64>) {
    let path = dir.join("rsar20261121");
    let samples = real_samples();
    let h = test_host("b1", 2);
    let (mut w, _) = DayWriter::open(&path, &h, 0, 0).unwrap();
    let mut ends = vec![w.len()];
    for s in &samples {
        w.append_sample(&h, s).unwrap();
        ends.push(w.len());
    }
    (path, samples, ends)
}

#[test]
fn truncation_at_every_byte_offset_keeps_every_complete_record() {
    let dir = tempfile::tempdir().unwrap();
    let (path, samples, ends) = small_file(dir.path());
    let full = std::fs::read(&path).unwrap();
    let header_len = ends[0] as usize;
    for cut in header_len..=full.len() {
        let log = store::parse_log(&path, &full[..cut]).unwrap();
        let complete = ends.iter().skip(1).filter(|&&e| e as usize <= cut).count();
        assert_eq!(samples_of(&log), samples[..complete], "cut at {cut}");
        assert!(log.damage.is_clean(), "cut at {cut}: {:?}", log.damage);
        assert_eq!(
            log.torn_tail as usize,
            cut - ends[complete] as usize,
            "cut at {cut}"
        );
    }
    // Cut inside the header: a clear error, not a panic.
    for cut in 0..header_len {
        assert!(store::parse_log(&path, &full[..cut]).is_err());
    }
}

/// A run of zeros between two records (1 MiB, as a filesystem can leave in a file after a
/// crash) is one damaged span: one range, counted as one record, its place and size said
/// once; every record is read.
#[test]
fn a_run_of_zeros_is_one_damaged_span() {
    let dir = tempfile::tempdir().unwrap();
    let (path, samples, ends) = small_file(dir.path());
    let mut b = std::fs::read(&path).unwrap();
    let at = ends[3] as usize;
    b.splice(at..at, std::iter::repeat_n(0u8, 1 << 20));
    std::fs::write(&path, &b).unwrap();
    let mut r = store::LogReader::open(&path).unwrap();
    let mut got = Vec::new();
    while let Some((_, rec)) = r.next_record().unwrap() {
        if let Record::Sample(s) = rec {
            got.push(*s);
        }
    }
    assert_eq!(got, samples);
    assert_eq!(r.damage().ranges, vec![(at as u64, 1 << 20)]);
    assert_eq!(r.damage().damaged_records, 1);

    let out = std::process::Command::new(env!("CARGO_BIN_EXE_rsar"))
        .args(["-u", "-f"])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    let end = at + (1 << 20) - 1;
    assert!(
        err.contains(&format!(
            "skipped 1 damaged record (1048576 bytes at {at}–{end})"
        )),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "{err}");
}

#[test]
fn the_writer_repairs_a_torn_tail_and_appends_after_it() {
    let dir = tempfile::tempdir().unwrap();
    let (path, samples, ends) = small_file(dir.path());
    let full = std::fs::read(&path).unwrap();
    let h = test_host("b1", 2);
    let extra = samples[0].clone();
    for cut in (ends[0] as usize..full.len()).step_by(7) {
        std::fs::write(&path, &full[..cut]).unwrap();
        let (mut w, report) = DayWriter::open(&path, &h, 0, 0).unwrap();
        let complete = ends.iter().skip(1).filter(|&&e| e as usize <= cut).count();
        assert_eq!(
            report.truncated_bytes as usize,
            cut - ends[complete] as usize
        );
        w.append_sample(&h, &extra).unwrap();
        drop(w);
        let log = store::read_log(&path).unwrap();
        let mut want = samples[..complete].to_vec();
        want.push(extra.clone());
        assert_eq!(samples_of(&log), want, "cut at {cut}");
        assert!(log.damage.is_clean());
    }
}

#[test]
fn bit_flips_cost_only_the_damaged_records_and_their_changes() {
    let dir = tempfile::tempdir().unwrap();
    let (path, samples, ends) = small_file(dir.path());
    let full = std::fs::read(&path).unwrap();
    let mut rng = 0x9e3779b97f4a7c15u64;
    let mut next = || {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        rng
    };
    for _ in 0..2000 {
        let mut b = full.clone();
        let at = ends[0] as usize + (next() as usize) % (full.len() - ends[0] as usize);
        b[at] ^= 1 << (next() % 8);
        let log = store::parse_log(&path, &b).unwrap();
        // The record holding the flipped byte is lost; with it, the samples that need it:
        // the changes after it up to the next sample taken against the key, and those
        // taken against it if it was a key. Everything read back is an original sample,
        // in order.
        let got = samples_of(&log);
        let hit = ends.iter().skip(1).position(|&e| at < e as usize).unwrap();
        let mut originals = samples.iter().enumerate();
        for s in &got {
            let found = originals.find(|(_, o)| *o == s);
            assert!(
                found.is_some_and(|(i, _)| i != hit),
                "flip at {at}: a changed or unknown sample"
            );
        }
        // Noticed: as damage, or — when a flipped length makes the last record run past
        // the end of the file — as a torn tail.
        assert!(
            log.damage.skipped() >= 1 || log.torn_tail > 0,
            "flip at {at} went unnoticed"
        );
        // Only the damaged record and the changes after it up to the next sample taken
        // against the key are lost (samples are numbered from 0 here), unless it was the
        // keyframe the others need: the first sample, and the first live one, which keys
        // the filesystems group that samples of a fixture tree (not /proc) lack.
        let keys_a_group = hit > 0
            && samples[hit - 1].filesystems.is_empty() != samples[hit].filesystems.is_empty();
        if hit != 0 && !keys_a_group {
            let every = store::CHANGES_FROM_KEY_EVERY as usize;
            let chain_end = (hit / every + 1) * every;
            let lost = chain_end.min(samples.len()) - hit;
            assert_eq!(got.len(), samples.len() - lost, "flip at {at}");
        }
    }
}

/// Repeatable pseudo-random numbers (31 bits) from `seed`.
fn numbers(mut seed: u64) -> impl FnMut() -> u64 {
    move || {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        seed >> 33
    }
}

#[test]
fn overwritten_ranges_and_garbage_never_panic_or_overallocate() {
    let dir = tempfile::tempdir().unwrap();
    let (path, samples, ends) = small_file(dir.path());
    let full = std::fs::read(&path).unwrap();
    let len = full.len();
    let mut next = numbers(12345);
    for round in 0..500 {
        let mut b = full.clone();
        let start = ends[0] as usize + next() as usize % (len - ends[0] as usize);
        let n = (next() as usize % 64).min(len - start);
        for x in &mut b[start..start + n] {
            *x = match round % 3 {
                0 => 0,
                1 => 0xff,
                _ => next() as u8,
            };
        }
        let log = store::parse_log(&path, &b).unwrap();
        for s in samples_of(&log) {
            assert!(samples.contains(&s));
        }
    }
    // Pure garbage after a valid header, and sync markers with absurd lengths.
    let mut g = full[..ends[0] as usize].to_vec();
    for i in 0..20000u32 {
        g.extend_from_slice(&[0xd5, 0x5b, 0xff, 0xff, 0xff, (i % 256) as u8]);
    }
    let log = store::parse_log(&path, &g).unwrap();
    assert!(log.records.is_empty());
}

#[test]
fn a_reader_racing_a_writer_sees_only_complete_records() {
    let dir = tempfile::tempdir().unwrap();
    let (path, samples, ends) = small_file(dir.path());
    let full = std::fs::read(&path).unwrap();
    // The writer appends byte by byte; a follower feeds what it sees to one scanner.
    let (header, hlen) = store::FileHeader::decode(&full).unwrap();
    assert_eq!(header.host.hostname, "testhost");
    let mut scanner = store::Scanner::default();
    let mut pending: Vec<u8> = Vec::new();
    let mut offset = hlen as u64;
    let mut got = Vec::new();
    for b in &full[hlen..] {
        pending.push(*b);
        let mut out = Vec::new();
        let used = scanner.scan(&pending, offset, &mut out);
        pending.drain(..used);
        offset += used as u64;
        for (at, r) in out {
            assert!(ends.contains(&at), "a record starts at {at}");
            if let Record::Sample(s) = r {
                got.push(*s);
            }
        }
        assert!(scanner.damage.is_clean(), "a partial record is not damage");
    }
    assert_eq!(got, samples);
}

#[test]
fn keyframes_recur_and_a_damaged_change_costs_only_the_samples_to_the_next_base() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("rsar20261121");
    let base = real_samples().remove(0);
    let samples: Vec<Sample> = (0..200u64)
        .map(|i| {
            let mut s = base.clone();
            s.time.uptime_cs += i * 100;
            s.kernel.ctxt += i * 1000;
            s
        })
        .collect();
    let h = test_host("b1", 2);
    let (mut w, _) = DayWriter::open(&path, &h, 0, 0).unwrap();
    let mut ends = vec![w.len()];
    for s in &samples {
        w.append_sample(&h, s).unwrap();
        ends.push(w.len());
    }
    drop(w);
    let full = std::fs::read(&path).unwrap();
    // Bytes per sample, keyframes included.
    let per = (full.len() as u64 - ends[0]) / 200;
    assert!(per < 400, "{per} bytes per sample");
    // Damage record 10 (a change from the sample before): it and the changes after it
    // until sample 16 (taken against the key again) are lost, and nothing else.
    let every = store::CHANGES_FROM_KEY_EVERY as usize;
    assert_eq!(every, 8);
    let mut b = full.clone();
    let mid = (ends[10] + ends[11]) / 2;
    b[mid as usize] ^= 0x40;
    let log = store::parse_log(&path, &b).unwrap();
    let got = samples_of(&log);
    assert_eq!(got.len(), 200 - 6);
    assert_eq!(log.damage.undecodable, 5);
    assert_eq!(&got[..10], &samples[..10]);
    assert_eq!(&got[10..], &samples[16..]);
    // Damage record 16 (taken against the key): the changes after it up to 24 go with it.
    let mut b = full.clone();
    b[((ends[16] + ends[17]) / 2) as usize] ^= 0x40;
    let got = samples_of(&store::parse_log(&path, &b).unwrap());
    assert_eq!(&got[..16], &samples[..16]);
    assert_eq!(&got[16..], &samples[24..]);
    // Damage the first keyframe: the deltas against it are lost until the next keyframe.
    let mut b = full.clone();
    b[(ends[0] + 20) as usize] ^= 0x01;
    let log = store::parse_log(&path, &b).unwrap();
    let got = samples_of(&log);
    assert_eq!(got.len(), 200 - store::KEYFRAME_EVERY as usize);
    assert_eq!(got[0], samples[store::KEYFRAME_EVERY as usize]);
    assert_eq!(log.damage.undecodable, store::KEYFRAME_EVERY - 1);
}

#[test]
fn compression_and_retention() {
    let dir = tempfile::tempdir().unwrap();
    let s = real_samples();
    let h = test_host("b1", 2);
    let day = |d: u32| chrono::NaiveDate::from_ymd_opt(2026, 11, d).unwrap();
    for d in [1, 2, 19, 20, 21] {
        write_all(&dir.path().join(store::day_file_name(day(d))), &h, &s);
    }
    let done = store::housekeeping(dir.path(), day(21), 7, 1).unwrap();
    assert_eq!(done.deleted.len(), 2, "{done:?}");
    assert_eq!(done.compressed.len(), 1, "{done:?}");
    let names: Vec<String> = store::list_days(dir.path())
        .unwrap()
        .iter()
        .map(|(_, p, _)| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["rsar20261119.zst", "rsar20261120", "rsar20261121"]);
    let z = store::day_files(dir.path(), day(19)).unwrap().remove(0);
    assert_eq!(
        samples_of(&store::read_log(&z).unwrap()),
        s,
        "read transparently"
    );
}

/// Any sample: every declared group, each field in its type's range (`declared`).
fn arb_sample() -> impl Strategy<Value = Sample> {
    declared::arb_shape().prop_map(|s| s.sample())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn random_samples_round_trip(
        first in arb_sample(),
        steps in prop::collection::vec(any::<[u64; 3]>(), 0..150),
        other in arb_sample(),
    ) {
        // A run of samples that share a shape (deltas, and a keyframe every
        // KEYFRAME_EVERY), then one of another shape (a new keyframe).
        let mut samples = vec![first.clone()];
        for st in &steps {
            let mut s = samples.last().unwrap().clone();
            s.time.uptime_cs = s.time.uptime_cs.wrapping_add(st[0]);
            s.kernel.ctxt = st[1];
            s.cpu.total.idle = s.cpu.total.idle.wrapping_sub(st[2]);
            samples.push(s);
        }
        samples.push(other);
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("rsar20261121");
        write_all(&path, &test_host("b", 2), &samples);
        let log = store::read_log(&path).unwrap();
        prop_assert!(log.damage.is_clean());
        prop_assert_eq!(samples_of(&log), samples);
    }
}

/// 150 samples (the real ones over and over), a comment and a restart, written to `path`.
fn day_of_150(path: &Path) -> Vec<u8> {
    let base = real_samples();
    let h = test_host("b1", 2);
    let (mut w, _) = DayWriter::open(path, &h, 0, 0).unwrap();
    for i in 0..150u64 {
        let mut s = base[(i % 6) as usize].clone();
        s.time.uptime_cs = 100_000 + i * 100;
        s.kernel.ctxt = 5_000_000 + i * i * 37;
        w.append_sample(&h, &s).unwrap();
        if i == 70 {
            w.append_comment(1, "midway").unwrap();
        }
        if i == 100 {
            w.append_restart(&test_host("b2", 2), 2).unwrap();
        }
    }
    drop(w);
    std::fs::read(path).unwrap()
}

#[test]
fn a_packed_closed_day_reads_back_the_same_records() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("rsar20261121");
    let raw = day_of_150(&path);
    let packed = store::pack(&raw).unwrap();
    // Steps are for compressing: the closed day compresses smaller than the live one would.
    let z = |b: &[u8]| zstd::bulk::compress(b, 19).unwrap().len();
    assert!(z(&packed) < z(&raw), "{} vs {}", z(&packed), z(&raw));
    let a = store::parse_log(&path, &raw).unwrap();
    let b = store::parse_log(&path, &packed).unwrap();
    assert!(b.damage.is_clean());
    assert_eq!(
        a.records.iter().map(|r| &r.1).collect::<Vec<_>>(),
        b.records.iter().map(|r| &r.1).collect::<Vec<_>>()
    );
    // Damaged bytes are carried over and still reported; every good record survives.
    let mut hurt = raw.clone();
    let at = raw.len() / 2;
    hurt[at] ^= 0x10;
    let a = store::parse_log(&path, &hurt).unwrap();
    let b = store::parse_log(&path, &store::pack(&hurt).unwrap()).unwrap();
    assert_eq!(samples_of(&a), samples_of(&b));
    assert_eq!(a.damage.skipped() > 0, b.damage.skipped() > 0);
    // Not ours: nothing to pack.
    assert!(store::pack(b"plain text").is_none());
}

#[test]
fn every_diskstats_width_round_trips() {
    // Lines of 4 to 20 fields, as the kernel printed them or cut short (sysstat's root1 has
    // 18-field lines whose flush group is missing): what rsadc records, rsar reads back.
    let base = real_samples().remove(0);
    for width in 4..=20usize {
        let counters: Vec<String> = (1..=width - 3).map(|v| v.to_string()).collect();
        let text = format!(
            "8 0 sda {}\n259 0 nvme0n1 {}\n",
            counters.join(" "),
            counters.join(" ")
        );
        let mut disks = Vec::new();
        rsar::probe::parse_diskstats(text.as_bytes(), &mut disks).unwrap();
        let mut a = base.clone();
        a.disks = disks;
        let mut b = a.clone();
        for d in &mut b.disks {
            d.reads += 5;
            d.discards = d.discards.map(|v| v + 1);
        }
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("rsar20261121");
        write_all(&path, &test_host("b", 2), &[a.clone(), b.clone()]);
        let log = store::read_log(&path).unwrap();
        assert!(log.damage.is_clean(), "width {width}: {:?}", log.damage);
        assert_eq!(samples_of(&log), vec![a, b], "width {width}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn any_mix_of_optional_counters_round_trips_exactly(
        sample in arb_sample(),
        present in prop::collection::vec(any::<[bool; 6]>(), 0..4),
    ) {
        // Any mix of Some and None among a disk's optional counters reads back as it was
        // (format 2 records each field's presence; the probe makes the groups whole).
        let mut s = sample;
        for (d, p) in s.disks.iter_mut().zip(&present) {
            let slots = [
                &mut d.discards,
                &mut d.discards_merged,
                &mut d.discard_sectors,
                &mut d.discard_ms,
                &mut d.flushes,
                &mut d.flush_ms,
            ];
            for (slot, &on) in slots.into_iter().zip(p) {
                *slot = on.then(|| slot.unwrap_or(7));
            }
        }
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("rsar20261121");
        write_all(&path, &test_host("b", 2), &[s.clone(), s.clone()]);
        let log = store::read_log(&path).unwrap();
        prop_assert!(log.damage.is_clean());
        prop_assert_eq!(samples_of(&log), vec![s.clone(), s]);
    }
}

/// A column record (format 7) whose payload is damaged under a good checksum — a bug, or
/// a file made to hurt — never panics the reader or makes it allocate without bound: its
/// samples are read as the record says or not at all, and every other record is read.
#[test]
fn a_damaged_column_record_never_panics_or_overallocates() {
    let dir = tempfile::tempdir().unwrap();
    let (path, samples, _) = small_file(dir.path());
    let packed = store::pack(&std::fs::read(&path).unwrap()).unwrap();
    let (_, hlen) = store::FileHeader::decode(&packed).unwrap();
    let recs = records(&packed);
    let at = recs
        .iter()
        .position(|r| r.0 == store::wire::KIND_COLUMNS)
        .expect("a column record");
    let column = recs[at].1.to_vec();
    let rebuild = |payload: &[u8]| {
        let mut out = packed[..hlen].to_vec();
        let mut frame = Vec::new();
        for (i, (kind, p)) in recs.iter().enumerate() {
            store::wire::frame(*kind, if i == at { payload } else { p }, &mut frame);
            out.extend_from_slice(&frame);
        }
        out
    };
    let mut next = numbers(99);
    for round in 0..2000 {
        let mut p = column.clone();
        match round % 4 {
            // A byte changed, a run of them, the payload cut short, absurd counts.
            0 => p[next() as usize % column.len()] = next() as u8,
            1 => {
                let from = next() as usize % column.len();
                let n = (next() as usize % 16).min(column.len() - from);
                p[from..from + n].fill(if round % 8 == 1 { 0 } else { 0xff });
            }
            2 => p.truncate(next() as usize % column.len()),
            _ => {
                let from = next() as usize % column.len();
                p.splice(from..from, [0xff, 0xff, 0xff, 0x7f]);
            }
        }
        let log = store::parse_log(&path, &rebuild(&p)).unwrap();
        assert!(samples_of(&log).len() <= samples.len());
    }
    let log = store::parse_log(&path, &rebuild(&column)).unwrap();
    assert_eq!(samples_of(&log), samples);
}

/// Wherever a byte of a day is damaged, the day packed for compression reads the same
/// samples as the day itself: those after the damage whose groups build on the damaged
/// record are read without those groups in both (packing takes each sample as it was
/// read), and none is lost to packing.
#[test]
fn a_damaged_day_and_its_packed_form_read_the_same_samples() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("rsar20261121");
    let raw = day_of_150(&path);
    for at in (200..raw.len()).step_by(211) {
        let mut hurt = raw.clone();
        hurt[at] ^= 0x10;
        let day = store::parse_log(&path, &hurt).unwrap();
        let packed = store::parse_log(&path, &store::pack(&hurt).unwrap()).unwrap();
        let (a, b) = (samples_of(&day), samples_of(&packed));
        assert!(
            a == b,
            "a flip at byte {at} of {}: {} samples read from the day, {} from it packed",
            raw.len(),
            a.len(),
            b.len()
        );
    }
}
