//! The `rsar` command: parse sar's flags, then report live or from the logs.

use rsar::cli::{normalize, Args, Files, Mode, Plan, VmstatArgs};
use rsar::history::Window;
use rsar::live::{LiveSource, Schedule};
use rsar::pipeline::PipelineError;
use rsar::probe::Probe;
use rsar::report::{renderer, Layout, Render, Vmstat};
use rsar::source::{Follow, Source, WindowStart};
use rsar::store::DayWriter;
use std::io::{self, Write};
use std::path::Path;
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
    match argv.get(1).and_then(|a| a.to_str()) {
        Some("pidstat") => {
            return subcommand(
                &argv,
                rsar::cli::PidstatArgs::command(),
                rsar::cli::PidstatArgs::plan,
                pidstat,
            )
        }
        Some("top") => {
            return subcommand(
                &argv,
                rsar::cli::TopArgs::command(),
                rsar::cli::TopArgs::plan,
                top,
            )
        }
        Some("export") => {
            return subcommand(
                &argv,
                <rsar::cli::ExportArgs as clap::CommandFactory>::command(),
                rsar::cli::ExportArgs::plan,
                |p| export(&p),
            )
        }
        _ => {}
    }
    let planned = if argv.get(1).is_some_and(|a| a == "vmstat") {
        let rest = std::iter::once("rsar vmstat".into()).chain(argv[2..].iter().cloned());
        parse::<VmstatArgs>(rest).map(|a| a.plan())
    } else {
        parse::<Args>(argv).map(|a| a.plan())
    };
    let planned = match planned {
        Ok(p) => p,
        Err(code) => return code,
    };
    match planned
        .map_err(|e| Failure::Usage(e.to_string()))
        .and_then(|plan| report(&plan))
    {
        Ok(code) => code,
        Err(f) => f.report(),
    }
}

/// The command line, checked: `--help` and `--version` print and exit 0; a flag only sar
/// has, or anything clap refuses, is one line naming the argument, and exit 1.
fn parse<T: clap::Parser>(
    args: impl IntoIterator<Item = std::ffi::OsString>,
) -> Result<T, ExitCode> {
    parse_with::<T>(T::command(), args)
}

/// The same, with the command built by hand (a subcommand that renames a shared flag).
fn parse_with<T: clap::FromArgMatches>(
    command: clap::Command,
    args: impl IntoIterator<Item = std::ffi::OsString>,
) -> Result<T, ExitCode> {
    let args = normalize(args);
    // sar's flags that rsar lacks (the subcommands have their own flags: pidstat's -h).
    if command.get_name() == "rsar" {
        if let Some(e) = rsar::cli::sar_only_flag(&args) {
            return Err(Failure::Usage(e.to_string()).report());
        }
    }
    command
        .try_get_matches_from(args)
        .and_then(|m| T::from_arg_matches(&m))
        .map_err(|e| {
            if !e.use_stderr() {
                let _ = e.print();
                return ExitCode::SUCCESS;
            }
            let text = e.to_string();
            let line = text.lines().next().unwrap_or_default();
            Failure::Usage(line.trim_start_matches("error: ").to_string()).report()
        })
}

/// `rsar NAME ARGS…`: parse with `command`, plan, run; every failure is its exit code.
fn subcommand<A: clap::FromArgMatches, P>(
    argv: &[std::ffi::OsString],
    command: clap::Command,
    plan: impl FnOnce(&A) -> Result<P, rsar::cli::UsageError>,
    run: impl FnOnce(P) -> Result<ExitCode, Failure>,
) -> ExitCode {
    let name = format!("rsar {}", argv[1].to_string_lossy());
    let rest = std::iter::once(name.into()).chain(argv[2..].iter().cloned());
    let args = match parse_with::<A>(command, rest) {
        Ok(a) => a,
        Err(code) => return code,
    };
    match plan(&args)
        .map_err(|e| Failure::Usage(e.to_string()))
        .and_then(run)
    {
        Ok(code) => code,
        Err(f) => f.report(),
    }
}

/// Why rsar stopped: each kind has its exit code (documented in `--help`).
#[derive(Debug, thiserror::Error)]
enum Failure {
    /// A value on the command line that makes no sense.
    #[error("{0}")]
    Usage(String),
    /// The data could not be read or the report not written.
    #[error("{0}")]
    Data(String),
    #[error(transparent)]
    Pipeline(#[from] PipelineError),
}

impl Failure {
    fn exit_code(&self) -> ExitCode {
        match self {
            Failure::Usage(_) => ExitCode::from(EXIT_USAGE),
            // `rsar ... | head` closes the pipe: that is the reader's choice, not an error.
            Failure::Pipeline(PipelineError::Output(e))
                if e.kind() == io::ErrorKind::BrokenPipe =>
            {
                ExitCode::SUCCESS
            }
            Failure::Data(_) | Failure::Pipeline(_) => ExitCode::from(EXIT_DATA),
        }
    }

    /// Say it (unless silence is right) and exit with its code.
    fn report(self) -> ExitCode {
        let code = self.exit_code();
        if code != ExitCode::SUCCESS {
            let _ = io::stdout().flush();
            eprintln!("rsar: {self}");
            if matches!(self, Failure::Usage(_)) {
                eprintln!("Try 'rsar --help' for the flags and examples.");
            }
        }
        code
    }
}

/// Where a report's events come from, how it lays out, its window and whether it shows
/// comments.
struct Input {
    source: Box<dyn Source>,
    layout: Layout,
    window: Window,
    comments: bool,
}

/// What live sampling takes besides the mode.
struct Live<'a> {
    proc_root: &'a std::path::Path,
    sys_root: &'a std::path::Path,
    /// vmstat's first line: the interval since boot (its COUNT includes it).
    since_boot: bool,
    /// Read the process table with every sample (pidstat, top).
    processes: bool,
}

fn input(mode: &Mode, live: Live<'_>) -> Result<Input, Failure> {
    Ok(match mode {
        Mode::Live {
            interval,
            count,
            save,
        } => Input {
            source: Box::new(live_source(&live, *interval, *count, save.as_deref())?),
            layout: Layout::Streaming,
            window: Window::default(),
            comments: false,
        },
        Mode::Recorded {
            files,
            window,
            comments,
            follow,
        } => {
            let (source, layout) = log_source(files, window, *follow, live.sys_root)?;
            Input {
                source,
                layout,
                window: window.clone(),
                comments: *comments,
            }
        }
    })
}

/// Run `input` through the one pipeline into `out`; damage is exit status 2.
fn run_pipeline(mut input: Input, out: &mut dyn Render) -> Result<ExitCode, Failure> {
    let mut warn = |w: &str| eprintln!("rsar: {w}");
    let outcome = rsar::pipeline::run(
        input.source.as_mut(),
        &input.window,
        out,
        input.comments,
        &mut warn,
    )?;
    for d in &outcome.damage {
        eprintln!("rsar: {d}");
    }
    Ok(if outcome.damage.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(EXIT_DATA)
    })
}

/// Run the report the plan asks for, live or from the logs, through the one pipeline.
fn report(plan: &Plan) -> Result<ExitCode, Failure> {
    let input = input(
        &plan.mode,
        Live {
            proc_root: &plan.proc_root,
            sys_root: &plan.sys_root,
            since_boot: plan.vmstat.is_some(),
            processes: false,
        },
    )?;
    let stdout = io::stdout().lock();
    let mut out = output(plan, input.layout, stdout);
    run_pipeline(input, out.as_mut())
}

/// `rsar top`.
fn top(mut plan: rsar::cli::TopPlan) -> Result<ExitCode, Failure> {
    let live = matches!(plan.mode, Mode::Live { .. });
    if live {
        // top sizes its PID column to the machine's largest pid.
        let pid_max = std::fs::read_to_string(plan.proc_root.join("sys/kernel/pid_max"));
        plan.options.pid_width = pid_max.map_or(5, |m| m.trim().len());
    }
    let input = input(
        &plan.mode,
        Live {
            proc_root: &plan.proc_root,
            sys_root: &plan.sys_root,
            since_boot: false,
            processes: true,
        },
    )?;
    let stdout = io::BufWriter::new(io::stdout().lock());
    let mut out = rsar::report::top::Top::new(stdout, plan.options);
    if live {
        out = out.with_logged_in(rsar::probe::logged_in_users);
    }
    run_pipeline(input, &mut out)
}

/// `rsar pidstat`.
fn pidstat(plan: rsar::cli::PidstatPlan) -> Result<ExitCode, Failure> {
    let input = input(
        &plan.mode,
        Live {
            proc_root: &plan.proc_root,
            sys_root: &plan.sys_root,
            since_boot: false,
            processes: true,
        },
    )?;
    let stdout = io::BufWriter::new(io::stdout().lock());
    let mut out = rsar::report::pidstat::Pidstat::new(stdout, plan.options);
    run_pipeline(input, &mut out)
}

/// `rsar export`: the window's samples, series by series, as OpenMetrics on stdout.
fn export(plan: &rsar::cli::ExportPlan) -> Result<ExitCode, Failure> {
    use rsar::export::backfill::{default_labels, Backfill};
    let (mut source, _) = log_source(&plan.files, &plan.window, false, Path::new("/sys"))?;
    let labels = default_labels(source.origin().0, &plan.labels);
    let io_failure = |e: io::Error| Failure::Data(format!("cannot spool the export: {e}"));
    let mut backfill = Backfill::new(labels).map_err(io_failure)?;
    let outcome = rsar::pipeline::each_sample(source.as_mut(), &plan.window, &mut |host, s| {
        backfill.sample(host, s)
    })?;
    let mut out = io::BufWriter::new(io::stdout().lock());
    if let Err(e) = backfill.finish(&mut out) {
        return Err(Failure::Pipeline(PipelineError::Output(e)));
    }
    for d in &outcome.damage {
        eprintln!("rsar: {d}");
    }
    Ok(if outcome.damage.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(EXIT_DATA)
    })
}

/// Ctrl-C and SIGTERM end a report that would otherwise go on, with its averages.
fn catch_stop() {
    if let Err(e) = rsar::wait::install_stop_handler() {
        eprintln!("rsar: cannot catch Ctrl-C ({e}); averages will not print on interrupt");
    }
}

fn live_source(
    live: &Live<'_>,
    interval: Duration,
    count: Option<u64>,
    save: Option<&std::path::Path>,
) -> Result<LiveSource, Failure> {
    catch_stop();
    let probe =
        Probe::new(live.proc_root, live.sys_root).map_err(|e| Failure::Data(e.to_string()))?;
    let save = match save {
        None => None,
        Some(path) => {
            let now = rsar::probe::system_clock_ns();
            let offset = chrono::Local::now().offset().local_minus_utc();
            let (w, _) = DayWriter::open(path, probe.host(), now, offset)
                .map_err(|e| Failure::Data(format!("cannot save samples: {e}")))?;
            Some(w)
        }
    };
    // vmstat's COUNT counts its first line, the one since boot.
    let since_boot = live.since_boot;
    let schedule = Schedule {
        interval,
        count: if since_boot {
            count.map(|c| c.saturating_sub(1))
        } else {
            count
        },
        since_boot,
    };
    let source = LiveSource::new(probe, schedule, save);
    Ok(if live.processes {
        source.with_processes(live.proc_root)
    } else {
        source
    })
}

fn log_source(
    files: &Files,
    window: &Window,
    follow: bool,
    sys_root: &Path,
) -> Result<(Box<dyn Source>, Layout), Failure> {
    let paths = rsar::history::log_files(files, window).map_err(Failure::Data)?;
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
        catch_stop();
    }
    let start = WindowStart {
        since_ns: window.since_ns,
        clock: window.start_clock,
    };
    if follow != Follow::No && paths.first().is_some_and(|p| rsar::sysstat::is_sa_file(p)) {
        eprintln!("rsar: --follow: a sysstat file is read to its end, not followed");
    }
    let source = rsar::source::open_recorded(paths, follow, start, sys_root)
        .map_err(|e| Failure::Data(e.to_string()))?;
    Ok((source, layout))
}

fn tui(args: &[std::ffi::OsString]) -> ExitCode {
    use rsar::cli::{TuiArgs, TuiPlan};
    use rsar::tui::Feed;
    let rest = std::iter::once("rsar tui".into()).chain(args.iter().cloned());
    let plan = match parse::<TuiArgs>(rest) {
        Ok(a) => a.plan(),
        Err(code) => return code,
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
