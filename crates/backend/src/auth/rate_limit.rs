use std::net::IpAddr;

use axum::extract::{Request, State};
use axum::http::{Extensions, HeaderMap, HeaderValue};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use contract::policy::RATE_LIMIT_WINDOW_SECS;
use ipnet::Ipv6Net;

use store::RateHit;

use crate::auth::{CarriedHit, LiveSession, VerifiedToken, record_last_seen};
use crate::error::ApiError;
use crate::http::ClientIp;
use crate::state::AppState;

/// Limits the credential endpoints per client IP. It runs before the body is read, so
/// a refused request costs no bcrypt work.
pub async fn limit_credentials(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let bucket = address_bucket(req.extensions());
    let limit = state.config.auth_rate_limit_per_minute;
    enforce(&state, bucket, limit, next.run(req)).await
}

/// The credential bucket of the request's client address.
fn address_bucket(extensions: &Extensions) -> String {
    let client = extensions.get::<ClientIp>().map_or_else(|| "unknown".to_owned(), |ip| client_bucket(ip.0));
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
    let live = match signed_in(&state, req.headers(), req.extensions()).await {
        Caller::Live(live) => live,
        Caller::Other(response) => return response,
        Caller::Anonymous => return next.run(req).await,
    };
    let bucket = user_bucket(&live);
    req.extensions_mut().insert(live);
    let limit = state.config.tasks_rate_limit_per_minute;
    enforce(&state, bucket, limit, next.run(req)).await
}

/// `limit_user` for reads whose handler counts the hit in its own first statement
/// (`CarriedHit`), so that the request costs one round trip instead of two: the handler
/// answers, and its answer gives way to 429 when the count it brought back is over the
/// limit. Only reads may be routed here: answering first and refusing after is safe
/// because a read changes nothing (the last-seen time too waits for the verdict). A
/// handler that failed before its statement leaves the hit to be counted here, after
/// it; one that failed on the database is answered as it is.
pub async fn limit_user_reads(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let live = match signed_in(&state, req.headers(), req.extensions()).await {
        Caller::Live(live) => live,
        Caller::Other(response) => return response,
        Caller::Anonymous => return next.run(req).await,
    };
    let (bucket, session_id) = (user_bucket(&live), live.token.claims.jti);
    let now = Utc::now().timestamp();
    let carried = CarriedHit { bucket, window_start: window_start(now) };
    req.extensions_mut().insert(carried.clone());
    req.extensions_mut().insert(live);
    let limit = state.config.tasks_rate_limit_per_minute;
    let answer = next.run(req).await;
    let hit = match answer.extensions().get::<RateHit>() {
        Some(hit) => *hit,
        None if answer.status().is_server_error() => return answer,
        None => match state.store.hit_rate_limit(&carried.bucket, carried.window_start).await {
            Ok(hit) => hit,
            Err(e) => return ApiError::from(e).into_response(),
        },
    };
    let response = match verdict(hit, limit, now, &carried.bucket) {
        Ok(()) => {
            record_last_seen(&state, session_id).await;
            answer
        }
        Err(refused) => refused.into_response(),
    };
    with_limit_headers(response, hit, limit)
}

/// Who a request with a token is, as the user limits see it.
enum Caller {
    /// No token, or one that does not verify: the handler refuses it.
    Anonymous,
    Live(LiveSession),
    /// The answer is already decided: 401 for a session that is gone (its address
    /// charged), or the error looking it up gave.
    Other(Response),
}

/// Takes the request's parts, not the request: its body is not `Sync`, so a borrow of
/// it held across the lookup would make the middleware's future not `Send`.
async fn signed_in(state: &AppState, headers: &HeaderMap, extensions: &Extensions) -> Caller {
    let Some(token) = VerifiedToken::of(headers, &state.tokens) else { return Caller::Anonymous };
    match LiveSession::of(state, token).await {
        Ok(Some(live)) => Caller::Live(live),
        Ok(None) => {
            let limit = state.config.auth_rate_limit_per_minute;
            let refused = async { ApiError::Unauthorized.into_response() };
            Caller::Other(enforce(state, address_bucket(extensions), limit, refused).await)
        }
        Err(e) => Caller::Other(e.into_response()),
    }
}

fn user_bucket(live: &LiveSession) -> String {
    format!("user:{}", live.user.id)
}

/// The fixed one-minute window `now` falls in.
fn window_start(now: i64) -> i64 {
    now - now.rem_euclid(RATE_LIMIT_WINDOW_SECS)
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
    let hit = match state.store.hit_rate_limit(&bucket, window_start(now)).await {
        Ok(hit) => hit,
        Err(e) => return ApiError::from(e).into_response(),
    };
    let response = match verdict(hit, limit, now, &bucket) {
        Ok(()) => answer.await,
        Err(refused) => refused.into_response(),
    };
    with_limit_headers(response, hit, limit)
}

/// The one decision: a hit past `limit` in its window is refused until the window ends.
fn verdict(hit: RateHit, limit: u32, now: i64, bucket: &str) -> Result<(), ApiError> {
    if hits(hit) <= limit {
        return Ok(());
    }
    tracing::warn!(event = "rate_limited", bucket, limit, "rate limit exceeded");
    let reset = hit.window_start + RATE_LIMIT_WINDOW_SECS;
    Err(ApiError::RateLimited { retry_after_secs: (reset - now).clamp(1, RATE_LIMIT_WINDOW_SECS) })
}

fn hits(hit: RateHit) -> u32 {
    u32::try_from(hit.hits).unwrap_or(u32::MAX)
}

fn with_limit_headers(mut response: Response, hit: RateHit, limit: u32) -> Response {
    let headers = response.headers_mut();
    headers.insert("x-ratelimit-limit", HeaderValue::from(limit));
    headers.insert("x-ratelimit-remaining", HeaderValue::from(limit.saturating_sub(hits(hit))));
    headers.insert("x-ratelimit-reset", HeaderValue::from(hit.window_start + RATE_LIMIT_WINDOW_SECS));
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
