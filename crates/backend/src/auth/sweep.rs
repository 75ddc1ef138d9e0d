use contract::policy::{
    IDEMPOTENCY_KEY_HOURS, PASSWORD_CHECK_WINDOW_SECS, RATE_LIMIT_WINDOW_SECS, TRASH_RETENTION_DAYS,
};

use crate::credentials::SWEEP_EVERY;
use crate::state::AppState;

/// Reset links are kept this long after they are issued: the per-account cap counts them.
pub const RESET_HISTORY: chrono::Duration = chrono::Duration::hours(1);

/// Sweeps unless this process did so in the last few minutes. Lambda instances call it
/// when they start a session, so the table is swept where it grows, and never more
/// than once per `SWEEP_EVERY` per instance.
pub async fn sweep_if_due(state: &AppState) {
    if state.sweeps.claim(false) {
        sweep(state).await;
    }
}

/// `server`'s sweeper: every `SWEEP_EVERY`, whether or not anyone signs in.
pub async fn sweep_periodically(state: AppState) {
    let mut every = tokio::time::interval(SWEEP_EVERY);
    every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        every.tick().await;
        sweep_now(&state).await;
    }
}

/// Sweeps at once, and restarts the interval `sweep_if_due` waits out.
pub async fn sweep_now(state: &AppState) {
    state.sweeps.claim(true);
    sweep(state).await;
}

/// Expired sessions, stale reset links, counters whose windows are over, trash past
/// its retention and idempotency keys past theirs.
async fn sweep(state: &AppState) {
    let now = chrono::Utc::now();
    match state.store.purge_expired(now - RESET_HISTORY).await {
        Ok(rows) => tracing::info!(event = "sessions_swept", rows, "expired sessions and reset links purged"),
        Err(e) => tracing::warn!(error = %e, "could not purge expired sessions"),
    }
    let unix = now.timestamp();
    let counters =
        state.store.purge_stale(unix - 2 * RATE_LIMIT_WINDOW_SECS, unix - PASSWORD_CHECK_WINDOW_SECS).await;
    if let Err(e) = counters {
        tracing::warn!(error = %e, "could not purge expired counters");
    }
    let trash_before = now - chrono::Duration::days(TRASH_RETENTION_DAYS);
    match state.store.purge_trash(trash_before, now - chrono::Duration::hours(IDEMPOTENCY_KEY_HOURS)).await {
        Ok(rows) => tracing::info!(event = "trash_swept", rows, "old trash and idempotency keys purged"),
        Err(e) => tracing::warn!(error = %e, "could not purge the trash"),
    }
}
