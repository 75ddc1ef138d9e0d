//! The password-reset calls and the mail settings the reset tests share.

use axum::http::Method;
use serde_json::json;

use crate::{TestApp, TestResponse};

/// Where the tests' reset links point.
pub const APP_URL: &str = "https://tasks.example";
/// The password a reset sets.
pub const NEW_PASSWORD: &str = "a brand new secret";

/// The settings that turn reset by email on, through `smtp_url`.
pub fn mail_vars(smtp_url: &str) -> [(&'static str, &str); 3] {
    [("SMTP_URL", smtp_url), ("APP_URL", APP_URL), ("MAIL_FROM", "Tasks <no-reply@tasks.example>")]
}

pub async fn forgot(app: &TestApp, email: &str) -> TestResponse {
    app.call(Method::POST, "/api/auth/forgot-password", Some(json!({ "email": email })), None).await
}

pub async fn reset(app: &TestApp, token: &str, password: &str) -> TestResponse {
    let body = json!({ "token": token, "password": password });
    app.call(Method::POST, "/api/auth/reset-password", Some(body), None).await
}
