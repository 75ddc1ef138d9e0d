use axum::body::Bytes;
use axum::extract::path::ErrorKind;
use axum::extract::rejection::{BytesRejection, PathRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::StatusCode;
use axum::http::header::CONTENT_TYPE;
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

use crate::error::ApiError;
use contract::domain::FieldErrors;

/// A JSON object body. Wrong content type → 415, too large → 413, and anything that is
/// not the expected JSON object → 422 with the offending field named where serde knows it.
pub struct Json<T>(pub T);

impl<T, S> FromRequest<S> for Json<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        if !is_json(&req) {
            return Err(ApiError::UnsupportedMediaType);
        }
        let bytes = Bytes::from_request(req, state).await.map_err(body_error)?;
        let mut deserializer = serde_json::Deserializer::from_slice(&bytes);
        let value = serde_path_to_error::deserialize(&mut deserializer).map_err(json_error)?;
        deserializer.end().map_err(|_| ApiError::validation("The request body is not valid JSON."))?;
        // serde also fills a struct from an array of its fields in order; every body of
        // this API is an object.
        if bytes.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{') {
            return Err(ApiError::validation(NOT_AN_OBJECT));
        }
        Ok(Self(value))
    }
}

const NOT_AN_OBJECT: &str = "The request body must be a JSON object with the expected fields.";

fn is_json(req: &Request) -> bool {
    req.headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|mime| {
            let mime = mime.trim().to_ascii_lowercase();
            mime == "application/json" || (mime.starts_with("application/") && mime.ends_with("+json"))
        })
        .unwrap_or(false)
}

fn body_error(rejection: BytesRejection) -> ApiError {
    if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
        ApiError::PayloadTooLarge
    } else {
        ApiError::validation("The request body could not be read.")
    }
}

fn json_error(error: serde_path_to_error::Error<serde_json::Error>) -> ApiError {
    let path = error.path().to_string();
    let inner = error.into_inner();
    if !inner.is_data() {
        return ApiError::validation("The request body is not valid JSON.");
    }
    if path == "." {
        return ApiError::validation(NOT_AN_OBJECT);
    }
    // serde_json says what it expected only in its message text; the tests below pin
    // each wording this relies on, so a rewording upstream fails them.
    let text = inner.to_string();
    let message = if text.contains("expected a string") {
        "Must be text."
    } else if text.contains("expected a boolean") {
        "Must be true or false."
    } else {
        "Has the wrong type."
    };
    ApiError::invalid_fields(FieldErrors::from([(path, message.to_owned())]))
}

/// Path parameters; a value that does not parse is a 422 naming the parameter.
pub struct Path<T>(pub T);

impl<T, S> FromRequestParts<S> for Path<T>
where
    T: DeserializeOwned + Send,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Path(value)| Self(value))
            .map_err(path_error)
    }
}

fn path_error(rejection: PathRejection) -> ApiError {
    if let PathRejection::FailedToDeserializePathParams(e) = &rejection
        && let ErrorKind::ParseErrorAtKey { key, expected_type, .. } = e.kind()
    {
        return ApiError::invalid_fields(FieldErrors::from([(
            key.clone(),
            type_message(expected_type).to_owned(),
        )]));
    }
    if rejection.status().is_server_error() {
        ApiError::internal(rejection.body_text())
    } else {
        ApiError::validation("The URL contains an invalid value.")
    }
}

/// What a path parameter of the Rust type `expected_type` must look like.
fn type_message(expected_type: &str) -> &'static str {
    const INTEGERS: [&str; 12] =
        ["i8", "i16", "i32", "i64", "i128", "isize", "u8", "u16", "u32", "u64", "u128", "usize"];
    if INTEGERS.contains(&expected_type) {
        "Must be a whole number."
    } else if expected_type == "bool" {
        "Must be true or false."
    } else {
        "Has the wrong type."
    }
}

/// A query string; fields are text and judged by their domain type afterwards.
pub struct Query<T>(pub T);

impl<T, S> FromRequestParts<S> for Query<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        axum::extract::Query::<T>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Query(value)| Self(value))
            .map_err(|_: QueryRejection| ApiError::validation("The query string is invalid."))
    }
}

#[cfg(test)]
mod tests {
    use axum::Router;
    use axum::body::{Body, to_bytes};
    use axum::routing::get;
    use serde::Deserialize;
    use serde_json::Value;
    use tower::ServiceExt;

    use super::*;

    // Only ever deserialized: what is tested is how a wrong type is reported.
    #[derive(Deserialize)]
    #[allow(dead_code)]
    struct Fields {
        name: Option<String>,
        done: Option<bool>,
        count: Option<u32>,
    }

    /// The message a body gets for its one wrongly typed field.
    fn field_message(body: &str) -> (String, String) {
        let mut deserializer = serde_json::Deserializer::from_str(body);
        let error =
            serde_path_to_error::deserialize::<_, Fields>(&mut deserializer).err().expect("a type error");
        match json_error(error) {
            ApiError::Validation { details: Some(details), .. } => {
                details.into_iter().next().expect("one field")
            }
            other => panic!("not a field error: {other:?}"),
        }
    }

    #[test]
    fn type_errors_are_worded_by_what_the_field_expects() {
        let cases = [
            (r#"{"name": 5}"#, "name", "Must be text."),
            (r#"{"name": ["a"]}"#, "name", "Must be text."),
            (r#"{"done": "yes"}"#, "done", "Must be true or false."),
            (r#"{"done": 1}"#, "done", "Must be true or false."),
            (r#"{"count": "x"}"#, "count", "Has the wrong type."),
            (r#"{"count": -1}"#, "count", "Has the wrong type."),
        ];
        for (body, field, message) in cases {
            assert_eq!(field_message(body), (field.to_owned(), message.to_owned()), "{body}");
        }
    }

    #[derive(Deserialize)]
    struct Numbered {
        id: i64,
    }

    #[derive(Deserialize)]
    struct Named {
        id: uuid::Uuid,
    }

    async fn status_and_body(uri: &str) -> (u16, Value) {
        let app = Router::new()
            .route(
                "/numbered/{id}",
                get(|Path(Numbered { id }): Path<Numbered>| async move { id.to_string() }),
            )
            .route("/named/{id}", get(|Path(Named { id }): Path<Named>| async move { id.to_string() }));
        let request = axum::http::Request::builder().uri(uri).body(Body::empty()).expect("request");
        let response = app.oneshot(request).await.expect("infallible");
        let status = response.status().as_u16();
        let bytes = to_bytes(response.into_body(), usize::MAX).await.expect("body");
        (status, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
    }

    #[tokio::test]
    async fn path_errors_name_the_parameter_as_its_type_needs() {
        let (status, body) = status_and_body("/numbered/abc").await;
        assert_eq!(status, 422);
        assert_eq!(body["error"]["details"]["id"], "Must be a whole number.");

        let (status, body) = status_and_body("/named/not-a-uuid").await;
        assert_eq!(status, 422);
        assert_eq!(body["error"]["message"], "The URL contains an invalid value.");
        assert!(body["error"].get("details").is_none(), "{body}");
    }

    #[test]
    fn path_messages_follow_the_rust_type() {
        let cases = [
            ("i64", "Must be a whole number."),
            ("u32", "Must be a whole number."),
            ("bool", "Must be true or false."),
            ("f64", "Has the wrong type."),
        ];
        for (rust_type, message) in cases {
            assert_eq!(type_message(rust_type), message, "{rust_type}");
        }
    }
}
