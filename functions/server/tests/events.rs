//! `GET /api/events` on the `server` binary, over a real socket, on both stores: who
//! hears which change and how soon, the per-user cap, the rate limit, the layers a
//! stream passes through; on Postgres, across two instances and through a lost LISTEN
//! connection.

mod common;

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use common::sse::{EventStream, Item};
use common::{Server, TempDir, scratch, signup};
use contract::domain::ChangeCursor;
use contract::policy::MAX_STREAMS_PER_USER;
use testkit::{FaultProxy, Mode};

/// What the issue promises: a change is heard within this.
const PROMPT: Duration = Duration::from_secs(1);
/// How long a test listens for what must not arrive.
const QUIET: Duration = Duration::from_millis(1500);

/// A fresh database of one store, and a folder for the servers on it.
struct Db {
    scratch: TempDir,
    url: String,
}

impl Db {
    fn sqlite() -> Self {
        let scratch = scratch();
        let url = format!("sqlite://{}/tasks.db", scratch.path().display());
        Self { scratch, url }
    }

    fn postgres() -> Option<Self> {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
        let url = runtime.block_on(testkit::fresh_postgres_database())?;
        Some(Self { scratch: scratch(), url })
    }

    /// A server on this database, with limits high enough to stay out of the way
    /// unless `vars` sets them.
    fn start(&self, vars: &[(&str, &str)]) -> Server {
        let mut all = vec![
            ("DATABASE_URL", self.url.as_str()),
            ("AUTH_RATE_LIMIT_PER_MINUTE", "1000"),
            ("TASKS_RATE_LIMIT_PER_MINUTE", "100000"),
        ];
        all.extend_from_slice(vars);
        Server::start(&self.scratch, &all)
    }
}

/// Each case once per store, on the binary: `name::sqlite` and `name::postgres`.
macro_rules! on_both_stores {
    ($(fn $name:ident($db:ident) $body:block)*) => {
        $(
            mod $name {
                use super::*;

                #[test]
                fn sqlite() {
                    let $db = Db::sqlite();
                    $body
                }

                #[test]
                fn postgres() {
                    let Some($db) = Db::postgres() else { return };
                    $body
                }
            }
        )*
    };
}

fn signin(server: &Server, email: &str) -> String {
    let body = serde_json::json!({"email": email, "password": "correct horse"}).to_string();
    let res = server.call("POST", "/api/auth/signin", Some(&body), None);
    assert_eq!(res.status, 200, "{}", res.body);
    res.json()["data"]["token"].as_str().expect("token").to_owned()
}

fn create(server: &Server, token: &str, title: &str) -> i64 {
    let body = serde_json::json!({ "title": title }).to_string();
    let res = server.call("POST", "/api/tasks", Some(&body), Some(token));
    assert_eq!(res.status, 201, "{}", res.body);
    res.json()["data"]["id"].as_i64().expect("id")
}

fn open(server: &Server, token: &str) -> EventStream {
    let stream = EventStream::open(server.port, token, &[]);
    assert_eq!(stream.status, 200, "{}", stream.head);
    stream
}

/// The cursor of a `tasks` event, which must come within `patience`.
fn expect_tasks_event(stream: &mut EventStream, patience: Duration, what: &str) -> ChangeCursor {
    match stream.next_event(patience) {
        Some(Item::Event { name, data }) => {
            assert_eq!(name, "tasks", "{what}: {data}");
            let body: serde_json::Value = serde_json::from_str(&data).expect("JSON data");
            assert_eq!(body.as_object().map(|o| o.len()), Some(1), "only the cursor: {data}");
            ChangeCursor::parse(body["cursor"].as_str().expect("cursor")).expect("a cursor the feed takes")
        }
        other => panic!("{what}: no tasks event within {patience:?}: {other:?}"),
    }
}

fn expect_nothing(stream: &mut EventStream, patience: Duration, what: &str) {
    let got = stream.next_event(patience);
    assert!(got.is_none(), "{what}: {got:?}");
}

on_both_stores! {
    fn a_change_by_another_session_arrives_within_a_second(db) {
        let server = db.start(&[]);
        let laptop = signup(&server, "ann@example.com");
        let phone = signin(&server, "ann@example.com");
        let mut stream = open(&server, &laptop);
        assert!(stream.header("content-type").is_some_and(|t| t.starts_with("text/event-stream")));

        let mut last = 0;
        let id = create(&server, &phone, "from the phone");
        let sent = Instant::now();
        let cursor = expect_tasks_event(&mut stream, PROMPT, "a create");
        assert!(sent.elapsed() < PROMPT);
        assert!(cursor.seq > last, "{cursor:?}");
        last = cursor.seq;
        let now = chrono::Utc::now().timestamp();
        assert!((now - 5..=now).contains(&cursor.issued_at), "{cursor:?}");

        let edits = [
            ("PUT", format!("/api/tasks/{id}"), Some(r#"{"title": "renamed"}"#)),
            ("PATCH", format!("/api/tasks/{id}/complete"), None),
            ("DELETE", format!("/api/tasks/{id}"), None),
        ];
        for (method, path, body) in edits {
            let res = server.call(method, &path, body, Some(&phone));
            assert!(res.status < 300, "{method} {path}: {}", res.body);
            let cursor = expect_tasks_event(&mut stream, PROMPT, &format!("{method} {path}"));
            assert!(cursor.seq > last, "{method}: {cursor:?} after {last}");
            last = cursor.seq;
        }
        let mine = create(&server, &laptop, "from the laptop");
        assert!(mine > id);
        assert!(expect_tasks_event(&mut stream, PROMPT, "the stream's own session").seq > last);
    }

    fn another_users_change_never_arrives(db) {
        let server = db.start(&[]);
        let ann = signup(&server, "ann@example.com");
        let bob = signup(&server, "bob@example.com");
        let mut anns = open(&server, &ann);
        let mut bobs = open(&server, &bob);

        let id = create(&server, &bob, "bob's");
        expect_tasks_event(&mut bobs, PROMPT, "bob's own change");
        server.call("PATCH", &format!("/api/tasks/{id}/complete"), None, Some(&bob));
        expect_tasks_event(&mut bobs, PROMPT, "bob's toggle");
        expect_nothing(&mut anns, QUIET, "ann heard bob's changes");

        create(&server, &ann, "ann's");
        expect_tasks_event(&mut anns, PROMPT, "ann's stream is live");
        expect_nothing(&mut bobs, QUIET, "bob heard ann's change");
    }

    fn a_stream_needs_a_live_session(db) {
        let server = db.start(&[]);
        for token in [None, Some("not-a-token")] {
            let res = server.call("GET", "/api/events", None, token);
            assert_eq!(res.status, 401, "{token:?}: {}", res.body);
            assert_eq!(res.json()["success"], false);
            assert_eq!(res.json()["error"]["code"], "UNAUTHORIZED");
            assert!(res.header("content-type").is_some_and(|t| t.starts_with("application/json")));
        }
        let token = signup(&server, "ann@example.com");
        assert_eq!(server.call("POST", "/api/auth/signout", None, Some(&token)).status, 204);
        let res = server.call("GET", "/api/events", None, Some(&token));
        assert_eq!((res.status, res.json()["error"]["code"].as_str()), (401, Some("UNAUTHORIZED")));
        let res = server.call("POST", "/api/events", None, Some(&signup(&server, "bob@example.com")));
        assert_eq!((res.status, res.json()["error"]["code"].as_str()), (405, Some("METHOD_NOT_ALLOWED")));
    }

    fn the_eleventh_stream_closes_the_oldest(db) {
        let server = db.start(&[]);
        let token = signup(&server, "ann@example.com");
        let other = signup(&server, "bob@example.com");
        let mut streams: Vec<EventStream> = (0..MAX_STREAMS_PER_USER).map(|_| open(&server, &token)).collect();
        let mut bobs = open(&server, &other);

        streams.push(open(&server, &token));
        let closed = streams[0].next_event(PROMPT);
        assert_eq!(closed, Some(Item::Closed), "the oldest stream ends");
        create(&server, &token, "heard by the ten still open");
        for (i, stream) in streams.iter_mut().enumerate().skip(1) {
            expect_tasks_event(stream, PROMPT, &format!("stream {i}"));
        }
        create(&server, &other, "bob's streams are his own");
        expect_tasks_event(&mut bobs, PROMPT, "another user's stream stays open");

        // A stream that ends frees its place: with one fewer open, a new one closes none.
        drop(streams.pop());
        std::thread::sleep(Duration::from_millis(200));
        streams.push(open(&server, &token));
        create(&server, &token, "after one left");
        for (i, stream) in streams.iter_mut().enumerate().skip(1) {
            expect_tasks_event(stream, PROMPT, &format!("stream {i} after one left"));
        }
    }

    fn opening_a_stream_counts_once_against_the_rate_limit(db) {
        let server = db.start(&[("TASKS_RATE_LIMIT_PER_MINUTE", "50")]);
        let token = signup(&server, "ann@example.com");
        let remaining = |res: Option<&str>| res.and_then(|v| v.parse::<u32>().ok()).expect("x-ratelimit-remaining");
        let before = remaining(server.call("GET", "/api/tasks", None, Some(&token)).header("x-ratelimit-remaining"));
        let mut stream = open(&server, &token);
        assert_eq!(stream.header("x-ratelimit-limit"), Some("50"));
        assert_eq!(remaining(stream.header("x-ratelimit-remaining")), before - 1);
        create(&server, &token, "an event is no request");
        expect_tasks_event(&mut stream, PROMPT, "the create");
        let after = remaining(server.call("GET", "/api/tasks", None, Some(&token)).header("x-ratelimit-remaining"));
        assert_eq!(after, before - 3, "the stream, the create and this list: one each");
    }

    fn no_layer_breaks_a_stream(db) {
        // A one-second request timeout and a client that takes compression.
        let server = db.start(&[("REQUEST_TIMEOUT_SECS", "1")]);
        let token = signup(&server, "ann@example.com");
        let mut stream = EventStream::open(server.port, &token, &["Accept-Encoding: gzip, br"]);
        assert_eq!(stream.status, 200);
        assert_eq!(stream.header("content-encoding"), None, "{}", stream.head);
        assert!(stream.header("transfer-encoding").is_some_and(|t| t.contains("chunked")), "{}", stream.head);
        std::thread::sleep(Duration::from_secs(2));
        create(&server, &token, "past the request timeout");
        expect_tasks_event(&mut stream, PROMPT, "a stream older than the request timeout");
    }

    fn an_idle_stream_holds_no_database_connection(db) {
        let server = db.start(&[("DB_MAX_CONNECTIONS", "2"), ("DB_ACQUIRE_TIMEOUT_SECS", "2")]);
        let token = signup(&server, "ann@example.com");
        let mut streams: Vec<EventStream> = (0..5).map(|_| open(&server, &token)).collect();
        let started = Instant::now();
        for n in 0..5 {
            create(&server, &token, &format!("task {n}"));
        }
        assert!(started.elapsed() < Duration::from_secs(2), "five streams on a pool of two: {:?}", started.elapsed());
        for stream in &mut streams {
            expect_tasks_event(stream, PROMPT, "each stream");
        }
    }

    fn an_open_stream_does_not_hold_up_a_graceful_shutdown(db) {
        let mut server = db.start(&[]);
        let token = signup(&server, "ann@example.com");
        let mut stream = open(&server, &token);
        let pid = server.child.id().to_string();
        assert!(std::process::Command::new("kill").args(["-TERM", &pid]).status().expect("kill").success());
        assert_eq!(stream.next_event(Duration::from_secs(2)), Some(Item::Closed), "the stream is ended");
        let deadline = Instant::now() + Duration::from_secs(5);
        while server.is_running() {
            assert!(Instant::now() < deadline, "the server is still running with a stream open");
            std::thread::sleep(Duration::from_millis(50));
        }
        assert!(server.child.wait().expect("status").success());
    }
}

/// On one Postgres database, a change through either instance reaches a stream on the
/// other.
#[test]
fn changes_cross_between_two_instances() {
    let Some(db) = Db::postgres() else { return };
    let servers = [db.start(&[]), db.start(&[])];
    let token = signup(&servers[0], "ann@example.com");
    let mut streams = [open(&servers[0], &token), open(&servers[1], &token)];
    for (writer, _) in servers.iter().enumerate() {
        create(&servers[writer], &token, &format!("through instance {writer}"));
        let cursors: Vec<_> = streams
            .iter_mut()
            .enumerate()
            .map(|(i, stream)| expect_tasks_event(stream, PROMPT, &format!("instance {i} hears {writer}")))
            .collect();
        assert_eq!(cursors[0].seq, cursors[1].seq);
    }
}

/// The server talks to Postgres directly, but LISTENs through a proxy that resets every
/// connection for a while: the stream stays open, hears once that it may have missed
/// something, and then hears each change again.
#[test]
fn events_resume_after_the_listen_connection_is_killed() {
    let Some(db) = Db::postgres() else { return };
    let runtime =
        tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().expect("rt");
    let (credentials, rest) = db.url.split_once('@').expect("user@host");
    let (authority, database) = rest.split_once('/').expect("a database");
    let upstream: SocketAddr = authority.parse().expect("ip:port");
    let proxy = runtime.block_on(FaultProxy::start(upstream)).expect("proxy");
    let listen_url = format!("{credentials}@{}/{database}", proxy.addr());
    let server = db.start(&[("DATABASE_LISTEN_URL", listen_url.as_str())]);
    let token = signup(&server, "ann@example.com");
    let mut stream = open(&server, &token);
    create(&server, &token, "before");
    let before = expect_tasks_event(&mut stream, PROMPT, "through the proxy");

    proxy.set_mode(Mode::Reset);
    std::thread::sleep(Duration::from_millis(500));
    create(&server, &token, "while the listener is down");
    expect_nothing(&mut stream, Duration::from_secs(2), "nothing can be heard while it is down");

    proxy.set_mode(Mode::Pass);
    let restored = Instant::now();
    let resync = expect_tasks_event(&mut stream, Duration::from_secs(15), "one event after the reconnect");
    assert_eq!(resync.seq, before.seq + 1, "it carries the position the missed change reached");
    eprintln!(
        "listener back and stream resynced {:.2} s after the restore",
        restored.elapsed().as_secs_f64()
    );
    expect_nothing(&mut stream, Duration::from_millis(500), "only one");
    create(&server, &token, "after");
    assert_eq!(expect_tasks_event(&mut stream, PROMPT, "live again").seq, resync.seq + 1);
}
