//! The auth function's Lambda entry, fed API Gateway events as AWS sends them.

use serde_json::{Value, json};
use shared::store_tests;
use shared::testing::{v1_event, v2_event};

const JSON: (&str, &str) = ("content-type", "application/json");

fn body_json(response: &Value) -> Value {
    serde_json::from_str(response["body"].as_str().expect("text body")).expect("JSON body")
}

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
