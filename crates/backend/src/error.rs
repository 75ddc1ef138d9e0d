//! The one error type. Every failure, the framework's own rejections included, renders
//! as `{"success": false, "error": {code, message, details?}}`.

use axum::Json;
use axum::http::header::RETRY_AFTER;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

use contract::api::{ErrorBody, ErrorCode, ErrorDetails, Failure, Task};
use contract::domain::FieldErrors;
use contract::policy::BODY_LIMIT_BYTES;
use store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("{message}")]
    Validation { message: String, details: Option<FieldErrors> },
    #[error("email already registered")]
    EmailExists,
    #[error("invalid credentials")]
    InvalidCredentials,
    #[error("unauthorized")]
    Unauthorized,
    #[error("forbidden: {0}")]
    Forbidden(&'static str),
    #[error("not found")]
    NotFound,
    #[error("method not allowed")]
    MethodNotAllowed,
    #[error("payload too large")]
    PayloadTooLarge,
    #[error("unsupported media type")]
    UnsupportedMediaType,
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    /// Answered with `Retry-After`.
    #[error("rate limited")]
    RateLimited { retry_after_secs: i64 },
    #[error("request timed out")]
    Timeout,
    #[error("database unavailable")]
    DatabaseUnavailable,
    #[error("internal error: {0}")]
    Internal(String),
    #[error("mail is not set up")]
    MailUnavailable,
    /// An `If-Match` that names no version the task has; answered with the task as it is.
    #[error("precondition failed")]
    PreconditionFailed { current: Box<Task> },
    #[error("request in progress")]
    RequestInProgress,
    #[error("idempotency key reused")]
    IdempotencyKeyReused,
    #[error("cursor expired")]
    CursorExpired,
}

impl ApiError {
    pub fn invalid_fields(details: FieldErrors) -> Self {
        Self::Validation { message: "Some fields need your attention.".into(), details: Some(details) }
    }

    pub fn validation(message: impl Into<String>) -> Self {
        Self::Validation { message: message.into(), details: None }
    }

    /// A create that would take the account past `MAX_TASKS_PER_USER`.
    pub fn task_limit(cap: u32) -> Self {
        Self::validation(format!(
            "You have reached the limit of {cap} tasks. Delete some tasks to make room for new ones."
        ))
    }

    pub fn internal(error: impl std::fmt::Display) -> Self {
        Self::Internal(error.to_string())
    }

    pub fn code(&self) -> ErrorCode {
        match self {
            Self::Validation { .. } => ErrorCode::ValidationError,
            Self::EmailExists => ErrorCode::EmailExists,
            Self::InvalidCredentials => ErrorCode::InvalidCredentials,
            Self::Unauthorized => ErrorCode::Unauthorized,
            Self::Forbidden(_) => ErrorCode::Forbidden,
            Self::NotFound => ErrorCode::NotFound,
            Self::MethodNotAllowed => ErrorCode::MethodNotAllowed,
            Self::PayloadTooLarge => ErrorCode::PayloadTooLarge,
            Self::UnsupportedMediaType => ErrorCode::UnsupportedMediaType,
            Self::RateLimited { .. } => ErrorCode::RateLimited,
            Self::Timeout => ErrorCode::Timeout,
            Self::Database(_) | Self::DatabaseUnavailable => ErrorCode::DbError,
            Self::Internal(_) => ErrorCode::ServerError,
            Self::MailUnavailable => ErrorCode::MailUnavailable,
            Self::PreconditionFailed { .. } => ErrorCode::PreconditionFailed,
            Self::RequestInProgress => ErrorCode::RequestInProgress,
            Self::IdempotencyKeyReused => ErrorCode::IdempotencyKeyReused,
            Self::CursorExpired => ErrorCode::CursorExpired,
        }
    }

    fn public_message(&self) -> String {
        match self {
            Self::Validation { message, .. } => message.clone(),
            Self::EmailExists => "An account with this email already exists.".into(),
            Self::InvalidCredentials => "The email or password is incorrect.".into(),
            Self::Unauthorized => "Please sign in to continue.".into(),
            Self::Forbidden(reason) => (*reason).into(),
            Self::NotFound => "The requested resource was not found.".into(),
            Self::MethodNotAllowed => "This method is not allowed here.".into(),
            Self::PayloadTooLarge => {
                format!("The request body is too large (the limit is {} KiB).", BODY_LIMIT_BYTES / 1024)
            }
            Self::UnsupportedMediaType => "Send the request body as application/json.".into(),
            Self::RateLimited { .. } => "Too many requests. Please wait a moment and try again.".into(),
            Self::Timeout => "The request took too long. Please try again.".into(),
            Self::Database(_) | Self::DatabaseUnavailable => {
                "A database error occurred. Please try again.".into()
            }
            Self::Internal(_) => "Something went wrong on our side. Please try again.".into(),
            Self::MailUnavailable => contract::api::RESET_BY_EMAIL_OFF.into(),
            Self::PreconditionFailed { .. } => {
                "This task was changed since you loaded it; `details.current` is how it is now.".into()
            }
            Self::RequestInProgress => {
                "A create with this Idempotency-Key is still running. Try again in a moment.".into()
            }
            Self::IdempotencyKeyReused => {
                "This Idempotency-Key was already used with a different request body.".into()
            }
            Self::CursorExpired => "This changes cursor has expired. Reload the list.".into(),
        }
    }
}

impl From<StoreError> for ApiError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::EmailTaken => Self::EmailExists,
            StoreError::Database(e) => Self::Database(e),
            StoreError::Unavailable => Self::DatabaseUnavailable,
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let code = self.code();
        match &self {
            Self::Database(e) => tracing::error!(event = "db_error", error = %e, "database failure"),
            Self::Internal(e) => tracing::error!(event = "server_error", error = %e, "internal failure"),
            _ => tracing::debug!(code = ?code, "request refused"),
        }
        let details = match &self {
            Self::Validation { details, .. } => details.clone().map(ErrorDetails::Fields),
            Self::PreconditionFailed { current } => {
                Some(ErrorDetails::Current { current: (**current).clone() })
            }
            _ => None,
        };
        let status = StatusCode::from_u16(code.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let body =
            Failure { success: false, error: ErrorBody { code, message: self.public_message(), details } };
        let mut response = (status, Json(body)).into_response();
        if let Self::RateLimited { retry_after_secs } = self {
            response.headers_mut().insert(RETRY_AFTER, HeaderValue::from(retry_after_secs.max(1)));
        }
        response
    }
}
