use axum::http::HeaderValue;
use axum::http::header::{COOKIE, HeaderMap};

use super::TOKEN_LIFETIME;

pub const SESSION_COOKIE: &str = "token";

pub fn session_cookie(token: &str, secure: bool) -> HeaderValue {
    cookie(token, TOKEN_LIFETIME.num_seconds(), secure)
}

pub fn clear_session_cookie(secure: bool) -> HeaderValue {
    cookie("", 0, secure)
}

fn cookie(value: &str, max_age: i64, secure: bool) -> HeaderValue {
    let secure = if secure { "; Secure" } else { "" };
    let header =
        format!("{SESSION_COOKIE}={value}; HttpOnly; SameSite=Lax; Path=/; Max-Age={max_age}{secure}");
    // A JWT is base64url with dots, always a valid header value.
    HeaderValue::try_from(header).unwrap_or_else(|_| HeaderValue::from_static("token=; Max-Age=0"))
}

/// The session token from the `Cookie` header(s), if any.
pub(super) fn token_from_cookies(headers: &HeaderMap) -> Option<&str> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, value)| *name == SESSION_COOKIE && !value.is_empty())
        .map(|(_, value)| value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builds_the_contract_cookie() {
        assert_eq!(
            session_cookie("abc", true),
            "token=abc; HttpOnly; SameSite=Lax; Path=/; Max-Age=604800; Secure"
        );
        assert_eq!(clear_session_cookie(false), "token=; HttpOnly; SameSite=Lax; Path=/; Max-Age=0");
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
