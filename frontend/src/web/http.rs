//! Sends an `ApiRequest` with the browser's fetch. Requests stay on the page's origin with
//! the default `credentials: same-origin`, so the HttpOnly session cookie rides along and
//! no token ever passes through this code.

use gloo_net::http::{Method as HttpMethod, RequestBuilder};
use serde::de::DeserializeOwned;
use shared::api::Success;

use crate::api::{ApiError, ApiRequest, Method, decode, decode_empty};

async fn send(request: ApiRequest) -> Result<(u16, String), ApiError> {
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
    let body = response.text().await.map_err(|_| ApiError::Network)?;
    Ok((response.status(), body))
}

/// A call whose success carries data.
pub async fn fetch<T: DeserializeOwned>(request: ApiRequest) -> Result<Success<T>, ApiError> {
    let (status, body) = send(request).await?;
    decode(status, &body)
}

/// A call whose success has no body.
pub async fn fetch_empty(request: ApiRequest) -> Result<(), ApiError> {
    let (status, body) = send(request).await?;
    decode_empty(status, &body)
}
