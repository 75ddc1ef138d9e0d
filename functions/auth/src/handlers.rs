use axum::extract::State;
use axum::http::StatusCode;
use axum::http::header::SET_COOKIE;
use axum::response::{IntoResponse, Response};
use shared::api::{ProfileRequest, Session, SigninRequest, SignupRequest, UserEnvelope};
use shared::auth::{CurrentUser, clear_session_cookie, session_cookie, start_session};
use shared::http::{Json, Ok, ok};
use shared::store::{NewUser, UserChange, UserRecord};
use shared::{ApiError, AppState};

pub async fn signup(
    State(state): State<AppState>,
    Json(body): Json<SignupRequest>,
) -> Result<Response, ApiError> {
    let signup = body.parse().map_err(ApiError::invalid_fields)?;
    let password_hash = state.passwords.hash(&signup.password).await?;
    let user = state
        .store
        .insert_user(NewUser { email: &signup.email, name: &signup.name, password_hash: &password_hash })
        .await?;
    session_response(&state, StatusCode::CREATED, user).await
}

pub async fn signin(
    State(state): State<AppState>,
    Json(body): Json<SigninRequest>,
) -> Result<Response, ApiError> {
    let signin = body.parse().map_err(ApiError::invalid_fields)?;
    let user = state.store.user_by_email(&signin.email).await?;
    let hash = user.as_ref().map(|u| u.password_hash.as_str());
    if !state.passwords.verify(&signin.password, hash).await? {
        return Err(ApiError::InvalidCredentials);
    }
    let user = user.ok_or(ApiError::InvalidCredentials)?;
    session_response(&state, StatusCode::OK, user).await
}

pub async fn signout(State(state): State<AppState>, current: CurrentUser) -> Result<Response, ApiError> {
    state.store.delete_session(current.session_id).await?;
    state.sessions.forget(current.session_id);
    let cookie = clear_session_cookie(state.config.cookie_secure);
    Ok((StatusCode::NO_CONTENT, [(SET_COOKIE, cookie)]).into_response())
}

pub async fn me(current: CurrentUser) -> Ok<UserEnvelope> {
    ok(UserEnvelope { user: current.user.into() })
}

pub async fn update_profile(
    State(state): State<AppState>,
    current: CurrentUser,
    Json(body): Json<ProfileRequest>,
) -> Result<Ok<UserEnvelope>, ApiError> {
    let change = body.parse().map_err(ApiError::invalid_fields)?;
    if change.needs_current_password() {
        let given = change.current_password.as_deref().unwrap_or_default();
        if !state.passwords.verify(given, Some(&current.user.password_hash)).await? {
            return Err(ApiError::InvalidCredentials);
        }
    }
    let password_hash = match &change.password {
        Some(password) => Some(state.passwords.hash(password).await?),
        None => None,
    };
    let user = state
        .store
        .update_user(
            current.user.id,
            UserChange {
                email: change.email.as_ref(),
                name: change.name.as_ref(),
                password_hash: password_hash.as_deref(),
            },
        )
        .await?;
    if password_hash.is_some() {
        state.store.delete_other_sessions(user.id, current.session_id).await?;
    }
    state.sessions.forget_user(user.id);
    Ok(ok(UserEnvelope { user: user.into() }))
}

/// The body and cookie of a successful signup or signin.
async fn session_response(
    state: &AppState,
    status: StatusCode,
    user: UserRecord,
) -> Result<Response, ApiError> {
    let issued = start_session(state, &user).await?;
    let cookie = session_cookie(&issued.token, state.config.cookie_secure);
    let body = Session { user: user.into(), token: issued.token };
    Ok((status, [(SET_COOKIE, cookie)], axum::Json(shared::api::Success::new(body))).into_response())
}
