//! rsar: a system-activity recorder and reporter.
//!
//! Data flows one way: `probe` reads a /proc tree into a `Sample`; `stats` turns pairs of
//! samples into interval statistics with sysstat's formulas; `report` renders them.

pub mod cli;
pub mod feed;
pub mod history;
pub mod live;
pub mod probe;
pub mod recorded;
pub mod report;
pub mod sample;
pub mod stats;
pub mod store;
pub mod time;
pub mod tui;
pub mod wait;
