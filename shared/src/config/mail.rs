//! `SMTP_URL`, `MAIL_FROM` and `APP_URL`: how password-reset mail goes out, and the
//! origin of the links in it.

use lettre::message::Mailbox;
use lettre::{AsyncSmtpTransport, Tokio1Executor};

use super::{Config, ConfigError, Runtime};

/// `server`'s sender when `MAIL_FROM` is not set; a Lambda function has none.
const SERVER_MAIL_FROM: &str = "Tasks <no-reply@localhost>";

#[derive(Clone)]
pub struct MailSettings {
    /// lettre's URL form, credentials included; `None`: no mail is sent.
    pub smtp_url: Option<String>,
    pub from: Option<Mailbox>,
    /// `APP_URL`, without a trailing slash.
    pub app_url: Option<String>,
    pub runtime: Runtime,
}

/// The URL holds the SMTP password: never printed.
impl std::fmt::Debug for MailSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MailSettings")
            .field("smtp", &self.smtp_url.is_some())
            .field("from", &self.from.as_ref().map(ToString::to_string))
            .field("app_url", &self.app_url)
            .finish()
    }
}

impl MailSettings {
    pub(super) fn from_vars(
        runtime: Runtime,
        var: &impl Fn(&'static str) -> Option<String>,
    ) -> Result<Self, ConfigError> {
        let smtp_url = var("SMTP_URL").map(|url| url.trim().to_owned());
        if let Some(url) = &smtp_url {
            // The value holds a password, so the reason never quotes it.
            AsyncSmtpTransport::<Tokio1Executor>::from_url(url).map_err(|_| {
                ConfigError::new(
                    "SMTP_URL",
                    "not an SMTP URL: expected smtps://user:pass@host:465, \
                     smtp://user:pass@host:587?tls=required or smtp://host:25",
                )
            })?;
        }
        let from = match var("MAIL_FROM") {
            Some(raw) => Some(
                raw.trim()
                    .parse::<Mailbox>()
                    .map_err(|e| ConfigError::new("MAIL_FROM", format!("invalid address {raw:?}: {e}")))?,
            ),
            None if runtime == Runtime::Server => SERVER_MAIL_FROM.parse().ok(),
            None => None,
        };
        let app_url = var("APP_URL").map(|raw| parse_origin(&raw)).transpose()?;
        Ok(Self { smtp_url, from, app_url, runtime })
    }
}

impl Config {
    /// Where the links in mail point: `APP_URL`; in `server` without it, the first of
    /// `ALLOWED_ORIGINS`, else the listen port on localhost. Never the request's `Host`,
    /// which a client chooses. `None` on Lambda without `APP_URL`.
    pub fn app_origin(&self) -> Option<String> {
        if let Some(url) = &self.mail.app_url {
            return Some(url.clone());
        }
        (self.mail.runtime == Runtime::Server).then(|| {
            self.allowed_origins.first().cloned().unwrap_or_else(|| format!("http://localhost:{}", self.port))
        })
    }
}

/// `http(s)://host[:port][/path]`, kept without its trailing slash.
fn parse_origin(raw: &str) -> Result<String, ConfigError> {
    let url = raw.trim().trim_end_matches('/');
    let rest = url.strip_prefix("https://").or_else(|| url.strip_prefix("http://"));
    match rest {
        Some(rest) if !rest.is_empty() && !rest.starts_with('/') && !url.contains(char::is_whitespace) => {
            Ok(url.to_owned())
        }
        _ => Err(ConfigError::new("APP_URL", format!("{raw:?} is not an http:// or https:// URL"))),
    }
}
