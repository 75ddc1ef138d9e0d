use std::fmt;

use contract::api::{ErrorBody, ErrorCode};
use contract::domain::FieldErrors;

/// Why a call did not succeed, in terms the UI can act on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApiError {
    /// The API refused, in its standard error format.
    Refused(ErrorBody),
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

    pub fn details(&self) -> Option<&FieldErrors> {
        match self {
            Self::Refused(body) => body.fields(),
            Self::Network | Self::Unexpected { .. } => None,
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
        ApiError::Refused(ErrorBody { code, message: "Please sign in to continue.".into(), details: None })
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
            ApiError::Refused(ErrorBody {
                code: ErrorCode::RateLimited,
                message: "Too many requests. Please wait a moment and try again.".into(),
                details: None,
            })
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
}
