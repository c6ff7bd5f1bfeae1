//! The cgroup groups in the log: thousands of cgroups created, removed and created again
//! under the same path (another inode) between samples, their counters moving, their
//! optional fields coming and going and their limits written only when they change, read
//! back as written from the day as the writer left it, packed and compressed; and what an
//! idle cgroup costs a sample.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failure report

mod common;

use common::{samples_of, test_host};
use proptest::prelude::*;
use rsar::sample::{CgroupCounters, CgroupDeviceIo, CgroupLimits, CgroupTreeStat, Group, Sample};
use rsar::store::{self, DayWriter};
use std::collections::BTreeMap;

/// A small deterministic generator: the values of thousands of cgroups from a seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        // xorshift64*
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
}

/// The path of cgroup `i` of the pool: slices, services and pods' containers, nested.
fn path(i: u32) -> String {
    match i % 3 {
        0 => format!("system.slice/unit-{i}.service"),
        1 => format!(
            "kubepods.slice/kubepods-pod{}.slice/cri-containerd-{i:064x}.scope",
            i / 7
        ),
        _ => format!("user.slice/user-{}.slice/session-{i}.scope", i % 11),
    }
}

/// A cgroup's fields, each optional one present or not, as a controller on or off.
fn counters(path: String, inode: u64, rng: &mut Rng) -> CgroupCounters {
    let mut c = CgroupCounters {
        path,
        inode,
        ..CgroupCounters::default()
    };
    let present = rng.next();
    let values: Vec<Option<u64>> = (0..CgroupCounters::FIELDS.len())
        .map(|f| (present >> (f % 64) & 7 != 0).then(|| rng.next() >> (rng.next() % 64)))
        .collect();
    c.set_raw_values(&values).unwrap();
    c
}

/// What happens to the cgroups between two samples.
#[derive(Debug, Clone)]
enum Churn {
    /// Cgroups of the pool from `start`, `len` of them, are created (those that exist
    /// are left alone).
    Create(u32, u32),
    /// Those that exist in the range are removed.
    Remove(u32, u32),
    /// Those in the range are removed and created again under the same path.
    Recreate(u32, u32),
    /// Counters move in one cgroup of `every`; a controller goes or comes in some.
    Tick(u32),
    /// The limits of the cgroups in the range change.
    Limits(u32, u32),
    /// Nothing moves.
    Idle,
}

fn arb_churn(pool: u32) -> impl Strategy<Value = Churn> {
    let range = (0..pool, 1..pool.min(2500));
    prop_oneof![
        2 => range.clone().prop_map(|(s, l)| Churn::Create(s, l)),
        2 => range.clone().prop_map(|(s, l)| Churn::Remove(s, l)),
        1 => range.clone().prop_map(|(s, l)| Churn::Recreate(s, l)),
        3 => (1u32..50).prop_map(Churn::Tick),
        1 => range.prop_map(|(s, l)| Churn::Limits(s, l)),
        1 => Just(Churn::Idle),
    ]
}

/// The samples of a run: cgroups of a pool of `pool` paths, `first` of them at first,
/// then each churn a sample more. The root is always there.
fn run(seed: u64, pool: u32, first: u32, churns: &[Churn]) -> Vec<Sample> {
    let mut rng = Rng(seed | 1);
    let mut inode = 1000u64;
    let mut live: BTreeMap<String, CgroupCounters> = BTreeMap::new();
    live.insert(String::new(), counters(String::new(), 1, &mut rng));
    let mut create = |live: &mut BTreeMap<String, CgroupCounters>, i: u32, rng: &mut Rng| {
        inode += 1;
        let p = path(i);
        live.insert(p.clone(), counters(p, inode, rng));
    };
    for i in 0..first.min(pool) {
        create(&mut live, i, &mut rng);
    }
    let sample = |live: &BTreeMap<String, CgroupCounters>, n: usize, limits: Vec<CgroupLimits>| {
        let mut s = Sample::default();
        s.time.wall_ns = 1_790_000_000_000_000_000 + n as i64 * 1_000_000_000;
        s.time.uptime_cs = 10_000 + n as u64 * 100;
        s.cgroups = live.values().cloned().collect();
        s.cgroup_limits = limits;
        s.cgroup_tree = Some(CgroupTreeStat {
            nr_descendants: live.len() as u64 - 1,
            nr_dying_descendants: n as u64 % 3,
        });
        s
    };
    let limits_of = |live: &BTreeMap<String, CgroupCounters>, rng: &mut Rng| -> Vec<_> {
        live.values()
            .map(|c| CgroupLimits {
                path: c.path.clone(),
                inode: c.inode,
                cpu_quota_us: (rng.next() % 2 == 0).then(|| rng.next() % 1_000_000),
                cpu_period_us: Some(100_000),
                memory_max: (rng.next() % 3 == 0).then(|| rng.next()),
                pids_max: Some(rng.next() % 100_000),
                ..CgroupLimits::default()
            })
            .collect()
    };
    let all = limits_of(&live, &mut rng);
    let mut samples = vec![sample(&live, 0, all)];
    for (n, churn) in churns.iter().enumerate() {
        let range = |s: u32, l: u32| s..(s + l).min(pool);
        let mut limits = Vec::new();
        match *churn {
            Churn::Create(s, l) => {
                for i in range(s, l) {
                    if !live.contains_key(&path(i)) {
                        create(&mut live, i, &mut rng);
                    }
                }
            }
            Churn::Remove(s, l) => {
                for i in range(s, l) {
                    live.remove(&path(i));
                }
            }
            Churn::Recreate(s, l) => {
                for i in range(s, l) {
                    create(&mut live, i, &mut rng);
                }
            }
            Churn::Tick(every) => {
                for (k, c) in live.values_mut().enumerate() {
                    if k as u32 % every == 0 {
                        let mut v = Vec::new();
                        c.raw_values(&mut |x| v.push(x));
                        for (f, x) in v.iter_mut().enumerate() {
                            if f as u64 == rng.next() % 64 {
                                *x = if x.is_some() { None } else { Some(rng.next()) };
                            } else if let Some(x) = x.as_mut() {
                                *x = x.wrapping_add(rng.next() % 100_000);
                            }
                        }
                        c.set_raw_values(&v).unwrap();
                    }
                }
            }
            Churn::Limits(s, l) => {
                let changed: BTreeMap<String, CgroupCounters> = live
                    .range(path(s)..)
                    .take(l as usize)
                    .map(|(p, c)| (p.clone(), c.clone()))
                    .collect();
                limits = limits_of(&changed, &mut rng);
            }
            Churn::Idle => {}
        }
        samples.push(sample(&live, n + 1, limits));
    }
    samples
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    /// Thousands of cgroups, created and removed between samples, read back as written:
    /// from the day as the writer left it, packed for a closed day, compressed in frames.
    #[test]
    fn thousands_of_cgroups_coming_and_going_round_trip(
        seed in any::<u64>(),
        pool in 1000u32..5000,
        first in 0u32..5000,
        churns in prop::collection::vec(arb_churn(5000), 1..12),
    ) {
        let samples = run(seed, pool, first, &churns);
        let dir = tempfile::tempdir().unwrap();
        let day = chrono::NaiveDate::from_ymd_opt(2026, 11, 21).unwrap();
        let path = dir.path().join(store::day_file_name(day));
        let h = test_host("b0", 4);
        let (mut w, _) = DayWriter::open(&path, &h, 0, 0).unwrap();
        for s in &samples {
            w.append_sample(&h, s).unwrap();
        }
        drop(w);
        let raw = std::fs::read(&path).unwrap();
        let log = store::read_log(&path).unwrap();
        prop_assert!(log.damage.is_clean(), "{:?}", log.damage);
        prop_assert!(samples_of(&log) == samples, "the day as written differs");
        let packed = store::parse_log(&path, &store::pack(&raw).unwrap()).unwrap();
        prop_assert!(packed.damage.is_clean(), "{:?}", packed.damage);
        prop_assert!(samples_of(&packed) == samples, "the packed day differs");
        let z = store::compress_frames_of(&raw, 64 << 10).unwrap();
        let zpath = dir.path().join(store::compressed_name(day, 0));
        std::fs::write(&zpath, z).unwrap();
        let zlog = store::read_log(&zpath).unwrap();
        prop_assert!(zlog.damage.is_clean(), "{:?}", zlog.damage);
        prop_assert!(samples_of(&zlog) == samples, "the compressed day differs");
    }
}

/// The bytes each sample of `samples` adds to a day file.
fn bytes_per_sample(samples: &[Sample]) -> Vec<u64> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("rsar20261121");
    let h = test_host("b0", 4);
    let (mut w, _) = DayWriter::open(&path, &h, 0, 0).unwrap();
    let mut ends = vec![w.len()];
    for s in samples {
        w.append_sample(&h, s).unwrap();
        ends.push(w.len());
    }
    ends.windows(2).map(|e| e[1] - e[0]).collect()
}

/// 200 cgroups and the root, each with I/O on two devices: when none moves the groups are
/// named unchanged (a bit); when some move, each idle one costs its bit per eight values
/// in the change's top bitmap, its devices too (under a byte with them). A busy cgroup
/// costs what its moved counters need.
#[test]
fn an_idle_cgroup_costs_at_most_a_byte_a_sample() {
    let mean = |with: u32, busy: usize| -> f64 {
        let mut samples = run(7, 200, with, &vec![Churn::Idle; 40]);
        for (n, s) in samples.iter_mut().enumerate() {
            for c in s.cgroups.iter_mut().take(busy) {
                let n = n as u64;
                c.usage_us = Some(1_000_000 + n * 987_654);
                c.user_us = Some(900_000 + n * 876_543);
                c.system_us = Some(100_000 + n * 111_111);
                c.memory_current = Some((1 << 30) + n * 4096 * 37);
                c.anon = Some((1 << 29) + n * 4096 * 31);
                c.pgfault = Some(n * 1234);
            }
            // Each cgroup did I/O on two devices, the busy ones at every sample.
            s.cgroup_devices = s
                .cgroups
                .iter()
                .enumerate()
                .flat_map(|(i, c)| {
                    let moved = if i < busy { n as u64 * 4096 } else { 0 };
                    [(8, 0, "sda"), (253, 0, "dm-0")].map(|(major, minor, name)| CgroupDeviceIo {
                        path: c.path.clone(),
                        inode: c.inode,
                        major,
                        minor,
                        name: name.into(),
                        rbytes: Some(1 << 20),
                        wbytes: Some((1 << 22) + moved * 16),
                        rios: Some(300),
                        wios: Some(900 + moved),
                        dbytes: Some(0),
                        dios: Some(0),
                    })
                })
                .collect();
            if with == 0 {
                s.cgroup_devices.clear();
                s.cgroups.clear();
                s.cgroup_limits.clear();
                s.cgroup_tree = None;
            }
        }
        // Past the first eight samples (keys), the mean of the rest.
        let b = bytes_per_sample(&samples);
        b[8..].iter().sum::<u64>() as f64 / (b.len() - 8) as f64
    };
    let none = mean(0, 0);
    let all_idle = mean(200, 0);
    let one_busy = mean(200, 1);
    let two_busy = mean(200, 2);
    let busy = two_busy - one_busy;
    let idle_when_all = (all_idle - none) / 201.0;
    let idle_beside_busy = (one_busy - none - busy) / 200.0;
    eprintln!(
        "bytes per sample: no cgroups {none:.1}; 201 idle {all_idle:.1} ({idle_when_all:.3} \
         per cgroup); one busy {one_busy:.1}, two {two_busy:.1}: a busy cgroup {busy:.1}, \
         an idle one beside it {idle_beside_busy:.2}"
    );
    assert!(
        idle_when_all <= 1.0,
        "an idle cgroup costs {idle_when_all:.2} bytes"
    );
    assert!(
        idle_beside_busy <= 1.0,
        "an idle cgroup costs {idle_beside_busy:.2} bytes"
    );
    assert!(
        busy > 6.0,
        "a busy cgroup's counters are not written: {busy:.1} bytes"
    );
}

/// Processes carry their cgroups through keys and deltas: a process that starts in one,
/// one that moves to another (gone and new), one in none; tables without any cgroup are
/// written as before (the section is left out).
#[test]
fn processes_carry_their_cgroups_through_keys_and_deltas() {
    use rsar::process::ProcessCounters;
    use rsar::store::procs::ProcessTable;
    use rsar::store::Record;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("rsar20261121");
    let h = test_host("b0", 4);
    let (mut w, _) = DayWriter::open(&path, &h, 0, 0).unwrap();
    let mut written = Vec::new();
    for i in 0..150u64 {
        let processes: Vec<ProcessCounters> = (1..=6u32)
            .chain((i >= 50).then_some(9))
            .map(|pid| ProcessCounters {
                pid,
                start_ticks: u64::from(pid) * 10,
                comm: "p".into(),
                cmdline: format!("/bin/p{pid}").into(),
                cgroup: match pid {
                    1 => "",
                    2 if i >= 70 => "system.slice/moved.service",
                    9 => "kubepods.slice/new.scope",
                    p if p % 2 == 0 => "system.slice/even.service",
                    _ => "user.slice",
                }
                .into(),
                utime: i * u64::from(pid),
                ..ProcessCounters::default()
            })
            .collect();
        let t = ProcessTable {
            wall_ns: 1_790_000_000_000_000_000 + i as i64 * 1_000_000_000,
            uptime_cs: 1000 + i * 100,
            processes: processes.into(),
        };
        w.append_processes(&t).unwrap();
        written.push(t);
    }
    drop(w);
    let read: Vec<ProcessTable> = store::read_log(&path)
        .unwrap()
        .records
        .into_iter()
        .filter_map(|(_, r)| match r {
            Record::Processes(t) => Some(t),
            _ => None,
        })
        .collect();
    assert_eq!(read.len(), written.len());
    for (i, (r, w)) in read.iter().zip(&written).enumerate() {
        assert_eq!(r.processes, w.processes, "table {i}");
    }
}
