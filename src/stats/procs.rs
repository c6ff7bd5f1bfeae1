//! Processes over an interval, as top shows them: %CPU from the ticks each used, %MEM from
//! its resident size.

use crate::probe::ProcCounters;
use std::collections::HashMap;

#[derive(Debug, Clone, PartialEq, Default)]
pub struct ProcRow {
    pub pid: u32,
    pub uid: u32,
    pub comm: String,
    pub state: char,
    /// Percent of one CPU, as top (a process on two CPUs shows 200).
    pub cpu_pct: f64,
    pub mem_pct: f64,
    pub rss_kb: u64,
    /// CPU time used since the process started, in seconds.
    pub cpu_seconds: f64,
}

/// The rows for `curr`, with %CPU over `seconds` against `prev` (a process new since
/// `prev`, or a pid reused by a later process, counts from its start; kernel threads
/// rename themselves, so the start time tells them apart, not the name).
pub fn proc_rows(
    prev: &[ProcCounters],
    curr: &[ProcCounters],
    seconds: f64,
    user_hz: u32,
    mem_total_kb: u64,
) -> Vec<ProcRow> {
    let before: HashMap<u32, &ProcCounters> = prev.iter().map(|p| (p.pid, p)).collect();
    let hz = f64::from(user_hz.max(1));
    curr.iter()
        .map(|p| {
            let used = match before.get(&p.pid) {
                Some(b) if b.start_ticks == p.start_ticks => {
                    p.cpu_ticks.saturating_sub(b.cpu_ticks)
                }
                _ => p.cpu_ticks,
            };
            ProcRow {
                pid: p.pid,
                uid: p.uid,
                comm: p.comm.clone(),
                state: p.state,
                cpu_pct: if seconds > 0.0 {
                    used as f64 / hz / seconds * 100.0
                } else {
                    0.0
                },
                mem_pct: if mem_total_kb > 0 {
                    p.rss_kb as f64 * 100.0 / mem_total_kb as f64
                } else {
                    0.0
                },
                rss_kb: p.rss_kb,
                cpu_seconds: p.cpu_ticks as f64 / hz,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(pid: u32, comm: &str, ticks: u64, rss: u64) -> ProcCounters {
        ProcCounters {
            pid,
            comm: comm.into(),
            state: 'R',
            uid: 0,
            cpu_ticks: ticks,
            rss_kb: rss,
            // The test's pid 2 is a later process than the one before it.
            start_ticks: if comm == "new" { 900 } else { 5 },
        }
    }

    #[test]
    fn cpu_and_memory_percentages() {
        let prev = [p(1, "init", 100, 0), p(2, "old", 500, 0)];
        let curr = [
            p(1, "init", 150, 1000),
            p(2, "new", 20, 0),
            p(3, "born", 10, 0),
        ];
        let rows = proc_rows(&prev, &curr, 2.0, 100, 100_000);
        // 50 ticks in 2 s at 100 Hz: 25 % of a CPU; 1000 of 100000 kB: 1 %.
        assert_eq!((rows[0].cpu_pct, rows[0].mem_pct), (25.0, 1.0));
        // pid 2 is another process now (a later start): it counts from its start, 20 ticks.
        assert_eq!(rows[1].cpu_pct, 10.0);
        assert_eq!(rows[2].cpu_pct, 5.0);
        assert_eq!(rows[0].cpu_seconds, 1.5);
    }
}
