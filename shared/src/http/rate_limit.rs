use axum::extract::{Request, State};
use axum::http::HeaderValue;
use axum::http::header::RETRY_AFTER;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use chrono::Utc;

use super::ClientIp;
use crate::auth::request_token;
use crate::error::ApiError;
use crate::state::AppState;

const WINDOW_SECS: i64 = 60;

/// Limits the credential endpoints per client IP. It runs before the body is read, so
/// a refused request costs no bcrypt work.
pub async fn limit_credentials(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let ip = req.extensions().get::<ClientIp>().map_or_else(|| "unknown".to_owned(), |ip| ip.0.to_string());
    let limit = state.config.auth_rate_limit_per_minute;
    enforce(&state, format!("auth:{ip}"), limit, req, next).await
}

/// Limits a signed-in user's requests. A request without a valid token is left to the
/// handler, which refuses it without touching the database.
pub async fn limit_user(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let user = request_token(req.headers()).and_then(|(token, _)| state.tokens.verify(token).ok());
    match user {
        Some(claims) => {
            let limit = state.config.tasks_rate_limit_per_minute;
            enforce(&state, format!("user:{}", claims.user_id), limit, req, next).await
        }
        None => next.run(req).await,
    }
}

/// A fixed one-minute window counted in the database, so every instance sees the
/// same count.
async fn enforce(state: &AppState, bucket: String, limit: u32, req: Request, next: Next) -> Response {
    let now = Utc::now().timestamp();
    let window_start = now - now.rem_euclid(WINDOW_SECS);
    let reset = window_start + WINDOW_SECS;
    let hits = match state.store.hit_rate_limit(&bucket, window_start).await {
        Ok(hits) => hits,
        Err(e) => return ApiError::from(e).into_response(),
    };
    let mut response = if hits > limit {
        tracing::warn!(event = "rate_limited", bucket, limit, "rate limit exceeded");
        let mut refused = ApiError::RateLimited.into_response();
        refused.headers_mut().insert(RETRY_AFTER, HeaderValue::from(reset - now));
        refused
    } else {
        next.run(req).await
    };
    let headers = response.headers_mut();
    headers.insert("x-ratelimit-limit", HeaderValue::from(limit));
    headers.insert("x-ratelimit-remaining", HeaderValue::from(limit.saturating_sub(hits)));
    headers.insert("x-ratelimit-reset", HeaderValue::from(reset));
    response
}
