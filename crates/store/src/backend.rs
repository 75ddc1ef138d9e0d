//! What differs between the backends behind the one `SqlStore`: each is a sqlx
//! `Database` with its own migrations. A step only one backend takes is a method here.

use sqlx::Database;
use sqlx::migrate::Migrator;
use uuid::Uuid;

use crate::{BucketHit, TaskPage};

pub(crate) trait Backend: Database {
    /// The migrations under `migrations/<backend>`, embedded at build time.
    fn migrator() -> &'static Migrator;

    /// How many rows a statement wrote: each backend's result type has it, but sqlx's
    /// `Database` does not say so.
    fn rows_affected(done: &Self::QueryResult) -> u64;

    /// Whether the store itself tells this process's `ChangeBus` of its task writes,
    /// after they commit. SQLite does, as nothing else would; Postgres does not: every
    /// instance hears every write through the database (LISTEN/NOTIFY), its own included.
    const PUBLISHES_CHANGES: bool;

    /// The page of `LIST_TASKS` and the account's total, with `hit` counted first, on one
    /// connection in as few round trips as the backend can: one statement on Postgres,
    /// two or three in-process on SQLite.
    fn page_counting_hit<'c>(
        conn: &'c mut Self::Connection,
        user_id: Uuid,
        limit: i64,
        offset: i64,
        hit: BucketHit<'c>,
    ) -> impl Future<Output = Result<TaskPage, sqlx::Error>> + Send + 'c;
}
