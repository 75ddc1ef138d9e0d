//! The tasks function's Lambda entry, fed API Gateway events as AWS sends them.

use serde_json::{Value, json};
use shared::store_tests;
use shared::testing::{v1_event, v2_event};

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
        let task = app.store().insert_task(user.id, &shared::api::CreateTaskRequest { title: "x".into(), description: None }.parse().expect("valid")).await.expect("insert");
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
