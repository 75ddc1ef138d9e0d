//! Live updates: the dashboard follows the changes feed from the cursor it took before
//! its first page, woken by the server's event stream (`/api/events`), by the other tabs
//! of this browser (`BroadcastChannel`), and by focus and `online`. Where the stream is
//! unavailable (Lambda, whose HTTP API buffers responses; a proxy that does the same) it
//! also reads the feed every `FEED_POLL_SECS`.
//!
//! All of it waits for the session to be confirmed: a dashboard opened while the app
//! still asks who is signed in shows its page at once (the page's preload), and a
//! session found gone then asks nothing more.

use contract::api::{Changes, ErrorCode};
use contract::policy::FEED_POLL_SECS;
use sycamore::prelude::*;
use web_sys::{BroadcastChannel, EventSource};

use super::board::Board;
use crate::api::ApiRequest;
use crate::live::Reads;
use crate::web::offline::copy;
use crate::web::spawn::Owner;
use crate::web::{dom, http};

const EVENTS_PATH: &str = "/api/events";
/// The channel the tabs of one browser tell each other on that they changed something.
const CHANNEL: &str = "tasks";

#[derive(Clone, Copy)]
pub struct Feed {
    board: Board,
    /// Where the next read starts; `None` until taken, and after it expired.
    cursor: Signal<Option<String>>,
    reads: Signal<Reads>,
    owner: Owner,
}

impl Feed {
    pub fn new(board: Board) -> Self {
        Self {
            board,
            cursor: create_signal(None),
            reads: create_signal(Reads::default()),
            owner: Owner::current(),
        }
    }

    /// Takes the cursor, then shows `page` (when given; the page may be on its way
    /// already): a change made after the cursor is read from the feed, so that none is
    /// missed.
    pub fn start(self, page: Option<u32>) {
        if self.reads.update(Reads::wake) {
            self.owner.spawn(async move {
                self.take_cursor().await;
                if let Some(page) = page {
                    self.board.show(page).await;
                }
                self.read_while_woken().await;
            });
        }
    }

    /// Reads the feed now, or right after the read under way.
    pub fn wake(self) {
        if self.reads.update(Reads::wake) {
            self.owner.spawn(async move {
                self.read().await;
                self.read_while_woken().await;
            });
        }
    }

    async fn read_while_woken(self) {
        while self.reads.update(Reads::done) {
            self.read().await;
        }
    }

    /// Reads every change since the cursor, page after page of the feed, then the page of
    /// tasks again if one of them calls for it. A failed read keeps the cursor, for the
    /// next wake-up to try again.
    async fn read(self) {
        let mut reread = false;
        loop {
            let Some(since) = self.cursor.get_clone_untracked() else {
                return self.resync(self.board.pager.get_untracked().page).await;
            };
            match http::fetch::<Changes>(ApiRequest::task_changes(Some(&since))).await {
                Ok(answer) => {
                    let more = answer.data.more;
                    self.set_cursor(Some(answer.data.cursor.clone()));
                    reread |= self.board.apply(answer.data);
                    if !more {
                        break;
                    }
                }
                // Older than the trash keeps deleted tasks: start afresh.
                Err(error) if error.code() == Some(ErrorCode::CursorExpired) => {
                    return self.resync(self.board.pager.get_untracked().page).await;
                }
                Err(_) => break,
            }
        }
        if reread {
            self.board.reread();
        }
    }

    /// The cursor for now; without the server, the one stored with the copy of the list,
    /// so that the changes made elsewhere meanwhile are read once it answers.
    async fn take_cursor(self) {
        let now = http::fetch::<Changes>(ApiRequest::task_changes(None)).await;
        let cursor = match now {
            Ok(now) => Some(now.data.cursor),
            Err(error) if error.is_unreachable() => match self.board.account() {
                Some(account) => copy::cursor(account).await,
                None => None,
            },
            Err(_) => None,
        };
        self.set_cursor(cursor);
    }

    fn set_cursor(self, cursor: Option<String>) {
        if let (Some(cursor), Some(account)) = (&cursor, self.board.account()) {
            self.owner.spawn(copy::save_cursor(account, cursor.clone()));
        }
        self.cursor.set(cursor);
    }

    /// A new cursor, then `page` as it is now.
    async fn resync(self, page: u32) {
        self.take_cursor().await;
        self.board.show(page).await;
    }
}

/// Wakes `feed` on every sign of a change, until the current scope (the dashboard) ends.
pub fn follow(feed: Feed) {
    let window = window();
    let stream = EventSource::new(EVENTS_PATH).ok();
    if let Some(stream) = &stream {
        // "open" covers a reconnect, after which changes may have gone unheard.
        dom::listen(stream, "open", move || feed.wake());
        dom::listen(stream, "tasks", move || feed.wake());
        let closing = stream.clone();
        on_cleanup(move || closing.close());
    }
    let stream_open = move || stream.as_ref().is_some_and(|s| s.ready_state() == EventSource::OPEN);
    dom::every(FEED_POLL_SECS * 1000, move || {
        if !stream_open() {
            feed.wake();
        }
    });
    dom::listen(&window, "focus", move || feed.wake());
    dom::listen(&window, "online", move || feed.wake());

    if let Ok(channel) = BroadcastChannel::new(CHANNEL) {
        dom::listen(&channel, "message", move || feed.wake());
        let board = feed.board;
        let telling = channel.clone();
        // Not on its first run, which is the dashboard opening, not a write.
        let first = create_signal(true);
        create_effect(move || {
            board.wrote.track();
            if first.get_untracked() {
                first.set(false);
            } else {
                // A message is a plain string; one that cannot be sent only costs the
                // other tabs the wait for the server's event.
                let _ = telling.post_message(&"changed".into());
            }
        });
        on_cleanup(move || channel.close());
    }
}
