//! Who is calling: token issue and verification, password hashing, the session cookie
//! and the one extractor that every protected handler takes.

mod cookie;
mod current_user;
mod password_check;
mod passwords;
mod session;
mod session_cache;
mod tokens;

pub use cookie::{SESSION_COOKIE, SIGNED_IN_COOKIE, cleared_session_cookies, session_cookies};
pub use current_user::{CurrentUser, request_token};
pub use password_check::{CHECK_WINDOW_SECS, MAX_FAILED_CHECKS, check_password};
pub use passwords::PasswordHasher;
pub use session::start_session;
pub use session_cache::SessionCache;
pub use tokens::{Claims, IssuedToken, TOKEN_LIFETIME, TokenKeys};
