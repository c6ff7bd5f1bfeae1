//! Process records (kind 7): the process table of one moment, as a *key* (every process)
//! or a *delta* against an earlier process record of the same file, named by how many
//! bytes before this record it starts — unambiguous, and it needs no numbering to resume.
//!
//! A delta lists the processes gone (by position in the base table), the processes whose
//! values changed (position, a bit mask of the changed fields, the differences), and the
//! new processes in full. A process that did not change costs nothing. Tables are sorted by
//! (pid, start time). Numbers follow `ProcessCounters::FIELDS`; an optional field is stored
//! as value + 1, 0 when absent. A reader takes the fields it knows and skips the rest, so
//! fields can be added without a new format version.
//!
//! After a delta's body comes how long before it its base was taken (uptime, 1/100 s):
//! when damaged bytes between the base and the delta changed the file's length (bytes
//! inserted or lost), the byte distance no longer lands on the base, and the reader
//! recognises it by that instead. Files written before it have nothing there.
//!
//! Last, when a process the record lists in full (every one of a key, the new ones of a
//! delta) has a cgroup: the cgroups (`put_cgroups`). Readers before it stop before it; a
//! process kept from the base keeps its cgroup, and one whose cgroup changed is listed
//! as gone and new.
//!
//! A process that renamed itself (a kernel worker taking its next work item's name, a
//! program setting its title) keeps its pid and start time. Formats before 5 list it as
//! gone and new, numbers and all; from format 5 a delta may say so in place (mode 2, a
//! *delta with renames*): after the changes, a list of the processes whose name or
//! command line changed, each as the bytes it shares with the old one and the rest.

use super::bytes::{put_str, put_varint, unzigzag, zigzag, Cursor, DecodeError};
use crate::process::ProcessCounters;
use crate::sample::Group;
use std::sync::Arc;

const MODE_KEY: u64 = 0;
const MODE_DELTA: u64 = 1;
/// A delta with a list of renamed processes after its changes (format 5).
const MODE_DELTA_RENAMES: u64 = 2;
/// What a rename entry holds: the name (`comm`), the command line, or both.
const RENAMED_COMM: u64 = 1;
const RENAMED_CMDLINE: u64 = 2;
/// Guards on what a record read from a file may ask for.
const MAX_FIELDS: usize = 64;
/// How many fields this build's processes have.
const FIELD_COUNT: usize = ProcessCounters::FIELDS.len();
const MAX_PROCESSES: usize = 1 << 22;
/// A writer keys its table every so many process records.
pub const KEY_EVERY: u32 = 60;

/// One process record, decoded.
#[derive(Debug, Clone, PartialEq)]
pub struct ProcessTable {
    pub wall_ns: i64,
    /// Uptime of the sample it belongs to, in 1/100 s.
    pub uptime_cs: u64,
    /// Sorted by (pid, start time); shared, so a table handed on is not a copy.
    pub processes: Arc<Vec<ProcessCounters>>,
}

/// A process's stored numbers, in field order.
fn numbers(p: &ProcessCounters, out: &mut Vec<u64>) {
    out.clear();
    let mut i = 0;
    p.raw_values(&mut |v| {
        let optional = ProcessCounters::FIELDS[i].optional;
        out.push(match (optional, v) {
            (true, Some(v)) => v.wrapping_add(1),
            (true, None) => 0,
            (false, v) => v.unwrap_or(0),
        });
        i += 1;
    });
}

fn set_numbers(p: &mut ProcessCounters, stored: &[u64]) -> Result<(), DecodeError> {
    // On the stack: this runs for every process changed in every table read.
    let mut raw = [None; FIELD_COUNT];
    for ((r, f), &v) in raw.iter_mut().zip(ProcessCounters::FIELDS).zip(stored) {
        *r = match (f.optional, v) {
            (true, 0) => None,
            (true, v) => Some(v - 1),
            (false, v) => Some(v),
        };
    }
    p.set_raw_values(&raw)
        .map_err(|_| DecodeError("a process field does not fit its type"))
}

fn put_process(out: &mut Vec<u8>, p: &ProcessCounters, scratch: &mut Vec<u64>) {
    put_varint(out, u64::from(p.pid));
    put_varint(out, p.start_ticks);
    put_str(out, &p.comm);
    put_str(out, &p.cmdline);
    numbers(p, scratch);
    for &v in scratch.iter() {
        put_varint(out, v);
    }
}

/// The cgroups of `listed`, the processes a record lists in full, in that order: a count
/// of distinct paths, the paths, then per process its path's index + 1 (0: none). Nothing
/// when none has one.
fn put_cgroups<'a>(out: &mut Vec<u8>, listed: impl Iterator<Item = &'a ProcessCounters> + Clone) {
    if listed.clone().all(|p| p.cgroup.is_empty()) {
        return;
    }
    let mut paths: Vec<&str> = Vec::new();
    let mut index: std::collections::HashMap<&str, u64> = Default::default();
    let mut of = Vec::new();
    for p in listed {
        of.push(match &*p.cgroup {
            "" => 0,
            path => *index.entry(path).or_insert_with(|| {
                paths.push(path);
                paths.len() as u64
            }),
        });
    }
    put_varint(out, paths.len() as u64);
    for p in paths {
        put_str(out, p);
    }
    for i in of {
        put_varint(out, i);
    }
}

/// The cgroups `put_cgroups` wrote, into `listed`; none when the record ends before them.
fn get_cgroups(c: &mut Cursor<'_>, listed: &mut [ProcessCounters]) -> Result<(), DecodeError> {
    if c.remaining() == 0 {
        return Ok(());
    }
    let n = c.count(c.remaining())?;
    let mut paths: Vec<Arc<str>> = Vec::with_capacity(n);
    for _ in 0..n {
        paths.push(c.string()?.into());
    }
    for p in listed {
        p.cgroup = match c.count(n + 1)? {
            0 => Arc::default(),
            i => paths[i - 1].clone(),
        };
    }
    Ok(())
}

fn get_process(c: &mut Cursor<'_>, fields: usize) -> Result<ProcessCounters, DecodeError> {
    let pid = u32::try_from(c.varint()?).map_err(|_| DecodeError("pid out of range"))?;
    let mut p = ProcessCounters {
        pid,
        start_ticks: c.varint()?,
        comm: c.string()?.into(),
        cmdline: c.string()?.into(),
        ..ProcessCounters::default()
    };
    let mut stored = Vec::with_capacity(fields);
    for _ in 0..fields {
        stored.push(c.varint()?);
    }
    set_numbers(&mut p, &stored)?;
    Ok(p)
}

/// A key record's payload.
pub fn key_payload(t: &ProcessTable, out: &mut Vec<u8>) {
    out.clear();
    put_varint(out, zigzag(t.wall_ns));
    put_varint(out, t.uptime_cs);
    put_varint(out, MODE_KEY);
    put_varint(out, ProcessCounters::FIELDS.len() as u64);
    put_varint(out, t.processes.len() as u64);
    let mut scratch = Vec::new();
    for p in t.processes.iter() {
        put_process(out, p, &mut scratch);
    }
    put_cgroups(out, t.processes.iter());
}

/// A delta record's payload: `t` against `base`, taken at uptime `base_uptime_cs`, which
/// starts `distance` bytes before the record this payload goes in. With `renames` (a
/// format-5 file) a renamed process is said in place, else it is gone and new.
pub fn delta_payload(
    t: &ProcessTable,
    base: &[ProcessCounters],
    base_uptime_cs: u64,
    distance: u64,
    renames: bool,
    out: &mut Vec<u8>,
) {
    out.clear();
    put_varint(out, zigzag(t.wall_ns));
    put_varint(out, t.uptime_cs);
    let mode = if renames {
        MODE_DELTA_RENAMES
    } else {
        MODE_DELTA
    };
    put_varint(out, mode);
    put_varint(out, distance);
    put_varint(out, ProcessCounters::FIELDS.len() as u64);
    // Walk both sorted tables once.
    let (mut gone, mut changed, mut new) = (Vec::new(), Vec::new(), Vec::new());
    let mut renamed = Vec::new();
    let (mut a, mut b) = (Vec::new(), Vec::new());
    let (mut i, mut j) = (0, 0);
    while i < base.len() || j < t.processes.len() {
        match (base.get(i), t.processes.get(j)) {
            (Some(old), Some(now)) if old.key() == now.key() => {
                numbers(old, &mut a);
                numbers(now, &mut b);
                let mut mask = 0u64;
                let mut diffs = Vec::new();
                for (f, (x, y)) in a.iter().zip(&b).enumerate() {
                    if x != y {
                        mask |= 1 << f;
                        diffs.push(zigzag(y.wrapping_sub(*x) as i64));
                    }
                }
                let what = (u64::from(old.comm != now.comm) * RENAMED_COMM)
                    | (u64::from(old.cmdline != now.cmdline) * RENAMED_CMDLINE);
                if old.cgroup != now.cgroup || (what != 0 && !renames) {
                    gone.push(i);
                    new.push(j);
                } else {
                    if mask != 0 {
                        changed.push((i, mask, diffs));
                    }
                    if what != 0 {
                        renamed.push((i, what, old, now));
                    }
                }
                i += 1;
                j += 1;
            }
            (Some(old), Some(now)) if old.key() < now.key() => {
                gone.push(i);
                i += 1;
            }
            (Some(_), None) => {
                gone.push(i);
                i += 1;
            }
            (_, Some(_)) => {
                new.push(j);
                j += 1;
            }
            (None, None) => break,
        }
    }
    put_varint(out, gone.len() as u64);
    let mut last = 0;
    for &g in &gone {
        put_varint(out, (g - last) as u64);
        last = g;
    }
    put_varint(out, changed.len() as u64);
    let mut last = 0;
    for (pos, mask, diffs) in &changed {
        put_varint(out, (pos - last) as u64);
        last = *pos;
        put_varint(out, *mask);
        for &d in diffs {
            put_varint(out, d);
        }
    }
    if renames {
        put_varint(out, renamed.len() as u64);
        let mut last = 0;
        for (pos, what, old, now) in renamed {
            put_varint(out, (pos - last) as u64);
            last = pos;
            put_varint(out, what);
            if what & RENAMED_COMM != 0 {
                put_renamed(out, &old.comm, &now.comm);
            }
            if what & RENAMED_CMDLINE != 0 {
                put_renamed(out, &old.cmdline, &now.cmdline);
            }
        }
    }
    put_varint(out, new.len() as u64);
    let mut scratch = Vec::new();
    for &n in &new {
        put_process(out, &t.processes[n], &mut scratch);
    }
    put_varint(out, t.uptime_cs.wrapping_sub(base_uptime_cs));
    put_cgroups(out, new.iter().map(|&n| &t.processes[n]));
}

/// A renamed string: how many bytes it shares with the old one from the start (whole
/// characters), then the rest.
fn put_renamed(out: &mut Vec<u8>, old: &str, now: &str) {
    let shared: usize = old
        .chars()
        .zip(now.chars())
        .take_while(|(a, b)| a == b)
        .map(|(a, _)| a.len_utf8())
        .sum();
    put_varint(out, shared as u64);
    put_str(out, &now[shared..]);
}

/// The string `put_renamed` wrote, from the old one.
fn get_renamed(c: &mut Cursor<'_>, old: &str) -> Result<Arc<str>, DecodeError> {
    let shared = c.count(old.len())?;
    let prefix = old
        .get(..shared)
        .ok_or(DecodeError("a rename shares part of a character"))?;
    Ok(format!("{prefix}{}", c.string()?).into())
}

/// The last table read or written: where its record starts, its uptime, the processes.
#[derive(Debug, Clone)]
struct Base {
    at: u64,
    uptime_cs: u64,
    processes: Arc<Vec<ProcessCounters>>,
}

/// What a reader keeps to decode deltas: the last table and where its record started.
#[derive(Debug, Default)]
pub struct ProcessState {
    last: Option<Base>,
    /// Where reading started (after a seek; 0 from the beginning): a delta that builds on
    /// a table before it was not read, not damaged.
    from: u64,
    /// The last table passed over because what it builds on was not read: the deltas
    /// that build on it cannot be read either, and are not damaged.
    passed_over: Option<u64>,
}

impl ProcessState {
    /// Counters restarted (a new boot): no delta reaches back across it.
    pub fn forget(&mut self) {
        self.last = None;
    }

    /// Reading starts at offset `at`, in the middle of a file.
    pub fn reading_from(&mut self, at: u64) {
        *self = ProcessState {
            from: at,
            ..ProcessState::default()
        };
    }
}

/// A delta's base and layout: how far before it its base starts, and whether it lists
/// renames.
#[derive(Debug, Clone, Copy)]
struct DeltaHead {
    distance: u64,
    renames: bool,
}

/// What every process record starts with: its time, its uptime, and for a delta how far
/// before it its base starts (`None` for a key).
fn head(c: &mut Cursor<'_>) -> Result<(i64, u64, Option<DeltaHead>), DecodeError> {
    let wall_ns = unzigzag(c.varint()?);
    let uptime_cs = c.varint()?;
    let renames = match c.varint()? {
        MODE_KEY => return Ok((wall_ns, uptime_cs, None)),
        MODE_DELTA => false,
        MODE_DELTA_RENAMES => true,
        _ => return Err(DecodeError("unknown process record mode")),
    };
    let delta = Some(DeltaHead {
        distance: c.varint()?,
        renames,
    });
    Ok((wall_ns, uptime_cs, delta))
}

/// The offset of the table the process record `payload`, which starts at `at`, builds
/// on: `None` for a key (or a record that does not say).
pub fn builds_on(payload: &[u8], at: u64) -> Option<u64> {
    let (_, _, delta) = head(&mut Cursor::new(payload)).ok()?;
    at.checked_sub(delta?.distance)
}

/// Decode the process record that starts at offset `at`: `None` for a delta that builds
/// on a table before where reading started (the cost of starting there, not damage).
pub fn decode(
    state: &mut ProcessState,
    payload: &[u8],
    at: u64,
) -> Result<Option<ProcessTable>, DecodeError> {
    let mut c = Cursor::new(payload);
    let (wall_ns, uptime_cs, delta) = head(&mut c)?;
    let processes = match delta {
        None => {
            let fields = c.count(MAX_FIELDS)?;
            let n = c.count(MAX_PROCESSES.min(c.remaining()))?;
            let mut table = Vec::with_capacity(n);
            for _ in 0..n {
                table.push(get_process(&mut c, fields)?);
            }
            get_cgroups(&mut c, &mut table)?;
            table
        }
        Some(DeltaHead { distance, renames }) => {
            const MISSING: DecodeError = DecodeError("its base process record is missing");
            let base_at = at.checked_sub(distance);
            if state.last.is_none()
                && base_at.is_some_and(|b| b < state.from || state.passed_over == Some(b))
            {
                state.passed_over = Some(at);
                return Ok(None);
            }
            let base = state.last.as_ref().ok_or(MISSING)?;
            let fields = c.count(MAX_FIELDS)?;
            let (mut table, first_new) = apply_delta(&mut c, &base.processes, fields, renames)?;
            // The base is the last table read when it starts `distance` bytes before; or,
            // the bytes between having changed length, when it was taken as long before
            // as the delta says (a writer that did not say: the distance alone).
            let named = match c.remaining() {
                0 => None,
                _ => Some(uptime_cs.wrapping_sub(c.varint()?)),
            };
            if base_at != Some(base.at) && named != Some(base.uptime_cs) {
                return Err(MISSING);
            }
            get_cgroups(&mut c, &mut table[first_new..])?;
            table.sort_by_key(ProcessCounters::key);
            table
        }
    };
    let processes = Arc::new(processes);
    state.last = Some(Base {
        at,
        uptime_cs,
        processes: Arc::clone(&processes),
    });
    Ok(Some(ProcessTable {
        wall_ns,
        uptime_cs,
        processes,
    }))
}

/// The table a delta makes of `base`, unsorted: the processes kept, then from the
/// position returned the new ones in the record's order.
fn apply_delta(
    c: &mut Cursor<'_>,
    base: &[ProcessCounters],
    fields: usize,
    renames: bool,
) -> Result<(Vec<ProcessCounters>, usize), DecodeError> {
    let position = |c: &mut Cursor<'_>, last: &mut usize, first: bool| {
        let step = c.count(base.len())?;
        let pos = if first { step } else { *last + step };
        if pos >= base.len() || (!first && step == 0) {
            return Err(DecodeError("a position past the base table"));
        }
        *last = pos;
        Ok(pos)
    };
    let mut alive = vec![true; base.len()];
    let n = c.count(base.len())?;
    let mut last = 0;
    for k in 0..n {
        alive[position(c, &mut last, k == 0)?] = false;
    }
    // The processes kept, each cloned once, and where each base position went: this runs
    // for every table read, so nothing is copied twice.
    let mut out: Vec<ProcessCounters> = Vec::with_capacity(base.len());
    let slot: Vec<Option<usize>> = base
        .iter()
        .zip(&alive)
        .map(|(p, &a)| {
            a.then(|| {
                out.push(p.clone());
                out.len() - 1
            })
        })
        .collect();
    let n = c.count(base.len())?;
    let mut last = 0;
    let mut stored = Vec::with_capacity(fields);
    let mut dropped;
    for k in 0..n {
        let pos = position(c, &mut last, k == 0)?;
        let mask = c.varint()?;
        if fields < 64 && mask >> fields != 0 {
            return Err(DecodeError("a change mask names fields the record lacks"));
        }
        // A change to a process the record also says is gone is read, checked and dropped.
        let p = match slot
            .get(pos)
            .copied()
            .flatten()
            .and_then(|i| out.get_mut(i))
        {
            Some(p) => p,
            None => {
                dropped = base.get(pos).cloned().unwrap_or_default();
                &mut dropped
            }
        };
        numbers(p, &mut stored);
        stored.resize(fields, 0);
        for (f, v) in stored.iter_mut().enumerate() {
            if mask & (1 << f) != 0 {
                *v = v.wrapping_add(unzigzag(c.varint()?) as u64);
            }
        }
        set_numbers(p, &stored)?;
    }
    if renames {
        let n = c.count(base.len())?;
        let mut last = 0;
        for k in 0..n {
            let pos = position(c, &mut last, k == 0)?;
            let what = c.varint()?;
            if what == 0 || what & !(RENAMED_COMM | RENAMED_CMDLINE) != 0 {
                return Err(DecodeError("a rename that names nothing it knows"));
            }
            let old = &base[pos];
            let comm = (what & RENAMED_COMM != 0)
                .then(|| get_renamed(c, &old.comm))
                .transpose()?;
            let cmdline = (what & RENAMED_CMDLINE != 0)
                .then(|| get_renamed(c, &old.cmdline))
                .transpose()?;
            // A rename of a process the record also says is gone is read and dropped.
            if let Some(p) = slot.get(pos).copied().flatten().map(|i| &mut out[i]) {
                p.comm = comm.unwrap_or_else(|| p.comm.clone());
                p.cmdline = cmdline.unwrap_or_else(|| p.cmdline.clone());
            }
        }
    }
    let first_new = out.len();
    let n = c.count(MAX_PROCESSES.min(c.remaining()))?;
    for _ in 0..n {
        out.push(get_process(c, fields)?);
    }
    // Sorted once their cgroups, after the body, are known.
    Ok((out, first_new))
}

/// What a writer keeps to write deltas.
#[derive(Debug)]
pub struct ProcessWriter {
    last: Option<Base>,
    since_key: u32,
    /// Renames said in place (a file of format 5 or later).
    renames: bool,
}

impl ProcessWriter {
    /// A writer for a file of format `version`.
    pub fn for_version(version: u16) -> Self {
        ProcessWriter {
            last: None,
            since_key: 0,
            renames: version >= super::format::VERSION_RENAMES,
        }
    }

    /// The payload of the next record, written at offset `at`.
    pub fn payload(&mut self, t: &ProcessTable, at: u64, out: &mut Vec<u8>) {
        match &self.last {
            Some(base) if self.since_key < KEY_EVERY && base.at < at => {
                let distance = at - base.at;
                delta_payload(
                    t,
                    &base.processes,
                    base.uptime_cs,
                    distance,
                    self.renames,
                    out,
                );
                self.since_key += 1;
            }
            _ => {
                key_payload(t, out);
                self.since_key = 0;
            }
        }
    }

    /// The record was written at `at`: later deltas refer to it.
    pub fn written(&mut self, t: &ProcessTable, at: u64) {
        self.last = Some(Base {
            at,
            uptime_cs: t.uptime_cs,
            processes: Arc::clone(&t.processes),
        });
    }

    /// Start again with a key (a failed write, a restart).
    pub fn forget(&mut self) {
        self.last = None;
    }
}
