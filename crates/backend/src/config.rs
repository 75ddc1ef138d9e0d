//! Configuration from the environment: one place per variable, the same names in every
//! binary. A bad value becomes a one-line `ConfigError` naming the variable.

use std::fmt::Display;
use std::net::IpAddr;
use std::str::FromStr;
use std::time::Duration;

use ipnet::IpNet;
use store::{DatabaseSettings, is_sqlite_url};

pub use mail::{MailSettings, MailTransport, SMTP_URL_LOG};
pub use server::ServerSettings;

mod mail;
mod server;

/// Which binary reads the configuration; the two differ only in defaults.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Runtime {
    /// The combined container server: friendly defaults for a one-command start.
    Server,
    /// A Lambda function: no secrets invented, small pools, JSON logs.
    Lambda,
}

#[derive(Debug, thiserror::Error)]
#[error("configuration error: {variable}: {reason}")]
pub struct ConfigError {
    pub variable: &'static str,
    pub reason: String,
}

impl ConfigError {
    pub fn new(variable: &'static str, reason: impl Display) -> Self {
        Self { variable, reason: reason.to_string() }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    Json,
    Pretty,
}

impl FromStr for LogFormat {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "json" => Ok(Self::Json),
            "pretty" => Ok(Self::Pretty),
            _ => Err("expected `json` or `pretty`".into()),
        }
    }
}

/// The shortest `JWT_SECRET` (and `ORIGIN_SECRET`) accepted.
pub const MIN_SECRET_BYTES: usize = 32;
const DEFAULT_BCRYPT_COST: u32 = 12;
/// The most tasks one account may hold: enough for anyone's list, and a bound on what
/// one account can make the database (and its export) carry.
pub const DEFAULT_MAX_TASKS_PER_USER: u32 = 10_000;
/// SQLite's default pool. It writes one at a time, and sqlx gives each connection a
/// thread of its own, with its own page cache and malloc arena: past a few, more
/// connections add memory and cross-thread hand-offs, not speed (`bench/RESULTS.md`,
/// 2026-12-04: 4 against 20 gave 32 against 44 MiB and 342 against 482 µs of CPU per
/// list request).
const SQLITE_MAX_CONNECTIONS: u32 = 4;

/// What a runtime assumes for the variables it is not given, where the two differ.
struct Defaults {
    /// `None`: the variable must be set.
    database_url: Option<&'static str>,
    max_connections: u32,
    acquire_timeout_secs: u64,
    idle_timeout_secs: u64,
    log_format: LogFormat,
}

impl Runtime {
    fn defaults(self) -> Defaults {
        match self {
            // One command on a laptop or a container: a SQLite file, a pool for many
            // requests at once, logs for people.
            Self::Server => Defaults {
                database_url: Some("sqlite://data/tasks.db"),
                max_connections: 20,
                acquire_timeout_secs: 30,
                idle_timeout_secs: 600,
                log_format: LogFormat::Pretty,
            },
            // One request at a time per instance, many instances: small pools that let
            // go soon, logs for CloudWatch, and nothing invented.
            Self::Lambda => Defaults {
                database_url: None,
                max_connections: 2,
                acquire_timeout_secs: 10,
                idle_timeout_secs: 60,
                log_format: LogFormat::Json,
            },
        }
    }
}

#[derive(Clone)]
pub struct Config {
    /// The process this was read for: it chose the defaults, and it decides what the
    /// handlers may do off the request path (`AppState::runtime`).
    pub runtime: Runtime,
    pub database_url: String,
    /// Where `server` LISTENs for task changes on Postgres: `DATABASE_LISTEN_URL`, else
    /// `DATABASE_URL`. `None` on SQLite, whose changes never leave the process.
    pub database_listen_url: Option<String>,
    pub jwt_secret: Vec<u8>,
    /// `server`'s own settings; `None` on Lambda, which never reads them.
    pub server: Option<ServerSettings>,
    pub bcrypt_cost: u32,
    pub cookie_secure: bool,
    /// Empty means "the server's own origin only".
    pub allowed_origins: Vec<String>,
    pub auth_rate_limit_per_minute: u32,
    /// Failed password checks one account may take per 15 minutes before every check
    /// of its password answers 429.
    pub failed_password_limit: u32,
    pub tasks_rate_limit_per_minute: u32,
    /// A create past this many tasks in the account answers 422.
    pub max_tasks_per_user: u32,
    /// Peers whose `X-Forwarded-For` is believed; empty means the socket address counts.
    pub trusted_proxies: Vec<IpNet>,
    pub database: DatabaseSettings,
    pub request_timeout: Duration,
    /// How long a verified session may be reused without asking the database; also the
    /// longest a token revoked through another instance keeps working. Zero turns it off.
    pub session_cache_ttl: Duration,
    pub log_format: LogFormat,
    /// Password-reset mail: `SMTP_URL`, `MAIL_FROM`, `APP_URL`.
    pub mail: MailSettings,
    /// What CloudFront sends in `X-Origin-Verify`. When set, a Lambda function answers
    /// only requests that carry it, and believes their `CloudFront-Viewer-Address`.
    pub origin_secret: Option<String>,
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("server", &self.server)
            .field("database", &self.database)
            .field("trusted_proxies", &self.trusted_proxies)
            .field("bcrypt_cost", &self.bcrypt_cost)
            .field("cookie_secure", &self.cookie_secure)
            .field("allowed_origins", &self.allowed_origins)
            .finish_non_exhaustive()
    }
}

impl Config {
    /// Reads through `lookup`, so tests can supply variables without touching the process.
    /// Nothing is written: `server` supplies a `JWT_SECRET` of its own making, when it
    /// is not set, before it calls this.
    pub fn from_lookup(
        runtime: Runtime,
        lookup: impl Fn(&str) -> Option<String>,
    ) -> Result<Self, ConfigError> {
        let var = |name: &'static str| lookup(name).filter(|v| !v.trim().is_empty());
        let defaults = runtime.defaults();

        let database_url = database_url(runtime, &lookup)?;
        let database_listen_url = database_listen_url(&database_url, var("DATABASE_LISTEN_URL"))?;
        let jwt_secret = match var("JWT_SECRET") {
            Some(secret) if secret.len() >= MIN_SECRET_BYTES => secret.into_bytes(),
            Some(_) => {
                return Err(ConfigError::new(
                    "JWT_SECRET",
                    format!("must be at least {MIN_SECRET_BYTES} bytes"),
                ));
            }
            None if runtime == Runtime::Lambda => {
                return Err(ConfigError::new("JWT_SECRET", "must be set for a Lambda function"));
            }
            None => return Err(ConfigError::new("JWT_SECRET", "must be set")),
        };

        let server = match runtime {
            Runtime::Server => Some(ServerSettings::from_vars(&var)?),
            Runtime::Lambda => None,
        };
        let bcrypt_cost = parse(&var, "BCRYPT_COST", DEFAULT_BCRYPT_COST)?;
        if !(4..=31).contains(&bcrypt_cost) {
            return Err(ConfigError::new("BCRYPT_COST", "must be between 4 and 31"));
        }
        let pool_default = if is_sqlite_url(&database_url) {
            defaults.max_connections.min(SQLITE_MAX_CONNECTIONS)
        } else {
            defaults.max_connections
        };
        let database = DatabaseSettings {
            max_connections: positive(
                parse(&var, "DB_MAX_CONNECTIONS", pool_default)?,
                "DB_MAX_CONNECTIONS",
            )?,
            acquire_timeout: seconds(&var, "DB_ACQUIRE_TIMEOUT_SECS", defaults.acquire_timeout_secs)?,
            idle_timeout: seconds(&var, "DB_IDLE_TIMEOUT_SECS", defaults.idle_timeout_secs)?,
            statement_cache_capacity: parse(&var, "DB_STATEMENT_CACHE_CAPACITY", 100)?,
            call_timeout: seconds(&var, "DB_CALL_TIMEOUT_SECS", 3)?,
            breaker_threshold: positive(parse(&var, "DB_BREAKER_THRESHOLD", 3)?, "DB_BREAKER_THRESHOLD")?,
            breaker_cooldown: seconds(&var, "DB_BREAKER_COOLDOWN_SECS", 5)?,
        };
        let trusted_proxies = match var("TRUSTED_PROXIES") {
            None => Vec::new(),
            Some(list) => list
                .split(',')
                .map(str::trim)
                .filter(|entry| !entry.is_empty())
                .map(parse_network)
                .collect::<Result<_, _>>()
                .map_err(|reason| ConfigError::new("TRUSTED_PROXIES", reason))?,
        };

        Ok(Self {
            database_url,
            database_listen_url,
            jwt_secret,
            server,
            bcrypt_cost,
            cookie_secure: parse(&var, "COOKIE_SECURE", true)?,
            allowed_origins: var("ALLOWED_ORIGINS")
                .map(|list| {
                    list.split(',')
                        .map(|o| o.trim().trim_end_matches('/').to_owned())
                        .filter(|o| !o.is_empty())
                        .collect()
                })
                .unwrap_or_default(),
            auth_rate_limit_per_minute: positive(
                parse(&var, "AUTH_RATE_LIMIT_PER_MINUTE", 5)?,
                "AUTH_RATE_LIMIT_PER_MINUTE",
            )?,
            failed_password_limit: positive(
                parse(&var, "FAILED_PASSWORD_LIMIT", 10)?,
                "FAILED_PASSWORD_LIMIT",
            )?,
            tasks_rate_limit_per_minute: positive(
                parse(&var, "TASKS_RATE_LIMIT_PER_MINUTE", 100)?,
                "TASKS_RATE_LIMIT_PER_MINUTE",
            )?,
            max_tasks_per_user: positive(
                parse(&var, "MAX_TASKS_PER_USER", DEFAULT_MAX_TASKS_PER_USER)?,
                "MAX_TASKS_PER_USER",
            )?,
            trusted_proxies,
            database,
            request_timeout: seconds(&var, "REQUEST_TIMEOUT_SECS", 25)?,
            session_cache_ttl: Duration::from_secs(parse(&var, "SESSION_CACHE_SECS", 5)?),
            log_format: parse(&var, "LOG_FORMAT", defaults.log_format)?,
            runtime,
            mail: MailSettings::from_vars(runtime, &var)?,
            origin_secret: match var("ORIGIN_SECRET") {
                Some(secret) if secret.len() < MIN_SECRET_BYTES => {
                    return Err(ConfigError::new(
                        "ORIGIN_SECRET",
                        format!("must be at least {MIN_SECRET_BYTES} bytes"),
                    ));
                }
                secret => secret,
            },
        })
    }

    /// Costs under 12 are for tests only; start-up warns about them.
    pub fn bcrypt_cost_is_weak(&self) -> bool {
        self.bcrypt_cost < DEFAULT_BCRYPT_COST
    }
}

/// `DATABASE_URL`, or the runtime's default, when it names a store this build knows.
pub fn database_url(
    runtime: Runtime,
    lookup: impl Fn(&str) -> Option<String>,
) -> Result<String, ConfigError> {
    let database_url = match lookup("DATABASE_URL").filter(|v| !v.trim().is_empty()) {
        Some(url) => url,
        None => match runtime.defaults().database_url {
            Some(url) => url.to_owned(),
            None => return Err(ConfigError::new("DATABASE_URL", "must be set")),
        },
    };
    if !(is_postgres_url(&database_url) || is_sqlite_url(&database_url)) {
        return Err(ConfigError::new(
            "DATABASE_URL",
            "must start with postgres://, postgresql:// or sqlite:",
        ));
    }
    Ok(database_url)
}

/// The listener's own URL: Neon's pooled endpoint (PgBouncer in transaction mode) does
/// not carry LISTEN, so the direct endpoint can be given here while requests use the pool.
fn database_listen_url(
    database_url: &str,
    listen_url: Option<String>,
) -> Result<Option<String>, ConfigError> {
    let invalid = |reason: &str| Err(ConfigError::new("DATABASE_LISTEN_URL", reason));
    match listen_url {
        Some(_) if is_sqlite_url(database_url) => invalid("is for a Postgres DATABASE_URL only"),
        None if is_sqlite_url(database_url) => Ok(None),
        None => Ok(Some(database_url.to_owned())),
        Some(url) if is_postgres_url(&url) => Ok(Some(url)),
        Some(_) => invalid("must start with postgres:// or postgresql://"),
    }
}

fn is_postgres_url(url: &str) -> bool {
    url.starts_with("postgres://") || url.starts_with("postgresql://")
}

fn parse<T>(
    var: &impl Fn(&'static str) -> Option<String>,
    name: &'static str,
    default: T,
) -> Result<T, ConfigError>
where
    T: FromStr,
    T::Err: Display,
{
    match var(name) {
        None => Ok(default),
        Some(raw) => {
            raw.trim().parse().map_err(|e| ConfigError::new(name, format!("invalid value {raw:?}: {e}")))
        }
    }
}

fn positive(value: u32, name: &'static str) -> Result<u32, ConfigError> {
    if value == 0 { Err(ConfigError::new(name, "must be at least 1")) } else { Ok(value) }
}

fn seconds(
    var: &impl Fn(&'static str) -> Option<String>,
    name: &'static str,
    default: u64,
) -> Result<Duration, ConfigError> {
    let secs = parse(var, name, default)?;
    if secs == 0 {
        Err(ConfigError::new(name, "must be at least 1 second"))
    } else {
        Ok(Duration::from_secs(secs))
    }
}

/// An address (`10.0.0.1`) or a network (`10.0.0.0/8`).
fn parse_network(entry: &str) -> Result<IpNet, String> {
    entry
        .parse::<IpNet>()
        .or_else(|_| entry.parse::<IpAddr>().map(IpNet::from))
        .map_err(|_| format!("{entry:?} is not an IP address or CIDR network"))
}

#[cfg(test)]
mod tests;
