//! The list as accounts grow (issue 29): accounts of each size filled through the API,
//! page 1 timed by one client at each size; at the largest, how deep a page stays
//! under 2 ms, the changes feed and the export.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use backend::AppState;

use crate::http::Connection;
use crate::seed;
use crate::server::Server;

/// What one store's accounts showed.
pub struct Growth {
    /// Page 1's median at each account size.
    pub first_page: Vec<(usize, Duration)>,
    /// At the largest account: each page number measured, and its median.
    pub deep_pages: Vec<(usize, Duration)>,
    /// The changes feed's median for one change since the cursor, at the smallest and
    /// the largest account; `None` when the server has no feed.
    pub feed: Option<Vec<(usize, Duration)>>,
    pub export: Export,
    pub fill_time: Duration,
}

/// One export of the largest account.
pub struct Export {
    pub tasks: usize,
    pub took: Duration,
    pub bytes: usize,
    pub rss_before_mib: f64,
    pub peak_rss_mib: f64,
}

pub struct Sizes {
    pub accounts: &'static [usize],
    /// Timed requests per figure, after a few untimed ones.
    pub samples: usize,
}

pub const FULL: Sizes = Sizes { accounts: &[25, 1_000, 10_000, 50_000], samples: 200 };
/// Keeps the harness working in seconds.
pub const QUICK: Sizes = Sizes { accounts: &[25, 200], samples: 20 };

/// Creates sent at once into each account while filling; they queue on the account's
/// lock, but keep the server busy while a response travels.
const FILL_CONNECTIONS: usize = 4;
const WARM_UP: usize = 10;
/// The page the issue asks about: how deep a page stays under this at the largest size.
pub const DEEP_PAGE_BOUND: Duration = Duration::from_millis(2);
const PAGE_SIZE: usize = 10;

pub async fn measure(state: &AppState, server: &Server, sizes: &Sizes) -> Growth {
    let accounts = seed::seed(state, sizes.accounts.len(), 0).await;
    let tokens: Vec<&str> = accounts.users.iter().map(|u| u.token.as_str()).collect();
    let filling = Instant::now();
    let fills: Vec<_> = sizes
        .accounts
        .iter()
        .zip(&tokens)
        .map(|(&size, token)| tokio::spawn(fill(server.port, (*token).to_owned(), size)))
        .collect();
    for filled in fills {
        filled.await.expect("fill an account");
    }
    let fill_time = filling.elapsed();

    let mut first_page = Vec::new();
    for (&size, token) in sizes.accounts.iter().zip(&tokens) {
        first_page
            .push((size, median(server.port, token, "/api/tasks?limit=10&page=1", sizes.samples).await));
    }
    let (largest, biggest) = (*sizes.accounts.last().expect("sizes"), *tokens.last().expect("accounts"));
    let mut deep_pages = Vec::new();
    for page in
        [1, 10, 100, 500, 1_000, 2_000, 3_000, 4_000, 5_000].into_iter().filter(|p| p * PAGE_SIZE <= largest)
    {
        let path = format!("/api/tasks?limit={PAGE_SIZE}&page={page}");
        deep_pages.push((page, median(server.port, biggest, &path, sizes.samples / 4).await));
    }
    let feed = feed(server.port, &[(sizes.accounts[0], tokens[0]), (largest, biggest)], sizes.samples).await;
    let export = export(server, biggest, largest).await;
    Growth { first_page, deep_pages, feed, export, fill_time }
}

/// POSTs tasks into the account until it holds `size`.
async fn fill(port: u16, token: String, size: usize) {
    let next = Arc::new(AtomicUsize::new(0));
    let workers: Vec<_> = (0..FILL_CONNECTIONS)
        .map(|_| {
            let (next, token) = (next.clone(), token.clone());
            tokio::spawn(async move {
                let mut connection = Connection::open(port).await.expect("connect");
                loop {
                    let n = next.fetch_add(1, Ordering::Relaxed);
                    if n >= size {
                        return;
                    }
                    let body = format!(r#"{{"title":"filled task {n}"}}"#);
                    let reply = connection
                        .send("POST", "/api/tasks", Some(&token), Some(&body))
                        .await
                        .expect("create");
                    assert_eq!(reply.status, 201, "filling an account of {size}");
                }
            })
        })
        .collect();
    for worker in workers {
        worker.await.expect("fill worker");
    }
}

/// The median of `samples` GETs of `path` on one connection, after a few untimed ones.
async fn median(port: u16, token: &str, path: &str, samples: usize) -> Duration {
    let mut connection = Connection::open(port).await.expect("connect");
    let mut times = Vec::with_capacity(samples);
    for i in 0..WARM_UP + samples.max(1) {
        let sent = Instant::now();
        let reply = connection.send("GET", path, Some(token), None).await.expect("GET");
        assert_eq!(reply.status, 200, "GET {path}");
        if i >= WARM_UP {
            times.push(sent.elapsed());
        }
    }
    times.sort_unstable();
    times[times.len() / 2]
}

/// For each account: the current cursor, one create after it, then the feed since
/// that cursor, timed. `None` when the server has no feed (before issue 27).
async fn feed(port: u16, accounts: &[(usize, &str)], samples: usize) -> Option<Vec<(usize, Duration)>> {
    let mut connection = Connection::open(port).await.expect("connect");
    let mut medians = Vec::new();
    for &(size, token) in accounts {
        let reply = connection.send("GET", "/api/tasks/changes", Some(token), None).await.expect("feed");
        // Before the feed, the path is read as a task id and refused.
        if reply.status != 200 {
            return None;
        }
        let body: serde_json::Value = serde_json::from_slice(&reply.body).expect("feed JSON");
        let cursor = body["data"]["cursor"].as_str().expect("a cursor").to_owned();
        let created =
            connection.send("POST", "/api/tasks", Some(token), Some(r#"{"title":"one change"}"#)).await;
        assert_eq!(created.expect("create").status, 201);
        let path = format!("/api/tasks/changes?since={}", percent_encoded(&cursor));
        medians.push((size, median(port, token, &path, samples).await));
    }
    Some(medians)
}

/// The cursor is opaque: whatever it holds goes into the query string escaped.
fn percent_encoded(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => char::from(b).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// One export of the largest account, with the server's peak memory during it.
async fn export(server: &Server, token: &str, tasks: usize) -> Export {
    let mut connection = Connection::open(server.port).await.expect("connect");
    let rss_before_mib = server.rss_mib();
    server.reset_peak_rss();
    let started = Instant::now();
    let reply = connection.send("GET", "/api/auth/export", Some(token), None).await.expect("export");
    let took = started.elapsed();
    assert_eq!(reply.status, 200, "export");
    Export { tasks, took, bytes: reply.body.len(), rss_before_mib, peak_rss_mib: server.peak_rss_mib() }
}
