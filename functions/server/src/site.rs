//! The built web app: static files (their precompressed `.br` or `.gz` copy when the
//! browser takes it), `index.html` for client-side routes, cache headers, a
//! Content-Security-Policy that allows exactly the page's own inline loader script, and
//! for a signed-in browser the API calls the page will make, named for preloading.

use std::path::Path;

use axum::Router;
use axum::extract::Request;
use axum::http::header::{
    CACHE_CONTROL, CONTENT_SECURITY_POLICY, CONTENT_TYPE, ETAG, IF_MODIFIED_SINCE, IF_NONE_MATCH,
    LAST_MODIFIED, LINK, VARY,
};
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::Response;
use backend::auth::cookie_headers;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use contract::session_hint;
use sha2::{Digest, Sha256};
use tower::Layer;
use tower_http::services::{ServeDir, ServeFile};
use tower_http::set_header::SetResponseHeaderLayer;

/// A file whose name holds a hash of its content never changes under that name.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// Everything else is revalidated on each use: `index.html` names the current hashed
/// files, so a stale copy would load the previous release.
const NO_CACHE: &str = "no-cache";

/// trunk names each built asset `<name>-<hash>` (`_bg` follows for the wasm), the hash a
/// 64-bit number in hex without leading zeros: 16 digits, one build in sixteen 15, and so
/// on. Fewer than 12 is one build in 65,000 and is taken for a plain name (revalidated).
const HASH_DIGITS: std::ops::RangeInclusive<usize> = 12..=16;

/// `None` when `static_dir` has no `index.html` (the web app was not built).
pub fn service(static_dir: &Path) -> Option<Router> {
    let index = static_dir.join("index.html");
    let html = std::fs::read_to_string(&index).ok()?;
    let policy = HeaderValue::from_str(&content_security_policy(&html)).ok()?;
    // Set here, so that a missing hashed name answered with `index.html` is not kept.
    let client_routes = SetResponseHeaderLayer::overriding(CACHE_CONTROL, HeaderValue::from_static(NO_CACHE))
        .layer(ServeFile::new(index).precompressed_br().precompressed_gzip());
    let files = ServeDir::new(static_dir).precompressed_br().precompressed_gzip().fallback(client_routes);
    Some(
        Router::new()
            .fallback_service(files)
            .layer(middleware::from_fn(cache_control))
            .layer(middleware::from_fn(preload_calls))
            .layer(SetResponseHeaderLayer::overriding(CONTENT_SECURITY_POLICY, policy)),
    )
}

async fn cache_control(req: Request, next: Next) -> Response {
    let hashed = is_hashed(req.uri().path());
    let mut response = next.run(req).await;
    let found = response.status().is_success() || response.status() == StatusCode::NOT_MODIFIED;
    let policy = if hashed && found { IMMUTABLE } else { NO_CACHE };
    response.headers_mut().entry(CACHE_CONTROL).or_insert(HeaderValue::from_static(policy));
    response
}

/// A page opened with the signed-in hint asks the API for `me` (and the dashboard for its
/// first tasks) as soon as the app has loaded. Named in a `Link` header, those calls start
/// with the page instead, alongside the app's code, and the app's own requests take
/// their answers.
///
/// The header depends on the cookie, hence `Vary`. A page is also always sent whole,
/// without validators: Chromium revalidates a page it stored under other cookies rather
/// than fetching it anew, and a 304 would hand it that page's preloads (a signed-out
/// browser would then ask for `me`). A page is a kilobyte; nothing else here needs a 304
/// either, since the hashed files are never revalidated.
async fn preload_calls(mut req: Request, next: Next) -> Response {
    // A hashed file is never a page: it gets neither preloads nor a whole answer.
    let mut calls = None;
    if !is_hashed(req.uri().path()) {
        let signed_in = cookie_headers(req.headers()).any(session_hint::is_set);
        calls = signed_in.then(|| crate::preload::signed_in_calls(req.uri().path(), req.uri().query()));
        req.headers_mut().remove(IF_MODIFIED_SINCE);
        req.headers_mut().remove(IF_NONE_MATCH);
    }
    let mut response = next.run(req).await;
    let page = response.headers().get(CONTENT_TYPE).is_some_and(|t| t.as_bytes().starts_with(b"text/html"));
    if !page {
        return response;
    }
    response.headers_mut().remove(LAST_MODIFIED);
    response.headers_mut().remove(ETAG);
    response.headers_mut().append(VARY, HeaderValue::from_static("cookie"));
    if let Some(calls) = calls
        && response.status() == StatusCode::OK
    {
        // `crossorigin`: the credentials mode of the app's `fetch`, or its request would
        // not match the preload and be sent again.
        let links: Vec<_> =
            calls.iter().map(|path| format!("<{path}>; rel=preload; as=fetch; crossorigin")).collect();
        if let Ok(value) = HeaderValue::from_str(&links.join(", ")) {
            response.headers_mut().insert(LINK, value);
        }
    }
    response
}

/// `/frontend-0123456789abcdef_bg.wasm` is; `/index.html` and `/robots.txt` are not.
fn is_hashed(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or_default();
    let stem = name.split('.').next().unwrap_or_default();
    let stem = stem.strip_suffix("_bg").unwrap_or(stem);
    stem.rsplit_once('-').is_some_and(|(_, hash)| {
        HASH_DIGITS.contains(&hash.len()) && hash.bytes().all(|b| b.is_ascii_hexdigit())
    })
}

/// trunk inlines the module that loads the wasm; hashing it lets the policy forbid
/// every other inline script. `worker-src` names the one script the page may run as a
/// worker, the app shell's service worker (`/sw.js`); the manifest falls under
/// `default-src`.
fn content_security_policy(html: &str) -> String {
    let hashes: String = inline_scripts(html)
        .map(|script| format!(" 'sha256-{}'", STANDARD.encode(Sha256::digest(script.as_bytes()))))
        .collect();
    format!(
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'{hashes}; style-src 'self'; \
         img-src 'self' data:; connect-src 'self'; worker-src 'self'; object-src 'none'; \
         base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
    )
}

fn inline_scripts(html: &str) -> impl Iterator<Item = &str> {
    html.split("<script").skip(1).filter_map(|rest| {
        let (open_tag, body) = rest.split_once('>')?;
        let (script, _) = body.split_once("</script>")?;
        (!open_tag.contains("src=")).then_some(script)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_only_inline_scripts() {
        let html = r#"<script type="module">boot()</script><script src="/a.js"></script>"#;
        let scripts: Vec<_> = inline_scripts(html).collect();
        assert_eq!(scripts, ["boot()"]);
        let policy = content_security_policy(html);
        let expected = STANDARD.encode(Sha256::digest(b"boot()"));
        assert!(policy.contains(&format!("'sha256-{expected}'")), "{policy}");
        assert!(policy.contains("frame-ancestors 'none'") && policy.contains("'wasm-unsafe-eval'"));
    }

    #[test]
    fn knows_trunks_hashed_names() {
        for hashed in [
            "/frontend-0123456789abcdef.js",
            "/frontend-0123456789abcdef_bg.wasm",
            "/style-fedcba9876543210.css",
            "/frontend-0123456789abcdef_bg.wasm.br",
            "/frontend-24f8cdc7a670689_bg.wasm",
        ] {
            assert!(is_hashed(hashed), "{hashed}");
        }
        for plain in
            ["/", "/index.html", "/robots.txt", "/signin", "/style-0123.css", "/a-0123456789abcdeg.js"]
        {
            assert!(!is_hashed(plain), "{plain}");
        }
    }
}
