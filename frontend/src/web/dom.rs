//! The few direct DOM calls the components need.

use sycamore::prelude::*;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{HtmlDocument, HtmlElement};

use crate::session::{self, Hint, SessionState};

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

/// The location's fragment, such as `#token=…`.
pub fn fragment() -> String {
    window().location().hash().unwrap_or_default()
}

pub fn pathname() -> String {
    window().location().pathname().unwrap_or_default()
}

/// The path and query string, such as `/?page=2`.
fn address() -> String {
    pathname() + &search()
}

/// Changes the address without a navigation, so that a reload shows the same page of
/// tasks. Should the browser refuse, only that convenience is lost.
pub fn replace_address(url: &str) {
    if let Ok(history) = window().history() {
        let _ = history.replace_state_with_url(&JsValue::NULL, "", Some(url));
    }
}

/// Adds `url` to the session history without a navigation, so that Back returns to the
/// current address; nothing when already there.
pub fn push_address(url: &str) {
    if address() == url {
        return;
    }
    if let Ok(history) = window().history() {
        let _ = history.push_state_with_url(&JsValue::NULL, "", Some(url));
    }
}

/// Calls `handler` when Back or Forward changes the address, until the current scope
/// ends.
pub fn on_history_step(handler: impl FnMut() + 'static) {
    on_window_event("popstate", handler);
}

/// Calls `handler` on each of the window's `event`, until the current scope ends.
pub fn on_window_event(event: &'static str, handler: impl FnMut() + 'static) {
    let closure = Closure::<dyn FnMut()>::new(handler);
    if window().add_event_listener_with_callback(event, closure.as_ref().unchecked_ref()).is_err() {
        return;
    }
    on_cleanup(move || {
        let _ = window().remove_event_listener_with_callback(event, closure.as_ref().unchecked_ref());
    });
}

/// The page's document as an HTML document, the kind that has cookies.
fn html_document() -> Option<HtmlDocument> {
    document().dyn_into::<HtmlDocument>().ok()
}

/// The signed-in hint, from `document.cookie`.
pub fn read_hint() -> Hint {
    session::hint(html_document().and_then(|d| d.cookie().ok()).as_deref())
}

/// Sets or clears the signed-in hint to match `state`. A refusal is ignored: the hint
/// only spares a request, and the API keeps it up to date itself.
pub fn sync_hint(state: &SessionState) {
    let https = window().location().protocol().is_ok_and(|protocol| protocol == "https:");
    if let Some(cookie) = session::hint_cookie(state, read_hint(), https)
        && let Some(document) = html_document()
    {
        let _ = document.set_cookie(&cookie);
    }
}

pub fn set_title(title: &str) {
    document().set_title(title);
}

/// Unicode's default lower-casing, as `String.prototype.toLowerCase` does it: the same
/// mapping as std's `to_lowercase`, without carrying std's case tables in the bundle.
pub fn lower_case(text: &str) -> String {
    js_sys::JsString::from(text).to_lower_case().into()
}
