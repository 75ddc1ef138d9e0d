//! `GET /api/tasks/changes`: a device that took a cursor learns every change after it,
//! each task once in its latest state, and nothing of other accounts.

mod headers;

use axum::http::{Method, StatusCode};
use contract::domain::ChangeCursor;
use contract::policy::{CHANGES_PAGE_MAX, CURSOR_LIFETIME_SECS};
use headers::create;
use serde_json::{Value, json};
use testkit::{TestApp, store_tests};

async fn feed(app: &TestApp, token: &str, since: Option<&str>) -> testkit::TestResponse {
    let path = match since {
        Some(cursor) => format!("/api/tasks/changes?since={cursor}"),
        None => "/api/tasks/changes".to_owned(),
    };
    app.call(Method::GET, &path, None, Some(token)).await
}

async fn cursor(app: &TestApp, token: &str) -> String {
    let now = feed(app, token, None).await;
    assert_eq!(now.status, StatusCode::OK, "{}", now.body);
    assert_eq!(
        (now.data()["changed"].clone(), now.data()["deleted"].clone(), now.data()["more"].clone()),
        (json!([]), json!([]), json!(false))
    );
    now.data()["cursor"].as_str().expect("cursor").to_owned()
}

fn ids(list: &Value) -> Vec<i64> {
    list.as_array()
        .expect("a list")
        .iter()
        .map(|t| t["id"].as_i64().unwrap_or_else(|| t.as_i64().expect("id")))
        .collect()
}

store_tests! {
    router = tasks::router;

    async fn the_feed_follows_creates_edits_a_delete_and_a_restore(app) {
        let (_, ann) = app.user("ann@example.com").await;
        let (old, _) = create(&app, &ann, "before the cursor").await;
        let start = cursor(&app, &ann).await;
        let (a, _) = create(&app, &ann, "a").await;
        let (b, _) = create(&app, &ann, "b").await;
        app.call(Method::PUT, &format!("/api/tasks/{a}"), Some(json!({"title": "a2"})), Some(&ann)).await;
        app.call(Method::DELETE, &format!("/api/tasks/{b}"), None, Some(&ann)).await;
        app.call(Method::DELETE, &format!("/api/tasks/{old}"), None, Some(&ann)).await;

        let first = feed(&app, &ann, Some(&start)).await;
        assert_eq!(first.status, StatusCode::OK, "{}", first.body);
        assert_eq!(ids(&first.data()["changed"]), vec![a], "each task once, in its latest state");
        assert_eq!(first.data()["changed"][0]["title"], "a2");
        assert_eq!(ids(&first.data()["deleted"]), vec![b, old]);
        assert_eq!(first.data()["more"], false);

        let next = first.data()["cursor"].as_str().unwrap().to_owned();
        let quiet = feed(&app, &ann, Some(&next)).await;
        assert_eq!((quiet.data()["changed"].clone(), quiet.data()["deleted"].clone()), (json!([]), json!([])));
        assert_eq!(quiet.data()["cursor"].as_str().unwrap().split('.').next(), next.split('.').next());

        app.call(Method::POST, &format!("/api/tasks/{old}/restore"), None, Some(&ann)).await;
        let back = feed(&app, &ann, Some(&next)).await;
        assert_eq!(ids(&back.data()["changed"]), vec![old], "a restore is a change");
        assert_eq!(back.data()["deleted"], json!([]));
        assert_eq!(back.data()["changed"][0]["title"], "before the cursor");
    }

    async fn other_users_changes_never_appear(app) {
        let (_, ann) = app.user("ann@example.com").await;
        let (_, bob) = app.user("bob@example.com").await;
        create(&app, &ann, "ann 1").await;
        let (ann_task, _) = create(&app, &ann, "ann 2").await;
        let bobs_start = cursor(&app, &bob).await;
        let anns_cursor = cursor(&app, &ann).await;
        app.call(Method::PUT, &format!("/api/tasks/{ann_task}"), Some(json!({"title": "ann 3"})), Some(&ann)).await;
        create(&app, &ann, "ann 4").await;
        let (bobs, _) = create(&app, &bob, "bob 1").await;

        let seen = feed(&app, &bob, Some(&bobs_start)).await;
        assert_eq!(ids(&seen.data()["changed"]), vec![bobs]);
        // Ann's cursor, sent by Bob: positions are per account, so it shows only Bob's
        // own changes, or names a position Bob never reached.
        let borrowed = feed(&app, &bob, Some(&anns_cursor)).await;
        match borrowed.status {
            StatusCode::OK => {
                let changed = borrowed.data()["changed"].as_array().unwrap();
                assert!(changed.iter().all(|t| t["title"].as_str().unwrap().starts_with("bob")), "{}", borrowed.body);
            }
            status => assert_eq!((status, borrowed.error_code()), (StatusCode::GONE, "CURSOR_EXPIRED")),
        }
        let zero = feed(&app, &bob, Some("0.0")).await;
        assert!(zero.status == StatusCode::GONE, "a cursor past its lifetime: {}", zero.body);
    }

    async fn a_cursor_past_its_lifetime_or_position_answers_410(app) {
        let (_, ann) = app.user("ann@example.com").await;
        create(&app, &ann, "a").await;
        let now = chrono::Utc::now().timestamp();
        let old = ChangeCursor::new(0, now - CURSOR_LIFETIME_SECS - 5).to_string();
        let res = feed(&app, &ann, Some(&old)).await;
        assert_eq!((res.status, res.error_code()), (StatusCode::GONE, "CURSOR_EXPIRED"), "{}", res.body);
        assert_eq!(res.body["success"], false);
        let young = ChangeCursor::new(0, now - CURSOR_LIFETIME_SECS + 60).to_string();
        assert_eq!(feed(&app, &ann, Some(&young)).await.status, StatusCode::OK);
        let ahead = ChangeCursor::new(99, now).to_string();
        assert_eq!(feed(&app, &ann, Some(&ahead)).await.status, StatusCode::GONE, "a position never reached");
    }

    async fn malformed_cursors_are_a_422_on_since(app) {
        let (_, ann) = app.user("ann@example.com").await;
        let huge = "9".repeat(10_000);
        for raw in ["", "abc", "1", "1.", "-1.5", "01.5", "1.5.6", "%00", "1%2E5%00", "%E2%80%A8", huge.as_str()] {
            let res = feed(&app, &ann, Some(raw)).await;
            assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{raw:?}: {}", res.body);
            assert_eq!(res.error_code(), "VALIDATION_ERROR");
            assert!(res.body["error"]["details"]["since"].is_string(), "{}", res.body);
        }
        assert_eq!(app.call(Method::GET, "/api/tasks/changes", None, None).await.status, StatusCode::UNAUTHORIZED);
    }

    async fn a_long_feed_comes_in_pages(app) {
        let (_, ann) = app.user("ann@example.com").await;
        let start = cursor(&app, &ann).await;
        let (first, _) = create(&app, &ann, "first").await;
        // Edits of one task are one entry; the page limit counts entries.
        for n in 0..3 {
            app.call(Method::PUT, &format!("/api/tasks/{first}"), Some(json!({"title": format!("e{n}")})), Some(&ann)).await;
        }
        let page = CHANGES_PAGE_MAX as usize;
        for n in 0..page {
            create(&app, &ann, &format!("t{n}")).await;
        }
        let one = feed(&app, &ann, Some(&start)).await;
        assert_eq!((one.data()["changed"].as_array().map(Vec::len), one.data()["more"].clone()), (Some(page), json!(true)));
        assert_eq!(one.data()["changed"][0]["title"], "e2");
        let two = feed(&app, &ann, Some(one.data()["cursor"].as_str().unwrap())).await;
        assert_eq!((two.data()["changed"].as_array().map(Vec::len), two.data()["more"].clone()), (Some(1), json!(false)));
        assert_eq!(two.data()["changed"][0]["title"], format!("t{}", page - 1));
    }
}
