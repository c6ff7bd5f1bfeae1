//! `sar -I`: interrupts per second, per line and per CPU, from /proc/interrupts.
//!
//! As sysstat 12.7.8+ (`read_stat_irq`): the `sum` row is the sum of every line, per CPU
//! and over all CPUs; a line's `all` column is the sum over its CPUs. Each count is one
//! `IrqCount` (a line on a CPU) taken by the generic delta from its declaration: a
//! counter's Δ (one that goes backwards counts 0), and a line the earlier sample lacks
//! as its `NewItem` rule says (from 0: sar's rule, a new interrupt started at 0). A CPU
//! column the earlier sample lacks counts nothing, as a CPU come online does (it was
//! offline; its counters kept running inside the kernel, so diffing against 0 would show
//! everything since boot).

use super::delta::counter_delta;
use crate::sample::{Interrupts, IrqCount};

/// One line (or the `sum`) over an interval.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct IrqDelta {
    pub name: String,
    /// Indexed by CPU number; 0 for a CPU without a column.
    pub per_cpu: Vec<u64>,
}

impl IrqDelta {
    /// Over all CPUs.
    pub fn all(&self) -> u64 {
        self.per_cpu.iter().sum()
    }

    fn add(&mut self, o: &IrqDelta) {
        if self.per_cpu.len() < o.per_cpu.len() {
            self.per_cpu.resize(o.per_cpu.len(), 0);
        }
        for (m, t) in self.per_cpu.iter_mut().zip(&o.per_cpu) {
            *m += t;
        }
    }
}

/// Every line of the later sample, in the kernel's order, after the `sum`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct IrqInterval {
    pub sum: IrqDelta,
    pub lines: Vec<IrqDelta>,
    /// Seconds the counts cover: the interval's; summed for an average, over the
    /// intervals that had /proc/interrupts only.
    pub seconds: f64,
}

impl IrqInterval {
    /// `None` when the later sample has no /proc/interrupts.
    pub fn between(prev: &Interrupts, curr: &Interrupts, seconds: f64) -> Option<Self> {
        if curr.lines.is_empty() {
            return None;
        }
        let width = curr.cpus.iter().map(|&c| c as usize + 1).max().unwrap_or(0);
        // Where each of the later sample's columns is in the earlier one.
        let prev_col: Vec<Option<usize>> = curr
            .cpus
            .iter()
            .map(|c| prev.cpus.iter().position(|p| p == c))
            .collect();
        let mut sum = IrqDelta {
            name: "sum".into(),
            per_cpu: vec![0; width],
        };
        let lines = curr
            .lines
            .iter()
            .enumerate()
            .map(|(i, l)| {
                // Lines keep their order; look at the same position first.
                let p = prev
                    .lines
                    .get(i)
                    .filter(|p| p.name == l.name)
                    .or_else(|| prev.lines.iter().find(|p| p.name == l.name));
                let mut per_cpu = vec![0; width];
                for (col, (&cpu, &count)) in curr.cpus.iter().zip(&l.counts).enumerate() {
                    let before = match (p, prev_col[col]) {
                        (None, _) => Some(None),
                        (Some(p), Some(pc)) => {
                            p.counts.get(pc).map(|&count| Some(IrqCount { count }))
                        }
                        (Some(_), None) => None,
                    };
                    let d = before.map_or(0, |b| {
                        counter_delta(b.as_ref(), &IrqCount { count }).0.count
                    });
                    per_cpu[cpu as usize] = d;
                    sum.per_cpu[cpu as usize] += d;
                }
                IrqDelta {
                    name: l.name.clone(),
                    per_cpu,
                }
            })
            .collect();
        Some(IrqInterval {
            sum,
            lines,
            seconds,
        })
    }

    pub fn add(&mut self, o: &IrqInterval) {
        self.seconds += o.seconds;
        self.sum.add(&o.sum);
        for l in &o.lines {
            match self.lines.iter_mut().find(|m| m.name == l.name) {
                Some(m) => m.add(l),
                None => self.lines.push(l.clone()),
            }
        }
    }
}
