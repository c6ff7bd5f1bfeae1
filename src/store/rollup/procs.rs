//! Processes in a roll-up tier: of each tier interval's raw process tables, the processes
//! that led it in some resource, and one synthetic row for the rest (docs/FORMAT.md,
//! "Roll-up tiers").
//!
//! A tier's process tables are raw tables (kind 7, as rsadc writes them) cut down: the
//! first raw table of each tier interval and each boot's last one, each holding the top
//! `TOP_K` processes of every `Resource` of the interval it ends *and* of the one it
//! starts, plus the `OTHERS` row. A process kept for an interval is therefore in the
//! tables at both its ends and its delta there is the raw one (counters are kept raw and
//! telescope); a process not in the table before an interval is left out of it as any
//! reader leaves out a process missing from the table before (`before_in`) — never a
//! lifetime taken for an interval. The `OTHERS` row's counters add up what the rows
//! shown for each interval did not (the raw deltas of every process, as pidstat takes
//! them, minus those shown), from zero at the boot's first table, so its delta over an
//! interval is the rest and the rows of the interval sum to the raw total; its sizes
//! (threads, VSZ, RSS, shared) are the sums over the processes the table left out.
//!
//! Choosing the processes for the interval that a table starts needs the next table, so
//! a table is written one tier interval late: `ProcRollup` holds it, and the caller
//! holds the records after it until it is out.

use crate::process::ProcessCounters;
use crate::sample::{Group, Kind};
use crate::store::procs::ProcessTable;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

/// Processes kept per resource per tier interval; a table holds the union over the
/// resources and over the two intervals it bounds, plus `OTHERS`.
pub const TOP_K: usize = 10;

/// A process ranks by CPU over a tier interval only with at least this share of one CPU:
/// below it, which of an idle machine's kernel threads and shells took a few ticks more
/// changes from one interval to the next, and each newcomer costs the tier its names and
/// command line. What they used is in `(others)`.
pub const MIN_CPU_SHARE: f64 = 0.005;

/// The key (pid, start time) of the row for the processes a tier left out: pid 0 is the
/// kernel's idle task, never in /proc.
pub const OTHERS: (u32, u64) = (0, 0);

/// The command name of the `OTHERS` row.
pub const OTHERS_COMM: &str = "(others)";

/// What a process is ranked by, per tier interval.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resource {
    /// utime + stime ticks over the interval.
    Cpu,
    /// RSS at the interval's end.
    Memory,
    /// read_bytes + write_bytes over the interval.
    Io,
    /// Raw tables in the interval that found it in state D, then blkio_ticks over it.
    Blocked,
}

impl Resource {
    pub const ALL: [Resource; 4] = [
        Resource::Cpu,
        Resource::Memory,
        Resource::Io,
        Resource::Blocked,
    ];

    /// The process's score over an interval from `before` (none: it started in it) to
    /// `now`, having been seen in state D `d_seen` times; 0 ranks nowhere.
    fn score(self, before: Option<&ProcessCounters>, now: &ProcessCounters, d_seen: u32) -> u128 {
        let zero = ProcessCounters::default();
        let b = before.unwrap_or(&zero);
        let d = |f: fn(&ProcessCounters) -> u64| u128::from(f(now).saturating_sub(f(b)));
        match self {
            Resource::Cpu => d(|p| p.utime) + d(|p| p.stime),
            Resource::Memory => u128::from(now.rss),
            Resource::Io => d(|p| p.read_bytes.unwrap_or(0)) + d(|p| p.write_bytes.unwrap_or(0)),
            Resource::Blocked => (u128::from(d_seen) << 64) | d(|p| p.blkio_ticks),
        }
    }
}

/// The positions of the counter fields of a process.
fn counter_fields() -> impl Iterator<Item = usize> {
    ProcessCounters::FIELDS
        .iter()
        .enumerate()
        .filter(|(_, f)| f.kind == Kind::Counter)
        .map(|(i, _)| i)
}

fn values(p: &ProcessCounters) -> Vec<u64> {
    let mut v = Vec::with_capacity(ProcessCounters::FIELDS.len());
    p.raw_values(&mut |x| v.push(x.unwrap_or(0)));
    v
}

/// Add to `acc` (one number per field; counters only) what each counter of `now` did
/// since `before` (none: since 0).
fn add_delta(acc: &mut [u64], before: Option<&ProcessCounters>, now: &ProcessCounters) {
    let n = values(now);
    let b = before.map(values);
    for i in counter_fields() {
        let was = b.as_ref().map_or(0, |b| b[i]);
        acc[i] = acc[i].wrapping_add(n[i].saturating_sub(was));
    }
}

/// The deltas of every process of `now` from `prev`, as a report takes them.
fn table_delta(acc: &mut [u64], prev: &ProcessTable, now: &ProcessTable, hz: f64) {
    for p in now.processes.iter() {
        if let Some(b) = p.before_in(&prev.processes, prev.uptime_cs, hz) {
            add_delta(acc, b, p);
        }
    }
}

/// The top `TOP_K` of each resource over the interval from `prev` to `now`, among the
/// processes of `now` and those that ended in the interval (`gone`, as last seen).
pub fn top(
    prev: Option<&ProcessTable>,
    now: &ProcessTable,
    gone: &[ProcessCounters],
    d_seen: &HashMap<(u32, u64), u32>,
    hz: f64,
) -> HashSet<(u32, u64)> {
    let empty = Vec::new();
    let (before, before_uptime) = match prev {
        Some(t) => (&*t.processes, t.uptime_cs),
        None => (&empty, 0),
    };
    let candidates: Vec<(&ProcessCounters, Option<&ProcessCounters>)> = now
        .processes
        .iter()
        .chain(gone)
        .filter(|p| p.key() != OTHERS)
        .filter_map(|p| Some((p, p.before_in(before, before_uptime, hz)?)))
        .collect();
    // MIN_CPU_SHARE of the interval in clock ticks (none for a boot's first table, which
    // ends no interval).
    let min_cpu = prev.map_or(0, |t| {
        let seconds = now.uptime_cs.saturating_sub(t.uptime_cs) as f64 / 100.0;
        (seconds * hz * MIN_CPU_SHARE).ceil() as u128
    });
    let mut kept = HashSet::new();
    for r in Resource::ALL {
        let floor = if r == Resource::Cpu {
            min_cpu.max(1)
        } else {
            1
        };
        let mut scored: Vec<(u128, (u32, u64))> = candidates
            .iter()
            .map(|(p, b)| {
                let seen = d_seen.get(&p.key()).copied().unwrap_or(0);
                (r.score(*b, p, seen), p.key())
            })
            .filter(|(s, _)| *s >= floor)
            .collect();
        // Highest first; ties by key, so a tier is built the same every time.
        scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        kept.extend(scored.into_iter().take(TOP_K).map(|(_, k)| k));
    }
    kept
}

/// A process that ended in a tier interval, as the tier table at the interval's end
/// keeps it: its counters as last seen, state X (dead), holding nothing.
fn ended(mut p: ProcessCounters) -> ProcessCounters {
    p.state = u32::from(b'X');
    p.threads = 0;
    p.vsize = 0;
    p.rss = 0;
    p.rss_shared = p.rss_shared.map(|_| 0);
    p
}

/// A tier table waiting for the next tier interval's top processes.
struct Pending {
    raw: ProcessTable,
    /// The processes that ended in the interval this table ends and are in its top.
    gone: Vec<ProcessCounters>,
    top: HashSet<(u32, u64)>,
    /// The raw deltas of every process over the interval this table ends.
    totals: Vec<u64>,
}

/// Down-samples one boot's raw process tables at a time; see the module doc.
#[derive(Default)]
pub struct ProcRollup {
    hz: f64,
    pending: Option<Pending>,
    /// The raw table before, and its bucket.
    last: Option<(ProcessTable, i64)>,
    /// Over the interval since the pending table: every process's raw deltas, and how
    /// many raw tables found each in state D, and each process as last seen.
    totals: Vec<u64>,
    d_seen: HashMap<(u32, u64), u32>,
    seen: HashMap<(u32, u64), ProcessCounters>,
    /// The tier table written last in this boot, and the `OTHERS` counters in it.
    written: Option<ProcessTable>,
    others: Vec<u64>,
}

impl ProcRollup {
    pub fn new(user_hz: u32) -> ProcRollup {
        ProcRollup {
            hz: f64::from(user_hz.max(1)),
            ..ProcRollup::default()
        }
    }

    /// A new boot counts in `user_hz` ticks.
    pub fn set_hz(&mut self, user_hz: u32) {
        self.hz = f64::from(user_hz.max(1));
    }

    /// Uptime of the last raw table of the boot, if any.
    pub fn last_uptime(&self) -> Option<u64> {
        self.last.as_ref().map(|(t, _)| t.uptime_cs)
    }

    /// The next raw table of the boot, in tier bucket `bucket`: the held table when it
    /// is out (to be written before the records held after it), and whether `t` is a
    /// tier table, held now.
    pub fn push(&mut self, t: ProcessTable, bucket: i64) -> (Option<ProcessTable>, bool) {
        let first_of_bucket = match &self.last {
            None => true,
            Some((prev, b)) => {
                self.totals.resize(ProcessCounters::FIELDS.len(), 0);
                table_delta(&mut self.totals, prev, &t, self.hz);
                *b != bucket
            }
        };
        for p in t.processes.iter() {
            if p.state_char() == 'D' {
                *self.d_seen.entry(p.key()).or_default() += 1;
            }
            self.seen.insert(p.key(), p.clone());
        }
        self.last = Some((t.clone(), bucket));
        if first_of_bucket {
            (self.tier_point(t), true)
        } else {
            (None, false)
        }
    }

    /// `t`, the last raw table seen, is a tier table: the held one comes out.
    fn tier_point(&mut self, t: ProcessTable) -> Option<ProcessTable> {
        let prev = self.pending.as_ref().map(|p| &p.raw);
        let in_t = |k: &(u32, u64)| {
            t.processes
                .binary_search_by_key(k, ProcessCounters::key)
                .is_ok()
        };
        let gone: Vec<ProcessCounters> = self
            .seen
            .drain()
            .filter(|(k, _)| !in_t(k))
            .map(|(_, p)| ended(p))
            .collect();
        let top = top(prev, &t, &gone, &self.d_seen, self.hz);
        let gone = gone
            .into_iter()
            .filter(|p| top.contains(&p.key()))
            .collect();
        let totals = std::mem::take(&mut self.totals);
        self.d_seen.clear();
        let out = self.pending.take().map(|p| self.cut(p, &top));
        self.pending = Some(Pending {
            raw: t,
            gone,
            top,
            totals,
        });
        out
    }

    /// The held table cut down to its processes and `OTHERS`, now that the top of the
    /// next interval (`next`) is known.
    fn cut(&mut self, p: Pending, next: &HashSet<(u32, u64)>) -> ProcessTable {
        let keep = |k: &(u32, u64)| p.top.contains(k) || next.contains(k);
        let mut kept: Vec<ProcessCounters> = p
            .raw
            .processes
            .iter()
            .filter(|q| keep(&q.key()))
            .cloned()
            .chain(p.gone)
            .collect();
        kept.sort_by_key(ProcessCounters::key);
        // What the kept rows will show for the interval this table ends: the rest is
        // the others'.
        let mut shown = vec![0; ProcessCounters::FIELDS.len()];
        if let Some(w) = &self.written {
            let t = ProcessTable {
                processes: Arc::new(kept.clone()),
                ..p.raw.clone()
            };
            table_delta(&mut shown, w, &t, self.hz);
        }
        self.others.resize(ProcessCounters::FIELDS.len(), 0);
        let mut totals = p.totals;
        totals.resize(ProcessCounters::FIELDS.len(), 0);
        for i in counter_fields() {
            self.others[i] = self.others[i].wrapping_add(totals[i].saturating_sub(shown[i]));
        }
        let mut others = ProcessCounters {
            pid: OTHERS.0,
            start_ticks: OTHERS.1,
            comm: Arc::from(OTHERS_COMM),
            state: u32::from(b'-'),
            uid: ProcessCounters::NO_UID,
            ..ProcessCounters::default()
        };
        let mut raw: Vec<Option<u64>> = Vec::new();
        others.raw_values(&mut |v| raw.push(v));
        for i in counter_fields() {
            raw[i] = Some(self.others[i]);
        }
        // Every field was read from a value of its own type, or is a sum of u64s.
        let _ = others.set_raw_values(&raw);
        for q in p.raw.processes.iter().filter(|q| !keep(&q.key())) {
            others.threads = others.threads.saturating_add(q.threads);
            others.vsize = others.vsize.saturating_add(q.vsize);
            others.rss = others.rss.saturating_add(q.rss);
            others.rss_shared = Some(
                others
                    .rss_shared
                    .unwrap_or(0)
                    .saturating_add(q.rss_shared.unwrap_or(0)),
            );
        }
        let mut rows = Vec::with_capacity(kept.len() + 1);
        rows.push(others);
        rows.extend(kept);
        let table = ProcessTable {
            processes: Arc::new(rows),
            ..p.raw
        };
        self.written = Some(table.clone());
        table
    }

    /// The boot ended (a restart, uptime back, the end of the day): its last raw table
    /// is a tier table too. The held tables, oldest first: the one held, then the
    /// boot's last when it was not that one.
    pub fn finish_boot(&mut self) -> Vec<ProcessTable> {
        let mut out = Vec::new();
        if let Some((last, _)) = self.last.take() {
            let last_is_held = self
                .pending
                .as_ref()
                .is_some_and(|p| p.raw.uptime_cs == last.uptime_cs);
            if !last_is_held {
                out.extend(self.tier_point(last));
            }
        }
        if let Some(p) = self.pending.take() {
            out.push(self.cut(p, &HashSet::new()));
        }
        self.totals.clear();
        self.d_seen.clear();
        self.seen.clear();
        self.written = None;
        self.others.clear();
        out
    }
}
