//! The built web app: static files, `index.html` for client-side routes, and a
//! Content-Security-Policy that allows exactly the page's own inline loader script.

use std::path::Path;

use axum::http::HeaderValue;
use axum::http::header::CONTENT_SECURITY_POLICY;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use sha2::{Digest, Sha256};
use tower::Layer;
use tower_http::services::{ServeDir, ServeFile};
use tower_http::set_header::{SetResponseHeader, SetResponseHeaderLayer};

pub type Site = SetResponseHeader<ServeDir<ServeFile>, HeaderValue>;

/// `None` when `static_dir` has no `index.html` (the web app was not built).
pub fn service(static_dir: &Path) -> Option<Site> {
    let index = static_dir.join("index.html");
    let html = std::fs::read_to_string(&index).ok()?;
    let policy = HeaderValue::from_str(&content_security_policy(&html)).ok()?;
    let files = ServeDir::new(static_dir).fallback(ServeFile::new(index));
    Some(SetResponseHeaderLayer::overriding(CONTENT_SECURITY_POLICY, policy).layer(files))
}

/// trunk inlines the module that loads the wasm; hashing it lets the policy forbid
/// every other inline script.
fn content_security_policy(html: &str) -> String {
    let hashes: String = inline_scripts(html)
        .map(|script| format!(" 'sha256-{}'", STANDARD.encode(Sha256::digest(script.as_bytes()))))
        .collect();
    format!(
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'{hashes}; style-src 'self'; \
         img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; \
         form-action 'self'; frame-ancestors 'none'"
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
}
