//! The man page and shell completions of rsar are generated from its clap definitions
//! (plus the hand-written sections in man/src/) and checked in: this test fails when they
//! are stale. `RSAR_BLESS=1 cargo test --test manual` writes them anew.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failure report

#[path = "common/man.rs"]
mod man;

use clap_complete::Shell;
use man::man_page;
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
        "\\fBrsar tui\\fR",
    ] {
        assert!(synopsis.contains(form), "{form} in {synopsis}");
    }
    // Each subcommand has its section.
    for section in ["VMSTAT", "THE TERMINAL UI"] {
        assert!(text.contains(&format!(".SH \"{section}\"")), "{section}");
    }
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
