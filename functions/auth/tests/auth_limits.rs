//! The credential rate limit: per client IP, shared by signup and signin, checked in the
//! database, and separate from the signed-in user's own limit.

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};
use testkit::{TEST_PASSWORD, TestApp, store_tests, v2_event};

const LIMITS: &[(&str, &str)] =
    &[("AUTH_RATE_LIMIT_PER_MINUTE", "5"), ("TASKS_RATE_LIMIT_PER_MINUTE", "100")];

fn signin_event(ip: &str) -> Value {
    let body = json!({"email": "ann@example.com", "password": TEST_PASSWORD}).to_string();
    let mut event =
        v2_event("POST", "/api/auth/signin", &[("content-type", "application/json")], Some(&body));
    event["requestContext"]["http"]["sourceIp"] = json!(ip);
    event
}

store_tests! {
    router = auth::router;
    vars = LIMITS;

    async fn a_signup_and_four_signins_use_up_the_minute(app) {
        let signup = json!({"email": "ann@example.com", "name": "Ann", "password": TEST_PASSWORD});
        let first = app.call(Method::POST, "/api/auth/signup", Some(signup), None).await;
        assert_eq!(first.status, StatusCode::CREATED);
        assert_eq!(first.headers["x-ratelimit-limit"], "5");
        assert_eq!(first.headers["x-ratelimit-remaining"], "4");
        let token = first.data()["token"].as_str().expect("token").to_owned();

        let signin = json!({"email": "ann@example.com", "password": TEST_PASSWORD});
        for remaining in (0..4).rev() {
            let res = app.call(Method::POST, "/api/auth/signin", Some(signin.clone()), None).await;
            assert_eq!(res.status, StatusCode::OK);
            assert_eq!(res.headers["x-ratelimit-remaining"], remaining.to_string().as_str());
        }
        let refused = app.call(Method::POST, "/api/auth/signin", Some(signin), None).await;
        assert_eq!(refused.status, StatusCode::TOO_MANY_REQUESTS, "{:?}", app.backend);
        assert_eq!(refused.error_code(), "RATE_LIMITED");
        let retry_after: i64 =
            refused.headers["retry-after"].to_str().expect("ascii").parse().expect("seconds");
        assert!((1..=60).contains(&retry_after));
        let reset: i64 =
            refused.headers["x-ratelimit-reset"].to_str().expect("ascii").parse().expect("epoch");
        assert!(reset > chrono::Utc::now().timestamp());
        assert!(refused.set_cookie().is_none());

        let garbage = app.call(Method::POST, "/api/auth/signup", Some(json!({"nonsense": true})), None).await;
        assert_eq!(
            garbage.status,
            StatusCode::TOO_MANY_REQUESTS,
            "limit is checked before the body is judged"
        );

        for _ in 0..10 {
            let me = app.call(Method::GET, "/api/auth/me", None, Some(&token)).await;
            assert_eq!(me.status, StatusCode::OK, "signed-in endpoints do not use the credential limit");
        }
    }

    async fn the_client_ip_comes_from_the_lambda_request_context(app) {
        app.user("ann@example.com").await;
        for _ in 0..5 {
            assert_eq!(app.invoke(signin_event("203.0.113.7")).await["statusCode"], 200);
        }
        assert_eq!(app.invoke(signin_event("203.0.113.7")).await["statusCode"], 429);
        assert_eq!(
            app.invoke(signin_event("198.51.100.99")).await["statusCode"],
            200,
            "another IP is served"
        );
    }
}

#[tokio::test]
async fn signed_in_endpoints_count_toward_the_user_limit() {
    let limits = &[("AUTH_RATE_LIMIT_PER_MINUTE", "5"), ("TASKS_RATE_LIMIT_PER_MINUTE", "3")];
    let app = TestApp::sqlite(auth::router, limits).await;
    let (_, ann) = app.user("ann@example.com").await;
    let (_, bob) = app.user("bob@example.com").await;
    for _ in 0..3 {
        assert_eq!(app.call(Method::GET, "/api/auth/me", None, Some(&ann)).await.status, StatusCode::OK);
    }
    let refused = app.call(Method::PUT, "/api/auth/profile", Some(json!({"name": "A"})), Some(&ann)).await;
    assert_eq!(refused.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(app.call(Method::GET, "/api/auth/me", None, Some(&bob)).await.status, StatusCode::OK);
}
