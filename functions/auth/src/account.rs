//! The account as a whole: take its data out, or delete it.

use axum::extract::State;
use axum::http::StatusCode;
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE, SET_COOKIE};
use axum::response::{IntoResponse, Response};
use backend::auth::{CurrentUser, check_password, cleared_device_cookie, signed_out};
use backend::http::Json;
use backend::{ApiError, AppState};
use chrono::Utc;
use contract::api::{AccountExport, DeleteAccountRequest, Success};
use contract::openapi::{
    CrossOrigin, InvalidInput, PayloadTooLarge, RateLimited, Unauthorized, UnsupportedMediaType,
};
use store::StillVerified;

use crate::export_body::{self, EXPORT_PAGE_SIZE};

/// Everything the account holds, as a JSON file to download.
#[utoipa::path(
    get, path = "/api/auth/export", tag = "auth", operation_id = "export_account",
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, description = "The user and every task.", body = Success<AccountExport>,
         headers(("Content-Disposition" = String,
                  description = "`attachment; filename=\"tasks-export-YYYY-MM-DD.json\"`, dated in UTC."))),
        Unauthorized, RateLimited,
    )
)]
pub async fn export(State(state): State<AppState>, current: CurrentUser) -> Result<Response, ApiError> {
    let first = state.store.tasks_after(current.user.id, 0, EXPORT_PAGE_SIZE).await?;
    let exported_at = Utc::now();
    let disposition =
        format!("attachment; filename=\"tasks-export-{}.json\"", exported_at.format("%Y-%m-%d"));
    let envelope = AccountExport { user: current.user.into(), tasks: Vec::new(), exported_at };
    let body = export_body::stream(state.store.clone(), &envelope, first)?;
    let headers = [(CONTENT_TYPE, "application/json".to_owned()), (CONTENT_DISPOSITION, disposition)];
    Ok((StatusCode::OK, headers, body).into_response())
}

/// Delete the account with its tasks, sessions and reset links. It needs the password.
#[utoipa::path(
    delete, path = "/api/auth/account", tag = "auth", operation_id = "delete_account",
    request_body = DeleteAccountRequest,
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 204, description = "The account and everything in it are gone; every token stops working.",
         headers(("Set-Cookie" = String, description = "Clears `token`, `signed_in` and `device` with `Max-Age=0`."))),
        (status = 401, description = "`UNAUTHORIZED`: no valid session; or `INVALID_CREDENTIALS`: \
                                      `current_password` is wrong, or a reset, a password change or \
                                      a sign-out committed while this request was in flight.", body = contract::api::Failure),
        CrossOrigin, PayloadTooLarge, UnsupportedMediaType, InvalidInput, RateLimited,
    )
)]
pub async fn delete_account(
    State(state): State<AppState>,
    current: CurrentUser,
    Json(body): Json<DeleteAccountRequest>,
) -> Result<Response, ApiError> {
    let password = body.parse().map_err(ApiError::invalid_fields)?;
    let hash = current.user.password_hash.as_str();
    check_password(&state, &current.user.email, Some(hash), &password).await?;
    // Refused when a reset, a password change or a sign-out committed since the check
    // (the session may have come from the cache): the password given is then stale.
    let verified = StillVerified { session_id: current.session_id, password_hash: Some(hash) };
    let deleted = state.store.delete_user(current.user.id, verified).await?;
    state.sessions.forget_user(current.user.id);
    if !deleted {
        return Err(ApiError::InvalidCredentials);
    }
    tracing::info!(event = "account_deleted", user_id = %current.user.id, "account deleted");
    // The device cookie already counts for nothing (its account is gone); this clears it too.
    let mut response = signed_out(state.config.cookie_secure);
    response.headers_mut().append(SET_COOKIE, cleared_device_cookie(state.config.cookie_secure));
    Ok(response)
}
