//! The man pages and shell completions of rsar are generated from its clap definitions
//! (plus the hand-written sections in man/src/) and checked in: this test fails when they
//! are stale. `RSAR_BLESS=1 cargo test --test manual` writes them anew. Each subcommand
//! has its page, `rsar-NAME(1)`, packaged with the others.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failure report

#[path = "common/man.rs"]
mod man;

use clap_complete::Shell;
use man::{man_page, subcommand_page};
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Compare `got` with the checked-in file, or write it when blessing.
fn check(path: &Path, got: &[u8]) {
    if std::env::var_os("RSAR_BLESS").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, got).unwrap();
    }
    let want = std::fs::read(path).unwrap_or_default();
    assert!(
        want == got,
        "{} is stale: run `RSAR_BLESS=1 cargo test --test manual` and commit it",
        path.display()
    );
}

#[test]
fn the_man_page_is_current() {
    let page = man_page(
        rsar::cli::command(),
        "1",
        &root().join("man/src/rsar.1.roff"),
    );
    check(&root().join("man/rsar.1"), &page);
    let text = String::from_utf8(page).unwrap();
    for section in [
        "NAME",
        "SYNOPSIS",
        "DESCRIPTION",
        "OPTIONS",
        "EXAMPLES",
        "FILES",
        "EXIT STATUS",
        "ENVIRONMENT",
        "SEE ALSO",
    ] {
        assert!(
            text.contains(&format!(".SH {section}"))
                || text.contains(&format!(".SH \"{section}\"")),
            "{section}"
        );
    }
    // Every flag is documented.
    for flag in [
        "\\-u",
        "\\-P",
        "\\-q",
        "\\-r",
        "\\-S",
        "\\-W",
        "\\-B",
        "\\-b",
        "\\-d",
        "\\-n",
        "\\-w",
        "\\-A",
        "\\-f",
        "\\-s",
        "\\-e",
        "\\-\\-since",
        "\\-\\-format",
        "\\-\\-follow",
    ] {
        assert!(text.contains(flag), "{flag}");
    }
    // The synopsis gives each option its placeholder, and the subcommands their own forms.
    let synopsis = &text[text.find(".SH SYNOPSIS").unwrap()..text.find(".SH DESCRIPTION").unwrap()];
    for form in [
        "[\\fB\\-P\\fR \\fIN[,M…]|ALL\\fR]",
        "[\\fB\\-u\\fR[=\\fIALL\\fR]]",
        "[\\fB\\-f\\fR \\fIFILE\\fR]",
        "[\\fIINTERVAL\\fR [\\fICOUNT\\fR]]",
        "\\fBrsar vmstat\\fR",
        "\\fBrsar pidstat\\fR",
        "\\fBrsar top\\fR",
        "\\fBrsar cgstat\\fR",
        "\\fBrsar cgtop\\fR",
        "\\fBrsar export\\fR",
        "\\fBrsar report\\fR",
        "\\fBrsar tui\\fR",
    ] {
        assert!(synopsis.contains(form), "{form} in {synopsis}");
    }
    // Each subcommand has its section.
    for section in ["SUBCOMMANDS", "VMSTAT", "THE TERMINAL UI"] {
        assert!(text.contains(&format!(".SH \"{section}\"")), "{section}");
    }
}

#[test]
fn each_subcommand_has_its_own_page_generated_and_packaged() {
    let rsar = rsar::cli::command();
    let manifest = std::fs::read_to_string(root().join("Cargo.toml")).unwrap();
    let top = String::from_utf8(std::fs::read(root().join("man/rsar.1")).unwrap()).unwrap();
    let mut pages = 0;
    for sub in rsar.get_subcommands() {
        let name = format!("rsar-{}", sub.get_name());
        let page = subcommand_page(
            "rsar",
            sub,
            "1",
            &root().join(format!("man/src/{name}.1.roff")),
        );
        let file = format!("man/{name}.1");
        check(&root().join(&file), &page);
        let text = String::from_utf8(page).unwrap();
        assert!(text.contains(&format!("\n.TH {name} 1 ")), "{name}: title");
        for section in [
            "NAME",
            "SYNOPSIS",
            "DESCRIPTION",
            "OPTIONS",
            "EXAMPLES",
            "SEE ALSO",
        ] {
            assert!(
                text.contains(&format!(".SH {section}"))
                    || text.contains(&format!(".SH \"{section}\"")),
                "{name}: {section}"
            );
        }
        // Its synopsis is the command as typed; its options are those it takes.
        let synopsis =
            &text[text.find(".SH SYNOPSIS").unwrap()..text.find(".SH DESCRIPTION").unwrap()];
        let typed = format!("\\fBrsar {}\\fR", sub.get_name());
        assert!(synopsis.contains(&typed), "{name}: {synopsis}");
        for a in sub.get_arguments().filter(|a| a.is_hide_set()) {
            let shown = match (a.get_long(), a.get_value_names()) {
                (Some(long), _) => format!("\\-\\-{}", long.replace('-', "\\-")),
                (None, Some(v)) if a.is_positional() => format!("\\fI{}\\fR", v[0]),
                _ => continue,
            };
            assert!(!synopsis.contains(&shown), "{name}: hidden {shown} shown");
        }
        // rsar(1) points at it, and both packages install it.
        assert!(
            top.contains(&format!("\\fB{}\\fR(1)", name.replace('-', "\\-"))),
            "{name}"
        );
        assert!(
            manifest.contains(&format!("[\"{file}\", \"usr/share/man/man1/\", \"644\"]")),
            "{file} is not in the .deb's assets"
        );
        assert!(
            manifest.contains(&format!(
                "{{ source = \"{file}\", dest = \"/usr/share/man/man1/{name}.1\""
            )),
            "{file} is not in the .rpm's assets"
        );
        pages += 1;
    }
    assert_eq!(
        pages, 10,
        "vmstat, pidstat, top, cgstat, cgtop, explain, diff, export, report, tui"
    );
}

#[test]
fn the_logs_page_exists_with_its_sections() {
    let text = std::fs::read_to_string(root().join("man/rsar-logs.5")).unwrap();
    for section in ["NAME", "DESCRIPTION", "FORMAT", "FILES", "SEE ALSO"] {
        assert!(
            text.contains(&format!(".SH {section}"))
                || text.contains(&format!(".SH \"{section}\"")),
            "{section}"
        );
    }
}

#[test]
fn completions_are_current() {
    for (shell, file) in [
        (Shell::Bash, "rsar.bash"),
        (Shell::Zsh, "_rsar"),
        (Shell::Fish, "rsar.fish"),
    ] {
        let mut out = Vec::new();
        clap_complete::generate(shell, &mut rsar::cli::command(), "rsar", &mut out);
        check(&root().join("completions").join(file), &out);
        // The subcommands complete too.
        let text = String::from_utf8(out).unwrap();
        assert!(text.contains("vmstat") && text.contains("tui"), "{file}");
    }
}
