//! `SMTP_URL`, `MAIL_FROM` and `APP_URL`: how account mail goes out (reset links and
//! notices), and the origin of the links in it.

use std::net::IpAddr;

use lettre::message::Mailbox;
use lettre::{AsyncSmtpTransport, Tokio1Executor};

use super::{Config, ConfigError, Runtime};

/// `server`'s sender when `MAIL_FROM` is not set; a Lambda function has none.
const SERVER_MAIL_FROM: &str = "Tasks <no-reply@localhost>";

/// The `SMTP_URL` value that writes mail to the log instead: for local development only,
/// since whoever reads the log can then take any account over.
pub const SMTP_URL_LOG: &str = "log";

/// Where account mail goes.
#[derive(Clone, PartialEq, Eq)]
pub enum MailTransport {
    /// No `SMTP_URL`: reset by email is off (`forgot-password` answers 503).
    Off,
    /// `SMTP_URL=log`: each message is written to the log, links included, with a warning.
    Log,
    /// lettre's URL form, credentials included.
    Smtp(String),
}

#[derive(Clone)]
pub struct MailSettings {
    pub transport: MailTransport,
    pub from: Option<Mailbox>,
    /// `APP_URL`, without a trailing slash.
    pub app_url: Option<String>,
}

/// The URL holds the SMTP password: never printed.
impl std::fmt::Debug for MailSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MailSettings")
            .field(
                "transport",
                &match self.transport {
                    MailTransport::Off => "off",
                    MailTransport::Log => "log",
                    MailTransport::Smtp(_) => "smtp",
                },
            )
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
        let transport = match var("SMTP_URL").map(|url| url.trim().to_owned()) {
            None => MailTransport::Off,
            Some(url) if url.eq_ignore_ascii_case(SMTP_URL_LOG) => MailTransport::Log,
            Some(url) => {
                // The value holds a password, so the reason never quotes it.
                AsyncSmtpTransport::<Tokio1Executor>::from_url(&url).map_err(|_| {
                    ConfigError::new(
                        "SMTP_URL",
                        "not an SMTP URL: expected smtps://user:pass@host:465, \
                         smtp://user:pass@host:587?tls=required, smtp://host:25, \
                         or `log` (development only)",
                    )
                })?;
                MailTransport::Smtp(url)
            }
        };
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
        Ok(Self { transport, from, app_url })
    }
}

impl Config {
    /// Where the links in mail point: `APP_URL`; in `server` without it, the first of
    /// `ALLOWED_ORIGINS`; then, with `SMTP_URL=log` only, the listen address
    /// (`localhost` for a wildcard `HOST`), so that mail that really goes out never
    /// points at a local address. Never the request's `Host`, which a client chooses.
    /// `None` on Lambda without `APP_URL`.
    pub fn app_origin(&self) -> Option<String> {
        if let Some(url) = &self.mail.app_url {
            return Some(url.clone());
        }
        if self.runtime != Runtime::Server {
            return None;
        }
        if let Some(first) = self.allowed_origins.first() {
            return Some(first.clone());
        }
        if self.mail.transport != MailTransport::Log {
            return None;
        }
        let server = self.server.as_ref()?;
        let host = match server.host.parse::<IpAddr>() {
            Ok(ip) if ip.is_unspecified() => "localhost".to_owned(),
            Ok(IpAddr::V6(ip)) => format!("[{ip}]"),
            _ => server.host.clone(),
        };
        Some(format!("http://{host}:{}", server.port))
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

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn config(runtime: Runtime, vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let mut map: HashMap<String, String> = HashMap::from([
            ("DATABASE_URL".into(), "sqlite::memory:".into()),
            ("JWT_SECRET".into(), "0123456789abcdef0123456789abcdef".into()),
        ]);
        map.extend(vars.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())));
        Config::from_lookup(runtime, |name| map.get(name).cloned())
    }

    #[test]
    fn the_link_origin_comes_from_configuration_only() {
        let origin = |runtime, vars: &[(&str, &str)]| config(runtime, vars).unwrap().app_origin();
        let app_url = [("APP_URL", "https://tasks.example/"), ("ALLOWED_ORIGINS", "https://other.example")];
        assert_eq!(origin(Runtime::Server, &app_url).as_deref(), Some("https://tasks.example"));
        assert_eq!(origin(Runtime::Lambda, &app_url).as_deref(), Some("https://tasks.example"));
        let listed = [("ALLOWED_ORIGINS", "https://a.example, https://b.example")];
        assert_eq!(origin(Runtime::Server, &listed).as_deref(), Some("https://a.example"));
        let log = ("SMTP_URL", "log");
        assert_eq!(
            origin(Runtime::Server, &[log, ("PORT", "8123")]).as_deref(),
            Some("http://localhost:8123")
        );
        let listen = [log, ("HOST", "127.0.0.1"), ("PORT", "8123")];
        assert_eq!(origin(Runtime::Server, &listen).as_deref(), Some("http://127.0.0.1:8123"));
        assert_eq!(origin(Runtime::Server, &[log, ("HOST", "::1")]).as_deref(), Some("http://[::1]:7860"));
        assert_eq!(origin(Runtime::Lambda, &listed), None, "Lambda never guesses");
    }

    #[test]
    fn mail_that_really_goes_out_never_links_to_the_listen_address() {
        let origin = |vars: &[(&str, &str)]| config(Runtime::Server, vars).unwrap().app_origin();
        assert_eq!(origin(&[("SMTP_URL", "smtp://mail.example:25")]), None);
        assert_eq!(origin(&[]), None, "no SMTP_URL: no mail at all");
        let with_app_url = [("SMTP_URL", "smtp://mail.example:25"), ("APP_URL", "https://tasks.example")];
        assert_eq!(origin(&with_app_url).as_deref(), Some("https://tasks.example"));
    }

    #[test]
    fn smtp_url_is_off_log_or_a_server() {
        let transport = |vars: &[(&str, &str)]| config(Runtime::Server, vars).unwrap().mail.transport;
        assert!(transport(&[]) == MailTransport::Off);
        assert!(transport(&[("SMTP_URL", " log ")]) == MailTransport::Log);
        assert!(transport(&[("SMTP_URL", "LOG")]) == MailTransport::Log);
        let url = "smtp://127.0.0.1:2525";
        assert!(transport(&[("SMTP_URL", url)]) == MailTransport::Smtp(url.to_owned()));
    }

    #[test]
    fn server_has_a_sender_and_lambda_does_not() {
        let server = config(Runtime::Server, &[]).unwrap();
        assert_eq!(server.mail.from.unwrap().to_string(), "Tasks <no-reply@localhost>");
        assert!(config(Runtime::Lambda, &[]).unwrap().mail.from.is_none());
    }

    #[test]
    fn bad_values_name_the_variable_and_never_echo_the_smtp_password() {
        for (name, value) in [
            ("SMTP_URL", "ftp://user:hunter2@mail.example"),
            ("MAIL_FROM", "not an address"),
            ("APP_URL", "tasks.example"),
            ("APP_URL", "https://"),
        ] {
            let err = config(Runtime::Server, &[(name, value)]).unwrap_err();
            assert_eq!(err.variable, name, "{err}");
            assert!(!err.to_string().contains("hunter2"), "{err}");
        }
        let debug = format!(
            "{:?}",
            config(Runtime::Server, &[("SMTP_URL", "smtps://u:hunter2@mail.example")]).unwrap()
        );
        assert!(!debug.contains("hunter2"), "{debug}");
    }
}
