//! The combined app: API routes from all three functions, and the web app's files with
//! a fallback to `index.html` outside `/api` and `/health`.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use http_body_util::BodyExt;
use shared::testing::TestApp;
use tower::ServiceExt;

struct Site(std::path::PathBuf);

impl Site {
    fn new() -> Self {
        let dir = std::env::temp_dir().join(format!("taskapp-site-{}", uuid::Uuid::new_v4().simple()));
        std::fs::create_dir_all(&dir).expect("dir");
        std::fs::write(dir.join("index.html"), "<!doctype html><title>Tasks</title>").expect("index");
        std::fs::write(dir.join("app.js"), "console.log('hi')").expect("js");
        Self(dir)
    }
}

impl Drop for Site {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

async fn get(app: &axum::Router, path: &str) -> (StatusCode, String, String) {
    let req = Request::builder().method(Method::GET).uri(path).body(Body::empty()).expect("request");
    let res = app.clone().oneshot(req).await.expect("infallible");
    let status = res.status();
    let content_type = res
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap_or_default().to_owned())
        .unwrap_or_default();
    let body =
        String::from_utf8_lossy(&res.into_body().collect().await.expect("body").to_bytes()).into_owned();
    (status, content_type, body)
}

async fn state() -> shared::AppState {
    let app = TestApp::sqlite(tasks::router, &[]).await;
    app.state.clone()
}

#[tokio::test]
async fn serves_files_and_falls_back_to_index_for_client_routes() {
    let site = Site::new();
    let app = server::app(state().await, &site.0);

    let (status, content_type, body) = get(&app, "/app.js").await;
    assert_eq!(status, StatusCode::OK);
    assert!(content_type.contains("javascript"), "{content_type}");
    assert!(body.contains("console.log"));

    for deep_link in ["/", "/signin", "/profile", "/some/deep/link"] {
        let (status, content_type, body) = get(&app, deep_link).await;
        assert_eq!(status, StatusCode::OK, "{deep_link}");
        assert!(content_type.starts_with("text/html"), "{deep_link}");
        assert!(body.contains("<title>Tasks</title>"));
    }

    for api in ["/api", "/api/nothing", "/api/tasks/1/nothing", "/health/extra"] {
        let (status, content_type, body) = get(&app, api).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{api}");
        assert!(content_type.starts_with("application/json"), "{api}");
        assert!(body.contains("\"NOT_FOUND\""), "{api}: {body}");
    }
    let (status, _, body) = get(&app, "/health").await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("\"connected\""));
}

#[tokio::test]
async fn without_a_built_site_every_unknown_path_is_a_json_404() {
    let missing = std::env::temp_dir().join("taskapp-no-such-site");
    let app = server::app(state().await, &missing);
    let (status, _, body) = get(&app, "/signin").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(body.contains("\"success\":false"));
}

#[tokio::test]
async fn merges_all_three_routers() {
    let site = Site::new();
    let app = server::app(state().await, &site.0);
    let (status, _, _) = get(&app, "/api/auth/me").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _, _) = get(&app, "/api/tasks").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let req =
        Request::builder().method(Method::DELETE).uri("/api/auth/me").body(Body::empty()).expect("request");
    let res = app.clone().oneshot(req).await.expect("infallible");
    assert_eq!(res.status(), StatusCode::METHOD_NOT_ALLOWED);
}
