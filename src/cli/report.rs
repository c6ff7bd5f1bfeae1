//! `rsar report --html`: one self-contained HTML page for a window of the logs, to attach
//! to an incident — the charts of every recorded report, the top processes, the machine
//! and the command that makes the page again.

use super::run::{self, Failure};
use super::{Mode, Run, Source, Subcommand, UsageError};
use crate::report::html::Html;
use crate::report::Selection;
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
    about = "Write one self-contained HTML page for a window of the logs: charts of every recorded report, the top processes, the machine, and the command that makes it again",
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
        Ok(ReportPlan {
            mode: s.mode()?,
            output: self.output.clone(),
            zone: if self.utc { Zone::Utc } else { Zone::Local },
        })
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
            run::run_pipeline(input, &mut html)?
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
