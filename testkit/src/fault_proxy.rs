//! A TCP proxy that misbehaves on command, for putting a database behind a network that
//! fails the way real ones do.

use std::net::SocketAddr;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{mpsc, watch};
use tokio::time::Instant;

/// What the proxy does with connections.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Forward both ways, after the configured latency.
    Pass,
    /// Nothing listens, so new connections are refused, and open ones are reset: the
    /// database process is gone.
    Refuse,
    /// New connections are accepted and then hang; open ones freeze where they are.
    /// Restoring lets everything continue, as a healed partition does.
    BlackHole,
    /// Every connection, open or new, is reset.
    Reset,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Setting {
    mode: Mode,
    to_upstream: Duration,
    to_client: Duration,
}

/// A proxy in front of `upstream` on a free loopback port, running on the current
/// tokio runtime until dropped.
pub struct FaultProxy {
    addr: SocketAddr,
    setting: watch::Sender<Setting>,
    accepting: tokio::task::JoinHandle<()>,
}

impl FaultProxy {
    pub async fn start(upstream: SocketAddr) -> std::io::Result<Self> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let initial = Setting { mode: Mode::Pass, to_upstream: Duration::ZERO, to_client: Duration::ZERO };
        let (setting, watching) = watch::channel(initial);
        let accepting = tokio::spawn(accept_loop(listener, addr, upstream, watching));
        Ok(Self { addr, setting, accepting })
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    pub fn set_mode(&self, mode: Mode) {
        self.setting.send_modify(|s| s.mode = mode);
    }

    /// Delay added to every chunk, per direction.
    pub fn set_latency(&self, to_upstream: Duration, to_client: Duration) {
        self.setting.send_modify(|s| {
            s.to_upstream = to_upstream;
            s.to_client = to_client;
        });
    }
}

impl Drop for FaultProxy {
    fn drop(&mut self) {
        self.accepting.abort();
        self.set_mode(Mode::Reset);
    }
}

async fn accept_loop(
    mut listener: TcpListener,
    addr: SocketAddr,
    upstream: SocketAddr,
    mut setting: watch::Receiver<Setting>,
) {
    loop {
        if setting.borrow().mode == Mode::Refuse {
            drop(listener);
            if setting.wait_for(|s| s.mode != Mode::Refuse).await.is_err() {
                return;
            }
            listener = match rebind(addr).await {
                Some(listener) => listener,
                None => return,
            };
        }
        tokio::select! {
            accepted = listener.accept() => {
                if let Ok((client, _)) = accepted {
                    tokio::spawn(connection(client, upstream, setting.clone()));
                }
            }
            changed = setting.changed() => if changed.is_err() { return },
        }
    }
}

/// The port was ours a moment ago; a socket in TIME_WAIT may hold it briefly.
async fn rebind(addr: SocketAddr) -> Option<TcpListener> {
    for _ in 0..100 {
        if let Ok(listener) = TcpListener::bind(addr).await {
            return Some(listener);
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    None
}

async fn connection(client: TcpStream, upstream: SocketAddr, mut setting: watch::Receiver<Setting>) {
    let admitted = setting.wait_for(|s| s.mode != Mode::BlackHole).await.map(|s| s.mode).ok();
    if admitted != Some(Mode::Pass) {
        reset(client);
        return;
    }
    let Ok(server) = TcpStream::connect(upstream).await else {
        reset(client);
        return;
    };
    // Zero linger on both sides: cutting a connection resets it, as a broken network does.
    for stream in [&client, &server] {
        let _ = (stream.set_nodelay(true), stream.set_zero_linger());
    }
    let (client_read, client_write) = client.into_split();
    let (server_read, server_write) = server.into_split();
    let up = pipe(client_read, server_write, setting.clone(), |s| s.to_upstream);
    let down = pipe(server_read, client_write, setting.clone(), |s| s.to_client);
    let broken = setting.wait_for(|s| matches!(s.mode, Mode::Reset | Mode::Refuse));
    tokio::select! {
        _ = async { tokio::join!(up, down) } => {}
        _ = broken => {}
    }
}

/// Copies one direction: every chunk is held for the latency in force when it arrived,
/// and nothing moves while the proxy is a black hole.
fn pipe(
    mut from: OwnedReadHalf,
    mut to: OwnedWriteHalf,
    setting: watch::Receiver<Setting>,
    latency: fn(&Setting) -> Duration,
) -> impl std::future::Future<Output = ()> {
    let (chunks, mut queued) = mpsc::unbounded_channel::<(Instant, Vec<u8>)>();
    let mut reading = setting.clone();
    let read = async move {
        let mut buf = vec![0u8; 16 * 1024];
        loop {
            if reading.wait_for(|s| s.mode != Mode::BlackHole).await.is_err() {
                return;
            }
            match from.read(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(n) => {
                    let due = Instant::now() + latency(&reading.borrow());
                    if chunks.send((due, buf[..n].to_vec())).is_err() {
                        return;
                    }
                }
            }
        }
    };
    let mut writing = setting;
    let write = async move {
        while let Some((due, chunk)) = queued.recv().await {
            tokio::time::sleep_until(due).await;
            if writing.wait_for(|s| s.mode != Mode::BlackHole).await.is_err() {
                return;
            }
            if to.write_all(&chunk).await.is_err() {
                return;
            }
        }
        let _ = to.shutdown().await;
    };
    async move {
        tokio::join!(read, write);
    }
}

fn reset(stream: TcpStream) {
    let _ = stream.set_zero_linger();
    drop(stream);
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn echo_server() -> SocketAddr {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("addr");
        tokio::spawn(async move {
            while let Ok((mut stream, _)) = listener.accept().await {
                tokio::spawn(async move {
                    let mut buf = [0u8; 1024];
                    while let Ok(n) = stream.read(&mut buf).await {
                        if n == 0 || stream.write_all(&buf[..n]).await.is_err() {
                            return;
                        }
                    }
                });
            }
        });
        addr
    }

    async fn round_trip(stream: &mut TcpStream) -> std::io::Result<Vec<u8>> {
        stream.write_all(b"ping").await?;
        let mut buf = [0u8; 4];
        stream.read_exact(&mut buf).await?;
        Ok(buf.to_vec())
    }

    #[tokio::test]
    async fn passes_then_refuses_then_passes_again() {
        let proxy = FaultProxy::start(echo_server().await).await.expect("proxy");
        let mut stream = TcpStream::connect(proxy.addr()).await.expect("connect");
        assert_eq!(round_trip(&mut stream).await.expect("echo"), b"ping");

        proxy.set_mode(Mode::Refuse);
        tokio::time::sleep(Duration::from_millis(50)).await;
        let refused = TcpStream::connect(proxy.addr()).await;
        assert_eq!(refused.expect_err("refused").kind(), std::io::ErrorKind::ConnectionRefused);
        assert!(round_trip(&mut stream).await.is_err(), "the open connection was reset");

        proxy.set_mode(Mode::Pass);
        tokio::time::sleep(Duration::from_millis(50)).await;
        let mut again = TcpStream::connect(proxy.addr()).await.expect("listening again");
        assert_eq!(round_trip(&mut again).await.expect("echo"), b"ping");
    }

    #[tokio::test]
    async fn a_black_hole_freezes_and_restoring_resumes() {
        let proxy = FaultProxy::start(echo_server().await).await.expect("proxy");
        let mut open = TcpStream::connect(proxy.addr()).await.expect("connect");
        assert_eq!(round_trip(&mut open).await.expect("echo"), b"ping");

        proxy.set_mode(Mode::BlackHole);
        tokio::time::sleep(Duration::from_millis(20)).await;
        let mut new = TcpStream::connect(proxy.addr()).await.expect("accepted");
        let frozen = tokio::time::timeout(Duration::from_millis(300), round_trip(&mut open)).await;
        assert!(frozen.is_err(), "the open connection hangs");
        let hanging = tokio::time::timeout(Duration::from_millis(300), round_trip(&mut new)).await;
        assert!(hanging.is_err(), "the new connection hangs");

        proxy.set_mode(Mode::Pass);
        let mut buf = [0u8; 4];
        tokio::time::timeout(Duration::from_secs(2), open.read_exact(&mut buf))
            .await
            .expect("the frozen bytes arrive")
            .expect("read");
        assert_eq!(&buf, b"ping");
        assert_eq!(round_trip(&mut new).await.expect("echo"), b"ping");
    }

    #[tokio::test]
    async fn reset_cuts_every_connection() {
        let proxy = FaultProxy::start(echo_server().await).await.expect("proxy");
        let mut open = TcpStream::connect(proxy.addr()).await.expect("connect");
        assert_eq!(round_trip(&mut open).await.expect("echo"), b"ping");
        proxy.set_mode(Mode::Reset);
        tokio::time::sleep(Duration::from_millis(20)).await;
        assert!(round_trip(&mut open).await.is_err());
        let mut new = TcpStream::connect(proxy.addr()).await.expect("accepted, then reset");
        assert!(round_trip(&mut new).await.is_err());
    }

    #[tokio::test]
    async fn adds_latency_each_way() {
        let proxy = FaultProxy::start(echo_server().await).await.expect("proxy");
        proxy.set_latency(Duration::from_millis(150), Duration::from_millis(100));
        let mut stream = TcpStream::connect(proxy.addr()).await.expect("connect");
        let started = Instant::now();
        assert_eq!(round_trip(&mut stream).await.expect("echo"), b"ping");
        let took = started.elapsed();
        assert!(took >= Duration::from_millis(250), "{took:?}");
        assert!(took < Duration::from_millis(1000), "{took:?}");
    }
}
