//! `GET /api/events`: a signed-in user's live word that their tasks changed, as
//! Server-Sent Events, so that every open view can read the changes feed at once
//! instead of polling it.
//!
//! Each `event: tasks` carries `data: {"cursor": …}`, the user's position after the
//! change; a client that holds an older cursor reads `/api/tasks/changes` from it. A
//! comment line every `EVENT_HEARTBEAT_SECS` of quiet keeps proxies from closing the
//! stream. Changes reach the process's `ChangeBus`: on SQLite from the store's own
//! writes, on Postgres from the listener, which hears every instance's.
//!
//! `server` only: API Gateway's HTTP API buffers a response whole, so the Lambda
//! functions do not route it and the web app polls the feed there. Nor is it in the
//! OpenAPI document, which schemathesis fuzzes from: an endless body is no case for a
//! fuzzer, and `tests/events.rs` tests it instead.

mod open_streams;
mod stream;

use std::time::Duration;

use axum::extract::State;
use axum::http::HeaderMap;
use axum::middleware::from_fn_with_state;
use axum::response::sse::{KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Extension, Router};
use backend::auth::{CurrentUser, VerifiedToken, limit_user};
use backend::{ApiError, AppState};
use contract::policy::EVENT_HEARTBEAT_SECS;
pub use open_streams::EventStreams;

pub const PATH: &str = "/api/events";

/// The route, behind the user rate limit: opening a stream counts once.
pub fn router(state: AppState, streams: EventStreams) -> Router {
    Router::new()
        .route(PATH, get(open))
        .route_layer(from_fn_with_state(state.clone(), limit_user))
        .layer(Extension(streams))
        .with_state(state)
}

/// How long start-up waits for the first LISTEN before it serves anyway.
const LISTEN_WAIT: Duration = Duration::from_secs(5);

/// Starts this process's LISTEN connection on Postgres; SQLite needs none.
pub async fn listen_for_changes(state: &AppState) -> Result<(), String> {
    let Some(url) = &state.config.database_listen_url else { return Ok(()) };
    let listening = store::start_listener(url, state.store.changes().clone(), LISTEN_WAIT)
        .await
        .map_err(|e| format!("DATABASE_LISTEN_URL: {e}"))?;
    if !listening {
        tracing::warn!(
            "not yet listening for task changes after {LISTEN_WAIT:?}: event streams stay quiet until it is, \
             then each hears once"
        );
    }
    Ok(())
}

async fn open(
    State(state): State<AppState>,
    Extension(streams): Extension<EventStreams>,
    headers: HeaderMap,
    user: CurrentUser,
) -> Result<Response, ApiError> {
    // Subscribed before anything else: a change from here on is heard.
    let changes = state.store.changes().subscribe();
    // `CurrentUser` proved this token live; the stream keeps it to ask again later.
    let token = VerifiedToken::of(&headers, &state.tokens).ok_or(ApiError::Unauthorized)?;
    let slot = streams.open(user.user.id);
    let events = stream::events(state, token, changes, slot);
    let heartbeat = KeepAlive::new().interval(Duration::from_secs(EVENT_HEARTBEAT_SECS));
    Ok(Sse::new(events).keep_alive(heartbeat).into_response())
}
