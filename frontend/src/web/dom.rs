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

pub fn exists(id: &str) -> bool {
    document().get_element_by_id(id).is_some()
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
    listen(&window(), "popstate", handler);
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

/// Calls `work` once, `ms` milliseconds from now. Whatever it touches may be gone by
/// then: it must check (`Signal::is_alive`).
pub fn after(ms: u32, work: impl FnOnce() + 'static) {
    let callback = Closure::once_into_js(work);
    let delay = i32::try_from(ms).unwrap_or(i32::MAX);
    // Only fails outside a window, where the app does not run.
    let _ = window().set_timeout_with_callback_and_timeout_and_arguments_0(callback.unchecked_ref(), delay);
}

/// Calls `work` every `ms` milliseconds until the current scope ends.
pub fn every(ms: u32, work: impl FnMut() + 'static) {
    let closure = Closure::<dyn FnMut()>::new(work);
    let delay = i32::try_from(ms).unwrap_or(i32::MAX);
    let Ok(handle) = window()
        .set_interval_with_callback_and_timeout_and_arguments_0(closure.as_ref().unchecked_ref(), delay)
    else {
        return;
    };
    on_cleanup(move || {
        window().clear_interval_with_handle(handle);
        drop(closure);
    });
}

/// Calls `handler` on each `event` at `target` until the current scope ends.
pub fn listen(target: &web_sys::EventTarget, event: &'static str, handler: impl FnMut() + 'static) {
    let closure = Closure::<dyn FnMut()>::new(handler);
    if target.add_event_listener_with_callback(event, closure.as_ref().unchecked_ref()).is_err() {
        return;
    }
    let target = target.clone();
    on_cleanup(move || {
        let _ = target.remove_event_listener_with_callback(event, closure.as_ref().unchecked_ref());
    });
}

/// A random identifier (a version 4 UUID), such as an `Idempotency-Key`.
pub fn random_id() -> String {
    // `randomUUID` needs a secure context, which every deployment and loopback are.
    window()
        .crypto()
        .map(|crypto| crypto.random_uuid())
        .unwrap_or_else(|_| format!("{}-{}", js_sys::Date::now(), js_sys::Math::random()))
}
