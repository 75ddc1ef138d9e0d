//! The Lambda entry every function binary shares.

use std::convert::Infallible;
use std::net::IpAddr;
use std::process::ExitCode;
use std::task::{Context, Poll};

use axum::Router;
use axum::http::header::HOST;
use axum::http::{HeaderValue, Uri};
use axum::response::Response;
use axum::routing::future::RouteFuture;
use lambda_http::request::RequestContext;
use lambda_http::{Request, RequestExt, Service};
use sha2::{Digest as _, Sha256};

use backend::config::{Config, Runtime};
use backend::error::ApiError;
use backend::http::{ClientIp, finish, not_found};
use backend::startup;
use backend::state::AppState;

pub mod secrets;

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
    startup::begin(&config);
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
pub fn service(router: Router, config: &Config) -> Gateway {
    Gateway {
        app: finish(router.fallback(not_found), config),
        refuse: finish(Router::new().fallback(not_through_cloudfront), config),
        origin_secret: config.origin_secret.as_deref().map(digest),
    }
}

/// CloudFront sends the shared secret in this header to the API origin.
pub const ORIGIN_VERIFY_HEADER: &str = "x-origin-verify";
/// The viewer's address and source port, which CloudFront adds when the origin request
/// policy forwards it: `198.51.100.10:46532`, or `2001:db8::1:46532` for IPv6.
pub const VIEWER_ADDRESS_HEADER: &str = "cloudfront-viewer-address";
/// The `Host` the viewer asked for, copied by the distribution's viewer-request
/// function: CloudFront itself sends the API's own host to the origin.
pub const VIEWER_HOST_HEADER: &str = "x-forwarded-host";

/// Sends each event to the function's router, or, when the function has an origin
/// secret and the request lacks it, to a router that answers 403 for every path. Both
/// carry the same layers (security headers, logs, timeouts).
#[derive(Clone)]
pub struct Gateway {
    app: Router,
    refuse: Router,
    origin_secret: Option<Digest>,
}

impl Service<Request> for Gateway {
    type Response = Response;
    type Error = Infallible;
    type Future = RouteFuture<Infallible>;

    /// Routers are always ready.
    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, req: Request) -> Self::Future {
        let (req, admitted) = from_gateway(req, self.origin_secret.as_ref());
        if admitted { self.app.call(req) } else { self.refuse.call(req) }
    }
}

async fn not_through_cloudfront() -> ApiError {
    ApiError::Forbidden("This API is served through the site's own address only.")
}

type Digest = [u8; 32];

fn digest(value: &str) -> Digest {
    Sha256::digest(value.as_bytes()).into()
}

/// Compares fixed-size digests in full whatever their contents, so the time taken says
/// nothing about how much of a guess was right.
fn same_digest(a: &Digest, b: &Digest) -> bool {
    a.iter().zip(b).fold(0u8, |diff, (x, y)| diff | (x ^ y)) == 0
}

/// Strips an API Gateway stage prefix (`/prod/api/tasks` → `/api/tasks`), records
/// the caller's IP, and uses the Lambda request id as the request id in logs. With an
/// origin secret, says whether the request carries it; only then are the viewer's
/// address and host that CloudFront forwards believed (the IP in the request context is
/// CloudFront's own).
fn from_gateway(mut req: Request, origin_secret: Option<&Digest>) -> (Request, bool) {
    if let Some(id) = req.lambda_context_ref().and_then(|ctx| HeaderValue::from_str(&ctx.request_id).ok()) {
        req.headers_mut().entry("x-request-id").or_insert(id);
    }
    let (stage, source_ip) = match req.request_context_ref() {
        Some(RequestContext::ApiGatewayV2(ctx)) => (ctx.stage.clone(), ctx.http.source_ip.clone()),
        Some(RequestContext::ApiGatewayV1(ctx)) => (ctx.stage.clone(), ctx.identity.source_ip.clone()),
        _ => (None, None),
    };
    let through_cloudfront = origin_secret.map(|expected| {
        let sent = req.headers_mut().remove(ORIGIN_VERIFY_HEADER);
        sent.is_some_and(|sent| same_digest(&digest(sent.to_str().unwrap_or_default()), expected))
    });
    let mut ip = source_ip.and_then(|ip| ip.parse().ok());
    if through_cloudfront == Some(true) {
        let viewer = req.headers().get(VIEWER_ADDRESS_HEADER).and_then(|v| v.to_str().ok());
        ip = viewer.and_then(viewer_ip).or(ip);
        if let Some(host) = req.headers_mut().remove(VIEWER_HOST_HEADER) {
            req.headers_mut().insert(HOST, host);
        }
    }
    if let Some(ip) = ip {
        req.extensions_mut().insert(ClientIp(ip));
    }
    if let Some(uri) = stage.filter(|s| s != "$default").and_then(|s| strip_stage(req.uri(), &s)) {
        *req.uri_mut() = uri;
    }
    (req, through_cloudfront != Some(false))
}

/// The IP of `CloudFront-Viewer-Address`: everything before the last colon, which
/// separates the source port (IPv6 addresses hold colons themselves, and come without
/// brackets; brackets are accepted all the same).
fn viewer_ip(address: &str) -> Option<IpAddr> {
    let (ip, port) = address.trim().rsplit_once(':')?;
    port.parse::<u16>().ok()?;
    ip.strip_prefix('[').and_then(|ip| ip.strip_suffix(']')).unwrap_or(ip).parse().ok()
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
    use super::{digest, same_digest, strip_stage, viewer_ip};

    #[test]
    fn viewer_ip_splits_at_the_last_colon() {
        assert_eq!(viewer_ip("198.51.100.10:46532"), Some("198.51.100.10".parse().unwrap()));
        assert_eq!(
            viewer_ip("2406:2d40:728d:fa10::c4a:42838"),
            Some("2406:2d40:728d:fa10::c4a".parse().unwrap())
        );
        assert_eq!(viewer_ip("[2001:db8::1]:443"), Some("2001:db8::1".parse().unwrap()));
        for bad in ["198.51.100.10", "2001:db8::1", "198.51.100.10:port", "", "edge:443"] {
            assert_eq!(viewer_ip(bad), None, "{bad}");
        }
    }

    #[test]
    fn digests_compare_equal_only_when_equal() {
        assert!(same_digest(&digest("one secret"), &digest("one secret")));
        assert!(!same_digest(&digest("one secret"), &digest("one secreT")));
        assert!(!same_digest(&digest("one secret"), &digest("")));
    }

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
