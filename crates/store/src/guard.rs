//! The call guard: the one path every store call takes to a connection.
//!
//! What it buys: a bound on each whole call, retries that cannot duplicate a write, and
//! a breaker that hears about every connection failure even when the caller gave up.
//! sqlx alone retries a refused connection until its acquire timeout (30 s here), so
//! without the bound an outage would hold requests for that long; the chaos suite
//! (`functions/server/tests/chaos.rs`) runs clients that give up after 0.3 s next to
//! patient ones, through black holes, refusals, resets and added latency, and checks
//! that no row is lost or written twice.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use backon::{ExponentialBuilder, Retryable};
use sqlx::{Connection, Database, Pool};
use tokio::sync::oneshot;
use tokio::time::{Instant, timeout};

use super::StoreError;
use super::breaker::{Breaker, Permit};
use super::warm::{Conn, Lease, Taken, WarmConnections};
use crate::DatabaseSettings;

/// What every store call goes through: the circuit breaker always, a bound on the
/// whole call (retries included), and retries with exponential backoff and jitter for
/// calls that cannot duplicate a write.
///
/// A caller may give up at any point (its client left, or the request timed out). So
/// that the breaker still learns what the database did, getting a connection, where an
/// unreachable database shows first, runs in a task of its own that always reports;
/// and the probe that may close the breaker is the guard's own task, never a request.
/// A call that finished cleanly hands its connection, through `warm`, to the next one.
pub struct Guard<DB: Database> {
    pool: Pool<DB>,
    breaker: Arc<Breaker>,
    warm: Arc<WarmConnections<DB>>,
    backoff: ExponentialBuilder,
    call_timeout: Duration,
}

impl<DB: Database> Guard<DB> {
    pub fn new(pool: Pool<DB>, breaker: Arc<Breaker>, settings: &DatabaseSettings) -> Self {
        Self {
            pool,
            breaker,
            warm: Arc::new(WarmConnections::new()),
            backoff: ExponentialBuilder::default()
                .with_min_delay(Duration::from_millis(50))
                .with_max_delay(Duration::from_millis(800))
                .with_max_times(3)
                .with_jitter(),
            call_timeout: settings.call_timeout,
        }
    }

    /// The breaker the pool consults before reusing an idle connection.
    pub fn breaker(settings: &DatabaseSettings) -> Arc<Breaker> {
        Arc::new(Breaker::new(settings.breaker_threshold, settings.breaker_cooldown, settings.call_timeout))
    }

    /// For reads and idempotent writes: transient failures are retried while the
    /// call's time lasts. `op` runs the query on the connection it is given.
    pub async fn retrying<T, F, Fut>(&self, op: F) -> Result<T, StoreError>
    where
        F: Fn(Conn<DB>) -> Fut,
        Fut: Future<Output = Result<T, sqlx::Error>>,
    {
        let deadline = Instant::now() + self.call_timeout;
        let op = &op;
        (move || self.attempt(deadline, op))
            .retry(self.backoff)
            .when(move |e: &StoreError| {
                matches!(e, StoreError::Database(db) if is_transient(db)) && Instant::now() < deadline
            })
            .notify(|e, delay| {
                tracing::warn!(event = "db_retry", error = %e, delay_ms = delay.as_millis() as u64, "retrying")
            })
            .await
    }

    /// For writes that a retry could apply twice (creates, toggles, counters).
    pub async fn once<T, F, Fut>(&self, op: F) -> Result<T, StoreError>
    where
        F: FnOnce(Conn<DB>) -> Fut,
        Fut: Future<Output = Result<T, sqlx::Error>>,
    {
        self.once_within(self.call_timeout, op).await
    }

    /// Like `once`, with its own bound (health checks answer sooner than requests).
    pub async fn once_within<T, F, Fut>(&self, limit: Duration, op: F) -> Result<T, StoreError>
    where
        F: FnOnce(Conn<DB>) -> Fut,
        Fut: Future<Output = Result<T, sqlx::Error>>,
    {
        self.attempt(Instant::now() + limit, op).await
    }

    async fn attempt<T, F, Fut>(&self, deadline: Instant, op: F) -> Result<T, StoreError>
    where
        F: FnOnce(Conn<DB>) -> Fut,
        Fut: Future<Output = Result<T, sqlx::Error>>,
    {
        let (conn, returned) = Conn::lend(self.connection(deadline).await?);
        let result = match tokio::time::timeout_at(deadline, op(conn)).await {
            Ok(result) => {
                self.breaker.record(matches!(&result, Err(e) if is_connection_failure(e)));
                result
            }
            Err(_) => {
                self.breaker.record_stall();
                tracing::warn!(event = "db_call_stalled", "a store call got no answer within its bound");
                Err(sqlx::Error::Io(std::io::Error::new(
                    std::io::ErrorKind::TimedOut,
                    "no answer within the call's bound",
                )))
            }
        };
        if result.is_ok()
            && let Some(lease) = returned.take()
        {
            self.warm.put(lease);
        }
        result.map_err(StoreError::from)
    }

    async fn connection(&self, deadline: Instant) -> Result<Lease<DB>, StoreError> {
        match self.breaker.permit() {
            Permit::Allowed => {}
            Permit::Refused => return Err(StoreError::Unavailable),
            Permit::Probe => {
                self.warm.close_all();
                self.spawn_probe();
                return Err(StoreError::Unavailable);
            }
        }
        let mut handed = match self.warm.take(&self.breaker) {
            Taken::Ready(lease) => return Ok(lease),
            Taken::Queued(handed) => handed,
        };
        // The pool is asked while the queue waits: it is the only way to a new
        // connection, and where an unreachable database shows first. If the queue
        // answers first, an ask that may be opening a connection is left to finish and
        // the next call gets that connection: cut short, the pool would stay below its
        // size and keep paying for connects.
        let may_connect = self.pool.size() < self.pool.options().get_max_connections();
        let (answer, mut acquired) = oneshot::channel();
        let (pool, breaker, warm) = (self.pool.clone(), self.breaker.clone(), self.warm.clone());
        let asked = std::time::Instant::now();
        let acquiring = tokio::spawn(async move {
            let result = timeout_at(deadline, pool.acquire()).await;
            match &result {
                Err(sqlx::Error::PoolTimedOut) => breaker.record_wait_timeout(asked),
                Err(e) if is_connection_failure(e) => breaker.record(true),
                _ => {}
            }
            // The caller gave up, or was handed a connection first: the next call gets it.
            if let Err(Ok(conn)) = answer.send(result) {
                warm.put(Lease::new(conn));
            }
        });
        tokio::select! {
            biased;
            Ok(lease) = &mut handed => {
                if !may_connect {
                    acquiring.abort();
                }
                acquired.close();
                if let Ok(Ok(conn)) = acquired.try_recv() {
                    self.warm.put(Lease::new(conn));
                }
                Ok(lease)
            }
            result = &mut acquired => {
                handed.close();
                let late = handed.try_recv().ok();
                match (result, late) {
                    (Ok(Ok(conn)), late) => {
                        if let Some(lease) = late {
                            self.warm.put(lease);
                        }
                        Ok(Lease::new(conn))
                    }
                    (_, Some(lease)) => Ok(lease),
                    (Ok(Err(e)), None) => Err(StoreError::from(e)),
                    (Err(lost), None) => Err(StoreError::Database(sqlx::Error::Io(std::io::Error::other(lost)))),
                }
            }
        }
    }

    fn spawn_probe(&self) {
        let (pool, breaker, limit) = (self.pool.clone(), self.breaker.clone(), self.call_timeout);
        tokio::spawn(async move {
            let reached = timeout(limit, async move { pool.acquire().await?.ping().await }).await;
            breaker.record_probe(matches!(reached, Ok(Ok(()))));
        });
    }
}

/// Runs `fut`, a wait for a connection, until `deadline`; running out is a pool that
/// produced no connection in time.
async fn timeout_at<T>(
    deadline: Instant,
    fut: impl Future<Output = Result<T, sqlx::Error>>,
) -> Result<T, sqlx::Error> {
    tokio::time::timeout_at(deadline, fut).await.unwrap_or(Err(sqlx::Error::PoolTimedOut))
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

#[cfg(all(test, feature = "sqlite"))]
mod tests {
    use std::sync::Arc;
    use std::time::Duration;

    use sqlx::sqlite::{Sqlite, SqlitePoolOptions};
    use tokio::task::JoinSet;

    use super::Guard;
    use crate::DatabaseSettings;
    use crate::StoreError;

    /// Seconds of work for SQLite: counts to five million, one row at a time.
    const SLOW: &str = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 5000000) SELECT count(*) FROM c";

    /// Issue 25: three calls whose statements ran past the bound at once (an export of
    /// a large account, say) counted as connection failures, opened the breaker, and
    /// every other caller was refused.
    #[tokio::test]
    async fn statements_past_the_bound_fail_alone() {
        let settings = DatabaseSettings {
            max_connections: 4,
            acquire_timeout: Duration::from_secs(5),
            idle_timeout: Duration::from_secs(60),
            statement_cache_capacity: 100,
            call_timeout: Duration::from_millis(200),
            breaker_threshold: 3,
            breaker_cooldown: Duration::from_secs(60),
        };
        let pool =
            SqlitePoolOptions::new().max_connections(4).connect_lazy("sqlite::memory:").expect("a pool");
        let guard = Arc::new(Guard::new(pool, Guard::<Sqlite>::breaker(&settings), &settings));
        let mut slow = JoinSet::new();
        for _ in 0..3 {
            let guard = guard.clone();
            slow.spawn(async move {
                guard.once(|mut conn| async move { sqlx::query_scalar::<_, i64>(SLOW).fetch_one(&mut *conn).await }).await
            });
        }
        for answer in slow.join_all().await {
            assert!(matches!(answer, Err(StoreError::Database(_))), "the slow call's own error: {answer:?}");
        }
        let other =
            guard
                .once(|mut conn| async move {
                    sqlx::query_scalar::<_, i64>("SELECT 1").fetch_one(&mut *conn).await
                })
                .await;
        assert_eq!(other.ok(), Some(1), "another caller is still served");
    }
}
