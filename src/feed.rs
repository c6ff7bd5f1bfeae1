//! Pairing: samples in, an interval for each pair of consecutive samples of the same
//! boot, handed to a renderer (live reports and `pipeline` both feed it; the window and
//! the midnight duplicate are `pipeline`'s). A sample from a roll-up tier comes after its
//! levels over the raw samples it stands for, and its interval's means weigh them all.

use crate::report::Render;
use crate::sample::Sample;
use crate::stats::{carry_gone_items, IntervalStats};
use crate::store::rollup::Aggregate;
use std::io;

/// Pairs consecutive samples into intervals.
#[derive(Default)]
pub struct Feed {
    prev: Option<Box<Sample>>,
    /// A roll-up's levels for the sample that comes next.
    levels: Option<Box<Aggregate>>,
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
        let levels = self
            .levels
            .take()
            .filter(|a| a.sum.time == s.time && a.n > 0);
        if let Some(prev) = &self.prev {
            let between = match &levels {
                // The tier sample's counters with its levels' sums over `n` samples.
                Some(a) => IntervalStats::between(prev, &a.sum).map(|mut st| {
                    st.weigh_levels(a.n);
                    st.first_seen_in_tier(prev);
                    st
                }),
                None => IntervalStats::between(prev, &s),
            };
            match between {
                Some(stats) => {
                    out.interval(&stats)?;
                    // The levels' maxima over the same interval, for the peaks.
                    if let Some(mut peaks) =
                        levels.and_then(|a| IntervalStats::between(prev, &a.max))
                    {
                        peaks.first_seen_in_tier(prev);
                        out.peaks(&peaks)?;
                    }
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

    /// A roll-up tier's levels for the next sample (`Event::Levels`).
    pub fn levels(&mut self, a: Box<Aggregate>) {
        self.levels = Some(a);
    }

    /// A restart record: counters start again.
    pub fn restart(&mut self, wall_ns: i64, cpus: u32, out: &mut dyn Render) -> io::Result<()> {
        self.prev = None;
        out.restart(wall_ns, cpus)
    }
}
