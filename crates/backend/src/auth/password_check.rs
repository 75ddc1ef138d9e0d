use chrono::Utc;

use contract::policy::PASSWORD_CHECK_WINDOW_SECS;

use crate::error::ApiError;
use crate::state::AppState;
use store::Device;

/// Checks `candidate` for the account named by `email` (`hash` is `None` when there is
/// no such account, and the check then fails as slowly as a wrong password).
///
/// Guesses from any number of addresses add up here: every check is counted before the
/// hash is compared, so concurrent guesses cannot all slip past the limit, and a check
/// that finds the right password, or is turned away without a comparison, is taken
/// back. Past `FAILED_PASSWORD_LIMIT` failures every check answers 429, even with the
/// right password, until the window ends: nobody can guess the password, and a stranger
/// can hold the account shut only for browsers that have not signed in to it before
/// (see `check_password_on_device`). Counting by email rather than by account row means
/// an address with no account costs and answers the same.
pub async fn check_password(
    state: &AppState,
    email: &str,
    hash: Option<&str>,
    candidate: &str,
) -> Result<(), ApiError> {
    let now = Utc::now().timestamp();
    let hit = state.store.hit_password_check(email, now, PASSWORD_CHECK_WINDOW_SECS).await?;
    if hit.hits > i64::from(state.config.failed_password_limit) {
        // This check compared nothing, so it is taken back too: counted, checks turned
        // away while right passwords were still in flight would keep the account
        // locked after those were forgiven. The failures that locked it stay counted.
        state.store.forgive_password_check(email, hit.window_start).await?;
        tracing::warn!(event = "password_checks_locked", "too many failed password checks for one account");
        return Err(ApiError::RateLimited {
            retry_after_secs: hit.window_start + PASSWORD_CHECK_WINDOW_SECS - now,
        });
    }
    if !state.passwords.verify(candidate, hash).await? {
        return Err(ApiError::InvalidCredentials);
    }
    state.store.forgive_password_check(email, hit.window_start).await?;
    Ok(())
}

/// Checks `candidate` from a browser whose device cookie names this account: counted
/// on the device's own counter, with the same limit and window, so strangers' failures
/// do not refuse it. A device whose cookie is no longer current (a reset since), or
/// whose own count ran out, is a stranger: its check goes to `check_password`.
pub async fn check_password_on_device(
    state: &AppState,
    device: &Device,
    email: &str,
    hash: Option<&str>,
    candidate: &str,
) -> Result<(), ApiError> {
    let now = Utc::now().timestamp();
    if let Some(hit) = state.store.hit_device_check(device, now, PASSWORD_CHECK_WINDOW_SECS).await? {
        if hit.hits <= i64::from(state.config.failed_password_limit) {
            if !state.passwords.verify(candidate, hash).await? {
                return Err(ApiError::InvalidCredentials);
            }
            state.store.forgive_device_check(device.id, hit.window_start).await?;
            return Ok(());
        }
        // Compared nothing here, so taken back, as in `check_password`.
        state.store.forgive_device_check(device.id, hit.window_start).await?;
        tracing::warn!(event = "device_checks_locked", "too many failed password checks from one device");
    }
    check_password(state, email, hash, candidate).await
}
