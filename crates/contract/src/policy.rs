//! The product's limits and lifetimes that people are told about: each is written once
//! here, and every text that names one (mail, pages, error messages, the OpenAPI
//! document) is built from it. The numbers a text literal needs (`concat!`, an
//! attribute) are macros as well, whose values the constants take, so that even there
//! each number stands in one place.

/// How long a password-reset link works, in minutes.
#[macro_export]
macro_rules! reset_link_minutes {
    () => {
        30
    };
}
pub const RESET_LINK_MINUTES: i64 = reset_link_minutes!();

/// Reset emails one account may be sent per hour; past it, requests are still answered
/// the same, and nothing is sent.
#[macro_export]
macro_rules! reset_emails_per_hour {
    () => {
        3
    };
}
pub const RESET_EMAILS_PER_HOUR: u32 = reset_emails_per_hour!();

/// The largest request body the API reads, in KiB.
#[macro_export]
macro_rules! body_limit_kib {
    () => {
        64
    };
}
pub const BODY_LIMIT_BYTES: usize = body_limit_kib!() * 1024;

/// The fixed window of the per-address and per-user request limits.
pub const RATE_LIMIT_WINDOW_SECS: i64 = 60;

/// The window in which an account's (or a device's) failed password checks add up.
pub const PASSWORD_CHECK_WINDOW_SECS: i64 = 15 * 60;

/// A password's length in bytes: at least this many.
pub const PASSWORD_MIN_BYTES: usize = 8;
/// bcrypt reads only 72 bytes; a longer password is refused rather than silently cut.
pub const PASSWORD_MAX_BYTES: usize = 72;

/// How long a deleted task stays in the trash, where `restore` can bring it back, before
/// the sweep purges it.
pub const TRASH_RETENTION_DAYS: i64 = 30;

/// How long a changes-feed cursor stays usable. A cursor must not outlive the trash:
/// past it, a task trashed after the cursor may already be purged, and its deletion
/// would be missed. The day less covers the moment between the read a cursor stands for
/// and the time stamped into it.
pub const CURSOR_LIFETIME_SECS: i64 = (TRASH_RETENTION_DAYS - 1) * 24 * 60 * 60;

/// How long an `Idempotency-Key` on a create is remembered, in hours.
pub const IDEMPOTENCY_KEY_HOURS: i64 = 24;

/// The most entries (changed tasks plus deleted ids) one changes-feed answer holds.
pub const CHANGES_PAGE_MAX: u32 = 500;

/// Seconds between the comment heartbeats of `/api/events`, which keep proxies from
/// closing an idle stream.
pub const EVENT_HEARTBEAT_SECS: u64 = 25;

/// Open event streams per user; opening one more closes the oldest.
pub const MAX_STREAMS_PER_USER: usize = 10;

/// How often the web app reads the changes feed where the event stream is unavailable.
pub const FEED_POLL_SECS: u32 = 30;

/// How long the web app offers Undo after a delete, in seconds.
pub const UNDO_SECS: u32 = 10;

/// The web app's first wait before it tries the server again after finding it
/// unreachable (replaying its queue of offline changes), in milliseconds; each failure
/// doubles it, up to `RETRY_MAX_MS`.
pub const RETRY_FIRST_MS: u32 = 1_000;
pub const RETRY_MAX_MS: u32 = 60_000;
