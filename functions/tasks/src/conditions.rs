//! The headers of conditional and idempotent requests, read into domain values, and
//! the `ETag` on single-task answers. A header that does not parse is a 422 naming it,
//! like any other bad input: a client that sends garbage learns so at once, rather
//! than from a 412 that would send it to reload for nothing.

use axum::extract::FromRequestParts;
use axum::http::header::{ETAG, IF_MATCH, IF_NONE_MATCH};
use axum::http::request::Parts;
use axum::http::{HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use backend::ApiError;
use contract::api::{Success, Task};
use contract::domain::{EntityTags, IdempotencyKey, version_tag};

const IDEMPOTENCY_KEY: HeaderName = HeaderName::from_static("idempotency-key");

/// `If-Match`, when sent: the versions a write may change.
pub struct IfMatch(pub Option<EntityTags>);

/// `If-None-Match`, when sent: the versions the client already holds.
pub struct IfNoneMatch(pub Option<EntityTags>);

/// `Idempotency-Key`, when sent.
pub struct IdempotencyKeyHeader(pub Option<IdempotencyKey>);

impl IfMatch {
    /// What the store's conditional write takes: `None` for none sent or `*`.
    pub fn versions(&self) -> Option<Vec<i64>> {
        self.0.as_ref().and_then(EntityTags::strong_versions)
    }
}

fn refused(name: &str, message: String) -> ApiError {
    ApiError::invalid_fields([(name.to_owned(), message)].into())
}

fn entity_tags(parts: &Parts, name: HeaderName, label: &str) -> Result<Option<EntityTags>, ApiError> {
    let mut values = parts.headers.get_all(&name).iter().map(HeaderValue::as_bytes).peekable();
    if values.peek().is_none() {
        return Ok(None);
    }
    EntityTags::parse(values).map(Some).map_err(|message| refused(label, message))
}

impl<S: Send + Sync> FromRequestParts<S> for IfMatch {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        entity_tags(parts, IF_MATCH, "If-Match").map(Self)
    }
}

impl<S: Send + Sync> FromRequestParts<S> for IfNoneMatch {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        entity_tags(parts, IF_NONE_MATCH, "If-None-Match").map(Self)
    }
}

impl<S: Send + Sync> FromRequestParts<S> for IdempotencyKeyHeader {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        let mut values = parts.headers.get_all(IDEMPOTENCY_KEY).iter();
        let (Some(value), None) = (values.next(), values.next()) else {
            return match parts.headers.contains_key(IDEMPOTENCY_KEY) {
                true => Err(refused("Idempotency-Key", "Send one Idempotency-Key, not several.".into())),
                false => Ok(Self(None)),
            };
        };
        IdempotencyKey::parse(value.as_bytes())
            .map(|key| Self(Some(key)))
            .map_err(|message| refused("Idempotency-Key", message))
    }
}

/// A single-task answer: the task with its version as the `ETag`.
pub struct Tagged {
    pub status: StatusCode,
    pub task: Task,
}

impl Tagged {
    pub fn ok(task: Task) -> Self {
        Self { status: StatusCode::OK, task }
    }

    pub fn created(task: Task) -> Self {
        Self { status: StatusCode::CREATED, task }
    }
}

/// The tag is digits in quotes, always a valid header value.
fn etag(version: i64) -> (HeaderName, HeaderValue) {
    (ETAG, HeaderValue::from_str(&version_tag(version)).expect("digits in quotes"))
}

impl IntoResponse for Tagged {
    fn into_response(self) -> Response {
        let tag = etag(self.task.version);
        (self.status, [tag], axum::Json(Success::new(self.task))).into_response()
    }
}

/// 304 to a `GET` whose `If-None-Match` names the version the task has: no body.
pub fn not_modified(version: i64) -> Response {
    (StatusCode::NOT_MODIFIED, [etag(version)]).into_response()
}
