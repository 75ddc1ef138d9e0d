//! `/signin`.

use shared::api::{Session, SigninRequest};
use sycamore::prelude::*;

use crate::api::ApiRequest;
use crate::form_errors::FormErrors;
use crate::forms;
use crate::session::SessionState;
use crate::web::app::Farewell;
use crate::web::components::{Field, FormAlert};
use crate::web::http;

#[component]
pub fn Signin() -> View {
    let session = use_context::<Signal<SessionState>>();
    let email = create_signal(String::new());
    let password = create_signal(String::new());
    let errors = create_signal(FormErrors::default());
    let busy = create_signal(false);
    let Farewell(farewell) = use_context::<Farewell>();
    let farewell_text = farewell.get();
    farewell.set(None);

    let submit = move |event: web_sys::SubmitEvent| {
        event.prevent_default();
        async move {
            if busy.get() {
                return;
            }
            let request = SigninRequest { email: email.get_clone(), password: password.get_clone() };
            if let Err(invalid) = request.parse() {
                errors.set(FormErrors::from_fields(invalid));
                return;
            }
            busy.set(true);
            match http::fetch::<Session>(ApiRequest::signin(&request)).await {
                // Signed in: the router's guard takes the user on to the dashboard.
                Ok(signed_in) => session.set(SessionState::SignedIn(signed_in.data.user)),
                Err(error) => {
                    errors.set(FormErrors::from_api(&error, forms::SIGNIN));
                    busy.set(false);
                }
            }
        }
    };

    let form_error = create_memo(move || errors.with(|e| e.form.clone()));
    let email_error = create_memo(move || errors.with(|e| e.field("email")));
    let password_error = create_memo(move || errors.with(|e| e.field("password")));

    view! {
        div(class="auth") {
            form(class="card auth-card", novalidate=true, aria-labelledby="signin-heading", on:submit=submit) {
                h1(id="signin-heading", class="page-title") { "Sign in" }
                p(class="lead") { "Welcome back. Sign in to see your tasks." }
                (farewell_text.map(|text| view! { p(class="notice", role="status") { (text) } }))
                FormAlert(message=form_error)
                Field(id="signin-email", label="Email", kind="email", autocomplete="email", value=email, error=email_error)
                Field(id="signin-password", label="Password", kind="password", autocomplete="current-password",
                    value=password, error=password_error)
                p(class="forgot") { a(href="/forgot-password") { "Forgot password?" } }
                button(r#type="submit", class="button primary wide", aria-disabled=move || busy.get().then_some("true")) {
                    "Sign in"
                }
                p(class="switch") { "New here? " a(href="/signup") { "Create an account" } }
            }
        }
    }
}
