//! The screen's state and what each key does to it. It never draws (ui.rs does), and
//! drawing never changes it.

use super::model::Snapshot;
use crate::sample::HostFacts;
use crate::stats::ProcRow;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::collections::HashMap;
use std::time::Duration;

/// Where the data comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Live,
    Replay,
}

/// How processes are ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortKey {
    Cpu,
    Memory,
    Pid,
}

/// A line being typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    /// `j`: a time to jump to.
    Jump(String),
    /// `/`: a process name filter.
    Filter(String),
}

/// Replay speeds, in intervals per second of play.
const SPEEDS: [f64; 7] = [1.0, 2.0, 5.0, 10.0, 30.0, 60.0, 300.0];

#[derive(Debug)]
pub struct App {
    pub source: Source,
    pub host: HostFacts,
    pub timeline: Vec<Snapshot>,
    /// Wall times of the restarts in the timeline.
    pub restarts: Vec<i64>,
    pub cursor: usize,
    /// Live: the cursor stays on the newest interval.
    pub following: bool,
    /// Replay: playing forward.
    pub playing: bool,
    pub speed: usize,
    /// Play progress between ticks, in intervals.
    play_credit: f64,
    /// Live: seconds between samples.
    pub refresh: Duration,
    pub show_help: bool,
    pub input: Option<Input>,
    pub procs: Vec<ProcRow>,
    pub sort: SortKey,
    pub filter: String,
    pub users: HashMap<u32, String>,
    pub quit: bool,
    /// A one-line message (a bad time typed, …).
    pub message: Option<String>,
    /// Uptime of the newest sample, in seconds (live header).
    pub uptime_s: u64,
}

impl App {
    pub fn new(source: Source, host: HostFacts) -> Self {
        App {
            source,
            host,
            timeline: Vec::new(),
            restarts: Vec::new(),
            cursor: 0,
            // Live shows the newest interval; a replay starts at the first.
            following: source == Source::Live,
            playing: false,
            speed: 0,
            play_credit: 0.0,
            refresh: Duration::from_secs(1),
            show_help: false,
            input: None,
            procs: Vec::new(),
            sort: SortKey::Cpu,
            filter: String::new(),
            users: HashMap::new(),
            quit: false,
            message: None,
            uptime_s: 0,
        }
    }

    /// The interval on screen.
    pub fn current(&self) -> Option<&Snapshot> {
        self.timeline.get(self.cursor)
    }

    /// `LIVE`, `PAUSED` or `REPLAY`.
    pub fn status(&self) -> &'static str {
        match self.source {
            Source::Live if self.following => "LIVE",
            Source::Live => "PAUSED",
            Source::Replay if self.playing => "PLAYING",
            Source::Replay => "REPLAY",
        }
    }

    pub fn speed(&self) -> f64 {
        SPEEDS[self.speed]
    }

    /// A new interval at the end of the timeline (live sampling, or a growing log).
    pub fn push(&mut self, s: Snapshot) {
        self.timeline.push(s);
        if self.following || self.timeline.len() == 1 {
            self.cursor = self.timeline.len() - 1;
        }
    }

    pub fn restart(&mut self, wall_ns: i64) {
        self.restarts.push(wall_ns);
    }

    pub fn set_procs(&mut self, rows: Vec<ProcRow>) {
        // While paused or walking back, the table shows what it showed.
        if self.following {
            self.procs = rows;
        }
    }

    /// The processes to show, filtered and sorted.
    pub fn visible_procs(&self) -> Vec<&ProcRow> {
        let needle = self.filter.to_lowercase();
        let mut v: Vec<&ProcRow> = self
            .procs
            .iter()
            .filter(|p| needle.is_empty() || p.comm.to_lowercase().contains(&needle))
            .collect();
        match self.sort {
            SortKey::Cpu => {
                v.sort_by(|a, b| b.cpu_pct.total_cmp(&a.cpu_pct).then(a.pid.cmp(&b.pid)))
            }
            SortKey::Memory => v.sort_by(|a, b| b.rss_kb.cmp(&a.rss_kb).then(a.pid.cmp(&b.pid))),
            SortKey::Pid => v.sort_by_key(|p| p.pid),
        }
        v
    }

    fn step(&mut self, by: isize) {
        if self.timeline.is_empty() {
            return;
        }
        let last = self.timeline.len() - 1;
        let to = (self.cursor as isize + by).clamp(0, last as isize) as usize;
        self.cursor = to;
        if self.source == Source::Live {
            // Walking back leaves live; stepping past the newest comes back to it.
            self.following = by > 0 && to == last && self.following_allowed();
        }
    }

    fn following_allowed(&self) -> bool {
        self.source == Source::Live
    }

    fn go_to_end(&mut self) {
        if !self.timeline.is_empty() {
            self.cursor = self.timeline.len() - 1;
        }
        if self.source == Source::Live {
            self.following = true;
        }
    }

    /// Jump to the first interval ending at or after `clock` on the day on screen.
    pub fn jump(&mut self, typed: &str) {
        let clock = match crate::time::parse_clock(typed.trim()) {
            Ok(c) => c,
            Err(e) => {
                self.message = Some(e);
                return;
            }
        };
        let Some(here) = self.current() else { return };
        let day = crate::time::local_date(here.end_ns);
        let target = crate::time::local_ns(day, clock);
        match self.timeline.iter().position(|s| s.end_ns >= target) {
            Some(i) => {
                self.cursor = i;
                if self.source == Source::Live {
                    self.following = i + 1 == self.timeline.len();
                }
                self.message = None;
            }
            None => self.message = Some(format!("nothing recorded at or after {typed}")),
        }
    }

    /// Time passes (every tick): replay plays.
    pub fn tick(&mut self, elapsed: Duration) {
        if self.source == Source::Replay && self.playing {
            self.play_credit += elapsed.as_secs_f64() * self.speed();
            let whole = self.play_credit.floor();
            if whole >= 1.0 {
                self.play_credit -= whole;
                let before = self.cursor;
                self.step(whole as isize);
                if self.cursor == before {
                    self.playing = false;
                }
            }
        }
    }

    pub fn key(&mut self, k: KeyEvent) {
        if k.modifiers.contains(KeyModifiers::CONTROL) && k.code == KeyCode::Char('c') {
            self.quit = true;
            return;
        }
        if let Some(input) = &mut self.input {
            let text = match input {
                Input::Jump(t) | Input::Filter(t) => t,
            };
            match k.code {
                KeyCode::Esc => {
                    if matches!(input, Input::Filter(_)) {
                        self.filter.clear();
                    }
                    self.input = None;
                }
                KeyCode::Enter => {
                    let done = self.input.take();
                    match done {
                        Some(Input::Jump(t)) => self.jump(&t),
                        Some(Input::Filter(t)) => self.filter = t,
                        None => {}
                    }
                }
                KeyCode::Backspace => {
                    text.pop();
                }
                KeyCode::Char(c) => text.push(c),
                _ => {}
            }
            if let Some(Input::Filter(t)) = &self.input {
                self.filter = t.clone();
            }
            return;
        }
        if self.show_help {
            self.show_help = false;
            if !matches!(k.code, KeyCode::Char('q')) {
                return;
            }
        }
        self.message = None;
        match k.code {
            KeyCode::Char('q') => self.quit = true,
            KeyCode::Char('?') | KeyCode::F(1) => self.show_help = true,
            KeyCode::Char(' ') => match self.source {
                Source::Live => {
                    self.following = !self.following;
                    if self.following {
                        self.go_to_end();
                    }
                }
                Source::Replay => {
                    if self.cursor + 1 >= self.timeline.len() {
                        self.cursor = 0;
                    }
                    self.playing = !self.playing;
                }
            },
            KeyCode::Left | KeyCode::Char('t') => self.step(-1),
            KeyCode::Right | KeyCode::Char('T') => self.step(1),
            KeyCode::PageUp => self.step(-60),
            KeyCode::PageDown => self.step(60),
            KeyCode::Home => {
                self.cursor = 0;
                if self.source == Source::Live {
                    self.following = false;
                }
            }
            KeyCode::End => self.go_to_end(),
            KeyCode::Char('j') => self.input = Some(Input::Jump(String::new())),
            KeyCode::Char('/') => self.input = Some(Input::Filter(self.filter.clone())),
            KeyCode::Char('[') => self.speed = self.speed.saturating_sub(1),
            KeyCode::Char(']') => self.speed = (self.speed + 1).min(SPEEDS.len() - 1),
            KeyCode::Char('+') | KeyCode::Char('=') => {
                self.refresh = (self.refresh * 2).min(Duration::from_secs(60));
            }
            KeyCode::Char('-') => {
                self.refresh = (self.refresh / 2).max(Duration::from_millis(250));
            }
            KeyCode::Char('c') => self.sort = SortKey::Cpu,
            KeyCode::Char('m') => self.sort = SortKey::Memory,
            KeyCode::Char('p') => self.sort = SortKey::Pid,
            KeyCode::Esc => self.filter.clear(),
            _ => {}
        }
    }
}

/// The keys, for the help screen and the README.
pub const KEYS: &[(&str, &str)] = &[
    ("q, Ctrl-C", "quit"),
    ("?", "this help (any key closes it)"),
    ("space", "live: pause / resume; replay: play / pause"),
    ("← → or t T", "one interval back / forward"),
    ("PgUp PgDn", "60 intervals back / forward"),
    ("Home End", "first / last interval (End returns to live)"),
    ("j", "jump to a time of day (HH:MM[:SS], Enter)"),
    ("[ ]", "replay slower / faster"),
    ("+ -", "live: sample less / more often"),
    ("c m p", "sort processes by CPU / memory / PID"),
    ("/", "filter processes by name (Enter keeps, Esc clears)"),
];
