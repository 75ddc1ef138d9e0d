//! Notices of a changed password or address, sent off the request path as reset mail
//! is: a slow or failing mail server never holds up, nor fails, the change itself.

use std::time::Duration;

use backend::AppState;
use backend::config::Runtime;
use backend::mail::{EmailChangedMail, Letter, PasswordChangedMail};
use chrono::Utc;

/// On Lambda, work left after the response may be frozen with the instance, so the
/// answer waits for the notice, but never longer than this.
const LAMBDA_WAIT_AT_MOST: Duration = Duration::from_secs(2);

/// "Your password was changed", to the account's address.
pub async fn password_changed(state: &AppState, email: &str) {
    let mail =
        PasswordChangedMail { to_email: email.to_owned(), origin: state.config.app_origin(), at: Utc::now() };
    send(state, mail).await;
}

/// "Your email address was changed", to the old address.
pub async fn email_changed(state: &AppState, old_email: &str, new_email: &str) {
    let mail =
        EmailChangedMail { old_email: old_email.to_owned(), new_email: new_email.to_owned(), at: Utc::now() };
    send(state, mail).await;
}

async fn send(state: &AppState, mail: impl Letter + 'static) {
    if !state.mailer.is_available() {
        return;
    }
    let mailer = state.mailer.clone();
    let job = tokio::spawn(async move {
        if let Err(e) = mailer.send(&mail).await {
            tracing::error!(event = "notice_mail_failed", subject = mail.subject(), error = %e,
                "could not send a notice email");
        }
    });
    if state.runtime() == Runtime::Lambda {
        // A job still running then goes on, if the instance is not frozen.
        let _ = tokio::time::timeout(LAMBDA_WAIT_AT_MOST, job).await;
    }
}
