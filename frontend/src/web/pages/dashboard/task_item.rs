use sycamore::prelude::*;
use web_sys::KeyboardEvent;

use super::board::Board;
use crate::form_errors::FormErrors;
use crate::forms::{self, TaskDraft};
use crate::optimistic::{self, Change};
use crate::web::components::{Field, FormAlert};
use crate::web::dom;
use crate::web::form::Form;
use crate::web::spawn::Owner;

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
    // Saved optimistically, so not submitted through the form: only its messages.
    let editor = Form::new(forms::TASK);
    let title_input = create_node_ref();
    let edit_button = create_node_ref();

    let open_editor = move || {
        if let Some(current) = task.get_clone() {
            let draft = TaskDraft::of(&current);
            title.set(draft.title);
            description.set(draft.description);
        }
        editor.errors.set(FormErrors::default());
        editing.set(true);
        dom::focus(title_input);
    };
    let close_editor = move || {
        editing.set(false);
        dom::focus(edit_button);
    };
    // Saves and toggles belong to the item, not to the editor or checkbox that started
    // them, so that their answer (or rollback) still lands.
    let item = Owner::current();
    let save = move |event: web_sys::SubmitEvent| {
        event.prevent_default();
        let Some(current) = task.get_clone() else { return };
        let draft = TaskDraft { title: title.get_clone(), description: description.get_clone() };
        let (request, edited) = match draft.update(&current) {
            Ok(valid) => valid,
            Err(invalid) => return editor.errors.set(invalid),
        };
        close_editor();
        item.spawn(async move {
            let Err(error) = board.save(id, request, edited).await else { return };
            let message = optimistic::undone_message(Change::Edit, &current.title, &error);
            let shown = FormErrors { form: Some(message), ..editor.refused(error) };
            // Reopened with what the user typed, so nothing is lost.
            editor.errors.set(shown);
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

    view! {
        li(class=move || if completed.get() { "task is-done" } else { "task" }) {
            (if editing.get() {
                view! {
                    form(class="task-editor", novalidate=true, on:submit=save, on:keydown=on_key) {
                        FormAlert(message=editor.alert())
                        Field(id=format!("edit-title-{id}"), label="Title", value=title, error=editor.error("title"),
                            node_ref=title_input)
                        Field(id=format!("edit-description-{id}"), label="Description", value=description,
                            error=editor.error("description"), multiline=true)
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
                        on:change=move |_| item.spawn(board.toggle(id)))
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
