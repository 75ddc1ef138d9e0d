use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use uuid::Uuid;

use crate::state::AppState;

/// A session's last-seen time is written at most this often, so that reading a page
/// does not cost a database write.
const LAST_SEEN_EVERY: Duration = Duration::from_secs(5 * 60);

/// Entries beyond this are dropped wholesale: the cost is one extra write per session.
const MAX_ENTRIES: usize = 10_000;

/// When this process last wrote each session's last-seen time.
#[derive(Default)]
pub struct LastSeen {
    written: Mutex<HashMap<Uuid, Instant>>,
}

impl LastSeen {
    /// Whether this process should write now; marks the session as written if so.
    fn due(&self, session_id: Uuid) -> bool {
        let mut written = self.written.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if written.get(&session_id).is_some_and(|at| at.elapsed() < LAST_SEEN_EVERY) {
            return false;
        }
        if written.len() >= MAX_ENTRIES {
            written.clear();
        }
        written.insert(session_id, Instant::now());
        true
    }
}

/// Records that the session was just used. The database write is conditional too, so
/// several instances together still write about once per interval; a failure only
/// costs an older time on the devices list.
pub async fn record_last_seen(state: &AppState, session_id: Uuid) {
    if !state.last_seen.due(session_id) {
        return;
    }
    let unless_after = chrono::Utc::now() - LAST_SEEN_EVERY;
    if let Err(e) = state.store.touch_session(session_id, unless_after).await {
        tracing::warn!(error = %e, "could not record a session's last-seen time");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_once_per_interval_per_session() {
        let seen = LastSeen::default();
        let (a, b) = (Uuid::new_v4(), Uuid::new_v4());
        assert!(seen.due(a));
        assert!(!seen.due(a));
        assert!(seen.due(b));
    }
}
