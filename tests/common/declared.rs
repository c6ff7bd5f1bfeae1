//! Random samples generated from the schema: every group `GROUPS` declares, each field
//! from its `Field` (its type's range, an optional field present or not), each group
//! sometimes absent, and the items of a group with items (CPUs, devices, interfaces,
//! filesystems, interrupt lines…) appearing and vanishing from one sample to the next. A
//! run of samples is a `Shape` and a list of `Change`s to it, both in the schema's terms
//! only (groups by their place in `GROUPS`, fields by their place in `FIELDS`), so a field
//! or a group added to the declaration is generated and changed with no edit here.
//! `Shape::sample` walks `Sample`'s members as `sample_members!` declares them, each made
//! by its kind (`Generated`): a single group or a group with items (its keys drawn from the
//! pool through the item's `ItemKey`) added to the declaration is generated with no edit
//! here; a group this does not put in the sample is never written, which store_v2's
//! `the_round_trip_generates_every_declared_group` reports by name.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)] // test code

use proptest::prelude::*;
// Every member type by name, as `sample_members!` names them.
use rsar::sample::*;

/// Item identities a group's items are drawn from: few, so that the same CPU, device or
/// interface comes back after it went.
pub const POOL: u32 = 6;

/// One item of a group: its identity in the pool and its fields' stored values (`None`:
/// an absent optional field). A group without items has one item, identity 0.
pub type Item = (u32, Vec<Option<u64>>);

/// A sample in the schema's terms: per declared group, in `GROUPS` order, `None` when
/// absent, else its items by identity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shape {
    pub groups: Vec<Option<Vec<Item>>>,
    /// Per identity in the pool: a name (devices, interfaces, mount points, interrupt
    /// lines, filesystem types) and bits for an item's other facts.
    pub names: Vec<String>,
    pub facts: Vec<u64>,
}

/// A value for field `f`: zeros and small numbers too, as real counters are.
fn value(f: &Field, v: u64, size: u8) -> u64 {
    let v = match size {
        0 => 0,
        1 => v % 1000,
        _ => v,
    };
    if f.max == u64::MAX {
        v
    } else {
        v % (f.max + 1)
    }
}

/// Stored values for `fields`, each optional field present or not.
pub fn arb_values(fields: &'static [Field]) -> impl Strategy<Value = Vec<Option<u64>>> {
    prop::collection::vec((any::<u64>(), any::<bool>(), 0u8..4), fields.len()).prop_map(
        move |vals| {
            fields
                .iter()
                .zip(vals)
                .map(|(f, (v, present, size))| {
                    (present || !f.optional).then_some(value(f, v, size))
                })
                .collect()
        },
    )
}

/// The items of group `g`: one for a group without items, else up to 5 distinct
/// identities of the pool (none at all too).
pub fn arb_items(g: &'static GroupInfo) -> BoxedStrategy<Vec<Item>> {
    let values = arb_values(g.fields);
    if g.item.is_none() {
        return values.prop_map(|v| vec![(0, v)]).boxed();
    }
    prop::collection::vec((0..POOL, values), 0..=5)
        .prop_map(|mut items| {
            items.sort_by_key(|i| i.0);
            items.dedup_by_key(|i| i.0);
            items
        })
        .boxed()
}

/// Any shape: each declared group present or (a fifth of the time) absent.
pub fn arb_shape() -> impl Strategy<Value = Shape> {
    let groups: Vec<_> = GROUPS
        .iter()
        .map(|g| prop::option::weighted(0.8, arb_items(g)))
        .collect();
    (
        groups,
        // Names as the kernel prints them, and empty or any text too.
        prop::collection::vec(
            "[a-z]{1,8}[0-9]?|[a-z0-9:/._@-]{0,15}|\\PC{0,6}",
            POOL as usize,
        ),
        prop::collection::vec(any::<u64>(), POOL as usize),
    )
        .prop_map(|(groups, names, facts)| Shape {
            groups,
            names,
            facts,
        })
}

/// What can happen to a sample's groups from one sample to the next; `i` is a group's
/// place in `GROUPS`, an item's place `k` and a field's `f` are taken modulo their counts.
#[derive(Debug, Clone)]
pub enum Change {
    /// Numbers move (counters up, levels down a little): field `f` of every item when bit
    /// `f % 64` of the mask is set.
    Tick(u64, u64),
    /// The group goes.
    Goes(usize),
    /// The group comes back (or changes altogether) with these items.
    Comes(usize, Vec<Item>),
    /// An item appears (or, in a group without items, its values change).
    ItemAppears(usize, Item),
    /// The item at this position goes.
    ItemGoes(usize, usize),
    /// An optional field of an item comes or goes.
    FieldPresence(usize, usize, usize, Option<u64>),
}

fn arb_group_change() -> impl Strategy<Value = Change> {
    (0..GROUPS.len()).prop_flat_map(|i| {
        let g = &GROUPS[i];
        prop_oneof![
            1 => Just(Change::Goes(i)),
            1 => arb_items(g).prop_map(move |items| Change::Comes(i, items)),
            2 => (0..POOL, arb_values(g.fields))
                .prop_map(move |item| Change::ItemAppears(i, item)),
            2 => any::<usize>().prop_map(move |k| Change::ItemGoes(i, k)),
            1 => (any::<usize>(), any::<usize>(), any::<Option<u64>>())
                .prop_map(move |(k, f, v)| Change::FieldPresence(i, k, f, v)),
        ]
    })
}

pub fn arb_change() -> impl Strategy<Value = Change> {
    prop_oneof![
        3 => (any::<u64>(), any::<u64>()).prop_map(|(x, m)| Change::Tick(x, m)),
        2 => arb_group_change(),
    ]
}

impl Shape {
    pub fn apply(&mut self, c: &Change) {
        match c {
            Change::Tick(x, mask) => {
                for (g, items) in GROUPS.iter().zip(&mut self.groups) {
                    for (_, values) in items.iter_mut().flatten() {
                        for (n, (f, v)) in g.fields.iter().zip(values.iter_mut()).enumerate() {
                            if let Some(v) = v.as_mut().filter(|_| mask >> (n % 64) & 1 == 1) {
                                let step = if f.kind == Kind::Counter {
                                    v.wrapping_add(x % 5000)
                                } else {
                                    v.wrapping_sub(x % 7)
                                };
                                *v = value(f, step, 2);
                            }
                        }
                    }
                }
            }
            Change::Goes(i) => self.groups[*i] = None,
            Change::Comes(i, items) => self.groups[*i] = Some(items.clone()),
            Change::ItemAppears(i, (id, values)) => {
                let items = self.groups[*i].get_or_insert_with(Vec::new);
                if GROUPS[*i].item.is_none() {
                    *items = vec![(0, values.clone())];
                } else if let Some(at) = items.iter().position(|it| it.0 == *id) {
                    items[at].1.clone_from(values);
                } else {
                    items.push((*id, values.clone()));
                }
            }
            Change::ItemGoes(i, k) => {
                if let Some(items) = self.groups[*i].as_mut() {
                    if GROUPS[*i].item.is_some() && !items.is_empty() {
                        let n = items.len();
                        items.remove(k % n);
                    }
                }
            }
            Change::FieldPresence(i, k, f, v) => {
                let fields = GROUPS[*i].fields;
                if let Some(items) = self.groups[*i].as_mut().filter(|it| !it.is_empty()) {
                    let n = items.len();
                    let values = &mut items[k % n].1;
                    if let Some(f) = (!fields.is_empty()).then(|| f % fields.len()) {
                        if fields[f].optional {
                            values[f] = v.map(|v| value(&fields[f], v, 2));
                        }
                    }
                }
            }
        }
    }

    /// The items of the group named `name`, none when it is absent.
    fn items(&self, name: &str) -> &[Item] {
        let i = GROUPS.iter().position(|g| g.name == name).unwrap();
        self.groups[i].as_deref().unwrap_or(&[])
    }

    fn present(&self, name: &str) -> bool {
        let i = GROUPS.iter().position(|g| g.name == name).unwrap();
        self.groups[i].is_some()
    }

    fn name(&self, id: u32) -> String {
        self.names[id as usize].clone()
    }

    fn facts(&self, id: u32) -> u64 {
        self.facts[id as usize]
    }
}

fn one<T: Group>(values: &[Option<u64>]) -> T {
    let mut t = T::default();
    t.set_raw_values(values).unwrap();
    t
}

/// A kind of `Sample` member made from a shape's group (`g`, its `GroupInfo`).
trait Generated {
    type Of;
    fn generate(shape: &Shape, g: &GroupInfo, member: &mut Self::Of);
}

impl<G: Group> Generated for Option<G> {
    type Of = Self;
    fn generate(shape: &Shape, g: &GroupInfo, member: &mut Self) {
        *member = shape.present(g.name).then(|| {
            shape
                .items(g.name)
                .first()
                .map(|i| one(&i.1))
                .unwrap_or_default()
        });
    }
}

/// An item's key from its identity in the pool: its first number the identity (a CPU,
/// a line, a device's major number), later numbers, texts and flags from its name and
/// facts.
struct PoolKey<'a> {
    shape: &'a Shape,
    id: u32,
    numbers: u32,
    texts: u32,
}

impl KeyReader for PoolKey<'_> {
    fn number(&mut self) -> Result<u64, &'static str> {
        let n = self.numbers;
        self.numbers += 1;
        Ok(match n {
            0 => u64::from(self.id),
            n => self.shape.facts(self.id) >> (16 * (n % 4)) & 0xffff,
        })
    }
    fn text(&mut self) -> Result<String, &'static str> {
        let n = self.texts;
        self.texts += 1;
        Ok(match n {
            0 => self.shape.name(self.id),
            n => format!("/{}", self.shape.name((self.id + n) % POOL)),
        })
    }
    fn bits(&mut self) -> Result<u8, &'static str> {
        Ok((self.shape.facts(self.id) >> 40) as u8)
    }
}

impl<G: ItemKey> Generated for Vec<G> {
    type Of = Self;
    fn generate(shape: &Shape, g: &GroupInfo, member: &mut Self) {
        *member = shape
            .items(g.name)
            .iter()
            .map(|(id, values)| {
                let mut key = PoolKey {
                    shape,
                    id: *id,
                    numbers: 0,
                    texts: 0,
                };
                let mut t = G::get_key(&mut key).unwrap();
                t.set_raw_values(values).unwrap();
                t
            })
            .collect();
    }
}

impl Generated for SampleTime {
    type Of = Self;
    fn generate(shape: &Shape, g: &GroupInfo, member: &mut Self) {
        *member = shape
            .items(g.name)
            .first()
            .map(|i| one(&i.1))
            .unwrap_or_default();
    }
}

impl Generated for KernelCounters {
    type Of = Self;
    fn generate(shape: &Shape, g: &GroupInfo, member: &mut Self) {
        *member = shape
            .items(g.name)
            .first()
            .map(|i| one(&i.1))
            .unwrap_or_default();
    }
}

/// The total, then a CPU per item; offline CPUs after the last online one too.
impl Generated for CpuTimes {
    type Of = Self;
    fn generate(shape: &Shape, g: &GroupInfo, member: &mut Self) {
        let cpus = shape.items(g.name);
        let ncpu = cpus.iter().map(|c| c.0 as usize + 1).max().unwrap_or(0);
        let mut per_cpu = vec![None; ncpu.max(shape.facts[0] as usize % (POOL as usize + 2))];
        for (id, values) in cpus {
            per_cpu[*id as usize] = Some(one(values));
        }
        *member = CpuTimes {
            total: cpus.first().map(|c| one(&c.1)).unwrap_or_default(),
            per_cpu,
        };
    }
}

/// Identity 2r is resource r's `some` line, 2r+1 its `full` one.
impl Generated for PressureSet {
    type Of = Self;
    fn generate(shape: &Shape, g: &GroupInfo, member: &mut Self) {
        let pressure = shape.items(g.name);
        let line = |id: u32| pressure.iter().find(|i| i.0 == id).map(|i| one(&i.1));
        let resource = |r: u32| {
            line(2 * r).map(|some| Pressure {
                some,
                full: line(2 * r + 1),
            })
        };
        *member = PressureSet {
            cpu: resource(0),
            io: resource(1),
            memory: resource(2),
        };
    }
}

/// A line per item; a CPU column per item too, its counts moving with the line's.
impl Generated for Interrupts {
    type Of = Self;
    fn generate(shape: &Shape, g: &GroupInfo, member: &mut Self) {
        let irqs = shape.items(g.name);
        *member = Interrupts {
            cpus: irqs.iter().map(|i| i.0).collect(),
            lines: irqs
                .iter()
                .map(|(id, values)| IrqLine {
                    name: shape.name(*id),
                    counts: (0..irqs.len() as u64)
                        .map(|c| values[0].unwrap_or(0).wrapping_add(c))
                        .collect(),
                })
                .collect(),
        };
    }
}

/// Each filesystem's type a name of the pool when the group is present, else empty.
impl Generated for FsTypes {
    type Of = Vec<FsUsage>;
    fn generate(shape: &Shape, g: &GroupInfo, filesystems: &mut Vec<FsUsage>) {
        let typed = shape.present(g.name);
        for (f, (id, _)) in filesystems.iter_mut().zip(shape.items("filesystems")) {
            f.fstype = if typed {
                shape.name((id + 2) % POOL)
            } else {
                String::new()
            };
        }
    }
}

/// `Shape::sample`, a member at a time as `sample_members!` declares them, each group
/// after those before it (the filesystems' types after the filesystems).
macro_rules! shape_sample {
    ($(
        $( $(#[$attr:meta])* pub $m:ident : $ty:ty => )?
        $( view $v:ident of $vm:ident as $vk:ty => )?
        $id:literal $name:literal $member:literal;
    )*) => {
        impl Shape {
            /// The sample this shape describes.
            pub fn sample(&self) -> Sample {
                let mut s = Sample::default();
                $(
                    let g = GROUPS.iter().find(|g| g.id == $id).unwrap();
                    <$($ty)? $($vk)? as Generated>::generate(self, g, &mut s.$($m)? $($vm)?);
                )*
                s
            }
        }
    };
}

rsar::sample::sample_members!(shape_sample);

/// A run of samples: a first shape and the changes after it, each change a sample more.
pub fn arb_run(max_changes: usize) -> impl Strategy<Value = Vec<Shape>> {
    (
        arb_shape(),
        prop::collection::vec(arb_change(), 0..max_changes),
    )
        .prop_map(|(first, changes)| {
            let mut shapes = vec![first];
            for c in &changes {
                let mut s = shapes.last().unwrap().clone();
                s.apply(c);
                shapes.push(s);
            }
            shapes
        })
}
