//! Pairing: samples in, an interval for each pair of consecutive samples of the same
//! boot, handed to a renderer (live reports and `pipeline` both feed it; the window and
//! the midnight duplicate are `pipeline`'s).

use crate::report::Render;
use crate::sample::Sample;
use crate::stats::{carry_gone_items, IntervalStats};
use std::io;

/// Pairs consecutive samples into intervals.
#[derive(Default)]
pub struct Feed {
    prev: Option<Box<Sample>>,
    /// Intervals handed on so far.
    pub intervals: u64,
}

impl Feed {
    /// Add a sample. A sample whose uptime is below the previous one's comes from a new
    /// boot even without a restart record (a collector run from cron without --boot):
    /// the renderer gets a restart first. `cpus` is the CPU count to show then.
    /// An item `s` lacks whose group keeps it (a CPU offline in `s`: `GoneItem::KeepsLast`)
    /// keeps the counters it had when last seen in this boot (`carry_gone_items`), so that
    /// it is diffed against them when it comes back.
    /// Samples come boxed from sources (a sample is over 2 kB); a bare one is boxed here.
    pub fn sample(
        &mut self,
        s: impl Into<Box<Sample>>,
        cpus: u32,
        out: &mut dyn Render,
    ) -> io::Result<()> {
        let mut s = s.into();
        if let Some(prev) = &self.prev {
            match IntervalStats::between(prev, &s) {
                Some(stats) => {
                    out.interval(&stats)?;
                    self.intervals += 1;
                }
                None if s.time.uptime_cs < prev.time.uptime_cs => {
                    out.restart(s.time.wall_ns, cpus)?;
                    self.prev = Some(s);
                    return Ok(());
                }
                None => {}
            }
            carry_gone_items(prev, &mut s);
        }
        self.prev = Some(s);
        Ok(())
    }

    /// A restart record: counters start again.
    pub fn restart(&mut self, wall_ns: i64, cpus: u32, out: &mut dyn Render) -> io::Result<()> {
        self.prev = None;
        out.restart(wall_ns, cpus)
    }
}
