//! The outbox: changes the server has not heard yet, kept in IndexedDB (the queue of
//! `crate::offline::queue`) and sent in order once it answers again: on `online`, on
//! focus, when the app starts, when the server is found again, and on a timer from 1 s
//! doubling to 60 s. Every tab of the browser shares one queue; one tab at a time sends
//! from it (the Web Locks API, where the browser has it), so that no change is sent by
//! two at once.
//!
//! It also keeps the stored copy private to one account: signing out and deleting the
//! account clear it, a session found gone clears the pages but keeps the queue for the
//! same account to send once signed in again, and signing in as another account
//! discards both, so that one person's changes are never written into another's account.

use std::future::Future;

use contract::api::{Task, User};
use js_sys::{Function, Promise, Reflect};
use sycamore::prelude::*;
use uuid::Uuid;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::{JsFuture, future_to_promise};
use web_sys::BroadcastChannel;

use super::connectivity::Connectivity;
use super::local_store::{self, ACCOUNT, PAGES, QUEUE};
use crate::live::Reads;
use crate::offline::backoff::Backoff;
use crate::offline::queue::{Entry, Op, Queue, Verdict};
use crate::session::SessionState;
use crate::web::session::{Farewell, Session};
use crate::web::spawn::Owner;
use crate::web::{dom, send};

/// The channel the tabs tell each other on that the queue changed.
const CHANNEL: &str = "outbox";
/// The lock that lets one tab at a time send from the queue.
const LOCK: &str = "tasks-outbox";
pub const SIGN_IN_TO_SYNC: &str = "Your session has ended. Sign in again to sync your changes.";
pub const DISCARDED: &str =
    "Changes made offline by the account signed in before were discarded, and not added to this one.";

/// What a replay found, for the dashboard to show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Report {
    /// Sent: the task as the server now has it (none after a delete), and the id the
    /// list showed it under (a task made offline had one of its own).
    Done { listed: i64, task: Option<Task> },
    /// Refused for good; `current` is the task as another device left it.
    Refused { entry: Entry, message: String, current: Option<Task> },
}

#[derive(Clone, Copy)]
pub struct Outbox {
    /// The queue as stored, every tab's changes in it.
    pub queue: Signal<Queue>,
    /// What replays found since the dashboard last looked; it takes them.
    pub reports: Signal<Vec<Report>>,
    /// Why queued changes were discarded, once.
    pub notice: Signal<Option<&'static str>>,
    runs: Signal<Reads>,
    backoff: Signal<Backoff>,
    session: Session,
    farewell: Farewell,
    connectivity: Signal<Connectivity>,
    owner: Owner,
}

impl Outbox {
    /// Starts the outbox for the app, and makes it available to every component below.
    pub fn provide(session: Session, farewell: Farewell, connectivity: Connectivity) -> Self {
        let outbox = Self {
            queue: create_signal(Queue::default()),
            reports: create_signal(Vec::new()),
            notice: create_signal(None),
            runs: create_signal(Reads::default()),
            backoff: create_signal(Backoff::default()),
            session,
            farewell,
            connectivity: create_signal(connectivity.clone()),
            owner: Owner::current(),
        };
        provide_context(outbox);
        outbox.reload();
        if let Ok(channel) = BroadcastChannel::new(CHANNEL) {
            dom::listen(&channel, "message", move || outbox.reload());
            on_cleanup(move || channel.close());
        }
        dom::listen(&window(), "online", move || outbox.wake());
        dom::listen(&window(), "focus", move || outbox.wake());
        create_effect(move || {
            if connectivity.is_reachable() {
                outbox.wake();
            }
        });
        // Who the copy belongs to follows the session: a sign-in (or the session
        // confirmed on load) claims it; a session that ended takes the pages away.
        create_effect(move || {
            // Read first: nothing may be spawned or changed while a signal is being read.
            let (user, signed_out) = session.with(|s| (s.user().cloned(), *s == SessionState::SignedOut));
            match user {
                Some(user) => outbox.claim(user),
                None if signed_out => outbox.owner.spawn(async {
                    let _ = local_store::clear(&[PAGES]).await;
                }),
                None => {}
            }
        });
        outbox
    }

    /// The account the stored copy belongs to, as it was last confirmed by the server:
    /// who the app shows as signed in when it opens without the server.
    pub async fn stored_user() -> Option<User> {
        serde_json::from_str(&local_store::account().await.ok()??).ok()
    }

    fn account(self) -> Option<Uuid> {
        self.session.user().map(|user| user.id)
    }

    /// Whether a change of the signed-in account waits to be sent: later changes then
    /// wait behind it, so that all are sent in the order they were made.
    pub fn has_pending(self) -> bool {
        let Some(account) = self.account() else { return false };
        self.queue.with_untracked(|queue| queue.next(account).is_some())
    }

    /// Stores `op` at the end of the queue and tries to send it; `false` if it could not
    /// be stored (no IndexedDB), when the caller must say the change was not made.
    pub fn enqueue(self, op: Op, title: String) -> impl Future<Output = bool> {
        let account = self.account();
        async move {
            let Some(account) = account else { return false };
            let mut entry = Entry { seq: 0, account, title, op };
            let Ok(seq) = local_store::enqueue(&entry.text()).await else { return false };
            entry.seq = seq;
            self.queue.update(|queue| queue.0.push(entry));
            tell_other_tabs();
            self.wake();
            true
        }
    }

    /// Sends the queue now, or right after the run under way.
    pub fn wake(self) {
        if self.runs.update(Reads::wake) {
            self.owner.spawn(async move {
                loop {
                    exclusively(self.send_all()).await;
                    if !self.runs.update(Reads::done) {
                        break;
                    }
                }
            });
        }
    }

    async fn load() -> Queue {
        let stored = local_store::queue().await.unwrap_or_default();
        Queue(stored.into_iter().filter_map(|(seq, text)| Entry::parse(seq, &text)).collect())
    }

    fn reload(self) {
        self.owner.spawn(async move { self.queue.set(Self::load().await) });
    }

    /// Sends the signed-in account's changes, oldest first, until the queue is empty or
    /// the server cannot take the next one now.
    async fn send_all(self) {
        let mut sent = false;
        while let Some(account) = self.account() {
            // From the store, not this tab's copy: another tab may have sent some. Set
            // only when it differs: each new value redraws the list and stores its copy.
            let queue = Self::load().await;
            if self.queue.with_untracked(|shown| *shown != queue) {
                self.queue.set(queue.clone());
            }
            let Some(entry) = queue.next(account).cloned() else {
                self.backoff.update(Backoff::reset);
                break;
            };
            let Some(request) = entry.op.request() else {
                // About a task made offline whose create was refused: there is nothing
                // to change.
                let _ = local_store::settle(entry.seq, &[]).await;
                continue;
            };
            let (reached, answer) = send::replay(request).await;
            self.connectivity.get_clone_untracked().observe(reached);
            match entry.verdict(answer) {
                Verdict::Done(task) => {
                    let moved = queue.settled(&entry, task.as_ref());
                    let rewritten: Vec<_> = moved.iter().map(|e| (e.seq, e.text())).collect();
                    if local_store::settle(entry.seq, &rewritten).await.is_err() {
                        break;
                    }
                    self.backoff.update(Backoff::reset);
                    // The report first: the list puts the server's task in place of the
                    // one it showed, which the queue's next state then leaves alone.
                    let next = queue.without(&entry, moved);
                    let listed = entry.op.target().listed_id();
                    self.reports.update(|reports| reports.push(Report::Done { listed, task }));
                    self.queue.set(next);
                }
                Verdict::Refused { message, current } => {
                    if local_store::settle(entry.seq, &[]).await.is_err() {
                        break;
                    }
                    let next = queue.without(&entry, Vec::new());
                    self.reports.update(|reports| reports.push(Report::Refused { entry, message, current }));
                    self.queue.set(next);
                }
                Verdict::SignIn => {
                    self.session_gone();
                    self.session.end();
                    break;
                }
                Verdict::Later => {
                    let wait = self.backoff.update(Backoff::next_wait_ms);
                    dom::after(wait, move || self.wake());
                    break;
                }
            }
            sent = true;
        }
        // Every way out of the loop follows a fresh read of the store, so the queue shown
        // is current; only the other tabs need telling.
        if sent {
            tell_other_tabs();
        }
    }

    /// `user` is signed in, as the server confirmed: the stored copy becomes theirs. A
    /// copy of another account's is cleared first, queue and all, with a notice if that
    /// discards changes. Then their own queue is sent.
    fn claim(self, user: User) {
        self.owner.spawn(async move {
            let stored = Self::stored_user().await;
            if stored.is_some_and(|stored| stored.id != user.id) {
                let discarded = Self::load().await.0.iter().any(|entry| entry.account != user.id);
                if local_store::clear(&[PAGES, ACCOUNT, QUEUE]).await.is_err() {
                    return;
                }
                self.queue.set(Queue::default());
                if discarded {
                    self.notice.set(Some(DISCARDED));
                }
                tell_other_tabs();
            }
            if let Ok(text) = serde_json::to_string(&user) {
                let _ = local_store::set_account(&text).await;
            }
            self.wake();
        });
    }

    /// The server said the session is gone (a 401), before the app ends it: with changes
    /// waiting, the sign-in page says why to sign in again.
    pub fn session_gone(self) {
        if self.has_pending() {
            self.farewell.0.set(Some(SIGN_IN_TO_SYNC));
        }
    }

    /// Forgets everything stored: on signing out and on deleting the account. The work is
    /// the app's, so that it outlives the signed-in page that asked for it.
    pub fn clear(self) {
        self.owner.spawn(async move {
            let _ = local_store::clear(&[PAGES, ACCOUNT, QUEUE]).await;
            self.queue.set(Queue::default());
            tell_other_tabs();
        });
    }
}

pub fn use_outbox() -> Outbox {
    use_context()
}

fn tell_other_tabs() {
    if let Ok(channel) = BroadcastChannel::new(CHANNEL) {
        // A message that cannot be sent only leaves another tab's marks until it reloads.
        let _ = channel.post_message(&JsValue::from_str("changed"));
        channel.close();
    }
}

/// Runs `work` while holding the outbox's lock, which only one tab of the browser holds
/// at a time; without the Web Locks API, at once.
async fn exclusively(work: impl Future<Output = ()> + 'static) {
    let navigator = window().navigator();
    let locks = Reflect::get(&navigator, &JsValue::from_str("locks")).ok().filter(|l| l.is_object());
    let request = locks
        .as_ref()
        .and_then(|locks| Reflect::get(locks, &JsValue::from_str("request")).ok())
        .and_then(|request| request.dyn_into::<Function>().ok());
    let (Some(locks), Some(request)) = (locks, request) else { return work.await };
    let granted = Closure::once_into_js(move |_lock: JsValue| -> JsValue {
        future_to_promise(async move {
            work.await;
            Ok(JsValue::UNDEFINED)
        })
        .into()
    });
    if let Ok(held) = request.call2(&locks, &JsValue::from_str(LOCK), &granted) {
        let _ = JsFuture::from(Promise::from(held)).await;
    }
}
