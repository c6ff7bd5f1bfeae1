//! rsadc end to end: the real binary over real and captured /proc trees, with a simulated
//! clock where time matters (midnight, DST, a clock set back).

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failure report

#[path = "../../tests/common/oracle.rs"]
mod common;

use rsar::sample::Sample;
use rsar::store::{self, Record};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Duration;

fn rsadc(tz: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_rsadc"))
        .args(args)
        .env("TZ", tz)
        .output()
        .unwrap()
}

fn samples(path: &Path) -> Vec<Sample> {
    store::read_log(path)
        .unwrap()
        .records
        .into_iter()
        .filter_map(|(_, r)| match r {
            Record::Sample(s) => Some(*s),
            _ => None,
        })
        .collect()
}

fn dir() -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    std::fs::set_permissions(d.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    d
}

/// 2026-11-21 23:59:57 UTC.
const BEFORE_MIDNIGHT: i64 = 1_763_769_597;

#[test]
fn midnight_closes_the_old_day_and_opens_the_new_one() {
    let d = dir();
    let out = rsadc(
        "UTC",
        &[
            "--fake-clock",
            &BEFORE_MIDNIGHT.to_string(),
            "1",
            "6",
            d.path().to_str().unwrap(),
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let old = samples(&d.path().join("rsar20251121"));
    let new = samples(&d.path().join("rsar20251122"));
    let secs = |v: &[Sample]| {
        v.iter()
            .map(|s| s.time.wall_ns / 1_000_000_000)
            .collect::<Vec<_>>()
    };
    let m = BEFORE_MIDNIGHT + 3;
    assert_eq!(
        secs(&old),
        [m - 3, m - 2, m - 1, m],
        "the midnight sample ends the old day"
    );
    assert_eq!(secs(&new), [m, m + 1, m + 2], "and starts the new one");
    assert_eq!(old.last(), new.first());
}

#[test]
fn a_dst_day_stays_one_file_in_order() {
    let d = dir();
    // 2026-10-25 00:59:58 UTC is 02:59:58 CEST; at 01:00 UTC Berlin falls back to 02:00 CET.
    let out = rsadc(
        "Europe/Berlin",
        &[
            "--fake-clock",
            "1792889998",
            "1",
            "5",
            d.path().to_str().unwrap(),
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let days = store::list_days(d.path()).unwrap();
    assert_eq!(days.len(), 1, "{days:?}");
    assert_eq!(days[0].0.to_string(), "2026-10-25");
    let s = samples(&days[0].1);
    assert_eq!(s.len(), 5);
    assert!(s.windows(2).all(|w| w[1].time.wall_ns > w[0].time.wall_ns));
}

#[test]
fn a_clock_set_back_appends_in_arrival_order() {
    let d = dir();
    let path = d.path().to_str().unwrap();
    // 12:00 then, after the clock was set back an hour, 11:00 of the same day.
    let noon = BEFORE_MIDNIGHT - 43_197;
    for t in [noon, noon - 3600] {
        let out = rsadc("UTC", &["--fake-clock", &t.to_string(), "1", "2", path]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let s = samples(&d.path().join("rsar20251121"));
    let secs: Vec<i64> = s.iter().map(|s| s.time.wall_ns / 1_000_000_000).collect();
    assert_eq!(secs, [noon, noon + 1, noon - 3600, noon - 3599]);
    // Uptime kept going forward: the intervals are still real ones.
    assert!(s
        .windows(2)
        .all(|w| w[1].time.uptime_cs >= w[0].time.uptime_cs));
}

#[test]
fn boot_and_comment_records() {
    let d = dir();
    let path = d.path().to_str().unwrap();
    for args in [
        &["--boot", path][..],
        &["--comment", "kernel 6.18 installed", path][..],
        &["1", "1", path][..],
    ] {
        let out = rsadc("UTC", args);
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let log = store::read_log(&store::list_days(d.path()).unwrap()[0].1).unwrap();
    let kinds: Vec<String> = log
        .records
        .iter()
        .map(|(_, r)| match r {
            Record::Sample(_) => "sample".to_string(),
            Record::Restart { .. } => "restart".to_string(),
            Record::Comment { text, .. } => format!("comment {text}"),
            Record::Processes(t) => {
                assert!(!t.processes.is_empty(), "an empty process table");
                "processes".to_string()
            }
            Record::Rollup(_) => "rollup".to_string(),
        })
        .collect();
    // The process table is recorded with the sample by default.
    assert_eq!(
        kinds,
        [
            "restart",
            "comment kernel 6.18 installed",
            "sample",
            "processes"
        ]
    );
}

#[test]
fn a_second_collector_on_the_same_file_is_refused() {
    let d = dir();
    let file = d.path().join("rsar.log");
    let mut first = Command::new(env!("CARGO_BIN_EXE_rsadc"))
        .args(["--file", file.to_str().unwrap(), "0.2"])
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Wait for the first sample to land.
    for _ in 0..100 {
        if file.exists() && std::fs::metadata(&file).unwrap().len() > 100 {
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let service = rsadc("UTC", &["--file", file.to_str().unwrap(), "1"]);
    assert_eq!(
        service.status.code(),
        Some(2),
        "a file it cannot use is a data problem"
    );
    assert!(String::from_utf8_lossy(&service.stderr).contains("another rsadc is writing"));
    // An existing rsar log named in place of a directory is written as one file.
    let cron = rsadc("UTC", &["1", "1", file.to_str().unwrap()]);
    assert!(
        cron.status.success(),
        "cron mode skips the sample and exits 0"
    );
    assert!(String::from_utf8_lossy(&cron.stderr).contains("sample skipped"));
    // SIGTERM: the first finishes its record and exits 0.
    nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(first.id() as i32),
        nix::sys::signal::Signal::SIGTERM,
    )
    .unwrap();
    let status = first.wait().unwrap();
    assert!(status.success(), "{status:?}");
    let log = store::read_log(&file).unwrap();
    assert!(log.damage.is_clean());
    assert_eq!(log.torn_tail, 0, "no half-written record after SIGTERM");
}

#[test]
fn kill_9_at_random_moments_never_loses_a_finished_record() {
    let d = dir();
    let file = d.path().join("rsar.log");
    let mut seen: Vec<Sample> = Vec::new();
    let mut rng = 0x2545f4914f6cdd1du64;
    for round in 0..25 {
        let mut child = Command::new(env!("CARGO_BIN_EXE_rsadc"))
            .args(["--file", file.to_str().unwrap(), "0.01"])
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        // Once this round has written something (a loaded machine can take longer than
        // the whole sleep just to start rsadc), kill it at a random moment of its writing.
        let before = std::fs::metadata(&file).map_or(0, |m| m.len());
        let started = std::time::Instant::now();
        while std::fs::metadata(&file).map_or(0, |m| m.len()) == before
            && started.elapsed() < Duration::from_secs(20)
        {
            std::thread::sleep(Duration::from_millis(2));
        }
        std::thread::sleep(Duration::from_millis(rng % 80));
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        let log = store::parse_log(&file, &std::fs::read(&file).unwrap()).unwrap();
        assert!(log.damage.is_clean(), "round {round}: {:?}", log.damage);
        let now: Vec<Sample> = log
            .records
            .into_iter()
            .filter_map(|(_, r)| match r {
                Record::Sample(s) => Some(*s),
                _ => None,
            })
            .collect();
        // Everything readable before this round is still there, in order.
        assert!(now.len() >= seen.len(), "round {round}");
        assert_eq!(now[..seen.len()], seen[..], "round {round}");
        seen = now;
    }
    assert!(seen.len() >= 25, "samples were written: {}", seen.len());
}

#[test]
fn retention_and_compression_run_with_the_collector() {
    let d = dir();
    let path = d.path().to_str().unwrap();
    // Make a real day file, then copies of it under old dates.
    let out = rsadc("UTC", &["--fake-clock", "1763683200", "1", "2", path]); // 2025-11-21 00:00
    assert!(out.status.success());
    let today = d.path().join("rsar20251121");
    for old in ["rsar20251001", "rsar20251119", "rsar20251120"] {
        std::fs::copy(&today, d.path().join(old)).unwrap();
    }
    let out = rsadc(
        "UTC",
        &[
            "--fake-clock",
            "1763690400",
            "--retain-days",
            "28",
            "1",
            "1",
            path,
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let names: Vec<String> = store::list_days(d.path())
        .unwrap()
        .iter()
        .map(|(_, p, _)| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    // 2025-10-01 is past 28 days; the 19th is older than a day; yesterday stays as it is.
    assert_eq!(names, ["rsar20251119.zst", "rsar20251120", "rsar20251121"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("deleted") && stderr.contains("compressed"),
        "{stderr}"
    );
    assert_eq!(samples(&d.path().join("rsar20251119.zst")).len(), 2);
}

#[test]
fn a_group_writable_log_directory_is_refused() {
    let d = dir();
    std::fs::set_permissions(d.path(), std::fs::Permissions::from_mode(0o775)).unwrap();
    let out = rsadc("UTC", &["1", "1", d.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let e = String::from_utf8_lossy(&out.stderr);
    assert!(e.contains("writable by its group"), "{e}");
    assert!(store::list_days(d.path()).unwrap().is_empty());
}

#[test]
fn bad_arguments_are_named() {
    for (args, says) in [
        (&["0", "1"][..], "INTERVAL"),
        (&["1", "0"][..], "COUNT"),
        (&["--interval", "1", "2"][..], "once"),
        // The same words as rsar's for the same interval.
        (
            &["0.0001", "2"][..],
            "INTERVAL must be between 0.01 and 86400 seconds, not 0.0001",
        ),
        (
            &["--interval", "0.001"][..],
            "INTERVAL must be between 0.01 and 86400 seconds",
        ),
    ] {
        let out = rsadc("UTC", args);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        assert!(
            String::from_utf8_lossy(&out.stderr).contains(says),
            "{args:?}"
        );
    }
}

/// The captured trees, for runs over fixed /proc contents.
pub fn fixture(t: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/fixtures/vm-6.18")
        .join(t)
}

#[test]
fn proc_and_sys_roots_come_from_the_arguments() {
    let d = dir();
    let file = d.path().join("x.rsar");
    for t in ["t0", "t1"] {
        let root = fixture(t);
        let out = rsadc(
            "UTC",
            &[
                "--proc-root",
                root.join("proc").to_str().unwrap(),
                "--sys-root",
                root.join("sys").to_str().unwrap(),
                "--file",
                file.to_str().unwrap(),
                "1",
                "1",
            ],
        );
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let s = samples(&file);
    assert_eq!(
        s.iter().map(|s| s.time.uptime_cs).collect::<Vec<_>>(),
        [53475, 53801]
    );
    let log = store::read_log(&file).unwrap();
    assert_eq!(log.header.host.hostname, "vm");
    assert_eq!(log.header.host.release, "6.18.44-fc-v595");
}

#[test]
fn no_snmp_leaves_out_only_the_snmp_files() {
    let d = dir();
    let root = fixture("t0");
    let (proc_root, sys_root) = (root.join("proc"), root.join("sys"));
    let record = |file: &Path, extra: &[&str]| {
        let mut args = vec![
            "--proc-root",
            proc_root.to_str().unwrap(),
            "--sys-root",
            sys_root.to_str().unwrap(),
            "--file",
            file.to_str().unwrap(),
        ];
        args.extend(extra);
        args.extend(["1", "1"]);
        let out = rsadc("UTC", &args);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        samples(file).remove(0)
    };
    let all = record(&d.path().join("all.rsar"), &[]);
    assert!(all.snmp.is_some() && all.snmp6.is_some());
    let lean = record(&d.path().join("lean.rsar"), &["--no-snmp"]);
    assert!(lean.snmp.is_none() && lean.snmp6.is_none());
    assert!(lean.sockets.is_some() && lean.sockets6.is_some() && !lean.softnet.is_empty());
}

/// `rsadc --listen ADDR` serving the fixture tree t0 (nothing recorded), with the address
/// of the first "serving metrics on" line; killed when dropped.
struct Served {
    child: std::process::Child,
    addr: String,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn serve(listen: &str) -> Served {
    use std::io::BufRead;
    let root = fixture("t0");
    let mut child = Command::new(env!("CARGO_BIN_EXE_rsadc"))
        .args(["--listen", listen])
        .arg("--proc-root")
        .arg(root.join("proc"))
        .arg("--sys-root")
        .arg(root.join("sys"))
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = std::io::BufReader::new(child.stderr.take().unwrap()).lines();
    let line = lines.next().unwrap().unwrap();
    let addr = line
        .strip_prefix("rsadc: serving metrics on http://")
        .and_then(|a| a.strip_suffix("/metrics"))
        .unwrap_or_else(|| panic!("no address in {line:?}"))
        .to_string();
    std::thread::spawn(move || for _ in lines {});
    Served { child, addr }
}

/// One raw HTTP/1.1 request; the whole answer, head and body.
fn request(addr: &str, method: &str) -> String {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    write!(
        s,
        "{method} /metrics HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut answer = String::new();
    s.read_to_string(&mut answer).unwrap();
    answer
}

#[test]
fn head_metrics_answers_the_headers_of_get_without_a_body() {
    let served = serve("127.0.0.1:0");
    let get = request(&served.addr, "GET");
    let head = request(&served.addr, "HEAD");
    let (get_head, get_body) = get.split_once("\r\n\r\n").unwrap();
    assert!(get_head.starts_with("HTTP/1.1 200 OK\r\n"), "{get_head}");
    assert!(get_body.contains("node_load1 "), "{get_body}");
    // The same status and headers, Content-Length included; not one byte of body.
    assert_eq!(head, format!("{get_head}\r\n\r\n"));
    assert!(head.contains(&format!("Content-Length: {}\r\n", get_body.len())));
    assert!(
        head.contains("Content-Type: text/plain; version=0.0.4"),
        "{head}"
    );
}

#[test]
fn listen_takes_a_host_name_and_says_what_it_bound() {
    let served = serve("localhost:0");
    assert!(
        served.addr.starts_with("127.0.0.1:") || served.addr.starts_with("[::1]:"),
        "localhost is a loopback address: {}",
        served.addr
    );
    assert!(request(&served.addr, "GET").starts_with("HTTP/1.1 200 OK"));
}

#[test]
fn a_bad_listen_value_says_what_to_give() {
    for (given, why) in [
        ("localhost", "no port"),
        ("9808", "no port"),
        ("localhost:http", "\"http\" is not a port number"),
        (":9808", "no address before the port"),
        ("::1:9808", "an IPv6 address goes in brackets"),
    ] {
        let out = rsadc("UTC", &["--listen", given]);
        let e = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{given}: {e}");
        assert!(
            e.starts_with(&format!("rsadc: --listen {given:?}: {why}"))
                && e.contains("give an IP address and port, e.g. 127.0.0.1:9808"),
            "{given}: {e}"
        );
    }
}

#[test]
fn an_empty_listen_value_serves_nothing_and_records() {
    let d = dir();
    let out = rsadc(
        "UTC",
        &[
            "--listen=",
            "--fake-clock",
            &BEFORE_MIDNIGHT.to_string(),
            "1",
            "1",
            d.path().to_str().unwrap(),
        ],
    );
    let e = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{e}");
    assert!(!e.contains("serving"), "{e}");
    assert_eq!(samples(&d.path().join("rsar20251121")).len(), 1);
}

#[test]
fn comment_and_boot_reach_the_log_while_the_collector_runs() {
    let d = dir();
    let path = d.path().to_str().unwrap();
    // A link planted where the socket goes: replaced, never followed.
    let outside = dir();
    let victim = outside.path().join("victim");
    std::fs::write(&victim, "precious\n").unwrap();
    std::os::unix::fs::symlink(&victim, d.path().join("rsadc.sock")).unwrap();
    // Killed if the test fails before it is stopped.
    struct Collector(Option<std::process::Child>);
    impl Drop for Collector {
        fn drop(&mut self) {
            if let Some(c) = self.0.as_mut() {
                let _ = c.kill();
                let _ = c.wait();
            }
        }
    }
    let mut collector = Collector(Some(
        Command::new(env!("CARGO_BIN_EXE_rsadc"))
            .args(["--no-processes", "1", path])
            .env("TZ", "UTC")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap(),
    ));
    let socket = d.path().join("rsadc.sock");
    let today = || store::list_days(d.path()).unwrap().pop().map(|(_, p, _)| p);
    // The file exists a moment before its header is written: no sample yet then (the
    // log is read whole, and checked, once the collector has stopped).
    let count = || {
        today()
            .and_then(|p| store::read_log(&p).ok())
            .map_or(0, |log| {
                log.records
                    .iter()
                    .filter(|(_, r)| matches!(r, Record::Sample(_)))
                    .count()
            })
    };
    let wait_for = |what: &str, done: &dyn Fn() -> bool| {
        for _ in 0..300 {
            if done() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("{what}: not after 15 s");
    };
    wait_for("two samples", &|| count() >= 2);
    let comment = rsadc("UTC", &["--comment", "kernel 6.18 installed", path]);
    let boot = rsadc("UTC", &["--boot", path]);
    let before = count();
    wait_for("two more samples", &|| count() >= before + 2);
    let running = collector.0.take().unwrap();
    nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(running.id() as i32),
        nix::sys::signal::Signal::SIGTERM,
    )
    .unwrap();
    let stopped = running.wait_with_output().unwrap();
    let said = String::from_utf8_lossy(&stopped.stderr);
    for (what, out) in [("--comment", &comment), ("--boot", &boot)] {
        assert!(
            out.status.success(),
            "{what}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    assert!(stopped.status.success(), "{said}");
    assert!(
        std::fs::symlink_metadata(&socket).is_err(),
        "the socket outlives its collector"
    );
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious\n");

    let file = today().unwrap();
    let log = store::read_log(&file).unwrap();
    assert!(log.damage.is_clean(), "{:?}", log.damage);
    assert_eq!(log.torn_tail, 0);
    let kinds: Vec<&str> = log
        .records
        .iter()
        .map(|(_, r)| match r {
            Record::Sample(_) => "s",
            Record::Restart { .. } => "restart",
            Record::Comment { .. } => "comment",
            Record::Processes(_) => "processes",
            Record::Rollup(_) => "rollup",
        })
        .filter(|k| *k != "s")
        .collect();
    // The two records handed over, in order, between samples.
    assert_eq!(kinds, ["comment", "restart"], "{said}");
    // No sample lost: one on every tick from the first to the last.
    let secs: Vec<i64> = samples(&file)
        .iter()
        .map(|s| (s.time.wall_ns + 500_000_000).div_euclid(1_000_000_000))
        .collect();
    let expected: Vec<i64> = (secs[0]..=*secs.last().unwrap()).collect();
    assert_eq!(secs, expected, "{said}");

    // rsar shows both, as sar shows a comment (-C) and a restart.
    let rsar = Command::new(PathBuf::from(env!("CARGO_BIN_EXE_rsadc")).with_file_name("rsar"))
        .args(["-u", "-C", "-f", file.to_str().unwrap()])
        .env("TZ", "UTC")
        .env("LC_ALL", "C")
        .output()
        .unwrap();
    let report = String::from_utf8_lossy(&rsar.stdout);
    assert!(
        rsar.status.success(),
        "{}",
        String::from_utf8_lossy(&rsar.stderr)
    );
    let com = report.find("COM kernel 6.18 installed");
    let restarts: Vec<usize> = report
        .match_indices("LINUX RESTART")
        .map(|(i, _)| i)
        .collect();
    assert!(
        matches!((com, restarts.last()), (Some(c), Some(&r)) if c < r),
        "{report}"
    );
}

#[test]
fn a_comment_reaches_a_service_before_its_first_sample() {
    let d = dir();
    let path = d.path().to_str().unwrap();
    // An hour between samples: the comment comes long before the first one.
    let mut service = Command::new(env!("CARGO_BIN_EXE_rsadc"))
        .args(["--no-processes", "3600", path])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    for _ in 0..300 {
        if d.path().join("rsadc.sock").exists() {
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let comment = rsadc("UTC", &["--comment", "before the first sample", path]);
    nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(service.id() as i32),
        nix::sys::signal::Signal::SIGTERM,
    )
    .unwrap();
    assert!(service.wait().unwrap().success());
    assert!(
        comment.status.success(),
        "{}",
        String::from_utf8_lossy(&comment.stderr)
    );
    let file = store::list_days(d.path()).unwrap().pop().unwrap().1;
    let texts: Vec<String> = store::read_log(&file)
        .unwrap()
        .records
        .into_iter()
        .filter_map(|(_, r)| match r {
            Record::Comment { text, .. } => Some(text),
            _ => None,
        })
        .collect();
    assert_eq!(texts, ["before the first sample"]);
}

/// Test cgroups made in this host's v2 hierarchy (rsadc's tests run as root), removed
/// when dropped, even when the test fails.
struct TestCgroups(PathBuf);

impl TestCgroups {
    /// `cgwire-NAME-PID` with `n` children, or `None` where there is no v2 hierarchy we
    /// may write.
    fn make(name: &str, n: usize) -> Option<TestCgroups> {
        let root = ["/sys/fs/cgroup/unified", "/sys/fs/cgroup"]
            .into_iter()
            .map(Path::new)
            .find(|p| p.join("cgroup.procs").exists() && p.join("cgroup.controllers").exists())?;
        let top = root.join(format!("rsadc-{name}-{}", std::process::id()));
        std::fs::create_dir(&top).ok()?;
        let made = TestCgroups(top);
        for i in 0..n {
            std::fs::create_dir(made.0.join(format!("c{i}"))).unwrap();
        }
        Some(made)
    }

    /// The path as recorded: below the hierarchy's root.
    fn path(&self) -> String {
        self.0.file_name().unwrap().to_str().unwrap().to_string()
    }
}

impl Drop for TestCgroups {
    fn drop(&mut self) {
        if let Ok(dir) = std::fs::read_dir(&self.0) {
            for e in dir.flatten().filter(|e| e.path().is_dir()) {
                let _ = std::fs::remove_dir(e.path());
            }
        }
        let _ = std::fs::remove_dir(&self.0);
    }
}

/// By default rsadc records every cgroup, each with its inode, and the limits of each in
/// the first sample of a day's file (the midnight sample starts the new day with them
/// all), then only those that change; `--cgroup-exclude`, `--cgroup-depth` and
/// `--no-cgroups` record less; a bad pattern is a usage error.
#[test]
fn cgroups_are_recorded_with_their_limits_at_the_start_of_each_day() {
    let Some(cg) = TestCgroups::make("record", 3) else {
        common::oracle_missing("a writable cgroup v2 hierarchy (run as root)");
        return;
    };
    let top = cg.path();
    let d = dir();
    let clock = BEFORE_MIDNIGHT.to_string();
    let out = rsadc(
        "UTC",
        &["--fake-clock", &clock, "1", "6", d.path().to_str().unwrap()],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let old = samples(&d.path().join("rsar20251121"));
    let new = samples(&d.path().join("rsar20251122"));
    for (day, s) in [("old", &old), ("new", &new)] {
        let first = &s[0];
        let ours: Vec<_> = first
            .cgroups
            .iter()
            .filter(|c| c.path.starts_with(&top))
            .collect();
        assert_eq!(ours.len(), 4, "{day} day: {:?}", first.cgroups);
        assert!(
            first.cgroups.iter().any(|c| c.path.is_empty()),
            "the root is recorded"
        );
        let mut inodes: Vec<u64> = ours.iter().map(|c| c.inode).collect();
        inodes.dedup();
        assert_eq!(inodes.len(), 4, "each cgroup its own inode");
        // Every cgroup's limits in the day's first sample.
        let with_limits: Vec<&str> = first
            .cgroup_limits
            .iter()
            .map(|l| l.path.as_str())
            .collect();
        for c in &first.cgroups {
            assert!(
                with_limits.contains(&c.path.as_str()),
                "{day} day: no limits for {:?}",
                c.path
            );
        }
        assert!(first.cgroup_tree.is_some());
    }
    // Between, only the limits that changed: none of ours.
    for s in &old[1..old.len() - 1] {
        assert!(
            !s.cgroup_limits.iter().any(|l| l.path.starts_with(&top)),
            "{:?}",
            s.cgroup_limits
        );
    }

    let one = |extra: &[&str]| {
        let file = d.path().join(format!("one-{}", extra.len()));
        let mut args = extra.to_vec();
        args.extend(["--file", file.to_str().unwrap(), "1", "1"]);
        let out = rsadc("UTC", &args);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        samples(&file).remove(0)
    };
    let excluded = one(&["--cgroup-exclude", &format!("^{top}/c[12]$")]);
    let paths: Vec<&str> = excluded.cgroups.iter().map(|c| c.path.as_str()).collect();
    assert!(paths.contains(&format!("{top}/c0").as_str()), "{paths:?}");
    let gone = [format!("{top}/c1"), format!("{top}/c2")];
    assert!(
        !paths.iter().any(|p| gone.iter().any(|g| g == p)),
        "{paths:?}"
    );
    let shallow = one(&["--cgroup-depth", "0", "--cgroup-include", "^$"]);
    assert_eq!(
        shallow.cgroups.len(),
        1,
        "the root only: {:?}",
        shallow.cgroups
    );
    assert!(one(&["--no-cgroups"]).cgroups.is_empty());

    let bad = rsadc(
        "UTC",
        &["--cgroup-include", "(", "--file", "/dev/null", "1", "1"],
    );
    assert_eq!(bad.status.code(), Some(1), "a usage error");
    assert!(String::from_utf8_lossy(&bad.stderr).contains("--cgroup-include: regex parse error"));
}

/// Each recorded process carries its cgroup: a process moved into a test cgroup is
/// recorded with that cgroup's path; without cgroups, with none.
#[test]
fn each_recorded_process_carries_its_cgroup() {
    let Some(cg) = TestCgroups::make("procs", 1) else {
        common::oracle_missing("a writable cgroup v2 hierarchy (run as root)");
        return;
    };
    struct Child(std::process::Child);
    impl Drop for Child {
        fn drop(&mut self) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
    let child = Child(Command::new("sleep").arg("60").spawn().unwrap());
    let pid = child.0.id();
    std::fs::write(cg.0.join("c0/cgroup.procs"), pid.to_string()).unwrap();
    let d = dir();
    let cgroup_of = |extra: &[&str]| {
        let file = d.path().join(format!("log-{}", extra.len()));
        let mut args = extra.to_vec();
        args.extend(["--file", file.to_str().unwrap(), "1", "2"]);
        let out = rsadc("UTC", &args);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let tables: Vec<_> = store::read_log(&file)
            .unwrap()
            .records
            .into_iter()
            .filter_map(|(_, r)| match r {
                Record::Processes(t) => Some(t),
                _ => None,
            })
            .collect();
        // A key, then a delta: the process is in both, with its cgroup.
        assert_eq!(tables.len(), 2);
        let of: Vec<String> = tables
            .iter()
            .map(|t| {
                let p = t
                    .processes
                    .iter()
                    .find(|p| p.pid == pid)
                    .expect("the child recorded");
                p.cgroup.to_string()
            })
            .collect();
        assert_eq!(of[0], of[1]);
        of[0].clone()
    };
    // Moved after it started: its cgroup is read when rsadc first sees it.
    assert_eq!(cgroup_of(&[]), format!("{}/c0", cg.path()));
    assert_eq!(cgroup_of(&["--no-cgroups"]), "");
}

/// A busy process moved into a test cgroup: over the intervals rsadc records at 1 s, the
/// cgroup's %CPU (`CgroupRates`) agrees with the CPU time the process's own
/// /proc/PID/stat says it used, and the cgroup is first by CPU among the test's.
#[test]
fn a_busy_cgroups_cpu_agrees_with_its_process() {
    let Some(cg) = TestCgroups::make("busy", 2) else {
        common::oracle_missing("a writable cgroup v2 hierarchy (run as root)");
        return;
    };
    struct Child(std::process::Child);
    impl Drop for Child {
        fn drop(&mut self) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
    let child = Child(
        Command::new("sh")
            .args(["-c", "while :; do :; done"])
            .spawn()
            .unwrap(),
    );
    let pid = child.0.id();
    std::fs::write(cg.0.join("c1/cgroup.procs"), pid.to_string()).unwrap();
    let d = dir();
    let file = d.path().join("log");
    let out = rsadc("UTC", &["--file", file.to_str().unwrap(), "1", "4"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let s = samples(&file);
    let mut total = rsar::stats::IntervalStats::between(&s[0], &s[1]).unwrap();
    for w in s[1..].windows(2) {
        total.add(&rsar::stats::IntervalStats::between(&w[0], &w[1]).unwrap());
    }
    let top = cg.path();
    let ours: Vec<(String, f64)> = total
        .cgroups
        .iter()
        .filter(|c| c.path.starts_with(&format!("{top}/")))
        .map(|c| {
            let r = rsar::stats::CgroupRates::of(c);
            (c.path.clone(), r.cpu_pct.unwrap_or(0.0))
        })
        .collect();
    assert_eq!(ours.len(), 2, "{ours:?}");
    let busy = ours.iter().find(|(p, _)| p.ends_with("/c1")).unwrap().1;
    let idle = ours.iter().find(|(p, _)| p.ends_with("/c0")).unwrap().1;
    // The process's own CPU time, from its /proc/PID/stat as rsadc read it with the same
    // samples: utime + stime, in ticks of 1/100 s.
    let ticks: Vec<u64> = store::read_log(&file)
        .unwrap()
        .records
        .into_iter()
        .filter_map(|(_, r)| match r {
            Record::Processes(t) => {
                let p = t.processes.iter().find(|p| p.pid == pid)?.clone();
                Some(p.utime + p.stime)
            }
            _ => None,
        })
        .collect();
    assert_eq!(ticks.len(), s.len());
    let used = (ticks[ticks.len() - 1] - ticks[0]) as f64 / 100.0;
    let own = used / total.seconds * 100.0;
    eprintln!("cgroup {busy:.1} %CPU, its process {own:.1} %, the idle cgroup {idle:.1} %");
    assert!(
        busy > 5.0 && busy > idle,
        "busy {busy:.1} %, idle {idle:.1} %"
    );
    assert!(
        (busy - own).abs() < (0.1 * own.max(busy)).max(2.0),
        "the cgroup's {busy:.1} % against the process's own {own:.1} % ({used:.2} s over {:.2} s)",
        total.seconds
    );
}
