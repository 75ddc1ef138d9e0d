use std::sync::Arc;

use crate::config::{Config, Runtime};
use crate::credentials::{LastSeen, PasswordHasher, SessionCache, SweepClock, TokenKeys};
use crate::mail::Mailer;
use store::{self, Store};

/// Everything a handler needs, built once per process and cloned per request.
#[derive(Clone)]
pub struct AppState {
    pub config: Arc<Config>,
    pub store: Arc<dyn Store>,
    pub tokens: Arc<TokenKeys>,
    pub passwords: PasswordHasher,
    pub sessions: Arc<SessionCache>,
    pub mailer: Arc<Mailer>,
    pub last_seen: Arc<LastSeen>,
    pub sweeps: Arc<SweepClock>,
}

impl AppState {
    /// Which process serves: a Lambda function's answer ends its work, so what would run
    /// after it (mail) has to run before it there.
    pub fn runtime(&self) -> Runtime {
        self.config.runtime
    }

    /// Builds the state for `runtime` without touching the network: the pool is lazy.
    pub fn from_config(config: Config) -> Result<Self, sqlx::Error> {
        let store = store::connect(&config.database_url, &config.database)?;
        Ok(Self::new(config, store))
    }

    pub fn new(config: Config, store: Arc<dyn Store>) -> Self {
        Self {
            tokens: Arc::new(TokenKeys::new(&config.jwt_secret)),
            passwords: PasswordHasher::new(config.bcrypt_cost),
            sessions: Arc::new(SessionCache::new(config.session_cache_ttl)),
            mailer: Arc::new(Mailer::new(&config.mail)),
            last_seen: Arc::default(),
            sweeps: Arc::default(),
            config: Arc::new(config),
            store,
        }
    }
}
