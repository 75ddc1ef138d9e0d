//! How the pool and the circuit breaker behave, and which store a URL names: the
//! configuration reads them from the environment, the store is built from them.

use std::time::Duration;

/// How the pool and the circuit breaker around it behave.
#[derive(Debug, Clone, Copy)]
pub struct DatabaseSettings {
    pub max_connections: u32,
    pub acquire_timeout: Duration,
    pub idle_timeout: Duration,
    /// 0 turns prepared-statement caching off, for PgBouncer in transaction mode.
    pub statement_cache_capacity: usize,
    /// The most one store call may take, waiting for a connection included. A call that
    /// got no connection within it counts as a connection failure; one whose statement
    /// ran over answers `DB_ERROR` and counts for nothing. sqlx keeps retrying a refused
    /// connection until the acquire timeout, so without this an outage would hold
    /// requests for the whole acquire timeout before the breaker saw anything.
    pub call_timeout: Duration,
    pub breaker_threshold: u32,
    pub breaker_cooldown: Duration,
}

/// Whether `DATABASE_URL` names the SQLite store; anything else accepted is Postgres.
pub fn is_sqlite_url(url: &str) -> bool {
    url.starts_with("sqlite:")
}
