//! `--format svg`: one self-contained SVG with a chart per report on a shared time axis —
//! CPU as stacked %usr/%sys/%iowait/%steal, load and run queue, memory, swap, per-disk
//! throughput and %util, per-interface throughput, and a line chart of the columns of any
//! other report. Times are labelled in the report's zone; restarts are marked; a gap in the
//! data is a gap in the lines. The intervals are summed into a bounded number of columns
//! as they come (`columns`), and drawn at the end.

mod columns;

use super::{disk_shown, ChartKind, Render, Rows, Selection, Table};
use crate::sample::HostFacts;
use crate::stats::IntervalStats;
use crate::time::Zone;
use columns::Columns;
use std::fmt::Write as _;
use std::io::{self, Write};

const WIDTH: f64 = 1100.0;
const CHART_H: f64 = 190.0;
const LEFT: f64 = 78.0;
const RIGHT: f64 = 24.0;
const TOP_PAD: f64 = 34.0;
const BOTTOM_PAD: f64 = 30.0;
const PALETTE: [&str; 10] = [
    "#1f77b4", "#d62728", "#ff7f0e", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#17becf",
    "#7f7f7f", "#bcbd22",
];

/// One line (or band) of a chart.
struct Series {
    name: String,
    points: Vec<Option<f64>>,
    dashed: bool,
    /// Index into the palette: the read and write lines of one disk share a colour.
    color: usize,
}

struct Chart {
    title: String,
    unit: &'static str,
    series: Vec<Series>,
    stacked: bool,
    /// Percent charts top at 100 unless a value is above it.
    percent: bool,
}

pub struct Svg<W: Write> {
    out: W,
    sel: Selection,
    zone: Zone,
    host: Option<HostFacts>,
    /// The intervals as they stream in, summed into a bounded number of groups.
    columns: Columns,
    /// The columns to draw, one per pixel at most: filled at the end from `columns`.
    intervals: Vec<IntervalStats>,
    restarts: Vec<i64>,
}

/// Groups kept while reading, per pixel of the plot's width: a log of up to this many
/// intervals per pixel is drawn exactly as if every interval had been kept, and memory
/// stays the same however long the log.
const KEPT_PER_PIXEL: usize = 4;

impl<W: Write> Svg<W> {
    pub fn new(out: W, sel: Selection, zone: Zone) -> Self {
        Svg {
            out,
            sel,
            zone,
            host: None,
            columns: Columns::new(KEPT_PER_PIXEL * (WIDTH - LEFT - RIGHT) as usize),
            intervals: Vec::new(),
            restarts: Vec::new(),
        }
    }

    fn series(&self, name: &str, f: impl Fn(&IntervalStats) -> Option<f64>) -> Series {
        Series {
            name: name.to_string(),
            points: self.intervals.iter().map(f).collect(),
            dashed: false,
            color: usize::MAX,
        }
    }

    /// The charts for the reports asked for, in sar's order.
    fn charts(&self) -> Vec<Chart> {
        let mut charts = Vec::new();
        for t in self.sel.tables() {
            match t.report().chart {
                ChartKind::CpuStates => charts.push(Chart {
                    title: "CPU utilisation (all CPUs)".into(),
                    unit: "%",
                    series: vec![
                        self.series("%usr", |s| Some(s.cpu.all.util().user)),
                        self.series("%sys", |s| Some(s.cpu.all.util().system)),
                        self.series("%iowait", |s| Some(s.cpu.all.util().iowait)),
                        self.series("%steal", |s| Some(s.cpu.all.util().steal)),
                    ],
                    stacked: true,
                    percent: true,
                }),
                ChartKind::Load => charts.push(Chart {
                    title: "Load average and run queue".into(),
                    unit: "tasks",
                    series: vec![
                        self.series("ldavg-1", |s| s.queue.map(|q| q.mean().ldavg_1)),
                        self.series("ldavg-5", |s| s.queue.map(|q| q.mean().ldavg_5)),
                        self.series("ldavg-15", |s| s.queue.map(|q| q.mean().ldavg_15)),
                        self.series("runq-sz", |s| s.queue.map(|q| q.mean().runq_sz)),
                        self.series("blocked", |s| s.queue.map(|q| q.mean().blocked)),
                    ],
                    stacked: false,
                    percent: false,
                }),
                ChartKind::Memory => {
                    let gib = |v: f64| v / 1024.0 / 1024.0;
                    let mut series = vec![
                        self.series("used", |s| s.memory.map(|m| gib(m.mean().memused))),
                        self.series("cached", |s| s.memory.map(|m| gib(m.mean().cached))),
                        self.series("available", |s| s.memory.map(|m| gib(m.mean().avail))),
                    ];
                    if !self.sel.asks(Table::Swap) {
                        let mut sw =
                            self.series("swap used", |s| s.swap.map(|w| gib(w.mean().swpused)));
                        sw.dashed = true;
                        series.push(sw);
                    }
                    charts.push(Chart {
                        title: "Memory".into(),
                        unit: "GiB",
                        series,
                        stacked: false,
                        percent: false,
                    });
                }
                ChartKind::Swap => charts.push(Chart {
                    title: "Swap".into(),
                    unit: "GiB",
                    series: vec![
                        self.series("used", |s| s.swap.map(|w| w.mean().swpused / 1048576.0)),
                        self.series("cached", |s| s.swap.map(|w| w.mean().swpcad / 1048576.0)),
                    ],
                    stacked: false,
                    percent: false,
                }),
                ChartKind::DiskTraffic => {
                    let names = self.busiest(t, |s| {
                        s.disks
                            .iter()
                            .filter(|d| disk_shown(d))
                            .map(|d| {
                                (
                                    d.name.clone(),
                                    d.rates(s.seconds).rkb + d.rates(s.seconds).wkb,
                                )
                            })
                            .collect()
                    });
                    let disk = |name: &str, f: fn(&crate::stats::DiskRates) -> f64| {
                        let name = name.to_string();
                        move |s: &IntervalStats| {
                            s.disks
                                .iter()
                                .find(|d| d.name == name)
                                .map(|d| f(&d.rates(s.seconds)))
                        }
                    };
                    let mut tput = Vec::new();
                    let mut util = Vec::new();
                    for (i, n) in names.iter().enumerate() {
                        let mut r = self.series(&format!("{n} read"), disk(n, |r| r.rkb));
                        r.color = i;
                        tput.push(r);
                        let mut w = self.series(&format!("{n} write"), disk(n, |r| r.wkb));
                        w.dashed = true;
                        w.color = i;
                        tput.push(w);
                        let mut u = self.series(n, disk(n, |r| r.util));
                        u.color = i;
                        util.push(u);
                    }
                    charts.push(Chart {
                        title: "Disk throughput".into(),
                        unit: "kB/s",
                        series: tput,
                        stacked: false,
                        percent: false,
                    });
                    charts.push(Chart {
                        title: "Disk utilisation".into(),
                        unit: "%util",
                        series: util,
                        stacked: false,
                        percent: true,
                    });
                }
                ChartKind::NetTraffic => {
                    let names = self.busiest(t, |s| {
                        s.net
                            .iter()
                            .map(|n| {
                                let r = n.rates(s.seconds);
                                (n.name.clone(), r.rxkb + r.txkb)
                            })
                            .collect()
                    });
                    let mut series = Vec::new();
                    for (c, n) in names.iter().enumerate() {
                        let (a, b) = (n.clone(), n.clone());
                        let mut rx = self.series(&format!("{n} rx"), move |s| {
                            s.net
                                .iter()
                                .find(|i| i.name == a)
                                .map(|i| i.rates(s.seconds).rxkb)
                        });
                        rx.color = c;
                        series.push(rx);
                        let mut tx = self.series(&format!("{n} tx"), move |s| {
                            s.net
                                .iter()
                                .find(|i| i.name == b)
                                .map(|i| i.rates(s.seconds).txkb)
                        });
                        tx.dashed = true;
                        tx.color = c;
                        series.push(tx);
                    }
                    charts.push(Chart {
                        title: "Network throughput".into(),
                        unit: "kB/s",
                        series,
                        stacked: false,
                        percent: false,
                    });
                }
                ChartKind::Columns { percent } if t.report().item.is_some() => {
                    charts.extend(self.item_charts(t, percent));
                }
                ChartKind::Columns { percent } => charts.push(self.columns_chart(t, percent)),
            }
        }
        charts
    }

    /// A line per column of a one-row report.
    fn columns_chart(&self, t: Table, percent: bool) -> Chart {
        let cols = t.columns(&self.sel);
        let series = cols
            .iter()
            .enumerate()
            .map(|(i, c)| {
                self.series(c, |s| {
                    if !t.available(s) {
                        return None;
                    }
                    t.rows(&self.sel, s)
                        .first()
                        .and_then(|r| match r.cells.get(i) {
                            Some(super::Cell::Real(v) | super::Cell::Whole(v)) => Some(*v),
                            None => None,
                        })
                })
            })
            .collect();
        // The catalogue's title, and its columns' unit when they share one.
        let columns = (t.report().columns)(&self.sel);
        let unit = match columns.split_first() {
            Some((first, rest)) if rest.iter().all(|c| c.unit == first.unit) => first.unit,
            _ if columns.iter().all(|c| c.kind == super::Kind::Whole) => "count",
            _ => "per s / %",
        };
        Chart {
            title: t.report().title.into(),
            unit,
            series,
            stacked: false,
            percent,
        }
    }

    /// A chart per column of a report with items, with a line per item its rows have
    /// (those the selection keeps: `--dev=`, `-I`'s list, `-P`, `-z`), in the order they
    /// first appear. An interval without an item's row is a gap in its line.
    fn item_charts(&self, t: Table, percent: bool) -> Vec<Chart> {
        // Per interval, each row's item and sar's cells.
        let mut scratch = Rows::default();
        let mut items: Vec<String> = Vec::new();
        let per_interval: Vec<Vec<(usize, Vec<f64>)>> = self
            .intervals
            .iter()
            .map(|s| {
                if !t.available(s) {
                    return Vec::new();
                }
                t.values(&self.sel, s, &mut scratch);
                let columns = (t.report().columns)(&self.sel);
                scratch
                    .iter()
                    .map(|(item, values)| {
                        let item = item.unwrap_or("");
                        let at = match items.iter().position(|i| i == item) {
                            Some(at) => at,
                            None => {
                                items.push(item.to_string());
                                items.len() - 1
                            }
                        };
                        let cells = super::sar_cells(columns, values)
                            .map(|c| match c {
                                super::Cell::Real(v) | super::Cell::Whole(v) => v,
                            })
                            .collect();
                        (at, cells)
                    })
                    .collect()
            })
            .collect();
        let columns: Vec<&super::Column> = (t.report().columns)(&self.sel)
            .iter()
            .filter(|c| c.sar.is_some())
            .collect();
        let report = t.report();
        let item_header = report.item.map_or("", |i| i.sar);
        columns
            .iter()
            .enumerate()
            .map(|(col, c)| Chart {
                title: if columns.len() == 1 {
                    format!("{} per {item_header}", report.title)
                } else {
                    format!(
                        "{}: {} per {item_header}",
                        report.title,
                        c.sar.unwrap_or(c.sadf)
                    )
                },
                unit: c.unit,
                series: items
                    .iter()
                    .enumerate()
                    .map(|(at, name)| Series {
                        name: name.clone(),
                        points: per_interval
                            .iter()
                            .map(|rows| {
                                rows.iter()
                                    .find(|(i, _)| *i == at)
                                    .and_then(|(_, cells)| cells.get(col).copied())
                            })
                            .collect(),
                        // Past the palette, the colours come round again dashed.
                        dashed: at / PALETTE.len() % 2 == 1,
                        color: at,
                    })
                    .collect(),
                stacked: false,
                percent: percent || c.kind == super::Kind::Percent,
            })
            .collect()
    }

    /// The items of `t` with the most activity over the whole report (at most 6), so a
    /// machine with hundreds of loop devices still gets a readable chart; only those its
    /// filter keeps (`--dev=`, `--iface=`) when one was given.
    fn busiest(&self, t: Table, f: impl Fn(&IntervalStats) -> Vec<(String, f64)>) -> Vec<String> {
        let kept = t
            .report()
            .item
            .and_then(|i| i.filter)
            .and_then(|filter| self.sel.kept(filter));
        let mut total: Vec<(String, f64)> = Vec::new();
        for s in &self.intervals {
            for (name, v) in f(s) {
                if kept.is_some_and(|k| !k.contains(&name)) {
                    continue;
                }
                match total.iter_mut().find(|(n, _)| *n == name) {
                    Some((_, t)) => *t += v,
                    None => total.push((name, v)),
                }
            }
        }
        let any_active = total.iter().any(|(_, v)| *v > 0.0);
        total.retain(|(_, v)| *v > 0.0 || !any_active);
        total.sort_by(|a, b| b.1.total_cmp(&a.1));
        total.into_iter().take(6).map(|(n, _)| n).collect()
    }
}

/// Height of a row of a chart's legend.
const LEGEND_ROW: f64 = 16.0;

/// Where a chart's legend entries go: right-aligned rows above the plot, the top one
/// beside the title; a legend wider than that (a report of many items) takes more rows,
/// and the chart grows by them.
struct Legend {
    /// Per series: its x, and its row counted up from the plot.
    at: Vec<(f64, usize)>,
    rows: usize,
}

impl Legend {
    fn of(chart: &Chart) -> Legend {
        let width = |s: &Series| 26.0 + 7.0 * s.name.chars().count() as f64;
        // The title's width, roughly, at its 14 px bold.
        let title_end = LEFT + 8.5 * chart.title.chars().count() as f64 + 16.0;
        let room = |top_row: bool| WIDTH - RIGHT - if top_row { title_end } else { LEFT };
        // Rows from the top, filled in order; then counted up from the plot.
        let mut rows: Vec<Vec<usize>> = vec![Vec::new()];
        let mut used = 0.0;
        for (k, s) in chart.series.iter().enumerate() {
            let w = width(s);
            let n = rows.len();
            if let Some(row) = rows.last_mut() {
                if row.is_empty() || used + w <= room(n == 1) {
                    row.push(k);
                    used += w;
                    continue;
                }
            }
            rows.push(vec![k]);
            used = w;
        }
        let n = rows.len();
        let mut at = vec![(0.0, 0); chart.series.len()];
        for (r, row) in rows.iter().enumerate() {
            let mut lx = WIDTH - RIGHT;
            for &k in row.iter().rev() {
                lx -= width(&chart.series[k]);
                at[k] = (lx, n - 1 - r);
            }
        }
        Legend { at, rows: n }
    }

    /// What the rows past the first add above the plot.
    fn extra_height(&self) -> f64 {
        LEGEND_ROW * self.rows.saturating_sub(1) as f64
    }
}

/// A round number ≥ `v` for the top of an axis, and the step of its gridlines.
fn nice_max(v: f64) -> (f64, f64) {
    if v.is_nan() || v <= 0.0 {
        return (1.0, 0.25);
    }
    let exp = v.log10().floor();
    let base = 10f64.powf(exp);
    for m in [1.0, 2.0, 2.5, 5.0, 10.0] {
        if v <= m * base {
            let top = m * base;
            let step = if m == 2.5 { top / 5.0 } else { top / 4.0 };
            return (top, step);
        }
    }
    (10.0 * base, 2.5 * base)
}

/// A tick step in seconds giving about `n` ticks over `span` seconds.
fn tick_step(span: f64, n: f64) -> i64 {
    const STEPS: [i64; 16] = [
        1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600,
    ];
    let want = span / n;
    STEPS
        .iter()
        .copied()
        .find(|&s| s as f64 >= want)
        .unwrap_or(((want / 86400.0).ceil() as i64).max(1) * 86400)
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

impl<W: Write> Svg<W> {
    fn draw(&mut self) -> io::Result<()> {
        // More intervals than pixels make a smear: neighbours are merged (never across a
        // restart or a gap) into at most about one per pixel, averaged as `Average:` does.
        let columns = std::mem::replace(&mut self.columns, Columns::new(0));
        let n = columns.intervals();
        self.intervals = columns.finish((WIDTH - LEFT - RIGHT) as usize, &self.restarts);
        let charts = self.charts();
        let (t0, t1) = match (self.intervals.first(), self.intervals.last()) {
            (Some(a), Some(b)) => (a.start_ns, b.end_ns),
            _ => (0, 1),
        };
        let span_s = ((t1 - t0) as f64 / 1e9).max(1.0);
        let plot_w = WIDTH - LEFT - RIGHT;
        let x = |ns: i64| LEFT + (ns - t0) as f64 / 1e9 / span_s * plot_w;
        let header_h = 54.0;
        let legends: Vec<Legend> = charts.iter().map(Legend::of).collect();
        let height = header_h
            + legends
                .iter()
                .map(|l| CHART_H + TOP_PAD + BOTTOM_PAD + l.extra_height())
                .sum::<f64>()
            + 10.0;
        let mut o = String::new();
        let _ = writeln!(
            o,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{WIDTH}\" height=\"{height}\" viewBox=\"0 0 {WIDTH} {height}\" font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\" font-size=\"12\">\n<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>"
        );
        let host = self.host.clone().unwrap_or_default();
        let fmt_time = |ns: i64, f: &str| -> String { self.zone.at(ns).format(f).to_string() };
        // "(UTC)", or the offset after it: "(UTC+05:30)".
        let zone_name = match self.zone {
            Zone::Utc => String::new(),
            Zone::Local | Zone::Fixed(_) => fmt_time(t0, "%:z"),
        };
        let _ = writeln!(
            o,
            "<text x=\"{LEFT}\" y=\"24\" font-size=\"17\" font-weight=\"bold\">{} — {} {} ({} CPU)</text>\n<text x=\"{LEFT}\" y=\"43\" fill=\"#444\">{} to {} (UTC{}), {} intervals</text>",
            esc(&host.hostname),
            esc(&host.sysname),
            esc(&host.release),
            host.cpu_count,
            fmt_time(t0, "%Y-%m-%d %H:%M:%S"),
            fmt_time(t1, "%Y-%m-%d %H:%M:%S"),
            zone_name,
            n
        );
        // Where a line breaks: a restart, or a gap much longer than the usual interval.
        let mut typical: Vec<f64> = self.intervals.iter().map(|s| s.seconds).collect();
        typical.sort_by(f64::total_cmp);
        let usual = typical.get(typical.len() / 2).copied().unwrap_or(1.0);
        let breaks: Vec<bool> = self
            .intervals
            .iter()
            .enumerate()
            .map(|(i, s)| {
                i > 0 && {
                    let prev = &self.intervals[i - 1];
                    s.start_ns != prev.end_ns
                        || self
                            .restarts
                            .iter()
                            .any(|&r| r > prev.end_ns && r <= s.end_ns)
                        || s.seconds > 3.0 * usual
                }
            })
            .collect();
        let step = tick_step(span_s, 8.0);
        let multi_day = fmt_time(t0, "%F") != fmt_time(t1, "%F");
        let mut chart_at = header_h;
        for (ci, (chart, legend)) in charts.iter().zip(&legends).enumerate() {
            let top = chart_at + TOP_PAD + legend.extra_height();
            chart_at = top + CHART_H + BOTTOM_PAD;
            let bottom = top + CHART_H;
            // Values, stacked if asked.
            let mut values: Vec<Vec<Option<f64>>> =
                chart.series.iter().map(|s| s.points.clone()).collect();
            if chart.stacked {
                for k in 1..values.len() {
                    let (below, rest) = values.split_at_mut(k);
                    for (v, b) in rest[0].iter_mut().zip(&below[k - 1]) {
                        if let (Some(a), Some(b)) = (v.as_mut(), b) {
                            *a += b;
                        }
                    }
                }
            }
            let vmax = values
                .iter()
                .flatten()
                .flatten()
                .copied()
                .fold(0.0, f64::max);
            let (ymax, ystep) = if chart.percent && vmax <= 100.0 {
                (100.0, 25.0)
            } else {
                nice_max(vmax)
            };
            let y = |v: f64| bottom - (v / ymax).clamp(0.0, 1.05) * CHART_H;
            let _ = writeln!(
                o,
                "<g class=\"chart\" id=\"chart-{ci}\">\n<text x=\"{LEFT}\" y=\"{:.1}\" font-size=\"14\" font-weight=\"bold\">{}</text>\n<text x=\"12\" y=\"{:.1}\" fill=\"#444\" transform=\"rotate(-90 12 {:.1})\" text-anchor=\"middle\" class=\"unit\">{}</text>",
                top - 10.0 - legend.extra_height(),
                esc(&chart.title),
                (top + bottom) / 2.0,
                (top + bottom) / 2.0,
                esc(chart.unit)
            );
            // Grid and y labels.
            let mut g = 0.0;
            while g <= ymax + ystep / 2.0 {
                let yy = y(g);
                let _ = writeln!(
                    o,
                    "<line x1=\"{LEFT}\" y1=\"{yy:.1}\" x2=\"{:.1}\" y2=\"{yy:.1}\" stroke=\"#dddddd\"/><text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\" fill=\"#444\">{}</text>",
                    WIDTH - RIGHT,
                    LEFT - 6.0,
                    yy + 4.0,
                    super::compact(g)
                );
                g += ystep;
            }
            // Time ticks, aligned to the step in the report's zone.
            let offset = i64::from(self.zone.offset_at(t0));
            let first = ((t0 / 1_000_000_000 + offset).div_euclid(step) + 1) * step - offset;
            let mut tick = first;
            while tick * 1_000_000_000 <= t1 {
                let xx = x(tick * 1_000_000_000);
                let ns = tick * 1_000_000_000;
                let label = if multi_day && (tick + offset).rem_euclid(86400) == 0 {
                    fmt_time(ns, "%m-%d")
                } else if step < 60 {
                    fmt_time(ns, "%H:%M:%S")
                } else {
                    fmt_time(ns, "%H:%M")
                };
                let _ = writeln!(
                    o,
                    "<line x1=\"{xx:.1}\" y1=\"{top:.1}\" x2=\"{xx:.1}\" y2=\"{bottom:.1}\" stroke=\"#eeeeee\"/><text x=\"{xx:.1}\" y=\"{:.1}\" text-anchor=\"middle\" fill=\"#444\" class=\"tick\">{label}</text>",
                    bottom + 16.0
                );
                tick += step;
            }
            let _ = writeln!(
                o,
                "<rect x=\"{LEFT}\" y=\"{top:.1}\" width=\"{plot_w:.1}\" height=\"{CHART_H}\" fill=\"none\" stroke=\"#999999\"/>"
            );
            // Series: bands for stacked charts (drawn top first), lines otherwise.
            let order: Vec<usize> = if chart.stacked {
                (0..values.len()).rev().collect()
            } else {
                (0..values.len()).collect()
            };
            let color_of = |k: usize| {
                let c = chart.series[k].color;
                PALETTE[if c == usize::MAX { k } else { c } % PALETTE.len()]
            };
            for k in order {
                let color = color_of(k);
                let mut runs: Vec<Vec<(f64, f64, f64)>> = Vec::new();
                for (i, s) in self.intervals.iter().enumerate() {
                    let Some(v) = values[k][i] else {
                        runs.push(Vec::new());
                        continue;
                    };
                    if breaks[i] || runs.is_empty() {
                        runs.push(Vec::new());
                    }
                    let base = if chart.stacked && k > 0 {
                        values[k - 1][i].unwrap_or(0.0)
                    } else {
                        0.0
                    };
                    if let Some(run) = runs.last_mut() {
                        // An interval's value holds from its start to its end.
                        run.push((x(s.start_ns), y(v), y(base)));
                        run.push((x(s.end_ns), y(v), y(base)));
                    }
                }
                for run in runs.iter().filter(|r| !r.is_empty()) {
                    if chart.stacked {
                        let mut d = String::new();
                        for (i, (px, py, _)) in run.iter().enumerate() {
                            let _ = write!(d, "{}{px:.1},{py:.1} ", if i == 0 { "M" } else { "L" });
                        }
                        for (px, _, pb) in run.iter().rev() {
                            let _ = write!(d, "L{px:.1},{pb:.1} ");
                        }
                        d.push('Z');
                        let _ = writeln!(
                            o,
                            "<path d=\"{d}\" fill=\"{color}\" fill-opacity=\"0.75\" stroke=\"none\"/>"
                        );
                    } else {
                        let pts: Vec<String> = run
                            .iter()
                            .map(|(px, py, _)| format!("{px:.1},{py:.1}"))
                            .collect();
                        let _ = writeln!(
                            o,
                            "<polyline points=\"{}\" fill=\"none\" stroke=\"{color}\" stroke-width=\"1.6\"{}/>",
                            pts.join(" "),
                            if chart.series[k].dashed { " stroke-dasharray=\"5,3\"" } else { "" }
                        );
                    }
                }
            }
            // Restart markers.
            for &r in &self.restarts {
                if r >= t0 && r <= t1 {
                    let xx = x(r);
                    // The label goes left of the line near the right edge.
                    let (lx, anchor) = if xx > WIDTH - RIGHT - 60.0 {
                        (xx - 3.0, "end")
                    } else {
                        (xx + 3.0, "start")
                    };
                    let _ = writeln!(
                        o,
                        "<line x1=\"{xx:.1}\" y1=\"{top:.1}\" x2=\"{xx:.1}\" y2=\"{bottom:.1}\" stroke=\"#c00000\" stroke-width=\"1.5\" stroke-dasharray=\"4,3\" class=\"restart\"/><text x=\"{lx:.1}\" y=\"{:.1}\" fill=\"#c00000\" text-anchor=\"{anchor}\">restart</text>",
                        top + 12.0
                    );
                }
            }
            // Legend, right-aligned above the plot, in as many rows as it needs.
            for (k, s) in chart.series.iter().enumerate().rev() {
                let (lx, row_up) = legend.at[k];
                let ly = top - 14.0 - LEGEND_ROW * row_up as f64;
                let color = color_of(k);
                let _ = writeln!(
                    o,
                    "<line x1=\"{lx:.1}\" y1=\"{:.1}\" x2=\"{:.1}\" y2=\"{:.1}\" stroke=\"{color}\" stroke-width=\"{}\"{}/><text x=\"{:.1}\" y=\"{:.1}\" class=\"legend\">{}</text>",
                    ly,
                    lx + 16.0,
                    ly,
                    if chart.stacked { 8 } else { 2 },
                    if s.dashed { " stroke-dasharray=\"5,3\"" } else { "" },
                    lx + 20.0,
                    ly + 4.0,
                    esc(&s.name)
                );
            }
            o.push_str("</g>\n");
        }
        if self.intervals.is_empty() {
            let _ = writeln!(
                o,
                "<text x=\"{LEFT}\" y=\"80\">No intervals to chart.</text>"
            );
        }
        o.push_str("</svg>\n");
        self.out.write_all(o.as_bytes())?;
        self.out.flush()
    }
}

impl<W: Write> Render for Svg<W> {
    fn begin(&mut self, host: &HostFacts, _: i64) -> io::Result<()> {
        self.sel.on_host(host);
        self.host = Some(host.clone());
        Ok(())
    }

    fn interval(&mut self, stats: &IntervalStats) -> io::Result<()> {
        if self.columns.intervals() == 0 {
            self.sel.on_data(stats);
        }
        self.columns.push(stats, &self.restarts);
        Ok(())
    }

    fn restart(&mut self, wall_ns: i64, _: u32) -> io::Result<()> {
        self.restarts.push(wall_ns);
        Ok(())
    }

    fn comment(&mut self, _: i64, _: &str) -> io::Result<()> {
        Ok(())
    }

    fn finish(&mut self) -> io::Result<()> {
        self.draw()
    }
}
