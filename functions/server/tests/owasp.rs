//! The OWASP API Security Top 10 points that apply, tried against the combined app.

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use testkit::TestApp;
use tower::ServiceExt;

async fn app() -> (TestApp, Router) {
    let test = TestApp::sqlite(tasks::router, &[]).await;
    let router = server::app(test.state.clone(), std::path::Path::new("/nonexistent"));
    (test, router)
}

async fn send(router: &Router, request: Request<Body>) -> (StatusCode, HeaderMap, String) {
    let res = router.clone().oneshot(request).await.expect("infallible");
    let (parts, body) = res.into_parts();
    let bytes = body.collect().await.expect("body").to_bytes();
    (parts.status, parts.headers, String::from_utf8_lossy(&bytes).into_owned())
}

fn json_request(method: Method, path: &str, body: Option<Value>, token: Option<&str>) -> Request<Body> {
    let mut builder =
        Request::builder().method(method).uri(path).header(header::CONTENT_TYPE, "application/json");
    if let Some(token) = token {
        builder = builder.header(header::AUTHORIZATION, format!("Bearer {token}"));
    }
    builder.body(body.map_or_else(Body::empty, |b| Body::from(b.to_string()))).expect("request")
}

#[tokio::test]
async fn no_response_carries_a_hash_or_internal_field() {
    let (_test, router) = app().await;
    let signup = json!({"email": "ann@example.com", "name": "Ann", "password": "correct horse"});
    let (_, _, body) =
        send(&router, json_request(Method::POST, "/api/auth/signup", Some(signup), None)).await;
    let token = serde_json::from_str::<Value>(&body).expect("json")["data"]["token"]
        .as_str()
        .expect("token")
        .to_owned();
    let mut bodies = vec![body];
    for (method, path, body) in [
        (Method::GET, "/api/auth/me", None),
        (Method::PUT, "/api/auth/profile", Some(json!({"name": "Annie"}))),
        (Method::POST, "/api/tasks", Some(json!({"title": "t"}))),
        (Method::GET, "/api/tasks", None),
        (
            Method::POST,
            "/api/auth/signin",
            Some(json!({"email": "ann@example.com", "password": "correct horse"})),
        ),
        (
            Method::POST,
            "/api/auth/signin",
            Some(json!({"email": "ann@example.com", "password": "nope nope"})),
        ),
    ] {
        bodies.push(send(&router, json_request(method, path, body, Some(&token))).await.2);
    }
    for body in bodies {
        for secret in ["\"password\"", "password_hash", "$2b$", "\"jti\"", "sessions", "SELECT", "sqlx"] {
            assert!(!body.contains(secret), "{secret} leaked in {body}");
        }
    }
}

#[tokio::test]
async fn every_response_has_the_security_headers() {
    let (_test, router) = app().await;
    for request in [
        json_request(Method::GET, "/health", None, None),
        json_request(Method::GET, "/api/tasks", None, None),
        json_request(Method::GET, "/api/nope", None, None),
    ] {
        let (_, headers, _) = send(&router, request).await;
        assert_eq!(headers["x-content-type-options"], "nosniff");
        assert_eq!(headers["x-frame-options"], "DENY");
        assert!(headers.contains_key("referrer-policy"));
        let csp = headers["content-security-policy"].to_str().expect("ascii");
        assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
        assert!(!headers.contains_key("strict-transport-security"), "plain HTTP gets no HSTS");
    }
    let https = Request::builder()
        .uri("/health")
        .header("x-forwarded-proto", "https")
        .body(Body::empty())
        .expect("req");
    let (_, headers, _) = send(&router, https).await;
    assert!(headers["strict-transport-security"].to_str().expect("ascii").starts_with("max-age="));
}

#[tokio::test]
async fn no_cors_is_granted_to_other_origins() {
    let (_test, router) = app().await;
    let preflight = Request::builder()
        .method(Method::OPTIONS)
        .uri("/api/tasks")
        .header(header::ORIGIN, "https://evil.example")
        .header("access-control-request-method", "POST")
        .body(Body::empty())
        .expect("request");
    let (_, headers, _) = send(&router, preflight).await;
    assert!(!headers.contains_key("access-control-allow-origin"));
    assert!(!headers.contains_key("access-control-allow-credentials"));
    let simple =
        Request::builder().uri("/health").header(header::ORIGIN, "https://evil.example").body(Body::empty());
    let (_, headers, _) = send(&router, simple.expect("request")).await;
    assert!(!headers.contains_key("access-control-allow-origin"));
}

#[tokio::test]
async fn signin_does_not_reveal_which_emails_exist() {
    let (test, router) = app().await;
    test.user("ann@example.com").await;
    let mut answers = Vec::new();
    for email in ["ann@example.com", "nobody@example.com"] {
        let body = json!({"email": email, "password": "wrong password"});
        let (status, headers, body) =
            send(&router, json_request(Method::POST, "/api/auth/signin", Some(body), None)).await;
        assert!(!headers.contains_key(header::SET_COOKIE));
        answers.push((status, body));
    }
    assert_eq!(answers[0], answers[1]);
    assert_eq!(answers[0].0, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn oversized_and_unbounded_requests_are_refused() {
    let (test, router) = app().await;
    let (_, token) = test.user("ann@example.com").await;
    let huge = json!({"title": "x".repeat(100 * 1024)});
    let (status, _, body) =
        send(&router, json_request(Method::POST, "/api/tasks", Some(huge), Some(&token))).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{body}");
    let (status, _, _) =
        send(&router, json_request(Method::GET, "/api/tasks?limit=100000", None, Some(&token))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn common_passwords_are_refused_with_a_clear_message() {
    let (_test, router) = app().await;
    let body = json!({"email": "ann@example.com", "name": "Ann", "password": "iloveyou"});
    let (status, _, body) =
        send(&router, json_request(Method::POST, "/api/auth/signup", Some(body), None)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let body: Value = serde_json::from_str(&body).expect("json");
    assert!(body["error"]["details"]["password"].as_str().expect("message").contains("too common"));
}
