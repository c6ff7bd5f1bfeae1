//! The two sections `explain` adds to `rsar report --html`'s page: what changed against the
//! baseline (the first findings, as the text report says them) and the cgroups that worked
//! most over the window, each counted once as `explain` counts them (`cgroups`). HTML
//! fragments, escaped here; the page (`report::html`) places them.

use super::cgroups::{workload, CgroupResource, Units};
use super::render::{amount, sentence, Explanation};
use super::Pass;
use crate::report::compact;
use crate::report::html::esc;
use crate::time::Zone;
use std::fmt::Write as _;

/// Cgroups listed, busiest first.
const TOP_CGROUPS: usize = 15;
/// Findings told.
const TOP_FINDINGS: usize = 5;

/// A sentence with its `names` as code.
fn with_code(sentence: &str) -> String {
    sentence
        .split('`')
        .enumerate()
        .map(|(i, part)| match i % 2 {
            1 => format!("<code>{}</code>", esc(part)),
            _ => esc(part),
        })
        .collect()
}

/// What changed against the baseline: the significant findings, most important first, or
/// why the window was not compared.
pub fn what_changed(explained: Result<&Explanation, String>, zone: Zone) -> String {
    let mut s = String::new();
    let o = &mut s;
    o.push_str("<h2 id=\"explain\">What changed</h2>\n");
    let e = match explained {
        Ok(e) => e,
        Err(why) => {
            let _ = writeln!(
                o,
                "<p class=\"note\" id=\"no-baseline\">Not compared with a baseline: {}</p>",
                esc(&why)
            );
            return s;
        }
    };
    let when = |ns: i64| zone.at(ns).format("%Y-%m-%d %H:%M:%S").to_string();
    let _ = writeln!(
            o,
            "<p class=\"note\" id=\"baseline\">The window against {} ({} to {}), as <code>rsar explain</code> tells it: a change counts when it exceeds {} × the baseline's per-interval standard deviation and the signal's floor; each share is of the system's change.</p>",
            esc(&e.baseline.chosen),
            when(e.baseline.from_ns),
            when(e.baseline.to_ns),
            crate::explain::SIGMAS
        );
    let moved: Vec<String> = e
        .findings
        .iter()
        .filter(|f| f.significant)
        .take(TOP_FINDINGS)
        .map(|f| sentence(f, &e.findings, zone))
        .collect();
    if moved.is_empty() {
        o.push_str("<p id=\"no-findings\">Nothing stands out of the baseline's variation.</p>\n");
    } else {
        o.push_str("<ol id=\"findings\">\n");
        for s in moved {
            let _ = writeln!(o, "<li>{}</li>", with_code(&s));
        }
        o.push_str("</ol>\n");
    }
    s
}

/// The cgroups that used the most CPU over the window, each counted once.
pub fn cgroups(pass: &Pass) -> String {
    let mut s = String::new();
    let o = &mut s;
    o.push_str("<h2 id=\"cgroups\">Cgroups</h2>\n");
    let cg = &pass.cgroups;
    if cg.is_empty() {
        o.push_str("<p class=\"note\" id=\"no-cgroups\">No cgroups in this log: rsadc records them where a cgroup hierarchy is mounted, unless started with --no-cgroups (or older than cgroup recording).</p>\n");
        return s;
    }
    let units = Units::of_passes([cg]);
    // %CPU of one CPU; memory in kB; I/O in kB/s.
    let cpu = cg.unit_values(&units, CgroupResource::Cpu, 1.0);
    let mem = cg.unit_values(&units, CgroupResource::Anon, 1.0);
    let io = cg.unit_values(&units, CgroupResource::IoBytes, 1.0);
    let value =
        |m: &std::collections::HashMap<String, f64>, u: &str| m.get(u).copied().unwrap_or(0.0);
    let mut all: Vec<&String> = cpu.keys().chain(mem.keys()).chain(io.keys()).collect();
    all.sort();
    all.dedup();
    all.retain(|u| value(&cpu, u) > 0.0 || value(&mem, u) > 0.0 || value(&io, u) > 0.0);
    all.sort_by(|a, b| {
        value(&cpu, b)
            .total_cmp(&value(&cpu, a))
            .then(value(&mem, b).total_cmp(&value(&mem, a)))
            .then(value(&io, b).total_cmp(&value(&io, a)))
            .then(a.cmp(b))
    });
    let shown = all.len().min(TOP_CGROUPS);
    let _ = writeln!(
            o,
            "<p class=\"note\">The {shown} of {} cgroups that used the most CPU over {} s, each counted once: its own use (less its recorded children's) with the outermost cgroup of its workload. %CPU is of one CPU (the bar, of the busiest); memory is the mean anonymous memory; I/O the bytes read and written per second.</p>",
            cg.len(),
            compact(cg.seconds())
        );
    o.push_str("<table id=\"cgroup-table\">\n<tr><th class=\"l\">Cgroup</th><th class=\"l\">Workload</th><th>%CPU</th><th class=\"l\"></th><th>Memory</th><th>I/O</th></tr>\n");
    let most = all
        .first()
        .map_or(0.0, |u| value(&cpu, u))
        .max(f64::MIN_POSITIVE);
    for u in all.into_iter().take(TOP_CGROUPS) {
        let c = value(&cpu, u);
        let _ = writeln!(
                o,
                "<tr><td class=\"l\">{}</td><td class=\"l\">{}</td><td>{:.2}</td><td class=\"l\"><span class=\"bar\" style=\"width:{:.0}px\"></span></td><td>{}</td><td>{}</td></tr>",
                esc(if u.is_empty() { "/" } else { u }),
                esc(&workload(u).unwrap_or_default()),
                c,
                (c / most * 120.0).clamp(0.0, 120.0),
                esc(&amount(value(&mem, u), "kB", false)),
                esc(&amount(value(&io, u), "kB/s", false)),
            );
    }
    o.push_str("</table>\n");
    s
}
