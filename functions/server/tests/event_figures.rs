//! The figures of `/api/events` that `bench/RESULTS.md` records; ignored in the test
//! run, run by `scripts/event-figures.sh` against a release build (`SERVER_BINARY`).
//!
//! - Latency: 100 changes, one after another, each timed from sending the write to
//!   reading its event off a stream: on one instance of each store, and on Postgres
//!   from a write through one instance to a stream on another.
//! - Idle cost: 1,000 open streams (100 users with 10 each) on one instance, its memory
//!   before and after opening them, and its CPU time over a minute of quiet, two
//!   heartbeats included.

mod common;

use std::time::{Duration, Instant};

use common::sse::{EventStream, Item};
use common::{Server, scratch, signup};

const CHANGES: usize = 100;
const USERS: usize = 100;
const STREAMS_PER_USER: usize = 10;
const IDLE: Duration = Duration::from_secs(60);

fn vars(url: &str) -> Vec<(&str, &str)> {
    vec![
        ("DATABASE_URL", url),
        ("AUTH_RATE_LIMIT_PER_MINUTE", "100000"),
        ("TASKS_RATE_LIMIT_PER_MINUTE", "1000000"),
    ]
}

/// Median and worst of `CHANGES` writes through `writer`, each heard on `listener`.
fn latency(writer: &Server, listener: &Server, token: &str) -> (Duration, Duration) {
    let mut stream = EventStream::open(listener.port, token, &[]);
    assert_eq!(stream.status, 200);
    let mut took: Vec<Duration> = (0..CHANGES)
        .map(|n| {
            let body = serde_json::json!({ "title": format!("change {n}") }).to_string();
            let sent = Instant::now();
            assert_eq!(writer.call("POST", "/api/tasks", Some(&body), Some(token)).status, 201);
            match stream.next_event(Duration::from_secs(5)) {
                Some(Item::Event { .. }) => sent.elapsed(),
                other => panic!("change {n}: {other:?}"),
            }
        })
        .collect();
    took.sort();
    (took[CHANGES / 2], took[CHANGES - 1])
}

fn ms(d: Duration) -> String {
    format!("{:.1}", d.as_secs_f64() * 1000.0)
}

/// `VmRSS` of `pid` in MiB.
fn rss_mib(pid: u32) -> f64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("status");
    let kib: f64 = status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .expect("VmRSS");
    kib / 1024.0
}

/// User plus system CPU time of `pid` (fields 14 and 15 of its stat, in 1/100 s).
fn cpu(pid: u32) -> Duration {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).expect("stat");
    let after_name = &stat[stat.rfind(')').expect("comm") + 2..];
    let fields: Vec<u64> = after_name.split_whitespace().map(|f| f.parse().unwrap_or(0)).collect();
    Duration::from_millis((fields[11] + fields[12]) * 10)
}

fn idle_cost(server: &Server) -> String {
    let tokens: Vec<String> = (0..USERS).map(|u| signup(server, &format!("idle{u}@example.com"))).collect();
    let pid = server.child.id();
    std::thread::sleep(Duration::from_secs(2));
    let before = rss_mib(pid);
    let opening = Instant::now();
    let streams: Vec<EventStream> = tokens
        .iter()
        .flat_map(|token| (0..STREAMS_PER_USER).map(move |_| token))
        .map(|token| EventStream::open(server.port, token, &[]))
        .collect();
    assert!(streams.iter().all(|s| s.status == 200));
    let opened_in = opening.elapsed();
    std::thread::sleep(Duration::from_secs(2));
    let cpu_start = cpu(pid);
    std::thread::sleep(IDLE);
    let idle_cpu = cpu(pid) - cpu_start;
    let after = rss_mib(pid);
    format!(
        "{} streams opened in {:.2} s; RSS {before:.1} MiB before, {after:.1} MiB after a minute with them open \
         (+{:.1} KiB per stream); CPU over that idle minute {} ms ({:.3} % of one core)",
        streams.len(),
        opened_in.as_secs_f64(),
        (after - before) * 1024.0 / streams.len() as f64,
        idle_cpu.as_millis(),
        idle_cpu.as_secs_f64() / IDLE.as_secs_f64() * 100.0,
    )
}

#[test]
#[ignore = "figures for bench/RESULTS.md: scripts/event-figures.sh"]
fn event_figures() {
    let sqlite_dir = scratch();
    let sqlite_url = format!("sqlite://{}/tasks.db", sqlite_dir.path().display());
    let sqlite = Server::start(&sqlite_dir, &vars(&sqlite_url));
    let token = signup(&sqlite, "latency@example.com");
    let (median, worst) = latency(&sqlite, &sqlite, &token);
    println!(
        "- SQLite, one instance: event latency median {} ms, worst {} ms of {CHANGES} changes",
        ms(median),
        ms(worst)
    );
    println!("- SQLite, idle cost: {}", idle_cost(&sqlite));
    drop(sqlite);

    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
    let Some(pg_url) = runtime.block_on(testkit::fresh_postgres_database()) else { return };
    let pg_dir = scratch();
    let servers = [Server::start(&pg_dir, &vars(&pg_url)), Server::start(&pg_dir, &vars(&pg_url))];
    let token = signup(&servers[0], "latency@example.com");
    let (median, worst) = latency(&servers[0], &servers[0], &token);
    println!(
        "- Postgres, one instance: event latency median {} ms, worst {} ms of {CHANGES} changes",
        ms(median),
        ms(worst)
    );
    let (median, worst) = latency(&servers[1], &servers[0], &token);
    println!(
        "- Postgres, across two instances (write on one, stream on the other): event latency median {} ms, \
         worst {} ms of {CHANGES} changes",
        ms(median),
        ms(worst)
    );
    println!("- Postgres, idle cost: {}", idle_cost(&servers[0]));
}
