//! Format 2: round trips generated from the schema (with CPUs, devices and interfaces
//! coming and going), a file from a newer writer (an unknown group, an unknown field),
//! planted frame markers, a damaged compressed day, a damaged header, and the writer
//! opening a large file by reading only its end.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failure report

mod common;
#[path = "common/declared.rs"]
mod declared;

use common::{sample_blocks, samples_of, test_host};
use proptest::prelude::*;
use rsar::sample::{FsUsage, Group, HostFacts, KernelCounters, LoadAvg, Sample, GROUPS};
use rsar::store::{self, wire, DayWriter, FileHeader, LogReader, Record};
use std::path::{Path, PathBuf};

fn write_all(path: &Path, h: &HostFacts, samples: &[Sample]) -> Vec<u64> {
    let (mut w, _) = DayWriter::open(path, h, 0, 0).unwrap();
    let mut ends = vec![w.len()];
    for s in samples {
        w.append_sample(h, s).unwrap();
        ends.push(w.len());
    }
    ends
}

/// Every sample of `shapes`, written by one process that is reopened every so often (as
/// from cron) with a reboot now and then; the file's bytes.
fn write_run(path: &Path, samples: &[Sample], reopen: &[bool]) -> Vec<u8> {
    let mut boot = 0;
    let (mut w, _) = DayWriter::open(path, &test_host("b0", 4), 0, 0).unwrap();
    for (i, s) in samples.iter().enumerate() {
        if reopen.get(i).copied().unwrap_or(false) && i % 7 == 3 {
            drop(w);
            w = DayWriter::open(path, &test_host(&format!("b{boot}"), 4), 0, 0)
                .unwrap()
                .0;
        }
        if i % 53 == 52 {
            boot += 1;
        }
        w.append_sample(&test_host(&format!("b{boot}"), 4), s)
            .unwrap();
    }
    drop(w);
    std::fs::read(path).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 32, ..ProptestConfig::default() })]

    /// Every declared group, its items coming and going, reads back as written: from the
    /// day as the writer left it, packed for a closed day, and compressed in frames.
    #[test]
    fn samples_with_churn_round_trip(
        shapes in declared::arb_run(120),
        reopen in prop::collection::vec(any::<bool>(), 0..120),
        frame_bytes in prop_oneof![1usize..512, 512usize..8192],
    ) {
        let samples: Vec<Sample> = shapes.iter().map(declared::Shape::sample).collect();
        let dir = tempfile::tempdir().unwrap();
        let day = chrono::NaiveDate::from_ymd_opt(2026, 11, 21).unwrap();
        let path = dir.path().join(store::day_file_name(day));
        let raw = write_run(&path, &samples, &reopen);
        let log = store::read_log(&path).unwrap();
        prop_assert_eq!(log.header.version, store::VERSION);
        prop_assert!(log.damage.is_clean(), "{:?}", log.damage);
        prop_assert_eq!(samples_of(&log), samples.clone());
        // A closed day, rewritten with changes from the sample before, reads the same.
        let packed = store::parse_log(&path, &store::pack(&raw).unwrap()).unwrap();
        prop_assert!(packed.damage.is_clean(), "{:?}", packed.damage);
        prop_assert_eq!(samples_of(&packed), samples.clone());
        // And compressed in frames small enough that a run has several (down to a sample
        // each), each re-keyed.
        let z = store::compress_frames_of(&raw, frame_bytes).unwrap();
        let zpath = dir.path().join(store::compressed_name(day, 0));
        std::fs::write(&zpath, z).unwrap();
        let zlog = store::read_log(&zpath).unwrap();
        prop_assert!(zlog.damage.is_clean(), "{:?}", zlog.damage);
        prop_assert_eq!(samples_of(&zlog), samples);
    }
}

/// The generator of the round trip above covers the schema: over its cases, every group
/// `GROUPS` declares is written (seen as a block of its id in the file), every group but
/// those every sample has is also missing from some samples, every group with items
/// changes its item set from one sample to the next, and every field is generated, each
/// optional one absent too.
#[test]
fn the_round_trip_generates_every_declared_group() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    let mut runner = TestRunner::deterministic();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("rsar20261121");
    // Per group id: samples with its block, samples without, item sets changed.
    let mut with = std::collections::BTreeMap::<u64, usize>::new();
    let mut without = std::collections::BTreeMap::<u64, usize>::new();
    let mut churn = std::collections::BTreeMap::<u64, usize>::new();
    // Per group id and field: (stored values seen, absent values seen).
    let mut fields = std::collections::BTreeMap::<(u64, usize), (usize, usize)>::new();
    for _ in 0..32 {
        let shapes = declared::arb_run(120)
            .new_tree(&mut runner)
            .unwrap()
            .current();
        for (g, i) in GROUPS.iter().zip(0..) {
            let sets = shapes.iter().map(|s| {
                s.groups[i]
                    .as_ref()
                    .map(|items| items.iter().map(|it| it.0).collect::<Vec<_>>())
            });
            let changed = sets
                .clone()
                .zip(sets.skip(1))
                .filter(|(a, b)| a.is_some() && b.is_some() && a != b)
                .count();
            *churn.entry(u64::from(g.id)).or_default() += changed;
            let items = shapes.iter().flat_map(|s| s.groups[i].iter().flatten());
            for (_, values) in items {
                for (f, v) in values.iter().enumerate() {
                    let seen = fields.entry((u64::from(g.id), f)).or_default();
                    if v.is_some() {
                        seen.0 += 1;
                    } else {
                        seen.1 += 1;
                    }
                }
            }
        }
        let samples: Vec<Sample> = shapes.iter().map(declared::Shape::sample).collect();
        let _ = std::fs::remove_file(&path);
        let raw = write_run(&path, &samples, &[]);
        let records = sample_blocks(&raw);
        assert_eq!(records.len(), samples.len());
        for blocks in records {
            for g in GROUPS {
                let id = u64::from(g.id);
                if blocks.iter().any(|b| b.0 == id) {
                    *with.entry(id).or_default() += 1;
                } else {
                    *without.entry(id).or_default() += 1;
                }
            }
        }
    }
    for g in GROUPS {
        let id = u64::from(g.id);
        let n = |m: &std::collections::BTreeMap<u64, usize>| m.get(&id).copied().unwrap_or(0);
        assert!(
            n(&with) > 0,
            "group {} (id {id}) is never generated",
            g.name
        );
        // The groups without which there is no sample.
        if !g.always {
            assert!(
                n(&without) > 0,
                "group {} (id {id}) is never absent",
                g.name
            );
        }
        for (f, field) in g.fields.iter().enumerate() {
            let (some, none) = fields.get(&(id, f)).copied().unwrap_or_default();
            assert!(some > 0, "field {}.{} is never stored", g.name, field.name);
            if field.optional {
                assert!(
                    none > 0,
                    "optional field {}.{} is never absent",
                    g.name,
                    field.name
                );
            }
        }
        if g.item.is_some() {
            assert!(
                n(&churn) > 0,
                "the items of group {} (id {id}) never change",
                g.name
            );
        }
    }
}

fn base_sample() -> Sample {
    let fx = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/vm-6.18/t0");
    // The groups rsadc records by default (not the opt-in -I and -m CPU).
    rsar::probe::Probe::new(&fx.join("proc"), &fx.join("sys"))
        .unwrap()
        .with_skip(rsar::probe::Skip::collector_default())
        .sample()
        .unwrap()
}

fn ticking(n: u64) -> Vec<Sample> {
    let base = base_sample();
    (0..n)
        .map(|i| {
            let mut s = base.clone();
            s.time.wall_ns += i as i64 * 1_000_000_000;
            s.time.uptime_cs += i * 100;
            s.kernel.ctxt += i * 1234;
            s.cpu.total.user += i * 37;
            if let Some(d) = s.disks.first_mut() {
                d.reads += i * 3;
            }
            s
        })
        .collect()
}

#[test]
fn a_new_device_re_keys_its_group_only() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("rsar20261121");
    let mut samples = ticking(8);
    let mut veth = samples[0].net[0].clone();
    veth.name = "veth1234".into();
    for s in &mut samples[5..] {
        s.net.push(veth.clone());
    }
    let ends = write_all(&path, &test_host("b1", 4), &samples);
    let size = |i: usize| ends[i + 1] - ends[i];
    // Record 0 keys every group; 1–4 are deltas; 5 keys only the interfaces.
    assert!(size(5) < size(0) / 2, "{} vs {}", size(5), size(0));
    assert!(size(5) > size(4), "{} vs {}", size(5), size(4));
    assert!(size(6) <= size(4) + 40, "{} vs {}", size(6), size(4));
    assert_eq!(samples_of(&store::read_log(&path).unwrap()), samples);
}

/// A block of the format by hand: tag, length, body.
fn block(out: &mut Vec<u8>, id: u64, mode: u64, body: &[u8]) {
    wire::put_varint(out, id << 2 | mode);
    wire::put_varint(out, body.len() as u64);
    out.extend_from_slice(body);
}

#[test]
fn a_newer_writers_unknown_group_and_extra_field_are_skipped() {
    // A file as a later rsar might write it: the kernel group with a sixth field, and a
    // group 200 this rsar does not know, between two known ones.
    let header = FileHeader {
        version: wire::VERSION,
        host: test_host("b1", 4),
        created_ns: 0,
        utc_offset_s: 0,
    };
    let mut file = header.encode();
    let mut frame = Vec::new();
    // The values of the kernel fields this rsar knows: 2, 3, 4, … after ctxt.
    let kernel_fields: Vec<u64> = (1..=KernelCounters::FIELDS.len() as u64).collect();
    for (seq, (ctxt, extra)) in [(100u64, 7u64), (150, 9)].into_iter().enumerate() {
        let mut p = Vec::new();
        wire::put_varint(&mut p, seq as u64);
        // time: 2 fields, no presence bits, boot id, values.
        let mut b = Vec::new();
        wire::put_varint(&mut b, 2);
        wire::put_varint(&mut b, 0);
        wire::put_str(&mut b, "b1");
        wire::put_numbers(&mut b, [1_000_000_000 * (seq as u64 + 1), 500 + seq as u64]);
        block(&mut p, 1, wire::MODE_KEY, &b);
        // An unknown group, keyed.
        let mut b = Vec::new();
        wire::put_varint(&mut b, 3);
        wire::put_varint(&mut b, 0);
        wire::put_numbers(&mut b, [1, 2, 3]);
        block(&mut p, 200, wire::MODE_KEY, &b);
        // kernel: one field more than this rsar knows.
        let mut b = Vec::new();
        wire::put_varint(&mut b, kernel_fields.len() as u64 + 1);
        wire::put_varint(&mut b, 0);
        let mut numbers = vec![ctxt];
        numbers.extend_from_slice(&kernel_fields[1..]);
        numbers.push(extra);
        wire::put_numbers(&mut b, numbers);
        block(&mut p, 3, wire::MODE_KEY, &b);
        // load, after them: still read at the right place.
        let mut b = Vec::new();
        wire::put_varint(&mut b, 5);
        wire::put_varint(&mut b, 0);
        wire::put_numbers(&mut b, [11, 22, 33, 1, 400]);
        block(&mut p, 4, wire::MODE_KEY, &b);
        wire::frame(wire::KIND_SAMPLE, &p, &mut frame);
        file.extend_from_slice(&frame);
    }
    let log = store::parse_log(Path::new("newer"), &file).unwrap();
    assert!(log.damage.is_clean(), "{:?}", log.damage);
    let got = samples_of(&log);
    assert_eq!(got.len(), 2);
    assert_eq!(got[1].time.wall_ns, 2_000_000_000);
    assert_eq!(got[1].time.uptime_cs, 501);
    let mut want = KernelCounters::default();
    let mut raw: Vec<Option<u64>> = kernel_fields.iter().map(|&v| Some(v)).collect();
    raw[0] = Some(100);
    want.set_raw_values(&raw).unwrap();
    assert_eq!(got[0].kernel, want);
    assert_eq!((want.processes, want.procs_blocked), (2, 5));
    assert_eq!(got[1].kernel.ctxt, 150);
    assert_eq!(
        got[1].load,
        Some(LoadAvg {
            load1_x100: 11,
            load5_x100: 22,
            load15_x100: 33,
            runnable: 1,
            tasks: 400
        })
    );
    assert_eq!(got[1].memory, None);
}

/// Format 4's unchanged groups, by hand: the groups named (a known one, and one this rsar
/// does not know) read as in the sample before; a list after the groups' blocks, or one
/// naming a group that also has a block, is damage that costs that sample only.
#[test]
fn unchanged_groups_read_as_the_sample_before_and_bad_lists_cost_one_sample() {
    let header = FileHeader {
        version: wire::VERSION,
        host: test_host("b1", 4),
        created_ns: 0,
        utc_offset_s: 0,
    };
    let mut file = header.encode();
    let mut frame = Vec::new();
    let time = |p: &mut Vec<u8>, seq: u64| {
        let mut b = Vec::new();
        if seq == 0 {
            wire::put_varint(&mut b, 2);
            wire::put_varint(&mut b, 0);
            wire::put_str(&mut b, "b1");
            wire::put_numbers(&mut b, [1_000_000_000, 500]);
            block(p, 1, wire::MODE_KEY, &b);
        } else {
            // Both clocks moved: a bit each, then zigzag(Δ) − 1.
            b.push(0b11);
            wire::put_varint(&mut b, wire::zigzag(1_000_000_000 * seq as i64) - 1);
            wire::put_varint(&mut b, wire::zigzag(100 * seq as i64) - 1);
            block(p, 1, wire::MODE_CHANGE, &b);
        }
    };
    // Groups 3 (kernel), 4 (load) and 200 (unknown).
    let unchanged = [
        0b0001_1000u8,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        1,
    ];
    for seq in 0..5u64 {
        let mut p = Vec::new();
        wire::put_varint(&mut p, seq);
        match seq {
            0 => {
                time(&mut p, 0);
                let mut b = Vec::new();
                wire::put_varint(&mut b, KernelCounters::FIELDS.len() as u64);
                wire::put_varint(&mut b, 0);
                wire::put_numbers(
                    &mut b,
                    (1..=KernelCounters::FIELDS.len() as u64).map(|v| v * 10),
                );
                block(&mut p, 3, wire::MODE_KEY, &b);
                let mut b = Vec::new();
                wire::put_varint(&mut b, 5);
                wire::put_varint(&mut b, 0);
                wire::put_numbers(&mut b, [11, 22, 33, 1, 400]);
                block(&mut p, 4, wire::MODE_KEY, &b);
                let mut b = Vec::new();
                wire::put_varint(&mut b, 1);
                wire::put_varint(&mut b, 0);
                wire::put_numbers(&mut b, [7]);
                block(&mut p, 200, wire::MODE_KEY, &b);
            }
            // After the groups' blocks: damage.
            2 => {
                time(&mut p, seq);
                block(&mut p, 0, wire::MODE_UNCHANGED, &unchanged);
            }
            // Load both unchanged and written: damage.
            3 => {
                block(&mut p, 0, wire::MODE_UNCHANGED, &unchanged);
                time(&mut p, seq);
                block(&mut p, 4, wire::MODE_CHANGE, &[]);
            }
            // After damage: against the keys (reference distance 4).
            4 => {
                block(&mut p, 0, wire::MODE_KEY, &[4]);
                block(&mut p, 0, wire::MODE_UNCHANGED, &unchanged);
                time(&mut p, seq);
            }
            _ => {
                block(&mut p, 0, wire::MODE_UNCHANGED, &unchanged);
                time(&mut p, seq);
            }
        }
        wire::frame(wire::KIND_SAMPLE, &p, &mut frame);
        file.extend_from_slice(&frame);
    }
    let log = store::parse_log(Path::new("unchanged"), &file).unwrap();
    let got = samples_of(&log);
    assert_eq!(
        got.iter().map(|s| s.time.uptime_cs).collect::<Vec<_>>(),
        [500, 600, 900],
        "{:?}",
        log.damage
    );
    for s in &got {
        assert_eq!(s.kernel.ctxt, 10);
        assert_eq!(s.load.map(|l| l.tasks), Some(400));
    }
    assert_eq!(log.damage.undecodable, 2, "{:?}", log.damage);
}

/// Plant `n` frame markers declaring `declared` bytes each, 8 bytes apart, at `at`.
fn plant(bytes: &mut [u8], at: usize, n: usize, declared: u32) {
    for i in 0..n {
        let p = at + i * 8;
        bytes[p..p + 2].copy_from_slice(&wire::SYNC);
        bytes[p + 2..p + 6].copy_from_slice(&declared.to_le_bytes());
    }
}

#[test]
fn planted_markers_cost_only_the_records_they_overwrite() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("rsar20261121");
    let samples = ticking(3000);
    let ends = write_all(&path, &test_host("b1", 4), &samples);
    let full = std::fs::read(&path).unwrap();
    for declared in [u32::MAX, 16 << 20, 1 << 20, 3000] {
        // 100 markers over 800 bytes in the middle of the file.
        let mut b = full.clone();
        let at = full.len() / 2;
        plant(&mut b, at, 100, declared);
        let hit: Vec<usize> = (0..samples.len())
            .filter(|&i| (ends[i] as usize) < at + 800 && ends[i + 1] as usize > at)
            .collect();
        let log = store::parse_log(&path, &b).unwrap();
        assert_eq!(log.torn_tail, 0, "declared {declared}");
        let got = samples_of(&log);
        let want: Vec<Sample> = (0..samples.len())
            .filter(|i| !hit.contains(i))
            .map(|i| samples[i].clone())
            .collect();
        // Every intact record before and after is read (a hit keyframe may take the deltas
        // after it until the next key).
        assert!(
            got.len() + hit.len() + 64 >= samples.len(),
            "declared {declared}: {}",
            got.len()
        );
        assert_eq!(got.last(), samples.last(), "declared {declared}");
        assert!(got.iter().all(|s| want.contains(s)));
        assert!(log.damage.skipped() > 0);
        // The streaming reader (small windows) agrees.
        std::fs::write(&path, &b).unwrap();
        let mut r = LogReader::open(&path).unwrap();
        let mut n = 0;
        while let Some((_, rec)) = r.next_record().unwrap() {
            n += usize::from(matches!(rec, Record::Sample(_)));
        }
        assert_eq!(n, got.len(), "declared {declared}");
        assert_eq!(r.torn_tail(), 0);
        // The writer cuts nothing and appends after the last record.
        let (mut w, report) = DayWriter::open(&path, &test_host("b1", 4), 0, 0).unwrap();
        assert_eq!(report.truncated_bytes, 0, "declared {declared}");
        w.append_sample(&test_host("b1", 4), &samples[0]).unwrap();
        drop(w);
        let after = samples_of(&store::read_log(&path).unwrap());
        assert_eq!(after.len(), got.len() + 1);
        assert_eq!(after.last(), Some(&samples[0]));
    }
}

#[test]
fn a_damaged_compressed_day_yields_every_record_before_the_damage() {
    let dir = tempfile::tempdir().unwrap();
    let day = chrono::NaiveDate::from_ymd_opt(2026, 11, 20).unwrap();
    let path = dir.path().join(store::day_file_name(day));
    let samples = ticking(4000);
    write_all(&path, &test_host("b1", 4), &samples);
    let done = store::housekeeping(dir.path(), day.succ_opt().unwrap(), 7, 0).unwrap();
    let z = done.compressed[0].clone();
    let mut bytes = std::fs::read(&z).unwrap();
    let at = bytes.len() * 3 / 4;
    bytes[at] ^= 0x55;
    std::fs::write(&z, &bytes).unwrap();
    let mut r = LogReader::open(&z).unwrap();
    let mut got = Vec::new();
    while let Ok(Some((_, rec))) = r.next_record() {
        if let Record::Sample(s) = rec {
            got.push(*s);
        }
    }
    assert!(
        r.cut().is_some() || !r.damage().is_clean(),
        "the damage was noticed"
    );
    // Every record before the damage, in order and unchanged; after it, only originals
    // (zstd may go on decoding after a damaged block; the records' checksums catch it).
    let prefix = got.iter().zip(&samples).take_while(|(a, b)| a == b).count();
    assert!(
        prefix > samples.len() / 2,
        "{prefix} records before the damage"
    );
    assert!(got.len() < samples.len());
    let mut originals = samples.iter();
    assert!(
        got.iter().all(|s| originals.any(|o| o == s)),
        "a changed or reordered record"
    );
}

/// A compressed day with the interrupts group (8 CPUs × 60 lines) and a process table
/// per sample is many frames; a byte damaged in an early one costs that frame's records
/// only: every sample and process table of the other frames is read, unchanged.
#[test]
fn a_damaged_frame_of_a_compressed_day_costs_only_its_records() {
    use rsar::process::ProcessCounters;
    use rsar::store::procs::ProcessTable;
    let dir = tempfile::tempdir().unwrap();
    let day = chrono::NaiveDate::from_ymd_opt(2026, 11, 20).unwrap();
    let path = dir.path().join(store::day_file_name(day));
    let host = test_host("b1", 4);
    let mut samples = ticking(1500);
    for (i, s) in samples.iter_mut().enumerate() {
        let i = i as u64;
        s.interrupts.cpus = (0..8).collect();
        s.interrupts.lines = (0..60)
            .map(|l| rsar::sample::IrqLine {
                name: l.to_string(),
                counts: (0..8).map(|c| i * (l % 7) * (c + 1) + l * 1000).collect(),
            })
            .collect();
    }
    let (mut w, _) = DayWriter::open(&path, &host, 0, 0).unwrap();
    let mut tables = Vec::new();
    for (i, s) in samples.iter().enumerate() {
        w.append_sample(&host, s).unwrap();
        let t = ProcessTable {
            wall_ns: s.time.wall_ns,
            uptime_cs: s.time.uptime_cs,
            processes: std::sync::Arc::new(
                (1..=5)
                    .map(|pid| ProcessCounters {
                        pid,
                        start_ticks: 7,
                        comm: format!("p{pid}").into(),
                        utime: i as u64 * u64::from(pid),
                        ..ProcessCounters::default()
                    })
                    .collect(),
            ),
        };
        w.append_processes(&t).unwrap();
        tables.push(t);
    }
    drop(w);
    let done = store::housekeeping(dir.path(), day.succ_opt().unwrap(), 7, 0).unwrap();
    let z = std::fs::read(&done.compressed[0]).unwrap();
    // The frames, and the decompressed bytes each holds.
    let mut frames = Vec::new();
    let (mut at, mut out_at) = (0usize, 0u64);
    while at < z.len() {
        let len = zstd::zstd_safe::find_frame_compressed_size(&z[at..]).unwrap();
        let n = zstd::bulk::decompress(&z[at..at + len], 1 << 24)
            .unwrap()
            .len() as u64;
        frames.push((at, len, out_at..out_at + n));
        at += len;
        out_at += n;
    }
    assert!(frames.len() >= 8, "{} frames", frames.len());
    // Where each record sits in the decompressed day.
    let read = |z: &[u8]| {
        let p = dir.path().join("copy.zst");
        std::fs::write(&p, z).unwrap();
        let mut r = LogReader::open(&p).unwrap();
        let mut got = Vec::new();
        while let Some(rec) = r.next_record().unwrap() {
            got.push(rec);
        }
        (got, r.cut().map(|c| c.to_string()), r.damage().clone())
    };
    let (whole, cut, damage) = read(&z);
    assert_eq!(cut, None);
    assert!(damage.is_clean());
    // Damage the second frame's middle.
    let (start, len, lost) = frames[1].clone();
    let mut hurt = z.clone();
    hurt[start + len / 2] ^= 0x5a;
    let (got, cut, damage) = read(&hurt);
    assert!(cut.is_some() || !damage.is_clean(), "the damage is said");
    let outside: Vec<&Record> = whole
        .iter()
        .filter(|(off, _)| !lost.contains(off))
        .map(|(_, r)| r)
        .collect();
    let got_records: Vec<&Record> = got.iter().map(|(_, r)| r).collect();
    for r in &outside {
        assert!(
            got_records.contains(r),
            "a record outside the damaged frame is lost"
        );
    }
    assert!(got_records
        .iter()
        .all(|r| whole.iter().any(|(_, w)| w == *r)));
    let n_samples = |rs: &[&Record]| rs.iter().filter(|r| matches!(r, Record::Sample(_))).count();
    let n_tables = |rs: &[&Record]| {
        rs.iter()
            .filter(|r| matches!(r, Record::Processes(_)))
            .count()
    };
    assert_eq!(
        n_samples(&whole.iter().map(|(_, r)| r).collect::<Vec<_>>()),
        samples.len()
    );
    assert_eq!(
        n_tables(&whole.iter().map(|(_, r)| r).collect::<Vec<_>>()),
        tables.len()
    );
    assert!(n_samples(&got_records) >= n_samples(&outside));
    assert!(
        n_samples(&outside) < samples.len(),
        "the frame held samples"
    );
    // The last sample and table are the originals.
    assert!(got_records.contains(&&Record::Sample(Box::new(samples.last().unwrap().clone()))));
    assert!(got_records.contains(&&Record::Processes(tables.last().unwrap().clone())));
}

/// A day of `n` samples one second apart, each followed by a table of five processes,
/// written at `path`.
fn day_with_processes(path: &Path, n: u64) -> Vec<Sample> {
    use rsar::process::ProcessCounters;
    use rsar::store::procs::ProcessTable;
    let host = test_host("b1", 4);
    let (mut w, _) = DayWriter::open(path, &host, 0, 0).unwrap();
    let samples = ticking(n);
    for (i, s) in samples.iter().enumerate() {
        let i = i as u64;
        w.append_sample(&host, s).unwrap();
        w.append_processes(&ProcessTable {
            wall_ns: s.time.wall_ns,
            uptime_cs: s.time.uptime_cs,
            processes: std::sync::Arc::new(
                (1..=5)
                    .map(|pid| ProcessCounters {
                        pid,
                        start_ticks: 7,
                        comm: format!("p{pid}").into(),
                        utime: i * u64::from(pid) + i * i,
                        ..ProcessCounters::default()
                    })
                    .collect(),
            ),
        })
        .unwrap();
    }
    samples
}

/// A compressed day's zstd frames: where each starts, its length, and the offsets of the
/// decompressed day it holds.
fn zstd_frames(z: &[u8]) -> Vec<(usize, usize, std::ops::Range<u64>)> {
    let mut frames = Vec::new();
    let (mut at, mut out_at) = (0usize, 0u64);
    while at < z.len() {
        let len = zstd::zstd_safe::find_frame_compressed_size(&z[at..]).unwrap();
        let n = zstd::bulk::decompress(&z[at..at + len], 1 << 24)
            .unwrap()
            .len() as u64;
        frames.push((at, len, out_at..out_at + n));
        at += len;
        out_at += n;
    }
    frames
}

/// The day `raw` compressed in `n` frames. A frame is cut once its records take so many
/// bytes as written, and its samples then go in columns: the size that gives `n` is
/// searched.
fn compressed_in_frames(raw: &[u8], n: usize) -> Vec<u8> {
    let (packed, _) = store::pack_frames_of(raw, usize::MAX).unwrap();
    (0..200)
        .map(|k| store::compress_frames_of(raw, packed.len() / n * (100 + 3 * k) / 100).unwrap())
        .find(|z| zstd_frames(z).len() == n)
        .unwrap_or_else(|| panic!("no frame size gives {n} frames"))
}

/// What reading `path` gives: the records, what the reader says was cut, the damage.
type Read = (Vec<(u64, Record)>, Option<String>, store::Damage);

fn read_all(path: &Path) -> Result<Read, store::StoreError> {
    let mut r = LogReader::open(path)?;
    let mut got = Vec::new();
    while let Some(rec) = r.next_record()? {
        got.push(rec);
    }
    Ok((got, r.cut().map(|c| c.to_string()), r.damage().clone()))
}

fn samples_in(records: &[(u64, Record)]) -> Vec<&Sample> {
    records
        .iter()
        .filter_map(|(_, r)| match r {
            Record::Sample(s) => Some(&**s),
            _ => None,
        })
        .collect()
}

/// A 700-sample day in 4 frames, one bit flipped 10 bytes before the end of the first
/// frame (which holds the file's header): the 3 later frames are read whole, with the
/// header's host facts, and rsar says which frame was lost and how many samples it held.
#[test]
fn a_damaged_first_frame_costs_only_its_samples() {
    let dir = tempfile::tempdir().unwrap();
    let day = chrono::NaiveDate::from_ymd_opt(2026, 11, 20).unwrap();
    let path = dir.path().join(store::day_file_name(day));
    let samples = day_with_processes(&path, 700);
    let raw = std::fs::read(&path).unwrap();
    let z = compressed_in_frames(&raw, 4);
    let frames = zstd_frames(&z);
    assert_eq!(frames.len(), 4);
    let zpath = dir.path().join(store::compressed_name(day, 0));
    std::fs::write(&zpath, &z).unwrap();
    let (whole, _, _) = read_all(&zpath).unwrap();
    let later: Vec<(u64, Record)> = whole
        .iter()
        .filter(|(off, _)| !frames[0].2.contains(off))
        .cloned()
        .collect();
    let later = samples_in(&later);
    assert!(later.len() > 400 && later.len() < 600, "{}", later.len());

    let mut hurt = z.clone();
    hurt[frames[0].1 - 10] ^= 0x04;
    std::fs::write(&zpath, &hurt).unwrap();
    let (got, cut, _) = read_all(&zpath).unwrap();
    assert_eq!(samples_in(&got), later, "every sample of the later frames");
    let lost = samples.len() - later.len();
    let cut = cut.unwrap();
    assert!(
        cut.starts_with(&format!("frame 1 of 4 is damaged: {lost} samples lost")),
        "{cut}"
    );
    let log = store::read_log(&zpath).unwrap();
    assert_eq!(log.header.host, test_host("b1", 4), "the header's copy");

    let out = std::process::Command::new(env!("CARGO_BIN_EXE_rsar"))
        .args(["-u", "-f"])
        .arg(&zpath)
        .env("TZ", "UTC")
        .env("LC_ALL", "C")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains(&format!("frame 1 of 4 is damaged: {lost} samples lost")),
        "{stderr}"
    );
    assert!(stderr.contains("the rest was read"), "{stderr}");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.starts_with("Linux 6.1.0-test (testhost)"),
        "{stdout}"
    );
    assert!(stdout.lines().count() > later.len(), "{stdout}");
}

/// Single bits flipped at 200 places over three compressed days (one from before frame
/// marks): no flip makes the day unreadable, and every sample outside the frame the flip
/// is in is read, unchanged.
#[test]
fn no_flipped_bit_in_a_compressed_day_costs_more_than_its_frame() {
    let dir = tempfile::tempdir().unwrap();
    let day = chrono::NaiveDate::from_ymd_opt(2026, 11, 20).unwrap();
    let plain = dir.path().join(store::day_file_name(day));
    let mut days = Vec::new();
    // With process tables, in 4 frames.
    day_with_processes(&plain, 400);
    let raw = std::fs::read(&plain).unwrap();
    days.push(compressed_in_frames(&raw, 4));
    // Samples alone, in 6 frames.
    std::fs::remove_file(&plain).unwrap();
    write_all(&plain, &test_host("b1", 4), &ticking(600));
    let raw = std::fs::read(&plain).unwrap();
    days.push(compressed_in_frames(&raw, 6));
    // Compressed by rsar before frames had marks.
    days.push(
        std::fs::read(
            PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("tests/fixtures/logs-frames/rsar20261120.zst"),
        )
        .unwrap(),
    );

    let zpath = dir.path().join(store::compressed_name(day, 0));
    let (mut refused, mut short, mut flips) = (Vec::new(), Vec::new(), 0);
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    for (d, z) in days.iter().enumerate() {
        let frames = zstd_frames(z);
        assert!(frames.len() >= 3, "day {d}: {} frames", frames.len());
        std::fs::write(&zpath, z).unwrap();
        let (whole, cut, damage) = read_all(&zpath).unwrap();
        assert!(cut.is_none() && damage.is_clean(), "day {d}: {cut:?}");
        // The first frame's magic and header, then places spread over the day.
        let mut places: Vec<usize> = (0..8).collect();
        while places.len() < 200 / days.len() + 1 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            places.push((seed % z.len() as u64) as usize);
        }
        for at in places {
            flips += 1;
            let bit = 1u8 << (at % 8);
            let frame = frames
                .iter()
                .find(|(s, l, _)| (*s..s + l).contains(&at))
                .unwrap();
            let mut hurt = z.clone();
            hurt[at] ^= bit;
            std::fs::write(&zpath, &hurt).unwrap();
            let got = match read_all(&zpath) {
                Ok((got, cut, _)) => {
                    assert!(
                        cut.as_deref()
                            .is_none_or(|c| !c.contains("not an rsar log") && !c.contains("empty")),
                        "{cut:?}"
                    );
                    got
                }
                Err(e) => {
                    refused.push(format!("day {d}, byte {at}: {e}"));
                    continue;
                }
            };
            let got = samples_in(&got);
            let outside: Vec<&Sample> = samples_in(&whole)
                .into_iter()
                .zip(whole.iter().filter(|(_, r)| matches!(r, Record::Sample(_))))
                .filter(|(_, (off, _))| !frame.2.contains(off))
                .map(|(s, _)| s)
                .collect();
            if !outside.iter().all(|s| got.contains(s)) {
                short.push(format!(
                    "day {d}, byte {at}: {} of {} read",
                    got.len(),
                    outside.len()
                ));
            }
            let mut originals = samples_in(&whole).into_iter();
            assert!(
                got.iter().all(|s| originals.any(|o| o == *s)),
                "day {d}, byte {at}: a changed or reordered sample"
            );
        }
    }
    assert!(
        refused.is_empty() && short.is_empty(),
        "of {flips} flips, {} refused the day: {refused:#?}\n{} lost samples outside their frame: {short:#?}",
        refused.len(),
        short.len()
    );
}

/// Bytes inserted into or lost from a sample record between two process tables: that
/// sample is lost, and nothing else — the process deltas after it still find their base
/// although the byte distance to it changed. A damaged process table costs the deltas
/// built on it, up to the next key, and they are counted and said as process tables.
#[test]
fn an_insertion_or_deletion_costs_only_the_record_it_hits() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("rsar20261120");
    day_with_processes(&path, 200);
    let raw = std::fs::read(&path).unwrap();
    let (whole, _, _) = read_all(&path).unwrap();
    let tables = |records: &[(u64, Record)]| -> Vec<rsar::store::procs::ProcessTable> {
        records
            .iter()
            .filter_map(|(_, r)| match r {
                Record::Processes(t) => Some(t.clone()),
                _ => None,
            })
            .collect()
    };
    let all_tables = tables(&whole);
    assert_eq!(all_tables.len(), 200);
    // The 71st sample record, and the process table after it.
    let sample_at = whole
        .iter()
        .filter(|(_, r)| matches!(r, Record::Sample(_)))
        .nth(70)
        .unwrap()
        .0 as usize;
    for change in ["insert", "delete"] {
        let mut b = raw.clone();
        let at = sample_at + 20;
        match change {
            "insert" => drop(b.splice(at..at, [1u8, 2, 3])),
            _ => drop(b.drain(at..at + 3)),
        }
        std::fs::write(&path, &b).unwrap();
        let (got, _, damage) = read_all(&path).unwrap();
        let got_tables = tables(&got);
        assert_eq!(got_tables.len(), all_tables.len(), "{change}: {damage:?}");
        assert!(got_tables == all_tables, "{change}: every process table");
        // The sample hit, and the samples taken as changes from it up to the next one
        // taken against the keys (every 8th: docs/FORMAT.md, "Reading after damage").
        let lost = 200 - samples_in(&got).len() as u64;
        assert!((1..=8).contains(&lost), "{change}: {lost} samples lost");
        assert_eq!(damage.damaged_records, 1, "{change}: {damage:?}");
        assert_eq!(damage.undecodable, lost - 1, "{change}: {damage:?}");
    }

    // A byte of the 71st process table itself: the deltas after it, up to the next key,
    // cannot be decoded; they are counted and named.
    let table_at = whole
        .iter()
        .filter(|(_, r)| matches!(r, Record::Processes(_)))
        .nth(70)
        .unwrap()
        .0 as usize;
    let mut b = raw.clone();
    b[table_at + 20] ^= 0x10;
    std::fs::write(&path, &b).unwrap();
    let (got, _, damage) = read_all(&path).unwrap();
    let lost = all_tables.len() - 1 - tables(&got).len();
    assert!(lost > 0 && lost < 60, "{lost}");
    assert_eq!(damage.undecodable_processes, lost as u64, "{damage:?}");
    assert_eq!(samples_in(&got).len(), 200);
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_rsar"))
        .args(["pidstat", "-f"])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains(&format!("{lost} process tables")), "{err}");
}

#[test]
fn a_damaged_header_leaves_the_records_readable() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("rsar20261121");
    let samples = ticking(100);
    let ends = write_all(&path, &test_host("b1", 4), &samples);
    let full = std::fs::read(&path).unwrap();
    // The magic number, the version, the length, the body, the CRC.
    for at in [0usize, 5, 9, 12, 20, ends[0] as usize - 2] {
        let mut b = full.clone();
        b[at] ^= 0x20;
        std::fs::write(&path, &b).unwrap();
        let log = store::read_log(&path).unwrap();
        assert_eq!(samples_of(&log), samples, "flip at {at}");
        assert!(
            !log.damage.is_clean(),
            "flip at {at}: the damage is reported"
        );
        assert_eq!(log.header.host.boot_id, "b1", "from the time key");
        assert_eq!(
            log.header.host.cpu_count,
            samples[0].cpu.per_cpu.len() as u32
        );
        // rsar reads them and exits 2, saying so.
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_rsar"))
            .args(["-u", "-f"])
            .arg(&path)
            .env("TZ", "UTC")
            .env("LC_ALL", "C")
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "flip at {at}");
        assert!(String::from_utf8_lossy(&out.stderr).contains("damaged header"));
        assert!(String::from_utf8_lossy(&out.stdout).lines().count() > 50);
    }
}

#[test]
fn opening_a_large_file_reads_only_its_end() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("rsar20261121");
    let samples = ticking(20_000);
    write_all(&path, &test_host("b1", 4), &samples[..19_999]);
    let size = std::fs::metadata(&path).unwrap().len();
    let (mut w, report) = DayWriter::open(&path, &test_host("b1", 4), 0, 0).unwrap();
    assert!(
        report.bytes_read * 15 < size,
        "{} of {size} bytes read",
        report.bytes_read
    );
    assert!(report.bytes_read <= 256 << 10, "{}", report.bytes_read);
    w.append_sample(&test_host("b1", 4), &samples[19_999])
        .unwrap();
    drop(w);
    let before = std::fs::metadata(&path).unwrap().len();
    // It went on with deltas against the keys it found, not a new key for every group.
    assert!(before - size < 400, "{} bytes", before - size);
    let log = store::read_log(&path).unwrap();
    assert!(log.damage.is_clean());
    assert_eq!(samples_of(&log), samples);
}

/// Filesystems keep their type (group 27) and read-only flag through a log; a file from
/// before them (group 22 with five fields, no group 27) still reads, without either.
#[test]
fn filesystem_types_round_trip_and_older_files_read_without_them() {
    let dir = tempfile::tempdir().unwrap();
    let h = test_host("b1", 2);
    let fs = |device: &str, mountpoint: &str, fstype: &str, free: u64| FsUsage {
        name: device.into(),
        mountpoint: mountpoint.into(),
        fstype: fstype.into(),
        size_bytes: 1 << 30,
        free_bytes: free,
        avail_bytes: free / 2,
        inodes: 1000,
        inodes_free: 10,
        readonly: Some(u64::from(fstype == "iso9660")),
    };
    let samples: Vec<Sample> = (0..70u64)
        .map(|i| {
            let mut s = base_sample();
            s.time.wall_ns = 1_000_000_000 * (i as i64 + 1);
            s.time.uptime_cs = 100 * (i + 1);
            s.filesystems = vec![fs("/dev/vda", "/", "ext4", 1 << 29)];
            // A second filesystem mounted for a while: the types follow the key changes.
            if (20..40).contains(&i) {
                s.filesystems
                    .push(fs("/dev/sr0", "/media/cd", "iso9660", i));
            }
            s
        })
        .collect();
    let path = dir.path().join("fs");
    write_all(&path, &h, &samples);
    assert_eq!(samples_of(&store::read_log(&path).unwrap()), samples);

    // As a writer from before wrote it: no group 27, five filesystem fields.
    let header = FileHeader {
        version: wire::VERSION,
        host: h.clone(),
        created_ns: 0,
        utc_offset_s: 0,
    };
    let mut file = header.encode();
    let mut p = Vec::new();
    wire::put_varint(&mut p, 0);
    let mut b = Vec::new();
    wire::put_varint(&mut b, 2);
    wire::put_varint(&mut b, 0);
    wire::put_str(&mut b, "b1");
    wire::put_numbers(&mut b, [1_000_000_000, 100]);
    block(&mut p, 1, wire::MODE_KEY, &b);
    let mut b = Vec::new();
    wire::put_varint(&mut b, 5);
    wire::put_varint(&mut b, 0);
    wire::put_varint(&mut b, 1);
    wire::put_str(&mut b, "/dev/vda");
    wire::put_str(&mut b, "/");
    wire::put_numbers(&mut b, [1 << 30, 1 << 29, 1 << 28, 1000, 10]);
    block(&mut p, 22, wire::MODE_KEY, &b);
    let mut frame = Vec::new();
    wire::frame(wire::KIND_SAMPLE, &p, &mut frame);
    file.extend_from_slice(&frame);
    let log = store::parse_log(Path::new("older"), &file).unwrap();
    assert!(log.damage.is_clean(), "{:?}", log.damage);
    let got = samples_of(&log);
    assert_eq!(
        got[0].filesystems,
        [FsUsage {
            name: "/dev/vda".into(),
            mountpoint: "/".into(),
            fstype: String::new(),
            size_bytes: 1 << 30,
            free_bytes: 1 << 29,
            avail_bytes: 1 << 28,
            inodes: 1000,
            inodes_free: 10,
            readonly: None,
        }]
    );
}

/// What `rsar ARGS -f PATH` prints (it must succeed).
fn printed(args: &[&str], path: &Path) -> String {
    let mut args = args.to_vec();
    args.extend(["-f", path.to_str().unwrap()]);
    let out = common::run(&common::rsar_bin(), &args);
    assert_eq!(out.status.code(), Some(0), "{}", common::text(&out.stderr));
    common::text(&out.stdout)
}

/// The `Average:` lines of `rsar -A -f PATH`.
fn averages(path: &Path) -> String {
    printed(&["-A"], path)
        .lines()
        .filter(|l| l.starts_with("Average:"))
        .map(|l| format!("{l}\n"))
        .collect()
}

fn logs_v2() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/logs-v2")
}

/// A day written by the last format-2 rsadc reads with the numbers its own rsar printed,
/// live and packed for compression.
#[test]
fn format_2_logs_read_with_the_same_numbers_forever() {
    let file = logs_v2().join("rsar20261206");
    let want = std::fs::read_to_string(logs_v2().join("rsar20261206.A-averages.txt")).unwrap();
    assert_eq!(averages(&file), want);
    let raw = std::fs::read(&file).unwrap();
    let log = store::parse_log(&file, &raw).unwrap();
    assert!(log.damage.is_clean(), "{:?}", log.damage);
    assert_eq!(samples_of(&log).len(), 70);
    // Packed, it is still format 2: steps, never a change a format-2 reader would skip.
    let packed = store::pack(&raw).unwrap();
    assert_eq!(FileHeader::decode(&packed).unwrap().0.version, 2);
    for blocks in sample_blocks(&packed) {
        assert!(blocks
            .iter()
            .all(|&(id, mode, _)| id != wire::GROUP_REFERENCE && mode != wire::MODE_CHANGE));
    }
    assert_eq!(
        samples_of(&store::parse_log(&file, &packed).unwrap()),
        samples_of(&log)
    );
    let dir = tempfile::tempdir().unwrap();
    let packed_file = dir.path().join("rsar20261206");
    std::fs::write(&packed_file, &packed).unwrap();
    assert_eq!(averages(&packed_file), want);
}

fn logs_v3() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/logs-v3")
}

/// A day written by the last format-3 rsadc reads with the numbers its own rsar printed,
/// live and packed; packed, and appended to by this rsadc, it stays format 3: changes, but
/// never a block of unchanged groups, which a format-3 reader would skip (it would read
/// those groups as missing).
#[test]
fn format_3_logs_read_with_the_same_numbers_forever() {
    let file = logs_v3().join("rsar20261206");
    let want = std::fs::read_to_string(logs_v3().join("rsar20261206.A-averages.txt")).unwrap();
    assert_eq!(averages(&file), want);
    let raw = std::fs::read(&file).unwrap();
    let log = store::parse_log(&file, &raw).unwrap();
    assert!(log.damage.is_clean(), "{:?}", log.damage);
    let before = samples_of(&log);
    assert_eq!(before.len(), 70);
    let no_unchanged = |bytes: &[u8]| {
        assert_eq!(FileHeader::decode(bytes).unwrap().0.version, 3);
        let blocks = sample_blocks(bytes);
        assert!(blocks
            .iter()
            .flatten()
            .all(|&(id, mode, _)| id != wire::GROUP_REFERENCE || mode != wire::MODE_UNCHANGED));
        assert!(blocks
            .iter()
            .flatten()
            .any(|&(_, mode, _)| mode == wire::MODE_CHANGE));
    };
    let packed = store::pack(&raw).unwrap();
    no_unchanged(&packed);
    assert_eq!(
        samples_of(&store::parse_log(&file, &packed).unwrap()),
        before
    );

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("rsar20261206");
    std::fs::copy(&file, &path).unwrap();
    let host = FileHeader::decode(&raw).unwrap().0.host;
    // Samples after the day's last, in its boot, where only the clocks move: in format 4
    // every other group would be named unchanged.
    let last = before.last().unwrap().clone();
    let more: Vec<Sample> = (1..=20u64)
        .map(|i| {
            let mut s = last.clone();
            s.time.wall_ns += i as i64 * 1_000_000_000;
            s.time.uptime_cs += i * 100;
            s
        })
        .collect();
    let (mut w, _) = DayWriter::open(&path, &host, 0, 0).unwrap();
    for s in &more {
        w.append_sample(&host, s).unwrap();
    }
    drop(w);
    let bytes = std::fs::read(&path).unwrap();
    no_unchanged(&bytes);
    let log = store::read_log(&path).unwrap();
    assert!(log.damage.is_clean(), "{:?}", log.damage);
    assert_eq!(samples_of(&log), [before, more].concat());
}

fn logs_v4() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/logs-v4")
}

/// A day written by the last format-4 rsadc, processes included (kernel workers renamed
/// themselves in it), reads with the numbers its own rsar printed, sar's and pidstat's,
/// live and packed; packed, and appended to by this rsadc with a rename, it stays format
/// 4: a renamed process is gone and new, never a delta with renames (mode 2), which a
/// format-4 reader would call damage. A new file (format 5 or later) says the rename in
/// place.
#[test]
fn format_4_logs_read_with_the_same_numbers_forever() {
    use rsar::store::procs::ProcessTable;
    let file = logs_v4().join("rsar20261207");
    let pidstat = |path: &Path| printed(&["pidstat", "-u", "-r", "-d", "-l"], path);
    let want_averages =
        std::fs::read_to_string(logs_v4().join("rsar20261207.A-averages.txt")).unwrap();
    let want_pidstat =
        std::fs::read_to_string(logs_v4().join("rsar20261207.pidstat-urdl.txt")).unwrap();
    assert_eq!(averages(&file), want_averages);
    assert_eq!(pidstat(&file), want_pidstat);
    let raw = std::fs::read(&file).unwrap();
    let format_4 = |bytes: &[u8]| {
        assert_eq!(FileHeader::decode(bytes).unwrap().0.version, 4);
        let modes = common::process_modes(bytes);
        assert!(modes.contains(&1), "{modes:?}");
        assert!(modes.iter().all(|&m| m <= 1), "{modes:?}");
    };
    format_4(&raw);

    let dir = tempfile::tempdir().unwrap();
    let packed_file = dir.path().join("rsar20261207");
    std::fs::write(&packed_file, store::pack(&raw).unwrap()).unwrap();
    format_4(&std::fs::read(&packed_file).unwrap());
    assert_eq!(pidstat(&packed_file), want_pidstat);

    // Two more tables: the last one again, then with one process renamed.
    let tables = common::process_tables;
    let before = tables(&file);
    let last = before.last().unwrap().clone();
    let mut renamed = last.processes.to_vec();
    let p = renamed
        .iter_mut()
        .find(|p| p.comm.starts_with("kworker/"))
        .unwrap();
    p.comm = format!("{}-renamed", p.comm).into();
    p.utime += 7;
    let more: Vec<ProcessTable> = [last.processes.to_vec(), renamed]
        .into_iter()
        .enumerate()
        .map(|(i, processes)| ProcessTable {
            wall_ns: last.wall_ns + (i as i64 + 1) * 1_000_000_000,
            uptime_cs: last.uptime_cs + (i as u64 + 1) * 100,
            processes: processes.into(),
        })
        .collect();
    let host = FileHeader::decode(&raw).unwrap().0.host;
    let append = |path: &Path| {
        let (mut w, _) = DayWriter::open(path, &host, 0, 0).unwrap();
        for t in &more {
            w.append_processes(t).unwrap();
        }
    };
    let path = dir.path().join("appended");
    std::fs::copy(&file, &path).unwrap();
    append(&path);
    let bytes = std::fs::read(&path).unwrap();
    format_4(&bytes);
    assert_eq!(common::process_modes(&bytes).last(), Some(&1));
    assert_eq!(tables(&path), [before, more.clone()].concat());

    let path = dir.path().join("new");
    append(&path);
    let bytes = std::fs::read(&path).unwrap();
    assert_eq!(
        FileHeader::decode(&bytes).unwrap().0.version,
        store::VERSION
    );
    assert_eq!(common::process_modes(&bytes), [0, 2]);
    assert_eq!(tables(&path), more);
}

/// A day written, closed and rolled up by the last format-5 rsadc, processes included,
/// reads with the numbers its own rsar printed, raw and from each tier (whose levels are
/// offsets of the values as they are); rolled up again by this rsadc, its tiers (levels of
/// the values as stored, memory in pages, samples in columns) print the same; appended to
/// by this rsadc, it stays format 5.
#[test]
fn format_5_logs_and_tiers_read_with_the_same_numbers_forever() {
    logs_and_tiers_read_the_same_forever(5);
}

/// The same of a day written, closed and rolled up by the last format-6 rsadc, whose
/// closed days and tiers hold their samples as rows.
#[test]
fn format_6_logs_and_tiers_read_with_the_same_numbers_forever() {
    logs_and_tiers_read_the_same_forever(6);
}

/// `tests/fixtures/logs-vN` (its README says how it was made): the day and its tiers print
/// what the build that wrote them printed (pinned beside them); tiers built again from the
/// day by this rsadc print the same; appending keeps the day format N.
fn logs_and_tiers_read_the_same_forever(format: u16) {
    use rsar::store::rollup::{self, Retention};
    let fixtures =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(format!("tests/fixtures/logs-v{format}"));
    let pinned = |name: &str| std::fs::read_to_string(fixtures.join(name)).unwrap();
    let version = |path: &Path| store::read_log(path).unwrap().header.version;
    let raw = fixtures.join("rsar20261207.zst");
    assert_eq!(version(&raw), format);
    assert_eq!(averages(&raw), pinned("rsar20261207.A-averages.txt"));
    for tier in ["1m", "1h"] {
        let file = fixtures.join(format!("rsar20261207.{tier}.zst"));
        assert_eq!(version(&file), format);
        assert_eq!(
            averages(&file),
            pinned(&format!("rsar20261207.{tier}.A-averages.txt")),
            "the {tier} tier"
        );
    }
    let pidstat = &["pidstat", "-u", "-r", "-d", "-l"];
    assert_eq!(
        printed(pidstat, &fixtures.join("rsar20261207.1m.zst")),
        pinned("rsar20261207.1m.pidstat-urdl.txt")
    );

    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(&raw, dir.path().join("rsar20261207.zst")).unwrap();
    let date = chrono::NaiveDate::from_ymd_opt(2026, 12, 7).unwrap();
    let done =
        rollup::roll_up(dir.path(), date.succ_opt().unwrap(), &Retention::default()).unwrap();
    assert_eq!(done.written.len(), 2, "{done:?}");
    for tier in ["1m", "1h"] {
        let file = dir.path().join(format!("rsar20261207.{tier}.zst"));
        assert_eq!(version(&file), store::VERSION);
        let unpacked = zstd::decode_all(&std::fs::read(&file).unwrap()[..]).unwrap();
        let kinds: Vec<u8> = common::records(&unpacked).iter().map(|r| r.0).collect();
        assert!(kinds.contains(&store::wire::KIND_COLUMNS), "{kinds:?}");
        assert!(!kinds.contains(&store::wire::KIND_SAMPLE), "{kinds:?}");
        assert_eq!(
            averages(&file),
            pinned(&format!("rsar20261207.{tier}.A-averages.txt")),
            "the {tier} tier built again"
        );
    }
    assert_eq!(
        printed(pidstat, &dir.path().join("rsar20261207.1m.zst")),
        pinned("rsar20261207.1m.pidstat-urdl.txt")
    );

    // Appended to (plain again, as a day being written is), in its boot.
    let log = store::read_log(&raw).unwrap();
    let plain = dir.path().join("rsar20261207");
    std::fs::write(
        &plain,
        zstd::decode_all(&std::fs::read(&raw).unwrap()[..]).unwrap(),
    )
    .unwrap();
    let before = samples_of(&log);
    let mut more = before.last().unwrap().clone();
    more.time.wall_ns += 1_000_000_000;
    more.time.uptime_cs += 100;
    let (mut w, _) = DayWriter::open(&plain, &log.header.host, 0, 0).unwrap();
    w.append_sample(&log.header.host, &more).unwrap();
    drop(w);
    let after = store::read_log(&plain).unwrap();
    assert_eq!(after.header.version, format);
    assert!(after.damage.is_clean(), "{:?}", after.damage);
    assert_eq!(samples_of(&after), [before, vec![more]].concat());
}

/// rsadc appending to a day begun by a format-2 rsadc writes format 2, so that the rsar
/// that began the day reads all of it; a new file is format 3, with changes.
#[test]
fn appending_to_a_format_2_file_keeps_it_format_2() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("rsar20261206");
    std::fs::copy(logs_v2().join("rsar20261206"), &path).unwrap();
    let before = samples_of(&store::read_log(&path).unwrap());
    let host = FileHeader::decode(&std::fs::read(&path).unwrap())
        .unwrap()
        .0
        .host;
    // Samples after the day's last, in its boot.
    let last = before.last().unwrap().time;
    let mut more = ticking(20);
    for (i, s) in more.iter_mut().enumerate() {
        s.time.wall_ns = last.wall_ns + (i as i64 + 1) * 1_000_000_000;
        s.time.uptime_cs = last.uptime_cs + (i as u64 + 1) * 100;
    }
    let (mut w, _) = DayWriter::open(&path, &host, 0, 0).unwrap();
    for s in &more {
        w.append_sample(&host, s).unwrap();
    }
    drop(w);
    let bytes = std::fs::read(&path).unwrap();
    assert_eq!(FileHeader::decode(&bytes).unwrap().0.version, 2);
    let blocks = sample_blocks(&bytes);
    assert_eq!(blocks.len(), 90);
    for b in &blocks {
        assert!(b
            .iter()
            .all(|&(id, mode, _)| id != wire::GROUP_REFERENCE && mode <= wire::MODE_DELTA));
    }
    let log = store::read_log(&path).unwrap();
    assert!(log.damage.is_clean(), "{:?}", log.damage);
    assert_eq!(samples_of(&log), [before, more.clone()].concat());

    let path = dir.path().join("new");
    write_all(&path, &host, &more);
    let bytes = std::fs::read(&path).unwrap();
    assert_eq!(
        FileHeader::decode(&bytes).unwrap().0.version,
        store::VERSION
    );
    assert!(sample_blocks(&bytes)[1]
        .iter()
        .all(|&(_, mode, _)| mode == wire::MODE_CHANGE));
}

/// In a format-4 file the groups whose numbers did not move are named in one block of a
/// bit per group, before the others; every eighth sample is taken against the keys (a
/// reference block names them), the others from the sample before. A closed day, packed,
/// names them the same way.
#[test]
fn unchanged_groups_cost_a_bit_each() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("rsar20261121");
    // Only the clocks move.
    let samples: Vec<Sample> = (0..20u64)
        .map(|i| {
            let mut s = base_sample();
            s.time.wall_ns += i as i64 * 1_000_000_000;
            s.time.uptime_cs += i * 100;
            s
        })
        .collect();
    write_all(&path, &test_host("b1", 4), &samples);
    let raw = std::fs::read(&path).unwrap();
    let blocks = sample_blocks(&raw);
    let groups = blocks[0].len();
    assert!(groups > 10, "{groups} groups");
    assert!(blocks[0].iter().all(|&(_, mode, _)| mode == wire::MODE_KEY));
    let ids: Vec<u64> = blocks[0].iter().map(|&(id, _, _)| id).collect();
    // A bit for each group but the clock's, up to the largest id.
    let bitmap = (*ids.iter().max().unwrap() as usize) / 8 + 1;
    let check = |blocks: &[Vec<(u64, u64, usize)>], referenced: bool| {
        for (i, b) in blocks.iter().enumerate().skip(1) {
            // In samples 8 and 16 a reference block first: distance 8 or 16, to the keys
            // of sample 0 (one byte of body).
            let rest = if referenced && i % 8 == 0 {
                assert_eq!(
                    b[0],
                    (wire::GROUP_REFERENCE, wire::MODE_KEY, 1),
                    "sample {i}"
                );
                &b[1..]
            } else {
                &b[..]
            };
            // The unchanged groups, then the time group: its two clocks moved.
            assert_eq!(
                rest,
                [
                    (wire::GROUP_REFERENCE, wire::MODE_UNCHANGED, bitmap),
                    (1, wire::MODE_CHANGE, rest[1].2)
                ],
                "sample {i}"
            );
        }
    };
    check(&blocks, true);
    assert_eq!(samples_of(&store::read_log(&path).unwrap()), samples);
    let packed = store::pack(&raw).unwrap();
    check(&sample_blocks(&packed), false);
    assert_eq!(
        samples_of(&store::parse_log(&path, &packed).unwrap()),
        samples
    );
}
