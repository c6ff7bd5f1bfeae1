//! Roll-up tiers (docs/FORMAT.md, "Roll-up tiers"): random raw logs rolled up to the
//! minute and hour tiers report the raw `Average:` lines to the printed digit, their
//! levels' minimum and maximum are the raw ones, and `rsadc --rollup` builds them once,
//! safely, in a hostile directory.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code

mod common;

use common::{rsadc_bin, rsar_bin, run, synth_day, tempdir, text};
use proptest::prelude::*;
use rsar::sample::{HostFacts, Sample};
use rsar::source::{Event, Follow, LogSource, Source};
use rsar::store::rollup::{self, Retention, Tier};
use rsar::store::{self, DayWriter};
use std::path::{Path, PathBuf};

/// The reports compared, each a flag set of sar's.
const REPORTS: &[&[&str]] = &[
    &["-u"],
    &["-P", "ALL"],
    &["-r"],
    &["-q"],
    &["-S"],
    &["-B"],
    &["-b"],
    &["-d"],
    &["-n", "DEV"],
    &["-w"],
    &["-W"],
];

/// A sample of the synthetic day (4 CPUs, disks, interfaces, memory, load), and its host.
fn base() -> (HostFacts, Sample) {
    let dir = tempdir();
    let path = synth_day(dir.path(), 10, 0);
    let log = store::read_log(&path).unwrap();
    let s = common::samples_of(&log).remove(0);
    (log.header.host, s)
}

/// xorshift: the test's own randomness from a proptest seed.
struct Rng(u64);
impl Rng {
    fn next(&mut self, below: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % below.max(1)
    }
}

/// A day's raw log in `dir` for `date` (UTC): `hours` hours from midnight, a sample every
/// 10 s, of which `drop_pct`% of those not on a minute are missing, and a reboot at
/// `reboot_at` hours when given (the new boot's first sample at that hour). Counters
/// advance by random amounts, levels take random values (the run queue counts the
/// sampler: at least 1, as /proc/loadavg always does).
fn raw_day(
    dir: &Path,
    date: chrono::NaiveDate,
    (host, base): &(HostFacts, Sample),
    seed: u64,
    hours: i64,
    drop_pct: u64,
    reboot_at: Option<i64>,
) -> Vec<Sample> {
    let mut rng = Rng(seed | 1);
    let midnight = date.and_hms_opt(0, 0, 0).unwrap().and_utc().timestamp();
    let path = dir.join(store::day_file_name(date));
    let (mut w, _) = DayWriter::open(&path, host, midnight * 1_000_000_000, 0).unwrap();
    let mut host = host.clone();
    let mut s = base.clone();
    let mut uptime_cs = 1_000_000u64;
    let mut written = Vec::new();
    for t in (0..=hours * 3600).step_by(10) {
        let on_minute = t % 60 == 0;
        if reboot_at.is_some_and(|h| h * 3600 == t) {
            host.boot_id = format!("boot-{t}");
            s = base.clone();
            uptime_cs = 3000;
        } else {
            uptime_cs += 1000;
        }
        for c in s.cpu.per_cpu.iter_mut().flatten() {
            let busy = rng.next(900);
            c.user += busy / 2;
            c.system += busy / 4;
            c.iowait += rng.next(50);
            c.idle += 1000 - busy / 2 - busy / 4;
        }
        s.kernel.ctxt += rng.next(100_000);
        s.kernel.procs_running = 1 + rng.next(8);
        if let Some(l) = s.load.as_mut() {
            l.load1_x100 = rng.next(800) as u32;
            l.load5_x100 = rng.next(700) as u32;
            l.runnable = 1 + rng.next(6) as u32;
            l.tasks = 300 + rng.next(200) as u32;
        }
        if let Some(m) = s.memory.as_mut() {
            // In kB: dirty in whole pages as the kernel gives it, free in any kB (which no
            // kernel gives; the log keeps it exactly all the same).
            m.mem_free = 2_000_000 + rng.next(8_000_000);
            m.cached = 1_000_000 + rng.next(4_000_000);
            m.mem_available = Some(m.mem_free + m.cached);
            m.dirty = 4 * rng.next(25_000);
        }
        if let Some(sw) = s.swap.as_mut() {
            sw.swap_free = sw.swap_total.saturating_sub(rng.next(500_000));
        }
        if let Some(p) = s.paging.as_mut() {
            p.pgpgin += rng.next(10_000);
            p.pgfault += rng.next(100_000);
        }
        for d in &mut s.disks {
            d.reads += rng.next(300);
            d.read_sectors += rng.next(30_000);
            d.writes += rng.next(300);
            d.io_ticks_ms += rng.next(5_000);
        }
        for n in &mut s.net {
            n.rx_bytes += rng.next(1 << 24);
            n.tx_packets += rng.next(5_000);
        }
        s.time.uptime_cs = uptime_cs;
        s.time.wall_ns = (midnight + t) * 1_000_000_000;
        if on_minute || rng.next(100) >= drop_pct {
            w.append_sample(&host, &s).unwrap();
            written.push(s.clone());
        }
    }
    written
}

/// The `Average:` lines (and segment separators) of a report.
fn averages(file: &Path, flags: &[&str], range: &[&str]) -> String {
    let f = file.to_str().unwrap();
    let mut args = flags.to_vec();
    args.extend(["-f", f]);
    args.extend(range);
    let out = run(&rsar_bin(), &args);
    assert!(out.status.success(), "rsar {args:?}: {}", text(&out.stderr));
    text(&out.stdout)
        .lines()
        .filter(|l| l.starts_with("Average:") || l.contains("LINUX RESTART"))
        .collect::<Vec<_>>()
        .join("\n")
}

fn tier_path(dir: &Path, date: chrono::NaiveDate, t: Tier) -> PathBuf {
    dir.join(t.file_name(date))
}

/// Each tier sample of `file` with its levels (none for a boot's first).
fn tier_samples(file: &Path) -> Vec<(Sample, Option<rollup::Aggregate>)> {
    let mut src = LogSource::open(vec![file.to_path_buf()], Follow::No).unwrap();
    let mut out = Vec::new();
    let mut levels = None;
    while let Some(e) = src.next().unwrap() {
        match e {
            Event::Levels(a) => levels = Some(*a),
            Event::Sample(s) => out.push((*s, levels.take())),
            _ => {}
        }
    }
    assert!(src.take_damage().is_empty());
    out
}

/// Raw samples `(after, upto]` of one boot: those a tier sample at `upto` stands for.
fn span<'a>(raw: &'a [Sample], after: &Sample, upto: &Sample) -> Vec<&'a Sample> {
    raw.iter()
        .filter(|s| {
            s.time.wall_ns > after.time.wall_ns
                && s.time.wall_ns <= upto.time.wall_ns
                && s.time.uptime_cs > after.time.uptime_cs
        })
        .collect()
}

fn today_after(date: chrono::NaiveDate) -> chrono::NaiveDate {
    date + chrono::Duration::days(1)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 6, ..ProptestConfig::default() })]

    /// Every report's averages over the day and over whole hours are the raw ones, from
    /// each tier; each tier sample's level minimum and maximum are those of the raw
    /// samples it stands for, and its mean their mean.
    #[test]
    fn tiers_report_the_raw_averages(
        seed in any::<u64>(),
        hours in 2i64..5,
        drop_pct in 0u64..70,
        reboot in proptest::option::of(1i64..2),
    ) {
        let base = base();
        let dir = tempdir();
        let date = chrono::NaiveDate::from_ymd_opt(2026, 3, 10).unwrap();
        let raw = raw_day(dir.path(), date, &base, seed, hours, drop_pct, reboot);
        let done = rollup::roll_up(dir.path(), today_after(date), &Retention::default()).unwrap();
        prop_assert_eq!(done.written.len(), 2, "{:?}", done);
        prop_assert!(done.problems.is_empty() && done.damage.is_empty());
        let raw_file = dir.path().join(store::day_file_name(date));
        let whole_hours = ["-s", "01:00:00", "-e", "02:00:00"];
        for flags in REPORTS {
            for range in [&[][..], &whole_hours[..]] {
                let want = averages(&raw_file, flags, range);
                prop_assert!(!want.is_empty(), "{flags:?}");
                for t in [Tier::MINUTE, Tier::HOUR] {
                    let got = averages(&tier_path(dir.path(), date, t), flags, range);
                    prop_assert_eq!(&got, &want, "{:?} {:?} from the {} tier", flags, range, t.name());
                }
            }
        }
        for t in [Tier::MINUTE, Tier::HOUR] {
            let kept = tier_samples(&tier_path(dir.path(), date, t));
            for pair in kept.windows(2) {
                let ((prev, _), (s, agg)) = (&pair[0], &pair[1]);
                let stood_for = span(&raw, prev, s);
                let Some(agg) = agg else {
                    // A boot's first sample has none.
                    prop_assert!(s.time.uptime_cs < prev.time.uptime_cs);
                    continue;
                };
                prop_assert_eq!(agg.n as usize, stood_for.len());
                let free = |s: &Sample| s.memory.as_ref().unwrap().mem_free;
                let dirty = |s: &Sample| s.memory.as_ref().unwrap().dirty;
                prop_assert_eq!(dirty(&agg.min), stood_for.iter().map(|s| dirty(s)).min().unwrap());
                prop_assert_eq!(dirty(&agg.max), stood_for.iter().map(|s| dirty(s)).max().unwrap());
                prop_assert_eq!(dirty(&agg.sum), stood_for.iter().map(|s| dirty(s)).sum::<u64>());
                let load = |s: &Sample| s.load.as_ref().unwrap().load1_x100;
                prop_assert_eq!(free(&agg.min), stood_for.iter().map(|s| free(s)).min().unwrap());
                prop_assert_eq!(free(&agg.max), stood_for.iter().map(|s| free(s)).max().unwrap());
                prop_assert_eq!(free(&agg.sum), stood_for.iter().map(|s| free(s)).sum::<u64>());
                prop_assert_eq!(load(&agg.min), stood_for.iter().map(|s| load(s)).min().unwrap());
                prop_assert_eq!(load(&agg.max), stood_for.iter().map(|s| load(s)).max().unwrap());
                // The counters and the last levels are the raw sample's own.
                prop_assert_eq!(&s.cpu, &stood_for.last().unwrap().cpu);
                prop_assert_eq!(free(s), free(stood_for.last().unwrap()));
            }
        }
    }
}

/// `rsadc --rollup` builds both tiers of a closed day once: a second run changes
/// nothing; a raw day written to since is rolled up again; today is not rolled up.
#[test]
fn rsadc_rollup_builds_each_closed_day_once() {
    let base = base();
    let dir = tempdir();
    let date = chrono::Local::now().date_naive() - chrono::Duration::days(2);
    raw_day(dir.path(), date, &base, 7, 2, 10, None);
    let today = chrono::Local::now().date_naive();
    raw_day(dir.path(), today, &base, 8, 1, 10, None);
    let d = dir.path().to_str().unwrap();
    let out = run(&rsadc_bin(), &["--rollup", d]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let said = text(&out.stderr);
    for t in [Tier::MINUTE, Tier::HOUR] {
        assert!(said.contains(&t.file_name(date)), "{said}");
        assert!(!said.contains(&t.file_name(today)), "{said}");
    }
    let before: Vec<Vec<u8>> = [Tier::MINUTE, Tier::HOUR]
        .iter()
        .map(|t| std::fs::read(tier_path(dir.path(), date, *t)).unwrap())
        .collect();
    let again = run(&rsadc_bin(), &["--rollup", d]);
    assert!(again.status.success());
    assert_eq!(text(&again.stderr), "", "nothing to do the second time");
    for (t, b) in [Tier::MINUTE, Tier::HOUR].iter().zip(&before) {
        assert_eq!(&std::fs::read(tier_path(dir.path(), date, *t)).unwrap(), b);
    }
    // No temporary left behind; the raw day untouched.
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names.len(), 4, "{names:?}");
    // The raw day written to again (a clock set back): rolled up again.
    std::thread::sleep(std::time::Duration::from_millis(20));
    let raw = dir.path().join(store::day_file_name(date));
    let (mut w, _) = DayWriter::open(&raw, &base.0, 0, 0).unwrap();
    w.append_comment(
        date.and_hms_opt(3, 0, 0).unwrap().and_utc().timestamp() * 1_000_000_000,
        "late",
    )
    .unwrap();
    drop(w);
    let third = run(&rsadc_bin(), &["--rollup", d]);
    assert!(text(&third.stderr).contains(&Tier::HOUR.file_name(date)));
}

/// A tier is compressed in frames of about `TIER_FRAME_BYTES` of records (a raw day's are
/// a quarter of that): a day's minute tier is a few frames, each of which decompresses
/// alone; a damaged one costs its samples only.
#[test]
fn a_tier_is_a_few_large_frames_and_a_damaged_one_costs_only_its_samples() {
    let dir = tempdir();
    let date = chrono::Local::now().date_naive() - chrono::Duration::days(2);
    let name = store::day_file_name(date);
    let out = run(
        &common::example_bin("synth_day"),
        &[
            dir.path().join(&name).to_str().unwrap(),
            "10",
            &date.to_string(),
            "150",
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = run(&rsadc_bin(), &["--rollup", dir.path().to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let path = tier_path(dir.path(), date, Tier::MINUTE);
    let z = std::fs::read(&path).unwrap();
    let mut frames = Vec::new();
    let mut at = 0;
    while at < z.len() {
        let len = zstd::zstd_safe::find_frame_compressed_size(&z[at..]).unwrap();
        frames.push((
            at,
            zstd::bulk::decompress(&z[at..at + len], 1 << 24)
                .unwrap()
                .len(),
        ));
        at += len;
    }
    assert!((3..=8).contains(&frames.len()), "{} frames", frames.len());
    // A frame is cut once its records take `TIER_FRAME_BYTES` as written; its samples go
    // in columns, which take less.
    for &(_, n) in &frames[..frames.len() - 1] {
        assert!(
            (rollup::TIER_FRAME_BYTES / 2..2 * rollup::TIER_FRAME_BYTES).contains(&n),
            "a frame of {n} bytes"
        );
    }
    let whole = tier_samples(&path).len();
    // A byte of the second frame flipped: the samples of the others are all read.
    let (second, _) = frames[1];
    let mut damaged = z.clone();
    damaged[second + (frames[2].0 - second) / 2] ^= 0x55;
    std::fs::write(&path, &damaged).unwrap();
    let mut r = store::LogReader::open(&path).unwrap();
    let mut left = 0;
    while let Some((_, rec)) = r.next_record().unwrap() {
        left += usize::from(matches!(rec, store::Record::Sample(_)));
    }
    assert!(
        r.cut().is_some() || !r.damage().is_clean(),
        "the damage is said"
    );
    // At most about a frame's samples lost: the frames hold about as many records each.
    // (A frame's samples are one column record among its process tables and levels: a
    // byte that zstd decodes wrong may cost one of those instead.)
    let per_frame = whole / frames.len();
    assert!(
        left + 2 * per_frame > whole,
        "{left} of {whole} samples read, {} frames: {frames:?}",
        frames.len()
    );
}

/// A tier is named by its interval, in the largest unit that divides it; an interval is
/// at least 10 s and divides a day; a file's name is the canonical one.
#[test]
fn a_tier_is_named_by_its_interval() {
    for (given, step, name, words) in [
        ("1m", 60, "1m", "1-minute"),
        ("60s", 60, "1m", "1-minute"),
        ("90s", 90, "90s", "90-second"),
        ("10s", 10, "10s", "10-second"),
        ("1h", 3600, "1h", "1-hour"),
        ("120m", 7200, "2h", "2-hour"),
        ("1d", 86_400, "1d", "1-day"),
    ] {
        let t = Tier::parse(given).unwrap_or_else(|| panic!("{given}"));
        assert_eq!(
            (t.step_s(), t.name(), t.words()),
            (step, name.into(), words.into())
        );
    }
    for bad in [
        "",
        "m",
        "0m",
        "01m",
        "5s",
        "7m",
        "1w",
        "1.5h",
        "-1m",
        "2d",
        "m1",
        "99999999999999999999d",
    ] {
        assert!(Tier::parse(bad).is_none(), "{bad}");
    }
    let date = chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
    assert_eq!(
        rollup::tier_of(Path::new("rsar20261201.1m.zst")),
        Some((date, Tier::MINUTE))
    );
    // Not the canonical name, and a raw day's second part.
    assert_eq!(rollup::tier_of(Path::new("rsar20261201.60s.zst")), None);
    assert_eq!(rollup::tier_of(Path::new("rsar20261201.1.zst")), None);
}

/// Tiers of other intervals (rsadc --tiers): a 5-minute and a 1-day tier, named by their
/// intervals, read with --tier and -i as the default ones are, with the raw day's
/// averages; a tier no longer named is kept as long as the longest named one; a bad
/// --tiers is refused with what is wrong.
#[test]
fn tiers_of_other_intervals_are_built_named_and_read() {
    let base = base();
    let dir = tempdir();
    let d = dir.path().to_str().unwrap();
    let date = chrono::Local::now().date_naive() - chrono::Duration::days(3);
    raw_day(dir.path(), date, &base, 77, 3, 10, None);
    let raw_file = dir.path().join(store::day_file_name(date));
    let want = averages(&raw_file, &["-u"], &[]);
    let out = run(&rsadc_bin(), &["--rollup", "--tiers", "5m:30,1d:400", d]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let (five, day) = (Tier::parse("5m").unwrap(), Tier::parse("1d").unwrap());
    for t in [five, day] {
        assert!(tier_path(dir.path(), date, t).is_file(), "{}", t.name());
    }
    for t in [Tier::MINUTE, Tier::HOUR] {
        assert!(!tier_path(dir.path(), date, t).exists(), "{}", t.name());
    }
    let date_s = date.to_string();
    let read = |extra: &[&str]| {
        let out = run(
            &rsar_bin(),
            &[
                &["-u", "--log-dir", d, "-s", &date_s, "-e", &date_s][..],
                extra,
            ]
            .concat(),
        );
        assert!(out.status.success(), "{extra:?}: {}", text(&out.stderr));
        let avg: Vec<String> = text(&out.stdout)
            .lines()
            .filter(|l| l.starts_with("Average:"))
            .map(str::to_string)
            .collect();
        (text(&out.stderr), text(&out.stdout), avg.join("\n"))
    };
    let (said, rows, avg) = read(&["--tier", "5m"]);
    assert_eq!(
        said,
        format!("rsar: read from the 5-minute roll-up of {date}\n")
    );
    assert_eq!(avg, want);
    // Its rows are 5 minutes apart (the boot's last sample aside).
    let times: Vec<&str> = rows
        .lines()
        .filter(|l| {
            l.len() > 8 && l.as_bytes()[2] == b':' && l.ends_with(|c: char| c.is_ascii_digit())
        })
        .map(|l| &l[..8])
        .collect();
    assert!(times.len() >= 30, "{rows}");
    let on_five = times
        .iter()
        .filter(|t| t[3..5].parse::<u32>().unwrap() % 5 == 0 && t.ends_with(":00"));
    assert!(on_five.count() >= times.len() - 1, "{rows}");
    // The day tier holds the boot's first and last samples: one interval, the same
    // average.
    let (said, _, avg) = read(&["--tier", "1d"]);
    assert_eq!(
        said,
        format!("rsar: read from the 1-day roll-up of {date}\n")
    );
    assert_eq!(avg, want);
    // -i an hour: the coarsest tier at most that (the 5-minute one).
    let (said, _, _) = read(&["-i", "3600"]);
    assert_eq!(
        said,
        format!("rsar: read from the 5-minute roll-up of {date}\n")
    );
    // The raw day gone: the finest tier.
    std::fs::remove_file(&raw_file).unwrap();
    let (said, _, avg) = read(&[]);
    assert_eq!(
        said,
        format!("rsar: read from the 5-minute roll-up of {date}\n")
    );
    assert_eq!(avg, want);
    // Tiers no longer named: kept while the longest named one is (3 days old, kept 5),
    // then deleted (kept 2).
    for (tiers, kept) in [("1m:5,1h:4", true), ("1m:2", false)] {
        let out = run(&rsadc_bin(), &["--rollup", "--tiers", tiers, d]);
        assert!(out.status.success(), "{}", text(&out.stderr));
        for t in [five, day] {
            assert_eq!(
                tier_path(dir.path(), date, t).exists(),
                kept,
                "{tiers}: {}",
                t.name()
            );
        }
    }
    for (bad, says) in [
        ("7m:3", "divides a day"),
        ("1m:3,60s:4", "each tier once"),
        ("1m", "INTERVAL:DAYS"),
        ("1m:x", "whole number"),
    ] {
        let out = run(&rsadc_bin(), &["--rollup", "--tiers", bad, d]);
        assert!(!out.status.success(), "{bad}");
        assert!(
            text(&out.stderr).contains(says),
            "{bad}: {}",
            text(&out.stderr)
        );
    }
}

/// A link planted at a tier's name or its temporary's is replaced or removed, never
/// written through; a directory there is a problem said, not removed.
#[test]
fn rollup_never_follows_a_planted_link() {
    let base = base();
    let dir = tempdir();
    let date = chrono::NaiveDate::from_ymd_opt(2026, 3, 10).unwrap();
    raw_day(dir.path(), date, &base, 3, 1, 0, None);
    let victim = dir.path().join("victim");
    std::fs::write(&victim, b"precious").unwrap();
    let minute = Tier::MINUTE.file_name(date);
    std::os::unix::fs::symlink(&victim, dir.path().join(&minute)).unwrap();
    std::os::unix::fs::symlink(&victim, dir.path().join(format!("{minute}.tmp"))).unwrap();
    std::os::unix::fs::symlink(&victim, dir.path().join(format!("{minute}.tmp.zst"))).unwrap();
    std::fs::create_dir(
        dir.path()
            .join(format!("{}.tmp", Tier::HOUR.file_name(date))),
    )
    .unwrap();
    let done = rollup::roll_up(dir.path(), today_after(date), &Retention::default()).unwrap();
    assert_eq!(std::fs::read(&victim).unwrap(), b"precious");
    let m = dir.path().join(&minute);
    assert!(!m.symlink_metadata().unwrap().file_type().is_symlink());
    assert_eq!(tier_samples(&m).len(), 61);
    assert_eq!(done.problems.len(), 1, "{done:?}");
    assert!(done.problems[0].contains("directory"), "{done:?}");
}

/// Tiers past their retention are deleted; raw days are housekeeping's.
#[test]
fn tiers_expire_by_their_own_retention() {
    let base = base();
    let dir = tempdir();
    let date = chrono::NaiveDate::from_ymd_opt(2026, 3, 10).unwrap();
    raw_day(dir.path(), date, &base, 5, 1, 0, None);
    let keep = Retention::parse("1m:3,1h:10").unwrap();
    let done = rollup::roll_up(dir.path(), date + chrono::Duration::days(2), &keep).unwrap();
    assert_eq!(done.written.len(), 2);
    let done = rollup::roll_up(dir.path(), date + chrono::Duration::days(5), &keep).unwrap();
    assert_eq!(
        done.deleted,
        vec![tier_path(dir.path(), date, Tier::MINUTE)]
    );
    assert!(done.written.is_empty(), "{done:?}");
    assert!(tier_path(dir.path(), date, Tier::HOUR).exists());
    assert!(dir.path().join(store::day_file_name(date)).exists());
}

/// A month of days (one with a reboot, one whose clock was set back an hour, one damaged
/// in the middle) rolled up, then the raw days deleted: `rsar -u --since '30 days ago'`
/// reads the month from the minute tier (and `--tier 1h` from the hour tier) and prints the
/// raw month's averages, saying which tier it read.
#[test]
fn a_month_read_from_its_tiers_after_the_raw_days_are_gone() {
    let base = base();
    let dir = tempdir();
    let today = chrono::Local::now().date_naive();
    let first = today - chrono::Duration::days(29);
    for i in 0..28 {
        let date = first + chrono::Duration::days(i);
        let reboot = (i == 5).then_some(1);
        raw_day(dir.path(), date, &base, 100 + i as u64, 2, 20, reboot);
        if i == 9 {
            // The clock set back an hour at 01:00: later samples repeat 00:00–01:00.
            let path = dir.path().join(store::day_file_name(date));
            let (mut w, _) = DayWriter::open(&path, &base.0, 0, 0).unwrap();
            let log = store::read_log(&path).unwrap();
            let mut s = common::samples_of(&log).pop().unwrap();
            for k in 1..=30 {
                s.time.wall_ns -= if k == 1 { 3600 } else { -10 } * 1_000_000_000;
                s.time.uptime_cs += 1000;
                s.cpu.total.user += 500;
                s.cpu.total.idle += 500;
                w.append_sample(&base.0, &s).unwrap();
            }
        }
        if i == 14 {
            // A damaged record in the middle of the day.
            let path = dir.path().join(store::day_file_name(date));
            let mut bytes = std::fs::read(&path).unwrap();
            let mid = bytes.len() / 2;
            for b in &mut bytes[mid..mid + 40] {
                *b ^= 0x5a;
            }
            std::fs::write(&path, bytes).unwrap();
        }
    }
    let d = dir.path().to_str().unwrap();
    let month = |extra: &[&str]| {
        let mut args = vec!["-u", "--log-dir", d, "--since", "30 days ago"];
        args.extend(extra);
        run(&rsar_bin(), &args)
    };
    let raw = month(&[]);
    // The damaged day: read all the same, and said.
    assert_eq!(raw.status.code(), Some(2), "{}", text(&raw.stderr));
    let out = run(&rsadc_bin(), &["--rollup", d]);
    assert!(
        text(&out.stderr).contains("damaged records skipped"),
        "{}",
        text(&out.stderr)
    );
    for i in 0..28 {
        let date = first + chrono::Duration::days(i);
        for t in [Tier::MINUTE, Tier::HOUR] {
            assert!(
                tier_path(dir.path(), date, t).exists(),
                "{date} {}",
                t.name()
            );
        }
        std::fs::remove_file(dir.path().join(store::day_file_name(date))).unwrap();
    }
    let lines = |o: &std::process::Output| {
        text(&o.stdout)
            .lines()
            .filter(|l| l.starts_with("Average:") || l.contains("RESTART"))
            .map(str::to_string)
            .collect::<Vec<_>>()
    };
    let want = lines(&raw);
    // Each day (2 hours from midnight) is a boot of its own, with its own averages.
    assert!(want.len() > 28, "{want:?}");
    let minute = month(&[]);
    assert!(minute.status.success(), "{}", text(&minute.stderr));
    assert_eq!(
        text(&minute.stderr),
        format!(
            "rsar: read from the 1-minute roll-ups of 28 days, {first} to {}\n",
            first + chrono::Duration::days(27)
        )
    );
    assert_eq!(lines(&minute), want);
    let hour = month(&["--tier", "1h"]);
    assert!(hour.status.success(), "{}", text(&hour.stderr));
    assert!(text(&hour.stderr).contains("1-hour roll-ups of 28 days"));
    assert_eq!(lines(&hour), want);
}

/// A one-sample spike survives the hour tier as `sar -q` prints it: two hours at 10 s
/// with 3 runnable tasks (runq-sz 2, the sampler not counted) but for one sample at
/// 01:23:40 with 98 (runq-sz 97). The hour tier's rows are the hours' means, near 2; its
/// `Max:` row has 97, the raw row's value; rates and worked-out columns are `-` there.
/// The raw day prints no `Max:`.
#[test]
fn a_spike_survives_in_the_hour_tiers_max() {
    let (host, base) = base();
    let dir = tempdir();
    let date = chrono::NaiveDate::from_ymd_opt(2026, 3, 11).unwrap();
    let midnight = date.and_hms_opt(0, 0, 0).unwrap().and_utc().timestamp();
    let raw = dir.path().join(store::day_file_name(date));
    let (mut w, _) = DayWriter::open(&raw, &host, midnight * 1_000_000_000, 0).unwrap();
    let mut s = base.clone();
    for t in (0..=7200).step_by(10) {
        s.time.wall_ns = (midnight + t) * 1_000_000_000;
        s.time.uptime_cs = 1_000_000 + t as u64 * 100;
        s.kernel.procs_blocked = 0;
        let l = s.load.as_mut().unwrap();
        l.runnable = if t == 5020 { 98 } else { 3 };
        l.tasks = 400;
        w.append_sample(&host, &s).unwrap();
    }
    drop(w);
    rollup::roll_up(dir.path(), today_after(date), &Retention::default()).unwrap();
    let q = |f: &Path| {
        let out = run(&rsar_bin(), &["-q", "-f", f.to_str().unwrap()]);
        assert!(out.status.success(), "{}", text(&out.stderr));
        text(&out.stdout)
    };
    let raw_q = q(&raw);
    assert!(
        raw_q
            .lines()
            .any(|l| l.starts_with("01:23:40") && l.split_whitespace().nth(1) == Some("97")),
        "{raw_q}"
    );
    assert!(!raw_q.contains("Max:"), "{raw_q}");
    let hour = q(&tier_path(dir.path(), date, Tier::HOUR));
    let row = |label: &str| -> Vec<String> {
        let line = hour
            .lines()
            .find(|l| l.starts_with(label))
            .unwrap_or_else(|| panic!("{label}: {hour}"));
        line.split_whitespace()
            .skip(1)
            .map(str::to_string)
            .collect()
    };
    assert_eq!(row("02:00:00")[0], "2", "{hour}");
    // The load averages are the base sample's throughout.
    assert_eq!(
        row("Max:"),
        ["97", "400", "0.25", "0.11", "0.10", "0"],
        "{hour}"
    );
    let cpu = run(
        &rsar_bin(),
        &[
            "-u",
            "-f",
            tier_path(dir.path(), date, Tier::HOUR).to_str().unwrap(),
        ],
    );
    let cpu = text(&cpu.stdout);
    let max = cpu
        .lines()
        .find(|l| l.starts_with("Max:"))
        .unwrap_or_else(|| panic!("{cpu}"));
    assert!(max.split_whitespace().skip(2).all(|c| c == "-"), "{cpu}");
}

/// A month of raw days whose oldest days have only their roll-ups (the ten oldest are past
/// the raw retention, the five oldest past the minute tier's too): every reader takes each
/// day from the finest file it has — sar's reports across the month, typed as people type
/// it (`-s DATE -e DATE`, `--since 31d`), `export` and `explain` (window and baseline) —
/// says which tiers on stderr, and `-i SECS` at least a tier's interval reads that tier.
/// The averages are the raw month's.
#[test]
fn every_reader_takes_each_day_from_the_finest_file_it_has() {
    let base = base();
    let dir = tempdir();
    let d = dir.path().to_str().unwrap();
    let today = chrono::Local::now().date_naive();
    let day = |i: i64| today - chrono::Duration::days(30 - i);
    for i in 0..30 {
        raw_day(dir.path(), day(i), &base, 500 + i as u64, 2, 20, None);
    }
    let (first, last) = (day(0).to_string(), day(29).to_string());
    let rsar = |args: &[&[&str]]| run(&rsar_bin(), &args.concat());
    let month = |extra: &[&str]| rsar(&[&["-u", "--log-dir", d, "-s", &first, "-e", &last], extra]);
    let raw = month(&[]);
    assert!(raw.status.success(), "{}", text(&raw.stderr));
    assert_eq!(text(&raw.stderr), "");
    let out = run(&rsadc_bin(), &["--rollup", d]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    for i in 0..10 {
        std::fs::remove_file(dir.path().join(store::day_file_name(day(i)))).unwrap();
        if i < 5 {
            std::fs::remove_file(tier_path(dir.path(), day(i), Tier::MINUTE)).unwrap();
        }
    }
    let averages = |o: &std::process::Output| {
        assert!(o.status.success(), "{}", text(&o.stderr));
        text(&o.stdout)
            .lines()
            .filter(|l| l.starts_with("Average:"))
            .map(str::to_string)
            .collect::<Vec<_>>()
    };
    let want = averages(&raw);
    assert_eq!(want.len(), 30, "a boot a day: {want:?}");
    let finest = format!(
        "rsar: read from the 1-minute roll-ups of 5 days, {} to {} and the 1-hour roll-ups of 5 days, {} to {} and 20 raw day files\n",
        day(5),
        day(9),
        day(0),
        day(4)
    );
    let tiered = month(&[]);
    assert_eq!(text(&tiered.stderr), finest);
    assert_eq!(averages(&tiered), want);
    // The same month as a length back from now (its first day's samples are after
    // midnight: 31 days back from any time today covers them).
    let since = run(&rsar_bin(), &["-u", "--log-dir", d, "--since", "31d"]);
    assert_eq!(text(&since.stderr), finest);
    assert_eq!(averages(&since), want);
    // -i at least a tier's interval: that tier, wherever the day has it.
    let hourly = month(&["-i", "3600"]);
    assert_eq!(
        text(&hourly.stderr),
        format!("rsar: read from the 1-hour roll-ups of 30 days, {first} to {last}\n")
    );
    assert_eq!(averages(&hourly), want);
    let minutely = month(&["-i", "60"]);
    assert_eq!(
        text(&minutely.stderr),
        format!(
            "rsar: read from the 1-minute roll-ups of 25 days, {} to {last} and the 1-hour roll-ups of 5 days, {first} to {}\n",
            day(5),
            day(4)
        )
    );
    assert_eq!(averages(&minutely), want);

    // export: the same files, said the same way; the oldest day's samples are there, an
    // hour apart (its 1-hour roll-up: 00:00, 01:00 and the boot's last at 02:00).
    let export = run(
        &rsar_bin(),
        &["export", "--log-dir", d, "-s", &first, "-e", &last],
    );
    assert!(export.status.success(), "{}", text(&export.stderr));
    assert_eq!(text(&export.stderr), finest);
    let midnight = day(0).and_hms_opt(0, 0, 0).unwrap().and_utc().timestamp();
    let stamps: std::collections::BTreeSet<i64> = text(&export.stdout)
        .lines()
        .filter(|l| l.starts_with("node_load1{"))
        .filter_map(|l| l.rsplit(' ').next()?.split('.').next()?.parse().ok())
        .filter(|t| (midnight..midnight + 86_400).contains(t))
        .collect();
    assert_eq!(
        stamps.into_iter().collect::<Vec<_>>(),
        vec![midnight, midnight + 3600, midnight + 7200]
    );

    // explain: a window on a day kept as its minute roll-up, against the half hour
    // before it (the same file) and against the day before (its minute roll-up too).
    let (on, before) = (day(7).to_string(), day(6).to_string());
    let (from, to) = (format!("{on} 01:00"), format!("{on} 01:30"));
    let explain =
        |extra: &[&str]| rsar(&[&["explain", "--log-dir", d, "-s", &from, "-e", &to], extra]);
    let e = explain(&[]);
    assert!(e.status.success(), "{}", text(&e.stderr));
    assert_eq!(
        text(&e.stderr),
        format!(
            "rsar: read from the 1-minute roll-up of {on}\nrsar: the baseline: read from the 1-minute roll-up of {on}\n"
        )
    );
    let e = explain(&["--baseline", "yesterday"]);
    assert!(e.status.success(), "{}", text(&e.stderr));
    assert_eq!(
        text(&e.stderr),
        format!(
            "rsar: read from the 1-minute roll-up of {on}\nrsar: the baseline: read from the 1-minute roll-up of {before}\n"
        )
    );
}
