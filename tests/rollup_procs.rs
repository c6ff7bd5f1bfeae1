//! Processes in the roll-up tiers (docs/FORMAT.md, "Roll-up tiers"): each tier interval
//! keeps the top `TOP_K` processes of each resource with their raw deltas, and an
//! `(others)` row with the rest, so that the rows of an interval add up to the raw total;
//! a process kept only now and then never shows more than it did in the interval.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code

mod common;

use common::{roll_up_day, rsadc_bin, rsar_bin, run, tempdir, test_host, text};
use proptest::prelude::*;
use rsar::process::ProcessCounters;
use rsar::sample::{HostFacts, Sample};
use rsar::store::procs::ProcessTable;
use rsar::store::rollup::procs::{MIN_CPU_SHARE, OTHERS, TOP_K};
use rsar::store::rollup::Tier;
use rsar::store::{self, DayWriter, Record};
use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

const HZ: f64 = 100.0;
type Key = (u32, u64);

fn date() -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(2026, 3, 2).unwrap()
}

/// A day's raw log in `dir`: at each of `tables` (seconds after midnight, a table), a
/// sample then the process table, as rsadc writes them.
fn write_day(
    dir: &Path,
    host: &HostFacts,
    tables: &[(i64, Vec<ProcessCounters>)],
) -> Vec<ProcessTable> {
    let midnight = date().and_hms_opt(0, 0, 0).unwrap().and_utc().timestamp();
    let path = dir.join(store::day_file_name(date()));
    let (mut w, _) = DayWriter::open(&path, host, midnight * 1_000_000_000, 0).unwrap();
    let mut s = Sample::default();
    let mut written = Vec::new();
    for (t, procs) in tables {
        s.time.wall_ns = (midnight + t) * 1_000_000_000;
        s.time.uptime_cs = uptime_cs(*t);
        w.append_sample(host, &s).unwrap();
        let mut procs = procs.clone();
        procs.sort_by_key(ProcessCounters::key);
        let table = ProcessTable {
            wall_ns: s.time.wall_ns,
            uptime_cs: s.time.uptime_cs,
            processes: Arc::new(procs),
        };
        w.append_processes(&table).unwrap();
        written.push(table);
    }
    drop(w);
    roll_up_day(dir, date());
    written
}

/// The machine booted an hour before midnight.
fn uptime_cs(t: i64) -> u64 {
    ((3600 + t) * 100) as u64
}

fn process(pid: u32, start_ticks: u64) -> ProcessCounters {
    ProcessCounters {
        pid,
        start_ticks,
        comm: Arc::from(format!("p{pid}").as_str()),
        state: u32::from(b'S'),
        threads: 1,
        read_bytes: Some(0),
        write_bytes: Some(0),
        rss_shared: Some(0),
        ..ProcessCounters::default()
    }
}

fn tier_tables(dir: &Path, t: Tier) -> Vec<ProcessTable> {
    let log = store::read_log(&dir.join(t.file_name(date()))).unwrap();
    assert_eq!(log.damage.skipped(), 0);
    log.records
        .into_iter()
        .filter_map(|(_, r)| match r {
            Record::Processes(t) => Some(t),
            _ => None,
        })
        .collect()
}

fn cpu(p: &ProcessCounters) -> u64 {
    p.utime + p.stime
}

/// Each process's CPU ticks from `prev` to `now`, as a report takes them (a process
/// missing from `prev` that started before it is left out).
fn deltas(prev: &ProcessTable, now: &ProcessTable, into: &mut HashMap<Key, u64>) {
    for p in now.processes.iter() {
        if let Some(b) = p.before_in(&prev.processes, prev.uptime_cs, HZ) {
            *into.entry(p.key()).or_default() += cpu(p) - b.map_or(0, cpu);
        }
    }
}

/// The raw deltas of the raw tables after `a` up to `b`.
fn raw_between(raw: &[ProcessTable], a: &ProcessTable, b: &ProcessTable) -> HashMap<Key, u64> {
    let mut out = HashMap::new();
    for w in raw.windows(2) {
        if w[1].uptime_cs > a.uptime_cs && w[1].uptime_cs <= b.uptime_cs {
            deltas(&w[0], &w[1], &mut out);
        }
    }
    out
}

/// 25 processes over three minutes, worked out by hand: in the first minute pids 1–20
/// each use pid ticks of CPU every 10 s (6 × pid a minute, pid/10 % of a CPU), pids
/// 21–25 hold 1 GB and more, pid 3 writes 4096 bytes, pid 5 is once in state D. The
/// minute's top ten by CPU are 11–20; by RSS 21–25 then 20–16; by I/O pid 3; blocked,
/// pid 5. The eight left out (1, 2, 4, 6–10) used 6 × (1+2+4+6+7+8+9+10) = 282 ticks: the
/// `(others)` row, 4.70 % CPU over the minute at 100 Hz. The minutes after are idle: only
/// RSS ranks, and the same 21–25, 20–16 stay; 21–25 never used CPU, so pidstat's active
/// rows of the first minute are `(others)`, 3, 5 and 11–20.
#[test]
fn the_top_processes_of_a_minute_and_the_rest() {
    let dir = tempdir();
    let mut tables = Vec::new();
    let mut procs: Vec<ProcessCounters> = (1..=25)
        .map(|pid| {
            let mut p = process(pid, 100);
            p.rss = if pid > 20 {
                250_000 + u64::from(pid)
            } else {
                u64::from(pid)
            };
            p
        })
        .collect();
    for t in (0..=180).step_by(10) {
        if t > 0 && t <= 60 {
            for p in &mut procs {
                if p.pid <= 20 {
                    p.utime += u64::from(p.pid);
                }
                if p.pid == 3 {
                    p.write_bytes = Some(4096 * t as u64 / 60);
                }
                p.state = u32::from(if p.pid == 5 && t == 30 { b'D' } else { b'S' });
            }
        }
        tables.push((t, procs.clone()));
    }
    write_day(dir.path(), &test_host("b", 1), &tables);

    let tiers = tier_tables(dir.path(), Tier::MINUTE);
    let keys = |t: &ProcessTable| t.processes.iter().map(|p| p.pid).collect::<Vec<_>>();
    let mut first_minute = vec![0, 3, 5];
    first_minute.extend(11..=25);
    let idle: Vec<u32> = [0].into_iter().chain(16..=25).collect();
    assert_eq!(
        tiers.iter().map(keys).collect::<Vec<_>>(),
        vec![first_minute.clone(), first_minute, idle.clone(), idle],
        "tables at 00:00, 00:01, 00:02, 00:03"
    );

    let f = dir.path().join(Tier::MINUTE.file_name(date()));
    let out = run(&rsar_bin(), &["pidstat", "-u", "-f", f.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    let rows: Vec<(u32, String, String)> = stdout
        .lines()
        .filter(|l| l.starts_with("00:01:00") && !l.contains("PID"))
        .map(|l| {
            let w: Vec<&str> = l.split_whitespace().collect();
            (w[2].parse().unwrap(), w[7].to_string(), w[9].to_string())
        })
        .collect();
    // pid p: 6p ticks in 60 s at 100 Hz is p/10 % of a CPU.
    let pct = |p: u32| (p, format!("{:.2}", f64::from(p) / 10.0), format!("p{p}"));
    let mut want = vec![
        (0, "4.70".to_string(), "(others)".to_string()),
        pct(3),
        pct(5),
    ];
    want.extend((11..=20).map(pct));
    assert_eq!(rows, want, "{stdout}");
    // `(others)` is no user's: `-` in the UID column, not (uid_t)-1.
    let others = stdout.lines().find(|l| l.contains("(others)")).unwrap();
    assert_eq!(others.split_whitespace().nth(1), Some("-"), "{stdout}");
    assert!(
        text(&out.stderr).contains("1-minute roll-up of 2026-03-02"),
        "{}",
        text(&out.stderr)
    );
}

/// A 1-CPU machine at 100 Hz: a minute is 6,000 ticks, and 0.5 % of it (`MIN_CPU_SHARE`)
/// 30. Over the first minute p1 uses 600 ticks, p2 29 and p3 30, none holds memory or
/// does I/O: the minute's table keeps p1 and p3, and p2's 29 ticks are in `(others)`.
#[test]
fn a_process_under_half_a_percent_of_a_cpu_does_not_rank() {
    let dir = tempdir();
    let mut procs: Vec<ProcessCounters> = (1..=3).map(|pid| process(pid, 100)).collect();
    let mut tables = Vec::new();
    for t in (0..=120).step_by(10) {
        if t > 0 && t <= 60 {
            for (p, per_10s) in procs.iter_mut().zip([100, 0, 5]) {
                p.utime += per_10s;
            }
            // p2's 29 ticks in the minute's last 10 s.
            if t == 60 {
                procs[1].utime += 29;
            }
        }
        tables.push((t, procs.clone()));
    }
    assert_eq!(MIN_CPU_SHARE, 0.005);
    write_day(dir.path(), &test_host("b", 1), &tables);
    let tiers = tier_tables(dir.path(), Tier::MINUTE);
    let at_minute: Vec<u32> = tiers[1].processes.iter().map(|p| p.pid).collect();
    assert_eq!(at_minute, [0, 1, 3]);
    let others = &tiers[1].processes[0];
    assert_eq!((others.comm.as_ref(), cpu(others)), ("(others)", 29));
}

/// A random population for `minutes` minutes, a table every 10 s: processes that start
/// and end at random moments and burst in random phases, so that the top of each minute
/// keeps changing.
fn random_day(seed: u64, minutes: i64, population: u32) -> Vec<(i64, Vec<ProcessCounters>)> {
    let mut rng = seed | 1;
    let mut next = |below: u64| {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        rng % below.max(1)
    };
    let end = minutes * 60;
    let mut lives: Vec<(i64, i64, ProcessCounters, u64)> = (0..population)
        .map(|i| {
            let born = if next(3) == 0 {
                next(end as u64) as i64
            } else {
                -1
            };
            let dies = if next(4) == 0 {
                born + 10 + next(end as u64) as i64
            } else {
                end + 1
            };
            // Born at `born` s: start time in ticks after boot, between the tables.
            let start = (uptime_cs(born.max(-3000)) as f64 * HZ / 100.0) as u64 + 1;
            let mut p = process(100 + i, start);
            if born >= 0 {
                p.utime = 0;
            }
            (born, dies, p, next(4))
        })
        .collect();
    let mut out = Vec::new();
    for t in (0..=end).step_by(10) {
        let mut now = Vec::new();
        for (born, dies, p, phase) in &mut lives {
            // A table lists a process from the first table after its start: one born on
            // a table's second started a tick after that table was taken.
            if t <= *born || t >= *dies {
                continue;
            }
            if next(20) == 0 {
                *phase = next(4);
            }
            let busy = match phase {
                0 => 0,
                1 => next(5),
                2 => next(100),
                _ => 500 + next(500),
            };
            p.utime += busy / 2 + 1;
            p.stime += busy / 3;
            p.read_bytes = p.read_bytes.map(|b| b + next(3) * next(1 << 20));
            p.rss = next(1 << 20);
            p.state = u32::from(if next(50) == 0 { b'D' } else { b'S' });
            now.push(p.clone());
        }
        out.push((t, now));
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    /// Over every tier interval: a process the tier shows has its raw delta there
    /// exactly (never a lifetime), the rows with `(others)` add up to the raw total, the
    /// raw top `TOP_K` by CPU of those over `MIN_CPU_SHARE` are all shown (those that
    /// ended in it too), and the RSS of
    /// each table adds up to the raw table's. A process shown throughout has its raw CPU over the whole range.
    #[test]
    fn tier_rows_are_the_raw_deltas_and_add_up(seed in any::<u64>(), population in 5u32..40) {
        let dir = tempdir();
        let raw = write_day(dir.path(), &test_host("b", 2), &random_day(seed, 12, population));
        for tier in [Tier::MINUTE, Tier::HOUR] {
            let tiers = tier_tables(dir.path(), tier);
            prop_assert!(tiers.len() >= 2);
            let mut throughout: Option<Vec<Key>> = None;
            for w in tiers.windows(2) {
                let (a, b) = (&w[0], &w[1]);
                let mut shown = HashMap::new();
                deltas(a, b, &mut shown);
                let raw_d = raw_between(&raw, a, b);
                for (k, d) in &shown {
                    if *k != OTHERS {
                        prop_assert_eq!(Some(d), raw_d.get(k), "{:?} {:?} at {}", tier, k, b.wall_ns);
                    }
                }
                prop_assert_eq!(shown.values().sum::<u64>(), raw_d.values().sum::<u64>());
                // Those that ended in the interval too, as last seen; of those that used
                // MIN_CPU_SHARE of a CPU over it.
                let seconds = b.uptime_cs.saturating_sub(a.uptime_cs) as f64 / 100.0;
                let least = ((seconds * HZ * MIN_CPU_SHARE).ceil() as u64).max(1);
                let mut ranked: Vec<u64> = raw_d.values().copied().filter(|d| *d >= least).collect();
                ranked.sort_unstable_by(|x, y| y.cmp(x));
                let bar = ranked.get(TOP_K).copied().unwrap_or(0);
                for (k, d) in &raw_d {
                    if *d > bar && *d >= least {
                        prop_assert!(shown.contains_key(k), "{:?} {:?} missing", tier, k);
                    }
                }
                let raw_b = raw.iter().find(|r| r.uptime_cs == b.uptime_cs).unwrap();
                let rss = |t: &ProcessTable| t.processes.iter().map(|p| p.rss).sum::<u64>();
                prop_assert_eq!(rss(b), rss(raw_b));
                let here: Vec<Key> = shown.keys().copied().collect();
                throughout = Some(match throughout {
                    None => here,
                    Some(v) => v.into_iter().filter(|k| here.contains(k)).collect(),
                });
            }
            let (first, last) = (&tiers[0], &tiers[tiers.len() - 1]);
            let raw_first = raw.iter().find(|r| r.uptime_cs == first.uptime_cs).unwrap();
            let find = |t: &ProcessTable, k: &Key| t.processes.iter().find(|p| p.key() == *k).map(cpu);
            for k in throughout.unwrap_or_default().iter().filter(|k| **k != OTHERS) {
                let tier_span = find(last, k).unwrap() - find(first, k).unwrap_or(0);
                // As last seen by the end of the range (it may have ended in the last interval).
                let raw_last = raw
                    .iter()
                    .rev()
                    .filter(|r| r.uptime_cs <= last.uptime_cs)
                    .find_map(|r| find(r, k))
                    .unwrap();
                let raw_span = raw_last - find(raw_first, k).unwrap_or(0);
                prop_assert_eq!(tier_span, raw_span);
            }
        }
    }
}

/// `rsadc --rollup` on a log with processes: pidstat from the hour tier names the
/// process that used the CPU.
#[test]
fn pidstat_from_a_tier_names_the_hog() {
    let dir = tempdir();
    let mut hog = process(4242, 1);
    let mut idle = process(7, 1);
    let mut tables = Vec::new();
    for t in (0..=7200).step_by(60) {
        hog.utime += 5000;
        idle.stime += 1;
        tables.push((t, vec![hog.clone(), idle.clone()]));
    }
    write_day(dir.path(), &test_host("b", 1), &tables);
    let f = dir.path().join(Tier::HOUR.file_name(date()));
    std::fs::remove_file(&f).unwrap();
    let built = run(&rsadc_bin(), &["--rollup", dir.path().to_str().unwrap()]);
    assert!(built.status.success(), "{}", text(&built.stderr));
    let out = run(&rsar_bin(), &["pidstat", "-u", "-f", f.to_str().unwrap()]);
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{}", text(&out.stderr));
    // 5000 ticks a minute is 50 s a minute: 83.33 % of a CPU.
    let avg: Vec<&str> = stdout
        .lines()
        .filter(|l| l.starts_with("Average:"))
        .collect();
    assert!(
        avg.iter()
            .any(|l| l.contains("4242") && l.contains("83.33")),
        "{stdout}"
    );
}

/// A table written twice at one moment (a day's midnight, which each part of a day
/// repeats) is one table: the tier is the same as without the repeat, not a new boot.
#[test]
fn a_table_repeated_is_not_a_new_boot() {
    let day = random_day(7, 5, 30);
    let mut repeated = day.clone();
    repeated.insert(13, day[12].clone());
    let (once, twice) = (tempdir(), tempdir());
    write_day(once.path(), &test_host("b", 2), &day);
    write_day(twice.path(), &test_host("b", 2), &repeated);
    for t in [Tier::MINUTE, Tier::HOUR] {
        assert_eq!(
            tier_tables(once.path(), t),
            tier_tables(twice.path(), t),
            "{t:?}"
        );
    }
}
