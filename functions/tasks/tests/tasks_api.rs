//! `/api/tasks*` through the in-process router, on SQLite and on Postgres.

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};
use testkit::{TestApp, TestResponse, store_tests};

async fn create(app: &TestApp, token: &str, title: &str) -> Value {
    let res = app.call(Method::POST, "/api/tasks", Some(json!({ "title": title })), Some(token)).await;
    assert_eq!(res.status, StatusCode::CREATED, "{:?}", res.body);
    res.data().clone()
}

fn id_of(task: &Value) -> i64 {
    task["id"].as_i64().expect("integer id")
}

fn titles(res: &TestResponse) -> Vec<String> {
    res.data()
        .as_array()
        .expect("list")
        .iter()
        .map(|t| t["title"].as_str().expect("title").to_owned())
        .collect()
}

store_tests! {
    router = tasks::router;

    async fn test_create_task_happy_path(app) {
        let (user, token) = app.user("ann@example.com").await;
        let body = json!({"title": "  Buy milk ", "description": "Two litres"});
        let res = app.call(Method::POST, "/api/tasks", Some(body), Some(&token)).await;
        assert_eq!(res.status, StatusCode::CREATED);
        let task = res.data();
        assert_eq!(task["title"], "Buy milk");
        assert_eq!(task["description"], "Two litres");
        assert_eq!(task["completed"], false);
        assert_eq!(task["user_id"], user.id.to_string());
        assert!(task["created_at"].as_str().expect("timestamp").ends_with('Z'));

        let stored = app.store().task(id_of(task), user.id).await.expect("query").expect("row exists");
        assert_eq!(stored.title, "Buy milk");
        assert_eq!(stored.description.as_deref(), Some("Two litres"));
        assert_eq!(stored.user_id, user.id);
        assert!(!stored.completed);
    }

    async fn test_get_tasks_pagination(app) {
        let (_, token) = app.user("ann@example.com").await;
        for i in 1..=25 {
            create(&app, &token, &format!("task {i}")).await;
        }
        let mut seen = Vec::new();
        for (page, expected) in [(1, 10), (2, 10), (3, 5)] {
            let res = app.call(Method::GET, &format!("/api/tasks?page={page}&limit=10"), None, Some(&token)).await;
            assert_eq!(res.status, StatusCode::OK);
            assert_eq!(res.data().as_array().expect("list").len(), expected);
            assert_eq!(res.body["pagination"], json!({"page": page, "limit": 10, "total": 25, "pages": 3}));
            seen.extend(titles(&res));
        }
        let expected: Vec<String> = (1..=25).rev().map(|i| format!("task {i}")).collect();
        assert_eq!(seen, expected, "newest first, no overlap, nothing missing");

        let past = app.call(Method::GET, "/api/tasks?page=4&limit=10", None, Some(&token)).await;
        assert_eq!(past.status, StatusCode::OK);
        assert_eq!(past.data(), &json!([]));
        let default = app.call(Method::GET, "/api/tasks", None, Some(&token)).await;
        assert_eq!(default.body["pagination"], json!({"page": 1, "limit": 10, "total": 25, "pages": 3}));
    }

    async fn test_update_other_user_task(app) {
        let (_, ann) = app.user("ann@example.com").await;
        let (_, bob) = app.user("bob@example.com").await;
        let task = create(&app, &ann, "Ann's").await;
        let path = format!("/api/tasks/{}", id_of(&task));
        let res = app.call(Method::PUT, &path, Some(json!({"title": "Bob was here"})), Some(&bob)).await;
        assert_eq!(res.status, StatusCode::FORBIDDEN);
        assert_eq!(res.error_code(), "FORBIDDEN");
        let unchanged = app.call(Method::GET, &path, None, Some(&ann)).await;
        assert_eq!(unchanged.data()["title"], "Ann's");
    }

    async fn test_delete_other_user_task(app) {
        let (_, ann) = app.user("ann@example.com").await;
        let (_, bob) = app.user("bob@example.com").await;
        let task = create(&app, &ann, "Ann's").await;
        let path = format!("/api/tasks/{}", id_of(&task));
        let res = app.call(Method::DELETE, &path, None, Some(&bob)).await;
        assert_eq!(res.status, StatusCode::FORBIDDEN);
        assert_eq!(app.call(Method::GET, &path, None, Some(&ann)).await.status, StatusCode::OK);
    }

    async fn test_toggle_completion_valid(app) {
        let (_, token) = app.user("ann@example.com").await;
        let task = create(&app, &token, "Toggle me").await;
        let path = format!("/api/tasks/{}/complete", id_of(&task));
        let first = app.call(Method::PATCH, &path, None, Some(&token)).await;
        assert_eq!(first.status, StatusCode::OK);
        assert_eq!(first.data()["completed"], true);
        assert_ne!(first.data()["updated_at"], task["updated_at"]);
        let second = app.call(Method::PATCH, &path, None, Some(&token)).await;
        assert_eq!(second.data()["completed"], false);
    }

    async fn test_view_own_tasks_only(app) {
        let (_, ann) = app.user("ann@example.com").await;
        let (_, bob) = app.user("bob@example.com").await;
        create(&app, &ann, "ann 1").await;
        create(&app, &bob, "bob 1").await;
        create(&app, &ann, "ann 2").await;
        let res = app.call(Method::GET, "/api/tasks", None, Some(&ann)).await;
        assert_eq!(titles(&res), ["ann 2", "ann 1"]);
        assert_eq!(res.body["pagination"]["total"], 2);
        let res = app.call(Method::GET, "/api/tasks", None, Some(&bob)).await;
        assert_eq!(titles(&res), ["bob 1"]);
    }

    async fn test_unauthorized_access(app) {
        for (method, path) in [
            (Method::GET, "/api/tasks"),
            (Method::POST, "/api/tasks"),
            (Method::GET, "/api/tasks/1"),
            (Method::PUT, "/api/tasks/1"),
            (Method::DELETE, "/api/tasks/1"),
            (Method::PATCH, "/api/tasks/1/complete"),
        ] {
            let res = app.call(method.clone(), path, Some(json!({"title": "x"})), None).await;
            assert_eq!(res.status, StatusCode::UNAUTHORIZED, "{method} {path}");
            assert_eq!(res.error_code(), "UNAUTHORIZED");
        }
    }

    async fn every_task_route_refuses_other_users(app) {
        let (_, ann) = app.user("ann@example.com").await;
        let (_, bob) = app.user("bob@example.com").await;
        let id = id_of(&create(&app, &ann, "private").await);
        for (method, path) in [
            (Method::GET, format!("/api/tasks/{id}")),
            (Method::PUT, format!("/api/tasks/{id}")),
            (Method::DELETE, format!("/api/tasks/{id}")),
            (Method::PATCH, format!("/api/tasks/{id}/complete")),
        ] {
            let res = app.call(method.clone(), &path, Some(json!({"completed": true})), Some(&bob)).await;
            assert_eq!(res.status, StatusCode::FORBIDDEN, "{method} {path}");
        }
        let res = app.call(Method::GET, &format!("/api/tasks/{id}"), None, Some(&ann)).await;
        assert_eq!(res.data()["completed"], false, "nothing changed");
    }

    async fn missing_and_malformed_ids(app) {
        let (_, token) = app.user("ann@example.com").await;
        for method in [Method::GET, Method::PUT, Method::DELETE] {
            let res = app.call(method.clone(), "/api/tasks/999999", Some(json!({})), Some(&token)).await;
            assert_eq!(res.status, StatusCode::NOT_FOUND, "{method}");
            assert_eq!(res.error_code(), "NOT_FOUND");
        }
        let res = app.call(Method::PATCH, "/api/tasks/999999/complete", None, Some(&token)).await;
        assert_eq!(res.status, StatusCode::NOT_FOUND);
        for bad in ["abc", "1.5", "99999999999999999999999"] {
            let res = app.call(Method::GET, &format!("/api/tasks/{bad}"), None, Some(&token)).await;
            assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
            assert_eq!(res.error_code(), "VALIDATION_ERROR");
            assert!(res.body["error"]["details"]["id"].is_string());
        }
    }

    async fn partial_update_semantics(app) {
        let (_, token) = app.user("ann@example.com").await;
        let body = json!({"title": "Original", "description": "Keep me"});
        let task = app.call(Method::POST, "/api/tasks", Some(body), Some(&token)).await.data().clone();
        let path = format!("/api/tasks/{}", id_of(&task));

        let done = app.call(Method::PUT, &path, Some(json!({"completed": true})), Some(&token)).await;
        assert_eq!(done.status, StatusCode::OK);
        assert_eq!(done.data()["title"], "Original");
        assert_eq!(done.data()["description"], "Keep me");
        assert_eq!(done.data()["completed"], true);
        assert_ne!(done.data()["updated_at"], task["updated_at"]);
        assert_eq!(done.data()["created_at"], task["created_at"]);

        let retitled = app.call(Method::PUT, &path, Some(json!({"title": " New "})), Some(&token)).await;
        assert_eq!(retitled.data()["title"], "New");
        assert_eq!(retitled.data()["description"], "Keep me");

        let cleared = app.call(Method::PUT, &path, Some(json!({"description": null})), Some(&token)).await;
        assert_eq!(cleared.data()["description"], Value::Null);
        assert_eq!(cleared.data()["completed"], true);
    }

    async fn mass_assignment_is_ignored(app) {
        let (user, token) = app.user("ann@example.com").await;
        let (other, _) = app.user("bob@example.com").await;
        let body = json!({
            "title": "Mine", "id": 424242, "user_id": other.id,
            "created_at": "2000-01-01T00:00:00Z", "completed": true
        });
        let res = app.call(Method::POST, "/api/tasks", Some(body), Some(&token)).await;
        assert_eq!(res.status, StatusCode::CREATED);
        assert_ne!(res.data()["id"], 424242);
        assert_eq!(res.data()["user_id"], user.id.to_string());
        assert_ne!(res.data()["created_at"], "2000-01-01T00:00:00Z");
        assert_eq!(res.data()["completed"], false);

        let path = format!("/api/tasks/{}", id_of(res.data()));
        let res = app.call(Method::PUT, &path, Some(json!({"user_id": other.id, "id": 1})), Some(&token)).await;
        assert_eq!(res.data()["user_id"], user.id.to_string());
    }

    async fn task_validation(app) {
        let (_, token) = app.user("ann@example.com").await;
        for (body, field) in [
            (json!({"title": ""}), "title"),
            (json!({"title": "   "}), "title"),
            (json!({}), "title"),
            (json!({"title": "t".repeat(201)}), "title"),
            (json!({"title": "ok", "description": "d".repeat(1001)}), "description"),
            (json!({"title": 7}), "title"),
        ] {
            let res = app.call(Method::POST, "/api/tasks", Some(body.clone()), Some(&token)).await;
            assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
            assert!(res.body["error"]["details"][field].is_string(), "{body}: {:?}", res.body);
        }
        let edge = json!({"title": "t".repeat(200), "description": "d".repeat(1000)});
        assert_eq!(app.call(Method::POST, "/api/tasks", Some(edge), Some(&token)).await.status, StatusCode::CREATED);

        let id = id_of(&create(&app, &token, "valid").await);
        for body in [json!({"title": ""}), json!({"completed": "yes"}), json!({"description": "d".repeat(1001)})] {
            let res = app.call(Method::PUT, &format!("/api/tasks/{id}"), Some(body.clone()), Some(&token)).await;
            assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        }
        for query in ["page=0", "page=-1", "page=x", "limit=0", "limit=101", "limit=ten"] {
            let res = app.call(Method::GET, &format!("/api/tasks?{query}"), None, Some(&token)).await;
            assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{query}");
            assert_eq!(res.error_code(), "VALIDATION_ERROR");
        }
        let res = app.call(Method::GET, "/api/tasks?limit=100", None, Some(&token)).await;
        assert_eq!(res.status, StatusCode::OK);
    }

    async fn delete_removes_the_task(app) {
        let (user, token) = app.user("ann@example.com").await;
        let id = id_of(&create(&app, &token, "Bye").await);
        let res = app.call(Method::DELETE, &format!("/api/tasks/{id}"), None, Some(&token)).await;
        assert_eq!(res.status, StatusCode::NO_CONTENT);
        assert_eq!(res.body, Value::Null, "204 has no body");
        assert!(app.store().task(id, user.id).await.expect("query").is_none());
        let again = app.call(Method::DELETE, &format!("/api/tasks/{id}"), None, Some(&token)).await;
        assert_eq!(again.status, StatusCode::NOT_FOUND);
    }
}
