//! The signed-in hint: a cookie next to the HttpOnly session token that scripts may read.
//! It holds nothing secret; it only tells the web app that a session cookie is there, so
//! that a signed-out visitor's page load asks the API nothing that is bound to fail.
//!
//! The server sets and clears it (`auth::cookie`); the web app reads it and mends it.
//! Both take its name and lifetime from here.

/// The cookie's name.
pub const NAME: &str = "signed_in";
/// Its value while signed in.
pub const VALUE: &str = "1";
/// Its lifetime in seconds, that of the session token: seven days.
pub const MAX_AGE_SECONDS: i64 = 7 * 24 * 60 * 60;

/// Whether a cookie list (a `Cookie` header's value, or `document.cookie`) holds the hint.
pub fn is_set(cookies: &str) -> bool {
    crate::cookie_list::pairs(cookies).any(|pair| pair == (NAME, VALUE))
}

#[cfg(test)]
mod tests {
    use super::is_set;

    #[test]
    fn finds_the_hint_among_other_cookies() {
        assert!(is_set("signed_in=1"));
        assert!(is_set("theme=dark; signed_in=1"));
        for other in ["", "signed_in=", "signed_in=0", "signed_in=1x", "not_signed_in=1", "signed_in"] {
            assert!(!is_set(other), "{other:?}");
        }
    }
}
