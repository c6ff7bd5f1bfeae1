//! Samples as Prometheus remote-write 1.0 requests: a `WriteRequest` protobuf, compressed
//! with snappy's block format, with the same series names and labels as `/metrics` (the
//! families of `super::families`) plus the labels every request carries (`job`,
//! `instance`, `--remote-write-label`). The messages are declared here by hand with prost's
//! derive (four of them; no protoc at build time): field numbers and types are those of
//! Prometheus' `prompb/types.proto` and `remote.proto`.
//!
//! A `Batch` collects whole samples, time-major as they come from the log, into series
//! that keep their labels from one batch to the next (only the points are cleared), so a
//! steady sender allocates a series' labels once. Within a series the points are in the
//! order the samples were added: the log's order, which is time order.

use super::cgroup::{Bound, Served};
use super::{backfill::write_series_key, emit, Family, Sink, Type};
use crate::sample::{HostFacts, Sample};
use prost::Message;
use std::collections::HashMap;
use std::fmt::{self, Write};

/// The headers remote-write 1.0 asks of every request.
pub const HEADERS: [(&str, &str); 3] = [
    ("Content-Encoding", "snappy"),
    ("Content-Type", "application/x-protobuf"),
    ("X-Prometheus-Remote-Write-Version", "0.1.0"),
];

/// `prometheus.WriteRequest` (its field 3, metadata, is optional and not sent).
#[derive(Clone, PartialEq, Message)]
pub struct WriteRequest {
    #[prost(message, repeated, tag = "1")]
    pub timeseries: Vec<TimeSeries>,
}

/// `prometheus.TimeSeries`: labels sorted by name, `__name__` among them.
#[derive(Clone, PartialEq, Message)]
pub struct TimeSeries {
    #[prost(message, repeated, tag = "1")]
    pub labels: Vec<Label>,
    #[prost(message, repeated, tag = "2")]
    pub samples: Vec<Point>,
}

/// `prometheus.Label`.
#[derive(Clone, PartialEq, Message)]
pub struct Label {
    #[prost(string, tag = "1")]
    pub name: String,
    #[prost(string, tag = "2")]
    pub value: String,
}

/// `prometheus.Sample`: a value at a time in milliseconds since the epoch.
#[derive(Clone, PartialEq, Message)]
pub struct Point {
    #[prost(double, tag = "1")]
    pub value: f64,
    #[prost(int64, tag = "2")]
    pub timestamp: i64,
}

/// Whole samples gathered into series, ready to be encoded as one request.
#[derive(Debug, Default)]
pub struct Batch {
    cgroups: Served,
    into: Points,
}

/// The series of a batch: `Sink` of the families of each sample added.
#[derive(Debug, Default)]
struct Points {
    /// Added to every series, replacing a series' own label of the same name.
    labels: Vec<(String, String)>,
    series: Vec<TimeSeries>,
    by_key: HashMap<String, usize>,
    /// A series' key, built here without allocating.
    key: String,
    /// Each series' family name and own labels, by index.
    sources: Vec<(String, Vec<(&'static str, String)>)>,
    /// The series index of each value of the last sample, in order.
    order: Vec<usize>,
    /// The family being handed over, and the value's place in the sample.
    family: String,
    k: usize,
    ms: i64,
    samples: u64,
    points: u64,
    first_ns: Option<i64>,
    last_ns: Option<i64>,
}

impl Sink for Points {
    fn family(&mut self, name: fmt::Arguments<'_>, _: fmt::Arguments<'_>, _: Type) {
        self.family.clear();
        // Writing to a String cannot fail.
        let _ = self.family.write_fmt(name);
    }

    /// A machine's families come in the same order at every sample: the k-th value goes
    /// to the series the k-th went to last time, checked by its name and labels (without
    /// allocating), and is looked up by key only when that check fails.
    fn series(&mut self, labels: &[(&'static str, &str)], value: f64) {
        let k = self.k;
        let known = self.order.get(k).copied().filter(|&i| {
            let (name, own) = &self.sources[i];
            *name == self.family
                && own.len() == labels.len()
                && own
                    .iter()
                    .zip(labels)
                    .all(|(a, b)| a.0 == b.0 && a.1 == b.1)
        });
        let i = match known {
            Some(i) => i,
            None => {
                let i = self.index_of(labels);
                match self.order.get_mut(k) {
                    Some(slot) => *slot = i,
                    None => self.order.push(i),
                }
                i
            }
        };
        self.series[i].samples.push(Point {
            value,
            timestamp: self.ms,
        });
        self.points += 1;
        self.k += 1;
    }
}

impl Points {
    /// The index of a series of the current family, created if it is new.
    fn index_of(&mut self, own: &[(&'static str, &str)]) -> usize {
        let name = self.family.as_str();
        write_series_key(&mut self.key, name, own);
        if let Some(&i) = self.by_key.get(self.key.as_str()) {
            return i;
        }
        let mut labels: Vec<Label> = Vec::with_capacity(own.len() + 3);
        labels.push(Label {
            name: "__name__".into(),
            value: name.to_string(),
        });
        for (k, v) in own {
            if !self.labels.iter().any(|(n, _)| n == k) {
                labels.push(Label {
                    name: (*k).to_string(),
                    value: (*v).to_string(),
                });
            }
        }
        for (k, v) in &self.labels {
            labels.push(Label {
                name: k.clone(),
                value: v.clone(),
            });
        }
        labels.sort_by(|a, b| a.name.cmp(&b.name));
        self.by_key.insert(self.key.clone(), self.series.len());
        self.sources.push((
            name.to_string(),
            own.iter().map(|(k, v)| (*k, (*v).to_string())).collect(),
        ));
        self.series.push(TimeSeries {
            labels,
            samples: Vec::new(),
        });
        self.series.len() - 1
    }
}

impl Batch {
    /// `labels` are added to every series; `bound` chooses the cgroups sent.
    pub fn new(labels: Vec<(String, String)>, bound: Bound) -> Batch {
        Batch {
            cgroups: Served::new(bound),
            into: Points {
                labels,
                ..Points::default()
            },
        }
    }

    /// Add one sample's values (the families `/metrics` would serve for it).
    pub fn add(&mut self, host: &HostFacts, s: &Sample) {
        let p = &mut self.into;
        p.ms = s.time.wall_ns.div_euclid(1_000_000);
        p.k = 0;
        p.samples += 1;
        p.first_ns.get_or_insert(s.time.wall_ns);
        p.last_ns = Some(s.time.wall_ns);
        emit(host, s, &mut self.cgroups, p);
    }

    /// Learn the limits a sample before the cursor logs, without sending it
    /// (`Served::learn`).
    pub fn learn(&mut self, s: &Sample) {
        self.cgroups.learn(s);
    }

    /// Samples (records of the log) added since the last `clear`.
    pub fn samples(&self) -> u64 {
        self.into.samples
    }

    /// Values (one per series per sample) added since the last `clear`.
    pub fn points(&self) -> u64 {
        self.into.points
    }

    /// The times (ns) of the first and the last sample added.
    pub fn span(&self) -> Option<(i64, i64)> {
        Some((self.into.first_ns?, self.into.last_ns?))
    }

    /// Forget the points, keep the series (their labels are reused by the next batch).
    pub fn clear(&mut self) {
        for s in &mut self.into.series {
            s.samples.clear();
        }
        self.into.samples = 0;
        self.into.points = 0;
        self.into.first_ns = None;
        self.into.last_ns = None;
    }

    /// The request body: the protobuf of the series that have points, snappy-compressed.
    pub fn encode(&self) -> Vec<u8> {
        let mut raw = Vec::new();
        for s in self.into.series.iter().filter(|s| !s.samples.is_empty()) {
            // A repeated message field is each message under its tag, one after another:
            // the bytes `WriteRequest { timeseries }` encodes to, without moving the series.
            prost::encoding::message::encode(1, s, &mut raw);
        }
        // Compressing bytes in memory cannot fail but for a buffer over snappy's 4 GiB
        // limit, which a batch never reaches; an empty body then says so to the receiver.
        snap::raw::Encoder::new()
            .compress_vec(&raw)
            .unwrap_or_default()
    }
}

/// How far a sender has got, for `/metrics`.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Progress {
    /// Values the receiver acknowledged.
    pub sent: u64,
    /// Requests that failed (network, 5xx, 429) and were tried again.
    pub failed_requests: u64,
    /// Values the receiver refused (a 4xx): dropped, never sent again.
    pub dropped: u64,
    /// Log records (one time, every series) recorded but not acknowledged yet.
    pub pending_records: u64,
    /// How far the newest acknowledged sample is behind now, in seconds.
    pub lag_seconds: f64,
}

/// The sender's own series, `rsar_remote_write_*`, served beside the machine's.
pub fn progress_families(p: &Progress) -> Vec<Family> {
    vec![
        Family::new(
            "rsar_remote_write_samples_total",
            "Values (one series at one time) the remote-write receiver acknowledged.",
            Type::Counter,
        )
        .with(Vec::new(), p.sent as f64),
        Family::new(
            "rsar_remote_write_failed_requests_total",
            "Remote-write requests that failed (network, 5xx, 429) and are tried again.",
            Type::Counter,
        )
        .with(Vec::new(), p.failed_requests as f64),
        Family::new(
            "rsar_remote_write_dropped_samples_total",
            "Values the remote-write receiver refused with a 4xx: dropped, not sent again.",
            Type::Counter,
        )
        .with(Vec::new(), p.dropped as f64),
        Family::new(
            "rsar_remote_write_pending_records",
            "Samples in the log (one time, every series) not acknowledged yet.",
            Type::Gauge,
        )
        .with(Vec::new(), p.pending_records as f64),
        Family::new(
            "rsar_remote_write_lag_seconds",
            "Age of the newest sample the remote-write receiver acknowledged.",
            Type::Gauge,
        )
        .with(Vec::new(), p.lag_seconds),
    ]
}

/// A request body back into its series: for receivers in tests and for checking.
pub fn decode(body: &[u8]) -> Result<WriteRequest, String> {
    let raw = snap::raw::Decoder::new()
        .decompress_vec(body)
        .map_err(|e| format!("not snappy's block format: {e}"))?;
    WriteRequest::decode(raw.as_slice()).map_err(|e| format!("not a WriteRequest: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample_at(ns: i64, load: u32) -> Sample {
        let mut s = Sample::default();
        s.time.wall_ns = ns;
        s.load = Some(crate::sample::LoadAvg {
            load1_x100: load,
            ..Default::default()
        });
        s
    }

    #[test]
    fn a_batch_round_trips_with_sorted_labels_and_points_in_time_order() {
        let host = HostFacts {
            hostname: "h1".into(),
            ..HostFacts::default()
        };
        let labels = vec![
            ("job".to_string(), "rsadc".to_string()),
            ("instance".to_string(), "h1".to_string()),
            ("dc".to_string(), "east".to_string()),
        ];
        let mut b = Batch::new(labels, Bound::default());
        b.add(&host, &sample_at(1_700_000_000_000_000_000, 150));
        b.add(&host, &sample_at(1_700_000_001_000_000_000, 250));
        assert_eq!(b.samples(), 2);
        let req = decode(&b.encode()).unwrap();
        let load1 = req
            .timeseries
            .iter()
            .find(|t| t.labels.iter().any(|l| l.value == "node_load1"))
            .expect("node_load1 is sent");
        let names: Vec<&str> = load1.labels.iter().map(|l| l.name.as_str()).collect();
        assert_eq!(names, ["__name__", "dc", "instance", "job"]);
        assert_eq!(
            load1.samples,
            [
                Point {
                    value: 1.5,
                    timestamp: 1_700_000_000_000
                },
                Point {
                    value: 2.5,
                    timestamp: 1_700_000_001_000
                }
            ]
        );
        // Every series of the request has points; cleared, the next batch sends only its own.
        b.clear();
        b.add(&host, &sample_at(1_700_000_002_000_000_000, 50));
        let req = decode(&b.encode()).unwrap();
        assert!(req.timeseries.iter().all(|t| t.samples.len() == 1));
        assert_eq!(
            b.span(),
            Some((1_700_000_002_000_000_000, 1_700_000_002_000_000_000))
        );
    }

    #[test]
    fn cgroups_are_pushed_under_cadvisors_names_within_the_bound() {
        let cgroup = |path: &str, usage_us| crate::sample::CgroupCounters {
            path: path.into(),
            usage_us: Some(usage_us),
            ..Default::default()
        };
        let mut s = sample_at(1_700_000_000_000_000_000, 100);
        s.cgroups = vec![
            cgroup("", 9_000_000),
            cgroup("system.slice/a.service", 1_500_000),
        ];
        let mut b = Batch::new(
            vec![("job".to_string(), "rsadc".to_string())],
            Bound {
                include: Some(regex::Regex::new("service").unwrap()),
                ..Bound::default()
            },
        );
        b.add(&HostFacts::default(), &s);
        let req = decode(&b.encode()).unwrap();
        let cpu: Vec<&TimeSeries> = req
            .timeseries
            .iter()
            .filter(|t| t.labels[0].value == "container_cpu_usage_seconds_total")
            .collect();
        assert_eq!(cpu.len(), 1);
        let labels: Vec<(&str, &str)> = cpu[0]
            .labels
            .iter()
            .map(|l| (l.name.as_str(), l.value.as_str()))
            .collect();
        assert_eq!(
            labels,
            [
                ("__name__", "container_cpu_usage_seconds_total"),
                ("cpu", "total"),
                ("id", "/system.slice/a.service"),
                ("job", "rsadc"),
                ("name", "a.service"),
            ]
        );
        assert_eq!(cpu[0].samples[0].value, 1.5);
    }
}
