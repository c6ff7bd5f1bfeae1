//! An explanation as a person reads it (a sentence per finding, most important first)
//! and as a script reads it (JSON through serde_json). Both say the same numbers; the
//! text rounds them.

use super::{Attribution, CgroupSplit, Contributor, EntityKind, Finding, Pass, SIGMAS};
use crate::time::Zone;
use serde_json::{json, Value};
use std::io::{self, Write};

/// One of the two windows compared, as read.
#[derive(Debug, Clone)]
pub struct Extent {
    /// How it was chosen ("the window just before", "yesterday", a file).
    pub chosen: String,
    pub from_ns: i64,
    pub to_ns: i64,
    pub intervals: u64,
    pub process_tables: u64,
}

/// explain's two windows, as its JSON and its sentences name them.
const WINDOWS: (&str, &str) = ("window", "baseline");

/// How many cgroups each of the two windows holds: what every report says of cgroups.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cgroups {
    pub window: usize,
    pub baseline: usize,
}

impl Cgroups {
    pub fn of(window: &Pass, baseline: &Pass) -> Self {
        Cgroups {
            window: window.cgroups.len(),
            baseline: baseline.cgroups.len(),
        }
    }

    pub fn recorded(self) -> bool {
        self.window > 0 || self.baseline > 0
    }

    /// What the logs hold of cgroups and what was done with them; `names` are the two
    /// windows' ("window", "baseline").
    pub fn note(self, names: (&str, &str)) -> String {
        let (w, b) = names;
        match (self.window, self.baseline) {
            (0, 0) => "none recorded in these logs (written by an rsadc older than cgroup \
                       recording, or with --no-cgroups): nothing is split by cgroup"
                .to_string(),
            (n, 0) => {
                format!("{n} recorded in the {w}, none in the {b}: nothing is split by cgroup")
            }
            (0, n) => {
                format!("none recorded in the {w}, {n} in the {b}: nothing is split by cgroup")
            }
            (n, m) => format!(
                "{n} recorded in the {w}, {m} in the {b}; each cgroup's own use (less its \
                 recorded children's) counts once, for the outermost cgroup of its workload"
            ),
        }
    }

    /// `keys` name the two counts, `names` the windows in the note.
    pub fn to_json(self, keys: (&str, &str), names: (&str, &str)) -> Value {
        json!({
            "recorded": self.recorded(),
            keys.0: self.window,
            keys.1: self.baseline,
            "note": self.note(names),
        })
    }
}

/// What `explain` found.
#[derive(Debug, Clone)]
pub struct Explanation {
    pub window: Extent,
    pub baseline: Extent,
    pub findings: Vec<Finding>,
    pub cgroups: Cgroups,
}

fn when(ns: i64, zone: Zone) -> String {
    zone.at(ns).format("%Y-%m-%d %H:%M:%S").to_string()
}

/// A value with its unit, as a person reads it: sizes in MiB or GiB.
pub fn amount(v: f64, unit: &str, signed: bool) -> String {
    let sign = if signed && v >= 0.0 { "+" } else { "" };
    let (v, unit) = match unit {
        "kB" | "kB/s" => {
            let rate = if unit == "kB/s" { "/s" } else { "" };
            if v.abs() >= 1024.0 * 1024.0 {
                (v / 1024.0 / 1024.0, format!("GiB{rate}"))
            } else if v.abs() >= 1024.0 {
                (v / 1024.0, format!("MiB{rate}"))
            } else {
                (v, unit.to_string())
            }
        }
        _ => (v, unit.to_string()),
    };
    let sep = if unit.starts_with('/') || unit == "%" {
        ""
    } else {
        " "
    };
    // No "-0.0": what rounds to nothing has no sign.
    let v = if v.abs() < 0.05 { 0.0 } else { v };
    format!("{sign}{v:.1}{sep}{unit}")
}

fn percent(share: f64) -> String {
    let p = share * 100.0;
    // No "-0 %": what rounds to nothing has no sign.
    let p = if p.abs() < 0.5 { 0.0 } else { p };
    format!("{p:.0}%")
}

/// An entity as a sentence names it: `` `backup.sh` (pid 4121, system.slice/backup.service,
/// new, started 03:09) ``; without `zone`, no start time.
pub fn who(c: &Contributor, zone: Option<Zone>) -> String {
    let mut said = format!("`{}`", c.name);
    let mut inside = Vec::new();
    if let Some(pid) = c.pid {
        inside.push(format!("pid {pid}"));
    }
    match c.kind {
        EntityKind::Command => inside.push("all its processes".to_string()),
        EntityKind::Process => inside.extend(c.cgroup.as_deref().map(str::to_string)),
        EntityKind::Cgroup => inside.extend(super::cgroups::workload(&c.name)),
    }
    if let Some(note) = c.presence.note() {
        inside.push(note.to_string());
    }
    if let (Some(ns), Some("new"), Some(zone)) = (c.started_ns, c.presence.note(), zone) {
        inside.push(format!("started {}", crate::time::clock_label(ns, zone)));
    }
    if !inside.is_empty() {
        said.push_str(&format!(" ({})", inside.join(", ")));
    }
    said
}

/// The sentence of one significant finding, among `all` (for the parts of its change no
/// process holds).
pub fn sentence(f: &Finding, all: &[Finding], zone: Zone) -> String {
    let d = f.def;
    // A level in points is a percentage.
    let level_unit = if d.unit == "points" { "%" } else { d.unit };
    let mut s = format!(
        "{} {} ({} → {})",
        d.label,
        amount(f.change, d.unit, true),
        amount(f.baseline, level_unit, false),
        amount(f.window, level_unit, false)
    );
    match &f.attribution {
        Attribution::NotAsked => {}
        Attribution::Unavailable(why) => s.push_str(&format!("; not split by process: {why}")),
        Attribution::Split {
            resource,
            contributors,
            others,
            residual,
        } => {
            s.push_str(&format!(", by {}", resource.describe()));
            s.push_str(&format!(
                "; {}",
                shares(contributors, "process", Some(zone))
            ));
            s.push_str(&format!(
                "; other processes {}; unexplained {}",
                percent(*others),
                percent(*residual)
            ));
            let held: Vec<String> = d
                .held_by_none
                .iter()
                .filter_map(|name| all.iter().find(|g| g.def.name == *name))
                .filter(|g| g.change.abs() >= g.def.floor)
                .map(|g| format!("{} {}", g.def.label, amount(g.change, g.def.unit, true)))
                .collect();
            if !held.is_empty() {
                s.push_str(&format!(" ({}: no process's time)", held.join(", ")));
            }
        }
    }
    s.push('.');
    match &f.cgroups {
        CgroupSplit::NotAsked => {}
        // Said once, at the end, when the signal has no cgroup counter at all.
        CgroupSplit::Unavailable(_) if d.cgroup.is_none() => {}
        CgroupSplit::Unavailable(why) => s.push_str(&format!(" Not split by cgroup: {why}.")),
        CgroupSplit::Split {
            resource,
            contributors,
            others,
            residual,
        } => {
            s.push_str(&format!(
                " By cgroup, {}: {}; other cgroups {}",
                resource.describe(),
                shares(contributors, "cgroup", None),
                percent(*others)
            ));
            match residual {
                Some(r) => s.push_str(&format!("; outside any recorded cgroup {}.", percent(*r))),
                None => s.push_str("; stalls overlap across cgroups, so these need not add up."),
            }
        }
    }
    s
}

/// `91% of it: `a`; 5%: `b``: the named contributors with their shares.
fn shares(named: &[Contributor], kind: &str, zone: Option<Zone>) -> String {
    let mut parts = named.iter();
    let Some(first) = parts.next() else {
        return format!("no single {kind} accounts for as much as 1% of it");
    };
    let mut s = format!("{} of it: {}", percent(first.share), who(first, zone));
    for c in parts {
        s.push_str(&format!("; {}: {}", percent(c.share), who(c, zone)));
    }
    s
}

/// The text report.
pub fn text(out: &mut dyn Write, e: &Explanation, zone: Zone) -> io::Result<()> {
    for (name, x) in [("Window:  ", &e.window), ("Baseline:", &e.baseline)] {
        writeln!(
            out,
            "{name} {} – {} ({}; {} intervals, {} process tables)",
            when(x.from_ns, zone),
            when(x.to_ns, zone),
            x.chosen,
            x.intervals,
            x.process_tables
        )?;
    }
    writeln!(
        out,
        "A change counts when it exceeds {SIGMAS} × the baseline's per-interval standard \
         deviation and the signal's floor; those the processes or cgroups named account for \
         come first.\n"
    )?;
    let (moved, still): (Vec<&Finding>, Vec<&Finding>) =
        e.findings.iter().partition(|f| f.significant);
    if moved.is_empty() {
        writeln!(out, "Nothing stands out of the baseline's variation.")?;
    }
    for f in &moved {
        writeln!(out, "{}", sentence(f, &e.findings, zone))?;
    }
    if !still.is_empty() {
        let names: Vec<String> = still
            .iter()
            .map(|f| format!("{} {}", f.def.label, amount(f.change, f.def.unit, true)))
            .collect();
        writeln!(
            out,
            "\nWithin the baseline's variation: {}.",
            names.join(", ")
        )?;
    }
    writeln!(out, "Cgroups: {}.", e.cgroups.note(WINDOWS))?;
    Ok(())
}

pub(super) fn extent_json(x: &Extent) -> Value {
    json!({
        "from": chrono::DateTime::from_timestamp_nanos(x.from_ns).to_rfc3339(),
        "to": chrono::DateTime::from_timestamp_nanos(x.to_ns).to_rfc3339(),
        "chosen": x.chosen,
        "intervals": x.intervals,
        "process_tables": x.process_tables,
    })
}

pub(super) fn contributor_json(c: &Contributor) -> Value {
    json!({
        "kind": match c.kind {
            EntityKind::Process => "process",
            EntityKind::Command => "command",
            EntityKind::Cgroup => "cgroup",
        },
        "name": c.name,
        "pid": c.pid,
        "cgroup": c.cgroup.as_deref(),
        "workload": (c.kind == EntityKind::Cgroup).then(|| super::cgroups::workload(&c.name)).flatten(),
        "started": c.started_ns.map(|ns| chrono::DateTime::from_timestamp_nanos(ns).to_rfc3339()),
        "window": c.window,
        "baseline": c.baseline,
        "change": c.change,
        "share": c.share,
        "note": c.presence.note(),
    })
}

/// The JSON document: `window`, `baseline`, `signals` most important first, `cgroups`.
pub fn to_json(e: &Explanation) -> Value {
    let signals: Vec<Value> = e
        .findings
        .iter()
        .map(|f| {
            let (by, contributors, others, residual, note) = match &f.attribution {
                Attribution::NotAsked => (None, vec![], None, None, None),
                Attribution::Unavailable(why) => (None, vec![], None, None, Some(why.clone())),
                Attribution::Split {
                    resource,
                    contributors,
                    others,
                    residual,
                } => (
                    Some(resource.describe()),
                    contributors.iter().map(contributor_json).collect::<Vec<_>>(),
                    Some(*others),
                    Some(*residual),
                    None,
                ),
            };
            let mut contributors = contributors;
            let cgroup_split = match &f.cgroups {
                CgroupSplit::NotAsked => Value::Null,
                CgroupSplit::Unavailable(why) => json!({"split_by": null, "others": null, "residual": null, "note": why}),
                CgroupSplit::Split {
                    resource,
                    contributors: by_cgroup,
                    others,
                    residual,
                } => {
                    contributors.extend(by_cgroup.iter().map(contributor_json));
                    json!({
                        "split_by": resource.describe(),
                        "others": others,
                        "residual": residual,
                        "note": residual.is_none().then_some("stalls overlap across cgroups: the shares need not add up"),
                    })
                }
            };
            json!({
                "signal": f.def.name,
                "label": f.def.label,
                "unit": f.def.unit,
                "window": f.window,
                "baseline": f.baseline,
                "change": f.change,
                "baseline_sd": f.baseline_sd,
                "significant": f.significant,
                "score": f.score,
                "explained": f.explained,
                "attributed": f.attributed(),
                "split_by": by,
                "contributors": contributors,
                "others": others,
                "residual": residual,
                "note": note,
                "cgroup_split": cgroup_split,
            })
        })
        .collect();
    json!({
        "window": extent_json(&e.window),
        "baseline": extent_json(&e.baseline),
        "rule": format!("significant when |change| > {SIGMAS} × the baseline's per-interval standard deviation and ≥ the signal's floor"),
        "signals": signals,
        "cgroups": e.cgroups.to_json(WINDOWS, WINDOWS),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::explain::{Resource, SIGNALS};

    fn finding(name: &str, change: f64, attribution: Attribution) -> Finding {
        Finding {
            def: SIGNALS.iter().find(|d| d.name == name).unwrap(),
            window: change,
            baseline: 0.0,
            change,
            baseline_sd: Some(0.0),
            significant: true,
            score: 10.0,
            explained: 0.0,
            attribution,
            cgroups: CgroupSplit::NotAsked,
        }
    }

    /// Every signal a signal names as held by no process is declared.
    #[test]
    fn the_parts_held_by_none_are_signals() {
        for d in SIGNALS {
            for name in d.held_by_none {
                assert!(
                    SIGNALS.iter().any(|g| g.name == *name),
                    "{}: {name}",
                    d.name
                );
            }
        }
    }

    /// Writers held in D: CPU busy rises by its iowait, which no process's CPU time holds;
    /// the sentence says so beside the 100 % unexplained. Steal, unchanged, is not named.
    #[test]
    fn the_part_of_busy_no_process_holds_is_named() {
        let split = Attribution::Split {
            resource: Resource::CpuTime,
            contributors: Vec::new(),
            others: 0.0,
            residual: 1.0,
        };
        let all = [
            finding("cpu", 59.4, split),
            finding("cpu_iowait", 59.5, Attribution::NotAsked),
            finding("cpu_steal", 0.1, Attribution::NotAsked),
        ];
        assert_eq!(
            sentence(&all[0], &all, Zone::Utc),
            "CPU busy +59.4 points (0.0% → 59.4%), by CPU time; no single process accounts \
             for as much as 1% of it; other processes 0%; unexplained 100% (CPU iowait +59.5 \
             points: no process's time)."
        );
    }
}
