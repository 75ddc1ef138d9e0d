//! Reset links that die when they should, and only then; mail that carries no text an
//! account holder chose; notices of a changed password or address; garbage tokens
//! that cost no bcrypt. On both stores, through a real SMTP server.

use std::time::{Duration, Instant};

use axum::http::{Method, StatusCode};
use serde_json::json;
use testkit::reset_flow::{APP_URL, NEW_PASSWORD, forgot, mail_vars, reset};
use testkit::smtp::{Mail, SmtpServer};
use testkit::{Backend, TEST_PASSWORD, TestApp, TestResponse};

async fn profile(app: &TestApp, token: &str, body: serde_json::Value) -> TestResponse {
    app.call(Method::PUT, "/api/auth/profile", Some(body), Some(token)).await
}

/// The reset link mailed for `email`, as the `count`-th message.
async fn link_for(app: &TestApp, smtp: &SmtpServer, email: &str, count: usize) -> String {
    assert_eq!(forgot(app, email).await.status, StatusCode::ACCEPTED);
    smtp.wait_for(count).await[count - 1].reset_token().expect("a reset link")
}

/// The messages sent to `address`.
fn to(smtp: &SmtpServer, address: &str) -> Vec<Mail> {
    smtp.messages().into_iter().filter(|m| m.header("To").is_some_and(|to| to.contains(address))).collect()
}

/// Waits for a message to `address` with this subject.
async fn notice(smtp: &SmtpServer, address: &str, subject: &str) -> Mail {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        if let Some(mail) = to(smtp, address).into_iter().find(|m| m.header("Subject") == Some(subject)) {
            return mail;
        }
        assert!(Instant::now() < deadline, "no {subject:?} mail to {address}: {:?}", smtp.messages());
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

testkit::mail_tests! {
    router = auth::router;
    vars = mail_vars;

    async fn a_newer_request_leaves_older_links_alive(app, smtp) {
        app.user("ann@example.com").await;
        let first = link_for(&app, &smtp, "ann@example.com", 1).await;
        let second = link_for(&app, &smtp, "ann@example.com", 2).await;
        assert_ne!(first, second);
        let response = reset(&app, &first, NEW_PASSWORD).await;
        assert_eq!(response.status, StatusCode::NO_CONTENT, "{:?}", response.body);
        // The completed reset ends the other link.
        assert_eq!(reset(&app, &second, "yet another secret").await.status, StatusCode::UNPROCESSABLE_ENTITY);
    }

    async fn a_password_change_ends_live_links(app, smtp) {
        let (_, token) = app.user("ann@example.com").await;
        let link = link_for(&app, &smtp, "ann@example.com", 1).await;
        let change = json!({"password": NEW_PASSWORD, "current_password": TEST_PASSWORD});
        assert_eq!(profile(&app, &token, change).await.status, StatusCode::OK);
        let response = reset(&app, &link, "an attacker's secret").await;
        assert_eq!(response.status, StatusCode::UNPROCESSABLE_ENTITY, "{:?}", response.body);
    }

    async fn an_email_change_ends_live_links(app, smtp) {
        let (_, token) = app.user("ann@example.com").await;
        let link = link_for(&app, &smtp, "ann@example.com", 1).await;
        let change = json!({"email": "ann.new@example.org", "current_password": TEST_PASSWORD});
        assert_eq!(profile(&app, &token, change).await.status, StatusCode::OK);
        let response = reset(&app, &link, "an attacker's secret").await;
        assert_eq!(response.status, StatusCode::UNPROCESSABLE_ENTITY, "{:?}", response.body);
    }

    async fn a_name_change_leaves_live_links_alone(app, smtp) {
        let (_, token) = app.user("ann@example.com").await;
        let link = link_for(&app, &smtp, "ann@example.com", 1).await;
        assert_eq!(profile(&app, &token, json!({"name": "Ann B."})).await.status, StatusCode::OK);
        assert_eq!(reset(&app, &link, NEW_PASSWORD).await.status, StatusCode::NO_CONTENT);
    }

    async fn the_token_travels_in_the_fragment(app, smtp) {
        app.user("ann@example.com").await;
        forgot(&app, "ann@example.com").await;
        let mail = smtp.wait_for(1).await.remove(0);
        let (text, html) = mail.parts();
        for part in [text, html] {
            assert!(part.contains(&format!("{APP_URL}/reset-password#token=")), "{part}");
            assert!(!part.contains("?token="), "{part}");
        }
    }

    async fn reset_mail_carries_no_text_the_account_holder_chose(app, smtp) {
        let name = "Account suspended, restore at https://evil.example";
        let body = json!({"name": name, "email": "ann@example.com", "password": TEST_PASSWORD});
        let signup = app.call(Method::POST, "/api/auth/signup", Some(body), None).await;
        assert_eq!(signup.status, StatusCode::CREATED, "{:?}", signup.body);
        forgot(&app, "ann@example.com").await;
        let mail = smtp.wait_for(1).await.remove(0);
        for needle in ["suspended", "evil.example", "restore"] {
            assert!(!mail.decoded.contains(needle), "{needle}: {}", mail.decoded);
        }
        assert!(mail.reset_token().is_some());
    }

    async fn a_password_change_sends_a_notice(app, smtp) {
        let (_, token) = app.user("ann@example.com").await;
        let change = json!({"password": NEW_PASSWORD, "current_password": TEST_PASSWORD});
        assert_eq!(profile(&app, &token, change).await.status, StatusCode::OK);
        let mail = notice(&smtp, "ann@example.com", "Your password was changed").await;
        let (text, html) = mail.parts();
        for part in [text, html] {
            assert!(part.contains("Your password was changed"), "{part}");
            assert!(part.contains("If this wasn't you"), "{part}");
            assert!(part.contains(&format!("{APP_URL}/forgot-password")), "{part}");
        }
    }

    async fn a_reset_sends_a_notice(app, smtp) {
        app.user("ann@example.com").await;
        let link = link_for(&app, &smtp, "ann@example.com", 1).await;
        assert_eq!(reset(&app, &link, NEW_PASSWORD).await.status, StatusCode::NO_CONTENT);
        let mail = notice(&smtp, "ann@example.com", "Your password was changed").await;
        assert!(mail.decoded.contains("If this wasn't you"), "{}", mail.decoded);
        assert!(mail.reset_token().is_none(), "a notice carries no reset link");
    }

    async fn an_email_change_notifies_the_old_address(app, smtp) {
        let (_, token) = app.user("ann@example.com").await;
        let change = json!({"email": "annabel.new@example.org", "current_password": TEST_PASSWORD});
        assert_eq!(profile(&app, &token, change).await.status, StatusCode::OK);
        let mail = notice(&smtp, "ann@example.com", "Your email address was changed").await;
        let (text, html) = mail.parts();
        for part in [text, html] {
            assert!(part.contains("annab******@example.org"), "half-masked: {part}");
            assert!(!part.contains("annabel"), "{part}");
            assert!(part.contains("If this wasn't you"), "{part}");
        }
        assert!(to(&smtp, "annabel.new@example.org").is_empty(), "the notice goes to the old address only");
    }

    async fn a_name_change_sends_no_notice(app, smtp) {
        let (_, token) = app.user("ann@example.com").await;
        assert_eq!(profile(&app, &token, json!({"name": "Ann B."})).await.status, StatusCode::OK);
        // A password change afterwards: its notice is then the only message.
        let change = json!({"password": NEW_PASSWORD, "current_password": TEST_PASSWORD});
        assert_eq!(profile(&app, &token, change).await.status, StatusCode::OK);
        notice(&smtp, "ann@example.com", "Your password was changed").await;
        tokio::time::sleep(Duration::from_millis(500)).await;
        assert_eq!(smtp.messages().len(), 1, "{:?}", smtp.messages());
    }

    async fn a_garbage_token_costs_no_hash(app, smtp) {
        let _ = &smtp;
        let before = app.state.passwords.hashes_started();
        let response = reset(&app, "garbage-token-garbage-token-garbage-token-x", NEW_PASSWORD).await;
        assert_eq!((response.status, response.error_code()), (StatusCode::UNPROCESSABLE_ENTITY, "VALIDATION_ERROR"));
        assert!(response.body["error"]["details"]["token"].is_string(), "{:?}", response.body);
        assert_eq!(app.state.passwords.hashes_started(), before, "no hash for an unknown token");
    }

    async fn a_live_token_still_costs_one_hash(app, smtp) {
        app.user("ann@example.com").await;
        let link = link_for(&app, &smtp, "ann@example.com", 1).await;
        let before = app.state.passwords.hashes_started();
        assert_eq!(reset(&app, &link, NEW_PASSWORD).await.status, StatusCode::NO_CONTENT);
        assert_eq!(app.state.passwords.hashes_started(), before + 1);
    }
}

testkit::store_tests! {
    router = auth::router;

    async fn notices_are_sent_off_the_request_path(app) {
        // An SMTP server that accepts connections and never says a word.
        let silent = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("smtp://{}", silent.local_addr().unwrap());
        let app = match app.backend {
            Backend::Sqlite => TestApp::sqlite(auth::router, &mail_vars(&url)).await,
            Backend::Postgres => TestApp::postgres(auth::router, &mail_vars(&url)).await.unwrap(),
        };
        let (_, token) = app.user("ann@example.com").await;
        let started = Instant::now();
        let change = json!({"password": NEW_PASSWORD, "current_password": TEST_PASSWORD});
        assert_eq!(profile(&app, &token, change).await.status, StatusCode::OK);
        let change = json!({"email": "ann.new@example.org", "current_password": NEW_PASSWORD});
        assert_eq!(profile(&app, &token, change).await.status, StatusCode::OK);
        assert!(started.elapsed() < Duration::from_millis(1500), "{:?}", started.elapsed());
    }
}
