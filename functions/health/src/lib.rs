//! `GET /health`: is the database answering?

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use chrono::Utc;
use shared::AppState;
use shared::api::HealthReport;

pub fn router(state: AppState) -> Router {
    Router::new().route("/health", get(health)).with_state(state)
}

async fn health(State(state): State<AppState>) -> (StatusCode, axum::Json<HealthReport>) {
    let reachable = state.store.ping().await.is_ok();
    let (status, word, database) = if reachable {
        (StatusCode::OK, "ok", "connected")
    } else {
        tracing::warn!(event = "health_db_unreachable", "database did not answer SELECT 1");
        (StatusCode::SERVICE_UNAVAILABLE, "error", "disconnected")
    };
    let report = HealthReport { status: word.into(), database: database.into(), timestamp: Utc::now() };
    (status, axum::Json(report))
}
