//! The account as a whole: take its data out, or delete it.

use axum::extract::State;
use axum::http::StatusCode;
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use shared::api::{AccountExport, DeleteAccountRequest, Success};
use shared::auth::{CurrentUser, check_password, signed_out};
use shared::http::Json;
use shared::openapi::{
    CrossOrigin, InvalidInput, PayloadTooLarge, RateLimited, Unauthorized, UnsupportedMediaType,
};
use shared::{ApiError, AppState};

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
         headers(("Set-Cookie" = String, description = "Clears `token` and `signed_in` with `Max-Age=0`."))),
        (status = 401, description = "`UNAUTHORIZED`: no valid session; or `INVALID_CREDENTIALS`: \
                                      `current_password` is wrong.", body = shared::api::Failure),
        CrossOrigin, PayloadTooLarge, UnsupportedMediaType, InvalidInput, RateLimited,
    )
)]
pub async fn delete_account(
    State(state): State<AppState>,
    current: CurrentUser,
    Json(body): Json<DeleteAccountRequest>,
) -> Result<Response, ApiError> {
    let password = body.parse().map_err(ApiError::invalid_fields)?;
    check_password(&state, &current.user.email, Some(&current.user.password_hash), &password).await?;
    state.store.delete_user(current.user.id).await?;
    state.sessions.forget_user(current.user.id);
    tracing::info!(event = "account_deleted", user_id = %current.user.id, "account deleted");
    Ok(signed_out(state.config.cookie_secure))
}
