//! The connection hand-off: a call that finished cleanly gives its connection to the
//! next call instead of back to the pool.
//!
//! What it buys: sqlx 0.9 pings every connection that goes back to its pool, a round
//! trip and task wake-ups per query. Measured back to back on Postgres at 64
//! connections (`bench/RESULTS.md`, 2026-12-04, "Before and after on this machine"):
//! GET list 2402 -> 2844 req/s and 255 -> 208 µs of server CPU per request, GET one
//! 3439 -> 5317 req/s and 228 -> 142 µs. The unit test
//! `waiting_calls_are_handed_the_connection_a_call_finished_with` pins the mechanism.

use std::collections::VecDeque;
use std::ops::{Deref, DerefMut};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use sqlx::Database;
use sqlx::pool::PoolConnection;
use tokio::sync::oneshot;
use tokio::time::Instant;

use super::breaker::Breaker;

/// A connection idle this long is checked before use even when no failure was seen (the
/// database may have restarted while nobody asked it anything): the Postgres pool pings
/// it before handing it out, and the hand-off gives it back to the pool instead of
/// reusing it.
pub(super) const IDLE_BEFORE_PING: Duration = Duration::from_secs(30);

/// Out of the pool this long, a connection goes back at its next release, so that the
/// pool's lifetime rules still reach connections that are never idle.
const LEASE: Duration = Duration::from_secs(10);

/// Connections whose last call finished cleanly, kept checked out of the pool for the
/// next call.
///
/// sqlx 0.9 tests every connection that goes back to its pool with a round trip
/// (`PoolConnection`'s drop spawns a task that pings it), so two queries in a request
/// cost four round trips and four task wake-ups. A connection whose call returned is
/// known to be idle and in sync, so it needs no test. A call that failed, timed out or
/// was dropped half-way drops its connection instead, and sqlx's test decides then.
pub struct WarmConnections<DB: Database> {
    inner: Mutex<Inner<DB>>,
}

struct Inner<DB: Database> {
    ready: Vec<Warm<DB>>,
    /// Calls waiting for a connection, oldest first. A finished connection goes
    /// straight to the oldest one still waiting: back through the pool it would cost
    /// sqlx's test on release, a round trip per query under load.
    queue: VecDeque<oneshot::Sender<Lease<DB>>>,
}

struct Warm<DB: Database> {
    conn: PoolConnection<DB>,
    leased_at: Instant,
    idle_since: Instant,
}

/// A connection out of the pool, and since when.
pub struct Lease<DB: Database> {
    pub conn: PoolConnection<DB>,
    leased_at: Instant,
}

impl<DB: Database> Lease<DB> {
    pub fn new(conn: PoolConnection<DB>) -> Self {
        Self { conn, leased_at: Instant::now() }
    }
}

/// The connection a call's query runs on. When the call's future is done with it,
/// finished or dropped half-way, it goes back to the slot `lend` made; the guard
/// then keeps it only if the call returned cleanly.
pub struct Conn<DB: Database> {
    lease: Option<Lease<DB>>,
    returned: Returned<DB>,
}

/// Where a lent connection comes back to.
pub struct Returned<DB: Database>(Arc<Mutex<Option<Lease<DB>>>>);

impl<DB: Database> Conn<DB> {
    pub fn lend(lease: Lease<DB>) -> (Self, Returned<DB>) {
        let slot = Arc::new(Mutex::new(None));
        (Self { lease: Some(lease), returned: Returned(slot.clone()) }, Returned(slot))
    }
}

impl<DB: Database> Returned<DB> {
    pub fn take(&self) -> Option<Lease<DB>> {
        self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner).take()
    }
}

impl<DB: Database> Deref for Conn<DB> {
    type Target = DB::Connection;

    fn deref(&self) -> &DB::Connection {
        self.lease.as_ref().map(|lease| &*lease.conn).expect("a lent connection is there until its drop")
    }
}

impl<DB: Database> DerefMut for Conn<DB> {
    fn deref_mut(&mut self) -> &mut DB::Connection {
        self.lease.as_mut().map(|lease| &mut *lease.conn).expect("a lent connection is there until its drop")
    }
}

impl<DB: Database> Drop for Conn<DB> {
    fn drop(&mut self) {
        *self.returned.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = self.lease.take();
    }
}

/// What `take` found: a connection to use, or none and a place in the queue, where
/// the next call to finish hands its connection on.
pub enum Taken<DB: Database> {
    Ready(Lease<DB>),
    Queued(oneshot::Receiver<Lease<DB>>),
}

impl<DB: Database> WarmConnections<DB> {
    pub fn new() -> Self {
        Self { inner: Mutex::new(Inner { ready: Vec::new(), queue: VecDeque::new() }) }
    }

    /// The most recently used connection that is still fit to reuse, by the rule the
    /// pool applies to its idle ones (a connection idle longer than `IDLE_BEFORE_PING`
    /// goes back to the pool, which tests it and closes it once idle too long), or a place in
    /// the queue. A connection kept since a connection failure was seen is closed: the
    /// outage may have broken it, and sqlx's test on release could hang on a database
    /// that does not answer.
    pub fn take(&self, breaker: &Breaker) -> Taken<DB> {
        let mut inner = self.lock();
        while let Some(mut warm) = inner.ready.pop() {
            let idle = warm.idle_since.elapsed();
            if breaker.failed_within(idle) {
                warm.conn.close_on_drop();
            } else if idle <= IDLE_BEFORE_PING && warm.leased_at.elapsed() < LEASE {
                return Taken::Ready(Lease { conn: warm.conn, leased_at: warm.leased_at });
            }
        }
        // Places whose callers gave up are pruned here too, so the queue cannot grow
        // while no call finishes.
        inner.queue.retain(|place| !place.is_closed());
        let (place, handed) = oneshot::channel();
        inner.queue.push_back(place);
        Taken::Queued(handed)
    }

    /// Closes every kept connection: the breaker opened, so they are suspect, and its
    /// probe takes a connection from the pool, which kept ones could leave empty.
    pub fn close_all(&self) {
        let kept = std::mem::take(&mut self.lock().ready);
        for mut warm in kept {
            warm.conn.close_on_drop();
        }
    }

    /// Hands the connection of a call that finished cleanly to the oldest call still
    /// waiting, or keeps it for the next one. Once the lease is over it goes back to
    /// the pool instead.
    pub fn put(&self, lease: Lease<DB>) {
        if lease.leased_at.elapsed() >= LEASE {
            return;
        }
        let mut lease = lease;
        let mut inner = self.lock();
        while let Some(place) = inner.queue.pop_front() {
            match place.send(lease) {
                Ok(()) => return,
                Err(refused) => lease = refused,
            }
        }
        inner.ready.push(Warm { conn: lease.conn, leased_at: lease.leased_at, idle_since: Instant::now() });
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner<DB>> {
        self.inner.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl<DB: Database> Drop for WarmConnections<DB> {
    /// Going back to the pool spawns a task, which needs a runtime; a store dropped
    /// after its runtime ended closes its kept connections instead.
    fn drop(&mut self) {
        if tokio::runtime::Handle::try_current().is_err() {
            for warm in self.lock().ready.drain(..) {
                drop(warm.conn.detach());
            }
        }
    }
}

#[cfg(all(test, feature = "sqlite"))]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    use sqlx::sqlite::{Sqlite, SqlitePoolOptions};
    use tokio::task::JoinSet;

    use crate::DatabaseSettings;
    use crate::StoreError;
    use crate::guard::Guard;

    fn settings(breaker_threshold: u32) -> DatabaseSettings {
        DatabaseSettings {
            max_connections: 1,
            acquire_timeout: Duration::from_secs(5),
            idle_timeout: Duration::from_secs(60),
            statement_cache_capacity: 100,
            call_timeout: Duration::from_secs(2),
            breaker_threshold,
            breaker_cooldown: Duration::from_millis(100),
        }
    }

    async fn select_one(guard: &Guard<Sqlite>) -> Result<i64, StoreError> {
        guard.once(|mut conn| async move { sqlx::query_scalar("SELECT 1").fetch_one(&mut *conn).await }).await
    }

    /// The breaker's probe takes a connection from the pool; one kept here must not
    /// leave it none, or the breaker would stay open for good.
    #[tokio::test]
    async fn the_probe_is_not_starved_by_a_kept_connection() {
        let settings = settings(1);
        let pool =
            SqlitePoolOptions::new().max_connections(1).connect_lazy("sqlite::memory:").expect("a pool");
        let breaker = Guard::<Sqlite>::breaker(&settings);
        let guard = Guard::new(pool, breaker.clone(), &settings);
        assert_eq!(select_one(&guard).await.expect("a first call"), 1, "its connection is kept");
        breaker.record(true);
        tokio::time::sleep(Duration::from_millis(150)).await;
        assert!(
            matches!(select_one(&guard).await, Err(StoreError::Unavailable)),
            "this call starts the probe"
        );
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert_eq!(select_one(&guard).await.expect("the probe closed the breaker"), 1);
    }

    /// A kept connection must not strand the calls waiting for one: with one
    /// connection, each finished call hands it to the next, and never through the pool,
    /// whose test on release would cost a round trip per call.
    #[tokio::test]
    async fn waiting_calls_are_handed_the_connection_a_call_finished_with() {
        let settings = settings(5);
        let releases = Arc::new(AtomicUsize::new(0));
        let counted = releases.clone();
        let pool = SqlitePoolOptions::new()
            .max_connections(1)
            .after_release(move |_, _| {
                counted.fetch_add(1, Ordering::SeqCst);
                Box::pin(async { Ok(true) })
            })
            .connect_lazy("sqlite::memory:")
            .expect("a pool");
        let guard = Arc::new(Guard::new(pool, Guard::<Sqlite>::breaker(&settings), &settings));
        let mut calls = JoinSet::new();
        for _ in 0..20 {
            let guard = guard.clone();
            calls.spawn(async move {
                guard
                    .once(|mut conn| async move {
                        let answer: i64 = sqlx::query_scalar("SELECT 1").fetch_one(&mut *conn).await?;
                        tokio::time::sleep(Duration::from_millis(20)).await;
                        Ok(answer)
                    })
                    .await
            });
        }
        while let Some(answer) = calls.join_next().await {
            assert!(matches!(answer, Ok(Ok(1))), "{answer:?}");
        }
        assert_eq!(releases.load(Ordering::SeqCst), 0, "connections went back through the pool");
    }
}
