//! Persistence behind one trait, with a Postgres and a SQLite implementation.
//!
//! The store takes values that `contract`'s domain types have already made valid, and
//! scopes every task write by owner. Which backend runs is chosen from `DATABASE_URL`.

mod backend;
mod breaker;
mod changes;
mod guard;
mod listen;
mod postgres;
mod rows;
mod settings;
/// Public so that the benchmark's pgbench ceilings run the very statements the store sends.
pub mod sql;
mod sql_store;
#[cfg(feature = "sqlite")]
mod sqlite;
mod task_changes;
mod warm;

use std::sync::Arc;

use async_trait::async_trait;
use chrono::{DateTime, SubsecRound, Utc};
use uuid::Uuid;

pub use changes::{Change, ChangeBus};
use contract::domain::{Email, IdempotencyKey, NewTask, PageRequest, TaskChange, UserName};
pub use listen::start_listener;
pub use settings::{DatabaseSettings, is_sqlite_url};

use sql_store::SqlStore;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("email already registered")]
    EmailTaken,
    #[error(transparent)]
    Database(#[from] sqlx::Error),
    /// The circuit breaker is open: the database was unreachable moments ago.
    #[error("database unavailable (circuit open)")]
    Unavailable,
}

/// A user row; the password hash never leaves the server.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct UserRecord {
    pub id: Uuid,
    pub email: String,
    pub name: String,
    pub password_hash: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A task row, as the store reads it back.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct TaskRecord {
    pub id: i64,
    pub user_id: Uuid,
    pub title: String,
    pub description: Option<String>,
    pub completed: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Raised by every change; the task's ETag.
    pub version: i64,
}

/// A row of a task page, with the owner's task count alongside.
#[derive(sqlx::FromRow)]
struct PagedTask {
    #[sqlx(flatten)]
    task: TaskRecord,
    total: i64,
}

/// A rate-limit hit to count with a request's own statement: one on `bucket` in the
/// fixed window starting at `window_start` (Unix seconds), as `Store::hit_rate_limit`.
#[derive(Debug, Clone, Copy)]
pub struct BucketHit<'a> {
    pub bucket: &'a str,
    pub window_start: i64,
}

/// A page of the user's tasks, newest first, how many they have in all, and the
/// rate-limit hit counted with it.
#[derive(Debug)]
pub struct TaskPage {
    pub tasks: Vec<TaskRecord>,
    pub total: u64,
    pub hit: RateHit,
}

/// A task the changes feed reads: its latest state, the position of its last change,
/// and whether that change put it in the trash.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ChangedTask {
    #[sqlx(flatten)]
    pub task: TaskRecord,
    pub change_seq: i64,
    pub trashed: bool,
}

/// What a conditional write on one task found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TaskWrite {
    /// Written: the task as it is now.
    Done(TaskRecord),
    /// `If-Match` named no version the task has; nothing changed. The task as it is.
    Stale(TaskRecord),
    /// A restore that would take the account past its cap; nothing changed.
    Full,
    /// The user has no such task (in the list, or for a restore, in the trash).
    Missing,
}

/// What a create with an `Idempotency-Key` did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyedCreate {
    /// The first create with this key: the new task.
    Created(TaskRecord),
    /// The key came before with the same request: the task its first create answered.
    Replayed(TaskRecord),
    /// The key came before with a different request; nothing changed.
    Reused,
    /// The key's first create has not finished yet.
    InProgress,
    /// The account holds its cap; nothing changed.
    Full,
}

/// A bucket's count in its current window.
#[derive(Debug, Clone, Copy, PartialEq, Eq, sqlx::FromRow)]
pub struct RateHit {
    pub hits: i64,
    pub window_start: i64,
}

#[derive(Clone, Copy)]
pub struct NewUser<'a> {
    pub email: &'a Email,
    pub name: &'a UserName,
    pub password_hash: &'a str,
}

/// What a profile change writes. A new `email` or `password_hash` also ends the
/// account's live reset links.
#[derive(Default, Clone, Copy)]
pub struct UserChange<'a> {
    pub email: Option<&'a Email>,
    pub name: Option<&'a UserName>,
    pub password_hash: Option<&'a str>,
}

/// What a request that writes to the account checked, which must still hold when it
/// writes: its session is live and, if it verified the password, the stored hash is
/// the one it verified against.
#[derive(Clone, Copy)]
pub struct StillVerified<'a> {
    pub session_id: Uuid,
    pub password_hash: Option<&'a str>,
}

/// A session as it starts: the device it was started from is what the user sees later.
pub struct NewSession<'a> {
    pub id: Uuid,
    pub user_id: Uuid,
    pub expires_at: DateTime<Utc>,
    pub user_agent: Option<&'a str>,
    pub ip: Option<&'a str>,
}

/// A live session as the signed-in devices list shows it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SessionRecord {
    pub id: Uuid,
    pub created_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
    pub user_agent: Option<String>,
    pub ip: Option<String>,
}

/// A browser that signed in, as its device cookie names it: the account, a random id,
/// and the account's device generation when the cookie was issued.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Device {
    pub id: Uuid,
    pub user_id: Uuid,
    pub generation: i64,
}

/// A reset link being issued: its token's hash, and the per-account cap it must fit in.
pub struct NewPasswordReset<'a> {
    pub token_hash: &'a str,
    pub user_id: Uuid,
    pub expires_at: DateTime<Utc>,
    /// Links issued since this moment count toward `cap`.
    pub cap_since: DateTime<Utc>,
    pub cap: u32,
}

#[async_trait]
pub trait Store: Send + Sync + 'static {
    /// Where this process hears that a user's tasks changed.
    fn changes(&self) -> &ChangeBus;

    /// `SELECT 1` within 2 s, for health checks.
    async fn ping(&self) -> Result<(), StoreError>;
    async fn migrate(&self) -> Result<(), sqlx::migrate::MigrateError>;

    async fn insert_user(&self, user: NewUser<'_>) -> Result<UserRecord, StoreError>;
    async fn user_by_email(&self, email: &Email) -> Result<Option<UserRecord>, StoreError>;
    /// `None`, and nothing written, when `verified` no longer holds.
    async fn update_user(
        &self,
        id: Uuid,
        verified: StillVerified<'_>,
        change: UserChange<'_>,
    ) -> Result<Option<UserRecord>, StoreError>;

    async fn insert_session(&self, session: &NewSession<'_>) -> Result<(), StoreError>;
    /// The user of a live session, or `None` once it is revoked, expired or its user gone.
    async fn session_user(&self, session_id: Uuid, user_id: Uuid) -> Result<Option<UserRecord>, StoreError>;
    async fn delete_session(&self, id: Uuid) -> Result<(), StoreError>;
    /// Revokes every session of `user_id` but `keep`, and drops expired ones.
    async fn delete_other_sessions(&self, user_id: Uuid, keep: Uuid) -> Result<(), StoreError>;

    /// Adds a task, unless the user already holds `cap`: then nothing changes and the
    /// answer is `None`.
    async fn insert_task(
        &self,
        user_id: Uuid,
        task: &NewTask,
        cap: u32,
    ) -> Result<Option<TaskRecord>, StoreError>;
    /// Adds a task as `insert_task` does, once per `key` of the user within
    /// `IDEMPOTENCY_KEY_HOURS`: the key, the task and the answer are written together.
    async fn insert_task_with_key(
        &self,
        user_id: Uuid,
        key: &IdempotencyKey,
        task: &NewTask,
        cap: u32,
    ) -> Result<KeyedCreate, StoreError>;
    /// A page of the user's tasks, newest first, and how many they have in all, with
    /// `hit` counted in the same round trip (as `hit_rate_limit` counts it), so that a
    /// rate-limited read costs one. The hit counts even when the page is refused after.
    async fn list_tasks(
        &self,
        user_id: Uuid,
        page: PageRequest,
        hit: BucketHit<'_>,
    ) -> Result<TaskPage, StoreError>;
    async fn task_owner(&self, id: i64) -> Result<Option<Uuid>, StoreError>;
    /// The user's task, unless it is in the trash.
    async fn task(&self, id: i64, user_id: Uuid) -> Result<Option<TaskRecord>, StoreError>;
    /// Each write below runs only if the task's version is one of `expected` (`None`:
    /// any version), raises the version and counts as one change of the user's tasks.
    async fn update_task(
        &self,
        id: i64,
        user_id: Uuid,
        change: &TaskChange,
        expected: Option<&[i64]>,
    ) -> Result<TaskWrite, StoreError>;
    async fn toggle_task(
        &self,
        id: i64,
        user_id: Uuid,
        expected: Option<&[i64]>,
    ) -> Result<TaskWrite, StoreError>;
    /// Moves the task to the trash.
    async fn delete_task(
        &self,
        id: i64,
        user_id: Uuid,
        expected: Option<&[i64]>,
    ) -> Result<TaskWrite, StoreError>;
    /// Brings a task back from the trash, unless the account already holds `cap`.
    /// A task that is not in the trash is answered as it is, unchanged.
    async fn restore_task(
        &self,
        id: i64,
        user_id: Uuid,
        expected: Option<&[i64]>,
        cap: u32,
    ) -> Result<TaskWrite, StoreError>;
    /// The position of the user's last task change; `None` without the user.
    async fn task_seq(&self, user_id: Uuid) -> Result<Option<i64>, StoreError>;
    /// The user's current position `S`, and up to `limit` tasks whose last change lies
    /// in `(after, S]`, oldest change first. `None` without the user.
    async fn changes_since(
        &self,
        user_id: Uuid,
        after: i64,
        limit: u32,
    ) -> Result<Option<(i64, Vec<ChangedTask>)>, StoreError>;
    /// Purges tasks trashed before `trash_before` and idempotency keys claimed before
    /// `keys_before`; returns how many rows went.
    async fn purge_trash(
        &self,
        trash_before: DateTime<Utc>,
        keys_before: DateTime<Utc>,
    ) -> Result<u64, StoreError>;

    /// Counts one hit on `bucket` in the fixed window starting at `window_start` (Unix
    /// seconds), or in the stored window if that is later, and returns the hits so far
    /// in it, this one included.
    async fn hit_rate_limit(&self, bucket: &str, window_start: i64) -> Result<RateHit, StoreError>;

    /// Counts one password check for the account named by `email` in a window of
    /// `window_secs` that opened at its first check, and returns the count so far.
    async fn hit_password_check(
        &self,
        email: &str,
        now: i64,
        window_secs: i64,
    ) -> Result<RateHit, StoreError>;
    /// Takes back one check of the window starting at `window_start`.
    async fn forgive_password_check(&self, email: &str, window_start: i64) -> Result<(), StoreError>;
    /// Counts one password check on `device` in its own window of `window_secs`, as
    /// `hit_password_check` counts per account, while the device is current (its account
    /// exists, at its generation). `None`, with nothing counted, once it is not.
    async fn hit_device_check(
        &self,
        device: &Device,
        now: i64,
        window_secs: i64,
    ) -> Result<Option<RateHit>, StoreError>;
    /// Takes back one check of the device's window starting at `window_start`.
    async fn forgive_device_check(&self, device_id: Uuid, window_start: i64) -> Result<(), StoreError>;
    /// The generation a new device cookie of the account names; `None` without the account.
    async fn device_generation(&self, user_id: Uuid) -> Result<Option<i64>, StoreError>;
    /// Drops counters (per bucket, per account, per device) whose windows began before
    /// the given Unix times; device counters go with the password checks'.
    async fn purge_stale(
        &self,
        rate_limits_before: i64,
        password_checks_before: i64,
    ) -> Result<(), StoreError>;

    /// Revokes the user's expired sessions and all but the newest `keep` live ones, and
    /// returns the ids it revoked.
    async fn trim_sessions(&self, user_id: Uuid, keep: u32) -> Result<Vec<Uuid>, StoreError>;
    /// Sets `last_seen_at` to now unless it is already later than `unless_after`.
    async fn touch_session(&self, id: Uuid, unless_after: DateTime<Utc>) -> Result<(), StoreError>;
    /// The user's live sessions, newest first.
    async fn list_sessions(&self, user_id: Uuid) -> Result<Vec<SessionRecord>, StoreError>;
    /// Revokes one session of `user_id`; `false` when the user has no such session.
    async fn delete_user_session(&self, id: Uuid, user_id: Uuid) -> Result<bool, StoreError>;
    /// Deletes expired sessions, and reset links created before `resets_before` (old
    /// enough to count for nothing); returns how many rows went.
    async fn purge_expired(&self, resets_before: DateTime<Utc>) -> Result<u64, StoreError>;

    /// Records a reset link, unless the user already had `cap` links since
    /// `cap_since`: then nothing changes and the answer is `false`. Earlier links stay
    /// valid: a stranger asking again must not kill the owner's link.
    async fn insert_password_reset(&self, reset: &NewPasswordReset<'_>) -> Result<bool, StoreError>;
    /// The owner of the live, unused reset link with this hash, if there is one.
    async fn live_password_reset(&self, token_hash: &str) -> Result<Option<Uuid>, StoreError>;
    /// Spends the live, unused reset link with this hash: sets the password, revokes
    /// every session and any other link of the user, clears the account's failed
    /// password checks and ends its device cookies, all at once, and returns the user as
    /// now stored. `None` when no such link is live.
    async fn reset_password(
        &self,
        token_hash: &str,
        password_hash: &str,
    ) -> Result<Option<UserRecord>, StoreError>;

    /// Up to `limit` of the user's tasks with ids above `after`, oldest first, the
    /// trash left out.
    async fn tasks_after(&self, user_id: Uuid, after: i64, limit: u32)
    -> Result<Vec<TaskRecord>, StoreError>;
    /// Deletes the user and everything kept about them: tasks, sessions, reset links
    /// and their rate-limit counters. `false`, and nothing deleted, when `verified`
    /// no longer holds.
    async fn delete_user(&self, user_id: Uuid, verified: StillVerified<'_>) -> Result<bool, StoreError>;
}

/// Opens the backend named by `url`, without connecting yet. A build without the
/// `sqlite` feature (the Lambda functions) refuses a `sqlite:` URL.
pub fn connect(url: &str, settings: &DatabaseSettings) -> Result<Arc<dyn Store>, sqlx::Error> {
    if is_sqlite_url(url) {
        #[cfg(feature = "sqlite")]
        return Ok(Arc::new(SqlStore::<sqlx::Sqlite>::connect(url, settings)?));
        #[cfg(not(feature = "sqlite"))]
        return Err(sqlx::Error::Configuration("this build has no SQLite store; use postgres://".into()));
    }
    Ok(Arc::new(SqlStore::<sqlx::Postgres>::connect(url, settings)?))
}

/// Timestamps are kept at microseconds, the precision both backends store.
fn now() -> DateTime<Utc> {
    Utc::now().trunc_subsecs(6)
}

fn email_taken(error: StoreError) -> StoreError {
    match &error {
        StoreError::Database(db) if db.as_database_error().is_some_and(|e| e.is_unique_violation()) => {
            StoreError::EmailTaken
        }
        _ => error,
    }
}
