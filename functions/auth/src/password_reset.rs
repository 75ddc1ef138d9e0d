//! A forgotten password: a one-time link by email, then a new password.

use std::time::Duration;

use axum::extract::State;
use axum::http::StatusCode;
use backend::auth::{RESET_HISTORY, ResetToken, hash_reset_token};
use backend::config::Runtime;
use backend::http::{Json, JsonOk, ok};
use backend::mail::ResetMail;
use backend::{ApiError, AppState};
use chrono::Utc;
use contract::api::{
    ForgotPasswordRequest, Notice, RESET_LINK_INVALID, RESET_LINK_SENT, ResetPasswordRequest, Success,
};
use contract::domain::{Email, FieldErrors};
use contract::openapi::{InvalidInput, MailUnavailable, PayloadTooLarge, RateLimited, UnsupportedMediaType};
use contract::policy::{RESET_EMAILS_PER_HOUR, RESET_LINK_MINUTES};
use store::NewPasswordReset;

use crate::notices;

const LINK_LIFETIME: chrono::Duration = chrono::Duration::minutes(RESET_LINK_MINUTES);
/// On Lambda, work left after the response may be frozen with the instance, so the
/// answer waits for the mail job, but always exactly this long: a fast "no such
/// account" would tell an existing account from a missing one.
const LAMBDA_ANSWER_AFTER: Duration = Duration::from_secs(2);

type JobError = Box<dyn std::error::Error + Send + Sync>;

/// Email a one-time link to set a new password, if the account exists.
///
/// The answer is the same whether or not it does, and so is the time it takes: the
/// lookup and the mail happen in a job of their own.
#[utoipa::path(
    post, path = "/api/auth/forgot-password", tag = "auth", operation_id = "forgot_password",
    request_body = ForgotPasswordRequest,
    responses(
        (status = 202, description = concat!(
            "Accepted. If the account exists, and has had fewer than ", contract::reset_emails_per_hour!(),
            " reset emails this hour, an email with a link valid for ", contract::reset_link_minutes!(),
            " minutes is on its way."),
         body = Success<Notice>),
        PayloadTooLarge, UnsupportedMediaType, InvalidInput, RateLimited, MailUnavailable,
    )
)]
pub async fn forgot_password(
    State(state): State<AppState>,
    Json(body): Json<ForgotPasswordRequest>,
) -> Result<(StatusCode, JsonOk<Notice>), ApiError> {
    let email = body.parse().map_err(ApiError::invalid_fields)?;
    let origin = state.config.app_origin().filter(|_| state.mailer.is_available());
    let Some(origin) = origin else { return Err(ApiError::MailUnavailable) };
    let deadline = tokio::time::Instant::now() + LAMBDA_ANSWER_AFTER;
    let job = tokio::spawn(send_reset_link(state.clone(), email, origin));
    if state.runtime() == Runtime::Lambda {
        // A job still running at the deadline goes on, if the instance is not frozen.
        let _ = tokio::time::timeout_at(deadline, job).await;
        tokio::time::sleep_until(deadline).await;
    }
    Ok((StatusCode::ACCEPTED, ok(Notice { message: RESET_LINK_SENT.into() })))
}

async fn send_reset_link(state: AppState, email: Email, origin: String) {
    if let Err(e) = try_send_reset_link(&state, &email, &origin).await {
        tracing::error!(event = "reset_mail_failed", error = %e, "could not send a password reset email");
    }
}

async fn try_send_reset_link(state: &AppState, email: &Email, origin: &str) -> Result<(), JobError> {
    let Some(user) = state.store.user_by_email(email).await? else { return Ok(()) };
    let token = ResetToken::generate()?;
    let now = Utc::now();
    let expires_at = now + LINK_LIFETIME;
    let reset = NewPasswordReset {
        token_hash: &token.hash,
        user_id: user.id,
        expires_at,
        cap_since: now - RESET_HISTORY,
        cap: RESET_EMAILS_PER_HOUR,
    };
    if !state.store.insert_password_reset(&reset).await? {
        tracing::warn!(event = "reset_mail_capped", user_id = %user.id, "reset email cap reached; none sent");
        return Ok(());
    }
    // In the fragment, the token never reaches a server's, proxy's or CDN's access log,
    // nor a `Referer`.
    let link = format!("{origin}/reset-password#token={}", token.token);
    let mail = ResetMail { to_email: user.email, link, expires_at };
    state.mailer.send(&mail).await?;
    tracing::info!(event = "reset_mail_sent", user_id = %user.id, "password reset email sent");
    Ok(())
}

/// Set a new password with the token of an emailed link. Every session of the account
/// is signed out, and the link cannot be used again.
#[utoipa::path(
    post, path = "/api/auth/reset-password", tag = "auth", operation_id = "reset_password",
    request_body = ResetPasswordRequest,
    responses(
        (status = 204, description = "The password is set; every session of the account is revoked."),
        PayloadTooLarge, UnsupportedMediaType,
        (status = 422, description = "`VALIDATION_ERROR`: the password breaks the signup rules \
                                      (`details.password`), or the token is unknown, expired or \
                                      already used (`details.token`).", body = contract::api::Failure),
        RateLimited,
    )
)]
pub async fn reset_password(
    State(state): State<AppState>,
    Json(body): Json<ResetPasswordRequest>,
) -> Result<StatusCode, ApiError> {
    let reset = body.parse().map_err(ApiError::invalid_fields)?;
    let token_hash = hash_reset_token(&reset.token);
    // Looked up first, so that a garbage token costs no bcrypt; spending it below
    // checks again, in the transaction that sets the password.
    if state.store.live_password_reset(&token_hash).await?.is_none() {
        return Err(invalid_link());
    }
    let password_hash = state.passwords.hash(&reset.password).await?;
    let Some(user) = state.store.reset_password(&token_hash, &password_hash).await? else {
        return Err(invalid_link());
    };
    state.sessions.forget_user(user.id);
    tracing::info!(event = "password_reset", user_id = %user.id, "password set from a reset link");
    notices::password_changed(&state, &user.email).await;
    Ok(StatusCode::NO_CONTENT)
}

fn invalid_link() -> ApiError {
    ApiError::invalid_fields(FieldErrors::from([("token".into(), RESET_LINK_INVALID.into())]))
}
