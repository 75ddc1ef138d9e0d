//! What every function's server side shares: configuration, the one error type, auth
//! and its extractor, the HTTP plumbing, mail, `AppState`, and start-up with telemetry.
//! The API's types come from `contract`, persistence from `store`.

pub mod auth;
pub mod config;
pub mod credentials;
pub mod error;
pub mod http;
pub mod mail;
pub mod startup;
pub mod state;
pub mod telemetry;

pub use error::ApiError;
pub use state::AppState;
