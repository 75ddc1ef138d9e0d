//! The soak (issue 29): 64 connections, 30 % creates and 70 % list reads, in rounds,
//! so the accounts grow as it runs; a server whose cost grows with the account slows
//! down from one round to the next.
//!
//! Each round also records where the machine's CPU went (the server, Postgres's
//! processes, this load generator: 2 cores serve all three) and, on Postgres, what the
//! database did besides answering (checkpoints, autovacuum runs, WAL written), so that a
//! round slower than the first can be told apart by cause.

use std::sync::Arc;
use std::time::Duration;

use crate::load::{self, Stats};
use crate::op::Op;
use crate::seed::Fixture;
use crate::server::{Server, cpu_time_of};

pub const ROUNDS: usize = 3;

pub struct Round {
    pub stats: Stats,
    /// The server's resident memory at the round's end.
    pub rss_mib: f64,
    /// CPU per request answered: the server, Postgres's processes (all of them, the
    /// autovacuum and checkpointer included; nothing on SQLite), this load generator.
    pub cpu: [Duration; 3],
    pub postgres: Option<Activity>,
}

/// What Postgres did during a round besides answering (the WAL from its insert position,
/// which needs no statistics flush).
#[derive(Clone, Copy, Default)]
pub struct Activity {
    pub checkpoints: i64,
    pub autovacuums: i64,
    pub wal_mib: f64,
    /// Dead row versions in `users` at the round's end (each create bumps its row).
    pub users_dead: i64,
}

const ACTIVITY: &str = "SELECT (SELECT checkpoints_timed + checkpoints_req FROM pg_stat_bgwriter), \
    (SELECT COALESCE(sum(autovacuum_count + autoanalyze_count), 0)::bigint FROM pg_stat_user_tables), \
    pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::float8, \
    (SELECT COALESCE(sum(n_dead_tup), 0)::bigint FROM pg_stat_user_tables WHERE relname = 'users')";

async fn activity(pool: &sqlx::PgPool) -> Activity {
    let (checkpoints, autovacuums, wal_bytes, users_dead): (i64, i64, f64, i64) =
        sqlx::query_as(ACTIVITY).fetch_one(pool).await.expect("Postgres activity");
    Activity { checkpoints, autovacuums, wal_mib: wal_bytes / 1_048_576.0, users_dead }
}

/// CPU time so far of every process named `postgres` (the server's backends and
/// Postgres's own workers).
fn postgres_cpu() -> Duration {
    let Ok(entries) = std::fs::read_dir("/proc") else { return Duration::ZERO };
    entries
        .filter_map(Result::ok)
        .filter_map(|entry| entry.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| {
            std::fs::read_to_string(format!("/proc/{pid}/comm")).is_ok_and(|c| c.trim() == "postgres")
        })
        .map(cpu_time_of)
        .sum()
}

pub async fn run(
    server: &Server,
    fixture: Arc<Fixture>,
    connections: usize,
    round: Duration,
    postgres: Option<&sqlx::PgPool>,
) -> Vec<Round> {
    let mut rounds = Vec::with_capacity(ROUNDS);
    for _ in 0..ROUNDS {
        let before = match postgres {
            Some(pool) => Some(activity(pool).await),
            None => None,
        };
        let cpu_before = [server.cpu_time(), postgres_cpu(), cpu_time_of(std::process::id())];
        let stats = load::run(server.port, fixture.clone(), Op::Soak, connections, round).await;
        let cpu_after = [server.cpu_time(), postgres_cpu(), cpu_time_of(std::process::id())];
        let answered = u32::try_from(stats.requests.max(1)).unwrap_or(u32::MAX);
        let cpu = std::array::from_fn(|i| cpu_after[i].saturating_sub(cpu_before[i]) / answered);
        let postgres = match (postgres, before) {
            (Some(pool), Some(before)) => {
                // The statistics are sent to the collector within half a second.
                tokio::time::sleep(Duration::from_millis(600)).await;
                let after = activity(pool).await;
                Some(Activity {
                    checkpoints: after.checkpoints - before.checkpoints,
                    autovacuums: after.autovacuums - before.autovacuums,
                    wal_mib: after.wal_mib - before.wal_mib,
                    users_dead: after.users_dead,
                })
            }
            _ => None,
        };
        rounds.push(Round { stats, rss_mib: server.rss_mib(), cpu, postgres });
    }
    rounds
}
