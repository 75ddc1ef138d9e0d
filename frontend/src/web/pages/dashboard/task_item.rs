use contract::api::Task;
use sycamore::prelude::*;
use web_sys::KeyboardEvent;

use super::LIST_HEADING;
use super::board::{Board, Conflict};
use super::conflict_dialog::ConflictDialog;
use crate::form_errors::FormErrors;
use crate::forms::{self, TaskDraft};
use crate::optimistic::{self, Change};
use crate::web::components::{Field, FormAlert};
use crate::web::dom;
use crate::web::form::Form;
use crate::web::offline::use_outbox;
use crate::web::spawn::Owner;

/// One task: its checkbox (named by the title), description, "Edit" and "Delete".
#[component(inline_props)]
pub fn TaskItem(board: Board, id: i64) -> View {
    let task = create_memo(move || board.tasks.with(|tasks| tasks.iter().find(|t| t.id == id).cloned()));
    let completed = create_selector(move || {
        task.with(|t| t.as_ref().is_some_and(|t| board.toggles.with(|toggles| toggles.shown(t))))
    });
    let task_title = move || task.with(|t| t.as_ref().map(|t| t.title.clone()).unwrap_or_default());
    let task_description = move || task.with(|t| t.as_ref().and_then(|t| t.description.clone()));

    // A separate signal, because a click on the checkbox changes the DOM before the list.
    let checked = create_signal(completed.get_untracked());
    create_effect(move || checked.set(completed.get()));

    let editing = create_signal(false);
    let title = create_signal(String::new());
    let description = create_signal(String::new());
    // The task as the editor opened it: its version is what the save is conditional on,
    // and live updates of the task never reach what the user is typing.
    let base = create_signal(None::<Task>);
    let conflict = create_signal(None::<Conflict>);
    // An edit sent from the outbox that met another device's change.
    create_effect(move || {
        if board.conflicts.with(|all| all.iter().any(|(task, _)| *task == id)) {
            let found = untrack(|| {
                board
                    .conflicts
                    .update(|all| all.iter().position(|(task, _)| *task == id).map(|at| all.remove(at).1))
            });
            conflict.set(found);
        }
    });
    let outbox = use_outbox();
    let waiting = create_selector(move || outbox.queue.with(|queue| queue.waits_for(id)));
    // Saved optimistically, so not submitted through the form: only its messages.
    let editor = Form::new(forms::TASK);
    let title_input = create_node_ref();
    let edit_button = create_node_ref();

    let open_editor = move || {
        if let Some(current) = task.get_clone() {
            let draft = TaskDraft::of(&current);
            title.set(draft.title);
            description.set(draft.description);
            base.set(Some(current));
        }
        editor.errors.set(FormErrors::default());
        editing.set(true);
        dom::focus(title_input);
    };
    let close_editor = move || {
        editing.set(false);
        dom::focus(edit_button);
    };
    // Saves belong to the item, not to the editor that started them, so that their
    // answer (or rollback) still lands.
    let item = Owner::current();
    let save_draft = move |draft: TaskDraft| {
        let Some(from) = base.get_clone() else { return };
        let (request, edited) = match draft.update(&from) {
            Ok(valid) => valid,
            Err(invalid) => return editor.errors.set(invalid),
        };
        close_editor();
        item.spawn(async move {
            let Err(error) = board.save(id, from.version, request, edited).await else { return };
            // Reopened with what the user typed, so nothing is lost.
            editing.set(true);
            dom::focus(title_input);
            match error.current() {
                Some(theirs) => conflict.set(Some(Conflict { theirs: theirs.clone(), mine: draft })),
                None => {
                    let message = optimistic::undone_message(Change::Edit, &from.title, &error);
                    editor.errors.set(FormErrors { form: Some(message), ..editor.refused(error) });
                }
            }
        });
    };
    let save = move |event: web_sys::SubmitEvent| {
        event.prevent_default();
        save_draft(TaskDraft { title: title.get_clone(), description: description.get_clone() });
    };
    let on_key = move |event: KeyboardEvent| {
        if event.key() == "Escape" {
            close_editor();
        }
    };
    // "Keep mine": the user's text again, now over their version.
    let keep_mine = move || {
        if let Some(Conflict { theirs, mine }) = conflict.get_clone() {
            conflict.set(None);
            base.set(Some(theirs));
            save_draft(mine);
        }
    };
    // "Use theirs": the list already shows it; the edit is dropped.
    let use_theirs = move || {
        conflict.set(None);
        close_editor();
    };

    let checkbox_id = format!("task-{id}");
    let delete = move |_| {
        board.delete(id);
        // Its button goes with it.
        dom::focus_id(LIST_HEADING);
    };

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
                        on:change=move |_| board.toggle(id))
                    div(class="task-text") {
                        label(class="task-title", r#for=label_for) { (task_title()) }
                        (task_description().map(|text| view! { p(class="task-description") { (text) } }))
                        (waiting.get().then(|| view! { span(class="sync-pending") { "Waiting to sync" } }))
                    }
                    div(class="task-actions") {
                        button(r#ref=edit_button, r#type="button", class="button ghost", on:click=move |_| open_editor()) {
                            "Edit"
                        }
                        button(r#type="button", class="button ghost danger", on:click=delete) { "Delete" }
                    }
                }
            })
            (conflict.get_clone().map(|Conflict { theirs, mine }| view! {
                ConflictDialog(id=id, theirs=theirs, mine=mine, keep_mine=keep_mine, use_theirs=use_theirs,
                    close=move || conflict.set(None))
            }))
        }
    }
}
