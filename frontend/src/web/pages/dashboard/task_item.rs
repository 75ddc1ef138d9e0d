use sycamore::prelude::*;
use web_sys::KeyboardEvent;

use super::board::Board;
use crate::form_errors::FormErrors;
use crate::forms::{self, TaskDraft};
use crate::optimistic::{self, Change};
use crate::web::components::{Field, FormAlert};
use crate::web::dom;
use crate::web::spawn::spawn_in;

/// One task: its checkbox (named by the title), description, "Edit" and "Delete".
#[component(inline_props)]
pub fn TaskItem(board: Board, id: i64) -> View {
    let task = create_memo(move || board.tasks.with(|tasks| tasks.iter().find(|t| t.id == id).cloned()));
    let completed = create_selector(move || task.with(|t| t.as_ref().is_some_and(|t| t.completed)));
    let task_title = move || task.with(|t| t.as_ref().map(|t| t.title.clone()).unwrap_or_default());
    let task_description = move || task.with(|t| t.as_ref().and_then(|t| t.description.clone()));

    // A separate signal, because a click on the checkbox changes the DOM before the list.
    let checked = create_signal(completed.get_untracked());
    create_effect(move || checked.set(completed.get()));

    let editing = create_signal(false);
    let title = create_signal(String::new());
    let description = create_signal(String::new());
    let errors = create_signal(FormErrors::default());
    let title_input = create_node_ref();
    let edit_button = create_node_ref();

    let open_editor = move || {
        if let Some(current) = task.get_clone() {
            let draft = TaskDraft::of(&current);
            title.set(draft.title);
            description.set(draft.description);
        }
        errors.set(FormErrors::default());
        editing.set(true);
        dom::focus(title_input);
    };
    let close_editor = move || {
        editing.set(false);
        dom::focus(edit_button);
    };
    // Saves and toggles belong to the item, not to the editor or checkbox that started
    // them, so that their answer (or rollback) still lands.
    let item = use_current_scope();
    let save = move |event: web_sys::SubmitEvent| {
        event.prevent_default();
        let Some(current) = task.get_clone() else { return };
        let draft = TaskDraft { title: title.get_clone(), description: description.get_clone() };
        let (request, edited) = match draft.update(&current) {
            Ok(valid) => valid,
            Err(invalid) => return errors.set(invalid),
        };
        close_editor();
        spawn_in(item, async move {
            let Err(error) = board.save(id, request, edited).await else { return };
            if board.ends_session(&error) {
                return;
            }
            let mut shown = FormErrors::from_api(&error, forms::TASK);
            shown.form = Some(optimistic::undone_message(Change::Edit, &current.title, &error));
            // Reopened with what the user typed, so nothing is lost.
            errors.set(shown);
            editing.set(true);
            dom::focus(title_input);
        });
    };
    let on_key = move |event: KeyboardEvent| {
        if event.key() == "Escape" {
            close_editor();
        }
    };

    let checkbox_id = format!("task-{id}");
    let form_error = create_memo(move || errors.with(|e| e.form.clone()));
    let title_error = create_memo(move || errors.with(|e| e.field("title")));
    let description_error = create_memo(move || errors.with(|e| e.field("description")));

    view! {
        li(class=move || if completed.get() { "task is-done" } else { "task" }) {
            (if editing.get() {
                view! {
                    form(class="task-editor", novalidate=true, on:submit=save, on:keydown=on_key) {
                        FormAlert(message=form_error)
                        Field(id=format!("edit-title-{id}"), label="Title", value=title, error=title_error, node_ref=title_input)
                        Field(id=format!("edit-description-{id}"), label="Description", value=description,
                            error=description_error, multiline=true)
                        div(class="actions") {
                            button(r#type="submit", class="button primary") { "Save" }
                            button(r#type="button", class="button secondary", on:click=move |_| close_editor()) { "Cancel" }
                        }
                    }
                }
            } else {
                let label_for = checkbox_id.clone();
                let input_id = checkbox_id.clone();
                view! {
                    input(id=input_id, class="task-check", r#type="checkbox", bind:checked=checked,
                        on:change=move |_| spawn_in(item, board.toggle(id)))
                    div(class="task-text") {
                        label(class="task-title", r#for=label_for) { (task_title()) }
                        (task_description().map(|text| view! { p(class="task-description") { (text) } }))
                    }
                    div(class="task-actions") {
                        button(r#ref=edit_button, r#type="button", class="button ghost", on:click=move |_| open_editor()) {
                            "Edit"
                        }
                        button(r#type="button", class="button ghost danger",
                            on:click=move |_| board.confirming.set(Some(id))) { "Delete" }
                    }
                }
            })
        }
    }
}
