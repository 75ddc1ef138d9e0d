//! Who is signed in, and which pages that opens.
//!
//! The session token lives in an HttpOnly cookie that no script can read. To avoid asking
//! the API about a session that is not there (a 401, which the browser logs as an error),
//! the app looks for a second, non-secret cookie that the API sets next to the token on
//! signup and signin, and clears on signout: `signed_in=1`. Only with it does the app ask
//! `GET /api/auth/me` on load. Being a cookie, it follows the session however the session
//! was made, through the app or straight through the API.

use contract::api::User;
use contract::session_hint;

use crate::api::ApiError;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SessionState {
    /// Asking `GET /api/auth/me`.
    Checking,
    SignedOut,
    SignedIn(User),
    /// The session could not be checked (offline, rate limited, server trouble): the
    /// message says why, and the user can try again.
    Unavailable(String),
}

impl SessionState {
    /// The signed-in user, if any.
    pub fn user(&self) -> Option<&User> {
        match self {
            Self::SignedIn(user) => Some(user),
            Self::Checking | Self::SignedOut | Self::Unavailable(_) => None,
        }
    }
}

/// What `document.cookie` says about the signed-in hint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hint {
    /// Cookies are disabled or refused: nothing can be told from them.
    Unreadable,
    Absent,
    Present,
}

/// The hint in `cookies`, the `name=value; name=value` text of `document.cookie`, or
/// `None` when the browser refused to give it.
pub fn hint(cookies: Option<&str>) -> Hint {
    let Some(cookies) = cookies else { return Hint::Unreadable };
    if session_hint::is_set(cookies) { Hint::Present } else { Hint::Absent }
}

/// The state the app starts in: with the hint (or no way to read it) it asks the API;
/// without it the visitor is signed out, and no request is made.
pub fn on_load(hint: Hint) -> SessionState {
    match hint {
        Hint::Present | Hint::Unreadable => SessionState::Checking,
        Hint::Absent => SessionState::SignedOut,
    }
}

/// The state after `GET /api/auth/me` answered. Only a 401 means signed out: a refusal
/// for any other reason says nothing about the session.
pub fn restored(answer: Result<User, ApiError>) -> SessionState {
    match answer {
        Ok(user) => SessionState::SignedIn(user),
        Err(error) if error.is_unauthorized() => SessionState::SignedOut,
        Err(error) => {
            SessionState::Unavailable(format!("Could not check whether you are signed in. {error}"))
        }
    }
}

/// The state after `GET /api/auth/me` found no server, when the browser keeps `stored`,
/// the account last confirmed here: signed in as it, to show its stored copy and take
/// changes for later. The first request that reaches the server settles it; a 401 then
/// ends the session.
pub fn restored_offline(answer: Result<User, ApiError>, stored: Option<User>) -> SessionState {
    match (answer, stored) {
        (Err(error), Some(stored)) if error.is_unreachable() => SessionState::SignedIn(stored),
        (answer, _) => restored(answer),
    }
}

/// The `document.cookie` assignment, if any, that brings the hint in line with the session
/// `state`, the page being served over HTTPS or not.
///
/// The API sets and clears the hint itself; the app only mends it. Any answer that the
/// session is gone (a 401 `UNAUTHORIZED` from any call: the token expired or was revoked
/// elsewhere) clears a hint that is still there, so that the next load asks nothing. A
/// session without the hint (a proxy dropped the API's cookie) gets it; one that has it
/// keeps it as the API set it, expiring with the token. While checking, or when the check
/// failed for another reason, it stays as it was.
pub fn hint_cookie(state: &SessionState, hint: Hint, https: bool) -> Option<String> {
    use session_hint::{MAX_AGE_SECONDS, NAME, VALUE};
    let secure = if https { "; Secure" } else { "" };
    match (state, hint) {
        (SessionState::SignedIn(_), Hint::Absent | Hint::Unreadable) => {
            Some(format!("{NAME}={VALUE}; Path=/; Max-Age={MAX_AGE_SECONDS}; SameSite=Lax{secure}"))
        }
        (SessionState::SignedOut, Hint::Present | Hint::Unreadable) => {
            Some(format!("{NAME}=; Path=/; Max-Age=0; SameSite=Lax{secure}"))
        }
        (SessionState::SignedIn(_), Hint::Present)
        | (SessionState::SignedOut, Hint::Absent)
        | (SessionState::Checking | SessionState::Unavailable(_), _) => None,
    }
}

/// Who may see a page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Only signed-in users, and shown while the session is being checked: the dashboard.
    /// Its own requests carry the session (a 401 ends it), so its tasks load alongside
    /// `me` instead of one round trip after it.
    Members,
    /// Only signed-in users, once the check says who: the profile shows their details.
    Account,
    /// Only visitors: signing in and up make no sense when already signed in.
    Visitors,
    Anyone,
}

/// A page, as far as the gate is concerned: who may see it.
pub trait Guarded: Copy {
    fn access(self) -> Access;
}

impl Guarded for Access {
    fn access(self) -> Access {
        self
    }
}

/// What the app shows in place of `page`. It names the page only when showing it, so that
/// the main area changes only when the page, the session's presence or a pending redirect
/// changes, not when the user's name does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gate<P> {
    /// The session is being checked: a loading state.
    Wait,
    /// Not for this user: go elsewhere.
    Redirect(&'static str),
    Show(P),
    /// A members' page while the session could not be checked: the reason, and a retry.
    Retry,
}

pub fn gate<P: Guarded>(page: P, session: &SessionState) -> Gate<P> {
    match (page.access(), session) {
        (Access::Members, SessionState::Checking) => Gate::Show(page),
        (_, SessionState::Checking) => Gate::Wait,
        (Access::Members | Access::Account, SessionState::SignedOut) => Gate::Redirect("/signin"),
        (Access::Members | Access::Account, SessionState::Unavailable(_)) => Gate::Retry,
        (Access::Visitors, SessionState::SignedIn(_)) => Gate::Redirect("/"),
        _ => Gate::Show(page),
    }
}

#[cfg(test)]
mod tests {
    use contract::api::{ErrorBody, ErrorCode};

    use super::*;

    fn user() -> User {
        let at = "2026-11-25T13:00:00Z".parse().expect("a timestamp");
        User {
            id: Default::default(),
            email: "ann@example.com".into(),
            name: "Ann".into(),
            created_at: at,
            updated_at: at,
        }
    }

    fn member() -> SessionState {
        SessionState::SignedIn(user())
    }

    fn refused(code: ErrorCode, message: &str) -> ApiError {
        ApiError::Refused(Box::new(ErrorBody { code, message: message.into(), details: None }))
    }

    #[test]
    fn the_hint_is_read_from_the_cookies() {
        assert_eq!(hint(Some("signed_in=1")), Hint::Present);
        assert_eq!(hint(Some("theme=dark; signed_in=1; lang=en")), Hint::Present);
        assert_eq!(hint(Some("theme=dark;signed_in=1")), Hint::Present);
        assert_eq!(hint(Some("")), Hint::Absent);
        assert_eq!(hint(Some("theme=dark")), Hint::Absent);
        // Only that cookie, with that value, is the hint.
        assert_eq!(hint(Some("signed_in=")), Hint::Absent);
        assert_eq!(hint(Some("signed_in=0")), Hint::Absent);
        assert_eq!(hint(Some("not_signed_in=1; signed_in_x=1")), Hint::Absent);
        assert_eq!(hint(Some("signed_in")), Hint::Absent);
        assert_eq!(hint(None), Hint::Unreadable);
    }

    #[test]
    fn only_a_hinted_browser_asks_who_is_signed_in() {
        assert_eq!(on_load(hint(Some("signed_in=1"))), SessionState::Checking);
        assert_eq!(on_load(Hint::Absent), SessionState::SignedOut);
        // Without cookies the app cannot tell, so it asks rather than lock the user out.
        assert_eq!(on_load(Hint::Unreadable), SessionState::Checking);
    }

    #[test]
    fn the_answer_to_me_decides_the_session() {
        assert_eq!(restored(Ok(user())), member());
        let gone = refused(ErrorCode::Unauthorized, "Please sign in to continue.");
        assert_eq!(restored(Err(gone)), SessionState::SignedOut);

        let throttled =
            refused(ErrorCode::RateLimited, "Too many requests. Please wait a moment and try again.");
        let SessionState::Unavailable(message) = restored(Err(throttled)) else {
            panic!("a rate limit says nothing about the session");
        };
        assert!(message.contains("Too many requests"), "{message}");
        assert!(matches!(restored(Err(ApiError::Network)), SessionState::Unavailable(_)));
    }

    #[test]
    fn without_the_server_the_account_last_confirmed_is_signed_in() {
        assert_eq!(restored_offline(Err(ApiError::Network), Some(user())), member());
        assert_eq!(restored_offline(Err(ApiError::Unexpected { status: 504 }), Some(user())), member());
        // Nothing stored, or a server that answered: as without a copy.
        assert!(matches!(restored_offline(Err(ApiError::Network), None), SessionState::Unavailable(_)));
        let gone = refused(ErrorCode::Unauthorized, "Please sign in to continue.");
        assert_eq!(restored_offline(Err(gone), Some(user())), SessionState::SignedOut);
        let broken = ApiError::Unexpected { status: 500 };
        assert!(matches!(restored_offline(Err(broken), Some(user())), SessionState::Unavailable(_)));
    }

    #[test]
    fn only_a_signed_in_session_has_a_user() {
        assert_eq!(member().user().map(|u| u.name.as_str()), Some("Ann"));
        for state in [SessionState::Checking, SessionState::SignedOut, SessionState::Unavailable("x".into())]
        {
            assert_eq!(state.user(), None);
        }
    }

    #[test]
    fn a_401_clears_a_hint_left_behind() {
        let gone = restored(Err(refused(ErrorCode::Unauthorized, "Please sign in to continue.")));
        assert_eq!(
            hint_cookie(&gone, Hint::Present, false).as_deref(),
            Some("signed_in=; Path=/; Max-Age=0; SameSite=Lax")
        );
        assert_eq!(
            hint_cookie(&gone, Hint::Present, true).as_deref(),
            Some("signed_in=; Path=/; Max-Age=0; SameSite=Lax; Secure")
        );
        // Once cleared (or cleared by the API on signout), there is nothing left to do.
        assert_eq!(hint_cookie(&SessionState::SignedOut, Hint::Absent, false), None);
        assert_eq!(on_load(hint(Some(""))), SessionState::SignedOut);
    }

    #[test]
    fn a_session_without_the_hint_gets_it_and_keeps_the_one_the_api_set() {
        assert_eq!(
            hint_cookie(&member(), Hint::Absent, false).as_deref(),
            Some("signed_in=1; Path=/; Max-Age=604800; SameSite=Lax")
        );
        assert_eq!(
            hint_cookie(&member(), Hint::Absent, true).as_deref(),
            Some("signed_in=1; Path=/; Max-Age=604800; SameSite=Lax; Secure")
        );
        assert_eq!(hint_cookie(&member(), Hint::Present, true), None);
        // Set once signed in, it makes the next load ask the API.
        assert_eq!(on_load(hint(Some("signed_in=1"))), SessionState::Checking);
    }

    #[test]
    fn an_unsettled_session_leaves_the_hint_alone() {
        for hint in [Hint::Present, Hint::Absent, Hint::Unreadable] {
            assert_eq!(hint_cookie(&SessionState::Checking, hint, false), None);
            assert_eq!(hint_cookie(&SessionState::Unavailable("offline".into()), hint, false), None);
        }
    }

    #[test]
    fn visitors_are_kept_out_of_member_pages() {
        for access in [Access::Members, Access::Account] {
            assert_eq!(gate(access, &SessionState::SignedOut), Gate::Redirect("/signin"));
            assert_eq!(gate(access, &member()), Gate::Show(access));
        }
    }

    #[test]
    fn members_skip_the_sign_in_pages() {
        assert_eq!(gate(Access::Visitors, &member()), Gate::Redirect("/"));
        assert_eq!(gate(Access::Visitors, &SessionState::SignedOut), Gate::Show(Access::Visitors));
    }

    #[test]
    fn only_the_dashboard_shows_while_the_session_is_being_checked() {
        for access in [Access::Account, Access::Visitors, Access::Anyone] {
            assert_eq!(gate(access, &SessionState::Checking), Gate::Wait);
        }
        // Its task list loads alongside the check; a 401 there ends the session too.
        assert_eq!(gate(Access::Members, &SessionState::Checking), Gate::Show(Access::Members));
        assert_eq!(gate(Access::Anyone, &SessionState::SignedOut), Gate::Show(Access::Anyone));
        assert_eq!(gate(Access::Anyone, &member()), Gate::Show(Access::Anyone));
    }

    #[test]
    fn an_unchecked_session_offers_a_retry_on_member_pages_only() {
        let unavailable = SessionState::Unavailable("offline".into());
        assert_eq!(gate(Access::Members, &unavailable), Gate::Retry);
        assert_eq!(gate(Access::Account, &unavailable), Gate::Retry);
        assert_eq!(gate(Access::Visitors, &unavailable), Gate::Show(Access::Visitors));
        assert_eq!(gate(Access::Anyone, &unavailable), Gate::Show(Access::Anyone));
    }
}
