//! The JSON contract between the API and its clients, shared with the web app.
//!
//! Request bodies hold what the client sent, as text; `parse` turns them into domain
//! values or into per-field messages. Missing text fields default to empty, so a
//! missing and an empty field get the same human message.
//!
//! With the `openapi` feature the types describe themselves to utoipa; the constraints
//! come from `schema`, built from the domain types' own limits.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer, Serialize};
use uuid::Uuid;

use crate::domain::{
    ChangeCursor, Email, FieldErrors, NewTask, PageRequest, Password, ProfileChange, Signup, TaskChange,
    TaskDescription, TaskTitle, UserName, Validator,
};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct User {
    pub id: Uuid,
    #[cfg_attr(feature = "openapi", schema(format = Email))]
    pub email: String,
    pub name: String,
    #[serde(deserialize_with = "rfc3339")]
    pub created_at: DateTime<Utc>,
    #[serde(deserialize_with = "rfc3339")]
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Task {
    #[cfg_attr(feature = "openapi", schema(minimum = 1))]
    pub id: i64,
    pub user_id: Uuid,
    pub title: String,
    pub description: Option<String>,
    pub completed: bool,
    #[serde(deserialize_with = "rfc3339")]
    pub created_at: DateTime<Utc>,
    #[serde(deserialize_with = "rfc3339")]
    pub updated_at: DateTime<Utc>,
    /// Raised by every change (edit, toggle, trash, restore); sent as the `ETag`, and
    /// what `If-Match` names.
    #[cfg_attr(feature = "openapi", schema(minimum = 1))]
    pub version: i64,
}

/// `data` of signup and signin.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Session {
    pub user: User,
    /// An HS256 JWT, valid for 7 days unless revoked: send it as `Authorization: Bearer`.
    pub token: String,
}

/// `data` of `/api/auth/me` and of a profile update.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UserEnvelope {
    pub user: User,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Pagination {
    #[cfg_attr(feature = "openapi", schema(minimum = 1))]
    pub page: u32,
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 100))]
    pub limit: u32,
    /// How many tasks there are in all.
    pub total: u64,
    /// `ceil(total / limit)`.
    pub pages: u64,
}

/// `data` of `GET /api/tasks/changes`: what changed in the caller's list after the
/// cursor it sent, and the cursor to send next.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Changes {
    /// Tasks created, edited, toggled or restored after the cursor, each once, in its
    /// latest state, oldest change first.
    pub changed: Vec<Task>,
    /// Ids of the tasks moved to the trash after the cursor.
    pub deleted: Vec<i64>,
    /// Opaque: store it and send it back as `since`.
    pub cursor: String,
    /// Whether more changes wait past this answer's limit: ask again with `cursor`.
    pub more: bool,
}

/// `data:` of an `event: tasks` on `/api/events`: the caller's list changed, and the
/// feed from its last cursor has the details.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TasksEvent {
    pub cursor: String,
}

/// Every successful body: `{"success": true, "data": …}`, plus `pagination` on lists.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Success<T> {
    pub success: bool,
    pub data: T,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pagination: Option<Pagination>,
}

impl<T> Success<T> {
    pub fn new(data: T) -> Self {
        Self { success: true, data, pagination: None }
    }

    pub fn page(data: T, pagination: Pagination) -> Self {
        Self { success: true, data, pagination: Some(pagination) }
    }
}

/// Every failed body: `{"success": false, "error": {…}}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Failure {
    pub success: bool,
    pub error: ErrorBody,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrorBody {
    pub code: ErrorCode,
    /// For people: safe to show as it is.
    pub message: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub details: Option<ErrorDetails>,
}

impl ErrorBody {
    /// Field name → what is wrong with it, on `VALIDATION_ERROR`.
    pub fn fields(&self) -> Option<&FieldErrors> {
        match &self.details {
            Some(ErrorDetails::Fields(fields)) => Some(fields),
            _ => None,
        }
    }

    /// The task as it is now, on `PRECONDITION_FAILED`.
    pub fn current(&self) -> Option<&Task> {
        match &self.details {
            Some(ErrorDetails::Current { current }) => Some(current),
            _ => None,
        }
    }
}

/// What `error.details` holds: the task as it is now on `PRECONDITION_FAILED`, or a
/// field map on `VALIDATION_ERROR`. Untagged, so the JSON is the bare object; `Current`
/// is tried first, and only an object whose `current` is a task is one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(untagged)]
pub enum ErrorDetails {
    /// On `PRECONDITION_FAILED`: `{"current": <the task as it is now>}`.
    Current { current: Task },
    /// On `VALIDATION_ERROR`: field name → what is wrong with it.
    #[cfg_attr(feature = "openapi", schema(value_type = std::collections::HashMap<String, String>))]
    Fields(FieldErrors),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ErrorCode {
    ValidationError,
    EmailExists,
    InvalidCredentials,
    Unauthorized,
    Forbidden,
    NotFound,
    MethodNotAllowed,
    PayloadTooLarge,
    UnsupportedMediaType,
    RateLimited,
    DbError,
    ServerError,
    Timeout,
    /// Password-reset mail is not set up on this deployment.
    MailUnavailable,
    /// An `If-Match` named a version the task no longer has; `details.current` is the
    /// task as it is now.
    PreconditionFailed,
    /// A create with this `Idempotency-Key` is still running.
    RequestInProgress,
    /// This `Idempotency-Key` came before with a different body.
    IdempotencyKeyReused,
    /// The changes-feed cursor is past its lifetime: reload the list.
    CursorExpired,
}

impl ErrorCode {
    pub fn status(self) -> u16 {
        match self {
            Self::ValidationError => 422,
            Self::EmailExists => 400,
            Self::RequestInProgress => 409,
            Self::CursorExpired => 410,
            Self::PreconditionFailed => 412,
            Self::IdempotencyKeyReused => 422,
            Self::InvalidCredentials | Self::Unauthorized => 401,
            Self::Forbidden => 403,
            Self::NotFound => 404,
            Self::MethodNotAllowed => 405,
            Self::PayloadTooLarge => 413,
            Self::UnsupportedMediaType => 415,
            Self::RateLimited => 429,
            Self::DbError | Self::ServerError => 500,
            Self::Timeout | Self::MailUnavailable => 503,
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct SignupRequest {
    #[cfg_attr(feature = "openapi", schema(required, schema_with = crate::api::schema::email))]
    pub email: String,
    #[cfg_attr(feature = "openapi", schema(required, schema_with = crate::api::schema::user_name))]
    pub name: String,
    #[cfg_attr(feature = "openapi", schema(required, schema_with = crate::api::schema::password))]
    pub password: String,
}

impl SignupRequest {
    pub fn parse(&self) -> Result<Signup, FieldErrors> {
        let mut v = Validator::new();
        let email = v.check("email", Email::parse(&self.email));
        let name = v.check("name", UserName::parse(&self.name));
        let password = v.check("password", Password::parse(&self.password));
        v.finish(|| Some(Signup { email: email?, name: name?, password: password? }))
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct SigninRequest {
    #[cfg_attr(feature = "openapi", schema(required, schema_with = crate::api::schema::email))]
    pub email: String,
    #[cfg_attr(feature = "openapi", schema(required, schema_with = crate::api::schema::signin_password))]
    pub password: String,
}

#[derive(Debug, Clone)]
pub struct Signin {
    pub email: Email,
    /// Not length-checked: a wrong password of any length is just wrong.
    pub password: String,
}

impl SigninRequest {
    pub fn parse(&self) -> Result<Signin, FieldErrors> {
        let mut v = Validator::new();
        let email = v.check("email", Email::parse(&self.email));
        let password = v.check(
            "password",
            if self.password.is_empty() {
                Err("Enter your password.".into())
            } else {
                Ok(self.password.clone())
            },
        );
        v.finish(|| Some(Signin { email: email?, password: password? }))
    }
}

/// Its OpenAPI schema is written out in `schema`: the rule that an email or
/// password change needs `current_password` spans fields.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ProfileRequest {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub password: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub current_password: Option<String>,
}

impl ProfileRequest {
    pub fn parse(&self) -> Result<ProfileChange, FieldErrors> {
        let mut v = Validator::new();
        let name = self.name.as_deref().map(|n| v.check("name", UserName::parse(n)));
        let email = self.email.as_deref().map(|e| v.check("email", Email::parse(e)));
        let password = self.password.as_deref().map(|p| v.check("password", Password::parse(p)));
        let current_password = self.current_password.clone().filter(|p| !p.is_empty());
        if (email.is_some() || password.is_some()) && current_password.is_none() {
            v.check::<()>(
                "current_password",
                Err("Enter your current password to change your email or password.".into()),
            );
        }
        v.finish(|| {
            Some(ProfileChange {
                name: name.transpose_inner()?,
                email: email.transpose_inner()?,
                password: password.transpose_inner()?,
                current_password,
            })
        })
    }
}

/// `Some(None)` (given but invalid) fails the build; absent stays absent.
trait TransposeInner<T> {
    fn transpose_inner(self) -> Option<Option<T>>;
}

impl<T> TransposeInner<T> for Option<Option<T>> {
    fn transpose_inner(self) -> Option<Option<T>> {
        match self {
            None => Some(None),
            Some(inner) => inner.map(Some),
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct CreateTaskRequest {
    #[cfg_attr(feature = "openapi", schema(required, schema_with = crate::api::schema::task_title))]
    pub title: String,
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::api::schema::task_description))]
    pub description: Option<String>,
}

impl CreateTaskRequest {
    pub fn parse(&self) -> Result<NewTask, FieldErrors> {
        let mut v = Validator::new();
        let title = v.check("title", TaskTitle::parse(&self.title));
        let description =
            self.description.as_deref().map(|d| v.check("description", TaskDescription::parse(d)));
        v.finish(|| Some(NewTask { title: title?, description: description.transpose_inner()? }))
    }
}

/// A partial update: absent fields stay; `"description": null` clears it, and
/// `"title": null` is refused, because a task always has a title.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct UpdateTaskRequest {
    /// Absent keeps the title; `null` is present, so that it can be refused.
    #[serde(deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::api::schema::new_task_title))]
    pub title: Option<Option<String>>,
    /// Absent keeps the description; `null` clears it.
    #[serde(deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::api::schema::task_description))]
    pub description: Option<Option<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub completed: Option<bool>,
}

impl UpdateTaskRequest {
    pub fn parse(&self) -> Result<TaskChange, FieldErrors> {
        let mut v = Validator::new();
        let title = self.title.as_ref().map(|t| match t.as_deref() {
            None => v.check("title", Err("A task needs a title; it cannot be cleared.".to_owned())),
            Some(text) => v.check("title", TaskTitle::parse(text)),
        });
        let description = self.description.as_ref().map(|d| match d.as_deref() {
            None => Some(None),
            Some(text) => v.check("description", TaskDescription::parse(text)).map(Some),
        });
        v.finish(|| {
            Some(TaskChange {
                title: title.transpose_inner()?,
                description: description.transpose_inner()?,
                completed: self.completed,
            })
        })
    }
}

/// Marks a field that was present in the JSON, even as `null`.
fn present<'de, T, D>(deserializer: D) -> Result<Option<T>, D::Error>
where
    T: Deserialize<'de>,
    D: Deserializer<'de>,
{
    T::deserialize(deserializer).map(Some)
}

/// `GET /api/tasks?page&limit`, as sent; `PageRequest::parse` judges the values.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams), into_params(parameter_in = Query))]
pub struct ListQuery {
    #[cfg_attr(feature = "openapi", param(schema_with = crate::api::schema::page))]
    pub page: Option<String>,
    #[cfg_attr(feature = "openapi", param(schema_with = crate::api::schema::limit))]
    pub limit: Option<String>,
}

impl ListQuery {
    pub fn parse(&self) -> Result<PageRequest, FieldErrors> {
        PageRequest::parse(self.page.as_deref(), self.limit.as_deref())
    }
}

/// `GET /api/tasks/changes?since=`: the cursor a previous answer gave, or none for the
/// current one.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct ChangesQuery {
    /// The `cursor` of an earlier answer; without it, the answer is the current cursor
    /// and empty lists.
    #[cfg_attr(feature = "openapi", param(pattern = r"^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)$"))]
    pub since: Option<String>,
}

impl ChangesQuery {
    pub fn parse(&self) -> Result<Option<ChangeCursor>, FieldErrors> {
        let mut v = Validator::new();
        let since = self.since.as_deref().map(|raw| v.check("since", ChangeCursor::parse(raw)));
        v.finish(|| match since {
            Some(cursor) => cursor.map(Some),
            None => Some(None),
        })
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HealthReport {
    /// `ok` or `error`.
    pub status: String,
    /// `connected` or `disconnected`.
    pub database: String,
    #[serde(deserialize_with = "rfc3339")]
    pub timestamp: DateTime<Utc>,
}

/// `POST /api/auth/forgot-password`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct ForgotPasswordRequest {
    #[cfg_attr(feature = "openapi", schema(required, schema_with = crate::api::schema::email))]
    pub email: String,
}

impl ForgotPasswordRequest {
    pub fn parse(&self) -> Result<Email, FieldErrors> {
        let mut v = Validator::new();
        let email = v.check("email", Email::parse(&self.email));
        v.finish(|| email)
    }
}

/// What every accepted forgot-password request is told, whether or not the account exists.
pub const RESET_LINK_SENT: &str = concat!(
    "If an account exists for that email, we've sent a link. It expires in ",
    crate::reset_link_minutes!(),
    " minutes."
);

/// The message of `MAIL_UNAVAILABLE`, which the forgot page shows in place of its form.
pub const RESET_BY_EMAIL_OFF: &str = "Password reset by email is not set up on this server.";

/// `data` of a request whose outcome is told in words: the same for everyone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Notice {
    pub message: String,
}

/// `POST /api/auth/reset-password`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct ResetPasswordRequest {
    /// The token from the emailed link.
    #[cfg_attr(feature = "openapi", schema(required, min_length = 1))]
    pub token: String,
    #[cfg_attr(feature = "openapi", schema(required, schema_with = crate::api::schema::password))]
    pub password: String,
}

/// A reset link that is not live: unknown, expired, or already used.
pub const RESET_LINK_INVALID: &str =
    "This reset link is invalid, expired or already used. Ask for a new one.";

#[derive(Debug, Clone)]
pub struct PasswordReset {
    pub token: String,
    pub password: Password,
}

impl ResetPasswordRequest {
    pub fn parse(&self) -> Result<PasswordReset, FieldErrors> {
        let mut v = Validator::new();
        let token = v.check(
            "token",
            if self.token.trim().is_empty() { Err(RESET_LINK_INVALID.into()) } else { Ok(self.token.trim()) },
        );
        let password = v.check("password", Password::parse(&self.password));
        v.finish(|| Some(PasswordReset { token: token?.to_owned(), password: password? }))
    }
}

/// One signed-in device, in `GET /api/auth/sessions`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SessionInfo {
    pub id: Uuid,
    #[serde(deserialize_with = "rfc3339")]
    pub created_at: DateTime<Utc>,
    /// Updated at most every 5 minutes.
    #[serde(deserialize_with = "rfc3339")]
    pub last_seen_at: DateTime<Utc>,
    /// As the browser sent it, cut to 200 characters.
    pub user_agent: Option<String>,
    pub ip: Option<String>,
    /// The session making this request.
    pub current: bool,
}

/// `data` of `GET /api/auth/export`: everything the account holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AccountExport {
    pub user: User,
    /// Every task, oldest first.
    pub tasks: Vec<Task>,
    #[serde(deserialize_with = "rfc3339")]
    pub exported_at: DateTime<Utc>,
}

/// `DELETE /api/auth/account`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct DeleteAccountRequest {
    #[cfg_attr(feature = "openapi", schema(required, schema_with = crate::api::schema::signin_password))]
    pub current_password: String,
}

impl DeleteAccountRequest {
    /// Not length-checked: a wrong password of any length is just wrong.
    pub fn parse(&self) -> Result<String, FieldErrors> {
        let mut v = Validator::new();
        let password = v.check(
            "current_password",
            if self.current_password.is_empty() {
                Err("Enter your password to delete your account.".into())
            } else {
                Ok(self.current_password.clone())
            },
        );
        v.finish(|| password)
    }
}

pub mod page_load;

/// RFC 3339 only, as the API writes its times, read by chrono's parser for exactly that
/// format rather than by its general one: a smaller web app.
fn rfc3339<'de, D: Deserializer<'de>>(deserializer: D) -> Result<DateTime<Utc>, D::Error> {
    let text = String::deserialize(deserializer)?;
    DateTime::parse_from_rfc3339(&text).map(|time| time.with_timezone(&Utc)).map_err(serde::de::Error::custom)
}

#[cfg(feature = "openapi")]
mod schema;
#[cfg(test)]
mod tests;
