//! The Lambda entry every function binary shares.

use std::process::ExitCode;

use axum::Router;
use axum::http::{HeaderValue, Uri};
use lambda_http::request::RequestContext;
use lambda_http::{Request, RequestExt};
use tower::ServiceBuilder;
use tower::util::MapRequest;

use crate::config::{Config, Runtime};
use crate::http::{ClientIp, finish, not_found};
use crate::secrets;
use crate::state::AppState;
use crate::telemetry;

/// Builds the state once per cold start (secrets given by reference, configuration, a
/// lazy pool), then serves API Gateway v1/v2 and function URL events. Never migrates:
/// deploys do.
pub async fn run(router: fn(AppState) -> Router) -> ExitCode {
    let fetched = match secrets::resolve(|name| std::env::var(name).ok()).await {
        Ok(fetched) => fetched,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    };
    let lookup = |name: &str| fetched.get(name).cloned().or_else(|| std::env::var(name).ok());
    let config = match Config::from_lookup(Runtime::Lambda, lookup) {
        Ok(config) => config,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    };
    telemetry::init(config.log_format);
    if config.bcrypt_cost_is_weak() {
        tracing::warn!(cost = config.bcrypt_cost, "BCRYPT_COST below 12 is for tests only");
    }
    let state = match AppState::from_config(config) {
        Ok(state) => state,
        Err(e) => {
            tracing::error!(error = %e, "DATABASE_URL: cannot open the database");
            return ExitCode::FAILURE;
        }
    };
    let config = state.config.clone();
    match lambda_http::run(service(router(state), &config)).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!(error = %e, "lambda runtime stopped");
            ExitCode::FAILURE
        }
    }
}

/// The function's router as the Lambda runtime drives it, also used by the tests.
pub fn service(router: Router, config: &Config) -> MapRequest<Router, fn(Request) -> Request> {
    ServiceBuilder::new()
        .map_request(from_gateway as fn(Request) -> Request)
        .service(finish(router.fallback(not_found), config))
}

/// Strips an API Gateway stage prefix (`/prod/api/tasks` → `/api/tasks`), records
/// the caller's IP from the request context, and uses the Lambda request id as the
/// request id in logs.
fn from_gateway(mut req: Request) -> Request {
    if let Some(id) = req.lambda_context_ref().and_then(|ctx| HeaderValue::from_str(&ctx.request_id).ok()) {
        req.headers_mut().entry("x-request-id").or_insert(id);
    }
    let (stage, source_ip) = match req.request_context_ref() {
        Some(RequestContext::ApiGatewayV2(ctx)) => (ctx.stage.clone(), ctx.http.source_ip.clone()),
        Some(RequestContext::ApiGatewayV1(ctx)) => (ctx.stage.clone(), ctx.identity.source_ip.clone()),
        _ => (None, None),
    };
    if let Some(ip) = source_ip.and_then(|ip| ip.parse().ok()) {
        req.extensions_mut().insert(ClientIp(ip));
    }
    if let Some(uri) = stage.filter(|s| s != "$default").and_then(|s| strip_stage(req.uri(), &s)) {
        *req.uri_mut() = uri;
    }
    req
}

fn strip_stage(uri: &Uri, stage: &str) -> Option<Uri> {
    let rest = uri.path().strip_prefix('/')?.strip_prefix(stage)?;
    if !(rest.is_empty() || rest.starts_with('/')) {
        return None;
    }
    let path = if rest.is_empty() { "/" } else { rest };
    let path_and_query = match uri.query() {
        Some(query) => format!("{path}?{query}"),
        None => path.to_owned(),
    };
    path_and_query.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::strip_stage;

    #[test]
    fn strips_only_a_whole_leading_stage_segment() {
        let uri = "/prod/api/tasks?page=2".parse().unwrap();
        assert_eq!(strip_stage(&uri, "prod").unwrap(), "/api/tasks?page=2");
        let uri = "/production/api".parse().unwrap();
        assert_eq!(strip_stage(&uri, "prod"), None);
        let uri = "/prod".parse().unwrap();
        assert_eq!(strip_stage(&uri, "prod").unwrap(), "/");
    }
}
