//! `rsar tui`: the machine live, or its history replayed, in the terminal.
//!
//! One event channel is fed by the input thread, a ticker, and the sampler (live) or the
//! log reader (replay); the loop below applies each event to `App` (which never draws) and
//! redraws with `ui::draw` (which never changes state). Numbers come from `stats` through
//! `model::Snapshot`. The terminal is restored on quit, on error and on panic.

pub mod app;
pub mod model;
pub mod ui;

use crate::history::Window;
use crate::probe::{read_processes, Probe, ProcCounters};
use crate::report::{Render, Table};
use crate::sample::{HostFacts, Sample};
use crate::stats::{proc_rows, IntervalStats};
use app::{App, Source};
use crossterm::event::{self, Event as TermEvent, KeyEventKind};
use model::{Names, Snapshot};
use std::io;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{self, Receiver, SyncSender};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// What the screen shows.
pub enum Feed {
    Live {
        proc_root: PathBuf,
        sys_root: PathBuf,
        interval: Duration,
    },
    /// Recorded days; a single file (or today's) keeps being followed as it grows.
    Logs {
        files: Vec<PathBuf>,
        follow: crate::source::Follow,
        window: Window,
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
    Interval(Box<IntervalStats>),
    Restart(i64),
    /// Something went wrong in a feeding thread.
    Failed(String),
}

/// A renderer that sends intervals down the channel: the log reader's output.
struct ChannelRender(SyncSender<Event>);

impl Render for ChannelRender {
    fn begin(&mut self, host: &HostFacts, _: i64) -> io::Result<()> {
        self.send(Event::Host(host.clone()))
    }
    fn interval(&mut self, s: &IntervalStats) -> io::Result<()> {
        self.send(Event::Interval(Box::new(s.clone())))
    }
    fn restart(&mut self, wall_ns: i64, _: u32) -> io::Result<()> {
        self.send(Event::Restart(wall_ns))
    }
    fn comment(&mut self, _: i64, _: &str) -> io::Result<()> {
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
        self.0
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

fn spawn_sampler(
    tx: SyncSender<Event>,
    mut probe: Probe,
    proc_root: PathBuf,
    every_ms: Arc<AtomicU64>,
) {
    std::thread::spawn(move || loop {
        let page = probe.host().page_size;
        let e = match probe.sample() {
            Ok(s) => Event::Sample(Box::new(s), read_processes(&proc_root, page)),
            Err(e) => Event::Failed(e.to_string()),
        };
        if tx.send(e).is_err() {
            return;
        }
        std::thread::sleep(Duration::from_millis(every_ms.load(Ordering::Relaxed)));
    });
}

fn spawn_reader(
    tx: SyncSender<Event>,
    files: Vec<PathBuf>,
    follow: crate::source::Follow,
    window: Window,
) {
    std::thread::spawn(move || {
        let mut out = ChannelRender(tx.clone());
        if let Err(e) = replay(files, follow, &window, &mut out) {
            let _ = tx.send(Event::Failed(e));
        }
    });
}

/// Read recorded days into `out`, through the same pipeline as the reports.
fn replay(
    files: Vec<PathBuf>,
    follow: crate::source::Follow,
    window: &Window,
    out: &mut ChannelRender,
) -> Result<(), String> {
    let mut source = crate::source::LogSource::open(files, follow).map_err(|e| e.to_string())?;
    crate::pipeline::run(&mut source, window, out, false, &mut |_| {})
        .map_err(|e| e.to_string())?;
    Ok(())
}

/// Applies events to the app; the state that turns samples into snapshots lives here.
pub struct Driver {
    pub app: App,
    names: Names,
    prev: Option<(Sample, Vec<ProcCounters>)>,
}

impl Driver {
    pub fn new(app: App) -> Self {
        Driver {
            app,
            names: Names::default(),
            prev: None,
        }
    }

    /// Apply one event. Returns an error message that should end the program.
    pub fn apply(&mut self, e: Event, elapsed: Duration) -> Option<String> {
        match e {
            Event::Key(k) => self.app.key(k),
            Event::Resize => {}
            Event::Tick => self.app.tick(elapsed),
            Event::Host(h) => self.app.host = h,
            Event::Interval(s) => {
                let snap = Snapshot::of(&s, &mut self.names);
                self.app.push(snap);
            }
            Event::Restart(ns) => self.app.restart(ns),
            Event::Sample(s, procs) => {
                self.app.uptime_s = s.time.uptime_cs / 100;
                if let Some((p, pp)) = &self.prev {
                    if let Some(stats) = IntervalStats::between(p, &s) {
                        let mem_total = s.memory.map_or(0, |m| m.mem_total);
                        let rows =
                            proc_rows(pp, &procs, stats.seconds, self.app.host.user_hz, mem_total);
                        self.app.push(Snapshot::of(&stats, &mut self.names));
                        self.app.set_procs(rows);
                    }
                }
                self.prev = Some((*s, procs));
            }
            Event::Failed(m) => return Some(m),
        }
        None
    }
}

fn event_loop(
    rx: Receiver<Event>,
    driver: &mut Driver,
    theme: ui::Theme,
    every_ms: &AtomicU64,
) -> Result<(), String> {
    let mut terminal = ratatui::init();
    let mut last = Instant::now();
    let mut result = Ok(());
    let mut dirty = true;
    loop {
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
        every_ms.store(driver.app.refresh.as_millis() as u64, Ordering::Relaxed);
        if driver.app.quit || result.is_err() {
            break;
        }
    }
    ratatui::restore();
    result
}

/// A replay screen's driver loaded with recorded days (for tests and tools).
pub fn driver_for(files: Vec<PathBuf>, window: &Window) -> Result<Driver, String> {
    let (tx, rx) = mpsc::sync_channel(256);
    let mut d = Driver::new(App::new(Source::Replay, HostFacts::default()));
    std::thread::scope(|scope| {
        let reader = scope.spawn(move || {
            let mut out = ChannelRender(tx);
            replay(files, crate::source::Follow::No, window, &mut out)
        });
        for e in rx {
            d.apply(e, Duration::ZERO);
        }
        reader
            .join()
            .unwrap_or_else(|_| Err("the log reader panicked".into()))
    })?;
    Ok(d)
}

/// Run the screen until the user quits.
pub fn run(feed: Feed, color: bool) -> Result<(), String> {
    // Bounded: a log reader far ahead of the screen waits instead of queueing a whole day.
    let (tx, rx) = mpsc::sync_channel(256);
    let theme = ui::Theme { color };
    let users = std::fs::read_to_string("/etc/passwd")
        .map(|t| crate::probe::parse_passwd(&t))
        .unwrap_or_default();
    let every_ms = Arc::new(AtomicU64::new(1000));
    let mut driver = match feed {
        Feed::Live {
            proc_root,
            sys_root,
            interval,
        } => {
            let probe = Probe::new(&proc_root, &sys_root).map_err(|e| e.to_string())?;
            let mut app = App::new(Source::Live, probe.host().clone());
            app.refresh = interval;
            every_ms.store(interval.as_millis() as u64, Ordering::Relaxed);
            spawn_sampler(tx.clone(), probe, proc_root, every_ms.clone());
            Driver::new(app)
        }
        Feed::Logs {
            files,
            follow,
            window,
        } => {
            spawn_reader(tx.clone(), files, follow, window);
            Driver::new(App::new(Source::Replay, HostFacts::default()))
        }
    };
    driver.app.users = users;
    spawn_input(tx.clone());
    spawn_ticker(tx, Duration::from_millis(200));
    event_loop(rx, &mut driver, theme, &every_ms)
}
