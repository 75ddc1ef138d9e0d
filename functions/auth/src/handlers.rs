use axum::extract::State;
use axum::http::header::SET_COOKIE;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{AppendHeaders, IntoResponse, Response};
use backend::auth::{
    CurrentUser, SessionDevice, check_password, check_password_on_device, presented_device, remember_device,
    session_cookies, signed_out, start_session,
};
use backend::http::{Json, JsonOk, ok};
use backend::{ApiError, AppState};
use contract::api::{Failure, ProfileRequest, Session, SigninRequest, SignupRequest, Success, UserEnvelope};
use contract::openapi::{
    CrossOrigin, EmailExists, InvalidCredentials, InvalidInput, PayloadTooLarge, RateLimited, Unauthorized,
    UnsupportedMediaType,
};
use store::{NewUser, StillVerified, UserChange, UserRecord};

use crate::notices;

/// Signup and signin answer alike: the session in the body and in two cookies. utoipa
/// takes a header's description only as a literal, so their `#[utoipa::path]` is
/// written once, here.
macro_rules! session_route {
    (
        $(#[doc = $doc:literal])*
        path = $path:tt, operation_id = $operation:tt, request_body = $request:ident,
        status = $status:tt, description = $description:tt, cookies = $cookies:tt, refusal = $refusal:ident;
        $($handler:tt)*
    ) => {
        $(#[doc = $doc])*
        #[utoipa::path(
            post, path = $path, tag = "auth", operation_id = $operation,
            request_body = $request,
            responses(
                (status = $status, description = $description,
                 body = Success<Session>,
                 headers(("Set-Cookie" = String, description = $cookies))),
                $refusal, PayloadTooLarge, UnsupportedMediaType, InvalidInput, RateLimited,
            )
        )]
        $($handler)*
    };
}

session_route! {
    /// Create an account and start a session.
    path = "/api/auth/signup", operation_id = "signup", request_body = SignupRequest,
    status = 201, description = "The account and a session token, also set as the `token` cookie.",
    cookies = "Two cookies, each `SameSite=Lax; Path=/; Max-Age=604800`, plus `Secure` unless \
               `COOKIE_SECURE=false`: the session, `token=<jwt>; HttpOnly`, and `signed_in=1`, which \
               scripts may read.",
    refusal = EmailExists;
    pub async fn signup(
        State(state): State<AppState>,
        device: SessionDevice,
        Json(body): Json<SignupRequest>,
    ) -> Result<Response, ApiError> {
        let signup = body.parse().map_err(ApiError::invalid_fields)?;
        let password_hash = state.passwords.hash(&signup.password).await?;
        let user = state
            .store
            .insert_user(NewUser { email: &signup.email, name: &signup.name, password_hash: &password_hash })
            .await?;
        session_response(&state, StatusCode::CREATED, user, &device).await
    }
}

session_route! {
    /// Start a session.
    path = "/api/auth/signin", operation_id = "signin", request_body = SigninRequest,
    status = 200, description = "The user and a session token, also set as the `token` cookie.",
    cookies = "Three cookies, each `SameSite=Lax`, plus `Secure` unless `COOKIE_SECURE=false`: the \
               session, `token=<jwt>; HttpOnly; Path=/; Max-Age=604800`; `signed_in=1; Path=/; \
               Max-Age=604800`, which scripts may read; and the device cookie, `device=<signed>; \
               HttpOnly; Path=/api/auth/signin; Max-Age=31536000`, which signout leaves alone. A later \
               signin that presents it is counted on the device's own failed-password counter, so \
               strangers locking the account do not refuse it.",
    refusal = InvalidCredentials;
    pub async fn signin(
        State(state): State<AppState>,
        device: SessionDevice,
        headers: HeaderMap,
        Json(body): Json<SigninRequest>,
    ) -> Result<Response, ApiError> {
        let signin = body.parse().map_err(ApiError::invalid_fields)?;
        let user = state.store.user_by_email(&signin.email).await?;
        let hash = user.as_ref().map(|u| u.password_hash.as_str());
        let (email, password) = (signin.email.as_str(), signin.password.as_str());
        let known = user.as_ref().and_then(|u| presented_device(&headers, &state.tokens, u.id));
        match &known {
            Some(known) => check_password_on_device(&state, known, email, hash, password).await?,
            None => check_password(&state, email, hash, password).await?,
        }
        let user = user.ok_or(ApiError::InvalidCredentials)?;
        let device_cookie = remember_device(&state, user.id, known).await?;
        let mut response = session_response(&state, StatusCode::OK, user, &device).await?;
        response.headers_mut().extend(device_cookie.map(|cookie| (SET_COOKIE, cookie)));
        Ok(response)
    }
}

/// End this session: the token is revoked and the cookie cleared.
#[utoipa::path(
    post, path = "/api/auth/signout", tag = "auth", operation_id = "signout",
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 204, description = "Signed out; the token no longer works.",
         headers(("Set-Cookie" = String, description = "Clears `token` and `signed_in` with `Max-Age=0`."))),
        Unauthorized, CrossOrigin, RateLimited,
    )
)]
pub async fn signout(State(state): State<AppState>, current: CurrentUser) -> Result<Response, ApiError> {
    state.store.delete_session(current.session_id).await?;
    state.sessions.forget(current.session_id);
    Ok(signed_out(state.config.cookie_secure))
}

/// The signed-in user.
#[utoipa::path(
    get, path = "/api/auth/me", tag = "auth", operation_id = "me",
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, description = "The user.", body = Success<UserEnvelope>),
        Unauthorized, RateLimited,
    )
)]
pub async fn me(current: CurrentUser) -> JsonOk<UserEnvelope> {
    ok(UserEnvelope { user: current.user.into() })
}

/// Change the name, email or password. The email and the password need
/// `current_password`; a new password or email signs out every other session.
#[utoipa::path(
    put, path = "/api/auth/profile", tag = "auth", operation_id = "update_profile",
    request_body = ProfileRequest,
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, description = "The updated user.", body = Success<UserEnvelope>),
        EmailExists,
        (status = 401, description = "`UNAUTHORIZED`: no valid session; or `INVALID_CREDENTIALS`: \
                                      `current_password` is wrong, or a reset, a password change or \
                                      a sign-out committed while this request was in flight.", body = Failure),
        CrossOrigin, PayloadTooLarge, UnsupportedMediaType, InvalidInput, RateLimited,
    )
)]
pub async fn update_profile(
    State(state): State<AppState>,
    current: CurrentUser,
    Json(body): Json<ProfileRequest>,
) -> Result<JsonOk<UserEnvelope>, ApiError> {
    let change = body.parse().map_err(ApiError::invalid_fields)?;
    let verified_hash = change.needs_current_password().then_some(current.user.password_hash.as_str());
    if let Some(hash) = verified_hash {
        let given = change.current_password.as_deref().unwrap_or_default();
        check_password(&state, &current.user.email, Some(hash), given).await?;
    }
    // The same address again is no change: it keeps the reset links and sends no notice.
    let new_email = change.email.as_ref().filter(|email| email.as_str() != current.user.email);
    let password_hash = match &change.password {
        Some(password) => Some(state.passwords.hash(password).await?),
        None => None,
    };
    let verified = StillVerified { session_id: current.session_id, password_hash: verified_hash };
    let change_written =
        UserChange { email: new_email, name: change.name.as_ref(), password_hash: password_hash.as_deref() };
    // `None`: a reset, a password change or a sign-out committed since the check above
    // (the session may have come from the cache); the caller's password is then stale.
    let Some(user) = state.store.update_user(current.user.id, verified, change_written).await? else {
        state.sessions.forget_user(current.user.id);
        return Err(ApiError::InvalidCredentials);
    };
    // Whoever holds another session may know the old password, or own the old address.
    if password_hash.is_some() || new_email.is_some() {
        state.store.delete_other_sessions(user.id, current.session_id).await?;
    }
    state.sessions.forget_user(user.id);
    if password_hash.is_some() {
        notices::password_changed(&state, &user.email).await;
    }
    if new_email.is_some() {
        notices::email_changed(&state, &current.user.email, &user.email).await;
    }
    Ok(ok(UserEnvelope { user: user.into() }))
}

/// The body and cookie of a successful signup or signin.
async fn session_response(
    state: &AppState,
    status: StatusCode,
    user: UserRecord,
    device: &SessionDevice,
) -> Result<Response, ApiError> {
    let issued = start_session(state, &user, device).await?;
    let cookies =
        session_cookies(&issued.token, state.config.cookie_secure).map(|cookie| (SET_COOKIE, cookie));
    let body = Session { user: user.into(), token: issued.token };
    Ok((status, AppendHeaders(cookies), axum::Json(contract::api::Success::new(body))).into_response())
}
