use shared::api::Task;
use sycamore::prelude::*;

use super::board::Board;
use crate::api::ApiRequest;
use crate::form_errors::FormErrors;
use crate::forms::{self, TaskDraft};
use crate::web::components::{Field, FormAlert};
use crate::web::{dom, http};

/// The form that adds a task. After adding, the form is cleared and focus goes back to
/// Title for the next one; after a failure everything typed stays.
#[component(inline_props)]
pub fn NewTask(board: Board) -> View {
    let title = create_signal(String::new());
    let description = create_signal(String::new());
    let errors = create_signal(FormErrors::default());
    let busy = create_signal(false);
    let title_input = create_node_ref();

    let submit = move |event: web_sys::SubmitEvent| {
        event.prevent_default();
        async move {
            if busy.get() {
                return;
            }
            let draft = TaskDraft { title: title.get_clone(), description: description.get_clone() };
            let request = match draft.create_request() {
                Ok(request) => request,
                Err(invalid) => {
                    if invalid.field("title").is_some() {
                        dom::focus(title_input);
                    }
                    errors.set(invalid);
                    return;
                }
            };
            busy.set(true);
            match http::fetch::<Task>(ApiRequest::create_task(&request)).await {
                Ok(_) => {
                    // Whatever was typed during the request is the next task: keep it.
                    if title.with(|t| *t == draft.title) {
                        title.set(String::new());
                    }
                    if description.with(|d| *d == draft.description) {
                        description.set(String::new());
                    }
                    errors.set(FormErrors::default());
                    // Newest first: the new task heads the first page.
                    board.load(1);
                    dom::focus(title_input);
                }
                Err(error) if board.ends_session(&error) => {}
                Err(error) => errors.set(FormErrors::from_api(&error, forms::TASK)),
            }
            busy.set(false);
        }
    };

    let form_error = create_memo(move || errors.with(|e| e.form.clone()));
    let title_error = create_memo(move || errors.with(|e| e.field("title")));
    let description_error = create_memo(move || errors.with(|e| e.field("description")));

    view! {
        form(class="card new-task", novalidate=true, aria-labelledby="new-task-heading", on:submit=submit) {
            h2(id="new-task-heading", class="card-title") { "New task" }
            FormAlert(message=form_error)
            Field(id="new-title", label="Title", value=title, error=title_error, node_ref=title_input)
            Field(id="new-description", label="Description", value=description, error=description_error,
                multiline=true, hint="Optional.")
            div(class="actions") {
                button(r#type="submit", class="button primary", aria-disabled=move || busy.get().then_some("true")) {
                    "Add task"
                }
            }
        }
    }
}
