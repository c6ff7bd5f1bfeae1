//! `rsadc --remote-write`: a real Prometheus receives every recorded sample through an
//! outage and a SIGKILL of rsadc; a small HTTP receiver in this file checks the back-off,
//! `Retry-After`, the drop on a 4xx, a too-old refusal, the log read across midnight, the
//! cursor's crash safety, and that a receiver that never answers does not delay sampling.
//! Backlogs are recorded first with `--fake-clock` (instantly), and a cursor planted before
//! them, so that a sender has history to send.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failure report

mod common;

use common::prometheus::{
    eventually, free_port, prometheus_tool, query_at, start_prometheus, try_get, value,
};
use common::{oracle_missing, rsadc_bin, tempdir, text};
use rsar::store::{LogReader, Record};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// What the test receiver answers a request.
enum Reply {
    /// A status, extra header lines (each ending in \r\n) and a body.
    Answer(u16, &'static str, &'static str),
    /// Nothing, ever.
    Hang,
}

/// One request the receiver got.
#[derive(Debug, Clone)]
struct Got {
    at: Instant,
    head: String,
    /// The times (ms) of the request's node_load1 points, and that series' labels.
    times: Vec<i64>,
    labels: Vec<(String, String)>,
}

struct Receiver {
    url: String,
    got: Arc<Mutex<Vec<Got>>>,
}

impl Receiver {
    fn got(&self) -> Vec<Got> {
        self.got.lock().unwrap().clone()
    }

    /// Every node_load1 time received, in arrival order.
    fn times(&self) -> Vec<i64> {
        self.got().into_iter().flat_map(|g| g.times).collect()
    }
}

/// A remote-write receiver on loopback that answers each request as `answer` says, given
/// the request's number (from 0) and its node_load1 times.
fn receiver(answer: impl Fn(usize, &[i64]) -> Reply + Send + Sync + 'static) -> Receiver {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/api/v1/write", listener.local_addr().unwrap());
    let got: Arc<Mutex<Vec<Got>>> = Arc::default();
    let answer = Arc::new(answer);
    let shared = got.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(stream) = stream else { continue };
            let (got, answer) = (shared.clone(), answer.clone());
            std::thread::spawn(move || {
                let mut out = stream.try_clone().unwrap();
                let mut input = BufReader::new(stream);
                loop {
                    let mut head = String::new();
                    loop {
                        let mut line = String::new();
                        if input.read_line(&mut line).unwrap_or(0) == 0 {
                            return;
                        }
                        if line == "\r\n" {
                            break;
                        }
                        head.push_str(&line);
                    }
                    let length: usize = head
                        .lines()
                        .find_map(|l| {
                            let (k, v) = l.split_once(':')?;
                            k.eq_ignore_ascii_case("content-length")
                                .then(|| v.trim().parse().ok())?
                        })
                        .unwrap_or(0);
                    let mut body = vec![0u8; length];
                    input.read_exact(&mut body).unwrap();
                    let request = rsar::export::remote_write::decode(&body).unwrap();
                    let load1 = request.timeseries.iter().find(|t| {
                        t.labels
                            .iter()
                            .any(|l| l.name == "__name__" && l.value == "node_load1")
                    });
                    let times: Vec<i64> = load1
                        .map(|t| t.samples.iter().map(|s| s.timestamp).collect())
                        .unwrap_or_default();
                    let labels = load1
                        .map(|t| {
                            t.labels
                                .iter()
                                .map(|l| (l.name.clone(), l.value.clone()))
                                .collect()
                        })
                        .unwrap_or_default();
                    let n = {
                        let mut g = got.lock().unwrap();
                        g.push(Got {
                            at: Instant::now(),
                            head,
                            times: times.clone(),
                            labels,
                        });
                        g.len() - 1
                    };
                    match answer(n, &times) {
                        Reply::Hang => std::thread::sleep(Duration::from_secs(3600)),
                        Reply::Answer(status, headers, body) => {
                            let _ = write!(
                                out,
                                "HTTP/1.1 {status} X\r\n{headers}Content-Length: {}\r\n\r\n{body}",
                                body.len()
                            );
                        }
                    }
                }
            });
        }
    });
    Receiver { url, got }
}

/// A running rsadc and what it wrote on stderr so far.
struct Rsadc {
    child: Child,
    stderr: Arc<Mutex<String>>,
}

impl Rsadc {
    fn start(args: &[&str]) -> Rsadc {
        let mut child = Command::new(rsadc_bin())
            .args(args)
            .env("TZ", "UTC")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stderr: Arc<Mutex<String>> = Arc::default();
        let lines = BufReader::new(child.stderr.take().unwrap()).lines();
        let into = stderr.clone();
        std::thread::spawn(move || {
            for l in lines.map_while(Result::ok) {
                into.lock().unwrap().push_str(&format!("{l}\n"));
            }
        });
        Rsadc { child, stderr }
    }

    fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    fn signal(&mut self, sig: nix::sys::signal::Signal) {
        let pid = nix::unistd::Pid::from_raw(self.child.id() as i32);
        let _ = nix::sys::signal::kill(pid, sig);
        let _ = self.child.wait();
    }
}

impl Drop for Rsadc {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `count` samples a second apart from `epoch` (Unix seconds), recorded at once into `dir`.
fn backlog(dir: &Path, epoch: i64, count: u32) {
    let out = Command::new(rsadc_bin())
        .args(["--fake-clock", &epoch.to_string(), "--no-processes", "1"])
        .arg(count.to_string())
        .arg(dir)
        .env("TZ", "UTC")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
}

/// A cursor saying that everything up to `ns` was acknowledged by `url`.
fn plant_cursor(dir: &Path, ns: i64, url: &str) {
    std::fs::write(
        dir.join("rsadc.remote-write"),
        format!("rsadc-remote-write-cursor 1\ntime_ns {ns}\nfile -\noffset 0\nurl {url}\n"),
    )
    .unwrap();
}

/// The acknowledged time (ns) in `dir`'s cursor.
fn cursor_ns(dir: &Path) -> Option<i64> {
    std::fs::read_to_string(dir.join("rsadc.remote-write"))
        .ok()?
        .lines()
        .find_map(|l| l.strip_prefix("time_ns ")?.parse().ok())
}

/// Every sample time (ms) in `dir`'s day files, each once (the sample taken at midnight
/// is in both days' files).
fn logged_ms(dir: &Path) -> Vec<i64> {
    let mut times = Vec::new();
    for (_, path, _) in rsar::store::list_days(dir).unwrap() {
        let mut r = LogReader::open(&path).unwrap();
        while let Some((_, record)) = r.next_record().unwrap() {
            if let Record::Sample(s) = record {
                times.push(s.time.wall_ns.div_euclid(1_000_000));
            }
        }
    }
    times.sort_unstable();
    times.dedup();
    times
}

fn now_s() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

/// Wait until `f` holds, or fail saying `what`.
fn wait_for(what: &str, limit: Duration, mut f: impl FnMut() -> bool) {
    let start = Instant::now();
    while !f() {
        assert!(start.elapsed() < limit, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// `times` restricted to [from, to] ms.
fn within(times: &[i64], from: i64, to: i64) -> Vec<i64> {
    times
        .iter()
        .copied()
        .filter(|t| (from..=to).contains(t))
        .collect()
}

#[test]
fn a_backlog_across_midnight_arrives_whole_in_order_and_once() {
    let r = receiver(|_, _| Reply::Answer(200, "", ""));
    let d = tempdir();
    let dir = d.path().join("logs");
    let midnight = now_s().div_euclid(86_400) * 86_400;
    let epoch = midnight - 150;
    backlog(&dir, epoch, 300);
    let names: Vec<String> = rsar::store::list_days(&dir)
        .unwrap()
        .into_iter()
        .map(|(_, p, _)| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names.len(), 2, "the backlog spans two days: {names:?}");
    plant_cursor(&dir, (epoch - 1) * 1_000_000_000, &r.url);
    let logged = within(&logged_ms(&dir), epoch * 1000, (epoch + 299) * 1000);
    assert_eq!(logged.len(), 300);
    let dir_arg = dir.to_str().unwrap();
    let rsadc = Rsadc::start(&[
        "--remote-write",
        &r.url,
        "--remote-write-label",
        "dc=test",
        "--no-processes",
        "1",
        dir_arg,
    ]);
    wait_for("the whole backlog", Duration::from_secs(60), || {
        r.times().contains(&((epoch + 299) * 1000))
    });
    let got = r.got();
    // Each request in time order, and each after the one before.
    let all = r.times();
    assert!(all.windows(2).all(|w| w[0] < w[1]), "out of order or twice");
    assert_eq!(within(&all, epoch * 1000, (epoch + 299) * 1000), logged);
    let head = got[0].head.to_ascii_lowercase();
    for h in [
        "content-encoding: snappy",
        "content-type: application/x-protobuf",
        "x-prometheus-remote-write-version: 0.1.0",
    ] {
        assert!(head.contains(h), "{h} missing from {head}");
    }
    let labels = &got[0].labels;
    let hostname = nix::unistd::gethostname().unwrap();
    for (k, v) in [
        ("__name__", "node_load1"),
        ("dc", "test"),
        ("instance", hostname.to_str().unwrap()),
        ("job", "rsadc"),
    ] {
        assert!(
            labels.contains(&(k.to_string(), v.to_string())),
            "{k}={v} missing from {labels:?}"
        );
    }
    let mut sorted = labels.clone();
    sorted.sort();
    assert_eq!(&sorted, labels, "labels sorted by name");
    let status = Command::new(rsadc_bin())
        .args(["--status", dir_arg])
        .output()
        .unwrap();
    assert!(
        text(&status.stdout).contains(&format!("remote write to {}: acknowledged up to", r.url)),
        "{}",
        text(&status.stdout)
    );
    drop(rsadc);
}

#[test]
fn failures_back_off_retry_after_is_honoured_and_a_4xx_drops_its_batch_once() {
    let r = receiver(|n, _| match n {
        0 => Reply::Answer(503, "", "overloaded"),
        1 => Reply::Answer(429, "Retry-After: 3\r\n", "slow down"),
        3 | 4 => Reply::Answer(400, "", "invalid label set"),
        _ => Reply::Answer(200, "", ""),
    });
    let d = tempdir();
    let dir = d.path().join("logs");
    let epoch = now_s() - 1000;
    backlog(&dir, epoch, 400);
    plant_cursor(&dir, (epoch - 1) * 1_000_000_000, &r.url);
    let rsadc = Rsadc::start(&[
        "--remote-write",
        &r.url,
        "--listen",
        "127.0.0.1:0",
        "--no-processes",
        "1",
        dir.to_str().unwrap(),
    ]);
    wait_for("seven requests", Duration::from_secs(60), || {
        r.got().len() >= 7
    });
    let got = r.got();
    // The same batch until it is acknowledged: after 1 s of back-off, then after the 3 s
    // the 429 asked for (the back-off alone would be 2 s).
    assert_eq!(got[1].times, got[0].times);
    assert_eq!(got[2].times, got[0].times);
    let gap = |a: usize, b: usize| got[b].at.duration_since(got[a].at).as_secs_f64();
    assert!(gap(0, 1) >= 0.9, "back-off {}", gap(0, 1));
    assert!(gap(1, 2) >= 2.9, "Retry-After ignored: {}", gap(1, 2));
    // A refused batch is not sent again: each request starts after the last.
    for w in got[2..7].windows(2) {
        assert!(w[1].times[0] > *w[0].times.last().unwrap(), "{w:?}");
    }
    let stderr = rsadc.stderr();
    assert_eq!(stderr.matches("refused a batch").count(), 1, "{stderr}");
    assert_eq!(stderr.matches("trying again").count(), 1, "{stderr}");
    let addr = stderr
        .split("http://")
        .nth(1)
        .and_then(|a| a.split("/metrics").next())
        .unwrap()
        .to_string();
    let (_, metrics) = try_get(&addr, "/metrics", None).unwrap();
    let metric = |name: &str| -> f64 {
        metrics
            .lines()
            .find_map(|l| l.strip_prefix(&format!("{name} "))?.parse().ok())
            .unwrap_or_else(|| panic!("{name} missing"))
    };
    assert_eq!(metric("rsar_remote_write_failed_requests_total"), 2.0);
    let per_sample = got[0].times.len() as f64;
    let dropped = metric("rsar_remote_write_dropped_samples_total");
    assert!(dropped > 0.0 && dropped > 2.0 * per_sample, "{dropped}");
    assert!(metric("rsar_remote_write_samples_total") > 0.0);
}

#[test]
fn a_too_old_refusal_names_the_fix_once_and_sending_skips_ahead() {
    let d = tempdir();
    let dir = d.path().join("logs");
    let epoch = now_s() - 1000;
    let oldest_accepted = (epoch + 130) * 1000;
    let r = receiver(move |_, times| {
        if times.first().is_some_and(|&t| t < oldest_accepted) {
            Reply::Answer(400, "", "out of bounds\n")
        } else {
            Reply::Answer(200, "", "")
        }
    });
    backlog(&dir, epoch, 200);
    plant_cursor(&dir, (epoch - 1) * 1_000_000_000, &r.url);
    let logged = within(&logged_ms(&dir), epoch * 1000, (epoch + 199) * 1000);
    let rsadc = Rsadc::start(&[
        "--remote-write",
        &r.url,
        "--no-processes",
        "1",
        dir.to_str().unwrap(),
    ]);
    wait_for("the end of the backlog", Duration::from_secs(60), || {
        r.times().contains(&((epoch + 199) * 1000))
    });
    let stderr = rsadc.stderr();
    let named: Vec<&str> = stderr
        .lines()
        .filter(|l| l.contains("refuses samples this old"))
        .collect();
    assert_eq!(named.len(), 1, "{stderr}");
    assert!(named[0].contains("out_of_order_time_window"), "{stderr}");
    // Every time was sent once: the refused batches are not tried again, and what follows
    // them arrives whole.
    let all = within(&r.times(), epoch * 1000, (epoch + 199) * 1000);
    assert_eq!(all, logged);
    let accepted: Vec<i64> = r
        .got()
        .iter()
        .filter(|g| g.times.first().is_some_and(|&t| t >= oldest_accepted))
        .flat_map(|g| g.times.clone())
        .collect();
    assert!(accepted.contains(&((epoch + 199) * 1000)));
}

#[test]
fn a_receiver_that_never_answers_does_not_delay_sampling() {
    let r = receiver(|_, _| Reply::Hang);
    let d = tempdir();
    let dir = d.path().join("logs");
    let mut rsadc = Rsadc::start(&[
        "--remote-write",
        &r.url,
        "--no-processes",
        "--interval",
        "0.5",
        dir.to_str().unwrap(),
    ]);
    wait_for("a first request", Duration::from_secs(60), || {
        !r.got().is_empty()
    });
    // Six seconds with the request unanswered.
    let hung_ms = now_s() * 1000;
    std::thread::sleep(Duration::from_secs(6));
    rsadc.signal(nix::sys::signal::Signal::SIGTERM);
    let times = logged_ms(&dir);
    let while_hung = times.iter().filter(|&&t| t > hung_ms).count();
    assert!(while_hung >= 10, "{while_hung} samples in 6 s: {times:?}");
    for w in times.windows(2) {
        assert!(
            (w[1] - w[0]) <= 750,
            "a sample came late: {} ms after the one before",
            w[1] - w[0]
        );
    }
    for t in &times {
        let off = t.rem_euclid(500);
        assert!(
            off.min(500 - off) < 250,
            "a sample off its tick by {off} ms"
        );
    }
}

#[test]
fn a_kill_while_a_batch_is_unanswered_sends_that_batch_again_and_nothing_else_twice() {
    let r = receiver(|n, _| {
        if n == 1 {
            Reply::Hang
        } else {
            Reply::Answer(200, "", "")
        }
    });
    let d = tempdir();
    let dir = d.path().join("logs");
    let epoch = now_s() - 1000;
    backlog(&dir, epoch, 200);
    plant_cursor(&dir, (epoch - 1) * 1_000_000_000, &r.url);
    let logged = within(&logged_ms(&dir), epoch * 1000, (epoch + 199) * 1000);
    let args = [
        "--remote-write",
        &r.url,
        "--no-processes",
        "1",
        dir.to_str().unwrap(),
    ];
    let mut first = Rsadc::start(&args);
    wait_for("a second request", Duration::from_secs(60), || {
        r.got().len() >= 2
    });
    first.signal(nix::sys::signal::Signal::SIGKILL);
    // The cursor holds the first batch, acknowledged, and not the second.
    let acked = r.got()[0].times.last().copied().unwrap();
    assert_eq!(
        cursor_ns(&dir).map(|ns| ns.div_euclid(1_000_000)),
        Some(acked)
    );
    let _second = Rsadc::start(&args);
    wait_for("the whole backlog", Duration::from_secs(60), || {
        r.times().contains(&((epoch + 199) * 1000))
    });
    let got = r.got();
    assert_eq!(got[2].times, got[1].times, "the unanswered batch, again");
    let delivered: Vec<i64> = got
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != 1)
        .flat_map(|(_, g)| g.times.clone())
        .collect();
    assert_eq!(
        within(&delivered, epoch * 1000, (epoch + 199) * 1000),
        logged
    );
}

#[test]
fn the_cursor_is_replaced_whole_and_no_planted_link_is_followed() {
    let r = receiver(|_, _| Reply::Answer(200, "", ""));
    let d = tempdir();
    let dir = d.path().join("logs");
    let epoch = now_s() - 1000;
    backlog(&dir, epoch, 70);
    plant_cursor(&dir, (epoch - 1) * 1_000_000_000, &r.url);
    let victim = d.path().join("victim");
    std::fs::write(&victim, "keep").unwrap();
    std::os::unix::fs::symlink(&victim, dir.join("rsadc.remote-write.tmp")).unwrap();
    let args = [
        "--remote-write",
        &r.url,
        "--no-processes",
        "1",
        dir.to_str().unwrap(),
    ];
    let rsadc = Rsadc::start(&args);
    wait_for("the backlog", Duration::from_secs(60), || {
        r.times().contains(&((epoch + 69) * 1000))
    });
    wait_for("the cursor", Duration::from_secs(10), || {
        cursor_ns(&dir).is_some_and(|ns| ns >= (epoch + 69) * 1_000_000_000)
    });
    drop(rsadc);
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "keep");
    let cursor = dir.join("rsadc.remote-write");
    assert!(std::fs::symlink_metadata(&cursor).unwrap().is_file());
    // A cursor that is a link is refused, not read through.
    let elsewhere = d.path().join("cursor");
    std::fs::rename(&cursor, &elsewhere).unwrap();
    std::os::unix::fs::symlink(&elsewhere, &cursor).unwrap();
    let out = Command::new(rsadc_bin())
        .args(args)
        .env("TZ", "UTC")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("symbolic link"),
        "{}",
        text(&out.stderr)
    );
}

/// Stop a Prometheus as a service manager would (SIGTERM, then wait for it).
fn stop(prom: common::prometheus::Prometheus) {
    let pid = nix::unistd::Pid::from_raw(prom.0.id() as i32);
    let _ = nix::sys::signal::kill(pid, nix::sys::signal::Signal::SIGTERM);
    let mut prom = prom;
    let _ = prom.0.wait();
}

#[test]
fn a_real_prometheus_gets_every_sample_through_its_outage_and_a_sigkill_of_rsadc() {
    let Some(prometheus) = prometheus_tool("prometheus") else {
        oracle_missing("prometheus (apt-get download prometheus)");
        return;
    };
    let d = tempdir();
    let dir = d.path().join("logs");
    let listen = format!("127.0.0.1:{}", free_port());
    let url = format!("http://{listen}/api/v1/write");
    // 2.42 keeps the out-of-order window in the configuration file.
    let config =
        "global:\n  scrape_interval: 1h\nstorage:\n  tsdb:\n    out_of_order_time_window: 1h\n";
    let receiver_flag = ["--web.enable-remote-write-receiver"];
    let prom = start_prometheus(&prometheus, d.path(), config, &listen, &receiver_flag);
    // Ready before rsadc starts, so that its back-off has not grown long by then.
    let ready = || {
        eventually(Duration::from_secs(120), || {
            try_get(&listen, "/-/ready", None)
                .ok()
                .filter(|(status, _)| status.contains("200"))
        })
        .expect("Prometheus never got ready")
    };
    ready();
    let args = [
        "--remote-write",
        &url,
        "--no-processes",
        "1",
        dir.to_str().unwrap(),
    ];
    let mut first = Rsadc::start(&args);
    let count = |at: f64| {
        value(&query_at(
            &listen,
            "count_over_time(node_load1{job=\"rsadc\"}[1h])",
            Some(at),
        ))
    };
    eventually(Duration::from_secs(120), || {
        count(now_s() as f64).filter(|&n| n >= 2.0)
    })
    .unwrap_or_else(|| panic!("Prometheus never received node_load1: {}", first.stderr()));
    // Prometheus away for 20 s (RSAR_OUTAGE_SECS: the two minutes, run by hand);
    // halfway, rsadc killed with a batch in hand (it is backing off, unacknowledged) and
    // started again.
    let outage: u64 = std::env::var("RSAR_OUTAGE_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(20);
    stop(prom);
    std::thread::sleep(Duration::from_secs(outage / 2));
    first.signal(nix::sys::signal::Signal::SIGKILL);
    let mut second = Rsadc::start(&args);
    std::thread::sleep(Duration::from_secs(outage - outage / 2));
    let back = now_s();
    let _prom = start_prometheus(&prometheus, d.path(), config, &listen, &receiver_flag);
    ready();
    wait_for("the catch-up", Duration::from_secs(120), || {
        cursor_ns(&dir).is_some_and(|ns| ns >= (back + 5) * 1_000_000_000)
    });
    second.signal(nix::sys::signal::Signal::SIGTERM);
    let acked_ms = cursor_ns(&dir).unwrap().div_euclid(1_000_000);
    let logged: Vec<i64> = logged_ms(&dir)
        .into_iter()
        .filter(|&t| t <= acked_ms)
        .collect();
    // Evaluated at the newest acknowledged sample, over more than the whole run.
    let got = count(acked_ms as f64 / 1000.0);
    assert_eq!(
        got,
        Some(logged.len() as f64),
        "Prometheus holds {got:?} samples of node_load1, the log {} up to the cursor; first rsadc:\n{}second:\n{}",
        logged.len(),
        first.stderr(),
        second.stderr()
    );
}

#[test]
fn credentials_come_from_files_as_basic_or_bearer_authorization_and_the_tenant_as_a_header() {
    let d = tempdir();
    let token = d.path().join("token");
    std::fs::write(&token, "s3cret-token\n").unwrap();
    let password = d.path().join("password");
    std::fs::write(&password, "pa:ss\n").unwrap();
    for (options, want) in [
        (
            vec!["--remote-write-bearer-token-file", token.to_str().unwrap()],
            "authorization: Bearer s3cret-token\r\n",
        ),
        (
            vec![
                "--remote-write-user",
                "fleet",
                "--remote-write-password-file",
                password.to_str().unwrap(),
            ],
            // base64("fleet:pa:ss")
            "authorization: Basic ZmxlZXQ6cGE6c3M=\r\n",
        ),
        (
            vec!["--remote-write-tenant", "team-a"],
            "X-Scope-OrgID: team-a\r\n",
        ),
    ] {
        let r = receiver(|_, _| Reply::Answer(200, "", ""));
        let dir = d.path().join(format!("logs-{}", options[0]));
        let mut args = vec!["--remote-write", &r.url, "--no-processes"];
        args.extend(options.iter().copied());
        args.extend(["--interval", "0.5", dir.to_str().unwrap()]);
        let rsadc = Rsadc::start(&args);
        wait_for("a request", Duration::from_secs(60), || !r.got().is_empty());
        let head = r.got()[0].head.clone();
        assert!(
            head.to_ascii_lowercase()
                .contains(&want.to_ascii_lowercase()),
            "{want:?} not in {head:?}"
        );
        assert!(head.contains(want.split(": ").nth(1).unwrap()), "{head}");
        drop(rsadc);
    }
    // A password without a user, or an unreadable token file, stops rsadc at once.
    let out = Command::new(rsadc_bin())
        .args(["--remote-write", "http://127.0.0.1:9/api/v1/write"])
        .args(["--remote-write-bearer-token-file"])
        .arg(d.path().join("missing"))
        .args(["1", d.path().join("logs").to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("cannot read the remote-write bearer token from"),
        "{}",
        text(&out.stderr)
    );
    // A tenant that would end the header is refused, named.
    let out = Command::new(rsadc_bin())
        .args(["--remote-write", "http://127.0.0.1:9/api/v1/write"])
        .args(["--remote-write-tenant", "a\r\nX-Evil: 1"])
        .args(["1", d.path().join("logs").to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("--remote-write-tenant"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn https_trusts_the_ca_file_given_and_refuses_an_unknown_issuer() {
    let openssl = |args: &[&str], dir: &Path| {
        Command::new("openssl")
            .args(args)
            .current_dir(dir)
            .output()
            .map(|o| o.status.success())
            .unwrap_or(false)
    };
    let d = tempdir();
    let p = d.path();
    std::fs::write(
        p.join("ext"),
        "subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\n",
    )
    .unwrap();
    let made = openssl(
        &[
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            "ca.key",
            "-out",
            "ca.pem",
            "-days",
            "2",
            "-subj",
            "/CN=rsar test CA",
        ],
        p,
    ) && openssl(
        &[
            "req",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            "leaf.key",
            "-out",
            "leaf.csr",
            "-subj",
            "/CN=127.0.0.1",
        ],
        p,
    ) && openssl(
        &[
            "x509",
            "-req",
            "-in",
            "leaf.csr",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-out",
            "leaf.pem",
            "-days",
            "2",
            "-extfile",
            "ext",
        ],
        p,
    );
    if !made {
        oracle_missing("openssl (the command, to make a CA and a server certificate)");
        return;
    }
    let port = free_port();
    let _server = Stopped(
        Command::new("openssl")
            .args([
                "s_server", "-quiet", "-www", "-cert", "leaf.pem", "-key", "leaf.key",
            ])
            .args(["-accept", &format!("127.0.0.1:{port}")])
            .current_dir(p)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    std::thread::sleep(Duration::from_millis(500));
    let url = format!("https://127.0.0.1:{port}/api/v1/write");
    let run = |dir: &str, ca: bool| {
        let dir = p.join(dir);
        let ca_file = p.join("ca.pem");
        let mut args = vec!["--remote-write", &url, "--no-processes"];
        if ca {
            args.extend(["--remote-write-ca-file", ca_file.to_str().unwrap()]);
        }
        args.extend(["--interval", "0.5", dir.to_str().unwrap()]);
        let mut rsadc = Rsadc::start(&args);
        std::thread::sleep(Duration::from_secs(4));
        rsadc.signal(nix::sys::signal::Signal::SIGTERM);
        (rsadc.stderr(), cursor_ns(&dir))
    };
    // Trusted through the CA file: the handshake passes, and the request waits for s_server's
    // answer (it gives none to a POST) without a failure; a refused handshake fails at
    // once, as below.
    let (stderr, _) = run("trusted", true);
    assert!(!stderr.contains("certificate"), "{stderr}");
    assert!(!stderr.contains("trying again"), "{stderr}");
    // Without it the server's issuer is unknown: nothing is acknowledged.
    let (stderr, cursor) = run("untrusted", false);
    assert_eq!(cursor, None, "{stderr}");
    assert!(stderr.contains("UnknownIssuer"), "{stderr}");
}

/// A child process, killed when the test ends, passed or not.
struct Stopped(Child);

impl Drop for Stopped {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}
