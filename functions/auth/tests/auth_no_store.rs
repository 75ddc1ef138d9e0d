//! Answers that carry account data are never kept by a browser, proxy or CDN cache:
//! each says `Cache-Control: no-store`, through the router and through the Lambda entry.

use axum::http::Method;
use serde_json::json;
use testkit::no_store::{assert_lambda_no_store, assert_no_store};
use testkit::{TEST_PASSWORD, store_tests, v1_event, v2_event};

const JSON: (&str, &str) = ("content-type", "application/json");

store_tests! {
    router = auth::router;

    async fn every_account_answer_says_no_store(app) {
        let signup = json!({"email": "ann@example.com", "name": "Ann", "password": TEST_PASSWORD});
        let res = app.call(Method::POST, "/api/auth/signup", Some(signup), None).await;
        assert_no_store("signup", &res);
        let signin = json!({"email": "ann@example.com", "password": TEST_PASSWORD});
        let res = app.call(Method::POST, "/api/auth/signin", Some(signin), None).await;
        assert_no_store("signin", &res);
        let token = res.data()["token"].as_str().expect("token").to_owned();
        let token = Some(token.as_str());
        for (what, method, path, body) in [
            ("me", Method::GET, "/api/auth/me", None),
            ("sessions", Method::GET, "/api/auth/sessions", None),
            ("export", Method::GET, "/api/auth/export", None),
            ("profile", Method::PUT, "/api/auth/profile", Some(json!({"name": "Ann B"}))),
            ("other sessions", Method::DELETE, "/api/auth/sessions", None),
        ] {
            assert_no_store(what, &app.call(method, path, body, token).await);
        }
    }

    async fn lambda_account_answers_say_no_store(app) {
        let body = json!({"email": "ann@example.com", "name": "Ann", "password": TEST_PASSWORD}).to_string();
        let response = app.invoke(v2_event("POST", "/api/auth/signup", &[JSON], Some(&body))).await;
        assert_lambda_no_store("signup (v2)", &response);
        let body = json!({"email": "ann@example.com", "password": TEST_PASSWORD}).to_string();
        let response = app.invoke(v1_event("POST", "/api/auth/signin", &[JSON], Some(&body))).await;
        assert_lambda_no_store("signin (v1)", &response);
        let token = testkit::body_json(&response)["data"]["token"].as_str().expect("token").to_owned();
        let auth = format!("Bearer {token}");
        for path in ["/api/auth/me", "/api/auth/sessions", "/api/auth/export"] {
            let response = app.invoke(v2_event("GET", path, &[("authorization", &auth)], None)).await;
            assert_lambda_no_store(path, &response);
            let response = app.invoke(v1_event("GET", path, &[("Authorization", &auth)], None)).await;
            assert_lambda_no_store(path, &response);
        }
        let body = json!({"name": "Ann B"}).to_string();
        let event = v2_event("PUT", "/api/auth/profile", &[("authorization", &auth), JSON], Some(&body));
        assert_lambda_no_store("profile (v2)", &app.invoke(event).await);
    }
}
