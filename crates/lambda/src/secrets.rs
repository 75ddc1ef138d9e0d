//! Secrets fetched once at a Lambda cold start, when the function is given a reference
//! instead of the value: an SSM parameter name (`DATABASE_URL_PARAMETER`, a SecureString
//! read with decryption) or a Secrets Manager ARN (`DATABASE_URL_SECRET_ARN`), and the
//! same pair for `JWT_SECRET`, `ORIGIN_SECRET`, `SMTP_URL` and `APP_URL`. The values then never sit
//! in the function's configuration. Without a reference nothing here touches the
//! network, and the plain variables are used.

use std::collections::HashMap;
use std::error::Error;
use std::time::Duration;

use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, ConfigLoader};
use aws_sdk_ssm::error::{ProvideErrorMetadata, SdkError};
use aws_smithy_http_client::tls::{self, rustls_provider::CryptoMode};

use backend::config::ConfigError;

/// A variable that may be given by reference, and the two variables that can name one.
struct Secret {
    variable: &'static str,
    parameter: &'static str,
    secret_arn: &'static str,
}

const DATABASE_URL: Secret = Secret {
    variable: "DATABASE_URL",
    parameter: "DATABASE_URL_PARAMETER",
    secret_arn: "DATABASE_URL_SECRET_ARN",
};
const JWT_SECRET: Secret =
    Secret { variable: "JWT_SECRET", parameter: "JWT_SECRET_PARAMETER", secret_arn: "JWT_SECRET_SECRET_ARN" };
/// The value CloudFront puts in `X-Origin-Verify`: requests without it did not come
/// through the distribution.
const ORIGIN_SECRET: Secret = Secret {
    variable: "ORIGIN_SECRET",
    parameter: "ORIGIN_SECRET_PARAMETER",
    secret_arn: "ORIGIN_SECRET_SECRET_ARN",
};
/// The mail server, credentials included; only the auth function is given it.
const SMTP_URL: Secret =
    Secret { variable: "SMTP_URL", parameter: "SMTP_URL_PARAMETER", secret_arn: "SMTP_URL_SECRET_ARN" };

/// Not a secret: the site's address, given by name so that the SAM template has no
/// cycle (the distribution depends on the API, which depends on the function).
const APP_URL: Secret =
    Secret { variable: "APP_URL", parameter: "APP_URL_PARAMETER", secret_arn: "APP_URL_SECRET_ARN" };

const SECRETS: [Secret; 5] = [DATABASE_URL, JWT_SECRET, ORIGIN_SECRET, SMTP_URL, APP_URL];

enum Source {
    Parameter(String),
    SecretArn(String),
}

struct Reference {
    variable: &'static str,
    source: Source,
}

/// The fetched values, keyed by the variable they stand for (`DATABASE_URL`, `JWT_SECRET`, …).
pub type Resolved = HashMap<&'static str, String>;

/// Fetches every variable given by reference. Any failure (a missing parameter, a
/// denied read, no region) is a `ConfigError` naming the variable and the reference, so
/// the function stops instead of starting half-configured. Values never appear in errors.
pub async fn resolve(lookup: impl Fn(&str) -> Option<String>) -> Result<Resolved, ConfigError> {
    let references: Vec<Reference> = SECRETS
        .iter()
        .filter_map(|secret| secret.reference(&lookup).transpose())
        .collect::<Result<_, _>>()?;
    let Some(first) = references.first() else {
        return Ok(Resolved::new());
    };
    let sdk = loader().load().await;
    if sdk.region().is_none() {
        return Err(ConfigError {
            variable: first.variable,
            reason: "AWS_REGION must be set to fetch it".into(),
        });
    }
    let clients =
        Clients { ssm: aws_sdk_ssm::Client::new(&sdk), secrets: aws_sdk_secretsmanager::Client::new(&sdk) };
    // All at once: each is a round trip, and the cold start waits for them.
    let fetches = references.into_iter().map(|reference| clients.fetch(reference));
    futures_util::future::join_all(fetches).await.into_iter().collect()
}

/// The SDK configuration from the environment (region, credentials, `AWS_ENDPOINT_URL`),
/// with an HTTPS client on rustls and ring, and timeouts that fit Lambda's 10-second
/// init phase.
pub fn loader() -> ConfigLoader {
    let http = aws_smithy_http_client::Builder::new()
        .tls_provider(tls::Provider::Rustls(CryptoMode::Ring))
        .build_https();
    let timeouts = TimeoutConfig::builder()
        .connect_timeout(Duration::from_secs(2))
        .operation_attempt_timeout(Duration::from_secs(2))
        .operation_timeout(Duration::from_secs(6))
        .build();
    aws_config::defaults(BehaviorVersion::latest()).http_client(http).timeout_config(timeouts)
}

impl Secret {
    fn reference(&self, lookup: &impl Fn(&str) -> Option<String>) -> Result<Option<Reference>, ConfigError> {
        let var = |name: &str| lookup(name).map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
        let source = match (var(self.parameter), var(self.secret_arn)) {
            (None, None) => return Ok(None),
            (Some(name), None) => Source::Parameter(name),
            (None, Some(arn)) => Source::SecretArn(arn),
            (Some(_), Some(_)) => return Err(self.ambiguous()),
        };
        if var(self.variable).is_some() {
            return Err(self.ambiguous());
        }
        Ok(Some(Reference { variable: self.variable, source }))
    }

    fn ambiguous(&self) -> ConfigError {
        ConfigError {
            variable: self.variable,
            reason: format!("set only one of {}, {} and {}", self.variable, self.parameter, self.secret_arn),
        }
    }
}

struct Clients {
    ssm: aws_sdk_ssm::Client,
    secrets: aws_sdk_secretsmanager::Client,
}

impl Clients {
    async fn fetch(
        &self,
        Reference { variable, source }: Reference,
    ) -> Result<(&'static str, String), ConfigError> {
        let (what, value) = match &source {
            Source::Parameter(name) => {
                let what = format!("SSM parameter {name:?}");
                let output = self.ssm.get_parameter().name(name).with_decryption(true).send().await;
                let value = output.map(|out| out.parameter.and_then(|p| p.value));
                (what, value.map_err(describe))
            }
            Source::SecretArn(arn) => {
                let what = format!("secret {arn:?}");
                let output = self.secrets.get_secret_value().secret_id(arn).send().await;
                (what, output.map(|out| out.secret_string).map_err(describe))
            }
        };
        let fail = |reason: String| ConfigError { variable, reason: format!("cannot read {what}: {reason}") };
        // A trailing newline from a file upload would break a URL; surrounding space is never meant.
        match value.map_err(fail)?.map(|v| v.trim().to_owned()) {
            Some(value) if !value.is_empty() => Ok((variable, value)),
            _ => Err(fail("it has no text value".into())),
        }
    }
}

/// One line: the service's error code and message, or the chain of causes when the
/// request never got an answer (no network, no credentials, a timeout).
fn describe<E: ProvideErrorMetadata + Error + 'static>(err: SdkError<E>) -> String {
    if let Some(code) = err.code() {
        return format!("{code}: {}", err.message().unwrap_or("no message"));
    }
    let mut line = err.to_string();
    let mut cause = err.source();
    while let Some(inner) = cause {
        line.push_str(": ");
        line.push_str(&inner.to_string());
        cause = inner.source();
    }
    // The credentials chain explains itself over several lines.
    line.lines().map(str::trim).collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::resolve;

    fn lookup(vars: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = vars.iter().map(|(k, v)| ((*k).into(), (*v).into())).collect();
        move |name| map.get(name).cloned()
    }

    #[tokio::test]
    async fn plain_variables_need_no_fetch() {
        let vars = [("DATABASE_URL", "sqlite::memory:"), ("JWT_SECRET", "x"), ("JWT_SECRET_PARAMETER", " ")];
        assert!(resolve(lookup(&vars)).await.expect("nothing to fetch").is_empty());
    }

    #[tokio::test]
    async fn two_sources_for_one_variable_are_refused() {
        for vars in [
            [("JWT_SECRET_PARAMETER", "/a"), ("JWT_SECRET_SECRET_ARN", "arn:b")],
            [("DATABASE_URL", "sqlite::memory:"), ("DATABASE_URL_SECRET_ARN", "arn:b")],
            [("ORIGIN_SECRET", "s"), ("ORIGIN_SECRET_PARAMETER", "/b")],
            [("SMTP_URL_PARAMETER", "/a"), ("SMTP_URL_SECRET_ARN", "arn:b")],
        ] {
            let error = resolve(lookup(&vars)).await.expect_err("ambiguous").to_string();
            assert!(error.contains(vars[1].0) && error.contains("only one of"), "{error}");
        }
    }
}
