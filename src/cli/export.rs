//! `rsar export`: a span of the logs as OpenMetrics, in node_exporter's metric names, for
//! Prometheus' backfill.

use super::run::{self, Failure};
use super::{Files, Mode, Run, Source, Subcommand, UsageError};
use crate::history::Window;
use crate::pipeline::PipelineError;
use clap::Parser;
use std::io;
use std::path::Path;
use std::process::ExitCode;

/// `rsar export`: the logs as OpenMetrics for Prometheus' backfill.
#[derive(Debug, Parser)]
#[command(
    name = "rsar export",
    version,
    about = "Write logged history as OpenMetrics, in node_exporter's metric names, for `promtool tsdb create-blocks-from openmetrics`",
    after_help = "Examples:\n  rsar export -1 > yesterday.om\n  rsar export --since '2026-11-01' --until '2026-11-21 23:59' --label env=prod > history.om\n  promtool tsdb create-blocks-from openmetrics history.om /var/lib/prometheus/metrics2\n\nEvery series carries job=\"rsadc\" and instance=<the recorded host name> unless --label sets them.",
    args_override_self = true
)]
pub struct ExportArgs {
    /// The output format (OpenMetrics 1.0, the one promtool backfills from)
    #[arg(long, value_enum, default_value = "openmetrics")]
    pub format: ExportFormat,

    /// Add (or replace) a label on every series: K=V; repeatable. Defaults: job="rsadc",
    /// instance=the recorded host name
    #[arg(long = "label", value_name = "K=V", value_parser = parse_label)]
    pub labels: Vec<(String, String)>,

    /// Which cgroups are exported (the bound rsadc's /metrics has)
    #[command(flatten)]
    pub cgroups: crate::export::cgroup::Bound,

    #[command(flatten)]
    pub source: Source,
}

/// `rsar export --format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ExportFormat {
    Openmetrics,
}

/// A label `K=V` whose name Prometheus accepts.
fn parse_label(s: &str) -> Result<(String, String), String> {
    let (k, v) = s
        .split_once('=')
        .ok_or_else(|| format!("a label is K=V, not {s:?}"))?;
    let valid = k
        .chars()
        .enumerate()
        .all(|(i, c)| c == '_' || c.is_ascii_alphabetic() || (i > 0 && c.is_ascii_digit()));
    if k.is_empty() || !valid || k.starts_with("__") {
        return Err(format!(
            "{k:?} is not a label name Prometheus accepts ([a-zA-Z_][a-zA-Z0-9_]*, not starting with __)"
        ));
    }
    Ok((k.to_string(), v.to_string()))
}

/// What `rsar export` reads.
#[derive(Debug, Clone)]
pub struct ExportPlan {
    pub files: Files,
    pub window: Window,
    pub labels: Vec<(String, String)>,
    pub cgroups: crate::export::cgroup::Bound,
}

impl Subcommand for ExportArgs {
    const NAME: &'static str = "export";

    /// The command as parsed, its help showing only what export takes.
    fn command() -> clap::Command {
        Source::hide_sampling(<Self as clap::CommandFactory>::command())
    }
}

impl ExportArgs {
    pub fn plan(&self) -> Result<ExportPlan, UsageError> {
        let s = &self.source;
        if let Some(what) = s.sampling_flag("-o") {
            return Err(UsageError(format!(
                "export writes a span of the logs once, so it takes no {what}"
            )));
        }
        if !self.source.from_logs() {
            return Err(UsageError(
                "export reads the logs: give -f FILE, -N (days ago) or --since/--until".into(),
            ));
        }
        match self.source.mode()? {
            Mode::Recorded { files, window, .. } => Ok(ExportPlan {
                files,
                window,
                labels: self.labels.clone(),
                cgroups: self.cgroups.clone(),
            }),
            Mode::Live { .. } => Err(UsageError(
                "export reads the logs: an INTERVAL is for live reports".into(),
            )),
        }
    }
}

impl Run for ExportArgs {
    /// The window's samples, series by series, as OpenMetrics on stdout.
    fn run(&self) -> Result<ExitCode, Failure> {
        use crate::export::backfill::{default_labels, Backfill};
        let plan = self.plan()?;
        let (mut source, _) = run::log_source(&plan.files, &plan.window, false, Path::new("/sys"))?;
        let labels = default_labels(source.origin().0, &plan.labels);
        let io_failure = |e: io::Error| Failure::Data(format!("cannot spool the export: {e}"));
        let mut backfill = Backfill::new(labels, plan.cgroups.clone()).map_err(io_failure)?;
        let outcome =
            crate::pipeline::each_sample(source.as_mut(), &plan.window, &mut |host, s| {
                backfill.sample(host, s)
            })?;
        let mut out = io::BufWriter::new(io::stdout().lock());
        if let Err(e) = backfill.finish(&mut out) {
            return Err(Failure::Pipeline(PipelineError::Output(e)));
        }
        Ok(run::said_damage(&outcome.damage))
    }
}
