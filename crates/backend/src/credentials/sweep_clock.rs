use std::sync::Mutex;
use std::time::{Duration, Instant};

/// At most one purge of expired rows per process this often.
pub const SWEEP_EVERY: Duration = Duration::from_secs(5 * 60);

/// When this process last swept.
#[derive(Default)]
pub struct SweepClock {
    last: Mutex<Option<Instant>>,
}

impl SweepClock {
    pub fn claim(&self, force: bool) -> bool {
        let mut last = self.last.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if !force && last.is_some_and(|at| at.elapsed() < SWEEP_EVERY) {
            return false;
        }
        *last = Some(Instant::now());
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn claims_once_per_interval_unless_forced() {
        let clock = SweepClock::default();
        assert!(clock.claim(false));
        assert!(!clock.claim(false));
        assert!(clock.claim(true));
        assert!(!clock.claim(false));
    }
}
