//! `server healthcheck`: the container's HEALTHCHECK, because the image has no curl.
//! It asks the server in the same container for `/health` over plain HTTP/1.1 and
//! succeeds only on a 200, which `/health` gives only while the database answers.

use std::time::Duration;

use backend::config::ServerSettings;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Shorter than the Dockerfile's HEALTHCHECK timeout, so a hung server reads as unhealthy
/// with this message rather than as killed.
const TIMEOUT: Duration = Duration::from_secs(3);

/// A status line and the headers fit in this; the body is never needed.
const MAX_HEAD: u64 = 8 * 1024;

pub async fn run(settings: &ServerSettings) -> Result<(), String> {
    let host = reachable_host(&settings.host);
    let url = format!("http://{host}:{}/health", settings.port);
    match tokio::time::timeout(TIMEOUT, status(host, settings.port)).await {
        Ok(Ok(200)) => Ok(()),
        Ok(Ok(status)) => Err(format!("{url} answered {status}")),
        Ok(Err(e)) => Err(format!("{url}: {e}")),
        Err(_) => Err(format!("{url} did not answer within {TIMEOUT:?}")),
    }
}

/// The server listens on every interface by default; loopback reaches it from inside.
fn reachable_host(host: &str) -> &str {
    match host.trim_start_matches('[').trim_end_matches(']') {
        "0.0.0.0" | "" => "127.0.0.1",
        "::" => "::1",
        other => other,
    }
}

async fn status(host: &str, port: u16) -> std::io::Result<u16> {
    let mut stream = TcpStream::connect((host, port)).await?;
    let request = "GET /health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n";
    stream.write_all(request.as_bytes()).await?;
    let mut head = Vec::new();
    stream.take(MAX_HEAD).read_to_end(&mut head).await?;
    parse_status(&head)
        .ok_or_else(|| std::io::Error::new(std::io::ErrorKind::InvalidData, "not an HTTP/1.1 response"))
}

/// `HTTP/1.1 200 OK` → 200.
fn parse_status(response: &[u8]) -> Option<u16> {
    let line = response.split(|&b| b == b'\n').next()?;
    let mut parts = std::str::from_utf8(line).ok()?.split_whitespace();
    parts.next().filter(|version| version.starts_with("HTTP/"))?;
    parts.next()?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::{parse_status, reachable_host};

    #[test]
    fn reads_the_status_code_of_the_status_line() {
        assert_eq!(parse_status(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n\r\n{}"), Some(200));
        assert_eq!(parse_status(b"HTTP/1.1 503 Service Unavailable\r\n"), Some(503));
        assert_eq!(parse_status(b"SSH-2.0-OpenSSH\r\n"), None);
        assert_eq!(parse_status(b""), None);
    }

    #[test]
    fn a_wildcard_listener_is_reached_on_loopback() {
        assert_eq!(reachable_host("0.0.0.0"), "127.0.0.1");
        assert_eq!(reachable_host("[::]"), "::1");
        assert_eq!(reachable_host("[::1]"), "::1");
        assert_eq!(reachable_host("127.0.0.2"), "127.0.0.2");
    }
}
