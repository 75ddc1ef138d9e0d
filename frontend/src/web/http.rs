//! Calls the API (through `web::send`) on behalf of the app's pages, and watches every
//! answer for what it says about the server and the session.
//!
//! A 401 `UNAUTHORIZED` from any call (the token expired, or was revoked elsewhere) ends
//! the session here, for every caller: the router's guard then takes members' pages to
//! sign in. Such a call never returns, since the page that made it is on its way out.
//! Other 401s, such as a wrong password, are the caller's to show.

use std::future::{Future, pending};

use contract::api::Success;
use serde::de::DeserializeOwned;
use sycamore::prelude::try_use_context;

use super::offline::{Connectivity, Outbox};
use super::send::send;
use super::session::try_use_session;
use crate::api::{ApiError, ApiRequest, GATEWAY_DOWN, decode, decode_empty};

/// Sends `request` and reads the reply with `read`; ends the session on a 401.
fn call<T: 'static>(
    request: ApiRequest,
    read: fn(u16, &str) -> Result<T, ApiError>,
) -> impl Future<Output = Result<T, ApiError>> {
    // Taken now, while the caller's scope is current.
    let session = try_use_session();
    let connectivity = try_use_context::<Connectivity>();
    let outbox = try_use_context::<Outbox>();
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
            if let Some(outbox) = outbox {
                outbox.session_gone();
            }
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
