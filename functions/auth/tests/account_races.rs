//! The profile and deletion race: a request that verified the password against a hash
//! read earlier (from the session cache) must not write once that hash, or the
//! session, is gone. Reproduced deterministically by committing a reset, or a
//! revocation, through the store behind the app's back, as another instance would
//! between this one's check and its write. On both stores.

use axum::http::{Method, StatusCode};
use backend::auth::hash_reset_token;
use chrono::Utc;
use contract::domain::{Email, Password, UserName};
use serde_json::json;
use store::{NewPasswordReset, StillVerified, UserChange};
use testkit::{TEST_PASSWORD, TestApp, TestResponse};
use uuid::Uuid;

const RESET_PASSWORD: &str = "the owner's new secret";

async fn me(app: &TestApp, token: &str) -> StatusCode {
    app.call(Method::GET, "/api/auth/me", None, Some(token)).await.status
}

async fn signin(app: &TestApp, email: &str, password: &str) -> StatusCode {
    let body = json!({ "email": email, "password": password });
    app.call(Method::POST, "/api/auth/signin", Some(body), None).await.status
}

async fn this_session(app: &TestApp, token: &str) -> Uuid {
    let response = app.call(Method::GET, "/api/auth/sessions", None, Some(token)).await;
    let id = response.data()[0]["id"].as_str().expect("a session id");
    id.parse().expect("a UUID")
}

/// A reset completed by another instance: this one's session cache still holds the
/// user with the old hash, and the session as live.
async fn reset_elsewhere(app: &TestApp, user_id: Uuid) -> String {
    let token_hash = hash_reset_token(&format!("token-{user_id}"));
    let now = Utc::now();
    let reset = NewPasswordReset {
        token_hash: &token_hash,
        user_id,
        expires_at: now + chrono::Duration::minutes(30),
        cap_since: now - chrono::Duration::hours(1),
        cap: 3,
    };
    assert!(app.store().insert_password_reset(&reset).await.expect("a reset link"));
    let password = Password::parse(RESET_PASSWORD).expect("a valid password");
    let hash = app.state.passwords.hash(&password).await.expect("a hash");
    let user = app.store().reset_password(&token_hash, &hash).await.expect("a reset");
    assert_eq!(user.map(|u| u.id), Some(user_id));
    hash
}

fn assert_refused(response: &TestResponse) {
    assert_eq!(
        (response.status, response.error_code()),
        (StatusCode::UNAUTHORIZED, "INVALID_CREDENTIALS"),
        "{:?}",
        response.body
    );
}

testkit::store_tests! {
    router = auth::router;

    async fn a_password_change_in_flight_does_not_overwrite_a_reset(app) {
        let (user, token) = app.user("ann@example.com").await;
        assert_eq!(me(&app, &token).await, StatusCode::OK, "the session is cached with the old hash");
        reset_elsewhere(&app, user.id).await;
        let change = json!({"password": "the attacker's secret", "current_password": TEST_PASSWORD});
        let response = app.call(Method::PUT, "/api/auth/profile", Some(change), Some(&token)).await;
        assert_refused(&response);
        assert_eq!(signin(&app, "ann@example.com", RESET_PASSWORD).await, StatusCode::OK, "the reset stands");
        assert_eq!(signin(&app, "ann@example.com", "the attacker's secret").await, StatusCode::UNAUTHORIZED);
    }

    async fn an_email_change_in_flight_does_not_overwrite_a_reset(app) {
        let (user, token) = app.user("ann@example.com").await;
        assert_eq!(me(&app, &token).await, StatusCode::OK);
        reset_elsewhere(&app, user.id).await;
        let change = json!({"email": "mallory@example.com", "current_password": TEST_PASSWORD});
        let response = app.call(Method::PUT, "/api/auth/profile", Some(change), Some(&token)).await;
        assert_refused(&response);
        let stored = app.store().user_by_email(&Email::parse("ann@example.com").unwrap()).await.unwrap();
        assert!(stored.is_some(), "the address is unchanged");
    }

    async fn a_deletion_in_flight_does_not_outlive_a_reset(app) {
        let (user, token) = app.user("ann@example.com").await;
        assert_eq!(me(&app, &token).await, StatusCode::OK);
        reset_elsewhere(&app, user.id).await;
        let body = json!({"current_password": TEST_PASSWORD});
        let response = app.call(Method::DELETE, "/api/auth/account", Some(body), Some(&token)).await;
        assert_refused(&response);
        assert_eq!(signin(&app, "ann@example.com", RESET_PASSWORD).await, StatusCode::OK, "the account stays");
    }

    async fn a_revoked_session_cannot_change_the_profile(app) {
        let (_, token) = app.user("ann@example.com").await;
        let session = this_session(&app, &token).await;
        assert_eq!(me(&app, &token).await, StatusCode::OK, "cached as live");
        // Signed out through another instance.
        app.store().delete_session(session).await.unwrap();
        let response = app.call(Method::PUT, "/api/auth/profile", Some(json!({"name": "Mallory"})), Some(&token)).await;
        assert_refused(&response);
        let stored = app.store().user_by_email(&Email::parse("ann@example.com").unwrap()).await.unwrap().unwrap();
        assert_eq!(stored.name, "Test User");
        // The stale entry is gone from the cache: the session is now plainly unknown.
        assert_eq!(me(&app, &token).await, StatusCode::UNAUTHORIZED);
    }

    async fn a_revoked_session_cannot_delete_the_account(app) {
        let (_, token) = app.user("ann@example.com").await;
        let session = this_session(&app, &token).await;
        assert_eq!(me(&app, &token).await, StatusCode::OK, "cached as live");
        app.store().delete_session(session).await.unwrap();
        let body = json!({"current_password": TEST_PASSWORD});
        let response = app.call(Method::DELETE, "/api/auth/account", Some(body), Some(&token)).await;
        assert_refused(&response);
        assert_eq!(signin(&app, "ann@example.com", TEST_PASSWORD).await, StatusCode::OK, "the account stays");
    }

    async fn the_store_writes_a_profile_change_only_while_the_check_holds(app) {
        let (user, token) = app.user("ann@example.com").await;
        let session_id = this_session(&app, &token).await;
        let stale = app.store().user_by_email(&Email::parse("ann@example.com").unwrap()).await.unwrap().unwrap();
        let fresh_hash = reset_elsewhere(&app, user.id).await;
        let name = UserName::parse("Mallory").unwrap();
        let change = UserChange { name: Some(&name), password_hash: Some("x"), ..UserChange::default() };
        let with_stale_hash = StillVerified { session_id, password_hash: Some(&stale.password_hash) };
        assert!(app.store().update_user(user.id, with_stale_hash, change).await.unwrap().is_none());
        // The reset revoked the session too: even the fresh hash is refused.
        let with_fresh_hash = StillVerified { session_id, password_hash: Some(&fresh_hash) };
        assert!(app.store().update_user(user.id, with_fresh_hash, change).await.unwrap().is_none());
        let stored = app.store().user_by_email(&Email::parse("ann@example.com").unwrap()).await.unwrap().unwrap();
        assert_eq!((stored.name.as_str(), stored.password_hash.as_str()), ("Test User", fresh_hash.as_str()));

        // A live session and the stored hash: written.
        let body = json!({"email": "ann@example.com", "password": RESET_PASSWORD});
        let signed_in = app.call(Method::POST, "/api/auth/signin", Some(body), None).await;
        let live = this_session(&app, signed_in.data()["token"].as_str().unwrap()).await;
        let verified = StillVerified { session_id: live, password_hash: Some(&fresh_hash) };
        let change = UserChange { name: Some(&name), ..UserChange::default() };
        let written = app.store().update_user(user.id, verified, change).await.unwrap().expect("written");
        assert_eq!(written.name, "Mallory");
    }

    async fn the_store_deletes_an_account_only_while_the_check_holds(app) {
        let (user, token) = app.user("ann@example.com").await;
        let session_id = this_session(&app, &token).await;
        let stale = app.store().user_by_email(&Email::parse("ann@example.com").unwrap()).await.unwrap().unwrap();
        reset_elsewhere(&app, user.id).await;
        let verified = StillVerified { session_id, password_hash: Some(&stale.password_hash) };
        assert!(!app.store().delete_user(user.id, verified).await.unwrap());
        assert!(app.store().user_by_email(&Email::parse("ann@example.com").unwrap()).await.unwrap().is_some());
    }
}
