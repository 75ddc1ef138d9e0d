//! On-the-fly compression of the API's responses (the web app's files come precompressed
//! from the build, and a response that already has a `Content-Encoding` is left alone).
//!
//! A response that sets a cookie is never compressed: those are signup and signin,
//! whose body carries the session token (and signout, which has no body). Compressing
//! a secret next to text an attacker can choose leaks it through the compressed length
//! (BREACH).

use axum::http::header::SET_COOKIE;
use axum::http::{Extensions, HeaderMap, StatusCode, Version};
use tower_http::compression::CompressionLayer;
use tower_http::compression::predicate::{And, DefaultPredicate, Predicate};

type CarriesNoSession = fn(StatusCode, Version, &HeaderMap, &Extensions) -> bool;

/// Brotli or gzip, whichever the request's `Accept-Encoding` prefers.
pub fn layer() -> CompressionLayer<And<DefaultPredicate, CarriesNoSession>> {
    CompressionLayer::new().compress_when(DefaultPredicate::new().and(carries_no_session as CarriesNoSession))
}

fn carries_no_session(_: StatusCode, _: Version, headers: &HeaderMap, _: &Extensions) -> bool {
    !headers.contains_key(SET_COOKIE)
}
