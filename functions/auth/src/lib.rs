//! `/api/auth/*`: sign up, sign in, sign out, who am I, profile changes, password
//! reset, the signed-in devices, and the account's export and deletion.

mod account;
mod export_body;
mod handlers;
mod notices;
mod password_reset;
mod sessions;

use axum::Router;
use axum::middleware::from_fn_with_state;
use backend::AppState;
use backend::auth::{limit_credentials, limit_user};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router(state: AppState) -> Router {
    routes(state).into()
}

/// Every route with its OpenAPI operation: each path and method is written once, in the
/// handler's `#[utoipa::path]`, and `routes!` registers it from there.
///
/// Credential endpoints are limited per client IP; the signed-in ones count toward the
/// user's own limit, so reloading a page never locks anyone out of signing in.
pub fn routes(state: AppState) -> OpenApiRouter {
    let credentials = OpenApiRouter::new()
        .routes(routes!(handlers::signup))
        .routes(routes!(handlers::signin))
        .routes(routes!(password_reset::forgot_password))
        .routes(routes!(password_reset::reset_password))
        .route_layer(from_fn_with_state(state.clone(), limit_credentials));
    let account = OpenApiRouter::new()
        .routes(routes!(handlers::signout))
        .routes(routes!(handlers::me))
        .routes(routes!(handlers::update_profile))
        .routes(routes!(sessions::list_sessions, sessions::delete_other_sessions))
        .routes(routes!(sessions::delete_session))
        .routes(routes!(account::export))
        .routes(routes!(account::delete_account))
        .route_layer(from_fn_with_state(state.clone(), limit_user));
    credentials.merge(account).with_state(state)
}
