//! `rsadc --import`: another log's records into a log directory's day files, around what
//! the directory holds and never over it; a planted link under the staging name is not
//! followed.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failure report

mod common;

use common::{oracle_missing, rsadc_bin, run, sysstat_tests, tempdir, text, TEN};
use rsar::source::{Event, Follow, LogSource, Source};
use std::path::{Path, PathBuf};

/// 2025-11-21 11:50:00 UTC.
const T1150: i64 = TEN + 6_600;

/// Record `n` samples a minute apart from `start` (simulated clock) into `target` (a
/// directory, or `--file` when `file`).
fn record(start: i64, n: u32, target: &Path, file: bool) {
    let start = start.to_string();
    let n = n.to_string();
    let t = target.to_str().unwrap();
    let mut args = vec!["--fake-clock", &start, "--no-processes"];
    if file {
        args.extend(["--file", t, "60", &n]);
    } else {
        args.extend(["60", &n, t]);
    }
    let out = run(&rsadc_bin(), &args);
    assert!(out.status.success(), "{}", text(&out.stderr));
}

fn import(files: &[&Path], dir: &Path) -> String {
    let mut args = vec!["--import"];
    args.extend(files.iter().map(|f| f.to_str().unwrap()));
    args.push(dir.to_str().unwrap());
    let out = run(&rsadc_bin(), &args);
    assert!(out.status.success(), "{}", text(&out.stderr));
    text(&out.stderr)
}

/// The day's files in reading order, and the minutes after 11:50 of its samples as read.
fn day(dir: &Path) -> (Vec<String>, Vec<i64>) {
    let date = chrono::NaiveDate::from_ymd_opt(2025, 11, 21).unwrap();
    let files: Vec<PathBuf> = rsar::store::day_files(dir, date).unwrap();
    let names = files
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    let mut source = LogSource::open(files, Follow::No).unwrap();
    let mut minutes = Vec::new();
    while let Some(e) = source.next().unwrap() {
        if let Event::Sample(s) = e {
            minutes.push((s.time.wall_ns / 1_000_000_000 - T1150) / 60);
        }
    }
    assert!(source.take_damage().is_empty());
    (names, minutes)
}

#[test]
fn a_day_is_filled_around_its_own_records_and_a_second_import_adds_nothing() {
    let d = tempdir();
    let (src, logs) = (d.path().join("src"), d.path().join("logs"));
    // The history: 11:50 to 12:20. The directory's own records: 12:00 to 12:10.
    record(T1150, 31, &src, true);
    record(T1150 + 600, 11, &logs, false);
    assert_eq!(day(&logs).0, ["rsar20251121"]);

    let said = import(&[&src], &logs);
    // 11:50-11:59 go in a compressed part read first; 12:00-12:10 are the directory's own;
    // 12:11-12:20 are later than the file rsadc appends to.
    assert!(said.contains("10 records into"), "{said}");
    assert!(
        said.contains("11 left out: the directory already covers"),
        "{said}"
    );
    assert!(
        said.contains("10 left out: later than the day's uncompressed file"),
        "{said}"
    );
    let (names, minutes) = day(&logs);
    assert_eq!(names, ["rsar20251121.zst", "rsar20251121"]);
    assert_eq!(minutes, (0..=20).collect::<Vec<_>>());

    // Once the day is compressed, the rest has a place after it.
    let later = (TEN + 3 * 86_400).to_string();
    let out = run(
        &rsadc_bin(),
        &[
            "--housekeeping",
            "--fake-clock",
            &later,
            logs.to_str().unwrap(),
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let said = import(&[&src], &logs);
    assert!(said.contains("10 records into"), "{said}");
    assert!(said.contains("21 left out"), "{said}");
    let (names, minutes) = day(&logs);
    assert_eq!(
        names,
        [
            "rsar20251121.zst",
            "rsar20251121.1.zst",
            "rsar20251121.2.zst"
        ]
    );
    assert_eq!(minutes, (0..=30).collect::<Vec<_>>());

    let said = import(&[&src], &logs);
    assert!(said.contains("0 records; 31 left out"), "{said}");
    assert_eq!(day(&logs).1, (0..=30).collect::<Vec<_>>());

    // Records earlier than every compressed part: the parts move up, the import goes first.
    let early = d.path().join("early");
    record(T1150 - 600, 5, &early, true);
    let said = import(&[&early], &logs);
    assert!(said.contains("5 records into"), "{said}");
    let (names, minutes) = day(&logs);
    assert_eq!(names.len(), 4, "{names:?}");
    assert_eq!(
        minutes,
        (-10..=-6).chain(0..=30).collect::<Vec<_>>(),
        "{names:?}"
    );
}

#[test]
fn a_new_day_gets_a_plain_file_and_a_planted_link_is_not_followed() {
    let d = tempdir();
    let (src, logs) = (d.path().join("src"), d.path().join("logs"));
    record(T1150, 5, &src, true);
    std::fs::create_dir(&logs).unwrap();
    let victim = d.path().join("victim");
    std::fs::write(&victim, "precious").unwrap();
    std::os::unix::fs::symlink(&victim, logs.join(".rsar20251121.import-before")).unwrap();
    let said = import(&[&src], &logs);
    assert!(said.contains("5 records into"), "{said}");
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious");
    assert_eq!(
        day(&logs),
        (vec!["rsar20251121".to_string()], (0..5).collect())
    );
    // What was imported reports as the source does.
    let rsar = rsadc_bin().with_file_name("rsar");
    let a = run(&rsar, &["-q", "-f", src.to_str().unwrap()]);
    let b = run(
        &rsar,
        &["-q", "-f", logs.join("rsar20251121").to_str().unwrap()],
    );
    assert!(a.status.success());
    assert_eq!(text(&a.stdout), text(&b.stdout));
}

#[test]
fn bad_uses_say_what_is_wrong() {
    let d = tempdir();
    let out = run(&rsadc_bin(), &["--import", d.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("--import needs the files"));
    let not_a_log = d.path().join("notes.txt");
    std::fs::write(&not_a_log, "hello").unwrap();
    let logs = d.path().join("logs");
    let out = run(
        &rsadc_bin(),
        &[
            "--import",
            not_a_log.to_str().unwrap(),
            logs.to_str().unwrap(),
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(err.contains("notes.txt"), "{err}");
    assert_eq!(err.lines().count(), 2, "{err}");
}

/// sysstat's sa files: the imported day reports what the sa file reports, in tables and in
/// JSON (sysstat's shipped files, and one Debian's sadc records here when it can).
#[test]
fn an_imported_sa_day_reports_as_the_sa_file_does() {
    let sa_dir = sysstat_tests().join("sa");
    let d = tempdir();
    let mut files: Vec<PathBuf> = ["data-12.0.0", "data-extra-12.1.7", "data-ukwn"]
        .iter()
        .map(|f| sa_dir.join(f))
        .collect();
    let sadc = Path::new("/usr/lib/sysstat/sadc");
    if sadc.exists() {
        let f = d.path().join("sa.debian");
        let st = std::process::Command::new(sadc)
            .args(["-S", "XALL", "1", "3", f.to_str().unwrap()])
            .status()
            .unwrap();
        assert!(st.success());
        files.push(f);
    } else {
        oracle_missing("Debian's sysstat (/usr/lib/sysstat/sadc; apt-get install sysstat)");
    }
    let rsar = rsadc_bin().with_file_name("rsar");
    for (i, sa) in files.iter().enumerate() {
        let logs = d.path().join(format!("logs{i}"));
        let said = import(&[sa], &logs);
        let days: Vec<_> = std::fs::read_dir(&logs)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        // A file recorded across midnight imports into two days: compare the first.
        assert!(!days.is_empty(), "{said}");
        if days.len() > 1 {
            continue;
        }
        for args in [
            &["-A"][..],
            &["-A", "--format", "json"],
            &["-u", "ALL", "-P", "ALL"],
        ] {
            let read = |f: &Path| {
                let mut a = args.to_vec();
                a.extend(["-f", f.to_str().unwrap()]);
                let out = run(&rsar, &a);
                (text(&out.stdout), out.status.code())
            };
            let (want, code) = read(sa);
            assert_eq!(code, Some(0), "{}", sa.display());
            assert!(want.len() > 300, "{}: {want}", sa.display());
            let got = read(&days[0]);
            assert!(got == (want, code), "{} {args:?} differs", sa.display());
        }
    }
}

/// A day imported before sar -b's totals had a group of their own carried them as a
/// device named `sysstat-io-totals` (tests/fixtures/logs-imported-sa): its `-b` is still
/// what sar -b prints for the sa file.
#[test]
fn a_day_imported_before_the_io_totals_group_reports_its_totals() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/logs-imported-sa");
    let out = run(
        &rsadc_bin().with_file_name("rsar"),
        &["-b", "-f", dir.join("rsar20261206").to_str().unwrap()],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let want = std::fs::read_to_string(dir.join("rsar20261206.b.txt")).unwrap();
    assert_eq!(text(&out.stdout), want);
}

/// An imported sa file's disks are named from `--sys-root`, as `rsar -f` with the same
/// root names them (sar reads the names from the reading machine's /sys/dev/block), not
/// from the importing machine's /sys.
#[test]
fn an_imported_sa_file_names_its_disks_from_the_sys_root() {
    let sa = sysstat_tests().join("sa/data-12.0.0");
    let d = tempdir();
    // A /sys whose block device 8:1 (sda1 by SCSI numbering) is called vdz1.
    let sys = d.path().join("sys");
    std::fs::create_dir_all(sys.join("dev/block")).unwrap();
    std::os::unix::fs::symlink(
        "../../devices/virtual/block/vdz1",
        sys.join("dev/block/8:1"),
    )
    .unwrap();
    let logs = d.path().join("logs");
    let mut args = vec!["--sys-root", sys.to_str().unwrap(), "--import"];
    args.extend([sa.to_str().unwrap(), logs.to_str().unwrap()]);
    let out = run(&rsadc_bin(), &args);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let days: Vec<_> = std::fs::read_dir(&logs)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(days.len(), 1, "{days:?}");
    let rsar = rsadc_bin().with_file_name("rsar");
    let disks = |f: &Path| {
        let args = [
            "-d",
            "--sys-root",
            sys.to_str().unwrap(),
            "-f",
            f.to_str().unwrap(),
        ];
        let out = run(&rsar, &args);
        assert!(out.status.success(), "{}", text(&out.stderr));
        text(&out.stdout)
    };
    let imported = disks(&days[0]);
    assert!(imported.contains(" vdz1 "), "{imported}");
    assert!(!imported.contains(" sda1 "), "{imported}");
    assert_eq!(imported, disks(&sa));
}
