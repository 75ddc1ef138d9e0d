//! `GET /health`: is the database answering?

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use backend::AppState;
use chrono::Utc;
use contract::api::HealthReport;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router(state: AppState) -> Router {
    routes(state).into()
}

/// The route with its OpenAPI operation, registered from the handler's `#[utoipa::path]`.
pub fn routes(state: AppState) -> OpenApiRouter {
    OpenApiRouter::new().routes(routes!(health)).with_state(state)
}

/// Is the database answering? `SELECT 1`, bounded to 2 s.
#[utoipa::path(
    get, path = "/health", tag = "health", operation_id = "health",
    responses(
        (status = 200, description = "The database answered.", body = HealthReport,
         example = json!({"status": "ok", "database": "connected", "timestamp": "2026-11-25T13:00:00Z"})),
        (status = 503, description = "The database did not answer.", body = HealthReport,
         example = json!({"status": "error", "database": "disconnected", "timestamp": "2026-11-25T13:00:00Z"})),
    )
)]
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
