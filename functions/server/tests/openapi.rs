//! The served OpenAPI document against the routes. The functions register each route
//! with `routes!` from its handler's `#[utoipa::path]`, so those registrations are the
//! route table: the document must list exactly them, every documented operation must
//! reach its own route in the running app, and a documented path must refuse every
//! method it does not document.

use std::collections::BTreeSet;
use std::path::Path;

use axum::Router;
use axum::body::Body;
use axum::extract::{MatchedPath, Request};
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::Response;
use backend::AppState;
use http_body_util::BodyExt;
use serde_json::Value;
use testkit::TestApp;
use tower::ServiceExt;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

const METHODS: [&str; 5] = ["GET", "POST", "PUT", "PATCH", "DELETE"];

type Operations = BTreeSet<(String, String)>;

/// An app on its own database, which lives as long as the returned `TestApp`.
async fn test_app() -> TestApp {
    TestApp::sqlite(tasks::router, &[]).await
}

fn app(state: AppState) -> Router {
    server::app(state, Path::new("/nonexistent-web-app"))
}

async fn send(app: &Router, method: &str, path: &str) -> Response {
    let request = Request::builder().method(method).uri(path).body(Body::empty()).expect("request");
    app.clone().oneshot(request).await.expect("infallible")
}

async fn served_document(app: &Router) -> Value {
    let response = send(app, "GET", "/api/openapi.json").await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-type"], "application/json");
    let bytes = response.into_body().collect().await.expect("body").to_bytes();
    serde_json::from_slice(&bytes).expect("the document is JSON")
}

/// `(METHOD, path)` of every operation in a document.
fn operations(doc: &Value) -> Operations {
    let paths = doc["paths"].as_object().expect("paths");
    paths
        .iter()
        .flat_map(|(path, item)| {
            let methods = item.as_object().expect("path item").keys();
            methods
                .filter(|m| METHODS.contains(&m.to_uppercase().as_str()))
                .map(|m| (m.to_uppercase(), path.clone()))
        })
        .collect()
}

/// What the routers register, read from the registrations themselves.
fn registered<S: Clone + Send + Sync + 'static>(
    routers: impl IntoIterator<Item = OpenApiRouter<S>>,
) -> Operations {
    routers
        .into_iter()
        .flat_map(|router| operations(&serde_json::to_value(router.into_openapi()).expect("serializable")))
        .collect()
}

fn all_registered(state: &AppState) -> Operations {
    let mut all = registered([
        auth::routes(state.clone()),
        tasks::routes(state.clone()),
        health::routes(state.clone()),
    ]);
    all.extend(registered([server::openapi::docs_routes()]));
    all
}

/// Differences, for a message that names them.
fn drift(routes: &Operations, documented: &Operations) -> Vec<String> {
    let undocumented =
        routes.difference(documented).map(|(m, p)| format!("routed but not documented: {m} {p}"));
    let unrouted = documented.difference(routes).map(|(m, p)| format!("documented but not routed: {m} {p}"));
    undocumented.chain(unrouted).collect()
}

/// Marks each response with the route template the router matched, if any.
async fn record_matched_path(req: Request, next: Next) -> Response {
    let matched = req.extensions().get::<MatchedPath>().map(|p| p.as_str().to_owned());
    let mut response = next.run(req).await;
    if let Some(value) = matched.and_then(|m| HeaderValue::from_str(&m).ok()) {
        response.headers_mut().insert("x-matched-path", value);
    }
    response
}

fn concrete(path: &str) -> String {
    path.replace("{id}", "1")
}

#[tokio::test]
async fn the_document_lists_exactly_the_registered_routes() {
    let test = test_app().await;
    let state = test.state.clone();
    let documented = operations(&served_document(&app(state.clone())).await);
    let routes = all_registered(&state);
    assert!(routes.len() >= 14, "{routes:?}");
    let differences = drift(&routes, &documented);
    assert!(differences.is_empty(), "{differences:#?}");
}

#[tokio::test]
async fn a_route_registered_without_its_operation_is_caught() {
    /// A route someone added to a router but not to the served document.
    #[utoipa::path(post, path = "/api/tasks/{id}/archive", responses((status = 204)))]
    async fn archive() {}

    let test = test_app().await;
    let state = test.state.clone();
    let documented = operations(&served_document(&app(state.clone())).await);
    let mut routes = all_registered(&state);
    routes.extend(registered([OpenApiRouter::<()>::new().routes(routes!(archive))]));
    assert_eq!(drift(&routes, &documented), ["routed but not documented: POST /api/tasks/{id}/archive"]);
}

#[tokio::test]
async fn every_documented_operation_reaches_its_own_route() {
    let test = test_app().await;
    let state = test.state.clone();
    let app = app(state.clone()).layer(middleware::from_fn(record_matched_path));
    for (method, path) in operations(&served_document(&app).await) {
        let response = send(&app, &method, &concrete(&path)).await;
        let matched = response.headers().get("x-matched-path").and_then(|v| v.to_str().ok());
        assert_eq!(matched, Some(path.as_str()), "{method} {path}");
        assert_ne!(response.status(), StatusCode::METHOD_NOT_ALLOWED, "{method} {path}");
    }
}

#[tokio::test]
async fn documented_paths_refuse_undocumented_methods() {
    let test = test_app().await;
    let app = app(test.state.clone());
    let documented = operations(&served_document(&app).await);
    let paths: BTreeSet<&String> = documented.iter().map(|(_, path)| path).collect();
    for path in paths {
        for method in METHODS.into_iter().filter(|m| !documented.contains(&(m.to_string(), path.clone()))) {
            let response = send(&app, method, &concrete(path)).await;
            assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED, "{method} {path}");
        }
    }
}

#[tokio::test]
async fn the_document_is_openapi_3_1_with_its_security_schemes() {
    let test = test_app().await;
    let doc = served_document(&app(test.state.clone())).await;
    assert_eq!(doc["openapi"], "3.1.0");
    let schemes = doc["components"]["securitySchemes"].as_object().expect("security schemes");
    assert_eq!(schemes["bearer"]["scheme"], "bearer");
    assert_eq!(
        (&schemes["cookie"]["in"], &schemes["cookie"]["name"]),
        (&Value::from("cookie"), &Value::from("token"))
    );
    for (method, path) in operations(&doc) {
        let operation = &doc["paths"][&path][method.to_lowercase()];
        for requirement in operation["security"].as_array().into_iter().flatten() {
            for name in requirement.as_object().expect("requirement").keys() {
                assert!(schemes.contains_key(name), "{method} {path} names an undefined scheme {name}");
            }
        }
        let responses = operation["responses"].as_object().expect("responses");
        for status in ["405", "500", "503"] {
            assert!(responses.contains_key(status), "{method} {path} lacks {status}");
        }
    }
}

#[tokio::test]
async fn the_docs_page_loads_its_renderer_under_its_own_policy() {
    let test = test_app().await;
    let response = send(&app(test.state.clone()), "GET", "/api/docs").await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.headers()["content-type"].to_str().unwrap().starts_with("text/html"));
    let policy = response.headers()["content-security-policy"].to_str().unwrap().to_owned();
    assert!(policy.contains("script-src https://cdn.jsdelivr.net/npm/swagger-ui-dist@"), "{policy}");
    let bytes = response.into_body().collect().await.expect("body").to_bytes();
    let html = String::from_utf8_lossy(&bytes);
    assert!(html.contains("/api/openapi.json") && html.contains("integrity=\"sha384-"), "{html}");
}
