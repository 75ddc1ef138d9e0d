//! The signed-in devices: list them, sign one out, or sign out all the others.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use backend::auth::{CurrentUser, signed_out};
use backend::http::{JsonOk, Path, ok};
use backend::{ApiError, AppState};
use contract::api::{SessionInfo, Success};
use contract::openapi::{CrossOrigin, InvalidInput, RateLimited, SessionNotFound, Unauthorized};
use serde::Deserialize;
use utoipa::IntoParams;
use uuid::Uuid;

/// Named, so a bad id is reported against `id`.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct SessionPath {
    /// The session's id, from the list.
    id: Uuid,
}

/// The caller's live sessions, newest first.
#[utoipa::path(
    get, path = "/api/auth/sessions", tag = "auth", operation_id = "list_sessions",
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, description = "Every live session; `current` marks the one making this request.",
         body = Success<Vec<SessionInfo>>),
        Unauthorized, RateLimited,
    )
)]
pub async fn list_sessions(
    State(state): State<AppState>,
    current: CurrentUser,
) -> Result<JsonOk<Vec<SessionInfo>>, ApiError> {
    let sessions = state.store.list_sessions(current.user.id).await?;
    Ok(ok(sessions
        .into_iter()
        .map(|s| SessionInfo {
            current: s.id == current.session_id,
            id: s.id,
            created_at: s.created_at,
            last_seen_at: s.last_seen_at,
            user_agent: s.user_agent,
            ip: s.ip,
        })
        .collect()))
}

/// Sign one session out. Ending the current one signs this client out too.
#[utoipa::path(
    delete, path = "/api/auth/sessions/{id}", tag = "auth", operation_id = "delete_session",
    params(SessionPath),
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 204, description = "The session is revoked.",
         headers(("Set-Cookie" = String, description = "When it was the current session: clears `token` \
                   and `signed_in` with `Max-Age=0`."))),
        Unauthorized, CrossOrigin, SessionNotFound, InvalidInput, RateLimited,
    )
)]
pub async fn delete_session(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(SessionPath { id }): Path<SessionPath>,
) -> Result<Response, ApiError> {
    // Another user's session is as absent as one that never was.
    if !state.store.delete_user_session(id, current.user.id).await? {
        return Err(ApiError::NotFound);
    }
    state.sessions.forget(id);
    if id != current.session_id {
        return Ok(StatusCode::NO_CONTENT.into_response());
    }
    Ok(signed_out(state.config.cookie_secure))
}

/// Sign out every session but the current one.
#[utoipa::path(
    delete, path = "/api/auth/sessions", tag = "auth", operation_id = "delete_other_sessions",
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 204, description = "Every other session is revoked."),
        Unauthorized, CrossOrigin, RateLimited,
    )
)]
pub async fn delete_other_sessions(
    State(state): State<AppState>,
    current: CurrentUser,
) -> Result<StatusCode, ApiError> {
    state.store.delete_other_sessions(current.user.id, current.session_id).await?;
    state.sessions.forget_user(current.user.id);
    Ok(StatusCode::NO_CONTENT)
}
