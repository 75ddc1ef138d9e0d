//! A token whose session is gone (revoked, expired, or never recorded) cannot spend its
//! owner's own limit: it is charged to its client address's bucket and answered 401.

use axum::http::{Method, StatusCode};
use backend::credentials::TokenKeys;
use serde_json::{Value, json};
use testkit::{TEST_PASSWORD, TEST_SECRET, store_tests, v2_event};

const ANN: &str = "ann@example.com";

fn me_event(token: &str, ip: &str) -> Value {
    let mut event = v2_event("GET", "/api/auth/me", &[("authorization", &format!("Bearer {token}"))], None);
    event["requestContext"]["http"]["sourceIp"] = json!(ip);
    event
}

fn signin_event(ip: &str) -> Value {
    let body = json!({ "email": ANN, "password": TEST_PASSWORD }).to_string();
    let mut event =
        v2_event("POST", "/api/auth/signin", &[("content-type", "application/json")], Some(&body));
    event["requestContext"]["http"]["sourceIp"] = json!(ip);
    event
}

/// A token that verifies, for a session the database never heard of.
fn unknown_session_token(user_id: uuid::Uuid) -> String {
    TokenKeys::new(TEST_SECRET.as_bytes()).issue(user_id, ANN).expect("sign").token
}

const USER_LIMIT: &[(&str, &str)] = &[("TASKS_RATE_LIMIT_PER_MINUTE", "3")];

store_tests! {
    router = auth::router;
    vars = USER_LIMIT;

    async fn a_revoked_token_cannot_use_up_its_owners_limit(app) {
        let (_, owner) = app.user(ANN).await;
        let signin = json!({ "email": ANN, "password": TEST_PASSWORD });
        let stolen = app.call(Method::POST, "/api/auth/signin", Some(signin), None).await;
        let stolen = stolen.data()["token"].as_str().expect("token").to_owned();
        let revoke = app.call(Method::DELETE, "/api/auth/sessions", None, Some(&owner)).await;
        assert_eq!(revoke.status, StatusCode::NO_CONTENT, "{:?}", revoke.body);

        let mut thief = Vec::new();
        for _ in 0..10 {
            thief.push(app.call(Method::GET, "/api/auth/me", None, Some(&stolen)).await);
        }
        let me = app.call(Method::GET, "/api/auth/me", None, Some(&owner)).await;
        assert_eq!(me.status, StatusCode::OK, "the owner's limit is the owner's: {:?}", me.body);
        assert_eq!(me.headers["x-ratelimit-remaining"], "1", "the owner's two requests, no more");
        for (n, refused) in thief.iter().enumerate() {
            assert_eq!(refused.status, StatusCode::UNAUTHORIZED, "request {n}");
            assert_eq!(refused.error_code(), "UNAUTHORIZED");
        }
    }

    async fn a_token_for_an_unknown_session_cannot_use_up_its_owners_limit(app) {
        let (user, owner) = app.user(ANN).await;
        let forged = unknown_session_token(user.id);
        let mut forger = Vec::new();
        for _ in 0..10 {
            let body = json!({"name": "X"});
            forger.push(app.call(Method::PUT, "/api/auth/profile", Some(body), Some(&forged)).await.status);
        }
        let me = app.call(Method::GET, "/api/auth/me", None, Some(&owner)).await;
        assert_eq!(me.status, StatusCode::OK, "{:?}", me.body);
        assert!(forger.iter().all(|s| *s == StatusCode::UNAUTHORIZED), "{forger:?}");
    }
}

const ADDRESS_LIMIT: &[(&str, &str)] =
    &[("AUTH_RATE_LIMIT_PER_MINUTE", "3"), ("TASKS_RATE_LIMIT_PER_MINUTE", "100")];

store_tests! {
    router = auth::router;
    vars = ADDRESS_LIMIT;

    async fn a_dead_session_is_charged_to_its_client_address(app) {
        let (user, owner) = app.user(ANN).await;
        let forged = unknown_session_token(user.id);
        for n in 0..3 {
            let res = app.invoke(me_event(&forged, "198.51.100.7")).await;
            assert_eq!(res["statusCode"], 401, "request {n}: {res}");
        }
        let refused = app.invoke(me_event(&forged, "198.51.100.7")).await;
        assert_eq!(refused["statusCode"], 429, "the address's bucket ran out: {refused}");
        let signin = app.invoke(signin_event("198.51.100.7")).await;
        assert_eq!(signin["statusCode"], 429, "it is the address's credential bucket");

        let live = app.invoke(me_event(&owner, "198.51.100.7")).await;
        assert_eq!(live["statusCode"], 200, "a live session is charged to its user: {live}");
        let elsewhere = app.invoke(me_event(&forged, "203.0.113.9")).await;
        assert_eq!(elsewhere["statusCode"], 401, "another address has its own bucket");
    }
}

const LONG_CACHE: &[(&str, &str)] = &[("SESSION_CACHE_SECS", "60")];

store_tests! {
    router = auth::router;
    vars = LONG_CACHE;

    // The hot path stays cheap: the limit finds a cached live session without asking the
    // database, so a session deleted behind the cache's back (as by another instance)
    // is still served here until the cache lets go.
    async fn a_cached_live_session_is_not_looked_up_again(app) {
        let (_, token) = app.user(ANN).await;
        assert_eq!(app.call(Method::GET, "/api/auth/me", None, Some(&token)).await.status, StatusCode::OK);
        let session = TokenKeys::new(TEST_SECRET.as_bytes()).verify(&token).expect("valid").jti;
        app.store().delete_session(session).await.expect("delete behind the cache");
        let cached = app.call(Method::GET, "/api/auth/me", None, Some(&token)).await;
        assert_eq!(cached.status, StatusCode::OK, "served from the cache: {:?}", cached.body);
        assert_eq!(cached.headers["x-ratelimit-remaining"], "9998", "and charged to its user");
    }
}
