//! `docs/FORMAT.md`'s field tables are generated from the schema (`rsar::sample::GROUPS`,
//! and `rsar::process::PROCESS_FIELDS` for process records): this test fails when they
//! differ from the code's declaration; `RSAR_BLESS=1 cargo test --test store_format_doc`
//! rewrites them. A process table decoded by following the document alone must match
//! what rsar reads.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failure report

use rsar::sample::{Kind, GROUPS};
use std::path::PathBuf;

const BEGIN: &str = "<!-- field tables: generated from src/sample.rs by tests/store_format_doc.rs; do not edit -->\n";
const END: &str = "<!-- end of generated field tables -->\n";
const PROCESS_BEGIN: &str = "<!-- process fields: generated from src/process.rs by tests/store_format_doc.rs; do not edit -->\n";
const PROCESS_END: &str = "<!-- end of generated process fields -->\n";

fn kind(k: Kind) -> &'static str {
    match k {
        Kind::Counter => "counter",
        Kind::Level => "level",
    }
}

/// The process fields, in the order of a process's numbers.
fn process_table() -> String {
    let mut out = String::from(
        "\nFields of a process, in the order of its numbers:\n\n| # | field | kind | unit | source | optional | description |\n|---|---|---|---|---|---|---|\n",
    );
    for (i, f) in rsar::process::PROCESS_FIELDS.iter().enumerate() {
        let optional = if f.optional {
            "yes"
        } else if f.max == u64::from(u32::MAX) {
            "no (u32)"
        } else {
            "no"
        };
        out.push_str(&format!(
            "| {i} | `{}` | {} | {} | `{}` | {optional} | {} |\n",
            f.name,
            kind(f.kind),
            f.unit,
            f.source,
            f.doc.trim().replace('\n', " ").replace('|', "\\|"),
        ));
    }
    out.push('\n');
    out
}

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
        out.push_str("| # | field | kind | unit | wraps at | aligned to | source | since Linux | optional | description |\n");
        out.push_str("|---|---|---|---|---|---|---|---|---|---|\n");
        for (i, f) in g.fields.iter().enumerate() {
            let kind = kind(f.kind);
            let wrap = f.wrap_bits.map_or(String::new(), |b| format!("2^{b}"));
            let align = match f.align_bits {
                0 => String::new(),
                b => format!("2^{b}"),
            };
            let optional = if f.optional {
                "yes"
            } else if f.max == u64::from(u32::MAX) {
                "no (u32)"
            } else {
                "no"
            };
            out.push_str(&format!(
                "| {i} | `{}` | {kind} | {} | {wrap} | {align} | `{}` | {} | {optional} | {} |\n",
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
    let (Some(pb), Some(pe)) = (want.find(PROCESS_BEGIN), want.find(PROCESS_END)) else {
        panic!(
            "{}: the generated process-field markers are missing",
            path.display()
        );
    };
    let want = format!(
        "{}{PROCESS_BEGIN}{}{}",
        &want[..pb],
        process_table(),
        &want[pe..]
    );
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

/// A reader written from `docs/FORMAT.md` alone: the process tables of a file, each process
/// as (pid, start time, comm, command line, stored numbers).
mod from_the_document {
    pub type Process = (u64, u64, String, String, Vec<u64>);

    struct Cursor<'a>(&'a [u8]);

    impl Cursor<'_> {
        fn varint(&mut self) -> u64 {
            let mut v = 0u64;
            for i in 0.. {
                let b = self.0[0];
                self.0 = &self.0[1..];
                v |= u64::from(b & 0x7f) << (7 * i);
                if b & 0x80 == 0 {
                    break;
                }
            }
            v
        }
        fn zigzag(&mut self) -> i64 {
            let v = self.varint();
            ((v >> 1) as i64) ^ -((v & 1) as i64)
        }
        fn string(&mut self) -> String {
            let n = self.varint() as usize;
            let s = String::from_utf8(self.0[..n].to_vec()).unwrap();
            self.0 = &self.0[n..];
            s
        }
        fn process(&mut self, fields: usize) -> Process {
            let (pid, start) = (self.varint(), self.varint());
            let (comm, cmdline) = (self.string(), self.string());
            (
                pid,
                start,
                comm,
                cmdline,
                (0..fields).map(|_| self.varint()).collect(),
            )
        }
        /// The `k`-th position of a list: the first as itself, each later one as the
        /// difference from the one before (`last`).
        fn position(&mut self, k: usize, last: &mut usize) -> usize {
            let step = self.varint() as usize;
            *last = if k == 0 { step } else { *last + step };
            *last
        }
        fn positions(&mut self, n: usize) -> Vec<usize> {
            let mut last = 0;
            (0..n).map(|k| self.position(k, &mut last)).collect()
        }
    }

    pub fn tables(file: &[u8]) -> Vec<Vec<Process>> {
        let body = u32::from_le_bytes(file[12..16].try_into().unwrap()) as usize;
        let mut at = 16 + body + 4;
        let mut out = Vec::new();
        let mut last: Option<(usize, Vec<Process>)> = None;
        while at < file.len() {
            assert_eq!(file[at..at + 2], [0xd5, 0x5b]);
            let len = u32::from_le_bytes(file[at + 2..at + 6].try_into().unwrap()) as usize;
            let kind = file[at + 6];
            let payload = &file[at + 7..at + 7 + len];
            if kind == 7 {
                let mut c = Cursor(payload);
                let (_wall, _uptime) = (c.zigzag(), c.varint());
                let table = match c.varint() {
                    0 => {
                        let fields = c.varint() as usize;
                        let n = c.varint() as usize;
                        (0..n).map(|_| c.process(fields)).collect()
                    }
                    mode @ (1 | 2) => {
                        let distance = c.varint() as usize;
                        let (base_at, base) = last.clone().unwrap();
                        assert_eq!(base_at + distance, at);
                        let fields = c.varint() as usize;
                        let n = c.varint() as usize;
                        let gone = c.positions(n);
                        let mut table = base.clone();
                        let n = c.varint() as usize;
                        let mut last_pos = 0;
                        for k in 0..n {
                            let pos = c.position(k, &mut last_pos);
                            let mask = c.varint();
                            for f in 0..fields {
                                if mask & (1 << f) != 0 {
                                    let d = c.zigzag() as u64;
                                    table[pos].4[f] = table[pos].4[f].wrapping_add(d);
                                }
                            }
                        }
                        if mode == 2 {
                            let n = c.varint() as usize;
                            let mut last_pos = 0;
                            for k in 0..n {
                                let pos = c.position(k, &mut last_pos);
                                let what = c.varint();
                                assert!(what != 0 && what < 4, "rename of {what}");
                                // A rename: k bytes shared with the old string, the rest.
                                let mut rename = |old: &mut String| {
                                    let shared = c.varint() as usize;
                                    *old = format!("{}{}", &old[..shared], c.string());
                                };
                                if what & 1 != 0 {
                                    rename(&mut table[pos].2);
                                }
                                if what & 2 != 0 {
                                    rename(&mut table[pos].3);
                                }
                            }
                        }
                        let mut table: Vec<Process> = table
                            .into_iter()
                            .enumerate()
                            .filter(|(i, _)| !gone.contains(i))
                            .map(|(_, p)| p)
                            .collect();
                        let n = c.varint() as usize;
                        table.extend((0..n).map(|_| c.process(fields)));
                        table.sort_by_key(|p| (p.0, p.1));
                        table
                    }
                    mode => panic!("mode {mode}"),
                };
                last = Some((at, table.clone()));
                out.push(table);
            }
            at += 2 + 4 + 1 + len + 4;
        }
        out
    }
}

/// A day of process tables with processes starting, ending, changing name, with optional
/// fields present and absent and negative nice values, decoded by `from_the_document`:
/// every table is what rsar reads.
#[test]
fn the_document_alone_decodes_process_records() {
    use rsar::process::ProcessCounters;
    use rsar::sample::Group;
    use rsar::store::procs::ProcessTable;
    use rsar::store::{DayWriter, LogReader, Record};
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("rsar20261120");
    let host = rsar::sample::HostFacts {
        hostname: "doc".into(),
        boot_id: "b1".into(),
        cpu_count: 1,
        user_hz: 100,
        page_size: 4096,
        ..Default::default()
    };
    let (mut w, _) = DayWriter::open(&path, &host, 0, 0).unwrap();
    for i in 0..150u64 {
        let processes: Vec<ProcessCounters> = (1..=8u32)
            // Process 3 ends at 40; 9 starts at 50; 5 is renamed at 70 and 90 (to a name
            // that shares part of a character); 6's command line changes at 80.
            .chain((i >= 50).then_some(9))
            .filter(|&pid| pid != 3 || i < 40)
            .map(|pid| ProcessCounters {
                pid,
                start_ticks: u64::from(pid) * 10,
                comm: match (pid, i) {
                    (5, 90..) => "renamè",
                    (5, 70..) => "renamé",
                    _ => "proc",
                }
                .into(),
                cmdline: match (pid, i) {
                    (6, 80..) => format!("/bin/p{pid} --y"),
                    _ => format!("/bin/p{pid} --x"),
                }
                .into(),
                state: u32::from(b'S'),
                utime: i * u64::from(pid % 3),
                rss: 1000 + i % 7,
                nice: -(i64::from(pid) % 3),
                read_bytes: (pid % 2 == 0).then_some(i * 4096),
                run_delay_ns: (pid == 4 && i % 10 < 5).then_some(i),
                ..ProcessCounters::default()
            })
            .collect();
        let t = ProcessTable {
            wall_ns: i as i64 * 1_000_000_000,
            uptime_cs: 5000 + i * 100,
            processes: std::sync::Arc::new(processes),
        };
        w.append_processes(&t).unwrap();
    }
    drop(w);
    let mut r = LogReader::open(&path).unwrap();
    let mut rsar = Vec::new();
    while let Some((_, rec)) = r.next_record().unwrap() {
        if let Record::Processes(t) = rec {
            let table: Vec<from_the_document::Process> = t
                .processes
                .iter()
                .map(|p| {
                    let mut numbers = Vec::new();
                    let mut i = 0;
                    p.raw_values(&mut |v| {
                        // Stored: an optional field as value + 1, 0 when absent.
                        numbers.push(match (ProcessCounters::FIELDS[i].optional, v) {
                            (true, Some(v)) => v + 1,
                            (true, None) => 0,
                            (false, v) => v.unwrap(),
                        });
                        i += 1;
                    });
                    (
                        u64::from(p.pid),
                        p.start_ticks,
                        p.comm.to_string(),
                        p.cmdline.to_string(),
                        numbers,
                    )
                })
                .collect();
            rsar.push(table);
        }
    }
    assert_eq!(rsar.len(), 150);
    let doc = from_the_document::tables(&std::fs::read(&path).unwrap());
    assert_eq!(doc.len(), rsar.len());
    assert!(
        doc == rsar,
        "a table decoded from the document differs from rsar's"
    );
}
