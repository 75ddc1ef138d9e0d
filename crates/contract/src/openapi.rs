//! OpenAPI pieces the handlers' `#[utoipa::path]` attributes use: the security scheme
//! names, and the error responses, each in the standard `Failure` format. The field
//! schemas live with the types they describe, in `crate::api::schema`.

use utoipa::IntoResponses;

use crate::api::Failure;

/// The security scheme names; `#[utoipa::path(security(...))]` takes only literals, so
/// the handlers spell them out and the drift test checks that each one is defined.
pub const BEARER: &str = "bearer";
pub const COOKIE: &str = "cookie";

/// 400 `EMAIL_EXISTS`.
#[derive(IntoResponses)]
#[response(status = 400, description = "`EMAIL_EXISTS`: an account with this email already exists.")]
pub struct EmailExists(pub Failure);

/// 401 `INVALID_CREDENTIALS`.
#[derive(IntoResponses)]
#[response(
    status = 401,
    description = "`INVALID_CREDENTIALS`: the email or password is wrong (the same answer for both)."
)]
pub struct InvalidCredentials(pub Failure);

/// 401 `UNAUTHORIZED`.
#[derive(IntoResponses)]
#[response(
    status = 401,
    description = "`UNAUTHORIZED`: no token, or one that is expired, forged, revoked or for a deleted user."
)]
pub struct Unauthorized(pub Failure);

/// 403 `FORBIDDEN` on a write.
#[derive(IntoResponses)]
#[response(
    status = 403,
    description = "`FORBIDDEN`: a cookie-authenticated write whose `Origin` is not allowed (CSRF defence)."
)]
pub struct CrossOrigin(pub Failure);

/// 403 `FORBIDDEN` on a task.
#[derive(IntoResponses)]
#[response(
    status = 403,
    description = "`FORBIDDEN`: the task belongs to another user, or a cookie-authenticated write came \
                   from an origin that is not allowed."
)]
pub struct OthersTask(pub Failure);

/// 404 `NOT_FOUND`.
#[derive(IntoResponses)]
#[response(status = 404, description = "`NOT_FOUND`: no task has this id.")]
pub struct TaskNotFound(pub Failure);

/// 413 `PAYLOAD_TOO_LARGE`.
#[derive(IntoResponses)]
#[response(status = 413, description = concat!("`PAYLOAD_TOO_LARGE`: the body is over ", crate::body_limit_kib!(), " KiB."))]
pub struct PayloadTooLarge(pub Failure);

/// 415 `UNSUPPORTED_MEDIA_TYPE`.
#[derive(IntoResponses)]
#[response(status = 415, description = "`UNSUPPORTED_MEDIA_TYPE`: the body is not `application/json`.")]
pub struct UnsupportedMediaType(pub Failure);

/// 422 `VALIDATION_ERROR`.
#[derive(IntoResponses)]
#[response(
    status = 422,
    description = "`VALIDATION_ERROR`: malformed JSON, a wrong type, or a value the rules refuse; \
                   `details` maps each field to a message."
)]
pub struct InvalidInput(pub Failure);

/// 422 `VALIDATION_ERROR` for a new task: a bad field, or no room left in the account.
#[derive(IntoResponses)]
#[response(
    status = 422,
    description = "`VALIDATION_ERROR`: malformed JSON, a wrong type, or a value the rules refuse \
                   (`details` maps each field to a message); or the account already holds \
                   `MAX_TASKS_PER_USER` tasks (10,000 unless configured), with a message and no `details`."
)]
pub struct InvalidTaskOrLimit(pub Failure);

/// 429 `RATE_LIMITED`.
#[derive(IntoResponses)]
#[response(
    status = 429,
    description = "`RATE_LIMITED`: too many requests this minute, or, where a password is checked, \
                   too many failed password checks for the account in 15 minutes.",
    headers(("Retry-After" = u64, description = "Seconds until the window resets."))
)]
pub struct RateLimited(pub Failure);

/// 404 `NOT_FOUND` for a session.
#[derive(IntoResponses)]
#[response(status = 404, description = "`NOT_FOUND`: the caller has no session with this id.")]
pub struct SessionNotFound(pub Failure);

/// 503 `MAIL_UNAVAILABLE`.
#[derive(IntoResponses)]
#[response(
    status = 503,
    description = "`MAIL_UNAVAILABLE`: password reset by email is not set up on this server (no \
                   `SMTP_URL`; or no `MAIL_FROM` or `APP_URL` where one is needed)."
)]
pub struct MailUnavailable(pub Failure);

/// 412 `PRECONDITION_FAILED`.
#[derive(IntoResponses)]
#[response(
    status = 412,
    description = "`PRECONDITION_FAILED`: `If-Match` names no version the task has; nothing changed, and \
                   `details.current` is the task as it is now."
)]
pub struct StaleVersion(pub Failure);

/// 409 `REQUEST_IN_PROGRESS`.
#[derive(IntoResponses)]
#[response(
    status = 409,
    description = "`REQUEST_IN_PROGRESS`: the first create with this `Idempotency-Key` has not finished."
)]
pub struct KeyInProgress(pub Failure);

/// 422 for a new task, `Idempotency-Key` included.
#[derive(IntoResponses)]
#[response(
    status = 422,
    description = "`VALIDATION_ERROR`: a bad field or `Idempotency-Key` (`details` names it), or the account \
                   already holds `MAX_TASKS_PER_USER` tasks (10,000 unless configured), with a message and no \
                   `details`; or `IDEMPOTENCY_KEY_REUSED`: the key came before with a different body."
)]
pub struct InvalidCreate(pub Failure);

/// 422 for a restore.
#[derive(IntoResponses)]
#[response(
    status = 422,
    description = "`VALIDATION_ERROR`: a bad id or `If-Match` (`details` names it), or the account already \
                   holds `MAX_TASKS_PER_USER` tasks, with a message and no `details`."
)]
pub struct InvalidRestore(pub Failure);

/// 410 `CURSOR_EXPIRED`.
#[derive(IntoResponses)]
#[response(
    status = 410,
    description = "`CURSOR_EXPIRED`: the cursor is past its lifetime or not from this account's history: \
                   reload the list and take a new cursor."
)]
pub struct CursorExpired(pub Failure);
