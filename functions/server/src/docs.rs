//! `/api/docs`: a page that renders `/api/openapi.json` with Swagger UI. The renderer
//! comes from a CDN at run time, pinned to one version by Subresource Integrity, so the
//! server ships no JavaScript of its own for it.

use std::sync::LazyLock;

use axum::http::HeaderValue;
use axum::http::header::CONTENT_SECURITY_POLICY;
use axum::response::{Html, IntoResponse};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use sha2::{Digest, Sha256};

/// swagger-ui-dist as published on npm; jsDelivr serves those very files.
const SWAGGER_UI: &str = "https://cdn.jsdelivr.net/npm/swagger-ui-dist@5.35.0/";
const SCRIPT: &str = "swagger-ui-bundle.js";
const SCRIPT_INTEGRITY: &str = "sha384-gjRm0bEPMeTmMh5jT2cHccIwCUZSTd8YC+j0d0sXw0MdGEfScduGpSyF3ZSSLkX9";
const STYLE: &str = "swagger-ui.css";
const STYLE_INTEGRITY: &str = "sha384-WlYgdmXYOOBWL5apwjDEZwN+U3HmXSSu5R6V5aGxEcf7z+KuRNwBhoxKVN1i3D5I";

/// No validator badge: it would send the document to a third party.
const BOOT: &str = r##"window.ui = SwaggerUIBundle({ url: "/api/openapi.json", dom_id: "#swagger-ui", deepLinking: true, validatorUrl: null });"##;

struct Page {
    html: String,
    policy: HeaderValue,
}

static PAGE: LazyLock<Page> = LazyLock::new(|| {
    let html = format!(
        r#"<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Tasks API</title>
<link rel="stylesheet" href="{SWAGGER_UI}{STYLE}" integrity="{STYLE_INTEGRITY}" crossorigin="anonymous">
</head>
<body>
<div id="swagger-ui"></div>
<script src="{SWAGGER_UI}{SCRIPT}" integrity="{SCRIPT_INTEGRITY}" crossorigin="anonymous"></script>
<script>{BOOT}</script>
</body>
</html>
"#
    );
    Page { html, policy: content_security_policy() }
});

/// The API's own policy forbids everything; this page may load the pinned renderer, run
/// its one inline boot script (by hash), and fetch the document and "try it out" calls
/// from this origin only.
fn content_security_policy() -> HeaderValue {
    let boot = STANDARD.encode(Sha256::digest(BOOT.as_bytes()));
    let policy = format!(
        "default-src 'none'; script-src {SWAGGER_UI} 'sha256-{boot}'; style-src {SWAGGER_UI}; \
         img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; \
         frame-ancestors 'none'"
    );
    HeaderValue::from_str(&policy).unwrap_or_else(|_| HeaderValue::from_static("default-src 'none'"))
}

/// An HTML page that renders this document.
#[utoipa::path(
    get, path = "/api/docs", tag = "docs", operation_id = "docs",
    responses((status = 200, description = "Swagger UI for `/api/openapi.json`.", content_type = "text/html",
               body = String))
)]
pub async fn page() -> impl IntoResponse {
    ([(CONTENT_SECURITY_POLICY, PAGE.policy.clone())], Html(PAGE.html.as_str()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_policy_allows_exactly_the_boot_script_and_the_pinned_renderer() {
        let policy = PAGE.policy.to_str().unwrap();
        let hash = STANDARD.encode(Sha256::digest(BOOT.as_bytes()));
        assert!(policy.contains(&format!("'sha256-{hash}'")), "{policy}");
        assert!(PAGE.html.contains(&format!("<script>{BOOT}</script>")));
        assert!(!policy.contains("unsafe"), "{policy}");
        assert!(PAGE.html.contains(SCRIPT_INTEGRITY) && PAGE.html.contains(STYLE_INTEGRITY));
    }
}
