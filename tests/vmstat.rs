//! `rsar vmstat`: procps's header and column widths, values computed by hand from two
//! captured samples, and the command run live and from a log.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failure report

mod common;

use common::*;
use rsar::probe::Probe;
use rsar::report::{Render, Unit, Vmstat};
use rsar::stats::{IntervalStats, VmstatRow};

fn captured(t: &str) -> rsar::sample::Sample {
    let root = fixture(t);
    Probe::new(&root.join("proc"), &root.join("sys"))
        .unwrap()
        .sample()
        .unwrap()
}

#[test]
fn columns_from_two_captured_samples() {
    let s = IntervalStats::between(&captured("t0"), &captured("t1")).unwrap();
    let v = VmstatRow::of(&s, 4096, 100);
    // Over 3.26 s: pgpgin 2073229 → 2381057 is 94426 kB/s in, pgpgout 669804 → 992896 is
    // 99108 out; intr 172578 → 174366 is 548/s; ctxt 251438 → 252916 is 453/s.
    // Memory at t1: MemFree 23384644, Buffers 4204, Cached 1148924 + SReclaimable 63744.
    // CPU ticks (sum of both CPUs, 655 in all): user 252, system 48 + softirq 2,
    // idle 319, iowait 19, steal 15 → 38 8 49 3 2 in whole percent, rounded.
    assert_eq!(
        v,
        VmstatRow {
            r: 1,
            b: 0,
            swpd: 0,
            free: 23384644,
            buff: 4204,
            cache: 1212668,
            si: 0,
            so: 0,
            bi: 94426,
            bo: 99108,
            r#in: 548,
            cs: 453,
            us: 38,
            sy: 8,
            id: 49,
            wa: 3,
            st: 2,
            gu: 0,
        }
    );
}

#[test]
fn since_boot_rates_are_per_cpu_second_as_procps() {
    let t1 = captured("t1");
    let s = IntervalStats::between(&t1.at_boot(), &t1).unwrap();
    assert!(s.since_boot);
    let v = VmstatRow::of(&s, 4096, 100);
    // procps divides by Σ CPU ticks / HZ, not by the uptime.
    let cpu_s = s.cpu.all.total() as f64 / 100.0;
    assert_eq!(v.cs, (252916.0 / cpu_s).round() as u64);
    assert_eq!(v.r#in, (174366.0 / cpu_s).round() as u64);
    assert_eq!(v.free, 23384644);
}

#[test]
fn narrow_and_wide_layouts_line_up_with_procps() {
    let s = IntervalStats::between(&captured("t0"), &captured("t1")).unwrap();
    let host = rsar::sample::HostFacts {
        page_size: 4096,
        user_hz: 100,
        ..Default::default()
    };
    let mut out = Vec::new();
    let mut r = Vmstat::new(&mut out, false, Unit::Kibi);
    r.begin(&host, 0).unwrap();
    r.interval(&s).unwrap();
    r.finish().unwrap();
    assert_eq!(
        String::from_utf8(out).unwrap(),
        "procs -----------memory---------- ---swap-- -----io---- -system-- ------cpu-----\n \
          r  b   swpd   free   buff  cache   si   so    bi    bo   in   cs us sy id wa st\n \
          1  0      0 23384644   4204 1212668    0    0 94426 99108  548  453 38  8 49  3  2\n"
    );
    let mut out = Vec::new();
    let mut r = Vmstat::new(&mut out, true, Unit::Mebi);
    r.begin(&host, 0).unwrap();
    r.interval(&s).unwrap();
    let text = String::from_utf8(out).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[1], "   r    b         swpd         free         buff        cache   si   so    bi    bo   in   cs  us  sy  id  wa  st  gu");
    // -S M: 23384644 kB is 22836 MiB.
    assert_eq!(lines[2], "   1    0            0        22836            4         1184    0    0 94426 99108  548  453  38   8  49   3   2   0");
    // Every column ends where its header ends.
    let ends = |l: &str| -> Vec<usize> {
        l.char_indices()
            .filter(|&(i, c)| c != ' ' && l[i + 1..].starts_with(' ') || i + 1 == l.len())
            .map(|(i, _)| i)
            .collect()
    };
    assert_eq!(ends(lines[1]), ends(lines[2]));
}

#[test]
fn live_and_from_a_log() {
    let out = run(&rsar_bin(), &["vmstat", "0.2", "3"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let t = text(&out.stdout);
    assert_eq!(
        t.lines().count(),
        5,
        "two header lines and COUNT lines:\n{t}"
    );
    assert!(t.starts_with("procs -----------memory"));
    let one = run(&rsar_bin(), &["vmstat"]);
    assert_eq!(
        text(&one.stdout).lines().count(),
        3,
        "no INTERVAL: the line since boot"
    );

    let d = tempdir();
    let file = record(d.path());
    let out = run(&rsar_bin(), &["vmstat", "-f", file.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let lines: Vec<String> = text(&out.stdout).lines().map(String::from).collect();
    // Two intervals, a restart (the header again), one interval.
    assert_eq!(lines.len(), 2 + 2 + 2 + 1, "{lines:?}");
    assert!(
        lines[2].contains("94426 99108  548  453 38  8 49  3  2"),
        "{}",
        lines[2]
    );
    let out = run(
        &rsar_bin(),
        &["vmstat", "-f", file.to_str().unwrap(), "-e", "10:00:05"],
    );
    assert_eq!(text(&out.stdout).lines().count(), 3);
}
