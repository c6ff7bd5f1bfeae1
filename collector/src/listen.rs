//! `--listen ADDR:PORT`: `GET /metrics` for Prometheus, on one thread beside the recorder.
//!
//! The std library's listener, one connection at a time: a scrape is a few milliseconds,
//! and one thread with bounded requests and timeouts keeps the collector's memory flat
//! whatever clients do (no new crates; tiny_http would add a thread pool and ~40 crates'
//! worth of build for nothing Prometheus needs). Each scrape reads /proc afresh through
//! its own `Probe` (the log is never touched), except that scrapes arriving less than a
//! second apart share one reading. Samples carry no timestamps: Prometheus stamps them.

use rsar::export::{self, exposition::Format};
use rsar::probe::Probe;
use rsar::sample::Sample;
use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::time::{Duration, Instant};

/// The longest request head read; a longer one is refused.
const MAX_HEAD: usize = 8 * 1024;
/// How long a client may take to send its request, and to take the answer.
const TIMEOUT: Duration = Duration::from_secs(3);
/// Scrapes closer together than this share one reading of /proc.
const REUSE: Duration = Duration::from_secs(1);

/// Bind `addr` now (so a port in use is an error at start) and serve from a new thread.
pub fn spawn(addr: SocketAddr, probe: Probe) -> io::Result<SocketAddr> {
    let listener = TcpListener::bind(addr)?;
    let bound = listener.local_addr()?;
    std::thread::Builder::new()
        .name("metrics".into())
        .spawn(move || serve(listener, probe))?;
    Ok(bound)
}

fn serve(listener: TcpListener, mut probe: Probe) {
    let mut last: Option<(Instant, Sample)> = None;
    for stream in listener.incoming() {
        let Ok(stream) = stream else { continue };
        // A client that misbehaves only loses its own answer.
        let _ = answer(stream, &mut probe, &mut last);
    }
}

/// What a request asks for.
#[derive(Debug, PartialEq, Eq)]
enum Request {
    Metrics(Format),
    NotFound,
    BadMethod,
    TooLarge,
    Malformed,
}

/// Read a request head (up to the blank line), bounded in size.
fn read_head(stream: &mut impl Read) -> io::Result<Result<String, Request>> {
    let mut head = Vec::with_capacity(1024);
    let mut buf = [0u8; 1024];
    loop {
        let n = stream.read(&mut buf)?;
        if n == 0 {
            return Ok(Err(Request::Malformed));
        }
        head.extend_from_slice(&buf[..n]);
        if let Some(end) = head.windows(4).position(|w| w == b"\r\n\r\n") {
            head.truncate(end);
            return Ok(String::from_utf8(head).map_err(|_| Request::Malformed));
        }
        if head.len() > MAX_HEAD {
            return Ok(Err(Request::TooLarge));
        }
    }
}

fn parse(head: &str) -> Request {
    let mut lines = head.split("\r\n");
    let mut first = lines.next().unwrap_or_default().split(' ');
    let (Some(method), Some(target), Some(version)) = (first.next(), first.next(), first.next())
    else {
        return Request::Malformed;
    };
    if !version.starts_with("HTTP/1.") {
        return Request::Malformed;
    }
    if method != "GET" {
        return Request::BadMethod;
    }
    if target.split('?').next() != Some("/metrics") {
        return Request::NotFound;
    }
    let accept = lines
        .filter_map(|l| l.split_once(':'))
        .find(|(k, _)| k.trim().eq_ignore_ascii_case("accept"))
        .map_or("", |(_, v)| v.trim());
    Request::Metrics(Format::from_accept(accept))
}

fn answer(
    mut stream: TcpStream,
    probe: &mut Probe,
    last: &mut Option<(Instant, Sample)>,
) -> io::Result<()> {
    stream.set_read_timeout(Some(TIMEOUT))?;
    stream.set_write_timeout(Some(TIMEOUT))?;
    let request = match read_head(&mut stream)? {
        Ok(head) => parse(&head),
        Err(r) => r,
    };
    let (status, content_type, body) = match request {
        Request::Metrics(format) => match metrics(probe, last, format) {
            Ok(body) => ("200 OK", format.content_type(), body),
            Err(e) => (
                "500 Internal Server Error",
                "text/plain; charset=utf-8",
                format!("cannot read the kernel's counters: {e}\n").into_bytes(),
            ),
        },
        Request::NotFound => (
            "404 Not Found",
            "text/plain; charset=utf-8",
            b"rsadc serves /metrics only\n".to_vec(),
        ),
        Request::BadMethod => (
            "405 Method Not Allowed",
            "text/plain; charset=utf-8",
            b"only GET\n".to_vec(),
        ),
        Request::TooLarge => (
            "431 Request Header Fields Too Large",
            "text/plain; charset=utf-8",
            b"request too large\n".to_vec(),
        ),
        Request::Malformed => (
            "400 Bad Request",
            "text/plain; charset=utf-8",
            b"bad request\n".to_vec(),
        ),
    };
    let allow = if status.starts_with("405") {
        "Allow: GET\r\n"
    } else {
        ""
    };
    write!(
        stream,
        "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n{allow}Connection: close\r\n\r\n",
        body.len()
    )?;
    stream.write_all(&body)?;
    stream.flush()
}

/// The metrics of now (or of a reading less than a second old).
fn metrics(
    probe: &mut Probe,
    last: &mut Option<(Instant, Sample)>,
    format: Format,
) -> Result<Vec<u8>, rsar::probe::ProbeError> {
    let (at, sample) = match last.take() {
        Some((at, sample)) if at.elapsed() < REUSE => (at, sample),
        earlier => {
            let mut sample = earlier.map(|(_, s)| s).unwrap_or_default();
            probe.read(&mut sample)?;
            (Instant::now(), sample)
        }
    };
    let mut body = Vec::with_capacity(64 * 1024);
    let families = export::families(probe.host(), &sample);
    *last = Some((at, sample));
    // Writing to a Vec cannot fail.
    let _ = export::exposition::write(&mut body, &families, format);
    Ok(body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests() {
        assert_eq!(
            parse("GET /metrics HTTP/1.1\r\nHost: x\r\nAccept: application/openmetrics-text; version=1.0.0"),
            Request::Metrics(Format::OpenMetrics)
        );
        assert_eq!(
            parse("GET /metrics?x=1 HTTP/1.0"),
            Request::Metrics(Format::Text)
        );
        assert_eq!(parse("GET / HTTP/1.1"), Request::NotFound);
        assert_eq!(parse("POST /metrics HTTP/1.1"), Request::BadMethod);
        assert_eq!(parse("nonsense"), Request::Malformed);
    }

    #[test]
    fn a_head_without_end_is_cut_at_the_bound() {
        let big = vec![b'a'; 100_000];
        let r = read_head(&mut &big[..]).unwrap();
        assert_eq!(r, Err(Request::TooLarge));
    }
}
