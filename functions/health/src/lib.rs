//! `GET /health`: is the database answering?

use std::time::Duration;

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use chrono::Utc;
use shared::AppState;
use shared::api::HealthReport;

/// How long the database may take to answer `SELECT 1` before we call it down.
const PING_TIMEOUT: Duration = Duration::from_secs(2);

pub fn router(state: AppState) -> Router {
    Router::new().route("/health", get(health)).with_state(state)
}

async fn health(State(state): State<AppState>) -> (StatusCode, axum::Json<HealthReport>) {
    let reachable = matches!(tokio::time::timeout(PING_TIMEOUT, state.store.ping()).await, Ok(Ok(())));
    let (status, word, database) = if reachable {
        (StatusCode::OK, "ok", "connected")
    } else {
        tracing::warn!(event = "health_db_unreachable", "database did not answer SELECT 1");
        (StatusCode::SERVICE_UNAVAILABLE, "error", "disconnected")
    };
    let report = HealthReport { status: word.into(), database: database.into(), timestamp: Utc::now() };
    (status, axum::Json(report))
}
