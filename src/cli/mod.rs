//! The command line: sar's flags with sar's meaning, and the subcommands for the other
//! tools (`rsar vmstat`, `pidstat`, `top`, `tui`, `export`, `report`) and for `rsar explain`
//! and `rsar diff`, each in a file of its own here: its flags, the checks that turn them
//! into a plan, and what it runs.
//!
//! Parsing happens in two steps (as ripgrep does): clap checks what the user typed, then
//! each command's `plan` turns it into what to do, with a message naming the bad value
//! otherwise. sar's optional keywords (`-u ALL`, `-r ALL`, `-q ALL`) are rewritten to
//! `-u=ALL` before clap sees them (`normalize`), so that `-u 1 5` still means "CPU, every
//! second, five times". A subcommand is a first word only: after any flag or number the
//! word is sar's (`rsar 1 5`).

mod cgstat;
mod cgtop;
mod diff;
mod explain;
mod export;
mod pidstat;
mod report;
mod run;
mod sar;
mod source;
mod top;
mod tui;
mod vmstat;

pub use crate::history::Files;
pub use run::Failure;
pub use sar::{sar_only_flag, Args, Plan, SAR_VERSION_ENV};
pub use source::{Mode, Source};
pub use tui::TuiPlan;

use std::ffi::OsString;
use std::process::ExitCode;

/// A command's arguments as typed (a clap `Parser`), and what it does with them.
trait Run: clap::FromArgMatches {
    /// Check the values, then do it.
    fn run(&self) -> Result<ExitCode, Failure>;
}

/// One of rsar's subcommands.
trait Subcommand: Run {
    /// The word after `rsar`.
    const NAME: &'static str;
    /// Its flags and help as parsed (`rsar NAME --help`).
    fn command() -> clap::Command;
}

/// A subcommand in the dispatch table.
struct Entry {
    name: &'static str,
    command: fn() -> clap::Command,
    run: fn(&clap::ArgMatches) -> Result<ExitCode, Failure>,
}

const fn entry<S: Subcommand>() -> Entry {
    Entry {
        name: S::NAME,
        command: S::command,
        run: run_matched::<S>,
    }
}

/// The subcommands, in the order `rsar --help` lists them. A new one is its file here
/// (its `Subcommand`), its `mod` line, and its line in this table.
const SUBCOMMANDS: &[Entry] = &[
    entry::<vmstat::VmstatArgs>(),
    entry::<pidstat::PidstatArgs>(),
    entry::<top::TopArgs>(),
    entry::<cgstat::CgstatArgs>(),
    entry::<cgtop::CgtopArgs>(),
    entry::<explain::ExplainArgs>(),
    entry::<diff::DiffArgs>(),
    entry::<export::ExportArgs>(),
    entry::<report::ReportArgs>(),
    entry::<tui::TuiArgs>(),
];

/// Build a subcommand's arguments from what clap matched, and run it.
fn run_matched<S: Run>(matches: &clap::ArgMatches) -> Result<ExitCode, Failure> {
    S::from_arg_matches(matches)
        .map_err(|e| Failure::Usage(usage_error_line(&e)))?
        .run()
}

/// The whole command as `rsar --help`, `rsar help COMMAND`, the man pages, the shell
/// completions and the parser see it: sar's flags, plus the subcommands.
pub fn command() -> clap::Command {
    use clap::CommandFactory;
    let names: Vec<&str> = SUBCOMMANDS.iter().map(|s| s.name).collect();
    let usage = format!(
        "rsar [OPTIONS] [INTERVAL [COUNT]]\n       rsar {} [OPTIONS] [ARGS]\n       \
         rsar help [COMMAND]",
        names.join("|")
    );
    Args::command()
        .override_usage(usage)
        // A subcommand only as the first word: `rsar -u vmstat` is sar's INTERVAL, wrong.
        .args_conflicts_with_subcommands(true)
        .subcommands(SUBCOMMANDS.iter().map(|s| {
            let mut sub = (s.command)()
                .name(s.name)
                .display_name(format!("rsar {}", s.name));
            // Built on its own first, it keeps its `-h, --help`, which the root's own
            // `--help` (sar's `-h` is --human) would otherwise take from it.
            sub.build();
            sub
        }))
}

/// `rsar ARGS…`: parse, plan and run the command asked for; every failure is said on
/// stderr and is its exit code, a usage error pointing at that command's `--help`.
pub fn main(argv: impl IntoIterator<Item = OsString>) -> ExitCode {
    let args = normalize(argv);
    let sub = args
        .get(1)
        .and_then(|w| w.to_str())
        .and_then(|w| SUBCOMMANDS.iter().find(|s| s.name == w));
    let name = sub.map_or_else(|| "rsar".to_string(), |s| format!("rsar {}", s.name));
    let outcome = (|| {
        // sar's flags that rsar lacks (the subcommands have their own flags: pidstat's -h).
        if sub.is_none() {
            if let Some(e) = sar_only_flag(&args) {
                return Err(Failure::Usage(e.to_string()));
            }
        }
        let matches = command().try_get_matches_from(args).map_err(|e| {
            // `--help` and `--version` print and exit 0.
            if !e.use_stderr() {
                let _ = e.print();
                return Failure::Done;
            }
            Failure::Usage(usage_error_line(&e))
        })?;
        match matches.subcommand() {
            Some((word, matched)) => match SUBCOMMANDS.iter().find(|s| s.name == word) {
                Some(s) => (s.run)(matched),
                None => Err(Failure::Usage(format!("no command {word:?}"))),
            },
            None => run_matched::<Args>(&matches),
        }
    })();
    match outcome {
        Ok(code) => code,
        Err(f) => f.report(&name),
    }
}

/// A value the user gave that makes no sense; the message names it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct UsageError(pub String);

/// The one line a refused command line gets: clap's first line, and for a value outside
/// a fixed set, the values accepted (clap prints those on a line of their own).
pub fn usage_error_line(e: &clap::Error) -> String {
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    let text = e.to_string();
    let mut line = text
        .lines()
        .next()
        .unwrap_or_default()
        .trim_start_matches("error: ")
        .to_string();
    if e.kind() == ErrorKind::InvalidValue {
        if let Some(ContextValue::Strings(accepted)) = e.get(ContextKind::ValidValue) {
            line.push_str(&format!("; accepted values: {}", accepted.join(", ")));
        }
    }
    line
}

/// Rewrite sar's `-u ALL` style keywords into `-u=ALL` for clap.
pub fn normalize(args: impl IntoIterator<Item = OsString>) -> Vec<OsString> {
    let mut out: Vec<OsString> = Vec::new();
    let mut it = args.into_iter().peekable();
    while let Some(a) = it.next() {
        // `-q CPU,IO`: sar's keywords, or a word that looks like one (an error names it).
        let queue_list = a.to_str() == Some("-q")
            && it.peek().and_then(|n| n.to_str()).is_some_and(|n| {
                !n.is_empty() && n.bytes().all(|b| b.is_ascii_uppercase() || b == b',')
            });
        let takes_keyword = matches!(a.to_str(), Some("-u" | "-r"))
            || (a.to_str() == Some("-F") && it.peek().and_then(|n| n.to_str()) == Some("MOUNT"));
        let days_ago = a
            .to_str()
            .and_then(|s| s.strip_prefix('-'))
            .filter(|n| !n.is_empty() && n.len() <= 4 && n.bytes().all(|b| b.is_ascii_digit()));
        // `-I SUM`, `-I ALL`, `-I 0,9,LOC`: a lone number after -I stays the INTERVAL.
        let irq_list = a.to_str() == Some("-I")
            && it.peek().and_then(|n| n.to_str()).is_some_and(|n| {
                !n.starts_with('-')
                    && (n.contains(',') || n.bytes().any(|b| b.is_ascii_alphabetic()))
            });
        if let Some(n) = days_ago {
            out.push(OsString::from(format!("--days-ago={n}")));
        } else if irq_list || queue_list {
            let mut joined = a;
            joined.push("=");
            joined.push(it.next().unwrap_or_default());
            out.push(joined);
        } else if takes_keyword
            && matches!(it.peek().and_then(|n| n.to_str()), Some("ALL" | "MOUNT"))
        {
            let kw = it.next().unwrap_or_default();
            let mut joined = a;
            joined.push("=");
            joined.push(kw);
            out.push(joined);
        } else {
            out.push(a);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_whole_command_is_consistent() {
        command().debug_assert();
    }

    /// Each subcommand is dispatched by its name, once.
    #[test]
    fn every_subcommand_has_one_entry() {
        let mut names: Vec<&str> = SUBCOMMANDS.iter().map(|s| s.name).collect();
        let tree: Vec<String> = command()
            .get_subcommands()
            .map(|c| c.get_name().to_string())
            .filter(|n| n != "help")
            .collect();
        assert_eq!(names, tree);
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), SUBCOMMANDS.len());
    }
}
