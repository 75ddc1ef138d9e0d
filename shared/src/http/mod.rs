//! HTTP plumbing shared by every function: extractors whose rejections speak the API's
//! error format, success responses, and the layers and fallbacks around a router.

mod app;
mod client_ip;
mod extract;
mod respond;

pub use app::{finish, method_not_allowed, not_found, BODY_LIMIT_BYTES};
pub use client_ip::{client_ip, ClientIp};
pub use extract::{Json, Path, Query};
pub use respond::{created, ok, page, Created, Ok};
