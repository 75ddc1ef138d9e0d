//! `GET /health` in process and through the Lambda entry.

use axum::http::{Method, StatusCode};
use serde_json::Value;
use testkit::{TestApp, store_tests, v1_event, v2_event};

fn assert_report(body: &Value, status: &str, database: &str) {
    assert_eq!(body["status"], status);
    assert_eq!(body["database"], database);
    let timestamp = body["timestamp"].as_str().expect("timestamp");
    assert!(
        timestamp.ends_with('Z') && chrono::DateTime::parse_from_rfc3339(timestamp).is_ok(),
        "{timestamp}"
    );
}

store_tests! {
    router = health::router;

    async fn healthy_database_is_200(app) {
        let res = app.call(Method::GET, "/health", None, None).await;
        assert_eq!(res.status, StatusCode::OK);
        assert_report(&res.body, "ok", "connected");
    }

    async fn lambda_events_reach_health(app) {
        for event in [v2_event("GET", "/health", &[], None), v1_event("GET", "/health", &[], None)] {
            let response = app.invoke(event).await;
            assert_eq!(response["statusCode"], 200, "{response}");
            let body: Value = serde_json::from_str(response["body"].as_str().expect("body")).expect("json");
            assert_report(&body, "ok", "connected");
        }
    }
}

#[tokio::test]
async fn unreachable_database_is_503_within_the_bound() {
    let app = TestApp::unreachable(health::router);
    let started = std::time::Instant::now();
    let res = app.call(Method::GET, "/health", None, None).await;
    assert_eq!(res.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_report(&res.body, "error", "disconnected");
    assert!(started.elapsed() < std::time::Duration::from_secs(3), "{:?}", started.elapsed());
}
