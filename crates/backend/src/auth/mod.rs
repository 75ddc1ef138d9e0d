//! Who is calling: token issue and verification, password hashing, the session and
//! device cookies, and the one extractor that every protected handler takes.

mod cookie;
mod current_user;
mod device;
mod device_cookie;
mod last_seen;
mod origin;
mod password_check;
mod passwords;
mod reset_token;
mod session;
mod session_cache;
mod sweep;
mod tokens;

pub use cookie::{SESSION_COOKIE, SIGNED_IN_COOKIE, cookie_headers, session_cookies, signed_out};
pub use current_user::{CurrentUser, LiveSession, VerifiedToken};
pub use device::SessionDevice;
pub use device_cookie::{
    DEVICE_COOKIE, DEVICE_LIFETIME, cleared_device_cookie, presented_device, remember_device,
};
pub use last_seen::{LastSeen, record_last_seen};
pub use password_check::{CHECK_WINDOW_SECS, check_password, check_password_on_device};
pub use passwords::{PasswordError, PasswordHasher};
pub use reset_token::{ResetToken, hash_reset_token};
pub use session::{MAX_SESSIONS_PER_USER, start_session};
pub use session_cache::SessionCache;
pub use sweep::{RESET_HISTORY, SweepClock, sweep_if_due, sweep_now, sweep_periodically};
pub use tokens::{Claims, IssuedToken, TOKEN_LIFETIME, TokenError, TokenKeys};
