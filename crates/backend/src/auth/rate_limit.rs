use std::net::IpAddr;

use axum::extract::{Request, State};
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use contract::policy::RATE_LIMIT_WINDOW_SECS;
use ipnet::Ipv6Net;

use crate::auth::{LiveSession, VerifiedToken};
use crate::error::ApiError;
use crate::http::ClientIp;
use crate::state::AppState;

/// Limits the credential endpoints per client IP. It runs before the body is read, so
/// a refused request costs no bcrypt work.
pub async fn limit_credentials(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let bucket = address_bucket(&req);
    let limit = state.config.auth_rate_limit_per_minute;
    enforce(&state, bucket, limit, next.run(req)).await
}

/// The credential bucket of the request's client address.
fn address_bucket(req: &Request) -> String {
    let client =
        req.extensions().get::<ClientIp>().map_or_else(|| "unknown".to_owned(), |ip| client_bucket(ip.0));
    format!("auth:{client}")
}

/// One bucket per IPv4 address, and per /64 for IPv6: a single end site is handed a
/// whole /64, so per-address buckets would give one attacker 2^64 of them.
fn client_bucket(ip: IpAddr) -> String {
    match ip.to_canonical() {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => Ipv6Net::new(v6, 64).map_or_else(|_| v6.to_string(), |net| net.trunc().to_string()),
    }
}

/// Limits a signed-in user's requests. A request without a valid token is left to the
/// handler, which refuses it without touching the database. A valid one whose session is
/// live goes on with it, so the handler's `CurrentUser` does not look it up again; a live
/// session cached here costs no lookup at all.
///
/// Only a live session spends its user's bucket. A token whose session is gone (revoked,
/// expired, never recorded) proves nothing about who sends it: a thief holding one must
/// not use up its owner's limit. It is charged to its client address's credential
/// bucket instead, as a failed credential, and answered 401.
pub async fn limit_user(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let Some(token) = VerifiedToken::of(req.headers(), &state.tokens) else {
        return next.run(req).await;
    };
    match LiveSession::of(&state, token).await {
        Ok(Some(live)) => {
            let bucket = format!("user:{}", live.user.id);
            req.extensions_mut().insert(live);
            let limit = state.config.tasks_rate_limit_per_minute;
            enforce(&state, bucket, limit, next.run(req)).await
        }
        Ok(None) => {
            let limit = state.config.auth_rate_limit_per_minute;
            enforce(&state, address_bucket(&req), limit, async { ApiError::Unauthorized.into_response() })
                .await
        }
        Err(e) => e.into_response(),
    }
}

/// A fixed one-minute window counted in the database, so every instance sees the
/// same count. The window is the later of this instance's and the stored one, so an
/// instance whose clock runs slow cannot reopen a window and reset its count.
/// `answer` runs only when the request is within the limit.
async fn enforce(
    state: &AppState,
    bucket: String,
    limit: u32,
    answer: impl Future<Output = Response>,
) -> Response {
    let now = Utc::now().timestamp();
    let hit = match state.store.hit_rate_limit(&bucket, now - now.rem_euclid(RATE_LIMIT_WINDOW_SECS)).await {
        Ok(hit) => hit,
        Err(e) => return ApiError::from(e).into_response(),
    };
    let reset = hit.window_start + RATE_LIMIT_WINDOW_SECS;
    let hits = u32::try_from(hit.hits).unwrap_or(u32::MAX);
    let mut response = if hits > limit {
        tracing::warn!(event = "rate_limited", bucket, limit, "rate limit exceeded");
        ApiError::RateLimited { retry_after_secs: (reset - now).clamp(1, RATE_LIMIT_WINDOW_SECS) }
            .into_response()
    } else {
        answer.await
    };
    let headers = response.headers_mut();
    headers.insert("x-ratelimit-limit", HeaderValue::from(limit));
    headers.insert("x-ratelimit-remaining", HeaderValue::from(limit.saturating_sub(hits)));
    headers.insert("x-ratelimit-reset", HeaderValue::from(reset));
    response
}

#[cfg(test)]
mod tests {
    use super::client_bucket;

    #[test]
    fn ipv6_clients_share_a_bucket_per_64() {
        let bucket = |ip: &str| client_bucket(ip.parse().unwrap());
        assert_eq!(bucket("2001:db8:1:2:aaaa::1"), bucket("2001:db8:1:2:ffff:ffff:ffff:ffff"));
        assert_eq!(bucket("2001:db8:1:2::7"), "2001:db8:1:2::/64");
        assert_ne!(bucket("2001:db8:1:2::1"), bucket("2001:db8:1:3::1"));
        assert_eq!(bucket("203.0.113.7"), "203.0.113.7");
        assert_eq!(bucket("::ffff:203.0.113.7"), "203.0.113.7", "a mapped IPv4 address is that address");
    }
}
