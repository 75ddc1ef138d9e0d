//! Tools for the tests, used only as a dev-dependency: nothing here ships.
//!
//! An app over a fresh database of either backend, requests through the router, API
//! Gateway events through the Lambda entry, a real SMTP server, temporary folders, and
//! a fault-injection TCP proxy, and one that counts the statements sent to Postgres.

mod app;
mod events;
mod fault_proxy;
pub mod logs;
pub mod no_store;
pub mod reset_flow;
pub mod smtp;
mod statement_counter;
mod temp_dir;

pub use app::{
    Backend, TEST_PASSWORD, TEST_SECRET, TestApp, TestResponse, fresh_postgres_database, runtime_test_config,
    test_config,
};
pub use events::{CLOUDFRONT_HOST, body_json, v1_event, v2_event, via_cloudfront};
pub use fault_proxy::{FaultProxy, Mode};
pub use statement_counter::StatementCounter;
pub use temp_dir::{TempDir, free_port};
