//! One open stream: what it waits for, and the event each wake-up sends.

use std::time::Duration;

use axum::response::sse::Event;
use backend::AppState;
use backend::auth::{LiveSession, VerifiedToken};
use chrono::Utc;
use contract::api::TasksEvent;
use contract::domain::ChangeCursor;
use futures_util::Stream;
use store::Change;
use tokio::sync::broadcast::Receiver;
use tokio::sync::broadcast::error::RecvError;
use tokio::time::{Instant, sleep_until};
use uuid::Uuid;

use super::open_streams::Slot;

/// How long a stream waits before asking again for its user's position after the
/// database could not say.
const RESYNC_RETRY: Duration = Duration::from_secs(5);

/// The `tasks` events of one signed-in session: one per change to its user's tasks, and
/// one with the user's current position whenever changes may have gone unheard. The
/// stream ends when its place is taken or the process shuts down, when the token
/// expires, or when an event is due and the session turns out to be gone.
pub fn events(
    state: AppState,
    token: VerifiedToken,
    changes: Receiver<Change>,
    slot: Slot,
) -> impl Stream<Item = Result<Event, axum::Error>> {
    let expires = Duration::from_secs(u64::try_from(token.claims.exp - Utc::now().timestamp()).unwrap_or(0));
    let watch = Watch {
        user_id: token.claims.user_id,
        state,
        token,
        changes,
        slot,
        expires_at: Instant::now() + expires,
        resync_at: None,
    };
    futures_util::stream::unfold(watch, |mut watch| async move {
        let event = watch.next().await?;
        Some((event, watch))
    })
}

struct Watch {
    state: AppState,
    token: VerifiedToken,
    user_id: Uuid,
    changes: Receiver<Change>,
    slot: Slot,
    expires_at: Instant,
    /// When to ask for the user's position again, after the database failed to say.
    resync_at: Option<Instant>,
}

/// The stream's user no longer exists.
struct Gone;

/// What woke a stream up.
enum Wake {
    End,
    Seq(i64),
    /// Changes may have gone unheard: the listener reconnected.
    Resync,
    /// This stream fell behind the bus and missed some.
    Lagged,
    /// Another user's change.
    Ignore,
}

impl Watch {
    /// The next event, or `None` when the stream ends.
    async fn next(&mut self) -> Option<Result<Event, axum::Error>> {
        loop {
            let retry_at = self.resync_at.unwrap_or(self.expires_at);
            let wake = tokio::select! {
                () = self.slot.closed() => Wake::End,
                () = sleep_until(self.expires_at) => Wake::End,
                () = sleep_until(retry_at), if self.resync_at.is_some() => Wake::Resync,
                received = self.changes.recv() => match received {
                    Ok(Change::Tasks { user_id, seq }) if user_id == self.user_id => Wake::Seq(seq),
                    Ok(Change::Tasks { .. }) => Wake::Ignore,
                    Ok(Change::Resync) => Wake::Resync,
                    Err(RecvError::Lagged(_)) => Wake::Lagged,
                    Err(RecvError::Closed) => Wake::End,
                },
            };
            if let Wake::Lagged = wake {
                // What is still queued is older than the position read next.
                self.changes = self.changes.resubscribe();
            }
            let seq = match wake {
                Wake::End => return None,
                Wake::Ignore => continue,
                Wake::Seq(seq) => seq,
                Wake::Resync | Wake::Lagged => match self.current_seq().await {
                    Ok(Some(seq)) => seq,
                    Ok(None) => continue,
                    Err(Gone) => return None,
                },
            };
            // An event says the list changed: only a live session hears it. A database
            // that cannot say is no reason to withhold it.
            if let Ok(None) = LiveSession::of(&self.state, self.token.clone()).await {
                return None;
            }
            let cursor = ChangeCursor::new(seq, Utc::now().timestamp()).to_string();
            return Some(Event::default().event("tasks").json_data(TasksEvent { cursor }));
        }
    }

    /// The user's position now; `None`, and another try in a while, when the database
    /// cannot say. A user gone (deleted) ends the stream.
    async fn current_seq(&mut self) -> Result<Option<i64>, Gone> {
        match self.state.store.task_seq(self.user_id).await {
            Ok(Some(seq)) => {
                self.resync_at = None;
                Ok(Some(seq))
            }
            Ok(None) => Err(Gone),
            Err(e) => {
                tracing::warn!(event = "events_resync_failed", error = %e, "cannot read the task position");
                self.resync_at = Some(Instant::now() + RESYNC_RETRY);
                Ok(None)
            }
        }
    }
}
