//! What the server and the web app agree on, in one crate that builds for wasm32 and
//! depends on no server crate: the API's request and response types, the domain values
//! that can only be built valid, the cookie names the two read, and (with `openapi`) the
//! schema annotations of the JSON contract.

pub mod api;
pub mod cookie_list;
pub mod domain;
#[cfg(feature = "openapi")]
pub mod openapi;
pub mod policy;
pub mod session_hint;
