//! Hot paths: one full sample of this machine's /proc (every group), and one interval's
//! statistics. Also counts heap allocations per sample with a counting allocator.
//!
//! For scale (DESIGN §6): reading the /proc files of one sample costs about 40 µs here;
//! sysstat's sadc spends about 740 µs of CPU per sample. bench/collector-floor.sh compares
//! whole collectors with a program that only reads the files.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failure report

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use rsar::probe::Probe;
use rsar::report::{Selection, Table};
use rsar::sample::Sample;
use rsar::stats::IntervalStats;
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicU64, Ordering};

struct Counting;
static ALLOCS: AtomicU64 = AtomicU64::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: forwarded unchanged to the system allocator.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded unchanged to the system allocator.
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: forwarded unchanged to the system allocator.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Heap allocations per steady-state sample of this machine's /proc: in the probe, and in
/// a day writer appending it. Both should be 0 (tests/alloc.rs asserts it on a captured
/// tree; here /proc is live, so a new device or mount could cost one now and then).
fn allocations_per_sample(probe: &mut Probe, sample: &mut Sample) -> (f64, f64) {
    const N: u64 = 1000;
    let dir = tempfile::tempdir().expect("a temporary directory");
    let host = probe.host().clone();
    let (mut writer, _) =
        rsar::store::DayWriter::open(&dir.path().join("log"), &host, sample.time.wall_ns, 0)
            .expect("a log file");
    for _ in 0..200 {
        probe.read(sample).expect("sample");
        writer.append_sample(&host, sample).expect("written");
    }
    let (mut in_probe, mut in_writer) = (0, 0);
    for _ in 0..N {
        let a = ALLOCS.load(Ordering::Relaxed);
        probe.read(sample).expect("sample");
        let b = ALLOCS.load(Ordering::Relaxed);
        writer.append_sample(&host, sample).expect("written");
        in_probe += b - a;
        in_writer += ALLOCS.load(Ordering::Relaxed) - b;
    }
    (in_probe as f64 / N as f64, in_writer as f64 / N as f64)
}

fn bench(c: &mut Criterion) {
    let mut probe = Probe::system().expect("a readable /proc");
    let mut sample = probe.sample().expect("sample");
    probe.read(&mut sample).expect("sample");
    let (in_probe, in_writer) = allocations_per_sample(&mut probe, &mut sample);
    eprintln!(
        "heap allocations per steady-state sample of the system groups: {in_probe:.2} in the probe, {in_writer:.2} in the writer"
    );

    c.bench_function("probe: one full sample of /proc", |b| {
        b.iter(|| probe.read(black_box(&mut sample)).expect("sample"))
    });

    for (name, path) in [
        ("meminfo", "/proc/meminfo"),
        ("stat", "/proc/stat"),
        ("vmstat", "/proc/vmstat"),
        ("diskstats", "/proc/diskstats"),
        ("pressure/io", "/proc/pressure/io"),
        ("loadavg", "/proc/loadavg"),
        ("uptime", "/proc/uptime"),
    ] {
        let Ok(text) = std::fs::read(path) else {
            continue;
        };
        c.bench_function(&format!("parse {name}"), |b| {
            b.iter(|| parse(name, black_box(&text)))
        });
    }

    let a = probe.sample().expect("sample");
    std::thread::sleep(std::time::Duration::from_millis(20));
    let z = probe.sample().expect("sample");
    c.bench_function("stats: one interval, every group", |b| {
        b.iter(|| IntervalStats::between(black_box(&a), black_box(&z)))
    });

    let stats = IntervalStats::between(&a, &z).expect("uptime advanced");
    let all = Selection::all();
    c.bench_function("report: rows of every table (-A)", |b| {
        b.iter(|| {
            all.tables()
                .iter()
                .map(|t: &Table| t.rows(&all, black_box(&stats)).len())
                .sum::<usize>()
        })
    });
}

fn parse(name: &str, text: &[u8]) -> bool {
    use rsar::probe::*;
    match name {
        "meminfo" => parse_meminfo(text).is_ok(),
        "stat" => {
            let mut s = Sample::default();
            parse_stat(text, &mut s.cpu, &mut s.kernel).is_ok()
        }
        "vmstat" => parse_vmstat(text).is_ok(),
        "diskstats" => parse_diskstats(text, &mut Vec::new()).is_ok(),
        "pressure/io" => parse_pressure(text).is_ok(),
        "loadavg" => parse_loadavg(text).is_ok(),
        _ => parse_uptime(text).is_ok(),
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
