//! The `rsar` command: parse sar's flags (or a subcommand's), then report live or from
//! the logs (`rsar::cli`).

fn main() -> std::process::ExitCode {
    rsar::cli::main(std::env::args_os())
}
