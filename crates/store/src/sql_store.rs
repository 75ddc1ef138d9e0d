//! The one `Store` implementation: the SQL of `sql.rs`, run through the call guard on
//! either backend's pool. What differs between Postgres and SQLite is in `Backend`.

use chrono::{DateTime, Utc};
use contract::domain::{
    Email, IdempotencyKey, NewTask, PageRequest, TaskChange, TaskDescription, TaskTitle, UserName,
};
use contract::policy::IDEMPOTENCY_KEY_HOURS;
use sqlx::migrate::Migrate;
use sqlx::{ColumnIndex, Database, Decode, Encode, Executor, FromRow, IntoArguments, Pool, Type};
use uuid::Uuid;

use crate::backend::Backend;
use crate::guard::Guard;
use crate::task_changes::{self, Refused, Step};
use crate::{
    BucketHit, Change, ChangeBus, ChangedTask, Device, KeyedCreate, NewPasswordReset, NewSession, NewUser,
    PagedTask, RateHit, SessionRecord, StillVerified, Store, StoreError, TaskPage, TaskRecord, TaskWrite,
    UserChange, UserRecord, email_taken, now, sql,
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
    for<'r> ChangedTask: FromRow<'r, DB::Row>,
    for<'r> (String, Option<String>): FromRow<'r, DB::Row>,
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
        let created = self
            .guard
            .once(|mut conn| async move {
                let mut tx = sqlx::Connection::begin(&mut *conn).await?;
                let Some(seq) = next_task_seq(&mut *tx, user_id, 1, cap).await? else {
                    tx.rollback().await?;
                    return Ok(None);
                };
                let task = insert_task_row(&mut *tx, user_id, task, at, seq).await?;
                tx.commit().await?;
                Ok(Some((task, seq)))
            })
            .await?;
        Ok(created.map(|(task, seq)| {
            self.published(user_id, seq);
            task
        }))
    }

    async fn insert_task_with_key(
        &self,
        user_id: Uuid,
        key: &IdempotencyKey,
        task: &NewTask,
        cap: u32,
    ) -> Result<KeyedCreate, StoreError> {
        let at = now();
        let forgotten_before = at - chrono::Duration::hours(IDEMPOTENCY_KEY_HOURS);
        let request = task_changes::request_text(task);
        let request = request.as_str();
        let created = self
            .guard
            .once(|mut conn| async move {
                let mut tx = sqlx::Connection::begin(&mut *conn).await?;
                let claimed = sqlx::query(sql::CLAIM_IDEMPOTENCY_KEY)
                    .bind(user_id)
                    .bind(key.as_str())
                    .bind(request)
                    .bind(at)
                    .bind(forgotten_before)
                    .execute(&mut *tx)
                    .await?;
                if DB::rows_affected(&claimed) == 0 {
                    let (first, answer): (String, Option<String>) = sqlx::query_as(sql::IDEMPOTENCY_KEY)
                        .bind(user_id)
                        .bind(key.as_str())
                        .fetch_one(&mut *tx)
                        .await?;
                    tx.rollback().await?;
                    return task_changes::replay(request, &first, answer.as_deref())
                        .map(|keyed| (keyed, None));
                }
                let Some(seq) = next_task_seq(&mut *tx, user_id, 1, cap).await? else {
                    tx.rollback().await?;
                    return Ok((KeyedCreate::Full, None));
                };
                let task = insert_task_row(&mut *tx, user_id, task, at, seq).await?;
                sqlx::query(sql::ANSWER_IDEMPOTENCY_KEY)
                    .bind(user_id)
                    .bind(key.as_str())
                    .bind(task_changes::answer_text(&task))
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok((KeyedCreate::Created(task), Some(seq)))
            })
            .await?;
        if let (_, Some(seq)) = created {
            self.published(user_id, seq);
        }
        Ok(created.0)
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
        self.guard
            .once(
                |mut conn| async move { DB::page_counting_hit(&mut conn, user_id, limit, offset, hit).await },
            )
            .await
    }

    async fn task_owner(&self, id: i64) -> Result<Option<Uuid>, StoreError> {
        self.guard
            .retrying(|mut conn| async move {
                sqlx::query_scalar(sql::TASK_OWNER).bind(id).fetch_optional(&mut *conn).await
            })
            .await
    }

    async fn task(&self, id: i64, user_id: Uuid) -> Result<Option<TaskRecord>, StoreError> {
        self.read_task(sql::TASK, id, user_id).await
    }

    async fn update_task(
        &self,
        id: i64,
        user_id: Uuid,
        change: &TaskChange,
        expected: Option<&[i64]>,
    ) -> Result<TaskWrite, StoreError> {
        self.write_live_task(id, user_id, Step::Update(change), expected).await
    }

    async fn toggle_task(
        &self,
        id: i64,
        user_id: Uuid,
        expected: Option<&[i64]>,
    ) -> Result<TaskWrite, StoreError> {
        self.write_live_task(id, user_id, Step::Toggle, expected).await
    }

    async fn delete_task(
        &self,
        id: i64,
        user_id: Uuid,
        expected: Option<&[i64]>,
    ) -> Result<TaskWrite, StoreError> {
        self.write_live_task(id, user_id, Step::Trash, expected).await
    }

    async fn restore_task(
        &self,
        id: i64,
        user_id: Uuid,
        expected: Option<&[i64]>,
        cap: u32,
    ) -> Result<TaskWrite, StoreError> {
        let outcome = self.write_task(id, user_id, Step::Restore, expected, cap).await?;
        if let Ok(task) = outcome {
            return Ok(TaskWrite::Done(task));
        }
        // Not restored: why, read after the attempt rolled back.
        let trashed = self.read_task(sql::TRASHED_TASK, id, user_id).await?;
        let live = match trashed {
            Some(_) => None,
            None => self.task(id, user_id).await?,
        };
        Ok(task_changes::unrestored(outcome.err() == Some(Refused::Full), trashed, live, expected))
    }

    async fn task_seq(&self, user_id: Uuid) -> Result<Option<i64>, StoreError> {
        self.guard
            .retrying(|mut conn| async move {
                sqlx::query_scalar(sql::TASK_SEQ).bind(user_id).fetch_optional(&mut *conn).await
            })
            .await
    }

    async fn changes_since(
        &self,
        user_id: Uuid,
        after: i64,
        limit: u32,
    ) -> Result<Option<(i64, Vec<ChangedTask>)>, StoreError> {
        // The position first, then the rows up to it: a change that commits between the
        // two is past the position, and the next read from it finds it.
        let Some(position) = self.task_seq(user_id).await? else {
            return Ok(None);
        };
        let rows = self
            .guard
            .retrying(|mut conn| async move {
                sqlx::query_as(sql::CHANGES)
                    .bind(user_id)
                    .bind(after)
                    .bind(position)
                    .bind(i64::from(limit))
                    .fetch_all(&mut *conn)
                    .await
            })
            .await?;
        Ok(Some((position, rows)))
    }

    async fn purge_trash(
        &self,
        trash_before: DateTime<Utc>,
        keys_before: DateTime<Utc>,
    ) -> Result<u64, StoreError> {
        let mut purged = 0;
        for (statement, before) in
            [(sql::PURGE_TRASH, trash_before), (sql::PURGE_IDEMPOTENCY_KEYS, keys_before)]
        {
            let done = self
                .guard
                .retrying(
                    |mut conn| async move { sqlx::query(statement).bind(before).execute(&mut *conn).await },
                )
                .await?;
            purged += DB::rows_affected(&done);
        }
        Ok(purged)
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

/// The task writes' shared steps. The bounds are the part of the `Store` impl's that
/// these statements use.
impl<DB> SqlStore<DB>
where
    DB: Backend,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    DB::Arguments: IntoArguments<DB>,
    for<'q> Uuid: Encode<'q, DB> + Type<DB>,
    for<'q> i64: Encode<'q, DB> + Decode<'q, DB> + Type<DB>,
    for<'q> bool: Encode<'q, DB> + Type<DB>,
    for<'q> Option<bool>: Encode<'q, DB> + Type<DB>,
    for<'q> &'q str: Encode<'q, DB> + Type<DB>,
    for<'q> Option<&'q str>: Encode<'q, DB> + Type<DB>,
    for<'q> DateTime<Utc>: Encode<'q, DB> + Type<DB>,
    for<'r> TaskRecord: FromRow<'r, DB::Row>,
    usize: ColumnIndex<DB::Row>,
{
    /// Tells this process's streams, once the write has committed, where the user's
    /// sequence stands; only where the backend does not carry it itself.
    fn published(&self, user_id: Uuid, seq: i64) {
        if DB::PUBLISHES_CHANGES {
            self.changes.publish(Change::Tasks { user_id, seq });
        }
    }

    async fn read_task(
        &self,
        statement: &'static str,
        id: i64,
        user_id: Uuid,
    ) -> Result<Option<TaskRecord>, StoreError> {
        self.guard
            .retrying(|mut conn| async move {
                sqlx::query_as(statement).bind(id).bind(user_id).fetch_optional(&mut *conn).await
            })
            .await
    }

    /// An edit, toggle or trash of a task in the list; when nothing was written, the
    /// task as it is says whether `If-Match` was stale or the task is not there.
    async fn write_live_task(
        &self,
        id: i64,
        user_id: Uuid,
        step: Step<'_>,
        expected: Option<&[i64]>,
    ) -> Result<TaskWrite, StoreError> {
        // These steps never grow the count, so no cap applies.
        match self.write_task(id, user_id, step, expected, u32::MAX).await? {
            Ok(task) => Ok(TaskWrite::Done(task)),
            Err(_) => Ok(task_changes::unwritten(self.read_task(sql::TASK, id, user_id).await?, expected)),
        }
    }

    /// One change of the user's tasks in one transaction: the next position (and the
    /// count moved within `cap`), then the task's write at that position. Nothing stays
    /// written when either finds no row. Such a transaction is rolled back explicitly,
    /// here and in the creates: a dropped one only queues its rollback, and the user's
    /// row lock would stay held, stalling their every write, until the pool hands its
    /// connection out again.
    async fn write_task(
        &self,
        id: i64,
        user_id: Uuid,
        step: Step<'_>,
        expected: Option<&[i64]>,
        cap: u32,
    ) -> Result<Result<TaskRecord, Refused>, StoreError> {
        let at = now();
        let versions = expected.map(task_changes::versions_text);
        let versions = versions.as_deref();
        let written = self
            .guard
            .once(|mut conn| async move {
                let mut tx = sqlx::Connection::begin(&mut *conn).await?;
                let Some(seq) = next_task_seq(&mut *tx, user_id, step.count_change(), cap).await? else {
                    tx.rollback().await?;
                    return Ok(Err(Refused::Full));
                };
                let query = match step {
                    Step::Update(change) => {
                        let description = change.description.as_ref();
                        sqlx::query_as(sql::UPDATE_TASK)
                            .bind(id)
                            .bind(user_id)
                            .bind(change.title.as_ref().map(TaskTitle::as_str))
                            .bind(description.is_some())
                            .bind(description.and_then(|d| d.as_ref().map(TaskDescription::as_str)))
                            .bind(change.completed)
                            .bind(at)
                            .bind(seq)
                            .bind(versions)
                    }
                    Step::Toggle => sqlx::query_as(sql::TOGGLE_TASK),
                    Step::Trash => sqlx::query_as(sql::TRASH_TASK),
                    Step::Restore => sqlx::query_as(sql::RESTORE_TASK),
                };
                let query = match step {
                    Step::Update(_) => query,
                    Step::Toggle | Step::Trash | Step::Restore => {
                        query.bind(id).bind(user_id).bind(at).bind(seq).bind(versions)
                    }
                };
                let task: Option<TaskRecord> = query.fetch_optional(&mut *tx).await?;
                let Some(task) = task else {
                    tx.rollback().await?;
                    return Ok(Err(Refused::NoRow));
                };
                tx.commit().await?;
                Ok(Ok((task, seq)))
            })
            .await?;
        Ok(written.map(|(task, seq)| {
            self.published(user_id, seq);
            task
        }))
    }
}

/// Counts one change of the user's tasks, moving their count by `count_change` within
/// `cap`; the new position, or `None` when the cap (or a missing user) stops it.
async fn next_task_seq<DB>(
    conn: &mut DB::Connection,
    user_id: Uuid,
    count_change: i64,
    cap: u32,
) -> Result<Option<i64>, sqlx::Error>
where
    DB: Database,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    DB::Arguments: IntoArguments<DB>,
    for<'q> Uuid: Encode<'q, DB> + Type<DB>,
    for<'q> i64: Encode<'q, DB> + Decode<'q, DB> + Type<DB>,
    usize: ColumnIndex<DB::Row>,
{
    sqlx::query_scalar(sql::NEXT_TASK_SEQ)
        .bind(user_id)
        .bind(count_change)
        .bind(i64::from(cap))
        .fetch_optional(conn)
        .await
}

async fn insert_task_row<DB>(
    conn: &mut DB::Connection,
    user_id: Uuid,
    task: &NewTask,
    at: DateTime<Utc>,
    seq: i64,
) -> Result<TaskRecord, sqlx::Error>
where
    DB: Database,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    DB::Arguments: IntoArguments<DB>,
    for<'q> Uuid: Encode<'q, DB> + Type<DB>,
    for<'q> i64: Encode<'q, DB> + Type<DB>,
    for<'q> &'q str: Encode<'q, DB> + Type<DB>,
    for<'q> Option<&'q str>: Encode<'q, DB> + Type<DB>,
    for<'q> DateTime<Utc>: Encode<'q, DB> + Type<DB>,
    for<'r> TaskRecord: FromRow<'r, DB::Row>,
{
    sqlx::query_as(sql::INSERT_TASK)
        .bind(user_id)
        .bind(task.title.as_str())
        .bind(task.description.as_ref().map(TaskDescription::as_str))
        .bind(at)
        .bind(seq)
        .fetch_one(conn)
        .await
}
