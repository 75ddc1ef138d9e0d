//! `MAX_TASKS_PER_USER`: an account holds at most that many tasks, however many
//! creates arrive at once, so no account can grow the export (or the database) without
//! bound.

use axum::http::{Method, StatusCode};
use serde_json::json;
use testkit::store_tests;

store_tests! {
    router = tasks::router;
    vars = &[("MAX_TASKS_PER_USER", "3")];

    async fn a_create_past_the_cap_answers_422_and_stores_nothing(app) {
        let (_, ann) = app.user("ann@example.com").await;
        let (_, bob) = app.user("bob@example.com").await;
        let mut ids = Vec::new();
        for n in 0..3 {
            let res = app.call(Method::POST, "/api/tasks", Some(json!({"title": format!("t{n}")})), Some(&ann)).await;
            assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
            ids.push(res.data()["id"].clone());
        }
        let refused = app.call(Method::POST, "/api/tasks", Some(json!({"title": "one too many"})), Some(&ann)).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.body);
        assert_eq!(refused.error_code(), "VALIDATION_ERROR");
        assert_eq!(refused.body["success"], false);
        let message = refused.body["error"]["message"].as_str().unwrap_or_default();
        assert!(message.contains("3 tasks"), "{message}");
        let list = app.call(Method::GET, "/api/tasks", None, Some(&ann)).await;
        assert_eq!(list.body["pagination"]["total"], 3);

        let other = app.call(Method::POST, "/api/tasks", Some(json!({"title": "mine"})), Some(&bob)).await;
        assert_eq!(other.status, StatusCode::CREATED, "the cap is per account");

        let gone = app.call(Method::DELETE, &format!("/api/tasks/{}", ids[0]), None, Some(&ann)).await;
        assert_eq!(gone.status, StatusCode::NO_CONTENT);
        let again = app.call(Method::POST, "/api/tasks", Some(json!({"title": "room again"})), Some(&ann)).await;
        assert_eq!(again.status, StatusCode::CREATED, "a deleted task frees its place");
    }

    async fn concurrent_creates_at_the_cap_never_pass_it(app) {
        let (_, ann) = app.user("ann@example.com").await;
        let app = std::sync::Arc::new(app);
        let mut creates = tokio::task::JoinSet::new();
        for n in 0..24 {
            let (app, ann) = (app.clone(), ann.clone());
            creates.spawn(async move {
                app.call(Method::POST, "/api/tasks", Some(json!({"title": format!("race {n}")})), Some(&ann)).await
            });
        }
        let answers = creates.join_all().await;
        let created = answers.iter().filter(|r| r.status == StatusCode::CREATED).count();
        let refused = answers.iter().filter(|r| r.status == StatusCode::UNPROCESSABLE_ENTITY).count();
        assert_eq!((created, refused), (3, 21), "{:?}", answers.iter().map(|r| r.status).collect::<Vec<_>>());
        let list = app.call(Method::GET, "/api/tasks", None, Some(&ann)).await;
        assert_eq!(list.body["pagination"]["total"], 3);
    }
}
