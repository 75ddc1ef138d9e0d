use axum::extract::FromRequestParts;
use axum::http::HeaderMap;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use uuid::Uuid;

use super::cookie::token_from_cookies;
use super::origin::origin_allowed;
use crate::credentials::{Claims, TokenKeys};
use crate::error::ApiError;
use crate::state::AppState;
use store::UserRecord;

/// The signed-in caller of a protected endpoint: a valid token whose session is live.
pub struct CurrentUser {
    pub user: UserRecord,
    pub session_id: Uuid,
}

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let LiveSession { token, user } = match parts.extensions.remove::<LiveSession>() {
            Some(live) => live,
            None => {
                let token = VerifiedToken::of(&parts.headers, &state.tokens).ok_or(ApiError::Unauthorized)?;
                LiveSession::of(state, token).await?.ok_or(ApiError::Unauthorized)?
            }
        };
        // Browsers attach cookies to cross-site requests; the Origin check is what stops
        // another site from acting for the user. Bearer tokens are never sent implicitly.
        if token.from_cookie
            && !parts.method.is_safe()
            && !origin_allowed(parts, &state.config.allowed_origins)
        {
            return Err(ApiError::Forbidden("This request came from an origin that is not allowed."));
        }
        // Behind `limit_user_reads` the request may still be refused after it ran; the
        // limit records the last-seen time once it is not.
        if parts.extensions.get::<super::CarriedHit>().is_none() {
            super::record_last_seen(state, token.claims.jti).await;
        }
        Ok(Self { user, session_id: token.claims.jti })
    }
}

/// A verified token whose session is live, and its user. The user rate limit finds it to
/// know whose bucket to charge, and leaves it in the request's extensions, where
/// `CurrentUser` takes it instead of looking the session up a second time.
#[derive(Clone)]
pub struct LiveSession {
    pub token: VerifiedToken,
    pub user: UserRecord,
}

impl LiveSession {
    /// The live session of `token`, from the session cache or else the database; `None`
    /// when it was revoked, has expired or was never recorded.
    pub async fn of(state: &AppState, token: VerifiedToken) -> Result<Option<Self>, ApiError> {
        let Claims { jti, user_id, .. } = token.claims;
        if let Some(user) = state.sessions.get(jti, user_id) {
            return Ok(Some(Self { token, user }));
        }
        let ticket = state.sessions.ticket();
        let Some(user) = state.store.session_user(jti, user_id).await? else { return Ok(None) };
        state.sessions.put(jti, &user, ticket);
        Ok(Some(Self { token, user }))
    }
}

/// A request's token once its signature and expiry are checked.
#[derive(Clone)]
pub struct VerifiedToken {
    pub claims: Claims,
    pub from_cookie: bool,
}

impl VerifiedToken {
    /// The request's token, verified; `None` when there is none or it does not verify.
    pub fn of(headers: &HeaderMap, keys: &TokenKeys) -> Option<Self> {
        let (token, from_cookie) = request_token(headers)?;
        keys.verify(token).ok().map(|claims| Self { claims, from_cookie })
    }
}

/// The token of a request and whether it came from the cookie; a Bearer header wins.
fn request_token(headers: &HeaderMap) -> Option<(&str, bool)> {
    match bearer_token(headers) {
        Some(token) => Some((token, false)),
        None => token_from_cookies(headers).map(|token| (token, true)),
    }
}

fn bearer_token(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim()).filter(|t| !t.is_empty())
}
