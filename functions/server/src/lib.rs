//! The three function routers as one process, serving the web app beside the API.

use std::path::Path;

use axum::Router;
use axum::routing::any;
use shared::AppState;
use shared::http::{finish, not_found};
use tower_http::services::{ServeDir, ServeFile};

/// The API, plus the web app from `static_dir` when it exists. Unknown paths under
/// `/api` and `/health` stay JSON 404s; every other path gets `index.html`, so deep
/// links and reloads reach the client-side router.
pub fn app(state: AppState, static_dir: &Path) -> Router {
    let api = auth::router(state.clone()).merge(tasks::router(state.clone())).merge(health::router(state));
    let index = static_dir.join("index.html");
    let router = if index.is_file() {
        api.route("/api", any(not_found))
            .route("/api/{*rest}", any(not_found))
            .route("/health/{*rest}", any(not_found))
            .fallback_service(ServeDir::new(static_dir).fallback(ServeFile::new(index)))
    } else {
        api.fallback(not_found)
    };
    finish(router)
}
