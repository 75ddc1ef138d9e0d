//! The account export as a stream: its tasks are read and written a page at a time, so
//! the answer's memory stays the same however many tasks the account holds.
//!
//! The bytes are those of serializing the whole `Success<AccountExport>` at once: the
//! envelope is serialized with no tasks and split where they go, and each page's tasks
//! are written in between, comma-separated, as serde writes a sequence.

use std::sync::Arc;

use axum::body::{Body, Bytes};
use backend::ApiError;
use contract::api::{AccountExport, Success, Task};
use futures_util::stream;
use store::{Store, StoreError, TaskRecord};
use uuid::Uuid;

/// Tasks read per store call: a few hundred kilobytes of JSON at most.
pub const EXPORT_PAGE_SIZE: u32 = 500;

/// Where the tasks go in the envelope. Inside a JSON string every `"` is escaped, so
/// this text can only be the `tasks` member itself.
const NO_TASKS: &str = r#""tasks":[]"#;

/// What the stream writes next.
enum Next {
    /// The page already read, which opens the list.
    First(Vec<TaskRecord>),
    /// The page after this id.
    After(i64),
    Tail,
    Done,
}

struct Pages {
    store: Arc<dyn Store>,
    user_id: Uuid,
    tail: Bytes,
    next: Next,
}

/// The answer's body: `envelope` (whose `tasks` is empty) with the user's tasks, the
/// `first` page of which the caller read, so that a database failure at the start
/// still answers in the API's error format.
pub fn stream(
    store: Arc<dyn Store>,
    envelope: &AccountExport,
    first: Vec<TaskRecord>,
) -> Result<Body, ApiError> {
    let user_id = envelope.user.id;
    let whole = serde_json::to_string(&Success::new(envelope)).map_err(ApiError::internal)?;
    let (head, tail) = whole.split_once(NO_TASKS).ok_or_else(|| ApiError::internal("no tasks member"))?;
    let head = Bytes::from(format!("{head}\"tasks\":["));
    let tail = Bytes::from(format!("]{tail}"));
    let pages = Pages { store, user_id, tail, next: Next::First(first) };
    let tasks = stream::try_unfold(pages, |mut pages| async move {
        let chunk = match std::mem::replace(&mut pages.next, Next::Done) {
            Next::First(page) => pages.write(page, true)?,
            Next::After(id) => {
                let page = pages.store.tasks_after(pages.user_id, id, EXPORT_PAGE_SIZE).await.inspect_err(
                    |e| tracing::error!(event = "export_failed", error = %e, "export cut short"),
                )?;
                pages.write(page, false)?
            }
            Next::Tail => pages.tail.clone(),
            Next::Done => return Ok(None),
        };
        Ok::<_, ExportError>(Some((chunk, pages)))
    });
    let opening = stream::once(async move { Ok::<_, ExportError>(head) });
    Ok(Body::from_stream(futures_util::StreamExt::chain(opening, tasks)))
}

impl Pages {
    /// One page's tasks as JSON, a comma before each but the list's first; and what
    /// follows it: the next page, or the tail after a short (last) one.
    fn write(&mut self, page: Vec<TaskRecord>, opens: bool) -> Result<Bytes, ExportError> {
        self.next = match page.last() {
            Some(last) if page.len() == EXPORT_PAGE_SIZE as usize => Next::After(last.id),
            _ => Next::Tail,
        };
        let mut json = Vec::with_capacity(page.len() * 256);
        for (n, record) in page.into_iter().enumerate() {
            if n > 0 || !opens {
                json.push(b',');
            }
            serde_json::to_writer(&mut json, &Task::from(record))?;
        }
        Ok(Bytes::from(json))
    }
}

/// Why the stream stopped: the client then sees a cut answer, never a short list.
#[derive(Debug, thiserror::Error)]
enum ExportError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Json(#[from] serde_json::Error),
}
