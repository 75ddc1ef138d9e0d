//! The task manager's shared crate.
//!
//! Without features it holds only what the browser needs too: the API's request and
//! response types and the domain rules that validate them. The `server` feature adds
//! configuration, the store, auth and the HTTP plumbing every function uses.

pub mod api;
pub mod cookie_list;
pub mod domain;
pub mod session_hint;

#[cfg(feature = "server")]
pub mod auth;
#[cfg(feature = "server")]
pub mod config;
#[cfg(feature = "server")]
pub mod error;
#[cfg(feature = "server")]
pub mod http;
#[cfg(feature = "lambda")]
pub mod lambda;
#[cfg(feature = "server")]
pub mod mail;
#[cfg(feature = "openapi")]
pub mod openapi;
#[cfg(feature = "lambda")]
pub mod secrets;
#[cfg(feature = "server")]
pub mod startup;
#[cfg(feature = "server")]
pub mod state;
#[cfg(feature = "server")]
pub mod store;
#[cfg(feature = "server")]
pub mod telemetry;

#[cfg(feature = "server")]
pub use error::ApiError;
#[cfg(feature = "server")]
pub use state::AppState;
