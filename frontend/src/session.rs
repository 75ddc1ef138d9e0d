//! Who is signed in, and which pages that opens.
//!
//! The session token lives in an HttpOnly cookie that no script can read. To avoid asking
//! the API about a session that is not there (a 401, which the browser logs as an error),
//! the app keeps a non-secret hint in local storage: "this browser signed in, and has not
//! signed out since". Only with the hint does it ask `GET /api/auth/me` on load.

use shared::api::User;

use crate::api::ApiError;

/// The local-storage key of the signed-in hint, and its value. The hint says nothing
/// secret: it only spares signed-out visitors a request that is bound to fail.
pub const HINT_KEY: &str = "tasks.signed_in";
pub const HINT_VALUE: &str = "1";

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

/// What local storage holds under [`HINT_KEY`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StoredHint<'a> {
    /// Storage is disabled or refused: nothing can be told from it.
    Unreadable,
    Missing,
    Value(&'a str),
}

/// The state the app starts in: with the hint (or no way to read it) it asks the API;
/// without it the visitor is signed out, and no request is made.
pub fn on_load(hint: StoredHint<'_>) -> SessionState {
    match hint {
        StoredHint::Value(HINT_VALUE) | StoredHint::Unreadable => SessionState::Checking,
        StoredHint::Value(_) | StoredHint::Missing => SessionState::SignedOut,
    }
}

/// The state after `GET /api/auth/me` answered. Only a 401 means signed out: a refusal
/// for any other reason says nothing about the session.
pub fn restored(answer: Result<User, ApiError>) -> SessionState {
    match answer {
        Ok(user) => SessionState::SignedIn(user),
        Err(error) if error.is_unauthorized() => SessionState::SignedOut,
        Err(error) => SessionState::Unavailable(format!("Could not check whether you are signed in. {error}")),
    }
}

/// What to do with the stored hint once the session is `state`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HintUpdate {
    Set,
    Clear,
    Keep,
}

/// Signing up, in, or a successful `me` sets the hint; signing out, or any answer that
/// the session is gone (401 `UNAUTHORIZED`), clears it. While checking, or when the check
/// failed for another reason, it stays as it was.
pub fn hint_update(state: &SessionState) -> HintUpdate {
    match state {
        SessionState::SignedIn(_) => HintUpdate::Set,
        SessionState::SignedOut => HintUpdate::Clear,
        SessionState::Checking | SessionState::Unavailable(_) => HintUpdate::Keep,
    }
}

/// Who may see a page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Only signed-in users: the dashboard and the profile.
    Members,
    /// Only visitors: signing in and up make no sense when already signed in.
    Visitors,
    Anyone,
}

/// What the app shows for a page with `access`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gate {
    /// The session is being checked: a loading state.
    Wait,
    /// Not for this user: go elsewhere.
    Redirect(&'static str),
    Show,
    /// A members' page while the session could not be checked: the reason, and a retry.
    Retry,
}

pub fn gate(access: Access, session: &SessionState) -> Gate {
    match (access, session) {
        (_, SessionState::Checking) => Gate::Wait,
        (Access::Members, SessionState::SignedOut) => Gate::Redirect("/signin"),
        (Access::Members, SessionState::Unavailable(_)) => Gate::Retry,
        (Access::Visitors, SessionState::SignedIn(_)) => Gate::Redirect("/"),
        _ => Gate::Show,
    }
}

#[cfg(test)]
mod tests {
    use shared::api::{ErrorBody, ErrorCode};

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
        ApiError::Refused(ErrorBody { code, message: message.into(), details: None })
    }

    #[test]
    fn only_a_hinted_browser_asks_who_is_signed_in() {
        assert_eq!(on_load(StoredHint::Value("1")), SessionState::Checking);
        assert_eq!(on_load(StoredHint::Missing), SessionState::SignedOut);
        assert_eq!(on_load(StoredHint::Value("")), SessionState::SignedOut);
        assert_eq!(on_load(StoredHint::Value("yes")), SessionState::SignedOut);
        // Without storage the app cannot tell, so it asks rather than lock the user out.
        assert_eq!(on_load(StoredHint::Unreadable), SessionState::Checking);
    }

    #[test]
    fn the_answer_to_me_decides_the_session() {
        assert_eq!(restored(Ok(user())), member());
        let gone = refused(ErrorCode::Unauthorized, "Please sign in to continue.");
        assert_eq!(restored(Err(gone)), SessionState::SignedOut);

        let throttled = refused(ErrorCode::RateLimited, "Too many requests. Please wait a moment and try again.");
        let SessionState::Unavailable(message) = restored(Err(throttled)) else {
            panic!("a rate limit says nothing about the session");
        };
        assert!(message.contains("Too many requests"), "{message}");
        assert!(matches!(restored(Err(ApiError::Network)), SessionState::Unavailable(_)));
    }

    #[test]
    fn the_hint_follows_the_session() {
        assert_eq!(hint_update(&member()), HintUpdate::Set);
        assert_eq!(hint_update(&SessionState::SignedOut), HintUpdate::Clear);
        assert_eq!(hint_update(&SessionState::Checking), HintUpdate::Keep);
        assert_eq!(hint_update(&SessionState::Unavailable("offline".into())), HintUpdate::Keep);
        // Set once signed in, it makes the next load ask the API.
        assert_eq!(on_load(StoredHint::Value(HINT_VALUE)), SessionState::Checking);
    }

    #[test]
    fn visitors_are_kept_out_of_member_pages() {
        assert_eq!(gate(Access::Members, &SessionState::SignedOut), Gate::Redirect("/signin"));
        assert_eq!(gate(Access::Members, &member()), Gate::Show);
    }

    #[test]
    fn members_skip_the_sign_in_pages() {
        assert_eq!(gate(Access::Visitors, &member()), Gate::Redirect("/"));
        assert_eq!(gate(Access::Visitors, &SessionState::SignedOut), Gate::Show);
    }

    #[test]
    fn nobody_moves_while_the_session_is_being_checked() {
        for access in [Access::Members, Access::Visitors, Access::Anyone] {
            assert_eq!(gate(access, &SessionState::Checking), Gate::Wait);
        }
        assert_eq!(gate(Access::Anyone, &SessionState::SignedOut), Gate::Show);
        assert_eq!(gate(Access::Anyone, &member()), Gate::Show);
    }

    #[test]
    fn an_unchecked_session_offers_a_retry_on_member_pages_only() {
        let unavailable = SessionState::Unavailable("offline".into());
        assert_eq!(gate(Access::Members, &unavailable), Gate::Retry);
        assert_eq!(gate(Access::Visitors, &unavailable), Gate::Show);
        assert_eq!(gate(Access::Anyone, &unavailable), Gate::Show);
    }
}
