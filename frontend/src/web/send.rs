//! The one place that puts an `ApiRequest` on the wire, with the browser's fetch. Requests
//! stay on the page's origin with the default `credentials: same-origin`, so the HttpOnly
//! session cookie rides along and no token ever passes through this code. What an answer
//! means for the session is `web::http`'s; the outbox's replays read theirs themselves.

use contract::api::Task;
use gloo_net::http::{Method as HttpMethod, RequestBuilder};

use crate::api::{ApiError, ApiRequest, GATEWAY_DOWN, Method, decode, decode_empty};

/// What came back: the status, the body, and `Retry-After` for a rate-limit refusal.
pub struct Reply {
    pub status: u16,
    pub body: String,
    pub retry_after: Option<String>,
}

pub async fn send(request: ApiRequest) -> Result<Reply, ApiError> {
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

/// Sends a change from the queue again (see `web::offline::outbox`). Returns whether the
/// server was reached, and its answer: the task as it now is, or nothing (a delete). A
/// 401 is returned like any refusal, not acted on here: the queue is kept, and the
/// outbox asks the user to sign in again.
pub async fn replay(request: ApiRequest) -> (bool, Result<Option<Task>, ApiError>) {
    let reply = send(request).await;
    let reached = reply.as_ref().is_ok_and(|reply| !GATEWAY_DOWN.contains(&reply.status));
    let answer = reply.and_then(|reply| {
        if reply.body.is_empty() {
            decode_empty(reply.status, &reply.body).map(|()| None)
        } else {
            decode::<Task>(reply.status, &reply.body).map(|task| Some(task.data))
        }
    });
    (reached, answer)
}
