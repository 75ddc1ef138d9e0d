//! The check that an answer may not be kept by any cache: `Cache-Control: no-store`, on
//! a router's answer or in a Lambda entry's event response.

use serde_json::Value;

use crate::TestResponse;

/// A successful answer that says `Cache-Control: no-store`.
pub fn assert_no_store(what: &str, response: &TestResponse) {
    assert!(response.status.is_success(), "{what}: {} {}", response.status, response.body);
    assert_eq!(
        response.headers.get("cache-control").and_then(|v| v.to_str().ok()),
        Some("no-store"),
        "{what}: {:?}",
        response.headers
    );
}

/// The same for a Lambda response event, payload v1 (`multiValueHeaders`) or v2.
pub fn assert_lambda_no_store(what: &str, response: &Value) {
    assert!(response["statusCode"].as_u64().is_some_and(|s| s < 300), "{what}: {response}");
    let single = response["headers"]["cache-control"].as_str();
    let multi = response["multiValueHeaders"]["cache-control"][0].as_str();
    assert_eq!(single.or(multi), Some("no-store"), "{what}: {response}");
}
