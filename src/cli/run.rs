//! What the commands share once planned: where their events come from (live sampling or
//! the logs), the one pipeline into their renderer, and how a failure becomes an exit
//! code. Each command's own running is in its file; nothing here parses arguments.

use super::{Files, Mode};
use crate::history::Window;
use crate::live::{LiveSource, Schedule};
use crate::pipeline::PipelineError;
use crate::probe::Probe;
use crate::report::{Layout, Render};
use crate::source::{Follow, Source, WindowStart};
use crate::store::DayWriter;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

/// Exit codes (documented in `--help` and the README).
const EXIT_USAGE: u8 = 1;
pub(super) const EXIT_DATA: u8 = 2;
/// How often `--follow` looks for new records.
const FOLLOW_POLL: Duration = Duration::from_millis(500);

/// Why rsar stopped: each kind has its exit code (documented in `--help`).
#[derive(Debug, thiserror::Error)]
pub enum Failure {
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

impl From<super::UsageError> for Failure {
    fn from(e: super::UsageError) -> Self {
        Failure::Usage(e.0)
    }
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
    pub fn report(self, command: &str) -> ExitCode {
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
pub(super) struct Input {
    source: Box<dyn Source>,
    pub layout: Layout,
    window: Window,
    comments: bool,
}

/// What live sampling takes besides the mode.
pub(super) struct Live<'a> {
    pub proc_root: &'a Path,
    pub sys_root: &'a Path,
    /// vmstat's first line: the interval since boot (its COUNT includes it).
    pub since_boot: bool,
    /// Read the process table with every sample (pidstat, top).
    pub processes: bool,
}

pub(super) fn input(mode: &Mode, live: Live<'_>) -> Result<Input, Failure> {
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
        Mode::Recorded { .. } => recorded_input(mode, live.sys_root, true)?,
    })
}

/// The input of a report from the logs (`mode` is `Mode::Recorded`); `seek` as
/// `log_source_seeking` takes it.
fn recorded_input(mode: &Mode, sys_root: &Path, seek: bool) -> Result<Input, Failure> {
    let Mode::Recorded {
        files,
        window,
        comments,
        follow,
    } = mode
    else {
        return Err(Failure::Usage("not a report from the logs".into()));
    };
    let (source, layout) = log_source_seeking(files, window, *follow, sys_root, seek)?;
    Ok(Input {
        source,
        layout,
        window: window.clone(),
        comments: *comments,
    })
}

/// Run `input` through the one pipeline into `out`; damage is exit status 2.
pub(super) fn run_pipeline(mut input: Input, out: &mut dyn Render) -> Result<ExitCode, Failure> {
    let mut warn = |w: &str| eprintln!("rsar: {w}");
    let outcome = crate::pipeline::run(
        input.source.as_mut(),
        &input.window,
        out,
        input.comments,
        &mut warn,
    )?;
    Ok(said_damage(&outcome.damage))
}

/// Say the damage found in the logs, each on a line; damage is exit status 2.
pub(super) fn said_damage(damage: &[String]) -> ExitCode {
    for d in damage {
        eprintln!("rsar: {d}");
    }
    if damage.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(EXIT_DATA)
    }
}

/// Ctrl-C and SIGTERM end a report that would otherwise go on, with its averages.
fn catch_stop() {
    if let Err(e) = crate::wait::install_stop_handler() {
        eprintln!("rsar: cannot catch Ctrl-C ({e}); averages will not print on interrupt");
    }
}

fn live_source(
    live: &Live<'_>,
    interval: Duration,
    count: Option<u64>,
    save: Option<&Path>,
) -> Result<LiveSource, Failure> {
    catch_stop();
    let probe =
        Probe::new(live.proc_root, live.sys_root).map_err(|e| Failure::Data(e.to_string()))?;
    let save = match save {
        None => None,
        Some(path) => {
            let now = crate::probe::system_clock_ns();
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

/// The log files `files` names for `window` (`source::log_files`: each day from the finest
/// file it has, or the tier `-i`/`--tier` picks), saying on stderr which roll-up tiers are
/// among them, after `what` (which reading it is, when a command reads more than one).
pub(super) fn said_log_files(
    files: &Files,
    window: &Window,
    what: &str,
) -> Result<Vec<PathBuf>, String> {
    let paths = crate::source::log_files(files, window)?;
    say_tiers(&paths, what);
    Ok(paths)
}

/// On stderr, after `what`, the roll-up tiers among `paths`, if any.
pub(super) fn say_tiers(paths: &[PathBuf], what: &str) {
    if let Some(tiers) = crate::store::rollup::tiers_read(paths) {
        eprintln!("rsar: {what}{tiers}");
    }
}

/// The logs `files` (sysstat's sa files naming their disks from `sys_root`), from the
/// window's start, followed as they grow when asked.
pub(super) fn log_source(
    files: &Files,
    window: &Window,
    follow: bool,
    sys_root: &Path,
) -> Result<(Box<dyn Source>, Layout), Failure> {
    log_source_seeking(files, window, follow, sys_root, true)
}

/// `log_source`; with `seek` false each file is read from its beginning even when the
/// window starts later (the pipeline still leaves out what is before the window).
fn log_source_seeking(
    files: &Files,
    window: &Window,
    follow: bool,
    sys_root: &Path,
    seek: bool,
) -> Result<(Box<dyn Source>, Layout), Failure> {
    let paths = said_log_files(files, window, "").map_err(Failure::Data)?;
    let (follow, layout) = match (follow, files) {
        (false, _) => (Follow::No, Layout::ByTable),
        (true, Files::One(_)) => (Follow::File { poll: FOLLOW_POLL }, Layout::Streaming),
        (true, Files::Day { dir, .. } | Files::Span { dir } | Files::Tier { dir, .. }) => (
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
    let start = match seek {
        true => WindowStart {
            since_ns: window.since_ns,
            clock: window.start_clock,
        },
        false => WindowStart::default(),
    };
    if follow != Follow::No && paths.first().is_some_and(|p| crate::sysstat::is_sa_file(p)) {
        eprintln!("rsar: --follow: a sysstat file is read to its end, not followed");
    }
    let source = crate::source::open_recorded(paths, follow, start, sys_root)
        .map_err(|e| Failure::Data(e.to_string()))?;
    Ok((source, layout))
}

/// A process report (pidstat, top): samples with their process tables, live or from the
/// logs, through the one pipeline into `out`.
pub(super) fn process_report(
    mode: &Mode,
    proc_root: &Path,
    sys_root: &Path,
    out: &mut dyn Render,
) -> Result<ExitCode, Failure> {
    let input = input(
        mode,
        Live {
            proc_root,
            sys_root,
            since_boot: false,
            processes: true,
        },
    )?;
    run_pipeline(input, out)
}

/// A cgroup report (cgstat, cgtop): samples with their cgroups, read live through the
/// reader rsadc uses (down to `max_depth`, every file at every sample), or from the logs;
/// `seek` false reads each log from its beginning however late the window starts (the
/// cgroups' limits are recorded at a day's start and when they change). `wrap` wraps the
/// source, to see each sample before the pipeline does.
pub(super) fn cgroup_input(
    mode: &Mode,
    proc_root: &Path,
    sys_root: &Path,
    max_depth: Option<usize>,
    seek: bool,
    wrap: impl FnOnce(Box<dyn Source>) -> Box<dyn Source>,
) -> Result<Input, Failure> {
    use crate::probe::cgroup::{CgroupOptions, CgroupReader};
    match mode {
        Mode::Live {
            interval,
            count,
            save,
        } => {
            let live = Live {
                proc_root,
                sys_root,
                since_boot: false,
                processes: false,
            };
            let source = live_source(&live, *interval, *count, save.as_deref())?;
            let options = CgroupOptions {
                max_depth,
                full_read_every: 1,
                ..CgroupOptions::default()
            };
            let user_hz = source.origin().0.user_hz;
            let reader = CgroupReader::new(proc_root, sys_root, user_hz, options);
            if reader.is_empty() {
                return Err(Failure::Data(format!(
                    "no cgroup hierarchy is mounted ({} names none)",
                    proc_root.join("self/mountinfo").display()
                )));
            }
            Ok(Input {
                source: wrap(Box::new(source.with_cgroups(reader))),
                layout: Layout::Streaming,
                window: Window::default(),
                comments: false,
            })
        }
        Mode::Recorded { .. } => {
            let input = recorded_input(mode, sys_root, seek)?;
            Ok(Input {
                source: wrap(input.source),
                ..input
            })
        }
    }
}
