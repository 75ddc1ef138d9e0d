//! `bench [--quick] [--seconds N] [--server PATH] [--record] [--lighthouse FILE]`: seeds each store,
//! drives the `server` binary with 64 connections per endpoint, runs the pgbench ceiling
//! on Postgres, soaks it, times the list as accounts grow, counts each endpoint's
//! statements on Postgres, and prints (with `--record`, appends to `bench/RESULTS.md`) a Markdown
//! report, ending with the web app's section that `bench/lighthouse/run.mjs` wrote to FILE.

mod growth;
mod http;
mod lambda;
mod load;
mod op;
mod pgbench;
mod report;
mod seed;
mod server;
mod soak;
mod statements;

use std::time::{Duration, Instant};

use backend::AppState;
use backend::config::{Config, Runtime};
use sqlx::Connection;

use load::Stats;
use op::Op;

const CONNECTIONS: usize = 64;
const BENCH_DATABASE: &str = "taskapp_bench";

pub struct Plan {
    pub users: usize,
    pub tasks_per_user: usize,
    pub duration: Duration,
    pub server: String,
    /// The `health` function binary, for the Lambda cold start.
    pub lambda: String,
    pub quick: bool,
    /// 12 in a full run, as in production; 4 in a quick run, which measures nothing.
    pub bcrypt_cost: u32,
    /// Each of the soak's rounds.
    pub soak_round: Duration,
    /// The account sizes the list is measured at.
    pub sizes: &'static growth::Sizes,
    /// Requests per endpoint whose statements are counted.
    pub counted_requests: usize,
}

pub struct StoreResult {
    pub store: &'static str,
    pub seed_time: Duration,
    pub startup: Duration,
    pub endpoints: Vec<(Op, Stats)>,
    pub signin_single: Stats,
    pub bcrypt_verify: Duration,
    pub list_alone_32: Stats,
    pub list_during_storm_32: Stats,
    pub peak_rss_mib: f64,
    /// Process start to the first 200 for `/health` from the `health` Lambda binary.
    pub lambda_cold_start: Option<Duration>,
    /// pgbench transactions per second of each `pgbench::Script` (Postgres only).
    pub ceilings: Vec<pgbench::Ceiling>,
    pub soak: Vec<soak::Round>,
    pub growth: growth::Growth,
    /// Statements per request, counted on the wire (Postgres only).
    pub statements: Option<statements::Counts>,
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let quick = args.iter().any(|a| a == "--quick");
    let record = args.iter().any(|a| a == "--record");
    let server = args
        .iter()
        .position(|a| a == "--server")
        .and_then(|i| args.get(i + 1).cloned())
        .unwrap_or_else(|| "target/release/server".into());
    let lighthouse = args
        .iter()
        .position(|a| a == "--lighthouse")
        .and_then(|i| args.get(i + 1))
        .map(|path| std::fs::read_to_string(path).expect("the Lighthouse section"));
    let seconds = args
        .iter()
        .position(|a| a == "--seconds")
        .and_then(|i| args.get(i + 1))
        .map(|s| s.parse::<u64>().expect("--seconds takes a whole number"));
    let lambda = std::path::Path::new(&server).with_file_name("health").display().to_string();
    let plan = if quick {
        Plan {
            users: 10,
            tasks_per_user: 25,
            duration: Duration::from_secs(seconds.unwrap_or(1)),
            server,
            lambda,
            quick,
            bcrypt_cost: 4,
            soak_round: Duration::from_secs(1),
            sizes: &growth::QUICK,
            counted_requests: 5,
        }
    } else {
        Plan {
            users: 1000,
            tasks_per_user: 25,
            duration: Duration::from_secs(seconds.unwrap_or(10)),
            server,
            lambda,
            quick,
            bcrypt_cost: 12,
            soak_round: Duration::from_secs(30),
            sizes: &growth::FULL,
            counted_requests: 100,
        }
    };

    let admin = std::env::var("TEST_DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
    let postgres_url = fresh_postgres(&admin).await;
    let sqlite_dir = std::env::temp_dir().join(format!("taskapp-bench-{}", uuid::Uuid::new_v4().simple()));
    let sqlite_url = format!("sqlite://{}/bench.db", sqlite_dir.display());

    let results =
        vec![measure(&plan, "Postgres", &postgres_url).await, measure(&plan, "SQLite", &sqlite_url).await];
    let _ = std::fs::remove_dir_all(&sqlite_dir);

    let mut text = report::markdown(&plan, &results);
    text.push_str(lighthouse.as_deref().unwrap_or_default());
    println!("{text}");
    if record {
        report::append("bench/RESULTS.md", &text);
    }
}

async fn fresh_postgres(admin: &str) -> String {
    let mut conn = sqlx::PgConnection::connect(admin).await.expect("connect to Postgres");
    for statement in [
        format!("DROP DATABASE IF EXISTS {BENCH_DATABASE} WITH (FORCE)"),
        format!("CREATE DATABASE {BENCH_DATABASE}"),
    ] {
        sqlx::query(sqlx::AssertSqlSafe(statement))
            .execute(&mut conn)
            .await
            .expect("recreate bench database");
    }
    let (base, _) = admin.rsplit_once('/').expect("URL with a database");
    format!("{base}/{BENCH_DATABASE}")
}

async fn measure(plan: &Plan, store: &'static str, url: &str) -> StoreResult {
    eprintln!("== {store}: seeding {} users x {} tasks", plan.users, plan.tasks_per_user);
    let config = Config::from_lookup(Runtime::Server, |name| match name {
        "DATABASE_URL" => Some(url.to_owned()),
        "JWT_SECRET" => Some(server::JWT_SECRET.to_owned()),
        "BCRYPT_COST" => Some(plan.bcrypt_cost.to_string()),
        _ => None,
    })
    .expect("bench config");
    let state = AppState::from_config(config).expect("open store");
    state.store.migrate().await.expect("migrate");
    let seeding = Instant::now();
    let fixture = seed::seed(&state, plan.users, plan.tasks_per_user).await;
    let seed_time = seeding.elapsed();

    let ceilings = if store == "Postgres" {
        let pool = sqlx::PgPool::connect(url).await.expect("connect bench database");
        pgbench::prepare(&pool, &fixture, &state).await;
        eprintln!("== {store}: pgbench ceilings");
        pgbench::SCRIPTS
            .iter()
            .map(|&script| pgbench::run(url, script, plan.users, CONNECTIONS, plan.duration))
            .collect()
    } else {
        Vec::new()
    };

    let server = server::Server::start(&plan.server, url).await;
    let startup = server.startup;
    let mut endpoints = Vec::new();
    for op in [Op::List, Op::GetOne, Op::Create, Op::Update, Op::Toggle, Op::Delete, Op::Signin] {
        eprintln!("== {store}: {}", op.label());
        endpoints.push((op, measured(&server, fixture.clone(), op, CONNECTIONS, plan.duration).await));
    }
    let signin_single = load::run(server.port, fixture.clone(), Op::Signin, 1, plan.duration).await;
    let list_alone_32 = load::run(server.port, fixture.clone(), Op::List, 32, plan.duration).await;
    let storm = tokio::spawn(load::run(server.port, fixture.clone(), Op::Signin, 32, plan.duration));
    let list_during_storm_32 = load::run(server.port, fixture.clone(), Op::List, 32, plan.duration).await;
    let _ = storm.await;
    let peak_rss_mib = server.peak_rss_mib();
    eprintln!("== {store}: soak, {} rounds of {} s", soak::ROUNDS, plan.soak_round.as_secs());
    // Accounts of their own, which start at the seeded size, and sessions the signin
    // runs above cannot have trimmed.
    let soak_fixture = seed::seed(&state, plan.users, plan.tasks_per_user).await;
    let activity = if store == "Postgres" {
        Some(sqlx::PgPool::connect(url).await.expect("connect bench database"))
    } else {
        None
    };
    let soak = soak::run(&server, soak_fixture, CONNECTIONS, plan.soak_round, activity.as_ref()).await;
    eprintln!("== {store}: the list at {:?} tasks per account", plan.sizes.accounts);
    let growth = growth::measure(&state, &server, plan.sizes).await;
    drop(server);
    let statements = if store == "Postgres" {
        eprintln!("== {store}: statements per request");
        Some(statements::count(&plan.server, url, &state, plan.counted_requests).await)
    } else {
        None
    };

    StoreResult {
        store,
        seed_time,
        startup,
        endpoints,
        signin_single,
        bcrypt_verify: bcrypt_verify_time(plan.bcrypt_cost),
        list_alone_32,
        list_during_storm_32,
        peak_rss_mib,
        lambda_cold_start: lambda::cold_start(&plan.lambda, url, server::JWT_SECRET).await,
        ceilings,
        soak,
        growth,
        statements,
    }
}

/// A load run with the server's CPU time per request it answered.
async fn measured(
    server: &server::Server,
    fixture: std::sync::Arc<seed::Fixture>,
    op: Op,
    connections: usize,
    duration: Duration,
) -> Stats {
    let before = server.cpu_time();
    let mut stats = load::run(server.port, fixture, op, connections, duration).await;
    let used = server.cpu_time().saturating_sub(before);
    stats.cpu_per_request = used / u32::try_from(stats.requests.max(1)).unwrap_or(u32::MAX);
    stats
}

/// The median of five bcrypt verifications at the seeded cost, the floor under a signin.
fn bcrypt_verify_time(cost: u32) -> Duration {
    let hash = bcrypt::hash(seed::PASSWORD, cost).expect("hash");
    let mut times: Vec<Duration> = (0..5)
        .map(|_| {
            let started = Instant::now();
            let _ = bcrypt::verify(seed::PASSWORD, &hash);
            started.elapsed()
        })
        .collect();
    times.sort();
    times[2]
}
