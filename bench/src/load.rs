//! Closed-loop load: `connections` clients, each sending its next request as soon as
//! the previous one is answered, for a fixed time.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use crate::http::Connection;
use crate::op::Op;
use crate::seed::Fixture;

#[derive(Debug, Clone)]
pub struct Stats {
    pub requests: usize,
    pub errors: usize,
    pub rps: f64,
    pub p50: Duration,
    pub p95: Duration,
    pub p99: Duration,
    /// The server's CPU time (user + system) over the run, divided by the requests answered.
    pub cpu_per_request: Duration,
}

pub async fn run(port: u16, fixture: Arc<Fixture>, op: Op, connections: usize, duration: Duration) -> Stats {
    let next = Arc::new(AtomicUsize::new(0));
    let deadline = Instant::now() + duration;
    let started = Instant::now();
    let workers: Vec<_> = (0..connections)
        .map(|worker| {
            let (fixture, next) = (fixture.clone(), next.clone());
            tokio::spawn(async move {
                let mut latencies = Vec::new();
                let mut errors = 0;
                let Ok(mut connection) = Connection::open(port).await else { return (latencies, 1) };
                while Instant::now() < deadline {
                    let n = next.fetch_add(1, Ordering::Relaxed);
                    let Some((method, path, token, body)) = fixture.request(op, worker, n) else { break };
                    let sent = Instant::now();
                    match connection.send(method, &path, token, body.as_deref()).await {
                        Ok(reply) if reply.status == op.resolve(n).expected() => {
                            latencies.push(sent.elapsed())
                        }
                        _ => errors += 1,
                    }
                }
                (latencies, errors)
            })
        })
        .collect();
    let mut latencies = Vec::new();
    let mut errors = 0;
    for worker in workers {
        let (l, e) = worker.await.unwrap_or_default();
        latencies.extend(l);
        errors += e;
    }
    let elapsed = started.elapsed();
    latencies.sort_unstable();
    let at = |q: f64| {
        latencies
            .get(((latencies.len() as f64 * q) as usize).min(latencies.len().saturating_sub(1)))
            .copied()
            .unwrap_or_default()
    };
    Stats {
        requests: latencies.len(),
        errors,
        rps: latencies.len() as f64 / elapsed.as_secs_f64(),
        p50: at(0.50),
        p95: at(0.95),
        p99: at(0.99),
        cpu_per_request: Duration::ZERO,
    }
}
