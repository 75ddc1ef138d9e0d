//! `/reset-password#token=…`: choose a new password from an emailed link. Mail sent
//! before the token moved to the fragment has it in the query, `?token=…`.

use contract::api::{RESET_LINK_INVALID, ResetPasswordRequest};
use sycamore::prelude::*;

use crate::api::{ApiError, ApiRequest};
use crate::form_errors::FormErrors;
use crate::forms;
use crate::reset_link;
use crate::web::components::{Field, FormAlert};
use crate::web::form::{Form, Outcome};
use crate::web::session::use_session;
use crate::web::{dom, http};

fn is_bad_link(error: &ApiError) -> bool {
    error.details().is_some_and(|details| details.contains_key("token"))
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Stage {
    Choosing,
    Done,
    BadLink,
}

#[component]
pub fn ResetPassword() -> View {
    let session = use_session();
    // The token leaves the address bar at once: it must not stay in the history, nor
    // reach another site in a `Referer`.
    let token = reset_link::token_in(&dom::fragment(), &dom::search());
    dom::replace_address("/reset-password");
    let stage = create_signal(if token.is_some() { Stage::Choosing } else { Stage::BadLink });
    let token = token.unwrap_or_default();
    let password = create_signal(String::new());
    let form = Form::new(forms::RESET_PASSWORD);

    let submit = form.on_submit(move || {
        let request = ResetPasswordRequest { token: token.clone(), password: password.get_clone() };
        async move {
            request.parse().map_err(FormErrors::from_fields)?;
            match http::fetch_empty(ApiRequest::reset_password(&request)).await {
                Ok(()) => {
                    // The reset revoked every session, this browser's too.
                    if session.user().is_some() {
                        session.end();
                    }
                    stage.set(Stage::Done);
                }
                Err(error) if is_bad_link(&error) => stage.set(Stage::BadLink),
                Err(error) => return Err(form.refused(error)),
            }
            Outcome::Ok(())
        }
    });

    view! {
        div(class="auth") {
            (match stage.get() {
                Stage::Choosing => {
                    let submit = submit.clone();
                    view! {
                        form(class="card auth-card", novalidate=true, aria-labelledby="reset-heading", on:submit=submit) {
                            h1(id="reset-heading", class="page-title") { "Reset your password" }
                            p(class="lead") { "Your other sessions will be signed out." }
                            FormAlert(message=form.alert())
                            Field(id="reset-password", label="New password", kind="password", autocomplete="new-password",
                                value=password, error=form.error("password"), hint="At least 8 characters.")
                            button(r#type="submit", class="button primary wide", aria-disabled=form.disabled()) {
                                "Set password"
                            }
                        }
                    }
                }
                Stage::Done => view! {
                    div(class="card auth-card", role="status") {
                        h1(class="page-title") { "Your password is set." }
                        p(class="lead") { "Sign in with your new password." }
                        a(class="button primary wide", href="/signin") { "Sign in" }
                    }
                },
                Stage::BadLink => view! {
                    div(class="card auth-card") {
                        h1(class="page-title") { "This link doesn't work" }
                        p(class="alert", role="alert") { (RESET_LINK_INVALID) }
                        a(class="button primary wide", href="/forgot-password") { "Send a new link" }
                    }
                },
            })
        }
    }
}
