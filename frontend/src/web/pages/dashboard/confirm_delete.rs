use sycamore::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::HtmlDialogElement;

use super::LIST_HEADING;
use super::board::Board;
use crate::web::dom;

/// Asks before deleting task `id`. A modal `<dialog>` keeps focus inside it and closes on
/// Escape; focus then goes back to the "Delete" button that opened it.
#[component(inline_props)]
pub fn ConfirmDelete(board: Board, id: i64) -> View {
    let dialog = create_node_ref();
    let opener = dom::focused();
    let title = board.title_of(id);
    let cancel = move || {
        board.confirming.set(None);
        dom::refocus(opener.clone());
    };
    let cancel_on_close = cancel.clone();
    let confirm = move |_| {
        board.delete(id);
        board.confirming.set(None);
        dom::focus_id(LIST_HEADING);
    };
    on_mount(move || {
        if let Some(dialog) = dialog.try_get().and_then(|n| n.dyn_into::<HtmlDialogElement>().ok()) {
            // Only fails when already open or detached, neither of which can happen here.
            let _ = dialog.show_modal();
        }
    });

    view! {
        dialog(r#ref=dialog, class="dialog", role="dialog", aria-modal="true",
            aria-labelledby="delete-title", aria-describedby="delete-text",
            on:close=move |_| cancel_on_close()) {
            h2(id="delete-title") { "Delete this task?" }
            p(id="delete-text") { "“" (title) "” will be deleted for good." }
            div(class="actions") {
                button(r#type="button", class="button secondary", on:click=move |_| cancel()) { "Cancel" }
                button(r#type="button", class="button danger", on:click=confirm) { "Delete" }
            }
        }
    }
}
