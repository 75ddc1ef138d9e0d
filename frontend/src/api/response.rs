use contract::api::{ErrorBody, ErrorCode, Failure, Pagination, Success};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::value::RawValue;

use super::ApiError;

/// `Success<T>` with its data left as JSON text, so that the envelope is read by one
/// function for every `T`, rather than by one copy per `T` in the bundle.
#[derive(Deserialize)]
struct Envelope<'a> {
    success: bool,
    #[serde(borrow)]
    data: &'a RawValue,
    #[serde(default)]
    pagination: Option<Pagination>,
}

/// Reads a response that carries data: `{"success": true, "data": …}`.
pub fn decode<T: DeserializeOwned>(status: u16, body: &str) -> Result<Success<T>, ApiError> {
    let envelope = envelope(status, body)?;
    let data = serde_json::from_str(envelope.data.get()).map_err(|_| ApiError::Unexpected { status })?;
    Ok(Success { success: envelope.success, data, pagination: envelope.pagination })
}

fn envelope(status: u16, body: &str) -> Result<Envelope<'_>, ApiError> {
    if (200..300).contains(&status) {
        serde_json::from_str(body).map_err(|_| ApiError::Unexpected { status })
    } else {
        Err(failure(status, body))
    }
}

/// Reads a response whose success has no body, such as 204 after a delete.
pub fn decode_empty(status: u16, body: &str) -> Result<(), ApiError> {
    if (200..300).contains(&status) { Ok(()) } else { Err(failure(status, body)) }
}

const TOO_MANY_REQUESTS: u16 = 429;

fn failure(status: u16, body: &str) -> ApiError {
    match serde_json::from_str::<Failure>(body) {
        Ok(failure) => ApiError::Refused(failure.error),
        // A throttling proxy or gateway in front of the API answers in its own format;
        // it still means "slow down", which the user should read as such.
        Err(_) if status == TOO_MANY_REQUESTS => ApiError::Refused(ErrorBody {
            code: ErrorCode::RateLimited,
            message: "Too many requests. Please wait a moment and try again.".into(),
            details: None,
        }),
        Err(_) => ApiError::Unexpected { status },
    }
}

#[cfg(test)]
mod tests {
    use contract::api::{Task, UserEnvelope};

    use super::*;

    const TASK: &str = r#"{"id":3,"user_id":"6f1c2a52-4a8e-4a43-9c43-2a7f1d0e9b10","title":"Milk",
        "description":null,"completed":false,"created_at":"2026-11-25T13:00:00Z","updated_at":"2026-11-25T13:00:00Z","version":1}"#;

    #[test]
    fn decodes_data_and_pagination() {
        let body = format!(
            r#"{{"success":true,"data":[{TASK}],"pagination":{{"page":1,"limit":10,"total":1,"pages":1}}}}"#
        );
        let page: Success<Vec<Task>> = decode(200, &body).expect("a page of tasks");
        assert_eq!(page.data[0].title, "Milk");
        assert_eq!(page.pagination.map(|p| p.pages), Some(1));
    }

    #[test]
    fn decodes_the_standard_error_with_details() {
        let body = r#"{"success":false,"error":{"code":"VALIDATION_ERROR","message":"Some fields need your attention.",
            "details":{"password":"Password must be at least 8 characters."}}}"#;
        let error = decode::<UserEnvelope>(422, body).expect_err("a refusal");
        assert_eq!(error.code(), Some(ErrorCode::ValidationError));
        assert_eq!(
            error.details().and_then(|d| d.get("password")).map(String::as_str),
            Some("Password must be at least 8 characters.")
        );
    }

    #[test]
    fn the_servers_rate_limit_keeps_its_message() {
        let body = r#"{"success":false,"error":{"code":"RATE_LIMITED","message":"Too many requests. Please wait a moment and try again."}}"#;
        let error = decode::<UserEnvelope>(429, body).expect_err("a refusal");
        assert_eq!(error.code(), Some(ErrorCode::RateLimited));
        assert_eq!(error.to_string(), "Too many requests. Please wait a moment and try again.");
    }

    #[test]
    fn any_429_reads_as_a_rate_limit() {
        let error = decode_empty(429, "<html>Slow down</html>").expect_err("a refusal");
        assert_eq!(error.code(), Some(ErrorCode::RateLimited));
        assert!(error.to_string().starts_with("Too many requests."));
        assert_eq!(
            error.with_retry_after(Some("3")).to_string(),
            "Too many requests. Please wait a moment and try again. (You can try again in 3 seconds.)"
        );
    }

    #[test]
    fn anything_else_is_unexpected() {
        assert_eq!(
            decode::<UserEnvelope>(502, "<html>Bad gateway</html>"),
            Err(ApiError::Unexpected { status: 502 })
        );
        assert_eq!(decode::<UserEnvelope>(200, "not json"), Err(ApiError::Unexpected { status: 200 }));
    }

    #[test]
    fn empty_success_ignores_the_body() {
        assert_eq!(decode_empty(204, ""), Ok(()));
        let body = r#"{"success":false,"error":{"code":"NOT_FOUND","message":"The requested resource was not found."}}"#;
        assert_eq!(decode_empty(404, body).map_err(|e| e.code()), Err(Some(ErrorCode::NotFound)));
    }
}
