//! rsar reading sysstat's own sa files: the files shipped with sysstat's tests
//! (`tests/fixtures/sysstat/sa`) against the outputs sysstat pins for them (`expected/`,
//! `MANIFEST.tsv`), the damaged ones refused with one line each, a cut one read up to its
//! cut; files recorded here by Debian's sadc against Debian's sar on the same file; and a
//! fuzz-style property test of the reader.
//!
//! Rows are compared by their numbers, column by column, where both print the column:
//! rsar's layout may differ (it has columns sar 12.6 lacks), its numbers may not. A row
//! that differs on purpose is listed below with its reason, and the test fails if it
//! stops differing. Without Debian's sysstat the comparisons with it say so and pass,
//! except under CI (`common::oracle_missing`).

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failure report

mod common;

use common::*;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

/// One row of a report: its values by column name.
type Row = BTreeMap<String, String>;

/// (table, segment, time label, item) → row. A table is named by its first two columns;
/// its segment counts the tables of that name before it (a restart starts a new one).
fn rows(report: &str) -> BTreeMap<(String, usize, String, String), Row> {
    let mut out = BTreeMap::new();
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for para in report.split("\n\n") {
        let mut lines = para.lines().filter(|l| !l.trim().is_empty());
        let Some(header) = lines.next() else { continue };
        if header.starts_with("Linux ") {
            continue;
        }
        let columns: Vec<&str> = header.split_whitespace().skip(1).collect();
        if columns.len() < 2 || header.contains("LINUX RESTART") || columns[0] == "COM" {
            continue;
        }
        let table = format!("{} {}", columns[0], columns[1]);
        let segment = {
            let n = seen.entry(table.clone()).or_insert(0);
            *n += 1;
            *n - 1
        };
        for line in lines {
            let mut t = line.split_whitespace();
            let label = t.next().unwrap_or("").to_string();
            let values: Vec<&str> = t.collect();
            if values.len() != columns.len() {
                continue; // LINUX RESTART, COM
            }
            let numeric = |v: &str| v.parse::<f64>().is_ok();
            let item = if !numeric(values[0]) {
                values[0].to_string()
            } else if !numeric(values[values.len() - 1]) {
                values[values.len() - 1].to_string()
            } else {
                String::new()
            };
            let row: Row = columns
                .iter()
                .zip(&values)
                .map(|(c, v)| (c.to_string(), v.to_string()))
                .collect();
            out.insert((table.clone(), segment, label, item), row);
        }
    }
    out
}

/// sar's tables that rsar has no report for (`-m FAN,IN,TEMP,USB,FREQ`,
/// `-m BAT`): not compared.
const NOT_IN_RSAR: &[&str] = &[
    "FAN rpm",
    "IN inV",
    "TEMP degC",
    "BUS idvendor",
    "CPU wghMHz",
    "BAT %cap",
];

/// A row (or a whole table, with `label` "*") where rsar differs from sar on purpose.
struct Deviation {
    table: &'static str,
    label: &'static str,
    item: &'static str,
    why: &'static str,
}

/// Every row sar printed must be rsar's, with the same number in every column both
/// print; rsar must print no row sar did not; except `deviations`, each of which must
/// still differ. Returns the rows compared.
fn compare(what: &str, sar: &str, rsar: &str, deviations: &[Deviation]) -> usize {
    compare_with(what, sar, rsar, deviations, false)
}

/// Two printed numbers one unit apart in their last digit (`5.89`, `5.90`).
fn one_unit_apart(a: &str, b: &str) -> bool {
    let decimals = a.split('.').nth(1).map_or(0, str::len);
    match (a.parse::<f64>(), b.parse::<f64>()) {
        (Ok(x), Ok(y)) => (x - y).abs() <= 10f64.powi(-(decimals as i32)) * 1.0001,
        _ => false,
    }
}

/// `compare`; with `halves`, a number one unit apart from sar's in its last digit is a
/// rounding of a half that came out the other way (sar and rsar compute the same value in
/// a different order), counted, and allowed in at most one value in a hundred. Only for
/// live recordings, whose values are not chosen.
fn compare_with(
    what: &str,
    sar: &str,
    rsar: &str,
    deviations: &[Deviation],
    halves: bool,
) -> usize {
    let (want, have) = (rows(sar), rows(rsar));
    let mut used = vec![false; deviations.len()];
    let mut problems = Vec::new();
    let mut equal = 0;
    let (mut values, mut near) = (0usize, 0usize);
    let excused = |key: &(String, usize, String, String), used: &mut Vec<bool>| {
        let i = deviations.iter().position(|d| {
            (d.table == "*" || d.table == key.0)
                && (d.label == "*" || d.label == key.2)
                && (d.item == "*" || d.item == key.3)
        });
        if let Some(i) = i {
            used[i] = true;
        }
        i.is_some()
    };
    for (key, w) in want
        .iter()
        .filter(|(k, _)| !NOT_IN_RSAR.contains(&k.0.as_str()))
    {
        let differs = match have.get(key) {
            None => Some("(no row)".to_string()),
            Some(h) => {
                values += w.len();
                let bad: Vec<String> = w
                    .iter()
                    .filter(|(c, v)| {
                        h.get(*c).is_some_and(|hv| {
                            let apart = hv != *v;
                            if apart && halves && one_unit_apart(v, hv) {
                                near += 1;
                                return false;
                            }
                            apart
                        })
                    })
                    .map(|(c, v)| format!("{c}: sar {v}, rsar {}", h[c]))
                    .collect();
                (!bad.is_empty()).then(|| bad.join("; "))
            }
        };
        match differs {
            None => equal += 1,
            Some(d) if !excused(key, &mut used) => problems.push(format!("{key:?}: {d}")),
            Some(_) => {}
        }
    }
    for key in have.keys().filter(|k| !want.contains_key(*k)) {
        if !excused(key, &mut used) {
            problems.push(format!("{key:?}: rsar prints a row sar does not"));
        }
    }
    assert!(
        near * 100 <= values,
        "{what}: {near} of {values} numbers one unit apart from sar's"
    );
    assert!(
        problems.is_empty(),
        "{what}: rsar differs from sar:\n{}",
        problems.join("\n")
    );
    for (d, used) in deviations.iter().zip(used) {
        assert!(
            used,
            "{what}: listed deviation no longer differs, remove it: {} {} {} ({})",
            d.table, d.label, d.item, d.why
        );
    }
    assert!(equal > 0 || want.is_empty(), "{what}: no row compared");
    equal
}

fn rsar(args: &[&str]) -> std::process::Output {
    Command::new(rsar_bin())
        .args(args)
        .env("TZ", "GMT")
        .env("LC_ALL", "C")
        .env_remove("S_TIME_FORMAT")
        .output()
        .unwrap()
}

/// Tables rsar's sample always has, so a file without their activity prints them as
/// zeros where sar prints nothing.
const ALWAYS: &str = "rsar's samples always hold CPU times, task and context-switch counts, \
disk and interface lists, and its NFS tables print zeros without NFS counters (as sar's do \
live): a file without those activities gets tables of zeros where sar prints nothing";

const fn always(table: &'static str) -> Deviation {
    Deviation {
        table,
        label: "*",
        item: "*",
        why: ALWAYS,
    }
}

/// The tables of `ALWAYS` that files with only some activities get from rsar.
const QUEUE_MODIFIED: &[Deviation] = &[
    always("CPU %usr"),
    always("IFACE rxerr/s"),
    always("call/s retrans/s"),
    always("scall/s badcall/s"),
];
const EXTRA: &[Deviation] = &[always("call/s retrans/s"), always("scall/s badcall/s")];
/// `data-ppc-11.7.2`'s record headers hold garbage uptimes and times (sysstat's own
/// `sadf -r -O debug` shows uptime_cs 179173223701676032, then 6516472987359641: they go
/// back). sar diffs them anyway; rsar takes an uptime that goes back for a new boot, so
/// the first interval (sar's 19:43:21 rows) has no row in rsar's report.
const PPC: &[Deviation] = &[Deviation {
    table: "*",
    label: "19:43:21",
    item: "*",
    why: "the file's uptime goes back between its first two records: rsar starts a new boot there",
}];
const UKWN_W: &[Deviation] = &[always("proc/s cswch/s")];
const UKWN0: &[Deviation] = &[
    always("CPU %usr"),
    always("proc/s cswch/s"),
    always("call/s retrans/s"),
    always("scall/s badcall/s"),
];

/// The pinned outputs for the sa files shipped with sysstat's tests (MANIFEST.tsv's rows
/// whose data file is `sysstat-tests/…`), with rsar run with sar's flags.

#[test]
fn shipped_files_print_what_sysstat_pins() {
    let sysstat = sysstat_tests();
    let root1 = sysstat.join("roots/root1/sys");
    let none = PathBuf::from("/nonexistent-sys");
    // (file, expected output, sar's flags, the reading machine's /sys, deviations)
    type Case<'a> = (&'a str, &'a str, &'a [&'a str], &'a Path, &'a [Deviation]);
    let cases: &[Case<'_>] = &[
        (
            "data-12.0.0",
            "expected.data-12.0.0",
            &["-A", "-C"],
            &none,
            &[],
        ),
        (
            "data-non-printable",
            "expected.sar-non-printable",
            &["-C"],
            &root1,
            &[],
        ),
        (
            "data-12.5.6-A_QUEUE_modified",
            "expected.data-12.5.6-A_QUEUE_modified",
            &["-A"],
            &root1,
            QUEUE_MODIFIED,
        ),
        (
            "data-ppc-11.7.2",
            "expected.data-ppc-11.7.2",
            &["-C", "-A"],
            &root1,
            PPC,
        ),
        (
            "data-extra-12.1.7",
            "expected.data-extra-12.1.7",
            &["-A"],
            &root1,
            EXTRA,
        ),
        (
            "data-ukwn",
            "expected.sar-data-ukwn",
            &["-P", "ALL"],
            &root1,
            &[],
        ),
        (
            "data-ukwn",
            "expected2.sar-data-ukwn",
            &["-w"],
            &root1,
            UKWN_W,
        ),
        (
            "data-ukwn0",
            "expected2.sar-data-ukwn",
            &["-A"],
            &root1,
            UKWN0,
        ),
        (
            "data-ukwn1",
            "expected3.sar-data-ukwn",
            &["-u", "-q"],
            &root1,
            &[],
        ),
    ];
    let mut total = 0;
    for (file, expected, flags, sys, deviations) in cases {
        let path = sysstat.join("sa").join(file);
        let mut args: Vec<&str> = flags.to_vec();
        args.extend([
            "--sys-root",
            sys.to_str().unwrap(),
            "-f",
            path.to_str().unwrap(),
        ]);
        let out = rsar(&args);
        assert!(out.status.success(), "{args:?}: {}", text(&out.stderr));
        let want = std::fs::read_to_string(sysstat.join("expected").join(expected)).unwrap();
        total += compare(
            &format!("{file} {flags:?}"),
            &want,
            &text(&out.stdout),
            deviations,
        );
    }
    eprintln!("{total} rows equal to sysstat's");
}

/// `--log-dir` (today's, `-1`…) and `-f DIR` find sysstat's `saDD` when there is no rsar
/// log for the day.
#[test]
fn log_dir_finds_sysstat_day_files() {
    let sysstat = sysstat_tests();
    let d = tempdir();
    let today = chrono::Local::now().format("sa%d").to_string();
    std::fs::copy(sysstat.join("sa/data-12.0.0"), d.path().join(&today)).unwrap();
    let dir = d.path().to_str().unwrap();
    for args in [&["-w", "--log-dir", dir][..], &["-w", "-f", dir]] {
        let out = rsar(args);
        assert!(out.status.success(), "{args:?}: {}", text(&out.stderr));
        assert!(
            text(&out.stdout).contains("11727.00"),
            "{args:?}: {}",
            text(&out.stdout)
        );
    }
    // --since over a directory of sysstat's: yesterday's and today's, in order.
    let yesterday = (chrono::Local::now() - chrono::Duration::days(1))
        .format("sa%d")
        .to_string();
    std::fs::copy(
        sysstat.join("sa/data-extra-12.1.7"),
        d.path().join(&yesterday),
    )
    .unwrap();
    let out = rsar(&["-w", "--log-dir", dir, "--since", "2000-01-01"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let got = text(&out.stdout);
    let (a, b) = (got.find("1000.00"), got.find("11727.00"));
    assert!(a.is_some() && a < b, "both days, yesterday's first:\n{got}");
    std::fs::remove_file(d.path().join(&yesterday)).unwrap();
    let out = rsar(&["-w", "--log-dir", dir, "-1"]);
    assert!(
        text(&out.stderr).contains("sysstat's sa"),
        "{}",
        text(&out.stderr)
    );
}

/// The TUI replays an sa file: it reads every interval, stepping decodes the
/// moment from the file again, and the host is the file's.
#[test]
fn tui_replays_sa_files() {
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    let sysstat = sysstat_tests();
    let path = sysstat.join("sa/data-12.0.0");
    let drv = rsar::tui::driver_for(vec![path], &Default::default()).unwrap();
    assert_eq!(drv.app.host.hostname, "linux.home");
    assert_eq!(drv.app.intervals, 1, "data-12.0.0 has one interval");
    assert_eq!(drv.app.restarts.len(), 1);
    // A file of ours with more intervals: step to the last one and back.
    let d = tempdir();
    let Some(file) = record_with_sadc(d.path(), 4) else {
        return;
    };
    let mut drv = rsar::tui::driver_for(vec![file], &Default::default()).unwrap();
    assert_eq!(drv.app.intervals, 3);
    let ends: Vec<i64> = drv.app.timeline.iter().map(|p| p.end_ns).collect();
    assert_eq!(ends.len(), 3, "the points around the cursor: all three");
    let key = |c| KeyEvent::new(c, KeyModifiers::NONE);
    drv.app.key(key(KeyCode::End));
    assert_eq!(drv.app.cursor, Some(ends[2]));
    drv.app.key(key(KeyCode::Left));
    assert_eq!(drv.app.cursor, Some(ends[1]));
    drv.decode_now().unwrap();
    assert!(
        !drv.app.moments.is_empty(),
        "the moment was decoded from the file"
    );
    assert!(drv.app.damage.is_empty(), "{:?}", drv.app.damage);
}

/// sysstat's `-b` totals (its activity A_IO) arrive as a group of their own, never as a
/// device: every device of an sa file is a disk of its activity A_DISK, which `-d` shows.
#[test]
fn an_sa_files_io_totals_are_a_group_not_a_device() {
    use rsar::source::{Event, Source};
    let path = sysstat_tests().join("sa/data-12.0.0");
    let mut sa =
        rsar::sysstat::SaSource::open_all(vec![path], Path::new("/nonexistent-sys")).unwrap();
    let mut samples = 0;
    while let Some(e) = sa.next().unwrap() {
        if let Event::Sample(s) = e {
            samples += 1;
            let t = s.io_totals.expect("data-12.0.0 records A_IO");
            assert!(t.reads + t.writes > 0, "{t:?}");
            assert!(s.disks.iter().all(|d| d.whole), "{:?}", s.disks);
        }
    }
    assert_eq!(samples, 2, "data-12.0.0 has one interval");
}

/// The damaged headers are refused, each with one line naming the file; no panic.
#[test]
fn damaged_files_are_refused_with_one_line() {
    let sysstat = sysstat_tests();
    let mut n = 0;
    for e in std::fs::read_dir(sysstat.join("sa")).unwrap() {
        let path = e.unwrap().path();
        let name = path.file_name().unwrap().to_str().unwrap().to_string();
        let old = ["data-9.1.5", "data-9.1.6", "data-10.3.1", "data-11.6.5"];
        if !(name.ends_with("err") || name.contains("overflow") || old.contains(&name.as_str())) {
            continue;
        }
        let out = rsar(&["-A", "-f", path.to_str().unwrap()]);
        let err = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{name}: {err}");
        assert_eq!(err.lines().count(), 1, "{name}: {err}");
        assert!(
            err.contains(&name) && !err.contains("panick"),
            "{name}: {err}"
        );
        if name.starts_with("data-9.1.6") || name.starts_with("data-1") && !name.contains("12.") {
            assert!(err.contains("sadf -c"), "{name}: {err}");
        }
        n += 1;
    }
    assert!(n >= 15, "{n} damaged or old files");
}

/// A file cut inside a record: every complete record is read, and rsar says it is cut.
#[test]
fn a_cut_file_says_so() {
    let sysstat = sysstat_tests();
    let path = sysstat.join("sa/data-trunc");
    let out = rsar(&["-A", "-f", path.to_str().unwrap()]);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("cut at byte"), "{err}");
    // A file of our own, cut in its third record, gives the first two.
    let d = tempdir();
    let Some(file) = record_with_sadc(d.path(), 4) else {
        return;
    };
    let bytes = std::fs::read(&file).unwrap();
    let whole = rsar(&["-u", "-f", file.to_str().unwrap()]);
    let lines = |o: &std::process::Output| {
        text(&o.stdout)
            .lines()
            .filter(|l| l.contains(" all "))
            .count()
    };
    let cut = d.path().join("cut");
    std::fs::write(&cut, &bytes[..bytes.len() - 100]).unwrap();
    let short = rsar(&["-u", "-f", cut.to_str().unwrap()]);
    assert!(
        text(&short.stderr).contains("cut at byte"),
        "{}",
        text(&short.stderr)
    );
    assert_eq!(lines(&short) + 1, lines(&whole));
}

/// Record `count` samples a second apart with Debian's sadc, every activity; `None` (and
/// a message) without sysstat.
fn record_with_sadc(dir: &Path, count: u32) -> Option<PathBuf> {
    let sadc = Path::new("/usr/lib/sysstat/sadc");
    if !sadc.exists() {
        oracle_missing("Debian's sysstat (/usr/lib/sysstat/sadc; apt-get install sysstat)");
        return None;
    }
    let file = dir.join("sa.test");
    let st = Command::new(sadc)
        .args([
            "-S",
            "XALL",
            "1",
            &count.to_string(),
            file.to_str().unwrap(),
        ])
        .status()
        .unwrap();
    assert!(st.success());
    Some(file)
}

/// sysstat 12.6's kbmemused.
const KBMEMUSED: &str = "sysstat 12.6 prints kbmemused (and %memused) as MemTotal − MemFree − \
Buffers − Cached − Slab; rsar follows 12.7.8+: MemTotal − MemAvailable";

/// Debian's sar's output for `args`.
fn sar_out(args: &[&str]) -> Vec<u8> {
    let out = Command::new("sar")
        .args(args)
        .env("TZ", "GMT")
        .env("LC_ALL", "C")
        .env("S_TIME_FORMAT", "")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    out.stdout
}

/// `rsar -A -f FILE` and Debian's `sar -A -f FILE` on a file Debian's sadc recorded here.
/// Its values are whatever this machine did, so a few may fall on a half that sar and
/// rsar round apart (an ldavg Average, a PSI percentage, -F's MB): see `compare_with`.
#[test]
fn debian_sadc_files_read_as_debian_sar_reads_them() {
    let d = tempdir();
    let Some(file) = record_with_sadc(d.path(), 5) else {
        return;
    };
    let f = file.to_str().unwrap();
    let sar = Command::new("sar")
        .args(["-A", "-f", f])
        .env("TZ", "GMT")
        .env("LC_ALL", "C")
        .env("S_TIME_FORMAT", "")
        .output()
        .unwrap();
    assert!(sar.status.success(), "{}", text(&sar.stderr));
    let out = rsar(&["-A", "-f", f]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let devs = [Deviation {
        table: "kbmemfree kbavail",
        label: "*",
        item: "*",
        why: KBMEMUSED,
    }];
    // vmstat's in is sar's interrupt sum, its r the run queue with the reader.
    let vm = text(&rsar(&["vmstat", "-f", f]).stdout);
    let first = vm.lines().nth(2).unwrap_or_default().to_string();
    let sum = text(&sar_out(&["-I", "SUM", "-q", "-f", f]));
    let sar_sum = sum
        .lines()
        .find(|l| l.contains(" sum "))
        .and_then(|l| l.split_whitespace().last())
        .unwrap();
    let runq = sum
        .lines()
        .skip_while(|l| !l.contains("runq-sz"))
        .nth(1)
        .and_then(|l| l.split_whitespace().nth(1))
        .unwrap();
    let cols: Vec<&str> = first.split_whitespace().collect();
    // vmstat prints the rate rounded to a whole number; sar with two decimals (a loaded
    // machine stretches sadc's interval past 1 s, so the rate is rarely whole).
    assert_eq!(
        cols[10].parse::<f64>().unwrap(),
        sar_sum.parse::<f64>().unwrap().round(),
        "in\n{vm}\n{sum}"
    );
    assert_eq!(
        cols[0].parse::<u64>().unwrap(),
        runq.parse::<u64>().unwrap() + 1,
        "r\n{vm}\n{sum}"
    );
    // The exporter has the disks.
    let metrics = text(&rsar(&["export", "-f", f]).stdout);
    assert!(
        metrics.contains("node_disk_reads_completed_total"),
        "{metrics}"
    );
    compare_with(
        "sadc file",
        &text(&sar.stdout),
        &text(&out.stdout),
        &devs,
        true,
    );
}

/// The largest single allocation made on this thread while `TRACK` is set.
mod alloc_watch {
    use std::alloc::{GlobalAlloc, Layout, System};
    use std::cell::Cell;

    thread_local! {
        pub static TRACK: Cell<bool> = const { Cell::new(false) };
        pub static LARGEST: Cell<usize> = const { Cell::new(0) };
    }

    pub struct Watch;

    unsafe impl GlobalAlloc for Watch {
        unsafe fn alloc(&self, l: Layout) -> *mut u8 {
            note(l.size());
            unsafe { System.alloc(l) }
        }
        unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
            unsafe { System.dealloc(p, l) }
        }
        unsafe fn realloc(&self, p: *mut u8, l: Layout, new: usize) -> *mut u8 {
            note(new);
            unsafe { System.realloc(p, l, new) }
        }
    }

    fn note(size: usize) {
        let _ = TRACK.try_with(|t| {
            if t.get() {
                let _ = LARGEST.try_with(|m| m.set(m.get().max(size)));
            }
        });
    }
}

#[global_allocator]
static WATCH: alloc_watch::Watch = alloc_watch::Watch;

/// Read every event of `bytes` as an sa file; the largest single allocation made.
fn read_all(bytes: Vec<u8>) -> usize {
    use rsar::source::Source;
    alloc_watch::LARGEST.with(|m| m.set(0));
    alloc_watch::TRACK.with(|t| t.set(true));
    let name = Path::new("fuzzed");
    if let Ok(mut s) = rsar::sysstat::SaSource::from_bytes(name, bytes, Path::new("/nonexistent")) {
        let mut n = 0;
        while let Ok(Some(_)) = s.next() {
            n += 1;
            assert!(n < 1_000_000, "events without end");
        }
        let _ = s.take_damage();
    }
    alloc_watch::TRACK.with(|t| t.set(false));
    alloc_watch::LARGEST.with(|m| m.get())
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig { cases: 300, ..Default::default() })]

    /// Mutated and cut copies of a real sa file (sysstat's data-12.0.0: every activity
    /// of 12.0) never panic, and no single allocation is sized by a count the file's bytes
    /// do not back: each is at most a small multiple of the file (a decoded item is larger
    /// than its bytes) plus the reader's fixed buffers.
    #[test]
    fn mutated_sa_files_never_panic_nor_overallocate(
        flips in proptest::collection::vec((0usize..22376, proptest::prelude::any::<u8>()), 0..8),
        words in proptest::collection::vec((0usize..22376, proptest::prelude::any::<u32>()), 0..4),
        cut in 0usize..22376,
    ) {
        let sysstat = sysstat_tests();
        let mut b = std::fs::read(sysstat.join("sa/data-12.0.0")).unwrap();
        for (at, v) in flips {
            if let Some(x) = b.get_mut(at) {
                *x = v;
            }
        }
        for (at, v) in words {
            if let Some(x) = b.get_mut(at..at + 4) {
                x.copy_from_slice(&v.to_le_bytes());
            }
        }
        if cut > 100 {
            b.truncate(cut);
        }
        let len = b.len();
        let largest = read_all(b);
        proptest::prop_assert!(largest > 0, "the allocation watch saw nothing");
        proptest::prop_assert!(largest <= 128 * len + (1 << 16), "{largest} bytes for a {len}-byte file");
    }
}
