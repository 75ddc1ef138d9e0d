//! `/api/auth/*`: sign up, sign in, sign out, who am I, and profile changes.

mod handlers;

use axum::Router;
use axum::middleware::from_fn_with_state;
use axum::routing::{get, post, put};
use shared::AppState;
use shared::http::{limit_credentials, limit_user};

/// Credential endpoints are limited per client IP; the signed-in ones count toward the
/// user's own limit, so reloading a page never locks anyone out of signing in.
pub fn router(state: AppState) -> Router {
    let credentials = Router::new()
        .route("/api/auth/signup", post(handlers::signup))
        .route("/api/auth/signin", post(handlers::signin))
        .route_layer(from_fn_with_state(state.clone(), limit_credentials));
    let account = Router::new()
        .route("/api/auth/signout", post(handlers::signout))
        .route("/api/auth/me", get(handlers::me))
        .route("/api/auth/profile", put(handlers::update_profile))
        .route_layer(from_fn_with_state(state.clone(), limit_user));
    credentials.merge(account).with_state(state)
}
