use std::time::Duration;

use axum::extract::Request;
use axum::http::HeaderValue;
use axum::http::header::{
    CACHE_CONTROL, CONTENT_SECURITY_POLICY, REFERRER_POLICY, STRICT_TRANSPORT_SECURITY,
    X_CONTENT_TYPE_OPTIONS, X_FRAME_OPTIONS,
};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::error::ApiError;

/// JSON responses never need to load anything; the web app's pages set their own.
const API_CSP: &str = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'";

/// Bounds every request, so a stuck database call cannot hold a connection forever,
/// and sets the headers every response carries, the timeout's own included. HSTS only
/// when the request arrived over HTTPS (API Gateway and the Spaces proxy say so in
/// `X-Forwarded-Proto`). Every API answer, errors included, is `no-store` unless its
/// handler chose otherwise: most carry an account's or its tasks' data, and a browser,
/// proxy or CDN cache must keep none of it. One layer for all of this: each layer costs a boxed future and a
/// service clone per request.
pub async fn harden(limit: Duration, req: Request, next: Next) -> Response {
    let https = req.headers().get("x-forwarded-proto").is_some_and(|proto| proto == "https");
    let api = req.uri().path().starts_with("/api/");
    let mut response = match tokio::time::timeout(limit, next.run(req)).await {
        Ok(response) => response,
        Err(_) => {
            tracing::warn!(
                event = "request_timeout",
                limit_ms = limit.as_millis() as u64,
                "request timed out"
            );
            ApiError::Timeout.into_response()
        }
    };
    let headers = response.headers_mut();
    headers.entry(CONTENT_SECURITY_POLICY).or_insert(HeaderValue::from_static(API_CSP));
    if api {
        headers.entry(CACHE_CONTROL).or_insert(HeaderValue::from_static("no-store"));
    }
    headers.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(REFERRER_POLICY, HeaderValue::from_static("strict-origin-when-cross-origin"));
    headers.insert(X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    if https {
        headers.insert(
            STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=63072000; includeSubDomains"),
        );
    }
    response
}
