use std::future::Future;
use std::time::Duration;

use backon::{ExponentialBuilder, Retryable};

use super::StoreError;
use super::breaker::{Breaker, Permit};
use crate::config::DatabaseSettings;

/// What every store call goes through: the circuit breaker always, and retries with
/// exponential backoff and jitter for calls that cannot duplicate a write.
pub struct Guard {
    breaker: Breaker,
    backoff: ExponentialBuilder,
    call_timeout: Duration,
}

impl Guard {
    pub fn new(settings: &DatabaseSettings) -> Self {
        Self {
            breaker: Breaker::new(settings.breaker_threshold, settings.breaker_cooldown),
            backoff: ExponentialBuilder::default()
                .with_min_delay(Duration::from_millis(50))
                .with_max_delay(Duration::from_millis(800))
                .with_max_times(3)
                .with_jitter(),
            call_timeout: settings.call_timeout,
        }
    }

    /// For reads and idempotent writes: transient failures are retried.
    pub async fn retrying<T, F, Fut>(&self, mut op: F) -> Result<T, StoreError>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<T, sqlx::Error>>,
    {
        (|| self.once(op()))
            .retry(self.backoff)
            .when(|e: &StoreError| matches!(e, StoreError::Database(db) if is_transient(db)))
            .notify(|e, delay| {
                tracing::warn!(event = "db_retry", error = %e, delay_ms = delay.as_millis() as u64, "retrying")
            })
            .await
    }

    /// For writes that a retry could apply twice (creates, toggles, counters).
    pub async fn once<T, Fut>(&self, fut: Fut) -> Result<T, StoreError>
    where
        Fut: Future<Output = Result<T, sqlx::Error>>,
    {
        self.once_within(self.call_timeout, fut).await
    }

    /// Like `once`, with its own bound (health checks answer sooner than requests).
    pub async fn once_within<T, Fut>(&self, limit: Duration, fut: Fut) -> Result<T, StoreError>
    where
        Fut: Future<Output = Result<T, sqlx::Error>>,
    {
        if self.breaker.permit() == Permit::Refused {
            return Err(StoreError::Unavailable);
        }
        let result = tokio::time::timeout(limit, fut).await.unwrap_or(Err(sqlx::Error::PoolTimedOut));
        self.breaker.record(matches!(&result, Err(e) if is_connection_failure(e)));
        result.map_err(StoreError::from)
    }
}

/// The database could not be reached or the connection broke.
pub fn is_connection_failure(error: &sqlx::Error) -> bool {
    match error {
        sqlx::Error::Io(_) | sqlx::Error::Tls(_) | sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed => {
            true
        }
        sqlx::Error::Database(db) => {
            // 08xxx: connection exceptions; 57P01-03: server shutting down or starting.
            db.code().is_some_and(|code| code.starts_with("08") || code.starts_with("57P0"))
        }
        _ => false,
    }
}

/// Worth another try: the connection failed, or the database asked for a retry
/// (serialization failure, deadlock, SQLite busy).
pub fn is_transient(error: &sqlx::Error) -> bool {
    is_connection_failure(error)
        || matches!(error, sqlx::Error::Database(db)
            if db.code().is_some_and(|code| matches!(code.as_ref(), "40001" | "40P01" | "5" | "6")))
}
