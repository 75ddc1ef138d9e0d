//! `Idempotency-Key` on creates: a retry whose first answer was lost replays it instead
//! of creating again, per user, and the same key with another body is refused.

mod headers;

use std::sync::Arc;

use axum::http::{Method, StatusCode};
use headers::call_with;
use serde_json::json;
use testkit::store_tests;

store_tests! {
    router = tasks::router;

    async fn a_replay_answers_the_first_create_and_creates_nothing(app) {
        let (_, ann) = app.user("ann@example.com").await;
        let key: &[(&str, &[u8])] = &[("idempotency-key", b"create-1")];
        let first = call_with(&app, Method::POST, "/api/tasks", Some(json!({"title": "Milk"})), &ann, key).await;
        assert_eq!(first.status, StatusCode::CREATED, "{}", first.body);
        // Edited since: the replay is still the first answer, as it was sent.
        let id = first.data()["id"].as_i64().unwrap();
        app.call(Method::PUT, &format!("/api/tasks/{id}"), Some(json!({"title": "Tea"})), Some(&ann)).await;
        let same = json!({"title": " Milk ", "description": null});
        let again = call_with(&app, Method::POST, "/api/tasks", Some(same), &ann, key).await;
        assert_eq!(again.status, StatusCode::CREATED);
        assert_eq!(again.body, first.body);
        assert_eq!(again.headers.get("etag"), first.headers.get("etag"));
        let list = app.call(Method::GET, "/api/tasks", None, Some(&ann)).await;
        assert_eq!(list.body["pagination"]["total"], 1);

        let other = call_with(&app, Method::POST, "/api/tasks", Some(json!({"title": "Coffee"})), &ann, key).await;
        assert_eq!(other.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(other.error_code(), "IDEMPOTENCY_KEY_REUSED");
        let list = app.call(Method::GET, "/api/tasks", None, Some(&ann)).await;
        assert_eq!(list.body["pagination"]["total"], 1, "a reused key creates nothing");

        let fresh = call_with(&app, Method::POST, "/api/tasks", Some(json!({"title": "Milk"})), &ann, &[("idempotency-key", b"create-2")]).await;
        assert_eq!(fresh.status, StatusCode::CREATED);
        assert_ne!(fresh.data()["id"], first.data()["id"], "another key is another create");
    }

    async fn keys_are_scoped_to_their_user(app) {
        let (_, ann) = app.user("ann@example.com").await;
        let (_, bob) = app.user("bob@example.com").await;
        let key: &[(&str, &[u8])] = &[("idempotency-key", b"shared")];
        let a = call_with(&app, Method::POST, "/api/tasks", Some(json!({"title": "Milk"})), &ann, key).await;
        let b = call_with(&app, Method::POST, "/api/tasks", Some(json!({"title": "Milk"})), &bob, key).await;
        assert_eq!((a.status, b.status), (StatusCode::CREATED, StatusCode::CREATED));
        assert_ne!(a.data()["id"], b.data()["id"]);
        assert_eq!(b.data()["title"], "Milk");
        let bobs = app.call(Method::GET, "/api/tasks", None, Some(&bob)).await;
        assert_eq!(bobs.body["pagination"]["total"], 1);
    }

    async fn ten_concurrent_creates_with_one_key_make_one_task(app) {
        let (_, ann) = app.user("ann@example.com").await;
        let app = Arc::new(app);
        let mut creates = tokio::task::JoinSet::new();
        for _ in 0..10 {
            let (app, ann) = (app.clone(), ann.clone());
            creates.spawn(async move {
                call_with(&app, Method::POST, "/api/tasks", Some(json!({"title": "Once"})), &ann, &[("idempotency-key", b"race")]).await
            });
        }
        let answers = creates.join_all().await;
        let created: Vec<_> = answers.iter().filter(|r| r.status == StatusCode::CREATED).collect();
        let waiting = answers.iter().filter(|r| r.status == StatusCode::CONFLICT && r.error_code() == "REQUEST_IN_PROGRESS").count();
        assert_eq!(created.len() + waiting, 10, "{:?}", answers.iter().map(|r| (r.status, r.body.clone())).collect::<Vec<_>>());
        assert!(created.iter().all(|r| r.body == created[0].body), "every 201 is the one answer");
        let list = app.call(Method::GET, "/api/tasks", None, Some(&ann)).await;
        assert_eq!(list.body["pagination"]["total"], 1);
        assert_eq!(list.data().as_array().map(Vec::len), Some(1));
    }

    async fn hostile_keys_are_a_422_naming_the_header(app) {
        let (_, ann) = app.user("ann@example.com").await;
        let long = "k".repeat(256);
        let huge = "k".repeat(60_000);
        let bad: [&[u8]; 6] = [b"", b"has space", b"tab\there", b"\xc3\xa9", long.as_bytes(), huge.as_bytes()];
        for value in bad {
            let res = call_with(&app, Method::POST, "/api/tasks", Some(json!({"title": "x"})), &ann, &[("idempotency-key", value)]).await;
            assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{:?}", String::from_utf8_lossy(value));
            assert_eq!(res.error_code(), "VALIDATION_ERROR");
            assert!(res.body["error"]["details"]["Idempotency-Key"].is_string(), "{}", res.body);
        }
        let two = call_with(&app, Method::POST, "/api/tasks", Some(json!({"title": "x"})), &ann, &[("idempotency-key", b"a"), ("idempotency-key", b"a")]).await;
        assert_eq!(two.status, StatusCode::UNPROCESSABLE_ENTITY, "two keys are one too many");
        let edge = "~".repeat(255);
        let ok = call_with(&app, Method::POST, "/api/tasks", Some(json!({"title": "x"})), &ann, &[("idempotency-key", edge.as_bytes())]).await;
        assert_eq!(ok.status, StatusCode::CREATED, "255 visible characters are a key");
        let list = app.call(Method::GET, "/api/tasks", None, Some(&ann)).await;
        assert_eq!(list.body["pagination"]["total"], 1, "no refused create made a task");
    }

    async fn the_sweep_forgets_keys_after_a_day(app) {
        let (_, ann) = app.user("ann@example.com").await;
        let key: &[(&str, &[u8])] = &[("idempotency-key", b"old")];
        let first = call_with(&app, Method::POST, "/api/tasks", Some(json!({"title": "Milk"})), &ann, key).await;
        assert_eq!(first.status, StatusCode::CREATED);
        let later = chrono::Utc::now() + chrono::Duration::hours(25);
        let purged = app.store().purge_trash(later - chrono::Duration::days(30), later - chrono::Duration::hours(24)).await.expect("purge");
        assert_eq!(purged, 1, "the key, and no live task");
        let again = call_with(&app, Method::POST, "/api/tasks", Some(json!({"title": "Coffee"})), &ann, key).await;
        assert_eq!(again.status, StatusCode::CREATED, "a forgotten key is a new key");
        assert_ne!(again.data()["id"], first.data()["id"]);
    }
}
