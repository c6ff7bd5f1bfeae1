//! Samples as Prometheus metrics: node_exporter's names, types, labels and units for what
//! node_exporter also reports, so its alerts and dashboards work unchanged, cAdvisor's for
//! the cgroups (`cgroup`), and `rsar_*` for the rest. Names come from the schema: a
//! field's `key` (its name in the kernel's file) and kind decide its family, and the
//! families node_exporter or cAdvisor named otherwise are tables that tests check against
//! the schema.
//!
//! `emit` hands every family of a sample to a `Sink`, one family after another, each with
//! its series, without building them: the remote-write batch (`remote_write`) takes them
//! straight into its series, and `families` collects them as `Family` values for
//! `exposition` (Prometheus text 0.0.4 or OpenMetrics 1.0) and `backfill` (logged
//! history as one OpenMetrics document for Prometheus' backfill).

pub mod backfill;
pub mod cgroup;
pub mod exposition;
pub mod remote_write;

use std::borrow::Cow;
use std::fmt;

use crate::sample::{
    CpuTicks, DiskCounters, FsUsage, Group, HostFacts, KernelCounters, Memory, NetCounters, Paging,
    PressureLine, Sample, Snmp6Counters, SnmpCounters, SockStat, SockStat6, Swap,
};

/// A metric family's type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Type {
    Counter,
    Gauge,
    /// node_exporter's vmstat values are untyped (OpenMetrics: `unknown`).
    Untyped,
}

/// One labelled value.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    pub labels: Vec<(&'static str, String)>,
    pub value: f64,
}

/// A metric family: its name as text 0.0.4 writes it (counters end in `_total`), help,
/// type, the unit its name ends with, and its series.
#[derive(Debug, Clone, PartialEq)]
pub struct Family {
    pub name: String,
    /// Borrowed from the schema's documentation where it can be.
    pub help: Cow<'static, str>,
    pub kind: Type,
    pub unit: Option<&'static str>,
    pub series: Vec<Series>,
}

impl Family {
    fn new(name: impl Into<String>, help: impl Into<Cow<'static, str>>, kind: Type) -> Family {
        let name = name.into();
        let base = name.trim_end_matches("_total");
        let unit = ["seconds", "bytes", "ratio"]
            .into_iter()
            .find(|u| base.strip_suffix(u).is_some_and(|stem| stem.ends_with('_')));
        Family {
            name,
            help: help.into(),
            kind,
            unit,
            series: Vec::new(),
        }
    }

    fn push(&mut self, labels: Vec<(&'static str, String)>, value: f64) {
        self.series.push(Series { labels, value });
    }

    fn with(mut self, labels: Vec<(&'static str, String)>, value: f64) -> Family {
        self.push(labels, value);
        self
    }
}

/// Where `emit` hands the families of a sample: a family, then its series, then the next
/// family. Names and help come as `format_args!` so that a sink that keeps neither (the
/// remote-write batch, for a series it already has) costs no allocation.
pub trait Sink {
    /// A family starts; its series follow. Never empty: a family without series is not
    /// handed over.
    fn family(&mut self, name: fmt::Arguments<'_>, help: fmt::Arguments<'_>, kind: Type);
    /// A series of the family last started.
    fn series(&mut self, labels: &[(&'static str, &str)], value: f64);
}

/// Collecting families, for the text formats.
impl Sink for Vec<Family> {
    fn family(&mut self, name: fmt::Arguments<'_>, help: fmt::Arguments<'_>, kind: Type) {
        let name = name
            .as_str()
            .map_or_else(|| name.to_string(), str::to_string);
        let help = help
            .as_str()
            .map_or_else(|| Cow::Owned(help.to_string()), Cow::Borrowed);
        self.push(Family::new(name, help, kind));
    }

    fn series(&mut self, labels: &[(&'static str, &str)], value: f64) {
        if let Some(f) = self.last_mut() {
            f.push(
                labels.iter().map(|(k, v)| (*k, (*v).to_string())).collect(),
                value,
            );
        }
    }
}

/// A family of one unlabelled value.
fn single(
    sink: &mut impl Sink,
    name: fmt::Arguments<'_>,
    help: fmt::Arguments<'_>,
    kind: Type,
    v: f64,
) {
    sink.family(name, help, kind);
    sink.series(&[], v);
}

/// The first sentence of a field's documentation, as a HELP line.
fn help_of(doc: &'static str) -> &'static str {
    let doc = doc.trim();
    doc.split_once(". ")
        .map_or(doc, |(a, _)| a)
        .trim_end_matches('.')
}

/// Every family a sample gives, collected (for the text formats).
pub fn families(host: &HostFacts, s: &Sample, cgroups: &mut cgroup::Served) -> Vec<Family> {
    let mut out = Vec::new();
    emit(host, s, cgroups, &mut out);
    out
}

/// Every family a sample gives, in a fixed order (the same families for every sample of a
/// machine, so a series keeps its place from one scrape or record to the next), handed
/// to `sink`. `cgroups` keeps what the cgroups' series need from one sample to the next
/// (their limits, logged only when they change) and bounds which are served.
pub fn emit(host: &HostFacts, s: &Sample, cgroups: &mut cgroup::Served, sink: &mut impl Sink) {
    cpu(host, s, sink);
    kernel(&s.kernel, sink);
    if let Some(l) = &s.load {
        for (minutes, v) in [
            ("1", l.load1_x100),
            ("5", l.load5_x100),
            ("15", l.load15_x100),
        ] {
            single(
                sink,
                format_args!("node_load{minutes}"),
                format_args!("{minutes}m load average."),
                Type::Gauge,
                f64::from(v) / 100.0,
            );
        }
    }
    if let Some(m) = &s.memory {
        meminfo(Memory::FIELDS, &m.values(), sink);
    }
    if let Some(w) = &s.swap {
        meminfo(Swap::FIELDS, &w.values(), sink);
    }
    if let Some(p) = &s.paging {
        vmstat(Paging::FIELDS, &p.values(), sink);
    }
    if let Some(w) = &s.swap {
        vmstat(Swap::FIELDS, &w.values(), sink);
    }
    disks(&s.disks, sink);
    filesystems(&s.filesystems, sink);
    network(&s.net, sink);
    // node_exporter's netstat and sockstat collectors: `node_netstat_<Proto>_<Field>`
    // (untyped) and `node_sockstat_<PROTO>_<field>` (gauges), by the fields' keys.
    if let Some(t) = &s.snmp {
        keyed(
            "node_netstat_",
            SnmpCounters::FIELDS,
            &t.values(),
            Type::Untyped,
            sink,
        );
    }
    if let Some(t) = &s.snmp6 {
        keyed(
            "node_netstat_",
            Snmp6Counters::FIELDS,
            &t.values(),
            Type::Untyped,
            sink,
        );
    }
    if let Some(t) = &s.sockets {
        keyed(
            "node_sockstat_",
            SockStat::FIELDS,
            &t.values(),
            Type::Gauge,
            sink,
        );
    }
    if let Some(t) = &s.sockets6 {
        keyed(
            "node_sockstat_",
            SockStat6::FIELDS,
            &t.values(),
            Type::Gauge,
            sink,
        );
    }
    // node_exporter's fibrechannel collector: `node_fibrechannel_<file>_total{fc_host}`.
    item_counters(
        "node_fibrechannel_",
        "fc_host",
        &s.fc_hosts,
        |h| &h.name,
        sink,
    );
    pressure(s, sink);
    cgroups.emit(s, sink);
    sink.family(
        format_args!("node_uname_info"),
        format_args!("Labeled system information as provided by the uname system call."),
        Type::Gauge,
    );
    sink.series(
        &[
            ("machine", &host.machine),
            ("nodename", &host.hostname),
            ("release", &host.release),
            ("sysname", &host.sysname),
        ],
        1.0,
    );
    sink.family(
        format_args!("rsar_build_info"),
        format_args!("The rsar version that produced these metrics."),
        Type::Gauge,
    );
    sink.series(&[("version", env!("CARGO_PKG_VERSION"))], 1.0);
}

/// `node_cpu_seconds_total{cpu,mode}` from each CPU's ticks (the field names are
/// node_exporter's modes), and the guest time, which the kernel also counts in user and
/// nice, in `node_cpu_guest_seconds_total` as node_exporter does.
fn cpu(host: &HostFacts, s: &Sample, sink: &mut impl Sink) {
    let hz = f64::from(host.user_hz.max(1));
    let cpus: Vec<(String, Vec<Option<u64>>)> = s
        .cpu
        .online()
        .map(|(n, ticks)| (n.to_string(), ticks.values()))
        .collect();
    for guest in [false, true] {
        if guest {
            sink.family(
                format_args!("node_cpu_guest_seconds_total"),
                format_args!("Seconds the CPUs spent in guests (VMs) for each mode."),
                Type::Counter,
            );
        } else {
            sink.family(
                format_args!("node_cpu_seconds_total"),
                format_args!("Seconds the CPUs spent in each mode."),
                Type::Counter,
            );
        }
        for (n, vals) in &cpus {
            for (f, v) in CpuTicks::FIELDS.iter().zip(vals) {
                let mode = match (f.name, guest) {
                    ("guest", true) => "user",
                    ("guest_nice", true) => "nice",
                    ("guest" | "guest_nice", false) | (_, true) => continue,
                    (mode, false) => mode,
                };
                let seconds = v.unwrap_or(0) as f64 / hz;
                sink.series(&[("cpu", n), ("mode", mode)], seconds);
            }
        }
    }
}

/// /proc/stat's whole-system fields under node_exporter's names.
const KERNEL: &[(&str, &str, Type)] = &[
    ("ctxt", "node_context_switches_total", Type::Counter),
    ("processes", "node_forks_total", Type::Counter),
    ("intr", "node_intr_total", Type::Counter),
    ("procs_running", "node_procs_running", Type::Gauge),
    ("procs_blocked", "node_procs_blocked", Type::Gauge),
    ("btime", "node_boot_time_seconds", Type::Gauge),
];

fn kernel(k: &KernelCounters, sink: &mut impl Sink) {
    for (f, v) in KernelCounters::FIELDS.iter().zip(k.values()) {
        let (Some((_, name, kind)), Some(v)) = (KERNEL.iter().find(|(n, ..)| *n == f.name), v)
        else {
            continue;
        };
        let help = help_of(f.doc);
        single(
            sink,
            format_args!("{name}"),
            format_args!("{help}"),
            *kind,
            v as f64,
        );
    }
}

/// /proc/meminfo fields as node_exporter names them: `node_memory_<Key>_bytes` for kB
/// values, `node_memory_<Key>` for counts (huge pages).
fn meminfo(fields: &[crate::sample::Field], vals: &[Option<u64>], sink: &mut impl Sink) {
    for (f, v) in fields.iter().zip(vals) {
        let (Some(key), Some(v), "/proc/meminfo") = (f.key, v, f.source) else {
            continue;
        };
        let (suffix, factor) = if f.unit == "kB" {
            ("_bytes", 1024.0)
        } else {
            ("", 1.0)
        };
        single(
            sink,
            format_args!("node_memory_{key}{suffix}"),
            format_args!("Memory information field {key}."),
            Type::Gauge,
            *v as f64 * factor,
        );
    }
}

/// One family per field with a key: `<prefix><key>`, with the field's documentation as
/// help (node_exporter's netstat and sockstat names are the file's own names).
fn keyed(
    prefix: &str,
    fields: &[crate::sample::Field],
    vals: &[Option<u64>],
    kind: Type,
    sink: &mut impl Sink,
) {
    for (f, v) in fields.iter().zip(vals) {
        if let (Some(key), Some(v)) = (f.key, v) {
            let help = help_of(f.doc);
            single(
                sink,
                format_args!("{prefix}{key}"),
                format_args!("{help}"),
                kind,
                *v as f64,
            );
        }
    }
}

/// A group with items whose counters node_exporter names after their files: a family
/// `<prefix><key>_total` per counter field with a key, a series per item that has the
/// field, labelled `label`; a field no item has gives no family (as node_exporter leaves
/// out a counter the hardware does not implement).
fn item_counters<G: Group>(
    prefix: &str,
    label: &'static str,
    items: &[G],
    name: impl Fn(&G) -> &str,
    sink: &mut impl Sink,
) {
    let vals: Vec<Vec<Option<u64>>> = items.iter().map(Group::values).collect();
    for (i, f) in G::FIELDS.iter().enumerate() {
        let Some(key) = f.key.filter(|_| f.kind == crate::sample::Kind::Counter) else {
            continue;
        };
        if vals.iter().all(|v| v[i].is_none()) {
            continue;
        }
        let help = help_of(f.doc);
        sink.family(
            format_args!("{prefix}{key}_total"),
            format_args!("{help}"),
            Type::Counter,
        );
        for (item, v) in items.iter().zip(&vals) {
            if let Some(v) = v[i] {
                sink.series(&[(label, name(item))], v as f64);
            }
        }
    }
}

/// node_exporter's default /proc/vmstat selection: `^(oom_kill|pgpg|pswp|pg.*fault).*`.
fn node_vmstat_field(key: &str) -> bool {
    key.starts_with("oom_kill")
        || key.starts_with("pgpg")
        || key.starts_with("pswp")
        || (key.starts_with("pg") && key.contains("fault"))
}

/// /proc/vmstat counters: node_exporter's untyped `node_vmstat_<key>` for its default
/// selection, `rsar_vmstat_<field>_total` counters for the rest (sums over zones and kinds
/// among them).
fn vmstat(fields: &[crate::sample::Field], vals: &[Option<u64>], sink: &mut impl Sink) {
    for (f, v) in fields.iter().zip(vals) {
        let (Some(v), "/proc/vmstat") = (v, f.source) else {
            continue;
        };
        let v = *v as f64;
        match f.key.filter(|k| node_vmstat_field(k)) {
            Some(key) => single(
                sink,
                format_args!("node_vmstat_{key}"),
                format_args!("/proc/vmstat information field {key}."),
                Type::Untyped,
                v,
            ),
            None => {
                let help = help_of(f.doc);
                single(
                    sink,
                    format_args!("rsar_vmstat_{}_total", f.name),
                    format_args!("{help}"),
                    Type::Counter,
                    v,
                );
            }
        }
    }
}
/// /proc/diskstats fields under node_exporter's names, with the factor from the kernel's
/// unit to the name's (sectors of 512 bytes, milliseconds).
const DISK: &[(&str, &str, f64)] = &[
    ("reads", "node_disk_reads_completed_total", 1.0),
    ("reads_merged", "node_disk_reads_merged_total", 1.0),
    ("read_sectors", "node_disk_read_bytes_total", 512.0),
    ("read_ms", "node_disk_read_time_seconds_total", 0.001),
    ("writes", "node_disk_writes_completed_total", 1.0),
    ("writes_merged", "node_disk_writes_merged_total", 1.0),
    ("write_sectors", "node_disk_written_bytes_total", 512.0),
    ("write_ms", "node_disk_write_time_seconds_total", 0.001),
    ("in_flight", "node_disk_io_now", 1.0),
    ("io_ticks_ms", "node_disk_io_time_seconds_total", 0.001),
    (
        "weighted_ms",
        "node_disk_io_time_weighted_seconds_total",
        0.001,
    ),
    ("discards", "node_disk_discards_completed_total", 1.0),
    ("discards_merged", "node_disk_discards_merged_total", 1.0),
    ("discard_sectors", "node_disk_discarded_sectors_total", 1.0),
    ("discard_ms", "node_disk_discard_time_seconds_total", 0.001),
    ("flushes", "node_disk_flush_requests_total", 1.0),
    (
        "flush_ms",
        "node_disk_flush_requests_time_seconds_total",
        0.001,
    ),
];

/// node_exporter's default device filter drops partitions and pseudo devices:
/// `^(z?ram|loop|fd|(h|s|v|xv)d[a-z]|nvme\d+n\d+p)\d+$`.
pub fn node_skips_disk(name: &str) -> bool {
    let stem = name.trim_end_matches(|c: char| c.is_ascii_digit());
    if stem.len() == name.len() {
        return false;
    }
    let b = stem.as_bytes();
    let sd = |prefix: &str| {
        stem.len() == prefix.len() + 2
            && stem.starts_with(prefix)
            && b[prefix.len()] == b'd'
            && b[prefix.len() + 1].is_ascii_lowercase()
    };
    let nvme_partition = || {
        // nvme<digits>n<digits>p
        let Some(rest) = stem.strip_prefix("nvme").and_then(|r| r.strip_suffix('p')) else {
            return false;
        };
        let Some((a, b)) = rest.split_once('n') else {
            return false;
        };
        let digits = |s: &str| !s.is_empty() && s.bytes().all(|c| c.is_ascii_digit());
        digits(a) && digits(b)
    };
    matches!(stem, "ram" | "zram" | "loop" | "fd")
        || ["h", "s", "v", "xv"].iter().any(|p| sd(p))
        || nvme_partition()
}

fn disks(disks: &[DiskCounters], sink: &mut impl Sink) {
    // A sysstat file's `-b` totals are not a device.
    let shown: Vec<(&str, Vec<Option<u64>>)> = disks
        .iter()
        .filter(|d| !node_skips_disk(&d.name))
        .map(|d| (d.name.as_str(), d.values()))
        .collect();
    for (i, f) in DiskCounters::FIELDS.iter().enumerate() {
        let Some((_, name, factor)) = DISK.iter().find(|(n, ..)| *n == f.name) else {
            continue;
        };
        // A field no disk has (discards on an old kernel) gives no family.
        if shown.iter().all(|(_, vals)| vals[i].is_none()) {
            continue;
        }
        let kind = if f.kind == crate::sample::Kind::Counter {
            Type::Counter
        } else {
            Type::Gauge
        };
        let help = help_of(f.doc);
        sink.family(format_args!("{name}"), format_args!("{help}"), kind);
        for (device, vals) in &shown {
            if let Some(v) = vals[i] {
                sink.series(&[("device", device)], v as f64 * factor);
            }
        }
    }
}

/// `-F`'s filesystems under node_exporter's filesystem collector's names and labels
/// (`device`, `fstype`, `mountpoint`; a log from before the `fstypes` group has no
/// `fstype`).
const FILESYSTEM: &[(&str, &str)] = &[
    ("size_bytes", "node_filesystem_size_bytes"),
    ("free_bytes", "node_filesystem_free_bytes"),
    ("avail_bytes", "node_filesystem_avail_bytes"),
    ("inodes", "node_filesystem_files"),
    ("inodes_free", "node_filesystem_files_free"),
    ("readonly", "node_filesystem_readonly"),
];

fn filesystems(fs: &[FsUsage], sink: &mut impl Sink) {
    let vals: Vec<Vec<Option<u64>>> = fs.iter().map(Group::values).collect();
    for (i, f) in FsUsage::FIELDS.iter().enumerate() {
        let Some((_, name)) = FILESYSTEM.iter().find(|(n, _)| *n == f.name) else {
            continue;
        };
        if vals.iter().all(|v| v[i].is_none()) {
            continue;
        }
        let help = help_of(f.doc);
        sink.family(format_args!("{name}"), format_args!("{help}"), Type::Gauge);
        for (m, v) in fs.iter().zip(&vals) {
            let Some(v) = v[i] else { continue };
            let (device, mountpoint) = (
                ("device", m.name.as_str()),
                ("mountpoint", m.mountpoint.as_str()),
            );
            if m.fstype.is_empty() {
                sink.series(&[device, mountpoint], v as f64);
            } else {
                sink.series(&[device, ("fstype", &m.fstype), mountpoint], v as f64);
            }
        }
    }
}

/// /proc/net/dev: `rx_X` is node_exporter's `node_network_receive_X_total`, `tx_X` its
/// `node_network_transmit_X_total`; the link speed is `node_network_speed_bytes`.
fn network(nets: &[NetCounters], sink: &mut impl Sink) {
    let vals: Vec<Vec<Option<u64>>> = nets.iter().map(Group::values).collect();
    for (i, f) in NetCounters::FIELDS.iter().enumerate() {
        if vals.iter().all(|v| v[i].is_none()) {
            continue;
        }
        let help = format_args!("Network device statistic {}.", f.name);
        match f.name.split_once('_') {
            Some(("rx", rest)) => sink.family(
                format_args!("node_network_receive_{rest}_total"),
                help,
                Type::Counter,
            ),
            Some(("tx", rest)) => sink.family(
                format_args!("node_network_transmit_{rest}_total"),
                help,
                Type::Counter,
            ),
            _ => sink.family(
                format_args!("rsar_network_{}_total", f.name),
                help,
                Type::Counter,
            ),
        }
        for (n, v) in nets.iter().zip(&vals) {
            if let Some(v) = v[i] {
                sink.series(&[("device", &n.name)], v as f64);
            }
        }
    }
    if nets.iter().any(|n| n.speed_mbps.is_some()) {
        sink.family(
            format_args!("node_network_speed_bytes"),
            format_args!("Network device link speed in bytes per second."),
            Type::Gauge,
        );
        for n in nets {
            if let Some(mbps) = n.speed_mbps {
                sink.series(&[("device", &n.name)], f64::from(mbps) * 125_000.0);
            }
        }
    }
}

/// Pressure stall totals as node_exporter's `node_pressure_*_seconds_total` (`waiting`
/// for `some`, `stalled` for `full`); the kernel's averages, which node_exporter lacks,
/// as `rsar_pressure_ratio{resource,kind,window}`.
fn pressure(s: &Sample, sink: &mut impl Sink) {
    let p = &s.pressure;
    let mut lines = Vec::new();
    for (resource, file) in [("cpu", &p.cpu), ("io", &p.io), ("memory", &p.memory)] {
        let Some(file) = file else { continue };
        for (kind, line, verb) in [
            ("some", Some(&file.some), "waiting"),
            ("full", file.full.as_ref(), "stalled"),
        ] {
            let Some(line) = line else { continue };
            single(
                sink,
                format_args!("node_pressure_{resource}_{verb}_seconds_total"),
                format_args!("Total time in seconds that {kind} tasks stalled on {resource}."),
                Type::Counter,
                line.total_us as f64 / 1e6,
            );
            lines.push((resource, kind, line));
        }
    }
    if lines.is_empty() {
        return;
    }
    sink.family(
        format_args!("rsar_pressure_ratio"),
        format_args!(
            "Share of time some (or all) tasks stalled, averaged by the kernel over a window."
        ),
        Type::Gauge,
    );
    for (resource, kind, line) in lines {
        for (window, v) in window_averages(line) {
            sink.series(
                &[("resource", resource), ("kind", kind), ("window", window)],
                f64::from(v) / 10_000.0,
            );
        }
    }
}

fn window_averages(l: &PressureLine) -> [(&'static str, u32); 3] {
    [
        ("10s", l.avg10_x100),
        ("60s", l.avg60_x100),
        ("300s", l.avg300_x100),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn node_exporters_disk_filter() {
        for skipped in [
            "sda1",
            "vda15",
            "xvdb2",
            "nvme0n1p3",
            "loop7",
            "ram0",
            "zram0",
            "fd0",
        ] {
            assert!(node_skips_disk(skipped), "{skipped}");
        }
        for kept in [
            "sda", "vda", "nvme0n1", "dm-0", "md127", "sr0", "mmcblk0", "hdab1",
        ] {
            assert!(!node_skips_disk(kept), "{kept}");
        }
    }

    #[test]
    fn every_mapped_field_is_in_the_schema_and_every_disk_field_is_mapped() {
        for (name, ..) in DISK {
            assert!(
                DiskCounters::FIELDS.iter().any(|f| f.name == *name),
                "{name}"
            );
        }
        for f in DiskCounters::FIELDS {
            assert!(
                DISK.iter().any(|(n, ..)| *n == f.name),
                "{} unexported",
                f.name
            );
        }
        for (name, ..) in KERNEL {
            assert!(
                KernelCounters::FIELDS.iter().any(|f| f.name == *name),
                "{name}"
            );
        }
    }

    #[test]
    fn filesystems_under_node_exporters_names() {
        let mut s = Sample::default();
        s.filesystems.push(FsUsage {
            name: "/dev/vda".into(),
            mountpoint: "/".into(),
            fstype: "ext4".into(),
            size_bytes: 1000,
            free_bytes: 400,
            avail_bytes: 300,
            inodes: 50,
            inodes_free: 20,
            readonly: Some(0),
        });
        let f = families(&HostFacts::default(), &s, &mut cgroup::Served::default());
        let get = |name: &str| {
            f.iter()
                .find(|f| f.name == name)
                .map(|f| f.series[0].clone())
        };
        let size = get("node_filesystem_size_bytes").unwrap();
        assert_eq!(size.value, 1000.0);
        assert_eq!(
            size.labels,
            [
                ("device", "/dev/vda".to_string()),
                ("fstype", "ext4".to_string()),
                ("mountpoint", "/".to_string())
            ]
        );
        assert_eq!(get("node_filesystem_avail_bytes").unwrap().value, 300.0);
        assert_eq!(get("node_filesystem_files_free").unwrap().value, 20.0);
        assert_eq!(get("node_filesystem_readonly").unwrap().value, 0.0);
        for f in FsUsage::FIELDS {
            assert!(
                FILESYSTEM.iter().any(|(n, _)| *n == f.name),
                "{} unexported",
                f.name
            );
        }
    }

    #[test]
    fn units_are_name_suffixes() {
        assert_eq!(
            Family::new("node_cpu_seconds_total", "", Type::Counter).unit,
            Some("seconds")
        );
        assert_eq!(
            Family::new("node_memory_MemTotal_bytes", "", Type::Gauge).unit,
            Some("bytes")
        );
        assert_eq!(Family::new("node_load1", "", Type::Gauge).unit, None);
        assert_eq!(
            Family::new("node_memory_HugePages_Total", "", Type::Gauge).unit,
            None
        );
    }
}
