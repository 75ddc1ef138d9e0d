//! Without `SMTP_URL`, reset by email is off and nothing about a request reaches the
//! log; `SMTP_URL=log` is the explicit development choice that logs the link. On both
//! stores.

use axum::http::{Method, StatusCode};
use serde_json::json;
use testkit::logs::CapturedLogs;
use testkit::{Backend, TestApp, TestResponse};

async fn forgot(app: &TestApp, email: &str) -> TestResponse {
    app.call(Method::POST, "/api/auth/forgot-password", Some(json!({ "email": email })), None).await
}

/// The same app on `vars` instead.
async fn with_vars(app: &TestApp, vars: &[(&str, &str)]) -> TestApp {
    match app.backend {
        Backend::Sqlite => TestApp::sqlite(auth::router, vars).await,
        Backend::Postgres => TestApp::postgres(auth::router, vars).await.expect("Postgres"),
    }
}

testkit::store_tests! {
    router = auth::router;

    async fn without_smtp_url_reset_by_email_is_off_and_logs_nothing(app) {
        app.user("ann@example.com").await;
        let logs = CapturedLogs::start();
        let response = forgot(&app, "ann@example.com").await;
        assert_eq!((response.status, response.error_code()), (StatusCode::SERVICE_UNAVAILABLE, "MAIL_UNAVAILABLE"));
        assert_eq!(
            response.body["error"]["message"],
            "Password reset by email is not set up on this server."
        );
        // Give a job that would log time to.
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        let text = logs.text();
        for needle in ["ann@example.com", "reset-password", "token"] {
            assert!(!text.contains(needle), "{needle} in the log: {text}");
        }
        let count = app.store().user_by_email(&contract::domain::Email::parse("ann@example.com").unwrap()).await;
        assert!(count.unwrap().is_some());
    }

    async fn a_real_smtp_url_without_app_url_sends_no_localhost_link(app) {
        let app = with_vars(&app, &[("SMTP_URL", "smtp://127.0.0.1:1")]).await;
        let response = forgot(&app, "ann@example.com").await;
        assert_eq!((response.status, response.error_code()), (StatusCode::SERVICE_UNAVAILABLE, "MAIL_UNAVAILABLE"));
    }

    async fn smtp_url_log_writes_the_link_to_the_log(app) {
        let app = with_vars(&app, &[("SMTP_URL", "log")]).await;
        app.user("ann@example.com").await;
        let logs = CapturedLogs::start();
        assert_eq!(forgot(&app, "ann@example.com").await.status, StatusCode::ACCEPTED);
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
        while !logs.text().contains("/reset-password#token=") {
            assert!(std::time::Instant::now() < deadline, "no link in the log: {}", logs.text());
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        let text = logs.text();
        assert!(text.contains("WARN"), "{text}");
        assert!(text.contains("http://localhost:7860/reset-password#token="), "{text}");
    }
}
