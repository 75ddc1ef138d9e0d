//! Versions and conditional requests: every change raises `version`, single-task
//! answers carry it as the `ETag`, `If-None-Match` answers 304, and a write with a
//! stale `If-Match` answers 412 with the task as it is, changing nothing.

mod headers;

use axum::http::{Method, StatusCode};
use headers::{call_with, create, etag};
use serde_json::json;
use testkit::store_tests;

store_tests! {
    router = tasks::router;

    async fn every_change_raises_the_version_and_its_etag(app) {
        let (_, ann) = app.user("ann@example.com").await;
        let (id, tag) = create(&app, &ann, "Milk").await;
        assert_eq!(tag, "\"1\"");
        let path = format!("/api/tasks/{id}");
        let got = app.call(Method::GET, &path, None, Some(&ann)).await;
        assert_eq!((etag(&got), got.data()["version"].clone()), ("\"1\"".into(), json!(1)));
        let edited = app.call(Method::PUT, &path, Some(json!({"title": "Oat milk"})), Some(&ann)).await;
        assert_eq!((etag(&edited), edited.data()["version"].clone()), ("\"2\"".into(), json!(2)));
        let toggled = app.call(Method::PATCH, &format!("{path}/complete"), None, Some(&ann)).await;
        assert_eq!(etag(&toggled), "\"3\"");
        let deleted = app.call(Method::DELETE, &path, None, Some(&ann)).await;
        assert_eq!(deleted.status, StatusCode::NO_CONTENT);
        let restored = app.call(Method::POST, &format!("{path}/restore"), None, Some(&ann)).await;
        assert_eq!(restored.status, StatusCode::OK, "{}", restored.body);
        assert_eq!((etag(&restored), restored.data()["version"].clone()), ("\"5\"".into(), json!(5)));
        let listed = app.call(Method::GET, "/api/tasks", None, Some(&ann)).await;
        assert_eq!(listed.data()[0]["version"], 5);
    }

    async fn a_matching_if_none_match_answers_304_without_a_body(app) {
        let (_, ann) = app.user("ann@example.com").await;
        let (id, tag) = create(&app, &ann, "Milk").await;
        let path = format!("/api/tasks/{id}");
        for held in [tag.as_str(), "W/\"1\"", "*", "\"7\", \"1\""] {
            let res = call_with(&app, Method::GET, &path, None, &ann, &[("if-none-match", held.as_bytes())]).await;
            assert_eq!(res.status, StatusCode::NOT_MODIFIED, "{held}");
            assert_eq!(res.body, serde_json::Value::Null, "{held}: no body");
            assert_eq!(etag(&res), tag);
        }
        let stale = call_with(&app, Method::GET, &path, None, &ann, &[("if-none-match", b"\"2\"")]).await;
        assert_eq!(stale.status, StatusCode::OK);
        assert_eq!(stale.data()["title"], "Milk");
    }

    async fn a_stale_if_match_answers_412_with_the_current_task_and_changes_nothing(app) {
        let (user, ann) = app.user("ann@example.com").await;
        let (id, first) = create(&app, &ann, "Milk").await;
        let path = format!("/api/tasks/{id}");
        let moved = call_with(&app, Method::PUT, &path, Some(json!({"title": "Tea"})), &ann, &[("if-match", first.as_bytes())]).await;
        assert_eq!(moved.status, StatusCode::OK, "a current If-Match writes");
        let before = app.store().task_seq(user.id).await.expect("seq");

        let attempts = [
            (Method::PUT, path.clone(), Some(json!({"title": "Coffee"}))),
            (Method::PATCH, format!("{path}/complete"), None),
            (Method::DELETE, path.clone(), None),
            (Method::POST, format!("{path}/restore"), None),
        ];
        for (method, target, body) in attempts {
            let res = call_with(&app, method.clone(), &target, body, &ann, &[("if-match", first.as_bytes())]).await;
            assert_eq!(res.status, StatusCode::PRECONDITION_FAILED, "{method} {target}: {}", res.body);
            assert_eq!(res.error_code(), "PRECONDITION_FAILED");
            assert_eq!(res.body["success"], false);
            assert_eq!(res.body["error"]["details"]["current"]["title"], "Tea", "{}", res.body);
            assert_eq!(res.body["error"]["details"]["current"]["version"], 2);
        }
        let now = app.call(Method::GET, &path, None, Some(&ann)).await;
        assert_eq!((now.data()["title"].clone(), now.data()["completed"].clone(), now.data()["version"].clone()), (json!("Tea"), json!(false), json!(2)));
        assert_eq!(app.store().task_seq(user.id).await.expect("seq"), before, "a refused write is no change");
        let list = app.call(Method::GET, "/api/tasks", None, Some(&ann)).await;
        assert_eq!(list.body["pagination"]["total"], 1);
    }

    async fn star_and_lists_match_and_weak_tags_never_do(app) {
        let (_, ann) = app.user("ann@example.com").await;
        let (id, _) = create(&app, &ann, "Milk").await;
        let path = format!("/api/tasks/{id}");
        let star = call_with(&app, Method::PUT, &path, Some(json!({"title": "a"})), &ann, &[("if-match", b"*")]).await;
        assert_eq!(star.status, StatusCode::OK);
        let list = call_with(&app, Method::PUT, &path, Some(json!({"title": "b"})), &ann, &[("if-match", b"\"9\", \"2\"")]).await;
        assert_eq!(list.status, StatusCode::OK, "{}", list.body);
        let weak = call_with(&app, Method::PUT, &path, Some(json!({"title": "c"})), &ann, &[("if-match", b"W/\"3\"")]).await;
        assert_eq!(weak.status, StatusCode::PRECONDITION_FAILED, "a weak tag never matches If-Match");
        let foreign = call_with(&app, Method::PUT, &path, Some(json!({"title": "c"})), &ann, &[("if-match", b"\"03\"")]).await;
        assert_eq!(foreign.status, StatusCode::PRECONDITION_FAILED);
        let none = app.call(Method::PUT, &path, Some(json!({"title": "d"})), Some(&ann)).await;
        assert_eq!((none.status, etag(&none)), (StatusCode::OK, "\"4\"".to_owned()), "without If-Match, unconditional");

        app.call(Method::DELETE, &path, None, Some(&ann)).await;
        let gone = call_with(&app, Method::PUT, &path, Some(json!({"title": "e"})), &ann, &[("if-match", b"*")]).await;
        assert_eq!(gone.status, StatusCode::NOT_FOUND, "* matches only an existing task");
    }

    async fn another_users_task_stays_403_whatever_the_headers(app) {
        let (_, ann) = app.user("ann@example.com").await;
        let (_, bob) = app.user("bob@example.com").await;
        let (id, tag) = create(&app, &ann, "Ann's").await;
        let path = format!("/api/tasks/{id}");
        for value in [tag.as_bytes(), b"*", b"\"99\""] {
            for (method, target) in [
                (Method::PUT, path.clone()),
                (Method::PATCH, format!("{path}/complete")),
                (Method::DELETE, path.clone()),
                (Method::POST, format!("{path}/restore")),
            ] {
                let body = (method == Method::PUT).then(|| json!({"title": "Bob's now"}));
                let res = call_with(&app, method.clone(), &target, body, &bob, &[("if-match", value)]).await;
                assert_eq!(res.status, StatusCode::FORBIDDEN, "{method} {target}");
            }
        }
        let read = call_with(&app, Method::GET, &path, None, &bob, &[("if-none-match", b"*")]).await;
        assert_eq!(read.status, StatusCode::FORBIDDEN);
        app.call(Method::DELETE, &path, None, Some(&ann)).await;
        let trashed = app.call(Method::POST, &format!("{path}/restore"), None, Some(&bob)).await;
        assert_eq!(trashed.status, StatusCode::FORBIDDEN, "someone else's trash is theirs too");
        let ann_sees = app.call(Method::GET, "/api/tasks", None, Some(&ann)).await;
        assert_eq!(ann_sees.body["pagination"]["total"], 0);
    }

    async fn hostile_condition_headers_are_a_422_naming_them(app) {
        let (_, ann) = app.user("ann@example.com").await;
        let (id, _) = create(&app, &ann, "Milk").await;
        let path = format!("/api/tasks/{id}");
        let long = format!("\"{}\"", "9".repeat(300));
        let huge = "\"1\", ".repeat(2_000);
        // NUL and the other controls but tab cannot be sent in a header at all (the HTTP
        // layer refuses them, and `EntityTags`'s properties cover them); a tab can.
        let bad: [&[u8]; 8] = [b"", b"1", b"\"1", b"\"1\t\"", b"\" 1\"", b"*, \"1\"", b"W/1", b"\"1\" \"2\""];
        for value in bad {
            let res = call_with(&app, Method::PUT, &path, Some(json!({"title": "x"})), &ann, &[("if-match", value)]).await;
            assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{value:?}: {}", res.body);
            assert_eq!(res.error_code(), "VALIDATION_ERROR");
            assert!(res.body["error"]["details"]["If-Match"].is_string(), "{}", res.body);
            let get = call_with(&app, Method::GET, &path, None, &ann, &[("if-none-match", value)]).await;
            assert_eq!(get.status, StatusCode::UNPROCESSABLE_ENTITY, "{value:?}");
            assert!(get.body["error"]["details"]["If-None-Match"].is_string());
        }
        let long = call_with(&app, Method::PUT, &path, Some(json!({"title": "x"})), &ann, &[("if-match", long.as_bytes())]).await;
        assert_eq!(long.status, StatusCode::PRECONDITION_FAILED, "a well-formed tag no version has");
        let huge = call_with(&app, Method::PUT, &path, Some(json!({"title": "x"})), &ann, &[("if-match", huge.as_bytes())]).await;
        assert_eq!(huge.status, StatusCode::OK, "a long list holding the version matches");
        let obs = call_with(&app, Method::PUT, &path, Some(json!({"title": "y"})), &ann, &[("if-match", b"\"\xff\"")]).await;
        assert_eq!(obs.status, StatusCode::PRECONDITION_FAILED);
        let now = app.call(Method::GET, &path, None, Some(&ann)).await;
        assert_eq!(now.data()["version"], 2, "only the matching write landed");
    }
}
