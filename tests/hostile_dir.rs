//! The real rsadc and rsar against a log directory that someone prepared: links planted
//! where day files and temporary files go, FIFOs, a directory owned by another user, a
//! clock set back to a day already compressed, a decompression bomb. rsadc runs as root:
//! nothing outside the directory may change or leak, and a sample that could not be
//! written must not look like success.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failure report

mod common;

use common::*;
use rsar::store::{self, Record};
use std::os::unix::fs::{FileTypeExt, MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// Run `bin` and fail (instead of hanging the test run) if it takes over `secs`.
fn run_bounded(bin: &Path, args: &[&str], secs: u64) -> Output {
    let mut child = Command::new(bin)
        .args(args)
        .env("TZ", "UTC")
        .env("LC_ALL", "C")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let start = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if start.elapsed() > Duration::from_secs(secs) {
            child.kill().unwrap();
            let out = child.wait_with_output().unwrap();
            panic!(
                "{} {args:?} still running after {secs} s (blocked?): {}",
                bin.display(),
                text(&out.stderr)
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().unwrap()
}

fn sample_count(path: &Path) -> usize {
    store::read_log(path)
        .unwrap()
        .records
        .iter()
        .filter(|(_, r)| matches!(r, Record::Sample(_)))
        .count()
}

fn mkfifo(path: &Path) {
    nix::unistd::mkfifo(path, nix::sys::stat::Mode::from_bits_truncate(0o644)).unwrap();
}

/// A file outside the log directory: its content and mtime, to check nothing touched it.
fn snapshot(path: &Path) -> (Vec<u8>, i64, i64, u32) {
    let m = std::fs::symlink_metadata(path).unwrap();
    (
        std::fs::read(path).unwrap(),
        m.mtime(),
        m.mtime_nsec(),
        m.mode(),
    )
}

/// Every entry of `dir` whose name starts with `prefix`.
fn entries(dir: &Path, prefix: &str) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().unwrap().to_str().unwrap().starts_with(prefix))
        .collect();
    v.sort();
    v
}

fn is_root() -> bool {
    std::fs::metadata("/proc/self").map(|m| m.uid()).ok() == Some(0)
}

const T: &str = "1763719200"; // common::TEN: 2025-11-21 10:00:00 UTC

/// A real day log of `samples` samples at `epoch`, in `dir` (named for its day).
fn record_day(dir: &Path, epoch: i64, samples: u32) {
    let out = run_bounded(
        &rsadc_bin(),
        &[
            "--fake-clock",
            &epoch.to_string(),
            "1",
            &samples.to_string(),
            dir.to_str().unwrap(),
        ],
        60,
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
}

// Item 2: a clock stepped back to a day already compressed.

#[test]
fn a_day_written_again_after_compression_keeps_both_parts_and_rsar_reads_both() {
    let d = tempdir();
    let dir = d.path().to_str().unwrap();
    // Three days ago (real time: `rsar -3` picks the day by the real clock), at noon UTC.
    let day = chrono::Utc::now().date_naive() - chrono::Duration::days(3);
    let noon = day.and_hms_opt(12, 0, 0).unwrap().and_utc().timestamp();
    let name = store::day_file_name(day);
    let two_days_later = (noon + 2 * 86_400).to_string();
    let housekeeping = || {
        let out = run_bounded(
            &rsadc_bin(),
            &["--housekeeping", "--fake-clock", &two_days_later, dir],
            60,
        );
        assert!(out.status.success(), "{}", text(&out.stderr));
    };
    // A comment in each part marks it: the samples' uptime comes from this machine's
    // /proc while the simulated clock races ahead, so their intervals are not reliable.
    let comment = |at: i64, words: &str| {
        let out = run_bounded(
            &rsadc_bin(),
            &["--fake-clock", &at.to_string(), "--comment", words, dir],
            60,
        );
        assert!(out.status.success(), "{}", text(&out.stderr));
    };
    record_day(d.path(), noon, 20);
    comment(noon + 30, "first part");
    housekeeping();
    assert_eq!(sample_count(&d.path().join(format!("{name}.zst"))), 20);
    // The clock steps back to that day: rsadc writes its plain file again.
    record_day(d.path(), noon + 3600, 5);
    comment(noon + 3610, "second part");
    housekeeping();
    assert_eq!(
        sample_count(&d.path().join(format!("{name}.zst"))),
        20,
        "the compressed day was replaced"
    );
    assert_eq!(sample_count(&d.path().join(format!("{name}.1.zst"))), 5);
    assert!(!d.path().join(&name).exists());
    let names: Vec<String> = store::list_days(d.path())
        .unwrap()
        .iter()
        .map(|(_, p, _)| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, [format!("{name}.zst"), format!("{name}.1.zst")]);
    // rsar -3 reads every part of the day, in order.
    let out = run_bounded(&rsar_bin(), &["-u", "-C", "-3", "--log-dir", dir], 60);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let report = text(&out.stdout);
    let first = report.find("COM first part");
    let second = report.find("COM second part");
    assert!(
        matches!((first, second), (Some(a), Some(b)) if a < b),
        "{report}"
    );
}

// Item 4: FIFOs, and failures that must not look like success.

#[test]
fn a_fifo_named_like_the_day_file_is_moved_aside_and_the_samples_written() {
    let d = tempdir();
    let day = d.path().join("rsar20251121");
    mkfifo(&day);
    let out = run_bounded(
        &rsadc_bin(),
        &["--fake-clock", T, "1", "3", d.path().to_str().unwrap()],
        60,
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("moved aside"),
        "{}",
        text(&out.stderr)
    );
    assert!(std::fs::symlink_metadata(&day).unwrap().is_file());
    assert_eq!(sample_count(&day), 3);
    let aside = entries(d.path(), "rsar20251121.bad-");
    assert_eq!(aside.len(), 1, "{aside:?}");
    assert!(std::fs::symlink_metadata(&aside[0])
        .unwrap()
        .file_type()
        .is_fifo());
}

#[test]
fn a_fifo_given_as_the_file_is_refused_with_status_2_in_count_and_service_mode() {
    let d = tempdir();
    let fifo = d.path().join("f");
    mkfifo(&fifo);
    let f = fifo.to_str().unwrap();
    let count = run_bounded(&rsadc_bin(), &["--file", f, "1", "3"], 60);
    assert_eq!(count.status.code(), Some(2), "{}", text(&count.stderr));
    let e = text(&count.stderr);
    assert!(
        e.contains("not a regular file") && e.contains("3 of 3 samples were not written"),
        "{e}"
    );
    // A service that cannot open its file says so at once rather than every interval.
    let service = run_bounded(&rsadc_bin(), &["--file", f, "1"], 30);
    assert_eq!(service.status.code(), Some(2), "{}", text(&service.stderr));
    assert!(text(&service.stderr).contains("not a regular file"));
    assert!(std::fs::symlink_metadata(&fifo)
        .unwrap()
        .file_type()
        .is_fifo());
}

#[test]
fn rsar_refuses_a_fifo_instead_of_blocking_on_it() {
    let d = tempdir();
    let fifo = d.path().join("f");
    mkfifo(&fifo);
    let out = run_bounded(&rsar_bin(), &["-u", "-f", fifo.to_str().unwrap()], 30);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("not a regular file"),
        "{}",
        text(&out.stderr)
    );
    // Today's file a FIFO: plain `rsar` reads today's file.
    let today = store::day_file_name(chrono::Local::now().date_naive());
    mkfifo(&d.path().join(today));
    let out = run_bounded(
        &rsar_bin(),
        &["-u", "--log-dir", d.path().to_str().unwrap()],
        30,
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("not a regular file"),
        "{}",
        text(&out.stderr)
    );
    let out = run_bounded(
        &rsar_bin(),
        &["-u", "--follow", "-f", fifo.to_str().unwrap()],
        30,
    );
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn rsadc_exit_codes_say_usage_or_data() {
    let help = run_bounded(&rsadc_bin(), &["--help"], 30);
    assert_eq!(help.status.code(), Some(0));
    assert!(text(&help.stdout).contains("Exit status: 0 success; 1 bad usage"));
    let bad = run_bounded(&rsadc_bin(), &["--no-such-flag"], 30);
    assert_eq!(bad.status.code(), Some(1), "clap's own errors are usage: 1");
    let bad = run_bounded(&rsadc_bin(), &["0", "1"], 30);
    assert_eq!(bad.status.code(), Some(1));
    let d = tempdir();
    let no_proc = d.path().join("no-proc");
    let out = run_bounded(
        &rsadc_bin(),
        &[
            "--proc-root",
            no_proc.to_str().unwrap(),
            "1",
            "1",
            d.path().to_str().unwrap(),
        ],
        30,
    );
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
}

// Item 5: a path that does not exist is a directory.

#[test]
fn a_log_directory_that_does_not_exist_is_created_not_a_file() {
    let d = tempdir();
    let new = d.path().join("rsar");
    let out = run_bounded(
        &rsadc_bin(),
        &["--fake-clock", T, "1", "1", new.to_str().unwrap()],
        60,
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let m = std::fs::metadata(&new).unwrap();
    assert!(m.is_dir(), "created as a file");
    assert_eq!(m.mode() & 0o777, 0o755);
    assert_eq!(sample_count(&new.join("rsar20251121")), 1);
    // One file: --file, or an existing log named in place of the directory.
    let one = d.path().join("today.rsar");
    for args in [
        &["--fake-clock", T, "--file", one.to_str().unwrap(), "1", "2"][..],
        &[
            "--fake-clock",
            "1763719300",
            "1",
            "1",
            one.to_str().unwrap(),
        ][..],
    ] {
        let out = run_bounded(&rsadc_bin(), args, 60);
        assert!(out.status.success(), "{args:?}: {}", text(&out.stderr));
    }
    assert_eq!(sample_count(&one), 3);
    // An existing file that is not a log is not taken over by a positional path.
    let notes = d.path().join("notes.txt");
    std::fs::write(&notes, "mine\n").unwrap();
    let out = run_bounded(&rsadc_bin(), &["1", "1", notes.to_str().unwrap()], 30);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("--file"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(std::fs::read(&notes).unwrap(), b"mine\n");
}

// Item 6: links planted by whoever can write the directory.

#[test]
fn planted_links_and_fifos_are_never_followed_by_housekeeping_or_sampling() {
    let outside = tempdir();
    let secret = outside.path().join("secret");
    std::fs::write(&secret, "TOP SECRET root-only\n").unwrap();
    std::fs::set_permissions(&secret, std::fs::Permissions::from_mode(0o600)).unwrap();
    let victim = outside.path().join("victim");
    std::fs::write(&victim, "precious\n").unwrap();
    let victim2 = outside.path().join("victim2");
    std::fs::write(&victim2, "also precious\n").unwrap();
    let before: Vec<_> = [&secret, &victim, &victim2]
        .iter()
        .map(|p| snapshot(p))
        .collect();

    let d = tempdir();
    let dir = d.path();
    // A real day two days back, whose compression goes through NAME.zst.tmp.
    record_day(dir, common::TEN - 2 * 86_400, 2);
    std::os::unix::fs::symlink(&victim, dir.join("rsar20251119.zst.tmp")).unwrap();
    // Old "days" that are a link to a secret and a FIFO, and an expired link.
    std::os::unix::fs::symlink(&secret, dir.join("rsar20251118")).unwrap();
    mkfifo(&dir.join("rsar20251117"));
    std::os::unix::fs::symlink(&victim2, dir.join("rsar20251001")).unwrap();

    let hk = run_bounded(
        &rsadc_bin(),
        &["--housekeeping", "--fake-clock", T, dir.to_str().unwrap()],
        60,
    );
    let e = text(&hk.stderr);
    assert_eq!(
        hk.status.code(),
        Some(2),
        "the refused entries are problems: {e}"
    );
    assert!(
        e.contains("rsar20251118") && e.contains("not a regular file"),
        "{e}"
    );
    // Today's day file a link to the victim: moved aside, never written through.
    std::os::unix::fs::symlink(&victim, dir.join("rsar20251121")).unwrap();
    let sampled = run_bounded(
        &rsadc_bin(),
        &["--fake-clock", T, "1", "2", dir.to_str().unwrap()],
        60,
    );
    assert!(sampled.status.success(), "{}", text(&sampled.stderr));
    assert_eq!(sample_count(&dir.join("rsar20251121")), 2);
    assert!(
        std::fs::symlink_metadata(&entries(dir, "rsar20251121.bad-")[0])
            .unwrap()
            .file_type()
            .is_symlink()
    );

    let after: Vec<_> = [&secret, &victim, &victim2]
        .iter()
        .map(|p| snapshot(p))
        .collect();
    assert_eq!(before, after, "a file outside the log directory changed");
    assert_eq!(
        sample_count(&dir.join("rsar20251119.zst")),
        2,
        "the real day was compressed"
    );
    assert!(
        !dir.join("rsar20251001").exists(),
        "the expired link itself is deleted"
    );
    assert!(std::fs::symlink_metadata(dir.join("rsar20251118"))
        .unwrap()
        .file_type()
        .is_symlink());
    // Nothing in the directory discloses the secret, compressed or not.
    for p in entries(dir, "") {
        if !std::fs::symlink_metadata(&p).unwrap().is_file() {
            continue;
        }
        let raw = std::fs::read(&p).unwrap();
        let plain = zstd::stream::decode_all(&raw[..]).unwrap_or(raw);
        let leaked = plain.windows(10).any(|w| w == b"TOP SECRET");
        assert!(!leaked, "{} holds the secret", p.display());
    }
}

#[test]
fn a_hard_linked_day_is_left_alone_and_a_private_day_stays_private() {
    let outside = tempdir();
    let secret = outside.path().join("secret");
    std::fs::write(&secret, "TOP SECRET root-only\n").unwrap();
    std::fs::set_permissions(&secret, std::fs::Permissions::from_mode(0o600)).unwrap();
    let before = snapshot(&secret);

    let d = tempdir();
    let dir = d.path();
    // A real day two days back that its owner made private...
    record_day(dir, common::TEN - 2 * 86_400, 2);
    let private = dir.join("rsar20251119");
    std::fs::set_permissions(&private, std::fs::Permissions::from_mode(0o600)).unwrap();
    // ...and an older "day" that is a second name of the secret (same filesystem: both
    // are temporary directories).
    std::fs::hard_link(&secret, dir.join("rsar20251118")).unwrap();

    let hk = run_bounded(
        &rsadc_bin(),
        &["--housekeeping", "--fake-clock", T, dir.to_str().unwrap()],
        60,
    );
    let e = text(&hk.stderr);
    assert!(hk.status.success(), "a warning, not a failure: {e}");
    assert!(
        e.contains("not compressing") && e.contains("rsar20251118") && e.contains("hard links"),
        "{e}"
    );
    // The linked day is as it was, and no compressed copy of it exists.
    let linked = std::fs::symlink_metadata(dir.join("rsar20251118")).unwrap();
    assert_eq!(linked.nlink(), 2);
    assert_eq!(linked.ino(), std::fs::metadata(&secret).unwrap().ino());
    assert!(
        entries(dir, "rsar20251118.").is_empty(),
        "{:?}",
        entries(dir, "")
    );
    assert_eq!(before, snapshot(&secret));
    // The private day was compressed, and its compressed form is as private.
    let z = dir.join("rsar20251119.zst");
    assert_eq!(sample_count(&z), 2);
    assert!(!private.exists());
    assert_eq!(
        std::fs::symlink_metadata(&z).unwrap().mode() & 0o7777,
        0o600,
        "the compressed day's mode"
    );
}

#[test]
fn a_log_directory_owned_by_another_user_is_refused() {
    if !is_root() {
        eprintln!("skipped: chown needs root");
        return;
    }
    let d = tempdir();
    std::os::unix::fs::chown(d.path(), Some(65534), None).unwrap();
    for args in [&["1", "1"][..], &["1"][..], &["--housekeeping"][..]] {
        let mut a = args.to_vec();
        a.push(d.path().to_str().unwrap());
        let out = run_bounded(&rsadc_bin(), &a, 30);
        assert_eq!(out.status.code(), Some(2), "{a:?}");
        let e = text(&out.stderr);
        assert!(
            e.contains("owned by uid 65534") && e.contains("chown"),
            "{e}"
        );
    }
    assert!(entries(d.path(), "").is_empty());
}

// Item 7: a decompression bomb.

#[test]
fn a_decompression_bomb_is_cut_at_what_a_day_can_hold() {
    use std::io::Write;
    let d = tempdir();
    let log = std::fs::read(record(d.path())).unwrap();
    let bomb = d.path().join("bomb.zst");
    let mut enc =
        zstd::stream::write::Encoder::new(std::fs::File::create(&bomb).unwrap(), 3).unwrap();
    enc.write_all(&log).unwrap();
    let zeros = vec![0u8; 1 << 20];
    for _ in 0..1024 {
        enc.write_all(&zeros).unwrap(); // 1 GiB of zeros after the records
    }
    enc.finish().unwrap();
    assert!(std::fs::metadata(&bomb).unwrap().len() < 200_000);
    let out = run_bounded(&rsar_bin(), &["-u", "-f", bomb.to_str().unwrap()], 120);
    assert_eq!(out.status.code(), Some(2));
    let e = text(&out.stderr);
    assert!(
        e.contains("cut at 67108864 bytes") && e.contains("more than a day can hold"),
        "{e}"
    );
    // Every record before the cut is reported.
    assert!(
        text(&out.stdout).contains("10:00:03"),
        "{}",
        text(&out.stdout)
    );
}
