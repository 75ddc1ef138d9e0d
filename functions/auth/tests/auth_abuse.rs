//! Attacks on accounts: many addresses guessing one password, a stolen session guessing
//! the current password, one IPv6 network posing as many clients, a changed email,
//! and instances whose clocks disagree.

use std::sync::Arc;

use axum::http::{Method, StatusCode};
use contract::policy::PASSWORD_CHECK_WINDOW_SECS as CHECK_WINDOW_SECS;
use serde_json::{Value, json};
use testkit::{TEST_PASSWORD, TestApp, store_tests, v2_event};

/// The default of `FAILED_PASSWORD_LIMIT`.
const MAX_FAILED_CHECKS: i64 = 10;

fn signin_event(email: &str, password: &str, ip: &str) -> Value {
    let body = json!({"email": email, "password": password}).to_string();
    let mut event =
        v2_event("POST", "/api/auth/signin", &[("content-type", "application/json")], Some(&body));
    event["requestContext"]["http"]["sourceIp"] = json!(ip);
    event
}

/// A different address for each guess, as from a botnet.
fn address(n: usize) -> String {
    format!("198.51.{}.{}", n / 250, n % 250 + 1)
}

fn retry_after(response: &Value) -> i64 {
    response["headers"]["retry-after"].as_str().expect("Retry-After").parse().expect("seconds")
}

async fn wrong_signins(app: &TestApp, email: &str, count: usize) {
    for n in 0..count {
        let res = app.invoke(signin_event(email, "wrong horse", &address(n))).await;
        assert_eq!(res["statusCode"], 401, "guess {n}: {res}");
    }
}

store_tests! {
    router = auth::router;

    async fn guesses_from_many_addresses_lock_the_account_even_for_the_right_password(app) {
        app.user("ann@example.com").await;
        app.user("bob@example.com").await;
        wrong_signins(&app, "ann@example.com", MAX_FAILED_CHECKS as usize).await;

        let locked = app.invoke(signin_event("ann@example.com", TEST_PASSWORD, "203.0.113.50")).await;
        assert_eq!(locked["statusCode"], 429, "{locked}");
        let body: Value = serde_json::from_str(locked["body"].as_str().expect("body")).expect("json");
        assert_eq!(body["error"]["code"], "RATE_LIMITED");
        assert!((1..=CHECK_WINDOW_SECS).contains(&retry_after(&locked)), "{locked}");

        let bob = app.invoke(signin_event("bob@example.com", TEST_PASSWORD, "203.0.113.50")).await;
        assert_eq!(bob["statusCode"], 200, "another account is not affected");
    }

    async fn concurrent_guesses_cannot_slip_past_the_limit(app) {
        app.user("ann@example.com").await;
        let app = Arc::new(app);
        let guesses: Vec<_> = (0..30)
            .map(|n| {
                let app = app.clone();
                let guess = json!({"email": "ann@example.com", "password": format!("wrong horse {n}")});
                tokio::spawn(async move {
                    Some(app.call(Method::POST, "/api/auth/signin", Some(guess), None).await.status.as_u16())
                })
            })
            .collect();
        let mut checked = 0;
        for guess in guesses {
            match guess.await.expect("task") {
                Some(401) => checked += 1,
                Some(429) => {}
                other => panic!("unexpected status {other:?}"),
            }
        }
        assert_eq!(checked, MAX_FAILED_CHECKS, "exactly the allowed number of guesses were compared");
    }

    // Checks turned away while others were in flight compared nothing, so they must not
    // stay counted: 30 sign-ins at once with the right password used to leave the
    // account locked for the whole window.
    async fn right_passwords_at_once_do_not_lock_the_account(app) {
        app.user("ann@example.com").await;
        let app = Arc::new(app);
        let signins: Vec<_> = (0..30)
            .map(|_| {
                let app = app.clone();
                let right = json!({"email": "ann@example.com", "password": TEST_PASSWORD});
                tokio::spawn(async move {
                    app.call(Method::POST, "/api/auth/signin", Some(right), None).await.status.as_u16()
                })
            })
            .collect();
        for signin in signins {
            let status = signin.await.expect("task");
            assert!(matches!(status, 200 | 429), "unexpected status {status}");
        }
        let after = app.invoke(signin_event("ann@example.com", TEST_PASSWORD, "203.0.113.50")).await;
        assert_eq!(after["statusCode"], 200, "{after}");
    }

    async fn a_right_password_is_not_counted(app) {
        app.user("ann@example.com").await;
        wrong_signins(&app, "ann@example.com", MAX_FAILED_CHECKS as usize - 1).await;
        for _ in 0..3 {
            let ok = app.invoke(signin_event("ann@example.com", TEST_PASSWORD, "203.0.113.50")).await;
            assert_eq!(ok["statusCode"], 200, "{ok}");
        }
        let last = app.invoke(signin_event("ann@example.com", "wrong horse", "203.0.113.51")).await;
        assert_eq!(last["statusCode"], 401, "the tenth failure is still compared");
        let locked = app.invoke(signin_event("ann@example.com", TEST_PASSWORD, "203.0.113.52")).await;
        assert_eq!(locked["statusCode"], 429);
    }

    async fn an_address_without_an_account_answers_the_same(app) {
        wrong_signins(&app, "nobody@example.com", MAX_FAILED_CHECKS as usize).await;
        let res = app.invoke(signin_event("nobody@example.com", "wrong horse", "203.0.113.50")).await;
        assert_eq!(res["statusCode"], 429, "locking is no sign that the account exists");
    }

    async fn a_stolen_session_cannot_guess_the_current_password(app) {
        let (_, token) = app.user("ann@example.com").await;
        let guess = |password: &str| json!({"email": "new@example.com", "current_password": password});
        for n in 0..MAX_FAILED_CHECKS {
            let res = app.call(Method::PUT, "/api/auth/profile", Some(guess("wrong horse")), Some(&token)).await;
            assert_eq!(res.status, StatusCode::UNAUTHORIZED, "guess {n}");
            assert_eq!(res.error_code(), "INVALID_CREDENTIALS");
        }
        let res = app.call(Method::PUT, "/api/auth/profile", Some(guess(TEST_PASSWORD)), Some(&token)).await;
        assert_eq!(res.status, StatusCode::TOO_MANY_REQUESTS);
        assert!(res.headers.contains_key("retry-after"));
        let signin = app.invoke(signin_event("ann@example.com", TEST_PASSWORD, "203.0.113.50")).await;
        assert_eq!(signin["statusCode"], 429, "profile and signin guesses add up");
    }

    async fn an_email_change_signs_out_the_other_sessions(app) {
        let (_, this_device) = app.user("ann@example.com").await;
        let signin = json!({"email": "ann@example.com", "password": TEST_PASSWORD});
        let other = app.call(Method::POST, "/api/auth/signin", Some(signin), None).await;
        let other_device = other.data()["token"].as_str().expect("token").to_owned();

        let same = json!({"email": "ANN@example.com", "current_password": TEST_PASSWORD});
        let res = app.call(Method::PUT, "/api/auth/profile", Some(same), Some(&this_device)).await;
        assert_eq!(res.status, StatusCode::OK);
        let me = app.call(Method::GET, "/api/auth/me", None, Some(&other_device)).await;
        assert_eq!(me.status, StatusCode::OK, "the same address is no change");

        let change = json!({"email": "ann@example.org", "current_password": TEST_PASSWORD});
        let res = app.call(Method::PUT, "/api/auth/profile", Some(change), Some(&this_device)).await;
        assert_eq!(res.status, StatusCode::OK, "{:?}", res.body);
        let me = app.call(Method::GET, "/api/auth/me", None, Some(&other_device)).await;
        assert_eq!(me.status, StatusCode::UNAUTHORIZED);
        let me = app.call(Method::GET, "/api/auth/me", None, Some(&this_device)).await;
        assert_eq!(me.status, StatusCode::OK);
    }

    async fn a_slow_clock_cannot_reopen_a_window(app) {
        let window = 1_800_000_000;
        for expected in 1..=3 {
            assert_eq!(app.store().hit_rate_limit("auth:x", window).await.expect("hit").hits, expected);
        }
        let behind = app.store().hit_rate_limit("auth:x", window - 60).await.expect("hit");
        assert_eq!((behind.hits, behind.window_start), (4, window), "counted in the stored window");
        let ahead = app.store().hit_rate_limit("auth:x", window + 60).await.expect("hit");
        assert_eq!((ahead.hits, ahead.window_start), (1, window + 60), "a later window starts afresh");

        let first = app.store().hit_password_check("a@b.co", window, CHECK_WINDOW_SECS).await.expect("hit");
        let behind = app.store().hit_password_check("a@b.co", window - 600, CHECK_WINDOW_SECS).await.expect("hit");
        assert_eq!((first.hits, behind.hits, behind.window_start), (1, 2, window));
    }

    async fn expired_counters_are_swept_and_live_ones_kept(app) {
        let now = chrono::Utc::now().timestamp();
        app.store().hit_rate_limit("old", now - 600).await.expect("hit");
        app.store().hit_rate_limit("live", now).await.expect("hit");
        app.store().hit_password_check("old@example.com", now - 2 * CHECK_WINDOW_SECS, CHECK_WINDOW_SECS).await.expect("hit");
        app.store().hit_password_check("live@example.com", now, CHECK_WINDOW_SECS).await.expect("hit");
        app.store().purge_stale(now - 120, now - CHECK_WINDOW_SECS).await.expect("purge");
        assert_eq!(app.store().hit_rate_limit("old", now - 600).await.expect("hit").hits, 1, "swept");
        assert_eq!(app.store().hit_rate_limit("live", now).await.expect("hit").hits, 2, "kept");
        let old = app.store().hit_password_check("old@example.com", now - 2 * CHECK_WINDOW_SECS, CHECK_WINDOW_SECS);
        assert_eq!(old.await.expect("hit").hits, 1, "swept");
        let live = app.store().hit_password_check("live@example.com", now, CHECK_WINDOW_SECS);
        assert_eq!(live.await.expect("hit").hits, 2, "kept");
    }
}

const IPV6_LIMITS: &[(&str, &str)] = &[("AUTH_RATE_LIMIT_PER_MINUTE", "5")];

store_tests! {
    router = auth::router;
    vars = IPV6_LIMITS;

    // One /64 is one client: per-address buckets gave a single end site 2^64 of them.
    async fn one_ipv6_network_shares_one_credential_bucket(app) {
        app.user("ann@example.com").await;
        for n in 0..5 {
            let ip = format!("2001:db8:1:2::{:x}", n + 1);
            assert_eq!(
                app.invoke(signin_event("ann@example.com", TEST_PASSWORD, &ip)).await["statusCode"],
                200
            );
        }
        let same_network =
            app.invoke(signin_event("ann@example.com", TEST_PASSWORD, "2001:db8:1:2:ffff::9")).await;
        assert_eq!(same_network["statusCode"], 429, "{:?}", app.backend);
        let other_network =
            app.invoke(signin_event("ann@example.com", TEST_PASSWORD, "2001:db8:1:3::1")).await;
        assert_eq!(other_network["statusCode"], 200);
    }
}
