//! Sends an `ApiRequest` with the browser's fetch. Requests stay on the page's origin with
//! the default `credentials: same-origin`, so the HttpOnly session cookie rides along and
//! no token ever passes through this code.
//!
//! A 401 `UNAUTHORIZED` from any call (the token expired, or was revoked elsewhere) ends
//! the session here, for every caller: the router's guard then takes members' pages to
//! sign in. Such a call never returns, since the page that made it is on its way out.
//! Other 401s, such as a wrong password, are the caller's to show.

use std::future::{Future, pending};

use contract::api::Success;
use gloo_net::http::{Method as HttpMethod, RequestBuilder};
use serde::de::DeserializeOwned;
use sycamore::prelude::try_use_context;

use super::offline::Connectivity;
use super::session::try_use_session;
use crate::api::{ApiError, ApiRequest, Method, decode, decode_empty};

/// What a proxy or CDN answers when the server behind it is down (Bad Gateway, Gateway
/// Timeout): as unreachable as no answer at all.
const GATEWAY_DOWN: [u16; 2] = [502, 504];

/// What came back: the status, the body, and `Retry-After` for a rate-limit refusal.
struct Reply {
    status: u16,
    body: String,
    retry_after: Option<String>,
}

async fn send(request: ApiRequest) -> Result<Reply, ApiError> {
    let method = match request.method {
        Method::Get => HttpMethod::GET,
        Method::Post => HttpMethod::POST,
        Method::Put => HttpMethod::PUT,
        Method::Patch => HttpMethod::PATCH,
        Method::Delete => HttpMethod::DELETE,
    };
    let builder = request
        .headers
        .iter()
        .fold(RequestBuilder::new(&request.path).method(method), |builder, (name, value)| {
            builder.header(name, value)
        });
    let built = match request.body {
        Some(json) => builder.header("Content-Type", "application/json").body(json),
        None => builder.build(),
    };
    let response = built.map_err(|_| ApiError::Network)?.send().await.map_err(|_| ApiError::Network)?;
    let retry_after = response.headers().get("Retry-After");
    let body = response.text().await.map_err(|_| ApiError::Network)?;
    Ok(Reply { status: response.status(), body, retry_after })
}

/// Sends `request` and reads the reply with `read`; ends the session on a 401.
fn call<T: 'static>(
    request: ApiRequest,
    read: fn(u16, &str) -> Result<T, ApiError>,
) -> impl Future<Output = Result<T, ApiError>> {
    // Taken now, while the caller's scope is current.
    let session = try_use_session();
    let connectivity = try_use_context::<Connectivity>();
    async move {
        let reply = send(request).await;
        if let Some(connectivity) = connectivity {
            connectivity.observe(reply.as_ref().is_ok_and(|reply| !GATEWAY_DOWN.contains(&reply.status)));
        }
        let reply = reply?;
        let result = read(reply.status, &reply.body);
        if let (Err(error), Some(session)) = (&result, session)
            && error.is_unauthorized()
        {
            session.end();
            return pending().await;
        }
        result.map_err(|e| e.with_retry_after(reply.retry_after.as_deref()))
    }
}

/// A call whose success carries data.
pub fn fetch<T: DeserializeOwned + 'static>(
    request: ApiRequest,
) -> impl Future<Output = Result<Success<T>, ApiError>> {
    call(request, decode::<T>)
}

/// A call whose success has no body.
pub fn fetch_empty(request: ApiRequest) -> impl Future<Output = Result<(), ApiError>> {
    call(request, decode_empty)
}
