//! Roll-ups: a closed day's raw samples down-sampled to a tier (one sample a minute, one
//! an hour), written beside the raw day as a log of the same format (`docs/FORMAT.md`,
//! "Roll-up tiers").
//!
//! A tier keeps, of the raw samples, the first of each tier interval (local time, counted
//! from midnight) and the first and last of each boot: raw counters at those moments, so
//! the difference between two consecutive tier samples is exactly the sum of the raw
//! intervals between them (the sum telescopes) and any average over a range whose ends
//! are tier samples is the raw one. A counter that went back inside a tier interval (a
//! device registered again), or wrapped twice, loses what it counted before; a boot never
//! hides inside one, since each boot's first and last samples are kept. After each tier
//! sample but a boot's first comes a roll-up record: how many raw samples ended an interval
//! since the tier sample before it, and each level field's minimum, maximum and sum over
//! them, derived from the schema (`Kind::Level`), item by item. The level in the sample
//! itself is the last one.

use super::bytes::{put_varint, unzigzag, zigzag, Cursor, DecodeError};
use super::format::{Record, VERSION_ALIGNED};
use super::safe_dir::{EntryKind, LogDir};
use super::{day_file_name, day_files, DayWriter, LogReader, NonRegular, StoreError};
use crate::sample::*;
use chrono::NaiveDate;

pub mod cgroups;
pub mod procs;
use std::collections::VecDeque;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

/// A roll-up tier, named by its interval (`1m`, `1h`, `5m`, `30s`, `1d`): tiers order
/// finest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Tier {
    step_s: u32,
}

impl Tier {
    pub const MINUTE: Tier = Tier { step_s: 60 };
    pub const HOUR: Tier = Tier { step_s: 3600 };
    /// The finest interval a tier may have (a raw day's default interval).
    pub const MIN_STEP_S: u32 = 10;

    /// A tier of `step_s` seconds: at least `MIN_STEP_S`, and a whole number of them in
    /// a day (intervals are counted from midnight).
    pub fn new(step_s: i64) -> Option<Tier> {
        let step_s = u32::try_from(step_s).ok()?;
        (step_s >= Tier::MIN_STEP_S && 86_400 % step_s == 0).then_some(Tier { step_s })
    }

    /// The tier's interval in seconds.
    pub fn step_s(self) -> i64 {
        i64::from(self.step_s)
    }

    /// The interval as a number and its unit, in the largest unit that divides it.
    fn count_unit(self) -> (u32, &'static str, &'static str) {
        match self.step_s {
            s if s % 86_400 == 0 => (s / 86_400, "d", "day"),
            s if s % 3600 == 0 => (s / 3600, "h", "hour"),
            s if s % 60 == 0 => (s / 60, "m", "minute"),
            s => (s, "s", "second"),
        }
    }

    /// Its name on the command line and in file names: `1m`, `1h`, `5m`.
    pub fn name(self) -> String {
        let (n, unit, _) = self.count_unit();
        format!("{n}{unit}")
    }

    /// In words, for the line a report from a tier prints: `1-minute`, `5-minute`.
    pub fn words(self) -> String {
        let (n, _, unit) = self.count_unit();
        format!("{n}-{unit}")
    }

    /// `1m`, `90s`, `6h`, `1d`: a number and a unit (s, m, h or d), an interval `new`
    /// accepts; the name of a tier file is its canonical form.
    pub fn parse(s: &str) -> Option<Tier> {
        let unit = match s.bytes().last()? {
            b's' => 1,
            b'm' => 60,
            b'h' => 3600,
            b'd' => 86_400,
            _ => return None,
        };
        let n = &s[..s.len() - 1];
        if n.is_empty() || !n.bytes().all(|b| b.is_ascii_digit()) || n.starts_with('0') {
            return None;
        }
        Tier::new(n.parse::<i64>().ok()?.checked_mul(unit)?)
    }

    /// `rsarYYYYMMDD.1m.zst`: the day's name, the tier, compressed (tiers are written
    /// whole, after the day closed). Not a day file name, so day listings and
    /// housekeeping of raw days never take it for one.
    pub fn file_name(self, date: NaiveDate) -> String {
        format!("{}.{}.zst", day_file_name(date), self.name())
    }
}

/// The date and tier of a tier file, from its name.
pub fn tier_of(path: &Path) -> Option<(NaiveDate, Tier)> {
    let name = path.file_name()?.to_str()?;
    let rest = name.strip_prefix("rsar")?.strip_suffix(".zst")?;
    let (digits, tier) = rest.split_once('.')?;
    if digits.len() != 8 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let date = NaiveDate::parse_from_str(digits, "%Y%m%d").ok()?;
    // Only the canonical name (`1h`, not `60m`): one file per tier and day.
    let t = Tier::parse(tier)?;
    (t.name() == tier).then_some((date, t))
}

/// Which files of a day a report reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pick {
    /// The raw day, or the finest tier when the raw day is gone; a tier whose interval
    /// is at most `-i`'s, when the day has it.
    Auto,
    Raw,
    Tier(Tier),
}

impl Pick {
    /// `raw`, or a tier's interval: `1m`, `1h`, `5m` (`--tier`).
    pub fn parse(s: &str) -> Option<Pick> {
        match s {
            "raw" => Some(Pick::Raw),
            _ => Tier::parse(s).map(Pick::Tier),
        }
    }
}

/// The files of `date` in `dir` that `pick` reads (empty when there are none), when a
/// report keeps a sample every `every_s` seconds (`-i`): the rule every reader follows
/// (`history`'s module doc).
pub fn pick_day(
    dir: &Path,
    date: NaiveDate,
    pick: Pick,
    every_s: Option<i64>,
) -> io::Result<Vec<PathBuf>> {
    let tier = |t: Tier| {
        let p = dir.join(t.file_name(date));
        p.is_file().then_some(p)
    };
    Ok(match pick {
        Pick::Raw => day_files(dir, date)?,
        Pick::Tier(t) => tier(t).into_iter().collect(),
        Pick::Auto => {
            // The day's tiers, finest first.
            let tiers = tiers_of_day(dir, date)?;
            let coarse = tiers
                .iter()
                .rev()
                .find(|(t, _)| every_s.is_some_and(|e| e >= t.step_s()));
            match coarse {
                Some((_, p)) => vec![p.clone()],
                None => {
                    let raw = day_files(dir, date)?;
                    match (raw.is_empty(), tiers.into_iter().next()) {
                        (true, Some((_, p))) => vec![p],
                        _ => raw,
                    }
                }
            }
        }
    })
}

/// The tier files of `date` in `dir`, finest first.
fn tiers_of_day(dir: &Path, date: NaiveDate) -> io::Result<Vec<(Tier, PathBuf)>> {
    Ok(tier_files(dir, &format!("{}.", day_file_name(date)))?
        .into_iter()
        .filter(|(_, _, path)| path.is_file())
        .map(|(_, t, path)| (t, path))
        .collect())
}

/// The dates with a raw day or a tier in `dir`, from `first` to `last`, in order.
pub fn dates_between(dir: &Path, first: NaiveDate, last: NaiveDate) -> io::Result<Vec<NaiveDate>> {
    let mut dates: Vec<NaiveDate> = super::list_days(dir)?
        .into_iter()
        .map(|(d, _, _)| d)
        .chain(list_tiers(dir)?.into_iter().map(|(d, _, _)| d))
        .filter(|d| *d >= first && *d <= last)
        .collect();
    dates.sort();
    dates.dedup();
    Ok(dates)
}

/// The tiers among `paths`, for the line a report from a roll-up prints: `None` when it
/// reads only raw days.
pub fn tiers_read(paths: &[PathBuf]) -> Option<String> {
    let mut tiers: Vec<(Tier, NaiveDate)> = paths
        .iter()
        .filter_map(|p| tier_of(p))
        .map(|(d, t)| (t, d))
        .collect();
    if tiers.is_empty() {
        return None;
    }
    tiers.sort();
    let raw = paths.len() - tiers.len();
    let mut kinds: Vec<Tier> = tiers.iter().map(|(t, _)| *t).collect();
    kinds.dedup();
    let mut parts = Vec::new();
    for t in kinds {
        let days: Vec<NaiveDate> = tiers
            .iter()
            .filter(|(x, _)| *x == t)
            .map(|(_, d)| *d)
            .collect();
        match (days.first(), days.last()) {
            (Some(a), Some(b)) if a == b => parts.push(format!("the {} roll-up of {a}", t.words())),
            (Some(a), Some(b)) => parts.push(format!(
                "the {} roll-ups of {} days, {a} to {b}",
                t.words(),
                days.len()
            )),
            _ => {}
        }
    }
    let raw = match raw {
        0 => String::new(),
        n => format!(" and {n} raw day files"),
    };
    Some(format!("read from {}{raw}", parts.join(" and ")))
}

/// Every tier file in `dir`: date, tier, path; oldest first.
pub fn list_tiers(dir: &Path) -> io::Result<Vec<(NaiveDate, Tier, PathBuf)>> {
    tier_files(dir, "")
}

/// The tier files in `dir` whose names start with `prefix`: date, tier, path; oldest
/// first, finest first within a day.
fn tier_files(dir: &Path, prefix: &str) -> io::Result<Vec<(NaiveDate, Tier, PathBuf)>> {
    let mut found: Vec<_> = std::fs::read_dir(dir)?
        .filter_map(Result::ok)
        .filter(|e| {
            e.file_name()
                .to_str()
                .is_some_and(|n| n.starts_with(prefix))
        })
        .filter_map(|e| {
            let path = dir.join(e.file_name());
            tier_of(&path).map(|(d, t)| (d, t, path))
        })
        .collect();
    found.sort();
    Ok(found)
}

/// The bits each level field of `fields` is stored rotated by (`Field::align_bits`).
fn level_bits(fields: &[Field]) -> impl Iterator<Item = u32> + '_ {
    fields
        .iter()
        .filter(|f| f.kind == Kind::Level)
        .map(|f| u32::from(f.align_bits))
}

/// One item's level values, in its group's `FIELDS` order (levels only).
type ItemLevels = Vec<Option<u64>>;

/// How a fold combines a level of the accumulator with the same level of a sample.
type Combine<'a> = dyn FnMut(&Field, Option<u64>, Option<u64>) -> Option<u64> + 'a;

/// The level fields of `fields`.
const fn levels_in(fields: &[Field]) -> usize {
    let mut n = 0;
    let mut i = 0;
    while i < fields.len() {
        if matches!(fields[i].kind, Kind::Level) {
            n += 1;
        }
        i += 1;
    }
    n
}

fn fold_group<G: Group>(acc: &mut G, x: &G, f: &mut Combine<'_>) {
    acc.combine_values(x, &mut |n, a, b| match G::FIELDS.get(n) {
        Some(field) if field.kind == Kind::Level => f(field, a, b),
        _ => a,
    });
}

fn group_levels<G: Group>(g: &G) -> ItemLevels {
    let mut out = Vec::with_capacity(levels_in(G::FIELDS));
    let mut n = 0;
    g.raw_values(&mut |v| {
        if G::FIELDS.get(n).is_some_and(|f| f.kind == Kind::Level) {
            out.push(v);
        }
        n += 1;
    });
    out
}

/// Set `g`'s levels from `values` (levels in order); a level past its end is left.
fn set_group_levels<G: Group + Clone>(g: &mut G, values: &[Option<u64>]) {
    let mut i = 0;
    let same = g.clone();
    g.combine_values(&same, &mut |n, mine, _| match G::FIELDS.get(n) {
        Some(field) if field.kind == Kind::Level => {
            let v = values.get(i).copied().unwrap_or(mine);
            i += 1;
            v
        }
        _ => mine,
    });
}

/// A member of `Sample` as roll-ups see it: items of level fields.
trait Levels {
    /// The fields of its items' group (none: a member without levels).
    const FIELDS: &'static [Field];
    /// Fold `x`'s levels into `acc`'s by `f`, item by item (matched by `same_item`);
    /// `grow`: an item only `x` has is added as it is.
    fn fold(acc: &mut Self, x: &Self, grow: bool, f: &mut Combine<'_>);
    /// Each item's levels, in the member's order.
    fn items(&self, out: &mut Vec<ItemLevels>);
    /// Set each item's levels, in `items`' order; `false` (and nothing set) when the
    /// member does not have that many items.
    fn set_items(&mut self, items: &[ItemLevels]) -> bool;
}

impl<G: Group + Clone> Levels for Option<G> {
    const FIELDS: &'static [Field] = G::FIELDS;
    fn fold(acc: &mut Self, x: &Self, grow: bool, f: &mut Combine<'_>) {
        match (acc.as_mut(), x) {
            (Some(a), Some(b)) => fold_group(a, b, f),
            (None, Some(b)) if grow => *acc = Some(b.clone()),
            _ => {}
        }
    }
    fn items(&self, out: &mut Vec<ItemLevels>) {
        out.extend(self.as_ref().map(group_levels));
    }
    fn set_items(&mut self, items: &[ItemLevels]) -> bool {
        match (self.as_mut(), items) {
            (Some(g), [one]) => {
                set_group_levels(g, one);
                true
            }
            (None, []) => true,
            _ => false,
        }
    }
}

impl<G: Group + Clone> Levels for Vec<G> {
    const FIELDS: &'static [Field] = G::FIELDS;
    fn fold(acc: &mut Self, x: &Self, grow: bool, f: &mut Combine<'_>) {
        for b in x {
            match acc.iter_mut().find(|a| a.same_item(b)) {
                Some(a) => fold_group(a, b, f),
                None if grow => acc.push(b.clone()),
                None => {}
            }
        }
    }
    fn items(&self, out: &mut Vec<ItemLevels>) {
        out.extend(self.iter().map(group_levels));
    }
    fn set_items(&mut self, items: &[ItemLevels]) -> bool {
        if items.len() != self.len() {
            return false;
        }
        for (g, v) in self.iter_mut().zip(items) {
            set_group_levels(g, v);
        }
        true
    }
}

/// A group every sample holds once.
macro_rules! single_levels {
    ($($t:ty),*) => {$(
        impl Levels for $t {
            const FIELDS: &'static [Field] = <$t as Group>::FIELDS;
            fn fold(acc: &mut Self, x: &Self, _grow: bool, f: &mut Combine<'_>) {
                fold_group(acc, x, f)
            }
            fn items(&self, out: &mut Vec<ItemLevels>) {
                out.push(group_levels(self));
            }
            fn set_items(&mut self, items: &[ItemLevels]) -> bool {
                match items {
                    [one] => {
                        set_group_levels(self, one);
                        true
                    }
                    _ => false,
                }
            }
        }
    )*};
}

single_levels!(KernelCounters);

/// The clock is when, not a level to average: a tier sample's time is its own.
impl Levels for SampleTime {
    const FIELDS: &'static [Field] = &[];
    fn fold(_: &mut Self, _: &Self, _: bool, _: &mut Combine<'_>) {}
    fn items(&self, _: &mut Vec<ItemLevels>) {}
    fn set_items(&mut self, items: &[ItemLevels]) -> bool {
        items.is_empty()
    }
}

/// The total line, then each CPU by number.
impl Levels for CpuTimes {
    const FIELDS: &'static [Field] = CpuTicks::FIELDS;
    fn fold(acc: &mut Self, x: &Self, grow: bool, f: &mut Combine<'_>) {
        fold_group(&mut acc.total, &x.total, f);
        if grow && acc.per_cpu.len() < x.per_cpu.len() {
            acc.per_cpu.resize(x.per_cpu.len(), None);
        }
        for (a, b) in acc.per_cpu.iter_mut().zip(&x.per_cpu) {
            Levels::fold(a, b, grow, f);
        }
    }
    fn items(&self, out: &mut Vec<ItemLevels>) {
        out.push(group_levels(&self.total));
        for c in &self.per_cpu {
            c.items(out);
        }
    }
    fn set_items(&mut self, items: &[ItemLevels]) -> bool {
        let online = self.per_cpu.iter().flatten().count();
        let [total, rest @ ..] = items else {
            return false;
        };
        if rest.len() != online {
            return false;
        }
        set_group_levels(&mut self.total, total);
        for (c, v) in self.per_cpu.iter_mut().flatten().zip(rest) {
            set_group_levels(c, v);
        }
        true
    }
}

/// `some`, then `full` where the kernel has it.
impl Levels for Pressure {
    const FIELDS: &'static [Field] = PressureLine::FIELDS;
    fn fold(acc: &mut Self, x: &Self, grow: bool, f: &mut Combine<'_>) {
        fold_group(&mut acc.some, &x.some, f);
        Levels::fold(&mut acc.full, &x.full, grow, f);
    }
    fn items(&self, out: &mut Vec<ItemLevels>) {
        out.push(group_levels(&self.some));
        self.full.items(out);
    }
    fn set_items(&mut self, items: &[ItemLevels]) -> bool {
        match items {
            [some, full @ ..] if self.full.set_items(full) => {
                set_group_levels(&mut self.some, some);
                true
            }
            _ => false,
        }
    }
}

/// cpu, io, memory: those present, each its lines.
impl Levels for PressureSet {
    const FIELDS: &'static [Field] = <Pressure as Levels>::FIELDS;
    fn fold(acc: &mut Self, x: &Self, grow: bool, f: &mut Combine<'_>) {
        for (a, b) in [
            (&mut acc.cpu, &x.cpu),
            (&mut acc.io, &x.io),
            (&mut acc.memory, &x.memory),
        ] {
            match (a.as_mut(), b) {
                (Some(a), Some(b)) => Levels::fold(a, b, grow, f),
                (None, Some(b)) if grow => *a = Some(*b),
                _ => {}
            }
        }
    }
    fn items(&self, out: &mut Vec<ItemLevels>) {
        for p in [&self.cpu, &self.io, &self.memory].into_iter().flatten() {
            p.items(out);
        }
    }
    fn set_items(&mut self, items: &[ItemLevels]) -> bool {
        let mut want = 0;
        for p in [&self.cpu, &self.io, &self.memory].into_iter().flatten() {
            want += 1 + usize::from(p.full.is_some());
        }
        if items.len() != want {
            return false;
        }
        let mut rest = items;
        for p in [&mut self.cpu, &mut self.io, &mut self.memory]
            .into_iter()
            .flatten()
        {
            let n = 1 + usize::from(p.full.is_some());
            p.set_items(&rest[..n]);
            rest = &rest[n..];
        }
        true
    }
}

/// Interrupt lines are counters, one per CPU column: no levels.
impl Levels for Interrupts {
    const FIELDS: &'static [Field] = &[];
    fn fold(_: &mut Self, _: &Self, _: bool, _: &mut Combine<'_>) {}
    fn items(&self, _: &mut Vec<ItemLevels>) {}
    fn set_items(&mut self, items: &[ItemLevels]) -> bool {
        items.is_empty()
    }
}

/// From `sample_members!`: every member's levels by its group id in the log.
macro_rules! level_members {
    ($(
        $( $(#[$attr:meta])* pub $m:ident : $ty:ty => )?
        $( view $v:ident of $vm:ident as $vk:ty => )?
        $id:literal $name:literal $member:literal;
    )*) => {
        /// Fold every member of `x` into `acc`.
        fn fold_sample(acc: &mut Sample, x: &Sample, grow: bool, f: &mut Combine<'_>) {
            $($( Levels::fold(&mut acc.$m, &x.$m, grow, f); )?)*
        }

        /// The members by group id, with their items' fields.
        const LEVEL_MEMBERS: &[(u64, &[Field])] = &[$($( ($id, <$ty as Levels>::FIELDS), )?)*];

        fn member_items(s: &Sample, id: u64, out: &mut Vec<ItemLevels>) {
            match id {
                $($( $id => s.$m.items(out), )?)*
                _ => {}
            }
        }

        fn set_member(s: &mut Sample, id: u64, items: &[ItemLevels]) -> bool {
            match id {
                $($( $id => s.$m.set_items(items), )?)*
                _ => false,
            }
        }
    };
}

sample_members!(level_members);

/// The levels of the raw samples a tier sample stands for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Aggregate {
    /// Raw samples that ended an interval since the tier sample before.
    pub n: u32,
    /// Shaped like the tier sample (its items, its counters): each level field holds its
    /// minimum, sum or maximum over those samples.
    pub min: Sample,
    pub sum: Sample,
    pub max: Sample,
}

fn combine_min(_: &Field, a: Option<u64>, b: Option<u64>) -> Option<u64> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

fn combine_max(_: &Field, a: Option<u64>, b: Option<u64>) -> Option<u64> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.max(b)),
        (a, b) => a.or(b),
    }
}

/// A sum stops at what the field's type holds (a level that large summed over an hour
/// at 1 s would not fit; the mean is then not exact).
fn combine_sum(f: &Field, a: Option<u64>, b: Option<u64>) -> Option<u64> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.saturating_add(b).min(f.max)),
        (a, b) => a.or(b),
    }
}

impl Aggregate {
    /// The first raw sample of a tier interval.
    fn of(s: &Sample) -> Self {
        Aggregate {
            n: 1,
            min: s.clone(),
            sum: s.clone(),
            max: s.clone(),
        }
    }

    /// Another raw sample of the interval.
    fn add(&mut self, s: &Sample) {
        self.n = self.n.saturating_add(1);
        fold_sample(&mut self.min, s, true, &mut combine_min);
        fold_sample(&mut self.sum, s, true, &mut combine_sum);
        fold_sample(&mut self.max, s, true, &mut combine_max);
    }

    /// Shaped like `last`: its items in its order, each with what was folded of it (an
    /// item that went away before `last` is dropped).
    fn shaped_like(&self, last: &Sample) -> Aggregate {
        let take = |from: &Sample| {
            let mut s = last.clone();
            fold_sample(&mut s, from, false, &mut |_, _, b| b);
            s
        };
        Aggregate {
            n: self.n,
            min: take(&self.min),
            sum: take(&self.sum),
            max: take(&self.max),
        }
    }

    /// The record's payload, against `last` (the tier sample it follows, which it is
    /// shaped like): `n`, then per member with levels: its group id, the block's length,
    /// and the block: level fields per item `k`, the bits each is rotated by as a sample
    /// stores it (`align_bits`), items `m`, then per item and field zigzag(min − last),
    /// zigzag(max − last), zigzag(sum − n × last), each taken of the values as stored and
    /// wrapping at 2^64. An absent field is three zeros.
    pub fn encode(&self, last: &Sample, out: &mut Vec<u8>) {
        out.clear();
        put_varint(out, u64::from(self.n));
        let n = u64::from(self.n);
        let (mut l, mut lo, mut su, mut hi) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        let mut block = Vec::new();
        for &(id, fields) in LEVEL_MEMBERS {
            let bits: Vec<u32> = level_bits(fields).collect();
            if bits.is_empty() {
                continue;
            }
            for v in [&mut l, &mut lo, &mut su, &mut hi] {
                v.clear();
            }
            member_items(last, id, &mut l);
            if l.is_empty() {
                continue;
            }
            member_items(&self.min, id, &mut lo);
            member_items(&self.sum, id, &mut su);
            member_items(&self.max, id, &mut hi);
            block.clear();
            put_varint(&mut block, bits.len() as u64);
            bits.iter()
                .for_each(|&b| put_varint(&mut block, u64::from(b)));
            put_varint(&mut block, l.len() as u64);
            for i in 0..l.len() {
                for (j, &b) in bits.iter().enumerate() {
                    let at =
                        |v: &[ItemLevels]| v.get(i).and_then(|it| it.get(j).copied().flatten());
                    let Some(last) = at(&l) else {
                        block.extend_from_slice(&[0, 0, 0]);
                        continue;
                    };
                    let stored = |v: Option<u64>| v.unwrap_or(last).rotate_right(b);
                    let base = stored(Some(last));
                    let off = |v: u64, base: u64| zigzag(v.wrapping_sub(base) as i64);
                    put_varint(&mut block, off(stored(at(&lo)), base));
                    put_varint(&mut block, off(stored(at(&hi)), base));
                    put_varint(&mut block, off(stored(at(&su)), base.wrapping_mul(n)));
                }
            }
            put_varint(out, id);
            put_varint(out, block.len() as u64);
            out.extend_from_slice(&block);
        }
    }

    /// The aggregate a record's payload holds, against the tier sample `last` it
    /// follows, in a file of format `version` (before format 6, each offset taken of
    /// the values as they are, and clamped). A member this rsar does not know is
    /// skipped; one whose items do not match `last`'s keeps `last`'s levels (as does a
    /// field the file lacks), and so does everything when the payload is damaged past
    /// what it could read.
    pub fn decode(payload: &[u8], last: &Sample, version: u16) -> Result<Aggregate, DecodeError> {
        let mut c = Cursor::new(payload);
        let n = u32::try_from(c.varint()?).map_err(|_| DecodeError("count too large"))?;
        let mut agg = Aggregate {
            n,
            min: last.clone(),
            sum: last.clone(),
            max: last.clone(),
        };
        // Unknown: n × last (the sum were every sample the last).
        scale_levels(&mut agg.sum, n);
        let stored = version >= VERSION_ALIGNED;
        let mut l = Vec::new();
        while c.remaining() > 0 {
            let id = c.varint()?;
            let len = c.count(c.remaining())?;
            let mut b = Cursor::new(c.bytes(len)?);
            let Some(&(_, fields)) = LEVEL_MEMBERS.iter().find(|(i, _)| *i == id) else {
                continue;
            };
            let known = levels_in(fields);
            l.clear();
            member_items(last, id, &mut l);
            let k = b.count(1 << 16)?;
            // Before format 6, offsets of the values as they are.
            let mut bits = vec![0; k];
            if stored {
                for x in &mut bits {
                    *x = u32::try_from(b.count(63)?).unwrap_or(0);
                }
            }
            let m = b.count(b.remaining())?;
            if m != l.len() {
                continue;
            }
            let (mut lo, mut su, mut hi) = (l.clone(), l.clone(), l.clone());
            for i in 0..m {
                for j in 0..k {
                    let (dlo, dhi, dsu) = (b.varint()?, b.varint()?, b.varint()?);
                    let Some(Some(base)) = l[i].get(j).copied().filter(|_| j < known) else {
                        continue;
                    };
                    let bits = bits[j];
                    let at = |d: u64, times: u64| {
                        let d = unzigzag(d);
                        if stored {
                            let base = base.rotate_right(bits).wrapping_mul(times);
                            return Some(base.wrapping_add(d as u64).rotate_left(bits));
                        }
                        let v = i128::from(base) * i128::from(times) + i128::from(d);
                        Some(v.clamp(0, i128::from(u64::MAX)) as u64)
                    };
                    lo[i][j] = at(dlo, 1);
                    hi[i][j] = at(dhi, 1);
                    su[i][j] = at(dsu, u64::from(n));
                }
            }
            set_member(&mut agg.min, id, &lo);
            set_member(&mut agg.sum, id, &su);
            set_member(&mut agg.max, id, &hi);
        }
        Ok(agg)
    }

    /// The sample whose levels are the means' numerators: `last`'s counters with each
    /// level the sum over the `n` raw samples. `stats` turns it into an interval whose
    /// levels weigh `n` samples.
    pub fn sums(&self) -> &Sample {
        &self.sum
    }
}

/// Each level of `s` times `n` (saturating at what its field holds).
fn scale_levels(s: &mut Sample, n: u32) {
    let copy = s.clone();
    fold_sample(s, &copy, false, &mut |f, a, _| {
        a.map(|v| v.saturating_mul(u64::from(n)).min(f.max))
    });
}

/// A place in a tier's records, in the order of the raw records they come of.
enum Slot {
    Ready(Record),
    /// A tier sample `cgroups` holds, and its roll-up record.
    Sample,
    /// A tier process table `procs` holds.
    Processes,
}

/// Down-samples raw records to one tier, holding one interval's aggregate at a time,
/// and a tier sample and a tier process table until the next (`cgroups`, `procs`), with
/// the records after them.
pub struct Builder {
    step_s: i64,
    offset_s: i64,
    /// The last raw sample of the boot so far, and whether it was kept.
    prev: Option<(Box<Sample>, bool)>,
    acc: Option<Aggregate>,
    payload: Vec<u8>,
    cgroups: cgroups::CgroupRollup,
    procs: procs::ProcRollup,
    /// The tier's records not yet out, in order: those ready wait for the held ones
    /// before them.
    queue: VecDeque<Slot>,
}

impl Builder {
    /// A tier counted from local midnight at `utc_offset_s` east of UTC, of a machine
    /// whose clock ticks `user_hz` times a second (until a restart says otherwise).
    pub fn new(tier: Tier, utc_offset_s: i32, user_hz: u32) -> Builder {
        Builder {
            step_s: tier.step_s(),
            offset_s: i64::from(utc_offset_s),
            prev: None,
            acc: None,
            payload: Vec::new(),
            cgroups: cgroups::CgroupRollup::default(),
            procs: procs::ProcRollup::new(user_hz),
            queue: VecDeque::new(),
        }
    }

    fn bucket(&self, wall_ns: i64) -> i64 {
        (wall_ns.div_euclid(1_000_000_000) + self.offset_s).div_euclid(self.step_s)
    }

    /// The records at the front of the queue that wait for nothing.
    fn flush(&mut self, out: &mut dyn FnMut(Record)) {
        while let Some(Slot::Ready(_)) = self.queue.front() {
            if let Some(Slot::Ready(r)) = self.queue.pop_front() {
                out(r);
            }
        }
    }

    /// Put `records` in the first place held for `which`; at the end when none is.
    fn fill(&mut self, which: fn(&Slot) -> bool, records: Vec<Record>) {
        let ready = records.into_iter().map(Slot::Ready);
        match self.queue.iter().position(which) {
            Some(at) => {
                let rest = self.queue.split_off(at + 1);
                self.queue.pop_back();
                self.queue.extend(ready);
                self.queue.extend(rest);
            }
            None => self.queue.extend(ready),
        }
    }

    /// A tier sample and its roll-up record (none for a boot's first), cut to its
    /// cgroups, in the place held for it.
    fn sample_out(&mut self, (s, levels): (Box<Sample>, Option<Aggregate>)) {
        let mut records = Vec::with_capacity(2);
        let payload = levels.map(|a| {
            a.shaped_like(&s).encode(&s, &mut self.payload);
            self.payload.clone()
        });
        records.push(Record::Sample(s));
        records.extend(payload.map(Record::Rollup));
        self.fill(|s| matches!(s, Slot::Sample), records);
    }

    /// Keep the boot's last sample if it was not kept, and its last process table.
    fn close_boot(&mut self) {
        if let Some((s, false)) = self.prev.take() {
            self.emit(s);
        }
        self.acc = None;
        if let Some(held) = self.cgroups.finish_boot() {
            self.sample_out(held);
        }
        for t in self.procs.finish_boot() {
            self.fill(|s| matches!(s, Slot::Processes), vec![Record::Processes(t)]);
        }
    }

    /// A tier sample, held until the next tier sample says which cgroups it keeps.
    fn emit(&mut self, s: Box<Sample>) {
        if let Some(held) = self.cgroups.push(s, self.acc.take()) {
            self.sample_out(held);
        }
        self.queue.push_back(Slot::Sample);
    }

    /// The next raw record.
    pub fn push(&mut self, r: Record, out: &mut dyn FnMut(Record)) {
        match r {
            Record::Sample(s) => self.sample(s),
            Record::Restart { ref host, .. } => {
                self.close_boot();
                self.procs.set_hz(host.user_hz);
                self.queue.push_back(Slot::Ready(r));
            }
            Record::Comment { .. } => self.queue.push_back(Slot::Ready(r)),
            Record::Processes(t) => {
                match self.procs.last_uptime() {
                    // The midnight table again (the day's parts), or a table repeated.
                    Some(u) if t.uptime_cs == u => return,
                    // Uptime went back with no sample to say so: a new boot all the same.
                    Some(u) if t.uptime_cs < u => self.close_boot(),
                    _ => {}
                }
                let bucket = self.bucket(t.wall_ns);
                let (released, held) = self.procs.push(t, bucket);
                if let Some(t) = released {
                    self.fill(|s| matches!(s, Slot::Processes), vec![Record::Processes(t)]);
                }
                if held {
                    self.queue.push_back(Slot::Processes);
                }
            }
            // A roll-up of a roll-up is not read.
            Record::Rollup(_) => {}
        }
        self.flush(out);
    }

    fn sample(&mut self, s: Box<Sample>) {
        let key = |s: &Sample| (s.time.wall_ns, s.time.uptime_cs);
        match &self.prev {
            // The midnight sample again (the day's parts), or a sample repeated.
            Some((p, _)) if key(p) == key(&s) => {}
            // Uptime went back without a restart record: a new boot all the same.
            Some((p, _)) if s.time.uptime_cs <= p.time.uptime_cs => {
                self.close_boot();
                self.first_of_boot(s);
            }
            None => self.first_of_boot(s),
            Some((p, _)) => {
                match &mut self.acc {
                    Some(a) => a.add(&s),
                    None => self.acc = Some(Aggregate::of(&s)),
                }
                self.cgroups.raw(Some(p), &s);
                let first_of_bucket = self.bucket(p.time.wall_ns) != self.bucket(s.time.wall_ns);
                self.prev = Some((s.clone(), first_of_bucket));
                if first_of_bucket {
                    self.emit(s);
                }
            }
        }
    }

    /// A boot's first sample: a tier sample, with no interval before it.
    fn first_of_boot(&mut self, s: Box<Sample>) {
        self.cgroups.raw(None, &s);
        self.prev = Some((s.clone(), true));
        self.emit(s);
    }

    /// The end of the raw records.
    pub fn finish(&mut self, out: &mut dyn FnMut(Record)) {
        self.close_boot();
        self.flush(out);
    }
}

/// What building a day's tiers did.
#[derive(Debug, Default)]
pub struct Built {
    pub written: Vec<PathBuf>,
    /// Damage in the raw day, one line per file (the tier holds what could be read).
    pub damage: Vec<String>,
    /// Tiers that could not be written (the others were).
    pub problems: Vec<String>,
}

/// Build `tiers` of `date` from its raw files in `dir` (compressed parts, then the plain
/// file), replacing tier files built before. Each tier is written to a temporary file
/// created exclusively, compressed, then renamed to its name: a crash leaves the old
/// tier or the new one, never part of one. Nothing is followed through a link.
pub fn build_day(dir: &LogDir, date: NaiveDate, tiers: &[Tier]) -> Result<Built, StoreError> {
    let io_at = |path: PathBuf| move |source| StoreError::Io { path, source };
    let mut done = Built::default();
    let names: Vec<String> = day_files(dir.path(), date)
        .map_err(io_at(dir.path().to_path_buf()))?
        .into_iter()
        .filter_map(|p| p.file_name().and_then(|n| n.to_str()).map(str::to_string))
        .collect();
    let Some(first) = names.first() else {
        return Ok(done);
    };
    let header = LogReader::open_in(dir, first)?.header().clone();
    let mut builders = Vec::new();
    let mut writers = Vec::new();
    let mut building = Vec::new();
    for &t in tiers {
        let tmp = format!("{}.tmp", t.file_name(date));
        let opened = clear_leftover(dir, &tmp).and_then(|()| {
            DayWriter::open_in(
                dir,
                &tmp,
                &header.host,
                header.created_ns,
                header.utc_offset_s,
                NonRegular::Refuse,
            )
        });
        match opened {
            Ok((w, _)) => {
                writers.push((w, header.host.clone(), None::<StoreError>));
                builders.push(Builder::new(t, header.utc_offset_s, header.host.user_hz));
                building.push(t);
            }
            Err(e) => done.problems.push(format!(
                "cannot roll up {date} to its {} tier: {e}",
                t.name()
            )),
        }
    }
    if building.is_empty() {
        return Ok(done);
    }
    let mut write = |i: usize, r: Record| {
        let (w, host, failed) = &mut writers[i];
        if failed.is_some() {
            return;
        }
        let res = match r {
            Record::Sample(s) => w.append_sample(host, &s),
            Record::Rollup(p) => w.append_rollup(&p),
            Record::Restart { wall_ns, host: h } => {
                *host = h;
                w.append_restart(host, wall_ns)
            }
            Record::Comment { wall_ns, text } => w.append_comment(wall_ns, &text),
            Record::Processes(t) => w.append_processes(&t),
        };
        if let Err(e) = res {
            *failed = Some(e);
        }
    };
    for name in &names {
        let mut reader = LogReader::open_in(dir, name)?;
        while let Some((_, r)) = reader.next_record()? {
            for (i, b) in builders.iter_mut().enumerate() {
                b.push(r.clone(), &mut |t| write(i, t));
            }
        }
        let skipped = reader.damage().skipped();
        if skipped > 0 || reader.cut().is_some() {
            done.damage.push(format!(
                "{}: {skipped} damaged records skipped{}",
                dir.join(name).display(),
                reader.cut().map_or(String::new(), |c| format!("; {c}"))
            ));
        }
    }
    for (i, b) in builders.iter_mut().enumerate() {
        b.finish(&mut |t| write(i, t));
    }
    for ((w, _, failed), t) in writers.into_iter().zip(building) {
        let published = match failed {
            Some(e) => Err(e),
            None => w.sync().and_then(|()| publish(dir, &t.file_name(date), w)),
        };
        match published {
            Ok(p) => done.written.push(p),
            Err(e) => done.problems.push(format!(
                "cannot roll up {date} to its {} tier: {e}",
                t.name()
            )),
        }
    }
    Ok(done)
}

/// A leftover `name` from a crash (or something planted): the entry itself removed,
/// never what a link points to; a directory is not ours to remove.
pub(super) fn clear_leftover(dir: &LogDir, name: &str) -> Result<(), StoreError> {
    let err = |source| StoreError::Io {
        path: dir.join(name),
        source,
    };
    match dir.entry(name).map_err(err)? {
        None => Ok(()),
        Some((EntryKind::Directory, _)) => {
            Err(err(super::safe_dir::not_regular(EntryKind::Directory)))
        }
        Some(_) => dir.remove(name).map_err(err),
    }
}

/// A tier is compressed in frames of about this many bytes of records, four times a raw
/// day's: its day is a few frames (this VM's minute tier, about 1.5 MB a day, six), with
/// a quarter as many keys at their starts (a synthetic day's minute tier 3.6 % smaller),
/// and a damaged byte costs a few hours of one tier, which the raw days (for their
/// retention) and the other tier still hold.
pub const TIER_FRAME_BYTES: usize = 4 * super::FRAME_BYTES;

/// `NAME.tmp` (plain) compressed to `NAME.tmp.zst`, renamed over `NAME`; the plain
/// temporary removed.
fn publish(dir: &LogDir, name: &str, written: DayWriter) -> Result<PathBuf, StoreError> {
    drop(written);
    let tmp = format!("{name}.tmp");
    let ztmp = format!("{name}.tmp.zst");
    let err = |n: &str| {
        let path = dir.join(n);
        move |source| StoreError::Io { path, source }
    };
    let mut raw = Vec::new();
    dir.open_regular(&tmp, false)
        .and_then(|mut f| f.read_to_end(&mut raw))
        .map_err(err(&tmp))?;
    let packed = super::compress_frames_of(&raw, TIER_FRAME_BYTES).map_err(err(&tmp))?;
    clear_leftover(dir, &ztmp)?;
    let mut out = dir.create_new(&ztmp).map_err(err(&ztmp))?;
    out.write_all(&packed)
        .and_then(|()| out.sync_all())
        .map_err(err(&ztmp))?;
    drop(out);
    dir.rename_replacing(&ztmp, name).map_err(err(name))?;
    dir.remove(&tmp).map_err(err(&tmp))?;
    dir.sync();
    Ok(dir.join(name))
}

/// The tiers rsadc builds, each with how long it is kept, in days (a tier file older than
/// that is deleted).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Retention {
    /// Finest first, one entry per tier.
    tiers: Vec<(Tier, u32)>,
}

impl Default for Retention {
    /// A year and a day of minutes, two years of hours.
    fn default() -> Self {
        Retention {
            tiers: vec![(Tier::MINUTE, 366), (Tier::HOUR, 732)],
        }
    }
}

impl Retention {
    /// These tiers, each kept so many days; `None` when a tier is named twice (or none
    /// is).
    pub fn new(mut tiers: Vec<(Tier, u32)>) -> Option<Retention> {
        tiers.sort();
        let n = tiers.len();
        tiers.dedup_by_key(|(t, _)| *t);
        (n > 0 && tiers.len() == n).then_some(Retention { tiers })
    }

    /// `1m:366,1h:732` (rsadc's `--tiers`): each tier's interval and the days it is
    /// kept.
    pub fn parse(s: &str) -> Result<Retention, String> {
        let tiers = s
            .split(',')
            .map(|one| {
                let (t, days) = one
                    .split_once(':')
                    .ok_or_else(|| format!("{one}: a tier is INTERVAL:DAYS, as 1m:366"))?;
                let tier = Tier::parse(t).ok_or_else(|| {
                    format!(
                        "{t}: an interval is a number and s, m, h or d, of at least {} s, \
                         that divides a day (1m, 5m, 1h)",
                        Tier::MIN_STEP_S
                    )
                })?;
                let days = days
                    .parse()
                    .map_err(|_| format!("{days}: the days a tier is kept are a whole number"))?;
                Ok((tier, days))
            })
            .collect::<Result<Vec<_>, String>>()?;
        Retention::new(tiers).ok_or_else(|| format!("{s}: each tier once"))
    }

    /// The tiers built, finest first.
    pub fn tiers(&self) -> impl Iterator<Item = Tier> + '_ {
        self.tiers.iter().map(|(t, _)| *t)
    }

    /// How long `t` is kept: its days when it is built; a tier no longer built (the
    /// tiers were changed) as long as the longest kept, so that changing them never
    /// deletes history sooner than that.
    fn days(&self, t: Tier) -> u32 {
        self.tiers
            .iter()
            .find(|(x, _)| *x == t)
            .or_else(|| self.tiers.iter().max_by_key(|(_, d)| *d))
            .map_or(0, |(_, d)| *d)
    }
}

/// As `Retention::parse` reads it: `1m:366,1h:732`.
impl std::fmt::Display for Retention {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let tiers: Vec<String> = self
            .tiers
            .iter()
            .map(|(t, days)| format!("{}:{days}", t.name()))
            .collect();
        f.write_str(&tiers.join(","))
    }
}

/// What rolling up a directory did.
#[derive(Debug, Default)]
pub struct RolledUp {
    pub written: Vec<PathBuf>,
    pub deleted: Vec<PathBuf>,
    /// Damage in raw days rolled up, one line per file.
    pub damage: Vec<String>,
    pub problems: Vec<String>,
}

/// Roll up every closed day (before `today`) of `dir` whose tiers are missing or older
/// than one of its raw files, and delete tier files past `keep`. Running it again
/// changes nothing: a tier is rebuilt only when its raw day changed since.
pub fn roll_up(dir: &Path, today: NaiveDate, keep: &Retention) -> io::Result<RolledUp> {
    let log_dir = LogDir::open(dir)?;
    let mut done = RolledUp::default();
    let mtime = |name: &str| match log_dir.entry(name) {
        Ok(Some((EntryKind::Regular, st))) => Some((st.st_mtime, st.st_mtime_nsec)),
        _ => None,
    };
    let mut days: Vec<(NaiveDate, Vec<String>)> = Vec::new();
    for (date, path, _) in super::list_days(dir)? {
        let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
            continue;
        };
        match days.last_mut() {
            Some((d, names)) if *d == date => names.push(name.to_string()),
            _ => days.push((date, vec![name.to_string()])),
        }
    }
    for (date, names) in days.into_iter().filter(|(d, _)| *d < today) {
        let newest = names.iter().filter_map(|n| mtime(n)).max();
        let stale: Vec<Tier> = keep
            .tiers()
            .filter(|&t| (today - date).num_days() <= i64::from(keep.days(t)))
            .filter(|t| match (mtime(&t.file_name(date)), newest) {
                (Some(built), Some(raw)) => built < raw,
                _ => true,
            })
            .collect();
        if stale.is_empty() {
            continue;
        }
        match build_day(&log_dir, date, &stale) {
            Ok(b) => {
                done.written.extend(b.written);
                done.damage.extend(b.damage);
                done.problems.extend(b.problems);
            }
            Err(e) => done.problems.push(format!("cannot roll up {date}: {e}")),
        }
    }
    for (date, tier, path) in list_tiers(dir)? {
        if (today - date).num_days() <= i64::from(keep.days(tier)) {
            continue;
        }
        let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
            continue;
        };
        match super::delete_entry(&log_dir, name, "tier file") {
            Ok(true) => done.deleted.push(path),
            Ok(false) => {}
            Err(e) => done.problems.push(e),
        }
    }
    Ok(done)
}
