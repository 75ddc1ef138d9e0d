//! Whether the server can be reached: the browser's own idea (`navigator.onLine` and its
//! `online`/`offline` events), and what the app's last request found, since a browser on
//! a network whose server is down, or on a train's captive Wi-Fi, still says it is online.
//!
//! Once a request finds the server unreachable, the app tries again: at once on `online`
//! and on focus, otherwise after a wait that doubles from 1 s to 60 s (`Backoff`). Any
//! answer from the server, to that try or to any other request, ends the retries.

use std::cell::RefCell;
use std::rc::Rc;

use gloo_net::http::Request;
use sycamore::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;

use crate::offline::backoff::Backoff;
use crate::web::dom;
use crate::web::spawn::Owner;

/// The one probe: an answer of any status means the server is there.
const PROBE: &str = "/health";

#[derive(Clone)]
pub struct Connectivity {
    online: Signal<bool>,
    reachable: Signal<bool>,
    retry: Rc<RefCell<Retry>>,
    owner: Owner,
}

/// The retry timer. Each answer and each try out of turn starts a new generation, which
/// voids the timer of the one before.
#[derive(Default)]
struct Retry {
    generation: u32,
    timer_set: bool,
    backoff: Backoff,
}

impl Retry {
    fn restart(&mut self) -> u32 {
        self.generation = self.generation.wrapping_add(1);
        self.timer_set = false;
        self.generation
    }
}

impl Connectivity {
    /// Starts following the browser's state and makes it available to every component
    /// below, for as long as the current scope lives.
    pub fn provide() -> Self {
        let connectivity = Self {
            online: create_signal(window().navigator().on_line()),
            reachable: create_signal(true),
            retry: Rc::default(),
            owner: Owner::current(),
        };
        let on_online = connectivity.clone();
        dom::listen(&window(), "online", move || {
            on_online.online.set(true);
            on_online.try_now();
        });
        let on_offline = connectivity.clone();
        dom::listen(&window(), "offline", move || on_offline.online.set(false));
        let on_focus = connectivity.clone();
        dom::listen(&window(), "focus", move || on_focus.try_now());
        provide_context(connectivity.clone());
        connectivity
    }

    /// Offline, or the server unreachable (tracked).
    pub fn is_offline(&self) -> bool {
        !self.online.get() || !self.reachable.get()
    }

    /// The server answered, or not (tracked).
    pub fn is_reachable(&self) -> bool {
        self.reachable.get()
    }

    /// The server answered (`true`, whatever the status) or could not be reached. A
    /// failure sets the retry timer unless one is set already, so that requests failing
    /// together count once.
    pub fn observe(&self, reached: bool) {
        let mut retry = self.retry.borrow_mut();
        if reached {
            retry.restart();
            retry.backoff.reset();
            drop(retry);
            // Most answers come while all is well: only a change wakes the banner.
            if !self.reachable.get_untracked() {
                self.reachable.set(true);
            }
            return;
        }
        if retry.timer_set {
            return;
        }
        retry.timer_set = true;
        let (generation, wait) = (retry.generation, retry.backoff.next_wait_ms());
        drop(retry);
        self.reachable.set(false);
        let this = self.clone();
        let fire = Closure::once_into_js(move || {
            let current = this.retry.borrow().generation == generation;
            if current {
                this.retry.borrow_mut().restart();
                this.probe();
            }
        });
        // Without a timer the next try waits for `online` or focus instead.
        let _ = window().set_timeout_with_callback_and_timeout_and_arguments_0(
            fire.unchecked_ref(),
            i32::try_from(wait).unwrap_or(i32::MAX),
        );
    }

    /// Tries at once, when the server was found unreachable; its timer is void.
    fn try_now(&self) {
        if !self.reachable.get_untracked() {
            self.retry.borrow_mut().restart();
            self.probe();
        }
    }

    fn probe(&self) {
        let this = self.clone();
        self.owner.spawn(async move {
            let reached = Request::get(PROBE).send().await.is_ok();
            this.observe(reached);
        });
    }
}

pub fn use_connectivity() -> Connectivity {
    use_context()
}
