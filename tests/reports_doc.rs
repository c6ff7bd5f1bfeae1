//! `docs/REPORTS.md` — every report with its flag, columns, sadf keys, units and JSON member
//! — is generated from the report catalogue (`rsar::report::catalogue::REPORTS`): this test
//! fails when the file differs from the code; `RSAR_BLESS=1 cargo test --test reports_doc`
//! rewrites it.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failure report

use rsar::report::catalogue::{Column, Kind, REPORTS};
use rsar::report::{SarVersion, Selection};
use std::path::PathBuf;

fn kind(k: Kind) -> &'static str {
    match k {
        Kind::Rate => "per second",
        Kind::Percent => "percent",
        Kind::Real => "level (2 decimals)",
        Kind::Whole => "level (whole)",
    }
}

fn columns(out: &mut String, cols: &[Column]) {
    out.push_str("| sar column | sadf -j key | unit | kind |\n|---|---|---|---|\n");
    for c in cols {
        out.push_str(&format!(
            "| {} | `{}` | {} | {} |\n",
            c.sar
                .map_or("(JSON only)".to_string(), |s| format!("`{s}`")),
            c.sadf,
            c.unit,
            kind(c.kind)
        ));
    }
}

fn document() -> String {
    let mut out = String::from(
        "# rsar's reports\n\n\
         <!-- generated from src/report/catalogue.rs by tests/reports_doc.rs; do not edit -->\n\n\
         Every report rsar prints, in the order sar prints them (`-A` prints them all). Each \
         is one entry of the report catalogue; the tables, JSON (sadf -j's keys), JSON Lines, \
         CSV, SVG charts and this page are derived from it.\n\n\
         | flag | report | sadf -j member | item |\n|---|---|---|---|\n",
    );
    for r in REPORTS {
        out.push_str(&format!(
            "| `{}` | {} | `{}` | {} |\n",
            r.flag,
            r.title,
            r.json.join("."),
            r.item
                .map_or(String::new(), |i| format!("`{}` (`{}`)", i.sar, i.sadf))
        ));
    }
    for r in REPORTS {
        out.push_str(&format!("\n## `{}`: {}\n\n", r.flag, r.title));
        if let Some(source) = r.source {
            out.push_str(&format!(
                "Needs `{source}`; without it the report is left out.\n\n"
            ));
        }
        let mut basic = Selection::default();
        basic.ask(r.table);
        let (few, all) = ((r.columns)(&basic), (r.columns)(&Selection::all()));
        columns(&mut out, few);
        if few != all {
            out.push_str(&format!("\nWith `{} ALL`:\n\n", r.flag));
            columns(&mut out, all);
        }
        let mut old = basic.clone();
        old.sar_version = SarVersion::V12_6;
        if (r.columns)(&old) != few {
            out.push_str("\nWith `--sar-version 12.6` (sysstat 12.6's columns):\n\n");
            columns(&mut out, (r.columns)(&old));
        }
    }
    out
}

#[test]
fn the_reports_page_is_generated_from_the_catalogue() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("docs/REPORTS.md");
    let want = document();
    if std::env::var_os("RSAR_BLESS").is_some() {
        std::fs::write(&path, &want).unwrap();
    }
    let got = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        got == want,
        "docs/REPORTS.md differs from the catalogue: run `RSAR_BLESS=1 cargo test --test reports_doc`"
    );
}
