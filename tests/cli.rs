//! The `rsar` binary as a user runs it: stdout, stderr and exit codes, with TZ and LC_ALL
//! pinned. Live reports read this machine's /proc, so values are checked for shape and
//! consistency; the numbers themselves are pinned by tests/stats.rs and tests/probe.rs.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failure report

use assert_cmd::Command;
use std::io::{BufRead, BufReader};
use std::process::Stdio;

mod common;

fn rsar() -> Command {
    let mut c = Command::cargo_bin("rsar").unwrap();
    c.env("TZ", "UTC")
        .env("LC_ALL", "C")
        .env_remove("S_TIME_FORMAT")
        // The machine's own /etc/default/rsar and RSAR_DIR stay out of these tests.
        .env("RSAR_SETTINGS", "/nonexistent/rsar-settings")
        .env_remove("RSAR_DIR");
    c
}

struct Run {
    stdout: String,
    stderr: String,
    code: Option<i32>,
}

fn run(args: &[&str]) -> Run {
    let out = rsar().args(args).output().unwrap();
    Run {
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
        code: out.status.code(),
    }
}

fn is_clock(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 8
        && b[2] == b':'
        && b[5] == b':'
        && [0, 1, 3, 4, 6, 7].iter().all(|&i| b[i].is_ascii_digit())
}

/// The header rows' column names of a report (everything after the time column).
fn headers(stdout: &str) -> Vec<String> {
    stdout
        .lines()
        .filter(|l| l.len() > 11 && is_clock(&l[..8]) || l.starts_with("Average:"))
        .filter(|l| {
            l[11..].split_whitespace().any(|w| {
                w.starts_with('%')
                    || w.contains('/')
                    || w.starts_with("kb")
                    || w == "tps"
                    || w == "runq-sz"
            })
        })
        .map(|l| l[11..].split_whitespace().collect::<Vec<_>>().join(" "))
        .collect()
}

fn check_banner(line: &str) {
    // Linux <release> (<host>) \t<MM/DD/YY> \t_<arch>_\t(<n> CPU)
    let parts: Vec<&str> = line.split('\t').collect();
    assert_eq!(parts.len(), 4, "banner {line:?}");
    assert!(
        parts[0].starts_with("Linux ") && parts[0].ends_with(") "),
        "{line:?}"
    );
    let date = parts[1].trim_end();
    assert_eq!(date.len(), 8, "{line:?}");
    assert_eq!((&date[2..3], &date[5..6]), ("/", "/"));
    assert!(parts[2].starts_with('_') && parts[2].ends_with('_'));
    assert!(parts[3].starts_with('(') && parts[3].ends_with(" CPU)"));
}

#[test]
fn cpu_report_has_sar_layout() {
    let r = run(&["-u", "1", "3"]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let lines: Vec<&str> = r.stdout.lines().collect();
    check_banner(lines[0]);
    assert_eq!(lines[1], "");
    assert!(is_clock(&lines[2][..8]));
    assert_eq!(
        &lines[2][8..],
        "        CPU     %user     %nice   %system   %iowait    %steal     %idle"
    );
    assert_eq!(
        lines.len(),
        7,
        "banner, blank, header, 3 rows, Average:\n{}",
        r.stdout
    );
    for row in &lines[3..6] {
        assert!(is_clock(&row[..8]));
        assert_eq!(&row[8..19], "        all");
        let v: Vec<f64> = row[19..]
            .split_whitespace()
            .map(|x| x.parse().unwrap())
            .collect();
        assert_eq!(v.len(), 6);
        let sum: f64 = v.iter().sum();
        assert!(
            (sum - 100.0).abs() < 0.1,
            "percentages add up to 100: {row}"
        );
    }
    assert!(lines[6].starts_with("Average:        all "));
    assert!(r.stderr.is_empty(), "{}", r.stderr);
}

#[test]
fn no_flag_means_u() {
    let r = run(&["1", "1"]);
    assert_eq!(r.code, Some(0));
    assert_eq!(
        headers(&r.stdout),
        ["CPU %user %nice %system %iowait %steal %idle"]
    );
}

#[test]
fn every_flag_prints_sars_columns() {
    let cases: &[(&[&str], &[&str])] = &[
        (&["-u", "ALL"], &["CPU %usr %nice %sys %iowait %steal %irq %soft %guest %gnice %idle"]),
        (&["-q"], &["runq-sz plist-sz ldavg-1 ldavg-5 ldavg-15 blocked"]),
        (&["-r"], &["kbmemfree kbavail kbmemused %memused kbbuffers kbcached kbcommit %commit kbactive kbinact kbdirty kbshmem"]),
        (&["-r", "ALL"], &["kbmemfree kbavail kbmemused %memused kbbuffers kbcached kbcommit %commit kbactive kbinact kbdirty kbshmem kbanonpg kbslab kbkstack kbpgtbl kbvmused"]),
        (&["-S"], &["kbswpfree kbswpused %swpused kbswpcad %swpcad"]),
        (&["-W"], &["pswpin/s pswpout/s"]),
        (&["-B"], &["pgpgin/s pgpgout/s fault/s majflt/s pgfree/s pgscank/s pgscand/s pgsteal/s pgprom/s pgdem/s"]),
        (&["-b"], &["tps rtps wtps dtps bread/s bwrtn/s bdscd/s"]),
        (&["-n", "DEV"], &["IFACE rxpck/s txpck/s rxkB/s txkB/s rxcmp/s txcmp/s rxmcst/s %ifutil"]),
        (&["-w"], &["proc/s cswch/s"]),
    ];
    for (flags, want) in cases {
        let mut args = flags.to_vec();
        args.extend(["1", "1"]);
        let r = run(&args);
        assert_eq!(r.code, Some(0), "{flags:?}: {}", r.stderr);
        let h = headers(&r.stdout);
        assert!(!h.is_empty(), "{flags:?}:\n{}", r.stdout);
        assert_eq!(&h[0], want[0], "{flags:?}");
        assert!(
            r.stdout.lines().any(|l| l.starts_with("Average:")),
            "{flags:?} has an Average block:\n{}",
            r.stdout
        );
    }
}

#[test]
fn disk_report_header_and_one_row_per_used_device() {
    let r = run(&["-d", "1", "1"]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert!(r.stdout.contains(
        "DEV       tps     rkB/s     wkB/s     dkB/s   areq-sz    aqu-sz     await     %util"
    ));
    let rows = r
        .stdout
        .lines()
        .filter(|l| l.starts_with("Average:"))
        .count();
    let disks_used = std::fs::read_to_string("/proc/diskstats")
        .unwrap()
        .lines()
        .filter(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            let whole = std::path::Path::new("/sys/block").join(f[2]).exists();
            whole && (f[3] != "0" || f[7] != "0")
        })
        .count();
    // Average rows: one per device (plus a header row when several devices are shown).
    assert!(rows == disks_used || rows == disks_used + 1, "{}", r.stdout);
}

#[test]
fn several_reports_print_in_sar_order_with_a_header_each() {
    let r = run(&["-r", "-q", "-u", "-w", "1", "2"]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let firsts: Vec<String> = headers(&r.stdout)
        .iter()
        .map(|h| h.split(' ').next().unwrap().to_string())
        .collect();
    // Two intervals and the averages, each with CPU, tasks, memory, queue in sar's order.
    let one = ["CPU", "proc/s", "kbmemfree", "runq-sz"];
    assert_eq!(firsts, [one, one, one].concat(), "{}", r.stdout);
    // Tables are separated by one blank line.
    assert!(!r.stdout.contains("\n\n\n"));
}

#[test]
fn per_cpu_rows_with_p_all() {
    let r = run(&["-P", "ALL", "1", "1"]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let cpus = std::fs::read_to_string("/proc/stat")
        .unwrap()
        .lines()
        .filter(|l| l.starts_with("cpu") && !l.starts_with("cpu "))
        .count();
    let avg_rows = r
        .stdout
        .lines()
        .filter(|l| l.starts_with("Average:") && !l.contains("%user"))
        .count();
    assert_eq!(avg_rows, cpus + 1, "all + each CPU:\n{}", r.stdout);
}

#[test]
fn a_all_prints_every_report() {
    let r = run(&["-A", "1", "1"]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    for col in [
        "%usr",
        "proc/s",
        "pswpin/s",
        "pgpgin/s",
        "bread/s",
        "kbanonpg",
        "kbswpfree",
        "runq-sz",
        "areq-sz",
        "rxpck/s",
    ] {
        assert!(r.stdout.contains(col), "{col} missing:\n{}", r.stdout);
    }
    if std::path::Path::new("/proc/pressure/io").exists() {
        assert!(r.stdout.contains("%sio-10"));
    }
}

#[test]
fn iso_dates_when_s_time_format_is_iso() {
    let out = rsar()
        .env("S_TIME_FORMAT", "ISO")
        .args(["1", "1"])
        .output()
        .unwrap();
    let first = String::from_utf8(out.stdout).unwrap();
    let date = first
        .lines()
        .next()
        .unwrap()
        .split('\t')
        .nth(1)
        .unwrap()
        .trim()
        .to_string();
    assert_eq!(date.len(), 10);
    assert_eq!(&date[4..5], "-");
}

#[test]
fn a_captured_tree_supplies_the_banner() {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/vm-6.18/t0");
    let r = run(&[
        "--proc-root",
        &format!("{root}/proc"),
        "--sys-root",
        &format!("{root}/sys"),
        "1",
        "1",
    ]);
    assert_eq!(r.code, Some(0));
    let banner = r.stdout.lines().next().unwrap();
    assert!(
        banner.starts_with("Linux 6.18.44-fc-v595 (vm) \t"),
        "{banner:?}"
    );
    assert!(banner.ends_with("\t_x86_64_\t(2 CPU)"), "{banner:?}");
    assert!(r.stderr.contains("uptime did not advance"), "{}", r.stderr);
}

#[test]
fn bad_usage_exits_1_with_a_message() {
    for (args, says) in [
        (&["-x", "1"][..], "unexpected argument '-x'"),
        (&["0"][..], "INTERVAL"),
        (&["abc"][..], "INTERVAL"),
        (&["1", "0"][..], "COUNT"),
        (&["-n", "TCPX", "1"][..], "TCPX"),
        (&["-P", "x", "1"][..], "-P"),
        (&["-s", "9am"][..], "-s"),
        (&["--since", "soon"][..], "soon"),
        (&["-f", "x", "1", "3"][..], "COUNT"),
        // The argument at fault is named, not the one clap tripped over after it.
        (&["-u", "XYZ", "1", "1"][..], "'XYZ'"),
        // Intervals rsadc refuses, refused with rsadc's words.
        (
            &["0.0001", "2"][..],
            "INTERVAL must be between 0.01 and 86400 seconds",
        ),
        (
            &["-t", "--utc", "-f", "x"][..],
            "--utc and -t exclude each other",
        ),
        // sar's flags that rsar lacks are said to be sar's, not "unexpected".
        (&["-dD", "1", "1"][..], "-D (saDD file names for -o in sar)"),
        (
            &["-j", "NOSUCHTYPE", "-d", "1", "1"][..],
            "-j NOSUCHTYPE: cannot read /dev/disk/by-nosuchtype",
        ),
        (&["--sadc"][..], "not supported by rsar"),
    ] {
        let r = run(args);
        assert_eq!(r.code, Some(1), "{args:?}: {}", r.stderr);
        assert!(r.stderr.contains(says), "{args:?}: {}", r.stderr);
        assert!(r.stdout.is_empty(), "{args:?}");
        // One line saying what is wrong, one pointing at --help.
        assert_eq!(r.stderr.lines().count(), 2, "{args:?}: {}", r.stderr);
        assert!(r.stderr.starts_with("rsar: "), "{args:?}: {}", r.stderr);
    }
}

#[test]
fn no_interval_reads_todays_log_and_says_when_there_is_none() {
    let dir = tempfile::tempdir().unwrap();
    let r = run(&["--log-dir", dir.path().to_str().unwrap()]);
    assert_eq!(r.code, Some(2));
    assert!(r.stderr.contains("no log for"), "{}", r.stderr);
    assert!(
        r.stderr.contains("`rsar 1 5`"),
        "points at live mode: {}",
        r.stderr
    );
    assert!(
        r.stderr.contains("rsadc"),
        "and at the collector: {}",
        r.stderr
    );
}

#[test]
fn help_documents_every_flag_with_examples() {
    let r = run(&["--help"]);
    assert_eq!(r.code, Some(0));
    for flag in [
        "-u",
        "-P",
        "-q",
        "-r",
        "-S",
        "-W",
        "-B",
        "-b",
        "-d",
        "-p",
        "-n",
        "-w",
        "-A",
        "--utc",
        "--proc-root",
    ] {
        assert!(r.stdout.contains(flag), "{flag}");
    }
    assert!(r.stdout.contains("rsar -q 1 5"));
    assert!(r.stdout.contains("Exit status"));
}

#[test]
fn an_unreadable_proc_is_a_data_error_naming_the_file() {
    let r = run(&["--proc-root", "/nonexistent", "1", "1"]);
    assert_eq!(r.code, Some(2));
    assert!(r.stderr.contains("/nonexistent/uptime"), "{}", r.stderr);
}

#[test]
fn ctrl_c_prints_the_averages_of_what_was_shown() {
    let bin = assert_cmd::cargo::cargo_bin("rsar");
    let mut child = std::process::Command::new(bin)
        .args(["-u", "1"])
        .env("TZ", "UTC")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut lines = Vec::new();
    // Banner, blank, header, first row: then interrupt.
    for _ in 0..4 {
        let mut l = String::new();
        out.read_line(&mut l).unwrap();
        lines.push(l);
    }
    nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(child.id() as i32),
        nix::sys::signal::Signal::SIGINT,
    )
    .unwrap();
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut out, &mut rest).unwrap();
    let status = child.wait().unwrap();
    assert!(status.success(), "{status:?}");
    assert!(lines[3].contains(" all "), "{lines:?}");
    assert!(
        rest.lines().any(|l| l.starts_with("Average:        all")),
        "{rest:?}"
    );
}

#[test]
fn a_closed_pipe_ends_quietly() {
    let bin = assert_cmd::cargo::cargo_bin("rsar");
    let mut child = std::process::Command::new(bin)
        .args(["-u", "0.2", "50"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut l = String::new();
    out.read_line(&mut l).unwrap();
    drop(out);
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success(), "{:?}", output.status);
    assert!(
        output.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn fs_keeps_the_filesystems_named_as_sars_fs_does() {
    // This machine's own filesystems, as -F shows them.
    let all = run(&["-F", "1", "1"]);
    assert_eq!(all.code, Some(0), "{}", all.stderr);
    let names: Vec<String> = all
        .stdout
        .lines()
        .skip(3)
        .filter(|l| !l.starts_with("Summary") && !l.trim().is_empty())
        .filter_map(|l| l.split_whitespace().last().map(String::from))
        .collect();
    let Some(first) = names.first() else {
        eprintln!("no filesystem -F reports here: skipped");
        return;
    };
    let one = run(&["-F", &format!("--fs={first}"), "1", "1"]);
    let rows: Vec<&str> = one
        .stdout
        .lines()
        .skip(3)
        .filter(|l| !l.trim().is_empty())
        .collect();
    assert!(!rows.is_empty(), "{}", one.stdout);
    assert!(
        rows.iter().all(|l| l.ends_with(first.as_str())),
        "{}",
        one.stdout
    );
    let none = run(&["-F", "--fs=/dev/no-such-disk", "1", "1"]);
    assert_eq!(none.code, Some(0));
    assert!(!none.stdout.contains("Summary"), "{}", none.stdout);
}

/// stdout, stderr and the exit code of `rsar ARGS` with `env` set.
fn run_env(args: &[&str], env: &[(&str, &str)]) -> Run {
    let mut c = rsar();
    for (k, v) in env {
        c.env(k, v);
    }
    let out = c.args(args).output().unwrap();
    Run {
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
        code: out.status.code(),
    }
}

/// A log directory holding today's log with a few live samples, as rsadc writes it.
fn todays_log() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let out = std::process::Command::new(common::rsadc_bin())
        .args(["0.2", "3", &format!("{}/", dir.path().display())])
        .env("TZ", "UTC")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    dir
}

#[test]
fn the_first_run_without_logs_says_how_to_start_rsadc_and_how_to_report_live() {
    let tmp = tempfile::tempdir().unwrap();
    let missing = tmp.path().join("never-recorded");
    let m = missing.to_str().unwrap();
    for (args, env) in [
        // `rsar` alone, where rsadc never ran (the log directory comes from RSAR_DIR).
        (&[][..], &[("RSAR_DIR", m)][..]),
        (&["--log-dir", m][..], &[][..]),
        (&["-q", "--since", "1h ago", "--log-dir", m][..], &[][..]),
        (&["tui", "-1", "--log-dir", m][..], &[][..]),
        (
            &["vmstat", "--since", "1h ago", "--log-dir", m][..],
            &[][..],
        ),
    ] {
        let r = run_env(args, env);
        assert_eq!(r.code, Some(2), "{args:?}: {}", r.stderr);
        assert!(r.stdout.is_empty(), "{args:?}");
        let e = &r.stderr;
        assert!(e.starts_with("rsar: no log yet: "), "{args:?}: {e}");
        assert!(e.contains(&format!("{m} does not exist")), "{args:?}: {e}");
        assert!(!e.contains("os error"), "{args:?}: {e}");
        assert!(e.contains("systemctl enable --now rsadc"), "{args:?}: {e}");
        assert!(e.contains(&format!("rsadc 10 {m}")), "{args:?}: {e}");
        assert!(e.contains("`rsar 1 5`"), "{args:?}: {e}");
    }
}

#[test]
fn the_log_directory_comes_from_the_command_line_then_the_environment_then_the_settings_file() {
    let logs = todays_log();
    let l = logs.path().to_str().unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let settings = |dir: &str| {
        let path = tmp.path().join(dir.replace('/', "_"));
        // As packaging/default/rsar writes it, quoted the way a user might.
        std::fs::write(
            &path,
            format!("# Where the daily logs go.\nRSAR_INTERVAL=10\nRSAR_DIR=\"{dir}\"\n"),
        )
        .unwrap();
        path.to_str().unwrap().to_string()
    };
    let (elsewhere, nowhere) = ("/nonexistent/from-env", "/nonexistent/from-the-file");
    let rows = |r: &Run| r.stdout.lines().filter(|l| l.contains(" all ")).count();
    // The settings file alone.
    let r = run_env(&["-u"], &[("RSAR_SETTINGS", &settings(l))]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert!(rows(&r) >= 2, "{}", r.stdout);
    // The environment before the file.
    let r = run_env(
        &["-u"],
        &[("RSAR_SETTINGS", &settings(l)), ("RSAR_DIR", elsewhere)],
    );
    assert_eq!(r.code, Some(2));
    assert!(r.stderr.contains(elsewhere), "{}", r.stderr);
    let r = run_env(
        &["-u"],
        &[("RSAR_SETTINGS", &settings(nowhere)), ("RSAR_DIR", l)],
    );
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    // The command line before both.
    let r = run_env(
        &["-u", "--log-dir", l],
        &[
            ("RSAR_SETTINGS", &settings(nowhere)),
            ("RSAR_DIR", elsewhere),
        ],
    );
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert!(rows(&r) >= 2, "{}", r.stdout);
    // Subcommands read the same directory.
    let r = run_env(&["vmstat", "-1"], &[("RSAR_SETTINGS", &settings(nowhere))]);
    assert!(r.stderr.contains(nowhere), "{}", r.stderr);
}

const SUBCOMMANDS: [&str; 10] = [
    "vmstat", "pidstat", "top", "cgstat", "cgtop", "explain", "diff", "export", "report", "tui",
];

#[test]
fn help_lists_every_subcommand_and_rsar_help_shows_each() {
    let top = run(&["--help"]);
    assert_eq!(top.code, Some(0));
    let usage: Vec<&str> = top
        .stdout
        .lines()
        .skip_while(|l| !l.starts_with("Usage:"))
        .take_while(|l| !l.is_empty())
        .collect();
    assert!(
        usage
            .iter()
            .any(|l| l
                .contains("rsar vmstat|pidstat|top|cgstat|cgtop|explain|diff|export|report|tui")),
        "{usage:?}"
    );
    assert!(usage.iter().any(|l| l.contains("rsar help")), "{usage:?}");
    let commands: Vec<&str> = top
        .stdout
        .lines()
        .skip_while(|l| *l != "Commands:")
        .take_while(|l| !l.is_empty())
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    for sub in SUBCOMMANDS {
        assert!(commands.contains(&sub), "{sub} in {commands:?}");
    }
    // `rsar help` is `rsar --help`; `rsar help NAME` is `rsar NAME --help`.
    let help = run(&["help"]);
    assert_eq!(help.code, Some(0), "{}", help.stderr);
    assert_eq!(help.stdout, top.stdout);
    for sub in SUBCOMMANDS {
        let via_help = run(&["help", sub]);
        assert_eq!(via_help.code, Some(0), "{sub}: {}", via_help.stderr);
        let own = run(&[sub, "--help"]);
        assert_eq!(own.code, Some(0), "{sub}: {}", own.stderr);
        let usage = |s: &str| {
            s.lines()
                .find(|l| l.starts_with("Usage:"))
                .unwrap_or_default()
                .to_string()
        };
        assert!(
            usage(&via_help.stdout).starts_with(&format!("Usage: rsar {sub} ")),
            "{sub}: {}",
            via_help.stdout
        );
        assert_eq!(usage(&via_help.stdout), usage(&own.stdout), "{sub}");
        // The same page: the subcommand's `-h, --help` included.
        assert_eq!(via_help.stdout, own.stdout, "{sub}");
    }
    let r = run(&["help", "nosuch"]);
    assert_eq!(r.code, Some(1));
    assert!(r.stderr.contains("'nosuch'"), "{}", r.stderr);
}

#[test]
fn a_subcommands_usage_error_points_at_its_own_help_and_lists_accepted_values() {
    for (args, says, help) in [
        (
            &["top", "-o", "FOO"][..],
            &["'FOO'", "%CPU", "%MEM", "PID"][..],
            "rsar top --help",
        ),
        (
            &["vmstat", "-S", "x"][..],
            &["'x'", "k, K, m, M"][..],
            "rsar vmstat --help",
        ),
        (
            &["pidstat", "-p", "x"][..],
            &["-p"][..],
            "rsar pidstat --help",
        ),
        (
            &["export", "--bogus"][..],
            &["--bogus"][..],
            "rsar export --help",
        ),
        (&["tui", "0"][..], &["INTERVAL"][..], "rsar tui --help"),
        (
            &["--format", "xml", "1"][..],
            &["'xml'", "json", "csv"][..],
            "rsar --help",
        ),
    ] {
        let r = run(args);
        assert_eq!(r.code, Some(1), "{args:?}: {}", r.stderr);
        let lines: Vec<&str> = r.stderr.lines().collect();
        assert_eq!(lines.len(), 2, "{args:?}: {}", r.stderr);
        for s in says {
            assert!(lines[0].contains(s), "{args:?}: {s} in {}", r.stderr);
        }
        assert_eq!(
            lines[1],
            format!("Try '{help}' for the flags and examples."),
            "{args:?}"
        );
    }
}

#[test]
fn each_subcommands_help_shows_only_what_it_takes() {
    let help = |sub: &str| run(&[sub, "--help"]).stdout;
    let export = help("export");
    for refused in [
        "INTERVAL",
        "COUNT",
        "-o <FILE>",
        "  -C ",
        "--follow",
        "--proc-root",
    ] {
        assert!(!export.contains(refused), "{refused} in {export}");
    }
    for taken in ["--label", "-f <FILE>", "--since", "-i <SECS>", "--log-dir"] {
        assert!(export.contains(taken), "{taken} in {export}");
    }
    // What export's help leaves out, export refuses, naming it.
    for (args, names) in [
        (&["-1", "600"][..], "INTERVAL"),
        (&["-1", "--follow"][..], "--follow"),
        (&["-1", "-C"][..], "-C"),
        (&["-1", "-o", "/nonexistent/x"][..], "-o"),
    ] {
        let r = run(&[&["export"][..], args].concat());
        assert_eq!(r.code, Some(1), "{args:?}: {}", r.stderr);
        assert!(r.stderr.contains(names), "{args:?}: {}", r.stderr);
    }
    // Neither the screen nor vmstat prints averages on Ctrl-C.
    for sub in ["tui", "vmstat"] {
        let h = help(sub);
        assert!(!h.contains("averages"), "{sub}: {h}");
    }
    assert!(!help("vmstat").contains("  -C "));
}

#[test]
fn follow_started_with_sigint_ignored_still_stops_on_it_with_the_averages() {
    // A non-interactive shell starts a background job with SIGINT ignored; live mode and
    // --follow both take SIGINT back, print the averages and exit 0.
    let logs = todays_log();
    let bin = assert_cmd::cargo::cargo_bin("rsar");
    let script = format!(
        "trap '' INT; exec {} -u --follow --log-dir {}",
        bin.display(),
        logs.path().display()
    );
    let mut child = std::process::Command::new("sh")
        .args(["-c", &script])
        .env("TZ", "UTC")
        .env("RSAR_SETTINGS", "/nonexistent/rsar-settings")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    // Banner, blank, header, a row: the log's samples are out, rsar now waits for more.
    for _ in 0..4 {
        let mut l = String::new();
        out.read_line(&mut l).unwrap();
    }
    let status = std::fs::read_to_string(format!("/proc/{}/status", child.id())).unwrap();
    let ignored = status
        .lines()
        .find_map(|l| l.strip_prefix("SigIgn:"))
        .map(|m| u64::from_str_radix(m.trim(), 16).unwrap())
        .unwrap();
    assert_eq!(ignored & 2, 0, "SIGINT is still ignored: {status}");
    nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(child.id() as i32),
        nix::sys::signal::Signal::SIGINT,
    )
    .unwrap();
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut out, &mut rest).unwrap();
    let status = child.wait().unwrap();
    assert!(status.success(), "{status:?}");
    assert!(
        rest.lines().any(|l| l.starts_with("Average:        all")),
        "{rest:?}"
    );
}
