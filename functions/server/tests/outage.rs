//! A real database outage: a Postgres that this test starts, stops and starts again
//! under write load, while the server keeps running.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::{Server, free_port, scratch, signup};

/// A throwaway cluster run by Debian's `initdb`/`pg_ctl`, as the `postgres` user when
/// the test runs as root (Postgres refuses to run as root).
struct Cluster {
    bin: PathBuf,
    dir: PathBuf,
    port: u16,
}

impl Cluster {
    fn create(root: &Path) -> Option<Self> {
        let bin = std::fs::read_dir("/usr/lib/postgresql")
            .ok()?
            .filter_map(|entry| entry.ok().map(|e| e.path().join("bin")))
            .find(|bin| bin.join("initdb").is_file());
        let Some(bin) = bin else {
            assert_ne!(std::env::var("CI").as_deref(), Ok("true"), "initdb is required in CI");
            eprintln!("skipping: no initdb under /usr/lib/postgresql");
            return None;
        };
        let dir = root.join("pg");
        std::fs::create_dir_all(&dir).expect("cluster dir");
        let cluster = Self { bin, dir, port: free_port() };
        cluster.chown();
        let data = cluster.dir.join("data");
        cluster.run("initdb", &["-D", path(&data), "-A", "trust", "-U", "postgres", "--no-sync"]);
        Some(cluster)
    }

    fn start(&self) {
        let options =
            format!("-p {} -k {} -c listen_addresses=127.0.0.1 -c fsync=off", self.port, path(&self.dir));
        let log = self.dir.join("log");
        let data = self.dir.join("data");
        self.run("pg_ctl", &["-D", path(&data), "-l", path(&log), "-o", &options, "-w", "start"]);
    }

    fn stop(&self) {
        let data = self.dir.join("data");
        self.run("pg_ctl", &["-D", path(&data), "-m", "immediate", "-w", "stop"]);
    }

    fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }

    fn chown(&self) {
        if is_root() {
            let status = Command::new("chown").args(["-R", "postgres:postgres", path(&self.dir)]).status();
            assert!(status.expect("chown").success());
        }
    }

    fn run(&self, tool: &str, args: &[&str]) {
        let program = self.bin.join(tool);
        let mut command = if is_root() {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--", path(&program)]);
            c
        } else {
            Command::new(&program)
        };
        let output = command.args(args).output().expect("run postgres tool");
        assert!(output.status.success(), "{tool}: {}", String::from_utf8_lossy(&output.stderr));
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let data = self.dir.join("data");
        let _ = Command::new(self.bin.join("pg_ctl"))
            .args(["-D", path(&data), "-m", "immediate", "stop"])
            .output();
        if is_root() {
            let _ = Command::new("runuser")
                .args([
                    "-u",
                    "postgres",
                    "--",
                    path(&self.bin.join("pg_ctl")),
                    "-D",
                    path(&data),
                    "-m",
                    "immediate",
                    "stop",
                ])
                .output();
        }
    }
}

fn path(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

fn is_root() -> bool {
    Command::new("id").arg("-u").output().is_ok_and(|o| o.stdout.starts_with(b"0\n"))
}

fn wait_until(limit: Duration, mut done: impl FnMut() -> bool) -> Option<Duration> {
    let started = Instant::now();
    while started.elapsed() < limit {
        if done() {
            return Some(started.elapsed());
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    None
}

#[test]
fn survives_a_database_outage_and_loses_no_acknowledged_write() {
    let scratch = scratch();
    // Let the postgres user reach the cluster folder inside the scratch folder.
    let _ = Command::new("chmod").args(["755", path(scratch.path())]).status();
    let Some(cluster) = Cluster::create(scratch.path()) else { return };
    cluster.start();
    let url = cluster.url();
    let mut server =
        Server::start(&scratch, &[("DATABASE_URL", &url), ("TASKS_RATE_LIMIT_PER_MINUTE", "100000")]);
    let token = signup(&server, "ann@example.com");

    let stop = Arc::new(AtomicBool::new(false));
    let acknowledged = Arc::new(Mutex::new(Vec::<i64>::new()));
    let writers: Vec<_> = (0..4)
        .map(|w| {
            let (stop, acknowledged, token, port) =
                (stop.clone(), acknowledged.clone(), token.clone(), server.port);
            std::thread::spawn(move || {
                let mut n = 0;
                while !stop.load(Ordering::Relaxed) {
                    n += 1;
                    let body = format!(r#"{{"title": "writer {w} task {n}"}}"#);
                    if let Some(res) = common::request_within(
                        common::PATIENT,
                        port,
                        "POST",
                        "/api/tasks",
                        Some(&body),
                        Some(&token),
                    ) && res.status == 201
                    {
                        let id = res.json()["data"]["id"].as_i64().expect("id");
                        acknowledged.lock().expect("lock").push(id);
                    }
                }
            })
        })
        .collect();

    std::thread::sleep(Duration::from_secs(1));
    let before_outage = acknowledged.lock().expect("lock").len();
    assert!(before_outage > 0, "writes succeed while the database is up");

    cluster.stop();
    let to_503 =
        wait_until(Duration::from_secs(3), || server.call("GET", "/health", None, None).status == 503)
            .expect("health reports 503 within 3 s of the outage");
    // Until the breaker opens a call may wait out its 3 s bound; once open, refusals are immediate.
    let mut refusal_time = Duration::MAX;
    let opened = wait_until(Duration::from_secs(8), || {
        let started = Instant::now();
        let refused = server.call("POST", "/api/tasks", Some(r#"{"title": "during outage"}"#), Some(&token));
        refusal_time = started.elapsed();
        assert_eq!(refused.status, 500, "{refused:?} after {refusal_time:?}");
        assert_eq!(refused.json()["error"]["code"], "DB_ERROR");
        assert!(refusal_time < Duration::from_millis(3500), "bounded by the call timeout: {refusal_time:?}");
        refusal_time < Duration::from_millis(100)
    })
    .expect("the breaker opens and DB_ERROR comes at once");
    std::thread::sleep(Duration::from_secs(2));
    assert!(server.is_running(), "no panic, no exit");

    cluster.start();
    let recovery = wait_until(Duration::from_secs(10), || {
        server.call("GET", "/health", None, None).status == 200
            && server.call("POST", "/api/tasks", Some(r#"{"title": "after outage"}"#), Some(&token)).status
                == 201
    })
    .expect("the server recovers within 10 s without a restart");
    std::thread::sleep(Duration::from_millis(500));
    stop.store(true, Ordering::Relaxed);
    for writer in writers {
        writer.join().expect("writer thread");
    }

    let acknowledged = acknowledged.lock().expect("lock").clone();
    let mut found = std::collections::HashSet::new();
    for page in 1.. {
        let res = server.call("GET", &format!("/api/tasks?page={page}&limit=100"), None, Some(&token));
        assert_eq!(res.status, 200);
        let tasks = res.json()["data"].as_array().cloned().unwrap_or_default();
        if tasks.is_empty() {
            break;
        }
        found.extend(tasks.iter().filter_map(|t| t["id"].as_i64()));
    }
    let lost: Vec<_> = acknowledged.iter().filter(|id| !found.contains(id)).collect();
    eprintln!(
        "outage figures: 503 after {to_503:?}, breaker open after {opened:?} (DB_ERROR in {refusal_time:?}), \
         recovered in {recovery:?}, \
         {} writes acknowledged, {} found, {} rows in all",
        acknowledged.len(),
        acknowledged.len() - lost.len(),
        found.len()
    );
    assert!(lost.is_empty(), "acknowledged writes lost: {lost:?}");
}
