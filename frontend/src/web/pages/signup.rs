//! `/signup`.

use shared::api::{Session, SignupRequest};
use sycamore::prelude::*;

use crate::api::ApiRequest;
use crate::form_errors::FormErrors;
use crate::forms;
use crate::session::SessionState;
use crate::web::components::{Field, FormAlert};
use crate::web::http;

#[component]
pub fn Signup() -> View {
    let session = use_context::<Signal<SessionState>>();
    let name = create_signal(String::new());
    let email = create_signal(String::new());
    let password = create_signal(String::new());
    let errors = create_signal(FormErrors::default());
    let busy = create_signal(false);

    let submit = move |event: web_sys::SubmitEvent| {
        event.prevent_default();
        async move {
            if busy.get() {
                return;
            }
            let request = SignupRequest {
                email: email.get_clone(),
                name: name.get_clone(),
                password: password.get_clone(),
            };
            if let Err(invalid) = request.parse() {
                errors.set(FormErrors::from_fields(invalid));
                return;
            }
            busy.set(true);
            match http::fetch::<Session>(ApiRequest::signup(&request)).await {
                // Signed up and in: the router's guard takes the user on to the dashboard.
                Ok(signed_in) => session.set(SessionState::SignedIn(signed_in.data.user)),
                Err(error) => {
                    errors.set(FormErrors::from_api(&error, forms::SIGNUP));
                    busy.set(false);
                }
            }
        }
    };

    let form_error = create_memo(move || errors.with(|e| e.form.clone()));
    let name_error = create_memo(move || errors.with(|e| e.field("name")));
    let email_error = create_memo(move || errors.with(|e| e.field("email")));
    let password_error = create_memo(move || errors.with(|e| e.field("password")));

    view! {
        div(class="auth") {
            form(class="card auth-card", novalidate=true, aria-labelledby="signup-heading", on:submit=submit) {
                h1(id="signup-heading", class="page-title") { "Create your account" }
                p(class="lead") { "Keep track of what needs doing, from any device." }
                FormAlert(message=form_error)
                Field(id="signup-name", label="Name", autocomplete="name", value=name, error=name_error)
                Field(id="signup-email", label="Email", kind="email", autocomplete="email", value=email, error=email_error)
                Field(id="signup-password", label="Password", kind="password", autocomplete="new-password",
                    value=password, error=password_error, hint="Use 8 or more characters, and not a common password.")
                button(r#type="submit", class="button primary wide", aria-disabled=move || busy.get().then_some("true")) {
                    "Sign up"
                }
                p(class="switch") { "Already have an account? " a(href="/signin") { "Sign in" } }
            }
        }
    }
}
