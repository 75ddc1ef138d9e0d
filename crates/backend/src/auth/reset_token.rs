use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};

use crate::error::ApiError;

/// A password-reset token: 32 random bytes, base64url. Only its hash is stored.
pub struct ResetToken {
    pub token: String,
    pub hash: String,
}

impl ResetToken {
    pub fn generate() -> Result<Self, ApiError> {
        let mut bytes = [0_u8; 32];
        getrandom::fill(&mut bytes).map_err(ApiError::internal)?;
        let token = URL_SAFE_NO_PAD.encode(bytes);
        Ok(Self { hash: hash_reset_token(&token), token })
    }
}

/// The SHA-256 of a token as sent, in hex: what the table keys links by. A fast hash
/// is enough: the token has 256 bits of entropy, nothing to guess.
pub fn hash_reset_token(token: &str) -> String {
    Sha256::digest(token.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_43_base64url_characters_and_hash_to_themselves() {
        let first = ResetToken::generate().unwrap();
        let second = ResetToken::generate().unwrap();
        assert_eq!(first.token.len(), 43);
        assert!(first.token.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'));
        assert_ne!(first.token, second.token);
        assert_eq!(first.hash, hash_reset_token(&first.token));
        assert_eq!(first.hash.len(), 64);
        assert_ne!(first.hash, first.token);
    }
}
