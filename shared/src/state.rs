use std::sync::Arc;
use std::time::Duration;

use crate::auth::{PasswordHasher, TokenKeys};
use crate::config::{Config, Runtime};
use crate::store::{self, PoolSettings, Store};

/// Everything a handler needs, built once per process and cloned per request.
#[derive(Clone)]
pub struct AppState {
    pub config: Arc<Config>,
    pub store: Arc<dyn Store>,
    pub tokens: Arc<TokenKeys>,
    pub passwords: PasswordHasher,
}

impl AppState {
    /// Builds the state for `runtime` without touching the network: the pool is lazy.
    pub fn from_config(config: Config, runtime: Runtime) -> Result<Self, sqlx::Error> {
        let acquire_timeout = match runtime {
            Runtime::Server => Duration::from_secs(30),
            Runtime::Lambda => Duration::from_secs(10),
        };
        let settings = PoolSettings { max_connections: config.db_max_connections, acquire_timeout };
        let store = store::connect(&config.database_url, settings)?;
        Ok(Self::new(config, store))
    }

    pub fn new(config: Config, store: Arc<dyn Store>) -> Self {
        Self {
            tokens: Arc::new(TokenKeys::new(&config.jwt_secret.bytes)),
            passwords: PasswordHasher::new(config.bcrypt_cost),
            config: Arc::new(config),
            store,
        }
    }
}
