//! The task manager's web app.
//!
//! Everything that decides something (validation, request building, error mapping,
//! pagination, optimistic and live updates) lives in plain modules that also compile natively, so
//! `cargo test -p frontend` covers it. The `web` module only wires that logic to the DOM
//! and exists only on wasm32.

pub mod api;
pub mod devices;
pub mod form_errors;
pub mod forms;
pub mod live;
pub mod offline;
pub mod optimistic;
pub mod pagination;
pub mod reset_link;
pub mod session;

#[cfg(target_arch = "wasm32")]
mod web;

#[cfg(target_arch = "wasm32")]
pub use web::start;
