//! `/signin`.

use contract::api::SigninRequest;
use sycamore::prelude::*;

use crate::api::ApiRequest;
use crate::form_errors::FormErrors;
use crate::forms;
use crate::web::components::{Field, FormAlert};
use crate::web::form::{Form, Outcome};
use crate::web::http;
use crate::web::session::Farewell;
use crate::web::session::use_session;

/// Sends a signin or signup `request`, unless the form refused it before anything was
/// sent. Once in, the router's guard takes the user on to the dashboard.
pub(super) async fn enter(form: Form, request: Result<ApiRequest, FormErrors>) -> Outcome {
    let session = use_session();
    let signed_in = http::fetch::<contract::api::Session>(request?).await.map_err(|e| form.refused(e))?;
    session.sign_in(signed_in.data.user);
    Ok(())
}

#[component]
pub fn Signin() -> View {
    let email = create_signal(String::new());
    let password = create_signal(String::new());
    let form = Form::new(forms::SIGNIN);
    let Farewell(farewell) = use_context::<Farewell>();
    let farewell_text = farewell.get();
    farewell.set(None);

    let submit = form.on_submit(move || {
        let request = SigninRequest { email: email.get_clone(), password: password.get_clone() };
        let checked = request.parse().map(|_| ApiRequest::signin(&request));
        enter(form, checked.map_err(FormErrors::from_fields))
    });

    view! {
        div(class="auth") {
            form(class="card auth-card", novalidate=true, aria-labelledby="signin-heading", on:submit=submit) {
                h1(id="signin-heading", class="page-title") { "Sign in" }
                p(class="lead") { "Welcome back. Sign in to see your tasks." }
                (farewell_text.map(|text| view! { p(class="notice", role="status") { (text) } }))
                FormAlert(message=form.alert())
                Field(id="signin-email", label="Email", kind="email", autocomplete="email", value=email,
                    error=form.error("email"))
                Field(id="signin-password", label="Password", kind="password", autocomplete="current-password",
                    value=password, error=form.error("password"))
                p(class="forgot") { a(href="/forgot-password") { "Forgot password?" } }
                button(r#type="submit", class="button primary wide", aria-disabled=form.disabled()) {
                    "Sign in"
                }
                p(class="switch") { "New here? " a(href="/signup") { "Create an account" } }
            }
        }
    }
}
