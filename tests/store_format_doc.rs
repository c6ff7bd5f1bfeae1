//! `docs/FORMAT.md`'s field tables are generated from the schema (`rsar::sample::GROUPS`):
//! this test fails when they differ from the code's declaration; `RSAR_BLESS=1 cargo test
//! --test store_format_doc` rewrites them.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failure report

use rsar::sample::{Kind, GROUPS};
use std::path::PathBuf;

const BEGIN: &str = "<!-- field tables: generated from src/sample.rs by tests/store_format_doc.rs; do not edit -->\n";
const END: &str = "<!-- end of generated field tables -->\n";

fn tables() -> String {
    let mut out = String::new();
    for g in GROUPS {
        out.push_str(&format!("\n#### Group {}: {}\n\n", g.id, g.name));
        match g.item {
            Some(item) => out.push_str(&format!("Items: {item}. ")),
            None => out.push_str("One item. "),
        }
        out.push_str(&format!("In a `Sample`: {}.\n\n", g.member));
        if g.fields.is_empty() {
            out.push_str("No fields: its item set is all it holds.\n");
            continue;
        }
        out.push_str("| # | field | kind | unit | wraps at | source | since Linux | optional | description |\n");
        out.push_str("|---|---|---|---|---|---|---|---|---|\n");
        for (i, f) in g.fields.iter().enumerate() {
            let kind = match f.kind {
                Kind::Counter => "counter",
                Kind::Level => "level",
            };
            let wrap = f.wrap_bits.map_or(String::new(), |b| format!("2^{b}"));
            let optional = if f.optional {
                "yes"
            } else if f.max == u64::from(u32::MAX) {
                "no (u32)"
            } else {
                "no"
            };
            out.push_str(&format!(
                "| {i} | `{}` | {kind} | {} | {wrap} | `{}` | {} | {optional} | {} |\n",
                f.name,
                f.unit,
                f.source,
                f.since.unwrap_or(""),
                f.doc.trim().replace('\n', " ").replace('|', "\\|"),
            ));
        }
    }
    out.push('\n');
    out
}

#[test]
fn the_format_documents_field_tables_match_the_schema() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("docs/FORMAT.md");
    let doc = std::fs::read_to_string(&path).unwrap();
    let (Some(b), Some(e)) = (doc.find(BEGIN), doc.find(END)) else {
        panic!(
            "{}: the generated-table markers are missing",
            path.display()
        );
    };
    let want = format!("{}{BEGIN}{}{}", &doc[..b], tables(), &doc[e..]);
    if std::env::var_os("RSAR_BLESS").is_some() && want != doc {
        std::fs::write(&path, &want).unwrap();
        return;
    }
    assert!(
        want == doc,
        "{}'s field tables are stale: run `RSAR_BLESS=1 cargo test --test store_format_doc` and commit it",
        path.display()
    );
}

#[test]
fn every_group_has_a_unique_id_and_every_field_a_unique_name() {
    let mut ids: Vec<u8> = GROUPS.iter().map(|g| g.id).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), GROUPS.len());
    for g in GROUPS {
        // Only a group of names (its item set) has no numbers.
        assert!(!g.fields.is_empty() || g.item.is_some(), "{}", g.name);
        let mut names: Vec<&str> = g.fields.iter().map(|f| f.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), g.fields.len(), "{}", g.name);
        for f in g.fields {
            assert!(
                !f.doc.trim().is_empty(),
                "{}.{} has no description",
                g.name,
                f.name
            );
        }
    }
}
