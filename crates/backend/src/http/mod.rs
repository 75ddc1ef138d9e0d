//! HTTP plumbing shared by every function: extractors whose rejections speak the API's
//! error format, success responses, and the layers and fallbacks around a router.

mod app;
mod client_ip;
mod extract;
mod hardening;
mod respond;

pub use app::{finish, not_found};
pub use client_ip::{ClientIp, client_ip, record_client_ip};
pub use extract::{Json, Path, Query};
pub use respond::{Created, JsonOk, created, ok, page};
