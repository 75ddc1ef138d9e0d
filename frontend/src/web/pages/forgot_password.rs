//! `/forgot-password`: ask for a reset link by email.

use shared::api::{ForgotPasswordRequest, Notice, RESET_LINK_SENT};
use sycamore::prelude::*;

use crate::api::ApiRequest;
use crate::form_errors::FormErrors;
use crate::forms;
use crate::web::components::{Field, FormAlert};
use crate::web::http;

#[component]
pub fn ForgotPassword() -> View {
    let email = create_signal(String::new());
    let errors = create_signal(FormErrors::default());
    let busy = create_signal(false);
    let sent = create_signal(false);

    let submit = move |event: web_sys::SubmitEvent| {
        event.prevent_default();
        async move {
            if busy.get() {
                return;
            }
            let request = ForgotPasswordRequest { email: email.get_clone() };
            if let Err(invalid) = request.parse() {
                errors.set(FormErrors::from_fields(invalid));
                return;
            }
            busy.set(true);
            match http::fetch::<Notice>(ApiRequest::forgot_password(&request)).await {
                Ok(_) => {
                    errors.set(FormErrors::default());
                    sent.set(true);
                }
                Err(error) => errors.set(FormErrors::from_api(&error, forms::FORGOT_PASSWORD)),
            }
            busy.set(false);
        }
    };

    let form_error = create_memo(move || errors.with(|e| e.form.clone()));
    let email_error = create_memo(move || errors.with(|e| e.field("email")));

    view! {
        div(class="auth") {
            form(class="card auth-card", novalidate=true, aria-labelledby="forgot-heading", on:submit=submit) {
                h1(id="forgot-heading", class="page-title") { "Forgot your password?" }
                p(class="lead") { "Enter the email you signed up with, and we'll send you a link to choose a new password." }
                FormAlert(message=form_error)
                Field(id="forgot-email", label="Email", kind="email", autocomplete="email", value=email, error=email_error)
                button(r#type="submit", class="button primary wide", aria-disabled=move || busy.get().then_some("true")) {
                    "Send reset link"
                }
                p(class="notice", role="status") { (if sent.get() { RESET_LINK_SENT } else { "" }) }
                p(class="switch") { "Remembered it? " a(href="/signin") { "Sign in" } }
            }
        }
    }
}
