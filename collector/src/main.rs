//! `rsadc`, the collector: samples /proc and appends raw counters to daily log files.
//!
//! Modules: `args` (the command line), `clock` (aligned ticks, signals, the simulated clock
//! for tests), `recorder` (which file each record goes in, rotation, housekeeping),
//! `listen` (`--listen`: /metrics), `remote_write` (`--remote-write`: pushing the log to a
//! Prometheus remote-write receiver), `requests` (records that `--comment` and `--boot`
//! hand to a running collector). The file format itself is the `rsar::store` module's business.

mod args;
mod clock;
mod listen;
mod recorder;
mod remote_write;
mod requests;

use args::{Args, Target};
use clap::Parser;
use clock::Clock;
use recorder::{log, Policy, Recorder};
use requests::{NotHanded, Request, RequestSocket, Wake};
use rsar::probe::Probe;
use rsar::store::StoreError;
use std::os::unix::fs::DirBuilderExt;
use std::path::Path;
use std::process::ExitCode;

/// Why rsadc stops, and so its exit status.
#[derive(Debug)]
enum Failure {
    /// Bad arguments: exit 1.
    Usage(String),
    /// The log directory or file cannot be used, a sample could not be written, /proc
    /// cannot be read: exit 2.
    Data(String),
}

impl Failure {
    fn data(e: impl std::fmt::Display) -> Failure {
        Failure::Data(e.to_string())
    }
}

fn main() -> ExitCode {
    // clap exits 2 on bad arguments by default; 2 is our data problem, so map it.
    let args = match Args::try_parse() {
        Ok(a) => a,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 1 } else { 0 });
        }
    };
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Usage(e)) => {
            log(&e);
            eprintln!("Try 'rsadc --help' for the arguments and examples.");
            ExitCode::from(1)
        }
        Err(Failure::Data(e)) => {
            log(&e);
            ExitCode::from(2)
        }
    }
}

/// `--remote-write` and its options, checked (secrets read) before anything starts, with
/// what the sender will share with the recorder and `/metrics`.
fn remote_write_settings(
    args: &Args,
    plan: &args::Plan,
) -> Result<Option<(remote_write::Settings, std::sync::Arc<remote_write::Shared>)>, Failure> {
    let Some(url) = args
        .remote_write
        .as_deref()
        .map(str::trim)
        .filter(|u| !u.is_empty())
    else {
        return Ok(None);
    };
    let (Some(interval), Target::Dir(_)) = (plan.interval, &plan.target) else {
        return Err(Failure::Usage(
            "--remote-write sends what rsadc records into a log directory: give an INTERVAL and a directory (rsadc --remote-write URL 10 /var/log/rsar)".into(),
        ));
    };
    if plan.count.is_some() {
        return Err(Failure::Usage(
            "--remote-write needs a collector that keeps running: give no COUNT".into(),
        ));
    }
    let mut labels = Vec::new();
    for l in &args.remote_write_label {
        let valid_name = |n: &str| {
            n.chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
                && n.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                && !n.starts_with("__")
        };
        match l.split_once('=') {
            Some((k, v)) if valid_name(k) => labels.push((k.to_string(), v.to_string())),
            _ => {
                return Err(Failure::Usage(format!(
                    "--remote-write-label {l:?}: give NAME=VALUE, the name in letters, digits and _ (not starting with a digit or __), e.g. --remote-write-label dc=east"
                )))
            }
        }
    }
    let settings = remote_write::Settings::new(
        url,
        labels,
        args.remote_write_user.as_deref(),
        args.remote_write_password_file.as_deref(),
        args.remote_write_bearer_token_file.as_deref(),
        args.remote_write_ca_file.as_deref(),
        args.remote_write_tenant.as_deref(),
    )
    .map_err(Failure::Usage)?;
    let settings = remote_write::Settings {
        cgroups: args.metrics_cgroups.clone(),
        ..settings
    };
    Ok(Some((settings, remote_write::Shared::new(interval))))
}

/// The cgroups' reader the options ask for: `None` with --no-cgroups or without a cgroup
/// hierarchy.
fn cgroup_reader(
    args: &Args,
    user_hz: u32,
) -> Result<Option<rsar::probe::cgroup::CgroupReader>, Failure> {
    if args.no_cgroups {
        return Ok(None);
    }
    let options = rsar::probe::cgroup::CgroupOptions::from_args(
        args.cgroup_depth,
        args.cgroup_include.as_deref(),
        args.cgroup_exclude.as_deref(),
    )
    .map_err(Failure::Usage)?;
    let reader =
        rsar::probe::cgroup::CgroupReader::new(&args.proc_root, &args.sys_root, user_hz, options);
    Ok((!reader.is_empty()).then_some(reader))
}

/// Listen-only mode: nothing is recorded; SIGINT or SIGTERM ends it.
fn serve_only() -> Result<(), Failure> {
    use rsar::wait::{sleep_until, Clock as WaitClock};
    if let Err(e) = rsar::wait::install_stop_handler() {
        log(&format!("cannot catch SIGTERM ({e})"));
    }
    while sleep_until(
        WaitClock::Monotonic,
        WaitClock::Monotonic.now_ns() + 3_600_000_000_000,
    ) {}
    log("stopping");
    Ok(())
}

/// Refuse a log directory others could plant files or links in: one writable by group or
/// others (a sticky one like /tmp is allowed for a single named file), or owned by anyone
/// but root or the user rsadc runs as.
fn check_dir(dir: &Path, create: bool) -> Result<(), String> {
    if create && std::fs::symlink_metadata(dir).is_err() {
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o755)
            .create(dir)
            .map_err(|e| format!("cannot create the log directory {}: {e}", dir.display()))?;
    }
    let opened = rsar::store::safe_dir::LogDir::open(dir)
        .and_then(|d| d.owner_and_mode())
        .map_err(|e| format!("cannot use {} as a log directory: {e}", dir.display()))?;
    let (owner, mode) = opened;
    let euid = nix::unistd::geteuid().as_raw();
    if owner != 0 && owner != euid {
        return Err(format!(
            "{} is owned by uid {owner}, not by root or by this user (uid {euid}): its owner could plant links there for rsadc to write through; refusing (chown it, or choose another directory)",
            dir.display()
        ));
    }
    let shared_with_sticky_bit = mode & 0o1000 != 0 && !create;
    if mode & 0o022 != 0 && !shared_with_sticky_bit {
        return Err(format!(
            "{} is writable by {}: refusing to keep logs there (chmod go-w it, or choose another directory)",
            dir.display(),
            if mode & 0o002 != 0 { "everyone" } else { "its group" }
        ));
    }
    Ok(())
}

/// `--import FILE… DIR`: each file's records into DIR's day files, one line per day.
fn import(args: &Args) -> Result<(), Failure> {
    let Some((dir, files)) = args.positional.split_last().filter(|(_, f)| !f.is_empty()) else {
        return Err(Failure::Usage(
            "--import needs the files to import, then the log directory: rsadc --import /var/log/sysstat/sa?? /var/log/rsar".into(),
        ));
    };
    let dir = Path::new(dir);
    check_dir(dir, true).map_err(Failure::Data)?;
    let mut failed = Vec::new();
    let mut damaged = 0;
    for file in files {
        let mut source = match rsar::import::open_source(Path::new(file), &args.sys_root) {
            Ok(s) => s,
            Err(e) => {
                failed.push(e.to_string());
                continue;
            }
        };
        let done = rsar::import::import(&mut *source, dir, &mut |d| {
            log(&format!("{file}: {}", d.describe()));
        });
        let damage = source.take_damage();
        for d in &damage {
            log(d);
        }
        match done {
            Err(e) => failed.push(format!("{file}: {e}")),
            // Its intact records were imported; the damage is still an error to report.
            Ok(()) if !damage.is_empty() => damaged += 1,
            Ok(()) => {}
        }
    }
    for f in &failed {
        log(f);
    }
    let of = files.len();
    match (failed.len(), damaged) {
        (0, 0) => Ok(()),
        (0, d) => Err(Failure::Data(format!(
            "{d} of {of} files damaged: only their intact records were imported (above)"
        ))),
        (n, 0) => Err(Failure::Data(format!(
            "{n} of {of} files not imported (above)"
        ))),
        (n, d) => Err(Failure::Data(format!(
            "{n} of {of} files not imported, {d} damaged and imported in part (above)"
        ))),
    }
}

/// Now, or the simulated clock's start (`--fake-clock`).
fn clock_now(args: &Args) -> i64 {
    match args.fake_clock {
        Some(t) => (t * 1e9) as i64,
        None => rsar::probe::system_clock_ns(),
    }
}

fn run(args: &Args) -> Result<(), Failure> {
    if args.import {
        return import(args);
    }
    let plan = args.plan().map_err(Failure::Usage)?;
    if args.status {
        let Target::Dir(dir) = &plan.target else {
            return Err(Failure::Usage(
                "--status reports on a log directory, not a file".into(),
            ));
        };
        println!("{}", remote_write::status(dir).map_err(Failure::Data)?);
        return Ok(());
    }
    let pushing = remote_write_settings(args, &plan)?;
    let mut skip = rsar::probe::Skip::collector_default();
    for g in &args.with {
        skip.remove(g).map_err(Failure::Usage)?;
    }
    for g in &args.skip {
        skip.add(g).map_err(Failure::Usage)?;
    }
    if args.no_snmp {
        skip.add("snmp").map_err(Failure::Usage)?;
    }
    if args.list_sources {
        let mut probe = Probe::new(&args.proc_root, &args.sys_root)
            .map_err(Failure::data)?
            .with_skip(skip);
        let mut sample = rsar::sample::Sample::default();
        probe.read(&mut sample).map_err(Failure::data)?;
        for line in probe.per_sample_sources() {
            println!("{line}");
        }
        return Ok(());
    }
    let listen = args::listen_addresses(args.listen.as_deref()).map_err(Failure::Usage)?;
    if let Some(addrs) = listen {
        // The exporter reads what the log would hold, no more.
        let probe = Probe::new(&args.proc_root, &args.sys_root)
            .map_err(Failure::data)?
            .with_skip(skip);
        let progress = pushing.as_ref().map(|(_, shared)| shared.clone());
        // Its own cgroup reader, as the log's would read.
        let cgroups = cgroup_reader(args, probe.host().user_hz)?;
        let served = rsar::export::cgroup::Served::new(args.metrics_cgroups.clone());
        let (bound, failed) =
            listen::spawn(&addrs, probe, cgroups, served, progress).map_err(|(addr, e)| {
                Failure::Data(format!(
                    "cannot listen on {addr}: {e} (is another program using the port?)"
                ))
            })?;
        for a in bound {
            log(&format!("serving metrics on http://{a}/metrics"));
        }
        for (a, e) in failed {
            log(&format!("not serving metrics on {a}: {e}"));
        }
        if plan.interval.is_none() {
            if args.boot || args.comment.is_some() || args.housekeeping {
                return Err(Failure::Usage(
                    "--listen without INTERVAL only serves metrics: give an INTERVAL to record as well".into(),
                ));
            }
            return serve_only();
        }
    }
    match &plan.target {
        Target::Dir(d) => check_dir(d, true).map_err(Failure::Data)?,
        Target::File(f) => {
            let parent = f.parent().filter(|p| !p.as_os_str().is_empty());
            check_dir(parent.unwrap_or(Path::new(".")), false).map_err(Failure::Data)?;
        }
    }
    if args.rollup {
        let Target::Dir(dir) = &plan.target else {
            return Err(Failure::Usage(
                "--rollup works on a log directory, not a file".into(),
            ));
        };
        let (today, _) = recorder::local_day(clock_now(args));
        let done = rsar::store::rollup::roll_up(dir, today, &args.tiers)
            .map_err(|e| Failure::Data(format!("{}: {e}", dir.display())))?;
        recorder::log_rolled_up(&done);
        if !done.problems.is_empty() {
            return Err(Failure::Data(format!(
                "rolling up {} left {} problems (above)",
                dir.display(),
                done.problems.len()
            )));
        }
        return Ok(());
    }
    if args.housekeeping {
        let Target::Dir(dir) = &plan.target else {
            return Err(Failure::Usage(
                "--housekeeping works on a log directory, not --file".into(),
            ));
        };
        let (today, _) = recorder::local_day(clock_now(args));
        let done =
            rsar::store::housekeeping(dir, today, args.retain_days, args.compress_after_days)
                .map_err(|e| Failure::Data(format!("{}: {e}", dir.display())))?;
        for p in &done.deleted {
            log(&format!("deleted {}", p.display()));
        }
        for p in &done.compressed {
            log(&format!("compressed {}", p.display()));
        }
        for p in done.warnings.iter().chain(&done.problems) {
            log(p);
        }
        if !done.problems.is_empty() {
            return Err(Failure::Data(format!(
                "housekeeping of {} left {} problems (above)",
                dir.display(),
                done.problems.len()
            )));
        }
        return Ok(());
    }
    if let Err(e) = rsar::wait::install_stop_handler() {
        log(&format!(
            "cannot catch SIGTERM ({e}): a stop may cut a record short"
        ));
    }
    let mut probe = Probe::new(&args.proc_root, &args.sys_root)
        .map_err(Failure::data)?
        .with_skip(skip);
    if !args.reparse {
        // The loop below refills one sample.
        probe = probe.reusing_unchanged();
    }
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
            tiers: args.tiers.clone(),
        },
    );
    let host = probe.host().clone();
    // One reader for the collector's life: it keeps each cgroup's files open.
    let mut cgroups = cgroup_reader(args, host.user_hz)?;
    let mut cgroup_day = None;
    let pushed = pushing.as_ref().map(|(_, shared)| shared.clone());

    let Some(interval) = plan.interval else {
        // sadc without an interval: one restart record, or the comment.
        let request = match &args.comment {
            Some(text) => Request::Comment(text.clone()),
            None => Request::Restart,
        };
        return mark(&mut recorder, &host, &clock, &plan.target, &request);
    };
    if args.boot {
        recorder
            .restart(&host, clock.now_ns())
            .map_err(Failure::data)?;
    }
    if let Some(text) = &args.comment {
        recorder
            .comment(&host, clock.now_ns(), text)
            .map_err(Failure::data)?;
    }
    // Where `rsadc --comment` and `--boot` reach this collector: in a directory, when it
    // waits between samples; made once it holds the day's lock (file open or first sample
    // written), so that an old socket there is its to replace.
    let mut requests: Option<RequestSocket> = None;
    let mut no_requests = !(matches!(plan.target, Target::Dir(_))
        && matches!(clock, Clock::System)
        && plan.count != Some(1));
    // A service that cannot open its file at all says so now, instead of logging a
    // failure every interval while its supervisor believes it is recording.
    if plan.count.is_none() {
        recorder
            .open(&host, clock.now_ns())
            .map_err(Failure::data)?;
        if !no_requests {
            no_requests = true;
            requests = bind_requests(&plan.target);
        }
    }
    // The sender starts once the day's file is open, so that it never reads a torn tail
    // that opening the file cuts away.
    if let (Some((settings, shared)), Target::Dir(dir)) = (pushing, &plan.target) {
        let labels = rsar::export::backfill::default_labels(&host, &settings.labels);
        let settings = remote_write::Settings { labels, ..settings };
        log(&format!("pushing samples to {}", settings.url));
        remote_write::spawn(dir, settings, shared, clock.now_ns()).map_err(Failure::Data)?;
    }

    // A run of several samples starts on a tick too (now, if now is one), so that its first
    // interval is a whole one; a single sample (cron) is taken at once.
    if plan.count != Some(1) {
        let first = clock::next_tick(clock.now_ns() - 1, interval);
        if !wait_serving(&mut clock, requests.as_ref(), &mut recorder, &host, first) {
            return Ok(());
        }
    }
    let mut sample = rsar::sample::Sample::default();
    // Processes: with every sample, every `process_every`th one, or never.
    let process_every = match (args.no_processes, args.process_interval) {
        (true, _) => None,
        (false, None) => Some(1),
        (false, Some(secs)) => {
            let every = (secs / interval.as_secs_f64()).round();
            if !(every.is_finite() && every >= 1.0) {
                return Err(Failure::Usage(format!(
                    "--process-interval must be at least the interval, not {secs}"
                )));
            }
            Some(every as u64)
        }
    };
    let mut process_reader = rsar::process::ProcessReader::default();
    if let Some(reader) = &cgroups {
        // Each process with its cgroup, read once per process lifetime.
        process_reader = process_reader.with_cgroups(reader.unified());
    }
    let mut table = rsar::store::procs::ProcessTable {
        wall_ns: 0,
        uptime_cs: 0,
        processes: Default::default(),
    };
    let mut taken = 0u64;
    let mut not_written = 0u64;
    let mut warned: Vec<String> = Vec::new();
    loop {
        probe.read(&mut sample).map_err(Failure::data)?;
        if let Clock::Simulated(_) = clock {
            sample.time.wall_ns = clock.now_ns();
        }
        if let Some(reader) = cgroups.as_mut() {
            // A new day's file holds every cgroup's limits, not only those that change.
            let day = recorder::local_day(sample.time.wall_ns).0;
            if cgroup_day.replace(day) != Some(day) {
                reader.resend_limits();
            }
            reader.read_into(&mut sample);
            for w in reader.warnings() {
                if !warned.contains(w) {
                    log(w);
                    warned.push(w.clone());
                }
            }
        }
        for w in probe.warnings() {
            if !warned.contains(w) {
                log(w);
                warned.push(w.clone());
            }
        }
        match recorder.sample(&host, &sample) {
            Ok(()) => {
                if let Some(shared) = &pushed {
                    shared.recorded(sample.time.wall_ns);
                }
                if !no_requests {
                    no_requests = true;
                    requests = bind_requests(&plan.target);
                }
            }
            // A running collector never gives up on a write: the file was rolled back to
            // its last good record, and the next interval tries again. A run with COUNT
            // exits 2 at its end.
            Err(e @ StoreError::Io { .. }) => {
                log(&format!("sample not written: {e}"));
                not_written += 1;
            }
            // Another collector is writing the file: the sample is recorded by it.
            Err(e @ StoreError::Locked { .. }) if plan.count.is_some() => {
                log(&format!("sample skipped: {e}"));
            }
            Err(e) => return Err(Failure::data(e)),
        }
        if process_every.is_some_and(|n| taken % n == 0) {
            // The writer keeps the last table for its delta: refill a table of our own.
            process_reader.read(
                &args.proc_root,
                std::sync::Arc::make_mut(&mut table.processes),
            );
            table.wall_ns = sample.time.wall_ns;
            table.uptime_cs = sample.time.uptime_cs;
            if let Err(e) = recorder.processes(&host, &table) {
                log(&format!("processes not written: {e}"));
            }
        }
        taken += 1;
        if plan.count.is_some_and(|c| taken >= c) {
            break;
        }
        let next = clock::next_tick(clock.now_ns(), interval);
        if !wait_serving(&mut clock, requests.as_ref(), &mut recorder, &host, next) {
            log("stopping");
            break;
        }
    }
    if not_written > 0 {
        return Err(Failure::Data(format!(
            "{not_written} of {taken} samples were not written (see above)"
        )));
    }
    Ok(())
}

/// The request socket of a collector writing `target`, or `None` (said on stderr).
fn bind_requests(target: &Target) -> Option<RequestSocket> {
    let Target::Dir(dir) = target else {
        return None;
    };
    RequestSocket::bind(dir)
        .map_err(|e| {
            log(&format!(
                "cannot make {}: {e}; rsadc --comment and --boot cannot reach this collector",
                dir.join(requests::SOCKET_NAME).display()
            ))
        })
        .ok()
}

/// Wait for `deadline_ns`, writing the records handed over meanwhile; false when a stop
/// was requested.
fn wait_serving(
    clock: &mut Clock,
    requests: Option<&RequestSocket>,
    recorder: &mut Recorder,
    host: &rsar::sample::HostFacts,
    deadline_ns: i64,
) -> bool {
    loop {
        let woke = match requests {
            Some(r) => r.wait_until(deadline_ns),
            None if clock.wait_until(deadline_ns) => Wake::Tick,
            None => Wake::Stop,
        };
        match (woke, requests) {
            (Wake::Tick, _) => return true,
            (Wake::Stop, _) => return false,
            (Wake::Request, Some(r)) => r.serve(|request| {
                write_request(recorder, host, clock.now_ns(), &request).map_err(|e| e.to_string())
            }),
            (Wake::Request, None) => {}
        }
    }
}

fn write_request(
    recorder: &mut Recorder,
    host: &rsar::sample::HostFacts,
    now: i64,
    request: &Request,
) -> Result<(), StoreError> {
    match request {
        Request::Comment(text) => recorder.comment(host, now, text),
        Request::Restart => recorder.restart(host, now),
    }
}

/// `--comment` or `--boot` without an interval: write the record, or, when a collector
/// holds the file, hand it to that collector (a collector counting its last samples may
/// let go of the lock meanwhile: then write it here). Gives up after `HAND_OVER_FOR`.
fn mark(
    recorder: &mut Recorder,
    host: &rsar::sample::HostFacts,
    clock: &Clock,
    target: &Target,
    request: &Request,
) -> Result<(), Failure> {
    const HAND_OVER_FOR: std::time::Duration = std::time::Duration::from_secs(5);
    let start = std::time::Instant::now();
    loop {
        let locked = match write_request(recorder, host, clock.now_ns(), request) {
            Ok(()) => return Ok(()),
            Err(e @ StoreError::Locked { .. }) => e,
            Err(e) => return Err(Failure::data(e)),
        };
        let Target::Dir(dir) = target else {
            return Err(Failure::data(locked));
        };
        match requests::hand_over(dir, request) {
            Ok(()) => {
                if let StoreError::Locked { path } = &locked {
                    log(&format!(
                        "{} is being written by a running rsadc: it wrote the record",
                        path.display()
                    ));
                }
                return Ok(());
            }
            Err(NotHanded::Failed(e)) => return Err(Failure::Data(e)),
            Err(NotHanded::NoCollector) if start.elapsed() < HAND_OVER_FOR => {
                std::thread::sleep(std::time::Duration::from_millis(100));
            }
            Err(NotHanded::NoCollector) => {
                return Err(Failure::Data(format!(
                    "{locked}, and it takes no records from others (no {} to hand this one to): it may be an rsadc with a COUNT, or a --fake-clock run; try again when it ends",
                    dir.join(requests::SOCKET_NAME).display()
                )))
            }
        }
    }
}

/// The man-page renderer rsar's own manual test uses.
#[cfg(test)]
#[path = "../../tests/common/man.rs"]
mod man;

#[cfg(test)]
mod manual {
    //! rsadc's man page and completions, generated from `args::Args` (plus man/src/) and
    //! checked in: this test fails when they are stale; `RSAR_BLESS=1` writes them.
    use super::args::Args;
    use super::man;
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
            "{} is stale: run `RSAR_BLESS=1 cargo test -p rsadc manual` and commit it",
            path.display()
        );
    }

    #[test]
    fn the_man_page_is_current() {
        let out = man::man_page(Args::command(), "8", &root().join("man/src/rsadc.8.roff"));
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
