//! The `server` binary as an operator runs it: configuration errors, `migrate`, serving
//! and graceful shutdown.

mod common;

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{PATIENT, request_within, scratch, server_command};

#[test]
fn a_bad_variable_stops_start_up_with_one_line_naming_it() {
    let scratch = scratch();
    for (name, value) in [("PORT", "not-a-port"), ("JWT_SECRET", "short"), ("COOKIE_SECURE", "perhaps")] {
        let output = server_command(&scratch).env(name, value).output().expect("run");
        assert_eq!(output.status.code(), Some(1), "{name}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
        assert!(stderr.contains(name), "{stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
    }
}

#[test]
fn migrate_creates_the_sqlite_database_and_exits() {
    let scratch = scratch();
    let status = server_command(&scratch).arg("migrate").status().expect("run");
    assert!(status.success());
    assert!(scratch.path().join("data/tasks.db").is_file(), "default DATABASE_URL is sqlite://data/tasks.db");
    let again = server_command(&scratch).arg("migrate").status().expect("run");
    assert!(again.success(), "migrate is idempotent");
}

#[test]
fn an_unknown_command_fails_clearly() {
    let scratch = scratch();
    let output = server_command(&scratch).arg("frobnicate").output().expect("run");
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("frobnicate"));
}

#[test]
fn serves_then_shuts_down_gracefully_on_sigterm() {
    let scratch = scratch();
    let port = common::free_port();
    let mut child = server_command(&scratch)
        .env_remove("JWT_SECRET")
        .env("PORT", port.to_string())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn");
    let deadline = Instant::now() + Duration::from_secs(15);
    let health = loop {
        if let Some(res) = request_within(PATIENT, port, "GET", "/health", None, None) {
            break res;
        }
        assert!(Instant::now() < deadline && child.try_wait().expect("status").is_none(), "no answer");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert_eq!(health.status, 200);
    assert_eq!(health.json()["database"], "connected");

    let secret = scratch.path().join("data/jwt_secret");
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
