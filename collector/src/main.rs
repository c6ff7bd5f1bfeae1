//! `rsadc`, the collector: samples /proc and appends raw counters to daily log files.
//!
//! Modules: `args` (the command line), `clock` (aligned ticks, signals, the simulated clock
//! for tests), `recorder` (which file each record goes in, rotation, housekeeping). The
//! file format itself is the `rsar::store` module's business.

mod args;
mod clock;
mod recorder;

use args::{Args, Target};
use clap::Parser;
use clock::Clock;
use recorder::{log, Policy, Recorder};
use rsar::probe::Probe;
use rsar::store::StoreError;
use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
use std::path::Path;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args = Args::parse();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            log(&e);
            ExitCode::from(1)
        }
    }
}

/// Refuse a log directory others can write to: they could plant files or links in it.
fn check_dir(dir: &Path, create: bool) -> Result<(), String> {
    if create && !dir.exists() {
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o755)
            .create(dir)
            .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    }
    let meta = std::fs::metadata(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let mode = meta.permissions().mode();
    let sticky = mode & 0o1000 != 0;
    if mode & 0o022 != 0 && (!sticky || create) {
        return Err(format!(
            "{} is writable by {}: refusing to keep logs there (chmod go-w it, or choose another directory)",
            dir.display(),
            if mode & 0o002 != 0 { "everyone" } else { "its group" }
        ));
    }
    Ok(())
}

fn run(args: &Args) -> Result<(), String> {
    let plan = args.plan()?;
    match &plan.target {
        Target::Dir(d) => check_dir(d, true)?,
        Target::File(f) => {
            let parent = f.parent().filter(|p| !p.as_os_str().is_empty());
            check_dir(parent.unwrap_or(Path::new(".")), false)?;
        }
    }
    if args.housekeeping {
        let Target::Dir(dir) = &plan.target else {
            return Err("--housekeeping works on a log directory".into());
        };
        let clock_now = match args.fake_clock {
            Some(t) => (t * 1e9) as i64,
            None => rsar::probe::system_clock_ns(),
        };
        let (today, _) = recorder::local_day(clock_now);
        let done =
            rsar::store::housekeeping(dir, today, args.retain_days, args.compress_after_days)
                .map_err(|e| format!("{}: {e}", dir.display()))?;
        for p in &done.deleted {
            log(&format!("deleted {}", p.display()));
        }
        for p in &done.compressed {
            log(&format!("compressed {}", p.display()));
        }
        for p in &done.problems {
            log(p);
        }
        return Ok(());
    }
    if let Err(e) = rsar::wait::install_stop_handler() {
        log(&format!(
            "cannot catch SIGTERM ({e}): a stop may cut a record short"
        ));
    }
    let mut probe = Probe::new(&args.proc_root, &args.sys_root).map_err(|e| e.to_string())?;
    let mut clock = match args.fake_clock {
        Some(t) => Clock::Simulated((t * 1e9) as i64),
        None => Clock::System,
    };
    let mut recorder = Recorder::new(
        plan.target.clone(),
        Policy {
            retain_days: args.retain_days,
            compress_after_days: args.compress_after_days,
            fsync: args.fsync,
        },
    );
    let host = probe.host().clone();
    let fatal = |e: StoreError| e.to_string();

    let Some(interval) = plan.interval else {
        // sadc without an interval: one restart record, or the comment.
        let now = clock.now_ns();
        return match &args.comment {
            Some(text) => recorder.comment(&host, now, text).map_err(fatal),
            None => recorder.restart(&host, now).map_err(fatal),
        };
    };
    if args.boot {
        recorder.restart(&host, clock.now_ns()).map_err(fatal)?;
    }
    if let Some(text) = &args.comment {
        recorder
            .comment(&host, clock.now_ns(), text)
            .map_err(fatal)?;
    }

    // A run of several samples starts on a tick too (now, if now is one), so that its first
    // interval is a whole one; a single sample (cron) is taken at once.
    if plan.count != Some(1) {
        let first = clock::next_tick(clock.now_ns() - 1, interval);
        if !clock.wait_until(first) {
            return Ok(());
        }
    }
    let mut sample = rsar::sample::Sample::default();
    let mut taken = 0u64;
    let mut warned: Vec<String> = Vec::new();
    loop {
        probe.read(&mut sample).map_err(|e| e.to_string())?;
        if let Clock::Simulated(_) = clock {
            sample.time.wall_ns = clock.now_ns();
        }
        for w in probe.warnings() {
            if !warned.contains(w) {
                log(w);
                warned.push(w.clone());
            }
        }
        match recorder.sample(&host, &sample) {
            Ok(()) => {}
            // A running collector never gives up on a write: the file was rolled back to
            // its last good record, and the next interval tries again.
            Err(e @ StoreError::Io { .. }) => log(&format!("sample not written: {e}")),
            Err(e @ StoreError::Locked { .. }) if plan.count.is_some() => {
                log(&format!("sample skipped: {e}"));
            }
            Err(e) => return Err(e.to_string()),
        }
        taken += 1;
        if plan.count.is_some_and(|c| taken >= c) {
            return Ok(());
        }
        let next = clock::next_tick(clock.now_ns(), interval);
        if !clock.wait_until(next) {
            log("stopping");
            return Ok(());
        }
    }
}

#[cfg(test)]
mod manual {
    //! rsadc's man page and completions, generated from `args::Args` (plus man/src/) and
    //! checked in: this test fails when they are stale; `RSAR_BLESS=1` writes them.
    use super::args::Args;
    use clap::CommandFactory;
    use clap_complete::Shell;
    use std::path::{Path, PathBuf};

    fn root() -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
    }

    fn check(path: &Path, got: &[u8]) {
        if std::env::var_os("RSAR_BLESS").is_some() {
            std::fs::write(path, got).unwrap();
        }
        let want = std::fs::read(path).unwrap_or_default();
        assert!(
            want == got,
            "{} is stale: run `RSAR_BLESS=1 cargo test -p collector manual` and commit it",
            path.display()
        );
    }

    #[test]
    fn the_man_page_is_current() {
        let man = clap_mangen::Man::new(Args::command())
            .section("8")
            .manual("rsar manual")
            .source(format!("rsar {}", env!("CARGO_PKG_VERSION")));
        let mut out = Vec::new();
        man.render_title(&mut out).unwrap();
        man.render_name_section(&mut out).unwrap();
        man.render_synopsis_section(&mut out).unwrap();
        man.render_description_section(&mut out).unwrap();
        man.render_options_section(&mut out).unwrap();
        out.extend(std::fs::read(root().join("man/src/rsadc.8.roff")).unwrap());
        check(&root().join("man/rsadc.8"), &out);
    }

    #[test]
    fn completions_are_current() {
        for (shell, file) in [
            (Shell::Bash, "rsadc.bash"),
            (Shell::Zsh, "_rsadc"),
            (Shell::Fish, "rsadc.fish"),
        ] {
            let mut out = Vec::new();
            clap_complete::generate(shell, &mut Args::command(), "rsadc", &mut out);
            check(&root().join("completions").join(file), &out);
        }
    }

    #[test]
    fn clap_definition_is_consistent() {
        Args::command().debug_assert();
    }
}
