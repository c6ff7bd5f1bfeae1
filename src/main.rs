//! The `rsar` command: parse sar's flags, then report live or from the logs.

use rsar::cli::{normalize, Args, Files, Mode, Plan, VmstatArgs};
use rsar::live::{self, LiveError};
use rsar::pipeline::PipelineError;
use rsar::probe::Probe;
use rsar::report::{renderer, Layout, Render, Vmstat};
use rsar::store::DayWriter;
use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

/// Exit codes (documented in `--help` and the README).
const EXIT_USAGE: u8 = 1;
const EXIT_DATA: u8 = 2;
/// How often `--follow` looks for new records.
const FOLLOW_POLL: Duration = Duration::from_millis(500);

fn main() -> ExitCode {
    let argv: Vec<std::ffi::OsString> = std::env::args_os().collect();
    if argv.get(1).is_some_and(|a| a == "tui") {
        return tui(&argv[2..]);
    }
    let planned = if argv.get(1).is_some_and(|a| a == "vmstat") {
        let rest = std::iter::once("rsar vmstat".into()).chain(argv[2..].iter().cloned());
        <VmstatArgs as clap::Parser>::try_parse_from(normalize(rest)).map(|a| a.plan())
    } else {
        <Args as clap::Parser>::try_parse_from(normalize(argv)).map(|a| a.plan())
    };
    let planned = match planned {
        Ok(p) => p,
        Err(e) => {
            let code = if e.use_stderr() { EXIT_USAGE } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    let plan = match planned {
        Ok(p) => p,
        Err(e) => {
            eprintln!("rsar: {e}");
            eprintln!("Try 'rsar --help' for the flags and examples.");
            return ExitCode::from(EXIT_USAGE);
        }
    };
    match &plan.mode {
        Mode::Live {
            interval,
            count,
            save,
        } => report_live(&plan, *interval, *count, save.clone()),
        Mode::Recorded {
            files,
            window,
            comments,
            follow,
        } => report_recorded(&plan, files, window, *comments, *follow),
    }
}

fn report_live(
    plan: &Plan,
    interval: Duration,
    count: Option<u64>,
    save: Option<PathBuf>,
) -> ExitCode {
    if let Err(e) = rsar::wait::install_stop_handler() {
        eprintln!("rsar: cannot catch Ctrl-C ({e}); averages will not print on interrupt");
    }
    let mut probe = match Probe::new(&plan.proc_root, &plan.sys_root) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("rsar: {e}");
            return ExitCode::from(EXIT_DATA);
        }
    };
    let mut saver = match save {
        None => None,
        Some(path) => {
            let now = rsar::probe::system_clock_ns();
            let offset = chrono::Local::now().offset().local_minus_utc();
            match DayWriter::open(&path, probe.host(), now, offset) {
                Ok((w, _)) => Some(w),
                Err(e) => {
                    eprintln!("rsar: cannot save samples: {e}");
                    return ExitCode::from(EXIT_DATA);
                }
            }
        }
    };
    let mut save_failed = false;
    let mut keep = |host: &rsar::sample::HostFacts, s: &rsar::sample::Sample| {
        if let Some(w) = saver.as_mut() {
            if let Err(e) = w.append_sample(host, s) {
                if !save_failed {
                    eprintln!("rsar: sample not saved: {e}");
                    save_failed = true;
                }
            }
        }
    };
    let stdout = io::stdout().lock();
    let mut out = output(plan, Layout::Streaming, stdout);
    let mut warn = |w: &str| eprintln!("rsar: {w}");
    // vmstat's COUNT counts its first line, the one since boot.
    let since_boot = plan.vmstat.is_some();
    let schedule = live::Schedule {
        interval,
        count: if since_boot {
            count.map(|c| c.saturating_sub(1))
        } else {
            count
        },
        since_boot,
    };
    match live::run(&mut probe, out.as_mut(), schedule, &mut keep, &mut warn) {
        Ok(()) => ExitCode::SUCCESS,
        // `rsar ... | head` closes the pipe: that is the reader's choice, not an error.
        Err(LiveError::Output(e)) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            let _ = io::stdout().flush();
            eprintln!("rsar: {e}");
            ExitCode::from(EXIT_DATA)
        }
    }
}

fn report_recorded(
    plan: &Plan,
    files: &Files,
    window: &rsar::history::Window,
    comments: bool,
    follow: bool,
) -> ExitCode {
    use rsar::source::{Follow, LogSource};
    let paths = match rsar::history::log_files(files, window) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("rsar: {e}");
            return ExitCode::from(EXIT_DATA);
        }
    };
    let (follow, layout) = match (follow, files) {
        (false, _) => (Follow::No, Layout::ByTable),
        (true, Files::One(_)) => (Follow::File { poll: FOLLOW_POLL }, Layout::Streaming),
        (true, Files::Day { dir, .. } | Files::Span { dir }) => (
            Follow::Today {
                dir: dir.clone(),
                poll: FOLLOW_POLL,
            },
            Layout::Streaming,
        ),
    };
    if follow != Follow::No {
        if let Err(e) = rsar::wait::install_stop_handler() {
            eprintln!("rsar: cannot catch Ctrl-C ({e}); averages will not print on interrupt");
        }
    }
    let start = rsar::source::WindowStart {
        since_ns: window.since_ns,
        clock: window.start_clock,
    };
    let mut source = match LogSource::open(paths, follow).and_then(|s| s.starting_at(start)) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("rsar: {e}");
            return ExitCode::from(EXIT_DATA);
        }
    };
    let stdout = io::stdout().lock();
    let mut out = output(plan, layout, stdout);
    let outcome = match rsar::pipeline::run(&mut source, window, out.as_mut(), comments) {
        Ok(o) => o,
        Err(PipelineError::Output(e)) if e.kind() == io::ErrorKind::BrokenPipe => {
            return ExitCode::SUCCESS
        }
        Err(e) => {
            let _ = io::stdout().flush();
            eprintln!("rsar: {e}");
            return ExitCode::from(EXIT_DATA);
        }
    };
    for t in out.unavailable() {
        eprintln!("rsar: {t:?} report: not in the log (the recording kernel lacked its source)");
    }
    for d in &outcome.damage {
        eprintln!("rsar: {d}");
    }
    if outcome.damage.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(EXIT_DATA)
    }
}

fn tui(args: &[std::ffi::OsString]) -> ExitCode {
    use rsar::cli::{TuiArgs, TuiPlan};
    use rsar::tui::Feed;
    let rest = std::iter::once("rsar tui".into()).chain(args.iter().cloned());
    let plan = match <TuiArgs as clap::Parser>::try_parse_from(normalize(rest)) {
        Ok(a) => a.plan(),
        Err(e) => {
            let code = if e.use_stderr() { EXIT_USAGE } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    let feed = match plan {
        Ok(TuiPlan::Live {
            proc_root,
            sys_root,
            interval,
            count,
            save,
        }) => Feed::Live {
            proc_root,
            sys_root,
            interval,
            count,
            save,
        },
        Ok(TuiPlan::Logs {
            files,
            window,
            comments,
        }) => {
            let paths = match rsar::history::log_files(&files, &window) {
                Ok(p) => p,
                Err(e) => {
                    eprintln!("rsar: {e}");
                    return ExitCode::from(EXIT_DATA);
                }
            };
            let poll = Duration::from_secs(1);
            let follow = match &files {
                Files::One(_) => rsar::source::Follow::File { poll },
                Files::Day { dir, days_ago: 0 } => rsar::source::Follow::Today {
                    dir: dir.clone(),
                    poll,
                },
                _ => rsar::source::Follow::No,
            };
            Feed::Logs {
                files: paths,
                follow,
                window,
                comments,
            }
        }
        Err(e) => {
            eprintln!("rsar: {e}");
            return ExitCode::from(EXIT_USAGE);
        }
    };
    use std::io::IsTerminal;
    if !io::stdout().is_terminal() {
        eprintln!(
            "rsar: tui needs a terminal; for a report to a file or pipe use `rsar` without tui"
        );
        return ExitCode::from(EXIT_USAGE);
    }
    let color = std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    match rsar::tui::run(feed, color) {
        // Damage found in the logs was on the screen; it is said again once the screen
        // is gone, and the exit code is a data problem's, as the reports' are.
        Ok(damage) if damage.is_empty() => ExitCode::SUCCESS,
        Ok(damage) => {
            for d in &damage {
                eprintln!("rsar: {d}");
            }
            ExitCode::from(EXIT_DATA)
        }
        Err(e) => {
            eprintln!("rsar: {e}");
            ExitCode::from(EXIT_DATA)
        }
    }
}

/// The renderer the plan asks for, writing to stdout.
fn output<'a>(plan: &Plan, layout: Layout, out: io::StdoutLock<'a>) -> Box<dyn Render + 'a> {
    let out = io::BufWriter::new(out);
    match plan.vmstat {
        Some((wide, unit)) => Box::new(Vmstat::new(out, wide, unit)),
        None => renderer(plan.format, layout, out, &plan.selection, plan.zone),
    }
}
