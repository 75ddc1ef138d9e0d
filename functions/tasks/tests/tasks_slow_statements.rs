//! A statement that runs past the call bound answers `DB_ERROR` to its own caller and
//! leaves the circuit breaker alone: one account's slow (or locked) calls cannot shut
//! the database off for everyone else.
//!
//! The statement is made slow the way a real one is: another connection holds a row
//! lock on the task it writes, so it waits past the bound. Postgres only: SQLite gives
//! up on a lock at 3/4 of the bound (its busy timeout) and answers an error, which the
//! breaker never counted; a SQLite statement slow for itself is tested at the guard
//! (`shared/src/store/warm.rs`).

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::http::{Method, StatusCode};
use serde_json::json;
use sqlx::Connection;
use testkit::TestApp;

/// Takes the row lock of task `id` on a connection of its own, held until rolled back.
async fn lock_task(app: &TestApp, id: i64) -> sqlx::PgConnection {
    let mut conn =
        sqlx::PgConnection::connect(&app.state.config.database_url).await.expect("direct connection");
    sqlx::query("BEGIN").execute(&mut conn).await.expect("begin");
    sqlx::query("SELECT id FROM tasks WHERE id = $1 FOR UPDATE")
        .bind(id)
        .execute(&mut conn)
        .await
        .expect("row lock");
    conn
}

#[tokio::test]
async fn three_slow_statements_do_not_open_the_breaker_for_others() {
    let vars = [("DB_CALL_TIMEOUT_SECS", "1"), ("DB_BREAKER_THRESHOLD", "3")];
    let Some(app) = TestApp::postgres(tasks::router, &vars).await else { return };
    let (_, ann) = app.user("ann@example.com").await;
    let (_, bob) = app.user("bob@example.com").await;
    let created = app.call(Method::POST, "/api/tasks", Some(json!({"title": "t"})), Some(&ann)).await;
    let path = format!("/api/tasks/{}", created.data()["id"]);
    let mut lock = lock_task(&app, created.data()["id"].as_i64().expect("id")).await;

    // At once, as an attacker would send them: each request's own quick calls (its
    // session, its rate limit) are answered before the slow statements stall, so the
    // three stalls come one after another with nothing answered in between.
    let app = Arc::new(app);
    let mut slow = tokio::task::JoinSet::new();
    for _ in 0..3 {
        let (app, ann, path) = (app.clone(), ann.clone(), path.clone());
        slow.spawn(async move {
            let started = Instant::now();
            let res = app.call(Method::PUT, &path, Some(json!({"title": "slow"})), Some(&ann)).await;
            (res, started.elapsed())
        });
    }
    for (res, took) in slow.join_all().await {
        assert_eq!(res.status, StatusCode::INTERNAL_SERVER_ERROR, "{}", res.body);
        assert_eq!(res.error_code(), "DB_ERROR");
        assert!(took >= Duration::from_millis(900), "it waited for the lock: {took:?}");
    }

    let others = app.call(Method::GET, "/api/tasks", None, Some(&bob)).await;
    assert_eq!(others.status, StatusCode::OK, "another caller is still served: {}", others.body);
    let own = app.call(Method::GET, &path, None, Some(&ann)).await;
    assert_eq!(own.status, StatusCode::OK, "and so is a read of the locked task: {}", own.body);

    sqlx::query("ROLLBACK").execute(&mut lock).await.expect("unlock");
    let res = app.call(Method::PUT, &path, Some(json!({"title": "done"})), Some(&ann)).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
}
