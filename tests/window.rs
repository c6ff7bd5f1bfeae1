//! The window of a report from the logs: `-i` keeps the sample nearest each multiple of its
//! seconds when sample times jitter, `-e`/`--until` include the second they name, and `-C`
//! prints comments at their time.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failure report

mod common;

use common::{rsar_bin, run, text};
use rsar::probe::Probe;
use rsar::store::DayWriter;
use std::path::{Path, PathBuf};

const START: i64 = 1_763_683_200; // 2025-11-21 00:00:00 UTC

/// `n` samples about a second apart, each a few hundredths late or early, as a collector's
/// samples are.
fn jittered_day(path: &Path, n: i64) {
    day_with_comment(path, n, None)
}

/// The same, with a comment recorded after sample `at`.
fn day_with_comment(path: &Path, n: i64, comment: Option<(i64, &str)>) {
    let fx = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/vm-6.18/t0");
    let mut p = Probe::new(&fx.join("proc"), &fx.join("sys")).unwrap();
    let mut s = p.sample().unwrap();
    let host = p.host().clone();
    let (mut w, _) = DayWriter::open(path, &host, START * 1_000_000_000, 0).unwrap();
    let jitter_ms = [20, -30, 40, -10, 0, 30, -40, 10];
    for i in 0..n {
        let ms = i * 1000 + jitter_ms[i as usize % jitter_ms.len()] + 100;
        s.time.wall_ns = START * 1_000_000_000 + ms * 1_000_000;
        s.time.uptime_cs = 100_000 + (ms / 10) as u64;
        s.cpu.total.user += 100;
        s.cpu.total.idle += 100;
        w.append_sample(&host, &s).unwrap();
        if let Some((_, text)) = comment.filter(|(at, _)| *at == i) {
            w.append_comment(s.time.wall_ns + 500_000_000, text)
                .unwrap();
        }
    }
}

/// The times of the rows of `rsar -u -f LOG ARGS`, without the header and Average.
fn rows(log: &Path, args: &[&str]) -> Vec<String> {
    let mut all = vec!["-u", "-f", log.to_str().unwrap()];
    all.extend_from_slice(args);
    let out = run(&rsar_bin(), &all);
    assert!(out.status.success(), "{}", text(&out.stderr));
    text(&out.stdout)
        .lines()
        .filter(|l| l.contains(" all ") && !l.starts_with("Average"))
        .map(|l| l[..8].to_string())
        .collect()
}

fn seconds(rows: &[String]) -> Vec<u32> {
    rows.iter()
        .map(|r| r[6..8].parse::<u32>().unwrap() + 60 * r[3..5].parse::<u32>().unwrap())
        .collect()
}

#[test]
fn dash_i_keeps_the_sample_nearest_each_multiple_of_its_seconds() {
    let d = common::tempdir();
    let log = d.path().join("rsar20251121");
    jittered_day(&log, 61);
    // -i 1 on a 1-s log keeps every row.
    assert_eq!(rows(&log, &["-i", "1"]).len(), 60);
    assert_eq!(rows(&log, &[]).len(), 60);
    // -i 5: one row every 5 s, on the multiples.
    let five = seconds(&rows(&log, &["-i", "5"]));
    assert_eq!(
        five,
        (1..=12).map(|k| 5 * k).collect::<Vec<_>>(),
        "{five:?}"
    );
    // sar's INTERVAL from a file means the same.
    let out = run(&rsar_bin(), &["-u", "10", "-f", log.to_str().unwrap()]);
    let ten = text(&out.stdout)
        .lines()
        .filter(|l| l.contains(" all ") && !l.starts_with("Average"))
        .count();
    assert_eq!(ten, 6);
}

#[test]
fn the_end_of_the_window_includes_the_second_it_names() {
    let d = common::tempdir();
    let log = d.path().join("rsar20251121");
    jittered_day(&log, 30);
    // The sample at 00:00:10.14 prints as 00:00:10: -e 00:00:10 keeps it.
    let r = rows(&log, &["-e", "00:00:10"]);
    assert_eq!(r.last().map(String::as_str), Some("00:00:10"), "{r:?}");
    let r = rows(&log, &["--until", "2025-11-21T00:00:10Z"]);
    assert_eq!(r.last().map(String::as_str), Some("00:00:10"), "{r:?}");
    // -s is inclusive too (as it was), and -s/-e of the same second keep that one row's
    // sample, which has no interval before it in the window.
    let r = rows(&log, &["-s", "00:00:05", "-e", "00:00:08"]);
    assert_eq!(r, ["00:00:06", "00:00:07", "00:00:08"]);
}

#[test]
fn comments_print_at_their_time_in_every_table() {
    let d = common::tempdir();
    let log = d.path().join("rsar20251121");
    day_with_comment(&log, 6, Some((3, "disk swapped")));
    let out = run(
        &rsar_bin(),
        &["-u", "-q", "-C", "-f", log.to_str().unwrap()],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let report = text(&out.stdout);
    let lines: Vec<&str> = report.lines().collect();
    let comments: Vec<usize> = (0..lines.len())
        .filter(|&i| lines[i].contains("COM disk swapped"))
        .collect();
    // Once in each table, between the row that ends at 00:00:03 and the next.
    assert_eq!(comments.len(), 2, "{report}");
    for i in comments {
        assert!(lines[i].starts_with("00:00:03"), "{report}");
        assert!(lines[i - 1].starts_with("00:00:03"), "{report}");
        assert!(lines[i + 1].starts_with("00:00:04"), "{report}");
    }
    // Without -C, no comment.
    let out = run(&rsar_bin(), &["-u", "-f", log.to_str().unwrap()]);
    assert!(!text(&out.stdout).contains("COM"));
}
