//! Man pages from clap definitions, shared by rsar's and rsadc's manual tests: title,
//! NAME, a SYNOPSIS with every option's placeholder, DESCRIPTION, OPTIONS, then the
//! hand-written sections. A subcommand's page (`rsar-top(1)`) also takes its EXAMPLES from
//! the `--help` text, so they are written once.

// rsadc's test includes this file too, and has no subcommand pages.
#![allow(dead_code)]

use std::path::Path;

/// `-` as roff wants it in names and flags.
fn roff(s: &str) -> String {
    s.replace('-', "\\-")
}

/// One synopsis line: the command, then each option with its placeholder (`-P N[,M…]|ALL`,
/// `-u[=ALL]`), then the positional arguments. clap_mangen's own synopsis leaves the
/// placeholders out.
fn synopsis_line(cmd: &clap::Command, name: &str) -> String {
    let mut line = format!("\\fB{}\\fR", roff(name));
    let value = |a: &clap::Arg| -> String {
        a.get_value_names()
            .map(|v| v.iter().map(|n| n.as_str()).collect::<Vec<_>>().join(" "))
            .unwrap_or_else(|| a.get_id().as_str().to_uppercase())
    };
    for a in cmd.get_arguments().filter(|a| !a.is_hide_set()) {
        if a.is_positional() {
            continue;
        }
        let flag = match (a.get_short(), a.get_long()) {
            (Some(c), _) => format!("-{c}"),
            (None, Some(l)) => format!("--{l}"),
            (None, None) => continue,
        };
        let mut item = format!("\\fB{}\\fR", roff(&flag));
        if a.get_action().takes_values() {
            let optional = a.get_num_args().is_some_and(|n| n.min_values() == 0);
            let v = roff(&value(a));
            if optional {
                item.push_str(&format!("[=\\fI{v}\\fR]"));
            } else {
                item.push_str(&format!(" \\fI{v}\\fR"));
            }
        }
        line.push_str(&format!(" [{item}]"));
    }
    let positionals: Vec<String> = cmd
        .get_positionals()
        .filter(|a| !a.is_hide_set())
        .map(|a| roff(&value(a)))
        .collect();
    // [INTERVAL [COUNT]]: each needs the one before it.
    let mut tail = String::new();
    for p in positionals.iter().rev() {
        tail = if tail.is_empty() {
            format!("[\\fI{p}\\fR]")
        } else {
            format!("[\\fI{p}\\fR {tail}]")
        };
    }
    if !tail.is_empty() {
        line.push(' ');
        line.push_str(&tail);
    }
    line
}

/// SYNOPSIS: the command and each of its subcommands, one form per line.
fn synopsis(cmd: &clap::Command) -> String {
    let mut text = String::from(".SH SYNOPSIS\n");
    let name = cmd.get_name().to_string();
    text.push_str(&synopsis_line(cmd, &name));
    text.push('\n');
    for sub in cmd.get_subcommands() {
        text.push_str(".br\n");
        text.push_str(&synopsis_line(sub, &format!("{name} {}", sub.get_name())));
        text.push('\n');
    }
    text
}

pub fn man_page(cmd: clap::Command, section: &str, extra: &Path) -> Vec<u8> {
    let mut out = generated_sections(&cmd, section);
    out.extend(std::fs::read(extra).unwrap());
    out
}

/// Title, NAME, SYNOPSIS, DESCRIPTION and OPTIONS from the clap definition.
fn generated_sections(cmd: &clap::Command, section: &str) -> Vec<u8> {
    let man = clap_mangen::Man::new(cmd.clone())
        .section(section)
        .manual("rsar manual")
        .source(format!("rsar {}", env!("CARGO_PKG_VERSION")));
    let mut out = Vec::new();
    man.render_title(&mut out).unwrap();
    man.render_name_section(&mut out).unwrap();
    out.extend(synopsis(cmd).into_bytes());
    man.render_description_section(&mut out).unwrap();
    man.render_options_section(&mut out).unwrap();
    out
}

/// Text as roff prints it literally.
fn roff_text(s: &str) -> String {
    let s = s.replace('\\', "\\e").replace('-', "\\-");
    if s.starts_with('.') || s.starts_with('\'') {
        format!("\\&{s}")
    } else {
        s
    }
}

/// EXAMPLES from a command's `--help` epilogue: the indented lines under "Examples:" as
/// they are typed, each later paragraph as text.
fn examples_section(cmd: &clap::Command) -> String {
    let Some(after) = cmd.get_after_help().map(|h| h.to_string()) else {
        return String::new();
    };
    let mut text = String::from(".SH EXAMPLES\n");
    let (mut in_examples, mut in_paragraph) = (false, false);
    for line in after.lines() {
        let blank = line.trim().is_empty();
        if line.trim() == "Examples:" {
            (in_examples, in_paragraph) = (true, false);
            text.push_str(".nf\n");
        } else if in_examples && blank {
            in_examples = false;
            text.push_str(".fi\n");
        } else if in_examples {
            text.push_str(&roff_text(line.trim_end()));
            text.push('\n');
        } else if blank {
            in_paragraph = false;
        } else {
            if !in_paragraph {
                text.push_str(".PP\n");
                in_paragraph = true;
            }
            text.push_str(&roff_text(line.trim()));
            text.push('\n');
        }
    }
    if in_examples {
        text.push_str(".fi\n");
    }
    text
}

/// The page of a subcommand (`rsar top` → `rsar-top(1)`): the man_page sections, EXAMPLES
/// from its help, then its hand-written sections.
pub fn subcommand_page(parent: &str, sub: &clap::Command, section: &str, extra: &Path) -> Vec<u8> {
    let name = sub.get_name();
    // clap names are 'static without its "string" feature; a test leaks a few bytes.
    let cmd = sub
        .clone()
        .name(&*format!("{parent} {name}").leak())
        .display_name(&*format!("{parent}-{name}").leak());
    let mut page = generated_sections(&cmd, section);
    page.extend(examples_section(&cmd).into_bytes());
    page.extend(std::fs::read(extra).unwrap());
    page
}
