use std::time::Duration;

use axum::Router;
use axum::extract::{DefaultBodyLimit, MatchedPath};
use axum::http::{Request, Response};
use axum::middleware;
use axum::response::IntoResponse;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::TraceLayer;
use tracing::Span;

use super::client_ip;
use contract::policy::BODY_LIMIT_BYTES;

use super::hardening::harden;
use crate::config::Config;
use crate::error::ApiError;

pub async fn not_found() -> ApiError {
    ApiError::NotFound
}

async fn method_not_allowed() -> ApiError {
    ApiError::MethodNotAllowed
}

/// Wraps a complete router (fallback already chosen) in what every deployment shares:
/// 405s in the API's format, the body limit, a timeout, security headers, panic
/// containment, request ids and access logs that never include headers (tokens,
/// cookies) or bodies (passwords).
pub fn finish(router: Router, config: &Config) -> Router {
    let timeout = config.request_timeout;
    router
        .method_not_allowed_fallback(method_not_allowed)
        .layer(DefaultBodyLimit::max(BODY_LIMIT_BYTES))
        .layer(middleware::from_fn(move |req, next| harden(timeout, req, next)))
        .layer(CatchPanicLayer::custom(|_| ApiError::internal("handler panicked").into_response()))
        .layer(
            TraceLayer::new_for_http()
                // The fields are worked out inside the macro, which skips them when the
                // span is filtered out: a request then costs no formatting at all.
                .make_span_with(|req: &Request<_>| {
                    tracing::info_span!(
                        "request",
                        method = %req.method(),
                        path = %req.uri().path(),
                        route = req.extensions().get::<MatchedPath>().map(MatchedPath::as_str),
                        request_id =
                            req.headers().get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or_default(),
                        client_ip = client_ip(req.extensions()).map(tracing::field::display)
                    )
                })
                .on_request(())
                .on_response(|res: &Response<_>, latency: Duration, _: &Span| {
                    tracing::info!(
                        status = res.status().as_u16(),
                        latency_ms = latency.as_millis() as u64,
                        "response"
                    );
                }),
        )
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
}
