//! `rsar diff`: two windows (or two logs) side by side: every sar report's averages with
//! the change, as the catalogue defines reports and columns, then the processes and the
//! cgroups (at one level, as `explain` splits over them) whose use of CPU, memory and
//! storage moved most. Both windows are `Pass`es, each read once.

use super::cgroups::{by_unit, Units};
use super::render::{amount, who, Cgroups, Extent};
use super::{movers, Contributor, Pass, Resource, SIGNALS};
use crate::report::catalogue::{Rows, REPORTS};
use crate::report::Table;
use serde_json::{json, Value};
use std::io::{self, Write};

/// One row of a report in both windows: per sar column, its average before and after
/// (`None` where that window has no such row).
#[derive(Debug, Clone)]
pub struct RowDiff {
    pub item: Option<String>,
    pub cells: Vec<(&'static str, Option<f64>, Option<f64>)>,
}

/// One report in both windows.
#[derive(Debug, Clone)]
pub struct ReportDiff {
    pub table: Table,
    pub rows: Vec<RowDiff>,
}

/// The processes, or the cgroups, whose use of one resource moved most.
#[derive(Debug, Clone)]
pub struct Movers {
    /// The resource, in a sentence.
    pub by: &'static str,
    pub unit: &'static str,
    pub entities: Vec<Contributor>,
}

/// What `rsar diff` found.
#[derive(Debug, Clone)]
pub struct Diff {
    pub before: Extent,
    pub after: Extent,
    pub reports: Vec<ReportDiff>,
    pub movers: Vec<Movers>,
    pub cgroup_movers: Vec<Movers>,
    pub cgroups: Cgroups,
}

/// The resources whose movers `rsar diff` lists, and how many of each.
const MOVED: &[Resource] = &[Resource::CpuTime, Resource::Rss, Resource::IoBytes];
const MOVERS: usize = 5;

fn rows_of(rows: &Rows) -> Vec<(Option<String>, Vec<f64>)> {
    rows.iter()
        .map(|(item, values)| (item.map(str::to_string), values.to_vec()))
        .collect()
}

/// Every report either window has, in sar's order, then the processes' and the cgroups'
/// movers.
pub fn reports_and_movers(
    after: &mut Pass,
    before: &mut Pass,
) -> (Vec<ReportDiff>, Vec<Movers>, Vec<Movers>) {
    let mut reports = Vec::new();
    let mut rows = Rows::default();
    for r in REPORTS.iter().filter(|r| r.instead_of.is_none()) {
        let table = r.table;
        let b = before.averages(table, &mut rows).then(|| rows_of(&rows));
        let a = after.averages(table, &mut rows).then(|| rows_of(&rows));
        if b.is_none() && a.is_none() {
            continue;
        }
        let (b, a) = (b.unwrap_or_default(), a.unwrap_or_default());
        let columns: Vec<(usize, &'static str)> = after
            .columns(table)
            .iter()
            .enumerate()
            .filter_map(|(i, c)| c.sar.map(|name| (i, name)))
            .collect();
        // Items in the order they come, those of the window before first.
        let mut items: Vec<Option<String>> = Vec::new();
        for (item, _) in b.iter().chain(&a) {
            if !items.contains(item) {
                items.push(item.clone());
            }
        }
        let find = |side: &[(Option<String>, Vec<f64>)], item: &Option<String>| {
            side.iter().find(|(i, _)| i == item).map(|(_, v)| v.clone())
        };
        let mut out = Vec::new();
        for item in items {
            let (vb, va) = (find(&b, &item), find(&a, &item));
            let cells: Vec<(&'static str, Option<f64>, Option<f64>)> = columns
                .iter()
                .map(|&(i, name)| {
                    let at = |v: &Option<Vec<f64>>| v.as_ref().and_then(|v| v.get(i).copied());
                    (name, at(&vb), at(&va))
                })
                .collect();
            // Rows idle in both windows say nothing (sar's -z).
            let idle = cells
                .iter()
                .all(|(_, b, a)| b.unwrap_or(0.0) == 0.0 && a.unwrap_or(0.0) == 0.0);
            if !idle || item.is_none() {
                out.push(RowDiff { item, cells });
            }
        }
        if !out.is_empty() {
            reports.push(ReportDiff { table, rows: out });
        }
    }
    let signal = |r: Resource| SIGNALS.iter().find(|s| s.resource == Some(r));
    let moved = MOVED
        .iter()
        .map(|&resource| Movers {
            by: resource.describe(),
            unit: signal(resource).map_or("", |s| s.unit),
            entities: movers(after, before, resource, MOVERS),
        })
        .collect();
    let units = Units::of_passes([&after.cgroups, &before.cgroups]);
    let both = !after.cgroups.is_empty() && !before.cgroups.is_empty();
    let cgroup_moved = MOVED
        .iter()
        .filter_map(|&r| signal(r))
        .filter_map(|s| Some((s, s.cgroup?)))
        .map(|(s, r)| {
            let mut entities = match both {
                true => by_unit(
                    &after.cgroups,
                    &before.cgroups,
                    &units,
                    r,
                    (after.cpus(), before.cpus()),
                ),
                false => Vec::new(),
            };
            entities.sort_by(|a, b| b.change.abs().total_cmp(&a.change.abs()));
            entities.truncate(MOVERS);
            Movers {
                by: r.describe(),
                unit: s.unit,
                entities,
            }
        })
        .collect();
    (reports, moved, cgroup_moved)
}

fn number(v: Option<f64>) -> String {
    v.map_or_else(|| "-".to_string(), |v| format!("{v:.2}"))
}

/// The movers of one resource, a line each.
fn movers_text(out: &mut dyn Write, m: &Movers, what: &str, none: &str) -> io::Result<()> {
    writeln!(out, "\n{what} that moved most, by {}:", m.by)?;
    if m.entities.is_empty() {
        writeln!(out, "  none ({none})")?;
    }
    for c in &m.entities {
        writeln!(
            out,
            "  {} {} → {} ({})",
            who(c, None),
            amount(c.baseline, m.unit, false),
            amount(c.window, m.unit, false),
            amount(c.change, m.unit, true)
        )?;
    }
    Ok(())
}

fn movers_json(m: &[Movers]) -> Vec<Value> {
    m.iter()
        .map(|m| {
            json!({
                "by": m.by,
                "unit": m.unit,
                "movers": m.entities.iter().map(super::render::contributor_json).collect::<Vec<_>>(),
            })
        })
        .collect()
}

/// The two windows, as the JSON keys them and as a sentence names them.
const KEYS: (&str, &str) = ("after", "before");
const NAMES: (&str, &str) = ("window after", "window before");

/// The text: the two windows, each report's rows with before, after and change, then
/// the movers.
pub fn text(out: &mut dyn Write, d: &Diff, zone: crate::time::Zone) -> io::Result<()> {
    let when = |ns: i64| zone.at(ns).format("%Y-%m-%d %H:%M:%S").to_string();
    for (name, x) in [("Before:", &d.before), ("After: ", &d.after)] {
        writeln!(
            out,
            "{name} {} – {} ({}; {} intervals, {} process tables)",
            when(x.from_ns),
            when(x.to_ns),
            x.chosen,
            x.intervals,
            x.process_tables
        )?;
    }
    for r in &d.reports {
        let report = r.table.report();
        let item = r.table.item_header().unwrap_or("");
        writeln!(out, "\n{} {}", report.flag, report.title)?;
        writeln!(
            out,
            "{item:<12} {:<12} {:>14} {:>14} {:>14}",
            "", "before", "after", "change"
        )?;
        for row in &r.rows {
            let label = row.item.as_deref().unwrap_or("");
            for &(column, b, a) in &row.cells {
                let change = match (b, a) {
                    (Some(b), Some(a)) => format!("{:+.2}", a - b),
                    _ => "-".to_string(),
                };
                writeln!(
                    out,
                    "{label:<12} {column:<12} {:>14} {:>14} {change:>14}",
                    number(b),
                    number(a)
                )?;
            }
        }
    }
    for m in &d.movers {
        let none = "no process tables in one of the windows, or no change";
        movers_text(out, m, "Processes", none)?;
    }
    if d.cgroups.window > 0 && d.cgroups.baseline > 0 {
        for m in &d.cgroup_movers {
            movers_text(out, m, "Cgroups", "no change")?;
        }
    }
    writeln!(out, "\nCgroups: {}.", d.cgroups.note(NAMES))?;
    Ok(())
}

/// The JSON document: `before`, `after`, `reports`, `processes`, `cgroups`.
pub fn to_json(d: &Diff) -> Value {
    let reports: Vec<Value> = d
        .reports
        .iter()
        .map(|r| {
            let rows: Vec<Value> = r
                .rows
                .iter()
                .map(|row| {
                    let mut values = serde_json::Map::new();
                    for &(column, b, a) in &row.cells {
                        let change = match (b, a) {
                            (Some(b), Some(a)) => Some(a - b),
                            _ => None,
                        };
                        values.insert(
                            column.to_string(),
                            json!({"before": b, "after": a, "change": change}),
                        );
                    }
                    json!({"item": row.item, "values": values})
                })
                .collect();
            json!({
                "report": r.table.report().name,
                "flag": r.table.report().flag,
                "rows": rows,
            })
        })
        .collect();
    let mut cgroups = d.cgroups.to_json(KEYS, NAMES);
    cgroups["movers"] = movers_json(&d.cgroup_movers).into();
    json!({
        "before": super::render::extent_json(&d.before),
        "after": super::render::extent_json(&d.after),
        "reports": reports,
        "processes": movers_json(&d.movers),
        "cgroups": cgroups,
    })
}
