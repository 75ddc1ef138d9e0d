//! `/signup`.

use contract::api::SignupRequest;
use sycamore::prelude::*;

use super::signin::enter;
use crate::api::ApiRequest;
use crate::form_errors::FormErrors;
use crate::forms;
use crate::web::components::{Field, FormAlert};
use crate::web::form::Form;

#[component]
pub fn Signup() -> View {
    let name = create_signal(String::new());
    let email = create_signal(String::new());
    let password = create_signal(String::new());
    let form = Form::new(forms::SIGNUP);

    let submit = form.on_submit(move || {
        let request = SignupRequest {
            email: email.get_clone(),
            name: name.get_clone(),
            password: password.get_clone(),
        };
        let checked = request.parse().map(|_| ApiRequest::signup(&request));
        enter(form, checked.map_err(FormErrors::from_fields))
    });

    view! {
        div(class="auth") {
            form(class="card auth-card", novalidate=true, aria-labelledby="signup-heading", on:submit=submit) {
                h1(id="signup-heading", class="page-title") { "Create your account" }
                p(class="lead") { "Keep track of what needs doing, from any device." }
                FormAlert(message=form.alert())
                Field(id="signup-name", label="Name", autocomplete="name", value=name, error=form.error("name"))
                Field(id="signup-email", label="Email", kind="email", autocomplete="email", value=email,
                    error=form.error("email"))
                Field(id="signup-password", label="Password", kind="password", autocomplete="new-password",
                    value=password, error=form.error("password"),
                    hint="Use 8 or more characters, and not a common password.")
                button(r#type="submit", class="button primary wide", aria-disabled=form.disabled()) {
                    "Sign up"
                }
                p(class="switch") { "Already have an account? " a(href="/signin") { "Sign in" } }
            }
        }
    }
}
