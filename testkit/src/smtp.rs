//! A real SMTP server on loopback for the mail tests: aiosmtpd (from PyPI, installed
//! by `scripts/install-mail-tools.sh`) writing what it receives into a maildir.

use std::net::{Ipv4Addr, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::TempDir;

/// One running aiosmtpd; stopped and its maildir removed on drop.
pub struct SmtpServer {
    pub port: u16,
    child: Child,
    maildir: PathBuf,
    _dir: TempDir,
}

/// A delivered message, with quoted-printable undone so links can be read.
#[derive(Debug, Clone)]
pub struct Mail {
    pub raw: String,
    pub decoded: String,
}

impl Mail {
    /// The token of the first password-reset link in the message, carried in the
    /// fragment (`#token=`) or, as older mail had it, in the query (`?token=`).
    pub fn reset_token(&self) -> Option<String> {
        let start = ["/reset-password#token=", "/reset-password?token="]
            .iter()
            .find_map(|marker| Some(self.decoded.find(marker)? + marker.len()))?;
        let token: String = self.decoded[start..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
            .collect();
        (!token.is_empty()).then_some(token)
    }

    /// The first reset link, origin included.
    pub fn reset_link(&self) -> Option<String> {
        let token = self.reset_token()?;
        let end = self.decoded.find(&token)? + token.len();
        let start = self.decoded[..end].rfind("http")?;
        Some(self.decoded[start..end].to_owned())
    }

    /// The plain-text and HTML parts, in that order.
    pub fn parts(&self) -> (&str, &str) {
        let text = self.decoded.find("Content-Type: text/plain").expect("a plain-text part");
        let html = self.decoded.find("Content-Type: text/html").expect("an HTML part");
        (&self.decoded[text..html], &self.decoded[html..])
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        let prefix = format!("{}:", name.to_ascii_lowercase());
        self.raw
            .lines()
            .take_while(|line| !line.is_empty())
            .find(|line| line.to_ascii_lowercase().starts_with(&prefix))
            .map(|line| line[prefix.len()..].trim())
    }
}

fn python() -> Option<PathBuf> {
    if let Ok(path) = std::env::var("TASKAPP_SMTP_PYTHON") {
        return Some(PathBuf::from(path));
    }
    let cache = std::env::var("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .or_else(|_| std::env::var("HOME").map(|home| PathBuf::from(home).join(".cache")))
        .ok()?;
    Some(cache.join("taskapp-tools/mail-venv/bin/python")).filter(|p| p.exists())
}

impl SmtpServer {
    /// Starts aiosmtpd on a free loopback port, or `None` (skip) when it is not
    /// installed and `CI` is not `true`.
    pub fn start() -> Option<Self> {
        let Some(python) = python() else {
            if std::env::var("CI").as_deref() == Ok("true") {
                panic!("aiosmtpd is required in CI: run scripts/install-mail-tools.sh");
            }
            eprintln!("skipping: aiosmtpd is not installed (scripts/install-mail-tools.sh)");
            return None;
        };
        let port = crate::free_port();
        // aiosmtpd makes the maildir's own folders only when the maildir is new.
        let dir = TempDir::new("mail");
        let maildir = dir.path().join("maildir");
        let child = Command::new(&python)
            .args(["-m", "aiosmtpd", "-n", "-l", &format!("127.0.0.1:{port}")])
            .args(["-c", "aiosmtpd.handlers.Mailbox"])
            .arg(&maildir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start aiosmtpd");
        let server = Self { port, child, maildir, _dir: dir };
        let deadline = Instant::now() + Duration::from_secs(10);
        while TcpStream::connect((Ipv4Addr::LOCALHOST, port)).is_err() {
            assert!(Instant::now() < deadline, "aiosmtpd did not listen on {port} within 10 s");
            std::thread::sleep(Duration::from_millis(50));
        }
        Some(server)
    }

    /// `SMTP_URL` for this server: plain SMTP, as to a local relay.
    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// Every message delivered so far, in delivery order.
    pub fn messages(&self) -> Vec<Mail> {
        let Ok(entries) = std::fs::read_dir(self.maildir.join("new")) else { return Vec::new() };
        let mut files: Vec<_> = entries
            .filter_map(Result::ok)
            .filter_map(|e| Some((e.metadata().ok()?.modified().ok()?, e.path())))
            .collect();
        files.sort();
        files
            .into_iter()
            .filter_map(|(_, path)| std::fs::read_to_string(path).ok())
            .map(|raw| Mail { decoded: decode_quoted_printable(&raw), raw })
            .collect()
    }

    /// Waits until at least `count` messages have arrived, for up to 10 s.
    pub async fn wait_for(&self, count: usize) -> Vec<Mail> {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let messages = self.messages();
            if messages.len() >= count {
                return messages;
            }
            assert!(Instant::now() < deadline, "expected {count} messages, got {}", messages.len());
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Soft line breaks and `=XX` escapes; everything else stays as it is.
fn decode_quoted_printable(raw: &str) -> String {
    let joined = raw.replace("=\r\n", "").replace("=\n", "");
    let bytes = joined.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes.get(i + 1..i + 3).and_then(|h| std::str::from_utf8(h).ok());
        match (bytes[i], hex.and_then(|h| u8::from_str_radix(h, 16).ok())) {
            (b'=', Some(byte)) if hex.is_some_and(|h| h.bytes().all(|b| !b.is_ascii_lowercase())) => {
                out.push(byte);
                i += 3;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Each test once per backend, on an app whose variables `$vars` builds from the SMTP
/// server's URL; skipped like the Postgres cases when aiosmtpd is not installed outside
/// CI.
#[macro_export]
macro_rules! mail_tests {
    (router = $router:path; vars = $vars:path; $(async fn $name:ident($app:ident, $smtp:ident) $body:block)*) => {
        $(
            mod $name {
                #[allow(unused_imports)]
                use super::*;

                #[tokio::test]
                async fn sqlite() {
                    let Some($smtp) = $crate::smtp::SmtpServer::start() else { return };
                    let url = $smtp.url();
                    let $app = $crate::TestApp::sqlite($router, &$vars(&url)).await;
                    $body
                }

                #[tokio::test]
                async fn postgres() {
                    let Some($smtp) = $crate::smtp::SmtpServer::start() else { return };
                    let url = $smtp.url();
                    let Some($app) = $crate::TestApp::postgres($router, &$vars(&url)).await else { return };
                    $body
                }
            }
        )*
    };
}
