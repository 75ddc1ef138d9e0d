use std::str::FromStr;

use sqlx::postgres::{PgConnectOptions, PgConnection, PgPoolOptions, PgRow, Postgres};
use sqlx::{Connection, FromRow, Row};
use uuid::Uuid;

use crate::backend::Backend;
use crate::guard::Guard;
use crate::sql_store::SqlStore;
use crate::warm::IDLE_BEFORE_PING;
use crate::{BucketHit, ChangeBus, DatabaseSettings, RateHit, TaskPage, TaskRecord, sql};

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../../migrations/postgres");

impl Backend for Postgres {
    fn migrator() -> &'static sqlx::migrate::Migrator {
        &MIGRATOR
    }

    fn rows_affected(done: &sqlx::postgres::PgQueryResult) -> u64 {
        done.rows_affected()
    }

    const PUBLISHES_CHANGES: bool = false;

    /// One statement, a data-modifying CTE: the hit is counted whatever the page holds.
    async fn page_counting_hit<'c>(
        conn: &'c mut PgConnection,
        user_id: Uuid,
        limit: i64,
        offset: i64,
        hit: BucketHit<'c>,
    ) -> Result<TaskPage, sqlx::Error> {
        let rows: Vec<HitAndTask> = sqlx::query_as(sql::LIST_TASKS_COUNTING_HIT.as_str())
            .bind(hit.bucket)
            .bind(hit.window_start)
            .bind(user_id)
            .bind(limit)
            .bind(offset)
            .fetch_all(conn)
            .await?;
        let (hit, total) = rows.first().map(|row| (row.hit, row.total)).ok_or(sqlx::Error::RowNotFound)?;
        let tasks = rows.into_iter().filter_map(|row| row.task).collect();
        Ok(TaskPage { tasks, total: u64::try_from(total.unwrap_or_default()).unwrap_or_default(), hit })
    }
}

/// A row of `LIST_TASKS_COUNTING_HIT`: the hit, the account's total (none once the
/// account is gone), and a task unless the page is empty.
struct HitAndTask {
    hit: RateHit,
    total: Option<i64>,
    task: Option<TaskRecord>,
}

impl FromRow<'_, PgRow> for HitAndTask {
    fn from_row(row: &PgRow) -> Result<Self, sqlx::Error> {
        let task = match row.try_get::<Option<i64>, _>("id")? {
            Some(_) => Some(TaskRecord::from_row(row)?),
            None => None,
        };
        Ok(Self { hit: RateHit::from_row(row)?, total: row.try_get("account_total")?, task })
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
