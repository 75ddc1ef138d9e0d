//! The device cookie (OWASP, "Slow Down Online Guessing Attacks with Device Cookies"): a
//! browser that signed in once proves it with a signed cookie, and its later signins are
//! counted on the device's own counter instead of the one strangers share, so strangers
//! locking the account do not lock its owner out.

use axum::http::{HeaderMap, HeaderValue};
use chrono::{Duration, Utc};
use jsonwebtoken::{Algorithm, Header, Validation};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::cookie::cookie_headers;
use super::{TokenError, TokenKeys};
use crate::error::ApiError;
use crate::state::AppState;
use contract::cookie_list;
use store::Device;

pub const DEVICE_COOKIE: &str = "device";
/// Each signin from the device renews it for this long.
pub const DEVICE_LIFETIME: Duration = Duration::days(365);
/// Only signin reads it, so no other request carries it.
const DEVICE_COOKIE_PATH: &str = "/api/auth/signin";
/// Sets the device's claims apart from a session's, though one key signs both.
const AUDIENCE: &str = "device";

/// Claim names no session token has, and an audience it lacks, so neither kind of token
/// passes for the other.
#[derive(Serialize, Deserialize)]
struct DeviceClaims {
    aud: String,
    /// The account.
    sub: Uuid,
    dev: Uuid,
    generation: i64,
    exp: i64,
}

impl TokenKeys {
    pub fn sign_device(&self, device: &Device) -> Result<String, TokenError> {
        let claims = DeviceClaims {
            aud: AUDIENCE.to_owned(),
            sub: device.user_id,
            dev: device.id,
            generation: device.generation,
            exp: (Utc::now() + DEVICE_LIFETIME).timestamp(),
        };
        Ok(jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)?)
    }

    /// The device a cookie names, if the server signed it and it has not expired.
    pub fn verify_device(&self, token: &str) -> Option<Device> {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.algorithms = vec![Algorithm::HS256];
        validation.set_required_spec_claims(&["exp", "aud"]);
        validation.set_audience(&[AUDIENCE]);
        let claims = jsonwebtoken::decode::<DeviceClaims>(token, &self.decoding, &validation).ok()?.claims;
        Some(Device { id: claims.dev, user_id: claims.sub, generation: claims.generation })
    }
}

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
    let secure = if secure { "; Secure" } else { "" };
    let header = format!(
        "{DEVICE_COOKIE}={value}; HttpOnly; SameSite=Lax; Path={DEVICE_COOKIE_PATH}; Max-Age={max_age}{secure}"
    );
    // A JWT is base64url with dots, always a valid header value.
    HeaderValue::try_from(header).unwrap_or_else(|_| HeaderValue::from_static("device=; Max-Age=0"))
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
    fn expired_devices_and_session_tokens_are_not_devices() {
        let keys = TokenKeys::new(SECRET);
        let ann = device();
        let expired = DeviceClaims {
            aud: AUDIENCE.into(),
            sub: ann.user_id,
            dev: ann.id,
            generation: ann.generation,
            exp: Utc::now().timestamp() - 3600,
        };
        let expired = jsonwebtoken::encode(&Header::new(Algorithm::HS256), &expired, &keys.encoding).unwrap();
        assert_eq!(keys.verify_device(&expired), None);

        let session = keys.issue(ann.user_id, "a@b.co").unwrap().token;
        assert_eq!(keys.verify_device(&session), None, "a session token is no device cookie");
        let device = keys.sign_device(&ann).unwrap();
        assert!(keys.verify(&device).is_err(), "a device cookie is no session token");
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
