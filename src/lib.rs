//! rsar: a system-activity recorder and reporter.
//!
//! Data flows one way. Recording: `probe` reads a /proc tree into a `Sample`, `store`
//! appends it to a day file. Reporting: samples come from `probe` (`live`) or from a
//! `source` (the logs, record by record; `history` picks the files and the window), the
//! `pipeline` applies the window and `feed` pairs samples into intervals, `stats` computes
//! sysstat's formulas, and a `report` renderer (tables, JSON, CSV, SVG, vmstat) or the
//! `tui` shows them. `cli` and `time` read the command line, `settings` the machine's
//! /etc/default/rsar; `wait` sleeps and catches
//! SIGINT/SIGTERM.
//!
//! The modules form layers and an import only reaches down: `tests/layers.rs` declares
//! the order and fails on an import that reaches up, and on any cycle.

pub mod cgroup;
pub mod cli;
pub mod explain;
pub mod export;
pub mod feed;
pub mod history;
pub mod import;
pub mod live;
pub mod pipeline;
pub mod probe;
pub mod process;
pub mod report;
pub mod sample;
pub mod settings;
pub mod source;
pub mod stats;
pub mod store;
pub mod sysstat;
pub mod time;
pub mod tui;
pub mod wait;
