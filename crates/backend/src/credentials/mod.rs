//! The parts of auth that serve no request by themselves, and that `AppState` owns: the
//! token keys, password hashing, the session cache, and the clocks that space out
//! last-seen writes and sweeps. The request side (the extractor, sign-in checks, rate
//! limits) is `auth`, which reads them through the state.

mod device_token;
mod last_seen;
mod passwords;
mod session_cache;
mod sweep_clock;
mod tokens;

pub use device_token::DEVICE_LIFETIME;
pub use last_seen::{LAST_SEEN_EVERY, LastSeen};
pub use passwords::{PasswordError, PasswordHasher};
pub use session_cache::SessionCache;
pub use sweep_clock::{SWEEP_EVERY, SweepClock};
pub use tokens::{Claims, IssuedToken, TOKEN_LIFETIME, TokenError, TokenKeys};
