//! The trash: a delete hides the task everywhere at once, restore brings it back, the
//! sweep purges it after the retention, and the account's count stays exact through
//! all of it.

mod headers;

use std::sync::Arc;

use axum::http::{Method, StatusCode};
use contract::policy::TRASH_RETENTION_DAYS;
use headers::create;
use serde_json::json;
use testkit::store_tests;

async fn total(app: &testkit::TestApp, token: &str) -> serde_json::Value {
    app.call(Method::GET, "/api/tasks", None, Some(token)).await.body["pagination"]["total"].clone()
}

store_tests! {
    router = tasks::router;
    vars = &[("MAX_TASKS_PER_USER", "3")];

    async fn a_trashed_task_is_gone_until_restored(app) {
        let (_, ann) = app.user("ann@example.com").await;
        let (id, _) = create(&app, &ann, "Milk").await;
        let path = format!("/api/tasks/{id}");
        assert_eq!(app.call(Method::DELETE, &path, None, Some(&ann)).await.status, StatusCode::NO_CONTENT);
        for (method, target) in [
            (Method::GET, path.clone()),
            (Method::PUT, path.clone()),
            (Method::PATCH, format!("{path}/complete")),
            (Method::DELETE, path.clone()),
        ] {
            let body = (method == Method::PUT).then(|| json!({"title": "x"}));
            let res = app.call(method.clone(), &target, body, Some(&ann)).await;
            assert_eq!(res.status, StatusCode::NOT_FOUND, "{method} {target}");
        }
        let list = app.call(Method::GET, "/api/tasks", None, Some(&ann)).await;
        assert_eq!((list.data().as_array().map(Vec::len), list.body["pagination"]["total"].clone()), (Some(0), json!(0)));

        let back = app.call(Method::POST, &format!("{path}/restore"), None, Some(&ann)).await;
        assert_eq!(back.status, StatusCode::OK, "{}", back.body);
        assert_eq!((back.data()["id"].clone(), back.data()["title"].clone()), (json!(id), json!("Milk")));
        assert_eq!(app.call(Method::GET, &path, None, Some(&ann)).await.status, StatusCode::OK);
        assert_eq!(total(&app, &ann).await, 1);
        let twice = app.call(Method::POST, &format!("{path}/restore"), None, Some(&ann)).await;
        assert_eq!((twice.status, twice.data()["version"].clone()), (StatusCode::OK, json!(3)), "a live task answers as it is");
        let nowhere = app.call(Method::POST, "/api/tasks/999999/restore", None, Some(&ann)).await;
        assert_eq!(nowhere.status, StatusCode::NOT_FOUND);
        let bad = app.call(Method::POST, "/api/tasks/abc/restore", None, Some(&ann)).await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    }

    async fn a_restore_at_the_cap_is_refused_like_a_create(app) {
        let (_, ann) = app.user("ann@example.com").await;
        let (id, _) = create(&app, &ann, "first").await;
        app.call(Method::DELETE, &format!("/api/tasks/{id}"), None, Some(&ann)).await;
        for n in 0..3 {
            create(&app, &ann, &format!("t{n}")).await;
        }
        let refused = app.call(Method::POST, &format!("/api/tasks/{id}/restore"), None, Some(&ann)).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.body);
        assert!(refused.body["error"]["message"].as_str().unwrap_or_default().contains("3 tasks"));
        assert_eq!(total(&app, &ann).await, 3);
    }

    async fn the_count_is_exact_across_create_trash_restore_and_purge(app) {
        let (user, ann) = app.user("ann@example.com").await;
        let (a, _) = create(&app, &ann, "a").await;
        let (b, _) = create(&app, &ann, "b").await;
        assert_eq!(total(&app, &ann).await, 2);
        app.call(Method::DELETE, &format!("/api/tasks/{a}"), None, Some(&ann)).await;
        app.call(Method::DELETE, &format!("/api/tasks/{b}"), None, Some(&ann)).await;
        assert_eq!(total(&app, &ann).await, 0);
        app.call(Method::POST, &format!("/api/tasks/{b}/restore"), None, Some(&ann)).await;
        assert_eq!(total(&app, &ann).await, 1);
        // The sweep, run as if the retention had passed: only the trashed task goes.
        let later = chrono::Utc::now() + chrono::Duration::days(TRASH_RETENTION_DAYS) + chrono::Duration::minutes(1);
        let purged = app.store().purge_trash(later - chrono::Duration::days(TRASH_RETENTION_DAYS), chrono::DateTime::UNIX_EPOCH).await.expect("purge");
        assert_eq!(purged, 1);
        assert_eq!(total(&app, &ann).await, 1, "a purge of the trash does not move the count");
        let gone = app.call(Method::POST, &format!("/api/tasks/{a}/restore"), None, Some(&ann)).await;
        assert_eq!(gone.status, StatusCode::NOT_FOUND, "purged is gone");
        assert_eq!(app.store().tasks_after(user.id, 0, 10).await.expect("rows").len(), 1);
        // Within the retention the sweep keeps the trash.
        app.call(Method::DELETE, &format!("/api/tasks/{b}"), None, Some(&ann)).await;
        let now = chrono::Utc::now();
        assert_eq!(app.store().purge_trash(now - chrono::Duration::days(TRASH_RETENTION_DAYS), chrono::DateTime::UNIX_EPOCH).await.expect("purge"), 0);
        assert_eq!(app.call(Method::POST, &format!("/api/tasks/{b}/restore"), None, Some(&ann)).await.status, StatusCode::OK);
    }

    async fn concurrent_creates_and_deletes_keep_the_count_equal_to_the_rows(app) {
        let (user, ann) = app.user("ann@example.com").await;
        let (keep, _) = create(&app, &ann, "keep").await;
        let (drop, _) = create(&app, &ann, "drop").await;
        let app = Arc::new(app);
        let mut calls = tokio::task::JoinSet::new();
        for n in 0..30 {
            let (app, ann) = (app.clone(), ann.clone());
            calls.spawn(async move {
                match n % 3 {
                    0 => app.call(Method::POST, "/api/tasks", Some(json!({"title": format!("n{n}")})), Some(&ann)).await,
                    1 => app.call(Method::DELETE, &format!("/api/tasks/{drop}"), None, Some(&ann)).await,
                    _ => app.call(Method::POST, &format!("/api/tasks/{drop}/restore"), None, Some(&ann)).await,
                }
            });
        }
        let answers = calls.join_all().await;
        assert!(answers.iter().all(|r| r.status.is_success() || r.status == StatusCode::NOT_FOUND || r.status == StatusCode::UNPROCESSABLE_ENTITY), "{:?}", answers.iter().map(|r| r.status).collect::<Vec<_>>());
        let rows = app.store().tasks_after(user.id, 0, 100).await.expect("rows").len();
        assert_eq!(total(&app, &ann).await, json!(rows), "the count is the live rows");
        assert!(rows <= 3, "the cap held: {rows}");
        assert_eq!(app.call(Method::GET, &format!("/api/tasks/{keep}"), None, Some(&ann)).await.status, StatusCode::OK);
    }
}
