use std::convert::Infallible;

use axum::extract::FromRequestParts;
use axum::http::header::USER_AGENT;
use axum::http::request::Parts;

use crate::http::client_ip;

/// The longest user agent kept with a session.
const USER_AGENT_MAX_CHARS: usize = 200;

/// Where a session is started from, as the signed-in devices list shows it later.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SessionDevice {
    pub user_agent: Option<String>,
    pub ip: Option<String>,
}

impl<S: Send + Sync> FromRequestParts<S> for SessionDevice {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Infallible> {
        let user_agent = parts
            .headers
            .get(USER_AGENT)
            .map(|v| {
                String::from_utf8_lossy(v.as_bytes())
                    .trim()
                    .chars()
                    .take(USER_AGENT_MAX_CHARS)
                    .collect::<String>()
            })
            .filter(|ua| !ua.is_empty());
        let ip = client_ip(&parts.extensions).map(|ip| ip.to_string());
        Ok(Self { user_agent, ip })
    }
}

#[cfg(test)]
mod tests {
    use axum::http::Request;

    use super::*;
    use crate::http::ClientIp;

    #[tokio::test]
    async fn cuts_the_user_agent_and_takes_the_client_ip() {
        let long = axum::http::HeaderValue::from_bytes("é".repeat(300).as_bytes()).unwrap();
        let mut request = Request::builder().header(USER_AGENT, long).body(()).unwrap();
        request.extensions_mut().insert(ClientIp("2001:db8::1".parse().unwrap()));
        let (mut parts, ()) = request.into_parts();
        let device = SessionDevice::from_request_parts(&mut parts, &()).await.unwrap();
        assert_eq!(device.user_agent.unwrap().chars().count(), USER_AGENT_MAX_CHARS);
        assert_eq!(device.ip.as_deref(), Some("2001:db8::1"));

        let (mut parts, ()) = Request::builder().body(()).unwrap().into_parts();
        let device = SessionDevice::from_request_parts(&mut parts, &()).await.unwrap();
        assert_eq!(device, SessionDevice::default());
    }
}
