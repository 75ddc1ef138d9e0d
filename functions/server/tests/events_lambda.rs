//! The Lambda functions do not route `/api/events`: API Gateway's HTTP API buffers a
//! response whole, so a stream would never arrive, and the web app polls the changes
//! feed there instead. A signed-in request for it gets the JSON 404 of any unknown path.

use axum::Router;
use backend::AppState;
use testkit::{TestApp, body_json, store_tests, v2_event};

const FUNCTIONS: [fn(AppState) -> Router; 3] = [auth::router, tasks::router, health::router];

store_tests! {
    router = tasks::router;

    async fn no_function_routes_the_event_stream(app) {
        let (_, token) = app.user("ann@example.com").await;
        let auth = format!("Bearer {token}");
        for function in FUNCTIONS {
            let lambda = TestApp::sqlite_lambda(function, &[]).await;
            let response = lambda.invoke(v2_event("GET", "/api/events", &[("authorization", &auth)], None)).await;
            assert_eq!(response["statusCode"], 404, "{response}");
            assert_eq!(body_json(&response)["error"]["code"], "NOT_FOUND");
        }
        let response = app.invoke(v2_event("GET", "/api/events", &[("authorization", &auth)], None)).await;
        assert_eq!(response["statusCode"], 404, "{response}");
    }
}
