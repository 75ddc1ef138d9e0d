//! The few direct DOM calls the components need.

use sycamore::prelude::*;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::HtmlElement;

/// Gives keyboard focus to `element` if it is still in the page.
pub fn refocus(element: Option<HtmlElement>) {
    if let Some(element) = element.filter(|e| e.is_connected()) {
        // `HTMLElement.focus()` does not throw; web-sys only wraps it in a `Result`.
        let _ = element.focus();
    }
}

/// Gives keyboard focus to the element behind `node`.
pub fn focus(node: NodeRef) {
    refocus(node.try_get().and_then(|n| n.dyn_into::<HtmlElement>().ok()));
}

pub fn focus_id(id: &str) {
    refocus(document().get_element_by_id(id).and_then(|e| e.dyn_into::<HtmlElement>().ok()));
}

pub fn has_focus(node: NodeRef) -> bool {
    let focused = document().active_element();
    node.try_get().is_some_and(|node| node.is_same_node(focused.as_deref()))
}

/// The element that has focus now, to give it back later.
pub fn focused() -> Option<HtmlElement> {
    document().active_element().and_then(|e| e.dyn_into::<HtmlElement>().ok())
}

/// The location's query string, such as `?page=2`.
pub fn search() -> String {
    window().location().search().unwrap_or_default()
}

/// Changes the address without a navigation, so that a reload shows the same page of
/// tasks. Should the browser refuse, only that convenience is lost.
pub fn replace_address(url: &str) {
    if let Ok(history) = window().history() {
        let _ = history.replace_state_with_url(&JsValue::NULL, "", Some(url));
    }
}

pub fn set_title(title: &str) {
    document().set_title(title);
}
