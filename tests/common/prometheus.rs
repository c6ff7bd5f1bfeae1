//! Debian's Prometheus for the tests that compare with it: finding it (`.ci/run` unpacks
//! it into target/prometheus), starting it on loopback, and querying it.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A Debian Prometheus tool: on PATH, or unpacked under target/prometheus.
pub fn prometheus_tool(name: &str) -> Option<PathBuf> {
    let unpacked = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("target/prometheus/usr/bin")
        .join(name);
    if unpacked.is_file() {
        return Some(unpacked);
    }
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|d| d.join(name))
            .find(|p| p.is_file())
    })
}

pub fn try_get(addr: &str, path: &str, accept: Option<&str>) -> std::io::Result<(String, String)> {
    let mut s = TcpStream::connect(addr)?;
    s.set_read_timeout(Some(Duration::from_secs(20)))?;
    let accept = accept.map_or(String::new(), |a| format!("Accept: {a}\r\n"));
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\n{accept}Connection: close\r\n\r\n"
    )?;
    let mut resp = String::new();
    s.read_to_string(&mut resp)?;
    let (head, body) = resp.split_once("\r\n\r\n").unwrap_or((&resp, ""));
    Ok((
        head.lines().next().unwrap_or("").to_string(),
        body.to_string(),
    ))
}

/// A free port on loopback (bound and released: a small race, fine for a test).
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A Prometheus instant query's result values.
pub fn query(prom: &str, q: &str) -> Vec<serde_json::Value> {
    query_at(prom, q, None)
}

/// The same, evaluated at `time` (Unix seconds, to the millisecond).
pub fn query_at(prom: &str, q: &str, time: Option<f64>) -> Vec<serde_json::Value> {
    let encoded: String = q
        .bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'_' | b'.' | b'-' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect();
    // Not up yet: nothing.
    let time = time.map_or(String::new(), |t| format!("&time={t:.3}"));
    let Ok((status, body)) = try_get(prom, &format!("/api/v1/query?query={encoded}{time}"), None)
    else {
        return Vec::new();
    };
    if !status.contains("200") {
        return Vec::new();
    }
    let body = body.trim();
    // Chunked or not, the JSON object is between the first '{' and the last '}'.
    let json = &body[body.find('{').unwrap()..=body.rfind('}').unwrap()];
    let v: serde_json::Value = serde_json::from_str(json).unwrap();
    v["data"]["result"].as_array().cloned().unwrap_or_default()
}

pub fn value(result: &[serde_json::Value]) -> Option<f64> {
    result.first()?["value"][1].as_str()?.parse().ok()
}

/// A running Prometheus, stopped on drop.
pub struct Prometheus(pub Child);

impl Drop for Prometheus {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Prometheus on `listen` with `config`, its data in `dir`/data, and `extra` arguments.
pub fn start_prometheus(
    bin: &Path,
    dir: &Path,
    config: &str,
    listen: &str,
    extra: &[&str],
) -> Prometheus {
    std::fs::write(dir.join("prometheus.yml"), config).unwrap();
    let child = Command::new(bin)
        .arg(format!(
            "--config.file={}",
            dir.join("prometheus.yml").display()
        ))
        .arg(format!(
            "--storage.tsdb.path={}",
            dir.join("data").display()
        ))
        .arg(format!("--web.listen-address={listen}"))
        // Fixtures are from 2025: keep them past the default 15 days.
        .arg("--storage.tsdb.retention.time=100y")
        .args(extra)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    Prometheus(child)
}

/// Poll `f` until it gives a value or `limit` passes.
pub fn eventually<T>(limit: Duration, mut f: impl FnMut() -> Option<T>) -> Option<T> {
    let start = Instant::now();
    while start.elapsed() < limit {
        if let Some(v) = f() {
            return Some(v);
        }
        std::thread::sleep(Duration::from_millis(500));
    }
    None
}
