//! The rate-limit hit a read handler carries into its own first statement.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;

use crate::error::ApiError;
use crate::state::AppState;

/// The user-bucket hit a read handler behind `limit_user_reads` makes in its first
/// statement, and brings back in its answer's extensions as the `RateHit` it counted.
#[derive(Debug, Clone)]
pub struct CarriedHit {
    pub bucket: String,
    pub window_start: i64,
}

/// Left in the extensions (cloned out, not taken), so `CurrentUser` can see that the
/// last-seen time waits for the verdict.
impl FromRequestParts<AppState> for CarriedHit {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &AppState) -> Result<Self, ApiError> {
        parts.extensions.get::<CarriedHit>().cloned().ok_or_else(|| {
            ApiError::Internal(
                "a handler that carries the rate-limit hit is routed without limit_user_reads".into(),
            )
        })
    }
}
