use sycamore::prelude::*;

use super::board::Board;
use crate::web::dom;
use crate::web::spawn::Owner;

/// "Previous", "Page X of Y", "Next". Each turn is a step in the session history, so
/// that Back returns to the page before. Clicks during a load are ignored rather than the
/// buttons disabled, so that keyboard focus stays where it is.
#[component(inline_props)]
pub fn PagerNav(board: Board) -> View {
    let pager = board.pager;
    let go = move |page: u32| {
        if !board.loading.get() {
            board.turn_to(page);
        }
    };
    let previous = create_node_ref();
    let next = create_node_ref();
    // Reaching the first or last page disables the button just used, which would drop
    // focus to the page: hand it to the other button instead.
    create_effect(move || {
        let now = pager.get();
        let target = if !now.has_next() && dom::has_focus(next) {
            Some(previous)
        } else if !now.has_previous() && dom::has_focus(previous) {
            Some(next)
        } else {
            None
        };
        if let Some(target) = target {
            // On the next microtask, once this update has also enabled the target.
            Owner::current().spawn(async move { dom::focus(target) });
        }
    });
    view! {
        nav(class="pager", aria-label="Pages") {
            button(r#ref=previous, r#type="button", class="button secondary", on:click=move |_| go(pager.get().page - 1),
                disabled=move || !pager.get().has_previous()) { "Previous" }
            span(class="pager-label", aria-live="polite") { (pager.get().label()) }
            button(r#ref=next, r#type="button", class="button secondary", on:click=move |_| go(pager.get().page + 1),
                disabled=move || !pager.get().has_next()) { "Next" }
        }
    }
}
