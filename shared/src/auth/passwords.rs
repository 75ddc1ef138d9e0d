use std::sync::Arc;

use tokio::sync::{OnceCell, Semaphore};

use crate::domain::Password;
use crate::error::ApiError;

/// bcrypt at the configured cost, on the blocking pool and never on more cores than
/// all but one: a signin storm then queues behind itself while every other request
/// keeps a core.
#[derive(Clone)]
pub struct PasswordHasher {
    cost: u32,
    /// Verified against when the email is unknown, so both failures take as long.
    dummy_hash: Arc<OnceCell<String>>,
    cores: Arc<Semaphore>,
}

impl PasswordHasher {
    pub fn new(cost: u32) -> Self {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get().saturating_sub(1).max(1));
        Self { cost, dummy_hash: Arc::new(OnceCell::new()), cores: Arc::new(Semaphore::new(cores)) }
    }

    pub async fn hash(&self, password: &Password) -> Result<String, ApiError> {
        let password = password.expose().to_owned();
        let cost = self.cost;
        self.on_a_core(move || bcrypt::hash(password, cost)).await?.map_err(ApiError::internal)
    }

    async fn on_a_core<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, ApiError> {
        let _permit = self.cores.acquire().await.map_err(ApiError::internal)?;
        tokio::task::spawn_blocking(work).await.map_err(ApiError::internal)
    }

    /// Checks `candidate` against `hash`, or against a dummy hash when there is none.
    pub async fn verify(&self, candidate: &str, hash: Option<&str>) -> Result<bool, ApiError> {
        let (hash, real) = match hash {
            Some(hash) => (hash.to_owned(), true),
            None => (self.dummy_hash().await?.clone(), false),
        };
        let candidate = candidate.to_owned();
        let matches = self.on_a_core(move || bcrypt::verify(candidate, &hash)).await?.unwrap_or(false);
        Ok(matches && real)
    }

    async fn dummy_hash(&self) -> Result<&String, ApiError> {
        let cost = self.cost;
        self.dummy_hash
            .get_or_try_init(|| async move {
                self.on_a_core(move || bcrypt::hash("dummy password for timing", cost))
                    .await?
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
