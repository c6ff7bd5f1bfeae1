//! `--remote-write URL`: push what rsadc records to a Prometheus remote-write receiver,
//! with the log as the queue.
//!
//! One thread reads the day files from a cursor (the time of the newest sample the
//! receiver acknowledged, and the file and offset it was read at), oldest first, into
//! batches of at most `BATCH_SAMPLES` samples, and posts each batch until the receiver
//! acknowledges or refuses it; then the cursor is written beside the log (a temporary file
//! made durable and renamed over the old one, through `LogDir`, so no link planted in the
//! directory is followed). Nothing is queued in memory but the batch in hand: an outage of
//! any length costs the log's disk space, which it uses anyway, and after it, on reconnect
//! and after a restart of rsadc, sending resumes from the cursor. Delivery is at least
//! once: a batch sent but not acknowledged when rsadc was killed is sent again, with the
//! same times and values, which receivers keep once.
//!
//! The recorder never waits for it: the thread shares only atomics with the rest of rsadc
//! and reads the log files as any reader does, without a lock.
//!
//! Catching up, requests go at most one per `CATCH_UP_GAP`; caught up, one per
//! `BATCH_PERIOD`. Network errors, 5xx and 429 are tried again after a back-off doubling
//! from `FIRST_BACKOFF` to `MAX_BACKOFF` (or the receiver's `Retry-After`, up to
//! `MAX_RETRY_AFTER`); any other 4xx drops the batch, counted, said once per kind of
//! refusal.

use crate::recorder::log;
use rsar::export::remote_write::{Batch, Progress, HEADERS};
use rsar::sample::HostFacts;
use rsar::store::{safe_dir::EntryKind, safe_dir::LogDir, LogReader, Record};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Samples (log records: one time, every series) in one request at most.
pub const BATCH_SAMPLES: u64 = 60;
/// Caught up, a request at most this often.
pub const BATCH_PERIOD: Duration = Duration::from_secs(10);
/// Catching up, requests at least this far apart (at most 4 × 60 samples a second).
pub const CATCH_UP_GAP: Duration = Duration::from_millis(250);
/// The first wait after a failed request, doubled after each failure up to `MAX_BACKOFF`.
const FIRST_BACKOFF: Duration = Duration::from_secs(1);
const MAX_BACKOFF: Duration = Duration::from_secs(60);
/// The longest `Retry-After` honoured.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(300);
/// How long one request may take, connecting included.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// The shortest wait before the end of the log is looked at again.
const POLL: Duration = Duration::from_millis(500);
/// The most of a refusal's text kept for the log.
const MAX_ANSWER: u64 = 4096;

/// The cursor's file in the log directory, and the temporary one it is written as.
pub const CURSOR_NAME: &str = "rsadc.remote-write";
const CURSOR_TEMP: &str = "rsadc.remote-write.tmp";

/// Where and how to send, from the command line.
#[derive(Debug, Clone)]
pub struct Settings {
    pub url: String,
    /// `job`, `instance` and `--remote-write-label`, in that order of precedence (later
    /// replace earlier).
    pub labels: Vec<(String, String)>,
    /// The `Authorization` header's value, if any.
    pub authorization: Option<String>,
    /// PEM certificates trusted besides the system's.
    pub ca_file: Option<PathBuf>,
    /// The `X-Scope-OrgID` header's value (the tenant of Mimir, Cortex, Loki), if any.
    pub tenant: Option<String>,
    /// The cgroups sent (as /metrics serves).
    pub cgroups: rsar::export::cgroup::Bound,
}

/// Read a secret from a file: its content without the final newline.
fn secret(path: &Path, what: &str) -> Result<String, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read the {what} from {}: {e}", path.display()))?;
    let text = text.trim_end_matches(['\n', '\r']).to_string();
    if text.is_empty() {
        return Err(format!(
            "{} is empty: it should hold the {what}",
            path.display()
        ));
    }
    Ok(text)
}

impl Settings {
    /// Check the options and read the secrets (at start, so a wrong path stops rsadc now).
    pub fn new(
        url: &str,
        labels: Vec<(String, String)>,
        user: Option<&str>,
        password_file: Option<&Path>,
        token_file: Option<&Path>,
        ca_file: Option<&Path>,
        tenant: Option<&str>,
    ) -> Result<Settings, String> {
        let lower = url.to_ascii_lowercase();
        if !(lower.starts_with("http://") || lower.starts_with("https://")) {
            return Err(format!(
                "--remote-write {url:?}: give an http:// or https:// URL, e.g. http://prometheus:9090/api/v1/write"
            ));
        }
        use base64::Engine;
        let authorization = match (user, password_file, token_file) {
            (Some(_), _, Some(_)) => {
                return Err(
                    "give --remote-write-user or --remote-write-bearer-token-file, not both"
                        .into(),
                )
            }
            (Some(u), Some(p), None) => {
                let password = secret(p, "remote-write password")?;
                Some(format!(
                    "Basic {}",
                    base64::engine::general_purpose::STANDARD.encode(format!("{u}:{password}"))
                ))
            }
            (Some(_), None, None) => {
                return Err(
                    "--remote-write-user needs --remote-write-password-file (a file holding the password, mode 0600)".into(),
                )
            }
            (None, Some(_), _) => {
                return Err("--remote-write-password-file needs --remote-write-user".into())
            }
            (None, None, Some(t)) => Some(format!(
                "Bearer {}",
                secret(t, "remote-write bearer token")?
            )),
            (None, None, None) => None,
        };
        if let Some(ca) = ca_file {
            read_ca(ca)?;
        }
        let tenant = tenant.map(str::trim).filter(|t| !t.is_empty());
        if let Some(t) = tenant {
            // A header value: visible ASCII and spaces, nothing that could end the header.
            if !t.bytes().all(|b| b == b' ' || b.is_ascii_graphic()) {
                return Err(format!(
                    "--remote-write-tenant {t:?}: give printable ASCII (a Mimir or Cortex tenant id, e.g. team-a)"
                ));
            }
        }
        Ok(Settings {
            url: url.to_string(),
            labels,
            authorization,
            ca_file: ca_file.map(Path::to_path_buf),
            tenant: tenant.map(str::to_string),
            cgroups: rsar::export::cgroup::Bound::default(),
        })
    }
}

/// The certificates of a PEM file.
fn read_ca(path: &Path) -> Result<Vec<ureq::tls::Certificate<'static>>, String> {
    let pem = std::fs::read(path)
        .map_err(|e| format!("cannot read the CA file {}: {e}", path.display()))?;
    let mut certs = Vec::new();
    for item in ureq::tls::parse_pem(&pem) {
        match item {
            Ok(ureq::tls::PemItem::Certificate(c)) => certs.push(c),
            Ok(_) => {}
            Err(e) => {
                return Err(format!(
                    "{}: not a PEM certificate file: {e}",
                    path.display()
                ))
            }
        }
    }
    if certs.is_empty() {
        return Err(format!(
            "{} holds no certificate (-----BEGIN CERTIFICATE-----)",
            path.display()
        ));
    }
    Ok(certs)
}

/// The HTTP client: the system's roots (and the CA file's) for https, rustls for TLS.
fn agent(settings: &Settings) -> Result<ureq::Agent, String> {
    use ureq::tls::{Certificate, RootCerts, TlsConfig};
    let mut config = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .timeout_global(Some(REQUEST_TIMEOUT))
        .timeout_connect(Some(CONNECT_TIMEOUT))
        .user_agent(format!("rsadc/{}", env!("CARGO_PKG_VERSION")));
    if settings.url.to_ascii_lowercase().starts_with("https://") {
        let system = rustls_native_certs::load_native_certs();
        let mut roots: Vec<Certificate<'static>> = system
            .certs
            .iter()
            .map(|c| Certificate::from_der(c.as_ref()).to_owned())
            .collect();
        if let Some(ca) = &settings.ca_file {
            roots.extend(read_ca(ca)?);
        }
        if roots.is_empty() {
            return Err(format!(
                "no trusted certificate for {}: the system has none (install ca-certificates) and no --remote-write-ca-file was given",
                settings.url
            ));
        }
        config = config.tls_config(
            TlsConfig::builder()
                .root_certs(RootCerts::new_with_certs(&roots))
                .build(),
        );
    }
    Ok(config.build().into())
}

/// What the sender shares with the recorder and `/metrics`: atomics only.
#[derive(Debug, Default)]
pub struct Shared {
    sent: AtomicU64,
    failed_requests: AtomicU64,
    dropped: AtomicU64,
    /// The newest sample acknowledged (or dropped), and the newest recorded (ns).
    acked_ns: AtomicI64,
    recorded_ns: AtomicI64,
    interval_ns: AtomicI64,
}

impl Shared {
    pub fn new(interval: Duration) -> Arc<Shared> {
        let s = Shared::default();
        s.interval_ns.store(
            interval.as_nanos().min(i64::MAX as u128) as i64,
            Ordering::Relaxed,
        );
        Arc::new(s)
    }

    /// A sample taken at `ns` is in the log.
    pub fn recorded(&self, ns: i64) {
        self.recorded_ns.store(ns, Ordering::Relaxed);
    }

    pub fn progress(&self) -> Progress {
        let acked = self.acked_ns.load(Ordering::Relaxed);
        let recorded = self.recorded_ns.load(Ordering::Relaxed);
        let interval = self.interval_ns.load(Ordering::Relaxed).max(1);
        let now = rsar::probe::system_clock_ns();
        Progress {
            sent: self.sent.load(Ordering::Relaxed),
            failed_requests: self.failed_requests.load(Ordering::Relaxed),
            dropped: self.dropped.load(Ordering::Relaxed),
            pending_records: if recorded > acked {
                ((recorded - acked + interval / 2) / interval) as u64
            } else {
                0
            },
            lag_seconds: if acked > 0 {
                (now - acked).max(0) as f64 / 1e9
            } else {
                0.0
            },
        }
    }
}

/// How far the receiver has acknowledged: the newest sample's time, the file and offset
/// it was read at, and the URL it was sent to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cursor {
    pub time_ns: i64,
    pub file: String,
    pub offset: u64,
    pub url: String,
}

impl Cursor {
    const MAGIC: &'static str = "rsadc-remote-write-cursor 1";

    fn encode(&self) -> String {
        format!(
            "{}\ntime_ns {}\nfile {}\noffset {}\nurl {}\n",
            Cursor::MAGIC,
            self.time_ns,
            self.file,
            self.offset,
            self.url
        )
    }

    fn decode(text: &str) -> Option<Cursor> {
        let mut lines = text.lines();
        if lines.next()? != Cursor::MAGIC {
            return None;
        }
        let mut field = |key: &str| -> Option<String> {
            let (k, v) = lines.next()?.split_once(' ')?;
            (k == key).then(|| v.to_string())
        };
        Some(Cursor {
            time_ns: field("time_ns")?.parse().ok()?,
            file: field("file")?,
            offset: field("offset")?.parse().ok()?,
            url: field("url")?,
        })
    }

    /// The cursor in `dir`: `Ok(None)` when there is none; an error when it is not a
    /// regular file (never followed) or not a cursor.
    pub fn load(dir: &LogDir) -> Result<Option<Cursor>, String> {
        let shown = dir.join(CURSOR_NAME);
        let mut file = match dir.open_regular(CURSOR_NAME, false) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(format!("{}: {e}", shown.display())),
        };
        let mut text = String::new();
        (&mut file)
            .take(4096)
            .read_to_string(&mut text)
            .map_err(|e| format!("{}: {e}", shown.display()))?;
        Cursor::decode(&text).map(Some).ok_or_else(|| {
            format!(
                "{}: not a remote-write cursor (remove it to start sending from now)",
                shown.display()
            )
        })
    }

    /// Write the cursor so that a crash leaves the old one or the new one whole: a
    /// temporary file, flushed to disk, renamed over the old, the directory flushed.
    pub fn store(&self, dir: &LogDir) -> std::io::Result<()> {
        match dir.entry(CURSOR_TEMP)? {
            None => {}
            // A temporary file left by a crash (or a link planted there): the entry
            // itself goes, never what a link points to.
            Some((EntryKind::Directory, _)) => {
                return Err(std::io::Error::other(format!(
                    "{} is a directory: remove it",
                    dir.join(CURSOR_TEMP).display()
                )))
            }
            Some(_) => dir.remove(CURSOR_TEMP)?,
        }
        let mut f = dir.create_new(CURSOR_TEMP)?;
        f.write_all(self.encode().as_bytes())?;
        f.sync_all()?;
        drop(f);
        dir.rename_replacing(CURSOR_TEMP, CURSOR_NAME)?;
        dir.sync();
        Ok(())
    }
}

/// `rsadc --status DIR`: how far the remote-write sender has got.
pub fn status(dir: &Path) -> Result<String, String> {
    let d = LogDir::open(dir).map_err(|e| format!("cannot open {}: {e}", dir.display()))?;
    let Some(c) = Cursor::load(&d)? else {
        return Ok(format!(
            "remote write: no cursor in {} (rsadc has not sent from this directory)",
            dir.display()
        ));
    };
    let lag = (rsar::probe::system_clock_ns() - c.time_ns) as f64 / 1e9;
    let at = chrono::DateTime::from_timestamp_nanos(c.time_ns)
        .with_timezone(&chrono::Local)
        .format("%Y-%m-%d %H:%M:%S %z");
    Ok(format!(
        "remote write to {}: acknowledged up to {at}, {lag:.0} s ago (lag); cursor at {} offset {}",
        c.url, c.file, c.offset
    ))
}

/// Start the sender on `dir`'s day files. It starts from the cursor in `dir`, or, without
/// one (or with one for another URL), from `start_ns`.
pub fn spawn(
    dir: &Path,
    settings: Settings,
    shared: Arc<Shared>,
    start_ns: i64,
) -> Result<(), String> {
    let log_dir = LogDir::open(dir).map_err(|e| format!("cannot open {}: {e}", dir.display()))?;
    let cursor = match Cursor::load(&log_dir)? {
        Some(c) if c.url == settings.url => {
            log(&format!(
                "remote write to {}: resuming after {}",
                settings.url,
                chrono::DateTime::from_timestamp_nanos(c.time_ns)
                    .with_timezone(&chrono::Local)
                    .format("%Y-%m-%d %H:%M:%S")
            ));
            c
        }
        other => {
            if let Some(c) = other {
                log(&format!(
                    "remote write: the cursor in {} is for {}, not {}: sending to the new URL from now",
                    dir.display(),
                    c.url,
                    settings.url
                ));
            }
            Cursor {
                time_ns: start_ns - 1,
                file: String::new(),
                offset: 0,
                url: settings.url.clone(),
            }
        }
    };
    let agent = agent(&settings)?;
    shared.acked_ns.store(cursor.time_ns, Ordering::Relaxed);
    let sender = Sender {
        dir: dir.to_path_buf(),
        log_dir,
        batch: Batch::new(settings.labels.clone(), settings.cgroups.clone()),
        settings,
        agent,
        shared,
        read_ns: cursor.time_ns,
        read_at: (cursor.file.clone(), cursor.offset),
        resuming: cursor.time_ns > 0,
        open: None,
        finished: None,
        last_post: None,
        refusals: Vec::new(),
        store_failed: false,
        read_failed: None,
    };
    std::thread::Builder::new()
        .name("remote-write".into())
        .spawn(move || {
            // SIGINT and SIGTERM are the recorder's: its wait must be the one they end.
            use nix::sys::signal::{pthread_sigmask, SigSet, SigmaskHow, Signal};
            let mut set = SigSet::empty();
            set.add(Signal::SIGINT);
            set.add(Signal::SIGTERM);
            let _ = pthread_sigmask(SigmaskHow::SIG_BLOCK, Some(&set), None);
            sender.run()
        })
        .map(|_| ())
        .map_err(|e| format!("cannot start the remote-write thread: {e}"))
}

/// The day file being read.
struct Open {
    path: PathBuf,
    name: String,
    date: chrono::NaiveDate,
    reader: LogReader,
    host: HostFacts,
}

/// What became of one request.
enum Answer {
    Acknowledged,
    /// Worth trying again: after this long, if the receiver said.
    Retry(String, Option<Duration>),
    Refused(u16, String),
}

struct Sender {
    dir: PathBuf,
    log_dir: LogDir,
    settings: Settings,
    agent: ureq::Agent,
    shared: Arc<Shared>,
    batch: Batch,
    /// The newest sample read into a batch, and the file and offset it was read at.
    read_ns: i64,
    read_at: (String, u64),
    /// Resumed from a cursor: the first day file is read from its start, and the limits
    /// of the samples up to the cursor learned (the log holds them where they change:
    /// from the cursor on, the series would lack them until they change).
    resuming: bool,
    open: Option<Open>,
    /// The last file read to its end and left: (date, path).
    finished: Option<(chrono::NaiveDate, PathBuf)>,
    last_post: Option<Instant>,
    /// Kinds of refusal already said in the log.
    refusals: Vec<String>,
    store_failed: bool,
    read_failed: Option<String>,
}

impl Sender {
    fn run(mut self) {
        loop {
            let more = self.fill();
            let full = self.batch.samples() >= BATCH_SAMPLES;
            let due = self.batch.samples() > 0
                && self.last_post.is_none_or(|t| t.elapsed() >= BATCH_PERIOD);
            if full || (!more && due) {
                self.deliver();
            } else if !more {
                // Caught up: the log is read again when the next request is due, so that
                // its end is looked at once per request, not once per sample.
                let until_due = self
                    .last_post
                    .map_or(POLL, |t| BATCH_PERIOD.saturating_sub(t.elapsed()));
                std::thread::sleep(until_due.max(POLL));
            }
        }
    }

    /// Read records into the batch until it is full (`true`) or the log has no more for
    /// now (`false`).
    fn fill(&mut self) -> bool {
        while self.batch.samples() < BATCH_SAMPLES {
            if self.open.is_none() && !self.open_next() {
                return false;
            }
            let Some(open) = &mut self.open else {
                return false;
            };
            match open.reader.next_record() {
                Ok(Some((offset, record))) => match record {
                    Record::Sample(s) if s.time.wall_ns > self.read_ns => {
                        self.batch.add(&open.host, &s);
                        self.read_ns = s.time.wall_ns;
                        self.read_at = (open.name.clone(), offset);
                    }
                    Record::Sample(s) => self.batch.learn(&s),
                    Record::Restart { host, .. } => open.host = host,
                    _ => {}
                },
                Ok(None) => {
                    // A later file exists only once this one is finished (the recorder
                    // writes a day's closing sample before it opens the next day).
                    if self.later_file().is_some() {
                        self.leave();
                    } else {
                        return false;
                    }
                }
                Err(e) => {
                    let said = e.to_string();
                    if self.read_failed.as_ref() != Some(&said) {
                        log(&format!(
                            "remote write: {said}: reading on from the next file"
                        ));
                        self.read_failed = Some(said);
                    }
                    if self.later_file().is_some() {
                        self.leave();
                    } else {
                        return false;
                    }
                }
            }
        }
        true
    }

    fn leave(&mut self) {
        if let Some(o) = self.open.take() {
            self.finished = Some((o.date, o.path));
        }
    }

    /// The day files to read, oldest first: from the day of the cursor on, and after the
    /// file last finished.
    fn candidates(&self) -> Vec<(chrono::NaiveDate, PathBuf)> {
        let Ok(days) = rsar::store::list_days(&self.dir) else {
            return Vec::new();
        };
        let (from_day, _) = rsar::time::local_day(self.read_ns.max(0));
        let days: Vec<_> = days
            .into_iter()
            .filter(|(d, _, _)| *d >= from_day)
            .map(|(d, p, _)| (d, p))
            .collect();
        let current = self
            .open
            .as_ref()
            .map(|o| (o.date, o.path.clone()))
            .or_else(|| self.finished.clone());
        match current {
            None => days,
            Some((date, path)) => match days.iter().position(|(_, p)| *p == path) {
                Some(i) => days[i + 1..].to_vec(),
                // Compressed since: what follows it is the next day's.
                None => days.into_iter().filter(|(d, _)| *d > date).collect(),
            },
        }
    }

    fn later_file(&self) -> Option<(chrono::NaiveDate, PathBuf)> {
        self.candidates().into_iter().next()
    }

    /// Open the next day file to read; `false` when there is none yet. A file that
    /// vanished between the listing and the open (housekeeping compressed it) is looked
    /// for again under its new name.
    fn open_next(&mut self) -> bool {
        for _ in 0..3 {
            match self.try_open_next() {
                Some(opened) => return opened,
                None => continue,
            }
        }
        false
    }

    /// `Some(true)`: a file is open; `Some(false)`: none to open; `None`: list again.
    fn try_open_next(&mut self) -> Option<bool> {
        let candidates = self.candidates();
        let last = candidates.len().saturating_sub(1);
        for (i, (date, path)) in candidates.into_iter().enumerate() {
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            // Only a regular file of the directory itself: a link there is not followed.
            let regular = matches!(self.log_dir.entry(&name), Ok(Some((EntryKind::Regular, _))));
            let opened = if regular {
                LogReader::open(&path).map_err(|e| e.to_string())
            } else {
                Err(format!("{} is not a regular file: skipped", path.display()))
            };
            // The newest file may be one the recorder is creating: empty, or its header
            // half written. It is looked at again later, never skipped.
            let newest = i == last;
            match opened {
                Ok(reader) if newest && reader.header_damaged() => return Some(false),
                Err(_) if newest && regular => return Some(false),
                Ok(mut reader) => {
                    // Bisection to the cursor, but for the day a sender resumes in: its
                    // limits are learned from its start, once.
                    if !std::mem::take(&mut self.resuming) {
                        let _ = reader.seek_before(self.read_ns.saturating_add(1));
                    }
                    let host = reader.header().host.clone();
                    self.open = Some(Open {
                        path,
                        name,
                        date,
                        reader,
                        host,
                    });
                    return Some(true);
                }
                Err(_) if matches!(self.log_dir.entry(&name), Ok(None)) => return None,
                Err(e) => {
                    if self.read_failed.as_ref() != Some(&e) {
                        log(&format!("remote write: {e}"));
                        self.read_failed = Some(e);
                    }
                    self.finished = Some((date, path));
                }
            }
        }
        Some(false)
    }

    /// Post the batch until it is acknowledged or refused, then move the cursor past it.
    fn deliver(&mut self) {
        let body = self.batch.encode();
        let points = self.batch.points();
        let mut backoff = FIRST_BACKOFF;
        let mut failures = 0u64;
        loop {
            if let Some(t) = self.last_post {
                let since = t.elapsed();
                if since < CATCH_UP_GAP {
                    std::thread::sleep(CATCH_UP_GAP - since);
                }
            }
            self.last_post = Some(Instant::now());
            match self.post(&body) {
                Answer::Acknowledged => {
                    if failures > 0 {
                        log(&format!(
                            "remote write to {}: delivering again after {failures} failed requests; sending what was recorded meanwhile",
                            self.settings.url
                        ));
                    }
                    self.shared.sent.fetch_add(points, Ordering::Relaxed);
                    break;
                }
                Answer::Retry(why, after) => {
                    self.shared.failed_requests.fetch_add(1, Ordering::Relaxed);
                    if failures == 0 {
                        log(&format!(
                            "remote write to {}: {why}; trying again with back-off (every sample stays in the log and is sent later)",
                            self.settings.url
                        ));
                    }
                    failures += 1;
                    let wait = after.map_or(backoff, |a| a.min(MAX_RETRY_AFTER));
                    std::thread::sleep(wait);
                    backoff = (backoff * 2).min(MAX_BACKOFF);
                }
                Answer::Refused(status, text) => {
                    self.shared.dropped.fetch_add(points, Ordering::Relaxed);
                    self.say_refusal(status, &text, points);
                    break;
                }
            }
        }
        let acked = Cursor {
            time_ns: self.read_ns,
            file: self.read_at.0.clone(),
            offset: self.read_at.1,
            url: self.settings.url.clone(),
        };
        self.shared.acked_ns.store(acked.time_ns, Ordering::Relaxed);
        match acked.store(&self.log_dir) {
            Ok(()) => self.store_failed = false,
            Err(e) if !self.store_failed => {
                self.store_failed = true;
                log(&format!(
                    "remote write: cannot write the cursor {}: {e} (a restart would send again from the last cursor written)",
                    self.log_dir.join(CURSOR_NAME).display()
                ));
            }
            Err(_) => {}
        }
        self.batch.clear();
    }

    /// One line in the log per kind of refusal, the first time it happens.
    fn say_refusal(&mut self, status: u16, text: &str, points: u64) {
        let lower = text.to_ascii_lowercase();
        let too_old = [
            "out of bounds",
            "too old",
            "too far in the past",
            "out of order",
        ]
        .iter()
        .any(|p| lower.contains(p));
        let kind = if too_old {
            "too old".to_string()
        } else {
            status.to_string()
        };
        if self.refusals.contains(&kind) {
            return;
        }
        self.refusals.push(kind);
        let first_line = text.lines().next().unwrap_or("").trim();
        if too_old {
            log(&format!(
                "remote write to {}: the receiver refuses samples this old ({status}: {first_line}); they are dropped and sending skips ahead to what it accepts. To keep history after an outage, let it take older samples: Prometheus 2.39 or later, `storage: tsdb: out_of_order_time_window: 1d` in its configuration (with --web.enable-remote-write-receiver); Mimir, the per-tenant limit `out_of_order_time_window`; VictoriaMetrics takes them as it is",
                self.settings.url
            ));
        } else {
            log(&format!(
                "remote write to {}: the receiver refused a batch ({status}: {first_line}): its {points} values are dropped, and so will be those of every batch it refuses so (counted in rsar_remote_write_dropped_samples_total; said once)",
                self.settings.url
            ));
        }
    }

    fn post(&self, body: &[u8]) -> Answer {
        let mut request = self.agent.post(&self.settings.url);
        for (k, v) in HEADERS {
            request = request.header(k, v);
        }
        if let Some(a) = &self.settings.authorization {
            request = request.header("Authorization", a);
        }
        if let Some(t) = &self.settings.tenant {
            request = request.header("X-Scope-OrgID", t);
        }
        let mut response = match request.send(body) {
            Ok(r) => r,
            Err(e) => return Answer::Retry(e.to_string(), None),
        };
        let status = response.status().as_u16();
        let retry_after = response
            .headers()
            .get("retry-after")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map(Duration::from_secs);
        let mut text = String::new();
        let _ = response
            .body_mut()
            .as_reader()
            .take(MAX_ANSWER)
            .read_to_string(&mut text);
        match status {
            200..=299 => Answer::Acknowledged,
            429 | 500..=599 => Answer::Retry(
                format!("{status} {}", text.lines().next().unwrap_or("").trim()),
                retry_after,
            ),
            _ => Answer::Refused(status, text),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cursor_reads_back_and_nothing_else_passes_for_one() {
        let c = Cursor {
            time_ns: 1_700_000_000_123_456_789,
            file: "rsar20261206".into(),
            offset: 4096,
            url: "http://127.0.0.1:9090/api/v1/write".into(),
        };
        assert_eq!(Cursor::decode(&c.encode()), Some(c));
        assert_eq!(
            Cursor::decode("rsadc-remote-write-cursor 1\ntime_ns x\n"),
            None
        );
        assert_eq!(Cursor::decode(""), None);
    }
}
