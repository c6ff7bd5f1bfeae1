//! --format svg: well-formed, a chart per report, axes and legends labelled, restarts
//! marked, several days in one chart; pinned on a small recorded log.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failure report

mod common;

use common::*;

fn svg(args: &[&str]) -> String {
    let out = run(&rsar_bin(), args);
    assert!(out.status.success(), "{}", text(&out.stderr));
    text(&out.stdout)
}

fn charts(doc: &roxmltree::Document) -> Vec<String> {
    doc.descendants()
        .filter(|n| n.attribute("class") == Some("chart"))
        .map(|g| {
            g.descendants()
                .find(|t| t.has_tag_name("text"))
                .and_then(|t| t.text())
                .unwrap_or("")
                .to_string()
        })
        .collect()
}

#[test]
fn one_chart_per_report_with_labelled_axes_and_restarts() {
    let d = tempdir();
    let file = record(d.path());
    let out = svg(&[
        "-u",
        "-q",
        "-r",
        "-d",
        "-n",
        "DEV",
        "-w",
        "--format",
        "svg",
        "-f",
        file.to_str().unwrap(),
    ]);
    let doc = roxmltree::Document::parse(&out).expect("well-formed XML");
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "svg");
    assert_eq!(
        root.tag_name().namespace(),
        Some("http://www.w3.org/2000/svg")
    );
    assert_eq!(
        charts(&doc),
        [
            "CPU utilisation (all CPUs)",
            "Task creation and context switches",
            "Memory",
            "Memory: percentages",
            "Load average and run queue",
            "Tasks in the task list",
            "Disk throughput",
            "Disk utilisation",
            "Network throughput"
        ]
    );
    for g in doc
        .descendants()
        .filter(|n| n.attribute("class") == Some("chart"))
    {
        let classes: Vec<&str> = g
            .descendants()
            .filter_map(|n| n.attribute("class"))
            .collect();
        assert!(classes.contains(&"unit"), "a unit on the y axis");
        assert!(classes.contains(&"tick"), "time ticks");
        assert!(classes.contains(&"legend"), "a legend");
        assert!(classes.contains(&"restart"), "the reboot is marked");
    }
    // Time ticks in the data's zone (UTC here): 10:00 to 10:21.
    let ticks: Vec<&str> = doc
        .descendants()
        .filter(|n| n.attribute("class") == Some("tick"))
        .filter_map(|n| n.text())
        .collect();
    assert!(ticks.contains(&"10:05"), "{ticks:?}");
}

#[test]
fn pinned_on_a_small_log() {
    let d = tempdir();
    let file = record(d.path());
    let got = svg(&["-u", "-q", "--format", "svg", "-f", file.to_str().unwrap()]);
    golden("recorded-uq.svg", &got);
}

/// The subtitle names the zone the times are in: "(UTC)" with --utc, the offset from UTC
/// in the reader's zone, the recorder's with -t.
#[test]
fn the_subtitle_names_the_zone_of_its_times() {
    let d = tempdir();
    let file = record(d.path());
    let f = file.to_str().unwrap();
    let subtitle = |args: &[&str], tz: &str| {
        let out = std::process::Command::new(rsar_bin())
            .args(args)
            .args(["--format", "svg", "-f", f])
            .env("TZ", tz)
            .env("LC_ALL", "C")
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", text(&out.stderr));
        let svg = text(&out.stdout);
        let at = svg.find(" intervals</text>").unwrap();
        let from = svg[..at].rfind('(').unwrap();
        svg[from..at].to_string()
    };
    assert_eq!(subtitle(&["--utc"], "Asia/Kolkata"), "(UTC), 3");
    assert_eq!(subtitle(&[], "Asia/Kolkata"), "(UTC+05:30), 3");
    // The log was recorded in UTC.
    assert_eq!(subtitle(&["-t"], "Asia/Kolkata"), "(UTC+00:00), 3");
}

#[test]
fn several_days_in_one_chart() {
    let d = tempdir();
    across_midnight(d.path());
    let dir = d.path().to_str().unwrap();
    let out = svg(&[
        "-w",
        "--format",
        "svg",
        "--log-dir",
        dir,
        "--since",
        "2025-11-21 23:00",
        "--until",
        "2025-11-22 01:00",
    ]);
    let doc = roxmltree::Document::parse(&out).unwrap();
    let heading = doc
        .descendants()
        .filter(|n| n.has_tag_name("text"))
        .nth(1)
        .and_then(|n| n.text())
        .unwrap();
    assert!(
        heading.contains("2025-11-21 23:59:40 to 2025-11-22 00:00:20")
            && heading.contains("4 intervals"),
        "{heading}"
    );
    let ticks: Vec<&str> = doc
        .descendants()
        .filter(|n| n.attribute("class") == Some("tick"))
        .filter_map(|n| n.text())
        .collect();
    assert!(
        ticks.contains(&"11-22"),
        "the day boundary is labelled with its date: {ticks:?}"
    );
}

/// The renderer keeps columns, not intervals: 100,000 one-second intervals (a reboot in
/// the middle) make a chart with about one point pair per pixel at most, whatever the
/// length of the log.
#[test]
fn a_long_log_is_drawn_in_a_bounded_number_of_columns() {
    use rsar::report::{renderer, Format, Layout, Selection, Table};
    use rsar::stats::IntervalStats;
    let root = fixture("t0");
    let a = rsar::probe::Probe::new(&root.join("proc"), &root.join("sys"))
        .unwrap()
        .sample()
        .unwrap();
    let mut b = a.clone();
    b.time.wall_ns += 1_000_000_000;
    b.time.uptime_cs += 100;
    b.kernel.ctxt += 5000;
    let one = IntervalStats::between(&a, &b).unwrap();
    let mut sel = Selection::default();
    for t in [Table::Cpu, Table::Queue, Table::Tasks] {
        sel.ask(t);
    }
    const N: i64 = 100_000;
    let mut out = Vec::new();
    {
        let mut r = renderer(
            Format::Svg,
            Layout::ByTable,
            &mut out,
            &sel,
            rsar::time::Zone::Utc,
        );
        r.begin(&rsar::sample::HostFacts::default(), TEN * 1_000_000_000)
            .unwrap();
        for k in 0..N {
            let start = (TEN + k) * 1_000_000_000;
            if k == N / 2 {
                // A reboot: no interval spans it.
                r.restart(start + 500_000_000, 4).unwrap();
                continue;
            }
            let mut s = one.clone();
            s.start_ns = start;
            s.end_ns = start + 1_000_000_000;
            r.interval(&s).unwrap();
        }
        r.finish().unwrap();
    }
    let out = String::from_utf8(out).unwrap();
    let doc = roxmltree::Document::parse(&out).expect("well-formed XML");
    let heading = doc
        .descendants()
        .filter(|n| n.has_tag_name("text"))
        .nth(1)
        .and_then(|n| n.text())
        .unwrap();
    assert!(
        heading.contains(&format!("{} intervals", N - 1)),
        "{heading}"
    );
    // The plot is 998 pixels wide; each column is drawn as two points (its start and end),
    // and a level that does not change as one segment (every interval here is alike).
    let pixels = 998;
    let lines: Vec<usize> = doc
        .descendants()
        .filter(|n| n.has_tag_name("polyline"))
        .map(|n| n.attribute("points").unwrap().split(' ').count())
        .collect();
    // Load (5 series), the task list (1) and tasks (2 columns), each line broken once by
    // the reboot.
    assert_eq!(lines.len(), 2 * 8, "{lines:?}");
    assert!(
        lines.iter().all(|&p| (2..=2 * pixels).contains(&p)),
        "{lines:?}"
    );
    assert!(
        lines.iter().sum::<usize>() <= 8 * 2 * (pixels + 2),
        "{lines:?}"
    );
    // CPU bands: a path per band and run, its top and bottom edges.
    for d in doc
        .descendants()
        .filter(|n| n.has_tag_name("path"))
        .filter_map(|n| n.attribute("d"))
    {
        assert!(d.split(' ').count() <= 4 * pixels + 1, "{}", d.len());
    }
    assert_eq!(
        doc.descendants()
            .filter(|n| n.attribute("class") == Some("restart"))
            .count(),
        4,
        "the reboot is marked on each chart"
    );
}

/// A report with items charts every item its rows have, in each of its columns' charts:
/// the legends name the items the CSV of the same report lists.
#[test]
fn a_report_with_items_charts_every_item() {
    let d = tempdir();
    let file = record(d.path());
    let f = file.to_str().unwrap();
    for (args, title) in [
        (&["-n", "EDEV"][..], "Network interface errors"),
        (&["-I", "ALL"], "Interrupts"),
        (&["-n", "SOFT", "-P", "ALL"], "Network softirq per CPU"),
        (&["-m", "CPU", "-P", "ALL"], "CPU clock"),
    ] {
        let csv = svg(&[args, &["--format", "csv", "-f", f]].concat());
        let mut items: Vec<String> = Vec::new();
        for line in csv.lines().skip(1) {
            let item = line.split(',').nth(4).unwrap().to_string();
            if !items.contains(&item) {
                items.push(item);
            }
        }
        assert!(items.len() > 1, "{args:?}: {csv}");
        let out = svg(&[args, &["--format", "svg", "-f", f]].concat());
        let doc = roxmltree::Document::parse(&out).expect("well-formed XML");
        let mut charted = 0;
        for g in doc
            .descendants()
            .filter(|n| n.attribute("class") == Some("chart"))
        {
            let chart_title = g
                .descendants()
                .find(|t| t.has_tag_name("text"))
                .and_then(|t| t.text())
                .unwrap_or("");
            assert!(chart_title.starts_with(title), "{args:?}: {chart_title}");
            // A line per item, named in the legend; or past a dozen a heatmap row each.
            let heat_rows: Vec<&str> = g
                .descendants()
                .filter(|n| n.attribute("class") == Some("heatrow"))
                .filter_map(|n| n.first_element_child()?.text())
                .collect();
            let legend: Vec<&str> = if heat_rows.is_empty() {
                g.descendants()
                    .filter(|n| n.attribute("class") == Some("legend"))
                    .filter_map(|n| n.text())
                    .collect()
            } else {
                heat_rows
            };
            assert_eq!(legend, items, "{args:?}: {chart_title}");
            charted += 1;
        }
        assert!(charted > 0, "{args:?}");
    }
}

/// The traffic charts keep to the items `--iface=` (and `--dev=`) name, as the tables do.
#[test]
fn traffic_charts_keep_to_the_items_asked_for() {
    let d = tempdir();
    let file = record(d.path());
    let f = file.to_str().unwrap();
    let legend = |args: &[&str]| -> Vec<String> {
        let out = svg(&[args, &["--format", "svg", "-f", f]].concat());
        let doc = roxmltree::Document::parse(&out).expect("well-formed XML");
        let mut l: Vec<String> = doc
            .descendants()
            .filter(|n| n.attribute("class") == Some("legend"))
            .filter_map(|n| n.text().map(str::to_string))
            .collect();
        l.sort();
        l
    };
    let every = legend(&["-n", "DEV"]);
    assert!(every.iter().any(|n| n.starts_with("eth0")), "{every:?}");
    assert_eq!(legend(&["-n", "DEV", "--iface=lo"]), ["lo rx", "lo tx"]);
    assert_eq!(
        legend(&["-d", "--dev=vda"]),
        ["vda", "vda read", "vda write"]
    );
}

/// The texts of one class in a chart group.
fn texts<'a>(g: roxmltree::Node<'a, 'a>, class: &str) -> Vec<&'a str> {
    g.descendants()
        .filter(|n| n.attribute("class") == Some(class))
        .filter_map(|n| n.text())
        .collect()
}

/// The chart groups of an SVG, by title.
fn chart<'a>(doc: &'a roxmltree::Document<'a>, title: &str) -> roxmltree::Node<'a, 'a> {
    doc.descendants()
        .filter(|n| n.attribute("class") == Some("chart"))
        .find(|g| texts(*g, "title").first() == Some(&title))
        .unwrap_or_else(|| panic!("no chart {title:?}"))
}

/// The CPU chart stacks every state `-u` (or `-u ALL`) prints, %nice and %idle included,
/// on an axis of 0–100 %.
#[test]
fn the_cpu_chart_stacks_every_state_sar_prints() {
    let d = tempdir();
    let file = record(d.path());
    let f = file.to_str().unwrap();
    for (args, states) in [
        (
            &["-u"][..],
            &["%user", "%nice", "%system", "%iowait", "%steal", "%idle"][..],
        ),
        (
            &["-u", "ALL"],
            &[
                "%usr", "%nice", "%sys", "%iowait", "%steal", "%irq", "%soft", "%guest", "%gnice",
                "%idle",
            ],
        ),
    ] {
        let out = svg(&[args, &["--format", "svg", "-f", f]].concat());
        let doc = roxmltree::Document::parse(&out).unwrap();
        let cpu = chart(&doc, "CPU utilisation (all CPUs)");
        assert_eq!(texts(cpu, "legend"), states, "{args:?}");
        // A band per state and run of intervals: the recording's first interval, then (after
        // its collection gap and a reboot) its last.
        let bands = cpu.descendants().filter(|n| n.has_tag_name("path")).count();
        assert_eq!(bands, 2 * states.len(), "{args:?}");
        assert_eq!(texts(cpu, "ylabel").last(), Some(&"100"), "{args:?}");
    }
}

/// The collector stopped for 20 minutes in the recording (10:00:03 to 10:20:33): every
/// chart shades that stretch as a gap and draws no line or band across it.
#[test]
fn a_collection_gap_is_drawn_as_a_gap() {
    let d = tempdir();
    let file = record(d.path());
    let out = svg(&[
        "-u",
        "-q",
        "-d",
        "--format",
        "svg",
        "-f",
        file.to_str().unwrap(),
    ]);
    let doc = roxmltree::Document::parse(&out).unwrap();
    let num = |n: roxmltree::Node, a: &str| n.attribute(a).unwrap().parse::<f64>().unwrap();
    let mut charts = 0;
    for g in doc
        .descendants()
        .filter(|n| n.attribute("class") == Some("chart"))
    {
        charts += 1;
        let gaps: Vec<(f64, f64)> = g
            .descendants()
            .filter(|n| n.attribute("class") == Some("gap"))
            .map(|n| (num(n, "x"), num(n, "x") + num(n, "width")))
            .collect();
        assert_eq!(gaps.len(), 1, "{:?}", texts(g, "title"));
        assert_eq!(texts(g, "gaplabel"), ["no data"]);
        let (a, b) = gaps[0];
        // 1,230 of the 1,304 seconds charted, starting 3 s in.
        assert!((b - a - 998.0 * 1230.0 / 1304.0).abs() < 0.2, "{a} {b}");
        for n in g
            .descendants()
            .filter(|n| n.has_tag_name("polyline") || n.has_tag_name("path"))
        {
            let coords = n
                .attribute("points")
                .or(n.attribute("d"))
                .unwrap()
                .split([' ', ','])
                .filter_map(|p| p.trim_start_matches(['M', 'L']).parse::<f64>().ok())
                .step_by(2);
            for x in coords {
                assert!(
                    x <= a + 0.05 || x >= b - 0.05,
                    "{x} inside the gap {a}..{b}"
                );
            }
        }
    }
    assert!(charts >= 4);
}

/// On a large host (128 CPUs, 96 disks of which 95 have done I/O, 400 interfaces) the line
/// charts say which of how many items they draw, and heatmaps draw every CPU, disk and
/// interface.
#[test]
fn at_scale_the_charts_say_what_they_draw() {
    let d = tempdir();
    let file = synth_log(d.path(), 128, 96, 400, &[0, 10, 20]);
    let out = svg(&[
        "-u",
        "-P",
        "ALL",
        "-d",
        "-n",
        "DEV",
        "--format",
        "svg",
        "-f",
        file.to_str().unwrap(),
    ]);
    let doc = roxmltree::Document::parse(&out).unwrap();
    for (title, caption) in [
        ("Disk throughput", "top 6 of 95 by rkB/s + wkB/s"),
        ("Disk utilisation", "top 6 of 95 by %util"),
        ("Network throughput", "top 6 of 400 by rxkB/s + txkB/s"),
    ] {
        assert_eq!(texts(chart(&doc, title), "caption"), [caption], "{title}");
    }
    for (title, rows) in [
        ("CPU busy per CPU (128 CPUs): 100 − %idle", 128),
        ("Disk utilisation per device (95 devices)", 95),
        (
            "Network throughput per interface (400 interfaces): rxkB/s + txkB/s",
            400,
        ),
    ] {
        let g = chart(&doc, title);
        let names: Vec<&str> = g
            .descendants()
            .filter(|n| n.attribute("class") == Some("heatrow"))
            .filter_map(|n| n.first_element_child()?.text())
            .collect();
        assert_eq!(names.len(), rows, "{title}");
    }
}

/// A busy CPU's time split 1:4:1 (%user, %system, %iowait): the shares add up to a hair
/// over 100 in floating point, and the stacked chart's axis still ends at 100 %, not 200 %.
#[test]
fn shares_adding_up_past_100_keep_the_axis_at_100() {
    use rsar::store::{day_file_name, DayWriter};
    let d = tempdir();
    let root = fixture("t0");
    let base = rsar::probe::Probe::new(&root.join("proc"), &root.join("sys"))
        .unwrap()
        .sample()
        .unwrap();
    let host = rsar::sample::HostFacts {
        hostname: "vm".into(),
        boot_id: "b".into(),
        cpu_count: 1,
        ..Default::default()
    };
    let day = chrono::NaiveDate::parse_from_str("2025-11-21", "%Y-%m-%d").unwrap();
    let file = d.path().join(day_file_name(day));
    let (mut w, _) = DayWriter::open(&file, &host, 0, 0).unwrap();
    for k in 0..3u64 {
        let mut s = base.clone();
        s.time.wall_ns = (TEN + 10 * k as i64) * 1_000_000_000;
        s.time.uptime_cs += 1000 * k;
        for t in std::iter::once(&mut s.cpu.total).chain(s.cpu.per_cpu[0].as_mut()) {
            t.user += 100 * k;
            t.system += 400 * k;
            t.iowait += 100 * k;
        }
        w.append_sample(&host, &s).unwrap();
    }
    drop(w);
    let out = svg(&["-u", "--format", "svg", "-f", file.to_str().unwrap()]);
    let doc = roxmltree::Document::parse(&out).unwrap();
    let cpu = doc
        .descendants()
        .find(|n| n.attribute("class") == Some("chart"))
        .unwrap();
    let labels: Vec<&str> = cpu
        .descendants()
        .filter(|n| n.attribute("text-anchor") == Some("end"))
        .filter_map(|n| n.text())
        .collect();
    assert_eq!(labels.last(), Some(&"100"), "{labels:?}");
}

/// The memory, swap and load charts draw every column their report prints (-r ALL's too):
/// the legends name the columns of the same report's CSV.
#[test]
fn level_charts_draw_every_column_of_their_report() {
    let d = tempdir();
    let file = record(d.path());
    let f = file.to_str().unwrap();
    for args in [&["-r", "-S"][..], &["-r", "ALL", "-S"], &["-q"]] {
        let csv = svg(&[args, &["--format", "csv", "-f", f]].concat());
        let mut columns: Vec<String> = Vec::new();
        for header in csv.lines().filter(|l| l.starts_with("timestamp,")) {
            // Several reports in one CSV name their columns REPORT:COLUMN.
            columns.extend(
                header
                    .split(',')
                    .skip(5)
                    .map(|c| c.rsplit(':').next().unwrap().to_string()),
            );
        }
        columns.sort();
        columns.dedup();
        let out = svg(&[args, &["--format", "svg", "-f", f]].concat());
        let doc = roxmltree::Document::parse(&out).unwrap();
        let mut legends: Vec<String> = doc
            .descendants()
            .filter(|n| n.attribute("class") == Some("legend"))
            .filter_map(|n| n.text().map(str::to_string))
            .collect();
        legends.sort();
        legends.dedup();
        assert_eq!(legends, columns, "{args:?}");
    }
}
