//! `server` without `JWT_SECRET`: a secret of its own, kept in the data folder so that
//! sessions survive restarts. Reading the configuration writes nothing; this runs
//! before it, at start-up.

use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

use backend::config::{Config, ConfigError, MIN_SECRET_BYTES, Runtime, database_url};

/// The server's configuration, and where its secret is kept when it made one.
pub fn config(lookup: impl Fn(&str) -> Option<String>) -> Result<(Config, Option<PathBuf>), ConfigError> {
    if lookup("JWT_SECRET").is_some_and(|v| !v.trim().is_empty()) {
        return Ok((Config::from_lookup(Runtime::Server, lookup)?, None));
    }
    // A bad DATABASE_URL is reported before anything is written.
    let dir = data_dir(&database_url(Runtime::Server, &lookup)?);
    let (secret, path) = load_or_create_secret(&dir)?;
    let with_secret = |name: &str| if name == "JWT_SECRET" { Some(secret.clone()) } else { lookup(name) };
    Ok((Config::from_lookup(Runtime::Server, with_secret)?, Some(path)))
}

/// The folder of the SQLite file, or `data` beside the process for Postgres.
fn data_dir(database_url: &str) -> PathBuf {
    database_url
        .strip_prefix("sqlite://")
        .or_else(|| database_url.strip_prefix("sqlite:"))
        .map(|rest| rest.split('?').next().unwrap_or(rest))
        .and_then(|file| Path::new(file).parent().map(Path::to_path_buf))
        .filter(|dir| !dir.as_os_str().is_empty())
        .unwrap_or_else(|| PathBuf::from("data"))
}

/// The secret kept in `dir`, or a new one written there readable by its owner only.
fn load_or_create_secret(dir: &Path) -> Result<(String, PathBuf), ConfigError> {
    let path = dir.join("jwt_secret");
    let fail = |e: std::io::Error| {
        ConfigError::new("JWT_SECRET", format!("not set, and {} failed: {e}", path.display()))
    };
    if let Ok(existing) = std::fs::read_to_string(&path) {
        let secret = existing.trim().to_owned();
        if secret.len() >= MIN_SECRET_BYTES {
            return Ok((secret, path));
        }
    }
    std::fs::create_dir_all(dir).map_err(fail)?;
    let secret = format!("{}{}", uuid::Uuid::new_v4().simple(), uuid::Uuid::new_v4().simple());
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(&path)
        .map_err(fail)?;
    file.write_all(secret.as_bytes()).map_err(fail)?;
    Ok((secret, path))
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;
    use std::os::unix::fs::PermissionsExt;

    use super::*;

    #[test]
    fn server_generates_a_private_secret_and_keeps_it() {
        let dir = std::env::temp_dir().join(format!("taskapp-config-{}", uuid::Uuid::new_v4()));
        let url = format!("sqlite://{}/tasks.db", dir.display());
        let vars = HashMap::from([("DATABASE_URL", url)]);
        let lookup = |name: &str| vars.get(name).cloned();
        let (first, path) = config(lookup).unwrap();
        let path = path.unwrap();
        assert_eq!(path, dir.join("jwt_secret"));
        assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
        assert!(first.jwt_secret.len() >= 32);
        let (second, _) = config(lookup).unwrap();
        assert_eq!(first.jwt_secret, second.jwt_secret);
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn a_bad_database_url_is_reported_before_any_secret() {
        let err = config(|name: &str| (name == "DATABASE_URL").then(|| "mysql://x".to_owned())).unwrap_err();
        assert_eq!(err.variable, "DATABASE_URL");
    }
}
