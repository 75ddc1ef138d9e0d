//! `/api/tasks*`: each signed-in user's own task list.

mod conditions;
mod feed;
mod handlers;

use axum::Router;
use axum::middleware::from_fn_with_state;
use backend::AppState;
use backend::auth::{limit_user, limit_user_reads};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router(state: AppState) -> Router {
    routes(state).into()
}

/// Every route with its OpenAPI operation: each path and method is written once, in the
/// handler's `#[utoipa::path]`, and `routes!` registers it from there.
///
/// The list counts its rate-limit hit in its own statement (`limit_user_reads`), one
/// round trip for the hottest request; every other route is limited before it runs.
pub fn routes(state: AppState) -> OpenApiRouter {
    let reads = OpenApiRouter::new()
        .routes(routes!(handlers::list))
        .route_layer(from_fn_with_state(state.clone(), limit_user_reads));
    let others = OpenApiRouter::new()
        .routes(routes!(handlers::create))
        .routes(routes!(handlers::get, handlers::update, handlers::delete))
        .routes(routes!(handlers::toggle))
        .routes(routes!(handlers::restore))
        .routes(routes!(feed::changes))
        .route_layer(from_fn_with_state(state.clone(), limit_user));
    reads.merge(others).with_state(state)
}
