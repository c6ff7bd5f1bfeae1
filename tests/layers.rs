//! The library's modules form layers, and an import only ever reaches down: this test
//! reads every `crate::…` path in `src/**/*.rs`, builds the graph of top-level modules,
//! and fails on an import that reaches a higher layer and on any cycle, naming the files
//! and lines that make it. DESIGN.md §1: data flows one way, recording `probe → Sample →
//! store`, reading `Source → pipeline → stats → Render`, and a module never reaches back
//! up that chain.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failure report

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The layers, lowest first. A module may import its own layer's modules and those of
/// lower layers, never a higher one. `stats` sits right on the schema: it knows nothing
/// of where samples came from (a /proc tree, a log, an sa file). A source (`live`,
/// `source`, and `sysstat`, which reads sa files as records of the log's kind) knows
/// nothing of reports; the renderers know samples and intervals, never where they came
/// from; the one loop (`feed`, `pipeline`) drives a source into a renderer; commands sit
/// on top.
const LAYERS: &[&[&str]] = &[
    &["time", "wait"],
    &["sample", "cgroup"],
    &["stats"],
    &["process", "probe"],
    &["store"],
    &["sysstat"],
    &["source", "live", "history"],
    &["report"],
    &["feed", "pipeline"],
    &["import", "export", "tui", "explain"],
    &["settings", "cli"],
];

/// One `crate::` reference: which module it names, and where.
#[derive(Debug, Clone)]
struct Import {
    from: String,
    to: String,
    at: String,
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// The top-level module a file under `src` belongs to; `None` for the crate roots
/// (`lib.rs` declares the modules; `main.rs` is the binary, whose `crate` is not the
/// library).
fn module_of(src: &Path, file: &Path) -> Option<String> {
    let rel = file.strip_prefix(src).unwrap();
    let first = rel.components().next()?.as_os_str().to_str()?;
    let name = first.strip_suffix(".rs").unwrap_or(first);
    (!matches!(name, "lib" | "main")).then(|| name.to_string())
}

/// The modules named right after each `crate::` in `line` (`crate::a::X`,
/// `crate::{a::X, b::{Y, Z}}`).
fn crate_paths(line: &str) -> Vec<String> {
    let ident = |s: &str| -> String {
        s.chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect()
    };
    let mut out = Vec::new();
    let mut rest = line;
    while let Some(i) = rest.find("crate::") {
        // `rsar::crate::` does not occur; `some_crate::` is another crate.
        let before = rest[..i].chars().next_back();
        rest = &rest[i + "crate::".len()..];
        if before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_') {
            continue;
        }
        if let Some(group) = rest.strip_prefix('{') {
            // The first name of each item at the group's top level.
            let mut depth = 0;
            let mut item_start = true;
            for (j, c) in group.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => break,
                    '}' => depth -= 1,
                    ',' if depth == 0 => item_start = true,
                    c if item_start && !c.is_whitespace() => {
                        item_start = false;
                        let name = ident(&group[j..]);
                        if !name.is_empty() && name != "self" {
                            out.push(name);
                        }
                    }
                    _ => {}
                }
            }
        } else {
            let name = ident(rest);
            if !name.is_empty() {
                out.push(name);
            }
        }
    }
    out
}

fn imports() -> Vec<Import> {
    let src = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    files.sort();
    let mut out = Vec::new();
    for file in files {
        let Some(from) = module_of(&src, &file) else {
            continue;
        };
        let text = std::fs::read_to_string(&file).unwrap();
        // A `use` may span lines: join each statement before reading it.
        let mut stmt = String::new();
        let mut stmt_line = 0;
        for (n, raw) in text.lines().enumerate() {
            let code = raw.split("//").next().unwrap_or("");
            if stmt.is_empty() {
                stmt_line = n + 1;
            }
            stmt.push_str(code);
            stmt.push(' ');
            let open = stmt.matches('{').count() > stmt.matches('}').count();
            if stmt.contains("crate::{") && open && !stmt.contains(';') {
                continue;
            }
            for to in crate_paths(&stmt) {
                if to != from {
                    out.push(Import {
                        from: from.clone(),
                        to,
                        at: format!(
                            "{}:{stmt_line}",
                            file.strip_prefix(src.parent().unwrap()).unwrap().display()
                        ),
                    });
                }
            }
            stmt.clear();
        }
    }
    out
}

fn layer_of(module: &str) -> Option<usize> {
    LAYERS.iter().position(|l| l.contains(&module))
}

/// A shortest path of imports from `start` to `goal`, both included.
fn path_between(
    edges: &BTreeMap<String, BTreeSet<String>>,
    start: &str,
    goal: &str,
) -> Option<Vec<String>> {
    // Breadth first, so the cycle named is a shortest one.
    let mut came: BTreeMap<String, String> = BTreeMap::new();
    let mut queue = std::collections::VecDeque::from([start.to_string()]);
    let mut seen = BTreeSet::from([start.to_string()]);
    while let Some(m) = queue.pop_front() {
        if m == goal {
            let mut path = vec![m.clone()];
            let mut at = m;
            while let Some(p) = came.get(&at) {
                path.push(p.clone());
                at = p.clone();
            }
            path.reverse();
            return Some(path);
        }
        for n in edges.get(&m).into_iter().flatten() {
            if seen.insert(n.clone()) {
                came.insert(n.clone(), m.clone());
                queue.push_back(n.clone());
            }
        }
    }
    None
}

/// What is wrong with the import graph, one line each: modules no layer names, imports
/// that reach a higher layer, and cycles (each named once, by its modules in order and
/// the lines of each step).
fn problems(imports: &[Import]) -> Vec<String> {
    let mut out = Vec::new();
    let modules: BTreeSet<&str> = imports
        .iter()
        .flat_map(|i| [i.from.as_str(), i.to.as_str()])
        .collect();
    for m in &modules {
        if layer_of(m).is_none() {
            out.push(format!("module `{m}` is in no layer: add it to LAYERS"));
        }
    }
    let mut climbs: BTreeMap<(String, String), Vec<&str>> = BTreeMap::new();
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut lines: BTreeMap<(String, String), Vec<&str>> = BTreeMap::new();
    for i in imports {
        edges
            .entry(i.from.clone())
            .or_default()
            .insert(i.to.clone());
        lines
            .entry((i.from.clone(), i.to.clone()))
            .or_default()
            .push(&i.at);
        if let (Some(a), Some(b)) = (layer_of(&i.from), layer_of(&i.to)) {
            if b > a {
                climbs
                    .entry((i.from.clone(), i.to.clone()))
                    .or_default()
                    .push(&i.at);
            }
        }
    }
    for ((from, to), at) in &climbs {
        out.push(format!("`{from}` reaches up to `{to}` ({})", at.join(", ")));
    }
    let mut named: BTreeSet<BTreeSet<String>> = BTreeSet::new();
    for (from, tos) in &edges {
        for to in tos {
            let Some(back) = path_between(&edges, to, from) else {
                continue;
            };
            let mut cycle = vec![from.clone()];
            cycle.extend(back);
            if !named.insert(cycle.iter().cloned().collect()) {
                continue;
            }
            let steps: Vec<String> = cycle
                .windows(2)
                .map(|w| {
                    let at = &lines[&(w[0].clone(), w[1].clone())];
                    format!("{} → {} ({})", w[0], w[1], at[0])
                })
                .collect();
            out.push(format!("cycle {}: {}", cycle.join(" → "), steps.join("; ")));
        }
    }
    out
}

#[test]
fn imports_only_reach_down_and_form_no_cycle() {
    let imports = imports();
    // The reader must see the imports it is checking: a parse that finds nothing passes
    // vacuously.
    assert!(
        imports
            .iter()
            .any(|i| i.from == "report" && i.to == "stats"),
        "the checker found no `crate::stats` in src/report: it is not reading the sources"
    );
    let problems = problems(&imports);
    assert!(
        problems.is_empty(),
        "the module graph breaks its layers:\n{}",
        problems.join("\n")
    );
}

#[test]
fn the_checker_reads_grouped_and_nested_paths() {
    assert_eq!(crate_paths("use crate::sample::Sample;"), ["sample"]);
    assert_eq!(
        crate_paths("use crate::{sample::{A, B}, stats::C, self};"),
        ["sample", "stats"]
    );
    assert_eq!(
        crate_paths("let x = crate::time::now(crate::probe::clock);"),
        ["time", "probe"]
    );
    assert!(crate_paths("use other_crate::x;").is_empty());
}

#[test]
fn the_checker_names_a_climb_and_a_cycle() {
    let import = |from: &str, to: &str| Import {
        from: from.into(),
        to: to.into(),
        at: format!("src/{from}.rs:1"),
    };
    let p = problems(&[import("report", "stats"), import("stats", "report")]);
    assert!(
        p.iter()
            .any(|l| l.starts_with("`stats` reaches up to `report`")),
        "{p:?}"
    );
    assert!(
        p.iter()
            .any(|l| l.starts_with("cycle report → stats → report")),
        "{p:?}"
    );
    // Two modules of one layer may import each other's things one way, never both ways.
    let p = problems(&[import("source", "live"), import("live", "source")]);
    assert_eq!(p.len(), 1, "{p:?}");
    assert!(p[0].starts_with("cycle "), "{p:?}");
}

/// The modules `lib.rs` declares (`pub mod x;`, `mod x;`).
fn declared_modules() -> BTreeSet<String> {
    let lib = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src/lib.rs");
    std::fs::read_to_string(lib)
        .unwrap()
        .lines()
        .filter_map(|l| {
            let l = l.trim();
            let l = l.strip_prefix("pub ").unwrap_or(l);
            l.strip_prefix("mod ")?
                .strip_suffix(';')
                .map(str::to_string)
        })
        .collect()
}

/// Every module of the library has a layer, even one that imports nothing and that
/// nothing imports yet (the graph alone would not name it), and every layer's name is a
/// module: a module added without a place, or a layer naming one that is gone, fails.
#[test]
fn every_module_has_one_layer() {
    let declared = declared_modules();
    assert!(
        ["sample", "stats", "cgroup", "explain", "cli"]
            .iter()
            .all(|m| declared.contains(*m)),
        "lib.rs was not read: {declared:?}"
    );
    let layered: Vec<&str> = LAYERS.iter().flat_map(|l| l.iter().copied()).collect();
    let unplaced: Vec<&String> = declared
        .iter()
        .filter(|m| !layered.contains(&m.as_str()))
        .collect();
    assert!(unplaced.is_empty(), "modules in no layer: {unplaced:?}");
    let gone: Vec<&&str> = layered.iter().filter(|m| !declared.contains(**m)).collect();
    assert!(gone.is_empty(), "layers naming no module: {gone:?}");
    let mut once = layered.clone();
    once.sort_unstable();
    once.dedup();
    assert_eq!(once.len(), layered.len(), "a module in two layers");
}
