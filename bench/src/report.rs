use std::fmt::Write;
use std::time::Duration;

use crate::op::Op;
use crate::pgbench::Script;
use crate::{Plan, StoreResult};

fn ms(d: Duration) -> String {
    format!("{:.1}", d.as_secs_f64() * 1000.0)
}

fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| {
            info.lines().find_map(|l| {
                l.strip_prefix("model name").map(|m| m.trim_start_matches([' ', '\t', ':']).to_owned())
            })
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism().map_or(0, usize::from);
    format!("{cores} cores, {cpu}")
}

fn commit() -> String {
    std::process::Command::new("git")
        .args(["rev-parse", "--short", "HEAD"])
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_default()
}

pub fn markdown(plan: &Plan, results: &[StoreResult]) -> String {
    let mut out = String::new();
    let mode = if plan.quick { "quick" } else { "full" };
    let _ = writeln!(
        out,
        "## {} — {mode} run, commit {}\n",
        chrono::Utc::now().format("%Y-%m-%d %H:%M UTC"),
        commit()
    );
    let _ = writeln!(out, "- Machine: {}", machine());
    let _ = writeln!(
        out,
        "- Command: `scripts/bench.sh{}` ({} users × {} tasks, {} connections, {} s per endpoint, server `{}`)\n",
        if plan.quick { " --quick" } else { "" },
        plan.users,
        plan.tasks_per_user,
        crate::CONNECTIONS,
        plan.duration.as_secs(),
        plan.server
    );
    for r in results {
        let _ = writeln!(out, "### {}\n", r.store);
        let _ = writeln!(out, "| endpoint | req/s | p50 ms | p95 ms | p99 ms | errors | server CPU µs/req |");
        let _ = writeln!(out, "|---|---:|---:|---:|---:|---:|---:|");
        for (op, s) in &r.endpoints {
            let _ = writeln!(
                out,
                "| {} | {:.0} | {} | {} | {} | {} | {:.0} |",
                op.label(),
                s.rps,
                ms(s.p50),
                ms(s.p95),
                ms(s.p99),
                s.errors,
                s.cpu_per_request.as_secs_f64() * 1e6
            );
        }
        let _ = writeln!(out);
        let rps = |op: Op| r.endpoints.iter().find(|(o, _)| *o == op).map_or(0.0, |(_, s)| s.rps);
        for ceiling in &r.ceilings {
            let against = match ceiling.script {
                Script::ListEssential | Script::ListSent => Some(Op::List),
                Script::CreateEssential | Script::CreateSent => Some(Op::Create),
                Script::Pick | Script::Page => None,
            };
            let ratio = against.map_or_else(String::new, |op| {
                format!(" → server/ceiling **{:.2}**", rps(op) / ceiling.tps.max(1.0))
            });
            let _ = writeln!(
                out,
                "- pgbench `-M prepared`, {} clients, {}: {:.0} tps{ratio}",
                crate::CONNECTIONS,
                ceiling.script.label(),
                ceiling.tps
            );
        }
        goals(&mut out, r);
        let _ = writeln!(
            out,
            "- Signin alone (1 connection): p50 {} ms against one bcrypt-{} verify of {} ms: overhead {} ms",
            ms(r.signin_single.p50),
            plan.bcrypt_cost,
            ms(r.bcrypt_verify),
            ms(r.signin_single.p50.saturating_sub(r.bcrypt_verify))
        );
        let _ = writeln!(
            out,
            "- GET list at 32 connections: p95 {} ms alone, {} ms during a 32-connection signin storm",
            ms(r.list_alone_32.p95),
            ms(r.list_during_storm_32.p95)
        );
        let _ = writeln!(out, "- Peak RSS of the server: {:.1} MiB", r.peak_rss_mib);
        let _ = writeln!(out, "- Start-up to the first 200 on /health: {} ms (`server`)", ms(r.startup));
        let _ = writeln!(
            out,
            "- Lambda cold start, `health` binary against a loopback runtime API: {}",
            r.lambda_cold_start.map_or_else(|| "no answer".to_owned(), |d| format!("{} ms", ms(d)))
        );
        let _ = writeln!(out, "- Seeding through the store: {:.1} s\n", r.seed_time.as_secs_f64());
    }
    out
}

/// The targets of issue 12, each marked met or missed from this run's own figures.
fn goals(out: &mut String, r: &StoreResult) {
    let mark = |met: bool| if met { "met" } else { "missed" };
    let list = r.endpoints.iter().find(|(op, _)| *op == Op::List).map(|(_, s)| s);
    if let (Some(list), Some(essential)) =
        (list, r.ceilings.iter().find(|c| c.script == Script::ListEssential))
    {
        let ratio = list.rps / essential.tps.max(1.0);
        let _ = writeln!(
            out,
            "- Goal, GET list ≥ 0.5 × its essential-SQL ceiling: {ratio:.2}, {}",
            mark(ratio >= 0.5)
        );
    }
    if let Some(list) = list {
        let cpu = list.cpu_per_request.as_secs_f64() * 1e6;
        let _ = writeln!(out, "- Goal, server CPU ≤ 60 µs per GET list: {cpu:.0} µs, {}", mark(cpu <= 60.0));
    }
    let slow: Vec<String> = r
        .endpoints
        .iter()
        .filter(|(op, s)| *op != Op::Signin && s.p95 >= op.p95_target())
        .map(|(op, s)| format!("{} ({} ms)", op.label(), ms(s.p95)))
        .collect();
    let _ = writeln!(
        out,
        "- Goal, p95 under 100 ms (GET, DELETE) and 200 ms (POST, PUT, PATCH) at {} connections, signin aside (bcrypt-bound by design): {}",
        crate::CONNECTIONS,
        if slow.is_empty() { "met".to_owned() } else { format!("missed by {}", slow.join(", ")) }
    );
    let _ = writeln!(
        out,
        "- Goal, peak RSS < 50 MB: {:.1} MiB, {}",
        r.peak_rss_mib,
        mark(r.peak_rss_mib * 1.048_576 < 50.0)
    );
}

/// Appends under the heading, newest first, so earlier runs stay for comparison.
pub fn append(path: &str, section: &str) {
    let existing = std::fs::read_to_string(path).unwrap_or_else(|_| "# Benchmark results\n\n".into());
    let (head, rest) = existing.split_once("\n## ").map_or((existing.as_str(), ""), |(h, r)| (h, r));
    let rest = if rest.is_empty() { String::new() } else { format!("## {rest}") };
    let _ = std::fs::write(path, format!("{}\n\n{section}\n{rest}", head.trim_end()));
}
