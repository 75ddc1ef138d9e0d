//! The circuit breaker around every store call.
//!
//! What it buys: while the database is unreachable, a request is answered at once (500
//! `DB_ERROR`) instead of holding a worker for the whole call bound (3 s by default), so
//! an outage cannot pile up every client's requests behind it.
//! `functions/server/tests/chaos.rs` shows it: through a black-holed database, requests
//! fail fast once three calls have timed out, and the first probe after the database is
//! back closes it without a restart.

use std::sync::Mutex;
use std::time::{Duration, Instant};

/// A circuit breaker: `threshold` consecutive connection failures (refused, reset, or no
/// connection within the call's bound) open it; while
/// open every call is refused at once; after `cooldown` one probe of the guard's own
/// (never a caller's request) is sent, and its outcome closes or reopens it.
///
/// No caller can wedge it: the probe is not tied to any request, and a probe that has
/// not reported within `probe_timeout` counts as failed.
pub struct Breaker {
    threshold: u32,
    cooldown: Duration,
    probe_timeout: Duration,
    state: Mutex<State>,
}

#[derive(Debug, Clone, Copy)]
struct State {
    phase: Phase,
    /// The last connection failure or stall seen, so connections idle since then are
    /// checked before they are used again.
    last_failure: Option<Instant>,
    /// The last call the database answered, so a wait for a busy pool is told apart
    /// from a database that does not answer.
    last_success: Option<Instant>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    Closed { failures: u32 },
    Open { until: Instant },
    HalfOpen { since: Instant },
}

/// Whether a call may go ahead.
#[derive(Debug, PartialEq, Eq)]
pub enum Permit {
    Allowed,
    Refused,
    /// Refused, and the cool-down is over: the caller must start the one probe.
    Probe,
}

impl Breaker {
    pub fn new(threshold: u32, cooldown: Duration, probe_timeout: Duration) -> Self {
        let state = State { phase: Phase::Closed { failures: 0 }, last_failure: None, last_success: None };
        Self { threshold, cooldown, probe_timeout, state: Mutex::new(state) }
    }

    pub fn permit(&self) -> Permit {
        let mut state = self.lock();
        let now = Instant::now();
        match state.phase {
            Phase::Closed { .. } => Permit::Allowed,
            Phase::Open { until } if now >= until => {
                state.phase = Phase::HalfOpen { since: now };
                tracing::warn!(event = "breaker_half_open", "probing the database");
                Permit::Probe
            }
            Phase::HalfOpen { since } if now >= since + self.probe_timeout => {
                tracing::warn!(event = "probe_lost", "the probe did not report in time");
                self.open(&mut state, now);
                Permit::Refused
            }
            Phase::Open { .. } | Phase::HalfOpen { .. } => Permit::Refused,
        }
    }

    /// Records the outcome of an allowed call; `connection_failed` is false for any
    /// answer from the database, errors included. Calls that finish after the breaker
    /// opened change nothing: only the probe closes it.
    pub fn record(&self, connection_failed: bool) {
        let mut state = self.lock();
        self.count(&mut state, connection_failed);
    }

    /// A call that waited since `since` got no connection in time. It is an outage only
    /// if no call was answered meanwhile: otherwise the database was answering, and the
    /// connections were busy with other calls. Decided and counted under one lock, so
    /// an answer that lands in between is not missed.
    pub fn record_wait_timeout(&self, since: Instant) {
        let mut state = self.lock();
        if state.last_success.is_none_or(|at| at < since) {
            self.count(&mut state, true);
        }
    }

    /// A call had its connection but no answer within its bound. That is a slow (or
    /// locked) statement far more often than a connection the network broke silently,
    /// and only another connection could tell the two apart: so it counts for nothing,
    /// or one caller's slow statements would shut the database off for everyone. It
    /// only makes idle connections suspect, so each is checked before its next use: a
    /// broken one then fails there, as a connection not had in time, which counts.
    pub fn record_stall(&self) {
        self.lock().last_failure = Some(Instant::now());
    }

    fn count(&self, state: &mut State, connection_failed: bool) {
        let now = Instant::now();
        if connection_failed {
            state.last_failure = Some(now);
        } else {
            state.last_success = Some(now);
        }
        match (state.phase, connection_failed) {
            (Phase::Closed { failures }, false) if failures > 0 => {
                state.phase = Phase::Closed { failures: 0 };
            }
            (Phase::Closed { failures }, true) if failures + 1 >= self.threshold => {
                self.open(state, now);
            }
            (Phase::Closed { failures }, true) => state.phase = Phase::Closed { failures: failures + 1 },
            _ => {}
        }
    }

    /// The probe's outcome. A late report from a probe already counted as lost is ignored.
    pub fn record_probe(&self, reachable: bool) {
        let mut state = self.lock();
        let now = Instant::now();
        if !matches!(state.phase, Phase::HalfOpen { .. }) {
            return;
        }
        if reachable {
            state.phase = Phase::Closed { failures: 0 };
            tracing::info!(event = "breaker_closed", "database reachable again");
        } else {
            state.last_failure = Some(now);
            self.open(&mut state, now);
        }
    }

    /// Whether a connection failure was seen within the last `span`: a connection
    /// idle that long may have been broken by it.
    pub fn failed_within(&self, span: Duration) -> bool {
        self.lock().last_failure.is_some_and(|at| at.elapsed() <= span)
    }

    fn open(&self, state: &mut State, now: Instant) {
        state.phase = Phase::Open { until: now + self.cooldown };
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

    const LONG: Duration = Duration::from_secs(60);

    #[test]
    fn opens_after_threshold_consecutive_failures() {
        let breaker = Breaker::new(3, LONG, LONG);
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
        let breaker = Breaker::new(1, Duration::from_millis(20), LONG);
        breaker.record(true);
        assert_eq!(breaker.permit(), Permit::Refused);
        std::thread::sleep(Duration::from_millis(30));
        assert_eq!(breaker.permit(), Permit::Probe, "the probe");
        assert_eq!(breaker.permit(), Permit::Refused, "only one probe at a time");
        breaker.record(false);
        assert_eq!(breaker.permit(), Permit::Refused, "an ordinary call's success does not close it");
        breaker.record_probe(true);
        assert_eq!(breaker.permit(), Permit::Allowed);
        assert_eq!(breaker.permit(), Permit::Allowed);
    }

    #[test]
    fn a_failed_probe_reopens() {
        let breaker = Breaker::new(1, Duration::from_millis(20), LONG);
        breaker.record(true);
        std::thread::sleep(Duration::from_millis(30));
        assert_eq!(breaker.permit(), Permit::Probe);
        breaker.record_probe(false);
        assert_eq!(breaker.permit(), Permit::Refused);
    }

    /// The wedge of issue 10: a probe whose caller went away never reported, and the
    /// breaker stayed half-open, refusing everything, until a restart.
    #[test]
    fn a_probe_that_never_reports_counts_as_failed() {
        let breaker = Breaker::new(1, Duration::from_millis(20), Duration::from_millis(40));
        breaker.record(true);
        std::thread::sleep(Duration::from_millis(30));
        assert_eq!(breaker.permit(), Permit::Probe);
        std::thread::sleep(Duration::from_millis(50));
        assert_eq!(breaker.permit(), Permit::Refused, "the lost probe reopened it");
        std::thread::sleep(Duration::from_millis(30));
        assert_eq!(breaker.permit(), Permit::Probe, "and a new probe follows the cool-down");
        breaker.record_probe(true);
        assert_eq!(breaker.permit(), Permit::Allowed);
    }

    #[test]
    fn a_wait_for_a_busy_pool_is_not_an_outage() {
        let breaker = Breaker::new(1, LONG, LONG);
        let since = Instant::now();
        breaker.record(false);
        breaker.record_wait_timeout(since);
        assert_eq!(breaker.permit(), Permit::Allowed, "a call was answered during the wait");
        breaker.record_wait_timeout(Instant::now());
        assert_eq!(breaker.permit(), Permit::Refused, "nothing was answered during this one");
    }

    /// Issue 25: an export that ran past the call bound three times opened the breaker
    /// for every caller.
    #[test]
    fn stalled_statements_never_open_it() {
        let breaker = Breaker::new(3, LONG, LONG);
        for _ in 0..10 {
            breaker.record_stall();
        }
        assert_eq!(breaker.permit(), Permit::Allowed);
        assert!(breaker.failed_within(Duration::from_secs(1)), "idle connections are checked before use");
        breaker.record(true);
        breaker.record(true);
        assert_eq!(breaker.permit(), Permit::Allowed, "stalls did not count toward the threshold");
    }

    #[test]
    fn remembers_when_a_connection_last_failed() {
        let breaker = Breaker::new(3, LONG, LONG);
        assert!(!breaker.failed_within(LONG));
        breaker.record(true);
        assert!(breaker.failed_within(Duration::from_secs(1)));
        std::thread::sleep(Duration::from_millis(20));
        assert!(!breaker.failed_within(Duration::from_millis(10)));
    }
}
