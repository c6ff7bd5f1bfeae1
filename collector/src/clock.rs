//! The collector's clock: the system's, or a simulated one for reproducible tests.
//!
//! Samples are aligned to multiples of the interval since the Unix epoch (a 10 s interval
//! samples at :00, :10, …). A tick that has already passed when the collector wakes (a
//! suspend, a stall) is skipped, not caught up: the log shows a gap.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// Set by SIGTERM/SIGINT: finish the record in hand and stop.
pub static STOP: AtomicBool = AtomicBool::new(false);

extern "C" fn request_stop(_: nix::libc::c_int) {
    STOP.store(true, Ordering::SeqCst);
}

pub fn install_stop_handler() -> nix::Result<()> {
    use nix::sys::signal::{sigaction, SaFlags, SigAction, SigHandler, SigSet, Signal};
    let action = SigAction::new(
        SigHandler::Handler(request_stop),
        SaFlags::empty(),
        SigSet::empty(),
    );
    for sig in [Signal::SIGINT, Signal::SIGTERM] {
        // SAFETY: the handler only stores to an atomic, which is async-signal-safe.
        unsafe { sigaction(sig, &action) }?;
    }
    Ok(())
}

pub fn stop_requested() -> bool {
    STOP.load(Ordering::SeqCst)
}

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
                !stop_requested()
            }
            Clock::System => loop {
                if stop_requested() {
                    return false;
                }
                let now = rsar::probe::system_clock_ns();
                if now >= deadline_ns {
                    return true;
                }
                let left = Duration::from_nanos((deadline_ns - now) as u64);
                std::thread::sleep(left.min(Duration::from_millis(100)));
            },
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
