use std::sync::Arc;

use tokio::sync::OnceCell;

use crate::domain::Password;
use crate::error::ApiError;

/// bcrypt at the configured cost, always on the blocking pool so a signin storm never
/// stalls the async workers.
#[derive(Clone)]
pub struct PasswordHasher {
    cost: u32,
    /// Verified against when the email is unknown, so both failures take as long.
    dummy_hash: Arc<OnceCell<String>>,
}

impl PasswordHasher {
    pub fn new(cost: u32) -> Self {
        Self { cost, dummy_hash: Arc::new(OnceCell::new()) }
    }

    pub async fn hash(&self, password: &Password) -> Result<String, ApiError> {
        let password = password.expose().to_owned();
        let cost = self.cost;
        tokio::task::spawn_blocking(move || bcrypt::hash(password, cost))
            .await
            .map_err(ApiError::internal)?
            .map_err(ApiError::internal)
    }

    /// Checks `candidate` against `hash`, or against a dummy hash when there is none.
    pub async fn verify(&self, candidate: &str, hash: Option<&str>) -> Result<bool, ApiError> {
        let (hash, real) = match hash {
            Some(hash) => (hash.to_owned(), true),
            None => (self.dummy_hash().await?.clone(), false),
        };
        let candidate = candidate.to_owned();
        let matches = tokio::task::spawn_blocking(move || bcrypt::verify(candidate, &hash))
            .await
            .map_err(ApiError::internal)?
            .unwrap_or(false);
        Ok(matches && real)
    }

    async fn dummy_hash(&self) -> Result<&String, ApiError> {
        let cost = self.cost;
        self.dummy_hash
            .get_or_try_init(|| async move {
                tokio::task::spawn_blocking(move || bcrypt::hash("dummy password for timing", cost))
                    .await
                    .map_err(ApiError::internal)?
                    .map_err(ApiError::internal)
            })
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hashes_and_verifies() {
        let hasher = PasswordHasher::new(4);
        let password = Password::parse("correct horse").unwrap();
        let hash = hasher.hash(&password).await.unwrap();
        assert!(hash.starts_with("$2b$04$"));
        assert!(hasher.verify("correct horse", Some(&hash)).await.unwrap());
        assert!(!hasher.verify("wrong horse", Some(&hash)).await.unwrap());
    }

    #[tokio::test]
    async fn unknown_user_never_matches_even_the_dummy_password() {
        let hasher = PasswordHasher::new(4);
        assert!(!hasher.verify("dummy password for timing", None).await.unwrap());
    }
}
