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
        growth(&mut out, r);
        soak(&mut out, plan, r);
        statements(&mut out, r);
    }
    out
}

fn ms2(d: Duration) -> String {
    format!("{:.2}", d.as_secs_f64() * 1000.0)
}

/// The list at each account size, the deep pages, the feed and the export.
fn growth(out: &mut String, r: &StoreResult) {
    let g = &r.growth;
    let _ = writeln!(
        out,
        "#### {}: the list as accounts grow (filled through the API in {:.1} s; one client, median of each)\n",
        r.store,
        g.fill_time.as_secs_f64()
    );
    let _ = writeln!(out, "| tasks in the account | GET /api/tasks?limit=10&page=1, ms | × the smallest |");
    let _ = writeln!(out, "|---:|---:|---:|");
    let base = g.first_page.first().map_or(Duration::ZERO, |(_, d)| *d);
    for (size, median) in &g.first_page {
        let _ = writeln!(out, "| {size} | {} | {:.2} |", ms2(*median), ratio(*median, base));
    }
    let largest = g.first_page.last().map_or(0, |(size, _)| *size);
    let pages: Vec<String> =
        g.deep_pages.iter().map(|(page, d)| format!("page {page}: {} ms", ms2(*d))).collect();
    let _ = writeln!(out, "\n- Deep pages at {largest} tasks (limit 10): {}", pages.join(", "));
    let deepest = g.deep_pages.iter().take_while(|(_, d)| *d < crate::growth::DEEP_PAGE_BOUND).last();
    let _ = writeln!(
        out,
        "- Deepest page measured under {} ms at {largest} tasks: {}",
        ms2(crate::growth::DEEP_PAGE_BOUND),
        deepest.map_or_else(
            || "none".to_owned(),
            |(page, _)| format!("page {page} (offset {})", (page - 1) * 10)
        )
    );
    match &g.feed {
        Some(feed) => {
            let at: Vec<String> =
                feed.iter().map(|(size, d)| format!("{} ms at {size} tasks", ms2(*d))).collect();
            let _ = writeln!(out, "- Changes feed, one change since the cursor: {}", at.join(", "));
        }
        None => {
            let _ = writeln!(out, "- Changes feed: not on this commit");
        }
    }
    let e = &g.export;
    let _ = writeln!(
        out,
        "- Export of {} tasks: {:.1} MB in {} ms; server RSS {:.1} MiB before, peak {:.1} MiB during it",
        e.tasks,
        e.bytes as f64 / 1e6,
        ms(e.took),
        e.rss_before_mib,
        e.peak_rss_mib
    );
    let within = base > Duration::ZERO && g.first_page.iter().all(|(_, d)| ratio(*d, base) <= 1.5);
    let _ = writeln!(
        out,
        "- Goal, page 1 within 1.5 × the {}-task time at every size: {}\n",
        g.first_page.first().map_or(0, |(size, _)| *size),
        if within { "met" } else { "missed" }
    );
}

fn ratio(d: Duration, base: Duration) -> f64 {
    d.as_secs_f64() / base.as_secs_f64().max(1e-9)
}

fn soak(out: &mut String, plan: &Plan, r: &StoreResult) {
    let _ = writeln!(
        out,
        "#### {}: soak, {} connections, 30 % creates and 70 % list reads, {} rounds of {} s\n",
        r.store,
        crate::CONNECTIONS,
        r.soak.len(),
        plan.soak_round.as_secs()
    );
    let _ = writeln!(
        out,
        "| round | req/s | p50 ms | p99 ms | non-2xx | server RSS MiB at its end | CPU µs/req: server / Postgres / load | checkpoints | autovacuum runs | WAL MiB | dead `users` rows |"
    );
    let _ = writeln!(out, "|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|");
    for (i, round) in r.soak.iter().enumerate() {
        let s = &round.stats;
        let [server, postgres, load] = round.cpu.map(|d| d.as_micros());
        let db = round.postgres.map_or_else(
            || "– | – | – | –".to_owned(),
            |a| format!("{} | {} | {:.0} | {}", a.checkpoints, a.autovacuums, a.wal_mib, a.users_dead),
        );
        let _ = writeln!(
            out,
            "| {} | {:.0} | {} | {} | {} | {:.1} | {server} / {postgres} / {load} | {db} |",
            i + 1,
            s.rps,
            ms(s.p50),
            ms(s.p99),
            s.errors,
            round.rss_mib
        );
    }
    if let (Some(first), Some(last)) = (r.soak.first(), r.soak.last()) {
        let held = last.stats.rps / first.stats.rps.max(1.0);
        let errors: usize = r.soak.iter().map(|round| round.stats.errors).sum();
        let flat = last.rss_mib <= first.rss_mib * 1.15;
        let _ = writeln!(
            out,
            "\n- Goal, the last round ≥ 0.8 × the first, no non-2xx, flat RSS (the last within 15 % of the first): {held:.2}, {errors} non-2xx, RSS {:.1} → {:.1} MiB, {}\n",
            first.rss_mib,
            last.rss_mib,
            if held >= 0.8 && errors == 0 && flat { "met" } else { "missed" }
        );
    }
}

fn statements(out: &mut String, r: &StoreResult) {
    let Some(counts) = &r.statements else { return };
    let _ = writeln!(
        out,
        "#### {}: statements per request (Execute and simple Query messages on the wire, requests one at a time)\n",
        r.store
    );
    let _ = writeln!(out, "| endpoint | statements per request, session cached |");
    let _ = writeln!(out, "|---|---:|");
    for (op, count) in &counts.cached {
        let count = count.map_or_else(|| "not on this commit".to_owned(), |c| format!("{c:.2}"));
        let _ = writeln!(out, "| {} | {count} |", op.label());
    }
    let _ = writeln!(
        out,
        "\n- GET list by a session the server has not cached yet: {:.2}",
        counts.list_first_use
    );
    let list = counts.cached.iter().find(|(op, _)| *op == Op::List).and_then(|(_, c)| *c).unwrap_or(0.0);
    let _ = writeln!(
        out,
        "- Goal, 1 statement per GET list when the session is cached: {list:.2}, {}\n",
        if (list - 1.0).abs() < 0.005 { "met" } else { "missed" }
    );
}

/// The targets of issues 12 and 29 (which raised the ceiling ratio to 0.9 and set the CPU
/// bound at 80 µs), each marked met or missed from this run's own figures.
fn goals(out: &mut String, r: &StoreResult) {
    let mark = |met: bool| if met { "met" } else { "missed" };
    let list = r.endpoints.iter().find(|(op, _)| *op == Op::List).map(|(_, s)| s);
    if let (Some(list), Some(essential)) =
        (list, r.ceilings.iter().find(|c| c.script == Script::ListEssential))
    {
        let ratio = list.rps / essential.tps.max(1.0);
        let _ = writeln!(
            out,
            "- Goal, GET list ≥ 0.9 × its essential-SQL ceiling: {ratio:.2}, {}",
            mark(ratio >= 0.9)
        );
    }
    if let Some(list) = list {
        let cpu = list.cpu_per_request.as_secs_f64() * 1e6;
        let _ = writeln!(out, "- Goal, server CPU ≤ 80 µs per GET list: {cpu:.0} µs, {}", mark(cpu <= 80.0));
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
