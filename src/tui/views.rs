//! The process table's views and columns: atop's views by its letters (generic `g`,
//! memory `m`, disk `d`, scheduling `s`, command line `c`), each a list of columns; what
//! each column heads, how wide it is, how a row's value reads in it and how rows compare
//! by it (any column sorts). Layout at a given width is here too: columns are dropped,
//! least wanted first, rather than cut, and COMMAND takes the width that is left. This
//! never draws and never holds state: `app` keeps the view and sort, `ui` draws.

use super::model::ProcRow;
use std::cmp::Ordering;

/// A column of the process table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Column {
    Pid,
    Ppid,
    User,
    State,
    Threads,
    Nice,
    Processor,
    Cpu,
    Mem,
    Virt,
    Rss,
    Shr,
    MinFlt,
    MajFlt,
    Read,
    Write,
    /// Read and written together: what atop's disk view ranks by.
    Io,
    RunDelay,
    Time,
    Command,
}

/// A process table view.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    Generic,
    Memory,
    Disk,
    Scheduling,
    CommandLine,
}

/// The width of the USER column; longer names are cut with a `+`, as top cuts them.
pub const USER_WIDTH: usize = 8;

impl Column {
    pub fn header(self) -> &'static str {
        match self {
            Column::Pid => "PID",
            Column::Ppid => "PPID",
            Column::User => "USER",
            Column::State => "S",
            Column::Threads => "THR",
            Column::Nice => "NI",
            Column::Processor => "CPU",
            Column::Cpu => "%CPU",
            Column::Mem => "%MEM",
            Column::Virt => "VIRT",
            Column::Rss => "RSS",
            Column::Shr => "SHR",
            Column::MinFlt => "MINFLT/s",
            Column::MajFlt => "MAJFLT/s",
            Column::Read => "READ",
            Column::Write => "WRITE",
            Column::Io => "R+W",
            Column::RunDelay => "RDELAY",
            Column::Time => "TIME",
            Column::Command => "COMMAND",
        }
    }

    /// Characters the column takes (COMMAND: at least).
    pub fn width(self) -> usize {
        match self {
            Column::Pid | Column::Ppid => 7,
            Column::User => USER_WIDTH,
            Column::State => 1,
            Column::Threads | Column::Nice | Column::Processor => 4,
            // 1000 % and more (a process on ten CPUs) keeps its digits.
            Column::Cpu => 6,
            Column::Mem => 5,
            Column::Virt | Column::Rss | Column::Shr => 6,
            Column::MinFlt | Column::MajFlt => 8,
            Column::Read | Column::Write | Column::Io => RATE_WIDTH,
            Column::RunDelay => 6,
            Column::Time => 8,
            Column::Command => 12,
        }
    }

    /// Numbers are right-aligned.
    pub fn right(self) -> bool {
        !matches!(self, Column::User | Column::State | Column::Command)
    }

    /// The value of `p` in this column (`user`: its user's name).
    pub fn text(self, p: &ProcRow, user: &str) -> String {
        let opt = |v: Option<f64>, f: fn(f64) -> String| v.map_or("-".to_string(), f);
        match self {
            Column::Pid => p.pid.to_string(),
            Column::Ppid => p.ppid.to_string(),
            Column::User => cut(user, USER_WIDTH),
            Column::State => p.state.to_string(),
            Column::Threads => p.threads.to_string(),
            Column::Nice => p.nice.to_string(),
            Column::Processor => p.processor.to_string(),
            Column::Cpu => format!("{:.1}", p.cpu_pct),
            Column::Mem => format!("{:.1}", p.mem_pct),
            Column::Virt => size(p.virt_kb),
            Column::Rss => size(p.rss_kb),
            Column::Shr => p.shr_kb.map_or("-".into(), size),
            Column::MinFlt => crate::report::compact(p.minflt_s),
            Column::MajFlt => crate::report::compact(p.majflt_s),
            Column::Read => opt(p.read_kbs, rate),
            Column::Write => opt(p.write_kbs, rate),
            Column::Io => opt(io(p), rate),
            Column::RunDelay => opt(p.run_delay_pct, |v| format!("{v:.1}%")),
            Column::Time => {
                let secs = p.cpu_seconds as u64;
                format!("{}:{:02}", secs / 60, secs % 60)
            }
            Column::Command => p.comm.clone(),
        }
    }

    /// How `a` compares with `b` in this column, smallest first.
    pub fn cmp(self, a: &ProcRow, b: &ProcRow, users: &dyn Fn(u32) -> String) -> Ordering {
        let f = |x: f64, y: f64| x.total_cmp(&y);
        let o = |x: Option<f64>, y: Option<f64>| f(x.unwrap_or(-1.0), y.unwrap_or(-1.0));
        match self {
            Column::Pid => a.pid.cmp(&b.pid),
            Column::Ppid => a.ppid.cmp(&b.ppid),
            Column::User => users(a.uid).cmp(&users(b.uid)),
            Column::State => a.state.cmp(&b.state),
            Column::Threads => a.threads.cmp(&b.threads),
            Column::Nice => a.nice.cmp(&b.nice),
            Column::Processor => a.processor.cmp(&b.processor),
            Column::Cpu => f(a.cpu_pct, b.cpu_pct),
            Column::Mem | Column::Rss => a.rss_kb.cmp(&b.rss_kb),
            Column::Virt => a.virt_kb.cmp(&b.virt_kb),
            Column::Shr => a.shr_kb.cmp(&b.shr_kb),
            Column::MinFlt => f(a.minflt_s, b.minflt_s),
            Column::MajFlt => f(a.majflt_s, b.majflt_s),
            Column::Read => o(a.read_kbs, b.read_kbs),
            Column::Write => o(a.write_kbs, b.write_kbs),
            Column::Io => o(io(a), io(b)),
            Column::RunDelay => o(a.run_delay_pct, b.run_delay_pct),
            Column::Time => f(a.cpu_seconds, b.cpu_seconds),
            Column::Command => a.comm.cmp(&b.comm),
        }
    }

    /// Whether sorting by this column starts with the largest (numbers that measure
    /// use), or with the smallest (names, ids).
    pub fn largest_first(self) -> bool {
        !matches!(
            self,
            Column::Pid | Column::Ppid | Column::User | Column::State | Column::Command
        )
    }
}

impl View {
    pub const ALL: [View; 5] = [
        View::Generic,
        View::Memory,
        View::Disk,
        View::Scheduling,
        View::CommandLine,
    ];

    /// atop's letter for the view.
    pub fn key(self) -> char {
        match self {
            View::Generic => 'g',
            View::Memory => 'm',
            View::Disk => 'd',
            View::Scheduling => 's',
            View::CommandLine => 'c',
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            View::Generic => "generic",
            View::Memory => "memory",
            View::Disk => "disk",
            View::Scheduling => "scheduling",
            View::CommandLine => "command line",
        }
    }

    /// The columns, in the order shown.
    pub fn columns(self) -> &'static [Column] {
        use Column::*;
        match self {
            View::Generic => &[
                Pid, User, State, Threads, Nice, Cpu, Mem, Rss, Time, Command,
            ],
            View::Memory => &[
                Pid, User, State, Virt, Rss, Shr, MinFlt, MajFlt, Mem, Command,
            ],
            View::Disk => &[Pid, User, State, Read, Write, Io, Cpu, Command],
            View::Scheduling => &[
                Pid, Ppid, User, State, Nice, Threads, Processor, Cpu, RunDelay, Command,
            ],
            View::CommandLine => &[Pid, User, State, Cpu, Mem, Command],
        }
    }

    /// The columns dropped first when the width is short, first dropped first.
    fn expendable(self) -> &'static [Column] {
        use Column::*;
        match self {
            View::Generic => &[Nice, Threads, Time, User],
            View::Memory => &[MajFlt, Shr, MinFlt, User, Virt],
            View::Disk => &[Cpu, Io, User],
            View::Scheduling => &[Ppid, Processor, Threads, Nice, User],
            View::CommandLine => &[Mem, User],
        }
    }

    /// What the view sorts by when chosen (as atop: the memory view by memory, the
    /// disk view by disk use).
    pub fn sort(self) -> Column {
        match self {
            View::Memory => Column::Rss,
            View::Disk => Column::Io,
            View::Scheduling => Column::RunDelay,
            _ => Column::Cpu,
        }
    }

    /// The columns that fit in `width` (one space between columns), COMMAND last with
    /// the width left, as (column, width).
    pub fn fit(self, width: usize) -> Vec<(Column, usize)> {
        let mut cols: Vec<Column> = self.columns().to_vec();
        let need = |cols: &[Column]| -> usize {
            cols.iter()
                .map(|c| c.width() + 1)
                .sum::<usize>()
                .saturating_sub(1)
        };
        for drop in self.expendable() {
            if need(&cols) <= width {
                break;
            }
            cols.retain(|c| c != drop);
        }
        let fixed: usize = cols
            .iter()
            .filter(|c| **c != Column::Command)
            .map(|c| c.width() + 1)
            .sum();
        cols.iter()
            .map(|&c| {
                let w = if c == Column::Command {
                    width.saturating_sub(fixed).max(1)
                } else {
                    c.width()
                };
                (c, w)
            })
            .collect()
    }
}

/// kB per second read and written, where either is known.
fn io(p: &ProcRow) -> Option<f64> {
    match (p.read_kbs, p.write_kbs) {
        (None, None) => None,
        (r, w) => Some(r.unwrap_or(0.0) + w.unwrap_or(0.0)),
    }
}

/// kB as GiB/MiB, or kB under a MiB.
pub fn size(kb: u64) -> String {
    let k = kb as f64;
    if k >= 1024.0 * 1024.0 {
        format!("{:.1}G", k / 1024.0 / 1024.0)
    } else if k >= 1024.0 {
        format!("{:.0}M", k / 1024.0)
    } else {
        format!("{kb}k")
    }
}

/// kB per second with its unit in the cell, in at most `RATE_WIDTH` characters: `0 B/s`,
/// `512 kB/s`, `92.2 MB/s`, `640 MB/s`.
pub fn rate(kbs: f64) -> String {
    let (v, unit) = if kbs >= 1024.0 * 1024.0 {
        (kbs / 1024.0 / 1024.0, "GB/s")
    } else if kbs >= 1024.0 {
        (kbs / 1024.0, "MB/s")
    } else if kbs >= 1.0 {
        (kbs, "kB/s")
    } else {
        (kbs.max(0.0) * 1024.0, "B/s")
    };
    if v >= 100.0 || unit == "B/s" || unit == "kB/s" {
        format!("{v:.0} {unit}")
    } else {
        format!("{v:.1} {unit}")
    }
}

/// The widest `rate` text.
pub const RATE_WIDTH: usize = 9;

/// `text` in at most `width` characters, its last one a `+` when cut (as top cuts).
pub fn cut(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        return text.to_string();
    }
    let mut s: String = text.chars().take(width.saturating_sub(1)).collect();
    s.push('+');
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn narrow_widths_drop_columns_rather_than_cut_them() {
        // 80 columns less the table's borders: all of the generic view's.
        let cols = View::Generic.fit(78);
        assert_eq!(cols.len(), View::Generic.columns().len());
        let used: usize = cols.iter().map(|c| c.1 + 1).sum::<usize>() - 1;
        assert_eq!(used, 78, "COMMAND takes what is left: {cols:?}");
        let names: Vec<Column> = View::Generic.fit(60).iter().map(|c| c.0).collect();
        assert!(
            !names.contains(&Column::Nice) && !names.contains(&Column::Threads),
            "{names:?}"
        );
        assert!(names.contains(&Column::Cpu) && names.contains(&Column::Rss));
        let wide = View::Generic.fit(248);
        assert_eq!(wide.len(), View::Generic.columns().len());
        assert!(wide.last().unwrap().1 > 180, "{wide:?}");
    }

    #[test]
    fn rates_say_their_unit_and_users_their_cut() {
        assert_eq!(rate(0.0), "0 B/s");
        assert_eq!(rate(0.5), "512 B/s");
        assert_eq!(rate(512.0), "512 kB/s");
        assert_eq!(rate(94_400.0), "92.2 MB/s");
        assert_eq!(rate(1023.0 * 1024.0), "1023 MB/s");
        assert!(rate(1023.9 * 1024.0 * 1024.0).len() <= RATE_WIDTH);
        assert_eq!(cut("systemd-network", 8), "systemd+");
        assert_eq!(cut("root", 8), "root");
    }
}
