use crate::error::ApiError;
use chrono::{DateTime, Duration, TimeZone, Utc};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub const TOKEN_LIFETIME: Duration = Duration::days(7);

#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    /// Any signature, algorithm, expiry or shape problem: the same 401 for all.
    #[error("invalid token")]
    Invalid,
    #[error("could not sign a token: {0}")]
    Sign(#[from] jsonwebtoken::errors::Error),
}

/// `jti` names the server-side session, so deleting it revokes the token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claims {
    pub user_id: Uuid,
    pub email: String,
    pub iat: i64,
    pub exp: i64,
    pub jti: Uuid,
}

pub struct IssuedToken {
    pub token: String,
    pub session_id: Uuid,
    pub expires_at: DateTime<Utc>,
}

/// HS256 keys and the one validation every token goes through.
pub struct TokenKeys {
    /// The device cookie is signed with the same key, under claims of its own.
    pub(super) encoding: EncodingKey,
    pub(super) decoding: DecodingKey,
    validation: Validation,
}

impl TokenKeys {
    pub fn new(secret: &[u8]) -> Self {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.algorithms = vec![Algorithm::HS256];
        validation.set_required_spec_claims(&["exp"]);
        validation.leeway = 5;
        Self {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            validation,
        }
    }

    pub fn issue(&self, user_id: Uuid, email: &str) -> Result<IssuedToken, TokenError> {
        let issued_at = Utc::now();
        let expires_at = issued_at + TOKEN_LIFETIME;
        let session_id = Uuid::new_v4();
        let claims = Claims {
            user_id,
            email: email.to_owned(),
            iat: issued_at.timestamp(),
            exp: expires_at.timestamp(),
            jti: session_id,
        };
        let token = self.sign(&claims)?;
        let expires_at = Utc.timestamp_opt(claims.exp, 0).single().unwrap_or(expires_at);
        Ok(IssuedToken { token, session_id, expires_at })
    }

    pub fn sign(&self, claims: &Claims) -> Result<String, TokenError> {
        Ok(jsonwebtoken::encode(&Header::new(Algorithm::HS256), claims, &self.encoding)?)
    }

    pub fn verify(&self, token: &str) -> Result<Claims, TokenError> {
        jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation)
            .map(|data| data.claims)
            .map_err(|_| TokenError::Invalid)
    }
}

impl From<TokenError> for ApiError {
    fn from(error: TokenError) -> Self {
        match error {
            TokenError::Invalid => ApiError::Unauthorized,
            TokenError::Sign(e) => ApiError::internal(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &[u8] = b"0123456789abcdef0123456789abcdef";

    fn claims(exp_offset: i64) -> Claims {
        let now = Utc::now().timestamp();
        Claims {
            user_id: Uuid::new_v4(),
            email: "a@b.co".into(),
            iat: now,
            exp: now + exp_offset,
            jti: Uuid::new_v4(),
        }
    }

    #[test]
    fn issued_tokens_verify_and_carry_the_session() {
        let keys = TokenKeys::new(SECRET);
        let user = Uuid::new_v4();
        let issued = keys.issue(user, "a@b.co").unwrap();
        let claims = keys.verify(&issued.token).unwrap();
        assert_eq!((claims.user_id, claims.jti), (user, issued.session_id));
        assert_eq!(claims.exp - claims.iat, TOKEN_LIFETIME.num_seconds());
    }

    #[test]
    fn rejects_expired_forged_and_unsigned_tokens() {
        let keys = TokenKeys::new(SECRET);
        let expired = keys.sign(&claims(-3600)).unwrap();
        assert!(keys.verify(&expired).is_err());

        let forged = TokenKeys::new(b"another-secret-another-secret-!!").sign(&claims(3600)).unwrap();
        assert!(keys.verify(&forged).is_err());

        let valid = keys.sign(&claims(3600)).unwrap();
        let payload = valid.split('.').nth(1).unwrap();
        // {"alg":"none","typ":"JWT"}
        let unsigned = format!("eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.{payload}.");
        assert!(keys.verify(&unsigned).is_err());
        assert!(keys.verify("not-a-token").is_err());
    }

    #[test]
    fn requires_exp() {
        #[derive(Serialize)]
        struct NoExp {
            user_id: Uuid,
            email: String,
            iat: i64,
            jti: Uuid,
        }
        let keys = TokenKeys::new(SECRET);
        let token = jsonwebtoken::encode(
            &Header::new(Algorithm::HS256),
            &NoExp { user_id: Uuid::new_v4(), email: "a@b.co".into(), iat: 0, jti: Uuid::new_v4() },
            &EncodingKey::from_secret(SECRET),
        )
        .unwrap();
        assert!(keys.verify(&token).is_err());
    }
}
