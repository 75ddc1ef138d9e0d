//! Sends an `ApiRequest` with the browser's fetch. Requests stay on the page's origin with
//! the default `credentials: same-origin`, so the HttpOnly session cookie rides along and
//! no token ever passes through this code.

use gloo_net::http::{Method as HttpMethod, RequestBuilder};
use serde::de::DeserializeOwned;
use shared::api::Success;

use crate::api::{ApiError, ApiRequest, Method, decode, decode_empty};

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
    let builder = RequestBuilder::new(&request.path).method(method);
    let built = match request.body {
        Some(json) => builder.header("Content-Type", "application/json").body(json),
        None => builder.build(),
    };
    let response = built.map_err(|_| ApiError::Network)?.send().await.map_err(|_| ApiError::Network)?;
    let retry_after = response.headers().get("Retry-After");
    let body = response.text().await.map_err(|_| ApiError::Network)?;
    Ok(Reply { status: response.status(), body, retry_after })
}

/// A call whose success carries data.
pub async fn fetch<T: DeserializeOwned>(request: ApiRequest) -> Result<Success<T>, ApiError> {
    let reply = send(request).await?;
    decode(reply.status, &reply.body).map_err(|e| e.with_retry_after(reply.retry_after.as_deref()))
}

/// A call whose success has no body.
pub async fn fetch_empty(request: ApiRequest) -> Result<(), ApiError> {
    let reply = send(request).await?;
    decode_empty(reply.status, &reply.body).map_err(|e| e.with_retry_after(reply.retry_after.as_deref()))
}
