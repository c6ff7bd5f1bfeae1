//! `--listen ADDR:PORT`: `GET /metrics` (and `HEAD`) for Prometheus, on one thread beside
//! the recorder.
//!
//! The std library's listener and `poll(2)` on one thread (no new crates: tiny_http would
//! bring a thread per connection or a pool for nothing a scraper needs). At most
//! `MAX_CONNECTIONS` clients at once, each with a bounded request head and a deadline;
//! a new client pushes out the oldest one still sending its request, so idle, slow or
//! hostile clients cost bounded memory and cannot keep a scraper out. Each scrape reads /proc afresh through its
//! own `Probe`, and the cgroups through their own reader (the log is never touched); scrapes less than half a second apart (the two
//! servers of an HA pair) share one reading and its rendered bytes. Not a whole second: a
//! 1-s scrape interval jitters below it, and reusing a reading then would hand Prometheus
//! a stale counter every other scrape. Samples carry no timestamps: Prometheus stamps them.

use crate::remote_write;
use nix::poll::{poll, PollFd, PollFlags, PollTimeout};
use rsar::export::{self, cgroup::Served, exposition::Format};
use rsar::probe::cgroup::CgroupReader;
use rsar::probe::Probe;
use rsar::sample::Sample;
use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::os::fd::AsFd;
use std::rc::Rc;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The longest request head read; a longer one is refused.
const MAX_HEAD: usize = 8 * 1024;
/// How long a client may take to send its request, and then to take the answer.
const TIMEOUT: Duration = Duration::from_secs(3);
/// Scrapes closer together than this share one reading of /proc.
const REUSE: Duration = Duration::from_millis(500);
/// Clients served at once.
const MAX_CONNECTIONS: usize = 32;

/// An address that could not be served, and why.
pub type NotBound = (SocketAddr, io::Error);

/// Bind every address of `addrs` now (so a port in use is an error at start) and serve
/// them from a new thread: the addresses bound, and those that could not be (a host name's
/// IPv6 address on a machine without IPv6). Fails, naming the first, when none could be.
pub fn spawn(
    addrs: &[SocketAddr],
    probe: Probe,
    cgroups: Option<CgroupReader>,
    served: Served,
    pushing: Option<Arc<remote_write::Shared>>,
) -> Result<(Vec<SocketAddr>, Vec<NotBound>), NotBound> {
    let bind = |addr: SocketAddr| -> io::Result<(TcpListener, SocketAddr)> {
        let listener = TcpListener::bind(addr)?;
        listener.set_nonblocking(true)?;
        let bound = listener.local_addr()?;
        Ok((listener, bound))
    };
    let (mut listeners, mut bound, mut failed) = (Vec::new(), Vec::new(), Vec::new());
    for &addr in addrs {
        match bind(addr) {
            Ok((l, b)) => {
                listeners.push(l);
                bound.push(b);
            }
            Err(e) => failed.push((addr, e)),
        }
    }
    if listeners.is_empty() {
        return Err(failed.into_iter().next().unwrap_or_else(|| {
            (
                SocketAddr::from(([0, 0, 0, 0], 0)),
                io::Error::other("no address to listen on"),
            )
        }));
    }
    if let Err(e) = std::thread::Builder::new()
        .name("metrics".into())
        .spawn(move || {
            Server {
                probe,
                cgroups,
                served,
                pushing,
                last: None,
            }
            .run(&listeners)
        })
    {
        return Err((bound[0], e));
    }
    Ok((bound, failed))
}

/// One client: reading its request, then writing the answer.
struct Connection {
    stream: TcpStream,
    deadline: Instant,
    head: Vec<u8>,
    /// The answer (shared between clients of the same reading) and how much is written.
    answer: Option<(Rc<Vec<u8>>, usize)>,
}

struct Server {
    probe: Probe,
    /// The cgroups' reader (`None`: not recorded), and which are served.
    cgroups: Option<CgroupReader>,
    served: Served,
    /// The remote-write sender's progress, served as `rsar_remote_write_*`.
    pushing: Option<Arc<remote_write::Shared>>,
    /// The last reading, and its answers rendered so far, per format.
    last: Option<Reading>,
}

struct Reading {
    at: Instant,
    sample: Sample,
    text: Option<Rc<Vec<u8>>>,
    openmetrics: Option<Rc<Vec<u8>>>,
}

impl Server {
    fn run(&mut self, listeners: &[TcpListener]) {
        let mut clients: Vec<Connection> = Vec::new();
        let first_client = listeners.len();
        loop {
            let now = Instant::now();
            clients.retain(|c| c.deadline > now);
            let wait = clients
                .iter()
                .map(|c| c.deadline.saturating_duration_since(now))
                .min()
                .unwrap_or(Duration::from_secs(60));
            let mut fds = Vec::with_capacity(clients.len() + first_client);
            for l in listeners {
                fds.push(PollFd::new(l.as_fd(), PollFlags::POLLIN));
            }
            for c in &clients {
                let flags = if c.answer.is_some() {
                    PollFlags::POLLOUT
                } else {
                    PollFlags::POLLIN
                };
                fds.push(PollFd::new(c.stream.as_fd(), flags));
            }
            let timeout = PollTimeout::try_from(wait).unwrap_or(PollTimeout::MAX);
            if poll(&mut fds, timeout).is_err() {
                // EINTR: a signal for the recorder; look again.
                continue;
            }
            let ready: Vec<bool> = fds
                .iter()
                .map(|f| f.revents().is_some_and(|r| !r.is_empty()))
                .collect();
            drop(fds);
            let mut done = Vec::new();
            for (i, c) in clients.iter_mut().enumerate() {
                if ready[i + first_client] && !self.step(c) {
                    done.push(i);
                }
            }
            for i in done.into_iter().rev() {
                clients.remove(i);
            }
            for (listener, _) in listeners.iter().zip(&ready).filter(|(_, &r)| r) {
                for _ in 0..MAX_CONNECTIONS {
                    let Ok((stream, _)) = listener.accept() else {
                        break;
                    };
                    if stream.set_nonblocking(true).is_err() {
                        continue;
                    }
                    if clients.len() >= MAX_CONNECTIONS {
                        // Clients are in arrival order: the first still reading is the
                        // oldest; if all are being answered, the newcomer waits its turn
                        // by being refused now (it is closed).
                        match clients.iter().position(|c| c.answer.is_none()) {
                            Some(oldest) => {
                                clients.remove(oldest);
                            }
                            None => continue,
                        }
                    }
                    clients.push(Connection {
                        stream,
                        deadline: Instant::now() + TIMEOUT,
                        head: Vec::new(),
                        answer: None,
                    });
                }
            }
        }
    }

    /// Move a ready client on; `false` when it is finished (answered, gone, or refused).
    fn step(&mut self, c: &mut Connection) -> bool {
        if let Some((bytes, written)) = &mut c.answer {
            return match c.stream.write(&bytes[*written..]) {
                Ok(n) => {
                    *written += n;
                    *written < bytes.len()
                }
                Err(e) => e.kind() == io::ErrorKind::WouldBlock,
            };
        }
        let mut buf = [0u8; 2048];
        let request = match c.stream.read(&mut buf) {
            Ok(0) => return false,
            Ok(n) => {
                c.head.extend_from_slice(&buf[..n]);
                match head_end(&c.head) {
                    Some(end) => match std::str::from_utf8(&c.head[..end]) {
                        Ok(head) => parse(head),
                        Err(_) => (Request::Malformed, Method::Get),
                    },
                    None if c.head.len() > MAX_HEAD => (Request::TooLarge, Method::Get),
                    None => return true,
                }
            }
            Err(e) => return e.kind() == io::ErrorKind::WouldBlock,
        };
        c.head = Vec::new();
        let (request, method) = request;
        c.answer = Some((self.answer(request, method), 0));
        c.deadline = Instant::now() + TIMEOUT;
        true
    }

    /// The answer to a request: status, headers and, but for HEAD, the body. HEAD gets the
    /// headers GET would (its Content-Length included), as uptime checks expect.
    fn answer(&mut self, request: Request, method: Method) -> Rc<Vec<u8>> {
        let plain = "text/plain; charset=utf-8";
        let (status, content_type, body): (&str, &str, Rc<Vec<u8>>) = match request {
            Request::Metrics(format) => match self.metrics(format) {
                Ok(body) => ("200 OK", format.content_type(), body),
                Err(e) => (
                    "500 Internal Server Error",
                    plain,
                    Rc::new(format!("cannot read the kernel's counters: {e}\n").into_bytes()),
                ),
            },
            Request::NotFound => (
                "404 Not Found",
                plain,
                Rc::new(b"rsadc serves /metrics only\n".to_vec()),
            ),
            Request::BadMethod => (
                "405 Method Not Allowed",
                plain,
                Rc::new(b"only GET and HEAD\n".to_vec()),
            ),
            Request::TooLarge => (
                "431 Request Header Fields Too Large",
                plain,
                Rc::new(b"request too large\n".to_vec()),
            ),
            Request::Malformed => ("400 Bad Request", plain, Rc::new(b"bad request\n".to_vec())),
        };
        let allow = if status.starts_with("405") {
            "Allow: GET, HEAD\r\n"
        } else {
            ""
        };
        let mut out = format!(
            "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n{allow}Connection: close\r\n\r\n",
            body.len()
        )
        .into_bytes();
        if method == Method::Get {
            out.extend_from_slice(&body);
        }
        Rc::new(out)
    }

    /// The metrics of now (or of a reading less than `REUSE` old), rendered once per
    /// reading and format.
    fn metrics(&mut self, format: Format) -> Result<Rc<Vec<u8>>, rsar::probe::ProbeError> {
        let mut reading = match self.last.take() {
            Some(r) if r.at.elapsed() < REUSE => r,
            earlier => {
                let mut sample = earlier.map(|r| r.sample).unwrap_or_default();
                self.probe.read(&mut sample)?;
                if let Some(reader) = self.cgroups.as_mut() {
                    reader.read_into(&mut sample);
                }
                Reading {
                    at: Instant::now(),
                    sample,
                    text: None,
                    openmetrics: None,
                }
            }
        };
        let slot = match format {
            Format::Text => &mut reading.text,
            Format::OpenMetrics => &mut reading.openmetrics,
        };
        let body = match slot {
            Some(b) => b.clone(),
            None => {
                let mut body = Vec::with_capacity(64 * 1024);
                let mut families =
                    export::families(self.probe.host(), &reading.sample, &mut self.served);
                if let Some(p) = &self.pushing {
                    families.extend(export::remote_write::progress_families(&p.progress()));
                }
                // Writing to a Vec cannot fail.
                let _ = export::exposition::write(&mut body, &families, format);
                let body = Rc::new(body);
                *slot = Some(body.clone());
                body
            }
        };
        self.last = Some(reading);
        Ok(body)
    }
}

/// Where the request head ends (the blank line), if it has.
fn head_end(head: &[u8]) -> Option<usize> {
    head.windows(4).position(|w| w == b"\r\n\r\n")
}

/// Whether the answer carries its body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Method {
    Get,
    Head,
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

fn parse(head: &str) -> (Request, Method) {
    let mut lines = head.split("\r\n");
    let mut first = lines.next().unwrap_or_default().split(' ');
    let (Some(method), Some(target), Some(version)) = (first.next(), first.next(), first.next())
    else {
        return (Request::Malformed, Method::Get);
    };
    if !version.starts_with("HTTP/1.") {
        return (Request::Malformed, Method::Get);
    }
    let method = match method {
        "GET" => Method::Get,
        "HEAD" => Method::Head,
        _ => return (Request::BadMethod, Method::Get),
    };
    if target.split('?').next() != Some("/metrics") {
        return (Request::NotFound, method);
    }
    let accept = lines
        .filter_map(|l| l.split_once(':'))
        .find(|(k, _)| k.trim().eq_ignore_ascii_case("accept"))
        .map_or("", |(_, v)| v.trim());
    (Request::Metrics(Format::from_accept(accept)), method)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests() {
        assert_eq!(
            parse("GET /metrics HTTP/1.1\r\nHost: x\r\nAccept: application/openmetrics-text; version=1.0.0"),
            (Request::Metrics(Format::OpenMetrics), Method::Get)
        );
        assert_eq!(
            parse("GET /metrics?x=1 HTTP/1.0"),
            (Request::Metrics(Format::Text), Method::Get)
        );
        assert_eq!(
            parse("HEAD /metrics HTTP/1.1"),
            (Request::Metrics(Format::Text), Method::Head)
        );
        assert_eq!(parse("GET / HTTP/1.1").0, Request::NotFound);
        assert_eq!(parse("POST /metrics HTTP/1.1").0, Request::BadMethod);
        assert_eq!(parse("nonsense").0, Request::Malformed);
    }

    #[test]
    fn the_head_ends_at_the_blank_line() {
        assert_eq!(head_end(b"GET / HTTP/1.1\r\nA: b\r\n\r\nrest"), Some(20));
        assert_eq!(head_end(b"GET / HTTP/1.1\r\n"), None);
    }
}
