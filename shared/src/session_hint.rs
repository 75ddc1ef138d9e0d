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
