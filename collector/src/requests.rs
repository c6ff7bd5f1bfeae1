//! How `rsadc --comment` and `rsadc --boot` reach a collector already writing the log
//! directory: the collector holds the day file's lock, so a second rsadc cannot append;
//! it hands its record to the collector over a Unix socket in the directory,
//! `DIR/rsadc.sock`, and the collector writes it between two samples, as the one writer of
//! the file (a record appended behind its back would be overwritten, and a restart record
//! must reset the keys the collector's next sample is encoded against).
//!
//! The socket is bound by a collector that holds today's lock (so an old socket left by a
//! crash is its to replace) and removed when it stops. The directory is treated as
//! hostile, as everything in it: the socket is reached relative to the directory's own
//! descriptor (`/proc/self/fd/N/rsadc.sock`, which is also short enough for any
//! directory), binding never follows a link, the client connects only to an entry that
//! is a socket, and the collector answers only root and its own user (`SO_PEERCRED`),
//! reads a bounded request with a deadline and never blocks on a client for longer.
//!
//! One request per connection: `comment\n` and the text, or `boot\n`; the client then
//! shuts its side, and the answer is `ok\n` or `error: ...\n` once the record is written
//! and flushed.

use nix::poll::{poll, PollFd, PollFlags, PollTimeout};
use nix::sys::stat::SFlag;
use nix::sys::time::TimeSpec;
use nix::sys::timerfd::{ClockId, Expiration, TimerFd, TimerFlags, TimerSetTimeFlags};
use rsar::store::safe_dir::{EntryKind, LogDir};
use std::io::{self, Read, Write};
use std::os::fd::{AsFd, AsRawFd};
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The socket's name in the log directory.
pub const SOCKET_NAME: &str = "rsadc.sock";
/// The longest request read: a comment of 64 KiB and the verb.
const MAX_REQUEST: u64 = (64 << 10) + 16;
/// How long the collector waits for a connected client's request.
const READ_TIMEOUT: Duration = Duration::from_secs(2);
/// How long a client waits for the answer (the collector may be taking a sample).
const ANSWER_TIMEOUT: Duration = Duration::from_secs(30);
/// Clients served per wake-up, so that a flood cannot hold back the next sample.
const PER_WAKE: usize = 16;

/// A record handed to the running collector.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Request {
    Comment(String),
    /// A restart record (`--boot`).
    Restart,
}

impl Request {
    fn encode(&self) -> Vec<u8> {
        match self {
            Request::Comment(text) => format!("comment\n{text}").into_bytes(),
            Request::Restart => b"boot\n".to_vec(),
        }
    }

    fn decode(bytes: &[u8]) -> Result<Request, String> {
        let text = std::str::from_utf8(bytes).map_err(|_| "a request that is not UTF-8")?;
        match text.split_once('\n') {
            Some(("comment", t)) => Ok(Request::Comment(t.to_string())),
            Some(("boot", "")) => Ok(Request::Restart),
            _ => Err("an unknown request (this rsadc knows comment and boot)".into()),
        }
    }
}

/// The path that reaches `name` in the directory open as `dir`, whatever the directory's
/// own path (and its length: a socket path holds at most 107 bytes).
fn via_fd(dir: &LogDir, name: &str) -> PathBuf {
    PathBuf::from(format!("/proc/self/fd/{}/{name}", dir.as_fd().as_raw_fd()))
}

fn is_socket(st: &nix::sys::stat::FileStat) -> bool {
    st.st_mode & SFlag::S_IFMT.bits() == SFlag::S_IFSOCK.bits()
}

/// The uid of the process at the other end.
fn peer_uid(s: &UnixStream) -> io::Result<u32> {
    use nix::libc;
    let mut cred = libc::ucred {
        pid: 0,
        uid: 0,
        gid: 0,
    };
    let mut len = std::mem::size_of::<libc::ucred>() as libc::socklen_t;
    // SAFETY: `cred` and `len` are valid for writes and sized for SO_PEERCRED's answer.
    let rc = unsafe {
        libc::getsockopt(
            s.as_raw_fd(),
            libc::SOL_SOCKET,
            libc::SO_PEERCRED,
            (&raw mut cred).cast(),
            &mut len,
        )
    };
    if rc != 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(cred.uid)
}

/// Why the collector woke up.
#[derive(Debug, PartialEq, Eq)]
pub enum Wake {
    /// The deadline passed.
    Tick,
    /// SIGTERM or SIGINT.
    Stop,
    /// A client is waiting.
    Request,
}

/// The collector's side: the bound socket, and the timer it waits for its next tick with.
pub struct RequestSocket {
    dir: LogDir,
    listener: UnixListener,
    /// The socket's inode, to remove only our own socket when stopping.
    ino: u64,
    timer: TimerFd,
}

impl RequestSocket {
    /// Bind `DIR/rsadc.sock`, replacing an entry left there (a socket of a collector that
    /// is gone, or anything planted: the entry itself is removed, never what it names); a
    /// directory there is an error. Call only while holding the lock of the day file.
    pub fn bind(dir: &Path) -> io::Result<RequestSocket> {
        let dir = LogDir::open(dir)?;
        match dir.entry(SOCKET_NAME)? {
            None => {}
            Some((EntryKind::Directory, _)) => {
                return Err(io::Error::other(format!(
                    "{} is a directory: move it away",
                    dir.join(SOCKET_NAME).display()
                )))
            }
            Some(_) => dir.remove(SOCKET_NAME)?,
        }
        // bind(2) creates the entry: it fails on an existing one and follows no link.
        let listener = UnixListener::bind(via_fd(&dir, SOCKET_NAME))?;
        listener.set_nonblocking(true)?;
        let ino = match dir.entry(SOCKET_NAME)? {
            Some((_, st)) if is_socket(&st) => st.st_ino,
            _ => return Err(io::Error::other("the socket vanished as it was made")),
        };
        let timer = TimerFd::new(ClockId::CLOCK_REALTIME, TimerFlags::TFD_CLOEXEC)?;
        Ok(RequestSocket {
            dir,
            listener,
            ino,
            timer,
        })
    }

    /// Wait until `deadline_ns` on the wall clock (following it when it is set, as the
    /// collector's sleep does), a stop, or a client.
    pub fn wait_until(&self, deadline_ns: i64) -> Wake {
        let at = TimeSpec::new(
            deadline_ns.div_euclid(1_000_000_000),
            deadline_ns.rem_euclid(1_000_000_000),
        );
        let armed = self.timer.set(
            Expiration::OneShot(at),
            TimerSetTimeFlags::TFD_TIMER_ABSTIME,
        );
        loop {
            if rsar::wait::stop_requested() {
                return Wake::Stop;
            }
            if armed.is_err() {
                // No timer: sleep as the collector does without a socket.
                return match rsar::wait::sleep_until(rsar::wait::Clock::Wall, deadline_ns) {
                    true => Wake::Tick,
                    false => Wake::Stop,
                };
            }
            let mut fds = [
                PollFd::new(self.timer.as_fd(), PollFlags::POLLIN),
                PollFd::new(self.listener.as_fd(), PollFlags::POLLIN),
            ];
            match poll(&mut fds, PollTimeout::NONE) {
                Ok(_) => {}
                // A signal: a stop (checked above), or another one.
                Err(nix::errno::Errno::EINTR) => continue,
                Err(_) => {
                    std::thread::sleep(Duration::from_millis(100));
                    continue;
                }
            }
            let ready = |f: &PollFd| f.revents().is_some_and(|r| !r.is_empty());
            let (tick, client) = (ready(&fds[0]), ready(&fds[1]));
            if tick {
                // Readable: the expiry count is there, so this does not block.
                let _ = self.timer.wait();
                if rsar::wait::Clock::Wall.now_ns() >= deadline_ns {
                    return Wake::Tick;
                }
                // The clock was set back: the timer, absolute, waits on.
                continue;
            }
            if client {
                return Wake::Request;
            }
        }
    }

    /// Answer the clients waiting now, each with what `write` did with its record.
    pub fn serve(&self, mut write: impl FnMut(Request) -> Result<(), String>) {
        for _ in 0..PER_WAKE {
            let Ok((stream, _)) = self.listener.accept() else {
                return;
            };
            let answer = match self.read_request(&stream) {
                Ok(request) => write(request),
                Err(e) => Err(e),
            };
            let line = match answer {
                Ok(()) => "ok\n".to_string(),
                Err(e) => format!("error: {e}\n"),
            };
            let _ = (&stream).write_all(line.as_bytes());
        }
    }

    fn read_request(&self, stream: &UnixStream) -> Result<Request, String> {
        let uid = peer_uid(stream).map_err(|e| format!("cannot tell who is asking: {e}"))?;
        let euid = nix::unistd::geteuid().as_raw();
        if uid != 0 && uid != euid {
            return Err(format!(
                "uid {uid} may not add records to {} (root and uid {euid} may)",
                self.dir.path().display()
            ));
        }
        let setup = stream
            .set_nonblocking(false)
            .and_then(|()| stream.set_read_timeout(Some(READ_TIMEOUT)))
            .and_then(|()| stream.set_write_timeout(Some(READ_TIMEOUT)));
        setup.map_err(|e| format!("cannot read the request: {e}"))?;
        let mut bytes = Vec::new();
        stream
            .take(MAX_REQUEST + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| format!("cannot read the request: {e}"))?;
        if bytes.len() as u64 > MAX_REQUEST {
            return Err(format!(
                "a request over {} bytes: give a shorter comment",
                MAX_REQUEST
            ));
        }
        Request::decode(&bytes)
    }
}

impl Drop for RequestSocket {
    /// Remove the socket, if the entry is still ours.
    fn drop(&mut self) {
        if let Ok(Some((_, st))) = self.dir.entry(SOCKET_NAME) {
            if is_socket(&st) && st.st_ino == self.ino {
                let _ = self.dir.remove(SOCKET_NAME);
            }
        }
    }
}

/// Why a request could not be handed over.
#[derive(Debug)]
pub enum NotHanded {
    /// No collector listens in the directory (no socket, or nobody behind it).
    NoCollector,
    /// The collector answered with an error, or the exchange failed.
    Failed(String),
}

/// The client's side: give `request` to the collector writing `dir`, and wait until it
/// is written.
pub fn hand_over(dir: &Path, request: &Request) -> Result<(), NotHanded> {
    let failed = |what: &str, e: io::Error| {
        NotHanded::Failed(format!("{}: {what}: {e}", dir.join(SOCKET_NAME).display()))
    };
    let log_dir = LogDir::open(dir).map_err(|e| failed("cannot open the directory", e))?;
    match log_dir.entry(SOCKET_NAME) {
        Ok(Some((_, st))) if is_socket(&st) => {}
        // No socket, or something else by its name: nobody to hand the record to.
        Ok(_) => return Err(NotHanded::NoCollector),
        Err(e) => return Err(failed("cannot look at it", e)),
    }
    let mut stream = match UnixStream::connect(via_fd(&log_dir, SOCKET_NAME)) {
        Ok(s) => s,
        Err(e) if e.kind() == io::ErrorKind::ConnectionRefused => {
            return Err(NotHanded::NoCollector)
        }
        Err(e) => return Err(failed("cannot connect", e)),
    };
    let sent = stream
        .set_read_timeout(Some(ANSWER_TIMEOUT))
        .and_then(|()| stream.set_write_timeout(Some(ANSWER_TIMEOUT)))
        .and_then(|()| stream.write_all(&request.encode()))
        .and_then(|()| stream.shutdown(std::net::Shutdown::Write));
    sent.map_err(|e| failed("cannot send the request", e))?;
    let mut answer = String::new();
    (&mut stream)
        .take(64 << 10)
        .read_to_string(&mut answer)
        .map_err(|e| failed("no answer from the collector", e))?;
    match answer.trim_end().strip_prefix("error: ") {
        None if answer == "ok\n" => Ok(()),
        Some(e) => Err(NotHanded::Failed(format!(
            "the collector writing {} refused it: {e}",
            dir.display()
        ))),
        None => Err(NotHanded::Failed(format!(
            "{}: an answer this rsadc does not understand ({:?}): is the collector another version?",
            dir.join(SOCKET_NAME).display(),
            answer.trim_end()
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_round_trip_and_nothing_else_decodes() {
        for r in [
            Request::Restart,
            Request::Comment("kernel 6.18\nsecond line".into()),
            Request::Comment(String::new()),
        ] {
            assert_eq!(Request::decode(&r.encode()), Ok(r));
        }
        assert!(Request::decode(b"boot\nextra").is_err());
        assert!(Request::decode(b"delete\n").is_err());
        assert!(Request::decode(b"comment").is_err());
        assert!(Request::decode(b"comment\n\xff").is_err());
    }
}
