//! The session every component shares: who is signed in (see `crate::session`).

use contract::api::User;
use sycamore::prelude::*;

use crate::session::SessionState;

/// The app's session, provided once by the app shell.
#[derive(Clone, Copy)]
pub struct Session(Signal<SessionState>);

impl Session {
    /// Makes a session starting in `state` available to every component below.
    pub fn provide(state: SessionState) -> Self {
        let session = Self(create_signal(state));
        provide_context(session);
        session
    }

    /// Reads the state, tracking it.
    pub fn with<R>(self, read: impl FnOnce(&SessionState) -> R) -> R {
        self.0.with(read)
    }

    /// The signed-in user as of now, without tracking.
    pub fn user(self) -> Option<User> {
        self.0.with_untracked(|s| s.user().cloned())
    }

    pub fn set(self, state: SessionState) {
        self.0.set(state);
    }

    /// Signed in (or up, or the profile changed): the router's guard takes a visitor on to
    /// the dashboard.
    pub fn sign_in(self, user: User) {
        self.set(SessionState::SignedIn(user));
    }

    /// Signed out, or the session is gone: the guard takes members' pages to sign in.
    pub fn end(self) {
        self.set(SessionState::SignedOut);
    }
}

pub fn use_session() -> Session {
    use_context()
}

/// The session, outside any component that is sure to have one.
pub fn try_use_session() -> Option<Session> {
    try_use_context()
}

/// A word for the sign-in page from the page that signed the user out, such as "your
/// account is deleted"; shown once.
#[derive(Clone, Copy)]
pub struct Farewell(pub Signal<Option<&'static str>>);
