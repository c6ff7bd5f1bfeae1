//! A steady-state sample of the system groups allocates nothing: the probe refills the
//! previous sample's vectors and strings, and the writer encodes into reused buffers
//! so that the collector's cost per sample stays at its floor. A counting allocator counts this thread's allocations while a probe reads a
//! captured /proc tree and a day writer appends what it read, for more than a /sys
//! refresh's worth of samples and more than one key frame.
//!
//! One test per binary, and a per-thread count: nothing else runs while it counts.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failure report

use rsar::probe::Probe;
use rsar::sample::Sample;
use rsar::store::DayWriter;
use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::path::{Path, PathBuf};

struct Counting;

thread_local! {
    static ALLOCS: Cell<u64> = const { Cell::new(0) };
}

fn count() {
    // `try_with`: a thread being torn down has no counter, and that is no reason to abort.
    let _ = ALLOCS.try_with(|c| c.set(c.get() + 1));
}

fn allocations() -> u64 {
    ALLOCS.with(Cell::get)
}

// SAFETY: every call is forwarded unchanged to the system allocator; counting touches only
// a const-initialised thread-local cell, which does not allocate.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count();
        unsafe { System.alloc(layout) }
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        count();
        unsafe { System.alloc_zeroed(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        count();
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

#[test]
fn a_steady_state_sample_allocates_nothing() {
    steady_state(false);
}

/// The collector's probe, which parses only the files whose text changed: a changed text
/// is kept for the next comparison in a buffer of its own, grown once.
#[test]
fn a_steady_state_sample_reusing_unchanged_files_allocates_nothing() {
    steady_state(true);
}

fn steady_state(reuse: bool) {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/vm-6.18");
    let tree = tempfile::tempdir().unwrap();
    let copied = std::process::Command::new("cp")
        .arg("-a")
        .arg(fixtures.join("t0/."))
        .arg(tree.path())
        .status()
        .unwrap();
    assert!(copied.success());
    let t0 = tree.path();
    let mut probe = Probe::new(&t0.join("proc"), &t0.join("sys")).expect("the fixture tree");
    if reuse {
        probe = probe.reusing_unchanged();
    }
    let dir = tempfile::tempdir().unwrap();
    let host = probe.host().clone();
    let start = 1_763_719_200_000_000_000;
    let (mut writer, _) =
        DayWriter::open(&dir.path().join("rsar20251121"), &host, start, 0).expect("a log");
    // Files whose text changes between the captures t0 and t1: written in place at each
    // sample, alternately, so that some files change and the others do not.
    let changing: Vec<(PathBuf, [Vec<u8>; 2])> = ["net/snmp", "diskstats", "loadavg"]
        .iter()
        .map(|f| {
            let text = |t: &str| std::fs::read(fixtures.join(t).join("proc").join(f)).unwrap();
            (t0.join("proc").join(f), [text("t0"), text("t1")])
        })
        .collect();
    assert!(changing.iter().all(|(_, [a, b])| a != b));

    let mut sample = Sample::default();
    // (allocations in the probe, in the writer)
    let mut step = |i: i64, sample: &mut Sample| {
        for (path, texts) in &changing {
            std::fs::write(path, &texts[i as usize % 2]).unwrap();
        }
        let a = allocations();
        probe.read(sample).expect("a sample of the fixture");
        let b = allocations();
        // Let time pass as it would.
        sample.time.wall_ns = start + i * 1_000_000_000;
        sample.time.uptime_cs += i as u64 * 100;
        writer.append_sample(&host, sample).expect("written");
        (b - a, allocations() - b)
    };
    // The first samples size every buffer, learn each device's /sys facts and write the
    // first key frames.
    for i in 0..200 {
        step(i, &mut sample);
    }
    assert!(!sample.disks.is_empty() && !sample.net.is_empty() && sample.snmp.is_some());
    // 300 samples: several /sys refreshes (every 60 samples) and key frames (every 64).
    let (mut probe_allocs, mut writer_allocs) = (0, 0);
    for i in 200..500 {
        let (p, w) = step(i, &mut sample);
        probe_allocs += p;
        writer_allocs += w;
    }
    assert_eq!(
        (probe_allocs, writer_allocs),
        (0, 0),
        "heap allocations in 300 steady-state samples (probe, writer): want none"
    );
}
