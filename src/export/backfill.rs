//! `rsar export`: logged samples as one OpenMetrics document for `promtool tsdb
//! create-blocks-from openmetrics` — each series whole and in time order, series after
//! series (series-major), timestamps in seconds, `# EOF` at the end.
//!
//! Samples arrive time-major, so values are spooled per series into an unnamed temporary
//! file in chunks of `CHUNK` values linked series by series; memory holds one partial
//! chunk per series (a machine's worth), never the window, however long it is.

use super::cgroup::{Bound, Served};
use super::exposition::{self, Format};
use super::{families, Family};
use crate::sample::{HostFacts, Sample};
use std::collections::HashMap;
use std::fs::File;
use std::io::{self, BufWriter, Read, Seek, SeekFrom, Write};
use std::os::unix::fs::FileExt;

/// Values per spooled chunk: 256 × 16 bytes.
const CHUNK: usize = 256;
/// A chunk on disk: value count (u32), offset of the series' next chunk (u64, 0: none),
/// then (timestamp ms: i64, value: f64) pairs.
const CHUNK_HEAD: u64 = 12;

struct SeriesSpool {
    labels: Vec<(&'static str, String)>,
    /// Values not yet written.
    pending: Points,
    /// Offsets of the first and the last chunk written.
    first: Option<u64>,
    last: Option<u64>,
}

struct FamilySpool {
    meta: Family,
    series: Vec<usize>,
}

/// Collects samples, then writes them series-major.
pub struct Backfill {
    labels: Vec<(String, String)>,
    file: BufWriter<File>,
    end: u64,
    families: Vec<FamilySpool>,
    by_name: HashMap<String, usize>,
    series: Vec<SeriesSpool>,
    by_key: HashMap<String, usize>,
    cgroups: Served,
    samples: u64,
}

impl Backfill {
    /// `labels` are added to every series (replacing a series' own label of the same name);
    /// `bound` chooses the cgroups exported.
    pub fn new(labels: Vec<(String, String)>, bound: Bound) -> io::Result<Backfill> {
        Ok(Backfill {
            labels,
            file: BufWriter::with_capacity(1 << 16, tempfile::tempfile()?),
            end: 0,
            families: Vec::new(),
            by_name: HashMap::new(),
            series: Vec::new(),
            by_key: HashMap::new(),
            cgroups: Served::new(bound),
            samples: 0,
        })
    }

    /// The samples taken so far.
    pub fn samples(&self) -> u64 {
        self.samples
    }

    /// Add one sample's values.
    pub fn sample(&mut self, host: &HostFacts, s: &Sample) -> io::Result<()> {
        let ms = s.time.wall_ns.div_euclid(1_000_000);
        self.samples += 1;
        for family in families(host, s, &mut self.cgroups) {
            let f = match self.by_name.get(&family.name) {
                Some(&f) => f,
                None => {
                    self.by_name
                        .insert(family.name.clone(), self.families.len());
                    self.families.push(FamilySpool {
                        meta: Family {
                            series: Vec::new(),
                            ..family.clone()
                        },
                        series: Vec::new(),
                    });
                    self.families.len() - 1
                }
            };
            for series in family.series {
                let key = series_key(&family.name, &series.labels);
                let i = match self.by_key.get(&key) {
                    Some(&i) => i,
                    None => {
                        self.by_key.insert(key, self.series.len());
                        self.families[f].series.push(self.series.len());
                        self.series.push(SeriesSpool {
                            labels: series.labels,
                            pending: Vec::with_capacity(CHUNK),
                            first: None,
                            last: None,
                        });
                        self.series.len() - 1
                    }
                };
                self.series[i].pending.push((ms, series.value));
                if self.series[i].pending.len() == CHUNK {
                    self.flush_series(i)?;
                }
            }
        }
        Ok(())
    }

    /// Write a series' pending values as a chunk and link it after its last one.
    fn flush_series(&mut self, i: usize) -> io::Result<()> {
        let at = self.end;
        let pending = std::mem::take(&mut self.series[i].pending);
        if pending.is_empty() {
            return Ok(());
        }
        self.file.write_all(&(pending.len() as u32).to_le_bytes())?;
        self.file.write_all(&0u64.to_le_bytes())?;
        for (t, v) in &pending {
            self.file.write_all(&t.to_le_bytes())?;
            self.file.write_all(&v.to_le_bytes())?;
        }
        self.end += CHUNK_HEAD + 16 * pending.len() as u64;
        let s = &mut self.series[i];
        if let Some(last) = s.last {
            // Link the previous chunk to this one (written through the file, not the
            // buffer: flush first so the bytes are there to overwrite).
            self.file.flush()?;
            self.file
                .get_ref()
                .write_all_at(&at.to_le_bytes(), last + 4)?;
        }
        s.first.get_or_insert(at);
        s.last = Some(at);
        s.pending = pending;
        s.pending.clear();
        Ok(())
    }

    /// Write the document: every family, each series whole, then `# EOF`.
    pub fn finish(mut self, out: &mut impl Write) -> io::Result<()> {
        self.file.flush()?;
        let mut file = self.file.into_inner().map_err(|e| e.into_error())?;
        for f in &self.families {
            exposition::write_header(out, &f.meta, Format::OpenMetrics)?;
            for &i in &f.series {
                let s = &self.series[i];
                let labels = labelled(&self.labels, &s.labels);
                let mut next = s.first;
                while let Some(at) = next {
                    let (values, link) = read_chunk(&mut file, at)?;
                    for (t, v) in values {
                        exposition::write_sample(out, &f.meta.name, &labels, v, Some(t))?;
                    }
                    next = link;
                }
                for &(t, v) in &s.pending {
                    exposition::write_sample(out, &f.meta.name, &labels, v, Some(t))?;
                }
            }
        }
        out.write_all(b"# EOF\n")?;
        out.flush()
    }
}

/// A series' labels with the export's own: job and instance first, as Prometheus attaches
/// them.
fn labelled<'a>(
    export: &'a [(String, String)],
    own: &[(&'static str, String)],
) -> Vec<(&'a str, String)> {
    let mut labels: Vec<(&str, String)> = export
        .iter()
        .map(|(k, v)| (k.as_str(), v.clone()))
        .collect();
    for (k, v) in own {
        if !labels.iter().any(|(n, _)| n == k) {
            labels.push((k, v.clone()));
        }
    }
    labels
}

pub(super) fn series_key(name: &str, labels: &[(&'static str, impl AsRef<str>)]) -> String {
    let mut key = String::new();
    write_series_key(&mut key, name, labels);
    key
}

/// `series_key` into a buffer the caller reuses.
pub(super) fn write_series_key(
    key: &mut String,
    name: &str,
    labels: &[(&'static str, impl AsRef<str>)],
) {
    key.clear();
    key.push_str(name);
    for (k, v) in labels {
        key.push('\u{0}');
        key.push_str(k);
        key.push('=');
        key.push_str(v.as_ref());
    }
}

/// (timestamp ms, value) pairs of a series.
type Points = Vec<(i64, f64)>;

/// A chunk's points and the offset of the series' next chunk.
fn read_chunk(file: &mut File, at: u64) -> io::Result<(Points, Option<u64>)> {
    file.seek(SeekFrom::Start(at))?;
    let mut head = [0u8; CHUNK_HEAD as usize];
    file.read_exact(&mut head)?;
    let n = u32::from_le_bytes([head[0], head[1], head[2], head[3]]) as usize;
    let mut next = [0u8; 8];
    next.copy_from_slice(&head[4..12]);
    let next = u64::from_le_bytes(next);
    let mut body = vec![0u8; 16 * n.min(CHUNK)];
    file.read_exact(&mut body)?;
    let values = body
        .chunks_exact(16)
        .map(|c| {
            let mut t = [0u8; 8];
            let mut v = [0u8; 8];
            t.copy_from_slice(&c[..8]);
            v.copy_from_slice(&c[8..]);
            (i64::from_le_bytes(t), f64::from_le_bytes(v))
        })
        .collect();
    Ok((values, (next != 0).then_some(next)))
}

/// Labels a backfill adds by default: the job rsadc's scrapes would have, and the recorded
/// host's name as the instance; `extra` adds to or replaces them.
pub fn default_labels(host: &HostFacts, extra: &[(String, String)]) -> Vec<(String, String)> {
    let mut labels = vec![
        ("job".to_string(), "rsadc".to_string()),
        ("instance".to_string(), host.hostname.clone()),
    ];
    for (k, v) in extra {
        match labels.iter_mut().find(|(n, _)| n == k) {
            Some(l) => l.1 = v.clone(),
            None => labels.push((k.clone(), v.clone())),
        }
    }
    labels
}
