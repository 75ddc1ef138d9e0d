//! What differs between the backends behind the one `SqlStore`: each is a sqlx
//! `Database` with its own migrations. A step only one backend takes is a method here.

use sqlx::Database;
use sqlx::migrate::Migrator;

pub(crate) trait Backend: Database {
    /// The migrations under `migrations/<backend>`, embedded at build time.
    fn migrator() -> &'static Migrator;

    /// How many rows a statement wrote: each backend's result type has it, but sqlx's
    /// `Database` does not say so.
    fn rows_affected(done: &Self::QueryResult) -> u64;
}
