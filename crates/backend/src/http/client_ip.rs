use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, Request};
use axum::http::{Extensions, HeaderMap};
use axum::middleware::Next;
use axum::response::Response;
use ipnet::IpNet;

/// The caller's address: set from the API Gateway request context on Lambda, where
/// there is no socket; from the socket (or a trusted proxy's `X-Forwarded-For`) in
/// the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientIp(pub IpAddr);

pub fn client_ip(extensions: &Extensions) -> Option<IpAddr> {
    extensions.get::<ClientIp>().map(|ip| ip.0)
}

/// Records `ClientIp` for a request that came through a socket.
pub async fn record_client_ip(trusted: std::sync::Arc<[IpNet]>, mut req: Request, next: Next) -> Response {
    if let Some(ConnectInfo(peer)) = req.extensions().get::<ConnectInfo<SocketAddr>>().copied() {
        let ip = resolve(peer.ip(), &forwarded_for(req.headers()), &trusted);
        req.extensions_mut().insert(ClientIp(ip));
    }
    next.run(req).await
}

/// Every `X-Forwarded-For` line, in order, joined as one list: proxies may append a
/// line of their own instead of extending the last one.
fn forwarded_for(headers: &HeaderMap) -> String {
    let lines: Vec<&str> =
        headers.get_all("x-forwarded-for").iter().map(|v| v.to_str().unwrap_or("?")).collect();
    lines.join(",")
}

/// The peer, unless it is a trusted proxy: then, walking `X-Forwarded-For` from the
/// right, the first hop that is not one. A hop that does not parse ends the walk at
/// the last address vouched for, since everything left of it is the client's own word.
pub fn resolve(peer: IpAddr, forwarded_for: &str, trusted: &[IpNet]) -> IpAddr {
    let is_trusted = |ip: &IpAddr| trusted.iter().any(|net| net.contains(ip));
    let mut client = peer;
    if forwarded_for.trim().is_empty() {
        return client;
    }
    for hop in forwarded_for.rsplit(',') {
        if !is_trusted(&client) {
            break;
        }
        match hop.trim().parse::<IpAddr>() {
            Ok(ip) => client = ip,
            Err(_) => break,
        }
    }
    client
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    fn trusted() -> Vec<IpNet> {
        vec!["10.0.0.0/8".parse().unwrap()]
    }

    #[test]
    fn forwarded_for_is_ignored_unless_the_peer_is_trusted() {
        assert_eq!(resolve(ip("203.0.113.9"), "1.2.3.4", &trusted()), ip("203.0.113.9"));
        assert_eq!(resolve(ip("203.0.113.9"), "1.2.3.4", &[]), ip("203.0.113.9"));
    }

    #[test]
    fn takes_the_nearest_untrusted_hop() {
        let forged_then_real = "6.6.6.6, 198.51.100.7, 10.1.2.3";
        assert_eq!(resolve(ip("10.0.0.1"), forged_then_real, &trusted()), ip("198.51.100.7"));
        assert_eq!(resolve(ip("10.0.0.1"), "10.9.9.9", &trusted()), ip("10.9.9.9"));
        assert_eq!(resolve(ip("10.0.0.1"), "", &trusted()), ip("10.0.0.1"));
        assert_eq!(resolve(ip("10.0.0.1"), "garbage", &trusted()), ip("10.0.0.1"));
    }

    /// An unparsable hop used to be skipped, which let a client put any address
    /// further left and be believed.
    #[test]
    fn an_unparsable_hop_ends_the_walk() {
        assert_eq!(resolve(ip("10.0.0.1"), "6.6.6.6, garbage", &trusted()), ip("10.0.0.1"));
        assert_eq!(resolve(ip("10.0.0.1"), "6.6.6.6, 1.2.3.4:80, 10.1.2.3", &trusted()), ip("10.1.2.3"));
        assert_eq!(resolve(ip("10.0.0.1"), "6.6.6.6,,10.1.2.3", &trusted()), ip("10.1.2.3"));
    }

    /// Only the first line used to be read: a client's own `X-Forwarded-For` line came
    /// first and the proxy's appended line, with the real address, was ignored.
    #[test]
    fn every_header_line_counts_in_order() {
        let mut headers = HeaderMap::new();
        headers.append("x-forwarded-for", "6.6.6.6".parse().unwrap());
        headers.append("x-forwarded-for", "198.51.100.7".parse().unwrap());
        let joined = forwarded_for(&headers);
        assert_eq!(resolve(ip("10.0.0.1"), &joined, &trusted()), ip("198.51.100.7"));
        let mut headers = HeaderMap::new();
        headers.append("x-forwarded-for", "198.51.100.7".parse().unwrap());
        headers.append("x-forwarded-for", axum::http::HeaderValue::from_bytes(b"\xff").unwrap());
        assert_eq!(resolve(ip("10.0.0.1"), &forwarded_for(&headers), &trusted()), ip("10.0.0.1"));
    }
}
