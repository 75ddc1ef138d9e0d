//! Who is calling, request by request: the one extractor every protected handler takes,
//! the session and device cookies, sign-in checks and their limits, and the sweep of
//! what expires. The keys, hashes and caches they use are `credentials`.

mod carried_hit;
mod cookie;
mod current_user;
mod device;
mod device_cookie;
mod last_seen;
mod origin;
mod password_check;
mod rate_limit;
mod reset_token;
mod session;
mod sweep;

pub use carried_hit::CarriedHit;
pub use cookie::{SESSION_COOKIE, SIGNED_IN_COOKIE, cookie_headers, session_cookies, signed_out};
pub use current_user::{CurrentUser, LiveSession, VerifiedToken};
pub use device::SessionDevice;
pub use device_cookie::{DEVICE_COOKIE, cleared_device_cookie, presented_device, remember_device};
pub use last_seen::record_last_seen;
pub use password_check::{check_password, check_password_on_device};
pub use rate_limit::{limit_credentials, limit_user, limit_user_reads};
pub use reset_token::{ResetToken, hash_reset_token};
pub use session::{MAX_SESSIONS_PER_USER, start_session};
pub use sweep::{RESET_HISTORY, sweep_if_due, sweep_now, sweep_periodically};
