//! Cgroups in the roll-up tiers (docs/FORMAT.md, "Roll-up tiers"): each tier interval
//! keeps the top `TOP_K` cgroups of each resource with their ancestors and raw deltas,
//! and under each cgroup kept an `(others)` row with what its children left out did, so
//! that a parent's rows add up to it; a cgroup shown only now and then never shows more
//! than it did; a reader of the tier knows the limits of every cgroup it shows.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code

mod common;

use common::{roll_up_day, rsar_bin, run, tempdir, test_host, text};
use proptest::prelude::*;
use rsar::cgroup::{is_others, parent_path};
use rsar::feed::Feed;
use rsar::report::cgstat::LimitBook;
use rsar::report::Render;
use rsar::sample::{
    CgroupCounters, CgroupDeviceIo, CgroupLimits, CgroupTreeStat, HostFacts, Sample,
};
use rsar::source::{Event, Follow, LogSource, Source};
use rsar::stats::IntervalStats;
use rsar::store::rollup::procs::{MIN_CPU_SHARE, TOP_K};
use rsar::store::rollup::Tier;
use rsar::store::{self, DayWriter};
use std::collections::HashMap;
use std::path::Path;

fn date() -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(2026, 3, 2).unwrap()
}

const STEP_S: i64 = 10;

/// A cgroup of the generated host: where it is, when it lives (steps, end excluded).
#[derive(Debug, Clone)]
struct Node {
    path: String,
    inode: u64,
    born: usize,
    dies: usize,
    leaf: bool,
}

/// A host's cgroups over `steps` samples: the root, three slices, services in them, a
/// few with children of their own; leaves born and removed along the way. Each sample's
/// cgroups are the raw counters: a parent counts its descendants' CPU, memory and (on
/// cgroup v2) I/O, and keeps what a child that was removed did; on cgroup v1 (`v1`) each
/// counts its own I/O only, and the slices do some of their own.
struct Host {
    nodes: Vec<Node>,
    /// Per step, each node's cgroup when it is alive.
    samples: Vec<Vec<CgroupCounters>>,
    /// Per step, each live cgroup's writes per device (those it wrote to).
    devices: Vec<Vec<CgroupDeviceIo>>,
    /// The step at which the machine booted again (counters start again).
    reboot: Option<usize>,
    /// cgroup v1: each cgroup counts its own I/O only.
    v1: bool,
}

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

/// The devices written to: each leaf writes to both.
const DEVICES: [(u32, u32, &str); 2] = [(8, 0, "sda"), (8, 16, "sdb")];

fn generate(seed: u64, steps: usize, services: usize, v1: bool, reboot: Option<usize>) -> Host {
    let mut rng = Rng(seed | 1);
    let mut nodes = vec![Node {
        path: String::new(),
        inode: 1,
        born: 0,
        dies: usize::MAX,
        leaf: false,
    }];
    let add = |nodes: &mut Vec<Node>, path: String, born: usize, dies: usize, leaf: bool| {
        let inode = 100 + nodes.len() as u64;
        nodes.push(Node {
            path,
            inode,
            born,
            dies,
            leaf,
        });
    };
    for a in 0..3 {
        add(&mut nodes, format!("s{a}.slice"), 0, usize::MAX, false);
    }
    for b in 0..services {
        let slice = format!("s{}.slice", b % 3);
        let parent = b % 7 == 0;
        let (born, dies) = if parent || rng.below(3) > 0 {
            (0, usize::MAX)
        } else {
            let born = rng.below(steps as u64) as usize;
            (born, born + 1 + rng.below(steps as u64) as usize)
        };
        add(
            &mut nodes,
            format!("{slice}/u{b}.service"),
            born,
            dies,
            !parent,
        );
        if parent {
            for k in 0..4 {
                let born = rng.below(steps as u64 / 2) as usize;
                add(
                    &mut nodes,
                    format!("{slice}/u{b}.service/c{k}"),
                    born,
                    born + rng.below(2 * steps as u64) as usize + 1,
                    true,
                );
            }
        }
    }
    let index: HashMap<String, usize> = nodes
        .iter()
        .enumerate()
        .map(|(i, n)| (n.path.clone(), i))
        .collect();
    let ancestors = |i: usize| {
        let mut out = Vec::new();
        let mut at = parent_path(&nodes[i].path);
        while let Some(p) = at {
            out.push(index[p]);
            at = parent_path(p);
        }
        out
    };
    let ancestry: Vec<Vec<usize>> = (0..nodes.len()).map(ancestors).collect();
    let mut cumul = vec![CgroupCounters::default(); nodes.len()];
    let mut per_device = vec![[0u64; 2]; nodes.len()];
    let mut samples = Vec::new();
    let mut devices = Vec::new();
    // Each leaf's share of the work: a few busy, most nearly idle.
    let weight: Vec<u64> = (0..nodes.len())
        .map(|i| match rng.below(10) {
            0 | 1 => 200_000 + rng.below(800_000),
            _ if i % 5 == 0 => 0,
            _ => rng.below(40_000),
        })
        .collect();
    for step in 0..steps {
        if reboot == Some(step) {
            cumul = vec![CgroupCounters::default(); nodes.len()];
            per_device = vec![[0u64; 2]; nodes.len()];
        }
        let alive = |n: &Node| n.born <= step && step < n.dies;
        let mut memory = vec![0u64; nodes.len()];
        for (i, n) in nodes.iter().enumerate() {
            let inc = |v: &mut Option<u64>, by: u64| *v = Some(v.unwrap_or(0) + by);
            if !alive(n) {
                continue;
            }
            let own_io = if n.leaf || (v1 && i > 0 && rng.below(2) == 0) {
                rng.below(3) * 4096 * (weight[i] / 50_000 + 1)
            } else {
                0
            };
            if n.leaf {
                let cpu = if weight[i] == 0 {
                    0
                } else {
                    rng.below(weight[i])
                };
                let stall = rng.below(cpu / 100 + 1);
                let mem = 4096 * (1000 + weight[i] / 100 + rng.below(64));
                for at in std::iter::once(i).chain(ancestry[i].iter().copied()) {
                    let c = &mut cumul[at];
                    inc(&mut c.usage_us, cpu);
                    inc(&mut c.user_us, cpu / 2);
                    inc(&mut c.io_some_us, stall);
                    memory[at] += mem;
                }
            }
            let io_to: Vec<usize> = if v1 {
                vec![i]
            } else {
                std::iter::once(i)
                    .chain(ancestry[i].iter().copied())
                    .collect()
            };
            let on_first = own_io / 4096 / 3 * 4096;
            for at in io_to {
                inc(&mut cumul[at].wbytes, own_io);
                per_device[at][0] += on_first;
                per_device[at][1] += own_io - on_first;
            }
        }
        // The root's own tasks.
        let own = rng.below(5000);
        cumul[0].usage_us = Some(cumul[0].usage_us.unwrap_or(0) + own);
        let sample = nodes
            .iter()
            .enumerate()
            .filter(|(_, n)| alive(n))
            .map(|(i, n)| CgroupCounters {
                path: n.path.clone(),
                inode: n.inode,
                memory_current: Some(memory[i]),
                wbytes: Some(cumul[i].wbytes.unwrap_or(0)),
                ..cumul[i].clone()
            })
            .collect();
        samples.push(sample);
        devices.push(
            nodes
                .iter()
                .enumerate()
                .filter(|(i, n)| alive(n) && per_device[*i] != [0, 0])
                .flat_map(|(i, n)| {
                    DEVICES
                        .iter()
                        .zip(per_device[i])
                        .map(|(&(major, minor, name), w)| CgroupDeviceIo {
                            path: n.path.clone(),
                            inode: n.inode,
                            major,
                            minor,
                            name: name.into(),
                            wbytes: Some(w),
                            ..CgroupDeviceIo::default()
                        })
                })
                .collect(),
        );
    }
    Host {
        nodes,
        samples,
        devices,
        reboot,
        v1,
    }
}

/// The limits a cgroup has: every service has some.
fn limits_of(c: &CgroupCounters) -> Option<CgroupLimits> {
    c.path.contains(".service").then(|| CgroupLimits {
        path: c.path.clone(),
        inode: c.inode,
        memory_max: Some(1 << 30),
        cpu_weight: Some(100 + c.inode),
        ..CgroupLimits::default()
    })
}

fn midnight() -> i64 {
    date().and_hms_opt(0, 0, 0).unwrap().and_utc().timestamp()
}

/// The machine booted an hour before midnight, and again at `reboot`.
fn uptime_cs(step: usize, reboot: Option<usize>) -> u64 {
    match reboot {
        Some(r) if step >= r => (30 + (step - r) as u64 * STEP_S as u64) * 100,
        _ => (3600 + step as u64 * STEP_S as u64) * 100,
    }
}

/// The host's day written raw in `dir`, as rsadc writes it (a cgroup's limits with the
/// sample it first appears in), and rolled up.
fn write_day(dir: &Path, host: &HostFacts, h: &Host) {
    let path = dir.join(store::day_file_name(date()));
    let (mut w, _) = DayWriter::open(&path, host, midnight() * 1_000_000_000, 0).unwrap();
    let mut before: Vec<CgroupCounters> = Vec::new();
    for (step, cgroups) in h.samples.iter().enumerate() {
        let mut s = Sample::default();
        s.time.wall_ns = (midnight() + step as i64 * STEP_S) * 1_000_000_000;
        s.time.uptime_cs = uptime_cs(step, h.reboot);
        if h.reboot == Some(step) {
            w.append_restart(host, s.time.wall_ns - 1_000_000_000)
                .unwrap();
            before.clear();
        }
        s.cgroup_tree = (!h.v1).then(CgroupTreeStat::default);
        s.cgroup_limits = cgroups
            .iter()
            .filter(|c| {
                !before
                    .iter()
                    .any(|b| b.path == c.path && b.inode == c.inode)
            })
            .filter_map(limits_of)
            .collect();
        s.cgroups = cgroups.clone();
        s.cgroup_devices = h.devices[step].clone();
        w.append_sample(host, &s).unwrap();
        before = cgroups.clone();
    }
    drop(w);
    roll_up_day(dir, date());
}

/// The intervals a report takes from a log, and its samples.
#[derive(Default)]
struct Intervals(Vec<IntervalStats>);

impl Render for Intervals {
    fn begin(&mut self, _: &HostFacts, _: i64) -> std::io::Result<()> {
        Ok(())
    }
    fn interval(&mut self, stats: &IntervalStats) -> std::io::Result<()> {
        self.0.push(stats.clone());
        Ok(())
    }
    fn restart(&mut self, _: i64, _: u32) -> std::io::Result<()> {
        Ok(())
    }
    fn comment(&mut self, _: i64, _: &str) -> std::io::Result<()> {
        Ok(())
    }
    fn finish(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// A log read as every report reads it: its intervals, and its samples.
fn read(path: &Path) -> (Vec<IntervalStats>, Vec<Sample>) {
    let mut source = LogSource::open(vec![path.to_path_buf()], Follow::No).unwrap();
    let mut feed = Feed::default();
    let mut out = Intervals::default();
    let mut samples = Vec::new();
    while let Some(e) = source.next().unwrap() {
        match e {
            Event::Sample(s) => {
                samples.push((*s).clone());
                feed.sample(s, 2, &mut out).unwrap();
            }
            Event::Levels(a) => feed.levels(a),
            Event::Restart { wall_ns, cpus } => feed.restart(wall_ns, cpus, &mut out).unwrap(),
            _ => {}
        }
    }
    assert!(source.take_damage().is_empty());
    (out.0, samples)
}

fn step_at(wall_ns: i64) -> usize {
    ((wall_ns / 1_000_000_000 - midnight()) / STEP_S) as usize
}

type Key = (String, u64);

fn key(c: &CgroupCounters) -> Key {
    (c.path.clone(), c.inode)
}

/// Each cgroup's raw counters at `step`.
fn raw_at(h: &Host, step: usize) -> HashMap<Key, &CgroupCounters> {
    h.samples[step].iter().map(|c| (key(c), c)).collect()
}

/// What each cgroup alive at step `b` did in steps after `a` up to `b`, as a report of
/// the raw log takes it (from 0 for one born in them).
fn raw_between(h: &Host, a: usize, b: usize, f: fn(&CgroupCounters) -> u64) -> HashMap<Key, u64> {
    let before = raw_at(h, a);
    h.samples[b]
        .iter()
        .map(|c| {
            let was = before.get(&key(c)).map_or(0, |p| f(p));
            (key(c), f(c) - was)
        })
        .collect()
}

/// The writes every cgroup did itself to device `minor` after step `a` up to `b` (v1).
fn own_device_io_between(h: &Host, a: usize, b: usize, minor: u32) -> u64 {
    let at = |s: usize| -> HashMap<Key, u64> {
        h.devices[s]
            .iter()
            .filter(|d| d.minor == minor)
            .map(|d| ((d.path.clone(), d.inode), d.wbytes.unwrap_or(0)))
            .collect()
    };
    (a + 1..=b)
        .map(|s| {
            let before = at(s - 1);
            at(s)
                .iter()
                .map(|(k, w)| w - before.get(k).copied().unwrap_or(0))
                .sum::<u64>()
        })
        .sum()
}

fn cpu(c: &CgroupCounters) -> u64 {
    c.usage_us.unwrap_or(0)
}

fn wbytes(c: &CgroupCounters) -> u64 {
    c.wbytes.unwrap_or(0)
}

/// The I/O every cgroup did itself after step `a` up to `b` (v1: what each counts).
fn own_io_between(h: &Host, a: usize, b: usize) -> u64 {
    (a + 1..=b)
        .map(|s| {
            let before = raw_at(h, s - 1);
            h.samples[s]
                .iter()
                .map(|c| wbytes(c) - before.get(&key(c)).map_or(0, |p| wbytes(p)))
                .sum::<u64>()
        })
        .sum()
}

/// Over every interval of each tier: a cgroup kept stays while it is there; a cgroup
/// shows its raw delta or nothing; the raw
/// top `TOP_K` by CPU of those over `MIN_CPU_SHARE` that the sample before had are all
/// shown; under each cgroup shown, the rows (`(others)` among them) add up to it in CPU
/// and memory, and in I/O on cgroup v2; on v1 every row's own I/O adds up to all the
/// I/O the cgroups did; the root is its raw self; and a reader of the tier knows the
/// limits of every service it shows.
fn check(h: &Host, dir: &Path) -> Result<(), TestCaseError> {
    for tier in [Tier::MINUTE, Tier::HOUR] {
        let (intervals, samples) = read(&dir.join(tier.file_name(date())));
        prop_assert!(!intervals.is_empty());
        let mut book = LimitBook::default();
        for s in &samples {
            book.see(s);
            for c in s.cgroups.iter().filter(|c| !is_others(&c.path, c.inode)) {
                if let Some(want) = limits_of(c) {
                    prop_assert_eq!(
                        book.get(&c.path, c.inode),
                        Some(&want),
                        "{:?} {}",
                        tier,
                        c.path
                    );
                }
            }
        }
        // A cgroup once kept stays while it is there (in the boot): the tier's rows change
        // only when a cgroup comes to the top or goes.
        for w in samples.windows(2) {
            if w[1].time.uptime_cs < w[0].time.uptime_cs {
                continue;
            }
            let there = raw_at(h, step_at(w[1].time.wall_ns));
            for c in w[0].cgroups.iter().filter(|c| !is_others(&c.path, c.inode)) {
                if there.contains_key(&key(c)) {
                    prop_assert!(
                        w[1].cgroups.iter().any(|n| key(n) == key(c)),
                        "{:?} {} left out at {}",
                        tier,
                        c.path,
                        step_at(w[1].time.wall_ns)
                    );
                }
            }
        }
        for st in &intervals {
            let (a, b) = (step_at(st.start_ns), step_at(st.end_ns));
            let raw_cpu = raw_between(h, a, b, cpu);
            let at_a = raw_at(h, a);
            let rows: Vec<&CgroupCounters> = st.cgroups.iter().map(|o| &o.delta).collect();
            let shown = |c: &CgroupCounters| cpu(c);
            for r in rows.iter().filter(|r| !is_others(&r.path, r.inode)) {
                let d = shown(r);
                let raw = raw_cpu[&key(r)];
                prop_assert!(
                    d == 0 || d == raw,
                    "{:?} {} at {}: {} of {}",
                    tier,
                    r.path,
                    b,
                    d,
                    raw
                );
            }
            // The top of the interval among those that were there before it.
            let least = ((st.seconds * 1e6 * MIN_CPU_SHARE).ceil() as u64).max(1);
            let mut ranked: Vec<(u64, &Key)> = raw_cpu
                .iter()
                .filter(|(k, d)| !k.0.is_empty() && **d >= least)
                .map(|(k, d)| (*d, k))
                .collect();
            ranked.sort_by(|x, y| y.0.cmp(&x.0).then(x.1.cmp(y.1)));
            for (d, k) in ranked.into_iter().take(TOP_K) {
                if at_a.contains_key(k) {
                    let row = rows.iter().find(|r| key(r) == *k);
                    prop_assert_eq!(
                        row.map(|r| cpu(r)),
                        Some(d),
                        "{:?} top {:?} at {}",
                        tier,
                        k,
                        b
                    );
                }
            }
            // The root is its raw self.
            let root = rows.iter().find(|r| r.path.is_empty()).unwrap();
            prop_assert_eq!(cpu(root), raw_cpu[&(String::new(), 1)]);
            // Rows under each cgroup shown add up to it.
            for p in rows.iter().filter(|r| !is_others(&r.path, r.inode)) {
                let children: Vec<&&CgroupCounters> = rows
                    .iter()
                    .filter(|c| parent_path(&c.path) == Some(p.path.as_str()))
                    .collect();
                if children.is_empty() {
                    continue;
                }
                let sum =
                    |f: fn(&CgroupCounters) -> u64| children.iter().map(|c| f(c)).sum::<u64>();
                if !p.path.is_empty() {
                    prop_assert_eq!(sum(cpu), cpu(p), "{:?} CPU under {} at {}", tier, p.path, b);
                    if !h.v1 {
                        prop_assert_eq!(
                            sum(wbytes),
                            wbytes(p),
                            "{:?} I/O under {} at {}",
                            tier,
                            p.path,
                            b
                        );
                    }
                }
                // Levels are means over the interval's raw samples, each to the nearest
                // byte.
                let mem = |c: &CgroupCounters| c.memory_current.unwrap_or(0);
                let slack = children.len() as u64 + 1;
                prop_assert!(
                    sum(mem).abs_diff(mem(p)) <= slack,
                    "{:?} memory under {} at {}: {} of {}",
                    tier,
                    p.path,
                    b,
                    sum(mem),
                    mem(p)
                );
            }
            if h.v1 {
                let all: u64 = rows.iter().map(|r| wbytes(r)).sum();
                prop_assert_eq!(all, own_io_between(h, a, b), "{:?} v1 I/O at {}", tier, b);
            }
            // The same per device: under each cgroup shown (v2), or all of them (v1).
            let devices: Vec<&CgroupDeviceIo> =
                st.cgroup_devices.iter().map(|o| &o.delta).collect();
            for &(major, minor, _) in &DEVICES {
                let on = |d: &&&CgroupDeviceIo| (d.major, d.minor) == (major, minor);
                let w = |d: &&CgroupDeviceIo| d.wbytes.unwrap_or(0);
                if h.v1 {
                    let all: u64 = devices.iter().filter(on).map(w).sum();
                    prop_assert_eq!(
                        all,
                        own_device_io_between(h, a, b, minor),
                        "{:?} v1 {} at {}",
                        tier,
                        minor,
                        b
                    );
                    continue;
                }
                for p in devices
                    .iter()
                    .filter(on)
                    .filter(|d| !is_others(&d.path, d.inode))
                {
                    let under: u64 = devices
                        .iter()
                        .filter(on)
                        .filter(|c| parent_path(&c.path) == Some(p.path.as_str()))
                        .map(w)
                        .sum();
                    let children = rows
                        .iter()
                        .any(|c| parent_path(&c.path) == Some(p.path.as_str()));
                    if children {
                        prop_assert_eq!(
                            under,
                            w(p),
                            "{:?} {} under {} at {}",
                            tier,
                            minor,
                            p.path,
                            b
                        );
                    }
                }
            }
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 10, ..ProptestConfig::default() })]

    #[test]
    fn tier_rows_are_raw_deltas_and_add_up_under_each_cgroup(
        seed in any::<u64>(),
        services in 8usize..40,
        v1 in any::<bool>(),
        reboot in proptest::option::of(20usize..80),
    ) {
        let dir = tempdir();
        let h = generate(seed, 90, services, v1, reboot);
        prop_assert!(h.nodes.len() > 3 * TOP_K || services < 30);
        write_day(dir.path(), &test_host("cg", 2), &h);
        check(&h, dir.path())?;
    }
}

/// `rsadc --rollup` on a day of 40 services with a reboot: cgstat from each tier shows
/// the services that used the CPU and an `(others)` row for the rest, and the root's and
/// the slices' averages as the raw day's (memory too: its mean over the time, though the
/// boot's last tier interval is shorter than the others).
#[test]
fn cgstat_from_a_tier_shows_the_top_and_the_rest() {
    let dir = tempdir();
    let h = generate(7, 90, 40, false, Some(45));
    write_day(dir.path(), &test_host("cg", 2), &h);
    let rsar = |args: &[&str]| {
        let out = run(&rsar_bin(), args);
        assert!(out.status.success(), "{}", text(&out.stderr));
        (text(&out.stdout), text(&out.stderr))
    };
    let raw = dir.path().join(store::day_file_name(date()));
    let average = |out: &str, path: &str| {
        out.lines()
            .filter(|l| l.starts_with("Average:") && l.ends_with(&format!(" {path}")))
            .map(str::to_string)
            .collect::<Vec<_>>()
    };
    let (raw_out, _) = rsar(&["cgstat", "-u", "-r", "-f", raw.to_str().unwrap()]);
    for (tier, words) in [(Tier::MINUTE, "1-minute"), (Tier::HOUR, "1-hour")] {
        let tier = dir.path().join(tier.file_name(date()));
        let (tier_out, said) = rsar(&["cgstat", "-u", "-r", "-f", tier.to_str().unwrap()]);
        assert!(said.contains(&format!("{words} roll-up")), "{said}");
        assert!(tier_out.contains("/s0.slice/(others)"), "{tier_out}");
        // The root and the slices are in every tier sample: their averages are the raw
        // ones.
        for path in ["/", "/s0.slice", "/s1.slice", "/s2.slice"] {
            assert_eq!(
                average(&tier_out, path),
                average(&raw_out, path),
                "{words} {path}"
            );
            assert_eq!(average(&tier_out, path).len(), 2, "{tier_out}");
        }
    }
}
