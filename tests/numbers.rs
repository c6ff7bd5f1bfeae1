//! sar's numbers where rsar once differed (issue 11), each on hand-made samples with the
//! value sar prints worked out in the comments.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failure report

use rsar::feed::Feed;
use rsar::report::{renderer, Format, Layout, Selection};
use rsar::sample::{CpuTicks, HostFacts, LoadAvg, Memory, Sample};
use rsar::time::Zone;

/// A sample at `uptime_s` with one CPU (cpu0) and nothing else.
fn at(uptime_s: u64) -> Sample {
    let mut s = Sample::default();
    s.time.uptime_cs = uptime_s * 100;
    s.time.wall_ns = uptime_s as i64 * 1_000_000_000;
    s.cpu.per_cpu = vec![Some(CpuTicks::default())];
    s
}

fn sel(f: impl FnOnce(&mut Selection)) -> Selection {
    let mut s = Selection::default();
    f(&mut s);
    s
}

/// `samples` through the feed into sar's `-f` table layout.
fn table(sel: &Selection, samples: Vec<Sample>) -> String {
    let mut out = Vec::new();
    {
        let mut r = renderer(Format::Table, Layout::ByTable, &mut out, sel, Zone::Utc);
        r.begin(&HostFacts::default(), 0).unwrap();
        let mut feed = Feed::default();
        for s in samples {
            feed.sample(s, 1, r.as_mut()).unwrap();
        }
        r.finish().unwrap();
    }
    String::from_utf8(out).unwrap()
}

/// The `Average:` line of a one-table report.
fn average(report: &str) -> Vec<String> {
    report
        .lines()
        .find(|l| l.starts_with("Average:"))
        .unwrap_or_else(|| panic!("no Average in\n{report}"))
        .split_whitespace()
        .skip(1)
        .map(String::from)
        .collect()
}

fn with_load_and_memory(mut s: Sample, tasks: u32, free: u64, avail: u64) -> Sample {
    s.load = Some(LoadAvg {
        tasks,
        runnable: 1,
        ..LoadAvg::default()
    });
    s.memory = Some(Memory {
        mem_total: 1_000,
        mem_free: free,
        mem_available: Some(avail),
        committed_as: avail,
        ..Memory::default()
    });
    s
}

#[test]
fn averages_of_whole_columns_round_as_sar_prints_them() {
    // plist-sz 133, 134, 134: mean 133.67, which sar prints with %9.0f as 134 (rsar once
    // truncated it to 133). kbmemfree 17, 18, 18: 17.67 → 18.
    let samples = vec![
        with_load_and_memory(at(0), 130, 10, 600),
        with_load_and_memory(at(1), 133, 17, 600),
        with_load_and_memory(at(2), 134, 18, 601),
        with_load_and_memory(at(3), 134, 18, 601),
    ];
    let q = table(&sel(|s| s.queue = Some(false)), samples.clone());
    assert_eq!(average(&q)[1], "134", "{q}");
    let r = table(&sel(|s| s.memory = Some(false)), samples);
    let avg = average(&r);
    assert_eq!(avg[0], "18", "kbmemfree\n{r}");
    // kbavail 600, 601, 601: 600.67 → 601; kbmemused 1000 − 600.67 = 399.33 → 399.
    assert_eq!((avg[1].as_str(), avg[2].as_str()), ("601", "399"), "{r}");
    // %memused: sar divides the kB sum by the count as integers first (1802 / 3 = 600),
    // so (1000 − 600) / 1000 = 40.00 %, not 39.93 %; %commit likewise 600 / 1000.
    assert_eq!(avg[3], "40.00", "%memused\n{r}");
    assert_eq!(avg[7], "60.00", "%commit\n{r}");
}
