//! `GET /api/tasks/changes`: what changed in the caller's list since a cursor, so a
//! device catches up without reloading.

use axum::extract::State;
use backend::auth::CurrentUser;
use backend::http::{JsonOk, Query, ok};
use backend::{ApiError, AppState};
use contract::api::{Changes, ChangesQuery, Success, Task};
use contract::domain::ChangeCursor;
use contract::openapi::{CursorExpired, InvalidInput, RateLimited, Unauthorized};
use contract::policy::CHANGES_PAGE_MAX;

/// Tasks created, edited, toggled or restored after the cursor, in their latest state,
/// and the ids trashed after it; at most 500 entries, with `more` when there are more.
#[utoipa::path(
    get, path = "/api/tasks/changes", tag = "tasks", operation_id = "task_changes",
    params(ChangesQuery),
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, description = "The changes after `since`, and the cursor to send next; without \
                                      `since`, the current cursor and empty lists.", body = Success<Changes>),
        Unauthorized, CursorExpired, InvalidInput, RateLimited,
    )
)]
pub async fn changes(
    State(state): State<AppState>,
    current: CurrentUser,
    Query(query): Query<ChangesQuery>,
) -> Result<JsonOk<Changes>, ApiError> {
    let since = query.parse().map_err(ApiError::invalid_fields)?;
    let now = chrono::Utc::now().timestamp();
    if since.is_some_and(|cursor| cursor.expired_at(now)) {
        return Err(ApiError::CursorExpired);
    }
    let after = since.map_or(i64::MAX, |cursor| cursor.seq);
    let (position, rows) = state
        .store
        .changes_since(current.user.id, after, CHANGES_PAGE_MAX + 1)
        .await?
        .ok_or(ApiError::Unauthorized)?;
    let Some(since) = since else {
        return Ok(ok(Changes {
            changed: Vec::new(),
            deleted: Vec::new(),
            cursor: ChangeCursor::new(position, now).to_string(),
            more: false,
        }));
    };
    // A position this account never reached: a cursor from another account, or from a
    // database since restored. Only a reload is safe.
    if since.seq > position {
        return Err(ApiError::CursorExpired);
    }
    let more = rows.len() > CHANGES_PAGE_MAX as usize;
    let rows = &rows[..rows.len().min(CHANGES_PAGE_MAX as usize)];
    let reached = match rows.last() {
        Some(last) if more => last.change_seq,
        _ => position,
    };
    let (trashed, changed): (Vec<_>, Vec<_>) = rows.iter().cloned().partition(|row| row.trashed);
    Ok(ok(Changes {
        changed: changed.into_iter().map(|row| Task::from(row.task)).collect(),
        deleted: trashed.into_iter().map(|row| row.task.id).collect(),
        cursor: ChangeCursor::new(reached, now).to_string(),
        more,
    }))
}
