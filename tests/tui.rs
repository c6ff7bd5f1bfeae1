//! The interactive screen: rendering with ratatui's TestBackend at 80×24 and 160×48 on a
//! recorded log and on captured samples (pinned in tests/golden after looking at them),
//! the state machine without a terminal, and the real binary in a pseudo-terminal.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failure report

mod common;

use common::cgroups::{v2_hierarchy, TestCgroup};
use common::*;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use rsar::probe::Probe;
use rsar::tui::app::{App, Input, SortKey, Source};
use rsar::tui::ui::{draw, Theme};
use rsar::tui::views::Column;
use rsar::tui::{driver_for, Driver, Event};
use std::path::{Path, PathBuf};
use std::time::Duration;

fn utc() {
    // Times on screen are local: pin the zone for the whole test binary.
    std::env::set_var("TZ", "UTC");
}

fn key(c: KeyCode) -> KeyEvent {
    KeyEvent::new(c, KeyModifiers::NONE)
}

/// The cursor's place among the points held (a short log's every interval, once read).
fn at(app: &App) -> usize {
    app.timeline
        .iter()
        .position(|p| Some(p.end_ns) == app.cursor)
        .expect("the cursor on a point held")
}

/// The replay of `file` read as the screen reads it.
fn logs_of(file: &Path) -> rsar::tui::moment::Logs {
    rsar::tui::moment::Logs {
        files: vec![file.to_path_buf()],
        dir: None,
        sys_root: PathBuf::from("/sys"),
        window: Default::default(),
    }
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

/// Events handed out in order: a source of made-up or captured samples.
struct Events(
    std::collections::VecDeque<rsar::source::Event>,
    rsar::sample::HostFacts,
);

impl rsar::source::Source for Events {
    fn next(&mut self) -> Result<Option<rsar::source::Event>, rsar::source::SourceError> {
        Ok(self.0.pop_front())
    }
    fn origin(&self) -> (&rsar::sample::HostFacts, i64) {
        (&self.1, 0)
    }
    fn take_damage(&mut self) -> Vec<String> {
        Vec::new()
    }
}

/// A live screen fed two captured samples and a fixed process list, through the pipeline.
fn live() -> Driver {
    use rsar::process::ProcessCounters;
    use rsar::source::Event as SourceEvent;
    use rsar::store::procs::ProcessTable;
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
    let page_kb = u64::from(host.page_size / 1024);
    // (pid, name, state, uid, CPU ticks, RSS kB, start ticks), in pid order; dd writes
    // a MB per tick it runs, postgres reads; init's I/O is not readable.
    let table = |s: &rsar::sample::Sample, ticks: u64| {
        let p = |pid, comm: &str, state: char, uid, cpu, rss_kb: u64, start| {
            ProcessCounters {
            pid,
            comm: comm.into(),
            cmdline: match comm {
                "init" => "/sbin/init splash",
                "postgres" => "/usr/lib/postgresql/15/bin/postgres -D /var/lib/postgresql/15/main -c config_file=/etc/postgresql/15/main/postgresql.conf",
                _ => "dd if=/dev/zero of=/var/tmp/big bs=1M count=1500 oflag=direct",
            }
            .into(),
            state: state as u32,
            uid,
            utime: cpu,
            rss: rss_kb / page_kb,
            start_ticks: start,
            threads: if comm == "postgres" { 6 } else { 1 },
            read_bytes: (comm != "init").then_some(cpu * 4096),
            write_bytes: (comm != "init").then_some(if comm == "dd" { cpu * 1_000_000 } else { 0 }),
            ..Default::default()
        }
        };
        SourceEvent::Processes(ProcessTable {
            wall_ns: s.time.wall_ns,
            uptime_cs: s.time.uptime_cs,
            processes: std::sync::Arc::new(vec![
                p(1, "init", 'S', 0, 10, 9000, 1),
                p(777, "postgres", 'S', 33, 5000, 500_000, 3000),
                p(4242, "dd", 'D', 33, ticks, 2000, 50_000),
            ]),
        })
    };
    let (s0, s1) = (sample("t0"), sample("t1"));
    let (p0, p1) = (table(&s0, 100), table(&s1, 263));
    // Each table follows its sample, as a live source hands them on.
    let events = vec![
        SourceEvent::Sample(Box::new(s0)),
        p0,
        SourceEvent::Sample(Box::new(s1)),
        p1,
    ];
    let mut source = Events(events.into(), host.clone());
    let mut app = App::new(Source::Live, host);
    app.users.insert(0, "root".into());
    app.users.insert(33, "www-data".into());
    rsar::tui::live_driver(&mut source, app).unwrap()
}

#[test]
fn replay_screens_at_80x24_120x40_and_250x70() {
    let (_d, mut drv) = replay();
    assert_eq!(drv.app.timeline.len(), 3);
    assert_eq!(at(&drv.app), 0, "a replay starts at the first interval");
    golden("tui-replay-80x24.txt", &screen(&drv.app, 80, 24));
    golden("tui-replay-250x70.txt", &screen(&drv.app, 250, 70));
    drv.app.key(key(KeyCode::Right));
    golden("tui-replay-120x40.txt", &screen(&drv.app, 120, 40));
}

#[test]
fn live_screens_at_80x24_120x40_and_250x70() {
    let drv = live();
    let s80 = screen(&drv.app, 80, 24);
    // The figures the tables print for the same interval (tests/probe.rs, by hand).
    assert!(
        s80.contains("usr 38.5  ni 0.0  sys 7.6  wa 2.9  st 2.3"),
        "{s80}"
    );
    assert!(s80.contains("vda"), "{s80}");
    assert!(s80.contains("4242"), "{s80}");
    golden("tui-live-80x24.txt", &s80);
    golden("tui-live-120x40.txt", &screen(&drv.app, 120, 40));
    golden("tui-live-250x70.txt", &screen(&drv.app, 250, 70));
    // The help screen at the smallest size.
    let mut drv = drv;
    drv.app.key(key(KeyCode::Char('?')));
    golden("tui-help-80x24.txt", &screen(&drv.app, 80, 24));
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
    assert_eq!(at(app), 1);
    // As atop: t is the next sample, T the previous one.
    app.key(key(KeyCode::Char('t')));
    assert_eq!(at(app), 2);
    app.key(key(KeyCode::Char('T')));
    app.key(key(KeyCode::Char('T')));
    assert_eq!(at(app), 0);
    app.key(key(KeyCode::Left));
    assert_eq!(at(app), 0, "no further back than the first");
    app.key(key(KeyCode::End));
    assert_eq!(at(app), 2);
    app.key(key(KeyCode::Home));
    assert_eq!(at(app), 0);
    // j 10:21 Enter: the first interval ending at or after 10:21.
    app.key(key(KeyCode::Char('j')));
    for c in "10:21".chars() {
        app.key(key(KeyCode::Char(c)));
    }
    assert_eq!(app.input, Some(Input::Jump("10:21".into())));
    app.key(key(KeyCode::Enter));
    assert_eq!(at(app), 2);
    app.key(key(KeyCode::Char('j')));
    for c in "25:00".chars() {
        app.key(key(KeyCode::Char(c)));
    }
    app.key(key(KeyCode::Enter));
    assert!(app.message.is_some(), "a bad time is said, not obeyed");
    assert_eq!(at(app), 2);
    // Play from the start at 2 intervals a second: one second of ticks moves two.
    app.key(key(KeyCode::Home));
    app.key(key(KeyCode::Char(']')));
    assert_eq!(app.speed(), 2.0);
    app.key(key(KeyCode::Char(' ')));
    assert_eq!(app.status(), "PLAYING");
    for _ in 0..4 {
        app.tick(Duration::from_millis(250));
    }
    assert_eq!(at(app), 2);
    app.tick(Duration::from_secs(1));
    assert_eq!(app.status(), "REPLAY", "stops at the end");
    assert_eq!(drv.app.restarts.len(), 1);
}

#[test]
fn live_walk_back_and_return() {
    let mut drv = live();
    let app = &mut drv.app;
    let s = app.timeline[0];
    let later = |k: i64| rsar::tui::model::Point {
        end_ns: s.end_ns + k * 3_000_000_000,
        ..s
    };
    for k in 1..=3 {
        app.push(later(k));
    }
    assert_eq!((at(app), app.status()), (3, "LIVE"));
    app.key(key(KeyCode::Left));
    assert_eq!((at(app), app.status()), (2, "PAUSED"));
    app.push(later(4));
    assert_eq!(at(app), 2, "new samples do not move a paused screen");
    app.key(key(KeyCode::Right));
    app.key(key(KeyCode::Right));
    assert_eq!(
        (at(app), app.status()),
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
    assert_eq!(app.sort, SortKey::by(Column::Cpu));
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
    let d = tempdir();
    let file = record(d.path());
    // `l` is an unbound key: ignored.
    let (code, out, _) = in_pty(
        &["tui", "-f", file.to_str().unwrap()],
        &[b"l", b"q"],
        Duration::from_millis(800),
    );
    assert_eq!(code, Some(0));
    assert!(out.contains("REPLAY"), "the screen was drawn");
    assert!(out.contains("\x1b[?1049l"), "the alternate screen was left");
}

#[test]
fn a_replay_keeps_points_and_decodes_the_moment_on_screen() {
    utc();
    let d = tempdir();
    let file = record(d.path());
    let mut drv = driver_for(vec![file.clone()], &Default::default()).unwrap();
    // The points around the cursor are read (here, the whole short log); only the moment
    // on screen (and the short history of its sparklines) and the next are in full.
    assert_eq!(drv.app.timeline.len(), 3);
    assert_eq!(drv.app.intervals, 3);
    assert_eq!(
        drv.app.moments.len(),
        2,
        "decoded up to the cursor and the next"
    );
    // Each moment, decoded by seeking into the file, is what reading the file from its
    // start gives for that interval.
    let whole = rsar::tui::moment::decode(
        &logs_of(&file),
        &rsar::tui::moment::Request {
            from_ns: i64::MIN,
            at_ns: i64::MAX,
            ahead: 0,
        },
    )
    .unwrap();
    assert_eq!(whole.snaps.len(), 3);
    assert_eq!(whole.points.len(), 3);
    for (i, want) in whole.snaps.iter().enumerate() {
        drv.app.cursor = Some(want.end_ns());
        if i == 2 {
            assert!(drv.app.current().unwrap().thin, "not decoded yet");
        }
        drv.decode_now().unwrap();
        let got = drv.app.current().unwrap().into_owned();
        assert!(!got.thin);
        assert_eq!(&got, want, "interval {i}");
        assert_eq!(got.point, whole.points[i]);
        assert!(drv.app.moments.len() <= rsar::tui::app::REPLAY_MOMENTS + 1);
    }
    let last = drv.app.current().unwrap().into_owned();
    assert_eq!(last.per_cpu.len(), 2);
    assert!(last.disks.iter().any(|r| &*r.name == "vda"));
}

#[test]
fn device_tables_take_their_columns_from_the_catalogue() {
    use rsar::report::{Selection, Table};
    use rsar::tui::model::columns;
    use rsar::tui::ui::{DISKS, NETS};
    for (kind, table) in [(&DISKS, Table::Disk), (&NETS, Table::NetDev)] {
        let sar: Vec<&str> = (table.report().columns)(&Selection::default())
            .iter()
            .filter_map(|c| c.sar)
            .collect();
        assert_eq!(columns(table), sar);
        for w in kind.wanted.iter().chain(kind.activity) {
            assert!(sar.contains(w), "{w} is not a column of {}", kind.title);
        }
    }
    // The values are the catalogue's for the same interval: vda's %util and tps as
    // `rsar -d` prints them.
    let (_d, drv) = replay();
    let snap = drv.app.current().unwrap().into_owned();
    let vda = snap.disks.iter().find(|r| &*r.name == "vda").unwrap();
    let util = vda.values[rsar::tui::model::column(Table::Disk, "%util").unwrap()];
    let tps = vda.values[rsar::tui::model::column(Table::Disk, "tps").unwrap()];
    assert!((util - 19.4).abs() < 0.06, "{util}");
    assert!((tps - 130.0).abs() < 0.6, "{tps}");
    // Headers on screen are the catalogue's names.
    let s = screen(&drv.app, 80, 24);
    assert!(s.contains("DEV   tps     rkB/s     wkB/s %util"), "{s}");
}

#[test]
fn a_damaged_log_says_so_on_screen() {
    utc();
    let d = tempdir();
    let file = record(d.path());
    let mut b = std::fs::read(&file).unwrap();
    let len = b.len();
    b[len * 3 / 5] ^= 0xff;
    std::fs::write(&file, &b).unwrap();
    let drv = driver_for(vec![file], &Default::default()).unwrap();
    assert!(!drv.app.damage.is_empty());
    assert!(
        drv.app.damage[0].contains("damaged"),
        "{:?}",
        drv.app.damage
    );
    let s = screen(&drv.app, 80, 24);
    assert!(s.lines().next().unwrap().contains("DAMAGED LOG"), "{s}");
    assert!(s.contains(" damaged: "), "{s}");
}

/// Run the real `rsar` in an 80×24 pseudo-terminal, type `keys` (after a pause, each
/// pause long), and wait for it to end. Returns its exit code, what it drew, and its
/// stderr (apart from the terminal).
fn in_pty(args: &[&str], keys: &[&[u8]], pause: Duration) -> (Option<i32>, String, String) {
    use std::io::{Read, Write};
    use std::os::fd::OwnedFd;
    let size = nix::pty::Winsize {
        ws_row: 24,
        ws_col: 80,
        ws_xpixel: 0,
        ws_ypixel: 0,
    };
    let pty = nix::pty::openpty(Some(&size), None).unwrap();
    let slave = |fd: &OwnedFd| std::process::Stdio::from(fd.try_clone().unwrap());
    let mut child = std::process::Command::new(rsar_bin())
        .args(args)
        .env("TERM", "xterm-256color")
        .env("TZ", "UTC")
        .stdin(slave(&pty.slave))
        .stdout(slave(&pty.slave))
        .stderr(std::process::Stdio::piped())
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
    for k in keys {
        std::thread::sleep(pause);
        master.write_all(k).unwrap();
    }
    let mut status = None;
    for _ in 0..400 {
        if let Some(s) = child.try_wait().unwrap() {
            status = Some(s);
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let status = status.unwrap_or_else(|| {
        let _ = child.kill();
        panic!("rsar {args:?} did not end");
    });
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    drop(master);
    let out = String::from_utf8_lossy(&output.join().unwrap()).into_owned();
    (status.code(), out, err)
}

#[test]
fn the_real_binary_says_damage_after_quitting_and_exits_2() {
    let d = tempdir();
    let file = record(d.path());
    let mut b = std::fs::read(&file).unwrap();
    let len = b.len();
    b[len * 3 / 5] ^= 0xff;
    std::fs::write(&file, &b).unwrap();
    let (code, out, err) = in_pty(
        &["tui", "-f", file.to_str().unwrap()],
        &[b"q"],
        Duration::from_millis(1500),
    );
    assert_eq!(code, Some(2), "{err}");
    assert!(out.contains("DAMAGED LOG"), "the screen said it");
    assert!(
        err.contains("skipped") && err.contains("damaged") && err.contains("rsar20251121"),
        "{err}"
    );
}

#[test]
fn live_count_ends_the_screen_and_o_saves_the_samples() {
    let d = tempdir();
    let saved = d.path().join("saved");
    let (code, out, err) = in_pty(
        &["tui", "-o", saved.to_str().unwrap(), "0.3", "2"],
        &[],
        Duration::ZERO,
    );
    assert_eq!(code, Some(0), "{err}");
    assert!(out.contains("LIVE"), "the screen was drawn");
    // Three samples make the two intervals shown: `rsar -u` over the saved file prints
    // two rows and their average.
    let report = run(&rsar_bin(), &["-u", "-f", saved.to_str().unwrap()]);
    assert!(report.status.success(), "{}", text(&report.stderr));
    let rows = text(&report.stdout)
        .lines()
        .filter(|l| l.contains(" all "))
        .count();
    assert_eq!(rows, 3, "{}", text(&report.stdout));
}

#[test]
fn a_shorter_refresh_applies_at_once() {
    // Sampling every 60 s, one interval: without '-' taking effect at once this would
    // run a minute; four presses bring it to 3.75 s, applied to the wait under way.
    let (code, _, err) = in_pty(
        &["tui", "60", "1"],
        &[b"-", b"-", b"-", b"-"],
        Duration::from_millis(200),
    );
    assert_eq!(code, Some(0), "{err}");
}

#[test]
fn comments_show_with_dash_c() {
    utc();
    let d = tempdir();
    let file = record(d.path());
    let out = rsadc_on(
        &fixture("t1"),
        1306,
        &["--comment", "kernel upgrade", d.path().to_str().unwrap()],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    // A sample after the comment, so that an interval holds it.
    let out = sample_tree(&fixture("t2"), 1310, d.path().to_str().unwrap());
    assert!(out.status.success(), "{}", text(&out.stderr));
    let without = driver_for(vec![file.clone()], &Default::default()).unwrap();
    assert!(without.app.comments.is_empty());
    let mut drv = rsar::tui::driver_with(
        vec![file],
        &Default::default(),
        true,
        std::path::Path::new("/sys"),
    )
    .unwrap();
    assert_eq!(drv.app.comments.len(), 1);
    assert_eq!(drv.app.comments[0].1, "kernel upgrade");
    drv.app.key(key(KeyCode::End));
    let s = screen(&drv.app, 80, 24);
    assert!(s.contains("comment: kernel upgrade"), "{s}");
}

/// A live screen with one interval: a busy machine of `cpus` CPUs, disks and interfaces
/// named as given (each with the activity given), and `procs` processes.
fn made_up(
    cpus: usize,
    disks: &[(&str, f32)],
    nets: &[(&str, f32)],
    procs: usize,
) -> rsar::tui::app::App {
    use rsar::report::Table;
    use rsar::tui::model::{column, columns, CpuShares, DeviceRow, Point, Snapshot};
    let row = |table: Table, name: &str, kb: f32| {
        let mut values = vec![0.0f32; columns(table).len()];
        let c = if table == Table::Disk {
            "rkB/s"
        } else {
            "rxkB/s"
        };
        values[column(table, c).unwrap()] = kb;
        DeviceRow {
            name: name.into(),
            values: values.into(),
        }
    };
    let point = Point {
        end_ns: 1_763_719_203_000_000_000,
        seconds: 1.0,
        cpu: CpuShares {
            user: 79.0,
            nice: 21.0,
            ..CpuShares::default()
        },
        mem: half_of_16g(),
        load1: 9.0,
    };
    let snap = Snapshot {
        point,
        per_cpu: (0..cpus).map(|i| (i * 37 % 101) as u8).collect(),
        disks: disks
            .iter()
            .map(|(n, kb)| row(Table::Disk, n, *kb))
            .collect(),
        nets: nets
            .iter()
            .map(|(n, kb)| row(Table::NetDev, n, *kb))
            .collect(),
        mem: half_of_16g().map(|v| v as u64),
        ..Snapshot::default()
    };
    let mut app = App::new(Source::Live, test_host("b", cpus as u32));
    app.push_live(snap);
    app.procs = (0..procs as u32)
        .map(|i| rsar::tui::model::ProcRow {
            pid: 1000 + i,
            uid: 0,
            comm: format!("worker{i}"),
            state: 'S',
            cpu_pct: f64::from(procs as u32 - i),
            mem_pct: 0.1,
            rss_kb: 1000,
            cpu_seconds: 1.0,
            ..Default::default()
        })
        .collect();
    app
}

#[test]
fn nice_time_is_drawn_in_the_bar_and_the_chart() {
    utc();
    // All CPUs busy: 79 % user, 21 % nice.
    let app = made_up(2, &[], &[], 0);
    let s = screen(&app, 80, 24);
    let all = s.lines().find(|l| l.starts_with("CPU ")).unwrap();
    let all = &all[..all.find("100%").unwrap_or(all.len())];
    assert!(s.contains("100%  usr 79.0"), "{s}");
    assert!(!all.contains('·'), "a full bar for a busy machine: {all}");
    assert!(all.contains('n'), "nice has its part of the bar: {all}");
    assert!(s.contains("ni 21.0"), "{s}");
    let s = screen(&app, 160, 48);
    assert!(s.contains("#usr nnice ssys"), "the chart's legend: {s}");
}

#[test]
fn many_cpus_show_as_a_heat_map_with_the_busiest_named() {
    utc();
    let app = made_up(128, &[], &[], 0);
    // CPU i is busy i*37 % 101 percent: CPU 30 is the busiest, named first. At 80×24
    // the summary line names the busiest; at 160 columns a heat map line has every CPU.
    let s = screen(&app, 80, 24);
    let busiest = s.lines().find(|l| l.contains("busiest")).unwrap();
    assert!(
        busiest.contains("128 CPUs, busiest 30:100% 60:99%"),
        "{busiest}"
    );
    let s = screen(&app, 160, 48);
    let map = s.lines().nth(2).unwrap();
    let cells = map.chars().filter(|c| "·▁▂▃▄▅▆▇█".contains(*c)).count();
    assert_eq!(cells, 128, "{s}");
    for (w, h) in [(200, 60), (250, 70)] {
        let s = screen(&app, w, h);
        let busiest = s.lines().find(|l| l.contains("busiest")).unwrap();
        assert!(busiest.contains("busiest 30:100% 60:99%"), "{busiest}");
        // Every CPU has a cell: four rows of 32, labelled with their first CPU.
        for first in ["│0   ", "│32  ", "│64  ", "│96  "] {
            let row = s.lines().find(|l| l.starts_with(first)).expect(first);
            let cells = row.split('│').nth(1).unwrap()[4..]
                .chars()
                .filter(|c| "·▁▂▃▄▅▆▇█".contains(*c))
                .count();
            assert_eq!(cells, 32, "{row}");
        }
        assert!(
            !s.contains("│0    #"),
            "no bar per CPU when they do not fit: {s}"
        );
    }
}

#[test]
fn long_and_alike_names_stay_apart_and_busiest_come_first() {
    utc();
    let nets: Vec<(String, f32)> = (1..=15)
        .map(|i| (format!("veth0000{i:x}"), if i == 9 { 500.0 } else { 0.0 }))
        .chain([("cali1234567890abcdef".to_string(), 50.0)])
        .collect();
    let nets: Vec<(&str, f32)> = nets.iter().map(|(n, v)| (n.as_str(), *v)).collect();
    let app = made_up(2, &[("sda", 0.0), ("nvme0n1", 900.0)], &nets, 0);
    let s = screen(&app, 200, 60);
    let net_rows: Vec<&str> = s
        .lines()
        .filter_map(|l| l.split('│').nth(3))
        .map(|c| c.split_whitespace().next().unwrap_or(""))
        .filter(|n| n.starts_with("veth") || n.starts_with("cali"))
        .collect();
    // Busiest first, every name whole or kept apart by an ellipsis in the middle.
    assert_eq!(net_rows[0], "veth00009", "{s}");
    assert_eq!(net_rows[1], "cali1234…0abcdef", "{s}");
    let mut unique = net_rows.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(unique.len(), net_rows.len(), "{net_rows:?}");
    let disk_row = s.lines().find(|l| l.contains("nvme0n1")).unwrap();
    let sda_row = s.lines().position(|l| l.contains("│sda")).unwrap();
    let nvme_row = s.lines().position(|l| l == disk_row).unwrap();
    assert!(nvme_row < sda_row, "the busy disk first");
    // At 80×24 the busiest of each on a line, and how many more by what.
    let s = screen(&app, 80, 24);
    let net = s.lines().find(|l| l.starts_with("NET ")).unwrap();
    assert_eq!(
        net, "NET veth00009 rx 500 kB/s tx 0 B/s +15 by rx+tx",
        "{s}"
    );
    let dsk = s.lines().find(|l| l.starts_with("DSK ")).unwrap();
    assert_eq!(
        dsk, "DSK nvme0n1 0% r 900 kB/s w 0 B/s │ sda 0% r 0 B/s w 0 B/s",
        "disks by %util, then by throughput"
    );
}

#[test]
fn the_process_list_scrolls_and_shows_the_selected_command() {
    utc();
    let mut app = made_up(2, &[], &[], 40);
    let s = screen(&app, 80, 24);
    assert!(s.contains("worker0 "), "{s}");
    assert!(!s.contains("worker30"), "{s}");
    for _ in 0..3 {
        app.key(key(KeyCode::PageDown));
    }
    app.key(key(KeyCode::Down));
    assert_eq!(app.proc_selected, 31);
    let s = screen(&app, 80, 24);
    assert!(s.contains("worker31"), "the selected row is on screen: {s}");
    assert!(s.contains("1031: [worker31]"), "its command: {s}");
    assert!(s.contains("32/40"), "{s}");
    app.cmdline = Some((
        1031,
        "/usr/bin/worker --threads 8 --config /etc/w.conf".into(),
    ));
    let s = screen(&app, 80, 24);
    assert!(
        s.contains("1031: /usr/bin/worker --threads 8 --config /etc/w.conf"),
        "{s}"
    );
    app.key(key(KeyCode::PageUp));
    app.key(key(KeyCode::PageUp));
    app.key(key(KeyCode::PageUp));
    app.key(key(KeyCode::PageUp));
    assert_eq!(app.proc_selected, 0);
}

#[test]
fn slash_does_nothing_without_a_process_table() {
    let (_d, mut drv) = replay();
    drv.app.key(key(KeyCode::Char('/')));
    assert_eq!(drv.app.input, None);
    drv.app.key(key(KeyCode::Char('q')));
    assert!(drv.app.quit, "the next key is a key, not filter text");
}

#[test]
fn below_the_minimum_size_the_screen_says_so() {
    let (_d, drv) = replay();
    let s = screen(&drv.app, 79, 24);
    assert!(s.contains("terminal too small"), "{s}");
    assert!(s.contains("79×24"), "{s}");
    assert!(!s.contains("DEV"), "no cut tables: {s}");
    let s = screen(&drv.app, 80, 24);
    assert!(!s.contains("terminal too small"));
}

#[test]
fn live_keeps_a_bounded_ring_of_full_intervals() {
    utc();
    let mut app = made_up(2, &[("vda", 10.0)], &[], 0);
    app.moments[0].cgroups = vec![rsar::tui::model::CgroupRow {
        path: "web".into(),
        cpu_pct: Some(50.0),
        ..Default::default()
    }]
    .into();
    let first = app.moments[0].clone();
    for i in 1..200i64 {
        let mut s = first.clone();
        s.point.end_ns += i * 1_000_000_000;
        app.push_live(s);
    }
    assert_eq!(app.timeline.len(), 200, "every interval stays a point");
    assert_eq!(app.moments.len(), rsar::tui::app::LIVE_MOMENTS);
    // The cgroups of the newest intervals only.
    let kept = rsar::tui::app::LIVE_CGROUP_MOMENTS;
    let with: Vec<bool> = app.moments.iter().map(|m| !m.cgroups.is_empty()).collect();
    assert!(with[with.len() - kept..].iter().all(|w| *w), "{with:?}");
    assert!(with[..with.len() - kept].iter().all(|w| !w), "{with:?}");
    app.key(key(KeyCode::Char('G')));
    for _ in 0..kept {
        app.key(key(KeyCode::Left));
    }
    let s = screen(&app, 80, 24);
    assert!(
        s.contains("Cgroups (kept for the newest 30 intervals only)"),
        "{s}"
    );
    app.key(key(KeyCode::Right));
    let s = screen(&app, 80, 24);
    assert!(s.contains("web") && s.contains("50.0"), "{s}");
    app.key(key(KeyCode::Char('g')));
    app.key(key(KeyCode::End));
    // Walking back past the ring: CPU and memory from the point, the rest said missing.
    for _ in 0..150 {
        app.key(key(KeyCode::Left));
    }
    assert_eq!((at(&app), app.status()), (49, "PAUSED"));
    assert!(app.current().unwrap().thin);
    let s = screen(&app, 80, 24);
    assert!(s.contains("ni 21.0"), "{s}");
    assert!(s.contains("not kept"), "{s}");
    app.key(key(KeyCode::End));
    assert!(!app.current().unwrap().thin);
}

/// A process started for a test, killed when dropped.
struct Busy(std::process::Child);

impl Drop for Busy {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A real log recorded by rsadc with processes: two samples, then a busy process (a copy
/// of `yes` under a name of its own) starts and three samples more are appended.
fn replay_with_processes() -> (tempfile::TempDir, PathBuf, Driver) {
    utc();
    let d = tempdir();
    let log = d.path().join("log");
    let f = log.to_str().unwrap();
    let out = run(&rsadc_bin(), &["--file", f, "0.5", "2"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let bin = d.path().join("rsartui_busy");
    std::fs::copy("/usr/bin/yes", &bin).unwrap();
    let busy = Busy(
        std::process::Command::new(&bin)
            .stdout(std::process::Stdio::null())
            .spawn()
            .unwrap(),
    );
    std::thread::sleep(Duration::from_millis(200));
    let out = run(&rsadc_bin(), &["--file", f, "0.5", "3"]);
    drop(busy);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let drv = driver_for(vec![log.clone()], &Default::default()).unwrap();
    (d, log, drv)
}

#[test]
fn a_replay_shows_the_process_table_of_the_selected_moment() {
    let (_d, log, mut drv) = replay_with_processes();
    let app = &drv.app;
    // Five samples, each with its process table: four intervals.
    assert_eq!(app.intervals, 4);
    assert_eq!(app.proc_tables, 5);
    assert!(app.has_procs());
    // The first moment: its own table, %CPU measured from the table before it; the busy
    // process is not running yet.
    let first = app.timeline[0].end_ns;
    let first_since = app.procs_at.and_then(|(_, since)| since);
    assert_eq!(app.procs_at.map(|(at, _)| at), Some(first));
    assert!(first_since.is_some_and(|t| t < first), "{:?}", app.procs_at);
    assert!(!app.procs.is_empty());
    assert!(app.procs.iter().all(|p| p.comm != "rsartui_busy"));
    let s = screen(app, 80, 24);
    assert!(s.contains("Processes by %CPU↓"), "{s}");
    let c = app.task_counts();
    assert_eq!(c.total, app.procs.len());
    assert!(c.running >= 1, "rsadc itself runs: {c:?}");
    assert!(
        s.contains(&format!(
            "R {} S {} D {}",
            c.running, c.sleeping, c.uninterruptible
        )),
        "{s}"
    );
    let wide = screen(app, 200, 60);
    assert!(
        wide.contains(&format!(
            "{} running, {} sleeping, {} uninterruptible, {} stopped, {} zombie",
            c.running, c.sleeping, c.uninterruptible, c.stopped, c.zombie
        )),
        "{wide}"
    );
    let before = app.procs.clone();

    // The last moment: the busy process wanted a CPU all the time (it ran, or waited
    // for a CPU when other tests keep the machine busy).
    drv.app.key(key(KeyCode::End));
    drv.decode_now().unwrap();
    let app = &drv.app;
    let last = app.last.unwrap().end_ns;
    assert_eq!(app.procs_at.map(|(at, _)| at), Some(last));
    assert_eq!(
        app.procs_at.and_then(|(_, since)| since),
        Some(app.timeline[2].end_ns),
        "%CPU from the table before"
    );
    assert_ne!(app.procs, before, "moving the moment changes the table");
    let busy = app
        .procs
        .iter()
        .find(|p| p.comm == "rsartui_busy")
        .cloned()
        .expect("the busy process is in the last table");
    // It ran (a loaded machine shares the CPUs with other tests), and its %CPU is what
    // `rsar top` gives for the same table.
    assert!(busy.cpu_pct > 5.0, "{busy:?}");
    let out = run(&rsar_bin(), &["top", "-f", log.to_str().unwrap()]);
    let top = text(&out.stdout);
    let row = top
        .lines()
        .find(|l| l.split_whitespace().next() == Some(&busy.pid.to_string()))
        .unwrap_or_else(|| panic!("{top}"));
    assert_eq!(
        row.split_whitespace().nth(8),
        Some(format!("{:.1}", busy.cpu_pct).as_str()),
        "{row}"
    );
    // Sorted by %CPU (how high the busy one ranks depends on what else the machine runs).
    let shown = app.visible_procs();
    assert!(
        shown.windows(2).all(|w| w[0].cpu_pct >= w[1].cpu_pct),
        "{shown:?}"
    );
    let s = screen(app, 200, 60);
    let row = s
        .lines()
        .find(|l| l.contains("rsartui_busy"))
        .unwrap_or_else(|| panic!("{s}"));
    assert!(row.contains(&busy.pid.to_string()), "{row}");

    // The same keys as live: sort, filter, scroll.
    drv.app.key(key(KeyCode::Char('p')));
    let pids: Vec<u32> = drv.app.visible_procs().iter().map(|p| p.pid).collect();
    assert!(pids.windows(2).all(|w| w[0] < w[1]), "{pids:?}");
    drv.app.key(key(KeyCode::Down));
    drv.app.key(key(KeyCode::Down));
    assert_eq!(drv.app.proc_selected, 2);
    drv.app.key(key(KeyCode::PageDown));
    assert_eq!(drv.app.proc_selected, (2 + 10).min(pids.len() - 1));
    assert_eq!(at(&drv.app), 3, "PgDn scrolls the processes, not the time");
    drv.app.key(key(KeyCode::Char('/')));
    for c in "RSARTUI".chars() {
        drv.app.key(key(KeyCode::Char(c)));
    }
    drv.app.key(key(KeyCode::Enter));
    let shown: Vec<u32> = drv.app.visible_procs().iter().map(|p| p.pid).collect();
    assert_eq!(shown, [busy.pid]);
    let s = screen(&drv.app, 80, 24);
    assert!(s.contains("filter: RSARTUI"), "{s}");
    // Its recorded command line shows below the table.
    assert!(
        s.contains(&format!("{}: ", busy.pid)) && s.contains("rsartui_busy"),
        "{s}"
    );

    // Back to the first moment: its table again, and shift-← / shift-→ step 60.
    drv.app
        .key(KeyEvent::new(KeyCode::Left, KeyModifiers::SHIFT));
    assert_eq!(at(&drv.app), 0);
    drv.decode_now().unwrap();
    assert_eq!(drv.app.procs_at.unwrap().0, first);
    assert!(drv.app.visible_procs().is_empty(), "the filter stays");
}

#[test]
fn a_process_table_is_found_by_seeking_past_its_key() {
    utc();
    let d = tempdir();
    let log = d.path().join("log");
    // More tables than a key covers (every 61st is a key), at a short interval.
    let n = rsar::store::procs::KEY_EVERY as usize + 70;
    let out = run(
        &rsadc_bin(),
        &["--file", log.to_str().unwrap(), "0.02", &n.to_string()],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let mut drv = driver_for(vec![log.clone()], &Default::default()).unwrap();
    assert_eq!(drv.app.proc_tables as usize, n);
    drv.app.key(key(KeyCode::End));
    let req = drv.app.process_request().unwrap();
    assert!(req.seek_ns.is_some(), "{req:?}");
    let logs = logs_of(&log);
    let sought = rsar::tui::moment::decode_processes(&logs, &req)
        .unwrap()
        .unwrap();
    let whole = rsar::tui::moment::decode_processes(
        &logs,
        &rsar::tui::moment::ProcRequest {
            seek_ns: None,
            ..req.clone()
        },
    )
    .unwrap()
    .unwrap();
    assert_eq!(
        sought, whole,
        "seeking gives what reading from the start gives"
    );
    assert_eq!(sought.wall_ns, req.at_ns, "the newest table, at the end");
    assert!(sought.since_ns.is_some_and(|t| t < sought.wall_ns));
    drv.app.set_processes(req.at_ns, Some(sought));
    assert!(!drv.app.procs.is_empty());
}

/// A captured tree to copy over the sampled one, and a change to make to the copy.
type Step = (PathBuf, fn(&std::path::Path));

/// A live source over a /proc tree that is rewritten after each sample: the next of
/// `trees` is copied over it, then its change applied.
struct Rewritten {
    inner: rsar::live::LiveSource,
    root: PathBuf,
    trees: std::collections::VecDeque<Step>,
}

impl rsar::source::Source for Rewritten {
    fn next(&mut self) -> Result<Option<rsar::source::Event>, rsar::source::SourceError> {
        let e = self.inner.next()?;
        if let Some(rsar::source::Event::Sample(_)) = e {
            if let Some((tree, edit)) = self.trees.pop_front() {
                let status = std::process::Command::new("cp")
                    .arg("-a")
                    .arg(format!("{}/.", tree.display()))
                    .arg(&self.root)
                    .status()
                    .unwrap();
                assert!(status.success());
                edit(&self.root);
            }
        }
        Ok(e)
    }
    fn origin(&self) -> (&rsar::sample::HostFacts, i64) {
        self.inner.origin()
    }
    fn take_damage(&mut self) -> Vec<String> {
        self.inner.take_damage()
    }
    fn take_warnings(&mut self) -> Vec<String> {
        self.inner.take_warnings()
    }
}

/// CPU 1 goes offline (its line leaves /proc/stat) and comes back.
fn cpu1_offline(root: &std::path::Path) {
    let stat = root.join("proc/stat");
    let text = std::fs::read_to_string(&stat).unwrap();
    let kept: String = text
        .lines()
        .filter(|l| !l.starts_with("cpu1 "))
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(&stat, kept).unwrap();
}

#[test]
fn the_live_screen_shows_the_per_cpu_numbers_of_rsar_across_a_hotplug_and_a_reboot() {
    utc();
    let d = tempdir();
    let root = d.path().join("root");
    std::fs::create_dir(&root).unwrap();
    let keep = |_: &std::path::Path| {};
    let copy = std::process::Command::new("cp")
        .arg("-a")
        .arg(format!("{}/.", fixture("t0").display()))
        .arg(&root)
        .status()
        .unwrap();
    assert!(copy.success());
    let probe = Probe::new(&root.join("proc"), &root.join("sys")).unwrap();
    let host = probe.host().clone();
    // The samples the screen sees are saved, as `rsar tui -o` saves them.
    let saved = d.path().join("saved");
    let (writer, _) =
        rsar::store::DayWriter::open(&saved, &host, rsar::probe::system_clock_ns(), 0).unwrap();
    let schedule = rsar::live::Schedule {
        interval: Duration::from_millis(20),
        count: Some(4),
        since_boot: false,
    };
    let mut source = Rewritten {
        inner: rsar::live::LiveSource::new(probe, schedule, Some(writer))
            .with_processes(&root.join("proc")),
        root: root.clone(),
        trees: vec![
            (fixture("t1"), cpu1_offline as fn(&std::path::Path)),
            (fixture("t2"), keep),
            // A reboot: uptime starts again.
            (fixture("t0"), keep),
            (fixture("t1"), keep),
        ]
        .into(),
    };
    let drv = rsar::tui::live_driver(&mut source, App::new(Source::Live, host)).unwrap();
    let shown: Vec<Vec<u8>> = drv.app.moments.iter().map(|m| m.per_cpu.to_vec()).collect();
    assert_eq!(shown.len(), 3, "two intervals, a reboot, one interval");
    // `rsar -P ALL` over the same samples: each CPU's busy percent (100 − %idle),
    // rounded as the screen rounds it; a CPU without a row was offline.
    let out = run(&rsar_bin(), &["-P", "ALL", "-f", saved.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let report = text(&out.stdout);
    let mut printed: Vec<Vec<u8>> = vec![vec![OFFLINE_CPU; 2]; 3];
    let mut interval = 0;
    let mut seen = Vec::new();
    for l in report.lines().filter(|l| !l.starts_with("Average")) {
        let f: Vec<&str> = l.split_whitespace().collect();
        let Some(cpu) = f.get(1).and_then(|c| c.parse::<usize>().ok()) else {
            continue;
        };
        if seen.contains(&cpu) {
            interval += 1;
            seen.clear();
        }
        seen.push(cpu);
        let idle: f64 = f.last().unwrap().parse().unwrap();
        printed[interval][cpu] = (100.0 - idle).round() as u8;
    }
    assert_eq!(shown, printed, "{report}");
    // The CPU that came back has numbers again, measured from before it left (sar's rule).
    assert_eq!(shown[0][1], OFFLINE_CPU, "{report}");
    assert_ne!(shown[1][1], OFFLINE_CPU, "{report}");
    assert_eq!(drv.app.restarts.len(), 1, "the reboot is on the timeline");
}

const OFFLINE_CPU: u8 = rsar::tui::model::OFFLINE;

#[test]
fn a_followed_replay_reads_its_log_once_and_says_damage_when_caught_up() {
    utc();
    let d = tempdir();
    let file = record(d.path());
    let mut b = std::fs::read(&file).unwrap();
    // Damage the third sample (10:20:33), before the restart: the samples after the
    // restart, and the one appended below, do not build on it.
    let log = rsar::store::parse_log(&file, &b).unwrap();
    let third = log
        .records
        .iter()
        .filter(|(_, r)| matches!(r, rsar::store::Record::Sample(_)))
        .nth(2)
        .unwrap()
        .0 as usize;
    b[third + 10] ^= 0xff;
    std::fs::write(&file, &b).unwrap();
    let (tx, rx) = std::sync::mpsc::sync_channel(256);
    let follow = rsar::source::Follow::File {
        poll: Duration::from_millis(50),
    };
    rsar::tui::spawn_loader(
        tx,
        vec![file],
        follow,
        Default::default(),
        false,
        "/sys".into(),
    );
    /// What the loader sent so far.
    #[derive(Default)]
    struct Seen {
        hosts: usize,
        points: Vec<i64>,
        damage: Vec<String>,
    }
    impl Seen {
        fn see(&mut self, e: Event) {
            match e {
                Event::Host(_) => self.hosts += 1,
                Event::Point(p) => self.points.push(p.end_ns),
                Event::Damage(lines) => self.damage.extend(lines),
                Event::Failed(m) => panic!("{m}"),
                _ => {}
            }
        }
    }
    let mut seen = Seen::default();
    let wait = Duration::from_secs(20);
    // Caught up with what is written: the damage is on screen while following.
    while seen.damage.is_empty() {
        seen.see(rx.recv_timeout(wait).expect("no damage told"));
    }
    let before = seen.points.len();
    assert!(seen.damage[0].contains("damaged"), "{:?}", seen.damage);
    // A sample appended: one more interval, from the same reading of the log.
    let out = sample_tree(&fixture("t2"), 1310, d.path().to_str().unwrap());
    assert!(out.status.success(), "{}", text(&out.stderr));
    while seen.points.len() == before {
        seen.see(rx.recv_timeout(wait).expect("no new interval"));
    }
    std::thread::sleep(Duration::from_millis(300));
    while let Ok(e) = rx.try_recv() {
        seen.see(e);
    }
    let Seen {
        hosts,
        points,
        damage,
    } = seen;
    assert_eq!(hosts, 1, "the log was read by one pipeline run");
    assert_eq!(points.len(), before + 1, "{points:?}");
    assert!(points.windows(2).all(|w| w[0] < w[1]), "{points:?}");
    assert_eq!(damage.len(), 1, "said once: {damage:?}");
}

#[test]
fn a_followed_log_with_a_damaged_header_says_so_when_caught_up() {
    utc();
    let d = tempdir();
    let file = record(d.path());
    let mut b = std::fs::read(&file).unwrap();
    // Inside the header, past its magic: its checksum no longer matches.
    b[20] ^= 0xff;
    std::fs::write(&file, &b).unwrap();
    let (tx, rx) = std::sync::mpsc::sync_channel(256);
    let follow = rsar::source::Follow::File {
        poll: Duration::from_millis(50),
    };
    rsar::tui::spawn_loader(
        tx,
        vec![file],
        follow,
        Default::default(),
        false,
        "/sys".into(),
    );
    let mut damage = Vec::new();
    while !damage.iter().any(|l: &String| l.contains("damaged header")) {
        match rx.recv_timeout(Duration::from_secs(20)) {
            Ok(Event::Damage(lines)) => damage.extend(lines),
            Ok(Event::Failed(m)) => panic!("{m}"),
            Ok(_) => {}
            Err(e) => panic!("{e}: the damaged header was not told: {damage:?}"),
        }
    }
}

/// A replayed sysstat file names its disks from `--sys-root`, as `rsar -d -f` does, not
/// from this machine's /sys.
#[test]
fn a_replayed_sa_file_names_its_disks_from_sys_root() {
    let d = tempdir();
    let block = d.path().join("sys/dev/block");
    std::fs::create_dir_all(&block).unwrap();
    // The file's first disk, 8:0, is "sda" by its numbers on a machine without it.
    std::os::unix::fs::symlink("../../devices/virtual/block/rootdisk", block.join("8:0")).unwrap();
    let sys = d.path().join("sys");
    let sa = sysstat_tests().join("sa/data-12.0.0");
    let (sa, sys) = (sa.to_str().unwrap(), sys.to_str().unwrap());
    let report = run(&rsar_bin(), &["-d", "-f", sa, "--sys-root", sys]);
    assert!(
        text(&report.stdout).contains("rootdisk"),
        "the report's name"
    );
    let (code, out, err) = in_pty(
        &["tui", "-f", sa, "--sys-root", sys],
        &[b"q"],
        Duration::from_millis(1500),
    );
    assert_eq!(code, Some(0), "{err}");
    assert!(out.contains("rootdisk"), "{out}");
}

/// The rows of the process table on a screen: the lines between its header row and its
/// bottom border that show a process.
fn table_rows(s: &str) -> Vec<&str> {
    s.lines()
        .skip_while(|l| !l.contains("PID USER"))
        .skip(1)
        .take_while(|l| !l.starts_with('└'))
        .filter(|l| {
            !l.trim_matches(|c: char| c == '│' || c.is_whitespace())
                .is_empty()
        })
        .collect()
}

/// How many lines the process table can show: its inner height less its header.
fn table_room(s: &str) -> usize {
    s.lines()
        .skip_while(|l| !l.contains("PID USER"))
        .skip(1)
        .take_while(|l| !l.starts_with('└'))
        .count()
}

#[test]
fn at_80x24_the_process_table_has_at_least_twelve_rows() {
    utc();
    // A small VM, and the 128-CPU host with 1,500 processes, a disk and an interface.
    for (cpus, procs) in [(2, 40), (128, 1500)] {
        let app = made_up(cpus, &[("vda", 10.0)], &[("eth0", 5.0)], procs);
        let s = screen(&app, 80, 24);
        assert!(table_rows(&s).len() >= 12, "{cpus} CPUs:\n{s}");
        // The summary stays: CPU, memory, load, the disk and the interface.
        for want in ["CPU ", "MEM ", "load ", "DSK vda", "NET eth0"] {
            assert!(s.lines().any(|l| l.starts_with(want)), "{want}:\n{s}");
        }
    }
    // A replay of a log recorded with processes (a real machine has more than 12).
    let (_d, _log, drv) = replay_with_processes();
    let s = screen(&drv.app, 80, 24);
    assert!(drv.app.procs.len() >= 12, "{s}");
    assert!(table_rows(&s).len() >= 12, "{s}");
}

#[test]
fn every_panel_can_take_the_whole_screen_or_be_hidden() {
    utc();
    let mut app = made_up(2, &[("vda", 10.0)], &[("eth0", 5.0)], 40);
    let normal = table_room(&screen(&app, 80, 24));
    // 5: the processes have the whole screen, then are hidden, then come back.
    app.key(key(KeyCode::Char('5')));
    let s = screen(&app, 80, 24);
    assert_eq!(table_room(&s), 19, "{s}");
    assert!(!s.contains("MEM used"), "{s}");
    app.key(key(KeyCode::Char('5')));
    let s = screen(&app, 80, 24);
    assert!(!s.contains("PID USER"), "{s}");
    assert!(s.lines().last().unwrap().contains("hidden: 5"), "{s}");
    assert!(s.contains("┌ Disks"), "the devices have the room: {s}");
    app.key(key(KeyCode::Char('5')));
    assert_eq!(table_room(&screen(&app, 80, 24)), normal);
    // Hiding a summary line gives its room to the processes.
    app.key(key(KeyCode::Char('3')));
    app.key(key(KeyCode::Char('3')));
    let s = screen(&app, 80, 24);
    assert!(!s.contains("DSK "), "{s}");
    assert_eq!(table_room(&s), normal + 1, "{s}");
    // 1: CPU on the whole screen, a bar per CPU; 0: every panel back.
    app.key(key(KeyCode::Char('1')));
    let s = screen(&app, 80, 24);
    assert!(s.contains("│0    ") && s.contains("│1    "), "{s}");
    assert!(!s.contains("PID USER"), "{s}");
    app.key(key(KeyCode::Char('0')));
    let s = screen(&app, 80, 24);
    assert!(s.contains("DSK ") && table_room(&s) == normal, "{s}");
    // 6: the charts alone, at a size without room for them beside the rest.
    app.key(key(KeyCode::Char('6')));
    let s = screen(&app, 80, 24);
    assert!(s.contains("CPU %"), "{s}");
    // The help says so.
    app.key(key(KeyCode::Char('?')));
    assert!(screen(&app, 80, 24).contains("whole, hidden, back"));
}

#[test]
fn atops_views_show_their_columns() {
    let mut drv = live();
    let app = &mut drv.app;
    let pids = |app: &App| {
        app.visible_procs()
            .iter()
            .map(|p| p.pid)
            .collect::<Vec<_>>()
    };
    // d: bytes read and written per second, from /proc/PID/io, the unit in the cell;
    // busiest first. dd wrote 163 MB in 3.26 s; init's I/O was not readable.
    app.key(key(KeyCode::Char('d')));
    let s = screen(app, 80, 24);
    assert!(s.contains("disk view by R+W↓"), "{s}");
    let dd = s.lines().find(|l| l.contains(" 4242 ")).unwrap();
    assert!(dd.contains("200 kB/s 47.7 MB/s 47.9 MB/s"), "{dd}");
    let init = s.lines().find(|l| l.contains("      1 root")).unwrap();
    assert!(init.contains("        -         -         -"), "{init}");
    assert_eq!(pids(app), [4242, 777, 1]);
    // m: the memory columns.
    app.key(key(KeyCode::Char('m')));
    let s = screen(app, 80, 24);
    assert!(s.contains("VIRT    RSS    SHR MINFLT/s MAJFLT/s"), "{s}");
    assert_eq!(pids(app), [777, 1, 4242], "by memory, as atop's m");
    // s: run delay from schedstat, said missing when the table has none.
    app.key(key(KeyCode::Char('s')));
    let s = screen(app, 120, 40);
    assert!(s.contains("RDELAY"), "{s}");
    assert!(s.contains("run delay not recorded"), "{s}");
    // c: the whole command line, cut with a + where the screen ends.
    app.key(key(KeyCode::Char('c')));
    let s = screen(app, 250, 70);
    assert!(
        s.contains("/usr/lib/postgresql/15/bin/postgres -D /var/lib/postgresql/15/main -c config_file=/etc/postgresql/15/main/postgresql.conf"),
        "{s}"
    );
    let s = screen(app, 80, 24);
    let pg = s.lines().find(|l| l.contains(" 777 ")).unwrap();
    assert!(
        pg.contains("/usr/lib/postgresql/15/bin/postgres -D"),
        "{pg}"
    );
    assert!(pg.trim_end_matches('│').trim_end().ends_with('+'), "{pg}");
    // g: back to the generic view; at 250 columns COMMAND is the command line too.
    app.key(key(KeyCode::Char('g')));
    let s = screen(app, 250, 70);
    assert!(s.contains("0:02 dd if=/dev/zero of=/var/tmp/big"), "{s}");
}

#[test]
fn any_column_sorts_either_way_and_the_selection_keeps_its_process() {
    let mut drv = live();
    let app = &mut drv.app;
    let pids = |app: &App| {
        app.visible_procs()
            .iter()
            .map(|p| p.pid)
            .collect::<Vec<_>>()
    };
    assert_eq!(pids(app), [4242, 1, 777]);
    // htop's P again reverses; M by memory; T (live) by TIME.
    app.key(key(KeyCode::Char('P')));
    assert_eq!(pids(app), [1, 777, 4242], "%CPU, smallest first");
    assert!(screen(app, 80, 24).contains("by %CPU↑"));
    app.key(key(KeyCode::Char('M')));
    assert_eq!(pids(app), [777, 1, 4242]);
    app.key(key(KeyCode::Char('T')));
    assert_eq!(pids(app), [777, 4242, 1], "50 s, 2 s, 0 s of CPU");
    // < and > walk the view's columns; I reverses.
    app.key(key(KeyCode::Char('>')));
    assert_eq!(app.sort.column, Column::Command);
    assert_eq!(pids(app), [4242, 1, 777], "dd, init, postgres");
    app.key(key(KeyCode::Char('I')));
    assert_eq!(pids(app), [777, 1, 4242]);
    app.key(key(KeyCode::Char('<')));
    app.key(key(KeyCode::Char('<')));
    assert_eq!(app.sort.column, Column::Rss);
    // Select postgres, then re-sort: the selection stays on it, not on its row.
    app.key(key(KeyCode::Char('P')));
    app.key(key(KeyCode::Down));
    app.key(key(KeyCode::Down));
    assert_eq!(app.selected_pid(), Some(777));
    app.key(key(KeyCode::Char('M')));
    assert_eq!(pids(app)[0], 777);
    assert_eq!(
        app.selected_pid(),
        Some(777),
        "the selection kept its process"
    );
    // F follows it; a table without it says so instead of moving to another process.
    app.key(key(KeyCode::Char('F')));
    assert!(screen(app, 80, 24).contains("following 777"));
    let without: Vec<_> = app.procs.iter().filter(|p| p.pid != 777).cloned().collect();
    app.set_procs(without);
    assert_eq!(
        app.message.as_deref(),
        Some("process 777 is not in this table")
    );
}

#[test]
fn small_things_at_80_columns() {
    use ratatui::style::Color;
    utc();
    let mut app = made_up(2, &[], &[], 3);
    // %CPU of 1000 and more keeps its digits; a long user name is cut with a mark.
    app.procs[0].cpu_pct = 1234.5;
    app.procs[0].uid = 998;
    app.users.insert(998, "systemd-network".into());
    app.procs[1].state = 'D';
    app.procs[2].state = 'Z';
    app.refresh = Duration::from_millis(250);
    let s = screen(&app, 80, 24);
    let row = s.lines().find(|l| l.contains("worker0")).unwrap();
    assert!(
        row.contains("systemd+ S") && row.contains("1234.5"),
        "{row}"
    );
    assert!(s.lines().next().unwrap().contains("every 0.25s"), "{s}");
    assert!(s.contains("threads 0"), "-q's tasks are threads: {s}");
    // D and Z rows are coloured; a filter s:DZ keeps only them.
    let mut t = Terminal::new(TestBackend::new(80, 24)).unwrap();
    t.draw(|f| draw(f, &app, Theme { color: true })).unwrap();
    let buf = t.backend().buffer().clone();
    let fg_of = |name: &str| {
        let y = (0..24)
            .find(|&y| {
                (0..80)
                    .map(|x| buf[(x, y)].symbol().to_string())
                    .collect::<String>()
                    .contains(name)
            })
            .unwrap();
        buf[(3, y)].fg
    };
    assert_eq!(fg_of("worker1"), Color::Red);
    assert_eq!(fg_of("worker2"), Color::Magenta);
    app.key(key(KeyCode::Char('/')));
    for c in "s:DZ".chars() {
        app.key(key(KeyCode::Char(c)));
    }
    app.key(key(KeyCode::Enter));
    let shown: Vec<char> = app.visible_procs().iter().map(|p| p.state).collect();
    assert_eq!(shown, ['D', 'Z']);
    // No digits cut at 80 columns: every number on the summary lines is whole.
    for l in s.lines().take(7) {
        assert!(!l.contains(". ") && !l.ends_with('.'), "{l}");
    }
}

#[test]
fn a_playing_replay_says_space_pauses_and_shows_the_uptime_of_the_moment() {
    let (_d, _log, mut drv) = replay_with_processes();
    let s = screen(&drv.app, 80, 24);
    assert!(s.lines().last().unwrap().contains("space play"), "{s}");
    drv.app.key(key(KeyCode::Char(' ')));
    assert_eq!(drv.app.status(), "PLAYING");
    let s = screen(&drv.app, 80, 24);
    assert!(s.lines().last().unwrap().contains("space pause"), "{s}");
    // The header's uptime is the one recorded with the moment's process table: this
    // machine's, a few seconds ago.
    let now_s = std::fs::read_to_string("/proc/uptime")
        .unwrap()
        .split('.')
        .next()
        .unwrap()
        .parse::<u64>()
        .unwrap();
    let up = drv.app.uptime_s;
    assert!(up > 0 && up <= now_s && now_s - up < 120, "{up} {now_s}");
    let want = format!(
        "up {}d {:02}:{:02}",
        up / 86400,
        up % 86400 / 3600,
        up % 3600 / 60
    );
    assert!(s.lines().next().unwrap().contains(&want), "{s}");
}

/// Memory of 16 GB, half used, a quarter cache.
fn half_of_16g() -> rsar::tui::model::MemLevels<f32> {
    rsar::tui::model::MemLevels {
        total: 16e6,
        used: 8e6,
        cached: 4e6,
        avail: 8e6,
    }
}

/// A day at 1 s: 5 % busy, 95 % from 15:00 to 15:05, and nothing recorded from 18:00
/// to 19:00 (the interval after it spans the gap).
fn day_points() -> impl Iterator<Item = rsar::tui::model::Point> {
    use rsar::tui::model::{CpuShares, Point};
    let midnight = 1_763_683_200_000_000_000i64; // 2025-11-21 00:00 UTC
    let mut last = midnight;
    (1..=86_400i64)
        .filter(|s| !(18 * 3600..19 * 3600).contains(s))
        .map(move |s| {
            let end = midnight + s * 1_000_000_000;
            let busy = if (15 * 3600..15 * 3600 + 300).contains(&s) {
                95.0
            } else {
                5.0
            };
            let p = Point {
                end_ns: end,
                seconds: ((end - last) as f64 / 1e9) as f32,
                cpu: CpuShares {
                    user: busy * 0.6,
                    nice: busy * 0.25,
                    system: busy * 0.15,
                    idle: 100.0 - busy,
                    ..CpuShares::default()
                },
                mem: half_of_16g(),
                load1: 1.0,
            };
            last = end;
            p
        })
}

/// That day replayed, read through once as the loader reads it.
fn day_at_one_second() -> App {
    utc();
    let mut app = App::new(Source::Replay, test_host("b", 2));
    for p in day_points() {
        app.push(p);
    }
    app
}

/// Answer the charts' request of a replay of `day_points` as the decoder would.
fn read_chart(app: &mut App) {
    if let Some(req) = app.chart_request() {
        let mut s = rsar::tui::summary::Summary::over(req.from_ns, req.to_ns);
        for p in day_points() {
            s.push(&p);
        }
        app.set_chart(s);
    }
}

#[test]
fn the_timeline_is_the_whole_log_in_bounded_memory_with_its_gaps() {
    let mut app = day_at_one_second();
    assert_eq!(app.intervals, 86_400 - 3600);
    assert!(app.timeline.is_empty(), "no point is kept per interval");
    // The summary holds a fixed number of buckets, whatever the length of the log.
    assert_eq!(app.summary.held(), rsar::tui::summary::BUCKETS);
    app.key(key(KeyCode::Char('j')));
    for c in "12:00".chars() {
        app.key(key(KeyCode::Char(c)));
    }
    app.key(key(KeyCode::Enter));
    let s = screen(&app, 120, 40);
    let line = s.lines().nth(38).unwrap();
    assert!(
        line.starts_with("00:00 ") && line.ends_with(" 00:00"),
        "{line}"
    );
    let cells: Vec<char> = line[6..line.len() - 6].chars().collect();
    let w = cells.len();
    let at = |h: f64| cells[((h / 24.0) * w as f64) as usize];
    // Busy at 15:00 is drawn high; quiet times low; the gap is blank; the cursor at noon.
    assert_eq!(at(15.02), '█', "{line}");
    assert_eq!(at(10.0), '·', "{line}");
    assert_eq!(at(18.5), ' ', "{line}");
    let cursor = cells.iter().position(|c| *c == '┃').unwrap();
    assert!(cursor.abs_diff(w / 2) <= 1, "{line}");
    let gap = cells.iter().filter(|c| **c == ' ').count();
    assert!(gap.abs_diff(w / 24) <= 1, "an hour of {w} columns: {line}");
}

#[test]
fn the_charts_zoom_from_minutes_to_the_whole_log_and_draw_gaps() {
    let mut app = day_at_one_second();
    app.key(key(KeyCode::End));
    let chart_rows = |s: &str| -> Vec<String> {
        s.lines()
            .skip_while(|l| !l.contains("CPU % ("))
            .skip(1)
            .take(10)
            .map(|l| l.split('│').nth(2).unwrap_or("").to_string())
            .collect()
    };
    // A replay opens on the whole log: the spike stands out, the gap is blank.
    let s = screen(&app, 200, 60);
    assert!(s.contains("CPU % (whole log)"), "{s}");
    let rows = chart_rows(&s);
    let w = rows[0].chars().count();
    let col = |h: f64| ((h / 24.0) * w as f64) as usize;
    let column = |c: usize| -> String {
        rows.iter()
            .map(|r| r.chars().nth(c).unwrap_or(' '))
            .collect()
    };
    assert!(column(col(15.02)).starts_with(' '), "95 %: {rows:#?}");
    assert!(column(col(15.02)).contains('#'), "{rows:#?}");
    assert!(column(col(18.5)).trim().is_empty(), "the gap: {rows:#?}");
    assert!(!column(col(17.9)).trim().is_empty(), "{rows:#?}");
    // z zooms in to the last minutes before the cursor (read from the log), Z back out.
    for _ in 0..7 {
        app.key(key(KeyCode::Char('z')));
    }
    assert!(screen(&app, 200, 60).contains("CPU % (2 min, reading…)"));
    read_chart(&mut app);
    let s = screen(&app, 200, 60);
    assert!(s.contains("CPU % (2 min)"), "{s}");
    assert!(s.contains("23:58:00") && s.contains("00:00:00"), "{s}");
    app.key(key(KeyCode::Char('Z')));
    read_chart(&mut app);
    assert!(screen(&app, 200, 60).contains("CPU % (5 min)"));
    // Zoomed in again, the longer span read covers the window but too coarsely: read anew.
    app.key(key(KeyCode::Char('z')));
    assert!(app.chart_request().is_some());
}

#[test]
fn stacked_charts_keep_each_series_colour() {
    use ratatui::style::Color;
    let mut app = day_at_one_second();
    // A quarter of an hour around the spike at 15:00.
    app.key(key(KeyCode::Char('j')));
    for c in "15:06".chars() {
        app.key(key(KeyCode::Char(c)));
    }
    app.key(key(KeyCode::Enter));
    for _ in 0..5 {
        app.key(key(KeyCode::Char('z')));
    }
    read_chart(&mut app);
    let mut t = Terminal::new(TestBackend::new(200, 60)).unwrap();
    t.draw(|f| draw(f, &app, Theme { color: true })).unwrap();
    let buf = t.backend().buffer().clone();
    // Find the chart's spike column: from the bottom up, usr (green), nice (blue), sys
    // (red), each cell one of them, in that order; never another series' colour.
    let top = (0..60)
        .find(|&y| {
            (0..200)
                .map(|x| buf[(x, y)].symbol().to_string())
                .collect::<String>()
                .contains("CPU % (")
        })
        .unwrap();
    let mut seen_spike = false;
    for x in 6..95u16 {
        let colours: Vec<Color> = (top + 1..top + 11)
            .rev()
            .map(|y| &buf[(x, y)])
            .filter(|c| c.symbol() == "█")
            .map(|c| c.fg)
            .collect();
        let rank = |c: &Color| {
            [Color::Green, Color::Blue, Color::Red]
                .iter()
                .position(|x| x == c)
        };
        assert!(
            colours.iter().all(|c| rank(c).is_some()),
            "{x}: {colours:?}"
        );
        assert!(
            colours.windows(2).all(|w| rank(&w[0]) <= rank(&w[1])),
            "stacked in order at {x}: {colours:?}"
        );
        if colours.contains(&Color::Red) && colours.contains(&Color::Blue) {
            seen_spike = true;
        }
    }
    assert!(seen_spike, "the spike shows its sys and nice");
}

/// The cause of a key seemingly lost by the real binary under load (CI, the tmux test
/// below): a key arriving just behind a tick was applied with it, but whether to redraw
/// was judged on the tick alone, so the screen kept showing the old sort until some other
/// event came. Any key among the events applied together redraws.
#[test]
fn a_key_behind_a_tick_is_drawn() {
    let (_d, mut drv) = replay();
    let (tx, rx) = std::sync::mpsc::sync_channel(4);
    tx.send(Event::Key(KeyEvent::new(
        KeyCode::Char('M'),
        KeyModifiers::SHIFT,
    )))
    .unwrap();
    let dirty = drv.settle(Event::Tick, &rx, Duration::ZERO).unwrap();
    assert_eq!(drv.app.sort, SortKey::by(Column::Rss));
    assert!(dirty, "the key's change must be drawn");
    // Ticks alone, not playing: nothing to draw again.
    tx.send(Event::Tick).unwrap();
    assert!(!drv.settle(Event::Tick, &rx, Duration::ZERO).unwrap());
}

/// A tmux server of its own running the real `rsar`, ended when dropped.
struct Tmux {
    socket: String,
}

impl Tmux {
    /// `rsar args` in a `w`×`h` window, or `None` (said) when tmux is not installed.
    fn start(args: &[&str], w: u16, h: u16) -> Option<Tmux> {
        if std::process::Command::new("tmux")
            .arg("-V")
            .output()
            .is_err()
        {
            oracle_missing("tmux");
            return None;
        }
        // A server of its own for each: tests run side by side.
        static STARTED: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = STARTED.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let t = Tmux {
            socket: format!("rsar-tui-test-{}-{n}", std::process::id()),
        };
        let cmd = std::iter::once(rsar_bin().display().to_string())
            .chain(args.iter().map(|a| a.to_string()))
            .collect::<Vec<_>>()
            .join(" ");
        let ok = t
            .tmux(&[
                "new-session",
                "-d",
                "-x",
                &w.to_string(),
                "-y",
                &h.to_string(),
                "-e",
                "TZ=UTC",
                &cmd,
            ])
            .status
            .success();
        assert!(ok, "tmux could not start {cmd}");
        Some(t)
    }

    fn tmux(&self, args: &[&str]) -> std::process::Output {
        std::process::Command::new("tmux")
            .args(["-L", &self.socket, "-f", "/dev/null"])
            .args(args)
            .output()
            .unwrap()
    }

    fn screen(&self) -> String {
        text(&self.tmux(&["capture-pane", "-p"]).stdout)
    }

    /// Type `keys` (tmux's key names), then wait for the screen to show `want`.
    fn keys_until(&self, keys: &[&str], want: &str) -> String {
        self.keys_until_screen(keys, want, |s| s.contains(want))
    }

    /// Type `keys`, then wait for a screen that `done` accepts (`what` says what it
    /// waits for).
    fn keys_until_screen(&self, keys: &[&str], what: &str, done: impl Fn(&str) -> bool) -> String {
        let mut args = vec!["send-keys"];
        args.extend(keys);
        self.tmux(&args);
        let mut s = String::new();
        // Up to 30 s: a shared host under load can be slow to start and decode.
        for _ in 0..300 {
            s = self.screen();
            if done(&s) {
                return s;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        panic!("after {keys:?}, not {what} on screen:\n{s}");
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        self.tmux(&["kill-server"]);
    }
}

#[test]
fn the_real_binary_in_tmux_takes_the_new_keys() {
    let d = tempdir();
    let log = d.path().join("log");
    let out = run(&rsadc_bin(), &["--file", log.to_str().unwrap(), "0.3", "4"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let Some(t) = Tmux::start(&["tui", "-f", log.to_str().unwrap()], 80, 24) else {
        return;
    };
    let s = t.keys_until(&[], "Processes by %CPU↓");
    assert!(table_room(&s) >= 12, "{s}");
    // Views, sorts (P again reverses), follow.
    t.keys_until(&["d"], "disk view by R+W↓");
    t.keys_until(&["g", "P"], "by %CPU↑");
    t.keys_until(&["M"], "by RSS↓");
    t.keys_until(&["Down", "F"], "following ");
    t.keys_until(&["c"], "command line view");
    // Panels: the charts on the whole screen, zoomed in; hidden; the processes alone.
    t.keys_until(&["6"], "CPU % (whole log)");
    t.keys_until(&["z"], "CPU % (1 wk)");
    t.keys_until(&["6"], "hidden: 6");
    t.keys_until_screen(&["0"], "every panel back", |s| {
        s.contains("MEM used") && !s.contains("hidden")
    });
    let s = t.keys_until_screen(&["5"], "the processes alone", |s| {
        s.contains("PID USER") && !s.contains("MEM used")
    });
    // All but the header, the timeline and the footer.
    assert_eq!(table_room(&s), 18, "{s}");
    // h is help as well as ?; q quits.
    t.keys_until(&["5", "5", "h"], "whole, hidden, back");
    t.tmux(&["send-keys", "Escape", "q"]);
    for _ in 0..50 {
        if !t.tmux(&["has-session"]).status.success() {
            return;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!("q did not end rsar tui:\n{}", t.screen());
}

/// The first number after `after` on the line of `screen` holding it.
fn number_after(screen: &str, after: &str) -> Option<f64> {
    let line = screen.lines().find(|l| l.contains(after))?;
    let (_, rest) = line.split_once(after)?;
    rest.split_whitespace().find_map(|w| w.parse().ok())
}

/// The real rsadc records a busy process in a cgroup made for the test; the real `rsar
/// tui` replays the log at 80×24 and 200×60: `G` shows that cgroup first, its %CPU that
/// of its process (one CPU, less what the other work of a shared host takes), its child
/// below it; Enter lists the process in it, Esc comes back to the tree.
#[test]
fn the_cgroup_view_shows_a_busy_cgroup_first_and_its_processes() {
    // In the cgroup from its start (a process's cgroup is read once in its life), two
    // levels deep, so that it is the deepest of its cgroups on a hybrid host too.
    let Some(mut cg) = v2_hierarchy().and_then(|h| TestCgroup::make_nested(&[h], "tui", "busy"))
    else {
        return;
    };
    cg.run("while :; do :; done");
    let d = tempdir();
    let log = d.path().join("log");
    let out = run(&rsadc_bin(), &["--file", log.to_str().unwrap(), "1", "4"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let name = cg.path().split('/').next().unwrap_or_default().to_string();
    let pid = cg.children[0].id().to_string();
    drop(cg);
    for (w, h) in [(80, 24), (200, 60)] {
        let Some(t) = Tmux::start(&["tui", "-f", log.to_str().unwrap()], w, h) else {
            return;
        };
        t.keys_until(&[], "Processes by %CPU↓");
        let s = t.keys_until_screen(&["End", "G"], "the cgroups of the last moment", |s| {
            s.contains("Cgroups by %CPU↓") && s.contains(&name)
        });
        // Other test suites' cgroups (rsar-…, rsadc-…), busy on a shared host, aside.
        let others =
            |l: &&str| !l.contains(&name) && (l.contains("  rsar-") || l.contains("  rsadc-"));
        let rows: Vec<&str> = s
            .lines()
            .skip_while(|l| !l.contains("CGROUP"))
            .skip(1)
            .filter(|l| !others(l))
            .collect();
        assert!(rows[0].contains(&format!("▾ {name}")), "{w}×{h}:\n{s}");
        assert!(rows[1].contains("    busy "), "{w}×{h}:\n{s}");
        let cg_cpu = number_after(&s, &name).unwrap();
        assert_eq!(number_after(&s, "busy "), Some(cg_cpu), "{s}");
        // The selection onto it, past the other suites' cgroups above it.
        let above = s
            .lines()
            .skip_while(|l| !l.contains("CGROUP"))
            .skip(1)
            .take_while(|l| !l.contains(&name))
            .count();
        let s = t.keys_until(
            &vec!["Down"; above],
            &format!("/{name} · Enter: its processes"),
        );
        if w >= 200 {
            assert!(
                s.contains("PATH") && s.contains(&format!("/{name}/busy")),
                "{s}"
            );
        }
        let s = t.keys_until(&["Enter"], &format!("Processes in /{name}"));
        let procs: Vec<&str> = table_rows(&s)
            .into_iter()
            .filter(|l| l.contains(" sh"))
            .collect();
        assert_eq!(procs.len(), 1, "only the busy process:\n{s}");
        assert!(procs[0].contains(&pid), "{s}");
        // The generic view: PID USER S THR NI %CPU …: %CPU is the fourth number.
        let p_cpu = procs[0]
            .split_whitespace()
            .filter_map(|w| w.parse::<f64>().ok())
            .nth(3)
            .unwrap();
        eprintln!("{w}×{h}: cgroup {cg_cpu} %CPU, its process {p_cpu} %CPU");
        // About 100 on a quiet host; this one is shared by other suites' busy work.
        assert!(cg_cpu > 5.0, "a busy process keeps a CPU busy:\n{s}");
        assert!(
            (cg_cpu - p_cpu).abs() < 5.0,
            "cgroup {cg_cpu}, process {p_cpu}"
        );
        t.keys_until(&["Escape"], "Cgroups by %CPU↓");
    }
}

/// The cgroup view without a terminal: a made-up moment with a systemd unit, a Docker
/// container (named by its short id beside its scope) and a busy test cgroup; the tree
/// sorts siblings under their parent, `-`/`+` and `{`/`}` close and open it, `>` and `I`
/// sort by another column either way, Enter lists the processes of a cgroup and those
/// below it, Esc comes back with the selection where it was.
#[test]
fn the_cgroup_view_walks_a_tree_and_into_its_processes() {
    utc();
    use rsar::tui::model::CgroupRow;
    let docker = "system.slice/docker-3f2a1b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708.scope";
    let cg = |path: &str, cpu: f32, mem_mb: u64| CgroupRow {
        path: path.into(),
        name: rsar::cgroup::name::Workload::of(path)
            .display()
            .map(|n| n.as_str().into()),
        cpu_pct: Some(cpu),
        memory: Some(mem_mb << 20),
        tasks: Some(3),
        ..CgroupRow::default()
    };
    let mut app = made_up(2, &[], &[], 0);
    let mut snap = app.moments.back().unwrap().clone();
    snap.cgroups = vec![
        cg("", 160.0, 4000),
        cg("busy", 99.5, 1),
        cg("system.slice", 60.0, 3000),
        cg(docker, 45.0, 2000),
        cg("system.slice/nginx.service", 15.0, 900),
        cg("user.slice", 0.5, 50),
    ]
    .into();
    if let Some(m) = app.moments.back_mut() {
        *m = snap;
    }
    let proc = |pid: u32, comm: &str, cgroup: &str, cpu: f64| rsar::tui::model::ProcRow {
        pid,
        comm: comm.into(),
        state: 'R',
        cpu_pct: cpu,
        cgroup: cgroup.into(),
        ..Default::default()
    };
    app.procs = vec![
        proc(10, "spin", "busy", 99.5),
        proc(20, "nginx", "system.slice/nginx.service", 15.0),
        proc(30, "dockerd-app", docker, 45.0),
        proc(40, "bash", "user.slice", 0.5),
    ];
    app.key(key(KeyCode::Char('G')));
    let s = screen(&app, 80, 24);
    let rows = |s: &str| -> Vec<String> {
        s.lines()
            .skip_while(|l| !l.contains("CGROUP"))
            .skip(1)
            .take_while(|l| !l.starts_with('└'))
            .map(|l| l.trim_matches(|c| c == '│' || c == ' ').to_string())
            .filter(|l| !l.is_empty())
            .collect()
    };
    let r = rows(&s);
    assert!(r[0].starts_with("busy ") && r[0].contains("99.5"), "{s}");
    assert!(r[1].starts_with("▾ system.slice"), "{s}");
    assert!(
        r[2].starts_with("docker-3f2a") && r[2].contains("docker 3f2a1b4c5d6e"),
        "{s}"
    );
    assert!(r[3].starts_with("nginx.service"), "{s}");
    assert!(r[4].starts_with("user.slice"), "{s}");
    assert!(
        s.contains("all: 160% CPU 3.9G"),
        "the root in the title:\n{s}"
    );
    assert!(s.contains("Cgroups by %CPU↓ 1/5"), "{s}");
    // Closed: system.slice alone; then one level only; two again.
    app.key(key(KeyCode::Down));
    app.key(key(KeyCode::Char('-')));
    assert_eq!(rows(&screen(&app, 80, 24)).len(), 3);
    assert!(rows(&screen(&app, 80, 24))[1].starts_with("▸ system.slice"));
    app.key(key(KeyCode::Char('+')));
    assert_eq!(rows(&screen(&app, 80, 24)).len(), 5);
    app.key(key(KeyCode::Char('{')));
    assert_eq!(rows(&screen(&app, 80, 24)).len(), 3);
    app.key(key(KeyCode::Char('}')));
    // By memory (the column right of %CPU), then the smallest first.
    app.key(key(KeyCode::Char('>')));
    let s = screen(&app, 80, 24);
    assert!(
        s.contains("by MEM↓") && rows(&s)[0].starts_with("▾ system.slice"),
        "{s}"
    );
    app.key(key(KeyCode::Char('I')));
    let s = screen(&app, 80, 24);
    assert!(
        s.contains("by MEM↑") && rows(&s)[0].starts_with("busy"),
        "{s}"
    );
    // The selection kept system.slice through the re-sorts: Enter lists its processes,
    // those of the cgroups below it too.
    assert!(s.contains("/system.slice · Enter"), "{s}");
    app.key(key(KeyCode::Enter));
    let s = screen(&app, 80, 24);
    assert!(
        s.contains("Processes in /system.slice (Esc: cgroups)"),
        "{s}"
    );
    let pids: Vec<u32> = app.visible_procs().iter().map(|p| p.pid).collect();
    assert_eq!(pids, [30, 20]);
    app.key(key(KeyCode::Esc));
    let s = screen(&app, 80, 24);
    assert!(
        s.contains("Cgroups by MEM↑") && s.contains("/system.slice · Enter"),
        "{s}"
    );
    assert_eq!(
        app.visible_procs().len(),
        4,
        "Esc leaves the cgroup's processes"
    );
    // Wide: the whole path beside the tree and the names.
    let s = screen(&app, 200, 60);
    assert!(
        s.contains("PATH") && s.contains("/system.slice/nginx.service"),
        "{s}"
    );
}

/// The screen once the replay has read its logs through: the header's count of
/// intervals read has not changed for a second.
fn read_through(t: &Tmux) -> String {
    let count = |s: &str| -> Option<u64> {
        let head = s.lines().next()?;
        let (before, _) = head.split_once(" intervals")?;
        before.split_whitespace().last()?.parse().ok()
    };
    let (mut last, mut same) = (None, 0);
    for _ in 0..600 {
        let s = t.screen();
        let now = count(&s);
        same = if now.is_some() && now == last {
            same + 1
        } else {
            0
        };
        if same >= 10 {
            return s;
        }
        last = now;
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!("the replay did not finish reading in 60 s:\n{}", t.screen());
}

/// Peak memory of a process, in kB (VmHWM).
fn peak_kb(pid: &str) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .unwrap()
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .unwrap()
}

/// A month at 30 s (synthetic days, each with a reboot at noon) rolled up by `rsadc
/// --rollup`, the raw days gone but the last two: the real `rsar tui --log-dir DIR --since
/// '30 days ago'` replays it at 200×60 and 80×24 — the timeline spans the month by date
/// with its reboots, Home and End reach its ends, `j` a time of the day on screen, `z`
/// zooms to a week read from the minute tier — and its peak memory is that of one day's
/// replay (nothing is kept per interval).
#[test]
fn the_real_binary_replays_a_month_from_its_roll_ups() {
    utc();
    let d = tempdir();
    let dir = d.path().join("log");
    std::fs::create_dir(&dir).unwrap();
    let today = chrono::Local::now().date_naive();
    let days: Vec<chrono::NaiveDate> = (1..=28)
        .rev()
        .map(|i| today - chrono::Duration::days(i))
        .collect();
    for date in &days {
        let file = dir.join(rsar::store::day_file_name(*date));
        let out = run(
            &example_bin("synth_day"),
            &[
                file.to_str().unwrap(),
                "30",
                &date.format("%Y-%m-%d").to_string(),
            ],
        );
        assert!(out.status.success(), "{}", text(&out.stderr));
    }
    let out = run(&rsadc_bin(), &["--rollup", dir.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    for date in &days[..26] {
        std::fs::remove_file(dir.join(rsar::store::day_file_name(*date))).unwrap();
    }
    let d_ = dir.to_str().unwrap();
    let month = ["tui", "--log-dir", d_, "--since", "'30 days ago'"];
    let Some(t) = Tmux::start(&month, 200, 60) else {
        return;
    };
    let md = |date: &chrono::NaiveDate| date.format("%m-%d").to_string();
    let (first, last) = (days[0], days[27]);
    // Read to the end: the timeline from the first day to the last, a reboot a day.
    t.keys_until_screen(&[], "the month's timeline", |s| {
        s.lines()
            .any(|l| l.starts_with(&md(&first)) && l.ends_with(&md(&last)))
    });
    let s = read_through(&t);
    let line = s
        .lines()
        .find(|l| l.starts_with(&md(&first)))
        .unwrap()
        .to_string();
    assert!(line.matches('R').count() >= 20, "{line}");
    assert!(s.contains("CPU % (whole log)"), "{s}");
    // The last moment, then a week of charts: read from the tiers, drawn.
    let day = |date: &chrono::NaiveDate| date.format("%Y-%m-%d ").to_string();
    t.keys_until_screen(&["End"], "the end of the last day", |s| {
        s.lines()
            .next()
            .unwrap()
            .contains(&format!("{}23:59", day(&last)))
    });
    let s = t.keys_until_screen(&["z"], "a week of charts read", |s| {
        s.contains("CPU % (1 wk)") && !s.contains("reading")
    });
    let chart: Vec<&str> = s
        .lines()
        .skip_while(|l| !l.contains("CPU % (1 wk)"))
        .skip(1)
        .take(8)
        .collect();
    assert!(chart.iter().any(|l| l.contains('█')), "{s}");
    // The first moment, and noon of its day (a jump is on the day on screen).
    t.keys_until_screen(&["Home"], "the first day", |s| {
        s.lines().next().unwrap().contains(&day(&first))
    });
    let s = t.keys_until_screen(&["j", "12:30", "Enter"], "12:30 of the first day", |s| {
        let head = s.lines().next().unwrap();
        head.contains(&format!("{}12:30", day(&first))) && !s.contains("reading")
    });
    assert!(s.contains("CPU % (1 wk)"), "{s}");
    let pane = text(&t.tmux(&["list-panes", "-F", "#{pane_pid}"]).stdout);
    let month_kb = peak_kb(pane.trim());
    // One day of the same, raw, for comparison.
    let one = dir.join(rsar::store::day_file_name(last));
    let Some(t1) = Tmux::start(&["tui", "-f", one.to_str().unwrap()], 200, 60) else {
        return;
    };
    read_through(&t1);
    t1.keys_until_screen(&["End"], "the day read", |s| {
        s.lines().next().unwrap().contains(&day(&last)) && !s.contains("reading")
    });
    let pane = text(&t1.tmux(&["list-panes", "-F", "#{pane_pid}"]).stdout);
    let day_kb = peak_kb(pane.trim());
    eprintln!("peak memory: a month {month_kb} kB, a day {day_kb} kB");
    assert!(
        month_kb < day_kb + 8 * 1024,
        "a month {month_kb} kB, a day {day_kb} kB"
    );
    // At 80×24 too: the month's timeline, its ends.
    let Some(t2) = Tmux::start(&month, 80, 24) else {
        return;
    };
    t2.keys_until_screen(&[], "the month's timeline", |s| {
        s.lines()
            .any(|l| l.starts_with(&md(&first)) && l.ends_with(&md(&last)))
    });
    read_through(&t2);
    t2.keys_until_screen(&["End"], "the end of the last day", |s| {
        s.lines()
            .next()
            .unwrap()
            .contains(&format!("{}23:59", day(&last)))
    });
}

/// A replay's cgroup view has the cgroups of the moment on screen wherever the cursor
/// goes: a moment held without them (they are dropped off screen) is read again.
#[test]
fn the_cgroup_view_of_a_replay_follows_the_cursor_back() {
    use rsar::sample::{CgroupCounters, Sample};
    utc();
    let d = tempdir();
    let file = d.path().join("rsar20251121");
    let host = test_host("b", 2);
    let (mut w, _) = rsar::store::DayWriter::open(&file, &host, TEN * 1_000_000_000, 0).unwrap();
    for i in 0..8i64 {
        let mut s = Sample::default();
        s.time.wall_ns = (TEN + 10 * i) * 1_000_000_000;
        s.time.uptime_cs = (1000 + 10 * i as u64) * 100;
        s.cgroups = ["", "web.service"]
            .iter()
            .map(|p| CgroupCounters {
                path: p.to_string(),
                inode: 1 + p.len() as u64,
                usage_us: Some(1_000_000 * i as u64),
                ..CgroupCounters::default()
            })
            .collect();
        w.append_sample(&host, &s).unwrap();
    }
    drop(w);
    let mut drv = driver_for(vec![file], &Default::default()).unwrap();
    drv.app.key(key(KeyCode::Char('G')));
    drv.app.key(key(KeyCode::End));
    drv.decode_now().unwrap();
    for step in 0..4 {
        let now = drv.app.current().unwrap().into_owned();
        assert!(
            now.cgroups.iter().any(|c| &*c.path == "web.service"),
            "step {step} back: {:?}",
            now.cgroups
        );
        drv.app.key(key(KeyCode::Left));
        drv.decode_now().unwrap();
    }
}
