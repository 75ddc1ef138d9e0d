//! `/api/tasks*`: each signed-in user's own task list.

mod handlers;

use axum::Router;
use axum::middleware::from_fn_with_state;
use axum::routing::{get, patch};
use shared::AppState;
use shared::http::limit_user;

pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/api/tasks", get(handlers::list).post(handlers::create))
        .route("/api/tasks/{id}", get(handlers::get).put(handlers::update).delete(handlers::delete))
        .route("/api/tasks/{id}/complete", patch(handlers::toggle))
        .route_layer(from_fn_with_state(state.clone(), limit_user))
        .with_state(state)
}
