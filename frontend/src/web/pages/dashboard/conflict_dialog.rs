use contract::api::Task;
use sycamore::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::HtmlDialogElement;

use crate::forms::TaskDraft;
use crate::web::dom;

/// A save that met a change from another device: the two versions side by side, and
/// the choice. A modal `<dialog>` keeps focus inside it (on "Keep mine" first) and closes
/// on Escape, which leaves the editor open with what the user typed; focus then goes
/// back to where it was.
#[component(inline_props)]
pub fn ConflictDialog<K: Fn() + 'static, U: Fn() + 'static, C: Fn() + 'static>(
    id: i64,
    theirs: Task,
    mine: TaskDraft,
    keep_mine: K,
    use_theirs: U,
    close: C,
) -> View {
    let dialog = create_node_ref();
    let keep = create_node_ref();
    let opener = dom::focused();
    let heading = format!("conflict-title-{id}");
    let labelled_by = heading.clone();
    let on_close = move |_| {
        close();
        dom::refocus(opener.clone());
    };
    on_mount(move || {
        if let Some(dialog) = dialog.try_get().and_then(|n| n.dyn_into::<HtmlDialogElement>().ok()) {
            // Only fails when already open or detached, neither of which can happen here.
            let _ = dialog.show_modal();
        }
        dom::focus(keep);
    });
    let their_description = theirs.description.clone().unwrap_or_default();
    let their_state = if theirs.completed { "Done" } else { "Not done" };
    view! {
        dialog(r#ref=dialog, class="dialog conflict", aria-labelledby=labelled_by, on:close=on_close) {
            h2(id=heading) { "This task was changed on another device." }
            div(class="versions") {
                section(class="version", aria-label="Their version") {
                    h3 { "Their version" }
                    p(class="version-title") { (theirs.title) }
                    p { (their_description) }
                    p(class="version-state") { (their_state) }
                }
                section(class="version", aria-label="Your version") {
                    h3 { "Your version" }
                    p(class="version-title") { (mine.title) }
                    p { (mine.description) }
                }
            }
            div(class="actions") {
                button(r#type="button", class="button secondary", on:click=move |_| use_theirs()) { "Use theirs" }
                button(r#ref=keep, r#type="button", class="button primary", on:click=move |_| keep_mine()) {
                    "Keep mine"
                }
            }
        }
    }
}
