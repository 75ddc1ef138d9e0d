//! The release `server` binary under test, started as an operator would start it.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::http::Connection;

pub const JWT_SECRET: &str = "benchmark-secret-benchmark-secret-benchmark";

/// Above the largest account size the benchmark fills.
pub const MAX_TASKS_PER_USER: usize = 100_000;

pub struct Server {
    pub port: u16,
    pub startup: Duration,
    child: Child,
}

impl Server {
    pub async fn start(binary: &str, database_url: &str) -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("free port")
            .port();
        let started = Instant::now();
        let child = Command::new(binary)
            .env("DATABASE_URL", database_url)
            .env("JWT_SECRET", JWT_SECRET)
            .env("HOST", "127.0.0.1")
            .env("PORT", port.to_string())
            .env("STATIC_DIR", "/nonexistent")
            .env("RUST_LOG", "warn")
            .env("AUTH_RATE_LIMIT_PER_MINUTE", "100000000")
            .env("TASKS_RATE_LIMIT_PER_MINUTE", "100000000")
            // Room for the largest account the list is measured at.
            .env("MAX_TASKS_PER_USER", MAX_TASKS_PER_USER.to_string())
            .stdout(Stdio::null())
            .spawn()
            .expect("start the server binary");
        loop {
            if let Ok(mut connection) = Connection::open(port).await
                && connection.send("GET", "/health", None, None).await.is_ok_and(|r| r.status == 200)
            {
                break;
            }
            assert!(started.elapsed() < Duration::from_secs(30), "server did not become healthy");
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        Self { port, startup: started.elapsed(), child }
    }

    /// CPU time the process has used so far (user + system).
    pub fn cpu_time(&self) -> Duration {
        cpu_time_of(self.child.id())
    }

    /// Peak resident memory so far (`VmHWM`), in MiB.
    pub fn peak_rss_mib(&self) -> f64 {
        self.status_mib("VmHWM:")
    }

    /// Resident memory now (`VmRSS`), in MiB.
    pub fn rss_mib(&self) -> f64 {
        self.status_mib("VmRSS:")
    }

    /// Starts the peak over from the current resident memory (Linux: `5` into
    /// `/proc/<pid>/clear_refs`), so the next `peak_rss_mib` is the peak of what follows.
    pub fn reset_peak_rss(&self) {
        let _ = std::fs::write(format!("/proc/{}/clear_refs", self.child.id()), "5");
    }

    fn status_mib(&self, field: &str) -> f64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).unwrap_or_default();
        status
            .lines()
            .find_map(|line| line.strip_prefix(field))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
            .map_or(0.0, |kib| kib / 1024.0)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// CPU time process `pid` has used so far (user + system), from `/proc/<pid>/stat`.
pub fn cpu_time_of(pid: u32) -> Duration {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // Fields after the command name, which is in parentheses and may hold spaces.
    let fields: Vec<&str> = stat.rsplit_once(')').map_or("", |(_, rest)| rest).split_whitespace().collect();
    let ticks = |i: usize| fields.get(i).and_then(|v| v.parse::<u64>().ok()).unwrap_or(0);
    // utime and stime are fields 14 and 15 of the line (11 and 12 after the name),
    // counted in USER_HZ, which Linux fixes at 100 for every userspace interface.
    Duration::from_millis((ticks(11) + ticks(12)) * 10)
}
