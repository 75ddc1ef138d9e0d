//! On both stores, through the API: any title and description is either refused with a
//! 422 that names the field, or stored and read back exactly as parsed. Postgres cannot
//! hold U+0000 and SQLite can, so this is where the two would disagree.

use axum::http::{Method, StatusCode};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use serde_json::{Value, json};
use testkit::{TestApp, TestResponse};

const CASES: u32 = 150;

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[a-zé€ \\t\\n\\r\\x00-\\x1f\\x7f-\\x9f]{0,12}",
        "\\PC{0,3}\\x00\\PC{0,3}",
        "[a-z ]{195,205}",
    ]
}

fn runner() -> TestRunner {
    TestRunner::new(Config { cases: CASES, failure_persistence: None, ..Config::default() })
}

/// A 422 must name exactly the fields it refused, and only fields that were sent.
fn refused_fields(res: &TestResponse) -> Result<Vec<String>, TestCaseError> {
    prop_assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{:?}", res.body);
    prop_assert_eq!(res.error_code(), "VALIDATION_ERROR");
    let details = res.body["error"]["details"].as_object().cloned().unwrap_or_default();
    prop_assert!(!details.is_empty(), "a 422 names its field: {:?}", res.body);
    Ok(details.keys().cloned().collect())
}

async fn check_create(
    app: &TestApp,
    token: &str,
    title: &str,
    description: &str,
) -> Result<(), TestCaseError> {
    let body = json!({"title": title, "description": description});
    let res = app.call(Method::POST, "/api/tasks", Some(body), Some(token)).await;
    if res.status != StatusCode::CREATED {
        for field in refused_fields(&res)? {
            prop_assert!(field == "title" || field == "description", "{}", field);
        }
        return Ok(());
    }
    let id = res.data()["id"].as_i64().expect("id");
    let stored = app.call(Method::GET, &format!("/api/tasks/{id}"), None, Some(token)).await;
    prop_assert_eq!(stored.status, StatusCode::OK);
    prop_assert_eq!(&stored.data()["title"], &Value::from(title.trim()));
    prop_assert_eq!(&stored.data()["description"], &Value::from(description));
    Ok(())
}

async fn check_update(app: &TestApp, token: &str, id: i64, title: &str) -> Result<(), TestCaseError> {
    let before = app.call(Method::GET, &format!("/api/tasks/{id}"), None, Some(token)).await;
    let res =
        app.call(Method::PUT, &format!("/api/tasks/{id}"), Some(json!({"title": title})), Some(token)).await;
    let after = app.call(Method::GET, &format!("/api/tasks/{id}"), None, Some(token)).await;
    if res.status == StatusCode::OK {
        prop_assert_eq!(&after.data()["title"], &Value::from(title.trim()));
    } else {
        prop_assert_eq!(refused_fields(&res)?, vec!["title".to_owned()]);
        prop_assert_eq!(&after.data()["title"], &before.data()["title"], "a refused update changes nothing");
    }
    Ok(())
}

#[test]
fn any_text_is_refused_by_name_or_stored_exactly_on_both_stores() {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let mut apps = vec![runtime.block_on(TestApp::sqlite(tasks::router, &[]))];
    apps.extend(runtime.block_on(TestApp::postgres(tasks::router, &[])));
    for app in &apps {
        let (_, token) = runtime.block_on(app.user("prop@example.com"));
        let created = runtime.block_on(app.call(
            Method::POST,
            "/api/tasks",
            Some(json!({"title": "seed"})),
            Some(&token),
        ));
        let id = created.data()["id"].as_i64().expect("id");

        runner()
            .run(&(text(), text()), |(title, description)| {
                runtime.block_on(check_create(app, &token, &title, &description))
            })
            .unwrap_or_else(|e| panic!("{:?}: {e}", app.backend));
        runner()
            .run(&text(), |title| runtime.block_on(check_update(app, &token, id, &title)))
            .unwrap_or_else(|e| panic!("{:?}: {e}", app.backend));
        eprintln!("property cases on {:?}: {CASES} creates, {CASES} updates", app.backend);
    }
}
