//! Whether a cookie-authenticated write comes from a page the site itself served.
//! Browsers attach cookies to cross-site requests; this check is what stops another site
//! from acting for the user. Bearer tokens are never sent implicitly and skip it.

use axum::http::header::{HOST, ORIGIN};
use axum::http::request::Parts;

/// No `Origin` (a non-browser client) is allowed; `Origin: null` (a sandboxed frame, a
/// `data:` page, some redirects) never is. Otherwise the origin must be listed, or,
/// with no list, be this server's own origin as named by the `Host` header. On Lambda
/// behind CloudFront, `Host` is the viewer's own, restored from the header the
/// distribution forwards (see `lambda.rs`).
pub(super) fn origin_allowed(parts: &Parts, allowed: &[String]) -> bool {
    let Some(origin) = parts.headers.get(ORIGIN) else { return true };
    let Ok(origin) = origin.to_str() else { return false };
    if origin == "null" {
        return false;
    }
    if !allowed.is_empty() {
        return allowed.iter().any(|a| a == origin);
    }
    let host = parts.headers.get(HOST).and_then(|h| h.to_str().ok());
    let origin_host = origin.split_once("://").map(|(_, rest)| rest);
    matches!((host, origin_host), (Some(host), Some(origin_host)) if host.eq_ignore_ascii_case(origin_host))
}

#[cfg(test)]
mod tests {
    use axum::http::Request;

    use super::origin_allowed;

    fn allowed(headers: &[(&str, &str)], list: &[&str]) -> bool {
        let mut request = Request::builder().method("POST").uri("/api/tasks");
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let (parts, ()) = request.body(()).expect("request").into_parts();
        origin_allowed(&parts, &list.iter().map(|o| (*o).to_owned()).collect::<Vec<_>>())
    }

    #[test]
    fn same_host_or_listed_origins_only() {
        let host = ("host", "tasks.example");
        assert!(allowed(&[host], &[]));
        assert!(allowed(&[host, ("origin", "https://tasks.example")], &[]));
        assert!(allowed(&[host, ("origin", "https://TASKS.example")], &[]));
        assert!(!allowed(&[host, ("origin", "https://evil.example")], &[]));
        assert!(!allowed(&[("origin", "https://tasks.example")], &[]));
        assert!(allowed(&[host, ("origin", "http://localhost:8080")], &["http://localhost:8080"]));
        assert!(!allowed(&[host, ("origin", "https://tasks.example")], &["http://localhost:8080"]));
    }

    #[test]
    fn null_origin_is_always_refused() {
        assert!(!allowed(&[("host", "null"), ("origin", "null")], &[]));
        assert!(!allowed(&[("host", "tasks.example"), ("origin", "null")], &["null"]));
    }
}
