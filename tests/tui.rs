//! The interactive screen: rendering with ratatui's TestBackend at 80×24 and 160×48 on a
//! recorded log and on captured samples (pinned in tests/golden after looking at them),
//! the state machine without a terminal, and the real binary in a pseudo-terminal.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failure report

mod common;

use common::*;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use rsar::probe::{Probe, ProcCounters};
use rsar::tui::app::{App, Input, SortKey, Source};
use rsar::tui::ui::{draw, Theme};
use rsar::tui::{driver_for, Driver, Event};
use std::path::PathBuf;
use std::time::Duration;

fn utc() {
    // Times on screen are local: pin the zone for the whole test binary.
    std::env::set_var("TZ", "UTC");
}

fn key(c: KeyCode) -> KeyEvent {
    KeyEvent::new(c, KeyModifiers::NONE)
}

fn replay() -> (tempfile::TempDir, Driver) {
    utc();
    let d = tempdir();
    let file = record(d.path());
    (d, driver_for(vec![file], &Default::default()).unwrap())
}

fn screen(app: &App, w: u16, h: u16) -> String {
    let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
    t.draw(|f| draw(f, app, Theme { color: false })).unwrap();
    let buf = t.backend().buffer().clone();
    (0..h)
        .map(|y| {
            (0..w)
                .map(|x| buf[(x, y)].symbol().to_string())
                .collect::<String>()
                .trim_end()
                .to_string()
        })
        .collect::<Vec<_>>()
        .join("\n")
        + "\n"
}

fn pinned(name: &str, got: &str) {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(name);
    if std::env::var_os("RSAR_BLESS").is_some() {
        std::fs::write(&path, got).unwrap();
    }
    let want = std::fs::read_to_string(&path).unwrap_or_default();
    assert_eq!(
        got, want,
        "{name} differs (RSAR_BLESS=1 to rewrite after looking)"
    );
}

/// A live screen fed two captured samples and a fixed process list.
fn live() -> Driver {
    utc();
    fn at_t0() -> i64 {
        1_763_719_200_000_000_000 // 2025-11-21 10:00:00 UTC
    }
    fn at_t1() -> i64 {
        1_763_719_203_000_000_000
    }
    let sample = |t: &str| {
        let root = fixture(t);
        let clock = if t == "t0" { at_t0 } else { at_t1 };
        Probe::new(&root.join("proc"), &root.join("sys"))
            .unwrap()
            .with_clock(clock)
            .sample()
            .unwrap()
    };
    let host = Probe::new(&fixture("t0").join("proc"), &fixture("t0").join("sys"))
        .unwrap()
        .host()
        .clone();
    let procs = |ticks: u64| {
        vec![
            ProcCounters {
                pid: 1,
                comm: "init".into(),
                state: 'S',
                uid: 0,
                cpu_ticks: 10,
                rss_kb: 9000,
                start_ticks: 1,
            },
            ProcCounters {
                pid: 4242,
                comm: "dd".into(),
                state: 'D',
                uid: 33,
                cpu_ticks: ticks,
                rss_kb: 2000,
                start_ticks: 50_000,
            },
            ProcCounters {
                pid: 777,
                comm: "postgres".into(),
                state: 'S',
                uid: 33,
                cpu_ticks: 5000,
                rss_kb: 500_000,
                start_ticks: 3000,
            },
        ]
    };
    let mut app = App::new(Source::Live, host);
    app.users.insert(0, "root".into());
    app.users.insert(33, "www-data".into());
    let mut d = Driver::new(app);
    d.apply(
        Event::Sample(Box::new(sample("t0")), procs(100)),
        Duration::ZERO,
    );
    d.apply(
        Event::Sample(Box::new(sample("t1")), procs(263)),
        Duration::ZERO,
    );
    d
}

#[test]
fn replay_screens_at_80x24_and_160x48() {
    let (_d, mut drv) = replay();
    assert_eq!(drv.app.timeline.len(), 3);
    assert_eq!(drv.app.cursor, 0, "a replay starts at the first interval");
    pinned("tui-replay-80x24.txt", &screen(&drv.app, 80, 24));
    drv.app.key(key(KeyCode::Right));
    pinned("tui-replay-160x48.txt", &screen(&drv.app, 160, 48));
}

#[test]
fn live_screens_at_80x24_and_160x48() {
    let drv = live();
    let s80 = screen(&drv.app, 80, 24);
    // The figures the tables print for the same interval (tests/probe.rs, by hand).
    assert!(s80.contains("usr 38.5  sys 7.6  wa 2.9  st 2.3"), "{s80}");
    assert!(s80.contains("vda"), "{s80}");
    assert!(s80.contains("4242"), "{s80}");
    pinned("tui-live-80x24.txt", &s80);
    pinned("tui-live-160x48.txt", &screen(&drv.app, 160, 48));
    // The help screen at the smallest size.
    let mut drv = drv;
    drv.app.key(key(KeyCode::Char('?')));
    pinned("tui-help-80x24.txt", &screen(&drv.app, 80, 24));
}

#[test]
fn screens_survive_tiny_and_huge_terminals() {
    let (_d, drv) = replay();
    for (w, h) in [(20, 5), (40, 10), (80, 24), (250, 80)] {
        let s = screen(&drv.app, w, h);
        assert_eq!(s.lines().count(), h as usize);
    }
}

#[test]
fn stepping_jumping_and_playing_a_replay() {
    let (_d, mut drv) = replay();
    let app = &mut drv.app;
    app.key(key(KeyCode::Right));
    assert_eq!(app.cursor, 1);
    app.key(key(KeyCode::Char('t')));
    assert_eq!(app.cursor, 0);
    app.key(key(KeyCode::Left));
    assert_eq!(app.cursor, 0, "no further back than the first");
    app.key(key(KeyCode::End));
    assert_eq!(app.cursor, 2);
    app.key(key(KeyCode::Home));
    assert_eq!(app.cursor, 0);
    // j 10:21 Enter: the first interval ending at or after 10:21.
    app.key(key(KeyCode::Char('j')));
    for c in "10:21".chars() {
        app.key(key(KeyCode::Char(c)));
    }
    assert_eq!(app.input, Some(Input::Jump("10:21".into())));
    app.key(key(KeyCode::Enter));
    assert_eq!(app.cursor, 2);
    app.key(key(KeyCode::Char('j')));
    for c in "25:00".chars() {
        app.key(key(KeyCode::Char(c)));
    }
    app.key(key(KeyCode::Enter));
    assert!(app.message.is_some(), "a bad time is said, not obeyed");
    assert_eq!(app.cursor, 2);
    // Play from the start at 2 intervals a second: one second of ticks moves two.
    app.key(key(KeyCode::Home));
    app.key(key(KeyCode::Char(']')));
    assert_eq!(app.speed(), 2.0);
    app.key(key(KeyCode::Char(' ')));
    assert_eq!(app.status(), "PLAYING");
    for _ in 0..4 {
        app.tick(Duration::from_millis(250));
    }
    assert_eq!(app.cursor, 2);
    app.tick(Duration::from_secs(1));
    assert_eq!(app.status(), "REPLAY", "stops at the end");
    assert_eq!(drv.app.restarts.len(), 1);
}

#[test]
fn live_walk_back_and_return() {
    let mut drv = live();
    let app = &mut drv.app;
    let s = app.timeline[0].clone();
    for _ in 0..3 {
        app.push(s.clone());
    }
    assert_eq!((app.cursor, app.status()), (3, "LIVE"));
    app.key(key(KeyCode::Left));
    assert_eq!((app.cursor, app.status()), (2, "PAUSED"));
    app.push(s.clone());
    assert_eq!(app.cursor, 2, "new samples do not move a paused screen");
    app.key(key(KeyCode::Right));
    app.key(key(KeyCode::Right));
    assert_eq!(
        (app.cursor, app.status()),
        (4, "LIVE"),
        "stepping past the newest is live again"
    );
    app.key(key(KeyCode::Char(' ')));
    assert_eq!(app.status(), "PAUSED");
    app.key(key(KeyCode::Char(' ')));
    assert_eq!(app.status(), "LIVE");
    let before = app.refresh;
    app.key(key(KeyCode::Char('+')));
    assert_eq!(app.refresh, before * 2);
    app.key(key(KeyCode::Char('-')));
    app.key(key(KeyCode::Char('-')));
    assert_eq!(app.refresh, before / 2);
}

#[test]
fn process_table_sorts_and_filters() {
    let mut drv = live();
    let app = &mut drv.app;
    let pids = |app: &App| {
        app.visible_procs()
            .iter()
            .map(|p| p.pid)
            .collect::<Vec<_>>()
    };
    assert_eq!(app.sort, SortKey::Cpu);
    // dd used 163 ticks in 3.26 s: 50 % of a CPU; the others nothing.
    assert_eq!(pids(app), [4242, 1, 777]);
    assert!((app.visible_procs()[0].cpu_pct - 50.0).abs() < 0.01);
    app.key(key(KeyCode::Char('m')));
    assert_eq!(pids(app), [777, 1, 4242]);
    app.key(key(KeyCode::Char('p')));
    assert_eq!(pids(app), [1, 777, 4242]);
    app.key(key(KeyCode::Char('/')));
    for c in "POST".chars() {
        app.key(key(KeyCode::Char(c)));
    }
    assert_eq!(pids(app), [777], "filters as you type, ignoring case");
    app.key(key(KeyCode::Enter));
    assert_eq!(app.filter, "POST");
    app.key(key(KeyCode::Esc));
    assert_eq!(pids(app).len(), 3);
    app.key(key(KeyCode::Char('q')));
    assert!(app.quit);
}

#[test]
fn the_real_binary_in_a_pseudo_terminal_quits_cleanly() {
    use std::io::{Read, Write};
    use std::os::fd::OwnedFd;
    let d = tempdir();
    let file = record(d.path());
    let size = nix::pty::Winsize {
        ws_row: 24,
        ws_col: 80,
        ws_xpixel: 0,
        ws_ypixel: 0,
    };
    let pty = nix::pty::openpty(Some(&size), None).unwrap();
    let slave = |fd: &OwnedFd| std::process::Stdio::from(fd.try_clone().unwrap());
    let mut child = std::process::Command::new(rsar_bin())
        .args(["tui", "-f", file.to_str().unwrap()])
        .env("TERM", "xterm-256color")
        .env("TZ", "UTC")
        .stdin(slave(&pty.slave))
        .stdout(slave(&pty.slave))
        .stderr(slave(&pty.slave))
        .spawn()
        .unwrap();
    drop(pty.slave);
    let mut master = std::fs::File::from(pty.master);
    let mut reader = master.try_clone().unwrap();
    let output = std::thread::spawn(move || {
        let mut all = Vec::new();
        let mut buf = [0u8; 4096];
        while let Ok(n) = reader.read(&mut buf) {
            if n == 0 {
                break;
            }
            all.extend_from_slice(&buf[..n]);
        }
        all
    });
    std::thread::sleep(Duration::from_millis(800));
    master.write_all(b"l").unwrap(); // an unbound key: ignored
    master.write_all(b"q").unwrap();
    let mut status = None;
    for _ in 0..100 {
        if let Some(s) = child.try_wait().unwrap() {
            status = Some(s);
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let status = status.unwrap_or_else(|| {
        let _ = child.kill();
        panic!("rsar tui did not quit on q");
    });
    assert!(status.success(), "{status:?}");
    drop(master);
    let out = String::from_utf8_lossy(&output.join().unwrap()).into_owned();
    assert!(out.contains("REPLAY"), "the screen was drawn");
    assert!(out.contains("\x1b[?1049l"), "the alternate screen was left");
}
