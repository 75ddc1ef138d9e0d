//! The `server` binary as an operator runs it: configuration errors, `migrate`, serving
//! and graceful shutdown.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const SECRET: &str = "binary-test-secret-binary-test-secret";

struct Scratch(std::path::PathBuf);

impl Scratch {
    fn new() -> Self {
        let dir = std::env::temp_dir().join(format!("taskapp-bin-{}", uuid::Uuid::new_v4().simple()));
        std::fs::create_dir_all(&dir).expect("dir");
        Self(dir)
    }

    fn server(&self) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_server"));
        command
            .current_dir(&self.0)
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("JWT_SECRET", SECRET)
            .env("BCRYPT_COST", "4")
            .env("RUST_LOG", "warn");
        command
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").expect("bind").local_addr().expect("addr").port()
}

fn get(port: u16, path: &str) -> Option<String> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).ok()?;
    write!(stream, "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n").ok()?;
    let mut response = String::new();
    stream.read_to_string(&mut response).ok()?;
    Some(response)
}

fn wait_for_health(port: u16, child: &mut Child) -> String {
    let deadline = Instant::now() + Duration::from_secs(15);
    while Instant::now() < deadline {
        if let Some(response) = get(port, "/health") {
            return response;
        }
        assert!(child.try_wait().expect("status").is_none(), "server exited early");
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("server did not answer /health");
}

#[test]
fn a_bad_variable_stops_start_up_with_one_line_naming_it() {
    let scratch = Scratch::new();
    for (name, value) in [("PORT", "not-a-port"), ("JWT_SECRET", "short"), ("COOKIE_SECURE", "perhaps")] {
        let output = scratch.server().env(name, value).output().expect("run");
        assert_eq!(output.status.code(), Some(1), "{name}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
        assert!(stderr.contains(name), "{stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
    }
}

#[test]
fn migrate_creates_the_sqlite_database_and_exits() {
    let scratch = Scratch::new();
    let status = scratch.server().arg("migrate").status().expect("run");
    assert!(status.success());
    assert!(scratch.0.join("data/tasks.db").is_file(), "default DATABASE_URL is sqlite://data/tasks.db");
    let again = scratch.server().arg("migrate").status().expect("run");
    assert!(again.success(), "migrate is idempotent");
}

#[test]
fn an_unknown_command_fails_clearly() {
    let scratch = Scratch::new();
    let output = scratch.server().arg("frobnicate").output().expect("run");
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("frobnicate"));
}

#[test]
fn serves_then_shuts_down_gracefully_on_sigterm() {
    let scratch = Scratch::new();
    let port = free_port();
    let mut child = scratch
        .server()
        .env_remove("JWT_SECRET")
        .env("HOST", "127.0.0.1")
        .env("PORT", port.to_string())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn");
    let health = wait_for_health(port, &mut child);
    assert!(health.starts_with("HTTP/1.1 200"), "{health}");
    assert!(health.contains("\"database\":\"connected\""));

    let secret = scratch.0.join("data/jwt_secret");
    assert!(secret.is_file(), "a generated secret is kept in the data folder");

    let kill = Command::new("kill").args(["-TERM", &child.id().to_string()]).status().expect("kill");
    assert!(kill.success());
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        if let Some(status) = child.try_wait().expect("status") {
            assert!(status.success(), "{status}");
            break;
        }
        assert!(Instant::now() < deadline, "server ignored SIGTERM");
        std::thread::sleep(Duration::from_millis(50));
    }
}
