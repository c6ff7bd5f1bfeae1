//! The `rsar` command: parse sar's flags, then report.

use rsar::cli::{normalize, Args, Mode};
use rsar::live::{self, LiveError, SampleReport};
use rsar::probe::Probe;
use std::io::{self, Write};
use std::process::ExitCode;

/// Exit codes (documented in `--help` and the README).
const EXIT_USAGE: u8 = 1;
const EXIT_DATA: u8 = 2;

fn main() -> ExitCode {
    let args = match <Args as clap::Parser>::try_parse_from(normalize(std::env::args_os())) {
        Ok(a) => a,
        Err(e) => {
            let code = if e.use_stderr() { EXIT_USAGE } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    let plan = match args.plan() {
        Ok(p) => p,
        Err(e) => {
            eprintln!("rsar: {e}");
            eprintln!("Try 'rsar --help' for the flags and examples.");
            return ExitCode::from(EXIT_USAGE);
        }
    };
    match plan.mode {
        Mode::Live { interval, count } => {
            if let Err(e) = live::install_stop_handler() {
                eprintln!("rsar: cannot catch Ctrl-C ({e}); averages will not print on interrupt");
            }
            let mut probe = match Probe::new(&plan.proc_root, &plan.sys_root) {
                Ok(p) => p,
                Err(e) => {
                    eprintln!("rsar: {e}");
                    return ExitCode::from(EXIT_DATA);
                }
            };
            let stdout = io::stdout().lock();
            let mut report =
                SampleReport::new(io::BufWriter::new(stdout), plan.selection, plan.zone);
            let mut warn = |w: &str| eprintln!("rsar: {w}");
            match live::run(&mut probe, &mut report, interval, count, &mut warn) {
                Ok(()) => ExitCode::SUCCESS,
                // `rsar ... | head` closes the pipe: that is the reader's choice, not an error.
                Err(LiveError::Output(e)) if e.kind() == io::ErrorKind::BrokenPipe => {
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    let _ = io::stdout().flush();
                    eprintln!("rsar: {e}");
                    ExitCode::from(EXIT_DATA)
                }
            }
        }
    }
}
