use sycamore::prelude::*;

use super::board::Board;
use crate::forms::{self, TaskDraft};
use crate::web::components::{Field, FormAlert};
use crate::web::dom;
use crate::web::form::{Form, Outcome};

/// The form that adds a task. After adding, the form is cleared and focus goes back to
/// Title for the next one; after a failure everything typed stays.
#[component(inline_props)]
pub fn NewTask(board: Board) -> View {
    let title = create_signal(String::new());
    let description = create_signal(String::new());
    let form = Form::new(forms::TASK);
    let title_input = create_node_ref();
    // The Idempotency-Key of the draft last sent: sending the same draft again (after
    // an answer lost to a bad connection) reuses it, so the task is made once.
    let sent = create_signal(None::<(TaskDraft, String)>);

    let submit = form.on_submit(move || async move {
        let draft = TaskDraft { title: title.get_clone(), description: description.get_clone() };
        let request = draft.create_request().inspect_err(|invalid| {
            if invalid.field("title").is_some() {
                dom::focus(title_input);
            }
        })?;
        let key = sent
            .with(|sent| sent.as_ref().filter(|(before, _)| *before == draft).map(|(_, key)| key.clone()))
            .unwrap_or_else(dom::random_id);
        sent.set(Some((draft.clone(), key.clone())));
        board.create(request, key).await.map_err(|e| form.refused(e))?;
        sent.set(None);
        // Whatever was typed during the request is the next task: keep it.
        if title.with(|t| *t == draft.title) {
            title.set(String::new());
        }
        if description.with(|d| *d == draft.description) {
            description.set(String::new());
        }
        dom::focus(title_input);
        Outcome::Ok(())
    });

    view! {
        form(class="card new-task", novalidate=true, aria-labelledby="new-task-heading", on:submit=submit) {
            h2(id="new-task-heading", class="card-title") { "New task" }
            FormAlert(message=form.alert())
            Field(id="new-title", label="Title", value=title, error=form.error("title"), node_ref=title_input)
            Field(id="new-description", label="Description", value=description, error=form.error("description"),
                multiline=true, hint="Optional.")
            div(class="actions") {
                button(r#type="submit", class="button primary", aria-disabled=form.disabled()) {
                    "Add task"
                }
            }
        }
    }
}
