//! The per-user limit across `/api/tasks*`.

use axum::http::{Method, StatusCode};
use serde_json::json;
use testkit::TestApp;

#[tokio::test]
async fn each_user_has_their_own_budget_across_all_task_routes() {
    let limits = &[("TASKS_RATE_LIMIT_PER_MINUTE", "6")];
    let mut apps = vec![TestApp::sqlite(tasks::router, limits).await];
    apps.extend(TestApp::postgres(tasks::router, limits).await);
    for app in apps {
        let (_, ann) = app.user("ann@example.com").await;
        let (_, bob) = app.user("bob@example.com").await;
        let created = app.call(Method::POST, "/api/tasks", Some(json!({"title": "t"})), Some(&ann)).await;
        let path = format!("/api/tasks/{}", created.data()["id"]);
        for (method, path) in [
            (Method::GET, "/api/tasks".to_owned()),
            (Method::GET, path.clone()),
            (Method::PUT, path.clone()),
            (Method::PATCH, format!("{path}/complete")),
            (Method::GET, "/api/tasks/999999".to_owned()),
        ] {
            let res = app.call(method, &path, Some(json!({})), Some(&ann)).await;
            assert_ne!(res.status, StatusCode::TOO_MANY_REQUESTS);
            assert_eq!(res.headers["x-ratelimit-limit"], "6");
        }
        let refused = app.call(Method::DELETE, &path, None, Some(&ann)).await;
        assert_eq!(refused.status, StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(refused.error_code(), "RATE_LIMITED");
        assert!(refused.headers.contains_key("retry-after"));
        assert_eq!(refused.headers["x-ratelimit-remaining"], "0");
        assert_eq!(
            app.call(Method::GET, &path, None, Some(&ann)).await.status,
            StatusCode::TOO_MANY_REQUESTS
        );

        let other = app.call(Method::GET, "/api/tasks", None, Some(&bob)).await;
        assert_eq!(other.status, StatusCode::OK, "another user is still served");
        assert_eq!(other.headers["x-ratelimit-remaining"], "5");
    }
}
