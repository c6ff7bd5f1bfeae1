//! The cgroups as Prometheus series: under cAdvisor's names, types, units and labels where
//! cAdvisor has a metric that means the same (`CADVISOR`), so that the dashboards and
//! alerts people have for cAdvisor work unchanged, and as `rsar_cgroup_*` for the rest,
//! named from the schema. Every series carries `id`, the cgroup's path as cAdvisor gives
//! it (`/` the root, `/system.slice/nginx.service`), and `name`, the name derived from the
//! path (`crate::cgroup::name`; empty where none is: Prometheus then drops the label).
//!
//! `Bound` chooses the cgroups served (a depth, a regular expression to include and one
//! to exclude, and the N using most CPU), so that a host with thousands of cgroups does
//! not swamp a Prometheus server; it applies to what is served, never to what is
//! recorded. `Served` keeps what the series need from one sample to the next: the limits,
//! which a log holds only when they change, and each cgroup's labels.
//!
//! I/O is served per device, as cAdvisor does, with its `device` label (`/dev/NAME`, the
//! name `sar -d` gives the device); the sums over the devices are `rsar_cgroup_*`.
//!
//! Where cAdvisor's meaning and ours differ, it is said beside the row: the working set is
//! the usage (inactive_file is not recorded; cAdvisor's own value when it cannot read
//! it), and the page-fault counters count the cgroup with its descendants, served under
//! both of cAdvisor's scopes.

use super::{help_of, Sink, Type};
use crate::cgroup::name::Workload;
use crate::sample::{
    CgroupCounters, CgroupDeviceIo, CgroupDeviceLimits, CgroupLimits, Field, Group, Kind, Sample,
};
use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::OnceLock;

/// Which group a served field is of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Of {
    Counters,
    Limits,
    /// A series per device, labelled `device`.
    Devices,
    DeviceLimits,
}

impl Of {
    const ALL: [Of; 4] = [Of::Counters, Of::Limits, Of::Devices, Of::DeviceLimits];

    fn fields(self) -> &'static [Field] {
        match self {
            Of::Counters => CgroupCounters::FIELDS,
            Of::Limits => CgroupLimits::FIELDS,
            Of::Devices => CgroupDeviceIo::FIELDS,
            Of::DeviceLimits => CgroupDeviceLimits::FIELDS,
        }
    }

    /// The stem of `rsar_cgroup_*` names of its fields cAdvisor has no metric for.
    fn stem(self) -> &'static str {
        match self {
            Of::Counters | Of::Limits => "rsar_cgroup_",
            Of::Devices => "rsar_cgroup_device_",
            Of::DeviceLimits => "rsar_cgroup_io_max_",
        }
    }
}

/// A field served under cAdvisor's name: (group, field, name, type, factor from the
/// field's unit to the name's, labels every series of it carries, the value served when
/// the field is absent (cAdvisor's 0 for "no limit"; `None`: no series), help).
type Row = (
    Of,
    &'static str,
    &'static str,
    Type,
    f64,
    &'static [(&'static str, &'static str)],
    Option<f64>,
    &'static str,
);

const US: f64 = 1e-6;
const PGFAULT_CONTAINER: &[(&str, &str)] = &[("failure_type", "pgfault"), ("scope", "container")];
const PGFAULT_HIERARCHY: &[(&str, &str)] = &[("failure_type", "pgfault"), ("scope", "hierarchy")];
const PGMAJFAULT_CONTAINER: &[(&str, &str)] =
    &[("failure_type", "pgmajfault"), ("scope", "container")];
const PGMAJFAULT_HIERARCHY: &[(&str, &str)] =
    &[("failure_type", "pgmajfault"), ("scope", "hierarchy")];

/// cAdvisor's metrics (its docs/storage/prometheus.md, and the pressure, OOM and thread
/// metrics of its newer releases), from the fields that mean the same.
const CADVISOR: &[Row] = &[
    (Of::Counters, "usage_us", "container_cpu_usage_seconds_total", Type::Counter, US, &[("cpu", "total")], None, "Cumulative cpu time consumed in seconds."),
    (Of::Counters, "user_us", "container_cpu_user_seconds_total", Type::Counter, US, &[], None, "Cumulative user cpu time consumed in seconds."),
    (Of::Counters, "system_us", "container_cpu_system_seconds_total", Type::Counter, US, &[], None, "Cumulative system cpu time consumed in seconds."),
    (Of::Counters, "nr_periods", "container_cpu_cfs_periods_total", Type::Counter, 1.0, &[], None, "Number of elapsed enforcement period intervals."),
    (Of::Counters, "nr_throttled", "container_cpu_cfs_throttled_periods_total", Type::Counter, 1.0, &[], None, "Number of throttled period intervals."),
    (Of::Counters, "throttled_us", "container_cpu_cfs_throttled_seconds_total", Type::Counter, US, &[], None, "Total time duration the container has been throttled."),
    (Of::Counters, "memory_current", "container_memory_usage_bytes", Type::Gauge, 1.0, &[], None, "Current memory usage in bytes, including all memory regardless of when it was accessed."),
    // cAdvisor: usage − inactive_file. inactive_file is not recorded, so this is the
    // usage, as cAdvisor serves it where it cannot read inactive_file: never below the
    // working set, so an alert on it against the limit fires early rather than late.
    (Of::Counters, "memory_current", "container_memory_working_set_bytes", Type::Gauge, 1.0, &[], None, "Current working set in bytes (here: the usage; inactive_file is not recorded)."),
    (Of::Counters, "anon", "container_memory_rss", Type::Gauge, 1.0, &[], None, "Size of RSS in bytes."),
    (Of::Counters, "file", "container_memory_cache", Type::Gauge, 1.0, &[], None, "Number of bytes of page cache memory."),
    (Of::Counters, "events_max", "container_memory_failcnt", Type::Counter, 1.0, &[], None, "Number of memory usage hits limits."),
    (Of::Counters, "pgfault", "container_memory_failures_total", Type::Counter, 1.0, PGFAULT_CONTAINER, None, "Cumulative count of memory allocation failures."),
    (Of::Counters, "pgfault", "container_memory_failures_total", Type::Counter, 1.0, PGFAULT_HIERARCHY, None, ""),
    (Of::Counters, "pgmajfault", "container_memory_failures_total", Type::Counter, 1.0, PGMAJFAULT_CONTAINER, None, ""),
    (Of::Counters, "pgmajfault", "container_memory_failures_total", Type::Counter, 1.0, PGMAJFAULT_HIERARCHY, None, ""),
    (Of::Counters, "events_oom_kill", "container_oom_events_total", Type::Counter, 1.0, &[], None, "Count of out of memory events observed for the container."),
    (Of::Devices, "rbytes", "container_fs_reads_bytes_total", Type::Counter, 1.0, &[], None, "Cumulative count of bytes read."),
    (Of::Devices, "wbytes", "container_fs_writes_bytes_total", Type::Counter, 1.0, &[], None, "Cumulative count of bytes written."),
    (Of::Devices, "rios", "container_fs_reads_total", Type::Counter, 1.0, &[], None, "Cumulative count of reads completed."),
    (Of::Devices, "wios", "container_fs_writes_total", Type::Counter, 1.0, &[], None, "Cumulative count of writes completed."),
    (Of::Counters, "cpu_some_us", "container_pressure_cpu_waiting_seconds_total", Type::Counter, US, &[], None, "Total time duration tasks in the container have waited due to CPU congestion."),
    (Of::Counters, "cpu_full_us", "container_pressure_cpu_stalled_seconds_total", Type::Counter, US, &[], None, "Total time duration no tasks in the container could make progress due to CPU congestion."),
    (Of::Counters, "memory_some_us", "container_pressure_memory_waiting_seconds_total", Type::Counter, US, &[], None, "Total time duration tasks in the container have waited due to memory congestion."),
    (Of::Counters, "memory_full_us", "container_pressure_memory_stalled_seconds_total", Type::Counter, US, &[], None, "Total time duration no tasks in the container could make progress due to memory congestion."),
    (Of::Counters, "io_some_us", "container_pressure_io_waiting_seconds_total", Type::Counter, US, &[], None, "Total time duration tasks in the container have waited due to IO congestion."),
    (Of::Counters, "io_full_us", "container_pressure_io_stalled_seconds_total", Type::Counter, US, &[], None, "Total time duration no tasks in the container could make progress due to IO congestion."),
    (Of::Counters, "pids_current", "container_threads", Type::Gauge, 1.0, &[], None, "Number of threads running inside the container."),
    (Of::Limits, "cpu_quota_us", "container_spec_cpu_quota", Type::Gauge, 1.0, &[], None, "CPU quota of the container."),
    (Of::Limits, "cpu_period_us", "container_spec_cpu_period", Type::Gauge, 1.0, &[], None, "CPU period of the container."),
    (Of::Limits, "cpu_shares", "container_spec_cpu_shares", Type::Gauge, 1.0, &[], None, "CPU share of the container."),
    (Of::Limits, "memory_max", "container_spec_memory_limit_bytes", Type::Gauge, 1.0, &[], Some(0.0), "Memory limit for the container."),
    // cAdvisor: memory.min on v2 (v1's soft limit, which rsadc does not record).
    (Of::Limits, "memory_min", "container_spec_memory_reservation_limit_bytes", Type::Gauge, 1.0, &[], None, "Memory reservation limit for the container."),
    // cAdvisor: memory.swap.max on v2 (v1's memory+swap limit, which is not the same).
    (Of::Limits, "memory_swap_max", "container_spec_memory_swap_limit_bytes", Type::Gauge, 1.0, &[], None, "Memory swap limit for the container."),
    (Of::Limits, "pids_max", "container_threads_max", Type::Gauge, 1.0, &[], Some(0.0), "Maximum number of threads allowed inside the container, infinity if value is zero."),
];

/// A family served for each chosen cgroup, derived once from `CADVISOR` and the schema.
#[derive(Debug)]
struct Metric {
    of: Of,
    /// The field's position in its group's `FIELDS`.
    at: usize,
    name: Cow<'static, str>,
    kind: Type,
    factor: f64,
    labels: &'static [(&'static str, &'static str)],
    absent: Option<f64>,
    help: &'static str,
}

/// `rsar_cgroup_<field>` (`of`'s stem) for a field cAdvisor has no metric for:
/// microseconds as `_seconds`, bytes as `_bytes` (`rbytes` as it is), counters ending in
/// `_total`.
fn rsar_name(of: Of, f: &Field) -> (String, f64) {
    let (stem, unit, factor) = match (f.name.strip_suffix("_us"), f.unit) {
        (Some(stem), "us") => (stem, "_seconds", US),
        (_, "bytes") if !f.name.ends_with("bytes") => (f.name, "_bytes", 1.0),
        (_, "bytes/s") => (f.name, "_bytes_per_second", 1.0),
        (_, "requests/s") => (f.name, "_per_second", 1.0),
        _ => (f.name, "", 1.0),
    };
    let total = if f.kind == Kind::Counter {
        "_total"
    } else {
        ""
    };
    (format!("{}{stem}{unit}{total}", of.stem()), factor)
}

/// Every cgroup family, in the order served: cAdvisor's, then `rsar_cgroup_*` in the
/// schema's field order.
fn metrics() -> &'static [Metric] {
    static METRICS: OnceLock<Vec<Metric>> = OnceLock::new();
    METRICS.get_or_init(|| {
        let mut out: Vec<Metric> = Vec::new();
        for &(of, field, name, kind, factor, labels, absent, help) in CADVISOR {
            // A row naming no field of the schema is caught by the tests; served nothing.
            let Some(at) = of.fields().iter().position(|f| f.name == field) else {
                continue;
            };
            out.push(Metric {
                of,
                at,
                name: Cow::Borrowed(name),
                kind,
                factor,
                labels,
                absent,
                help,
            });
        }
        for of in Of::ALL {
            for (at, f) in of.fields().iter().enumerate() {
                if CADVISOR.iter().any(|r| r.0 == of && r.1 == f.name) {
                    continue;
                }
                let (name, factor) = rsar_name(of, f);
                out.push(Metric {
                    of,
                    at,
                    name: Cow::Owned(name),
                    kind: if f.kind == Kind::Counter {
                        Type::Counter
                    } else {
                        Type::Gauge
                    },
                    factor,
                    labels: &[],
                    absent: None,
                    help: help_of(f.doc),
                });
            }
        }
        out
    })
}

/// A series' cgroup, `device` label and raw value, handed on.
type SeriesOf<'a> = dyn FnMut(&Known, Option<&str>, Option<u64>) + 'a;

/// cAdvisor's `device` label: the device's node, `/dev/NAME`.
fn device_label(name: &str) -> String {
    format!("/dev/{name}")
}

fn regex_arg(s: &str) -> Result<regex::Regex, String> {
    regex::Regex::new(s).map_err(|e| e.to_string())
}

/// Which cgroups are served (`/metrics`, remote write, `rsar export`): those at most
/// `depth` levels below the root whose path (below the root, without the leading `/`:
/// `system.slice/nginx.service`) matches `include` and not `exclude`, and of them the
/// `top` that used the most CPU time since they were created (ties: by path). The default
/// reaches Kubernetes' containers (`kubepods.slice/kubepods-burstable.slice/
/// kubepods-burstable-pod<uid>.slice/cri-containerd-<id>.scope` is at depth 4) and keeps
/// a busy host to 200 cgroups, about 8,000 series.
#[derive(Debug, Clone, clap::Args)]
pub struct Bound {
    /// Serve cgroups down to this depth only (the root is 0, system.slice 1, a Kubernetes
    /// container 4)
    #[arg(long = "metrics-cgroups-depth", value_name = "N", default_value_t = 4)]
    pub depth: usize,

    /// Serve at most N cgroups: those that used the most CPU time (0: no cgroup series)
    #[arg(long = "metrics-cgroups-top", value_name = "N", default_value_t = 200)]
    pub top: usize,

    /// Serve only the cgroups whose path (below the root, e.g. system.slice/nginx.service)
    /// matches this regular expression
    #[arg(long = "metrics-cgroups-include", value_name = "REGEX", value_parser = regex_arg)]
    pub include: Option<regex::Regex>,

    /// Do not serve the cgroups whose path matches this regular expression
    #[arg(long = "metrics-cgroups-exclude", value_name = "REGEX", value_parser = regex_arg)]
    pub exclude: Option<regex::Regex>,
}

impl Default for Bound {
    fn default() -> Bound {
        Bound {
            depth: 4,
            top: 200,
            include: None,
            exclude: None,
        }
    }
}

impl Bound {
    /// Whether the cgroup at `path` may be served (before the top N are chosen).
    fn admits(&self, path: &str) -> bool {
        let depth = if path.is_empty() {
            0
        } else {
            path.matches('/').count() + 1
        };
        depth <= self.depth
            && self.include.as_ref().is_none_or(|r| r.is_match(path))
            && !self.exclude.as_ref().is_some_and(|r| r.is_match(path))
    }
}

/// What is kept of a cgroup between samples.
#[derive(Debug)]
struct Known {
    inode: u64,
    /// The `id` and `name` labels.
    id: String,
    name: String,
    admitted: bool,
    /// Its limits' values, as last logged (`None`: none seen yet).
    limits: Option<Vec<Option<u64>>>,
    /// Its I/O limits, per device with one: the `device` label and the values.
    device_limits: Vec<(String, Vec<Option<u64>>)>,
    /// The last sample it was in.
    seen: u64,
}

/// The cgroups' series from one sample to the next (see the module's documentation).
#[derive(Debug, Default)]
pub struct Served {
    bound: Bound,
    known: HashMap<String, Known>,
    generation: u64,
    /// The chosen cgroups' positions in the sample, and their counters' values, reused.
    chosen: Vec<usize>,
    values: Vec<Option<u64>>,
}

impl Served {
    pub fn new(bound: Bound) -> Served {
        Served {
            bound,
            ..Served::default()
        }
    }

    /// Take in a sample's cgroups and limits.
    fn update(&mut self, s: &Sample) {
        self.generation += 1;
        let generation = self.generation;
        for c in &s.cgroups {
            if let Some(k) = self.known(&c.path, c.inode) {
                k.seen = generation;
            }
        }
        self.learn(s);
        if self.known.len() > s.cgroups.len() {
            self.known.retain(|_, k| k.seen == generation);
        }
    }

    /// What is kept of the cgroup at `path`: a new entry for one not known, emptied of
    /// its limits for one created again under the same path (another inode).
    fn known(&mut self, path: &str, inode: u64) -> Option<&mut Known> {
        // Looked up before it is inserted: no path allocated for a known cgroup.
        if !self.known.contains_key(path) {
            let name = Workload::of(path).display().unwrap_or_default();
            self.known.insert(
                path.to_string(),
                Known {
                    inode,
                    id: format!("/{path}"),
                    name,
                    admitted: self.bound.admits(path),
                    limits: None,
                    device_limits: Vec::new(),
                    seen: 0,
                },
            );
        }
        let k = self.known.get_mut(path)?;
        if k.inode != inode {
            k.inode = inode;
            k.limits = None;
            k.device_limits.clear();
        }
        Some(k)
    }

    /// Take in the limits a sample logs, and nothing else: a sender resuming from a
    /// cursor in the middle of a day learns them from the samples before the cursor,
    /// which it does not send (the log holds limits only where they change).
    pub fn learn(&mut self, s: &Sample) {
        for l in &s.cgroup_limits {
            if let Some(k) = self.known(&l.path, l.inode) {
                k.limits = Some(l.values());
            }
        }
        for l in &s.cgroup_device_limits {
            let Some(k) = self.known(&l.path, l.inode) else {
                continue;
            };
            let device = device_label(&l.name);
            k.device_limits.retain(|(d, _)| *d != device);
            let values = l.values();
            // A device with none left is one whose limits were lifted.
            if values.iter().any(Option::is_some) {
                k.device_limits.push((device, values));
                k.device_limits.sort_unstable_by(|a, b| a.0.cmp(&b.0));
            }
        }
    }

    /// Hand the families of the sample's chosen cgroups (and of their devices) to `sink`,
    /// and the tree's counts.
    pub fn emit(&mut self, s: &Sample, sink: &mut impl Sink) {
        self.update(s);
        let Served {
            bound,
            known,
            chosen,
            values,
            ..
        } = self;
        chosen.clear();
        chosen.extend(
            s.cgroups
                .iter()
                .enumerate()
                .filter(|(_, c)| known.get(&c.path).is_some_and(|k| k.admitted))
                .map(|(i, _)| i),
        );
        if chosen.len() > bound.top {
            let usage = |i: usize| s.cgroups[i].usage_us.unwrap_or(0);
            let rank = |a: &usize, b: &usize| {
                usage(*b)
                    .cmp(&usage(*a))
                    .then_with(|| s.cgroups[*a].path.cmp(&s.cgroups[*b].path))
            };
            if bound.top > 0 {
                chosen.select_nth_unstable_by(bound.top - 1, rank);
            }
            chosen.truncate(bound.top);
            // Served in the sample's order (the tree's), whatever their rank.
            chosen.sort_unstable();
        }
        let width = CgroupCounters::FIELDS.len();
        values.clear();
        let mut rows: Vec<(&Known, Option<&[Option<u64>]>)> = Vec::with_capacity(chosen.len());
        for &i in chosen.iter() {
            let c = &s.cgroups[i];
            c.raw_values(&mut |v| values.push(v));
            if let Some(k) = known.get(&c.path) {
                rows.push((k, k.limits.as_deref()));
            }
        }
        // The chosen cgroups' devices: their labels, and their values.
        let served: HashMap<(&str, u64), &Known> = chosen
            .iter()
            .filter_map(|&i| {
                let c = &s.cgroups[i];
                Some(((c.path.as_str(), c.inode), known.get(&c.path)?))
            })
            .collect();
        let mut devices: Vec<(&Known, String, Vec<Option<u64>>)> = Vec::new();
        for d in &s.cgroup_devices {
            if let Some(k) = served.get(&(d.path.as_str(), d.inode)) {
                devices.push((k, device_label(&d.name), d.values()));
            }
        }
        // Each series of a family row: its cgroup, its device label, its raw value.
        let each = |m: &Metric, f: &mut SeriesOf<'_>| match m.of {
            Of::Counters => {
                for (r, (k, _)) in rows.iter().enumerate() {
                    f(k, None, values[r * width + m.at]);
                }
            }
            Of::Limits => {
                for (k, l) in &rows {
                    f(k, None, l.and_then(|l| l[m.at]));
                }
            }
            Of::Devices => {
                for (k, device, v) in &devices {
                    f(k, Some(device), v[m.at]);
                }
            }
            Of::DeviceLimits => {
                for (k, _) in &rows {
                    for (device, v) in &k.device_limits {
                        f(k, Some(device), v[m.at]);
                    }
                }
            }
        };
        let value = |m: &Metric, raw: Option<u64>| raw.map(|v| v as f64 * m.factor).or(m.absent);
        // A family's rows (its label sets) are together in `metrics()`.
        for family in metrics().chunk_by(|a, b| a.name == b.name) {
            let mut any = false;
            for m in family {
                each(m, &mut |_, _, raw| any |= value(m, raw).is_some());
            }
            if !any {
                continue;
            }
            let first = &family[0];
            sink.family(
                format_args!("{}", first.name),
                format_args!("{}", first.help),
                first.kind,
            );
            for m in family {
                each(m, &mut |k, device, raw| {
                    let Some(v) = value(m, raw) else { return };
                    let mut labels = [("", ""); 5];
                    labels[0] = ("id", k.id.as_str());
                    labels[1] = ("name", k.name.as_str());
                    let mut n = 2;
                    if let Some(d) = device {
                        labels[n] = ("device", d);
                        n += 1;
                    }
                    for l in m.labels.iter().take(labels.len() - n) {
                        labels[n] = *l;
                        n += 1;
                    }
                    sink.series(&labels[..n], v);
                });
            }
        }
        if let Some(t) = &s.cgroup_tree {
            for (name, help, v) in [
                (
                    "rsar_cgroup_descendants",
                    "Live cgroups below the root.",
                    t.nr_descendants,
                ),
                (
                    "rsar_cgroup_dying_descendants",
                    "Removed cgroups still held by the kernel.",
                    t.nr_dying_descendants,
                ),
            ] {
                super::single(
                    sink,
                    format_args!("{name}"),
                    format_args!("{help}"),
                    Type::Gauge,
                    v as f64,
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::Family;

    #[test]
    fn every_row_names_a_field_of_the_schema() {
        for (of, field, name, ..) in CADVISOR {
            assert!(
                of.fields().iter().any(|f| f.name == *field),
                "{name}: {field}"
            );
        }
        // Each family's rows are together, and every name is served once.
        let m = metrics();
        let mut names: Vec<&str> = m.iter().map(|m| m.name.as_ref()).collect();
        names.dedup();
        let mut sorted = names.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(names.len(), sorted.len());
        assert!(m
            .iter()
            .any(|m| m.name == "rsar_cgroup_workingset_refault_anon_total"));
        assert!(m.iter().any(|m| m.name == "rsar_cgroup_kernel_bytes"));
        assert!(m.iter().any(|m| m.name == "rsar_cgroup_memory_high_bytes"));
    }

    fn cgroup(path: &str, usage_us: u64) -> CgroupCounters {
        CgroupCounters {
            path: path.into(),
            inode: path.len() as u64,
            usage_us: Some(usage_us),
            ..CgroupCounters::default()
        }
    }

    fn served(bound: Bound, s: &Sample) -> Vec<Family> {
        let mut served = Served::new(bound);
        let mut out: Vec<Family> = Vec::new();
        served.emit(s, &mut out);
        out
    }

    fn ids(f: &[Family], name: &str) -> Vec<String> {
        f.iter()
            .find(|f| f.name == name)
            .map(|f| {
                f.series
                    .iter()
                    .map(|s| s.labels.iter().find(|l| l.0 == "id").unwrap().1.clone())
                    .collect()
            })
            .unwrap_or_default()
    }

    #[test]
    fn the_bound_takes_depth_patterns_and_the_top_by_cpu_in_tree_order() {
        let s = Sample {
            cgroups: vec![
                cgroup("", 9_000_000),
                cgroup("system.slice", 5_000_000),
                cgroup("system.slice/a.service", 1_000_000),
                cgroup("system.slice/b.service", 3_000_000),
                cgroup("user.slice/u/v/w/deep.scope", 8_000_000),
            ],
            ..Sample::default()
        };
        let all = served(Bound::default(), &s);
        assert_eq!(
            ids(&all, "container_cpu_usage_seconds_total"),
            [
                "/",
                "/system.slice",
                "/system.slice/a.service",
                "/system.slice/b.service"
            ]
        );
        let pattern = |p: &str| Some(regex::Regex::new(p).unwrap());
        for (bound, want) in [
            (
                Bound {
                    top: 2,
                    ..Bound::default()
                },
                &["/", "/system.slice"][..],
            ),
            (
                Bound {
                    depth: 9,
                    top: 2,
                    include: pattern(r"\.s(ervice|cope)$"),
                    exclude: pattern("^system.slice/a"),
                },
                &["/system.slice/b.service", "/user.slice/u/v/w/deep.scope"][..],
            ),
        ] {
            assert_eq!(
                ids(&served(bound, &s), "container_cpu_usage_seconds_total"),
                want
            );
        }
        let none = served(
            Bound {
                top: 0,
                ..Bound::default()
            },
            &s,
        );
        assert!(none.is_empty());
    }

    #[test]
    fn values_units_labels_and_limits_kept_until_they_change() {
        let mut s = Sample::default();
        let mut c = cgroup("system.slice/docker-0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef.scope", 2_500_000);
        c.nr_throttled = Some(7);
        c.memory_current = Some(4096);
        c.pgmajfault = Some(3);
        c.kernel = Some(100);
        s.cgroups = vec![c.clone()];
        s.cgroup_limits = vec![CgroupLimits {
            path: c.path.clone(),
            inode: c.inode,
            cpu_quota_us: Some(50_000),
            cpu_period_us: Some(100_000),
            memory_max: None,
            ..CgroupLimits::default()
        }];
        let mut served = Served::new(Bound::default());
        let mut first: Vec<Family> = Vec::new();
        served.emit(&s, &mut first);
        // The next sample logs no limits: they are served as last seen.
        s.cgroup_limits.clear();
        let mut f: Vec<Family> = Vec::new();
        served.emit(&s, &mut f);
        assert_eq!(first, f);
        let get = |name: &str| f.iter().find(|f| f.name == name).unwrap();
        let cpu = &get("container_cpu_usage_seconds_total").series[0];
        assert_eq!(cpu.value, 2.5);
        assert_eq!(
            cpu.labels,
            [
                (
                    "id",
                    "/system.slice/docker-0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef.scope".to_string()
                ),
                ("name", "docker 0123456789ab".to_string()),
                ("cpu", "total".to_string())
            ]
        );
        assert_eq!(
            get("container_cpu_cfs_throttled_periods_total").series[0].value,
            7.0
        );
        assert_eq!(
            get("container_memory_working_set_bytes").series[0].value,
            4096.0
        );
        assert_eq!(get("container_spec_cpu_quota").series[0].value, 50_000.0);
        // No memory limit: cAdvisor's 0.
        assert_eq!(
            get("container_spec_memory_limit_bytes").series[0].value,
            0.0
        );
        let faults = get("container_memory_failures_total");
        assert_eq!(faults.series.len(), 2);
        assert!(faults.series.iter().all(|s| s.value == 3.0));
        assert_eq!(get("rsar_cgroup_kernel_bytes").series[0].value, 100.0);
        assert_eq!(get("rsar_cgroup_kernel_bytes").unit, Some("bytes"));
        // Created again under the same path: the old limits are not its.
        s.cgroups[0].inode += 1;
        let mut again: Vec<Family> = Vec::new();
        served.emit(&s, &mut again);
        assert!(!again.iter().any(|f| f.name == "container_spec_cpu_quota"));
    }

    /// I/O per device under cAdvisor's names with its `device` label, the sums as
    /// `rsar_cgroup_*`; memory.min and memory.swap.max as cAdvisor's reservation and swap
    /// limits; io.max per device as `rsar_cgroup_io_max_*` until its limits are lifted.
    #[test]
    fn devices_and_io_limits_per_device() {
        let path = "system.slice/a.service";
        let mut c = cgroup(path, 1_000_000);
        (c.rbytes, c.wbytes) = (Some(4096 + 512), Some(8192));
        let dev = |name: &str, minor: u32, rbytes: u64| CgroupDeviceIo {
            path: path.into(),
            inode: c.inode,
            major: 8,
            minor,
            name: name.into(),
            rbytes: Some(rbytes),
            wbytes: Some(if minor == 0 { 8192 } else { 0 }),
            rios: Some(1),
            wios: Some(2),
            ..CgroupDeviceIo::default()
        };
        let limit = |rbps: Option<u64>| CgroupDeviceLimits {
            path: path.into(),
            inode: c.inode,
            major: 8,
            minor: 0,
            name: "sda".into(),
            rbps,
            ..CgroupDeviceLimits::default()
        };
        let mut s = Sample {
            cgroups: vec![c.clone()],
            cgroup_devices: vec![dev("sda", 0, 4096), dev("sdb", 16, 512)],
            cgroup_limits: vec![CgroupLimits {
                path: path.into(),
                inode: c.inode,
                memory_min: Some(1 << 20),
                memory_swap_max: Some(2 << 20),
                ..CgroupLimits::default()
            }],
            cgroup_device_limits: vec![limit(Some(1 << 20))],
            ..Sample::default()
        };
        let mut served = Served::new(Bound::default());
        let mut f: Vec<Family> = Vec::new();
        served.emit(&s, &mut f);
        let get = |f: &[Family], name: &str| f.iter().find(|f| f.name == name).cloned();
        let reads = get(&f, "container_fs_reads_bytes_total").unwrap();
        let by_device: Vec<(String, f64)> = reads
            .series
            .iter()
            .map(|s| (s.labels[2].1.clone(), s.value))
            .collect();
        assert_eq!(
            by_device,
            [("/dev/sda".to_string(), 4096.0), ("/dev/sdb".into(), 512.0)]
        );
        assert_eq!(reads.series[0].labels[2].0, "device");
        assert_eq!(reads.series[0].labels[0].1, "/system.slice/a.service");
        assert_eq!(
            get(&f, "container_fs_writes_total").unwrap().series.len(),
            2
        );
        assert_eq!(
            get(&f, "rsar_cgroup_rbytes_total").unwrap().series[0].value,
            4608.0
        );
        let one = |f: &[Family], name: &str| get(f, name).map(|f| f.series[0].value);
        assert_eq!(
            one(&f, "container_spec_memory_reservation_limit_bytes"),
            Some(1_048_576.0)
        );
        assert_eq!(
            one(&f, "container_spec_memory_swap_limit_bytes"),
            Some(2_097_152.0)
        );
        let io_max = get(&f, "rsar_cgroup_io_max_rbps_bytes_per_second").unwrap();
        assert_eq!(
            io_max.series[0].labels[2],
            ("device", "/dev/sda".to_string())
        );
        assert_eq!(io_max.series[0].value, 1_048_576.0);
        // Kept while nothing changes; gone once the device's limits are lifted.
        s.cgroup_limits.clear();
        s.cgroup_device_limits.clear();
        let mut again: Vec<Family> = Vec::new();
        served.emit(&s, &mut again);
        assert_eq!(again, f);
        s.cgroup_device_limits = vec![limit(None)];
        let mut lifted: Vec<Family> = Vec::new();
        served.emit(&s, &mut lifted);
        assert!(get(&lifted, "rsar_cgroup_io_max_rbps_bytes_per_second").is_none());
    }

    /// A sender resuming mid-day learns the limits from the samples before its cursor:
    /// the first sample it sends, which logs none, carries them.
    #[test]
    fn limits_learned_before_the_cursor_are_served() {
        let c = cgroup("system.slice/a.service", 1_000_000);
        let mut before = Sample {
            cgroups: vec![c.clone()],
            cgroup_limits: vec![CgroupLimits {
                path: c.path.clone(),
                inode: c.inode,
                cpu_quota_us: Some(20_000),
                ..CgroupLimits::default()
            }],
            ..Sample::default()
        };
        let after = Sample {
            cgroups: vec![c.clone()],
            ..Sample::default()
        };
        let quota = |served: &mut Served| {
            let mut f: Vec<Family> = Vec::new();
            served.emit(&after, &mut f);
            f.iter()
                .find(|f| f.name == "container_spec_cpu_quota")
                .map(|f| f.series[0].value)
        };
        assert_eq!(quota(&mut Served::new(Bound::default())), None);
        let mut resumed = Served::new(Bound::default());
        resumed.learn(&before);
        assert_eq!(quota(&mut resumed), Some(20_000.0));
        // Limits of a cgroup since created again (another inode) are not its.
        before.cgroup_limits[0].inode += 1;
        let mut stale = Served::new(Bound::default());
        stale.learn(&before);
        assert_eq!(quota(&mut stale), None);
    }
}
