//! The one `Store` implementation: the SQL of `sql.rs`, run through the call guard on
//! either backend's pool. What differs between Postgres and SQLite is in `Backend`.

use chrono::{DateTime, Utc};
use contract::domain::{Email, NewTask, PageRequest, TaskChange, TaskDescription, TaskTitle, UserName};
use sqlx::migrate::Migrate;
use sqlx::{ColumnIndex, Database, Decode, Encode, Executor, FromRow, IntoArguments, Pool, Type};
use uuid::Uuid;

use crate::backend::Backend;
use crate::guard::Guard;
use crate::{
    BucketHit, ChangeBus, Device, NewPasswordReset, NewSession, NewUser, PagedTask, RateHit, SessionRecord,
    StillVerified, Store, StoreError, TaskPage, TaskRecord, UserChange, UserRecord, email_taken, now, sql,
};

/// A store over one backend's pool. Every query runs on the connection its guard hands
/// it.
pub(crate) struct SqlStore<DB: Database> {
    pub(crate) pool: Pool<DB>,
    pub(crate) guard: Guard<DB>,
    pub(crate) changes: ChangeBus,
}

/// A call whose repeat would change its outcome (a create, a counted hit, a toggle, a
/// delete that reports what it did, a write conditional on what the request verified)
/// goes through `once`: a retry after a lost reply could apply it twice, or answer 404
/// for a delete that happened. Reads, and writes that land the same however often they
/// run, go through `retrying`.
///
/// The bounds say what sqlx must do for the backend: run queries on its connection,
/// bind the values below and decode the rows; both `Postgres` and `Sqlite` meet them.
#[async_trait::async_trait]
impl<DB> Store for SqlStore<DB>
where
    DB: Backend,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    DB::Connection: Migrate,
    DB::Arguments: IntoArguments<DB>,
    for<'q> Uuid: Encode<'q, DB> + Decode<'q, DB> + Type<DB>,
    for<'q> i64: Encode<'q, DB> + Decode<'q, DB> + Type<DB>,
    for<'q> bool: Encode<'q, DB> + Type<DB>,
    for<'q> Option<bool>: Encode<'q, DB> + Type<DB>,
    for<'q> &'q str: Encode<'q, DB> + Type<DB>,
    for<'q> Option<&'q str>: Encode<'q, DB> + Type<DB>,
    for<'q> String: Encode<'q, DB> + Type<DB>,
    for<'q> DateTime<Utc>: Encode<'q, DB> + Type<DB>,
    for<'r> UserRecord: FromRow<'r, DB::Row>,
    for<'r> TaskRecord: FromRow<'r, DB::Row>,
    for<'r> PagedTask: FromRow<'r, DB::Row>,
    for<'r> RateHit: FromRow<'r, DB::Row>,
    for<'r> SessionRecord: FromRow<'r, DB::Row>,
    usize: ColumnIndex<DB::Row>,
{
    fn changes(&self) -> &ChangeBus {
        &self.changes
    }

    async fn ping(&self) -> Result<(), StoreError> {
        self.guard
            .once_within(sql::PING_TIMEOUT, |mut conn| async move {
                sqlx::query(sql::PING).execute(&mut *conn).await
            })
            .await
            .map(|_| ())
    }

    async fn migrate(&self) -> Result<(), sqlx::migrate::MigrateError> {
        DB::migrator().run(&self.pool).await
    }

    async fn insert_user(&self, user: NewUser<'_>) -> Result<UserRecord, StoreError> {
        let (id, at) = (Uuid::new_v4(), now());
        self.guard
            .once(|mut conn| async move {
                sqlx::query_as(sql::INSERT_USER)
                    .bind(id)
                    .bind(user.email.as_str())
                    .bind(user.name.as_str())
                    .bind(user.password_hash)
                    .bind(at)
                    .fetch_one(&mut *conn)
                    .await
            })
            .await
            .map_err(email_taken)
    }

    async fn user_by_email(&self, email: &Email) -> Result<Option<UserRecord>, StoreError> {
        self.guard
            .retrying(|mut conn| async move {
                sqlx::query_as(sql::USER_BY_EMAIL).bind(email.as_str()).fetch_optional(&mut *conn).await
            })
            .await
    }

    async fn update_user(
        &self,
        id: Uuid,
        verified: StillVerified<'_>,
        change: UserChange<'_>,
    ) -> Result<Option<UserRecord>, StoreError> {
        let at = now();
        // Conditional on what the request verified, so `once`: a retry after
        // a lost reply would find the hash it just wrote and refuse.
        self.guard
            .once(|mut conn| async move {
                let mut tx = sqlx::Connection::begin(&mut *conn).await?;
                let user: Option<UserRecord> = sqlx::query_as(sql::UPDATE_USER)
                    .bind(id)
                    .bind(change.email.map(Email::as_str))
                    .bind(change.name.map(UserName::as_str))
                    .bind(change.password_hash)
                    .bind(at)
                    .bind(verified.password_hash)
                    .bind(verified.session_id)
                    .fetch_optional(&mut *tx)
                    .await?;
                if user.is_some() && (change.email.is_some() || change.password_hash.is_some()) {
                    sqlx::query(sql::EXPIRE_OTHER_PASSWORD_RESETS)
                        .bind(id)
                        .bind("")
                        .bind(at)
                        .execute(&mut *tx)
                        .await?;
                }
                tx.commit().await?;
                Ok(user)
            })
            .await
            .map_err(email_taken)
    }

    async fn insert_session(&self, session: &NewSession<'_>) -> Result<(), StoreError> {
        let at = now();
        self.guard
            .once(|mut conn| async move {
                sqlx::query(sql::INSERT_SESSION)
                    .bind(session.id)
                    .bind(session.user_id)
                    .bind(session.expires_at)
                    .bind(at)
                    .bind(session.user_agent)
                    .bind(session.ip)
                    .execute(&mut *conn)
                    .await
            })
            .await
            .map(|_| ())
    }

    async fn session_user(&self, session_id: Uuid, user_id: Uuid) -> Result<Option<UserRecord>, StoreError> {
        let at = now();
        self.guard
            .retrying(|mut conn| async move {
                sqlx::query_as(sql::SESSION_USER)
                    .bind(session_id)
                    .bind(user_id)
                    .bind(at)
                    .fetch_optional(&mut *conn)
                    .await
            })
            .await
    }

    async fn delete_session(&self, id: Uuid) -> Result<(), StoreError> {
        self.guard
            .retrying(|mut conn| async move {
                sqlx::query(sql::DELETE_SESSION).bind(id).execute(&mut *conn).await
            })
            .await
            .map(|_| ())
    }

    async fn delete_other_sessions(&self, user_id: Uuid, keep: Uuid) -> Result<(), StoreError> {
        let at = now();
        self.guard
            .retrying(|mut conn| async move {
                sqlx::query(sql::DELETE_OTHER_SESSIONS)
                    .bind(user_id)
                    .bind(keep)
                    .bind(at)
                    .execute(&mut *conn)
                    .await
            })
            .await
            .map(|_| ())
    }

    async fn insert_task(
        &self,
        user_id: Uuid,
        task: &NewTask,
        cap: u32,
    ) -> Result<Option<TaskRecord>, StoreError> {
        let at = now();
        self.guard
            .once(|mut conn| async move {
                let mut tx = sqlx::Connection::begin(&mut *conn).await?;
                sqlx::query(sql::LOCK_USER).bind(user_id).execute(&mut *tx).await?;
                let task = sqlx::query_as(sql::INSERT_TASK)
                    .bind(user_id)
                    .bind(task.title.as_str())
                    .bind(task.description.as_ref().map(TaskDescription::as_str))
                    .bind(at)
                    .bind(i64::from(cap))
                    .fetch_optional(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok(task)
            })
            .await
    }

    async fn list_tasks(
        &self,
        user_id: Uuid,
        page: PageRequest,
        hit: BucketHit<'_>,
    ) -> Result<TaskPage, StoreError> {
        let offset = i64::try_from(page.offset()).unwrap_or(i64::MAX);
        let limit = i64::from(page.limit());
        // `once`: a retry after a lost reply would count the hit twice.
        let (rows, hit) = self
            .guard
            .once(
                |mut conn| async move { DB::page_counting_hit(&mut conn, user_id, limit, offset, hit).await },
            )
            .await?;
        let total: i64 = match rows.first() {
            Some(row) => row.total,
            None if offset == 0 => 0,
            None => {
                self.guard
                    .retrying(|mut conn| async move {
                        sqlx::query_scalar(sql::COUNT_TASKS).bind(user_id).fetch_one(&mut *conn).await
                    })
                    .await?
            }
        };
        let tasks = rows.into_iter().map(|row| row.task).collect();
        Ok(TaskPage { tasks, total: u64::try_from(total).unwrap_or_default(), hit })
    }

    async fn task_owner(&self, id: i64) -> Result<Option<Uuid>, StoreError> {
        self.guard
            .retrying(|mut conn| async move {
                sqlx::query_scalar(sql::TASK_OWNER).bind(id).fetch_optional(&mut *conn).await
            })
            .await
    }

    async fn task(&self, id: i64, user_id: Uuid) -> Result<Option<TaskRecord>, StoreError> {
        self.guard
            .retrying(|mut conn| async move {
                sqlx::query_as(sql::TASK).bind(id).bind(user_id).fetch_optional(&mut *conn).await
            })
            .await
    }

    async fn update_task(
        &self,
        id: i64,
        user_id: Uuid,
        change: &TaskChange,
    ) -> Result<Option<TaskRecord>, StoreError> {
        let description = change.description.as_ref();
        let at = now();
        self.guard
            .retrying(|mut conn| async move {
                sqlx::query_as(sql::UPDATE_TASK)
                    .bind(id)
                    .bind(user_id)
                    .bind(change.title.as_ref().map(TaskTitle::as_str))
                    .bind(description.is_some())
                    .bind(description.and_then(|d| d.as_ref().map(TaskDescription::as_str)))
                    .bind(change.completed)
                    .bind(at)
                    .fetch_optional(&mut *conn)
                    .await
            })
            .await
    }

    async fn toggle_task(&self, id: i64, user_id: Uuid) -> Result<Option<TaskRecord>, StoreError> {
        let at = now();
        self.guard
            .once(|mut conn| async move {
                sqlx::query_as(sql::TOGGLE_TASK)
                    .bind(id)
                    .bind(user_id)
                    .bind(at)
                    .fetch_optional(&mut *conn)
                    .await
            })
            .await
    }

    async fn delete_task(&self, id: i64, user_id: Uuid) -> Result<bool, StoreError> {
        let done = self
            .guard
            .once(|mut conn| async move {
                sqlx::query(sql::DELETE_TASK).bind(id).bind(user_id).execute(&mut *conn).await
            })
            .await?;
        Ok(DB::rows_affected(&done) > 0)
    }

    async fn hit_rate_limit(&self, bucket: &str, window_start: i64) -> Result<RateHit, StoreError> {
        let hit: RateHit = self
            .guard
            .once(|mut conn| async move {
                sqlx::query_as(sql::HIT_RATE_LIMIT)
                    .bind(bucket)
                    .bind(window_start)
                    .fetch_one(&mut *conn)
                    .await
            })
            .await?;
        Ok(hit)
    }

    async fn hit_password_check(
        &self,
        email: &str,
        now: i64,
        window_secs: i64,
    ) -> Result<RateHit, StoreError> {
        let hit: RateHit = self
            .guard
            .once(|mut conn| async move {
                sqlx::query_as(sql::HIT_PASSWORD_CHECK)
                    .bind(email)
                    .bind(now)
                    .bind(window_secs)
                    .fetch_one(&mut *conn)
                    .await
            })
            .await?;
        Ok(hit)
    }

    async fn hit_device_check(
        &self,
        device: &Device,
        now: i64,
        window_secs: i64,
    ) -> Result<Option<RateHit>, StoreError> {
        self.guard
            .once(|mut conn| async move {
                sqlx::query_as(sql::HIT_DEVICE_CHECK)
                    .bind(device.id)
                    .bind(now)
                    .bind(window_secs)
                    .bind(device.user_id)
                    .bind(device.generation)
                    .fetch_optional(&mut *conn)
                    .await
            })
            .await
    }

    async fn forgive_device_check(&self, device_id: Uuid, window_start: i64) -> Result<(), StoreError> {
        self.guard
            .once(|mut conn| async move {
                sqlx::query(sql::FORGIVE_DEVICE_CHECK)
                    .bind(device_id)
                    .bind(window_start)
                    .execute(&mut *conn)
                    .await
            })
            .await
            .map(|_| ())
    }

    async fn device_generation(&self, user_id: Uuid) -> Result<Option<i64>, StoreError> {
        self.guard
            .retrying(|mut conn| async move {
                sqlx::query_scalar(sql::DEVICE_GENERATION).bind(user_id).fetch_optional(&mut *conn).await
            })
            .await
    }

    async fn purge_stale(
        &self,
        rate_limits_before: i64,
        password_checks_before: i64,
    ) -> Result<(), StoreError> {
        self.guard
            .once(|mut conn| async move {
                sqlx::query(sql::DELETE_OLD_RATE_LIMITS).bind(rate_limits_before).execute(&mut *conn).await
            })
            .await?;
        self.guard
            .once(|mut conn| async move {
                sqlx::query(sql::DELETE_OLD_PASSWORD_CHECKS)
                    .bind(password_checks_before)
                    .execute(&mut *conn)
                    .await
            })
            .await?;
        self.guard
            .once(|mut conn| async move {
                sqlx::query(sql::DELETE_OLD_DEVICE_CHECKS)
                    .bind(password_checks_before)
                    .execute(&mut *conn)
                    .await
            })
            .await
            .map(|_| ())
    }

    async fn forgive_password_check(&self, email: &str, window_start: i64) -> Result<(), StoreError> {
        self.guard
            .once(|mut conn| async move {
                sqlx::query(sql::FORGIVE_PASSWORD_CHECK)
                    .bind(email)
                    .bind(window_start)
                    .execute(&mut *conn)
                    .await
            })
            .await
            .map(|_| ())
    }
    async fn trim_sessions(&self, user_id: Uuid, keep: u32) -> Result<Vec<Uuid>, StoreError> {
        let at = now();
        self.guard
            .once(|mut conn| async move {
                sqlx::query_scalar(sql::TRIM_SESSIONS)
                    .bind(user_id)
                    .bind(i64::from(keep))
                    .bind(at)
                    .fetch_all(&mut *conn)
                    .await
            })
            .await
    }

    async fn touch_session(&self, id: Uuid, unless_after: DateTime<Utc>) -> Result<(), StoreError> {
        let at = now();
        self.guard
            .retrying(|mut conn| async move {
                sqlx::query(sql::TOUCH_SESSION).bind(id).bind(at).bind(unless_after).execute(&mut *conn).await
            })
            .await
            .map(|_| ())
    }

    async fn list_sessions(&self, user_id: Uuid) -> Result<Vec<SessionRecord>, StoreError> {
        let at = now();
        self.guard
            .retrying(|mut conn| async move {
                sqlx::query_as(sql::LIST_SESSIONS).bind(user_id).bind(at).fetch_all(&mut *conn).await
            })
            .await
    }

    async fn delete_user_session(&self, id: Uuid, user_id: Uuid) -> Result<bool, StoreError> {
        let done = self
            .guard
            .once(|mut conn| async move {
                sqlx::query(sql::DELETE_USER_SESSION).bind(id).bind(user_id).execute(&mut *conn).await
            })
            .await?;
        Ok(DB::rows_affected(&done) > 0)
    }

    async fn purge_expired(&self, resets_before: DateTime<Utc>) -> Result<u64, StoreError> {
        let at = now();
        let sessions = self
            .guard
            .retrying(|mut conn| async move {
                sqlx::query(sql::PURGE_SESSIONS).bind(at).execute(&mut *conn).await
            })
            .await?;
        let resets = self
            .guard
            .retrying(|mut conn| async move {
                sqlx::query(sql::PURGE_PASSWORD_RESETS).bind(resets_before).execute(&mut *conn).await
            })
            .await?;
        Ok(DB::rows_affected(&sessions) + DB::rows_affected(&resets))
    }

    async fn insert_password_reset(&self, reset: &NewPasswordReset<'_>) -> Result<bool, StoreError> {
        let at = now();
        self.guard
            .once(|mut conn| async move {
                let mut tx = sqlx::Connection::begin(&mut *conn).await?;
                sqlx::query(sql::LOCK_USER).bind(reset.user_id).execute(&mut *tx).await?;
                let done = sqlx::query(sql::INSERT_PASSWORD_RESET)
                    .bind(reset.token_hash)
                    .bind(reset.user_id)
                    .bind(at)
                    .bind(reset.expires_at)
                    .bind(reset.cap_since)
                    .bind(i64::from(reset.cap))
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok(DB::rows_affected(&done) > 0)
            })
            .await
    }

    async fn live_password_reset(&self, token_hash: &str) -> Result<Option<Uuid>, StoreError> {
        let at = now();
        self.guard
            .retrying(|mut conn| async move {
                sqlx::query_scalar(sql::LIVE_PASSWORD_RESET)
                    .bind(token_hash)
                    .bind(at)
                    .fetch_optional(&mut *conn)
                    .await
            })
            .await
    }

    async fn reset_password(
        &self,
        token_hash: &str,
        password_hash: &str,
    ) -> Result<Option<UserRecord>, StoreError> {
        let at = now();
        self.guard
            .once(|mut conn| async move {
                let mut tx = sqlx::Connection::begin(&mut *conn).await?;
                let user_id: Option<Uuid> = sqlx::query_scalar(sql::SPEND_PASSWORD_RESET)
                    .bind(token_hash)
                    .bind(at)
                    .fetch_optional(&mut *tx)
                    .await?;
                let mut user: Option<UserRecord> = None;
                if let Some(user_id) = user_id {
                    user = sqlx::query_as(sql::SET_PASSWORD)
                        .bind(user_id)
                        .bind(password_hash)
                        .bind(at)
                        .fetch_optional(&mut *tx)
                        .await?;
                    sqlx::query(sql::DELETE_ALL_SESSIONS).bind(user_id).execute(&mut *tx).await?;
                    // The mailbox is proven: strangers' failures no longer hold
                    // the account, and no device from before counts as one.
                    sqlx::query(sql::DELETE_USER_PASSWORD_CHECKS).bind(user_id).execute(&mut *tx).await?;
                    sqlx::query(sql::END_DEVICES).bind(user_id).execute(&mut *tx).await?;
                    sqlx::query(sql::EXPIRE_OTHER_PASSWORD_RESETS)
                        .bind(user_id)
                        .bind(token_hash)
                        .bind(at)
                        .execute(&mut *tx)
                        .await?;
                }
                tx.commit().await?;
                Ok(user)
            })
            .await
    }

    async fn tasks_after(
        &self,
        user_id: Uuid,
        after: i64,
        limit: u32,
    ) -> Result<Vec<TaskRecord>, StoreError> {
        self.guard
            .retrying(|mut conn| async move {
                sqlx::query_as(sql::TASKS_AFTER)
                    .bind(user_id)
                    .bind(after)
                    .bind(i64::from(limit))
                    .fetch_all(&mut *conn)
                    .await
            })
            .await
    }

    async fn delete_user(&self, user_id: Uuid, verified: StillVerified<'_>) -> Result<bool, StoreError> {
        let at = now();
        self.guard
            .once(|mut conn| async move {
                let mut tx = sqlx::Connection::begin(&mut *conn).await?;
                // The row lock, taken only if what the request verified holds,
                // keeps a reset from committing between this check and the end.
                let locked = sqlx::query(sql::LOCK_USER_IF_STILL_VERIFIED)
                    .bind(user_id)
                    .bind(verified.password_hash)
                    .bind(verified.session_id)
                    .bind(at)
                    .execute(&mut *tx)
                    .await?;
                if DB::rows_affected(&locked) == 0 {
                    return Ok(false);
                }
                for statement in [
                    sql::DELETE_USER_TASKS,
                    sql::DELETE_ALL_SESSIONS,
                    sql::DELETE_USER_PASSWORD_RESETS,
                    sql::DELETE_USER_PASSWORD_CHECKS,
                ] {
                    sqlx::query(statement).bind(user_id).execute(&mut *tx).await?;
                }
                sqlx::query(sql::DELETE_USER_RATE_LIMITS).bind(user_id.to_string()).execute(&mut *tx).await?;
                sqlx::query(sql::DELETE_USER).bind(user_id).execute(&mut *tx).await?;
                tx.commit().await?;
                Ok(true)
            })
            .await
    }
}
