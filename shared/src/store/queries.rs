//! The SQL both backends run, and the one `Store` implementation written over it.
//!
//! SQLite accepts `$n` placeholders, `RETURNING` and `ON CONFLICT … DO UPDATE`, so one
//! text serves both; what differs between them lives in the migrations and the pool
//! options.

pub const PING: &str = "SELECT 1";
/// How long `SELECT 1` may take before the database counts as down.
pub const PING_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(2);

pub const INSERT_USER: &str = "INSERT INTO users (id, email, name, password_hash, created_at, updated_at) \
    VALUES ($1, $2, $3, $4, $5, $5) \
    RETURNING id, email, name, password_hash, created_at, updated_at";

pub const USER_BY_EMAIL: &str = "SELECT id, email, name, password_hash, created_at, updated_at \
    FROM users WHERE email = $1";

pub const UPDATE_USER: &str = "UPDATE users SET \
    email = COALESCE($2, email), name = COALESCE($3, name), \
    password_hash = COALESCE($4, password_hash), updated_at = $5 \
    WHERE id = $1 \
    RETURNING id, email, name, password_hash, created_at, updated_at";

pub const INSERT_SESSION: &str = "INSERT INTO sessions \
    (id, user_id, expires_at, created_at, last_seen_at, user_agent, ip) VALUES ($1, $2, $3, $4, $4, $5, $6)";

pub const SESSION_USER: &str = "SELECT u.id, u.email, u.name, u.password_hash, u.created_at, u.updated_at \
    FROM sessions s JOIN users u ON u.id = s.user_id \
    WHERE s.id = $1 AND s.user_id = $2 AND s.expires_at > $3";

pub const DELETE_SESSION: &str = "DELETE FROM sessions WHERE id = $1";

pub const DELETE_OTHER_SESSIONS: &str =
    "DELETE FROM sessions WHERE user_id = $1 AND (id <> $2 OR expires_at <= $3)";

pub const INSERT_TASK: &str = "INSERT INTO tasks (user_id, title, description, completed, created_at, updated_at) \
    VALUES ($1, $2, $3, FALSE, $4, $4) \
    RETURNING id, user_id, title, description, completed, created_at, updated_at";

/// The page and the user's total in one round trip: the window count is taken before
/// `LIMIT`. A page past the end has no rows to carry it, so `COUNT_TASKS` follows then.
pub const LIST_TASKS: &str = "SELECT id, user_id, title, description, completed, created_at, updated_at, \
    COUNT(*) OVER () AS total \
    FROM tasks WHERE user_id = $1 ORDER BY id DESC LIMIT $2 OFFSET $3";

pub const COUNT_TASKS: &str = "SELECT COUNT(*) FROM tasks WHERE user_id = $1";

pub const TASK_OWNER: &str = "SELECT user_id FROM tasks WHERE id = $1";

pub const TASK: &str = "SELECT id, user_id, title, description, completed, created_at, updated_at \
    FROM tasks WHERE id = $1 AND user_id = $2";

/// `$4` says whether the description was given at all, so `null` can clear it.
pub const UPDATE_TASK: &str = "UPDATE tasks SET \
    title = COALESCE($3, title), \
    description = CASE WHEN $4 THEN $5 ELSE description END, \
    completed = COALESCE($6, completed), updated_at = $7 \
    WHERE id = $1 AND user_id = $2 \
    RETURNING id, user_id, title, description, completed, created_at, updated_at";

pub const TOGGLE_TASK: &str = "UPDATE tasks SET completed = NOT completed, updated_at = $3 \
    WHERE id = $1 AND user_id = $2 \
    RETURNING id, user_id, title, description, completed, created_at, updated_at";

pub const DELETE_TASK: &str = "DELETE FROM tasks WHERE id = $1 AND user_id = $2";

/// One atomic statement per hit, so instances sharing the database share the count.
/// A window never moves backwards: a hit stamped with an older window (a slower
/// clock) counts in the stored one instead of resetting it.
pub const HIT_RATE_LIMIT: &str = "INSERT INTO rate_limits (bucket, window_start, hits) VALUES ($1, $2, 1) \
    ON CONFLICT (bucket) DO UPDATE SET \
    hits = CASE WHEN excluded.window_start > rate_limits.window_start THEN 1 ELSE rate_limits.hits + 1 END, \
    window_start = CASE WHEN excluded.window_start > rate_limits.window_start \
        THEN excluded.window_start ELSE rate_limits.window_start END \
    RETURNING hits, window_start";

pub const DELETE_OLD_RATE_LIMITS: &str = "DELETE FROM rate_limits WHERE window_start < $1";

/// One password check counted for `$1`; a window `$3` seconds long opens at the first
/// check and a later one only once it is over, never before (a slower clock).
pub const HIT_PASSWORD_CHECK: &str = "INSERT INTO password_checks (email, window_start, checks) VALUES ($1, $2, 1) \
    ON CONFLICT (email) DO UPDATE SET \
    checks = CASE WHEN excluded.window_start >= password_checks.window_start + $3 \
        THEN 1 ELSE password_checks.checks + 1 END, \
    window_start = CASE WHEN excluded.window_start >= password_checks.window_start + $3 \
        THEN excluded.window_start ELSE password_checks.window_start END \
    RETURNING checks AS hits, window_start";

/// A check that found the right password stops counting against the account.
pub const FORGIVE_PASSWORD_CHECK: &str = "UPDATE password_checks SET checks = checks - 1 \
    WHERE email = $1 AND window_start = $2 AND checks > 0";

pub const DELETE_OLD_PASSWORD_CHECKS: &str = "DELETE FROM password_checks WHERE window_start < $1";

/// The user's sessions past the newest `$2` live ones, expired ones included.
pub const TRIM_SESSIONS: &str = "DELETE FROM sessions WHERE user_id = $1 AND id NOT IN \
    (SELECT id FROM sessions WHERE user_id = $1 AND expires_at > $3 ORDER BY created_at DESC, id DESC LIMIT $2) \
    RETURNING id";

/// A no-op when another instance wrote it moments ago.
pub const TOUCH_SESSION: &str = "UPDATE sessions SET last_seen_at = $2 WHERE id = $1 AND last_seen_at <= $3";

pub const LIST_SESSIONS: &str = "SELECT id, created_at, last_seen_at, user_agent, ip FROM sessions \
    WHERE user_id = $1 AND expires_at > $2 ORDER BY created_at DESC, id DESC";

pub const DELETE_USER_SESSION: &str = "DELETE FROM sessions WHERE id = $1 AND user_id = $2";

pub const PURGE_SESSIONS: &str = "DELETE FROM sessions WHERE expires_at <= $1";

pub const PURGE_PASSWORD_RESETS: &str = "DELETE FROM password_resets WHERE created_at < $1";

/// Takes the user's row lock (a write lock in SQLite), so that concurrent requests for
/// one account count each other's links instead of all passing the cap at once.
pub const LOCK_USER: &str = "UPDATE users SET updated_at = updated_at WHERE id = $1";

/// Inserts nothing once the user has `$6` links created after `$5`.
pub const INSERT_PASSWORD_RESET: &str = "INSERT INTO password_resets (token_hash, user_id, created_at, expires_at) \
    SELECT $1, $2, $3, $4 \
    WHERE (SELECT COUNT(*) FROM password_resets WHERE user_id = $2 AND created_at > $5) < $6";

/// Ends the user's live links but `$2`; `$2` may be empty to end them all.
pub const EXPIRE_OTHER_PASSWORD_RESETS: &str = "UPDATE password_resets SET expires_at = $3 \
    WHERE user_id = $1 AND token_hash <> $2 AND used_at IS NULL AND expires_at > $3";

pub const SPEND_PASSWORD_RESET: &str = "UPDATE password_resets SET used_at = $2 \
    WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2 RETURNING user_id";

pub const SET_PASSWORD: &str = "UPDATE users SET password_hash = $2, updated_at = $3 WHERE id = $1";

pub const DELETE_ALL_SESSIONS: &str = "DELETE FROM sessions WHERE user_id = $1";

pub const ALL_TASKS: &str = "SELECT id, user_id, title, description, completed, created_at, updated_at \
    FROM tasks WHERE user_id = $1 ORDER BY id";

pub const DELETE_USER_TASKS: &str = "DELETE FROM tasks WHERE user_id = $1";

pub const DELETE_USER_PASSWORD_RESETS: &str = "DELETE FROM password_resets WHERE user_id = $1";

/// Every per-user bucket is named `<kind>:<user id>`.
pub const DELETE_USER_RATE_LIMITS: &str = "DELETE FROM rate_limits WHERE bucket LIKE '%:' || $1";

/// The account's failed-password counter, which is keyed by its email.
pub const DELETE_USER_PASSWORD_CHECKS: &str =
    "DELETE FROM password_checks WHERE email = (SELECT email FROM users WHERE id = $1)";

pub const DELETE_USER: &str = "DELETE FROM users WHERE id = $1";

/// Implements `Store` for a struct with `pool: sqlx::Pool<_>` and `guard: Guard<_>`
/// fields. Each query runs on the connection the guard hands it. Deletes and creates
/// go through `once`: a retry after a lost reply could apply them twice (or answer 404
/// for a delete that happened).
macro_rules! impl_store {
    ($store:ty, $migrator:expr) => {
        #[async_trait::async_trait]
        impl $crate::store::Store for $store {
            async fn ping(&self) -> Result<(), StoreError> {
                self.guard
                    .once_within(queries::PING_TIMEOUT, |mut conn| async move {
                        sqlx::query(queries::PING).execute(&mut *conn).await
                    })
                    .await
                    .map(|_| ())
            }

            async fn migrate(&self) -> Result<(), sqlx::migrate::MigrateError> {
                $migrator.run(&self.pool).await
            }

            async fn insert_user(&self, user: NewUser<'_>) -> Result<UserRecord, StoreError> {
                let (id, at) = (Uuid::new_v4(), now());
                self.guard
                    .once(|mut conn| async move {
                        sqlx::query_as(queries::INSERT_USER)
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
                        sqlx::query_as(queries::USER_BY_EMAIL)
                            .bind(email.as_str())
                            .fetch_optional(&mut *conn)
                            .await
                    })
                    .await
            }

            async fn update_user(&self, id: Uuid, change: UserChange<'_>) -> Result<UserRecord, StoreError> {
                let at = now();
                self.guard
                    .retrying(|mut conn| async move {
                        sqlx::query_as(queries::UPDATE_USER)
                            .bind(id)
                            .bind(change.email.map(Email::as_str))
                            .bind(change.name.map(UserName::as_str))
                            .bind(change.password_hash)
                            .bind(at)
                            .fetch_one(&mut *conn)
                            .await
                    })
                    .await
                    .map_err(email_taken)
            }

            async fn insert_session(&self, session: &NewSession<'_>) -> Result<(), StoreError> {
                let at = now();
                self.guard
                    .once(|mut conn| async move {
                        sqlx::query(queries::INSERT_SESSION)
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

            async fn session_user(
                &self,
                session_id: Uuid,
                user_id: Uuid,
            ) -> Result<Option<UserRecord>, StoreError> {
                let at = now();
                self.guard
                    .retrying(|mut conn| async move {
                        sqlx::query_as(queries::SESSION_USER)
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
                        sqlx::query(queries::DELETE_SESSION).bind(id).execute(&mut *conn).await
                    })
                    .await
                    .map(|_| ())
            }

            async fn delete_other_sessions(&self, user_id: Uuid, keep: Uuid) -> Result<(), StoreError> {
                let at = now();
                self.guard
                    .retrying(|mut conn| async move {
                        sqlx::query(queries::DELETE_OTHER_SESSIONS)
                            .bind(user_id)
                            .bind(keep)
                            .bind(at)
                            .execute(&mut *conn)
                            .await
                    })
                    .await
                    .map(|_| ())
            }

            async fn insert_task(&self, user_id: Uuid, task: &NewTask) -> Result<Task, StoreError> {
                let at = now();
                self.guard
                    .once(|mut conn| async move {
                        sqlx::query_as(queries::INSERT_TASK)
                            .bind(user_id)
                            .bind(task.title.as_str())
                            .bind(task.description.as_ref().map(TaskDescription::as_str))
                            .bind(at)
                            .fetch_one(&mut *conn)
                            .await
                    })
                    .await
            }

            async fn list_tasks(
                &self,
                user_id: Uuid,
                page: PageRequest,
            ) -> Result<(Vec<Task>, u64), StoreError> {
                let offset = i64::try_from(page.offset()).unwrap_or(i64::MAX);
                let rows: Vec<PagedTask> = self
                    .guard
                    .retrying(|mut conn| async move {
                        sqlx::query_as(queries::LIST_TASKS)
                            .bind(user_id)
                            .bind(i64::from(page.limit()))
                            .bind(offset)
                            .fetch_all(&mut *conn)
                            .await
                    })
                    .await?;
                let total: i64 = match rows.first() {
                    Some(row) => row.total,
                    None if offset == 0 => 0,
                    None => {
                        self.guard
                            .retrying(|mut conn| async move {
                                sqlx::query_scalar(queries::COUNT_TASKS)
                                    .bind(user_id)
                                    .fetch_one(&mut *conn)
                                    .await
                            })
                            .await?
                    }
                };
                let tasks = rows.into_iter().map(|row| row.task).collect();
                Ok((tasks, u64::try_from(total).unwrap_or_default()))
            }

            async fn task_owner(&self, id: i64) -> Result<Option<Uuid>, StoreError> {
                self.guard
                    .retrying(|mut conn| async move {
                        sqlx::query_scalar(queries::TASK_OWNER).bind(id).fetch_optional(&mut *conn).await
                    })
                    .await
            }

            async fn task(&self, id: i64, user_id: Uuid) -> Result<Option<Task>, StoreError> {
                self.guard
                    .retrying(|mut conn| async move {
                        sqlx::query_as(queries::TASK).bind(id).bind(user_id).fetch_optional(&mut *conn).await
                    })
                    .await
            }

            async fn update_task(
                &self,
                id: i64,
                user_id: Uuid,
                change: &TaskChange,
            ) -> Result<Option<Task>, StoreError> {
                let description = change.description.as_ref();
                let at = now();
                self.guard
                    .retrying(|mut conn| async move {
                        sqlx::query_as(queries::UPDATE_TASK)
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

            async fn toggle_task(&self, id: i64, user_id: Uuid) -> Result<Option<Task>, StoreError> {
                let at = now();
                self.guard
                    .once(|mut conn| async move {
                        sqlx::query_as(queries::TOGGLE_TASK)
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
                        sqlx::query(queries::DELETE_TASK).bind(id).bind(user_id).execute(&mut *conn).await
                    })
                    .await?;
                Ok(done.rows_affected() > 0)
            }

            async fn hit_rate_limit(&self, bucket: &str, window_start: i64) -> Result<RateHit, StoreError> {
                let hit: RateHit = self
                    .guard
                    .once(|mut conn| async move {
                        sqlx::query_as(queries::HIT_RATE_LIMIT)
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
                        sqlx::query_as(queries::HIT_PASSWORD_CHECK)
                            .bind(email)
                            .bind(now)
                            .bind(window_secs)
                            .fetch_one(&mut *conn)
                            .await
                    })
                    .await?;
                Ok(hit)
            }

            async fn purge_stale(
                &self,
                rate_limits_before: i64,
                password_checks_before: i64,
            ) -> Result<(), StoreError> {
                self.guard
                    .once(|mut conn| async move {
                        sqlx::query(queries::DELETE_OLD_RATE_LIMITS)
                            .bind(rate_limits_before)
                            .execute(&mut *conn)
                            .await
                    })
                    .await?;
                self.guard
                    .once(|mut conn| async move {
                        sqlx::query(queries::DELETE_OLD_PASSWORD_CHECKS)
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
                        sqlx::query(queries::FORGIVE_PASSWORD_CHECK)
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
                        sqlx::query_scalar(queries::TRIM_SESSIONS)
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
                        sqlx::query(queries::TOUCH_SESSION)
                            .bind(id)
                            .bind(at)
                            .bind(unless_after)
                            .execute(&mut *conn)
                            .await
                    })
                    .await
                    .map(|_| ())
            }

            async fn list_sessions(&self, user_id: Uuid) -> Result<Vec<SessionRecord>, StoreError> {
                let at = now();
                self.guard
                    .retrying(|mut conn| async move {
                        sqlx::query_as(queries::LIST_SESSIONS)
                            .bind(user_id)
                            .bind(at)
                            .fetch_all(&mut *conn)
                            .await
                    })
                    .await
            }

            async fn delete_user_session(&self, id: Uuid, user_id: Uuid) -> Result<bool, StoreError> {
                let done = self
                    .guard
                    .once(|mut conn| async move {
                        sqlx::query(queries::DELETE_USER_SESSION)
                            .bind(id)
                            .bind(user_id)
                            .execute(&mut *conn)
                            .await
                    })
                    .await?;
                Ok(done.rows_affected() > 0)
            }

            async fn purge_expired(&self, resets_before: DateTime<Utc>) -> Result<u64, StoreError> {
                let at = now();
                let sessions = self
                    .guard
                    .retrying(|mut conn| async move {
                        sqlx::query(queries::PURGE_SESSIONS).bind(at).execute(&mut *conn).await
                    })
                    .await?;
                let resets = self
                    .guard
                    .retrying(|mut conn| async move {
                        sqlx::query(queries::PURGE_PASSWORD_RESETS)
                            .bind(resets_before)
                            .execute(&mut *conn)
                            .await
                    })
                    .await?;
                Ok(sessions.rows_affected() + resets.rows_affected())
            }

            async fn insert_password_reset(&self, reset: &NewPasswordReset<'_>) -> Result<bool, StoreError> {
                let at = now();
                self.guard
                    .once(|mut conn| async move {
                        let mut tx = sqlx::Connection::begin(&mut *conn).await?;
                        sqlx::query(queries::LOCK_USER).bind(reset.user_id).execute(&mut *tx).await?;
                        let inserted = sqlx::query(queries::INSERT_PASSWORD_RESET)
                            .bind(reset.token_hash)
                            .bind(reset.user_id)
                            .bind(at)
                            .bind(reset.expires_at)
                            .bind(reset.cap_since)
                            .bind(i64::from(reset.cap))
                            .execute(&mut *tx)
                            .await?
                            .rows_affected()
                            > 0;
                        if inserted {
                            sqlx::query(queries::EXPIRE_OTHER_PASSWORD_RESETS)
                                .bind(reset.user_id)
                                .bind(reset.token_hash)
                                .bind(at)
                                .execute(&mut *tx)
                                .await?;
                        }
                        tx.commit().await?;
                        Ok(inserted)
                    })
                    .await
            }

            async fn reset_password(
                &self,
                token_hash: &str,
                password_hash: &str,
            ) -> Result<Option<Uuid>, StoreError> {
                let at = now();
                self.guard
                    .once(|mut conn| async move {
                        let mut tx = sqlx::Connection::begin(&mut *conn).await?;
                        let user_id: Option<Uuid> = sqlx::query_scalar(queries::SPEND_PASSWORD_RESET)
                            .bind(token_hash)
                            .bind(at)
                            .fetch_optional(&mut *tx)
                            .await?;
                        if let Some(user_id) = user_id {
                            sqlx::query(queries::SET_PASSWORD)
                                .bind(user_id)
                                .bind(password_hash)
                                .bind(at)
                                .execute(&mut *tx)
                                .await?;
                            sqlx::query(queries::DELETE_ALL_SESSIONS).bind(user_id).execute(&mut *tx).await?;
                            sqlx::query(queries::EXPIRE_OTHER_PASSWORD_RESETS)
                                .bind(user_id)
                                .bind(token_hash)
                                .bind(at)
                                .execute(&mut *tx)
                                .await?;
                        }
                        tx.commit().await?;
                        Ok(user_id)
                    })
                    .await
            }

            async fn all_tasks(&self, user_id: Uuid) -> Result<Vec<Task>, StoreError> {
                self.guard
                    .retrying(|mut conn| async move {
                        sqlx::query_as(queries::ALL_TASKS).bind(user_id).fetch_all(&mut *conn).await
                    })
                    .await
            }

            async fn delete_user(&self, user_id: Uuid) -> Result<(), StoreError> {
                self.guard
                    .once(|mut conn| async move {
                        let mut tx = sqlx::Connection::begin(&mut *conn).await?;
                        for statement in [
                            queries::DELETE_USER_TASKS,
                            queries::DELETE_ALL_SESSIONS,
                            queries::DELETE_USER_PASSWORD_RESETS,
                            queries::DELETE_USER_PASSWORD_CHECKS,
                        ] {
                            sqlx::query(statement).bind(user_id).execute(&mut *tx).await?;
                        }
                        sqlx::query(queries::DELETE_USER_RATE_LIMITS)
                            .bind(user_id.to_string())
                            .execute(&mut *tx)
                            .await?;
                        sqlx::query(queries::DELETE_USER).bind(user_id).execute(&mut *tx).await?;
                        tx.commit().await
                    })
                    .await
            }
        }
    };
}

pub(crate) use impl_store;
