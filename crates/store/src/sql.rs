//! The SQL both backends run.
//!
//! SQLite accepts `$n` placeholders, `RETURNING` and `ON CONFLICT … DO UPDATE`, so one
//! text serves both; what differs between them lives in the migrations and the pool
//! options.

use std::sync::LazyLock;

pub const PING: &str = "SELECT 1";
/// How long `SELECT 1` may take before the database counts as down.
pub const PING_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(2);

pub const INSERT_USER: &str = "INSERT INTO users (id, email, name, password_hash, created_at, updated_at) \
    VALUES ($1, $2, $3, $4, $5, $5) \
    RETURNING id, email, name, password_hash, created_at, updated_at";

pub const USER_BY_EMAIL: &str = "SELECT id, email, name, password_hash, created_at, updated_at \
    FROM users WHERE email = $1";

/// Writes only while the session `$7` is live and, when `$6` is given, the stored hash
/// is still the one the request verified the password against: a reset, a password
/// change or a sign-out committed since then turns the write into a no-op.
pub const UPDATE_USER: &str = "UPDATE users SET \
    email = COALESCE($2, email), name = COALESCE($3, name), \
    password_hash = COALESCE($4, password_hash), updated_at = $5 \
    WHERE id = $1 AND ($6 IS NULL OR password_hash = $6) \
    AND EXISTS (SELECT 1 FROM sessions WHERE id = $7 AND user_id = $1 AND expires_at > $5) \
    RETURNING id, email, name, password_hash, created_at, updated_at";

pub const INSERT_SESSION: &str = "INSERT INTO sessions \
    (id, user_id, expires_at, created_at, last_seen_at, user_agent, ip) VALUES ($1, $2, $3, $4, $4, $5, $6)";

pub const SESSION_USER: &str = "SELECT u.id, u.email, u.name, u.password_hash, u.created_at, u.updated_at \
    FROM sessions s JOIN users u ON u.id = s.user_id \
    WHERE s.id = $1 AND s.user_id = $2 AND s.expires_at > $3";

pub const DELETE_SESSION: &str = "DELETE FROM sessions WHERE id = $1";

pub const DELETE_OTHER_SESSIONS: &str =
    "DELETE FROM sessions WHERE user_id = $1 AND (id <> $2 OR expires_at <= $3)";

/// Counts one change to the user's tasks and returns its position in their sequence.
/// The row lock it takes serialises the user's task writes, so positions commit in
/// order. `$2` moves the count of tasks outside the trash (1 for a create or a restore,
/// -1 for a trash, 0 for an edit); a growing change passes only while the count is
/// below the cap `$3`: no row then means the account is full.
pub const NEXT_TASK_SEQ: &str = "UPDATE users SET task_seq = task_seq + 1, task_count = task_count + $2 \
    WHERE id = $1 AND ($2 <= 0 OR task_count < $3) RETURNING task_seq";

pub const TASK_SEQ: &str = "SELECT task_seq FROM users WHERE id = $1";

/// Run after `NEXT_TASK_SEQ` in the same transaction, with the position it returned.
pub const INSERT_TASK: &str = "INSERT INTO tasks \
    (user_id, title, description, completed, created_at, updated_at, change_seq) \
    VALUES ($1, $2, $3, FALSE, $4, $4, $5) \
    RETURNING id, user_id, title, description, completed, created_at, updated_at, version";

/// The page and the user's total in one round trip; the total is the count kept on the
/// user's row, so a page reads only its own rows through the partial index. A page past
/// the end has no rows to carry it, so `COUNT_TASKS` follows then.
pub const LIST_TASKS: &str = "SELECT id, user_id, title, description, completed, created_at, updated_at, version, \
    (SELECT task_count FROM users WHERE id = $1) AS total \
    FROM tasks WHERE user_id = $1 AND deleted_at IS NULL ORDER BY id DESC LIMIT $2 OFFSET $3";

pub const COUNT_TASKS: &str = "SELECT task_count FROM users WHERE id = $1";

/// `HIT_RATE_LIMIT` and `LIST_TASKS` in one statement (Postgres), with the hit's `$1`
/// and `$2` first. The hit and the account's total come back on every row, and on one
/// row of NULL task columns when the page is empty.
pub static LIST_TASKS_COUNTING_HIT: LazyLock<String> = LazyLock::new(|| {
    format!(
        "WITH hit AS ({HIT_RATE_LIMIT}) \
        SELECT hit.hits, hit.window_start, ({}) AS account_total, page.* \
        FROM hit LEFT JOIN ({}) page ON TRUE ORDER BY page.id DESC",
        after_parameters(COUNT_TASKS, 2),
        after_parameters(LIST_TASKS, 2)
    )
});

/// Trashed tasks included: someone else's task is theirs, in their trash or not.
pub const TASK_OWNER: &str = "SELECT user_id FROM tasks WHERE id = $1";

pub const TASK: &str = "SELECT id, user_id, title, description, completed, created_at, updated_at, version \
    FROM tasks WHERE id = $1 AND user_id = $2 AND deleted_at IS NULL";

pub const TRASHED_TASK: &str = "SELECT id, user_id, title, description, completed, created_at, updated_at, version \
    FROM tasks WHERE id = $1 AND user_id = $2 AND deleted_at IS NOT NULL";

/// Each conditional write below takes the versions an `If-Match` accepts as one text,
/// `,3,7,` (`NULL`: any version), and checks the task's version against it in its own
/// `WHERE`, so the check and the write are one step. Both stores compare with `LIKE`
/// (neither's array form works on the other); the text holds only digits and commas,
/// never a wildcard. Each also stamps the task with its change's position (`NEXT_TASK_SEQ`).
///
/// `$4` says whether the description was given at all, so `null` can clear it.
pub const UPDATE_TASK: &str = "UPDATE tasks SET \
    title = COALESCE($3, title), \
    description = CASE WHEN $4 THEN $5 ELSE description END, \
    completed = COALESCE($6, completed), updated_at = $7, version = version + 1, change_seq = $8 \
    WHERE id = $1 AND user_id = $2 AND deleted_at IS NULL \
    AND ($9 IS NULL OR $9 LIKE ('%,' || version || ',%')) \
    RETURNING id, user_id, title, description, completed, created_at, updated_at, version";

pub const TOGGLE_TASK: &str = "UPDATE tasks SET \
    completed = NOT completed, updated_at = $3, version = version + 1, change_seq = $4 \
    WHERE id = $1 AND user_id = $2 AND deleted_at IS NULL \
    AND ($5 IS NULL OR $5 LIKE ('%,' || version || ',%')) \
    RETURNING id, user_id, title, description, completed, created_at, updated_at, version";

/// Into the trash: the task leaves every list and read at once; the sweep purges it.
pub const TRASH_TASK: &str = "UPDATE tasks SET deleted_at = $3, version = version + 1, change_seq = $4 \
    WHERE id = $1 AND user_id = $2 AND deleted_at IS NULL \
    AND ($5 IS NULL OR $5 LIKE ('%,' || version || ',%')) \
    RETURNING id, user_id, title, description, completed, created_at, updated_at, version";

pub const RESTORE_TASK: &str = "UPDATE tasks SET \
    deleted_at = NULL, updated_at = $3, version = version + 1, change_seq = $4 \
    WHERE id = $1 AND user_id = $2 AND deleted_at IS NOT NULL \
    AND ($5 IS NULL OR $5 LIKE ('%,' || version || ',%')) \
    RETURNING id, user_id, title, description, completed, created_at, updated_at, version";

/// The user's tasks changed at positions in `($2, $3]`, oldest change first, trashed
/// ones marked: through `tasks_user_change_seq`, never the whole account.
pub const CHANGES: &str = "SELECT id, user_id, title, description, completed, created_at, updated_at, version, \
    change_seq, deleted_at IS NOT NULL AS trashed \
    FROM tasks WHERE user_id = $1 AND change_seq > $2 AND change_seq <= $3 ORDER BY change_seq LIMIT $4";

/// Trash older than the retention. A purge is no change to the user's list: the task
/// already left it, and `task_count` already left it out.
pub const PURGE_TRASH: &str = "DELETE FROM tasks WHERE deleted_at < $1";

/// Claims `$2` for the user's create, or takes over a claim older than `$5` that the
/// sweep has not purged yet. No row written: the key is someone's live claim, whose
/// first create has committed (a concurrent claim of the same key waits on the primary
/// key until then).
pub const CLAIM_IDEMPOTENCY_KEY: &str = "INSERT INTO idempotency_keys (user_id, key, request, created_at) \
    VALUES ($1, $2, $3, $4) \
    ON CONFLICT (user_id, key) DO UPDATE SET \
    request = excluded.request, response = NULL, created_at = excluded.created_at \
    WHERE idempotency_keys.created_at < $5";

pub const IDEMPOTENCY_KEY: &str =
    "SELECT request, response FROM idempotency_keys WHERE user_id = $1 AND key = $2";

/// The answer a replay of the key gets, written in the create's own transaction.
pub const ANSWER_IDEMPOTENCY_KEY: &str =
    "UPDATE idempotency_keys SET response = $3 WHERE user_id = $1 AND key = $2";

pub const PURGE_IDEMPOTENCY_KEYS: &str = "DELETE FROM idempotency_keys WHERE created_at < $1";

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

/// One password check counted on device `$1`, as `HIT_PASSWORD_CHECK` counts one on an
/// account, but only while the device's account `$4` is at device generation `$5`:
/// otherwise nothing is counted, no row comes back, and the cookie counts for nothing.
pub const HIT_DEVICE_CHECK: &str = "INSERT INTO device_checks (device_id, window_start, checks) \
    SELECT $1, $2, 1 WHERE EXISTS (SELECT 1 FROM users WHERE id = $4 AND device_generation = $5) \
    ON CONFLICT (device_id) DO UPDATE SET \
    checks = CASE WHEN excluded.window_start >= device_checks.window_start + $3 \
        THEN 1 ELSE device_checks.checks + 1 END, \
    window_start = CASE WHEN excluded.window_start >= device_checks.window_start + $3 \
        THEN excluded.window_start ELSE device_checks.window_start END \
    RETURNING checks AS hits, window_start";

pub const FORGIVE_DEVICE_CHECK: &str = "UPDATE device_checks SET checks = checks - 1 \
    WHERE device_id = $1 AND window_start = $2 AND checks > 0";

pub const DELETE_OLD_DEVICE_CHECKS: &str = "DELETE FROM device_checks WHERE window_start < $1";

pub const DEVICE_GENERATION: &str = "SELECT device_generation FROM users WHERE id = $1";

/// Every device cookie issued so far names an older generation from now on.
pub const END_DEVICES: &str = "UPDATE users SET device_generation = device_generation + 1 WHERE id = $1";

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

pub const LIVE_PASSWORD_RESET: &str = "SELECT user_id FROM password_resets \
    WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2";

/// Ends the user's live links but `$2`; `$2` may be empty to end them all.
pub const EXPIRE_OTHER_PASSWORD_RESETS: &str = "UPDATE password_resets SET expires_at = $3 \
    WHERE user_id = $1 AND token_hash <> $2 AND used_at IS NULL AND expires_at > $3";

pub const SPEND_PASSWORD_RESET: &str = "UPDATE password_resets SET used_at = $2 \
    WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2 RETURNING user_id";

pub const SET_PASSWORD: &str = "UPDATE users SET password_hash = $2, updated_at = $3 WHERE id = $1 \
    RETURNING id, email, name, password_hash, created_at, updated_at";

pub const DELETE_ALL_SESSIONS: &str = "DELETE FROM sessions WHERE user_id = $1";

/// A page of the user's tasks after id `$2`, oldest first: keyset pagination, so each
/// page costs the same however far into the account it is.
pub const TASKS_AFTER: &str = "SELECT id, user_id, title, description, completed, created_at, updated_at, version \
    FROM tasks WHERE user_id = $1 AND id > $2 AND deleted_at IS NULL ORDER BY id LIMIT $3";

pub const DELETE_USER_TASKS: &str = "DELETE FROM tasks WHERE user_id = $1";

pub const DELETE_USER_PASSWORD_RESETS: &str = "DELETE FROM password_resets WHERE user_id = $1";

/// Every per-user bucket is named `<kind>:<user id>`.
pub const DELETE_USER_RATE_LIMITS: &str = "DELETE FROM rate_limits WHERE bucket LIKE '%:' || $1";

/// The account's failed-password counter, which is keyed by its email.
pub const DELETE_USER_PASSWORD_CHECKS: &str =
    "DELETE FROM password_checks WHERE email = (SELECT email FROM users WHERE id = $1)";

pub const DELETE_USER: &str = "DELETE FROM users WHERE id = $1";

/// Takes the user's row lock, as `LOCK_USER`, but only while the session `$3` is live
/// and, when `$2` is given, the stored hash is still `$2`; no row: the deletion must
/// not go on.
pub const LOCK_USER_IF_STILL_VERIFIED: &str = "UPDATE users SET updated_at = updated_at \
    WHERE id = $1 AND ($2 IS NULL OR password_hash = $2) \
    AND EXISTS (SELECT 1 FROM sessions WHERE id = $3 AND user_id = $1 AND expires_at > $4)";

/// `statement` with every placeholder `$n` raised to `$(n + by)`, so that it can follow
/// another statement's `by` parameters in one text.
fn after_parameters(statement: &str, by: usize) -> String {
    let mut out = String::with_capacity(statement.len() + 8);
    let mut rest = statement;
    while let Some(at) = rest.find('$') {
        out.push_str(&rest[..=at]);
        rest = &rest[at + 1..];
        let digits = rest.find(|c: char| !c.is_ascii_digit()).unwrap_or(rest.len());
        match rest[..digits].parse::<usize>() {
            Ok(n) => out.push_str(&(n + by).to_string()),
            Err(_) => out.push_str(&rest[..digits]),
        }
        rest = &rest[digits..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::after_parameters;

    #[test]
    fn placeholders_move_past_the_first_statement() {
        assert_eq!(after_parameters("a = $1 AND b = $10 LIMIT $2", 2), "a = $3 AND b = $12 LIMIT $4");
        assert_eq!(after_parameters("no parameters, a lone $ sign", 3), "no parameters, a lone $ sign");
    }

    proptest! {
        /// Text between the placeholders stays as it was, and each placeholder moves by
        /// exactly `by`.
        #[test]
        fn only_placeholders_change(
            parts in prop::collection::vec(("[a-z =(),']{0,12}", 1usize..40), 0..12),
            tail in "[a-z =(),']{0,12}",
            by in 0usize..10,
        ) {
            let text = |shift: usize| {
                let mut text: String = parts.iter().map(|(words, n)| format!("{words}${}", n + shift)).collect();
                text.push_str(&tail);
                text
            };
            prop_assert_eq!(after_parameters(&text(0), by), text(by));
        }
    }
}
