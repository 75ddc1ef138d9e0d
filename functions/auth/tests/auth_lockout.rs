//! Lockouts a stranger cannot hold: a completed reset clears the account's failed-password
//! count, and a browser that signed in before keeps its own counter through a device
//! cookie, so strangers locking the account do not lock its owner out.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use backend::auth::hash_reset_token;
use chrono::Utc;
use serde_json::json;
use store::NewPasswordReset;
use testkit::{TEST_PASSWORD, TestApp, TestResponse, store_tests};

const DEVICE_COOKIE: &str = "device";
/// The default of `FAILED_PASSWORD_LIMIT`.
const MAX_FAILED_CHECKS: usize = 10;
const NEW_PASSWORD: &str = "a brand new secret";
const ANN: &str = "ann@example.com";

/// A signin, presenting `device` as the device cookie when given.
async fn signin(app: &TestApp, email: &str, password: &str, device: Option<&str>) -> TestResponse {
    let body = json!({ "email": email, "password": password }).to_string();
    let mut request = Request::post("/api/auth/signin").header(header::CONTENT_TYPE, "application/json");
    if let Some(device) = device {
        request = request.header(header::COOKIE, format!("theme=dark; {DEVICE_COOKIE}={device}"));
    }
    app.send(request.body(Body::from(body)).expect("request")).await
}

fn set_cookies(response: &TestResponse) -> Vec<&str> {
    response.headers.get_all(header::SET_COOKIE).iter().map(|v| v.to_str().expect("ascii")).collect()
}

/// The `Set-Cookie` line of the device cookie, if the answer has one.
fn device_line(response: &TestResponse) -> Option<&str> {
    set_cookies(response).into_iter().find(|c| c.starts_with(&format!("{DEVICE_COOKIE}=")))
}

/// The device cookie's value, if the answer set one.
fn device_cookie(response: &TestResponse) -> Option<String> {
    let line = device_line(response)?;
    let (pair, _) = line.split_once(';').unwrap_or((line, ""));
    pair.split_once('=').map(|(_, value)| value.to_owned()).filter(|v| !v.is_empty())
}

/// The owner signs in with the right password, and keeps the device cookie it got.
async fn owner_device(app: &TestApp, email: &str) -> Option<String> {
    let response = signin(app, email, TEST_PASSWORD, None).await;
    assert_eq!(response.status, StatusCode::OK, "{:?}", response.body);
    device_cookie(&response)
}

/// Strangers, without a device cookie, guess until the account is locked.
async fn lock(app: &TestApp, email: &str, password: &str) {
    for n in 0..MAX_FAILED_CHECKS {
        let guess = signin(app, email, "wrong horse", None).await;
        assert_eq!(guess.status, StatusCode::UNAUTHORIZED, "stranger's guess {n}");
    }
    let locked = signin(app, email, password, None).await;
    assert_eq!(locked.status, StatusCode::TOO_MANY_REQUESTS, "strangers locked the account");
}

/// A live reset link for `user_id`, as a forgot-password request would record it.
async fn reset_link(app: &TestApp, user_id: uuid::Uuid) -> String {
    let token = format!("reset-token-{}", uuid::Uuid::new_v4().simple());
    let now = Utc::now();
    let link = NewPasswordReset {
        token_hash: &hash_reset_token(&token),
        user_id,
        expires_at: now + chrono::Duration::minutes(30),
        cap_since: now - chrono::Duration::hours(1),
        cap: 3,
    };
    assert!(app.store().insert_password_reset(&link).await.expect("insert a reset link"));
    token
}

store_tests! {
    router = auth::router;

    async fn a_strangers_lockout_does_not_shut_out_the_owners_device(app) {
        app.user(ANN).await;
        let device = owner_device(&app, ANN).await;
        lock(&app, ANN, TEST_PASSWORD).await;

        let owner = signin(&app, ANN, TEST_PASSWORD, device.as_deref()).await;
        assert_eq!(owner.status, StatusCode::OK, "the owner's device signs in: {:?}", owner.body);
        assert!(owner.data()["token"].is_string());

        let stranger = signin(&app, ANN, TEST_PASSWORD, None).await;
        assert_eq!(stranger.status, StatusCode::TOO_MANY_REQUESTS, "without the cookie the lock holds");
        let wrong = signin(&app, ANN, "wrong horse", device.as_deref()).await;
        assert_eq!(wrong.status, StatusCode::UNAUTHORIZED, "the device's guess is compared, on its own count");
    }

    async fn signin_sets_a_long_lived_http_only_device_cookie(app) {
        app.user(ANN).await;
        let response = signin(&app, ANN, TEST_PASSWORD, None).await;
        assert_eq!(response.status, StatusCode::OK);
        let line = device_line(&response).expect("a device cookie");
        let attributes: Vec<&str> = line.split("; ").skip(1).collect();
        for expected in ["HttpOnly", "SameSite=Lax", "Path=/api/auth/signin", "Max-Age=31536000", "Secure"] {
            assert!(attributes.contains(&expected), "{expected} in {line}");
        }
        assert_eq!(attributes.len(), 5, "{line}");
        assert!(device_cookie(&response).is_some_and(|value| value.len() > 40), "{line}");
        assert_eq!(set_cookies(&response).len(), 3, "the session, the hint and the device");

        let wrong = signin(&app, ANN, "wrong horse", None).await;
        assert!(set_cookies(&wrong).is_empty(), "a failed signin sets nothing");
        let signup = json!({"email": "bob@example.com", "name": "Bob", "password": TEST_PASSWORD});
        let signup = app.call(Method::POST, "/api/auth/signup", Some(signup), None).await;
        assert_eq!(set_cookies(&signup).len(), 2, "signup sets the session and the hint only");
    }

    async fn a_device_that_runs_out_is_treated_as_a_stranger(app) {
        app.user(ANN).await;
        let spent = owner_device(&app, ANN).await;
        let other = owner_device(&app, ANN).await;
        lock(&app, ANN, TEST_PASSWORD).await;

        for n in 0..MAX_FAILED_CHECKS {
            let guess = signin(&app, ANN, "wrong horse", spent.as_deref()).await;
            assert_eq!(guess.status, StatusCode::UNAUTHORIZED, "the device's guess {n}: {:?}", guess.body);
        }
        let refused = signin(&app, ANN, TEST_PASSWORD, spent.as_deref()).await;
        assert_eq!(refused.status, StatusCode::TOO_MANY_REQUESTS, "a spent device meets the account's lock");
        assert!(refused.headers.contains_key("retry-after"));
        let fine = signin(&app, ANN, TEST_PASSWORD, other.as_deref()).await;
        assert_eq!(fine.status, StatusCode::OK, "another device keeps its own count");
        assert_ne!(spent, other, "each signin without a cookie is a new device");
    }

    async fn concurrent_guesses_from_a_device_cannot_slip_past_its_limit(app) {
        app.user(ANN).await;
        let device = owner_device(&app, ANN).await.expect("a device cookie");
        lock(&app, ANN, TEST_PASSWORD).await;
        let app = std::sync::Arc::new(app);
        let guesses: Vec<_> = (0..30)
            .map(|n| {
                let (app, device) = (app.clone(), device.clone());
                tokio::spawn(async move {
                    signin(&app, ANN, &format!("wrong horse {n}"), Some(&device)).await.status.as_u16()
                })
            })
            .collect();
        let mut compared = 0;
        for guess in guesses {
            match guess.await.expect("task") {
                401 => compared += 1,
                429 => {}
                other => panic!("unexpected status {other}"),
            }
        }
        assert_eq!(compared, MAX_FAILED_CHECKS, "exactly the device's own allowance was compared");
    }

    async fn a_spent_device_falls_back_to_the_accounts_count(app) {
        app.user(ANN).await;
        let device = owner_device(&app, ANN).await;
        for n in 0..MAX_FAILED_CHECKS {
            let guess = signin(&app, ANN, "wrong horse", device.as_deref()).await;
            assert_eq!(guess.status, StatusCode::UNAUTHORIZED, "the device's guess {n}");
        }
        let stranger = signin(&app, ANN, TEST_PASSWORD, None).await;
        assert_eq!(stranger.status, StatusCode::OK, "the device's failures were its own: {:?}", stranger.body);
        for n in 0..MAX_FAILED_CHECKS {
            let guess = signin(&app, ANN, "wrong horse", device.as_deref()).await;
            assert_eq!(guess.status, StatusCode::UNAUTHORIZED, "the spent device's guess {n}");
        }
        let locked = signin(&app, ANN, TEST_PASSWORD, None).await;
        assert_eq!(locked.status, StatusCode::TOO_MANY_REQUESTS, "a spent device's guesses count on the account");
    }

    async fn a_completed_reset_clears_the_count_and_ends_the_devices(app) {
        let (user, _) = app.user(ANN).await;
        let device = owner_device(&app, ANN).await;
        lock(&app, ANN, TEST_PASSWORD).await;

        let token = reset_link(&app, user.id).await;
        let body = json!({ "token": token, "password": NEW_PASSWORD });
        let reset = app.call(Method::POST, "/api/auth/reset-password", Some(body), None).await;
        assert_eq!(reset.status, StatusCode::NO_CONTENT, "{:?}", reset.body);

        let after = signin(&app, ANN, NEW_PASSWORD, None).await;
        assert_eq!(after.status, StatusCode::OK, "a completed reset clears the count: {:?}", after.body);
        let fresh = device_cookie(&after);

        lock(&app, ANN, NEW_PASSWORD).await;
        let old = signin(&app, ANN, NEW_PASSWORD, device.as_deref()).await;
        assert_eq!(old.status, StatusCode::TOO_MANY_REQUESTS, "a device from before the reset is a stranger");
        let new = signin(&app, ANN, NEW_PASSWORD, fresh.as_deref()).await;
        assert_eq!(new.status, StatusCode::OK, "a device from after it counts");
    }

    async fn forged_foreign_and_near_miss_cookies_are_strangers(app) {
        let (_, ann_session) = app.user(ANN).await;
        app.user("bob@example.com").await;
        let ann_device = owner_device(&app, ANN).await;
        let bob_device = owner_device(&app, "bob@example.com").await;
        lock(&app, ANN, TEST_PASSWORD).await;
        let own = signin(&app, ANN, TEST_PASSWORD, ann_device.as_deref()).await;
        assert_eq!(own.status, StatusCode::OK, "the real cookie works: {:?}", own.body);

        let (ann_device, bob_device) = (ann_device.expect("ann's device"), bob_device.expect("bob's device"));
        let ann: Vec<&str> = ann_device.split('.').collect();
        let bob: Vec<&str> = bob_device.split('.').collect();
        assert_eq!((ann.len(), bob.len()), (3, 3), "a signed token: {ann_device}");
        let mut flipped = ann_device.clone();
        let last = flipped.pop().expect("a character");
        flipped.push(if last == 'A' { 'B' } else { 'A' });
        let cases = [
            ("another account's cookie", bob_device.clone()),
            ("another account's claims under this signature", format!("{}.{}.{}", ann[0], bob[1], ann[2])),
            ("another cookie's signature", format!("{}.{}.{}", ann[0], ann[1], bob[2])),
            ("a flipped signature", flipped),
            ("a cut-off signature", ann_device[..ann_device.len() - 3].to_owned()),
            ("no signature", format!("{}.{}.", ann[0], ann[1])),
            // {"alg":"none","typ":"JWT"}
            ("alg none", format!("eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.{}.", ann[1])),
            ("the session token", ann_session.clone()),
            ("garbage", "not-a-device".to_owned()),
        ];
        for (case, cookie) in cases {
            let response = signin(&app, ANN, TEST_PASSWORD, Some(&cookie)).await;
            assert_eq!(response.status, StatusCode::TOO_MANY_REQUESTS, "{case}: {:?}", response.body);
        }
    }

    async fn the_device_cookie_survives_signout(app) {
        app.user(ANN).await;
        let first = signin(&app, ANN, TEST_PASSWORD, None).await;
        let token = first.data()["token"].as_str().expect("token").to_owned();
        let device = device_cookie(&first);
        let out = app.call(Method::POST, "/api/auth/signout", None, Some(&token)).await;
        assert_eq!(out.status, StatusCode::NO_CONTENT);
        assert!(device_line(&out).is_none(), "signout leaves the device cookie alone: {:?}", set_cookies(&out));

        lock(&app, ANN, TEST_PASSWORD).await;
        let back = signin(&app, ANN, TEST_PASSWORD, device.as_deref()).await;
        assert_eq!(back.status, StatusCode::OK, "signed out, the device is still known: {:?}", back.body);
    }

    async fn deleting_the_account_ends_its_devices(app) {
        app.user(ANN).await;
        let first = signin(&app, ANN, TEST_PASSWORD, None).await;
        let token = first.data()["token"].as_str().expect("token").to_owned();
        let device = device_cookie(&first);
        let body = json!({ "current_password": TEST_PASSWORD });
        let deleted = app.call(Method::DELETE, "/api/auth/account", Some(body), Some(&token)).await;
        assert_eq!(deleted.status, StatusCode::NO_CONTENT, "{:?}", deleted.body);
        let cleared = device_line(&deleted).expect("the deletion clears the device cookie");
        assert!(cleared.starts_with("device=;") && cleared.contains("Max-Age=0"), "{cleared}");
        assert!(cleared.contains("Path=/api/auth/signin"), "the same path clears it: {cleared}");

        app.user(ANN).await;
        lock(&app, ANN, TEST_PASSWORD).await;
        let old = signin(&app, ANN, TEST_PASSWORD, device.as_deref()).await;
        assert_eq!(old.status, StatusCode::TOO_MANY_REQUESTS, "a cookie of a deleted account is a stranger's");
    }
}

const PLAIN_COOKIES: &[(&str, &str)] = &[("COOKIE_SECURE", "false")];

store_tests! {
    router = auth::router;
    vars = PLAIN_COOKIES;

    async fn the_device_cookie_is_secure_exactly_when_the_session_cookie_is(app) {
        app.user(ANN).await;
        let response = signin(&app, ANN, TEST_PASSWORD, None).await;
        let line = device_line(&response).expect("a device cookie");
        assert!(!line.contains("Secure"), "{line}");
        assert!(set_cookies(&response).iter().all(|c| !c.contains("Secure")), "{:?}", set_cookies(&response));
    }
}
