use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, Request};
use axum::http::Extensions;
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
        let forwarded = req.headers().get("x-forwarded-for").and_then(|v| v.to_str().ok());
        let ip = resolve(peer.ip(), forwarded, &trusted);
        req.extensions_mut().insert(ClientIp(ip));
    }
    next.run(req).await
}

/// The peer, unless it is a trusted proxy: then the nearest `X-Forwarded-For` hop that
/// is not one. Entries further left are the client's own word and can be forged.
pub fn resolve(peer: IpAddr, forwarded_for: Option<&str>, trusted: &[IpNet]) -> IpAddr {
    let is_trusted = |ip: &IpAddr| trusted.iter().any(|net| net.contains(ip));
    if !is_trusted(&peer) {
        return peer;
    }
    let hops: Vec<IpAddr> = forwarded_for
        .into_iter()
        .flat_map(|v| v.split(','))
        .filter_map(|hop| hop.trim().parse().ok())
        .collect();
    hops.iter().rev().find(|ip| !is_trusted(ip)).or(hops.first()).copied().unwrap_or(peer)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn forwarded_for_is_ignored_unless_the_peer_is_trusted() {
        let trusted: Vec<IpNet> = vec!["10.0.0.0/8".parse().unwrap()];
        assert_eq!(resolve(ip("203.0.113.9"), Some("1.2.3.4"), &trusted), ip("203.0.113.9"));
        assert_eq!(resolve(ip("203.0.113.9"), Some("1.2.3.4"), &[]), ip("203.0.113.9"));
    }

    #[test]
    fn takes_the_nearest_untrusted_hop() {
        let trusted: Vec<IpNet> = vec!["10.0.0.0/8".parse().unwrap()];
        let forged_then_real = Some("6.6.6.6, 198.51.100.7, 10.1.2.3");
        assert_eq!(resolve(ip("10.0.0.1"), forged_then_real, &trusted), ip("198.51.100.7"));
        assert_eq!(resolve(ip("10.0.0.1"), Some("10.9.9.9"), &trusted), ip("10.9.9.9"));
        assert_eq!(resolve(ip("10.0.0.1"), None, &trusted), ip("10.0.0.1"));
        assert_eq!(resolve(ip("10.0.0.1"), Some("garbage"), &trusted), ip("10.0.0.1"));
    }
}
