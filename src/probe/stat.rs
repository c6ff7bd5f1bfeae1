//! /proc/stat: CPU times per CPU and in total, and the kernel's whole-system counters.
//!
//! A focused parser rather than procfs-core's `KernelStats`: that one drops the CPU number
//! of each `cpuN` line (so an offline CPU shifts every later one) and the `intr` total, and
//! allocates a `String` per line.

use super::{fields, numbers, parse_u64, ParseError};
use crate::sample::{CpuTicks, CpuTimes, KernelCounters};

/// Parse /proc/stat into `cpu` and `kernel`, reusing `cpu.per_cpu`'s allocation. CPUs with
/// no line (offline) are `None`. Missing columns (kernels before 2.6.11 have no steal,
/// before 2.6.24 no guest) read as 0.
pub fn parse_stat(
    text: &[u8],
    cpu: &mut CpuTimes,
    kernel: &mut KernelCounters,
) -> Result<(), ParseError> {
    cpu.per_cpu.clear();
    *kernel = KernelCounters::default();
    let mut saw_total = false;
    for line in super::lines(text) {
        let mut f = fields(line);
        let Some(key) = f.next() else { continue };
        if let Some(n) = key.strip_prefix(b"cpu") {
            let ticks = parse_ticks(f.rest())?;
            if n.is_empty() {
                cpu.total = ticks;
                saw_total = true;
            } else {
                let n = parse_u64(n)?;
                let n = usize::try_from(n)
                    .ok()
                    .filter(|&n| n < MAX_CPUS)
                    .ok_or_else(|| ParseError::new(format!("CPU number {n} out of range")))?;
                if cpu.per_cpu.len() <= n {
                    cpu.per_cpu.resize(n + 1, None);
                }
                cpu.per_cpu[n] = Some(ticks);
            }
            continue;
        }
        let first = || -> Result<u64, ParseError> {
            fields(line)
                .nth(1)
                .ok_or_else(|| ParseError::new("line without a value"))
                .and_then(parse_u64)
        };
        match key {
            b"ctxt" => kernel.ctxt = first()?,
            b"processes" => kernel.processes = first()?,
            b"intr" => kernel.intr = first()?,
            b"procs_running" => kernel.procs_running = first()?,
            b"procs_blocked" => kernel.procs_blocked = first()?,
            b"btime" => kernel.btime = Some(first()?),
            _ => {}
        }
    }
    if !saw_total {
        return Err(ParseError::new("no aggregate \"cpu\" line"));
    }
    Ok(())
}

/// More CPUs than any kernel supports (NR_CPUS is at most 8192): a guard against nonsense.
const MAX_CPUS: usize = 1 << 16;

fn parse_ticks(rest: &[u8]) -> Result<CpuTicks, ParseError> {
    let mut f = numbers(rest);
    let mut next = |required: bool| -> Result<u64, ParseError> {
        match f.next() {
            Some(v) => v,
            None if required => Err(ParseError::new("cpu line with fewer than 4 columns")),
            None => Ok(0),
        }
    };
    Ok(CpuTicks {
        user: next(true)?,
        nice: next(true)?,
        system: next(true)?,
        idle: next(true)?,
        iowait: next(false)?,
        irq: next(false)?,
        softirq: next(false)?,
        steal: next(false)?,
        guest: next(false)?,
        guest_nice: next(false)?,
    })
}
