//! Each column of the report catalogue names the fields it is computed from
//! (`Column::from`, `group.field`): every column names some, every name is a field the
//! schema declares, and each named field moves the column — with that field of the
//! later sample changed and nothing else, the column shows another value in some
//! selection (`-u` or `-u ALL`, sysstat 12.6's formulas or 12.7.8's) of samples that
//! hold every group, or every group but sysstat's own `-b` totals.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failure report

#[path = "common/declared.rs"]
mod declared;

use declared::{Item, Shape, POOL};
use rsar::report::catalogue::{Report, Rows, REPORTS};
use rsar::report::{SarVersion, Selection};
use rsar::sample::{GroupInfo, GROUPS};
use rsar::stats::IntervalStats;
use std::collections::{BTreeMap, BTreeSet};

/// Distinct values: field `n` of item `id` in the earlier sample, and more in the later
/// one (counters move forward, each by its own amount). Each field is well below those
/// before it, so that a part stays below its whole (free memory, swap, inodes below
/// their totals, and free, buffers, cached and slab together too).
fn values(g: &GroupInfo, id: u32, later: bool) -> Vec<Option<u64>> {
    let width = g.fields.len() as u64;
    (0..width)
        .map(|n| {
            let v = 10_000_000 / (n + 1).pow(2) + u64::from(id);
            Some(if later { v + 500 + 10 * (width - n) } else { v })
        })
        .collect()
}

/// Every group but those of `without`, with every item of the pool where it has items
/// (every pressure line, whole physical disks, half-duplex interfaces at 1000 Mb/s).
fn shape(without: &[&str], later: bool) -> Shape {
    let groups = GROUPS
        .iter()
        .map(|g| {
            (!without.contains(&g.name)).then(|| {
                let ids = if g.item.is_none() { 0..1 } else { 0..POOL };
                ids.map(|id| (id, values(g, id, later)))
                    .collect::<Vec<Item>>()
            })
        })
        .collect();
    Shape {
        groups,
        names: ["vda", "sdb", "eth0", "ens3", "md0", "lo"]
            .map(String::from)
            .to_vec(),
        // A key's second number (a disk's minor, an interface's speed + 1) and its flags
        // (a whole disk, a physical one; not full duplex).
        facts: vec![(3 << 40) | (1001 << 16); POOL as usize],
    }
}

fn rows(r: &Report, sel: &Selection, a: &Shape, b: &Shape) -> Vec<(Option<String>, Vec<f64>)> {
    let s = IntervalStats::between(&a.sample(), &b.sample()).unwrap();
    if !(r.available)(&s) {
        return Vec::new();
    }
    let mut out = Rows::default();
    (r.values)(sel, &s, &mut out);
    out.iter()
        .map(|(item, v)| (item.map(String::from), v.to_vec()))
        .collect()
}

fn selections() -> Vec<Selection> {
    let mut out = Vec::new();
    for sar_version in [SarVersion::V12_6, SarVersion::V12_7_8] {
        let mut all = Selection::all();
        all.sar_version = sar_version;
        all.host_cpus = 4;
        out.push(all);
        let mut narrow = Selection::default();
        narrow.sar_version = sar_version;
        out.push(narrow);
    }
    out
}

/// `b` with field `field` of group `group` one more (37 more) in every item.
fn bumped(b: &Shape, group: usize, field: usize) -> Shape {
    let mut b = b.clone();
    for (_, values) in b.groups[group].iter_mut().flatten() {
        values[field] = Some(values[field].unwrap_or(0) + 37);
    }
    b
}

/// Where `name` (`group.field`) is in the schema: its group's and its field's places.
fn place(name: &str) -> Option<(usize, usize)> {
    let (group, field) = name.split_once('.')?;
    let g = GROUPS.iter().position(|g| g.name == group)?;
    let f = GROUPS[g].fields.iter().position(|f| f.name == field)?;
    Some((g, f))
}

#[test]
fn every_column_names_fields_that_move_it() {
    // Per report and column (by its key and the fields it names: `-u`'s %nice is not
    // `-u ALL`'s): the fields it names, and those seen moving it.
    type Key = (&'static str, &'static str, &'static [&'static str]);
    let mut named: BTreeMap<Key, BTreeSet<&str>> = BTreeMap::new();
    let mut moved: BTreeMap<Key, BTreeSet<&str>> = BTreeMap::new();
    let mut problems = Vec::new();
    for without in [&[][..], &["iototals"][..]] {
        let (a, b) = (shape(without, false), shape(without, true));
        for sel in selections() {
            for r in REPORTS {
                let base = rows(r, &sel, &a, &b);
                for (k, c) in (r.columns)(&sel).iter().enumerate() {
                    let key = (r.name, c.sadf, c.from);
                    if c.from.is_empty() {
                        problems.push(format!("{} {}: names no field", r.name, c.sadf));
                    }
                    for &name in c.from {
                        named.entry(key).or_default().insert(name);
                        let Some((g, f)) = place(name) else {
                            problems.push(format!("{} {}: no field {name}", r.name, c.sadf));
                            continue;
                        };
                        let after = rows(r, &sel, &a, &bumped(&b, g, f));
                        let moves = base.iter().zip(&after).any(|((i, v), (j, w))| {
                            i == j && v.get(k).zip(w.get(k)).is_some_and(|(v, w)| v != w)
                        });
                        if moves {
                            moved.entry(key).or_default().insert(name);
                        }
                    }
                }
            }
        }
    }
    for (key, names) in &named {
        let seen = moved.get(key).cloned().unwrap_or_default();
        let still: Vec<&&str> = names.difference(&seen).collect();
        if !still.is_empty() {
            problems.push(format!("{} {}: {still:?} never move it", key.0, key.1));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    // The check saw the reports' rows: a report without data checks nothing.
    assert!(moved.len() > 200, "only {} columns moved", moved.len());
}
