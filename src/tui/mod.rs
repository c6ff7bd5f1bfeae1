//! `rsar tui`: the machine live, or its history replayed, in the terminal.
//!
//! One event channel is fed by the input thread, a ticker, and the sampler (live) or the
//! log reader and the moment decoder (replay); the loop below applies each event to `App`
//! (which never draws) and redraws with `ui::draw` (which never changes state). Numbers
//! come from `stats` through `model`. A replay keeps a `Point` per interval; the full
//! detail of the moment on screen is decoded again from the files when the cursor moves
//! (`moment`), so memory grows with the day only by those points. The terminal is
//! restored on quit, on error and on panic.

pub mod app;
pub mod model;
pub mod moment;
pub mod ui;

use crate::history::Window;
use crate::live::LiveSource;
use crate::probe::{Probe, ProcCounters};
use crate::report::{Render, Table};
use crate::sample::{HostFacts, Sample};
use crate::source::Follow;
use crate::stats::{proc_rows, IntervalStats};
use app::{App, Source};
use crossterm::event::{self, Event as TermEvent, KeyEventKind};
use model::{Names, Point, Snapshot};
use moment::Request;
use std::io;
use std::path::PathBuf;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender, SyncSender};
use std::time::{Duration, Instant};

/// What the screen shows.
pub enum Feed {
    Live {
        proc_root: PathBuf,
        sys_root: PathBuf,
        interval: Duration,
        /// Quit after this many intervals (COUNT).
        count: Option<u64>,
        /// Also save the samples to this log file (`-o`).
        save: Option<PathBuf>,
    },
    /// Recorded days; a single file (or today's) keeps being followed as it grows.
    Logs {
        files: Vec<PathBuf>,
        follow: Follow,
        window: Window,
        /// Show the comments recorded in the logs (`-C`).
        comments: bool,
    },
}

/// Everything that can happen.
pub enum Event {
    Key(crossterm::event::KeyEvent),
    Resize,
    Tick,
    /// Live: a sample and the processes at that moment.
    Sample(Box<Sample>, Vec<ProcCounters>),
    /// Replay: the host the logs describe.
    Host(HostFacts),
    /// Replay: one interval of the timeline.
    Point(Point),
    /// Replay: a decoded moment (the intervals up to the cursor, in full).
    Moments(Vec<Snapshot>),
    Restart(i64),
    Comment(i64, String),
    /// Damaged records or a day cut short, one line each: shown, and said on quitting.
    Damage(Vec<String>),
    /// Something worth a line on the screen (a sample not saved, a moment not decoded).
    Note(String),
    /// Something went wrong in a feeding thread.
    Failed(String),
}

/// A renderer that sends the timeline down the channel: the log reader's output.
struct ChannelRender {
    tx: SyncSender<Event>,
    comments: bool,
    /// The end of the last interval sent.
    last_ns: Option<i64>,
}

impl Render for ChannelRender {
    fn begin(&mut self, host: &HostFacts, _: i64) -> io::Result<()> {
        self.send(Event::Host(host.clone()))
    }
    fn interval(&mut self, s: &IntervalStats) -> io::Result<()> {
        self.last_ns = Some(s.end_ns);
        self.send(Event::Point(Point::of(s)))
    }
    fn restart(&mut self, wall_ns: i64, _: u32) -> io::Result<()> {
        self.send(Event::Restart(wall_ns))
    }
    fn comment(&mut self, wall_ns: i64, text: &str) -> io::Result<()> {
        if self.comments {
            self.send(Event::Comment(wall_ns, text.to_string()))?;
        }
        Ok(())
    }
    fn finish(&mut self) -> io::Result<()> {
        Ok(())
    }
    fn unavailable(&self) -> Vec<Table> {
        Vec::new()
    }
}

impl ChannelRender {
    fn send(&self, e: Event) -> io::Result<()> {
        self.tx
            .send(e)
            .map_err(|_| io::Error::new(io::ErrorKind::BrokenPipe, "screen closed"))
    }
}

fn spawn_input(tx: SyncSender<Event>) {
    // Blocks until the terminal has something: no polling while nothing happens.
    std::thread::spawn(move || loop {
        let e = match event::read() {
            Ok(TermEvent::Key(k)) if k.kind != KeyEventKind::Release => Event::Key(k),
            Ok(TermEvent::Resize(..)) => Event::Resize,
            Ok(_) => continue,
            Err(_) => return,
        };
        if tx.send(e).is_err() {
            return;
        }
    });
}

fn spawn_ticker(tx: SyncSender<Event>, every: Duration) {
    std::thread::spawn(move || loop {
        std::thread::sleep(every);
        if tx.send(Event::Tick).is_err() {
            return;
        }
    });
}

/// Samples every `interval`; a new interval sent on `every` applies at once (the next
/// sample is due that long after the last one, or now if that has passed).
fn spawn_sampler(
    tx: SyncSender<Event>,
    probe: Probe,
    proc_root: PathBuf,
    mut interval: Duration,
    every: Receiver<Duration>,
    save: Option<PathBuf>,
) {
    std::thread::spawn(move || {
        let mut saver = None;
        if let Some(path) = save {
            let now = crate::probe::system_clock_ns();
            let offset = chrono::Local::now().offset().local_minus_utc();
            match crate::store::DayWriter::open(&path, probe.host(), now, offset) {
                Ok((w, _)) => saver = Some(w),
                Err(e) => {
                    let _ = tx.send(Event::Failed(format!("cannot save samples: {e}")));
                    return;
                }
            }
        }
        // The same sampling, saving and process reading as a live report; the screen keeps
        // its own time, since its interval changes while it runs.
        let page_kb = u64::from(probe.host().page_size / 1024).max(1);
        let schedule = crate::live::Schedule {
            interval,
            count: None,
            since_boot: false,
        };
        let mut source = LiveSource::new(probe, schedule, saver).with_processes(&proc_root);
        loop {
            let taken = Instant::now();
            let e = match source.take() {
                Ok((s, table)) => Event::Sample(
                    Box::new(s),
                    table.map_or_else(Vec::new, |t| proc_counters(&t, page_kb)),
                ),
                Err(e) => Event::Failed(e.to_string()),
            };
            for w in crate::source::Source::take_warnings(&mut source) {
                let _ = tx.send(Event::Note(w));
            }
            if tx.send(e).is_err() {
                return;
            }
            loop {
                let wait = (taken + interval).saturating_duration_since(Instant::now());
                match every.recv_timeout(wait) {
                    Ok(new) => interval = new,
                    Err(RecvTimeoutError::Timeout) => break,
                    Err(RecvTimeoutError::Disconnected) => return,
                }
            }
        }
    });
}

/// The screen's process rows from a recorded-style process table.
fn proc_counters(t: &crate::store::procs::ProcessTable, page_kb: u64) -> Vec<ProcCounters> {
    t.processes
        .iter()
        .map(|p| ProcCounters {
            pid: p.pid,
            comm: p.comm.to_string(),
            state: p.state_char(),
            uid: p.uid,
            cpu_ticks: p.utime + p.stime,
            rss_kb: p.rss * page_kb,
            start_ticks: p.start_ticks,
        })
        .collect()
}

/// Read recorded days into the timeline, through the same pipeline as the reports: to
/// the end of what is written (then the damage found is sent), and on from the last
/// interval while following.
fn load(
    tx: SyncSender<Event>,
    files: Vec<PathBuf>,
    follow: Follow,
    window: &Window,
    comments: bool,
) -> Result<(), String> {
    let mut out = ChannelRender {
        tx: tx.clone(),
        comments,
        last_ns: None,
    };
    let start = crate::source::WindowStart {
        since_ns: window.since_ns,
        clock: window.start_clock,
    };
    let sa = files.first().is_some_and(|p| crate::sysstat::is_sa_file(p));
    let mut source = crate::source::open_recorded(
        files.clone(),
        Follow::No,
        start,
        std::path::Path::new("/sys"),
    )
    .map_err(|e| e.to_string())?;
    let outcome = crate::pipeline::run(source.as_mut(), window, &mut out, comments, &mut |_| {})
        .map_err(|e| e.to_string())?;
    if !outcome.damage.is_empty() {
        out.send(Event::Damage(outcome.damage))
            .map_err(|e| e.to_string())?;
    }
    if follow == Follow::No || sa {
        return Ok(());
    }
    // Following: read again from the last interval's end sample, which pairs with the
    // next one written.
    let since_ns = out
        .last_ns
        .map(|ns| window.since_ns.map_or(ns, |s| s.max(ns)));
    let start = crate::source::WindowStart {
        since_ns,
        clock: window.start_clock,
    };
    let mut source = crate::source::LogSource::open(files, follow)
        .and_then(|s| s.starting_at(start))
        .map_err(|e| e.to_string())?;
    let window = Window {
        since_ns,
        ..window.clone()
    };
    let outcome = crate::pipeline::run(&mut source, &window, &mut out, comments, &mut |_| {})
        .map_err(|e| e.to_string())?;
    if !outcome.damage.is_empty() {
        out.send(Event::Damage(outcome.damage))
            .map_err(|e| e.to_string())?;
    }
    Ok(())
}

fn spawn_loader(
    tx: SyncSender<Event>,
    files: Vec<PathBuf>,
    follow: Follow,
    window: Window,
    comments: bool,
) {
    std::thread::spawn(move || {
        if let Err(e) = load(tx.clone(), files, follow, &window, comments) {
            let _ = tx.send(Event::Failed(e));
        }
    });
}

/// Decodes moments as they are asked for; a request overtaken by a newer one while
/// waiting is skipped.
fn spawn_decoder(
    tx: SyncSender<Event>,
    files: Vec<PathBuf>,
    window: Window,
    requests: Receiver<Request>,
) {
    std::thread::spawn(move || {
        while let Ok(mut req) = requests.recv() {
            while let Ok(newer) = requests.try_recv() {
                req = newer;
            }
            let e = match moment::decode(&files, &window, &req) {
                Ok(snaps) => Event::Moments(snaps),
                Err(e) => Event::Note(format!("cannot read that moment: {e}")),
            };
            if tx.send(e).is_err() {
                return;
            }
        }
    });
}

/// Applies events to the app; the state that turns samples into intervals lives here.
pub struct Driver {
    pub app: App,
    names: Names,
    prev: Option<(Sample, Vec<ProcCounters>)>,
    /// Live: quit after this many intervals.
    pub count: Option<u64>,
    intervals: u64,
    /// Live: where the selected process's command line is read.
    proc_root: Option<PathBuf>,
    /// Replay: the files and window moments are decoded from, for `decode_now`.
    logs: Option<(Vec<PathBuf>, Window)>,
}

impl Driver {
    pub fn new(app: App) -> Self {
        Driver {
            app,
            names: Names::default(),
            prev: None,
            count: None,
            intervals: 0,
            proc_root: None,
            logs: None,
        }
    }

    /// Apply one event. Returns an error message that should end the program.
    pub fn apply(&mut self, e: Event, elapsed: Duration) -> Option<String> {
        match e {
            Event::Key(k) => self.app.key(k),
            Event::Resize => {}
            Event::Tick => self.app.tick(elapsed),
            Event::Host(h) => self.app.host = h,
            Event::Point(p) => self.app.push(p),
            Event::Moments(snaps) => self.app.set_moments(snaps),
            Event::Restart(ns) => self.app.restart(ns),
            Event::Comment(ns, text) => self.app.comments.push((ns, text)),
            Event::Damage(lines) => self.app.damage.extend(lines),
            Event::Note(m) => self.app.message = Some(m),
            Event::Sample(s, procs) => {
                self.app.uptime_s = s.time.uptime_cs / 100;
                if let Some((p, pp)) = &self.prev {
                    if let Some(stats) = IntervalStats::between(p, &s) {
                        let mem_total = s.memory.map_or(0, |m| m.mem_total);
                        let rows =
                            proc_rows(pp, &procs, stats.seconds, self.app.host.user_hz, mem_total);
                        self.app.push_live(Snapshot::of(&stats, &mut self.names));
                        self.app.set_procs(rows);
                        self.intervals += 1;
                        if self.count.is_some_and(|c| self.intervals >= c) {
                            self.app.quit = true;
                        }
                    }
                }
                self.prev = Some((*s, procs));
            }
            Event::Failed(m) => return Some(m),
        }
        self.read_cmdline();
        None
    }

    /// Live: the selected process's full command line, read when the selection changes.
    fn read_cmdline(&mut self) {
        let Some(root) = &self.proc_root else { return };
        let Some(pid) = self.app.selected_pid() else {
            self.app.cmdline = None;
            return;
        };
        if self.app.cmdline.as_ref().is_some_and(|(p, _)| *p == pid) {
            return;
        }
        let text = std::fs::read(root.join(pid.to_string()).join("cmdline"))
            .map(|b| {
                String::from_utf8_lossy(&b)
                    .split('\0')
                    .filter(|a| !a.is_empty())
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .unwrap_or_default();
        self.app.cmdline = Some((pid, text));
    }

    /// Replay: decode the moment at the cursor now, if it is not yet (tests and tools;
    /// the screen decodes on its own thread).
    pub fn decode_now(&mut self) -> Result<(), String> {
        let Some((files, window)) = &self.logs else {
            return Ok(());
        };
        if let Some(req) = self.app.detail_request() {
            let snaps = moment::decode(files, window, &req)?;
            self.app.set_moments(snaps);
        }
        Ok(())
    }
}

fn event_loop(
    rx: Receiver<Event>,
    driver: &mut Driver,
    theme: ui::Theme,
    every: Option<Sender<Duration>>,
    decode: Option<Sender<Request>>,
) -> Result<(), String> {
    let mut terminal = ratatui::init();
    let mut last = Instant::now();
    let mut result = Ok(());
    let mut dirty = true;
    let mut refresh = driver.app.refresh;
    loop {
        if let (Some(req), Some(d)) = (driver.app.detail_request(), &decode) {
            let _ = d.send(req);
        }
        if dirty {
            if let Err(e) = terminal.draw(|f| ui::draw(f, &driver.app, theme)) {
                result = Err(format!("cannot draw: {e}"));
                break;
            }
        }
        let Ok(e) = rx.recv() else { break };
        // A tick changes nothing unless a replay is playing: no redraw for it.
        dirty = !matches!(e, Event::Tick) || driver.app.playing;
        let now = Instant::now();
        let elapsed = now - last;
        last = now;
        if let Some(m) = driver.apply(e, elapsed) {
            result = Err(m);
            break;
        }
        // Apply whatever else is waiting before drawing again.
        while let Ok(e) = rx.try_recv() {
            if let Some(m) = driver.apply(e, Duration::ZERO) {
                result = Err(m);
                break;
            }
        }
        if driver.app.refresh != refresh {
            refresh = driver.app.refresh;
            if let Some(tx) = &every {
                let _ = tx.send(refresh);
            }
        }
        if driver.app.quit || result.is_err() {
            break;
        }
    }
    ratatui::restore();
    result
}

/// A replay screen's driver loaded with recorded days, the moment at the cursor decoded
/// (for tests and tools).
pub fn driver_for(files: Vec<PathBuf>, window: &Window) -> Result<Driver, String> {
    driver_with(files, window, false)
}

/// `driver_for`, with the logs' comments when `comments` (`-C`).
pub fn driver_with(files: Vec<PathBuf>, window: &Window, comments: bool) -> Result<Driver, String> {
    let (tx, rx) = mpsc::sync_channel(256);
    let mut d = Driver::new(App::new(Source::Replay, HostFacts::default()));
    let loaded = files.clone();
    std::thread::scope(|scope| {
        let reader = scope.spawn(move || load(tx, loaded, Follow::No, window, comments));
        for e in rx {
            d.apply(e, Duration::ZERO);
        }
        reader
            .join()
            .unwrap_or_else(|_| Err("the log reader panicked".into()))
    })?;
    d.logs = Some((files, window.clone()));
    d.decode_now()?;
    Ok(d)
}

/// Run the screen until the user quits. Returns what was found wrong with the logs, one
/// line each (the caller says it after the screen is gone).
pub fn run(feed: Feed, color: bool) -> Result<Vec<String>, String> {
    // Bounded: a log reader far ahead of the screen waits instead of queueing a whole day.
    let (tx, rx) = mpsc::sync_channel(256);
    let theme = ui::Theme { color };
    let users = std::fs::read_to_string("/etc/passwd")
        .map(|t| crate::probe::parse_passwd(&t))
        .unwrap_or_default();
    let (mut driver, every, decode) = match feed {
        Feed::Live {
            proc_root,
            sys_root,
            interval,
            count,
            save,
        } => {
            let probe = Probe::new(&proc_root, &sys_root).map_err(|e| e.to_string())?;
            let mut app = App::new(Source::Live, probe.host().clone());
            app.refresh = interval;
            let (every_tx, every_rx) = mpsc::channel();
            spawn_sampler(
                tx.clone(),
                probe,
                proc_root.clone(),
                interval,
                every_rx,
                save,
            );
            let mut d = Driver::new(app);
            d.count = count;
            d.proc_root = Some(proc_root);
            (d, Some(every_tx), None)
        }
        Feed::Logs {
            files,
            follow,
            window,
            comments,
        } => {
            spawn_loader(tx.clone(), files.clone(), follow, window.clone(), comments);
            let (req_tx, req_rx) = mpsc::channel();
            spawn_decoder(tx.clone(), files, window, req_rx);
            let d = Driver::new(App::new(Source::Replay, HostFacts::default()));
            (d, None, Some(req_tx))
        }
    };
    driver.app.users = users;
    spawn_input(tx.clone());
    spawn_ticker(tx, Duration::from_millis(200));
    event_loop(rx, &mut driver, theme, every, decode)?;
    Ok(std::mem::take(&mut driver.app.damage))
}
