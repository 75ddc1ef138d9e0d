//! `/profile`: change the name, the email or the password; see and end sessions;
//! export or delete the account.

use shared::api::{User, UserEnvelope};
use sycamore::prelude::*;

use crate::api::ApiRequest;
use crate::form_errors::FormErrors;
use crate::forms::{self, ProfileDraft};
use crate::session::SessionState;
use crate::web::components::{Field, FormAlert};
use crate::web::http;
use crate::web::pages::profile_account::{DeleteAccount, ExportData};
use crate::web::pages::profile_devices::SignedInDevices;

#[component]
pub fn Profile() -> View {
    let session = use_context::<Signal<SessionState>>();
    let user = move || session.with_untracked(|s| s.user().cloned());
    let start = user().map(|u| ProfileDraft::of(&u)).unwrap_or_default();
    let name = create_signal(start.name);
    let email = create_signal(start.email);
    let new_password = create_signal(String::new());
    let current_password = create_signal(String::new());
    let errors = create_signal(FormErrors::default());
    let saved = create_signal(None::<&'static str>);
    let busy = create_signal(false);

    let submit = move |event: web_sys::SubmitEvent| {
        event.prevent_default();
        async move {
            let Some(before) = user() else { return };
            if busy.get() {
                return;
            }
            saved.set(None);
            let draft = ProfileDraft {
                name: name.get_clone(),
                email: email.get_clone(),
                new_password: new_password.get_clone(),
                current_password: current_password.get_clone(),
            };
            let request = match draft.request(&before) {
                Ok(Some(request)) => request,
                Ok(None) => {
                    errors.set(FormErrors::default());
                    saved.set(Some("Nothing to save: your profile is unchanged."));
                    return;
                }
                Err(invalid) => {
                    errors.set(invalid);
                    return;
                }
            };
            busy.set(true);
            match http::fetch::<UserEnvelope>(ApiRequest::update_profile(&request)).await {
                Ok(updated) => {
                    let after: User = updated.data.user;
                    name.set(after.name.clone());
                    email.set(after.email.clone());
                    new_password.set(String::new());
                    current_password.set(String::new());
                    errors.set(FormErrors::default());
                    saved.set(Some("Your profile is saved."));
                    session.set(SessionState::SignedIn(after));
                }
                Err(error) if error.is_unauthorized() => session.set(SessionState::SignedOut),
                Err(error) => errors.set(FormErrors::from_api(&error, forms::PROFILE)),
            }
            busy.set(false);
        }
    };

    let form_error = create_memo(move || errors.with(|e| e.form.clone()));
    let name_error = create_memo(move || errors.with(|e| e.field("name")));
    let email_error = create_memo(move || errors.with(|e| e.field("email")));
    let password_error = create_memo(move || errors.with(|e| e.field("password")));
    let current_error = create_memo(move || errors.with(|e| e.field("current_password")));

    view! {
        div(class="profile") {
            h1(class="page-title") { "Profile" }
            form(class="card", novalidate=true, aria-label="Profile", on:submit=submit) {
                FormAlert(message=form_error)
                Field(id="profile-name", label="Name", autocomplete="name", value=name, error=name_error)
                Field(id="profile-email", label="Email", kind="email", autocomplete="email", value=email, error=email_error)
                Field(id="profile-new-password", label="New password", kind="password", autocomplete="new-password",
                    value=new_password, error=password_error, hint="Leave empty to keep your password.")
                Field(id="profile-current-password", label="Current password", kind="password",
                    autocomplete="current-password", value=current_password, error=current_error,
                    hint="Needed to change your email or password.")
                div(class="actions") {
                    button(r#type="submit", class="button primary", aria-disabled=move || busy.get().then_some("true")) {
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
