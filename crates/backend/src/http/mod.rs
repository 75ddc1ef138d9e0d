//! HTTP plumbing shared by every function: extractors whose rejections speak the API's
//! error format, success responses, and the layers and fallbacks around a router.

mod app;
mod client_ip;
mod extract;
mod hardening;
mod rate_limit;
mod respond;

pub use app::{finish, not_found};
pub use client_ip::{ClientIp, client_ip, record_client_ip};
pub use extract::{Json, Path, Query};
pub use rate_limit::{WINDOW_SECS as RATE_LIMIT_WINDOW_SECS, limit_credentials, limit_user};
pub use respond::{Created, JsonOk, created, ok, page};
