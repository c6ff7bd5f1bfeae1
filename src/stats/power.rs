//! `sar -m CPU`: each CPU's clock, a level. An interval shows the clock read at its end;
//! an average, the mean of those shown. sadc's `all` is the mean over the CPUs read.

use crate::sample::CpuFreq;

/// One CPU's clock, summed over samples for a mean.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct FreqMean {
    pub cpu: u32,
    sum_mhz: f64,
    n: u32,
}

impl FreqMean {
    pub fn mhz(&self) -> f64 {
        self.sum_mhz / f64::from(self.n.max(1))
    }
}

/// The `all` row and each CPU's.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CpuFreqLevels {
    pub all: FreqMean,
    pub per_cpu: Vec<FreqMean>,
}

impl CpuFreqLevels {
    /// `None` when the sample has no clock (no `cpu MHz` lines).
    pub fn of(f: &[CpuFreq]) -> Option<Self> {
        if f.is_empty() {
            return None;
        }
        let mhz = |c: &CpuFreq| c.khz as f64 / 1000.0;
        let per_cpu: Vec<FreqMean> = f
            .iter()
            .map(|c| FreqMean {
                cpu: c.cpu,
                sum_mhz: mhz(c),
                n: 1,
            })
            .collect();
        let all = FreqMean {
            cpu: u32::MAX,
            sum_mhz: per_cpu.iter().map(|c| c.sum_mhz).sum::<f64>() / per_cpu.len() as f64,
            n: 1,
        };
        Some(CpuFreqLevels { all, per_cpu })
    }

    pub fn add(&mut self, o: &Self) {
        self.all.sum_mhz += o.all.sum_mhz;
        self.all.n += o.all.n;
        for c in &o.per_cpu {
            match self.per_cpu.iter_mut().find(|m| m.cpu == c.cpu) {
                Some(m) => {
                    m.sum_mhz += c.sum_mhz;
                    m.n += c.n;
                }
                None => self.per_cpu.push(*c),
            }
        }
    }
}
