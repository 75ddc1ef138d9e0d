use std::sync::Mutex;
use std::time::{Duration, Instant};

use chrono::Utc;

use super::rate_limit::WINDOW_SECS;
use crate::auth::CHECK_WINDOW_SECS;
use crate::state::AppState;

/// How often one process drops expired rows.
pub const SWEEP_EVERY: Duration = Duration::from_secs(5 * 60);

/// Drops expired counters in the background, at most once per `SWEEP_EVERY` in each
/// process, when a request comes in: an idle process has nothing new to sweep, and a
/// Lambda instance only runs while it serves. Off the request path, so a request never
/// waits for it.
pub struct Sweeper {
    next: Mutex<Instant>,
}

impl Default for Sweeper {
    fn default() -> Self {
        Self { next: Mutex::new(Instant::now()) }
    }
}

impl Sweeper {
    /// Starts a sweep when one is due.
    pub fn maybe_sweep(&self, state: &AppState) {
        if !self.due() {
            return;
        }
        let store = state.store.clone();
        tokio::spawn(async move {
            let now = Utc::now().timestamp();
            if let Err(e) = store.purge_stale(now - 2 * WINDOW_SECS, now - CHECK_WINDOW_SECS).await {
                tracing::warn!(event = "sweep_failed", error = %e, "could not drop expired rows");
            }
        });
    }

    fn due(&self) -> bool {
        let mut next = self.next.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let now = Instant::now();
        if now < *next {
            return false;
        }
        *next = now + SWEEP_EVERY;
        true
    }
}

#[cfg(test)]
mod tests {
    use super::Sweeper;

    #[test]
    fn is_due_at_once_then_not_again_for_a_while() {
        let sweeper = Sweeper::default();
        assert!(sweeper.due());
        assert!(!sweeper.due());
    }
}
