//! `/forgot-password`: ask for a reset link by email.

use contract::api::{ErrorCode, ForgotPasswordRequest, Notice, RESET_BY_EMAIL_OFF, RESET_LINK_SENT};
use sycamore::prelude::*;

use crate::api::ApiRequest;
use crate::form_errors::FormErrors;
use crate::forms;
use crate::web::components::{Field, FormAlert};
use crate::web::form::{Form, Outcome};
use crate::web::http;

#[component]
pub fn ForgotPassword() -> View {
    let email = create_signal(String::new());
    let sent = create_signal(false);
    // Learnt from the server's 503 `MAIL_UNAVAILABLE`: the form is then no use here.
    let off = create_signal(false);
    let form = Form::new(forms::FORGOT_PASSWORD);

    let submit = form.on_submit(move || async move {
        let request = ForgotPasswordRequest { email: email.get_clone() };
        request.parse().map_err(FormErrors::from_fields)?;
        match http::fetch::<Notice>(ApiRequest::forgot_password(&request)).await {
            Ok(_) => sent.set(true),
            Err(error) if error.code() == Some(ErrorCode::MailUnavailable) => off.set(true),
            Err(error) => return Err(form.refused(error)),
        }
        Outcome::Ok(())
    });

    view! {
        div(class="auth") {
            (if off.get() {
                view! {
                    div(class="card auth-card") {
                        h1(class="page-title") { "Forgot your password?" }
                        p(class="alert", role="alert") { (RESET_BY_EMAIL_OFF) }
                        p(class="lead") { "If you remember your password, sign in. If not, ask whoever runs this server." }
                        a(class="button primary wide", href="/signin") { "Sign in" }
                    }
                }
            } else {
                let submit = submit.clone();
                view! {
                    form(class="card auth-card", novalidate=true, aria-labelledby="forgot-heading", on:submit=submit) {
                        h1(id="forgot-heading", class="page-title") { "Forgot your password?" }
                        p(class="lead") { "Enter the email you signed up with, and we'll send you a link to choose a new password." }
                        FormAlert(message=form.alert())
                        Field(id="forgot-email", label="Email", kind="email", autocomplete="email", value=email,
                            error=form.error("email"))
                        button(r#type="submit", class="button primary wide", aria-disabled=form.disabled()) {
                            "Send reset link"
                        }
                        p(class="notice", role="status") { (if sent.get() { RESET_LINK_SENT } else { "" }) }
                        p(class="switch") { "Remembered it? " a(href="/signin") { "Sign in" } }
                    }
                }
            })
        }
    }
}
