use axum::Extension;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use backend::auth::{CarriedHit, CurrentUser};
use backend::http::{Json, JsonOk, Path, Query, page};
use backend::{ApiError, AppState};
use contract::api::{CreateTaskRequest, ListQuery, Pagination, Success, Task, UpdateTaskRequest};
use contract::openapi::{
    CrossOrigin, InvalidCreate, InvalidInput, InvalidRestore, KeyInProgress, OthersTask, PayloadTooLarge,
    RateLimited, StaleVersion, TaskNotFound, Unauthorized, UnsupportedMediaType,
};
use serde::Deserialize;
use store::{BucketHit, KeyedCreate, RateHit, TaskPage, TaskWrite};

use crate::conditions::{IdempotencyKeyHeader, IfMatch, IfNoneMatch, Tagged, not_modified};
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

/// Create a task. With `Idempotency-Key`, a retry of the same request replays the first
/// answer instead of creating again.
#[utoipa::path(
    post, path = "/api/tasks", tag = "tasks", operation_id = "create_task",
    params(("Idempotency-Key" = Option<String>, Header, nullable = false, min_length = 1, max_length = 255, pattern = "^[!-~]+$",
        description = "Scoped to the caller, remembered for 24 hours: the same key with the same body \
                       answers the first create's 201 again and creates nothing.")),
    request_body = CreateTaskRequest,
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 201, description = "The new task (or, for a replayed key, the first create's).",
            body = Success<Task>, headers(("ETag" = String, description = "The task's version, quoted.")), links(
            ("GetTask" = (operation_id = "get_task", parameters(("id" = CREATED_ID)))),
            ("UpdateTask" = (operation_id = "update_task", parameters(("id" = CREATED_ID)))),
            ("ToggleTask" = (operation_id = "toggle_task", parameters(("id" = CREATED_ID)))),
            ("DeleteTask" = (operation_id = "delete_task", parameters(("id" = CREATED_ID)))),
        )),
        Unauthorized, CrossOrigin, KeyInProgress, PayloadTooLarge, UnsupportedMediaType, InvalidCreate,
        RateLimited,
    )
)]
pub async fn create(
    State(state): State<AppState>,
    current: CurrentUser,
    IdempotencyKeyHeader(key): IdempotencyKeyHeader,
    Json(body): Json<CreateTaskRequest>,
) -> Result<Tagged, ApiError> {
    let task = body.parse().map_err(ApiError::invalid_fields)?;
    let cap = state.config.max_tasks_per_user;
    let Some(key) = key else {
        return match state.store.insert_task(current.user.id, &task, cap).await? {
            Some(task) => Ok(Tagged::created(Task::from(task))),
            None => Err(ApiError::task_limit(cap)),
        };
    };
    match state.store.insert_task_with_key(current.user.id, &key, &task, cap).await? {
        KeyedCreate::Created(task) | KeyedCreate::Replayed(task) => Ok(Tagged::created(Task::from(task))),
        KeyedCreate::Reused => Err(ApiError::IdempotencyKeyReused),
        KeyedCreate::InProgress => Err(ApiError::RequestInProgress),
        KeyedCreate::Full => Err(ApiError::task_limit(cap)),
    }
}

/// One task; with `If-None-Match` naming its version, 304 and no body.
#[utoipa::path(
    get, path = "/api/tasks/{id}", tag = "tasks", operation_id = "get_task",
    params(TaskPath, ("If-None-Match" = Option<String>, Header, nullable = false,
        description = "`*` or entity tags (`\"3\"`, `W/\"3\"`): one naming the task's version answers 304.")),
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, description = "The task.", body = Success<Task>,
            headers(("ETag" = String, description = "The task's version, quoted."))),
        (status = 304, description = "The task is at a version `If-None-Match` names; there is no body.",
            headers(("ETag" = String, description = "The task's version, quoted."))),
        Unauthorized, OthersTask, TaskNotFound, InvalidInput, RateLimited,
    )
)]
pub async fn get(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(TaskPath { id }): Path<TaskPath>,
    IfNoneMatch(held): IfNoneMatch,
) -> Result<Response, ApiError> {
    match state.store.task(id, current.user.id).await? {
        Some(task) if held.as_ref().is_some_and(|tags| tags.matches_weak(task.version)) => {
            Ok(not_modified(task.version))
        }
        Some(task) => Ok(Tagged::ok(Task::from(task)).into_response()),
        None => Err(missing(&state, id, current.user.id).await),
    }
}

/// Change a task: absent fields stay, `"description": null` clears it, and `updated_at`
/// moves.
#[utoipa::path(
    put, path = "/api/tasks/{id}", tag = "tasks", operation_id = "update_task",
    params(TaskPath, IfMatchParam),
    request_body = UpdateTaskRequest,
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, description = "The updated task.", body = Success<Task>,
            headers(("ETag" = String, description = "The task's new version, quoted."))),
        Unauthorized, OthersTask, TaskNotFound, StaleVersion, PayloadTooLarge, UnsupportedMediaType,
        InvalidInput, RateLimited,
    )
)]
pub async fn update(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(TaskPath { id }): Path<TaskPath>,
    expected: IfMatch,
    Json(body): Json<UpdateTaskRequest>,
) -> Result<Tagged, ApiError> {
    let change = body.parse().map_err(ApiError::invalid_fields)?;
    let versions = expected.versions();
    let written = state.store.update_task(id, current.user.id, &change, versions.as_deref()).await?;
    answer(&state, id, current.user.id, written).await
}

/// Flip a task between done and not done.
#[utoipa::path(
    patch, path = "/api/tasks/{id}/complete", tag = "tasks", operation_id = "toggle_task",
    params(TaskPath, IfMatchParam),
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, description = "The task with `completed` toggled.", body = Success<Task>,
            headers(("ETag" = String, description = "The task's new version, quoted."))),
        Unauthorized, OthersTask, TaskNotFound, StaleVersion, InvalidInput, RateLimited,
    )
)]
pub async fn toggle(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(TaskPath { id }): Path<TaskPath>,
    expected: IfMatch,
) -> Result<Tagged, ApiError> {
    let versions = expected.versions();
    let written = state.store.toggle_task(id, current.user.id, versions.as_deref()).await?;
    answer(&state, id, current.user.id, written).await
}

/// Move a task to the trash, where `restore` can bring it back for 30 days.
#[utoipa::path(
    delete, path = "/api/tasks/{id}", tag = "tasks", operation_id = "delete_task",
    params(TaskPath, IfMatchParam),
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 204, description = "In the trash; there is no body.", links(
            ("RestoreTask" = (operation_id = "restore_task", parameters(("id" = "$request.path.id")))),
        )),
        Unauthorized, OthersTask, TaskNotFound, StaleVersion, InvalidInput, RateLimited,
    )
)]
pub async fn delete(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(TaskPath { id }): Path<TaskPath>,
    expected: IfMatch,
) -> Result<StatusCode, ApiError> {
    let versions = expected.versions();
    let written = state.store.delete_task(id, current.user.id, versions.as_deref()).await?;
    answer(&state, id, current.user.id, written).await.map(|_| StatusCode::NO_CONTENT)
}

/// Bring a task back from the trash, its version raised. A task already in the list is
/// answered as it is. At `MAX_TASKS_PER_USER` tasks a restore is refused like a create.
#[utoipa::path(
    post, path = "/api/tasks/{id}/restore", tag = "tasks", operation_id = "restore_task",
    params(TaskPath, IfMatchParam),
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, description = "The task, back in the list.", body = Success<Task>,
            headers(("ETag" = String, description = "The task's version, quoted."))),
        Unauthorized, OthersTask, TaskNotFound, StaleVersion, InvalidRestore, RateLimited,
    )
)]
pub async fn restore(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(TaskPath { id }): Path<TaskPath>,
    expected: IfMatch,
) -> Result<Tagged, ApiError> {
    let versions = expected.versions();
    let cap = state.config.max_tasks_per_user;
    let written = state.store.restore_task(id, current.user.id, versions.as_deref(), cap).await?;
    answer(&state, id, current.user.id, written).await
}

/// `If-Match` as the write operations document it. Any text is valid: one that is not
/// `*` or a list of entity tags names no version, as `conditions` explains.
#[derive(IntoParams)]
#[into_params(parameter_in = Header)]
#[allow(dead_code)]
struct IfMatchParam {
    /// `*` or strong entity tags (`"3"`): the write happens only while the task is at
    /// a version named (`*`: any), else 412 with the task as it is. Without it the
    /// write is unconditional.
    #[param(rename = "If-Match", nullable = false)]
    if_match: Option<String>,
}

/// The task the caller's write found, or why there was none.
async fn answer(state: &AppState, id: i64, user_id: Uuid, written: TaskWrite) -> Result<Tagged, ApiError> {
    match written {
        TaskWrite::Done(task) => Ok(Tagged::ok(Task::from(task))),
        TaskWrite::Stale(task) => Err(ApiError::PreconditionFailed { current: Box::new(Task::from(task)) }),
        TaskWrite::Full => Err(ApiError::task_limit(state.config.max_tasks_per_user)),
        TaskWrite::Missing => Err(missing(state, id, user_id).await),
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
