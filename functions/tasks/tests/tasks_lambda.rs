//! The tasks function's Lambda entry, fed API Gateway events as AWS sends them.

use serde_json::{Value, json};
use testkit::{store_tests, v1_event, v2_event};

fn body_json(response: &Value) -> Value {
    serde_json::from_str(response["body"].as_str().expect("text body")).expect("JSON body")
}

store_tests! {
    router = tasks::router;

    async fn rest_api_v1_create_then_http_api_v2_list(app) {
        let (_, token) = app.user("ann@example.com").await;
        let auth = format!("Bearer {token}");
        for title in ["one", "two", "three"] {
            let body = json!({ "title": title }).to_string();
            let event = v1_event("POST", "/api/tasks", &[("Authorization", &auth), ("Content-Type", "application/json")], Some(&body));
            let response = app.invoke(event).await;
            assert_eq!(response["statusCode"], 201, "{response}");
            assert_eq!(body_json(&response)["data"]["title"], title);
        }
        let response = app.invoke(v2_event("GET", "/api/tasks?page=2&limit=2", &[("authorization", &auth)], None)).await;
        assert_eq!(response["statusCode"], 200, "{response}");
        let body = body_json(&response);
        assert_eq!(body["pagination"], json!({"page": 2, "limit": 2, "total": 3, "pages": 2}));
        assert_eq!(body["data"][0]["title"], "one");
    }

    async fn lambda_delete_answers_204_without_body(app) {
        let (user, token) = app.user("ann@example.com").await;
        let task = app.store().insert_task(user.id, &contract::api::CreateTaskRequest { title: "x".into(), description: None }.parse().expect("valid"), app.state.config.max_tasks_per_user).await.expect("insert").expect("room");
        let auth = format!("Bearer {token}");
        let response = app.invoke(v2_event("DELETE", &format!("/api/tasks/{}", task.id), &[("authorization", &auth)], None)).await;
        assert_eq!(response["statusCode"], 204);
        assert!(response["body"].is_null() || response["body"] == "", "{response}");
        let response = app.invoke(v1_event("DELETE", &format!("/api/tasks/{}", task.id), &[("Authorization", &auth)], None)).await;
        assert_eq!(response["statusCode"], 404);
    }

    async fn lambda_without_token_is_401(app) {
        let response = app.invoke(v1_event("GET", "/api/tasks", &[], None)).await;
        assert_eq!(response["statusCode"], 401);
        assert_eq!(body_json(&response)["error"]["code"], "UNAUTHORIZED");
    }
}

/// Behind CloudFront: the origin secret, and cookie writes from the site's own pages.
mod cloudfront {
    use serde_json::{Value, json};
    use testkit::{CLOUDFRONT_HOST, TestApp, v1_event, v2_event, via_cloudfront};

    use super::body_json;

    const SECRET: &str = "origin-secret-origin-secret-origin-secret";
    const VIEWER: &str = "2001:db8::7:443";

    async fn apps() -> Vec<TestApp> {
        let vars = [("ORIGIN_SECRET", SECRET)];
        let mut apps = vec![TestApp::sqlite(tasks::router, &vars).await];
        apps.extend(TestApp::postgres(tasks::router, &vars).await);
        apps
    }

    #[tokio::test]
    async fn only_requests_with_the_origin_secret_are_served() {
        for app in apps().await {
            let (_, token) = app.user("ann@example.com").await;
            let auth = format!("Bearer {token}");
            let list = || v2_event("GET", "/api/tasks", &[("authorization", &auth)], None);
            let list_v1 = || v1_event("GET", "/api/tasks", &[("Authorization", &auth)], None);
            let refused = [
                ("direct call", list()),
                ("no header", via_cloudfront(list(), None, VIEWER)),
                (
                    "wrong value",
                    via_cloudfront(list(), Some("not-the-origin-secret-not-the-origin-secret"), VIEWER),
                ),
                ("v1, direct call", list_v1()),
                ("v1, wrong value", via_cloudfront(list_v1(), Some("origin"), VIEWER)),
            ];
            for (case, event) in refused {
                let response = app.invoke(event).await;
                assert_eq!(response["statusCode"], 403, "{case}: {response}");
                assert_eq!(body_json(&response)["error"]["code"], "FORBIDDEN", "{case}");
            }
            for event in [
                via_cloudfront(list(), Some(SECRET), VIEWER),
                via_cloudfront(list_v1(), Some(SECRET), VIEWER),
            ] {
                let response = app.invoke(event).await;
                assert_eq!(response["statusCode"], 200, "{response}");
                assert_eq!(body_json(&response)["pagination"]["total"], 0);
            }
        }
    }

    fn create(token: &str, origin: &str, v1: bool) -> Value {
        let body = json!({"title": "from the site"}).to_string();
        let event = if v1 {
            let cookie = format!("token={token}");
            let headers =
                [("Content-Type", "application/json"), ("Origin", origin), ("Cookie", cookie.as_str())];
            v1_event("POST", "/api/tasks", &headers, Some(&body))
        } else {
            let mut event = v2_event(
                "POST",
                "/api/tasks",
                &[("content-type", "application/json"), ("origin", origin)],
                Some(&body),
            );
            event["cookies"] = json!([format!("token={token}")]);
            event
        };
        via_cloudfront(event, Some(SECRET), VIEWER)
    }

    #[tokio::test]
    async fn cookie_writes_from_the_site_pass_and_cross_site_ones_do_not() {
        for app in apps().await {
            let (_, token) = app.user("ann@example.com").await;
            let site = format!("https://{CLOUDFRONT_HOST}");
            for v1 in [false, true] {
                let response = app.invoke(create(&token, &site, v1)).await;
                assert_eq!(response["statusCode"], 201, "v1 {v1}: {response}");
                assert_eq!(body_json(&response)["data"]["title"], "from the site");
                for origin in
                    ["https://evil.example", "null", "http://d111111abcdef8.cloudfront.net.evil.example"]
                {
                    let response = app.invoke(create(&token, origin, v1)).await;
                    assert_eq!(response["statusCode"], 403, "v1 {v1}, {origin}: {response}");
                    assert_eq!(body_json(&response)["error"]["code"], "FORBIDDEN");
                }
            }
            let auth = format!("Bearer {token}");
            let list = via_cloudfront(
                v2_event("GET", "/api/tasks", &[("authorization", &auth)], None),
                Some(SECRET),
                VIEWER,
            );
            assert_eq!(
                body_json(&app.invoke(list).await)["pagination"]["total"],
                2,
                "only the site's writes"
            );
        }
    }
}
