//! The SQL both backends run, and the one `Store` implementation written over it.
//!
//! SQLite accepts `$n` placeholders and `RETURNING`, so one text serves both; what
//! differs between them lives in the migrations and the pool options.

pub const PING: &str = "SELECT 1";

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

pub const INSERT_SESSION: &str = "INSERT INTO sessions (id, user_id, expires_at) VALUES ($1, $2, $3)";

pub const SESSION_USER: &str = "SELECT u.id, u.email, u.name, u.password_hash, u.created_at, u.updated_at \
    FROM sessions s JOIN users u ON u.id = s.user_id \
    WHERE s.id = $1 AND s.user_id = $2 AND s.expires_at > $3";

pub const DELETE_SESSION: &str = "DELETE FROM sessions WHERE id = $1";

pub const DELETE_OTHER_SESSIONS: &str =
    "DELETE FROM sessions WHERE user_id = $1 AND (id <> $2 OR expires_at <= $3)";

pub const INSERT_TASK: &str = "INSERT INTO tasks (user_id, title, description, completed, created_at, updated_at) \
    VALUES ($1, $2, $3, FALSE, $4, $4) \
    RETURNING id, user_id, title, description, completed, created_at, updated_at";

pub const LIST_TASKS: &str = "SELECT id, user_id, title, description, completed, created_at, updated_at \
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

/// Implements `Store` for a struct with a `pool: sqlx::Pool<$db>` field.
macro_rules! impl_store {
    ($store:ty, $db:ty, $migrator:expr) => {
        #[async_trait::async_trait]
        impl $crate::store::Store for $store {
            async fn ping(&self) -> Result<(), StoreError> {
                sqlx::query(queries::PING).execute(&self.pool).await?;
                Ok(())
            }

            async fn migrate(&self) -> Result<(), sqlx::migrate::MigrateError> {
                $migrator.run(&self.pool).await
            }

            async fn insert_user(&self, user: NewUser<'_>) -> Result<UserRecord, StoreError> {
                sqlx::query_as(queries::INSERT_USER)
                    .bind(Uuid::new_v4())
                    .bind(user.email.as_str())
                    .bind(user.name.as_str())
                    .bind(user.password_hash)
                    .bind(now())
                    .fetch_one(&self.pool)
                    .await
                    .map_err(email_taken)
            }

            async fn user_by_email(&self, email: &Email) -> Result<Option<UserRecord>, StoreError> {
                Ok(sqlx::query_as(queries::USER_BY_EMAIL)
                    .bind(email.as_str())
                    .fetch_optional(&self.pool)
                    .await?)
            }

            async fn update_user(&self, id: Uuid, change: UserChange<'_>) -> Result<UserRecord, StoreError> {
                sqlx::query_as(queries::UPDATE_USER)
                    .bind(id)
                    .bind(change.email.map(Email::as_str))
                    .bind(change.name.map(UserName::as_str))
                    .bind(change.password_hash)
                    .bind(now())
                    .fetch_one(&self.pool)
                    .await
                    .map_err(email_taken)
            }

            async fn insert_session(
                &self,
                id: Uuid,
                user_id: Uuid,
                expires_at: DateTime<Utc>,
            ) -> Result<(), StoreError> {
                sqlx::query(queries::INSERT_SESSION)
                    .bind(id)
                    .bind(user_id)
                    .bind(expires_at)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn session_user(
                &self,
                session_id: Uuid,
                user_id: Uuid,
            ) -> Result<Option<UserRecord>, StoreError> {
                Ok(sqlx::query_as(queries::SESSION_USER)
                    .bind(session_id)
                    .bind(user_id)
                    .bind(now())
                    .fetch_optional(&self.pool)
                    .await?)
            }

            async fn delete_session(&self, id: Uuid) -> Result<(), StoreError> {
                sqlx::query(queries::DELETE_SESSION).bind(id).execute(&self.pool).await?;
                Ok(())
            }

            async fn delete_other_sessions(&self, user_id: Uuid, keep: Uuid) -> Result<(), StoreError> {
                sqlx::query(queries::DELETE_OTHER_SESSIONS)
                    .bind(user_id)
                    .bind(keep)
                    .bind(now())
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn insert_task(&self, user_id: Uuid, task: &NewTask) -> Result<Task, StoreError> {
                Ok(sqlx::query_as(queries::INSERT_TASK)
                    .bind(user_id)
                    .bind(task.title.as_str())
                    .bind(task.description.as_ref().map(TaskDescription::as_str))
                    .bind(now())
                    .fetch_one(&self.pool)
                    .await?)
            }

            async fn list_tasks(
                &self,
                user_id: Uuid,
                page: PageRequest,
            ) -> Result<(Vec<Task>, u64), StoreError> {
                let offset = i64::try_from(page.offset()).unwrap_or(i64::MAX);
                let tasks = sqlx::query_as(queries::LIST_TASKS)
                    .bind(user_id)
                    .bind(i64::from(page.limit()))
                    .bind(offset)
                    .fetch_all(&self.pool)
                    .await?;
                let total: i64 =
                    sqlx::query_scalar(queries::COUNT_TASKS).bind(user_id).fetch_one(&self.pool).await?;
                Ok((tasks, u64::try_from(total).unwrap_or_default()))
            }

            async fn task_owner(&self, id: i64) -> Result<Option<Uuid>, StoreError> {
                Ok(sqlx::query_scalar(queries::TASK_OWNER).bind(id).fetch_optional(&self.pool).await?)
            }

            async fn task(&self, id: i64, user_id: Uuid) -> Result<Option<Task>, StoreError> {
                Ok(sqlx::query_as(queries::TASK).bind(id).bind(user_id).fetch_optional(&self.pool).await?)
            }

            async fn update_task(
                &self,
                id: i64,
                user_id: Uuid,
                change: &TaskChange,
            ) -> Result<Option<Task>, StoreError> {
                let description = change.description.as_ref();
                Ok(sqlx::query_as(queries::UPDATE_TASK)
                    .bind(id)
                    .bind(user_id)
                    .bind(change.title.as_ref().map(TaskTitle::as_str))
                    .bind(description.is_some())
                    .bind(description.and_then(|d| d.as_ref().map(TaskDescription::as_str)))
                    .bind(change.completed)
                    .bind(now())
                    .fetch_optional(&self.pool)
                    .await?)
            }

            async fn toggle_task(&self, id: i64, user_id: Uuid) -> Result<Option<Task>, StoreError> {
                Ok(sqlx::query_as(queries::TOGGLE_TASK)
                    .bind(id)
                    .bind(user_id)
                    .bind(now())
                    .fetch_optional(&self.pool)
                    .await?)
            }

            async fn delete_task(&self, id: i64, user_id: Uuid) -> Result<bool, StoreError> {
                let done =
                    sqlx::query(queries::DELETE_TASK).bind(id).bind(user_id).execute(&self.pool).await?;
                Ok(done.rows_affected() > 0)
            }
        }
    };
}

pub(crate) use impl_store;
