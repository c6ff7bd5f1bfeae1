//! The `rsar` command: parse sar's flags, then report live or from the logs.

use rsar::cli::{normalize, Args, Files, Mode, Plan, VmstatArgs};
use rsar::history::Window;
use rsar::live::{LiveSource, Schedule};
use rsar::pipeline::PipelineError;
use rsar::probe::Probe;
use rsar::report::{renderer, Layout, Render, Vmstat};
use rsar::source::{Follow, Source, WindowStart};
use rsar::store::DayWriter;
use std::ffi::OsString;
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
    let argv: Vec<OsString> = std::env::args_os().collect();
    // The first word picks a subcommand before sar's flags are parsed, so that `rsar 1 5`
    // never reads `1` as one; `rsar help [COMMAND]` is clap's (see `cli::command`).
    let sub = |name: &str| {
        let words = std::iter::once(OsString::from(format!("rsar {name}")));
        words.chain(argv[2..].iter().cloned())
    };
    match argv.get(1).and_then(|a| a.to_str()) {
        Some("vmstat") => run_command(
            sub("vmstat"),
            VmstatArgs::command(),
            VmstatArgs::plan,
            |p| report(&p),
        ),
        Some("tui") => run_command(
            sub("tui"),
            rsar::cli::TuiArgs::command(),
            rsar::cli::TuiArgs::plan,
            tui,
        ),
        Some("pidstat") => run_command(
            sub("pidstat"),
            rsar::cli::PidstatArgs::command(),
            rsar::cli::PidstatArgs::plan,
            pidstat,
        ),
        Some("top") => run_command(
            sub("top"),
            rsar::cli::TopArgs::command(),
            rsar::cli::TopArgs::plan,
            top,
        ),
        Some("export") => run_command(
            sub("export"),
            rsar::cli::ExportArgs::command(),
            rsar::cli::ExportArgs::plan,
            |p| export(&p),
        ),
        _ => run_command(
            argv.iter().cloned(),
            rsar::cli::command(),
            Args::plan,
            |p| report(&p),
        ),
    }
}

/// The command line, checked: `--help` and `--version` print and exit 0; a flag only sar
/// has, or anything clap refuses, is one line naming the argument (and, for a value, the
/// accepted ones), and exit 1.
fn parse_with<T: clap::FromArgMatches>(
    command: clap::Command,
    args: impl IntoIterator<Item = OsString>,
) -> Result<T, Failure> {
    let args = normalize(args);
    // sar's flags that rsar lacks (the subcommands have their own flags: pidstat's -h).
    if command.get_name() == "rsar" {
        if let Some(e) = rsar::cli::sar_only_flag(&args) {
            return Err(Failure::Usage(e.to_string()));
        }
    }
    command
        .try_get_matches_from(args)
        .and_then(|m| T::from_arg_matches(&m))
        .map_err(|e| {
            if !e.use_stderr() {
                let _ = e.print();
                return Failure::Done;
            }
            Failure::Usage(rsar::cli::usage_error_line(&e))
        })
}

/// `rsar [NAME] ARGS…`: parse with `command`, plan, run; every failure is its exit code,
/// and a usage error points at this command's own `--help`.
fn run_command<A: clap::FromArgMatches, P>(
    args: impl IntoIterator<Item = OsString>,
    command: clap::Command,
    plan: impl FnOnce(&A) -> Result<P, rsar::cli::UsageError>,
    run: impl FnOnce(P) -> Result<ExitCode, Failure>,
) -> ExitCode {
    let name = command.get_name().to_string();
    match parse_with::<A>(command, args).and_then(|a| {
        plan(&a)
            .map_err(|e| Failure::Usage(e.to_string()))
            .and_then(run)
    }) {
        Ok(code) => code,
        Err(f) => f.report(&name),
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
    /// Nothing went wrong and all is said (`--help`, `--version`).
    #[error("")]
    Done,
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
            Failure::Done => ExitCode::SUCCESS,
        }
    }

    /// Say it (unless silence is right) and exit with its code; a usage error points at
    /// the help of `command` (`rsar`, `rsar top`).
    fn report(self, command: &str) -> ExitCode {
        let code = self.exit_code();
        if code != ExitCode::SUCCESS {
            let _ = io::stdout().flush();
            eprintln!("rsar: {self}");
            if matches!(self, Failure::Usage(_)) {
                eprintln!("Try '{command} --help' for the flags and examples.");
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
    let (mode, zone) = match (&plan.mode, plan.recorder_zone) {
        (Mode::Recorded { .. }, true) => recorder_zone(&plan.mode)?,
        _ => (plan.mode.clone(), plan.zone),
    };
    let input = input(
        &mode,
        Live {
            proc_root: &plan.proc_root,
            sys_root: &plan.sys_root,
            since_boot: plan.vmstat.is_some(),
            processes: false,
        },
    )?;
    let stdout = io::stdout().lock();
    let mut out = output(plan, zone, input.layout, stdout);
    run_pipeline(input, out.as_mut())
}

/// `-t`: the zone of the machine that recorded the first file read, as sar takes it, and
/// the report's `-s`/`-e` in that zone when one day is read (sar reads one file).
fn recorder_zone(mode: &Mode) -> Result<(Mode, rsar::time::Zone), Failure> {
    let mut mode = mode.clone();
    let Mode::Recorded { files, window, .. } = &mut mode else {
        return Ok((mode, rsar::time::Zone::Local));
    };
    let paths = rsar::source::log_files(files, window).map_err(Failure::Data)?;
    let recorder = match paths.first() {
        Some(first) => {
            rsar::source::Recorder::of(first).map_err(|e| Failure::Data(e.to_string()))?
        }
        None => None,
    };
    let Some(recorder) = recorder else {
        return Ok((mode, rsar::time::Zone::Local));
    };
    if !matches!(files, Files::Span { .. }) {
        *window = recorder.window(window);
    }
    Ok((mode, recorder.zone()))
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
    let paths = rsar::source::log_files(files, window).map_err(Failure::Data)?;
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

/// `rsar tui`: the screen, live or replaying the logs.
fn tui(plan: rsar::cli::TuiPlan) -> Result<ExitCode, Failure> {
    use rsar::cli::TuiPlan;
    use rsar::tui::Feed;
    let feed = match plan {
        TuiPlan::Live {
            proc_root,
            sys_root,
            interval,
            count,
            save,
        } => Feed::Live {
            proc_root,
            sys_root,
            interval,
            count,
            save,
        },
        TuiPlan::Logs {
            files,
            window,
            comments,
        } => {
            let paths = rsar::source::log_files(&files, &window).map_err(Failure::Data)?;
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
    };
    use std::io::IsTerminal;
    if !io::stdout().is_terminal() {
        return Err(Failure::Usage(
            "tui needs a terminal; for a report to a file or pipe use `rsar` without tui".into(),
        ));
    }
    let color = std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    match rsar::tui::run(feed, color) {
        // Damage found in the logs was on the screen; it is said again once the screen
        // is gone, and the exit code is a data problem's, as the reports' are.
        Ok(damage) if damage.is_empty() => Ok(ExitCode::SUCCESS),
        Ok(damage) => {
            for d in &damage {
                eprintln!("rsar: {d}");
            }
            Ok(ExitCode::from(EXIT_DATA))
        }
        Err(e) => Err(Failure::Data(e.to_string())),
    }
}

/// The renderer the plan asks for, writing to stdout.
fn output<'a>(
    plan: &Plan,
    zone: rsar::time::Zone,
    layout: Layout,
    out: io::StdoutLock<'a>,
) -> Box<dyn Render + 'a> {
    let out = io::BufWriter::new(out);
    match plan.vmstat {
        Some((wide, unit)) => Box::new(Vmstat::new(out, wide, unit)),
        None => renderer(plan.format, layout, out, &plan.selection, zone),
    }
}
