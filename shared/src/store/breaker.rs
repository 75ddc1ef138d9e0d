use std::sync::Mutex;
use std::time::{Duration, Instant};

/// A circuit breaker: `threshold` consecutive connection-level failures open it; while
/// open every call is refused at once; after `cooldown` one probe is let through, and
/// its outcome closes or reopens it.
pub struct Breaker {
    threshold: u32,
    cooldown: Duration,
    state: Mutex<State>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Closed { failures: u32 },
    Open { until: Instant },
    HalfOpen,
}

/// Whether a call may go ahead.
#[derive(Debug, PartialEq, Eq)]
pub enum Permit {
    Allowed,
    Refused,
}

impl Breaker {
    pub fn new(threshold: u32, cooldown: Duration) -> Self {
        Self { threshold, cooldown, state: Mutex::new(State::Closed { failures: 0 }) }
    }

    pub fn permit(&self) -> Permit {
        let mut state = self.lock();
        match *state {
            State::Closed { .. } => Permit::Allowed,
            State::Open { until } if Instant::now() >= until => {
                *state = State::HalfOpen;
                tracing::warn!(event = "breaker_half_open", "letting one probe reach the database");
                Permit::Allowed
            }
            State::Open { .. } | State::HalfOpen => Permit::Refused,
        }
    }

    /// Records the outcome of an allowed call; `connection_failed` is false for any
    /// answer from the database, errors included.
    pub fn record(&self, connection_failed: bool) {
        let mut state = self.lock();
        match (*state, connection_failed) {
            (State::HalfOpen, false) => {
                *state = State::Closed { failures: 0 };
                tracing::info!(event = "breaker_closed", "database reachable again");
            }
            (State::Closed { failures }, false) if failures > 0 => *state = State::Closed { failures: 0 },
            (State::HalfOpen, true) => self.open(&mut state),
            (State::Closed { failures }, true) if failures + 1 >= self.threshold => self.open(&mut state),
            (State::Closed { failures }, true) => *state = State::Closed { failures: failures + 1 },
            _ => {}
        }
    }

    fn open(&self, state: &mut State) {
        *state = State::Open { until: Instant::now() + self.cooldown };
        tracing::error!(
            event = "breaker_open",
            cooldown_ms = self.cooldown.as_millis() as u64,
            "database unreachable: refusing calls until the cool-down ends"
        );
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        // The state is a plain value that is always valid, so a poisoned lock is safe to reuse.
        self.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opens_after_threshold_consecutive_failures() {
        let breaker = Breaker::new(3, Duration::from_secs(60));
        breaker.record(true);
        breaker.record(true);
        breaker.record(false);
        breaker.record(true);
        breaker.record(true);
        assert_eq!(breaker.permit(), Permit::Allowed, "a success resets the count");
        breaker.record(true);
        assert_eq!(breaker.permit(), Permit::Refused);
    }

    #[test]
    fn one_probe_after_cooldown_then_closes_on_success() {
        let breaker = Breaker::new(1, Duration::from_millis(20));
        breaker.record(true);
        assert_eq!(breaker.permit(), Permit::Refused);
        std::thread::sleep(Duration::from_millis(30));
        assert_eq!(breaker.permit(), Permit::Allowed, "the probe");
        assert_eq!(breaker.permit(), Permit::Refused, "only one probe at a time");
        breaker.record(false);
        assert_eq!(breaker.permit(), Permit::Allowed);
        assert_eq!(breaker.permit(), Permit::Allowed);
    }

    #[test]
    fn a_failed_probe_reopens() {
        let breaker = Breaker::new(1, Duration::from_millis(20));
        breaker.record(true);
        std::thread::sleep(Duration::from_millis(30));
        assert_eq!(breaker.permit(), Permit::Allowed);
        breaker.record(true);
        assert_eq!(breaker.permit(), Permit::Refused);
    }
}
