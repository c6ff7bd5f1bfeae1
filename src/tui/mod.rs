//! `rsar tui`: the machine live, or its history replayed, in the terminal.
//!
//! One event channel is fed by the input thread, a ticker, and the pipeline (live, or the
//! logs replayed) with the moment decoder (replay); the loop below applies each event to
//! `App` (which never draws) and redraws with `ui::draw` (which never changes state).
//! Live or replayed, samples go through `pipeline::run` — the one loop that pairs them,
//! as every report does — into `ScreenRender`, so the screen shows the numbers `rsar`
//! prints for the same samples; `+` and `-` change the live source's `Pace`. Numbers
//! come from `stats` through `model`. A replay reads the logs once into a summary of a
//! fixed size (`summary`); what is around the cursor — its points and moments, the
//! charts' zoomed span, the process table — is read again from the files when the cursor
//! moves (`moment`), so memory does not grow with the length of the log. The terminal is
//! restored on quit, on error and on panic.

pub mod app;
pub mod cgroups;
pub mod model;
pub mod moment;
pub mod summary;
pub mod ui;
pub mod views;

use crate::history::Window;
use crate::live::{LiveSource, Pace};
use crate::probe::Probe;
use crate::report::{Render, Table};
use crate::sample::HostFacts;
use crate::source::Follow;
use crate::stats::IntervalStats;
use crate::store::procs::ProcessTable;
use app::{App, Source};
use crossterm::event::{self, Event as TermEvent, KeyEventKind};
use model::{Names, Point, ProcRow, Snapshot};
use moment::{ChartRequest, Logs, Moments, ProcMoment, ProcRequest, Request};
use std::io;
use std::path::PathBuf;
use std::sync::mpsc::{self, Receiver, Sender, SyncSender};
use std::time::{Duration, Instant};

/// What the screen shows: the machine live, or recorded days. `F` names the days: the
/// command line's `Files` until they are found (`cli::TuiPlan`), then their paths.
#[derive(Debug, Clone, PartialEq)]
pub enum Feed<F = Vec<PathBuf>> {
    Live(LiveFeed),
    Logs(LogsFeed<F>),
}

/// The machine live.
#[derive(Debug, Clone, PartialEq)]
pub struct LiveFeed {
    pub proc_root: PathBuf,
    pub sys_root: PathBuf,
    pub interval: Duration,
    /// Quit after this many intervals (COUNT).
    pub count: Option<u64>,
    /// Also save the samples to this log file (`-o`).
    pub save: Option<PathBuf>,
}

/// Recorded days; a single file (or today's) keeps being followed as it grows.
#[derive(Debug, Clone, PartialEq)]
pub struct LogsFeed<F> {
    pub files: F,
    pub follow: Follow,
    pub window: Window,
    /// Show the comments recorded in the logs (`-C`).
    pub comments: bool,
    /// Where sysstat's sa files find the names of their disks (`--sys-root`).
    pub sys_root: PathBuf,
    /// Days of a log directory (`--since`, `--tier`): a stretch of them is read from its
    /// own days, each from its raw file or roll-up tier as this picks.
    pub dir: Option<(PathBuf, crate::store::rollup::Pick)>,
}

/// Everything that can happen.
pub enum Event {
    Key(crossterm::event::KeyEvent),
    Resize,
    Tick,
    /// Live: one interval in full.
    Interval(Box<Snapshot>),
    /// Live: the process table at the end of the newest interval, read at `uptime_s`
    /// (no rows for the first table of a boot, which has nothing to measure %CPU from).
    LiveProcesses(u64, Option<Vec<ProcRow>>),
    /// Live: the source ended (COUNT intervals shown, or a stop asked for).
    Ended,
    /// The host the data describes.
    Host(HostFacts),
    /// Replay: one interval of the log, read through once.
    Point(Point),
    /// Replay: the intervals read around the cursor.
    Moments(Moments),
    /// Replay: the charts' span read.
    Chart(summary::Summary),
    /// Replay: a process table was recorded at this time.
    ProcessTime(i64),
    /// Replay: the decoded process table asked for at this time.
    Processes(i64, Option<ProcMoment>),
    Restart(i64),
    Comment(i64, String),
    /// Damaged records or a day cut short, one line each: shown, and said on quitting.
    Damage(Vec<String>),
    /// Something worth a line on the screen (a sample not saved, a moment not decoded).
    Note(String),
    /// Something went wrong in a feeding thread.
    Failed(String),
}

/// The renderer the screen is fed by: what the pipeline makes of the samples, sent down
/// the channel. A replay sends a `Point` per interval and the times of the process
/// tables (the rest is decoded when shown); live, each interval in full and the rows of
/// each process table.
struct ScreenRender {
    tx: SyncSender<Event>,
    comments: bool,
    live: Option<LiveDetail>,
}

/// What the live screen's renderer keeps between intervals.
struct LiveDetail {
    names: Names,
    host: HostFacts,
    /// Memory of the newest interval, in kB (%MEM's base).
    mem_total_kb: f64,
    /// The table before, %CPU's base.
    prev: Option<ProcessTable>,
}

impl ScreenRender {
    fn replay(tx: SyncSender<Event>, comments: bool) -> Self {
        ScreenRender {
            tx,
            comments,
            live: None,
        }
    }

    fn live(tx: SyncSender<Event>) -> Self {
        ScreenRender {
            tx,
            comments: false,
            live: Some(LiveDetail {
                names: Names::default(),
                host: HostFacts::default(),
                mem_total_kb: 0.0,
                prev: None,
            }),
        }
    }

    fn send(&self, e: Event) -> io::Result<()> {
        self.tx
            .send(e)
            .map_err(|_| io::Error::new(io::ErrorKind::BrokenPipe, "screen closed"))
    }
}

impl Render for ScreenRender {
    fn begin(&mut self, host: &HostFacts, _: i64) -> io::Result<()> {
        if let Some(l) = self.live.as_mut() {
            l.host = host.clone();
        }
        self.send(Event::Host(host.clone()))
    }
    fn interval(&mut self, s: &IntervalStats) -> io::Result<()> {
        let e = match self.live.as_mut() {
            Some(l) => {
                if let Some(m) = s.memory {
                    l.mem_total_kb = m.mean().total;
                }
                Event::Interval(Box::new(Snapshot::of(s, l.host.cpu_count, &mut l.names)))
            }
            None => Event::Point(Point::of(s)),
        };
        self.send(e)
    }
    fn restart(&mut self, wall_ns: i64, cpus: u32) -> io::Result<()> {
        if let Some(l) = self.live.as_mut() {
            l.prev = None;
            l.host.cpu_count = cpus;
        }
        self.send(Event::Restart(wall_ns))
    }
    fn comment(&mut self, wall_ns: i64, text: &str) -> io::Result<()> {
        if self.comments {
            self.send(Event::Comment(wall_ns, text.to_string()))?;
        }
        Ok(())
    }
    fn processes(&mut self, t: &ProcessTable) -> io::Result<()> {
        let Some(l) = self.live.as_mut() else {
            // An empty table (a /proc without processes) has nothing to show.
            if t.processes.is_empty() {
                return Ok(());
            }
            return self.send(Event::ProcessTime(t.wall_ns));
        };
        let prev = l.prev.replace(t.clone());
        let rows = prev
            .filter(|p| p.uptime_cs < t.uptime_cs)
            .map(|p| moment::proc_moment(t, Some(&p), &l.host, l.mem_total_kb).rows);
        self.send(Event::LiveProcesses(t.uptime_cs / 100, rows))
    }
    fn finish(&mut self) -> io::Result<()> {
        if self.live.is_some() {
            self.send(Event::Ended)?;
        }
        Ok(())
    }
    fn unavailable(&self) -> Vec<Table> {
        Vec::new()
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

/// Runs the live source through the pipeline into the screen.
fn spawn_live(tx: SyncSender<Event>, mut source: LiveSource) {
    std::thread::spawn(move || {
        if let Err(e) = live(tx.clone(), &mut source) {
            let _ = tx.send(Event::Failed(e));
        }
    });
}

/// The live screen's pipeline: `source` into a `ScreenRender`, its warnings as notes.
fn live(tx: SyncSender<Event>, source: &mut dyn crate::source::Source) -> Result<(), String> {
    let mut out = ScreenRender::live(tx.clone());
    let mut note = |w: &str| {
        let _ = tx.send(Event::Note(w.to_string()));
    };
    crate::pipeline::run(source, &Window::default(), &mut out, false, &mut note)
        .map(|_| ())
        .map_err(|e| e.to_string())
}

/// Read recorded days into the timeline, through the same pipeline as the reports, once:
/// to the end of what is written, and on while following. The damage found is sent when
/// the end is reached (while following, each time the end of what is written is).
fn load(
    tx: SyncSender<Event>,
    files: Vec<PathBuf>,
    follow: Follow,
    window: &Window,
    comments: bool,
    sys_root: &std::path::Path,
) -> Result<(), String> {
    let mut out = ScreenRender::replay(tx.clone(), comments);
    let start = crate::source::WindowStart {
        since_ns: window.since_ns,
        clock: window.start_clock,
    };
    let followed =
        follow != Follow::No && !files.first().is_some_and(|p| crate::sysstat::is_sa_file(p));
    let mut source: Box<dyn crate::source::Source> = if followed {
        let damage = tx.clone();
        Box::new(
            crate::source::LogSource::open(files, follow)
                .and_then(|s| s.starting_at(start))
                .map_err(|e| e.to_string())?
                .telling_damage_when_caught_up(move |lines| {
                    let _ = damage.send(Event::Damage(lines));
                }),
        )
    } else {
        crate::source::open_recorded(files, Follow::No, start, sys_root)
            .map_err(|e| e.to_string())?
    };
    let outcome = crate::pipeline::run(source.as_mut(), window, &mut out, comments, &mut |_| {})
        .map_err(|e| e.to_string())?;
    if !outcome.damage.is_empty() {
        out.send(Event::Damage(outcome.damage))
            .map_err(|e| e.to_string())?;
    }
    Ok(())
}

/// Read recorded days into the timeline on a thread of their own, sending what is read
/// down `tx` (see `load`).
pub fn spawn_loader(
    tx: SyncSender<Event>,
    files: Vec<PathBuf>,
    follow: Follow,
    window: Window,
    comments: bool,
    sys_root: PathBuf,
) {
    std::thread::spawn(move || {
        if let Err(e) = load(tx.clone(), files, follow, &window, comments, &sys_root) {
            let _ = tx.send(Event::Failed(e));
        }
    });
}

/// What the screen asks the decoder for.
enum Ask {
    Moments(Request),
    Chart(ChartRequest),
    Processes(ProcRequest),
}

/// Decodes moments, the charts' spans and process tables as they are asked for; a
/// request overtaken by a newer one of its kind while waiting is skipped.
fn spawn_decoder(tx: SyncSender<Event>, logs: Logs, asks: Receiver<Ask>) {
    std::thread::spawn(move || {
        while let Ok(first) = asks.recv() {
            let (mut moments, mut chart, mut procs) = (None, None, None);
            for ask in std::iter::once(first).chain(asks.try_iter()) {
                match ask {
                    Ask::Moments(r) => moments = Some(r),
                    Ask::Chart(r) => chart = Some(r),
                    Ask::Processes(r) => procs = Some(r),
                }
            }
            let mut events = Vec::new();
            if let Some(req) = moments {
                events.push(match moment::decode(&logs, &req) {
                    Ok(m) => Event::Moments(m),
                    Err(e) => Event::Note(format!("cannot read that moment: {e}")),
                });
            }
            if let Some(req) = procs {
                events.push(match moment::decode_processes(&logs, &req) {
                    Ok(m) => Event::Processes(req.at_ns, m),
                    Err(e) => Event::Note(format!("cannot read that process table: {e}")),
                });
            }
            if let Some(req) = chart {
                events.push(match moment::decode_chart(&logs, &req) {
                    Ok(c) => Event::Chart(c),
                    Err(e) => Event::Note(format!("cannot read the charts' span: {e}")),
                });
            }
            for e in events {
                if tx.send(e).is_err() {
                    return;
                }
            }
        }
    });
}

/// Applies events to the app.
pub struct Driver {
    pub app: App,
    /// Live: where the selected process's command line is read.
    proc_root: Option<PathBuf>,
    /// Replay: the logs moments are decoded from, for `decode_now`.
    logs: Option<Logs>,
}

impl Driver {
    pub fn new(app: App) -> Self {
        Driver {
            app,
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
            Event::Moments(m) => self.app.set_moments(m),
            Event::Chart(c) => self.app.set_chart(c),
            Event::ProcessTime(ns) => self.app.push_proc_time(ns),
            Event::Processes(at, m) => self.app.set_processes(at, m),
            Event::Restart(ns) => self.app.restart(ns),
            Event::Comment(ns, text) => self.app.comments.push((ns, text)),
            Event::Damage(lines) => self.app.damage.extend(lines),
            Event::Note(m) => self.app.message = Some(m),
            Event::Interval(snap) => self.app.push_live(*snap),
            Event::LiveProcesses(uptime_s, rows) => {
                self.app.uptime_s = uptime_s;
                if let Some(rows) = rows {
                    self.app.set_procs(rows);
                }
            }
            Event::Ended => self.app.quit = self.app.source == Source::Live,
            Event::Failed(m) => return Some(m),
        }
        self.read_cmdline();
        None
    }

    /// Apply `first` (after `elapsed` since the last), then every event already waiting in
    /// `rx`, and say whether the screen must be drawn again: when any of them was more than
    /// a tick of a screen not playing. (Judged on the first alone, a key that came in just
    /// behind a tick was applied and never drawn: the screen stayed as it was, the key
    /// seemingly lost, until some other event came.)
    pub fn settle(
        &mut self,
        first: Event,
        rx: &Receiver<Event>,
        elapsed: Duration,
    ) -> Result<bool, String> {
        // A tick of a playing screen moves it (or stops it: its status changes).
        let mut dirty = self.app.playing;
        for (i, e) in std::iter::once(first).chain(rx.try_iter()).enumerate() {
            dirty |= !matches!(e, Event::Tick);
            let elapsed = if i == 0 { elapsed } else { Duration::ZERO };
            if let Some(m) = self.apply(e, elapsed) {
                return Err(m);
            }
        }
        Ok(dirty)
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
        let Some(logs) = &self.logs else {
            return Ok(());
        };
        if let Some(req) = self.app.detail_request() {
            let m = moment::decode(logs, &req)?;
            self.app.set_moments(m);
        }
        if let Some(req) = self.app.process_request() {
            let m = moment::decode_processes(logs, &req)?;
            self.app.set_processes(req.at_ns, m);
        }
        if let Some(req) = self.app.chart_request() {
            let c = moment::decode_chart(logs, &req)?;
            self.app.set_chart(c);
        }
        Ok(())
    }
}

fn event_loop(
    rx: Receiver<Event>,
    driver: &mut Driver,
    theme: ui::Theme,
    pace: Option<Pace>,
    decode: Option<Sender<Ask>>,
) -> Result<(), String> {
    let mut terminal = ratatui::init();
    let mut last = Instant::now();
    let mut result = Ok(());
    let mut dirty = true;
    let mut refresh = driver.app.refresh;
    loop {
        if let Some(d) = &decode {
            if let Some(req) = driver.app.detail_request() {
                let _ = d.send(Ask::Moments(req));
            }
            if let Some(req) = driver.app.process_request() {
                let _ = d.send(Ask::Processes(req));
            }
            if let Some(req) = driver.app.chart_request() {
                let _ = d.send(Ask::Chart(req));
            }
        }
        if dirty {
            if let Err(e) = terminal.draw(|f| ui::draw(f, &driver.app, theme)) {
                result = Err(format!("cannot draw: {e}"));
                break;
            }
        }
        let Ok(e) = rx.recv() else { break };
        let now = Instant::now();
        let elapsed = now - last;
        last = now;
        match driver.settle(e, &rx, elapsed) {
            Ok(d) => dirty = d,
            Err(m) => {
                result = Err(m);
                break;
            }
        }
        if driver.app.refresh != refresh {
            refresh = driver.app.refresh;
            if let Some(p) = &pace {
                p.set(refresh);
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
    driver_with(files, window, false, std::path::Path::new("/sys"))
}

/// `driver_for`, with the logs' comments when `comments` (`-C`), sysstat's sa files
/// naming their disks from `sys_root`.
pub fn driver_with(
    files: Vec<PathBuf>,
    window: &Window,
    comments: bool,
    sys_root: &std::path::Path,
) -> Result<Driver, String> {
    let (tx, rx) = mpsc::sync_channel(256);
    let mut d = Driver::new(App::new(Source::Replay, HostFacts::default()));
    let loaded = files.clone();
    std::thread::scope(|scope| {
        let reader = scope.spawn(move || load(tx, loaded, Follow::No, window, comments, sys_root));
        for e in rx {
            d.apply(e, Duration::ZERO);
        }
        reader
            .join()
            .unwrap_or_else(|_| Err("the log reader panicked".into()))
    })?;
    d.logs = Some(Logs {
        files,
        dir: None,
        sys_root: sys_root.to_path_buf(),
        window: window.clone(),
    });
    d.decode_now()?;
    Ok(d)
}

/// A live screen's driver fed by `source` through the pipeline until the source ends
/// (for tests and tools: a source over a /proc tree rewritten between samples).
pub fn live_driver(
    source: &mut (dyn crate::source::Source + Send),
    app: App,
) -> Result<Driver, String> {
    let (tx, rx) = mpsc::sync_channel(256);
    let mut d = Driver::new(app);
    std::thread::scope(|scope| {
        let sampler = scope.spawn(move || live(tx, source));
        for e in rx {
            if let Some(m) = d.apply(e, Duration::ZERO) {
                return Err(m);
            }
        }
        sampler
            .join()
            .unwrap_or_else(|_| Err("the sampler panicked".into()))
    })?;
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
    let (mut driver, pace, decode) = match feed {
        Feed::Live(LiveFeed {
            proc_root,
            sys_root,
            interval,
            count,
            save,
        }) => {
            let probe = Probe::new(&proc_root, &sys_root).map_err(|e| e.to_string())?;
            let mut app = App::new(Source::Live, probe.host().clone());
            app.refresh = interval;
            let saver = match save {
                Some(path) => {
                    let now = crate::probe::system_clock_ns();
                    let offset = chrono::Local::now().offset().local_minus_utc();
                    let (w, _) = crate::store::DayWriter::open(&path, probe.host(), now, offset)
                        .map_err(|e| format!("cannot save samples: {e}"))?;
                    Some(w)
                }
                None => None,
            };
            let schedule = crate::live::Schedule {
                interval,
                count,
                since_boot: false,
            };
            let cgroups = crate::probe::cgroup::CgroupReader::new(
                &proc_root,
                &sys_root,
                probe.host().user_hz,
                Default::default(),
            );
            let mut source = LiveSource::new(probe, schedule, saver)
                .with_processes(&proc_root)
                .with_cgroups(cgroups);
            let pace = source.pace();
            spawn_live(tx.clone(), source);
            let mut d = Driver::new(app);
            d.proc_root = Some(proc_root);
            (d, Some(pace), None)
        }
        Feed::Logs(LogsFeed {
            files,
            follow,
            window,
            comments,
            sys_root,
            dir,
        }) => {
            spawn_loader(
                tx.clone(),
                files.clone(),
                follow,
                window.clone(),
                comments,
                sys_root.clone(),
            );
            let (req_tx, req_rx) = mpsc::channel();
            let logs = Logs {
                files,
                dir,
                sys_root,
                window,
            };
            spawn_decoder(tx.clone(), logs, req_rx);
            let d = Driver::new(App::new(Source::Replay, HostFacts::default()));
            (d, None, Some(req_tx))
        }
    };
    driver.app.users = users;
    spawn_input(tx.clone());
    spawn_ticker(tx, Duration::from_millis(200));
    event_loop(rx, &mut driver, theme, pace, decode)?;
    Ok(std::mem::take(&mut driver.app.damage))
}
