//! The installable app: the web app's real manifest, icons and service worker, served
//! with the content types and cache headers a browser needs to install it and to look
//! for a new worker on every load, and a CSP that lets the worker run.

use axum::body::Body;
use axum::http::header::{CACHE_CONTROL, CONTENT_SECURITY_POLICY, CONTENT_TYPE};
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use serde_json::Value;
use testkit::{TempDir, TestApp};
use tower::ServiceExt;

const FRONTEND: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../frontend");

/// A build's layout with the web app's own manifest, worker and icons.
fn site() -> TempDir {
    let dir = TempDir::new("installable");
    let root = std::path::Path::new(FRONTEND);
    std::fs::write(dir.path().join("index.html"), "<!doctype html><title>Tasks</title>").expect("index");
    for file in ["manifest.webmanifest", "sw.js"] {
        std::fs::copy(root.join(file), dir.path().join(file)).expect(file);
    }
    std::fs::create_dir(dir.path().join("icons")).expect("icons dir");
    for icon in std::fs::read_dir(root.join("icons")).expect("frontend/icons") {
        let icon = icon.expect("icon").path();
        std::fs::copy(&icon, dir.path().join("icons").join(icon.file_name().expect("name"))).expect("icon");
    }
    dir
}

/// The combined app over `site()`, with the folder and the database it lives on.
async fn serving() -> (TempDir, TestApp, axum::Router) {
    let site = site();
    let test = TestApp::sqlite(tasks::router, &[]).await;
    let app = server::app(test.state.clone(), site.path());
    (site, test, app)
}

struct Answer {
    status: StatusCode,
    content_type: String,
    cache_control: String,
    csp: String,
    body: Vec<u8>,
}

async fn get(app: &axum::Router, path: &str) -> Answer {
    let req = Request::builder().uri(path).body(Body::empty()).expect("request");
    let res = app.clone().oneshot(req).await.expect("infallible");
    let header =
        |name| res.headers().get(name).map(|v| v.to_str().unwrap_or_default().to_owned()).unwrap_or_default();
    Answer {
        status: res.status(),
        content_type: header(CONTENT_TYPE),
        cache_control: header(CACHE_CONTROL),
        csp: header(CONTENT_SECURITY_POLICY),
        body: res.into_body().collect().await.expect("body").to_bytes().to_vec(),
    }
}

/// The width and height in a PNG's header.
fn png_size(png: &[u8]) -> (u32, u32) {
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n", "not a PNG");
    assert_eq!(&png[12..16], b"IHDR");
    let word = |at: usize| u32::from_be_bytes(png[at..at + 4].try_into().expect("4 bytes"));
    (word(16), word(20))
}

#[tokio::test]
async fn the_manifest_names_the_app_and_its_icons() {
    let (_site, _test, app) = serving().await;

    let res = get(&app, "/manifest.webmanifest").await;
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(res.content_type, "application/manifest+json");
    assert_eq!(res.cache_control, "no-cache");
    let manifest: Value = serde_json::from_slice(&res.body).expect("the manifest is JSON");
    assert_eq!(manifest["name"], "Tasks");
    assert!(manifest["short_name"].as_str().is_some_and(|name| !name.is_empty() && name.len() <= 12));
    assert_eq!(manifest["start_url"], "/");
    assert_eq!(manifest["display"], "standalone");
    for colour in ["theme_color", "background_color"] {
        let value = manifest[colour].as_str().unwrap_or_default();
        assert!(value.len() == 7 && value.starts_with('#'), "{colour}: {value}");
    }

    let icons = manifest["icons"].as_array().expect("icons");
    let mut sizes = Vec::new();
    for icon in icons {
        let src = icon["src"].as_str().expect("src");
        let res = get(&app, src).await;
        assert_eq!((res.status, res.content_type.as_str()), (StatusCode::OK, "image/png"), "{src}");
        let (width, height) = png_size(&res.body);
        assert_eq!(icon["sizes"], format!("{width}x{height}"), "{src}");
        assert_eq!(icon["type"], "image/png", "{src}");
        sizes.push(width);
    }
    assert!(sizes.contains(&192) && sizes.contains(&512), "{sizes:?}");
    let maskable =
        icons.iter().filter(|icon| icon["purpose"].as_str().is_some_and(|p| p.contains("maskable")));
    assert_eq!(maskable.count(), 1);
}

#[tokio::test]
async fn the_page_links_the_manifest_and_an_apple_touch_icon() {
    let index = std::fs::read_to_string(format!("{FRONTEND}/index.html")).expect("frontend/index.html");
    assert!(index.contains(r#"<link rel="manifest" href="/manifest.webmanifest">"#), "{index}");
    let (_site, _test, app) = serving().await;
    let href = r#"<link rel="apple-touch-icon" href="/icons/apple-touch-icon.png">"#;
    assert!(index.contains(href), "{index}");
    let icon = get(&app, "/icons/apple-touch-icon.png").await;
    assert_eq!(icon.status, StatusCode::OK);
    assert_eq!(png_size(&icon.body), (180, 180));
}

#[tokio::test]
async fn the_worker_is_revalidated_on_every_load_and_allowed_to_run() {
    let (_site, _test, app) = serving().await;
    let worker = get(&app, "/sw.js").await;
    assert_eq!(worker.status, StatusCode::OK);
    assert!(worker.content_type.starts_with("text/javascript"), "{}", worker.content_type);
    assert_eq!(worker.cache_control, "no-cache");
    // It must never answer or keep the API's requests, the session among them.
    let script = String::from_utf8(worker.body).expect("UTF-8");
    assert!(script.contains("path.startsWith('/api/')"), "{script}");

    let page = get(&app, "/").await;
    let directives: Vec<_> = page.csp.split(';').map(str::trim).collect();
    assert!(directives.contains(&"worker-src 'self'"), "{}", page.csp);
    assert!(directives.contains(&"default-src 'self'"), "the manifest falls under it: {}", page.csp);
}
