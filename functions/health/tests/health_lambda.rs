//! The health function's Lambda entry behind CloudFront: with an origin secret
//! configured, `/health` answers only requests that carry it, so the API's own
//! `execute-api` address tells nobody whether the database is up.

use testkit::{TestApp, body_json, store_tests, v1_event, v2_event, via_cloudfront};

const SECRET: &str = "origin-secret-origin-secret-origin-secret";
const VIEWER: &str = "203.0.113.50:61000";

store_tests! {
    router = health::router;
    vars = &[("ORIGIN_SECRET", SECRET)];

    async fn health_needs_the_origin_secret_once_one_is_configured(app) {
        for event in [v2_event("GET", "/health", &[], None), v1_event("GET", "/health", &[], None)] {
            for (case, secret) in
                [("absent", None), ("wrong", Some("x-origin-secret-origin-secret-origin-secret"))]
            {
                let response = app.invoke(via_cloudfront(event.clone(), secret, VIEWER)).await;
                assert_eq!(response["statusCode"], 403, "{case}: {response}");
                assert_eq!(body_json(&response)["error"]["code"], "FORBIDDEN", "{case}");
            }
            let response = app.invoke(event.clone()).await;
            assert_eq!(response["statusCode"], 403, "direct: {response}");
            let response = app.invoke(via_cloudfront(event, Some(SECRET), VIEWER)).await;
            assert_eq!(response["statusCode"], 200, "{response}");
            assert_eq!(body_json(&response)["database"], "connected");
        }
    }
}

#[tokio::test]
async fn without_a_configured_secret_health_answers_as_before() {
    let app = TestApp::sqlite(health::router, &[]).await;
    for event in [
        v2_event("GET", "/health", &[], None),
        via_cloudfront(v2_event("GET", "/health", &[], None), None, VIEWER),
    ] {
        assert_eq!(app.invoke(event).await["statusCode"], 200);
    }
}
