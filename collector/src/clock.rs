//! The collector's clock: the system's, or a simulated one for reproducible tests.
//!
//! Samples are aligned to multiples of the interval since the Unix epoch (a 10 s interval
//! samples at :00, :10, …). A tick that has already passed when the collector wakes (a
//! suspend, a stall) is skipped, not caught up: the log shows a gap.

use rsar::wait::{sleep_until, Clock::Wall};
use std::time::Duration;

pub enum Clock {
    System,
    /// Starts at the given time (ns) and jumps to whatever time is waited for.
    Simulated(i64),
}

impl Clock {
    pub fn now_ns(&self) -> i64 {
        match self {
            Clock::System => rsar::probe::system_clock_ns(),
            Clock::Simulated(t) => *t,
        }
    }

    /// Wait until `deadline_ns`; false when a stop was requested meanwhile.
    pub fn wait_until(&mut self, deadline_ns: i64) -> bool {
        match self {
            Clock::Simulated(t) => {
                *t = (*t).max(deadline_ns);
                !rsar::wait::stop_requested()
            }
            Clock::System => sleep_until(Wall, deadline_ns),
        }
    }
}

/// The first multiple of `interval` (since the epoch) strictly after `now_ns`.
pub fn next_tick(now_ns: i64, interval: Duration) -> i64 {
    let step = i64::try_from(interval.as_nanos())
        .unwrap_or(i64::MAX)
        .max(1);
    (now_ns.div_euclid(step) + 1).saturating_mul(step)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_align_to_multiples_and_skip_missed_ones() {
        let s = 1_000_000_000;
        let ten = Duration::from_secs(10);
        assert_eq!(next_tick(1_763_700_003 * s, ten), 1_763_700_010 * s);
        assert_eq!(next_tick(1_763_700_010 * s, ten), 1_763_700_020 * s);
        // Woken 95 s late: the next tick is the next one in the future, not 9 old ones.
        assert_eq!(next_tick(1_763_700_115 * s, ten), 1_763_700_120 * s);
        let half = Duration::from_millis(500);
        assert_eq!(
            next_tick(1_763_700_000 * s + 1, half),
            1_763_700_000 * s + s / 2
        );
    }
}
