//! A TCP proxy in front of Postgres that counts the statements clients send, for tests
//! and the benchmark that pin how many a request costs.
//!
//! `pg_stat_statements` would count them inside the database, but it needs
//! `shared_preload_libraries`, a restart of the Postgres every test shares. The wire
//! says the same from outside: each statement is one Execute (`E`) of the extended
//! protocol, which sqlx uses for every query, or one simple Query (`Q`), which it uses
//! for `BEGIN` and `COMMIT`. Connections through it must not use TLS
//! (`sslmode=disable`), or the messages could not be read.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// Untyped messages a client may send before its startup message; the startup message
/// itself carries protocol version 3.0 in the same place.
const SSL_REQUEST: u32 = 80_877_103;
const GSSENC_REQUEST: u32 = 80_877_104;

pub struct StatementCounter {
    addr: SocketAddr,
    statements: Arc<AtomicU64>,
    accepting: tokio::task::JoinHandle<()>,
}

impl StatementCounter {
    /// A counter on a free loopback port in front of the Postgres of `database_url`
    /// (`postgres://user@ip:port/db`), running on the current tokio runtime until
    /// dropped, and the URL that reaches that database through it.
    pub async fn in_front_of(database_url: &str) -> std::io::Result<(Self, String)> {
        let (scheme, rest) = database_url.split_once("://").ok_or_else(|| invalid(database_url))?;
        let (credentials, rest) = rest.rsplit_once('@').ok_or_else(|| invalid(database_url))?;
        let (authority, database) = rest.split_once('/').ok_or_else(|| invalid(database_url))?;
        let upstream = tokio::net::lookup_host(authority).await?.next().ok_or_else(|| invalid(authority))?;
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let statements = Arc::new(AtomicU64::new(0));
        let accepting = tokio::spawn(accept_loop(listener, upstream, statements.clone()));
        let separator = if database.contains('?') { '&' } else { '?' };
        let url = format!("{scheme}://{credentials}@{addr}/{database}{separator}sslmode=disable");
        Ok((Self { addr, statements, accepting }, url))
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Statements sent through the proxy so far, by every connection.
    pub fn count(&self) -> u64 {
        self.statements.load(Ordering::SeqCst)
    }
}

impl Drop for StatementCounter {
    fn drop(&mut self) {
        self.accepting.abort();
    }
}

fn invalid(what: &str) -> std::io::Error {
    std::io::Error::new(
        std::io::ErrorKind::InvalidInput,
        format!("not a postgres://user@host:port/db URL: {what}"),
    )
}

async fn accept_loop(listener: TcpListener, upstream: SocketAddr, statements: Arc<AtomicU64>) {
    while let Ok((client, _)) = listener.accept().await {
        tokio::spawn(connection(client, upstream, statements.clone()));
    }
}

async fn connection(client: TcpStream, upstream: SocketAddr, statements: Arc<AtomicU64>) {
    let Ok(server) = TcpStream::connect(upstream).await else { return };
    for stream in [&client, &server] {
        let _ = stream.set_nodelay(true);
    }
    let (mut client_read, mut client_write) = client.into_split();
    let (mut server_read, mut server_write) = server.into_split();
    let up = async move {
        let mut messages = Messages::default();
        let mut buf = vec![0u8; 16 * 1024];
        loop {
            let n = match client_read.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => n,
            };
            statements.fetch_add(messages.statements_in(&buf[..n]), Ordering::SeqCst);
            if server_write.write_all(&buf[..n]).await.is_err() {
                break;
            }
        }
        let _ = server_write.shutdown().await;
    };
    let down = async move {
        let _ = tokio::io::copy(&mut server_read, &mut client_write).await;
        let _ = client_write.shutdown().await;
    };
    tokio::join!(up, down);
}

/// The client's side of one connection, split into messages as the bytes arrive.
#[derive(Default)]
struct Messages {
    pending: Vec<u8>,
    started: bool,
}

impl Messages {
    /// Takes the next bytes the client sent and returns how many statements they
    /// completed; a message cut between two reads counts once its last byte arrives.
    fn statements_in(&mut self, bytes: &[u8]) -> u64 {
        self.pending.extend_from_slice(bytes);
        let mut statements = 0;
        let mut at = 0;
        loop {
            let rest = &self.pending[at..];
            // Before startup a message is its length and its code; after, a type byte
            // comes first and the length counts itself but not the type.
            let (header, kind) = if self.started { (1, rest.first().copied()) } else { (0, None) };
            let Some(length) = rest.get(header..header + 4).map(|b| be_u32(b) as usize) else { break };
            let Some(message) = rest.get(..header + length.max(4)) else { break };
            match kind {
                Some(b'E' | b'Q') => statements += 1,
                Some(_) => {}
                None => {
                    let code = message.get(4..8).map_or(0, be_u32);
                    self.started = !matches!(code, SSL_REQUEST | GSSENC_REQUEST);
                }
            }
            at += message.len();
        }
        self.pending.drain(..at);
        statements
    }
}

fn be_u32(bytes: &[u8]) -> u32 {
    u32::from_be_bytes([bytes[0], bytes[1], bytes[2], bytes[3]])
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::Messages;

    fn typed(kind: u8, body: &[u8]) -> Vec<u8> {
        let mut message = vec![kind];
        message.extend_from_slice(&(u32::try_from(body.len()).unwrap() + 4).to_be_bytes());
        message.extend_from_slice(body);
        message
    }

    fn startup() -> Vec<u8> {
        let body = b"\x00\x03\x00\x00user\x00postgres\x00\x00";
        let mut message = (u32::try_from(body.len()).unwrap() + 4).to_be_bytes().to_vec();
        message.extend_from_slice(body);
        message
    }

    #[test]
    fn counts_executes_and_simple_queries_after_startup() {
        let mut wire = startup();
        for message in [
            typed(b'P', b"\x00SELECT 1\x00\x00\x00"),
            typed(b'B', b"\x00\x00\x00\x00\x00\x00\x00\x00"),
            typed(b'E', b"\x00\x00\x00\x00\x00"),
            typed(b'S', b""),
            typed(b'Q', b"BEGIN\x00"),
            typed(b'E', b"\x00\x00\x00\x00\x00"),
        ] {
            wire.extend(message);
        }
        assert_eq!(Messages::default().statements_in(&wire), 3);
        // The same bytes one at a time: messages cut anywhere still count once.
        let mut messages = Messages::default();
        assert_eq!(wire.iter().map(|b| messages.statements_in(&[*b])).sum::<u64>(), 3);
    }

    #[test]
    fn an_ssl_request_is_not_the_startup() {
        // The startup message still follows an SSL request, untyped.
        let mut wire = 8u32.to_be_bytes().to_vec();
        wire.extend_from_slice(&super::SSL_REQUEST.to_be_bytes());
        wire.extend(startup());
        wire.extend(typed(b'Q', b"SELECT 1\x00"));
        assert_eq!(Messages::default().statements_in(&wire), 1);
    }

    proptest! {
        /// Whatever the messages and wherever the reads cut them, the count is the
        /// number of Executes and simple Queries among them.
        #[test]
        fn counts_every_statement_however_the_reads_fall(
            messages in prop::collection::vec((prop::sample::select(b"EQPBDSHCX".to_vec()), prop::collection::vec(any::<u8>(), 0..40)), 0..30),
            cuts in prop::collection::vec(1usize..64, 1..50),
        ) {
            let mut wire = startup();
            for (kind, body) in &messages {
                wire.extend(typed(*kind, body));
            }
            let expected = messages.iter().filter(|(kind, _)| matches!(kind, b'E' | b'Q')).count() as u64;
            let mut counter = Messages::default();
            let (mut at, mut counted) = (0, 0);
            for cut in cuts.iter().cycle() {
                if at >= wire.len() {
                    break;
                }
                let end = (at + cut).min(wire.len());
                counted += counter.statements_in(&wire[at..end]);
                at = end;
            }
            prop_assert_eq!(counted, expected);
        }
    }
}
