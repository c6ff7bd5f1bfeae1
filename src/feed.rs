//! The one pipeline every report runs through, live or recorded: samples in, an interval
//! for each pair of consecutive samples of the same boot, handed to a renderer.

use crate::report::Render;
use crate::sample::Sample;
use crate::stats::IntervalStats;
use std::io;

/// Pairs consecutive samples into intervals.
#[derive(Default)]
pub struct Feed {
    prev: Option<Sample>,
    /// (wall, uptime) of the last sample, to drop the duplicate that ends one day's file
    /// and starts the next.
    last_key: Option<(i64, u64)>,
    /// Intervals handed on so far.
    pub intervals: u64,
}

impl Feed {
    /// Add a sample. A sample whose uptime is below the previous one's comes from a new
    /// boot even without a restart record (a collector run from cron without --boot):
    /// the renderer gets a restart first. `cpus` is the CPU count to show then.
    pub fn sample(&mut self, s: Sample, cpus: u32, out: &mut dyn Render) -> io::Result<()> {
        let key = (s.time.wall_ns, s.time.uptime_cs);
        if self.last_key == Some(key) {
            return Ok(());
        }
        self.last_key = Some(key);
        if let Some(prev) = &self.prev {
            match IntervalStats::between(prev, &s) {
                Some(stats) => {
                    out.interval(&stats)?;
                    self.intervals += 1;
                }
                None if s.time.uptime_cs < prev.time.uptime_cs => {
                    out.restart(s.time.wall_ns, cpus)?;
                }
                None => {}
            }
        }
        self.prev = Some(s);
        Ok(())
    }

    /// A restart record: counters start again.
    pub fn restart(&mut self, wall_ns: i64, cpus: u32, out: &mut dyn Render) -> io::Result<()> {
        self.prev = None;
        self.last_key = None;
        out.restart(wall_ns, cpus)
    }
}
