//! Waiting for the next sample: one sleep until an absolute time, cut short by SIGINT or
//! SIGTERM, which only ask the loop to finish what it holds and stop.
//!
//! One `clock_nanosleep(TIMER_ABSTIME)` per tick rather than short naps in a loop: on this
//! project's VM each extra wake-up cost tens of microseconds, and a sleep on the wall clock
//! follows the clock when it is set.

use nix::sys::time::TimeSpec;
use nix::time::{clock_gettime, clock_nanosleep, ClockId, ClockNanosleepFlags};
use std::sync::atomic::{AtomicBool, Ordering};

static STOP: AtomicBool = AtomicBool::new(false);

extern "C" fn request_stop(_: nix::libc::c_int) {
    STOP.store(true, Ordering::SeqCst);
}

/// Make SIGINT and SIGTERM request a stop instead of killing the process.
pub fn install_stop_handler() -> nix::Result<()> {
    use nix::sys::signal::{sigaction, SaFlags, SigAction, SigHandler, SigSet, Signal};
    // No SA_RESTART: the signal interrupts the sleep.
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

/// Which clock a deadline is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Clock {
    /// CLOCK_REALTIME: sample times aligned to the wall clock.
    Wall,
    /// CLOCK_MONOTONIC: intervals that must not follow clock changes.
    Monotonic,
}

impl Clock {
    fn id(self) -> ClockId {
        match self {
            Clock::Wall => ClockId::CLOCK_REALTIME,
            Clock::Monotonic => ClockId::CLOCK_MONOTONIC,
        }
    }

    /// Now, in nanoseconds on this clock.
    pub fn now_ns(self) -> i64 {
        clock_gettime(self.id()).map_or(0, |t| t.tv_sec() * 1_000_000_000 + t.tv_nsec())
    }
}

/// Sleep until `deadline_ns` on `clock`. Returns false when a stop was requested (before
/// or during the sleep).
pub fn sleep_until(clock: Clock, deadline_ns: i64) -> bool {
    let deadline = TimeSpec::new(
        deadline_ns.div_euclid(1_000_000_000),
        deadline_ns.rem_euclid(1_000_000_000),
    );
    loop {
        if stop_requested() {
            return false;
        }
        match clock_nanosleep(clock.id(), ClockNanosleepFlags::TIMER_ABSTIME, &deadline) {
            Ok(_) => return !stop_requested(),
            // Interrupted by a signal: a stop, or something else (then sleep on).
            Err(nix::errno::Errno::EINTR) => continue,
            // Cannot sleep on this clock: do not spin.
            Err(_) => {
                std::thread::sleep(std::time::Duration::from_millis(100));
                if clock.now_ns() >= deadline_ns {
                    return !stop_requested();
                }
            }
        }
    }
}
