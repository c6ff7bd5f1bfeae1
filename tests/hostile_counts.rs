//! Counts and names read from a file bound nothing by themselves: a sysstat file or an rsar
//! log that claims more CPUs than a kernel can have, or a host name longer than utsname
//! holds, is damage, reported in one line with exit status 2, and a header's CPU count
//! never sizes a report beyond what the records hold.
//!
//! Every binary here runs under a limit on its address space and on the size of what it
//! writes, and is killed if it has not finished in `KILL_AFTER`: an allocation or an output
//! without bound, or a hang, fails the test instead of taking the machine or CI with it.
//! The limits are generous (a healthy run of these files needs about 25 MB of address
//! space and 13 MB resident in a debug build, and well under a second), so that a slow or
//! busy machine never fails them.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failure report

mod common;

use common::{record, rsadc_bin, rsar_bin, tempdir, text};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Address space a child may map.
const ADDRESS_SPACE: u64 = 200 << 20;
/// Bytes a child may write to one file (its stdout).
const OUTPUT: u64 = 64 << 20;
/// A child still running after this is killed, and the test fails.
const KILL_AFTER: Duration = Duration::from_secs(20);

struct Run {
    /// `None`: killed by a signal (an abort on a failed allocation, SIGXFSZ).
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

/// Run `bin` with `args` under the limits above, its output in files (never a pipe that
/// could fill).
fn bounded(bin: &Path, args: &[&str]) -> Run {
    let out = tempfile::NamedTempFile::new().unwrap();
    let err = tempfile::NamedTempFile::new().unwrap();
    let mut cmd = Command::new(bin);
    cmd.args(args)
        .env("TZ", "UTC")
        .env("LC_ALL", "C")
        .env_remove("S_TIME_FORMAT")
        .stdin(Stdio::null())
        .stdout(out.reopen().unwrap())
        .stderr(err.reopen().unwrap());
    // SAFETY: between fork and exec the closure only calls setrlimit(2), which is
    // async-signal-safe, and allocates nothing.
    unsafe {
        cmd.pre_exec(|| {
            use nix::sys::resource::{setrlimit, Resource};
            setrlimit(Resource::RLIMIT_AS, ADDRESS_SPACE, ADDRESS_SPACE)?;
            setrlimit(Resource::RLIMIT_FSIZE, OUTPUT, OUTPUT)?;
            Ok(())
        });
    }
    let mut child = cmd.spawn().unwrap();
    let started = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if started.elapsed() > KILL_AFTER {
            child.kill().unwrap();
            child.wait().unwrap();
            panic!(
                "{} {args:?} was still running after {KILL_AFTER:?}: killed",
                bin.display()
            );
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    Run {
        code: status.code(),
        stdout: text(&std::fs::read(out.path()).unwrap()),
        stderr: text(&std::fs::read(err.path()).unwrap()),
    }
}

fn damaged_sa(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/damaged-sa")
        .join(name)
}

/// The damaged files and what their one line must say.
const DAMAGED_SA: [(&str, &str); 4] = [
    (
        "sa-cpus-4278190089",
        "the file header claims 4278190089 CPUs",
    ),
    ("sa-import-hang", "the file header claims 524290 CPUs"),
    (
        "sa-import-restart-hang",
        "a restart record claims 1788927 CPUs",
    ),
    ("sa-json-1.7GB", "the file header claims 16777225 CPUs"),
];

#[test]
fn each_damaged_sa_file_gives_one_line_and_exit_2() {
    for (name, why) in DAMAGED_SA {
        let path = damaged_sa(name);
        let f = path.to_str().unwrap();
        for args in [vec!["-A", "-f", f], vec!["--format", "json", "-A", "-f", f]] {
            let run = bounded(&rsar_bin(), &args);
            assert_eq!(run.code, Some(2), "{args:?}: {}", run.stderr);
            assert_eq!(run.stderr.lines().count(), 1, "{args:?}: {}", run.stderr);
            assert!(
                run.stderr.contains(f) && run.stderr.contains(why),
                "{args:?}: {}",
                run.stderr
            );
        }
    }
}

#[test]
fn importing_a_damaged_sa_file_exits_2_and_writes_only_days_rsar_reads() {
    for (name, why) in DAMAGED_SA {
        let dir = tempdir();
        let d = dir.path().to_str().unwrap();
        let path = damaged_sa(name);
        let run = bounded(&rsadc_bin(), &["--import", path.to_str().unwrap(), d]);
        assert_eq!(run.code, Some(2), "{name}: {}", run.stderr);
        assert!(run.stderr.contains(why), "{name}: {}", run.stderr);
        // Whatever was written, rsar reads in bounded time and memory.
        for day in std::fs::read_dir(dir.path()).unwrap() {
            let day = day.unwrap().path();
            let run = bounded(&rsar_bin(), &["-A", "-f", day.to_str().unwrap()]);
            assert!(
                matches!(run.code, Some(0 | 2)),
                "{name}: {}: {}",
                day.display(),
                run.stderr
            );
        }
    }
}

/// `healthy` (a log rsadc recorded: three samples, a reboot, two more) with its header's
/// host facts changed by `change` and a checksum that matches: a valid header that lies.
fn lying(healthy: &Path, change: impl Fn(&mut rsar::sample::HostFacts)) -> PathBuf {
    let bytes = std::fs::read(healthy).unwrap();
    let (mut header, len) = rsar::store::FileHeader::decode(&bytes).unwrap();
    change(&mut header.host);
    let mut lying = header.encode();
    lying.extend_from_slice(&bytes[len..]);
    let path = healthy.with_file_name("lying");
    std::fs::write(&path, lying).unwrap();
    path
}

/// The JSON report's statistics, without the host object (which shows the header).
fn statistics(json: &str) -> serde_json::Value {
    let v: serde_json::Value = serde_json::from_str(json).unwrap();
    v["sysstat"]["hosts"][0]["statistics"].clone()
}

#[test]
fn a_header_claiming_more_cpus_than_a_kernel_has_is_damage() {
    let dir = tempdir();
    let healthy = record(dir.path());
    let want = bounded(
        &rsar_bin(),
        &["--format", "json", "-A", "-f", healthy.to_str().unwrap()],
    );
    assert_eq!(want.code, Some(0), "{}", want.stderr);
    for cpus in [8193, 65_536, 1 << 24, u32::MAX] {
        let path = lying(&healthy, |h| h.cpu_count = cpus);
        let f = path.to_str().unwrap();
        let table = bounded(&rsar_bin(), &["-A", "-f", f]);
        let json = bounded(&rsar_bin(), &["--format", "json", "-A", "-f", f]);
        for run in [&table, &json] {
            assert_eq!(run.code, Some(2), "{cpus} CPUs: {}", run.stderr);
            assert!(
                run.stderr
                    .contains("damaged header (CPU count above the kernel's limit of 8192)"),
                "{cpus} CPUs: {}",
                run.stderr
            );
        }
        // The records are read all the same.
        assert_eq!(
            statistics(&json.stdout),
            statistics(&want.stdout),
            "{cpus} CPUs"
        );
    }
}

#[test]
fn columns_per_cpu_are_made_for_the_cpus_the_records_hold() {
    // 8192 CPUs is a count a kernel can have: the header is not damaged, but the records
    // hold 2 CPUs, and no report makes columns for the other 8190.
    let dir = tempdir();
    let healthy = record(dir.path());
    let lying = lying(&healthy, |h| h.cpu_count = 8192);
    for format in ["table", "json", "csv", "jsonl"] {
        let run = |path: &Path| {
            let run = bounded(
                &rsar_bin(),
                &["--format", format, "-A", "-f", path.to_str().unwrap()],
            );
            assert_eq!(run.code, Some(0), "{format}: {}", run.stderr);
            run.stdout
        };
        let (want, got) = (run(&healthy), run(&lying));
        assert!(want.contains("CPU1"), "{format}: -I has a column per CPU");
        assert!(
            !got.contains("CPU2"),
            "{format}: a column for a CPU not recorded"
        );
        if format == "json" {
            assert_eq!(statistics(&got), statistics(&want));
        } else {
            // Only the banner's count differs.
            assert_eq!(got.replace("(8192 CPU)", "(2 CPU)"), want, "{format}");
        }
    }
}

#[test]
fn a_host_name_longer_than_utsname_is_damage() {
    let dir = tempdir();
    let healthy = record(dir.path());
    let long = "h".repeat(60_000);
    let path = lying(&healthy, |h| h.hostname = long.clone());
    let f = path.to_str().unwrap();
    for args in [vec!["-A", "-f", f], vec!["export", "-f", f]] {
        let run = bounded(&rsar_bin(), &args);
        assert_eq!(run.code, Some(2), "{args:?}: {}", run.stderr);
        assert!(
            run.stderr
                .contains("damaged header (host name longer than the kernel's 64 bytes)"),
            "{args:?}: {}",
            run.stderr
        );
        assert!(!run.stdout.is_empty(), "{args:?}: the records are read");
        assert!(
            !run.stdout.contains(&long[..65]),
            "{args:?}: the name is not repeated"
        );
    }
}

#[test]
fn rsadc_never_writes_host_facts_no_reader_accepts() {
    // A captured tree can say what no kernel does; a log of it would read as damaged.
    let tree = tempdir();
    let copied = Command::new("cp")
        .arg("-a")
        .arg(common::fixture("t0").join("."))
        .arg(tree.path())
        .status()
        .unwrap();
    assert!(copied.success());
    std::fs::write(tree.path().join("proc/sys/kernel/hostname"), "h".repeat(65)).unwrap();
    let logs = tempdir();
    let out = common::sample_tree(tree.path(), 0, logs.path().to_str().unwrap());
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("host name longer than the kernel's 64 bytes"),
        "{}",
        text(&out.stderr)
    );
    // Nothing a reader would call damaged is left behind.
    for day in std::fs::read_dir(logs.path()).unwrap() {
        let day = day.unwrap().path();
        let run = bounded(&rsar_bin(), &["-A", "-f", day.to_str().unwrap()]);
        assert!(!run.stderr.contains("damaged"), "{}", run.stderr);
    }
}

#[test]
fn a_cpu_number_beyond_any_kernel_is_damage() {
    // Interrupt counts are kept per CPU number: CPU 4,000,000,000 must not size a table.
    let dir = tempdir();
    let healthy = record(dir.path());
    let log = rsar::store::read_log(&healthy).unwrap();
    let host = &log.header.host;
    let mut samples = common::samples_of(&log);
    samples.truncate(3);
    let path = dir.path().join("far-cpu");
    let (mut w, _) = rsar::store::DayWriter::open(&path, host, samples[0].time.wall_ns, 0).unwrap();
    for s in &mut samples {
        let last = s.interrupts.cpus.last_mut().expect("interrupts recorded");
        *last = 4_000_000_000;
        w.append_sample(host, s).unwrap();
    }
    drop(w);
    let run = bounded(
        &rsar_bin(),
        &["-I", "ALL", "-P", "ALL", "-f", path.to_str().unwrap()],
    );
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert!(run.stderr.contains("damaged records"), "{}", run.stderr);
}

#[test]
fn an_import_keeps_the_intact_records_of_a_damaged_sa_file_and_exits_2() {
    let sadc = Path::new("/usr/lib/sysstat/sadc");
    if !sadc.exists() {
        common::oracle_missing(&format!("{} (apt-get install sysstat)", sadc.display()));
        return;
    }
    let dir = tempdir();
    let sa = dir.path().join("sa.test");
    let recorded = Command::new(sadc)
        .args(["1", "3", sa.to_str().unwrap()])
        .status()
        .unwrap();
    assert!(recorded.success());
    // Cut inside the last record: two intact samples, then damage.
    let bytes = std::fs::read(&sa).unwrap();
    std::fs::write(&sa, &bytes[..bytes.len() - 10]).unwrap();
    let logs = dir.path().join("logs");
    std::fs::create_dir(&logs).unwrap();
    let run = bounded(
        &rsadc_bin(),
        &["--import", sa.to_str().unwrap(), logs.to_str().unwrap()],
    );
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert!(
        run.stderr.contains("records into") && run.stderr.contains("the file is cut at byte"),
        "{}",
        run.stderr
    );
    let days: Vec<PathBuf> = std::fs::read_dir(&logs)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert!(!days.is_empty());
    for day in days {
        let run = bounded(&rsar_bin(), &["-u", "-f", day.to_str().unwrap()]);
        assert_eq!(run.code, Some(0), "{}: {}", day.display(), run.stderr);
        assert!(run.stdout.contains("Average:"), "{}", run.stdout);
    }
}
