use sycamore::prelude::*;

use super::board::Board;

/// The dashboard's status line (`role="status"`): "Task deleted" with **Undo** for
/// `UNDO_SECS`, or a word that a toggle or delete met a change from another device. The
/// region is always in the page, empty or not, so that screen readers announce what
/// appears in it.
#[component(inline_props)]
pub fn StatusLine(board: Board) -> View {
    let text = create_memo(move || board.status.with(|s| s.as_ref().map(|s| s.text.clone())));
    let undo = create_memo(move || board.status.with(|s| s.as_ref().and_then(|s| s.undo.clone())));
    let shown = create_selector(move || text.with(Option::is_some));
    view! {
        div(class=move || if shown.get() { "status-line" } else { "status-line is-empty" }, role="status") {
            (text.get_clone().map(|text| view! { span(class="status-text") { (text) } }))
            (undo.get_clone().map(|task| view! {
                button(r#type="button", class="button secondary", on:click=move |_| board.undo(task.clone())) {
                    "Undo"
                }
            }))
        }
    }
}
