//! Password reset through the auth function's Lambda entry, with the configuration
//! read as Lambda reads it, and mail through a real SMTP server.

use std::time::{Duration, Instant};

use serde_json::{Value, json};
use testkit::smtp::SmtpServer;
use testkit::{TestApp, body_json, v1_event, v2_event};

const JSON: (&str, &str) = ("content-type", "application/json");

async fn forgot(app: &TestApp, email: &str) -> (Value, Duration) {
    let body = json!({ "email": email }).to_string();
    let started = Instant::now();
    let response = app.invoke(v2_event("POST", "/api/auth/forgot-password", &[JSON], Some(&body))).await;
    (response, started.elapsed())
}

#[tokio::test]
async fn forgot_and_reset_through_the_lambda_entry() {
    let Some(smtp) = SmtpServer::start() else { return };
    let url = smtp.url();
    let vars = [
        ("SMTP_URL", url.as_str()),
        ("APP_URL", "https://tasks.example/"),
        ("MAIL_FROM", "no-reply@tasks.example"),
    ];
    let app = TestApp::sqlite_lambda(auth::router, &vars).await;
    let (_, old_token) = app.user("ann@example.com").await;

    let (known, known_took) = forgot(&app, "ann@example.com").await;
    assert_eq!(known["statusCode"], 202, "{known}");
    // Lambda may freeze work left after the answer, so the answer waits for the mail,
    // and takes the same time whether or not the account exists.
    let mail = smtp.messages();
    assert_eq!(mail.len(), 1, "sent before the answer");
    let (unknown, unknown_took) = forgot(&app, "nobody@example.com").await;
    assert_eq!(unknown["statusCode"], 202);
    assert_eq!(body_json(&known), body_json(&unknown));
    for took in [known_took, unknown_took] {
        assert!((Duration::from_secs(2)..Duration::from_millis(2600)).contains(&took), "{took:?}");
    }
    assert_eq!(smtp.messages().len(), 1);

    let link = mail[0].reset_link().unwrap();
    assert!(link.starts_with("https://tasks.example/reset-password#token="), "{link}");
    let token = mail[0].reset_token().unwrap();
    let body = json!({ "token": token, "password": "a brand new secret" }).to_string();
    let event =
        v1_event("POST", "/api/auth/reset-password", &[("Content-Type", "application/json")], Some(&body));
    let response = app.invoke(event).await;
    assert_eq!(response["statusCode"], 204, "{response}");
    let again = app.invoke(v2_event("POST", "/api/auth/reset-password", &[JSON], Some(&body))).await;
    assert_eq!(again["statusCode"], 422);
    assert!(body_json(&again)["error"]["details"]["token"].is_string());

    let auth = format!("Bearer {old_token}");
    let me = app.invoke(v2_event("GET", "/api/auth/me", &[("authorization", &auth)], None)).await;
    assert_eq!(me["statusCode"], 401, "the reset revoked every session");
    let signin = json!({"email": "ann@example.com", "password": "a brand new secret"}).to_string();
    let response = app.invoke(v2_event("POST", "/api/auth/signin", &[JSON], Some(&signin))).await;
    assert_eq!(response["statusCode"], 200);
}

#[tokio::test]
async fn lambda_without_mail_settings_answers_503() {
    for vars in [
        vec![("APP_URL", "https://tasks.example"), ("MAIL_FROM", "no-reply@tasks.example")],
        vec![("SMTP_URL", "smtp://127.0.0.1:1"), ("MAIL_FROM", "no-reply@tasks.example")],
        vec![("SMTP_URL", "smtp://127.0.0.1:1"), ("APP_URL", "https://tasks.example")],
    ] {
        let app = TestApp::sqlite_lambda(auth::router, &vars).await;
        let (response, _) = forgot(&app, "ann@example.com").await;
        assert_eq!(response["statusCode"], 503, "{vars:?}: {response}");
        let body = body_json(&response);
        assert_eq!(body["success"], false);
        assert_eq!(body["error"]["code"], "MAIL_UNAVAILABLE");
        // The rest of the function works.
        let signup =
            json!({"email": "ann@example.com", "name": "Ann", "password": "correct horse"}).to_string();
        let response = app.invoke(v2_event("POST", "/api/auth/signup", &[JSON], Some(&signup))).await;
        assert_eq!(response["statusCode"], 201);
    }
}
