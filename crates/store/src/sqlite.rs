use std::str::FromStr;
use std::time::Duration;

use sqlx::sqlite::{
    Sqlite, SqliteConnectOptions, SqliteConnection, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous,
};
use uuid::Uuid;

use crate::backend::Backend;
use crate::guard::Guard;
use crate::sql_store::SqlStore;
use crate::{BucketHit, ChangeBus, DatabaseSettings, PagedTask, TaskPage, sql};

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../../migrations/sqlite");

impl Backend for Sqlite {
    fn migrator() -> &'static sqlx::migrate::Migrator {
        &MIGRATOR
    }

    fn rows_affected(done: &sqlx::sqlite::SqliteQueryResult) -> u64 {
        done.rows_affected()
    }

    const PUBLISHES_CHANGES: bool = true;

    /// Statements on one connection, with no network between them: the hit, the page
    /// with the total, and the total alone when the page is empty. Not one transaction:
    /// the hit's write lock would then be held while the page is read, and every list
    /// would queue behind every other.
    async fn page_counting_hit<'c>(
        conn: &'c mut SqliteConnection,
        user_id: Uuid,
        limit: i64,
        offset: i64,
        hit: BucketHit<'c>,
    ) -> Result<TaskPage, sqlx::Error> {
        let hit = sqlx::query_as(sql::HIT_RATE_LIMIT)
            .bind(hit.bucket)
            .bind(hit.window_start)
            .fetch_one(&mut *conn)
            .await?;
        let rows: Vec<PagedTask> = sqlx::query_as(sql::LIST_TASKS)
            .bind(user_id)
            .bind(limit)
            .bind(offset)
            .fetch_all(&mut *conn)
            .await?;
        let total = match rows.first() {
            Some(row) => row.total,
            None => sqlx::query_scalar(sql::COUNT_TASKS)
                .bind(user_id)
                .fetch_optional(&mut *conn)
                .await?
                .unwrap_or_default(),
        };
        let tasks = rows.into_iter().map(|row| row.task).collect();
        Ok(TaskPage { tasks, total: u64::try_from(total).unwrap_or_default(), hit })
    }
}

impl SqlStore<Sqlite> {
    /// Creates the file and its folder when missing, so a fresh clone just runs.
    pub fn connect(url: &str, settings: &DatabaseSettings) -> Result<Self, sqlx::Error> {
        let options = SqliteConnectOptions::from_str(url)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .busy_timeout(busy_timeout(settings.call_timeout))
            .foreign_keys(true)
            // Each connection keeps its own page cache (2 MiB by default); the operating
            // system caches the file once for all of them, so a small cache per
            // connection costs little speed and saves most of the memory.
            .pragma("cache_size", format!("-{SQLITE_CACHE_KIB}"));
        if let Some(dir) = options.get_filename().parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)?;
        }
        let pool = SqlitePoolOptions::new()
            .max_connections(settings.max_connections)
            .acquire_timeout(settings.acquire_timeout)
            .idle_timeout(settings.idle_timeout)
            .connect_lazy_with(options);
        let breaker = Guard::<Sqlite>::breaker(settings);
        Ok(Self { guard: Guard::new(pool.clone(), breaker, settings), pool, changes: ChangeBus::new() })
    }
}

/// Each connection's page cache, in KiB: 1 MiB with the default pool of 4, and 5 MiB
/// of the server's 50 MB memory budget if `DB_MAX_CONNECTIONS` is raised to 20.
const SQLITE_CACHE_KIB: u32 = 256;

/// How long a write waits for another connection's lock: well inside the call bound,
/// so a held lock gives SQLite's own "database is locked" error, not a timeout that
/// the breaker would take for a broken connection.
fn busy_timeout(call_timeout: Duration) -> Duration {
    call_timeout.mul_f64(0.75)
}
