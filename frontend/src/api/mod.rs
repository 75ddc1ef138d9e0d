//! The client side of the API contract: which request each action sends, and what
//! each response means.

mod error;
mod request;
mod response;

pub use error::{ApiError, GATEWAY_DOWN};
pub use request::{ApiRequest, EXPORT_PATH, Method};
pub use response::{decode, decode_empty};
