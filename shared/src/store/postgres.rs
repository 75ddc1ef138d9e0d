use std::str::FromStr;

use chrono::{DateTime, Utc};
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use uuid::Uuid;

use super::queries::{self, impl_store};
use super::{NewUser, PoolSettings, StoreError, UserChange, UserRecord, email_taken, now};
use crate::api::{NewTask, Task, TaskChange};
use crate::domain::{Email, PageRequest, TaskDescription, TaskTitle, UserName};

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../migrations/postgres");

pub struct PgStore {
    pool: PgPool,
}

impl PgStore {
    /// A lazy pool: a Lambda cold start does not wait on the network, and a database
    /// that is down at start-up is retried on the first request.
    pub fn connect(url: &str, settings: PoolSettings) -> Result<Self, sqlx::Error> {
        let options = PgConnectOptions::from_str(url)?;
        let pool = PgPoolOptions::new()
            .max_connections(settings.max_connections)
            .min_connections(0)
            .acquire_timeout(settings.acquire_timeout)
            .idle_timeout(std::time::Duration::from_secs(300))
            .connect_lazy_with(options);
        Ok(Self { pool })
    }

    pub fn pool(&self) -> &PgPool {
        &self.pool
    }
}

impl_store!(PgStore, sqlx::Postgres, MIGRATOR);
