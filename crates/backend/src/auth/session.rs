use super::{SessionDevice, sweep_if_due};
use crate::credentials::IssuedToken;
use crate::error::ApiError;
use crate::state::AppState;
use store::{NewSession, UserRecord};

/// Live sessions kept per user; starting one more revokes the oldest.
pub const MAX_SESSIONS_PER_USER: u32 = 50;

/// Issues a token for `user` and records its session, which is what makes it valid.
pub async fn start_session(
    state: &AppState,
    user: &UserRecord,
    device: &SessionDevice,
) -> Result<IssuedToken, ApiError> {
    let issued = state.tokens.issue(user.id, &user.email)?;
    let session = NewSession {
        id: issued.session_id,
        user_id: user.id,
        expires_at: issued.expires_at,
        user_agent: device.user_agent.as_deref(),
        ip: device.ip.as_deref(),
    };
    state.store.insert_session(&session).await?;
    for revoked in state.store.trim_sessions(user.id, MAX_SESSIONS_PER_USER).await? {
        state.sessions.forget(revoked);
    }
    sweep_if_due(state).await;
    Ok(issued)
}
