//! On both stores, through the API: any display name is either refused with a 422 that
//! names `name`, or stored and read back exactly as parsed.

use axum::http::{Method, StatusCode};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use serde_json::{Value, json};
use testkit::TestApp;

const CASES: u32 = 150;

fn text() -> impl Strategy<Value = String> {
    prop_oneof![any::<String>(), "[a-zé \\t\\n\\x00-\\x1f\\x7f-\\x9f]{0,12}", "[a-z ]{95,105}"]
}

#[test]
fn any_name_is_refused_by_field_or_stored_exactly_on_both_stores() {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let mut apps = vec![runtime.block_on(TestApp::sqlite(auth::router, &[]))];
    apps.extend(runtime.block_on(TestApp::postgres(auth::router, &[])));
    for app in &apps {
        let (_, token) = runtime.block_on(app.user("prop@example.com"));
        let mut runner =
            TestRunner::new(Config { cases: CASES, failure_persistence: None, ..Config::default() });
        runner
            .run(&text(), |name| {
                runtime.block_on(async {
                    let res = app
                        .call(Method::PUT, "/api/auth/profile", Some(json!({"name": name})), Some(&token))
                        .await;
                    let me = app.call(Method::GET, "/api/auth/me", None, Some(&token)).await;
                    if res.status == StatusCode::OK {
                        prop_assert_eq!(&me.data()["user"]["name"], &Value::from(name.trim()));
                    } else {
                        prop_assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{:?}", res.body);
                        prop_assert!(res.body["error"]["details"]["name"].is_string(), "{:?}", res.body);
                    }
                    Ok(())
                })
            })
            .unwrap_or_else(|e| panic!("{:?}: {e}", app.backend));
        eprintln!("property cases on {:?}: {CASES} names", app.backend);
    }
}
