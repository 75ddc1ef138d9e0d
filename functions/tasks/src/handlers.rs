use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use shared::api::{CreateTaskRequest, ListQuery, Pagination, Task, UpdateTaskRequest};
use shared::auth::CurrentUser;
use shared::http::{Created, Json, Ok, Path, Query, created, ok, page};
use shared::{ApiError, AppState};
use uuid::Uuid;

/// Named, so a bad id is reported against `id`.
#[derive(Deserialize)]
pub struct TaskPath {
    id: i64,
}

pub async fn list(
    State(state): State<AppState>,
    current: CurrentUser,
    Query(query): Query<ListQuery>,
) -> Result<Ok<Vec<Task>>, ApiError> {
    let request = query.parse().map_err(ApiError::invalid_fields)?;
    let (tasks, total) = state.store.list_tasks(current.user.id, request).await?;
    let pagination =
        Pagination { page: request.page(), limit: request.limit(), total, pages: request.pages(total) };
    Ok(page(tasks, pagination))
}

pub async fn create(
    State(state): State<AppState>,
    current: CurrentUser,
    Json(body): Json<CreateTaskRequest>,
) -> Result<Created<Task>, ApiError> {
    let task = body.parse().map_err(ApiError::invalid_fields)?;
    Ok(created(state.store.insert_task(current.user.id, &task).await?))
}

pub async fn get(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(TaskPath { id }): Path<TaskPath>,
) -> Result<Ok<Task>, ApiError> {
    match state.store.task(id, current.user.id).await? {
        Some(task) => Ok(ok(task)),
        None => Err(missing(&state, id, current.user.id).await),
    }
}

pub async fn update(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(TaskPath { id }): Path<TaskPath>,
    Json(body): Json<UpdateTaskRequest>,
) -> Result<Ok<Task>, ApiError> {
    let change = body.parse().map_err(ApiError::invalid_fields)?;
    match state.store.update_task(id, current.user.id, &change).await? {
        Some(task) => Ok(ok(task)),
        None => Err(missing(&state, id, current.user.id).await),
    }
}

pub async fn toggle(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(TaskPath { id }): Path<TaskPath>,
) -> Result<Ok<Task>, ApiError> {
    match state.store.toggle_task(id, current.user.id).await? {
        Some(task) => Ok(ok(task)),
        None => Err(missing(&state, id, current.user.id).await),
    }
}

pub async fn delete(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(TaskPath { id }): Path<TaskPath>,
) -> Result<StatusCode, ApiError> {
    if state.store.delete_task(id, current.user.id).await? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(missing(&state, id, current.user.id).await)
    }
}

/// Why a task scoped to `user_id` was not found: it is someone else's, or it does
/// not exist. Writes are scoped by owner first, so this only runs on the failure path.
async fn missing(state: &AppState, id: i64, user_id: Uuid) -> ApiError {
    match state.store.task_owner(id).await {
        Ok(Some(owner)) if owner != user_id => ApiError::Forbidden("This task belongs to another user."),
        Ok(_) => ApiError::NotFound,
        Err(e) => e.into(),
    }
}
