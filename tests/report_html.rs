//! `rsar report --html`: one self-contained page for a window of the logs — the same bytes
//! for the same input, nothing fetched from anywhere, the machine and the command that made
//! it, what changed against a baseline, every recorded report charted, the top processes
//! and cgroups; within the size budget for a day at 10 s with processes. (tests/browser.rs
//! opens it in Chromium.)

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failure report

mod common;

use common::*;

/// The inline SVG of a page, parsed.
fn svg_of(page: &str) -> String {
    let a = page.find("<svg").expect("an inline SVG");
    let b = page.rfind("</svg>").unwrap() + "</svg>".len();
    page[a..b].to_string()
}

fn chart_titles(svg: &str) -> Vec<String> {
    let doc = roxmltree::Document::parse(svg).expect("well-formed SVG");
    doc.descendants()
        .filter(|n| n.attribute("class") == Some("title"))
        .filter_map(|n| n.text().map(str::to_string))
        .collect()
}

/// A day at 10 s with about 60 processes per table: one page, the same twice, under the
/// budget of 2 MB, with everything it should say and no reference outside itself.
#[test]
fn a_day_with_processes_is_one_self_contained_page() {
    let d = tempdir();
    let day = synth_day(d.path(), 10, 60);
    let (f, page_path) = (day.to_str().unwrap().to_string(), d.path().join("day.html"));
    let p = page_path.to_str().unwrap();
    let out = run(&rsar_bin(), &["report", "--html", "-f", &f, "-o", p]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(out.stdout.is_empty());
    let page = std::fs::read_to_string(&page_path).unwrap();
    // Same input, same bytes: to stdout this time.
    let again = run(&rsar_bin(), &["report", "--html", "-f", &f, "-o", p]);
    assert!(again.status.success());
    assert_eq!(std::fs::read_to_string(&page_path).unwrap(), page);
    let stdout = run(&rsar_bin(), &["report", "--html", "-f", &f]);
    assert!(stdout.status.success());
    let piped = text(&stdout.stdout);
    assert_eq!(
        piped.replace(&format!(" -o {p}"), ""),
        page.replace(&format!(" -o {p}"), ""),
        "the page is the same on stdout, but for its command"
    );
    assert!(page.len() <= 2_000_000, "{} bytes", page.len());

    assert!(page.starts_with("<!DOCTYPE html>"));
    for want in [
        "<dd id=\"host\">synth</dd>",
        "<dd id=\"kernel\">Linux 6.1.0-synthetic (x86_64)</dd>",
        "<dd id=\"zone\">UTC+00:00, the local time of the machine that made this page</dd>",
        "<dd id=\"window\">2025-11-21 00:00:00 to 2025-11-21 23:59:50: 8638 intervals, one restart</dd>",
        &format!("<pre id=\"command\">rsar report --html -f {f} -o {p}</pre>"),
        "<p class=\"note\" id=\"no-cgroups\">No cgroups in this log: ",
        // The day starts the file: nothing before it to compare with, and the page says so.
        "<p class=\"note\" id=\"no-baseline\">Not compared with a baseline: no interval in the baseline (the window just before)",
    ] {
        assert!(page.contains(want), "{want}");
    }
    // Nothing outside the page: no URL but the SVG namespace's name, no attribute that
    // loads anything.
    let without_ns = page.replace("xmlns=\"http://www.w3.org/2000/svg\"", "");
    for outside in ["http:", "https:", "//", " src=", "href=", "url(", "@import"] {
        assert!(!without_ns.contains(outside), "{outside:?} in the page");
    }
    // The charts of every report the day recorded (synth_day records these groups).
    let titles = chart_titles(&svg_of(&page));
    for t in [
        "CPU utilisation (all CPUs)",
        "CPU busy per CPU (4 CPUs): 100 − %idle",
        "Task creation and context switches",
        "Paging",
        "I/O over physical disks",
        "Memory",
        "Swap",
        "Load average and run queue",
        "Disk throughput",
        "Disk utilisation",
        "Network throughput",
        "Network interface errors: rxerr/s per IFACE",
        "CPU pressure",
    ] {
        assert!(titles.iter().any(|x| x == t), "{t}: {titles:?}");
    }
    // Reports the day has no data for are left out, not drawn empty.
    assert!(
        !titles.iter().any(|t| t.starts_with("Filesystems")),
        "{titles:?}"
    );
    // The top processes: a row each, the busiest first.
    let table = &page
        [page.find("<h2 id=\"processes\">").unwrap()..page.find("<h2 id=\"cgroups\">").unwrap()];
    let rows: Vec<&str> = table
        .lines()
        .filter(|l| l.starts_with("<tr><td>"))
        .collect();
    assert!(rows.len() >= 3, "{table}");
    let cpu_s: Vec<f64> = rows
        .iter()
        .map(|r| {
            r.split("<td>")
                .nth(3)
                .unwrap()
                .trim_end_matches("</td>")
                .parse()
                .unwrap()
        })
        .collect();
    assert!(
        cpu_s.windows(2).all(|w| w[0] >= w[1]) && cpu_s[0] > 0.0,
        "{cpu_s:?}"
    );
}

/// -s/-e and --since/--until choose the window, as in rsar's other reports.
#[test]
fn the_page_covers_the_window_asked_for() {
    let d = tempdir();
    let file = record(d.path());
    let f = file.to_str().unwrap();
    let dir = d.path().to_str().unwrap();
    for args in [
        &["-f", f, "-s", "10:20:00"][..],
        &[
            "--log-dir",
            dir,
            "--since",
            "2025-11-21 10:20",
            "--until",
            "2025-11-21 10:30",
        ],
    ] {
        let out = run(
            &rsar_bin(),
            &[&["report", "--html", "--utc"], args].concat(),
        );
        assert!(out.status.success(), "{args:?}: {}", text(&out.stderr));
        let page = text(&out.stdout);
        // The sample at 10:20:33 ends an interval that began before the window; then the
        // machine restarted, and one interval followed.
        assert!(
            page.contains("<dd id=\"window\">2025-11-21 10:21:41 to 2025-11-21 10:21:44: 1 interval, one restart</dd>"),
            "{args:?}: {}",
            &page[page.find("<dl").unwrap()..page.find("</dl>").unwrap()]
        );
        assert!(page.contains("<dd id=\"zone\">UTC</dd>"));
    }
}

/// A window across midnight reads both days' logs into one page.
#[test]
fn the_page_spans_several_days() {
    let d = tempdir();
    across_midnight(d.path());
    let out = run(
        &rsar_bin(),
        &[
            "report",
            "--html",
            "--log-dir",
            d.path().to_str().unwrap(),
            "--since",
            "2025-11-21 23:00",
            "--until",
            "2025-11-22 01:00",
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let page = text(&out.stdout);
    assert!(
        page.contains(
            "<dd id=\"window\">2025-11-21 23:59:40 to 2025-11-22 00:00:20: 4 intervals</dd>"
        ),
        "{}",
        &page[page.find("<dl").unwrap()..page.find("</dl>").unwrap()]
    );
    assert!(page.contains("<p class=\"note\">No process tables in this log"));
}

#[test]
fn what_report_refuses() {
    let d = tempdir();
    let file = record(d.path());
    let f = file.to_str().unwrap();
    for (args, says) in [
        (&["report", "-f", f][..], "give --html"),
        (&["report", "--html", "1", "3"], "takes no INTERVAL"),
        (
            &["report", "--html", "-f", f, "--follow"],
            "takes no --follow",
        ),
    ] {
        let out = run(&rsar_bin(), args);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        assert!(
            text(&out.stderr).contains(says),
            "{args:?}: {}",
            text(&out.stderr)
        );
    }
    let out = run(
        &rsar_bin(),
        &[
            "report",
            "--html",
            "-f",
            f,
            "-o",
            "/nonexistent/dir/page.html",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("cannot write the page to /nonexistent/dir/page.html"),
        "{}",
        text(&out.stderr)
    );
}

/// The top processes count what each did between tables: a process missing from one
/// table (a table cut short) is not counted for its whole life when it comes back.
#[test]
fn the_top_processes_count_only_the_window() {
    use rsar::process::ProcessCounters;
    use rsar::store::procs::ProcessTable;
    use rsar::store::{day_file_name, DayWriter};
    let d = tempdir();
    let root = fixture("t0");
    let base = rsar::probe::Probe::new(&root.join("proc"), &root.join("sys"))
        .unwrap()
        .sample()
        .unwrap();
    let host = test_host("b", 2);
    let day = chrono::NaiveDate::parse_from_str("2025-11-21", "%Y-%m-%d").unwrap();
    let file = d.path().join(day_file_name(day));
    let (mut w, _) = DayWriter::open(&file, &host, 0, 0).unwrap();
    let process = |pid: u32, start_ticks: u64, utime: u64| ProcessCounters {
        pid,
        start_ticks,
        comm: format!("p{pid}").into(),
        cmdline: format!("/usr/bin/p{pid}").into(),
        state: u32::from(b'R'),
        utime,
        ..Default::default()
    };
    for k in 0..3u64 {
        let mut s = base.clone();
        s.time.wall_ns = (TEN + 10 * k as i64) * 1_000_000_000;
        s.time.uptime_cs += 1000 * k;
        w.append_sample(&host, &s).unwrap();
        // p1 uses a second of CPU each 10 s; p2, running for days, is missing from the
        // middle table.
        let mut table = vec![process(1, 100, 100 * k)];
        if k != 1 {
            table.push(process(2, 200, 1_000_000 + 100 * k));
        }
        w.append_processes(&ProcessTable {
            wall_ns: s.time.wall_ns,
            uptime_cs: s.time.uptime_cs,
            processes: table.into(),
        })
        .unwrap();
    }
    drop(w);
    let out = run(
        &rsar_bin(),
        &["report", "--html", "-f", file.to_str().unwrap()],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let page = text(&out.stdout);
    let rows: Vec<&str> = page.lines().filter(|l| l.starts_with("<tr><td>")).collect();
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert!(
        rows[0].starts_with(
            "<tr><td>1</td><td>0</td><td class=\"l\">p1</td><td>2.00</td><td>10.00</td>"
        ),
        "{}",
        rows[0]
    );
}

/// The made-up log of tests/explain.rs with cgroups: its second ten seconds against the
/// first (by default, and by --baseline) tell CPU busy +50 points, 40 % of it the hog and
/// its service; the cgroups table ranks the hog's service (40 % of a CPU) over the
/// worker's (30 %), their parent's own part (nothing) left out; the same bytes twice.
#[test]
fn the_page_says_what_changed_and_which_cgroups_worked() {
    let d = tempdir();
    let log = d.path().join("log");
    common::made_up::made_up_log_at(&log, TEN, true);
    let f = log.to_str().unwrap();
    let since = format!("@{}", TEN + 10);
    let until = format!("@{}", TEN + 20);
    let page = |extra: &[&str]| {
        let args = [
            &[
                "report", "--html", "--utc", "-f", f, "--since", &since, "--until", &until,
            ][..],
            extra,
        ]
        .concat();
        let out = run(&rsar_bin(), &args);
        assert!(out.status.success(), "{}", text(&out.stderr));
        text(&out.stdout)
    };
    let html = page(&[]);
    assert_eq!(page(&[]), html, "the same bytes");
    let findings = &html[html.find("<ol id=\"findings\">").expect("findings")..];
    let first = findings.lines().nth(1).unwrap();
    assert!(
        first.starts_with(
            "<li>CPU busy +50.0 points (10.0% → 60.0%), by CPU time; 40% of it: \
             <code>hog</code> (pid 200, work.slice/hog.service, new, started 10:00:09);"
        ),
        "{first}"
    );
    assert!(
        first.contains(
            "By cgroup, CPU time: 40% of it: <code>work.slice/hog.service</code> (new); \
             20%: <code>work.slice/worker.service</code>;"
        ),
        "{first}"
    );
    assert!(
        html.contains("<p class=\"note\" id=\"baseline\">The window against the window just before (2025-11-21 10:00:00 to 2025-11-21 10:00:10)"),
        "{html}"
    );
    let table = &html[html
        .find("<table id=\"cgroup-table\">")
        .expect("a cgroup table")..];
    let table = &table[..table.find("</table>").unwrap()];
    let rows: Vec<&str> = table.lines().filter(|l| l.starts_with("<tr><td")).collect();
    assert_eq!(rows.len(), 2, "{table}");
    assert!(
        rows[0].starts_with(
            "<tr><td class=\"l\">work.slice/hog.service</td><td class=\"l\"></td><td>40.00</td>"
        ),
        "{}",
        rows[0]
    );
    assert!(
        rows[1].starts_with(
            "<tr><td class=\"l\">work.slice/worker.service</td><td class=\"l\"></td><td>30.00</td>"
        ),
        "{}",
        rows[1]
    );
    assert!(html.contains("<p class=\"note\">The 2 of 4 cgroups that used the most CPU over 10 s,"));
    // The processes carry their cgroup.
    assert!(html.contains("<td class=\"l\">work.slice/hog.service</td><td class=\"cmd\""));
    assert!(!html.contains("no-cgroups") && !html.contains("no cgroup data"));
    // A baseline of the same kind as explain's.
    let against = page(&["--baseline", "10:00-10:00:05"]);
    assert!(
        against.contains("(2025-11-21 10:00:00 to 2025-11-21 10:00:05)"),
        "{against}"
    );
    let out = run(
        &rsar_bin(),
        &["report", "--html", "-f", f, "--baseline", "never"],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("--baseline takes"),
        "{}",
        text(&out.stderr)
    );
}
