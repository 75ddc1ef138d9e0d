use std::str::FromStr;

use sqlx::Connection;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions, Postgres};

use crate::backend::Backend;
use crate::guard::Guard;
use crate::sql_store::SqlStore;
use crate::warm::IDLE_BEFORE_PING;
use crate::{ChangeBus, DatabaseSettings};

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../../migrations/postgres");

impl Backend for Postgres {
    fn migrator() -> &'static sqlx::migrate::Migrator {
        &MIGRATOR
    }

    fn rows_affected(done: &sqlx::postgres::PgQueryResult) -> u64 {
        done.rows_affected()
    }
}

impl SqlStore<Postgres> {
    /// A lazy pool: a Lambda cold start does not wait on the network, and a database
    /// that is down at start-up is retried on the first request.
    pub fn connect(url: &str, settings: &DatabaseSettings) -> Result<Self, sqlx::Error> {
        let options =
            PgConnectOptions::from_str(url)?.statement_cache_capacity(settings.statement_cache_capacity);
        // An idle connection is pinged before use when a connection failure was seen
        // since it went idle (an outage may have broken it), or when it sat idle for
        // long; a busy one is not, which would cost a round trip per query.
        let breaker = Guard::<Postgres>::breaker(settings);
        let watch = breaker.clone();
        let pool = PgPoolOptions::new()
            .max_connections(settings.max_connections)
            .min_connections(0)
            .acquire_timeout(settings.acquire_timeout)
            .idle_timeout(settings.idle_timeout)
            .test_before_acquire(false)
            .before_acquire(move |conn, meta| {
                let suspect = meta.idle_for > IDLE_BEFORE_PING || watch.failed_within(meta.idle_for);
                Box::pin(async move {
                    if suspect {
                        conn.ping().await?;
                    }
                    Ok(true)
                })
            })
            .connect_lazy_with(options);
        Ok(Self { guard: Guard::new(pool.clone(), breaker, settings), pool, changes: ChangeBus::new() })
    }
}
