use chrono::Utc;

use crate::error::ApiError;
use crate::state::AppState;

/// How long the window of `FAILED_PASSWORD_LIMIT` failed checks lasts, from the
/// account's first check in it.
pub const CHECK_WINDOW_SECS: i64 = 15 * 60;

/// Checks `candidate` for the account named by `email` (`hash` is `None` when there is
/// no such account, and the check then fails as slowly as a wrong password).
///
/// Guesses from any number of addresses add up here: every check is counted before the
/// hash is compared, so concurrent guesses cannot all slip past the limit, and a check
/// that finds the right password, or is turned away without a comparison, is taken
/// back. Past `FAILED_PASSWORD_LIMIT` failures every check answers 429, even with the
/// right password, until the window ends. The trade-off: anyone can hold
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
    if hit.hits > i64::from(state.config.failed_password_limit) {
        // This check compared nothing, so it is taken back too: counted, checks turned
        // away while right passwords were still in flight would keep the account
        // locked after those were forgiven. The failures that locked it stay counted.
        state.store.forgive_password_check(email, hit.window_start).await?;
        tracing::warn!(event = "password_checks_locked", "too many failed password checks for one account");
        return Err(ApiError::RateLimited { retry_after_secs: hit.window_start + CHECK_WINDOW_SECS - now });
    }
    if !state.passwords.verify(candidate, hash).await? {
        return Err(ApiError::InvalidCredentials);
    }
    state.store.forgive_password_check(email, hit.window_start).await?;
    Ok(())
}
