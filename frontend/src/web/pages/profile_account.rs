//! The profile's "Your data" and "Delete account" sections.

use contract::api::DeleteAccountRequest;
use sycamore::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::HtmlDialogElement;

use crate::api::{ApiRequest, EXPORT_PATH};
use crate::form_errors::FormErrors;
use crate::forms;
use crate::web::components::{Field, FormAlert};
use crate::web::form::{Form, Outcome};
use crate::web::offline::use_outbox;
use crate::web::session::Farewell;
use crate::web::session::use_session;
use crate::web::{dom, http};

#[component]
pub fn ExportData() -> View {
    view! {
        section(class="card", aria-labelledby="export-heading") {
            h2(id="export-heading") { "Your data" }
            p { "Download your account and every task as a JSON file." }
            a(class="button secondary", href=EXPORT_PATH, download="", rel="external") { "Export my data" }
        }
    }
}

#[component]
pub fn DeleteAccount() -> View {
    let confirming = create_signal(false);
    view! {
        section(class="card danger-zone", aria-labelledby="delete-account-heading") {
            h2(id="delete-account-heading") { "Delete account" }
            p { "Your account, your tasks and every session are deleted for good." }
            button(r#type="button", class="button danger", on:click=move |_| confirming.set(true)) {
                "Delete account"
            }
            (confirming.get().then(|| view! { ConfirmDeleteAccount(confirming=confirming) }))
        }
    }
}

/// A modal `<dialog>`: focus stays inside, Escape cancels, and focus then goes back to
/// the button that opened it.
#[component(inline_props)]
fn ConfirmDeleteAccount(confirming: Signal<bool>) -> View {
    let session = use_session();
    let outbox = use_outbox();
    let Farewell(farewell) = use_context::<Farewell>();
    let dialog = create_node_ref();
    let password_input = create_node_ref();
    let opener = dom::focused();
    let password = create_signal(String::new());
    let form = Form::new(forms::DELETE_ACCOUNT);
    let cancel = move || {
        confirming.set(false);
        dom::refocus(opener.clone());
    };
    let cancel_on_close = cancel.clone();
    on_mount(move || {
        if let Some(dialog) = dialog.try_get().and_then(|n| n.dyn_into::<HtmlDialogElement>().ok()) {
            // Only fails when already open or detached, neither of which can happen here.
            let _ = dialog.show_modal();
        }
        dom::focus(password_input);
    });

    let submit = form.on_submit(move || async move {
        let request = DeleteAccountRequest { current_password: password.get_clone() };
        let sent = match request.parse() {
            Ok(_) => {
                http::fetch_empty(ApiRequest::delete_account(&request)).await.map_err(|e| form.refused(e))
            }
            Err(invalid) => Err(FormErrors::from_fields(invalid)),
        };
        if sent.is_err() {
            dom::focus(password_input);
        }
        sent?;
        outbox.clear();
        farewell.set(Some("Your account has been deleted. Thank you for using Tasks."));
        session.end();
        Outcome::Ok(())
    });

    view! {
        dialog(r#ref=dialog, class="dialog", role="dialog", aria-modal="true",
            aria-labelledby="delete-account-title", aria-describedby="delete-account-text",
            on:close=move |_| cancel_on_close()) {
            form(novalidate=true, on:submit=submit) {
                h2(id="delete-account-title") { "Delete your account?" }
                p(id="delete-account-text") { "This cannot be undone. Enter your password to confirm." }
                FormAlert(message=form.alert())
                Field(id="delete-password", label="Password", kind="password", autocomplete="current-password",
                    value=password, error=form.error("current_password"), node_ref=password_input)
                div(class="actions") {
                    button(r#type="button", class="button secondary", on:click=move |_| cancel()) { "Cancel" }
                    button(r#type="submit", class="button danger", aria-disabled=form.disabled()) {
                        "Delete account"
                    }
                }
            }
        }
    }
}
