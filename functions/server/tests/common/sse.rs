//! A client of `/api/events` on a plain socket, reading the chunked body as it comes,
//! the way a browser's `EventSource` does.

use std::io::{ErrorKind, Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

/// What the stream said next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Item {
    /// An event: its `event:` name and its `data:`.
    Event { name: String, data: String },
    /// A comment line (`: …`), the heartbeat.
    Comment(String),
    /// The server ended the body.
    Closed,
}

pub struct EventStream {
    socket: TcpStream,
    pub status: u16,
    pub head: String,
    /// Bytes of the body not yet decoded from their chunks.
    raw: Vec<u8>,
    /// Decoded body text not yet split into messages.
    text: String,
    ended: bool,
}

impl EventStream {
    /// `GET /api/events` with the Bearer `token`, plus `extra` header lines.
    pub fn open(port: u16, token: &str, extra: &[&str]) -> Self {
        let mut socket = TcpStream::connect(("127.0.0.1", port)).expect("connect");
        let mut request = format!(
            "GET /api/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\
             Authorization: Bearer {token}\r\n"
        );
        for line in extra {
            request.push_str(&format!("{line}\r\n"));
        }
        request.push_str("\r\n");
        socket.write_all(request.as_bytes()).expect("send");
        let mut stream = Self {
            socket,
            status: 0,
            head: String::new(),
            raw: Vec::new(),
            text: String::new(),
            ended: false,
        };
        let deadline = Instant::now() + Duration::from_secs(10);
        while !stream.raw.windows(4).any(|w| w == b"\r\n\r\n") {
            assert!(stream.fill(deadline), "no response head within 10 s");
        }
        let end = stream.raw.windows(4).position(|w| w == b"\r\n\r\n").expect("head") + 4;
        stream.head = String::from_utf8_lossy(&stream.raw[..end]).into_owned();
        stream.raw.drain(..end);
        stream.status = stream.head.split_whitespace().nth(1).and_then(|s| s.parse().ok()).expect("status");
        stream
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.head.lines().find_map(|line| {
            let (key, value) = line.split_once(':')?;
            key.eq_ignore_ascii_case(name).then(|| value.trim())
        })
    }

    /// The next item before `deadline`, or `None` if nothing came by then.
    pub fn next_before(&mut self, deadline: Instant) -> Option<Item> {
        loop {
            self.decode_chunks();
            if let Some(item) = self.take_message() {
                return Some(item);
            }
            if self.ended {
                return Some(Item::Closed);
            }
            if !self.fill(deadline) {
                return None;
            }
        }
    }

    /// The next event (heartbeats skipped) within `patience`: `None` if none came, and
    /// `Some(Item::Closed)` if the stream ended first.
    pub fn next_event(&mut self, patience: Duration) -> Option<Item> {
        let deadline = Instant::now() + patience;
        loop {
            match self.next_before(deadline)? {
                Item::Comment(_) => continue,
                item => return Some(item),
            }
        }
    }

    /// Reads what arrives before `deadline`; `false` when nothing did (or the socket
    /// closed, which `ended` then says).
    fn fill(&mut self, deadline: Instant) -> bool {
        let Some(left) = deadline.checked_duration_since(Instant::now()).filter(|d| !d.is_zero()) else {
            return false;
        };
        self.socket.set_read_timeout(Some(left)).expect("timeout");
        let mut buf = [0u8; 16 * 1024];
        match self.socket.read(&mut buf) {
            Ok(0) => {
                self.ended = true;
                false
            }
            Ok(n) => {
                self.raw.extend_from_slice(&buf[..n]);
                true
            }
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => false,
            Err(_) => {
                self.ended = true;
                false
            }
        }
    }

    /// Moves every complete chunk from `raw` to `text`; the last chunk ends the body.
    fn decode_chunks(&mut self) {
        if self.status == 0 {
            return;
        }
        loop {
            let Some(line_end) = self.raw.windows(2).position(|w| w == b"\r\n") else { return };
            let size_text = String::from_utf8_lossy(&self.raw[..line_end]).into_owned();
            let size = usize::from_str_radix(size_text.split(';').next().unwrap_or_default().trim(), 16)
                .unwrap_or_else(|_| panic!("a chunk size, not {size_text:?}"));
            if size == 0 {
                self.ended = true;
                self.raw.clear();
                return;
            }
            let start = line_end + 2;
            if self.raw.len() < start + size + 2 {
                return;
            }
            self.text.push_str(&String::from_utf8_lossy(&self.raw[start..start + size]));
            self.raw.drain(..start + size + 2);
        }
    }

    /// One whole message (up to a blank line) from `text`.
    fn take_message(&mut self) -> Option<Item> {
        let end = self.text.find("\n\n")?;
        let message: String = self.text.drain(..end + 2).collect();
        let (mut name, mut data, mut comment) = (String::new(), Vec::new(), None);
        for line in message.lines() {
            if let Some(text) = line.strip_prefix(':') {
                comment = Some(text.trim_start().to_owned());
            } else if let Some(value) = line.strip_prefix("event:") {
                name = value.trim_start().to_owned();
            } else if let Some(value) = line.strip_prefix("data:") {
                data.push(value.trim_start().to_owned());
            }
        }
        match comment {
            Some(text) if name.is_empty() && data.is_empty() => Some(Item::Comment(text)),
            _ => Some(Item::Event { name, data: data.join("\n") }),
        }
    }
}
