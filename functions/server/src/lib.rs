//! The three function routers as one process, serving the web app beside the API.

mod compression;
mod docs;
pub mod events;
pub mod openapi;
mod preload;
mod site;

use std::path::Path;
use std::sync::Arc;

use axum::Router;
use axum::middleware;
use axum::routing::any;
use backend::AppState;
use backend::http::{finish, not_found, record_client_ip};
use events::EventStreams;

/// The API with its OpenAPI document and docs page, plus the web app from `static_dir`
/// when it holds a build. Unknown paths
/// under `/api` and `/health` stay JSON 404s; every other path gets `index.html`, so
/// deep links and reloads reach the client-side router. Responses are compressed for
/// the browsers that accept it, except those that carry a session token.
pub fn app(state: AppState, static_dir: &Path) -> Router {
    app_with_streams(state, static_dir, EventStreams::default())
}

/// `app`, whose event streams `streams` can close (at shutdown).
pub fn app_with_streams(state: AppState, static_dir: &Path, streams: EventStreams) -> Router {
    let config = state.config.clone();
    let api = openapi::api(state.clone()).merge(events::router(state, streams));
    let router = match site::service(static_dir) {
        Some(site) => api
            .route("/api", any(not_found))
            .route("/api/{*rest}", any(not_found))
            .route("/health/{*rest}", any(not_found))
            .fallback_service(site),
        None => api.fallback(not_found),
    };
    let trusted: Arc<[ipnet::IpNet]> = config.trusted_proxies.clone().into();
    finish(router, &config)
        .layer(compression::layer())
        .layer(middleware::from_fn(move |req, next| record_client_ip(trusted.clone(), req, next)))
}
