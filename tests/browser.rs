//! The charts and the HTML report in a real browser (Debian's Chromium, headless): the
//! rendered geometry of every label — legends, titles, captions, ticks, axis labels, a
//! heatmap's rows — stays inside the canvas and clear of the others and of the plots, with
//! twelve legend entries and on a 128-CPU, 95-disk, 400-interface host; the CPU chart names
//! %nice; the report reads with JavaScript off, and loading it (script on) sends no request
//! anywhere, as Chromium's own network log shows. Without Chromium the test fails under
//! RSAR_REQUIRE_ORACLES (as in CI, which installs it) and is skipped otherwise.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failure report

mod common;

use common::*;
use std::path::{Path, PathBuf};
use std::process::Command;

fn chromium() -> Option<PathBuf> {
    let found = ["/usr/bin/chromium", "/usr/bin/chromium-browser"]
        .iter()
        .map(PathBuf::from)
        .find(|p| p.exists());
    if found.is_none() {
        oracle_missing("chromium (Debian's package chromium)");
    }
    found
}

/// Load `page` in headless Chromium and return the DOM after its scripts ran; Chromium's
/// network log goes to `netlog` when given.
fn dump_dom(browser: &Path, page: &Path, netlog: Option<&Path>) -> String {
    let profile = tempdir();
    let mut cmd = Command::new("timeout");
    cmd.arg("120")
        .arg(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-default-apps",
            "--disable-extensions",
            "--disable-sync",
            "--window-size=1400,1000",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()));
    if let Some(log) = netlog {
        cmd.arg(format!("--log-net-log={}", log.display()));
    }
    let out = cmd
        .arg("--dump-dom")
        .arg(format!("file://{}", page.display()))
        .env("TZ", "UTC")
        .output()
        .unwrap();
    assert!(out.status.success(), "chromium: {}", text(&out.stderr));
    text(&out.stdout)
}

/// Measures, in the SVG's own coordinates, every text, legend swatch and plot frame of the
/// first SVG on the page, into `<pre id="geometry">`: chart, tag, class, x0, y0, x1, y1,
/// text (the header's texts are chart `-`; the canvas is the first line).
const MEASURE: &str = r#"<pre id="geometry"></pre><script>
(function(){var svg=document.querySelector('svg');var r0=svg.getBoundingClientRect();
var vb=svg.viewBox.baseVal;var k=vb.width/r0.width;var out=['-\tcanvas\t\t0\t0\t'+vb.width+'\t'+vb.height+'\t'];
function add(ci,e){var b=e.getBoundingClientRect();out.push([ci,e.tagName,e.getAttribute('class')||'',
((b.left-r0.left)*k).toFixed(2),((b.top-r0.top)*k).toFixed(2),((b.right-r0.left)*k).toFixed(2),
((b.bottom-r0.top)*k).toFixed(2),(e.tagName=='text'?e.textContent:'').replace(/\s+/g,' ')].join('\t'))}
svg.querySelectorAll(':scope > text').forEach(function(e){add('-',e)});
svg.querySelectorAll('g.chart').forEach(function(g,ci){g.querySelectorAll('text, line.swatch, rect.plot').forEach(function(e){add(ci,e)})});
document.getElementById('geometry').textContent=out.join('\n');})();
</script>"#;

#[derive(Debug, Clone)]
struct Shape {
    chart: String,
    tag: String,
    class: String,
    x0: f64,
    y0: f64,
    x1: f64,
    y1: f64,
    text: String,
}

impl Shape {
    /// Whether the two overlap by more than half a pixel both ways.
    fn overlaps(&self, o: &Shape) -> bool {
        const SLACK: f64 = 0.5;
        self.x0.max(o.x0) + SLACK < self.x1.min(o.x1)
            && self.y0.max(o.y0) + SLACK < self.y1.min(o.y1)
    }
}

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&amp;", "&")
}

/// The measured shapes of a page's first SVG (the page `html`, with MEASURE added).
fn measure(browser: &Path, dir: &Path, name: &str, html: &str) -> Vec<Shape> {
    let page = dir.join(name);
    let body_end = html.rfind("</body>").unwrap_or(html.len());
    std::fs::write(
        &page,
        format!("{}{MEASURE}{}", &html[..body_end], &html[body_end..]),
    )
    .unwrap();
    let dom = dump_dom(browser, &page, None);
    let a = dom
        .find("<pre id=\"geometry\">")
        .expect("the measuring script ran")
        + 19;
    let b = a + dom[a..].find("</pre>").unwrap();
    let shapes: Vec<Shape> = unescape(&dom[a..b])
        .lines()
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            assert!(f.len() >= 8, "{l}");
            let n = |i: usize| f[i].parse::<f64>().unwrap();
            Shape {
                chart: f[0].into(),
                tag: f[1].into(),
                class: f[2].into(),
                x0: n(3),
                y0: n(4),
                x1: n(5),
                y1: n(6),
                text: f[7..].join("\t"),
            }
        })
        .collect();
    assert!(shapes.len() > 10, "{name}: {} shapes", shapes.len());
    shapes
}

/// Nothing outside the canvas; no two texts over each other, nor a legend swatch over a
/// text; legends, titles, captions and time labels clear of the plots.
fn check_layout(what: &str, shapes: &[Shape]) {
    let canvas = &shapes[0];
    assert_eq!(canvas.tag, "canvas");
    for s in &shapes[1..] {
        assert!(
            s.x0 >= -0.5 && s.y0 >= -0.5 && s.x1 <= canvas.x1 + 0.5 && s.y1 <= canvas.y1 + 0.5,
            "{what}: outside the {}x{} canvas: {s:?}",
            canvas.x1,
            canvas.y1
        );
    }
    let labels: Vec<&Shape> = shapes[1..]
        .iter()
        .filter(|s| s.tag == "text" || s.class == "swatch")
        .collect();
    for (i, a) in labels.iter().enumerate() {
        for b in &labels[i + 1..] {
            let swatches = a.class == "swatch" && b.class == "swatch";
            assert!(
                !(a.overlaps(b) && (a.tag == "text" || b.tag == "text" || swatches)),
                "{what}: overlapping\n  {a:?}\n  {b:?}"
            );
        }
    }
    for plot in shapes.iter().filter(|s| s.class == "plot") {
        for s in shapes.iter().filter(|s| {
            matches!(
                s.class.as_str(),
                "legend" | "swatch" | "title" | "caption" | "tick" | "unit" | "ylabel"
            )
        }) {
            assert!(
                !plot.overlaps(s),
                "{what}: over the plot of chart {}: {s:?}",
                plot.chart
            );
        }
    }
}

/// The legend texts of the chart titled `title`.
fn legend_of<'a>(shapes: &'a [Shape], title: &str) -> Vec<&'a str> {
    let chart = &shapes
        .iter()
        .find(|s| s.class == "title" && s.text == title)
        .unwrap_or_else(|| panic!("no chart {title:?}"))
        .chart;
    shapes
        .iter()
        .filter(|s| &s.chart == chart && s.class == "legend" && s.x1 > s.x0)
        .map(|s| s.text.as_str())
        .collect()
}

fn svg_page(svg: &str) -> String {
    format!("<!DOCTYPE html><html><head><meta charset=\"utf-8\"></head><body style=\"margin:0\">{svg}</body></html>")
}

#[test]
fn charts_and_the_report_render_clean_in_chromium() {
    let Some(browser) = chromium() else { return };
    let d = tempdir();

    // The recorded VM: every CPU state, and twelve interrupt lines in one legend.
    let rec = d.path().join("rec");
    std::fs::create_dir(&rec).unwrap();
    let file = record(&rec);
    let f = file.to_str().unwrap();
    let out = run(
        &rsar_bin(),
        &[
            "-u",
            "ALL",
            "-q",
            "-r",
            "-d",
            "-n",
            "DEV",
            "-I",
            "24,25,26,28,29,30,31,32,33,34,35,36",
            "--format",
            "svg",
            "-f",
            f,
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let shapes = measure(&browser, d.path(), "vm.html", &svg_page(&text(&out.stdout)));
    check_layout("the VM's charts", &shapes);
    assert_eq!(
        legend_of(&shapes, "CPU utilisation (all CPUs)"),
        [
            "%usr", "%nice", "%sys", "%iowait", "%steal", "%irq", "%soft", "%guest", "%gnice",
            "%idle"
        ]
    );
    assert_eq!(legend_of(&shapes, "Interrupts per INTR").len(), 12);

    // The large host: lines for the busiest, heatmaps for all.
    let big = d.path().join("big");
    std::fs::create_dir(&big).unwrap();
    let file = synth_log(&big, 128, 96, 400, &[0, 10, 20, 30]);
    let out = run(
        &rsar_bin(),
        &[
            "-u",
            "-P",
            "ALL",
            "-q",
            "-d",
            "-n",
            "DEV,EDEV",
            "--format",
            "svg",
            "-f",
            file.to_str().unwrap(),
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let shapes = measure(
        &browser,
        d.path(),
        "big.html",
        &svg_page(&text(&out.stdout)),
    );
    check_layout("the large host's charts", &shapes);
    assert!(legend_of(&shapes, "CPU utilisation (all CPUs)").contains(&"%nice"));
    let captions: Vec<&str> = shapes
        .iter()
        .filter(|s| s.class == "caption")
        .map(|s| s.text.as_str())
        .collect();
    for caption in ["top 6 of 96 by %util", "top 6 of 400 by rxkB/s + txkB/s"] {
        assert!(captions.contains(&caption), "{captions:?}");
    }

    // The report of a day with processes.
    let day = d.path().join("day");
    std::fs::create_dir(&day).unwrap();
    let log = synth_day(&day, 10, 30);
    let page = d.path().join("report.html");
    let out = run(
        &rsar_bin(),
        &[
            "report",
            "--html",
            "-f",
            log.to_str().unwrap(),
            "-o",
            page.to_str().unwrap(),
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let html = std::fs::read_to_string(&page).unwrap();
    let shapes = measure(&browser, d.path(), "report-measured.html", &html);
    check_layout("the report's charts", &shapes);
    assert!(legend_of(&shapes, "CPU utilisation (all CPUs)").contains(&"%nice"));

    // With JavaScript off the page is whole: the charts, the processes, the machine.
    // (Chromium's --dump-dom needs script on, so the page's own scripts are turned off by
    // a policy that allows none.)
    let no_script = d.path().join("no-script.html");
    std::fs::write(
        &no_script,
        html.replacen(
            "<head>",
            "<head><meta http-equiv=\"Content-Security-Policy\" content=\"script-src 'none'\">",
            1,
        ),
    )
    .unwrap();
    let dom = dump_dom(&browser, &no_script, None);
    for part in [
        "<svg",
        "<dd id=\"host\">synth</dd>",
        "<h2 id=\"processes\">",
        "<tr><td>",
        "<h2 id=\"explain\">",
        "<h2 id=\"cgroups\">",
    ] {
        assert!(dom.contains(part), "{part} with JavaScript off");
    }

    // Loading it (script on) asks for nothing: Chromium's network log has no request made
    // for the page. The same check sees a page's request for an image on loopback.
    let requests = |page: &Path| -> Vec<String> {
        let log = d.path().join("net.json");
        dump_dom(&browser, page, Some(&log));
        page_requests(&std::fs::read_to_string(&log).unwrap())
    };
    assert_eq!(requests(&page), Vec::<String>::new());

    // A page with cgroups and what changed reads whole with JavaScript off too, and asks
    // for nothing either.
    let cg_log = d.path().join("cgroups-log");
    made_up::made_up_log_at(&cg_log, TEN, true);
    let cg_page = d.path().join("cgroups.html");
    let (since, until) = (format!("@{}", TEN + 10), format!("@{}", TEN + 20));
    let out = run(
        &rsar_bin(),
        &[
            "report",
            "--html",
            "-f",
            cg_log.to_str().unwrap(),
            "--since",
            &since,
            "--until",
            &until,
            "-o",
            cg_page.to_str().unwrap(),
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let cg_html = std::fs::read_to_string(&cg_page).unwrap();
    let no_script = d.path().join("cgroups-no-script.html");
    std::fs::write(
        &no_script,
        cg_html.replacen(
            "<head>",
            "<head><meta http-equiv=\"Content-Security-Policy\" content=\"script-src 'none'\">",
            1,
        ),
    )
    .unwrap();
    let dom = dump_dom(&browser, &no_script, None);
    for part in [
        "<ol id=\"findings\">",
        "<code>work.slice/hog.service</code>",
        "<table id=\"cgroup-table\">",
        "<span class=\"bar\" style=\"width:120px\"></span>",
    ] {
        assert!(dom.contains(part), "{part} with JavaScript off");
    }
    assert_eq!(requests(&cg_page), Vec::<String>::new());
    let fetching = d.path().join("fetching.html");
    std::fs::write(
        &fetching,
        html.replacen(
            "<body>",
            "<body><img src=\"http://127.0.0.1:9/rsar-test.png\">",
            1,
        ),
    )
    .unwrap();
    assert_eq!(requests(&fetching), ["http://127.0.0.1:9/rsar-test.png"]);
}

/// The URLs of the requests a page (a file:// document) started, from a Chromium network
/// log: those whose network isolation key is the file's. Chromium's own (update checks,
/// accounts) have none.
fn page_requests(netlog: &str) -> Vec<String> {
    let log: serde_json::Value = serde_json::from_str(netlog).expect("a JSON network log");
    let start_job = log["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"]
        .as_u64()
        .unwrap();
    let mut urls: Vec<String> = log["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["type"].as_u64() == Some(start_job))
        .filter(|e| {
            e["params"]["network_isolation_key"]
                .as_str()
                .is_some_and(|k| k.starts_with("file://"))
        })
        .filter_map(|e| e["params"]["url"].as_str().map(str::to_string))
        .filter(|u| !u.starts_with("file://"))
        .collect();
    urls.sort();
    urls.dedup();
    urls
}
