//! Runs the `server` binary as a process and talks plain HTTP/1.1 to it, the way an
//! operator's load balancer would.

#![allow(dead_code)]

pub mod sse;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub use testkit::{TempDir, free_port};

pub const SECRET: &str = "binary-test-secret-binary-test-secret";

/// A working folder for the server binary, removed on drop.
pub fn scratch() -> TempDir {
    TempDir::new("bin")
}

/// The server binary in `scratch`, with a clean environment and test-friendly settings.
/// `SERVER_BINARY` names another build of it (the figures take the release build).
pub fn server_command(scratch: &TempDir) -> Command {
    let binary = std::env::var("SERVER_BINARY").unwrap_or_else(|_| env!("CARGO_BIN_EXE_server").to_owned());
    let mut command = Command::new(binary);
    command
        .current_dir(scratch.path())
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("JWT_SECRET", SECRET)
        .env("BCRYPT_COST", "4")
        .env("HOST", "127.0.0.1")
        .env("RUST_LOG", "warn");
    command
}

/// A running server, killed on drop.
pub struct Server {
    pub port: u16,
    pub child: Child,
}

impl Server {
    pub fn start(scratch: &TempDir, vars: &[(&str, &str)]) -> Self {
        Self::start_with_log(scratch, vars, Stdio::null())
    }

    /// Like `start`, with the server's log (its standard output) in
    /// `scratch/server.log`; read it with `log`.
    pub fn start_logged(scratch: &TempDir, vars: &[(&str, &str)]) -> Self {
        let log = std::fs::File::create(scratch.path().join("server.log")).expect("log file");
        Self::start_with_log(scratch, vars, Stdio::from(log))
    }

    fn start_with_log(scratch: &TempDir, vars: &[(&str, &str)], log: Stdio) -> Self {
        let port = free_port();
        let mut command = server_command(scratch);
        command.env("PORT", port.to_string()).stdout(log).stderr(Stdio::null());
        for (name, value) in vars {
            command.env(name, value);
        }
        let mut child = command.spawn().expect("spawn server");
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Some(res) = request_within(PATIENT, port, "GET", "/health", None, None)
                && res.status == 200
            {
                break;
            }
            assert!(child.try_wait().expect("status").is_none(), "server exited during start-up");
            assert!(Instant::now() < deadline, "server did not become healthy");
            std::thread::sleep(Duration::from_millis(50));
        }
        Self { port, child }
    }

    pub fn call(&self, method: &str, path: &str, body: Option<&str>, token: Option<&str>) -> Response {
        request_within(PATIENT, self.port, method, path, body, token).expect("server answered")
    }

    pub fn is_running(&mut self) -> bool {
        self.child.try_wait().expect("status").is_none()
    }
}

impl Server {
    pub fn log(&self, scratch: &TempDir) -> String {
        std::fs::read_to_string(scratch.path().join("server.log")).unwrap_or_default()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[derive(Debug)]
pub struct Response {
    pub status: u16,
    pub head: String,
    pub body: String,
}

impl Response {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or(serde_json::Value::Null)
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.head.lines().find_map(|line| {
            let (key, value) = line.split_once(':')?;
            key.eq_ignore_ascii_case(name).then(|| value.trim())
        })
    }
}

/// How long a patient client waits for an answer.
pub const PATIENT: Duration = Duration::from_secs(30);

/// One request on a fresh connection, given up (and the connection closed) after
/// `patience`; `None` when nothing answered.
pub fn request_within(
    patience: Duration,
    port: u16,
    method: &str,
    path: &str,
    body: Option<&str>,
    token: Option<&str>,
) -> Option<Response> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).ok()?;
    stream.set_read_timeout(Some(patience)).ok()?;
    let mut head = format!("{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n");
    if let Some(token) = token {
        head.push_str(&format!("Authorization: Bearer {token}\r\n"));
    }
    let body = body.unwrap_or_default();
    if !body.is_empty() {
        head.push_str("Content-Type: application/json\r\n");
    }
    head.push_str(&format!("Content-Length: {}\r\n\r\n", body.len()));
    stream.write_all(head.as_bytes()).ok()?;
    stream.write_all(body.as_bytes()).ok()?;
    let mut raw = String::new();
    stream.read_to_string(&mut raw).ok()?;
    let (head, body) = raw.split_once("\r\n\r\n")?;
    let status = head.split_whitespace().nth(1)?.parse().ok()?;
    Some(Response { status, head: head.to_owned(), body: body.to_owned() })
}

/// Signs a user up and returns the token.
pub fn signup(server: &Server, email: &str) -> String {
    let body =
        serde_json::json!({"email": email, "name": "Load Tester", "password": "correct horse"}).to_string();
    let res = server.call("POST", "/api/auth/signup", Some(&body), None);
    assert_eq!(res.status, 201, "{}", res.body);
    res.json()["data"]["token"].as_str().expect("token").to_owned()
}
