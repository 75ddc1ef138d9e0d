//! The auth function's Lambda entry, fed API Gateway events as AWS sends them.

use serde_json::json;
use testkit::{body_json, store_tests, v1_event, v2_event};

const JSON: (&str, &str) = ("content-type", "application/json");

store_tests! {
    router = auth::router;

    async fn http_api_v2_signup_sets_the_cookie_in_cookies(app) {
        let body = json!({"email": "ann@example.com", "name": "Ann", "password": "correct horse"}).to_string();
        let response = app.invoke(v2_event("POST", "/api/auth/signup", &[JSON], Some(&body))).await;
        assert_eq!(response["statusCode"], 201);
        let data = body_json(&response);
        assert_eq!(data["data"]["user"]["email"], "ann@example.com");
        let token = data["data"]["token"].as_str().expect("token");
        let cookies = response["cookies"].as_array().expect("v2 cookies");
        assert_eq!(cookies.len(), 2);
        assert!(cookies[0].as_str().expect("cookie").starts_with(&format!("token={token}; HttpOnly")));
        assert!(cookies[1].as_str().expect("cookie").starts_with("signed_in=1; SameSite=Lax"));
        assert!(response["headers"].get("set-cookie").is_none());

        let cookie = format!("token={token}");
        let mut me = v2_event("GET", "/api/auth/me", &[], None);
        me["cookies"] = json!([cookie]);
        let response = app.invoke(me).await;
        assert_eq!(response["statusCode"], 200, "{response}");
        assert_eq!(body_json(&response)["data"]["user"]["email"], "ann@example.com");
    }

    async fn rest_api_v1_signin_with_stage_sets_the_cookie_in_multi_value_headers(app) {
        app.user("ann@example.com").await;
        let body = json!({"email": "ann@example.com", "password": "correct horse"}).to_string();
        let event = v1_event("POST", "/api/auth/signin", &[("Content-Type", "application/json")], Some(&body));
        let response = app.invoke(event).await;
        assert_eq!(response["statusCode"], 200, "{response}");
        let cookies = response["multiValueHeaders"]["set-cookie"].as_array().expect("v1 set-cookie");
        assert!(cookies[0].as_str().expect("cookie").contains("HttpOnly; SameSite=Lax; Path=/; Max-Age=604800"));
        assert!(cookies[1].as_str().expect("cookie").starts_with("signed_in=1;"));
        assert_eq!(body_json(&response)["success"], true);
    }

    async fn named_stage_in_v2_raw_path_still_routes(app) {
        let (_, token) = app.user("ann@example.com").await;
        let auth = format!("Bearer {token}");
        let mut event = v2_event("GET", "/prod/api/auth/me", &[("authorization", &auth)], None);
        event["requestContext"]["stage"] = json!("prod");
        let response = app.invoke(event).await;
        assert_eq!(response["statusCode"], 200, "{response}");
    }

    async fn lambda_errors_keep_the_error_format(app) {
        let response = app.invoke(v2_event("POST", "/api/auth/signin", &[JSON], Some("{not json"))).await;
        assert_eq!(response["statusCode"], 422);
        assert_eq!(body_json(&response)["error"]["code"], "VALIDATION_ERROR");
        let response = app.invoke(v1_event("GET", "/api/auth/unknown", &[], None)).await;
        assert_eq!(response["statusCode"], 404);
        assert_eq!(body_json(&response)["error"]["code"], "NOT_FOUND");
        let response = app.invoke(v2_event("GET", "/api/auth/me", &[], None)).await;
        assert_eq!(response["statusCode"], 401);
    }
}

/// Behind CloudFront: the origin secret, the viewer's address and the viewer's host.
mod cloudfront {
    use std::time::Duration;

    use serde_json::{Value, json};
    use testkit::{CLOUDFRONT_HOST, TEST_PASSWORD, TestApp, body_json, v1_event, v2_event, via_cloudfront};

    use super::JSON;

    const SECRET: &str = "origin-secret-origin-secret-origin-secret";
    const VIEWER: &str = "198.51.100.20:46532";

    async fn apps(vars: &[(&str, &str)]) -> Vec<TestApp> {
        let mut apps = vec![TestApp::sqlite(auth::router, vars).await];
        apps.extend(TestApp::postgres(auth::router, vars).await);
        apps
    }

    fn signin(viewer: &str, secret: Option<&str>) -> Value {
        let body = json!({"email": "ann@example.com", "password": TEST_PASSWORD}).to_string();
        via_cloudfront(v2_event("POST", "/api/auth/signin", &[JSON], Some(&body)), secret, viewer)
    }

    fn error_code(response: &Value) -> Value {
        body_json(response)["error"]["code"].clone()
    }

    #[tokio::test]
    async fn without_the_origin_secret_every_path_is_403() {
        for app in apps(&[("ORIGIN_SECRET", SECRET)]).await {
            app.user("ann@example.com").await;
            let body = json!({"email": "ann@example.com", "password": TEST_PASSWORD}).to_string();
            let v1 = |secret| {
                let event = v1_event(
                    "POST",
                    "/api/auth/signin",
                    &[("Content-Type", "application/json")],
                    Some(&body),
                );
                via_cloudfront(event, secret, VIEWER)
            };
            let refused = [
                ("direct call", v2_event("POST", "/api/auth/signin", &[JSON], Some(&body))),
                ("no header", signin(VIEWER, None)),
                ("wrong value", signin(VIEWER, Some("origin-secret-origin-secret-origin-secreT"))),
                ("a prefix", signin(VIEWER, Some("origin-secret"))),
                ("v1, no header", v1(None)),
                (
                    "unknown path",
                    via_cloudfront(v2_event("GET", "/api/auth/unknown", &[], None), None, VIEWER),
                ),
            ];
            for (case, event) in refused {
                let response = app.invoke(event).await;
                assert_eq!(response["statusCode"], 403, "{case}: {response}");
                assert_eq!(error_code(&response), "FORBIDDEN", "{case}");
                assert_eq!(body_json(&response)["success"], false, "{case}");
                let nosniff = [
                    &response["headers"]["x-content-type-options"],
                    &response["multiValueHeaders"]["x-content-type-options"][0],
                ];
                assert!(
                    nosniff.contains(&&json!("nosniff")),
                    "{case}: the usual security headers: {response}"
                );
                assert!(response["cookies"].as_array().is_none_or(Vec::is_empty), "{case}: {response}");
            }
            let response = app.invoke(signin(VIEWER, Some(SECRET))).await;
            assert_eq!(response["statusCode"], 200, "{response}");
            let response = app.invoke(v1(Some(SECRET))).await;
            assert_eq!(response["statusCode"], 200, "{response}");
        }
    }

    /// Starts away from the end of a rate-limit window, so one test's requests share it.
    async fn fresh_window() {
        let second = chrono::Utc::now().timestamp().rem_euclid(60);
        if second > 50 {
            tokio::time::sleep(Duration::from_secs((61 - second) as u64)).await;
        }
    }

    fn remaining(response: &Value) -> &str {
        response["headers"]["x-ratelimit-remaining"].as_str().unwrap_or_default()
    }

    #[tokio::test]
    async fn each_viewer_address_has_its_own_credential_bucket() {
        let vars = [("ORIGIN_SECRET", SECRET), ("AUTH_RATE_LIMIT_PER_MINUTE", "2")];
        for app in apps(&vars).await {
            app.user("ann@example.com").await;
            fresh_window().await;
            let ipv4 = app.invoke(signin(VIEWER, Some(SECRET))).await;
            assert_eq!((ipv4["statusCode"].as_u64(), remaining(&ipv4)), (Some(200), "1"), "{ipv4}");
            // The same viewer from another source port: the same bucket.
            let again = app.invoke(signin("198.51.100.20:51000", Some(SECRET))).await;
            assert_eq!((again["statusCode"].as_u64(), remaining(&again)), (Some(200), "0"), "{again}");
            let refused = app.invoke(signin(VIEWER, Some(SECRET))).await;
            assert_eq!(refused["statusCode"], 429, "{refused}");
            assert_eq!(error_code(&refused), "RATE_LIMITED");

            // Every request came from the same edge server; the viewers still differ.
            for viewer in ["198.51.100.21:46532", "2001:db8:85a3::8a2e:370:7334:443", "2001:db8:85a4::1:443"]
            {
                let first = app.invoke(signin(viewer, Some(SECRET))).await;
                assert_eq!(
                    (first["statusCode"].as_u64(), remaining(&first)),
                    (Some(200), "1"),
                    "{viewer}: {first}"
                );
            }
            // Another address of the same /64: the same end site, the same bucket.
            let ipv6 = "2001:db8:85a3::1:50000";
            let second = app.invoke(signin(ipv6, Some(SECRET))).await;
            assert_eq!((second["statusCode"].as_u64(), remaining(&second)), (Some(200), "0"), "{second}");
            assert_eq!(app.invoke(signin(ipv6, Some(SECRET))).await["statusCode"], 429);
        }
    }

    #[tokio::test]
    async fn without_a_configured_secret_the_viewer_address_is_not_believed() {
        for app in apps(&[("AUTH_RATE_LIMIT_PER_MINUTE", "2")]).await {
            app.user("ann@example.com").await;
            fresh_window().await;
            // Anyone can send these headers; all three count against the edge's address.
            for (viewer, status) in [(VIEWER, 200), ("198.51.100.21:1", 200), ("2001:db8::1:2", 429)] {
                let response = app.invoke(signin(viewer, Some(SECRET))).await;
                assert_eq!(response["statusCode"], status, "{viewer}: {response}");
            }
        }
    }

    fn profile_change(token: &str, origin: &str, secret: Option<&str>) -> Value {
        let body = json!({"name": "Ann B"}).to_string();
        let mut event = v2_event("PUT", "/api/auth/profile", &[JSON, ("origin", origin)], Some(&body));
        event["cookies"] = json!([format!("token={token}")]);
        via_cloudfront(event, secret, VIEWER)
    }

    #[tokio::test]
    async fn cookie_writes_from_the_site_pass_and_cross_site_ones_do_not() {
        for app in apps(&[("ORIGIN_SECRET", SECRET)]).await {
            let (_, token) = app.user("ann@example.com").await;
            let site = format!("https://{CLOUDFRONT_HOST}");
            let response = app.invoke(profile_change(&token, &site, Some(SECRET))).await;
            assert_eq!(response["statusCode"], 200, "{response}");
            assert_eq!(body_json(&response)["data"]["user"]["name"], "Ann B");
            for origin in
                ["https://evil.example", "null", "https://abc123.execute-api.eu-west-1.amazonaws.com"]
            {
                let response = app.invoke(profile_change(&token, origin, Some(SECRET))).await;
                assert_eq!(response["statusCode"], 403, "{origin}: {response}");
                assert_eq!(error_code(&response), "FORBIDDEN");
            }
        }
        // Without the secret the forwarded host is anyone's word: the API's own host counts.
        for app in apps(&[]).await {
            let (_, token) = app.user("ann@example.com").await;
            let site = format!("https://{CLOUDFRONT_HOST}");
            let response = app.invoke(profile_change(&token, &site, None)).await;
            assert_eq!(response["statusCode"], 403, "{response}");
        }
    }
}
