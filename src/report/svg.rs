//! `--format svg`: one self-contained SVG with a chart per report on a shared time axis —
//! CPU as every state of `-u` stacked (%nice and %idle included), per-CPU busy time as a
//! heatmap with `-P`, load, run queue and task list, every column of memory and swap, the
//! busiest disks' throughput and %util and the busiest interfaces' throughput (saying how
//! many of how many, and every one of them as a heatmap when there are more), and a chart
//! per column of any other report with a line per item (a heatmap past a dozen items).
//! Times are labelled in the report's zone; restarts are marked; a collection gap is drawn
//! as a shaded gap, never as a line across it. Every label is laid out with the font's own
//! widths (`text`), so legends wrap inside the canvas and never cover the plot, the title
//! or each other. The intervals are summed into a bounded number of columns as they come
//! (`columns`), and drawn at the end. Values come from the catalogue's rows, as the
//! tables print them.

mod columns;
mod text;

use super::{Cell, ChartKind, Column, Render, Rows, Selection, Table};
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
const BOTTOM_PAD: f64 = 30.0;
/// Height of a row of a chart's legend.
const LEGEND_ROW: f64 = 16.0;
/// Lines drawn for the busiest items of a traffic chart; past them, a heatmap.
const BUSIEST: usize = 6;
/// Items of a report drawn as lines; past them, a heatmap.
const MOST_LINES: usize = 12;
const PALETTE: [&str; 10] = [
    "#1f77b4", "#d62728", "#ff7f0e", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#17becf",
    "#7f7f7f", "#bcbd22",
];
/// A heatmap's shades, lightest (lowest fifth of its scale) first.
const SHADES: [&str; 5] = ["#deebf7", "#9ecae1", "#4292c6", "#08519c", "#08306b"];

/// One line (or band) of a chart.
struct Series {
    name: String,
    points: Vec<Option<f64>>,
    dashed: bool,
    /// Its colour; `None`: the palette's, by position.
    color: Option<&'static str>,
}

/// How a chart draws its series.
enum Plot {
    Lines,
    /// Bands stacked in order, the first at the bottom.
    Stacked,
    /// A row per item, each cell shaded by where its value falls on `scale`.
    Heat {
        rows: Vec<(String, Vec<Option<f64>>)>,
        scale: Scale,
    },
}

/// How a heatmap's values map to its shades.
#[derive(Debug, Clone, Copy)]
enum Scale {
    /// Fifths of 0 to this.
    Linear(f64),
    /// Decades below this: the darkest shade is its top tenth, the lightest below a
    /// ten-thousandth of it.
    Decades(f64),
}

impl Scale {
    /// The values shade `i` stands for.
    fn bounds(self, i: usize) -> (f64, f64) {
        let n = SHADES.len();
        match self {
            Scale::Linear(top) => (top * i as f64 / n as f64, top * (i + 1) as f64 / n as f64),
            Scale::Decades(top) => {
                let at = |k: usize| top / 10f64.powi((n - k) as i32 - 1);
                (if i == 0 { 0.0 } else { at(i - 1) }, at(i))
            }
        }
    }

    /// The shade of `v`.
    fn shade(self, v: f64) -> usize {
        (0..SHADES.len())
            .find(|&i| v < self.bounds(i).1)
            .unwrap_or(SHADES.len() - 1)
    }
}

struct Chart {
    title: String,
    /// What is drawn when it is not everything: "top 6 of 95 by %util".
    caption: Option<String>,
    unit: &'static str,
    /// The legend: the lines or bands, or a heatmap's scale (no points).
    series: Vec<Series>,
    plot: Plot,
    /// Percent charts top at 100 unless a value is above it (a stacked one always does).
    percent: bool,
}

impl Chart {
    fn lines(title: String, unit: &'static str, series: Vec<Series>, percent: bool) -> Chart {
        Chart {
            title,
            caption: None,
            unit,
            series,
            plot: Plot::Lines,
            percent,
        }
    }

    /// A heatmap of `rows`: a percentage's scale is 0–100 in fifths; any other's is
    /// decades down from the largest value rounded up, so that a busy few do not wash out
    /// the many.
    fn heat(
        title: String,
        unit: &'static str,
        rows: Vec<(String, Vec<Option<f64>>)>,
        percent: bool,
    ) -> Chart {
        let scale = if percent {
            Scale::Linear(100.0)
        } else {
            Scale::Decades(
                nice_max(
                    rows.iter()
                        .flat_map(|(_, p)| p.iter().flatten())
                        .copied()
                        .fold(0.0, f64::max),
                )
                .0,
            )
        };
        let series = SHADES
            .iter()
            .enumerate()
            .map(|(i, shade)| {
                let (lo, hi) = scale.bounds(i);
                let last = i + 1 == SHADES.len();
                Series {
                    name: format!(
                        "{}–{}{}{}",
                        super::compact(lo),
                        super::compact(hi),
                        if last { " " } else { "" },
                        if last { unit } else { "" }
                    ),
                    points: Vec::new(),
                    dashed: false,
                    color: Some(shade),
                }
            })
            .collect();
        Chart {
            title,
            caption: None,
            unit,
            series,
            plot: Plot::Heat { rows, scale },
            percent,
        }
    }

    fn plot_height(&self) -> f64 {
        match &self.plot {
            Plot::Heat { rows, .. } => (rows.len() as f64 * 12.0).clamp(48.0, 2.0 * CHART_H),
            _ => CHART_H,
        }
    }
}

/// A report's rows over the chart's columns, as the tables print them: its items in the
/// order they first appear and, per column of the time axis, each row's item and sar's
/// cells.
struct Grid {
    items: Vec<String>,
    columns: Vec<&'static Column>,
    rows: Vec<Vec<(usize, Vec<f64>)>>,
}

impl Grid {
    /// The position of sar's column `name`.
    fn col(&self, name: &str) -> Option<usize> {
        self.columns.iter().position(|c| c.sar == Some(name))
    }

    /// One item's values of one column, per column of the time axis.
    fn points(&self, item: usize, col: usize) -> Vec<Option<f64>> {
        self.map(item, |cells| cells.get(col).copied())
    }

    /// A line per column of the row of `item`, named by sar's header, coloured by
    /// `color` (`None`: the palette's).
    fn column_series(
        &self,
        item: usize,
        color: impl Fn(&Column) -> Option<&'static str>,
    ) -> Vec<Series> {
        self.columns
            .iter()
            .enumerate()
            .map(|(k, c)| Series {
                name: c.sar.unwrap_or(c.sadf).to_string(),
                points: self.points(item, k),
                dashed: false,
                color: color(c),
            })
            .collect()
    }

    /// A line per item of `shown` of column `col`: the palette's colours in turn, and
    /// past it the same colours again dashed.
    fn item_series(&self, shown: &[usize], col: usize) -> Vec<Series> {
        shown
            .iter()
            .enumerate()
            .map(|(c, &i)| Series {
                name: self.items[i].clone(),
                points: self.points(i, col),
                dashed: c / PALETTE.len() % 2 == 1,
                color: Some(PALETTE[c % PALETTE.len()]),
            })
            .collect()
    }

    /// `f` of an item's row, per column of the time axis.
    fn map(&self, item: usize, f: impl Fn(&[f64]) -> Option<f64>) -> Vec<Option<f64>> {
        self.rows
            .iter()
            .map(|rows| {
                rows.iter()
                    .find(|(i, _)| *i == item)
                    .and_then(|(_, cells)| f(cells))
            })
            .collect()
    }

    /// The items ranked by the sum of `f` over the whole report, busiest first (those
    /// never active left out when some are), and how many items there are.
    /// Two columns of each item of `shown` (the first solid, the second dashed, both in
    /// the item's colour): a device's reads and writes, an interface's rx and tx.
    fn pairs(&self, shown: &[usize], a: (usize, &str), b: (usize, &str)) -> Vec<Series> {
        let mut series = Vec::with_capacity(2 * shown.len());
        for (c, &i) in shown.iter().enumerate() {
            let color = Some(PALETTE[c % PALETTE.len()]);
            for ((col, what), dashed) in [(a, false), (b, true)] {
                series.push(Series {
                    name: format!("{} {what}", self.items[i]),
                    points: self.points(i, col),
                    dashed,
                    color,
                });
            }
        }
        series
    }

    fn busiest(&self, f: impl Fn(&[f64]) -> f64) -> (Vec<usize>, usize) {
        let mut total = vec![0.0; self.items.len()];
        for rows in &self.rows {
            for (i, cells) in rows {
                if let Some(t) = total.get_mut(*i) {
                    *t += f(cells);
                }
            }
        }
        let mut ranked: Vec<usize> = (0..self.items.len()).collect();
        ranked.sort_by(|&a, &b| total[b].total_cmp(&total[a]).then(a.cmp(&b)));
        if total.iter().any(|&t| t > 0.0) {
            ranked.retain(|&i| total[i] > 0.0);
        }
        (ranked, self.items.len())
    }
}

/// What a chart of the top of a ranking says it draws.
fn top_caption(shown: usize, of: usize, by: &str) -> Option<String> {
    (shown < of).then(|| format!("top {shown} of {of} by {by}"))
}

/// The colour of a CPU state, by sadf's key, the same in `-u` and `-u ALL`.
fn cpu_state_color(sadf: &str) -> &'static str {
    match sadf {
        "user" | "usr" => "#1f77b4",
        "nice" => "#17becf",
        "system" | "sys" => "#d62728",
        "iowait" => "#ff7f0e",
        "steal" => "#2ca02c",
        "irq" => "#9467bd",
        "soft" => "#8c564b",
        "guest" => "#e377c2",
        "gnice" => "#bcbd22",
        _ => "#e8e8e8",
    }
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
    /// Leave out the reports the data never had, and charts with nothing to draw.
    recorded_only: bool,
}

/// Where the plots start, and how wide they are (the HTML report's script maps the pointer
/// to a time with them).
pub(super) const PLOT_LEFT: f64 = LEFT;
pub(super) const PLOT_WIDTH: f64 = WIDTH - LEFT - RIGHT;

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
            recorded_only: false,
        }
    }

    /// Chart only the reports the data has (the others are left out, not drawn empty).
    pub(super) fn recorded_only(mut self) -> Self {
        self.recorded_only = true;
        self
    }

    /// Where the SVG was written.
    pub(super) fn output(&mut self) -> &mut W {
        &mut self.out
    }

    fn series(&self, name: &str, f: impl Fn(&IntervalStats) -> Option<f64>) -> Series {
        Series {
            name: name.to_string(),
            points: self.intervals.iter().map(f).collect(),
            dashed: false,
            color: None,
        }
    }

    /// The rows of `t` over the time axis, with the selection's filters applied.
    fn grid(&self, t: Table) -> Grid {
        let mut scratch = Rows::default();
        let mut items: Vec<String> = Vec::new();
        let columns = (t.report().columns)(&self.sel);
        let rows = self
            .intervals
            .iter()
            .map(|s| {
                if !t.available(s) {
                    return Vec::new();
                }
                t.values(&self.sel, s, &mut scratch);
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
                                Cell::Real(v) | Cell::Whole(v) => v,
                            })
                            .collect();
                        (at, cells)
                    })
                    .collect()
            })
            .collect();
        Grid {
            items,
            columns: columns.iter().filter(|c| c.sar.is_some()).collect(),
            rows,
        }
    }

    /// The charts for the reports asked for, in sar's order.
    fn charts(&self) -> Vec<Chart> {
        let mut charts = Vec::new();
        for t in self.sel.tables() {
            if self.recorded_only && !self.intervals.iter().any(|s| t.available(s)) {
                continue;
            }
            match t.report().chart {
                ChartKind::CpuStates => charts.extend(self.cpu_charts(t)),
                ChartKind::Load => {
                    // The load averages, the run queue and blocked tasks share a scale;
                    // the task list (hundreds) has a chart of its own.
                    let g = self.grid(t);
                    let line = |name: &str| {
                        Some(Series {
                            name: name.to_string(),
                            points: g.points(0, g.col(name)?),
                            dashed: false,
                            color: None,
                        })
                    };
                    let series = ["ldavg-1", "ldavg-5", "ldavg-15", "runq-sz", "blocked"]
                        .iter()
                        .filter_map(|name| line(name))
                        .collect();
                    charts.push(Chart::lines(
                        "Load average and run queue".into(),
                        "tasks",
                        series,
                        false,
                    ));
                    charts.push(Chart::lines(
                        "Tasks in the task list".into(),
                        "tasks",
                        line("plist-sz").into_iter().collect(),
                        false,
                    ));
                }
                ChartKind::Memory => {
                    let mut levels = self.level_charts(t, "Memory");
                    if !self.sel.asks(Table::Swap) {
                        let mut sw = self.series("kbswpused", |s| {
                            s.swap.map(|w| w.mean().swpused / 1024.0 / 1024.0)
                        });
                        sw.dashed = true;
                        if let Some(gib) = levels.first_mut() {
                            gib.series.push(sw);
                        }
                    }
                    charts.extend(levels);
                }
                ChartKind::Swap => charts.extend(self.level_charts(t, "Swap")),
                ChartKind::DiskTraffic => charts.extend(self.disk_charts(t)),
                ChartKind::NetTraffic => charts.extend(self.net_charts(t)),
                ChartKind::Columns { percent } if t.report().item.is_some() => {
                    charts.extend(self.item_charts(t, percent));
                }
                ChartKind::Columns { percent } => charts.push(self.columns_chart(t, percent)),
            }
        }
        if self.recorded_only {
            charts.retain(|c| match &c.plot {
                Plot::Heat { rows, .. } => !rows.is_empty(),
                Plot::Lines | Plot::Stacked => c
                    .series
                    .iter()
                    .any(|s| s.points.iter().any(Option::is_some)),
            });
        }
        charts
    }

    /// Every column of a report of levels, as the selection asks for them: those in kB
    /// as lines in GiB, the percentages on a chart of their own.
    fn level_charts(&self, t: Table, title: &str) -> Vec<Chart> {
        let g = self.grid(t);
        let of_unit = |unit: &str, scale: f64| -> Vec<Series> {
            g.columns
                .iter()
                .enumerate()
                .filter(|(_, c)| c.unit == unit)
                .enumerate()
                .map(|(i, (k, c))| Series {
                    name: c.sar.unwrap_or(c.sadf).to_string(),
                    points: g
                        .points(0, k)
                        .into_iter()
                        .map(|v| v.map(|v| v * scale))
                        .collect(),
                    // Past the palette (-r ALL), the colours come round again dashed.
                    dashed: i / PALETTE.len() % 2 == 1,
                    color: None,
                })
                .collect()
        };
        let mut charts = vec![Chart::lines(
            title.into(),
            "GiB",
            of_unit("kB", 1.0 / 1024.0 / 1024.0),
            false,
        )];
        let percent = of_unit("%", 1.0);
        if !percent.is_empty() {
            charts.push(Chart::lines(
                format!("{title}: percentages"),
                "%",
                percent,
                true,
            ));
        }
        charts
    }

    /// Every state of the `all` row stacked, as `-u` (or `-u ALL`) prints them, %idle on
    /// top; with `-P`, each CPU's busy time (100 − %idle) as a heatmap.
    fn cpu_charts(&self, t: Table) -> Vec<Chart> {
        let g = self.grid(t);
        let mut charts = Vec::new();
        if let Some(all) = g.items.iter().position(|i| i == "all") {
            let series = g.column_series(all, |c| Some(cpu_state_color(c.sadf)));
            charts.push(Chart {
                title: "CPU utilisation (all CPUs)".into(),
                caption: None,
                unit: "%",
                series,
                plot: Plot::Stacked,
                percent: true,
            });
        }
        let idle = g.col("%idle");
        let cpus: Vec<(String, Vec<Option<f64>>)> = g
            .items
            .iter()
            .enumerate()
            .filter(|(_, name)| *name != "all")
            .map(|(i, name)| {
                (
                    name.clone(),
                    g.map(i, |cells| Some(100.0 - cells.get(idle?)?)),
                )
            })
            .collect();
        if !cpus.is_empty() {
            let n = cpus.len();
            charts.push(Chart::heat(
                format!("CPU busy per CPU ({n} CPUs): 100 − %idle"),
                "%",
                cpus,
                true,
            ));
        }
        charts
    }

    /// Read and write throughput of the busiest devices, their %util, and with more devices
    /// than that every device's %util as a heatmap.
    fn disk_charts(&self, t: Table) -> Vec<Chart> {
        let g = self.grid(t);
        let (Some(rkb), Some(wkb), Some(util)) = (g.col("rkB/s"), g.col("wkB/s"), g.col("%util"))
        else {
            return Vec::new();
        };
        let at = |c: &[f64], k: usize| c.get(k).copied().unwrap_or(0.0);
        let (by_bytes, n) = g.busiest(|c| at(c, rkb) + at(c, wkb));
        let by_bytes: Vec<usize> = by_bytes.into_iter().take(BUSIEST).collect();
        let tput = g.pairs(&by_bytes, (rkb, "read"), (wkb, "write"));
        let mut throughput = Chart::lines("Disk throughput".into(), "kB/s", tput, false);
        throughput.caption = top_caption(by_bytes.len(), n, "rkB/s + wkB/s");
        let (by_util, _) = g.busiest(|c| at(c, util));
        let by_util: Vec<usize> = by_util.into_iter().take(BUSIEST).collect();
        let series = g.item_series(&by_util, util);
        let mut utilisation = Chart::lines("Disk utilisation".into(), "%util", series, true);
        utilisation.caption = top_caption(by_util.len(), n, "%util");
        let mut charts = vec![throughput, utilisation];
        if n > BUSIEST {
            let rows = (0..n)
                .map(|i| (g.items[i].clone(), g.points(i, util)))
                .collect();
            charts.push(Chart::heat(
                format!("Disk utilisation per device ({n} devices)"),
                "%util",
                rows,
                true,
            ));
        }
        charts
    }

    /// Receive and transmit throughput of the busiest interfaces, and with more interfaces
    /// than that every interface's total as a heatmap.
    fn net_charts(&self, t: Table) -> Vec<Chart> {
        let g = self.grid(t);
        let (Some(rx), Some(tx)) = (g.col("rxkB/s"), g.col("txkB/s")) else {
            return Vec::new();
        };
        let at = |c: &[f64], k: usize| c.get(k).copied().unwrap_or(0.0);
        let (ranked, n) = g.busiest(|c| at(c, rx) + at(c, tx));
        let shown: Vec<usize> = ranked.into_iter().take(BUSIEST).collect();
        let series = g.pairs(&shown, (rx, "rx"), (tx, "tx"));
        let mut chart = Chart::lines("Network throughput".into(), "kB/s", series, false);
        chart.caption = top_caption(shown.len(), n, "rxkB/s + txkB/s");
        let mut charts = vec![chart];
        if n > BUSIEST {
            let rows = (0..n)
                .map(|i| {
                    let total = g.map(i, |c| Some(c.get(rx)? + c.get(tx)?));
                    (g.items[i].clone(), total)
                })
                .collect();
            charts.push(Chart::heat(
                format!("Network throughput per interface ({n} interfaces): rxkB/s + txkB/s"),
                "kB/s",
                rows,
                false,
            ));
        }
        charts
    }

    /// A line per column of a one-row report.
    fn columns_chart(&self, t: Table, percent: bool) -> Chart {
        let g = self.grid(t);
        let series = g.column_series(0, |_| None);
        // The catalogue's title, and its columns' unit when they share one.
        let unit = match g.columns.split_first() {
            Some((first, rest)) if rest.iter().all(|c| c.unit == first.unit) => first.unit,
            _ if g.columns.iter().all(|c| c.kind == super::Kind::Whole) => "count",
            _ => "per s / %",
        };
        Chart::lines(t.report().title.into(), unit, series, percent)
    }

    /// A chart per column of a report with items, with a line per item its rows have
    /// (those the selection keeps: `--dev=`, `-I`'s list, `-P`, `-z`), in the order they
    /// first appear, or a heatmap row per item past a dozen. An interval without an item's
    /// row is a gap in its line.
    fn item_charts(&self, t: Table, percent: bool) -> Vec<Chart> {
        let g = self.grid(t);
        let report = t.report();
        let item_header = report.item.map_or("", |i| i.sar);
        let n = g.items.len();
        g.columns
            .iter()
            .enumerate()
            .map(|(col, c)| {
                let title = if g.columns.len() == 1 {
                    format!("{} per {item_header}", report.title)
                } else {
                    format!(
                        "{}: {} per {item_header}",
                        report.title,
                        c.sar.unwrap_or(c.sadf)
                    )
                };
                let percent = percent || c.kind == super::Kind::Percent;
                if n > MOST_LINES {
                    let rows = (0..n)
                        .map(|i| (g.items[i].clone(), g.points(i, col)))
                        .collect();
                    return Chart::heat(format!("{title} ({n})"), c.unit, rows, percent);
                }
                let all: Vec<usize> = (0..n).collect();
                let series = g.item_series(&all, col);
                Chart::lines(title, c.unit, series, percent)
            })
            .collect()
    }
}

/// Where a chart's parts go, from the top of its block: the title, the caption under it,
/// the legend in rows from the left under them (wrapping inside the canvas), then the plot.
struct Frame {
    /// Per legend entry: its x and its baseline.
    legend: Vec<(f64, f64)>,
    plot_top: f64,
    height: f64,
}

/// Space for a legend entry's swatch and the gap after its text.
const SWATCH: f64 = 20.0;
const ENTRY_GAP: f64 = 14.0;

impl Frame {
    fn of(chart: &Chart) -> Frame {
        let mut y = 20.0;
        if chart.caption.is_some() {
            y += 16.0;
        }
        y += LEGEND_ROW + 2.0;
        let mut x = LEFT;
        let mut legend = Vec::new();
        for s in &chart.series {
            let w = SWATCH + text::width(&legend_label(&s.name), 12.0, false);
            if x > LEFT && x + w > WIDTH - RIGHT {
                x = LEFT;
                y += LEGEND_ROW;
            }
            legend.push((x, y));
            x += w + ENTRY_GAP;
        }
        let plot_top = y + 12.0;
        Frame {
            legend,
            plot_top,
            height: plot_top + chart.plot_height() + BOTTOM_PAD,
        }
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

/// `v` to the tenth of a pixel the coordinates are written with.
fn round1(v: f64) -> f64 {
    (v * 10.0).round() / 10.0
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// A legend entry's text: cut to fit one row.
fn legend_label(name: &str) -> String {
    text::fit(name, 12.0, WIDTH - RIGHT - LEFT - SWATCH)
}

impl<W: Write> Svg<W> {
    fn draw(&mut self) -> io::Result<()> {
        // More intervals than pixels make a smear: neighbours are merged (never across a
        // restart or a gap) into at most about one per pixel, averaged as `Average:` does.
        let columns = std::mem::replace(&mut self.columns, Columns::new(0));
        let n = columns.intervals();
        let (intervals, counts) = columns
            .finish((WIDTH - LEFT - RIGHT) as usize, &self.restarts)
            .into_iter()
            .unzip::<_, _, Vec<_>, Vec<_>>();
        self.intervals = intervals;
        let charts = self.charts();
        let (t0, t1) = match (self.intervals.first(), self.intervals.last()) {
            (Some(a), Some(b)) => (a.start_ns, b.end_ns),
            _ => (0, 1),
        };
        let span_s = ((t1 - t0) as f64 / 1e9).max(1.0);
        let plot_w = WIDTH - LEFT - RIGHT;
        let x = |ns: i64| LEFT + (ns - t0) as f64 / 1e9 / span_s * plot_w;
        let header_h = 54.0;
        let frames: Vec<Frame> = charts.iter().map(Frame::of).collect();
        let height = header_h + frames.iter().map(|f| f.height).sum::<f64>() + 10.0;
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
        // A collection gap: a column of one interval much longer than the usual one (the
        // collector was stopped, or the machine suspended). It is drawn as a gap.
        let mut cadence: Vec<f64> = self
            .intervals
            .iter()
            .zip(&counts)
            .map(|(s, &c)| s.seconds / c.max(1) as f64)
            .collect();
        cadence.sort_by(f64::total_cmp);
        let usual = cadence.get(cadence.len() / 2).copied().unwrap_or(1.0);
        let gap: Vec<bool> = self
            .intervals
            .iter()
            .zip(&counts)
            .map(|(s, &c)| c == 1 && s.seconds > columns::GAP_FACTOR * usual)
            .collect();
        // Where a line breaks: a restart, a gap, or missing time between two columns.
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
                        || gap[i]
                        || gap[i - 1]
                }
            })
            .collect();
        let step = tick_step(span_s, 8.0);
        let multi_day = fmt_time(t0, "%F") != fmt_time(t1, "%F");
        let mut chart_at = header_h;
        for (ci, (chart, frame)) in charts.iter().zip(&frames).enumerate() {
            let block = chart_at;
            chart_at += frame.height;
            let top = block + frame.plot_top;
            let plot_h = chart.plot_height();
            let bottom = top + plot_h;
            let _ = writeln!(
                o,
                "<g class=\"chart\" id=\"chart-{ci}\">\n<text x=\"{LEFT}\" y=\"{:.1}\" font-size=\"14\" font-weight=\"bold\" class=\"title\">{}</text>",
                block + 20.0,
                esc(&chart.title),
            );
            // The y axis's unit; a heatmap's is in its scale, and its rows are labelled.
            if !matches!(chart.plot, Plot::Heat { .. }) {
                let _ = writeln!(
                    o,
                    "<text x=\"12\" y=\"{:.1}\" fill=\"#444\" transform=\"rotate(-90 12 {:.1})\" text-anchor=\"middle\" class=\"unit\">{}</text>",
                    (top + bottom) / 2.0,
                    (top + bottom) / 2.0,
                    esc(chart.unit)
                );
            }
            if let Some(caption) = &chart.caption {
                let _ = writeln!(
                    o,
                    "<text x=\"{LEFT}\" y=\"{:.1}\" fill=\"#444\" class=\"caption\">{}</text>",
                    block + 36.0,
                    esc(caption)
                );
            }
            // Time ticks, aligned to the step in the report's zone; a label near an edge
            // moves in so that it stays inside the canvas.
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
                let half = text::width(&label, 12.0, false) / 2.0;
                let lx = xx.clamp(half + 2.0, WIDTH - half - 2.0);
                let _ = writeln!(
                    o,
                    "<line x1=\"{xx:.1}\" y1=\"{top:.1}\" x2=\"{xx:.1}\" y2=\"{bottom:.1}\" stroke=\"#eeeeee\"/><text x=\"{lx:.1}\" y=\"{:.1}\" text-anchor=\"middle\" fill=\"#444\" class=\"tick\">{label}</text>",
                    bottom + 16.0
                );
                tick += step;
            }
            let color_of = |k: usize| chart.series[k].color.unwrap_or(PALETTE[k % PALETTE.len()]);
            match &chart.plot {
                Plot::Heat { rows, scale } => {
                    self.draw_heat(&mut o, rows, *scale, top, plot_h, &x, &gap);
                }
                Plot::Lines | Plot::Stacked => {
                    let stacked = matches!(chart.plot, Plot::Stacked);
                    // Values, stacked if asked; nothing over a gap.
                    let mut values: Vec<Vec<Option<f64>>> = chart
                        .series
                        .iter()
                        .map(|s| {
                            s.points
                                .iter()
                                .zip(&gap)
                                .map(|(v, &g)| if g { None } else { *v })
                                .collect()
                        })
                        .collect();
                    if stacked {
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
                    // Stacked percentages are shares of one whole: their axis is 0–100 %
                    // whatever the rounding of the shares adds up to.
                    let (ymax, ystep) = if chart.percent && (stacked || vmax <= 100.0) {
                        (100.0, 25.0)
                    } else {
                        nice_max(vmax)
                    };
                    let y = |v: f64| bottom - (v / ymax).clamp(0.0, 1.0) * plot_h;
                    // Grid and y labels.
                    let mut g = 0.0;
                    while g <= ymax + ystep / 2.0 {
                        let yy = y(g);
                        let _ = writeln!(
                            o,
                            "<line x1=\"{LEFT}\" y1=\"{yy:.1}\" x2=\"{:.1}\" y2=\"{yy:.1}\" stroke=\"#dddddd\"/><text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\" fill=\"#444\" class=\"ylabel\">{}</text>",
                            WIDTH - RIGHT,
                            LEFT - 6.0,
                            yy + 4.0,
                            super::compact(g)
                        );
                        g += ystep;
                    }
                    // Bands for stacked charts (drawn top first), lines otherwise.
                    let order: Vec<usize> = if stacked {
                        (0..values.len()).rev().collect()
                    } else {
                        (0..values.len()).collect()
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
                            let base = if stacked && k > 0 {
                                values[k - 1][i].unwrap_or(0.0)
                            } else {
                                0.0
                            };
                            if let Some(run) = runs.last_mut() {
                                // An interval's value holds from its start to its end; a
                                // level that does not change is one segment, however many
                                // columns it spans (what it draws is the same to a tenth
                                // of a pixel, and a flat day costs two points, not 2,000).
                                let (py, pb) = (round1(y(v)), round1(y(base)));
                                let flat = run.len() >= 2
                                    && run[run.len() - 2..]
                                        .iter()
                                        .all(|&(_, qy, qb)| qy == py && qb == pb);
                                if flat {
                                    run.pop();
                                } else {
                                    run.push((x(s.start_ns), py, pb));
                                }
                                run.push((x(s.end_ns), py, pb));
                            }
                        }
                        for run in runs.iter().filter(|r| !r.is_empty()) {
                            if stacked {
                                let mut d = String::new();
                                for (i, (px, py, _)) in run.iter().enumerate() {
                                    let _ = write!(
                                        d,
                                        "{}{px:.1},{py:.1} ",
                                        if i == 0 { "M" } else { "L" }
                                    );
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
                }
            }
            let _ = writeln!(
                o,
                "<rect x=\"{LEFT}\" y=\"{top:.1}\" width=\"{plot_w:.1}\" height=\"{plot_h:.1}\" fill=\"none\" stroke=\"#999999\" class=\"plot\"/>"
            );
            // Collection gaps, shaded across the plot.
            for s in self
                .intervals
                .iter()
                .zip(&gap)
                .filter(|(_, g)| **g)
                .map(|(s, _)| s)
            {
                let (a, b) = (x(s.start_ns), x(s.end_ns));
                let _ = writeln!(
                    o,
                    "<rect x=\"{a:.1}\" y=\"{top:.1}\" width=\"{:.1}\" height=\"{plot_h:.1}\" fill=\"#999999\" fill-opacity=\"0.18\" class=\"gap\"><title>no data: nothing was recorded for {} s</title></rect>",
                    b - a,
                    s.seconds.round()
                );
                // Named where it is wide enough to hold the words.
                let words = "no data";
                if b - a >= text::width(words, 12.0, false) + 8.0 {
                    let _ = writeln!(
                        o,
                        "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\" fill=\"#666\" class=\"gaplabel\">{words}</text>",
                        (a + b) / 2.0,
                        top + plot_h / 2.0 + 4.0
                    );
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
            // Legend, in rows from the left between the title and the plot.
            let thick = !matches!(chart.plot, Plot::Lines);
            for (k, s) in chart.series.iter().enumerate() {
                let (lx, ly) = frame.legend[k];
                let ly = block + ly;
                let color = color_of(k);
                let _ = writeln!(
                    o,
                    "<line x1=\"{lx:.1}\" y1=\"{:.1}\" x2=\"{:.1}\" y2=\"{:.1}\" stroke=\"{color}\" stroke-width=\"{}\"{} class=\"swatch\"/><text x=\"{:.1}\" y=\"{ly:.1}\" class=\"legend\">{}</text>",
                    ly - 4.0,
                    lx + 16.0,
                    ly - 4.0,
                    if thick { 8 } else { 2 },
                    if s.dashed { " stroke-dasharray=\"5,3\"" } else { "" },
                    lx + SWATCH,
                    esc(&legend_label(&s.name))
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

    /// A heatmap: a band per row, each column's cell shaded by `scale`;
    /// neighbouring cells of one shade are one rectangle. A row's name labels it where
    /// there is room for one every 12 px.
    #[allow(clippy::too_many_arguments)]
    fn draw_heat(
        &self,
        o: &mut String,
        rows: &[(String, Vec<Option<f64>>)],
        scale: Scale,
        top: f64,
        plot_h: f64,
        x: &impl Fn(i64) -> f64,
        gap: &[bool],
    ) {
        let row_h = plot_h / rows.len().max(1) as f64;
        let label_every = (12.0 / row_h).ceil().max(1.0) as usize;
        for (r, (name, points)) in rows.iter().enumerate() {
            let y0 = top + r as f64 * row_h;
            if r % label_every == 0 {
                let _ = writeln!(
                    o,
                    "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\" fill=\"#444\" font-size=\"10\" class=\"ylabel\">{}</text>",
                    LEFT - 6.0,
                    y0 + row_h.min(12.0) / 2.0 + 3.5,
                    esc(&text::fit(name, 10.0, LEFT - 10.0))
                );
            }
            let shade = |v: f64| scale.shade(v);
            let _ = writeln!(o, "<g class=\"heatrow\"><title>{}</title>", esc(name));
            let mut i = 0;
            while i < points.len() {
                let Some(v) = points[i].filter(|_| !gap[i]) else {
                    i += 1;
                    continue;
                };
                let level = shade(v);
                let mut j = i + 1;
                while j < points.len()
                    && !gap[j]
                    && self.intervals[j].start_ns == self.intervals[j - 1].end_ns
                    && points[j].is_some_and(|w| shade(w) == level)
                {
                    j += 1;
                }
                let a = x(self.intervals[i].start_ns);
                let b = x(self.intervals[j - 1].end_ns);
                let _ = writeln!(
                    o,
                    "<rect x=\"{a:.1}\" y=\"{y0:.2}\" width=\"{:.1}\" height=\"{row_h:.2}\" fill=\"{}\"/>",
                    b - a,
                    SHADES[level]
                );
                i = j;
            }
            o.push_str("</g>\n");
        }
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
