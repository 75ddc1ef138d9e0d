use axum::Extension;
use axum::extract::State;
use axum::http::StatusCode;
use backend::auth::{CarriedHit, CurrentUser};
use backend::http::{Created, Json, JsonOk, Path, Query, created, ok, page};
use backend::{ApiError, AppState};
use contract::api::{CreateTaskRequest, ListQuery, Pagination, Success, Task, UpdateTaskRequest};
use contract::openapi::{
    CrossOrigin, InvalidInput, InvalidTaskOrLimit, OthersTask, PayloadTooLarge, RateLimited, TaskNotFound,
    Unauthorized, UnsupportedMediaType,
};
use serde::Deserialize;
use store::{BucketHit, RateHit, TaskPage, TaskRecord};
use utoipa::IntoParams;
use uuid::Uuid;

/// Named, so a bad id is reported against `id`.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct TaskPath {
    /// The task's id.
    #[param(minimum = 1)]
    id: i64,
}

/// A created task's id, for the operations stateful API tests can chain after it.
const CREATED_ID: &str = "$response.body#/data/id";

/// The caller's tasks, newest first.
#[utoipa::path(
    get, path = "/api/tasks", tag = "tasks", operation_id = "list_tasks",
    params(ListQuery),
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, description = "A page of tasks; `pagination` is always present.", body = Success<Vec<Task>>),
        Unauthorized, InvalidInput, RateLimited,
    )
)]
/// The rate-limit hit travels with the page (`limit_user_reads` judges it after).
pub async fn list(
    State(state): State<AppState>,
    current: CurrentUser,
    carried: CarriedHit,
    Query(query): Query<ListQuery>,
) -> Result<(Extension<RateHit>, JsonOk<Vec<Task>>), ApiError> {
    let request = query.parse().map_err(ApiError::invalid_fields)?;
    let hit = BucketHit { bucket: &carried.bucket, window_start: carried.window_start };
    let TaskPage { tasks, total, hit } = state.store.list_tasks(current.user.id, request, hit).await?;
    let tasks = tasks.into_iter().map(Task::from).collect();
    let pagination =
        Pagination { page: request.page(), limit: request.limit(), total, pages: request.pages(total) };
    Ok((Extension(hit), page(tasks, pagination)))
}

/// Create a task.
#[utoipa::path(
    post, path = "/api/tasks", tag = "tasks", operation_id = "create_task",
    request_body = CreateTaskRequest,
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 201, description = "The new task.", body = Success<Task>, links(
            ("GetTask" = (operation_id = "get_task", parameters(("id" = CREATED_ID)))),
            ("UpdateTask" = (operation_id = "update_task", parameters(("id" = CREATED_ID)))),
            ("ToggleTask" = (operation_id = "toggle_task", parameters(("id" = CREATED_ID)))),
            ("DeleteTask" = (operation_id = "delete_task", parameters(("id" = CREATED_ID)))),
        )),
        Unauthorized, CrossOrigin, PayloadTooLarge, UnsupportedMediaType, InvalidTaskOrLimit, RateLimited,
    )
)]
pub async fn create(
    State(state): State<AppState>,
    current: CurrentUser,
    Json(body): Json<CreateTaskRequest>,
) -> Result<Created<Task>, ApiError> {
    let task = body.parse().map_err(ApiError::invalid_fields)?;
    let cap = state.config.max_tasks_per_user;
    match state.store.insert_task(current.user.id, &task, cap).await? {
        Some(task) => Ok(created(Task::from(task))),
        None => Err(ApiError::task_limit(cap)),
    }
}

/// One task.
#[utoipa::path(
    get, path = "/api/tasks/{id}", tag = "tasks", operation_id = "get_task",
    params(TaskPath),
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, description = "The task.", body = Success<Task>),
        Unauthorized, OthersTask, TaskNotFound, InvalidInput, RateLimited,
    )
)]
pub async fn get(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(TaskPath { id }): Path<TaskPath>,
) -> Result<JsonOk<Task>, ApiError> {
    let found = state.store.task(id, current.user.id).await?;
    answer(&state, id, current.user.id, found).await
}

/// Change a task: absent fields stay, `"description": null` clears it, and `updated_at`
/// moves.
#[utoipa::path(
    put, path = "/api/tasks/{id}", tag = "tasks", operation_id = "update_task",
    params(TaskPath),
    request_body = UpdateTaskRequest,
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, description = "The updated task.", body = Success<Task>),
        Unauthorized, OthersTask, TaskNotFound, PayloadTooLarge, UnsupportedMediaType, InvalidInput,
        RateLimited,
    )
)]
pub async fn update(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(TaskPath { id }): Path<TaskPath>,
    Json(body): Json<UpdateTaskRequest>,
) -> Result<JsonOk<Task>, ApiError> {
    let change = body.parse().map_err(ApiError::invalid_fields)?;
    let found = state.store.update_task(id, current.user.id, &change).await?;
    answer(&state, id, current.user.id, found).await
}

/// Flip a task between done and not done.
#[utoipa::path(
    patch, path = "/api/tasks/{id}/complete", tag = "tasks", operation_id = "toggle_task",
    params(TaskPath),
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, description = "The task with `completed` toggled.", body = Success<Task>),
        Unauthorized, OthersTask, TaskNotFound, InvalidInput, RateLimited,
    )
)]
pub async fn toggle(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(TaskPath { id }): Path<TaskPath>,
) -> Result<JsonOk<Task>, ApiError> {
    let found = state.store.toggle_task(id, current.user.id).await?;
    answer(&state, id, current.user.id, found).await
}

/// Delete a task.
#[utoipa::path(
    delete, path = "/api/tasks/{id}", tag = "tasks", operation_id = "delete_task",
    params(TaskPath),
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 204, description = "Deleted; there is no body."),
        Unauthorized, OthersTask, TaskNotFound, InvalidInput, RateLimited,
    )
)]
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

/// The task the caller's write or read found, or why there was none.
async fn answer(
    state: &AppState,
    id: i64,
    user_id: Uuid,
    found: Option<TaskRecord>,
) -> Result<JsonOk<Task>, ApiError> {
    match found {
        Some(task) => Ok(ok(Task::from(task))),
        None => Err(missing(state, id, user_id).await),
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
