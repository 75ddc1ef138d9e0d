//! The device cookie's signed value: the same key as session tokens, under claims and an
//! audience of its own (see `auth::device_cookie` for what the cookie is for).

use chrono::{Duration, Utc};
use jsonwebtoken::{Algorithm, Header, Validation};
use serde::{Deserialize, Serialize};
use store::Device;
use uuid::Uuid;

use super::{TokenError, TokenKeys};

/// Each signin from the device renews it for this long.
pub const DEVICE_LIFETIME: Duration = Duration::days(365);
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

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &[u8] = b"0123456789abcdef0123456789abcdef";

    #[test]
    fn expired_devices_and_session_tokens_are_not_devices() {
        let keys = TokenKeys::new(SECRET);
        let ann = Device { id: Uuid::new_v4(), user_id: Uuid::new_v4(), generation: 3 };
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
}
