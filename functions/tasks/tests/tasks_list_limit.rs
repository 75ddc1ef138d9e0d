//! The list counts its rate-limit hit in its own statement: the same limit as every
//! other route, one round trip on Postgres.

use axum::http::{Method, StatusCode};
use backend::auth::{SessionDevice, start_session};
use contract::domain::Email;
use testkit::{TestApp, store_tests};

const LIMIT: &[(&str, &str)] = &[("TASKS_RATE_LIMIT_PER_MINUTE", "3")];

store_tests! {
    router = tasks::router;
    vars = LIMIT;

    async fn the_list_spends_the_same_budget_and_is_refused_past_it(app) {
        let (_, token) = app.user("ann@example.com").await;
        let listed = app.call(Method::GET, "/api/tasks", None, Some(&token)).await;
        assert_eq!(listed.status, StatusCode::OK);
        assert_eq!(listed.headers["x-ratelimit-limit"], "3");
        assert_eq!(listed.headers["x-ratelimit-remaining"], "2");
        // Refused by the handler before its statement: counted after it, all the same.
        let bad = app.call(Method::GET, "/api/tasks?limit=0", None, Some(&token)).await;
        assert_eq!((bad.status, bad.error_code()), (StatusCode::UNPROCESSABLE_ENTITY, "VALIDATION_ERROR"));
        assert_eq!(bad.headers["x-ratelimit-remaining"], "1");
        let created = app.call(Method::POST, "/api/tasks", Some(serde_json::json!({"title": "t"})), Some(&token)).await;
        assert_eq!(created.status, StatusCode::CREATED);
        assert_eq!(created.headers["x-ratelimit-remaining"], "0");

        let refused = app.call(Method::GET, "/api/tasks", None, Some(&token)).await;
        assert_eq!((refused.status, refused.error_code()), (StatusCode::TOO_MANY_REQUESTS, "RATE_LIMITED"));
        assert!(refused.headers.contains_key("retry-after"));
        assert_eq!(refused.headers["x-ratelimit-remaining"], "0");
        assert!(refused.body["data"].is_null(), "no page in a refusal: {:?}", refused.body);
        let bad = app.call(Method::GET, "/api/tasks?page=abc", None, Some(&token)).await;
        assert_eq!(bad.status, StatusCode::TOO_MANY_REQUESTS, "refused before its input is judged, as elsewhere");
    }

    async fn a_refused_list_does_not_record_the_session_as_seen(app) {
        let (_, first) = app.user("ann@example.com").await;
        for _ in 0..3 {
            assert_eq!(app.call(Method::GET, "/api/tasks", None, Some(&first)).await.status, StatusCode::OK);
        }
        let email = Email::parse("ann@example.com").expect("valid");
        let record = app.store().user_by_email(&email).await.expect("read").expect("user");
        let second = start_session(&app.state, &record, &SessionDevice::default()).await.expect("session");
        let refused = app.call(Method::GET, "/api/tasks", None, Some(&second.token)).await;
        assert_eq!(refused.status, StatusCode::TOO_MANY_REQUESTS);
        let sessions = app.store().list_sessions(record.id).await.expect("sessions");
        let session = sessions.iter().find(|s| s.id == second.session_id).expect("the second session");
        assert_eq!(session.last_seen_at, session.created_at, "a refused request changes nothing");
    }
}

/// On Postgres, counted on the wire: a list whose session the server has cached sends
/// one statement, the rate-limit hit and the page together.
#[tokio::test]
async fn a_cached_list_is_one_statement() {
    let Some((app, counter)) = TestApp::postgres_counted(tasks::router, &[]).await else { return };
    let (_, token) = app.user("ann@example.com").await;
    for title in ["one", "two"] {
        let body = serde_json::json!({ "title": title });
        assert_eq!(
            app.call(Method::POST, "/api/tasks", Some(body), Some(&token)).await.status,
            StatusCode::CREATED
        );
    }
    let before = counter.count();
    for path in ["/api/tasks", "/api/tasks?page=2&limit=1", "/api/tasks?page=9"] {
        let listed = app.call(Method::GET, path, None, Some(&token)).await;
        assert_eq!(listed.status, StatusCode::OK);
        assert_eq!(listed.body["pagination"]["total"], 2, "{path}");
    }
    assert_eq!(counter.count() - before, 3, "one statement per list, a page past the end too");
}
