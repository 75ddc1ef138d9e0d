//! The database's own ceiling: `pgbench -M prepared` running the SQL the server sends,
//! taken from the store's own statements so the two cannot drift apart.

use std::process::Command;
use std::time::Duration;

use sqlx::PgPool;
use store::sql;

use crate::seed::Fixture;

/// Maps a random number to a seeded session, so the scripts can act as a real user.
pub async fn prepare(pool: &PgPool, fixture: &Fixture, state: &backend::AppState) {
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
    /// The session lookup and the insert (under the user's lock, which the cap needs).
    CreateEssential,
    /// What the server sends for POST create once the session is in its cache.
    CreateSent,
}

impl Script {
    /// The pgbench script: the picker, then the store's own statements with their
    /// parameters bound to the picked session and to what the server would send.
    pub fn text(self) -> String {
        let session = bind(sql::SESSION_USER, &[":sid", ":uid", "now()"]);
        let page = bind(sql::LIST_TASKS, &[":uid", "10", "0"]);
        let window = "(extract(epoch from now())::bigint / 60) * 60";
        let hit = bind(sql::HIT_RATE_LIMIT, &["'user:' || :uid", window]);
        // The list counts its hit in its own statement.
        let page_counting_hit =
            bind(sql::LIST_TASKS_COUNTING_HIT.as_str(), &["'user:' || :uid", window, ":uid", "10", "0"]);
        // A create takes the user's next change position (the row lock and the count
        // under the cap), then inserts at it, in one transaction, as the store does.
        let cap = backend::config::DEFAULT_MAX_TASKS_PER_USER.to_string();
        let insert = format!(
            "BEGIN;\n{} \\gset\n{};\nCOMMIT",
            bind(sql::NEXT_TASK_SEQ, &[":uid", "1", &cap]),
            bind(sql::INSERT_TASK, &[":uid", "'pgbench task'", "NULL", "now()", ":task_seq"])
        );
        let statements: &[&str] = match self {
            Script::Pick => &[],
            Script::Page => &[&page],
            Script::ListEssential => &[&session, &page],
            Script::ListSent => &[&page_counting_hit],
            Script::CreateEssential => &[&session, &insert],
            Script::CreateSent => &[&hit, &insert],
        };
        let mut text = String::from(PICK);
        for statement in statements {
            text.push_str(statement);
            text.push_str(";\n");
        }
        text
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

/// Picks a seeded user's session at random, into `:sid` and `:uid`.
const PICK: &str = "\\set n random(1, :users)\nSELECT session_id AS sid, user_id AS uid FROM bench_sessions WHERE n = :n \\gset\n";

/// `statement` with `$1`, `$2`, … replaced by `args`, highest first so `$1` never
/// matches the start of `$10`.
fn bind(statement: &str, args: &[&str]) -> String {
    args.iter()
        .enumerate()
        .rev()
        .fold(statement.to_owned(), |text, (i, arg)| text.replace(&format!("${}", i + 1), arg))
}

#[derive(Debug, Clone, Copy)]
pub struct Ceiling {
    pub script: Script,
    pub tps: f64,
}

/// Transactions per second of `script` at `clients` connections.
pub fn run(database_url: &str, script: Script, users: usize, clients: usize, duration: Duration) -> Ceiling {
    let file = std::env::temp_dir().join(format!("taskapp-pgbench-{}-{script:?}.sql", std::process::id()));
    std::fs::write(&file, script.text()).expect("write the pgbench script");
    let output = Command::new("pgbench")
        .args(["-n", "-M", "prepared", "-j", "2"])
        .args(["-c", &clients.to_string(), "-T", &duration.as_secs().max(1).to_string()])
        .args(["-D", &format!("users={users}"), "-f"])
        .arg(&file)
        .arg(database_url)
        .output()
        .expect("run pgbench (Debian package postgresql-contrib or postgresql-client)");
    let _ = std::fs::remove_file(&file);
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
