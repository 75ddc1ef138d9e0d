//! `/api/auth/*`: sign up, sign in, sign out, who am I, and profile changes.

mod handlers;

use axum::Router;
use axum::routing::{get, post, put};
use shared::AppState;

pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/api/auth/signup", post(handlers::signup))
        .route("/api/auth/signin", post(handlers::signin))
        .route("/api/auth/signout", post(handlers::signout))
        .route("/api/auth/me", get(handlers::me))
        .route("/api/auth/profile", put(handlers::update_profile))
        .with_state(state)
}
