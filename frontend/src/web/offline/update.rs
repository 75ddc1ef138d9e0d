//! The app shell's service worker (`frontend/sw.js`). It is registered once the page has
//! loaded, so that it never competes with the first visit for the network. A new deploy's
//! worker installs next to the running one and waits; the page then offers a reload, and
//! only on it does the new worker take over, the page reloading under it, so that no
//! page ever runs on another deploy's files.

use js_sys::Reflect;
use sycamore::prelude::*;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{ServiceWorker, ServiceWorkerContainer, ServiceWorkerRegistration, ServiceWorkerState};

use crate::web::dom;
use crate::web::spawn::Owner;

const SCRIPT: &str = "/sw.js";
/// What the waiting worker takes as the word to take over (see `frontend/sw.js`).
const TAKE_OVER: &str = "skip-waiting";

/// "A new version is available", with a Reload button, once a new deploy's worker waits.
#[component]
pub fn UpdatePrompt() -> View {
    let waiting = create_signal(None::<ServiceWorker>);
    let registration = create_signal(None::<ServiceWorkerRegistration>);
    let owner = Owner::current();
    // The browser looks for a new worker on each navigation; an app left open looks
    // again whenever it gets focus.
    dom::listen(&window(), "focus", move || {
        let Some(Ok(update)) = registration.with(|r| r.as_ref().map(ServiceWorkerRegistration::update))
        else {
            return;
        };
        owner.spawn(async move {
            // Offline it fails, and the next focus tries again.
            let _ = JsFuture::from(update).await;
        });
    });
    if let Some(container) = container() {
        let register = move || owner.spawn(register(container.clone(), registration, waiting));
        if document().ready_state() == "complete" {
            register();
        } else {
            let mut once = Some(register);
            dom::listen(&window(), "load", move || {
                if let Some(register) = once.take() {
                    register();
                }
            });
        }
    }
    let shown = create_selector(move || waiting.with(Option::is_some));
    view! {
        div(class="update-prompt", role="status") {
            (shown.get().then(|| view! {
                p(class="update-prompt-text") { "A new version is available" }
                button(r#type="button", class="button primary", on:click=move |_| take_over(waiting)) { "Reload" }
            }))
        }
    }
}

/// The browser's service workers, where it has them (not on plain HTTP, other than to
/// localhost).
fn container() -> Option<ServiceWorkerContainer> {
    let navigator = window().navigator();
    Reflect::has(&navigator, &JsValue::from_str("serviceWorker"))
        .unwrap_or(false)
        .then(|| navigator.service_worker())
}

async fn register(
    container: ServiceWorkerContainer,
    registered: Signal<Option<ServiceWorkerRegistration>>,
    waiting: Signal<Option<ServiceWorker>>,
) {
    let Ok(registration) = JsFuture::from(container.register(SCRIPT)).await else { return };
    let Ok(registration) = registration.dyn_into::<ServiceWorkerRegistration>() else { return };
    // A worker that has a page to take over from waits; the first one takes over at once.
    let controlled = container.controller().is_some();
    if controlled && let Some(worker) = registration.waiting() {
        waiting.set(Some(worker));
    }
    let found = registration.clone();
    let on_update_found = Closure::<dyn FnMut()>::new(move || {
        let Some(worker) = found.installing() else { return };
        let installing = worker.clone();
        let container = container.clone();
        let on_state_change = Closure::<dyn FnMut()>::new(move || {
            if installing.state() == ServiceWorkerState::Installed && container.controller().is_some() {
                waiting.set(Some(installing.clone()));
            }
        });
        worker.set_onstatechange(Some(on_state_change.into_js_value().unchecked_ref()));
    });
    registration.set_onupdatefound(Some(on_update_found.into_js_value().unchecked_ref()));
    registered.set(Some(registration));
}

/// Lets the waiting worker take over, and reloads once it has.
fn take_over(waiting: Signal<Option<ServiceWorker>>) {
    let (Some(worker), Some(container)) = (waiting.get_clone(), container()) else { return };
    let reload = Closure::<dyn FnMut()>::new(|| {
        let _ = window().location().reload();
    });
    container.set_oncontrollerchange(Some(reload.into_js_value().unchecked_ref()));
    let _ = worker.post_message(&JsValue::from_str(TAKE_OVER));
}
