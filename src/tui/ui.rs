//! Drawing the screen from the app's state (never changing it). Layout adapts to the
//! terminal: at 80×24 the essentials, on larger screens history charts and sparklines;
//! below 80×24 it says so instead of cutting headers. Device and interface tables take
//! their columns from the report catalogue (`model::columns`).

use super::app::{App, Input, Panel, Shown, Source, KEYS, LIVE_CGROUP_MOMENTS, ZOOMS};
use super::model::{self, DeviceRow, Snapshot};
use super::views::{self, rate, size, Column, View};
use crate::report::Table as Report;
use ratatui::layout::{Constraint, Direction, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span, Text};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Row, Sparkline, Table};
use ratatui::Frame;

/// Colours, or none (`NO_COLOR`).
#[derive(Debug, Clone, Copy)]
pub struct Theme {
    pub color: bool,
}

impl Theme {
    fn fg(&self, c: Color) -> Style {
        if self.color {
            Style::default().fg(c)
        } else {
            Style::default()
        }
    }
    fn bold(&self) -> Style {
        Style::default().add_modifier(Modifier::BOLD)
    }
    fn dim(&self) -> Style {
        if self.color {
            Style::default().fg(Color::DarkGray)
        } else {
            Style::default()
        }
    }
}

const USR: Color = Color::Green;
const NIC: Color = Color::Blue;
const SYS: Color = Color::Red;
const IOW: Color = Color::Yellow;
const STL: Color = Color::Magenta;

/// The smallest screen laid out; below it the screen says so.
pub const MIN_SIZE: (u16, u16) = (80, 24);

/// A number right-aligned in `w` characters, formatted as the charts format it.
fn num(v: f32, w: usize) -> String {
    format!("{:>w$}", crate::report::compact(f64::from(v)))
}

fn clock(ns: i64, fmt: &str) -> String {
    chrono::DateTime::from_timestamp_nanos(ns)
        .with_timezone(&chrono::Local)
        .format(fmt)
        .to_string()
}

/// `name` in at most `w` characters: whole if it fits, else its start and end around
/// an ellipsis, so that names differing only at the end stay apart.
pub fn fit(name: &str, w: usize) -> String {
    let n = name.chars().count();
    if n <= w || w < 3 {
        return name.chars().take(w.max(n.min(w))).collect();
    }
    let tail = (w - 1) / 2;
    let lead = w - 1 - tail;
    let start: String = name.chars().take(lead).collect();
    let end: String = name.chars().skip(n - tail).collect();
    format!("{start}…{end}")
}

/// A bar of `width` cells: segments of (percent, colour), the rest blank.
fn bar<'a>(parts: &[(f32, Color)], width: usize, t: Theme) -> Vec<Span<'a>> {
    let mut spans = Vec::new();
    let mut used = 0usize;
    // Round the running total, not each part, so the bar's length is the sum's.
    let mut sum = 0.0f32;
    for (i, (pct, c)) in parts.iter().enumerate() {
        sum += pct.max(0.0);
        let upto = (((sum / 100.0) * width as f32).round().max(0.0) as usize).min(width);
        let n = upto.saturating_sub(used);
        if n > 0 {
            let ch = if t.color {
                "█"
            } else {
                // Without colour each part has its own letter.
                ["#", "n", "s", "w", "$"][i.min(4)]
            };
            spans.push(Span::styled(ch.repeat(n), t.fg(*c)));
            used += n;
        }
    }
    spans.push(Span::styled("·".repeat(width - used), t.dim()));
    spans
}

pub fn draw(f: &mut Frame, app: &App, t: Theme) {
    let area = f.area();
    if area.width < MIN_SIZE.0 || area.height < MIN_SIZE.1 {
        too_small(f, area, t);
        return;
    }
    let replay = app.source == Source::Replay;
    let snap = app.current();
    let snap = snap.as_deref();
    let mut rows = vec![Constraint::Length(1), Constraint::Min(0)];
    if replay {
        rows.push(Constraint::Length(1)); // timeline
    }
    rows.push(Constraint::Length(1)); // footer
    let chunks = Layout::default()
        .direction(Direction::Vertical)
        .constraints(rows)
        .split(area);
    header(f, chunks[0], app, t);
    let body = chunks[1];
    match app.whole() {
        Some(p) => whole_panel(f, body, p, app, snap, t),
        None if area.height >= BOXED_HEIGHT => boxed(f, body, app, snap, t),
        None => compact(f, body, app, snap, t),
    }
    if replay {
        timeline(f, chunks[2], app, t);
    }
    footer(f, chunks[chunks.len() - 1], app, t);
    if app.show_help {
        help(f, area, t);
    }
}

/// From this height on, the summary is drawn in boxes (below it, in lines, as atop's).
pub const BOXED_HEIGHT: u16 = 50;

/// Whether the charts have room: a wide and tall screen, and not hidden.
fn charts_fit(app: &App, area: Rect) -> bool {
    area.width >= 120 && area.height >= 36 && app.shown(Panel::Charts) != Shown::Collapsed
}

fn open(app: &App, p: Panel) -> bool {
    app.shown(p) != Shown::Collapsed
}

/// One panel on the whole body.
fn whole_panel(f: &mut Frame, r: Rect, p: Panel, app: &App, s: Option<&Snapshot>, t: Theme) {
    let note = thin_note(app);
    match p {
        Panel::Cpu => {
            let parts = split_v(r, &[Constraint::Min(0), Constraint::Length(1)]);
            cpu_panel(f, parts[0], s, note, t);
            load_line(f, parts[1], s, note, t);
        }
        Panel::Memory => memory_panel(f, r, s, t),
        Panel::Disks | Panel::Network => {
            let kind = if p == Panel::Disks { &DISKS } else { &NETS };
            if let Some(s) = s {
                device_table(f, r, app, kind, s, r.width >= 120, t);
            }
        }
        Panel::Processes if app.has_procs() || app.cgroup_view => procs(f, r, app, t),
        Panel::Processes => f.render_widget(
            Paragraph::new(Line::styled(
                " no process table was recorded in these logs",
                t.dim(),
            )),
            r,
        ),
        Panel::Charts => history(f, r, app, t),
    }
}

fn split_v(r: Rect, c: &[Constraint]) -> std::rc::Rc<[Rect]> {
    Layout::default()
        .direction(Direction::Vertical)
        .constraints(c.to_vec())
        .split(r)
}

fn split_h(r: Rect, c: &[Constraint]) -> std::rc::Rc<[Rect]> {
    Layout::default()
        .direction(Direction::Horizontal)
        .constraints(c.to_vec())
        .split(r)
}

/// The summary in lines, as atop's, and the process table below with the rest: at
/// 80×24 the table keeps at least 12 rows. Without a process table (or with it hidden)
/// the devices have the rest, in tables.
fn compact(f: &mut Frame, r: Rect, app: &App, s: Option<&Snapshot>, t: Theme) {
    let procs_here = (app.has_procs() || app.cgroup_view) && open(app, Panel::Processes);
    let mut lines: Vec<Line> = Vec::new();
    if open(app, Panel::Cpu) {
        lines.extend(cpu_lines(app, s, r.width as usize, t));
    }
    if open(app, Panel::Memory) {
        lines.extend(s.map(|s| mem_line(s, r.width as usize, t)));
    }
    if procs_here {
        for (p, kind) in [(Panel::Disks, &DISKS), (Panel::Network, &NETS)] {
            if open(app, p) {
                lines.extend(s.map(|s| device_line(kind, s, app, r.width as usize, t)));
            }
        }
    }
    let charts = if charts_fit(app, f.area()) { 10 } else { 0 };
    let parts = split_v(
        r,
        &[
            Constraint::Length(lines.len() as u16),
            Constraint::Length(charts),
            Constraint::Min(0),
        ],
    );
    f.render_widget(Paragraph::new(lines), parts[0]);
    if charts > 0 {
        history(f, parts[1], app, t);
    }
    if procs_here {
        procs(f, parts[2], app, t);
    } else if let Some(s) = s {
        device_tables(f, parts[2], app, s, false, t);
    }
}

/// Disks and network side by side (either alone when the other is hidden).
fn device_tables(f: &mut Frame, r: Rect, app: &App, s: &Snapshot, wide: bool, t: Theme) {
    let kinds: Vec<&DeviceKind> = [(Panel::Disks, &DISKS), (Panel::Network, &NETS)]
        .into_iter()
        .filter(|(p, _)| open(app, *p))
        .map(|(_, k)| k)
        .collect();
    if kinds.is_empty() || r.height < 3 {
        return;
    }
    let cols = split_h(
        r,
        &vec![Constraint::Ratio(1, kinds.len() as u32); kinds.len()],
    );
    for (kind, area) in kinds.into_iter().zip(cols.iter()) {
        device_table(f, *area, app, kind, s, wide, t);
    }
}

/// The summary in boxes, for tall screens: CPU and memory, the load line, the charts,
/// the device tables and the processes.
fn boxed(f: &mut Frame, r: Rect, app: &App, s: Option<&Snapshot>, t: Theme) {
    let cpus = s.map_or(app.host.cpu_count as usize, |s| s.per_cpu.len());
    let (cpu, mem) = (open(app, Panel::Cpu), open(app, Panel::Memory));
    let top = if cpu || mem {
        cpu_panel_height(cpus, r.width, 9)
    } else {
        0
    };
    let charts = if charts_fit(app, f.area()) { 12 } else { 0 };
    let devices = open(app, Panel::Disks) || open(app, Panel::Network);
    let procs_here = (app.has_procs() || app.cgroup_view) && open(app, Panel::Processes);
    let rest = r.height.saturating_sub(top + 1 + charts);
    let device_rows = s.map_or(0, |s| s.disks.len().max(s.nets.len())) as u16 + 3;
    let dev_h = match (devices, procs_here) {
        (false, _) => 0,
        (true, false) => rest,
        (true, true) => device_rows.clamp(5, (rest * 2 / 5).max(5)),
    };
    let parts = split_v(
        r,
        &[
            Constraint::Length(top),
            Constraint::Length(1),
            Constraint::Length(charts),
            Constraint::Length(dev_h),
            Constraint::Min(0),
        ],
    );
    let note = thin_note(app);
    match (cpu, mem) {
        (true, true) => {
            let halves = split_h(
                parts[0],
                &[Constraint::Percentage(55), Constraint::Percentage(45)],
            );
            cpu_panel(f, halves[0], s, note, t);
            memory_panel(f, halves[1], s, t);
        }
        (true, false) => cpu_panel(f, parts[0], s, note, t),
        (false, true) => memory_panel(f, parts[0], s, t),
        (false, false) => {}
    }
    load_line(f, parts[1], s, note, t);
    if charts > 0 {
        history(f, parts[2], app, t);
    }
    if let Some(s) = s {
        device_tables(f, parts[3], app, s, true, t);
    }
    if procs_here {
        procs(f, parts[4], app, t);
    }
}

/// Spans laid out left to right, each field whole: the fields that do not fit in
/// `width` are left out, least wanted first (`fields`: (rank, spans), rank 0 most
/// wanted), never cut.
fn fields_line<'a>(fields: Vec<(u8, Vec<Span<'a>>)>, width: usize) -> Line<'a> {
    let len = |f: &[(u8, Vec<Span<'a>>)]| -> usize {
        f.iter()
            .map(|(_, sp)| sp.iter().map(|s| s.content.chars().count()).sum::<usize>())
            .sum()
    };
    let mut fields = fields;
    while len(&fields) > width {
        let Some(worst) = fields.iter().map(|(r, _)| *r).max() else {
            break;
        };
        if worst == 0 {
            break;
        }
        let Some(i) = fields.iter().rposition(|(r, _)| *r == worst) else {
            break;
        };
        fields.remove(i);
    }
    Line::from(fields.into_iter().flat_map(|(_, s)| s).collect::<Vec<_>>())
}

/// The CPU lines of the compact summary: every CPU together with its parts, then each
/// CPU (its busy percent, a heat map, or the busiest when they do not fit), then load.
fn cpu_lines<'a>(app: &App, s: Option<&Snapshot>, width: usize, t: Theme) -> Vec<Line<'a>> {
    let Some(s) = s else { return Vec::new() };
    let c = s.point.cpu;
    let parts: Vec<(u8, Vec<Span<'a>>)> = [
        (0, "usr", c.user, USR),
        (2, "ni", c.nice, NIC),
        (0, "sys", c.system, SYS),
        (1, "wa", c.iowait, IOW),
        (3, "st", c.steal, STL),
    ]
    .into_iter()
    .map(|(rank, name, v, col)| {
        (
            rank,
            vec![
                Span::raw("  "),
                Span::styled(format!("{name} {v:.1}"), t.fg(col)),
            ],
        )
    })
    .collect();
    // The bar takes what the parts leave, at least 10 cells.
    let lead = 4;
    let total = format!(" {}%", num(s.point.busy(), 5));
    let room = width.saturating_sub(lead + total.chars().count() + 10);
    let breakdown = fields_line(parts, room);
    let used: usize = breakdown
        .spans
        .iter()
        .map(|s| s.content.chars().count())
        .sum();
    let bar_w = width.saturating_sub(lead + total.chars().count() + used);
    let mut first = vec![Span::styled("CPU ", t.bold())];
    first.extend(bar(
        &[
            (c.user, USR),
            (c.nice, NIC),
            (c.system, SYS),
            (c.iowait, IOW),
            (c.steal, STL),
        ],
        bar_w.max(1),
        t,
    ));
    first.push(Span::raw(total));
    first.extend(breakdown.spans);
    let mut lines = vec![Line::from(first)];
    let n = s.per_cpu.len();
    let second = if s.thin {
        Line::styled(format!("    each CPU: {}", thin_note(app)), t.dim())
    } else {
        let each: Vec<String> = s
            .per_cpu
            .iter()
            .enumerate()
            .map(|(i, &b)| match b {
                model::OFFLINE => format!("{i} off"),
                b => format!("{i} {b}%"),
            })
            .collect();
        let listed = format!("    {}", each.join("  "));
        if listed.chars().count() <= width {
            Line::raw(listed)
        } else if 4 + n + n / 8 <= width {
            let mut spans = vec![Span::raw("    ")];
            for (i, &b) in s.per_cpu.iter().enumerate() {
                if i > 0 && i % 8 == 0 {
                    spans.push(Span::raw(" "));
                }
                spans.push(Span::styled(heat_cell(b), t.fg(heat(b))));
            }
            Line::from(spans)
        } else {
            let mut order: Vec<(usize, u8)> = s
                .per_cpu
                .iter()
                .copied()
                .enumerate()
                .filter(|(_, b)| *b != model::OFFLINE)
                .collect();
            order.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
            let mut text = format!("    {n} CPUs, busiest");
            for (cpu, busy) in order {
                let more = format!(" {cpu}:{busy}%");
                if text.chars().count() + more.len() > width {
                    break;
                }
                text.push_str(&more);
            }
            Line::raw(text)
        }
    };
    lines.push(second);
    lines.push(load_spans(s, app, width, t));
    lines
}

/// The load line: load averages, run queue, threads, pressure (fields dropped rather
/// than cut when short of width).
fn load_spans<'a>(s: &Snapshot, app: &App, width: usize, t: Theme) -> Line<'a> {
    if s.thin {
        return Line::from(vec![
            Span::styled("load ", t.bold()),
            Span::raw(format!("{:.2}", s.load.one)),
            Span::styled(
                format!("  the rest of this moment: {}", thin_note(app)),
                t.dim(),
            ),
        ]);
    }
    let psi = |v: Option<f32>| v.map_or("-".to_string(), |v| format!("{v:.1}%"));
    let field = |rank: u8, name: &'static str, v: String| {
        (rank, vec![Span::styled(name, t.bold()), Span::raw(v)])
    };
    fields_line(
        vec![
            field(
                0,
                "load ",
                format!("{:.2} {:.2} {:.2}", s.load.one, s.load.five, s.load.fifteen),
            ),
            field(1, "  runq ", s.runq.to_string()),
            // -q's plist-sz counts threads, not processes.
            field(2, "  threads ", s.tasks.to_string()),
            field(1, "  blocked ", s.blocked.to_string()),
            field(3, "  psi cpu ", psi(s.psi.cpu)),
            field(3, " io ", psi(s.psi.io)),
            field(3, " mem ", psi(s.psi.memory)),
        ],
        width,
    )
}

/// The memory line of the compact summary.
fn mem_line<'a>(s: &Snapshot, width: usize, t: Theme) -> Line<'a> {
    let m = s.mem;
    let field = |rank: u8, name: &'static str, v: String, c: Color| {
        (rank, vec![Span::styled(name, t.fg(c)), Span::raw(v)])
    };
    let swap = if s.thin {
        "…".to_string()
    } else if s.swap.total > 0 {
        format!("{} of {}", size(s.swap.used), size(s.swap.total))
    } else {
        "none".to_string()
    };
    let mut fields = vec![(0, vec![Span::styled("MEM ", t.bold())])];
    fields.extend([
        field(0, "used ", size(m.used), Color::Red),
        field(1, "  cache ", size(m.cached), Color::Blue),
        field(0, "  avail ", size(m.avail), Color::Green),
        field(0, "  total ", size(m.total), Color::Reset),
        field(2, "  buffers ", size(s.buffers), Color::Reset),
        field(1, "  swap ", swap, Color::Magenta),
    ]);
    fields_line(fields, width)
}

/// The disks (or interfaces) of the compact summary, on one line, busiest first by the
/// kind's criterion, as many as fit; the line says how many are left out.
fn device_line<'a>(kind: &DeviceKind, s: &Snapshot, app: &App, width: usize, t: Theme) -> Line<'a> {
    let label = if kind.report == Report::Disk {
        "DSK "
    } else {
        "NET "
    };
    if s.thin {
        return Line::from(vec![
            Span::styled(label, t.bold()),
            Span::styled(thin_note(app), t.dim()),
        ]);
    }
    let rows = kind.ordered(s);
    let mut spans = vec![Span::styled(label, t.bold())];
    let mut used = label.len();
    let mut shown = 0;
    for (i, d) in rows.iter().enumerate() {
        let text = format!("{}{}", if i > 0 { " │ " } else { "" }, kind.brief(d));
        let left = rows.len() - i - 1;
        let tail = if left > 0 {
            format!(" +{left} by {}", kind.rank_label).len()
        } else {
            0
        };
        if used + text.chars().count() + tail > width {
            break;
        }
        used += text.chars().count();
        spans.push(Span::styled(text, t.fg(kind.color)));
        shown += 1;
    }
    if shown < rows.len() {
        spans.push(Span::styled(
            format!(" +{} by {}", rows.len() - shown, kind.rank_label),
            t.dim(),
        ));
    }
    if rows.is_empty() {
        spans.push(Span::styled("none", t.dim()));
    }
    Line::from(spans)
}

fn too_small(f: &mut Frame, area: Rect, t: Theme) {
    let lines = vec![
        Line::styled("terminal too small", t.bold()),
        Line::raw(format!(
            "{}×{}: rsar tui needs {}×{}",
            area.width, area.height, MIN_SIZE.0, MIN_SIZE.1
        )),
        Line::styled("q quits", t.dim()),
    ];
    let h = (lines.len() as u16).min(area.height);
    let r = Rect {
        y: area.y + (area.height - h) / 2,
        height: h,
        ..area
    };
    f.render_widget(
        Paragraph::new(lines).alignment(ratatui::layout::Alignment::Center),
        r,
    );
}

fn header(f: &mut Frame, r: Rect, app: &App, t: Theme) {
    let h = &app.host;
    let when = app
        .cursor
        .map(|ns| clock(ns, "%Y-%m-%d %H:%M:%S"))
        .unwrap_or_else(|| "waiting for the first interval".into());
    let up = app.uptime_s;
    let uptime = format!(
        "up {}d {:02}:{:02}",
        up / 86400,
        up % 86400 / 3600,
        up % 3600 / 60
    );
    let status_style = match app.status() {
        "LIVE" => t.fg(Color::Green),
        "PAUSED" => t.fg(Color::Yellow),
        _ => t.fg(Color::Cyan),
    }
    .add_modifier(Modifier::BOLD);
    let mut spans = vec![
        Span::styled(h.hostname.clone(), t.bold()),
        Span::raw(format!("  {} {}  ", h.release, h.machine)),
    ];
    // A replay's uptime is its process table's, when one is shown.
    if app.source == Source::Live || app.procs_at.is_some() {
        spans.push(Span::raw(format!("{uptime}  ")));
    }
    spans.push(Span::raw(format!("{when}  ")));
    spans.push(Span::styled(app.status(), status_style));
    if app.source == Source::Replay {
        // Seeking: the time asked for, the interval there being read.
        let seeking = if app.seeking.is_some() {
            " (reading…)"
        } else {
            ""
        };
        spans.push(Span::raw(format!("{seeking}  ×{}", app.speed())));
    } else {
        // `{}` of an f64 prints it exactly, and 1 as 1.
        spans.push(Span::raw(format!("  every {}s", app.refresh.as_secs_f64())));
    }
    if !app.damage.is_empty() {
        spans.push(Span::styled(
            "  DAMAGED LOG",
            t.fg(Color::Red).add_modifier(Modifier::BOLD),
        ));
    }
    // Last, where there is room: how much of the log was read.
    if app.source == Source::Replay {
        spans.push(Span::raw(format!("  {} intervals", app.intervals)));
    }
    f.render_widget(Paragraph::new(Line::from(spans)), r);
}

/// The colour of a CPU's busy percent in the heat map.
fn heat(busy: u8) -> Color {
    match busy {
        0..=24 => Color::Green,
        25..=59 => Color::Yellow,
        60..=84 => Color::LightRed,
        _ => Color::Red,
    }
}

/// One cell of the heat map: a block as high as the CPU is busy.
fn heat_cell(busy: u8) -> &'static str {
    const BLOCKS: [&str; 9] = ["·", "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"];
    if busy == model::OFFLINE {
        return "x";
    }
    BLOCKS[((usize::from(busy) * 8 + 50) / 100).min(8)]
}

/// What the screen says where a moment's detail is missing.
fn thin_note(app: &App) -> &'static str {
    match app.source {
        Source::Replay => "reading…",
        Source::Live => "not kept (only the last 120 intervals are)",
    }
}

fn cpu_panel(f: &mut Frame, r: Rect, s: Option<&Snapshot>, note: &str, t: Theme) {
    let block = Block::default().borders(Borders::ALL).title(" CPU ");
    let inner = block.inner(r);
    f.render_widget(block, r);
    let Some(s) = s else { return };
    let w = inner.width.saturating_sub(14) as usize;
    let model::CpuShares {
        user,
        nice,
        system,
        iowait,
        steal,
        ..
    } = s.point.cpu;
    let mut lines = vec![Line::from(
        [
            vec![Span::raw("all  ")],
            bar(
                &[
                    (user, USR),
                    (nice, NIC),
                    (system, SYS),
                    (iowait, IOW),
                    (steal, STL),
                ],
                w.max(1),
                t,
            ),
            vec![Span::raw(format!(" {}%", num(s.point.busy(), 5)))],
        ]
        .concat(),
    )];
    lines.push(Line::from(vec![
        Span::styled(format!("usr {user:.1}"), t.fg(USR)),
        Span::raw("  "),
        Span::styled(format!("ni {nice:.1}"), t.fg(NIC)),
        Span::raw("  "),
        Span::styled(format!("sys {system:.1}"), t.fg(SYS)),
        Span::raw("  "),
        Span::styled(format!("wa {iowait:.1}"), t.fg(IOW)),
        Span::raw("  "),
        Span::styled(format!("st {steal:.1}"), t.fg(STL)),
    ]));
    let room = inner.height.saturating_sub(2) as usize;
    let n = s.per_cpu.len();
    if s.thin {
        lines.push(Line::styled(format!("per CPU: {note}"), t.dim()));
    } else if n <= room {
        for (i, &busy) in s.per_cpu.iter().enumerate() {
            lines.push(Line::from(cpu_bar(i, busy, w, t)));
        }
    } else {
        lines.extend(cpu_grid(&s.per_cpu, inner.width as usize, room, t));
    }
    f.render_widget(Paragraph::new(lines), inner);
}

/// The CPU panel's height: `base`, or more when the heat map of `cpus` needs it (at most
/// 14 lines, so that the tables below keep room).
fn cpu_panel_height(cpus: usize, screen_width: u16, base: u16) -> u16 {
    let inner = (screen_width as usize * 55 / 100).saturating_sub(2);
    if cpus + 2 <= base.saturating_sub(2) as usize {
        return base;
    }
    let label = cpus.saturating_sub(1).to_string().len() + 1;
    let per_row = ((inner.saturating_sub(label)) / 9).max(1) * 8;
    // Borders, the `all` bar and its breakdown, the map's rows, the busiest.
    let need = 2 + 2 + cpus.div_ceil(per_row) + 1;
    (need as u16).clamp(base, 14)
}

fn cpu_bar<'a>(i: usize, busy: u8, w: usize, t: Theme) -> Vec<Span<'a>> {
    if busy == model::OFFLINE {
        return vec![Span::styled(format!("{i:<4} offline"), t.dim())];
    }
    let b = f32::from(busy);
    [
        vec![Span::raw(format!("{i:<4} "))],
        bar(&[(b, Color::Cyan)], w.max(1), t),
        vec![Span::raw(format!(" {}%", num(b, 5)))],
    ]
    .concat()
}

/// Every CPU as one cell of a heat map (rows labelled with their first CPU, cells in
/// groups of 8), and a last line naming the busiest.
fn cpu_grid<'a>(per_cpu: &[u8], width: usize, room: usize, t: Theme) -> Vec<Line<'a>> {
    let n = per_cpu.len();
    let label = n.saturating_sub(1).to_string().len() + 1;
    let groups = ((width.saturating_sub(label)) / 9).max(1);
    let rows_room = room.saturating_sub(1).max(1);
    // As few cells per row as still fit every CPU (a 4-CPU host: one row of 4).
    let per_row = (groups * 8).min(n.div_ceil(rows_room).max(1)).max(1);
    let mut lines = Vec::new();
    for (row, chunk) in per_cpu.chunks(per_row).enumerate().take(rows_room) {
        let mut spans = vec![Span::styled(format!("{:<label$}", row * per_row), t.dim())];
        for (i, &busy) in chunk.iter().enumerate() {
            if i > 0 && i % 8 == 0 {
                spans.push(Span::raw(" "));
            }
            spans.push(Span::styled(heat_cell(busy), t.fg(heat(busy))));
        }
        lines.push(Line::from(spans));
    }
    let mut order: Vec<(usize, u8)> = per_cpu
        .iter()
        .copied()
        .enumerate()
        .filter(|(_, b)| *b != model::OFFLINE)
        .collect();
    order.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let mut text = String::from("busiest");
    for (cpu, busy) in order {
        let more = format!(" {cpu}:{busy}%");
        if text.chars().count() + more.len() > width {
            break;
        }
        text.push_str(&more);
    }
    lines.push(Line::styled(text, t.bold()));
    lines
}

fn memory_panel(f: &mut Frame, r: Rect, s: Option<&Snapshot>, t: Theme) {
    let block = Block::default().borders(Borders::ALL).title(" Memory ");
    let inner = block.inner(r);
    f.render_widget(block, r);
    let Some(s) = s else { return };
    let model::MemLevels {
        total,
        used,
        cached,
        avail,
    } = s.mem;
    let pct = |v: u64, of: u64| {
        if of > 0 {
            v as f32 * 100.0 / of as f32
        } else {
            0.0
        }
    };
    let w = inner.width.saturating_sub(17) as usize;
    let row = |label: &str, v: u64, of: u64, c: Color| {
        Line::from(
            [
                vec![Span::raw(format!("{label:<6}"))],
                bar(&[(pct(v, of), c)], w.max(1), t),
                vec![Span::raw(format!(" {:>8}", size(v)))],
            ]
            .concat(),
        )
    };
    let mut lines = vec![
        row("used", used, total, Color::Red),
        row("cache", cached, total, Color::Blue),
        row("avail", avail, total, Color::Green),
    ];
    if s.thin {
        lines.push(Line::styled("swap  …", t.dim()));
    } else if s.swap.total > 0 {
        lines.push(row("swap", s.swap.used, s.swap.total, Color::Magenta));
    } else {
        lines.push(Line::styled("swap  none", t.dim()));
    }
    lines.push(Line::styled(format!("total {}", size(total)), t.dim()));
    f.render_widget(Paragraph::new(lines), inner);
}

fn load_line(f: &mut Frame, r: Rect, s: Option<&Snapshot>, note: &str, t: Theme) {
    let Some(s) = s else { return };
    if s.thin {
        let line = Line::from(vec![
            Span::styled(" load ", t.bold()),
            Span::raw(format!("{:.2}", s.load.one)),
            Span::styled(format!("  the rest of this moment: {note}"), t.dim()),
        ]);
        f.render_widget(Paragraph::new(line), r);
        return;
    }
    let psi = |v: Option<f32>| v.map_or("-".to_string(), |v| format!("{v:.1}%"));
    let line = Line::from(vec![
        Span::styled(" load ", t.bold()),
        Span::raw(format!(
            "{:.2} {:.2} {:.2}",
            s.load.one, s.load.five, s.load.fifteen
        )),
        Span::styled("  runq ", t.bold()),
        Span::raw(s.runq.to_string()),
        // -q's plist-sz counts threads, not processes.
        Span::styled("  threads ", t.bold()),
        Span::raw(s.tasks.to_string()),
        Span::styled("  blocked ", t.bold()),
        Span::raw(s.blocked.to_string()),
        Span::styled("  psi ", t.bold()),
        Span::raw(format!(
            "cpu {} io {} mem {}",
            psi(s.psi.cpu),
            psi(s.psi.io),
            psi(s.psi.memory)
        )),
    ]);
    f.render_widget(Paragraph::new(line), r);
}

/// A chart title with its legend: each series' name after its mark, in its colour.
fn legend_title<'a>(title: &str, series: &[Series], t: Theme) -> Line<'a> {
    let mut spans = vec![Span::raw(format!(" {title} "))];
    for s in series {
        spans.push(Span::styled(s.mark(t).to_string(), t.fg(s.color)));
        spans.push(Span::raw(format!("{} ", s.name)));
    }
    Line::from(spans)
}

/// One series of a stacked chart.
struct Series {
    name: &'static str,
    color: Color,
    /// Its cells' letter without colour.
    letter: &'static str,
}

impl Series {
    fn mark(&self, t: Theme) -> &'static str {
        if t.color {
            "█"
        } else {
            self.letter
        }
    }
}

const CPU_SERIES: [Series; 5] = [
    Series {
        name: "usr",
        color: USR,
        letter: "#",
    },
    Series {
        name: "nice",
        color: NIC,
        letter: "n",
    },
    Series {
        name: "sys",
        color: SYS,
        letter: "s",
    },
    Series {
        name: "iowait",
        color: IOW,
        letter: "w",
    },
    Series {
        name: "steal",
        color: STL,
        letter: "$",
    },
];

const MEM_SERIES: [Series; 2] = [
    Series {
        name: "used",
        color: Color::Red,
        letter: "u",
    },
    Series {
        name: "cache",
        color: Color::Blue,
        letter: "c",
    },
];

/// Seconds the charts span at each zoom (`z` shorter, `Z` longer; 0: the whole log).
fn zoom_seconds(app: &App) -> i64 {
    ZOOMS[app.zoom.min(ZOOMS.len() - 1)]
}

/// The charts' series from `from` to `to` in `width` columns of time: each column the
/// mean of the values of the intervals covering it (`None`: nothing recorded then, a
/// gap), `pick` choosing the series from `summary::at`. `None` while the span is read.
fn bucket<const N: usize>(
    app: &App,
    from: i64,
    to: i64,
    width: usize,
    pick: [usize; N],
) -> Option<Vec<Option<[f32; N]>>> {
    let cols = app.chart_stretches(width, from, to)?;
    Some(
        cols.into_iter()
            .map(|c| c.map(|s| pick.map(|i| s.mean[i])))
            .collect(),
    )
}

/// A stacked area chart: each column's series piled up in order, each cell the colour
/// (or letter) of the one series that covers its middle, so no series takes another's
/// colour; columns with nothing recorded stay blank.
#[allow(clippy::too_many_arguments)]
fn stacked<const N: usize>(
    f: &mut Frame,
    r: Rect,
    title: Line,
    series: &[Series; N],
    cols: &[Option<[f32; N]>],
    max: f32,
    y_top: String,
    x: (String, String),
    t: Theme,
) {
    let block = Block::default().borders(Borders::ALL).title(title);
    let inner = block.inner(r);
    f.render_widget(block, r);
    let h = inner.height.saturating_sub(1) as usize;
    if h == 0 || cols.is_empty() {
        return;
    }
    let label_w = 5;
    let mut lines = Vec::with_capacity(h + 1);
    for row in (0..h).rev() {
        let label = match row {
            _ if row == h - 1 => y_top.clone(),
            0 => "0".to_string(),
            _ => String::new(),
        };
        let mut spans = vec![Span::styled(format!("{label:>4}│"), t.dim())];
        let cell_h = max / h as f32;
        let bottom = row as f32 * cell_h;
        let mid = bottom + cell_h / 2.0;
        for c in cols {
            let cell = c.and_then(|v| {
                let mut top = 0.0;
                for (k, s) in series.iter().enumerate() {
                    top += v[k].max(0.0);
                    if mid < top {
                        return Some(Span::styled(s.mark(t), t.fg(s.color)));
                    }
                }
                // The top of the pile, under half a cell: a low block in the colour of
                // the series on top.
                let last = series.iter().zip(v).rposition(|(_, x)| x > 0.0)?;
                let eighths = ((top - bottom) / cell_h * 8.0).round() as usize;
                (top > bottom && eighths > 0).then(|| {
                    const LOW: [&str; 4] = ["▁", "▂", "▃", "▄"];
                    Span::styled(LOW[(eighths - 1).min(3)], t.fg(series[last].color))
                })
            });
            spans.push(cell.unwrap_or_else(|| Span::raw(" ")));
        }
        lines.push(Line::from(spans));
    }
    let room = cols.len();
    let mut axis = format!("{:>label_w$}{}", "", x.0);
    let pad = (label_w + room).saturating_sub(axis.chars().count() + x.1.chars().count());
    axis.push_str(&" ".repeat(pad));
    axis.push_str(&x.1);
    lines.push(Line::styled(axis, t.dim()));
    f.render_widget(Paragraph::new(lines), inner);
}

/// CPU and memory over the charts' window, stacked.
fn history(f: &mut Frame, r: Rect, app: &App, t: Theme) {
    let halves = split_h(r, &[Constraint::Percentage(50), Constraint::Percentage(50)]);
    let Some((from, to)) = app.chart_window() else {
        return;
    };
    let width = halves[0].width.saturating_sub(2 + 5) as usize;
    let span = match zoom_seconds(app) {
        0 => "whole log".to_string(),
        s if s % 604_800 == 0 => format!("{} wk", s / 604_800),
        s if s % 86_400 == 0 => format!("{} d", s / 86_400),
        s if s % 3600 == 0 => format!("{} h", s / 3600),
        s => format!("{} min", s / 60),
    };
    // Over more than a day, the date goes with the time.
    let format = if to - from > 86_400 * 1_000_000_000 {
        "%m-%d %H:%M"
    } else {
        "%H:%M:%S"
    };
    let x = (clock(from, format), clock(to, format));
    use super::summary::at;
    let (cpu, mem) = match (
        bucket(
            app,
            from,
            to,
            width,
            [at::USER, at::NICE, at::SYSTEM, at::IOWAIT, at::STEAL],
        ),
        bucket(
            app,
            from,
            to,
            width,
            [at::MEM_USED, at::MEM_CACHED, at::MEM_TOTAL],
        ),
    ) {
        (Some(c), Some(m)) => (c, m),
        // Being read: said in the titles, drawn blank.
        _ => (vec![None; width], vec![None; width]),
    };
    let reading = if app.source == Source::Replay && app.chart_stretches(1, from, to).is_none() {
        ", reading…"
    } else {
        ""
    };
    let span = format!("{span}{reading}");
    stacked(
        f,
        halves[0],
        legend_title(&format!("CPU % ({span})"), &CPU_SERIES, t),
        &CPU_SERIES,
        &cpu,
        100.0,
        "100".into(),
        x.clone(),
        t,
    );
    let gib = 1024.0 * 1024.0;
    let mem: Vec<Option<[f32; 3]>> = mem
        .into_iter()
        .map(|c| c.map(|v| v.map(|x| x / gib)))
        .collect();
    let total = mem
        .iter()
        .flatten()
        .map(|v| v[2])
        .fold(0.0f32, f32::max)
        .max(1.0 / 1024.0);
    let mem: Vec<Option<[f32; 2]>> = mem.into_iter().map(|c| c.map(|v| [v[0], v[1]])).collect();
    stacked(
        f,
        halves[1],
        legend_title(&format!("Memory GiB ({span})"), &MEM_SERIES, t),
        &MEM_SERIES,
        &mem,
        total,
        format!("{total:.0}"),
        x,
        t,
    );
}

/// How one catalogue report shows as a table of devices.
pub struct DeviceKind {
    pub title: &'static str,
    pub report: Report,
    /// Its columns by sar's header, most wanted first: as many as fit are shown, in the
    /// catalogue's order.
    pub wanted: &'static [&'static str],
    /// The columns whose sum draws the sparklines (and orders rows that `rank` ties).
    pub activity: &'static [&'static str],
    /// The column that orders the rows, busiest first (none: `activity`).
    pub rank: Option<&'static str>,
    /// What orders the rows, as the screen says it.
    pub rank_label: &'static str,
    /// What the sparklines draw, for their heading.
    pub activity_label: &'static str,
    pub rows: fn(&Snapshot) -> &[DeviceRow],
    color: Color,
}

pub const DISKS: DeviceKind = DeviceKind {
    title: "Disks",
    report: Report::Disk,
    wanted: &[
        "%util", "tps", "rkB/s", "wkB/s", "await", "aqu-sz", "areq-sz", "dkB/s",
    ],
    activity: &["rkB/s", "wkB/s", "dkB/s"],
    // As atop ranks disks.
    rank: Some("%util"),
    rank_label: "%util",
    activity_label: "r+w kB/s",
    rows: |s| &s.disks,
    color: Color::Cyan,
};

pub const NETS: DeviceKind = DeviceKind {
    title: "Network",
    report: Report::NetDev,
    wanted: &[
        "rxkB/s", "txkB/s", "%ifutil", "rxpck/s", "txpck/s", "rxmcst/s", "rxcmp/s", "txcmp/s",
    ],
    activity: &["rxkB/s", "txkB/s"],
    rank: None,
    rank_label: "rx+tx",
    activity_label: "rx+tx kB/s",
    rows: |s| &s.nets,
    color: Color::Green,
};

/// Width of a value column: its header, or a compact number, or a rate with its unit.
fn value_width(name: &str) -> u16 {
    if is_rate(name) {
        return views::RATE_WIDTH as u16;
    }
    (name.len() as u16).max(5)
}

/// A column of kB per second: its cells say their unit (`92.2 MB/s`).
fn is_rate(name: &str) -> bool {
    name.ends_with("kB/s")
}

impl DeviceKind {
    /// The indexes (into `model::columns`) of the columns that fit in `width` after a
    /// name column of `name_w`, in the catalogue's order.
    pub fn shown(&self, width: u16, name_w: u16) -> Vec<usize> {
        let all = model::columns(self.report);
        let mut left = width.saturating_sub(name_w);
        let mut keep = Vec::new();
        for w in self.wanted {
            let Some(i) = all.iter().position(|c| c == w) else {
                continue;
            };
            let need = value_width(all[i]) + 1;
            if need > left {
                break;
            }
            left -= need;
            keep.push(i);
        }
        keep.sort_unstable();
        keep
    }

    /// A row's activity (what orders the rows and what its sparkline draws).
    pub fn activity(&self, row: &DeviceRow) -> f32 {
        let all = model::columns(self.report);
        self.activity
            .iter()
            .filter_map(|a| all.iter().position(|c| c == a))
            .filter_map(|i| row.values.get(i))
            .map(|v| v.max(0.0))
            .sum()
    }

    /// A row's value in the column sar heads `name`.
    fn value(&self, row: &DeviceRow, name: &str) -> f32 {
        model::column(self.report, name)
            .and_then(|i| row.values.get(i).copied())
            .unwrap_or(0.0)
    }

    /// The rows, busiest first by `rank` (then by activity), ties kept in the kernel's
    /// order.
    pub fn ordered<'a>(&self, s: &'a Snapshot) -> Vec<&'a DeviceRow> {
        let mut rows: Vec<&DeviceRow> = (self.rows)(s).iter().collect();
        let rank = |r: &DeviceRow| self.rank.map_or(0.0, |c| self.value(r, c));
        rows.sort_by(|a, b| {
            rank(b)
                .total_cmp(&rank(a))
                .then(self.activity(b).total_cmp(&self.activity(a)))
        });
        rows
    }

    /// One row in a few words, units in the text: `vda 19% r 92.2 MB/s w 96.8 MB/s`.
    pub fn brief(&self, row: &DeviceRow) -> String {
        let r = |c: &str| rate(f64::from(self.value(row, c)));
        match self.report {
            Report::Disk => format!(
                "{} {:.0}% r {} w {}",
                fit(&row.name, NAME_MAX),
                self.value(row, "%util"),
                r("rkB/s"),
                r("wkB/s")
            ),
            _ => format!(
                "{} rx {} tx {}",
                fit(&row.name, NAME_MAX),
                r("rxkB/s"),
                r("txkB/s")
            ),
        }
    }
}

/// The longest name the name column gives room to before an ellipsis.
const NAME_MAX: usize = 16;

/// A table of devices or interfaces, busiest first, with the catalogue's columns that
/// fit; on wide screens a sparkline of each one's activity beside its row.
fn device_table(
    f: &mut Frame,
    r: Rect,
    app: &App,
    kind: &DeviceKind,
    s: &Snapshot,
    wide: bool,
    t: Theme,
) {
    let rows = kind.ordered(s);
    let shown_rows = r.height.saturating_sub(3) as usize;
    let busy = rows.iter().filter(|d| kind.activity(d) > 0.0).count();
    let title = if s.thin {
        format!(" {}: {} ", kind.title, thin_note(app))
    } else if rows.len() > shown_rows {
        let long = format!(
            " {} — {} of {}, busiest by {} first ({} active) ",
            kind.title,
            shown_rows.min(rows.len()),
            rows.len(),
            kind.rank_label,
            busy
        );
        if long.chars().count() + 2 <= r.width as usize {
            long
        } else {
            format!(
                " {} {}/{} by {} ",
                kind.title,
                shown_rows.min(rows.len()),
                rows.len(),
                kind.rank_label
            )
        }
    } else {
        format!(" {} by {} ", kind.title, kind.rank_label)
    };
    let block = Block::default().borders(Borders::ALL).title(title);
    let inner = block.inner(r);
    f.render_widget(block, r);
    let names = model::columns(kind.report);
    let item = kind.report.report().item.map_or("", |i| i.sar);
    let name_w = rows
        .iter()
        .take(shown_rows)
        .map(|d| d.name.chars().count())
        .max()
        .unwrap_or(0)
        .clamp(item.len(), NAME_MAX) as u16;
    // Wide screens leave room for the sparklines.
    let table_room = if wide {
        inner.width.saturating_sub((inner.width / 3).max(20))
    } else {
        inner.width
    };
    let cols = kind.shown(table_room, name_w + 1);
    let table_width: u16 =
        name_w + 1 + cols.iter().map(|&i| value_width(names[i]) + 1).sum::<u16>();
    let split = Layout::default()
        .direction(Direction::Horizontal)
        .constraints([Constraint::Length(table_width), Constraint::Min(0)])
        .split(inner);
    let mut header = vec![Text::from(item)];
    header.extend(cols.iter().map(|&i| Text::from(names[i]).right_aligned()));
    let body = rows.iter().map(|d| {
        let mut cells = vec![Text::from(fit(&d.name, name_w as usize))];
        cells.extend(cols.iter().map(|&i| {
            let v = d.values.get(i).copied().unwrap_or(f32::NAN);
            let text = if is_rate(names[i]) && v.is_finite() {
                rate(f64::from(v))
            } else {
                num(v, 0)
            };
            Text::from(text).right_aligned()
        }));
        Row::new(cells)
    });
    let mut widths = vec![Constraint::Length(name_w)];
    widths.extend(
        cols.iter()
            .map(|&i| Constraint::Length(value_width(names[i]))),
    );
    f.render_widget(
        Table::new(body, widths).header(Row::new(header).style(t.bold())),
        split[0],
    );
    let spark = split[1];
    if !wide || spark.width < 4 || rows.is_empty() {
        return;
    }
    let recent: Vec<&Snapshot> = app.recent().collect();
    let from = recent.len().saturating_sub(spark.width as usize);
    let label = format!("{}, last {}", kind.activity_label, recent.len() - from);
    f.render_widget(
        Paragraph::new(Line::styled(fit(&label, spark.width as usize), t.dim())),
        Rect { height: 1, ..spark },
    );
    let room = spark.height.saturating_sub(1) as usize;
    for (i, d) in rows.iter().enumerate().take(room) {
        let area = Rect {
            y: spark.y + 1 + i as u16,
            height: 1,
            ..spark
        };
        let data: Vec<u64> = recent[from..]
            .iter()
            .map(|s| {
                (kind.rows)(s)
                    .iter()
                    .find(|x| x.name == d.name)
                    .map_or(0, |x| kind.activity(x).round() as u64)
            })
            .collect();
        f.render_widget(
            Sparkline::default().data(&data).style(t.fg(kind.color)),
            area,
        );
    }
}

/// The process table in the view chosen: a title saying the order, the selection and
/// the tasks by state; a row per process, D and Z coloured; the selected process's
/// command line in the bottom border.
fn procs(f: &mut Frame, r: Rect, app: &App, t: Theme) {
    if app.cgroup_view {
        cgroup_table(f, r, app, t);
        return;
    }
    let visible = app.visible_procs();
    let selected = app.proc_selected.min(visible.len().saturating_sub(1));
    let cols = app.view.fit(r.width.saturating_sub(2) as usize);
    let sort = format!(
        "{}{}",
        app.sort.column.header(),
        if app.sort.descending() { "↓" } else { "↑" }
    );
    let filter = match &app.input {
        Some(Input::Filter(s)) => format!("  filter: {s}▏"),
        _ if !app.filter.is_empty() => format!("  filter: {}", app.filter),
        _ => String::new(),
    };
    // A replay says which table it shows: the moment's, or the nearest one before it.
    let mut at = match (app.source, app.procs_at, app.point()) {
        (Source::Replay, Some((at, _)), Some(p)) if at != p.end_ns => {
            format!(" at {}", clock(at, "%H:%M:%S"))
        }
        (Source::Replay, None, _) if app.procs_reading() => " (reading…)".to_string(),
        (Source::Replay, None, _) => " (none recorded near this moment)".to_string(),
        _ => String::new(),
    };
    // The first table of a log or of a boot has none before it to measure %CPU from.
    if let (Source::Replay, Some((_, None))) = (app.source, app.procs_at) {
        at.push_str(" (no %CPU yet)");
    }
    let view = match app.view {
        View::Generic => String::new(),
        v => format!(" · {} view", v.name()),
    };
    let follow = match (app.follow, app.selected_pid) {
        (true, Some(pid)) => format!(" · following {pid}"),
        _ => String::new(),
    };
    // What a view needs and the log lacks is said, not drawn as zeros.
    let missing = match app.view {
        View::Disk if !app.procs.is_empty() && app.procs.iter().all(|p| p.read_kbs.is_none()) => {
            " · I/O not recorded (/proc/PID/io needs root)"
        }
        View::Scheduling
            if !app.procs.is_empty() && app.procs.iter().all(|p| p.run_delay_pct.is_none()) =>
        {
            " · run delay not recorded (no schedstat)"
        }
        _ => "",
    };
    let within = match &app.cg_filter {
        Some(c) => format!(" in /{c} (Esc: cgroups)"),
        None => String::new(),
    };
    let title = format!(
        " Processes{within}{at}{view} by {sort} {}/{}{filter}{follow}{missing} ",
        if visible.is_empty() { 0 } else { selected + 1 },
        visible.len()
    );
    // Tasks by state, as top's header counts them, in words where they fit.
    let c = app.task_counts();
    let room = (r.width as usize).saturating_sub(title.chars().count() + 4);
    let long = format!(
        " {} running, {} sleeping, {} uninterruptible, {} stopped, {} zombie ",
        c.running, c.sleeping, c.uninterruptible, c.stopped, c.zombie
    );
    let short = format!(
        " R {} S {} D {} T {} Z {} ",
        c.running, c.sleeping, c.uninterruptible, c.stopped, c.zombie
    );
    let counts = [long, short]
        .into_iter()
        .find(|s| s.chars().count() <= room)
        .unwrap_or_default();
    let cmd = visible
        .get(selected)
        .map(|p| {
            let text = match (&app.cmdline, app.recorded_cmdlines.get(&p.pid)) {
                (Some((pid, text)), _) if *pid == p.pid && !text.is_empty() => text.clone(),
                (_, Some(text)) => text.to_string(),
                _ if !p.cmdline.is_empty() => p.cmdline.to_string(),
                _ => format!("[{}]", p.comm),
            };
            format!(" {}: {text} ", p.pid)
        })
        .unwrap_or_default();
    let block = Block::default()
        .borders(Borders::ALL)
        .title(title)
        .title(Line::from(counts).right_aligned())
        .title_bottom(Line::styled(
            views::cut(&cmd, r.width.saturating_sub(2) as usize),
            t.dim(),
        ));
    let heads: Vec<Head> = cols
        .iter()
        .map(|(c, w)| (c.header(), c.right(), *c == app.sort.column, *w))
        .collect();
    sorted_table(f, r, block, &heads, visible.len(), selected, t, |i| {
        let p = visible[i];
        let user = app.user(p.uid);
        let cells = cols
            .iter()
            .map(|(c, w)| match c {
                Column::Command => command_text(app.view, p, *w),
                c => c.text(p, &user),
            })
            .collect();
        let style = match p.state {
            'D' => t.fg(Color::Red),
            'Z' => t.fg(Color::Magenta),
            _ => Style::default(),
        };
        (cells, style)
    });
}

/// A column's header, whether it is right-aligned, whether the rows are sorted by it,
/// and its width.
type Head = (&'static str, bool, bool, usize);

/// A table of `n` rows in `block` on `r` with a header (the sorted column underlined),
/// scrolled so that the `selected` row shows (reversed); `row(i)` gives the texts and
/// style of row `i`.
#[allow(clippy::too_many_arguments)]
fn sorted_table(
    f: &mut Frame,
    r: Rect,
    block: Block,
    heads: &[Head],
    n: usize,
    selected: usize,
    t: Theme,
    row: impl Fn(usize) -> (Vec<String>, Style),
) {
    let inner = block.inner(r);
    f.render_widget(block, r);
    let room = inner.height.saturating_sub(1) as usize;
    let first = selected.saturating_sub(room.saturating_sub(1));
    let align = |text: Text<'static>, right: bool| {
        if right {
            text.right_aligned()
        } else {
            text
        }
    };
    let head = Row::new(heads.iter().map(|(h, right, sorted, _)| {
        let text = align(Text::from(*h), *right);
        if *sorted {
            text.style(t.bold().add_modifier(Modifier::UNDERLINED))
        } else {
            text
        }
    }))
    .style(t.bold());
    let rows = (first..n.min(first + room)).map(|i| {
        let (cells, style) = row(i);
        let cells = cells
            .into_iter()
            .zip(heads)
            .map(|(c, (_, right, _, _))| align(Text::from(c), *right));
        let style = if i == selected {
            Style::default().add_modifier(Modifier::REVERSED)
        } else {
            style
        };
        Row::new(cells).style(style)
    });
    let widths: Vec<Constraint> = heads
        .iter()
        .map(|h| Constraint::Length(h.3 as u16))
        .collect();
    f.render_widget(Table::new(rows, widths).header(head), inner);
}

/// The cgroup view (`G`): the cgroups of the moment on screen as a tree, the root's
/// totals in the title, the selected cgroup's whole path and name at the bottom.
fn cgroup_table(f: &mut Frame, r: Rect, app: &App, t: Theme) {
    use super::cgroups::{distinct_name, fit, tree, CgColumn};
    let snap = app.current();
    let rows: &[model::CgroupRow] = snap.as_deref().map_or(&[], |s| &s.cgroups);
    let open = |p: &str, d: usize| app.cg_open(p, d);
    let lines = tree(rows, app.cg_sort, &open);
    let selected = app.cg_selected.min(lines.len().saturating_sub(1));
    let sort = format!(
        "{}{}",
        app.cg_sort.column.header(),
        if app.cg_sort.descending() {
            "↓"
        } else {
            "↑"
        }
    );
    let state = match snap.as_deref() {
        Some(s) if s.thin || (s.cgroups_dropped && app.source == Source::Replay) => {
            " (reading…)".to_string()
        }
        Some(s) if s.cgroups.is_empty() && app.source == Source::Replay => {
            " (none recorded in these logs)".to_string()
        }
        Some(s)
            if s.cgroups.is_empty()
                && app.timeline.len()
                    - app.timeline.partition_point(|p| p.end_ns <= s.end_ns())
                    >= LIVE_CGROUP_MOMENTS =>
        {
            format!(" (kept for the newest {LIVE_CGROUP_MOMENTS} intervals only)")
        }
        Some(s) if s.cgroups.is_empty() => " (none read yet)".to_string(),
        _ => String::new(),
    };
    let title = format!(
        " Cgroups{state} by {sort} {}/{} · {} levels ",
        if lines.is_empty() { 0 } else { selected + 1 },
        lines.len(),
        app.cg_depth
    );
    // The root counts the whole machine.
    let root = rows.iter().find(|c| c.path.is_empty()).map(|c| {
        let cpu = c.cpu_pct.map_or(String::new(), |v| format!(" {v:.0}% CPU"));
        let mem = c
            .memory
            .map_or(String::new(), |b| format!(" {}", views::size(b / 1024)));
        let tasks = c.tasks.map_or(String::new(), |n| format!(" {n} tasks"));
        format!(" all:{cpu}{mem}{tasks} ")
    });
    let room = (r.width as usize).saturating_sub(title.chars().count() + 4);
    let root = root
        .filter(|s| s.chars().count() <= room)
        .unwrap_or_default();
    let bottom = lines
        .get(selected)
        .map(|l| {
            let name = distinct_name(l.row).map_or(String::new(), |n| format!(" ({n})"));
            format!(" /{}{name} · Enter: its processes ", l.row.path)
        })
        .unwrap_or_default();
    let block = Block::default()
        .borders(Borders::ALL)
        .title(title)
        .title(Line::from(root).right_aligned())
        .title_bottom(Line::styled(
            views::cut(&bottom, r.width.saturating_sub(2) as usize),
            t.dim(),
        ));
    let names = rows
        .iter()
        .filter_map(|c| distinct_name(c).map(|n| n.chars().count()))
        .max()
        .unwrap_or(0);
    // The tree cell: two columns a level, a mark, the last part of the path.
    let cell = |l: &super::cgroups::TreeRow| {
        let mark = match (l.parent, l.open) {
            (true, true) => "▾ ",
            (true, false) => "▸ ",
            _ => "  ",
        };
        let indent = "  ".repeat(l.depth.saturating_sub(1));
        format!("{indent}{mark}{}", CgColumn::Cgroup.text(l.row))
    };
    let need = lines
        .iter()
        .map(|l| cell(l).chars().count())
        .max()
        .unwrap_or(0);
    let inner_w = r.width.saturating_sub(2) as usize;
    let cols = fit(inner_w, names, need.min(48) + 1);
    let heads: Vec<Head> = cols
        .iter()
        .map(|(c, w)| (c.header(), c.right(), *c == app.cg_sort.column, *w))
        .collect();
    sorted_table(f, r, block, &heads, lines.len(), selected, t, |i| {
        let l = &lines[i];
        let cells = cols
            .iter()
            .map(|(c, w)| match c {
                CgColumn::Cgroup => views::cut(&cell(l), *w),
                c => views::cut(&c.text(l.row), *w),
            })
            .collect();
        (cells, Style::default())
    });
}

/// The COMMAND cell: the command line in the command-line view, and wherever the
/// column has room for one (as htop); the name where it has not; a kernel thread's
/// name in brackets. Cut with a `+`.
fn command_text(view: View, p: &model::ProcRow, width: usize) -> String {
    let text = if p.cmdline.is_empty() {
        if view == View::CommandLine {
            format!("[{}]", p.comm)
        } else {
            p.comm.clone()
        }
    } else if view == View::CommandLine || width >= 40 {
        p.cmdline.to_string()
    } else {
        p.comm.clone()
    };
    views::cut(&text, width)
}

/// The timeline: the whole log, each cell as high as the CPUs were busy then (blank where
/// nothing was recorded: a collection gap), the cursor, restarts and comments.
fn timeline(f: &mut Frame, r: Rect, app: &App, t: Theme) {
    let Some((from, to)) = app.summary.range() else {
        return;
    };
    let w = r.width.saturating_sub(14) as usize;
    if w < 2 {
        return;
    }
    let span = (to - from).max(1) as f64;
    let pos =
        |ns: i64| ((((ns - from) as f64 / span) * w as f64) as usize).min(w.saturating_sub(1));
    let mut cells: Vec<Span> = app
        .summary
        .columns(w, from, to)
        .into_iter()
        .map(|busy| match busy {
            None => Span::raw(" "),
            Some(b) => {
                // The busiest interval of the stretch: a spike is not averaged away.
                let b = b.max.round().clamp(0.0, 100.0) as u8;
                // The lowest level is a dot: a quiet time is not a gap.
                let level = heat_cell(b);
                Span::styled(level, t.fg(heat(b)))
            }
        })
        .collect();
    for &(ns, _) in &app.comments {
        if ns >= from && ns <= to {
            cells[pos(ns)] = Span::styled("C", t.fg(Color::Yellow));
        }
    }
    for &rs in &app.restarts {
        if rs >= from && rs <= to {
            cells[pos(rs)] = Span::styled("R", t.fg(Color::Red));
        }
    }
    if let Some(c) = app.cursor {
        cells[pos(c - 1)] = Span::styled("┃", t.fg(Color::Cyan).add_modifier(Modifier::BOLD));
    }
    // Over more than a day, its ends are dates.
    let format = if to - from > 86_400 * 1_000_000_000 {
        "%m-%d"
    } else {
        "%H:%M"
    };
    let mut line = vec![Span::raw(format!("{} ", clock(from, format)))];
    line.extend(cells);
    line.push(Span::raw(format!(" {}", clock(to, format))));
    f.render_widget(Paragraph::new(Line::from(line)), r);
}

/// The comment recorded within the interval on screen, if any.
fn comment_here(app: &App) -> Option<&str> {
    let p = app.point()?;
    let start = p.end_ns - (f64::from(p.seconds) * 1e9) as i64;
    app.comments
        .iter()
        .find(|(ns, _)| *ns > start && *ns <= p.end_ns)
        .map(|(_, text)| text.as_str())
}

fn footer(f: &mut Frame, r: Rect, app: &App, t: Theme) {
    let (text, style) = match &app.input {
        Some(Input::Jump(s)) => (format!(" jump to (HH:MM[:SS]): {s}▏"), t.dim()),
        Some(Input::Filter(s)) => (format!(" filter processes: {s}▏"), t.dim()),
        None => match (&app.message, app.damage.first(), comment_here(app)) {
            (Some(m), _, _) => (format!(" {m}"), t.dim()),
            (None, Some(d), _) => {
                let more = match app.damage.len() {
                    1 => String::new(),
                    n => format!(" (+{} more)", n - 1),
                };
                (format!(" damaged: {d}{more}"), t.fg(Color::Red))
            }
            (None, None, Some(c)) => (format!(" comment: {c}"), t.fg(Color::Yellow)),
            (None, None, None) => (footer_keys(app, r.width as usize), t.dim()),
        },
    };
    f.render_widget(Paragraph::new(Line::styled(text, style)), r);
}

/// The footer's reminder of the keys: what space does now, and the panels hidden;
/// the least wanted left out where they do not fit in `width`.
fn footer_keys(app: &App, width: usize) -> String {
    let space = match app.status() {
        "LIVE" | "PLAYING" => "pause",
        "PAUSED" => "resume",
        _ => "play",
    };
    let hidden: String = Panel::ALL
        .iter()
        .filter(|p| app.shown(**p) == Shown::Collapsed)
        .map(|p| p.digit())
        .collect();
    let hidden = if hidden.is_empty() {
        String::new()
    } else {
        format!("  hidden: {hidden}")
    };
    let space = format!("space {space}");
    // (rank, text): rank 0 always shown.
    let parts: Vec<(u8, &str)> = match (app.source, app.has_procs()) {
        (Source::Live, _) => vec![
            (0, "? help"),
            (0, "q quit"),
            (0, &space),
            (2, "←→ back"),
            (1, "gmdscG views"),
            (1, "PMT sort"),
            (3, "F follow"),
            (1, "1-6 panels"),
            (4, "/ filter"),
        ],
        (Source::Replay, procs) => vec![
            (0, "? help"),
            (0, "q quit"),
            (0, &space),
            (1, "←→ step"),
            (2, "j jump"),
            (if procs { 1 } else { 9 }, "gmdscG views"),
            (if procs { 9 } else { 1 }, "G cgroups"),
            (3, "zZ zoom"),
            (1, "1-6 panels"),
            (if procs { 4 } else { 9 }, "/ filter"),
        ],
    };
    // Without a process table its keys are no use.
    let parts: Vec<(u8, &str)> = parts.into_iter().filter(|(r, _)| *r < 9).collect();
    let mut parts = parts;
    let len = |p: &[(u8, &str)]| -> usize {
        p.iter().map(|(_, s)| s.chars().count() + 2).sum::<usize>() + hidden.chars().count()
    };
    while len(&parts) > width {
        let worst = parts.iter().map(|(r, _)| *r).max().unwrap_or(0);
        match parts.iter().rposition(|(r, _)| *r == worst) {
            Some(i) if worst > 0 => {
                parts.remove(i);
            }
            _ => break,
        }
    }
    let text: Vec<&str> = parts.iter().map(|(_, s)| *s).collect();
    format!(" {}{hidden}", text.join("  "))
}

fn help(f: &mut Frame, area: Rect, t: Theme) {
    let w = 84.min(area.width);
    let h = (KEYS.len() as u16 + 2).min(area.height);
    let r = Rect {
        x: area.x + (area.width - w) / 2,
        y: area.y + (area.height - h) / 2,
        width: w,
        height: h,
    };
    let lines: Vec<Line> = KEYS
        .iter()
        .map(|(k, what)| {
            Line::from(vec![
                Span::styled(format!(" {k:<14}"), t.bold()),
                Span::raw(*what),
            ])
        })
        .collect();
    f.render_widget(Clear, r);
    f.render_widget(
        Paragraph::new(lines).block(Block::default().borders(Borders::ALL).title(" Keys ")),
        r,
    );
}
