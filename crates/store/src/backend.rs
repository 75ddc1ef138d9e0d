//! What differs between the backends behind the one `SqlStore`: each is a sqlx
//! `Database` with its own migrations. A step only one backend takes is a method here.

use sqlx::Database;
use sqlx::migrate::Migrator;
use uuid::Uuid;

use crate::{BucketHit, PagedTask, RateHit};

pub(crate) trait Backend: Database {
    /// The migrations under `migrations/<backend>`, embedded at build time.
    fn migrator() -> &'static Migrator;

    /// How many rows a statement wrote: each backend's result type has it, but sqlx's
    /// `Database` does not say so.
    fn rows_affected(done: &Self::QueryResult) -> u64;

    /// `LIST_TASKS`'s rows with `hit` counted first, on one connection in as few round
    /// trips as the backend can: one statement on Postgres, two in-process on SQLite.
    fn page_counting_hit<'c>(
        conn: &'c mut Self::Connection,
        user_id: Uuid,
        limit: i64,
        offset: i64,
        hit: BucketHit<'c>,
    ) -> impl Future<Output = Result<(Vec<PagedTask>, RateHit), sqlx::Error>> + Send + 'c;
}
