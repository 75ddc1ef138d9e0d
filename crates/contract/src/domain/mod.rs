//! Values that can only be built valid. Each `parse` returns a message written for the
//! person who typed the value, so the server and the web app show the same words.

mod account;
mod cursor;
mod email;
mod entity_tag;
mod idempotency_key;
mod page;
mod password;
#[cfg(test)]
mod properties;
mod task;
mod user_name;

use std::collections::BTreeMap;

pub use account::{ProfileChange, Signup};
pub use cursor::ChangeCursor;
#[cfg(target_arch = "wasm32")]
pub use email::use_browser_lower_case;
pub use email::{Email, MAX_LEN as EMAIL_MAX_CHARS};
pub use entity_tag::{EntityTag, EntityTags, version_tag};
pub use idempotency_key::{IdempotencyKey, MAX_LEN as IDEMPOTENCY_KEY_MAX_LEN};
pub use page::{DEFAULT_LIMIT, MAX_LIMIT, PageRequest};
pub use password::{MAX_BYTES as PASSWORD_MAX_BYTES, MIN_BYTES as PASSWORD_MIN_BYTES, Password};
pub use task::{DESCRIPTION_MAX_CHARS, NewTask, TITLE_MAX_CHARS, TaskChange, TaskDescription, TaskTitle};
pub use user_name::{MAX_CHARS as NAME_MAX_CHARS, UserName};

/// Whether `text` holds a C0 or C1 control character (U+0000–U+001F, U+007F–U+009F)
/// other than those in `allowed`. They are invisible, garble logs and terminals, and
/// Postgres `text` cannot store U+0000 at all, so no stored text may carry them.
fn has_control_chars(text: &str, allowed: &[char]) -> bool {
    text.chars().any(|c| c.is_control() && !allowed.contains(&c))
}

/// Human messages keyed by the request field they concern.
pub type FieldErrors = BTreeMap<String, String>;

/// Collects per-field parse failures so one response can report all of them.
#[derive(Debug, Default)]
pub struct Validator {
    errors: FieldErrors,
}

impl Validator {
    pub fn new() -> Self {
        Self::default()
    }

    /// Records the error of `result` under `field` and returns the value, if any.
    pub fn check<T>(&mut self, field: &str, result: Result<T, String>) -> Option<T> {
        result.map_err(|message| self.errors.insert(field.to_owned(), message)).ok()
    }

    /// `Ok(value)` when nothing failed, where `value` is only built in that case.
    pub fn finish<T>(self, build: impl FnOnce() -> Option<T>) -> Result<T, FieldErrors> {
        match build() {
            Some(value) if self.errors.is_empty() => Ok(value),
            _ => Err(self.errors),
        }
    }
}
