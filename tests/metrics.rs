//! `rsadc --listen`: /metrics for fixture trees pinned and checked by promtool, bad clients
//! that must not disturb recording, and a real Prometheus scraping it on loopback.
//! promtool and prometheus come from Debian's package (`.ci/run` unpacks it into
//! target/prometheus); tests that need them say so and pass when they are absent.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failure report

mod common;

use common::cgroups::TestCgroup;
use common::prometheus::{
    eventually, free_port, prometheus_tool, query, query_at, start_prometheus, try_get, value,
    Prometheus,
};
use common::{fixture, golden, oracle_missing, rsadc_bin, tempdir, text};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// rsadc serving metrics (and whatever else `rest` asks), with the address it bound.
struct Served {
    child: Child,
    addr: String,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn serve(root: Option<&Path>, rest: &[&str]) -> Served {
    let mut cmd = Command::new(rsadc_bin());
    cmd.args(["--listen", "127.0.0.1:0"]);
    if let Some(root) = root {
        cmd.arg("--proc-root")
            .arg(root.join("proc"))
            .arg("--sys-root")
            .arg(root.join("sys"));
    }
    let mut child = cmd
        .args(rest)
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let line = lines.next().unwrap().unwrap();
    let addr = line
        .split("http://")
        .nth(1)
        .and_then(|a| a.strip_suffix("/metrics"))
        .unwrap_or_else(|| panic!("no address in {line:?}"))
        .to_string();
    // Keep draining stderr so rsadc never blocks on it.
    std::thread::spawn(move || for _ in lines {});
    Served { child, addr }
}

/// An HTTP/1.1 GET: the status line and the body.
fn get(addr: &str, path: &str, accept: Option<&str>) -> (String, String) {
    try_get(addr, path, accept).unwrap()
}

/// promtool's lint of an exposition: every finding but node_exporter's own camelCase names
/// (its meminfo, netstat and sockstat families carry the kernel's field names, and
/// promtool flags node_exporter's own output for them the same way), and cAdvisor's
/// counter `container_memory_failcnt`, served under cAdvisor's exact name.
fn promtool_findings(promtool: &Path, exposition: &str) -> Vec<String> {
    let mut child = Command::new(promtool)
        .args(["check", "metrics"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(exposition.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    format!("{}{}", text(&out.stdout), text(&out.stderr))
        .lines()
        .filter(|l| {
            let kernel_names = ["node_memory_", "node_netstat_", "node_sockstat_"];
            let kernel_name =
                kernel_names.iter().any(|p| l.starts_with(p)) && l.contains("camelCase");
            !(kernel_name || l.starts_with("container_memory_failcnt counter"))
        })
        .map(str::to_string)
        .collect()
}

#[test]
fn metrics_of_a_fixture_tree_are_pinned_in_both_formats_and_pass_promtool() {
    let served = serve(Some(&fixture("t0")), &[]);
    let (status, text_body) = get(&served.addr, "/metrics", None);
    assert_eq!(status, "HTTP/1.1 200 OK");
    golden("metrics-t0.prom", &text_body);
    let (_, om) = get(
        &served.addr,
        "/metrics",
        Some("application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5"),
    );
    golden("metrics-t0.openmetrics", &om);
    assert!(om.ends_with("# EOF\n"));
    // The families node_exporter's dashboards and alerts use.
    for name in [
        "node_cpu_seconds_total{cpu=\"0\",mode=\"idle\"}",
        "node_load1 ",
        "node_memory_MemTotal_bytes ",
        "node_memory_MemAvailable_bytes ",
        "node_vmstat_pgmajfault ",
        "node_disk_read_bytes_total{device=",
        "node_network_receive_bytes_total{device=",
        "node_context_switches_total ",
        "node_boot_time_seconds ",
        "node_procs_blocked ",
    ] {
        assert!(text_body.contains(name), "{name} missing");
    }
    // node_exporter's partition filter: whole disks only.
    assert!(!text_body.contains("device=\"vda1\""));
    match prometheus_tool("promtool") {
        Some(promtool) => {
            // promtool lints the text format (its parser does not take OpenMetrics).
            assert_eq!(
                promtool_findings(&promtool, &text_body),
                Vec::<String>::new()
            );
        }
        None => oracle_missing("promtool (apt-get download prometheus)"),
    }
}

#[test]
fn only_get_metrics_is_served() {
    let served = serve(Some(&fixture("t0")), &[]);
    assert_eq!(get(&served.addr, "/", None).0, "HTTP/1.1 404 Not Found");
    assert_eq!(
        get(&served.addr, "/metricsx", None).0,
        "HTTP/1.1 404 Not Found"
    );
    let mut s = TcpStream::connect(&served.addr).unwrap();
    s.write_all(b"POST /metrics HTTP/1.1\r\nContent-Length: 0\r\n\r\n")
        .unwrap();
    let mut resp = String::new();
    s.read_to_string(&mut resp).unwrap();
    assert!(resp.starts_with("HTTP/1.1 405"), "{resp}");
    assert!(resp.contains("Allow: GET"), "{resp}");
    assert!(resp.contains("Connection: close"), "{resp}");
}

/// This machine's filesystems carry node_exporter's labels — `device`, `fstype`,
/// `mountpoint` — and `node_filesystem_readonly`, so node-mixin's filesystem alerts (which
/// select `fstype!=""` and `node_filesystem_readonly == 0`) see them.
#[test]
fn filesystems_are_labelled_by_type_and_say_whether_read_only() {
    let mounts = std::fs::read_to_string("/proc/self/mounts").unwrap();
    // Mount point → (type, read-only) for the mounts `sar -F` looks at (a device path).
    let kept: Vec<(String, String, bool)> = mounts
        .lines()
        .filter_map(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            (f.len() >= 4 && f[0].starts_with("/dev/")).then(|| {
                let ro = f[3].split(',').any(|o| o == "ro");
                (f[1].replace("\\040", " "), f[2].to_string(), ro)
            })
        })
        .collect();
    let served = serve(None, &[]);
    let (_, body) = get(&served.addr, "/metrics", None);
    let series: Vec<&str> = body
        .lines()
        .filter(|l| l.starts_with("node_filesystem_readonly{"))
        .collect();
    if kept.is_empty() {
        eprintln!("no block-device mounts here: test skipped");
        return;
    }
    assert!(
        !series.is_empty(),
        "no node_filesystem_readonly in:\n{body}"
    );
    for line in series {
        let mountpoint = line
            .split("mountpoint=\"")
            .nth(1)
            .and_then(|r| r.split('"').next())
            .unwrap();
        let Some((_, fstype, ro)) = kept.iter().find(|(m, ..)| m == mountpoint) else {
            panic!("{line}: not a block-device mount of /proc/self/mounts");
        };
        assert!(line.contains(&format!("fstype=\"{fstype}\"")), "{line}");
        assert!(line.ends_with(if *ro { " 1" } else { " 0" }), "{line}");
        assert!(
            body.lines()
                .any(|l| l.starts_with("node_filesystem_avail_bytes{")
                    && l.contains(&format!("fstype=\"{fstype}\""))
                    && l.contains(&format!("mountpoint=\"{mountpoint}\""))),
            "no avail_bytes for {mountpoint}"
        );
    }
}

/// VmHWM of a process, in kB.
fn peak_rss_kb(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .unwrap()
}

#[test]
fn bad_clients_do_not_disturb_recording_or_keep_a_scraper_out() {
    let d = tempdir();
    let log = d.path().join("log");
    let served = serve(None, &["--file", log.to_str().unwrap(), "0.5", "8"]);
    let addr = served.addr.clone();
    // 200 clients that connect and say nothing.
    let idle: Vec<TcpStream> = (0..200)
        .map(|_| TcpStream::connect(&addr).unwrap())
        .collect();
    // One that sends a request line of a megabyte.
    let mut big = TcpStream::connect(&addr).unwrap();
    let mut line = b"GET /".to_vec();
    line.extend(std::iter::repeat_n(b'a', 1 << 20));
    let _ = big.write_all(&line);
    // One that asks and never reads, and one that trickles its request.
    let mut deaf = TcpStream::connect(&addr).unwrap();
    deaf.write_all(b"GET /metrics HTTP/1.1\r\n\r\n").unwrap();
    let mut slow = TcpStream::connect(&addr).unwrap();
    for b in b"GET /metr" {
        slow.write_all(&[*b]).unwrap();
        std::thread::sleep(Duration::from_millis(50));
    }
    // A scraper still gets its answer.
    let (status, body) = get(&addr, "/metrics", None);
    assert_eq!(status, "HTTP/1.1 200 OK");
    assert!(body.contains("node_cpu_seconds_total"));
    let mut answer = String::new();
    let _ = big.read_to_string(&mut answer);
    assert!(
        answer.is_empty() || answer.starts_with("HTTP/1.1 431"),
        "{answer}"
    );
    let peak = peak_rss_kb(served.child.id());
    assert!(peak < 16 * 1024, "rsadc peaked at {peak} kB");
    drop(idle);
    // Recording went on, on time: 8 samples on the half-second ticks.
    let mut served = served;
    let status = served.child.wait().unwrap();
    assert!(status.success());
    let parsed = rsar::store::parse_log(&log, &std::fs::read(&log).unwrap()).unwrap();
    let walls: Vec<i64> = common::samples_of(&parsed)
        .iter()
        .map(|s| s.time.wall_ns)
        .collect();
    assert_eq!(walls.len(), 8);
    for w in &walls {
        let off_tick = w
            .rem_euclid(500_000_000)
            .min(500_000_000 - w.rem_euclid(500_000_000));
        assert!(
            off_tick < 250_000_000,
            "a sample {off_tick} ns off its tick"
        );
    }
}

/// A real Prometheus scraping `target` every second: it, the address its API answers on,
/// and its data directory; `None` (said) when Prometheus is not installed.
fn scraping(target: &str) -> Option<(Prometheus, String, tempfile::TempDir)> {
    let Some(prometheus) = prometheus_tool("prometheus") else {
        oracle_missing("prometheus (apt-get download prometheus)");
        return None;
    };
    let d = tempdir();
    let listen = format!("127.0.0.1:{}", free_port());
    let config = format!(
        "global:\n  scrape_interval: 1s\nscrape_configs:\n  - job_name: rsadc\n    static_configs:\n      - targets: ['{target}']\n",
    );
    let prom = start_prometheus(&prometheus, d.path(), &config, &listen, &[]);
    Some((prom, listen, d))
}

#[test]
fn a_real_prometheus_scrapes_rsadc() {
    let served = serve(None, &[]);
    let Some((_prom, listen, _d)) = scraping(&served.addr) else {
        return;
    };
    let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap();
    let total_kb: f64 = meminfo
        .lines()
        .find_map(|l| l.strip_prefix("MemTotal:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .unwrap();
    let mem = eventually(Duration::from_secs(60), || {
        value(&query(&listen, "node_memory_MemTotal_bytes"))
    })
    .expect("Prometheus never scraped node_memory_MemTotal_bytes");
    assert_eq!(mem, total_kb * 1024.0);
    // Every CPU is in some mode all the time: the modes' rates sum to the CPU count, once
    // the window is full of scrapes (rate() extrapolates less over a partial window).
    let cpus = std::fs::read_to_string("/proc/stat")
        .unwrap()
        .lines()
        .filter(|l| l.starts_with("cpu") && l.as_bytes().get(3).is_some_and(u8::is_ascii_digit))
        .count() as f64;
    let rate = eventually(Duration::from_secs(60), || {
        let scrapes = value(&query(&listen, "count_over_time(node_load1[15s])"))?;
        if scrapes < 13.0 {
            return None;
        }
        value(&query(&listen, "sum(rate(node_cpu_seconds_total[15s]))"))
    })
    .expect("no CPU rate");
    assert!(
        (rate - cpus).abs() < 0.25 * cpus,
        "{rate} CPU-seconds per second on {cpus} CPUs"
    );
}

/// A busy shell moved into a cgroup made for the test (cgroup v2) shows in /metrics under
/// cAdvisor's CPU metric with `id` = its path; promtool passes the exposition with the
/// cgroup series; the bound serves only what --metrics-cgroups-include names; and a
/// real Prometheus scraping it answers rate(container_cpu_usage_seconds_total) ≈ 1 CPU.
#[test]
fn a_busy_cgroup_is_one_cpu_in_prometheus_under_cadvisors_name() {
    // On a host whose CPUs are shared out by cgroup v1's cpu controller (this VM's), the
    // shell gets a whole CPU only with a large share of them: the same cgroup there, with
    // the largest cpu.shares.
    let v1_cpu = Path::new("/sys/fs/cgroup/cpu/cpu.shares").exists();
    let hierarchies: &[&str] = if v1_cpu {
        &["unified", "cpu"]
    } else {
        &["unified"]
    };
    let Some(mut cg) = TestCgroup::make_in(hierarchies, "metrics") else {
        return;
    };
    if v1_cpu {
        cg.set("cpu.shares", "262144");
    }
    cg.run("while :; do :; done");
    let id = format!("/{}", cg.path());
    let include = format!("^{}$", cg.path());
    let served = serve(None, &["--metrics-cgroups-include", &include]);
    let (_, body) = get(&served.addr, "/metrics", None);
    let cpu_lines: Vec<&str> = body
        .lines()
        .filter(|l| l.starts_with("container_cpu_usage_seconds_total{"))
        .collect();
    assert_eq!(cpu_lines.len(), 1, "{cpu_lines:?}");
    assert!(
        cpu_lines[0].contains(&format!("id=\"{id}\"")) && cpu_lines[0].contains("cpu=\"total\""),
        "{}",
        cpu_lines[0]
    );
    assert!(body.contains("# TYPE container_cpu_usage_seconds_total counter"));
    match prometheus_tool("promtool") {
        Some(promtool) => assert_eq!(promtool_findings(&promtool, &body), Vec::<String>::new()),
        None => oracle_missing("promtool (apt-get download prometheus)"),
    }
    let Some((_prom, listen, _d)) = scraping(&served.addr) else {
        return;
    };
    let selector = format!("container_cpu_usage_seconds_total{{id=\"{id}\"}}");
    let rate = eventually(Duration::from_secs(90), || {
        let scrapes = value(&query(
            &listen,
            &format!("count_over_time({selector}[10s])"),
        ))?;
        if scrapes < 9.0 {
            return None;
        }
        value(&query(&listen, &format!("rate({selector}[10s])")))
    })
    .expect("Prometheus never had the test cgroup's CPU rate");
    assert!(
        (0.8..=1.05).contains(&rate),
        "the busy cgroup used {rate} CPU-seconds per second, not about 1"
    );
}

/// The lines of one export, checked for what promtool's backfill needs: `# EOF` last, and
/// each series whole (its lines together) with timestamps increasing.
fn check_series_major(doc: &str) {
    assert!(doc.ends_with("# EOF\n"));
    let mut seen: Vec<String> = Vec::new();
    let mut last: Option<(String, f64)> = None;
    for line in doc.lines().filter(|l| !l.starts_with('#')) {
        let (series, rest) = line
            .rsplit_once('}')
            .unwrap_or_else(|| line.split_once(' ').unwrap());
        let ts: f64 = rest.split_whitespace().nth(1).unwrap().parse().unwrap();
        match &last {
            Some((s, t)) if s == series => assert!(ts > *t, "{series} goes back in time"),
            _ => {
                assert!(!seen.iter().any(|s| s == series), "{series} is split");
                seen.push(series.to_string());
            }
        }
        last = Some((series.to_string(), ts));
    }
}

/// node_load1 in the t1 fixture's /proc/loadavg.
const T1_LOAD1: f64 = 0.46;

#[test]
fn export_is_series_major_openmetrics_that_promtool_backfills_and_prometheus_serves() {
    let d = tempdir();
    let log = common::record(d.path());
    let out = common::run(
        &common::rsar_bin(),
        &["export", "-f", log.to_str().unwrap(), "--label", "env=test"],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let doc = text(&out.stdout);
    check_series_major(&doc);
    // Five samples (two boots) of every series, with the default job and instance.
    let load: Vec<&str> = doc
        .lines()
        .filter(|l| l.starts_with("node_load1{"))
        .collect();
    assert_eq!(load.len(), 5, "{load:?}");
    assert!(
        load[0]
            .starts_with("node_load1{job=\"rsadc\",instance=\"vm\",env=\"test\"} 0.41 1763719200"),
        "{}",
        load[0]
    );
    // A bad label is a usage error.
    let bad = common::run(
        &common::rsar_bin(),
        &["export", "-f", log.to_str().unwrap(), "--label", "__x=1"],
    );
    assert_eq!(bad.status.code(), Some(1));
    let (Some(promtool), Some(prometheus)) =
        (prometheus_tool("promtool"), prometheus_tool("prometheus"))
    else {
        oracle_missing("promtool and prometheus (apt-get download prometheus)");
        return;
    };
    let om = d.path().join("history.om");
    std::fs::write(&om, &doc).unwrap();
    let data = d.path().join("prom");
    std::fs::create_dir(&data).unwrap();
    let filled = Command::new(&promtool)
        .args(["tsdb", "create-blocks-from", "openmetrics"])
        .arg(&om)
        .arg(data.join("data"))
        .output()
        .unwrap();
    assert!(
        filled.status.success(),
        "{}{}",
        text(&filled.stdout),
        text(&filled.stderr)
    );
    // Prometheus on the blocks (retention long enough for a 2025 fixture), queried at the
    // recorded time for the export's instance.
    let listen = format!("127.0.0.1:{}", free_port());
    let config = "global:\n  scrape_interval: 1h\n";
    let _prom = start_prometheus(&prometheus, &data, config, &listen, &[]);
    // t1, recorded at 10:00:03: its load average and its CPU 0 idle seconds.
    let got = eventually(Duration::from_secs(60), || {
        value(&query_at(
            &listen,
            "node_load1{instance=\"vm\",env=\"test\"}",
            Some((common::TEN + 3) as f64),
        ))
    });
    assert_eq!(got, Some(T1_LOAD1));
}
