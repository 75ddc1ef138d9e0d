use axum::extract::FromRequestParts;
use axum::http::HeaderMap;
use axum::http::header::{AUTHORIZATION, HOST, ORIGIN};
use axum::http::request::Parts;
use uuid::Uuid;

use super::cookie::token_from_cookies;
use crate::error::ApiError;
use crate::state::AppState;
use crate::store::UserRecord;

/// The signed-in caller of a protected endpoint: a valid token whose session is live.
pub struct CurrentUser {
    pub user: UserRecord,
    pub session_id: Uuid,
}

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let (token, from_cookie) = request_token(&parts.headers).ok_or(ApiError::Unauthorized)?;
        let claims = state.tokens.verify(token)?;
        // Browsers attach cookies to cross-site requests; the Origin check is what stops
        // another site from acting for the user. Bearer tokens are never sent implicitly.
        if from_cookie && !parts.method.is_safe() && !origin_allowed(parts, &state.config.allowed_origins) {
            return Err(ApiError::Forbidden("This request came from an origin that is not allowed."));
        }
        if let Some(user) = state.sessions.get(claims.jti, claims.user_id) {
            super::record_last_seen(state, claims.jti).await;
            return Ok(Self { user, session_id: claims.jti });
        }
        let ticket = state.sessions.ticket();
        let user =
            state.store.session_user(claims.jti, claims.user_id).await?.ok_or(ApiError::Unauthorized)?;
        state.sessions.put(claims.jti, &user, ticket);
        super::record_last_seen(state, claims.jti).await;
        Ok(Self { user, session_id: claims.jti })
    }
}

/// The token of a request and whether it came from the cookie; a Bearer header wins.
pub fn request_token(headers: &HeaderMap) -> Option<(&str, bool)> {
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

/// No `Origin` (a non-browser client) is allowed; otherwise it must be listed, or, with
/// no list, be this server's own origin as named by the `Host` header.
fn origin_allowed(parts: &Parts, allowed: &[String]) -> bool {
    let Some(origin) = parts.headers.get(ORIGIN) else { return true };
    let Ok(origin) = origin.to_str() else { return false };
    if !allowed.is_empty() {
        return allowed.iter().any(|a| a == origin);
    }
    let host = parts.headers.get(HOST).and_then(|h| h.to_str().ok());
    let origin_host = origin.split_once("://").map(|(_, rest)| rest);
    matches!((host, origin_host), (Some(host), Some(origin_host)) if host.eq_ignore_ascii_case(origin_host))
}
