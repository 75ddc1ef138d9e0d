use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use uuid::Uuid;

/// A session's last-seen time is written at most this often, so that reading a page
/// does not cost a database write.
pub const LAST_SEEN_EVERY: Duration = Duration::from_secs(5 * 60);

/// Entries beyond this are dropped wholesale: the cost is one extra write per session.
const MAX_ENTRIES: usize = 10_000;

/// When this process last wrote each session's last-seen time.
#[derive(Default)]
pub struct LastSeen {
    written: Mutex<HashMap<Uuid, Instant>>,
}

impl LastSeen {
    /// Whether this process should write now; marks the session as written if so.
    pub fn due(&self, session_id: Uuid) -> bool {
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
