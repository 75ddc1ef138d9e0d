//! SQLite with its write lock held by another connection for 5 s: writes answer a
//! clear DB_ERROR within the call bound, and everything works the moment it is let go.

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::http::{Method, StatusCode};
use serde_json::json;
use sqlx::{Connection, SqliteConnection};
use testkit::TestApp;

const CALL_BOUND: Duration = Duration::from_secs(3);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_held_write_lock_gives_a_clear_error_in_time_and_no_wedge() {
    let app = Arc::new(TestApp::sqlite(tasks::router, &[]).await);
    let (_, token) = app.user("lock@example.com").await;
    let create = |title: &str| json!({ "title": title });
    assert_eq!(
        app.call(Method::POST, "/api/tasks", Some(create("before")), Some(&token)).await.status,
        StatusCode::CREATED
    );

    let mut holder =
        SqliteConnection::connect(&app.state.config.database_url).await.expect("second connection");
    sqlx::query("BEGIN IMMEDIATE").execute(&mut holder).await.expect("take the write lock");
    sqlx::query("INSERT INTO rate_limits (bucket, window_start, hits) VALUES ('holder', 0, 1)")
        .execute(&mut holder)
        .await
        .expect("write under the lock");
    let locked_at = Instant::now();

    let writers: Vec<_> = (0..4)
        .map(|n| {
            let (app, token) = (app.clone(), token.clone());
            tokio::spawn(async move {
                let started = Instant::now();
                let res = app
                    .call(
                        Method::POST,
                        "/api/tasks",
                        Some(json!({ "title": format!("during {n}") })),
                        Some(&token),
                    )
                    .await;
                (res, started.elapsed())
            })
        })
        .collect();
    for writer in writers {
        let (res, took) = writer.await.expect("writer");
        assert_eq!(res.status, StatusCode::INTERNAL_SERVER_ERROR, "{:?}", res.body);
        assert_eq!(res.error_code(), "DB_ERROR");
        assert!(took <= CALL_BOUND + Duration::from_millis(300), "answered within the call bound: {took:?}");
    }

    tokio::time::sleep(Duration::from_secs(5).saturating_sub(locked_at.elapsed())).await;
    sqlx::query("COMMIT").execute(&mut holder).await.expect("let go");
    let after = app.call(Method::POST, "/api/tasks", Some(create("after")), Some(&token)).await;
    assert_eq!(after.status, StatusCode::CREATED, "no wedge once the lock is gone: {:?}", after.body);
    let list = app.call(Method::GET, "/api/tasks", None, Some(&token)).await;
    assert_eq!(list.body["pagination"]["total"], 2, "the refused writes left nothing behind");
}
