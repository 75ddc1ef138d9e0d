use uuid::Uuid;

use crate::credentials::LAST_SEEN_EVERY;
use crate::state::AppState;

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
