//! `/profile`: change the name, the email or the password; see and end sessions;
//! export or delete the account.

use contract::api::UserEnvelope;
use sycamore::prelude::*;

use crate::api::ApiRequest;
use crate::forms::{self, ProfileDraft};
use crate::web::components::{Field, FormAlert};
use crate::web::form::{Form, Outcome};
use crate::web::http;
use crate::web::pages::profile_account::{DeleteAccount, ExportData};
use crate::web::pages::profile_devices::SignedInDevices;
use crate::web::session::use_session;

#[component]
pub fn Profile() -> View {
    let session = use_session();
    let start = session.user().map(|u| ProfileDraft::of(&u)).unwrap_or_default();
    let name = create_signal(start.name);
    let email = create_signal(start.email);
    let new_password = create_signal(String::new());
    let current_password = create_signal(String::new());
    let saved = create_signal(None::<&'static str>);
    let form = Form::new(forms::PROFILE);

    let submit = form.on_submit(move || async move {
        let Some(before) = session.user() else { return Ok(()) };
        saved.set(None);
        let draft = ProfileDraft {
            name: name.get_clone(),
            email: email.get_clone(),
            new_password: new_password.get_clone(),
            current_password: current_password.get_clone(),
        };
        let Some(request) = draft.request(&before)? else {
            saved.set(Some("Nothing to save: your profile is unchanged."));
            return Ok(());
        };
        let after = http::fetch::<UserEnvelope>(ApiRequest::update_profile(&request))
            .await
            .map_err(|e| form.refused(e))?
            .data
            .user;
        name.set(after.name.clone());
        email.set(after.email.clone());
        new_password.set(String::new());
        current_password.set(String::new());
        saved.set(Some("Your profile is saved."));
        session.sign_in(after);
        Outcome::Ok(())
    });

    view! {
        div(class="profile") {
            h1(class="page-title") { "Profile" }
            form(class="card", novalidate=true, aria-label="Profile", on:submit=submit) {
                FormAlert(message=form.alert())
                Field(id="profile-name", label="Name", autocomplete="name", value=name, error=form.error("name"))
                Field(id="profile-email", label="Email", kind="email", autocomplete="email", value=email,
                    error=form.error("email"))
                Field(id="profile-new-password", label="New password", kind="password", autocomplete="new-password",
                    value=new_password, error=form.error("password"), hint="Leave empty to keep your password.")
                Field(id="profile-current-password", label="Current password", kind="password",
                    autocomplete="current-password", value=current_password, error=form.error("current_password"),
                    hint="Needed to change your email or password.")
                div(class="actions") {
                    button(r#type="submit", class="button primary", aria-disabled=form.disabled()) {
                        "Save"
                    }
                    p(class="saved", role="status") { (saved.get().unwrap_or_default()) }
                }
            }
            SignedInDevices {}
            ExportData {}
            DeleteAccount {}
        }
    }
}
