//! The database's own ceiling: `pgbench -M prepared` running the SQL the server sends.

use std::process::Command;
use std::time::Duration;

use sqlx::PgPool;

use crate::seed::Fixture;

/// Maps a random number to a seeded session, so the scripts can act as a real user.
pub async fn prepare(pool: &PgPool, fixture: &Fixture, state: &shared::AppState) {
    sqlx::query(
        "CREATE TABLE IF NOT EXISTS bench_sessions (n INT PRIMARY KEY, session_id UUID, user_id UUID)",
    )
    .execute(pool)
    .await
    .expect("create bench_sessions");
    for (n, user) in fixture.users.iter().enumerate() {
        let claims = state.tokens.verify(&user.token).expect("seeded token");
        sqlx::query("INSERT INTO bench_sessions VALUES ($1, $2, $3)")
            .bind(i32::try_from(n + 1).expect("small"))
            .bind(claims.jti)
            .bind(claims.user_id)
            .execute(pool)
            .await
            .expect("insert bench_sessions");
    }
}

/// Transactions per second of `script` at `clients` connections.
pub fn run(database_url: &str, script: &str, users: usize, clients: usize, duration: Duration) -> f64 {
    let output = Command::new("pgbench")
        .args(["-n", "-M", "prepared", "-j", "2"])
        .args(["-c", &clients.to_string(), "-T", &duration.as_secs().max(1).to_string()])
        .args(["-D", &format!("users={users}"), "-f", script, database_url])
        .output()
        .expect("run pgbench (Debian package postgresql-contrib or postgresql-client)");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "pgbench failed: {}", String::from_utf8_lossy(&output.stderr));
    stdout
        .lines()
        .find_map(|line| line.strip_prefix("tps = "))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|tps| tps.parse().ok())
        .unwrap_or(0.0)
}
