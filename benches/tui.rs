//! Time to draw one frame of `rsar tui` at 200×60 (target: under 2 ms), on a day of
//! synthetic replay data made the way examples/synth_day.rs makes it.

#![allow(clippy::unwrap_used, clippy::expect_used)] // bench code

use criterion::{criterion_group, criterion_main, Criterion};
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use rsar::tui::ui::{draw, Theme};

fn bench(c: &mut Criterion) {
    // A day of this machine's samples an hour apart in wall time, recorded through the
    // real pipeline (store, history, feed).
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("day");
    let mut probe = rsar::probe::Probe::system().unwrap();
    let host = probe.host().clone();
    let (mut w, _) = rsar::store::DayWriter::open(&path, &host, 0, 0).unwrap();
    let mut s = probe.sample().unwrap();
    for i in 0..2000u64 {
        s.time.uptime_cs += 100;
        s.time.wall_ns += 10_000_000_000;
        s.kernel.ctxt += 1000 + i % 7;
        if let Some(c) = s.cpu.per_cpu.iter_mut().flatten().next() {
            c.user += 30 + i % 50;
            c.idle += 70 - i % 50;
        }
        w.append_sample(&host, &s).unwrap();
    }
    drop(w);
    let mut drv = rsar::tui::driver_for(vec![path], &Default::default()).unwrap();
    // The cursor in the middle of the day, its moment read.
    let (first, last) = (drv.app.first.unwrap().end_ns, drv.app.last.unwrap().end_ns);
    drv.app
        .seek(first + (last - first) / 2, rsar::tui::app::Snap::AtOrAfter);
    drv.decode_now().unwrap();
    let mut term = Terminal::new(TestBackend::new(200, 60)).unwrap();
    for color in [true, false] {
        c.bench_function(&format!("tui: one frame at 200x60 (color {color})"), |b| {
            b.iter(|| {
                term.draw(|f| draw(f, &drv.app, Theme { color })).unwrap();
            })
        });
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
