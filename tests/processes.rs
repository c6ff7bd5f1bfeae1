//! Process history: process tables round-trip through the log however processes come and
//! go (pids reused, processes exiting between samples, thousands of short-lived ones),
//! through keys and deltas, after a restart, and after a closed day is packed.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failure report

mod common;

use proptest::prelude::*;
use rsar::process::ProcessCounters;
use rsar::store::procs::ProcessTable;
use rsar::store::DayWriter;

/// One process from generated numbers.
fn process(pid: u32, start: u64, seed: u64) -> ProcessCounters {
    ProcessCounters {
        pid,
        start_ticks: start,
        comm: format!("p{}", seed % 7).into(),
        cmdline: if seed % 3 == 0 {
            "".into()
        } else {
            format!("/usr/bin/p{} --n {}", seed % 7, seed % 11).into()
        },
        cgroup: ["", "system.slice/p.service", "user.slice/user-1000.slice"]
            [(seed % 5 % 3) as usize]
            .into(),
        state: u32::from(b"RSDZTI"[(seed % 6) as usize]),
        ppid: (seed % 50) as u32,
        uid: (seed % 3) as u32 * 1000,
        threads: 1 + (seed % 9) as u32,
        processor: (seed % 4) as u32,
        utime: seed * 3,
        stime: seed,
        guest_time: 0,
        minflt: seed * 17,
        majflt: seed % 5,
        vsize: seed << 12,
        rss: seed % 100_000,
        read_bytes: (seed % 4 != 0).then_some(seed * 4096),
        write_bytes: (seed % 4 != 0).then_some(seed * 512),
        nice: (seed % 40) as i64 - 20,
        priority: (seed % 40) as i64,
        nvcsw: Some(seed * 2),
        nivcsw: (seed % 2 == 0).then_some(seed),
        blkio_ticks: seed % 13,
        cancelled_write_bytes: (seed % 4 != 0).then_some(seed % 4096),
        run_delay_ns: Some(seed * 1000),
        rss_shared: (seed % 5 != 0).then_some(seed % 70_000),
    }
}

/// What happens to the table between two moments.
#[derive(Debug, Clone)]
struct Step {
    /// Indices (mod the table's length) of processes that exit.
    exits: Vec<usize>,
    /// New processes: pid (small, so pids are reused) and a seed.
    births: Vec<(u32, u64)>,
    /// Indices of processes whose counters move.
    busy: Vec<(usize, u64)>,
    /// Indices of processes that rename themselves (name, command line or both, to names
    /// that share part of a character with the old) or move to another cgroup.
    renames: Vec<(usize, u64)>,
}

/// Names that share bytes, whole characters and part of one (é and è share their first
/// byte), and lengths both ways.
const NAMES: [&str; 8] = [
    "kworker/u8:0-events_unbound",
    "kworker/u8:0-flush-254:0",
    "kworker/u8:0",
    "née",
    "nèe",
    "n",
    "",
    "kworker/u8:0-events_unbound+extra",
];

fn steps() -> impl Strategy<Value = Vec<Step>> {
    prop::collection::vec(
        (
            prop::collection::vec(0usize..1000, 0..6),
            prop::collection::vec((1u32..64, 0u64..1_000_000), 0..8),
            prop::collection::vec((0usize..1000, 1u64..5000), 0..10),
            prop::collection::vec((0usize..1000, 0u64..1_000_000), 0..6),
        )
            .prop_map(|(exits, births, busy, renames)| Step {
                exits,
                births,
                busy,
                renames,
            }),
        1..90,
    )
}

/// The tables a sequence of steps gives, sorted as the probe sorts them.
fn tables(steps: &[Step]) -> Vec<Vec<ProcessCounters>> {
    let mut t: Vec<ProcessCounters> = (1..20).map(|p| process(p, 100, u64::from(p))).collect();
    let mut out = vec![t.clone()];
    let mut clock = 1000;
    for s in steps {
        clock += 100;
        for &e in &s.exits {
            if !t.is_empty() {
                let i = e % t.len();
                t.remove(i);
            }
        }
        for &(i, by) in &s.busy {
            if !t.is_empty() {
                let n = t.len();
                let p = &mut t[i % n];
                p.utime += by;
                p.stime += by / 3;
                p.rss = (p.rss + by) % 50_000;
                p.state = u32::from(if by % 2 == 0 { b'R' } else { b'D' });
            }
        }
        for &(i, how) in &s.renames {
            if !t.is_empty() {
                let n = t.len();
                let p = &mut t[i % n];
                let name = NAMES[(how % 8) as usize];
                match how / 8 % 4 {
                    0 => p.comm = name.into(),
                    1 => p.cmdline = format!("{name} --flag").into(),
                    2 => (p.comm, p.cmdline) = (name.into(), name.into()),
                    _ => p.cgroup = format!("system.slice/{name}").into(),
                }
                if how % 3 == 0 {
                    p.utime += how;
                }
            }
        }
        for &(pid, seed) in &s.births {
            // A reused pid starts later than the process it replaces.
            if !t.iter().any(|p| p.pid == pid && p.start_ticks == clock) {
                t.push(process(pid, clock, seed));
            }
        }
        t.sort_by_key(ProcessCounters::key);
        t.dedup_by_key(|p| p.key());
        out.push(t.clone());
    }
    out
}

fn write_and_read(tables: &[Vec<ProcessCounters>], restart_at: Option<usize>) -> Vec<ProcessTable> {
    let d = common::tempdir();
    let path = d.path().join("rsar20251121");
    let host = common::test_host("b1", 4);
    let (mut w, _) = DayWriter::open(&path, &host, 0, 0).unwrap();
    for (i, t) in tables.iter().enumerate() {
        if restart_at == Some(i) {
            w.append_restart(&common::test_host("b2", 4), i as i64 * 1_000_000_000)
                .unwrap();
        }
        w.append_processes(&ProcessTable {
            wall_ns: i as i64 * 1_000_000_000,
            uptime_cs: 100 * i as u64,
            processes: t.clone().into(),
        })
        .unwrap();
    }
    drop(w);
    read_tables(&std::fs::read(&path).unwrap())
}

fn read_tables(bytes: &[u8]) -> Vec<ProcessTable> {
    let d = common::tempdir();
    let path = d.path().join("copy");
    std::fs::write(&path, bytes).unwrap();
    common::process_tables(&path)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn tables_round_trip_through_churn(steps in steps(), restart in prop::option::of(0usize..90)) {
        let want = tables(&steps);
        let got = write_and_read(&want, restart.filter(|&r| r < want.len()));
        prop_assert_eq!(got.len(), want.len());
        for (i, (g, w)) in got.iter().zip(&want).enumerate() {
            prop_assert_eq!(g.wall_ns, i as i64 * 1_000_000_000);
            prop_assert_eq!(&*g.processes, w, "table {}", i);
        }
    }
}

#[test]
fn thousands_of_short_lived_processes_and_unchanged_ones_cost_little() {
    // 200 long-lived processes that do not change, and 2,000 that live one sample each.
    let steady: Vec<ProcessCounters> = (1..=200).map(|p| process(p, 10, u64::from(p))).collect();
    let mut tables = Vec::new();
    for i in 0..40u32 {
        let mut t = steady.clone();
        for k in 0..50 {
            t.push(process(
                10_000 + i * 50 + k,
                1000 + u64::from(i),
                u64::from(k),
            ));
        }
        t.sort_by_key(ProcessCounters::key);
        tables.push(t);
    }
    let got = write_and_read(&tables, None);
    let got: Vec<Vec<ProcessCounters>> = got.into_iter().map(|t| t.processes.to_vec()).collect();
    assert_eq!(got, tables);
    // Alone, the 200 unchanged processes cost next to nothing in a delta.
    let d = common::tempdir();
    let path = d.path().join("steady");
    let (mut w, _) = DayWriter::open(&path, &common::test_host("b1", 4), 0, 0).unwrap();
    let table = ProcessTable {
        wall_ns: 0,
        uptime_cs: 0,
        processes: steady.clone().into(),
    };
    w.append_processes(&table).unwrap();
    let key = w.len();
    for _ in 0..10 {
        w.append_processes(&table).unwrap();
    }
    let per_delta = (w.len() - key) / 10;
    assert!(
        per_delta < 32,
        "an unchanged table of 200 costs {per_delta} bytes"
    );
}

/// A kernel worker takes the name of each work item it runs: in format 5 that costs the
/// part of its name that changed, where a process gone and a new one (format 4) cost its
/// pid, start, names and every number again.
#[test]
fn a_renamed_process_costs_its_new_name() {
    let d = common::tempdir();
    let mut table: Vec<ProcessCounters> = (1..=200).map(|p| process(p, 10, u64::from(p))).collect();
    let path = d.path().join("rsar20251121");
    let (mut w, _) = DayWriter::open(&path, &common::test_host("b1", 4), 0, 0).unwrap();
    let mut write = |table: &[ProcessCounters], i: u64| {
        w.append_processes(&ProcessTable {
            wall_ns: i as i64,
            uptime_cs: i,
            processes: table.to_vec().into(),
        })
        .unwrap();
        w.len()
    };
    let key = write(&table, 0);
    let items = [
        "events_unbound",
        "flush-254:0",
        "ext4-rsv-conversion",
        "writeback",
    ];
    for i in 1..=20 {
        table[99].comm = format!("kworker/u8:0-{}", items[i as usize % 4]).into();
        write(&table, i);
    }
    let per_delta = (w.len() - key) / 20;
    drop(w);
    assert!(per_delta < 48, "a rename costs {per_delta} bytes");
    let bytes = std::fs::read(&path).unwrap();
    assert_eq!(common::process_modes(&bytes)[1..], [2; 20]);
    assert_eq!(&*read_tables(&bytes).last().unwrap().processes, &table);
}

/// The first sample rsadc records of the captured trees (`common::record`), recorded once
/// for the tests of this file.
fn captured_sample() -> rsar::sample::Sample {
    static SAMPLE: std::sync::OnceLock<rsar::sample::Sample> = std::sync::OnceLock::new();
    SAMPLE
        .get_or_init(|| {
            let recorded = common::tempdir();
            let log = std::fs::read(common::record(recorded.path())).unwrap();
            let log = rsar::store::parse_log(std::path::Path::new("x"), &log).unwrap();
            common::samples_of(&log).remove(0)
        })
        .clone()
}

#[test]
fn a_packed_closed_day_keeps_every_table() {
    let steps: Vec<Step> = (0..30)
        .map(|i| Step {
            exits: vec![i * 7],
            births: vec![((i % 40) as u32 + 1, i as u64)],
            busy: vec![(i, 10 + i as u64), (i * 3, 5)],
            renames: vec![(i * 5, i as u64 * 9)],
        })
        .collect();
    let want = tables(&steps);
    let d = common::tempdir();
    let path = d.path().join("rsar20251121");
    let host = common::test_host("b1", 4);
    let base = captured_sample();
    let (mut w, _) = DayWriter::open(&path, &host, 0, 0).unwrap();
    for (i, t) in want.iter().enumerate() {
        // Samples between the tables, so packing rewrites records before each delta.
        let mut s = base.clone();
        s.time.wall_ns = i as i64 * 1_000_000_000;
        s.time.uptime_cs = base.time.uptime_cs + 100 * i as u64;
        s.kernel.ctxt += 1000 * i as u64;
        w.append_sample(&host, &s).unwrap();
        w.append_processes(&ProcessTable {
            wall_ns: s.time.wall_ns,
            uptime_cs: s.time.uptime_cs,
            processes: t.clone().into(),
        })
        .unwrap();
    }
    drop(w);
    let bytes = std::fs::read(&path).unwrap();
    let packed = rsar::store::pack(&bytes).unwrap();
    assert_ne!(packed, bytes, "packing rewrote nothing");
    let got: Vec<Vec<ProcessCounters>> = read_tables(&packed)
        .into_iter()
        .map(|t| t.processes.to_vec())
        .collect();
    assert_eq!(got, want);
}

/// A key process record with `fields` numbers per process, the way a writer that knows
/// that many fields writes it: one process, its numbers 1, 2, 3…
fn key_record_with(fields: usize) -> Vec<u8> {
    use rsar::store::wire::{put_str, put_varint, zigzag};
    let mut out = Vec::new();
    put_varint(&mut out, zigzag(1_000_000_000));
    put_varint(&mut out, 500);
    put_varint(&mut out, 0); // a key
    put_varint(&mut out, fields as u64);
    put_varint(&mut out, 1);
    put_varint(&mut out, 42);
    put_varint(&mut out, 7);
    put_str(&mut out, "p");
    put_str(&mut out, "/bin/p");
    for v in 1..=fields as u64 {
        put_varint(&mut out, v);
    }
    out
}

#[test]
fn a_field_added_to_the_process_record_reads_both_ways() {
    use rsar::store::procs::{decode, ProcessState};
    let known = rsar::process::PROCESS_FIELDS.len();
    let shared = rsar::process::PROCESS_FIELDS
        .iter()
        .position(|f| f.name == "rss_shared")
        .unwrap();
    // The last field, so that a table written before it reads with it absent…
    assert_eq!(shared, known - 1);
    let old = decode(&mut ProcessState::default(), &key_record_with(known - 1), 0)
        .unwrap()
        .expect("a key is read wherever reading started");
    let p = &old.processes[0];
    assert_eq!((p.pid, p.rss_shared), (42, None));
    // …and one written by a newer rsadc, with a field this reader does not know, reads
    // with the fields it knows (an optional field is stored as value + 1).
    let new = decode(&mut ProcessState::default(), &key_record_with(known + 1), 0)
        .unwrap()
        .expect("a key is read wherever reading started");
    assert_eq!(new.processes[0].rss_shared, Some(known as u64 - 1));
}

#[test]
fn deltas_on_tables_before_where_reading_started_are_passed_over_not_damage() {
    use rsar::store::procs::{decode, ProcessState, ProcessWriter};
    let table = |i: u64| ProcessTable {
        wall_ns: i as i64 * 10_000_000_000,
        uptime_cs: 1000 * i,
        processes: std::sync::Arc::new(vec![process(1, 5, i), process(2, 5, i)]),
    };
    // A key at offset 100, then deltas at 200, 300 and 400, each on the table before it.
    let mut w = ProcessWriter::for_version(rsar::store::VERSION);
    let records: Vec<(u64, Vec<u8>)> = (1..=4u64)
        .map(|i| {
            let mut p = Vec::new();
            w.payload(&table(i), 100 * i, &mut p);
            w.written(&table(i), 100 * i);
            (100 * i, p)
        })
        .collect();
    let mut from_start = ProcessState::default();
    for (at, p) in &records {
        assert!(
            decode(&mut from_start, p, *at).unwrap().is_some(),
            "at {at}"
        );
    }
    // Reading from 150: the key was not read, so neither can the deltas on it, nor those on
    // them; that is the cost of starting there, not damage.
    let mut sought = ProcessState::default();
    sought.reading_from(150);
    for (at, p) in &records[1..] {
        assert!(decode(&mut sought, p, *at).unwrap().is_none(), "at {at}");
    }
    // A delta whose base lies after the start and was not read is damage.
    let mut sought = ProcessState::default();
    sought.reading_from(150);
    assert!(decode(&mut sought, &records[2].1, records[2].0).is_err());
}

/// What happens at one moment of a generated day: a sample (its counters moved by `by`,
/// without memory or a disk when told), its process table or not, a comment, a restart.
#[derive(Debug, Clone)]
struct Moment {
    by: u64,
    no_memory: bool,
    fewer_disks: bool,
    table: bool,
    comment: bool,
    restart: bool,
}

fn moments() -> impl Strategy<Value = Vec<Moment>> {
    prop::collection::vec(
        (
            0u64..5000,
            0u8..10,
            0u8..10,
            any::<bool>(),
            0u8..20,
            0u8..40,
        )
            .prop_map(|(by, m, d, table, c, r)| Moment {
                by,
                no_memory: m == 0,
                fewer_disks: d == 0,
                table,
                comment: c == 0,
                restart: r == 0,
            }),
        1..90,
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]
    /// Packing a closed day (in format 7, each frame's samples in columns) and compressing
    /// it in frames of any size gives back every record of the day, in its order: samples
    /// whose groups come and go, process tables, comments and restarts among them.
    #[test]
    fn a_packed_day_gives_back_every_record_in_order(
        steps in steps(),
        moments in moments(),
        frame_bytes in 300usize..40_000,
    ) {
        let want = tables(&steps);
        let base = captured_sample();
        let d = common::tempdir();
        let path = d.path().join("rsar20251121");
        let (mut w, _) = DayWriter::open(&path, &common::test_host("b1", 4), 0, 0).unwrap();
        let mut boot = 1;
        for (i, m) in moments.iter().enumerate() {
            let wall_ns = i as i64 * 1_000_000_000;
            if m.restart {
                boot += 1;
                w.append_restart(&common::test_host(&format!("b{boot}"), 4), wall_ns)
                    .unwrap();
            }
            let mut s = base.clone();
            s.time.wall_ns = wall_ns;
            s.time.uptime_cs = base.time.uptime_cs + 100 * i as u64;
            s.kernel.ctxt += m.by * i as u64;
            s.cpu.total.user += m.by / 7 * i as u64;
            if let Some(mem) = s.memory.as_mut() {
                mem.mem_free -= m.by % 64 * 4096;
            }
            if m.no_memory {
                s.memory = None;
            }
            if m.fewer_disks {
                s.disks.pop();
            }
            let host = common::test_host(&format!("b{boot}"), 4);
            w.append_sample(&host, &s).unwrap();
            if m.table {
                w.append_processes(&ProcessTable {
                    wall_ns,
                    uptime_cs: s.time.uptime_cs,
                    processes: want[i % want.len()].clone().into(),
                })
                .unwrap();
            }
            if m.comment {
                w.append_comment(wall_ns, &format!("moment {i}")).unwrap();
            }
        }
        drop(w);
        let raw = std::fs::read(&path).unwrap();
        let day = rsar::store::parse_log(&path, &raw).unwrap();
        prop_assert!(day.damage.is_clean());
        let (packed, _) = rsar::store::pack_frames_of(&raw, frame_bytes).unwrap();
        let kinds: Vec<u8> = common::records(&packed).iter().map(|r| r.0).collect();
        prop_assert!(kinds.contains(&rsar::store::wire::KIND_COLUMNS));
        prop_assert!(!kinds.contains(&rsar::store::wire::KIND_SAMPLE));
        let zst = d.path().join("rsar20251121.zst");
        std::fs::write(&zst, rsar::store::compress_frames_of(&raw, frame_bytes).unwrap())
            .unwrap();
        let closed = rsar::store::read_log(&zst).unwrap();
        prop_assert!(closed.damage.is_clean(), "{:?}", closed.damage);
        let records = |log: &rsar::store::Log| log.records.iter().map(|r| r.1.clone()).collect::<Vec<_>>();
        prop_assert_eq!(records(&closed), records(&day));
    }
}
