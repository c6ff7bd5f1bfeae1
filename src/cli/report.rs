//! `rsar report --html`: one self-contained HTML page for a window of the logs, to attach
//! to an incident — what changed against a baseline (read after the window, as `rsar
//! explain` reads it), the charts of every recorded report, the top processes and cgroups,
//! the machine and the command that makes the page again.

use super::run::{self, Failure};
use super::{Mode, Run, Source, Subcommand, UsageError};
use crate::explain::{page, Pass};
use crate::report::html::Html;
use crate::report::{Render, Selection};
use crate::sample::HostFacts;
use crate::stats::IntervalStats;
use crate::store::procs::ProcessTable;
use crate::time::Zone;
use clap::Parser;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// `rsar report`: a page for a window of the logs.
#[derive(Debug, Parser)]
#[command(
    name = "rsar report",
    version,
    about = "Write one self-contained HTML page for a window of the logs: what changed against a baseline, charts of every recorded report, the top processes and cgroups, the machine, and the command that makes it again",
    after_help = "Examples:\n  rsar report --html -o today.html                   today's log\n  rsar report --html -1 -s 03:00 -e 04:00 -o incident.html\n  rsar report --html --since '2026-11-20 22:00' --until '2026-11-21 06:00' -o night.html\n  rsar report --html -f /var/log/rsar/rsar20261121 > day.html\n\nThe page fetches nothing (no external URL, style or script) and reads with JavaScript off; its script only adds hover and zoom. The same logs and flags give the same bytes.",
    args_override_self = true
)]
pub struct ReportArgs {
    /// Write an HTML page (the one format of this command)
    #[arg(long)]
    pub html: bool,

    /// Write the page to this file instead of standard output
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// What the window is compared with in the page's summary of what changed: `before`
    /// (the window of the same length just before it, the default), `yesterday`, `-Nd`,
    /// `HH:MM-HH:MM`, or another log file, as rsar explain takes them
    #[arg(long, value_name = "WHICH", allow_hyphen_values = true)]
    pub baseline: Option<String>,

    /// Times in UTC
    #[arg(long)]
    pub utc: bool,

    #[command(flatten)]
    pub source: Source,
}

impl Subcommand for ReportArgs {
    const NAME: &'static str = "report";

    /// The command as parsed: `-o` names the page, so the live `-o FILE` gives up its short
    /// name; its help shows only what report takes (a page is a finished window).
    fn command() -> clap::Command {
        Source::hide_sampling(
            <Self as clap::CommandFactory>::command()
                .mut_arg("save", |a| a.short(None).long("save")),
        )
    }
}

/// What `rsar report` does, checked.
#[derive(Debug)]
pub struct ReportPlan {
    pub mode: Mode,
    /// The baseline of the summary of what changed; `None` when the window is live.
    baseline: Option<super::explain::ExplainPlan>,
    pub output: Option<PathBuf>,
    pub zone: Zone,
}

impl ReportArgs {
    pub fn plan(&self) -> Result<ReportPlan, UsageError> {
        let s = &self.source;
        if let Some(what) = s.sampling_flag("--save") {
            return Err(UsageError(format!(
                "report makes a page of a window of the logs, so it takes no {what}"
            )));
        }
        if !self.html {
            return Err(UsageError(
                "report writes HTML: give --html (and -o FILE, or it goes to standard output)"
                    .into(),
            ));
        }
        let mode = s.mode()?;
        let zone = if self.utc { Zone::Utc } else { Zone::Local };
        let baseline = match &mode {
            Mode::Recorded { files, window, .. } => Some(super::explain::ExplainPlan::for_report(
                files,
                window,
                self.baseline.as_deref(),
                zone,
            )?),
            Mode::Live { .. } => None,
        };
        Ok(ReportPlan {
            mode,
            baseline,
            output: self.output.clone(),
            zone,
        })
    }
}

/// Two renderers fed the same events.
struct Both<'a>(&'a mut dyn Render, &'a mut dyn Render);

impl Render for Both<'_> {
    fn begin(&mut self, host: &HostFacts, first_ns: i64) -> io::Result<()> {
        self.0.begin(host, first_ns)?;
        self.1.begin(host, first_ns)
    }

    fn interval(&mut self, stats: &IntervalStats) -> io::Result<()> {
        self.0.interval(stats)?;
        self.1.interval(stats)
    }

    fn restart(&mut self, wall_ns: i64, cpus: u32) -> io::Result<()> {
        self.0.restart(wall_ns, cpus)?;
        self.1.restart(wall_ns, cpus)
    }

    fn comment(&mut self, wall_ns: i64, text: &str) -> io::Result<()> {
        self.0.comment(wall_ns, text)?;
        self.1.comment(wall_ns, text)
    }

    fn processes(&mut self, table: &ProcessTable) -> io::Result<()> {
        self.0.processes(table)?;
        self.1.processes(table)
    }

    fn peaks(&mut self, stats: &IntervalStats) -> io::Result<()> {
        self.0.peaks(stats)?;
        self.1.peaks(stats)
    }

    fn finish(&mut self) -> io::Result<()> {
        self.0.finish()?;
        self.1.finish()
    }
}

/// An argument as a POSIX shell reads it back: bare when it is plain, else single-quoted.
fn shell_word(arg: &str) -> String {
    let plain = !arg.is_empty()
        && arg
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_./:=@,+%".contains(&b));
    if plain {
        arg.to_string()
    } else {
        format!("'{}'", arg.replace('\'', r"'\''"))
    }
}

impl Run for ReportArgs {
    fn run(&self) -> Result<ExitCode, Failure> {
        let plan = self.plan()?;
        // The command as typed, under the name people type it by.
        let command = std::iter::once("rsar".to_string())
            .chain(
                std::env::args_os()
                    .skip(1)
                    .map(|a| shell_word(&a.to_string_lossy())),
            )
            .collect::<Vec<_>>()
            .join(" ");
        let input = run::input(
            &plan.mode,
            run::Live {
                proc_root: &self.source.proc_root,
                sys_root: &self.source.sys_root,
                since_boot: false,
                processes: true,
            },
        )?;
        // Into memory first: a page cut short by a failure is not left behind as a file.
        let mut page = Vec::new();
        let code = {
            let mut html = Html::new(&mut page, Selection::all(), plan.zone, command);
            // The window as `explain` reads it, beside the page, from the same read.
            let mut window = Pass::default();
            let code = run::run_pipeline(input, &mut Both(&mut html, &mut window))?;
            // What the baseline lacks (no log before the window) leaves the summary out of
            // the page, said there, rather than failing the page.
            let mut damage = Vec::new();
            let explained = match &plan.baseline {
                Some(b) => b
                    .explain(&mut window, &mut damage)
                    .map_err(|e| e.to_string()),
                None => Err("the window is live, not recorded".to_string()),
            };
            let what_changed =
                page::what_changed(explained.as_ref().map_err(String::clone), plan.zone);
            html.write(&what_changed, &page::cgroups(&window))
                .map_err(|e| Failure::Pipeline(crate::pipeline::PipelineError::Output(e)))?;
            code
        };
        let written = match &plan.output {
            Some(path) => std::fs::write(path, &page).map_err(|e| (path.as_path(), e)),
            None => {
                let mut out = io::stdout().lock();
                out.write_all(&page)
                    .and_then(|()| out.flush())
                    .map_err(|e| (Path::new("standard output"), e))
            }
        };
        match written {
            Ok(()) => Ok(code),
            Err((_, e)) if e.kind() == io::ErrorKind::BrokenPipe => Ok(code),
            Err((path, e)) => Err(Failure::Data(format!(
                "cannot write the page to {}: {e}; check the directory exists and is writable",
                path.display()
            ))),
        }
    }
}
