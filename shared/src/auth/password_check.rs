use chrono::Utc;

use crate::error::ApiError;
use crate::state::AppState;

/// Failed password checks an account may take in one window before it refuses more.
pub const MAX_FAILED_CHECKS: i64 = 10;
/// How long the window lasts, from the account's first check in it.
pub const CHECK_WINDOW_SECS: i64 = 15 * 60;

/// Checks `candidate` for the account named by `email` (`hash` is `None` when there is
/// no such account, and the check then fails as slowly as a wrong password).
///
/// Guesses from any number of addresses add up here: every check is counted before the
/// hash is compared, so concurrent guesses cannot all slip past the limit, and a check
/// that finds the right password is taken back. Past the limit every check answers 429,
/// even with the right password, until the window ends. The trade-off: anyone can hold
/// an account's sign-in shut for a window, but nobody can guess its password. Counting
/// by email rather than by account row means an address with no account costs and
/// answers the same.
pub async fn check_password(
    state: &AppState,
    email: &str,
    hash: Option<&str>,
    candidate: &str,
) -> Result<(), ApiError> {
    let now = Utc::now().timestamp();
    let hit = state.store.hit_password_check(email, now, CHECK_WINDOW_SECS).await?;
    if hit.hits > MAX_FAILED_CHECKS {
        tracing::warn!(event = "password_checks_locked", "too many failed password checks for one account");
        return Err(ApiError::RateLimited { retry_after_secs: hit.window_start + CHECK_WINDOW_SECS - now });
    }
    if !state.passwords.verify(candidate, hash).await? {
        return Err(ApiError::InvalidCredentials);
    }
    state.store.forgive_password_check(email, hit.window_start).await?;
    Ok(())
}
