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

/// Each script's first statement picks a seeded user's session at random, a primary-key
/// lookup the server does not make (it reads both ids from the token); `pick` measures it
/// alone, so every other ceiling here is a little lower than the SQL's own.
pub const SCRIPTS: [Script; 6] = [
    Script::Pick,
    Script::Page,
    Script::ListEssential,
    Script::ListSent,
    Script::CreateEssential,
    Script::CreateSent,
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Script {
    Pick,
    Page,
    /// The session lookup and the page query: what GET list cannot do without.
    ListEssential,
    /// What the server sends for GET list once the session is in its cache.
    ListSent,
    /// The session lookup and the insert.
    CreateEssential,
    /// What the server sends for POST create once the session is in its cache.
    CreateSent,
}

impl Script {
    pub fn file(self) -> &'static str {
        match self {
            Script::Pick => "bench/pgbench/pick.sql",
            Script::Page => "bench/pgbench/page.sql",
            Script::ListEssential => "bench/pgbench/list_essential.sql",
            Script::ListSent => "bench/pgbench/list.sql",
            Script::CreateEssential => "bench/pgbench/create_essential.sql",
            Script::CreateSent => "bench/pgbench/create.sql",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Script::Pick => "the session picker alone",
            Script::Page => "the page query alone",
            Script::ListEssential => "GET list, essential SQL (session lookup + page)",
            Script::ListSent => "GET list, the SQL the server sends",
            Script::CreateEssential => "POST create, essential SQL (session lookup + insert)",
            Script::CreateSent => "POST create, the SQL the server sends",
        }
    }
}

#[derive(Debug, Clone, Copy)]
pub struct Ceiling {
    pub script: Script,
    pub tps: f64,
}

/// Transactions per second of `script` at `clients` connections.
pub fn run(database_url: &str, script: Script, users: usize, clients: usize, duration: Duration) -> Ceiling {
    let output = Command::new("pgbench")
        .args(["-n", "-M", "prepared", "-j", "2"])
        .args(["-c", &clients.to_string(), "-T", &duration.as_secs().max(1).to_string()])
        .args(["-D", &format!("users={users}"), "-f", script.file(), database_url])
        .output()
        .expect("run pgbench (Debian package postgresql-contrib or postgresql-client)");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "pgbench failed: {}", String::from_utf8_lossy(&output.stderr));
    let tps = stdout
        .lines()
        .find_map(|line| line.strip_prefix("tps = "))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|tps| tps.parse().ok())
        .unwrap_or(0.0);
    Ceiling { script, tps }
}
