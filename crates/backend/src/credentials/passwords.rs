use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use tokio::sync::{OnceCell, Semaphore};

use crate::error::ApiError;
use contract::domain::Password;

#[derive(Debug, thiserror::Error)]
pub enum PasswordError {
    #[error("bcrypt failed: {0}")]
    Bcrypt(#[from] bcrypt::BcryptError),
    /// The blocking pool or the core limit is gone, as when the runtime shuts down.
    #[error("no core to hash on: {0}")]
    NoCore(String),
}

/// bcrypt at the configured cost, on the blocking pool and never on more cores than
/// all but one: a signin storm then queues behind itself while every other request
/// keeps a core.
#[derive(Clone)]
pub struct PasswordHasher {
    cost: u32,
    /// Verified against when the email is unknown, so both failures take as long.
    dummy_hash: Arc<OnceCell<String>>,
    cores: Arc<Semaphore>,
    /// New passwords hashed so far: what shows that a request cost no bcrypt.
    hashed: Arc<AtomicU64>,
}

impl PasswordHasher {
    pub fn new(cost: u32) -> Self {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get().saturating_sub(1).max(1));
        Self {
            cost,
            dummy_hash: Arc::new(OnceCell::new()),
            cores: Arc::new(Semaphore::new(cores)),
            hashed: Arc::new(AtomicU64::new(0)),
        }
    }

    pub async fn hash(&self, password: &Password) -> Result<String, PasswordError> {
        let password = password.expose().to_owned();
        let cost = self.cost;
        self.hashed.fetch_add(1, Ordering::Relaxed);
        Ok(self.on_a_core(move || bcrypt::hash(password, cost)).await??)
    }

    /// How many passwords `hash` has been asked to hash, across every clone.
    pub fn hashes_started(&self) -> u64 {
        self.hashed.load(Ordering::Relaxed)
    }

    /// The permit moves into the blocking closure: a caller that gives up (a cancelled
    /// request) cannot release it while its hash is still running.
    async fn on_a_core<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, PasswordError> {
        let permit =
            self.cores.clone().acquire_owned().await.map_err(|e| PasswordError::NoCore(e.to_string()))?;
        tokio::task::spawn_blocking(move || {
            let _permit = permit;
            work()
        })
        .await
        .map_err(|e| PasswordError::NoCore(e.to_string()))
    }

    /// Checks `candidate` against `hash`, or against a dummy hash when there is none.
    pub async fn verify(&self, candidate: &str, hash: Option<&str>) -> Result<bool, PasswordError> {
        let (hash, real) = match hash {
            Some(hash) => (hash.to_owned(), true),
            None => (self.dummy_hash().await?.clone(), false),
        };
        let candidate = candidate.to_owned();
        let matches = self.on_a_core(move || bcrypt::verify(candidate, &hash)).await?.unwrap_or(false);
        Ok(matches && real)
    }

    async fn dummy_hash(&self) -> Result<&String, PasswordError> {
        let cost = self.cost;
        self.dummy_hash
            .get_or_try_init(|| async move {
                Ok(self.on_a_core(move || bcrypt::hash("dummy password for timing", cost)).await??)
            })
            .await
    }
}

impl From<PasswordError> for ApiError {
    fn from(error: PasswordError) -> Self {
        ApiError::internal(error)
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

    /// Cancelled callers must not let more hashes run at once than there are permits:
    /// with the permit held in the async frame, each cancellation freed a core's permit
    /// while its hash kept running.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn cancelled_callers_keep_their_core_until_the_hash_ends() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        use std::time::Duration;

        let hasher = PasswordHasher::new(4);
        let permits = hasher.cores.available_permits();
        let (running, peak) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
        for _ in 0..permits + 4 {
            let (running, peak) = (running.clone(), peak.clone());
            let work = hasher.on_a_core(move || {
                let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                peak.fetch_max(now, Ordering::SeqCst);
                std::thread::sleep(Duration::from_millis(150));
                running.fetch_sub(1, Ordering::SeqCst);
            });
            // The caller gives up once its work has had time to start.
            let _ = tokio::time::timeout(Duration::from_millis(20), work).await;
        }
        tokio::time::sleep(Duration::from_millis(400)).await;
        assert!(peak.load(Ordering::SeqCst) <= permits, "{} hashes ran at once", peak.load(Ordering::SeqCst));
    }

    #[tokio::test]
    async fn unknown_user_never_matches_even_the_dummy_password() {
        let hasher = PasswordHasher::new(4);
        assert!(!hasher.verify("dummy password for timing", None).await.unwrap());
    }
}
