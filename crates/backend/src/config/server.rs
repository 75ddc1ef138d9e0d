//! `HOST`, `PORT` and `STATIC_DIR`: read by the `server` binary only. A Lambda function
//! never parses them, so a stray bad `PORT` in its environment cannot stop a cold start.

use std::path::PathBuf;

use super::{ConfigError, parse};

#[derive(Debug, Clone)]
pub struct ServerSettings {
    pub host: String,
    pub port: u16,
    /// The web app's build, served beside the API when it holds an `index.html`.
    pub static_dir: PathBuf,
}

/// What `server` uses for the variables it is not given.
impl Default for ServerSettings {
    fn default() -> Self {
        Self { host: "0.0.0.0".into(), port: 7860, static_dir: "frontend/dist".into() }
    }
}

impl ServerSettings {
    pub(super) fn from_vars(var: &impl Fn(&'static str) -> Option<String>) -> Result<Self, ConfigError> {
        let defaults = Self::default();
        Ok(Self {
            host: var("HOST").unwrap_or(defaults.host),
            port: parse(var, "PORT", defaults.port)?,
            static_dir: var("STATIC_DIR").map_or(defaults.static_dir, PathBuf::from),
        })
    }
}
