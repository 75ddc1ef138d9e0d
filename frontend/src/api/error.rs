use std::fmt;

use contract::api::{ErrorBody, ErrorCode, Task};
use contract::domain::FieldErrors;

/// What a proxy or CDN answers when the server behind it is down (Bad Gateway, Gateway
/// Timeout): as unreachable as no answer at all.
pub const GATEWAY_DOWN: [u16; 2] = [502, 504];

/// Why a call did not succeed, in terms the UI can act on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApiError {
    /// The API refused, in its standard error format. Boxed: with the current task in its
    /// details it is large, and every `Result` of a call would carry that size.
    Refused(Box<ErrorBody>),
    /// The request never got an answer: offline, server down, or aborted.
    Network,
    /// An answer that is not the API's format, e.g. a proxy's error page.
    Unexpected { status: u16 },
}

impl ApiError {
    pub fn code(&self) -> Option<ErrorCode> {
        match self {
            Self::Refused(body) => Some(body.code),
            Self::Network | Self::Unexpected { .. } => None,
        }
    }

    /// The session is gone (expired, revoked or never there): the user must sign in.
    pub fn is_unauthorized(&self) -> bool {
        self.code() == Some(ErrorCode::Unauthorized)
    }

    /// No answer from the server: the network, or a proxy saying the server is down.
    pub fn is_unreachable(&self) -> bool {
        match self {
            Self::Network => true,
            Self::Unexpected { status } => GATEWAY_DOWN.contains(status),
            Self::Refused(_) => false,
        }
    }

    pub fn details(&self) -> Option<&FieldErrors> {
        match self {
            Self::Refused(body) => body.fields(),
            Self::Network | Self::Unexpected { .. } => None,
        }
    }

    /// The task as another device left it, when a conditional write found it changed.
    pub fn current(&self) -> Option<&Task> {
        match self {
            Self::Refused(body) if body.code == ErrorCode::PreconditionFailed => body.current(),
            Self::Refused(_) | Self::Network | Self::Unexpected { .. } => None,
        }
    }

    /// Adds when to try again to a rate-limit refusal, from its `Retry-After` header
    /// (delay-seconds; an HTTP date is left out). Other errors are returned unchanged.
    pub fn with_retry_after(self, retry_after: Option<&str>) -> Self {
        match self {
            Self::Refused(mut body) if body.code == ErrorCode::RateLimited => {
                if let Some(seconds) = retry_after.and_then(|value| value.trim().parse::<u64>().ok()) {
                    let unit = if seconds == 1 { "second" } else { "seconds" };
                    body.message = format!("{} (You can try again in {seconds} {unit}.)", body.message);
                }
                Self::Refused(body)
            }
            other => other,
        }
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Refused(body) => f.write_str(&body.message),
            Self::Network => f.write_str("Could not reach the server. Check your connection and try again."),
            Self::Unexpected { status } => {
                write!(f, "The server answered unexpectedly (HTTP {status}). Please try again.")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(code: ErrorCode) -> ApiError {
        ApiError::Refused(Box::new(ErrorBody {
            code,
            message: "Please sign in to continue.".into(),
            details: None,
        }))
    }

    #[test]
    fn only_unauthorized_ends_the_session() {
        assert!(refused(ErrorCode::Unauthorized).is_unauthorized());
        assert!(!refused(ErrorCode::InvalidCredentials).is_unauthorized());
        assert!(!ApiError::Network.is_unauthorized());
    }

    #[test]
    fn a_rate_limit_says_when_to_try_again() {
        let limited = || {
            ApiError::Refused(Box::new(ErrorBody {
                code: ErrorCode::RateLimited,
                message: "Too many requests. Please wait a moment and try again.".into(),
                details: None,
            }))
        };
        assert_eq!(
            limited().with_retry_after(Some("42")).to_string(),
            "Too many requests. Please wait a moment and try again. (You can try again in 42 seconds.)"
        );
        assert!(limited().with_retry_after(Some("1")).to_string().ends_with("in 1 second.)"));
        let plain = "Too many requests. Please wait a moment and try again.";
        assert_eq!(limited().with_retry_after(None).to_string(), plain);
        assert_eq!(limited().with_retry_after(Some("Wed, 21 Oct 2026 07:28:00 GMT")).to_string(), plain);
        assert_eq!(limited().with_retry_after(None).code(), Some(ErrorCode::RateLimited));
        // Only rate limits get the note.
        let other = refused(ErrorCode::Unauthorized);
        assert_eq!(other.clone().with_retry_after(Some("42")), other);
        assert_eq!(ApiError::Network.with_retry_after(Some("42")), ApiError::Network);
    }

    #[test]
    fn messages_are_for_people() {
        assert_eq!(refused(ErrorCode::Unauthorized).to_string(), "Please sign in to continue.");
        assert!(ApiError::Network.to_string().contains("reach the server"));
        assert!(ApiError::Unexpected { status: 502 }.to_string().contains("502"));
        assert_eq!(ApiError::Network.code(), None);
        assert_eq!(ApiError::Unexpected { status: 502 }.details(), None);
    }

    #[test]
    fn a_stale_write_carries_the_task_as_it_is_now() {
        let body = r#"{"success":false,"error":{"code":"PRECONDITION_FAILED","message":"This task was changed.",
            "details":{"current":{"id":3,"user_id":"6f1c2a52-4a8e-4a43-9c43-2a7f1d0e9b10","title":"Theirs",
            "description":null,"completed":true,"created_at":"2026-11-25T13:00:00Z",
            "updated_at":"2026-11-25T13:05:00Z","version":4}}}}"#;
        let error = crate::api::decode_empty(412, body).expect_err("a refusal");
        let current = error.current().expect("the current task");
        assert_eq!((current.title.as_str(), current.version, current.completed), ("Theirs", 4, true));
        assert_eq!(error.details(), None, "no field messages");
        // Only a precondition failure names a current task.
        assert_eq!(refused(ErrorCode::NotFound).current(), None);
        assert_eq!(ApiError::Network.current(), None);
    }
}
