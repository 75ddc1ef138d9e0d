use super::IssuedToken;
use crate::error::ApiError;
use crate::state::AppState;
use crate::store::UserRecord;

/// Issues a token for `user` and records its session, which is what makes it valid.
pub async fn start_session(state: &AppState, user: &UserRecord) -> Result<IssuedToken, ApiError> {
    let issued = state.tokens.issue(user.id, &user.email)?;
    state.store.insert_session(issued.session_id, user.id, issued.expires_at).await?;
    Ok(issued)
}
