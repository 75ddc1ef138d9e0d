//! `/api/tasks*`: each signed-in user's own task list.

mod conditions;
mod feed;
mod handlers;

use axum::Router;
use axum::middleware::from_fn_with_state;
use backend::AppState;
use backend::auth::limit_user;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router(state: AppState) -> Router {
    routes(state).into()
}

/// Every route with its OpenAPI operation: each path and method is written once, in the
/// handler's `#[utoipa::path]`, and `routes!` registers it from there.
pub fn routes(state: AppState) -> OpenApiRouter {
    OpenApiRouter::new()
        .routes(routes!(handlers::list, handlers::create))
        .routes(routes!(handlers::get, handlers::update, handlers::delete))
        .routes(routes!(handlers::toggle))
        .routes(routes!(handlers::restore))
        .routes(routes!(feed::changes))
        .route_layer(from_fn_with_state(state.clone(), limit_user))
        .with_state(state)
}
