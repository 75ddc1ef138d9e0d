use std::str::FromStr;
use std::time::Duration;

use chrono::{DateTime, Utc};
use sqlx::Connection;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use uuid::Uuid;

use super::guard::Guard;
use super::queries::{self, impl_store};
use super::{
    NewPasswordReset, NewSession, NewUser, PagedTask, SessionRecord, StoreError, UserChange, UserRecord,
    email_taken, now,
};
use crate::api::{NewTask, Task, TaskChange};
use crate::config::DatabaseSettings;
use crate::domain::{Email, PageRequest, TaskDescription, TaskTitle, UserName};

const IDLE_BEFORE_PING: Duration = Duration::from_secs(1);

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../migrations/postgres");

pub struct PgStore {
    pool: PgPool,
    guard: Guard,
}

impl PgStore {
    /// A lazy pool: a Lambda cold start does not wait on the network, and a database
    /// that is down at start-up is retried on the first request.
    pub fn connect(url: &str, settings: &DatabaseSettings) -> Result<Self, sqlx::Error> {
        let options =
            PgConnectOptions::from_str(url)?.statement_cache_capacity(settings.statement_cache_capacity);
        // A connection idle for a while is pinged before use, so one broken by an outage
        // is replaced instead of failing a request; a busy one is not, which would cost
        // a round trip per query.
        let pool = PgPoolOptions::new()
            .max_connections(settings.max_connections)
            .min_connections(0)
            .acquire_timeout(settings.acquire_timeout)
            .idle_timeout(settings.idle_timeout)
            .test_before_acquire(false)
            .before_acquire(|conn, meta| {
                Box::pin(async move {
                    if meta.idle_for > IDLE_BEFORE_PING {
                        conn.ping().await?;
                    }
                    Ok(true)
                })
            })
            .connect_lazy_with(options);
        Ok(Self { pool, guard: Guard::new(settings) })
    }

    pub fn pool(&self) -> &PgPool {
        &self.pool
    }
}

impl_store!(PgStore, MIGRATOR);
