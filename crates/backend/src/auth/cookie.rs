use axum::http::header::{COOKIE, HeaderMap, SET_COOKIE};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{AppendHeaders, IntoResponse, Response};

use crate::credentials::TOKEN_LIFETIME;
use contract::{cookie_list, session_hint};

pub const SESSION_COOKIE: &str = "token";
/// Readable by the web app, and secret-free: it only tells the app that a session
/// cookie is there, so a signed-out visitor's page load asks nothing that must fail.
pub const SIGNED_IN_COOKIE: &str = session_hint::NAME;

// The hint lives exactly as long as the token it stands for.
const _: () = assert!(TOKEN_LIFETIME.num_seconds() == session_hint::MAX_AGE_SECONDS);

/// The HttpOnly token cookie, then the signed-in hint with the same lifetime.
pub fn session_cookies(token: &str, secure: bool) -> [HeaderValue; 2] {
    [
        cookie(SESSION_COOKIE, token, TOKEN_LIFETIME.num_seconds(), true, secure),
        cookie(SIGNED_IN_COOKIE, session_hint::VALUE, session_hint::MAX_AGE_SECONDS, false, secure),
    ]
}

pub fn cleared_session_cookies(secure: bool) -> [HeaderValue; 2] {
    [cookie(SESSION_COOKIE, "", 0, true, secure), cookie(SIGNED_IN_COOKIE, "", 0, false, secure)]
}

/// 204 with both cookies cleared: what every way of ending the current session answers.
pub fn signed_out(secure: bool) -> Response {
    let cookies = cleared_session_cookies(secure).map(|cookie| (SET_COOKIE, cookie));
    (StatusCode::NO_CONTENT, AppendHeaders(cookies)).into_response()
}

fn cookie(name: &str, value: &str, max_age: i64, http_only: bool, secure: bool) -> HeaderValue {
    cookie_on_path(name, value, "/", max_age, http_only, secure)
}

/// Every cookie the API sets: `SameSite=Lax`, `Secure` as configured, sent back only to
/// `path`.
pub(super) fn cookie_on_path(
    name: &str,
    value: &str,
    path: &str,
    max_age: i64,
    http_only: bool,
    secure: bool,
) -> HeaderValue {
    let http_only = if http_only { "; HttpOnly" } else { "" };
    let secure = if secure { "; Secure" } else { "" };
    let header = format!("{name}={value}{http_only}; SameSite=Lax; Path={path}; Max-Age={max_age}{secure}");
    // A JWT is base64url with dots, always a valid header value; were it not, the
    // cookie is cleared instead.
    HeaderValue::try_from(header)
        .or_else(|_| HeaderValue::try_from(format!("{name}=; Max-Age=0")))
        .unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// The request's cookie lists, one per `Cookie` header that is text.
pub fn cookie_headers(headers: &HeaderMap) -> impl Iterator<Item = &str> {
    headers.get_all(COOKIE).iter().filter_map(|value| value.to_str().ok())
}

/// The session token from the `Cookie` header(s), if any.
pub(super) fn token_from_cookies(headers: &HeaderMap) -> Option<&str> {
    cookie_headers(headers)
        .flat_map(cookie_list::pairs)
        .find(|(name, value)| *name == SESSION_COOKIE && !value.is_empty())
        .map(|(_, value)| value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builds_the_contract_cookie_and_the_hint() {
        let [token, hint] = session_cookies("abc", true);
        assert_eq!(token, "token=abc; HttpOnly; SameSite=Lax; Path=/; Max-Age=604800; Secure");
        assert_eq!(hint, "signed_in=1; SameSite=Lax; Path=/; Max-Age=604800; Secure");
        let [token, hint] = cleared_session_cookies(false);
        assert_eq!(token, "token=; HttpOnly; SameSite=Lax; Path=/; Max-Age=0");
        assert_eq!(hint, "signed_in=; SameSite=Lax; Path=/; Max-Age=0");
    }

    #[test]
    fn finds_the_token_among_other_cookies() {
        let mut headers = HeaderMap::new();
        headers.append(COOKIE, HeaderValue::from_static("theme=dark; token=abc.def"));
        assert_eq!(token_from_cookies(&headers), Some("abc.def"));
        let mut headers = HeaderMap::new();
        headers.append(COOKIE, HeaderValue::from_static("tokens=x; token="));
        assert_eq!(token_from_cookies(&headers), None);
    }
}
