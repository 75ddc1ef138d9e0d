//! The device cookie (OWASP, "Slow Down Online Guessing Attacks with Device Cookies"): a
//! browser that signed in once proves it with a signed cookie, and its later signins are
//! counted on the device's own counter instead of the one strangers share, so strangers
//! locking the account do not lock its owner out.

use axum::http::{HeaderMap, HeaderValue};
use uuid::Uuid;

use super::cookie::{cookie_headers, cookie_on_path};
use crate::credentials::{DEVICE_LIFETIME, TokenKeys};
use crate::error::ApiError;
use crate::state::AppState;
use contract::cookie_list;
use store::Device;

pub const DEVICE_COOKIE: &str = "device";
/// Only signin reads it, so no other request carries it.
const DEVICE_COOKIE_PATH: &str = "/api/auth/signin";
/// The device the request's cookies name for the account `user_id`, if one is signed by
/// the server. Whether it is still current (no reset since) the store decides.
pub fn presented_device(headers: &HeaderMap, keys: &TokenKeys, user_id: Uuid) -> Option<Device> {
    cookie_headers(headers)
        .flat_map(cookie_list::pairs)
        .filter(|(name, _)| *name == DEVICE_COOKIE)
        .filter_map(|(_, value)| keys.verify_device(value))
        .find(|device| device.user_id == user_id)
}

/// The device cookie for a browser that just proved the password: the device it
/// presented, renewed, while that is current; else a new device. `None` when the
/// account is gone by now.
pub async fn remember_device(
    state: &AppState,
    user_id: Uuid,
    presented: Option<Device>,
) -> Result<Option<HeaderValue>, ApiError> {
    let Some(generation) = state.store.device_generation(user_id).await? else { return Ok(None) };
    let id = presented.filter(|device| device.generation == generation).map_or_else(Uuid::new_v4, |d| d.id);
    let token = state.tokens.sign_device(&Device { id, user_id, generation })?;
    Ok(Some(device_cookie(&token, DEVICE_LIFETIME.num_seconds(), state.config.cookie_secure)))
}

/// Clears the device cookie, for an account that is gone.
pub fn cleared_device_cookie(secure: bool) -> HeaderValue {
    device_cookie("", 0, secure)
}

fn device_cookie(value: &str, max_age: i64, secure: bool) -> HeaderValue {
    cookie_on_path(DEVICE_COOKIE, value, DEVICE_COOKIE_PATH, max_age, true, secure)
}

#[cfg(test)]
mod tests {
    use axum::http::header::COOKIE;

    use super::*;

    const SECRET: &[u8] = b"0123456789abcdef0123456789abcdef";

    fn device() -> Device {
        Device { id: Uuid::new_v4(), user_id: Uuid::new_v4(), generation: 3 }
    }

    fn cookies(list: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.append(COOKIE, HeaderValue::try_from(list).unwrap());
        headers
    }

    #[test]
    fn a_signed_device_verifies_for_its_account_only() {
        let keys = TokenKeys::new(SECRET);
        let ann = device();
        let token = keys.sign_device(&ann).unwrap();
        assert_eq!(keys.verify_device(&token), Some(ann));
        let headers = cookies(&format!("device=junk; theme=dark; device={token}"));
        assert_eq!(presented_device(&headers, &keys, ann.user_id), Some(ann));
        assert_eq!(presented_device(&headers, &keys, Uuid::new_v4()), None, "another account's device");
        let other_key = TokenKeys::new(b"another-secret-another-secret-!!");
        assert_eq!(other_key.verify_device(&token), None, "signed with another key");
    }

    #[test]
    fn builds_a_year_long_cookie_for_the_signin_path() {
        assert_eq!(
            device_cookie("abc", DEVICE_LIFETIME.num_seconds(), true),
            "device=abc; HttpOnly; SameSite=Lax; Path=/api/auth/signin; Max-Age=31536000; Secure"
        );
        assert_eq!(
            cleared_device_cookie(false),
            "device=; HttpOnly; SameSite=Lax; Path=/api/auth/signin; Max-Age=0"
        );
    }
}
