//! Answers that carry task data are never kept by a browser, proxy or CDN cache: each
//! says `Cache-Control: no-store`, through the router and through the Lambda entry.

use axum::http::Method;
use serde_json::json;
use testkit::no_store::{assert_lambda_no_store, assert_no_store};
use testkit::{body_json, store_tests, v1_event, v2_event};

const JSON: (&str, &str) = ("content-type", "application/json");

store_tests! {
    router = tasks::router;

    async fn every_task_answer_says_no_store(app) {
        let (_, token) = app.user("ann@example.com").await;
        let token = Some(token.as_str());
        let created = app.call(Method::POST, "/api/tasks", Some(json!({"title": "t"})), token).await;
        assert_no_store("create", &created);
        let one = format!("/api/tasks/{}", created.data()["id"]);
        for (what, method, path, body) in [
            ("list", Method::GET, "/api/tasks".to_owned(), None),
            ("one", Method::GET, one.clone(), None),
            ("update", Method::PUT, one.clone(), Some(json!({"title": "u"}))),
            ("toggle", Method::PATCH, format!("{one}/complete"), None),
        ] {
            assert_no_store(what, &app.call(method, &path, body, token).await);
        }
    }

    async fn lambda_task_answers_say_no_store(app) {
        let (_, token) = app.user("ann@example.com").await;
        let auth = format!("Bearer {token}");
        let body = json!({"title": "t"}).to_string();
        let event = v1_event("POST", "/api/tasks", &[("Authorization", &auth), ("Content-Type", "application/json")], Some(&body));
        let created = app.invoke(event).await;
        assert_lambda_no_store("create (v1)", &created);
        let one = format!("/api/tasks/{}", body_json(&created)["data"]["id"]);
        for path in ["/api/tasks", one.as_str()] {
            assert_lambda_no_store(path, &app.invoke(v2_event("GET", path, &[("authorization", &auth)], None)).await);
            assert_lambda_no_store(path, &app.invoke(v1_event("GET", path, &[("Authorization", &auth)], None)).await);
        }
        let event = v2_event("PATCH", &format!("{one}/complete"), &[("authorization", &auth), JSON], None);
        assert_lambda_no_store("toggle (v2)", &app.invoke(event).await);
    }
}
