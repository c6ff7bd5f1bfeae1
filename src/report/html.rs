//! `rsar report --html`: one self-contained page for a window of the logs — the charts of
//! every report the logs recorded (the SVG renderer's, inline), the processes that used the
//! most CPU over the window, the machine (host, kernel, CPUs), the time zone of its times,
//! and the command that made it, with the sections its caller adds (what changed and the
//! cgroups, which `explain` writes: reports never reach up to it). Nothing is fetched: no
//! external URL, style or script; the page reads fully with JavaScript off, and its script
//! only adds hover and zoom. The same input gives the same bytes (no clock, no map order in
//! the output). The pipeline feeds the page; `write` writes it.

use super::svg::Svg;
use super::{Render, Selection};
use crate::process::ProcessCounters;
use crate::sample::HostFacts;
use crate::stats::IntervalStats;
use crate::store::procs::ProcessTable;
use crate::time::Zone;
use std::collections::HashMap;
use std::fmt::Write as _;
use std::io::{self, Write};

/// Processes listed, busiest first.
const TOP_PROCESSES: usize = 20;

/// One process's use over the window.
#[derive(Debug, Clone, Default)]
struct ProcessUse {
    pid: u32,
    uid: u32,
    comm: String,
    cmdline: String,
    cgroup: String,
    /// CPU time, user and system, in clock ticks.
    cpu_ticks: u64,
    read_bytes: u64,
    write_bytes: u64,
    /// The largest resident set seen, in pages.
    max_rss: u64,
}

/// The processes' use summed from table to table, as pidstat's averages count it.
#[derive(Default)]
struct ProcessTotals {
    /// Clock ticks per second of the machine the tables are from.
    hz: f64,
    by_key: HashMap<(u32, u64), ProcessUse>,
    prev: Option<ProcessTable>,
    /// Seconds covered by pairs of tables.
    seconds: f64,
    tables: u64,
}

impl ProcessTotals {
    fn add(&mut self, now: &ProcessTable) {
        self.tables += 1;
        let Some(prev) = self.prev.replace(now.clone()) else {
            return;
        };
        if now.uptime_cs <= prev.uptime_cs {
            return;
        }
        self.seconds += (now.uptime_cs - prev.uptime_cs) as f64 / 100.0;
        for c in now.processes.iter() {
            let Some(before) = c.before_in(&prev.processes, prev.uptime_cs, self.hz) else {
                continue;
            };
            let since = |f: fn(&ProcessCounters) -> u64| f(c).saturating_sub(before.map_or(0, f));
            let cpu = since(|p| p.utime + p.stime);
            let read = since(|p| p.read_bytes.unwrap_or(0));
            let written = since(|p| p.write_bytes.unwrap_or(0));
            let u = self.by_key.entry(c.key()).or_insert_with(|| ProcessUse {
                pid: c.pid,
                uid: c.uid,
                comm: c.comm.to_string(),
                cmdline: c.cmdline.to_string(),
                cgroup: c.cgroup.to_string(),
                ..ProcessUse::default()
            });
            u.cpu_ticks += cpu;
            u.read_bytes += read;
            u.write_bytes += written;
            u.max_rss = u.max_rss.max(c.rss);
        }
    }

    /// A new boot: no difference reaches back across it.
    fn restart(&mut self) {
        self.prev = None;
    }

    /// The busiest, by CPU time, then by bytes moved; ties by pid.
    fn top(&self) -> Vec<&ProcessUse> {
        let mut all: Vec<&ProcessUse> = self
            .by_key
            .values()
            .filter(|u| u.cpu_ticks + u.read_bytes + u.write_bytes > 0)
            .collect();
        all.sort_by(|a, b| {
            b.cpu_ticks
                .cmp(&a.cpu_ticks)
                .then((b.read_bytes + b.write_bytes).cmp(&(a.read_bytes + a.write_bytes)))
                .then(a.pid.cmp(&b.pid))
                .then(a.comm.cmp(&b.comm))
        });
        all.truncate(TOP_PROCESSES);
        all
    }
}

pub struct Html<W: Write> {
    out: W,
    svg: Svg<Vec<u8>>,
    zone: Zone,
    host: Option<HostFacts>,
    /// The command that makes this page again, as typed.
    command: String,
    window: Option<(i64, i64)>,
    intervals: u64,
    restarts: u64,
    processes: ProcessTotals,
}

impl<W: Write> Html<W> {
    /// A page of every report in `sel` the logs recorded; `command` is shown as the way to
    /// make it again.
    pub fn new(out: W, sel: Selection, zone: Zone, command: String) -> Self {
        Html {
            out,
            svg: Svg::new(Vec::new(), sel, zone).recorded_only(),
            zone,
            host: None,
            command,
            window: None,
            intervals: 0,
            restarts: 0,
            processes: ProcessTotals::default(),
        }
    }
}

/// Text as HTML shows it.
pub fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Bytes in few characters: 1.2 GiB, 35 MiB, 12 KiB, 512 B.
fn bytes(b: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut v = b as f64;
    let mut u = 0;
    while v >= 1024.0 && u + 1 < UNITS.len() {
        v /= 1024.0;
        u += 1;
    }
    if u == 0 {
        format!("{b} B")
    } else {
        format!("{} {}", super::compact(v), UNITS[u])
    }
}

const STYLE: &str = "body{font-family:'DejaVu Sans',Helvetica,Arial,sans-serif;margin:16px 24px;color:#222}\
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:24px 0 8px;border-bottom:1px solid #ccc}\
dl{display:grid;grid-template-columns:max-content auto;gap:2px 16px;margin:8px 0}dt{color:#555}dd{margin:0}\
pre{background:#f4f4f4;padding:6px 8px;overflow-x:auto}\
table{border-collapse:collapse;font-size:13px}th,td{padding:3px 8px;border-bottom:1px solid #e4e4e4;text-align:right}\
th{background:#f0f0f0}td.l,th.l{text-align:left}td.cmd{text-align:left;max-width:560px;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}\
.charts{overflow-x:auto}.charts svg{display:block;max-width:100%;height:auto}.charts.zoomed svg{max-width:none;width:2200px}\
.note{color:#555}.bar{display:inline-block;height:10px;background:#4a7fb5}#cursor{position:fixed;pointer-events:none;background:#222;color:#fff;font-size:12px;padding:2px 6px;border-radius:3px;display:none}";

/// Hover shows the time under the pointer on a chart; a double click zooms the charts to
/// twice their width (and back). Nothing is fetched, nothing is needed to read the page.
const SCRIPT: &str = "(function(){var box=document.querySelector('.charts');if(!box)return;\
var svg=box.querySelector('svg');if(!svg)return;var tip=document.getElementById('cursor');\
var t0=+box.dataset.t0,t1=+box.dataset.t1,left=+box.dataset.left,plot=+box.dataset.plot,off=+box.dataset.offset;\
function two(n){return (n<10?'0':'')+n}\
svg.addEventListener('mousemove',function(e){var r=svg.getBoundingClientRect();var x=(e.clientX-r.left)*svg.viewBox.baseVal.width/r.width;\
if(x<left||x>left+plot){tip.style.display='none';return}var s=t0+(x-left)/plot*(t1-t0)+off;var d=new Date(s*1000);\
tip.textContent=d.getUTCFullYear()+'-'+two(d.getUTCMonth()+1)+'-'+two(d.getUTCDate())+' '+two(d.getUTCHours())+':'+two(d.getUTCMinutes())+':'+two(d.getUTCSeconds());\
tip.style.left=(e.clientX+12)+'px';tip.style.top=(e.clientY+12)+'px';tip.style.display='block'});\
svg.addEventListener('mouseleave',function(){tip.style.display='none'});\
box.addEventListener('dblclick',function(){box.classList.toggle('zoomed')});})();";

impl<W: Write> Render for Html<W> {
    fn begin(&mut self, host: &HostFacts, first_ns: i64) -> io::Result<()> {
        if self.host.is_none() {
            self.host = Some(host.clone());
        }
        self.processes.hz = f64::from(host.user_hz.max(1));
        self.svg.begin(host, first_ns)
    }

    fn interval(&mut self, stats: &IntervalStats) -> io::Result<()> {
        self.intervals += 1;
        self.window = Some(match self.window {
            None => (stats.start_ns, stats.end_ns),
            Some((a, b)) => (a.min(stats.start_ns), b.max(stats.end_ns)),
        });
        self.svg.interval(stats)
    }

    fn restart(&mut self, wall_ns: i64, cpus: u32) -> io::Result<()> {
        self.restarts += 1;
        self.processes.restart();
        self.svg.restart(wall_ns, cpus)
    }

    fn comment(&mut self, _: i64, _: &str) -> io::Result<()> {
        Ok(())
    }

    fn processes(&mut self, table: &ProcessTable) -> io::Result<()> {
        self.processes.add(table);
        Ok(())
    }

    fn finish(&mut self) -> io::Result<()> {
        self.svg.finish()
    }
}

impl<W: Write> Html<W> {
    /// Write the page, with two sections of HTML its caller made: `what_changed` before the
    /// charts, `cgroups` after the processes.
    pub fn write(&mut self, what_changed: &str, cgroups: &str) -> io::Result<()> {
        let svg = std::mem::take(self.svg.output());
        let svg = String::from_utf8_lossy(&svg);
        let host = self.host.clone().unwrap_or_default();
        let (t0, t1) = self.window.unwrap_or((0, 0));
        let when = |ns: i64| self.zone.at(ns).format("%Y-%m-%d %H:%M:%S").to_string();
        let offset = self.zone.at(t0).format("%:z").to_string();
        let zone = match self.zone {
            Zone::Utc => "UTC".to_string(),
            Zone::Local => {
                format!("UTC{offset}, the local time of the machine that made this page")
            }
            Zone::Fixed(_) => format!("UTC{offset}, the recording machine's"),
        };
        let mut o = String::new();
        let title = format!(
            "{} — system activity {} to {}",
            host.hostname,
            when(t0),
            when(t1)
        );
        let _ = write!(
            o,
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<h1>{}</h1>\n",
            esc(&title),
            esc(&title)
        );
        let _ = write!(
            o,
            "<dl class=\"facts\">\n<dt>Host</dt><dd id=\"host\">{}</dd>\n<dt>Kernel</dt><dd id=\"kernel\">{} {} ({})</dd>\n<dt>CPUs</dt><dd>{}</dd>\n<dt>Window</dt><dd id=\"window\">{} to {}: {} interval{}{}</dd>\n<dt>Time zone</dt><dd id=\"zone\">{}</dd>\n</dl>\n<p>Made by:</p>\n<pre id=\"command\">{}</pre>\n",
            esc(&host.hostname),
            esc(&host.sysname),
            esc(&host.release),
            esc(&host.machine),
            host.cpu_count,
            when(t0),
            when(t1),
            self.intervals,
            if self.intervals == 1 { "" } else { "s" },
            match self.restarts {
                0 => String::new(),
                1 => ", one restart".into(),
                n => format!(", {n} restarts"),
            },
            esc(&zone),
            esc(&self.command)
        );
        o.push_str(what_changed);
        // The charts, with what the script needs to name the time under the pointer.
        let _ = write!(
            o,
            "<h2 id=\"charts\">Charts</h2>\n<p class=\"note\">Every report the logs recorded in the window. Hover shows the time; a double click widens the charts.</p>\n<div class=\"charts\" data-t0=\"{}\" data-t1=\"{}\" data-left=\"{}\" data-plot=\"{}\" data-offset=\"{}\">\n{}</div>\n",
            t0.div_euclid(1_000_000_000),
            t1.div_euclid(1_000_000_000),
            super::svg::PLOT_LEFT,
            super::svg::PLOT_WIDTH,
            self.zone.offset_at(t0),
            svg.trim_end()
        );
        o.push_str("<h2 id=\"processes\">Top processes</h2>\n");
        let top = self.processes.top();
        if self.processes.tables == 0 {
            o.push_str("<p class=\"note\">No process tables in this log: rsadc records them unless started with --without processes.</p>\n");
        } else if top.is_empty() {
            o.push_str("<p class=\"note\">No process used CPU or did I/O between the process tables of the window.</p>\n");
        } else {
            let hz = f64::from(host.user_hz.max(1));
            let page = u64::from(host.page_size.max(1));
            let secs = self.processes.seconds.max(f64::MIN_POSITIVE);
            let _ = write!(
                o,
                "<p class=\"note\">The {} that used the most CPU over {} s of process tables: CPU time (user and system), its average as %CPU of one CPU, bytes read and written from storage, and the largest resident set.</p>\n<table>\n<tr><th>PID</th><th>UID</th><th class=\"l\">Command</th><th>CPU s</th><th>%CPU</th><th>Read</th><th>Written</th><th>Max RSS</th><th class=\"l\">Cgroup</th><th class=\"l\">Command line</th></tr>\n",
                if top.len() == 1 { "process".to_string() } else { format!("{} processes", top.len()) },
                super::compact(self.processes.seconds)
            );
            for u in top {
                let cpu_s = u.cpu_ticks as f64 / hz;
                let _ = writeln!(
                    o,
                    "<tr><td>{}</td><td>{}</td><td class=\"l\">{}</td><td>{:.2}</td><td>{:.2}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"l\">{}</td><td class=\"cmd\" title=\"{}\">{}</td></tr>",
                    u.pid,
                    u.uid,
                    esc(&u.comm),
                    cpu_s,
                    cpu_s / secs * 100.0,
                    bytes(u.read_bytes),
                    bytes(u.write_bytes),
                    bytes(u.max_rss.saturating_mul(page)),
                    esc(&u.cgroup),
                    esc(&u.cmdline),
                    esc(&u.cmdline)
                );
            }
            o.push_str("</table>\n");
        }
        o.push_str(cgroups);
        let _ = write!(
            o,
            "<div id=\"cursor\"></div>\n<script>{SCRIPT}</script>\n</body>\n</html>\n"
        );
        self.out.write_all(o.as_bytes())?;
        self.out.flush()
    }
}
