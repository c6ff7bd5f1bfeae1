//! Drawing the screen from the app's state (never changing it). Layout adapts to the
//! terminal: at 80×24 the essentials, on larger screens history charts and sparklines.

use super::app::{App, Input, SortKey, Source, KEYS};
use super::model::Snapshot;
use ratatui::layout::{Constraint, Direction, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::symbols;
use ratatui::text::{Line, Span, Text};
use ratatui::widgets::{
    Axis, Block, Borders, Chart, Clear, Dataset, GraphType, Paragraph, Row, Sparkline, Table,
};
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
const SYS: Color = Color::Red;
const IOW: Color = Color::Yellow;
const STL: Color = Color::Magenta;

/// A number right-aligned in `w` characters, formatted as the charts format it.
fn num(v: f32, w: usize) -> String {
    format!("{:>w$}", crate::report::compact(f64::from(v)))
}

/// kB as GiB/MiB.
fn size(kb: u64) -> String {
    let kb = kb as f64;
    if kb >= 1024.0 * 1024.0 {
        format!("{:.1}G", kb / 1024.0 / 1024.0)
    } else {
        format!("{:.0}M", kb / 1024.0)
    }
}

fn clock(ns: i64, fmt: &str) -> String {
    chrono::DateTime::from_timestamp_nanos(ns)
        .with_timezone(&chrono::Local)
        .format(fmt)
        .to_string()
}

/// A bar of `width` cells: segments of (percent, colour), the rest blank.
fn bar<'a>(parts: &[(f32, Color)], width: usize, t: Theme) -> Vec<Span<'a>> {
    let mut spans = Vec::new();
    let mut used = 0usize;
    for (pct, c) in parts {
        let n = ((pct / 100.0) * width as f32).round().max(0.0) as usize;
        let n = n.min(width - used);
        if n > 0 {
            let ch = if t.color { "█" } else { "#" };
            spans.push(Span::styled(ch.repeat(n), t.fg(*c)));
            used += n;
        }
    }
    spans.push(Span::styled("·".repeat(width - used), t.dim()));
    spans
}

pub fn draw(f: &mut Frame, app: &App, t: Theme) {
    let area = f.area();
    let wide = area.width >= 120 && area.height >= 40;
    let replay = app.source == Source::Replay;
    let mut rows = vec![Constraint::Length(1)]; // header
    rows.push(Constraint::Length(if wide { 9 } else { 6 })); // cpu | memory
    rows.push(Constraint::Length(1)); // load line
    if wide {
        rows.push(Constraint::Length(10)); // history charts
    }
    rows.push(Constraint::Min(4)); // disks | network (and processes)
    if replay {
        rows.push(Constraint::Length(1)); // timeline
    }
    rows.push(Constraint::Length(1)); // footer
    let chunks = Layout::default()
        .direction(Direction::Vertical)
        .constraints(rows)
        .split(area);
    let mut i = 0;
    let mut next = || {
        i += 1;
        chunks[i - 1]
    };
    header(f, next(), app, t);
    let snap = app.current();
    let top = Layout::default()
        .direction(Direction::Horizontal)
        .constraints([Constraint::Percentage(55), Constraint::Percentage(45)])
        .split(next());
    cpu_panel(f, top[0], snap, t);
    memory_panel(f, top[1], snap, t);
    load_line(f, next(), snap, t);
    if wide {
        history(f, next(), app, t);
    }
    devices_and_procs(f, next(), app, snap, wide, t);
    if replay {
        timeline(f, next(), app, t);
    }
    footer(f, next(), app, t);
    if app.show_help {
        help(f, area, t);
    }
}

fn header(f: &mut Frame, r: Rect, app: &App, t: Theme) {
    let h = &app.host;
    let when = app
        .current()
        .map(|s| clock(s.end_ns, "%Y-%m-%d %H:%M:%S"))
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
    if app.source == Source::Live {
        spans.push(Span::raw(format!("{uptime}  ")));
    }
    spans.push(Span::raw(format!("{when}  ")));
    spans.push(Span::styled(app.status(), status_style));
    if app.source == Source::Replay {
        spans.push(Span::raw(format!(
            "  {}/{}  ×{}",
            app.cursor + 1,
            app.timeline.len(),
            app.speed()
        )));
    } else {
        spans.push(Span::raw(format!(
            "  every {:.1}s",
            app.refresh.as_secs_f64()
        )));
    }
    f.render_widget(Paragraph::new(Line::from(spans)), r);
}

fn cpu_panel(f: &mut Frame, r: Rect, s: Option<&Snapshot>, t: Theme) {
    let block = Block::default().borders(Borders::ALL).title(" CPU ");
    let inner = block.inner(r);
    f.render_widget(block, r);
    let Some(s) = s else { return };
    let w = inner.width.saturating_sub(14) as usize;
    let [user, _nice, system, iowait, steal, _idle] = s.cpu;
    let mut lines = vec![Line::from(
        [
            vec![Span::raw("all  ")],
            bar(
                &[(user, USR), (system, SYS), (iowait, IOW), (steal, STL)],
                w.max(1),
                t,
            ),
            vec![Span::raw(format!(" {}%", num(100.0 - s.cpu[5], 5)))],
        ]
        .concat(),
    )];
    lines.push(Line::from(vec![
        Span::styled(format!("usr {:.1}", user), t.fg(USR)),
        Span::raw("  "),
        Span::styled(format!("sys {:.1}", system), t.fg(SYS)),
        Span::raw("  "),
        Span::styled(format!("wa {:.1}", iowait), t.fg(IOW)),
        Span::raw("  "),
        Span::styled(format!("st {:.1}", steal), t.fg(STL)),
    ]));
    let room = inner.height.saturating_sub(2) as usize;
    for (n, &busy) in s.per_cpu.iter().enumerate().take(room) {
        let line = if busy == super::model::OFFLINE {
            vec![Span::styled(format!("{n:<4} offline"), t.dim())]
        } else {
            let b = f32::from(busy);
            [
                vec![Span::raw(format!("{n:<4} "))],
                bar(&[(b, Color::Cyan)], w.max(1), t),
                vec![Span::raw(format!(" {}%", num(b, 5)))],
            ]
            .concat()
        };
        lines.push(Line::from(line));
    }
    f.render_widget(Paragraph::new(lines), inner);
}

fn memory_panel(f: &mut Frame, r: Rect, s: Option<&Snapshot>, t: Theme) {
    let block = Block::default().borders(Borders::ALL).title(" Memory ");
    let inner = block.inner(r);
    f.render_widget(block, r);
    let Some(s) = s else { return };
    let [total, used, cached, avail, _buffers] = s.mem;
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
    if s.swap[0] > 0 {
        lines.push(row("swap", s.swap[1], s.swap[0], Color::Magenta));
    } else {
        lines.push(Line::styled("swap  none", t.dim()));
    }
    lines.push(Line::styled(format!("total {}", size(total)), t.dim()));
    f.render_widget(Paragraph::new(lines), inner);
}

fn load_line(f: &mut Frame, r: Rect, s: Option<&Snapshot>, t: Theme) {
    let Some(s) = s else { return };
    let psi = |v: Option<f32>| v.map_or("-".to_string(), |v| format!("{v:.1}%"));
    let line = Line::from(vec![
        Span::styled(" load ", t.bold()),
        Span::raw(format!(
            "{:.2} {:.2} {:.2}",
            s.load[0], s.load[1], s.load[2]
        )),
        Span::styled("  runq ", t.bold()),
        Span::raw(s.runq.to_string()),
        Span::styled("  tasks ", t.bold()),
        Span::raw(s.tasks.to_string()),
        Span::styled("  blocked ", t.bold()),
        Span::raw(s.blocked.to_string()),
        Span::styled("  psi ", t.bold()),
        Span::raw(format!(
            "cpu {} io {} mem {}",
            psi(s.psi[0]),
            psi(s.psi[1]),
            psi(s.psi[2])
        )),
    ]);
    f.render_widget(Paragraph::new(line), r);
}

/// CPU and memory over the last intervals up to the cursor.
fn history(f: &mut Frame, r: Rect, app: &App, t: Theme) {
    let halves = Layout::default()
        .direction(Direction::Horizontal)
        .constraints([Constraint::Percentage(50), Constraint::Percentage(50)])
        .split(r);
    let width = halves[0].width.saturating_sub(10) as usize;
    let end = (app.cursor + 1).min(app.timeline.len());
    let start = end.saturating_sub(width.max(10));
    let window = &app.timeline[start..end];
    let series = |f: &dyn Fn(&Snapshot) -> f32| -> Vec<(f64, f64)> {
        window
            .iter()
            .enumerate()
            .map(|(i, s)| (i as f64, f(s) as f64))
            .collect()
    };
    let usr = series(&|s| s.cpu[0]);
    let sys = series(&|s| s.cpu[2]);
    let iow = series(&|s| s.cpu[3]);
    let stl = series(&|s| s.cpu[4]);
    let n = window.len().max(2) as f64 - 1.0;
    let ds = |name: &'static str, c: Color| {
        Dataset::default()
            .name(name)
            .marker(symbols::Marker::Braille)
            .graph_type(GraphType::Line)
            .style(t.fg(c))
    };
    let labels = |w: &[Snapshot]| {
        vec![
            Span::raw(
                w.first()
                    .map(|s| clock(s.end_ns, "%H:%M:%S"))
                    .unwrap_or_default(),
            ),
            Span::raw(
                w.last()
                    .map(|s| clock(s.end_ns, "%H:%M:%S"))
                    .unwrap_or_default(),
            ),
        ]
    };
    let chart = Chart::new(vec![
        ds("%usr", USR).data(&usr),
        ds("%sys", SYS).data(&sys),
        ds("%iowait", IOW).data(&iow),
        ds("%steal", STL).data(&stl),
    ])
    .block(
        Block::default()
            .borders(Borders::ALL)
            .title(" CPU history (%) "),
    )
    .x_axis(Axis::default().bounds([0.0, n]).labels(labels(window)))
    .y_axis(Axis::default().bounds([0.0, 100.0]).labels(vec![
        Span::raw("0"),
        Span::raw("50"),
        Span::raw("100"),
    ]));
    f.render_widget(chart, halves[0]);
    let total = window.iter().map(|s| s.mem[0]).max().unwrap_or(1).max(1) as f64 / 1048576.0;
    let used = series(&|s| s.mem[1] as f32 / 1048576.0);
    let cached = series(&|s| s.mem[2] as f32 / 1048576.0);
    let avail = series(&|s| s.mem[3] as f32 / 1048576.0);
    let chart = Chart::new(vec![
        ds("used", Color::Red).data(&used),
        ds("cache", Color::Blue).data(&cached),
        ds("avail", Color::Green).data(&avail),
    ])
    .block(
        Block::default()
            .borders(Borders::ALL)
            .title(" Memory history (GiB) "),
    )
    .x_axis(Axis::default().bounds([0.0, n]).labels(labels(window)))
    .y_axis(
        Axis::default()
            .bounds([0.0, total])
            .labels(vec![Span::raw("0"), Span::raw(format!("{total:.0}"))]),
    );
    f.render_widget(chart, halves[1]);
}

fn devices_and_procs(
    f: &mut Frame,
    r: Rect,
    app: &App,
    s: Option<&Snapshot>,
    wide: bool,
    t: Theme,
) {
    let live = app.source == Source::Live;
    let parts = if live {
        Layout::default()
            .direction(Direction::Vertical)
            .constraints([Constraint::Percentage(40), Constraint::Percentage(60)])
            .split(r)
    } else {
        Layout::default()
            .direction(Direction::Vertical)
            .constraints([Constraint::Percentage(100)])
            .split(r)
    };
    let cols = Layout::default()
        .direction(Direction::Horizontal)
        .constraints([Constraint::Percentage(50), Constraint::Percentage(50)])
        .split(parts[0]);
    if let Some(s) = s {
        disks(f, cols[0], app, s, wide, t);
        nets(f, cols[1], app, s, wide, t);
    }
    if live {
        procs(f, parts[1], app, t);
    }
}

/// The recent values of one device's quantity, for a sparkline.
fn recent(app: &App, width: usize, f: impl Fn(&Snapshot) -> Option<f32>) -> Vec<u64> {
    let end = (app.cursor + 1).min(app.timeline.len());
    let start = end.saturating_sub(width);
    app.timeline[start..end]
        .iter()
        .map(|s| f(s).unwrap_or(0.0).max(0.0) as u64)
        .collect()
}

/// A header row with the numeric columns right-aligned.
fn head_row<'a>(names: &[&'a str], t: Theme) -> Row<'a> {
    Row::new(names.iter().enumerate().map(|(i, n)| {
        let text = Text::from(*n);
        if i == 0 {
            text
        } else {
            text.right_aligned()
        }
    }))
    .style(t.bold())
}

/// A row: the name, then numbers right-aligned.
fn value_row<'a>(name: &str, values: &[f32]) -> Row<'a> {
    let mut cells = vec![Text::from(name.to_string())];
    cells.extend(
        values
            .iter()
            .map(|v| Text::from(num(*v, 0)).right_aligned()),
    );
    Row::new(cells)
}

/// A table of devices or interfaces: one row each, and on wide screens a sparkline of
/// each one's throughput beside its row.
struct DeviceTable<'a> {
    title: &'static str,
    columns: &'a [&'a str],
    widths: &'a [u16],
    /// Name and values of each row.
    rows: Vec<(std::sync::Arc<str>, Vec<f32>)>,
    /// The throughput of the named item in a snapshot, for its sparkline.
    throughput: fn(&Snapshot, &str) -> Option<f32>,
    color: Color,
}

fn device_table(f: &mut Frame, r: Rect, app: &App, table: DeviceTable, wide: bool, t: Theme) {
    let block = Block::default()
        .borders(Borders::ALL)
        .title(format!(" {} ", table.title));
    let inner = block.inner(r);
    f.render_widget(block, r);
    let table_width: u16 = table.widths.iter().map(|w| w + 1).sum();
    let constraints: Vec<Constraint> = if wide && !table.rows.is_empty() {
        vec![Constraint::Length(table_width), Constraint::Min(10)]
    } else {
        vec![Constraint::Min(10)]
    };
    let split = Layout::default()
        .direction(Direction::Horizontal)
        .constraints(constraints)
        .split(inner);
    let rows = table.rows.iter().map(|(n, v)| value_row(n, v));
    let widths: Vec<Constraint> = table
        .widths
        .iter()
        .map(|w| Constraint::Length(*w))
        .collect();
    f.render_widget(
        Table::new(rows, widths).header(head_row(table.columns, t)),
        split[0],
    );
    let Some(&spark) = split.get(1) else { return };
    let room = spark.height.saturating_sub(1) as usize;
    for (i, (name, _)) in table.rows.iter().enumerate().take(room) {
        let area = Rect {
            y: spark.y + 1 + i as u16,
            height: 1,
            ..spark
        };
        let data = recent(app, area.width as usize, |s| (table.throughput)(s, name));
        f.render_widget(
            Sparkline::default().data(&data).style(t.fg(table.color)),
            area,
        );
    }
}

fn disks(f: &mut Frame, r: Rect, app: &App, s: &Snapshot, wide: bool, t: Theme) {
    let table = DeviceTable {
        title: "Disks",
        columns: &["DEV", "tps", "rkB/s", "wkB/s", "await", "%util"],
        widths: &[8, 6, 7, 7, 6, 5],
        rows: s
            .disks
            .iter()
            .map(|d| {
                (
                    d.name.clone(),
                    vec![d.tps, d.rkb, d.wkb, d.await_ms, d.util],
                )
            })
            .collect(),
        throughput: |s, name| {
            s.disks
                .iter()
                .find(|x| &*x.name == name)
                .map(|x| x.rkb + x.wkb)
        },
        color: Color::Cyan,
    };
    device_table(f, r, app, table, wide, t);
}

fn nets(f: &mut Frame, r: Rect, app: &App, s: &Snapshot, wide: bool, t: Theme) {
    let table = DeviceTable {
        title: "Network",
        columns: &["IFACE", "rxkB/s", "txkB/s", "rxpck/s", "txpck/s"],
        widths: &[8, 7, 7, 7, 7],
        rows: s
            .nets
            .iter()
            .map(|n| (n.name.clone(), vec![n.rxkb, n.txkb, n.rxpck, n.txpck]))
            .collect(),
        throughput: |s, name| {
            s.nets
                .iter()
                .find(|x| &*x.name == name)
                .map(|x| x.rxkb + x.txkb)
        },
        color: Color::Green,
    };
    device_table(f, r, app, table, wide, t);
}

fn procs(f: &mut Frame, r: Rect, app: &App, t: Theme) {
    let sort = match app.sort {
        SortKey::Cpu => "%CPU",
        SortKey::Memory => "%MEM",
        SortKey::Pid => "PID",
    };
    let filter = match &app.input {
        Some(Input::Filter(s)) => format!("  filter: {s}▏"),
        _ if !app.filter.is_empty() => format!("  filter: {}", app.filter),
        _ => String::new(),
    };
    let block = Block::default()
        .borders(Borders::ALL)
        .title(format!(" Processes (by {sort}){filter} "));
    let head =
        Row::new(["PID", "USER", "S", "%CPU", "%MEM", "RSS", "TIME", "COMMAND"]).style(t.bold());
    let rows = app.visible_procs().into_iter().map(|p| {
        let user = app
            .users
            .get(&p.uid)
            .cloned()
            .unwrap_or_else(|| p.uid.to_string());
        let secs = p.cpu_seconds as u64;
        Row::new(vec![
            p.pid.to_string(),
            user,
            p.state.to_string(),
            format!("{:.1}", p.cpu_pct),
            format!("{:.1}", p.mem_pct),
            size(p.rss_kb),
            format!("{}:{:02}", secs / 60, secs % 60),
            p.comm.clone(),
        ])
    });
    let widths = [
        Constraint::Length(7),
        Constraint::Length(9),
        Constraint::Length(1),
        Constraint::Length(5),
        Constraint::Length(5),
        Constraint::Length(6),
        Constraint::Length(8),
        Constraint::Min(10),
    ];
    f.render_widget(Table::new(rows, widths).header(head).block(block), r);
}

fn timeline(f: &mut Frame, r: Rect, app: &App, t: Theme) {
    let (Some(first), Some(last)) = (app.timeline.first(), app.timeline.last()) else {
        return;
    };
    let w = r.width.saturating_sub(14) as usize;
    if w < 2 {
        return;
    }
    let span = (last.end_ns - first.end_ns).max(1) as f64;
    let pos =
        |ns: i64| (((ns - first.end_ns) as f64 / span) * (w.saturating_sub(1)) as f64) as usize;
    let mut cells: Vec<Span> = (0..w).map(|_| Span::styled("─", t.dim())).collect();
    for &rs in &app.restarts {
        if rs >= first.end_ns && rs <= last.end_ns {
            let i = pos(rs).min(w.saturating_sub(1));
            cells[i] = Span::styled("R", t.fg(Color::Red));
        }
    }
    if let Some(c) = app.current() {
        let i = pos(c.end_ns).min(w.saturating_sub(1));
        cells[i] = Span::styled("█", t.fg(Color::Cyan));
    }
    let mut line = vec![Span::raw(format!("{} ", clock(first.end_ns, "%H:%M")))];
    line.extend(cells);
    line.push(Span::raw(format!(" {}", clock(last.end_ns, "%H:%M"))));
    f.render_widget(Paragraph::new(Line::from(line)), r);
}

fn footer(f: &mut Frame, r: Rect, app: &App, t: Theme) {
    let text = match &app.input {
        Some(Input::Jump(s)) => format!(" jump to (HH:MM[:SS]): {s}▏"),
        Some(Input::Filter(s)) => format!(" filter processes: {s}▏"),
        None => match &app.message {
            Some(m) => format!(" {m}"),
            None if app.source == Source::Live => {
                " ? help  q quit  space pause  ←→ walk back  +- interval  c/m/p sort  / filter"
                    .into()
            }
            None => " ? help  q quit  space play  ←→ step  j jump  Home/End  [] speed".into(),
        },
    };
    f.render_widget(Paragraph::new(Line::styled(text, t.dim())), r);
}

fn help(f: &mut Frame, area: Rect, t: Theme) {
    let w = 72.min(area.width);
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
                Span::styled(format!(" {k:<12}"), t.bold()),
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
