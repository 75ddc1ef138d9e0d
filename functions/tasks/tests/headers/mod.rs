//! Requests with the headers of conditional and idempotent calls, which
//! `TestApp::call` does not send.
// Each test file that includes this module uses only some of it.
#![allow(dead_code)]

use axum::body::Body;
use axum::http::{Method, Request, header};
use serde_json::Value;
use testkit::{TestApp, TestResponse};

/// A JSON request with a Bearer token and extra headers, each given as raw bytes so
/// that hostile values (control characters, obs-text) reach the server as they are.
pub async fn call_with(
    app: &TestApp,
    method: Method,
    path: &str,
    body: Option<Value>,
    token: &str,
    headers: &[(&str, &[u8])],
) -> TestResponse {
    let mut builder =
        Request::builder().method(method).uri(path).header(header::AUTHORIZATION, format!("Bearer {token}"));
    for (name, value) in headers {
        builder = builder.header(*name, header::HeaderValue::from_bytes(value).expect("a header value"));
    }
    let body = match body {
        Some(json) => {
            builder = builder.header(header::CONTENT_TYPE, "application/json");
            Body::from(json.to_string())
        }
        None => Body::empty(),
    };
    app.send(builder.body(body).expect("request")).await
}

/// A task created through the API: its id and its `ETag`.
pub async fn create(app: &TestApp, token: &str, title: &str) -> (i64, String) {
    let res =
        app.call(Method::POST, "/api/tasks", Some(serde_json::json!({"title": title})), Some(token)).await;
    assert_eq!(res.status, axum::http::StatusCode::CREATED, "{}", res.body);
    (res.data()["id"].as_i64().expect("id"), etag(&res))
}

pub fn etag(res: &TestResponse) -> String {
    res.headers.get(header::ETAG).and_then(|v| v.to_str().ok()).expect("an ETag").to_owned()
}
