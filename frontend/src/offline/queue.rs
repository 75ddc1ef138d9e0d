//! The queue of changes made while the server could not be reached: what each one is,
//! how it shows in the list before it is sent, the request that replays it, and what its
//! answer means.
//!
//! A change is replayed as the user made it, in order, once the server answers again:
//! - a create carries its `Idempotency-Key`, so that a create whose answer was lost is
//!   made once however often it is sent;
//! - an edit, toggle or delete carries the version it was made on (`If-Match`), so that a
//!   change made on another device meanwhile is never silently overwritten.
//!
//! Several changes of one task made offline were all made on the version the list
//! showed. Each one replayed moves the later ones of that task onto the version its
//! answer gave (`Queue::settled`), which survives a reload between two replays because
//! the queue is stored as it is rewritten.

use contract::api::{CreateTaskRequest, ErrorCode, Task, UpdateTaskRequest};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::api::{ApiError, ApiRequest};
use crate::optimistic::Change;

/// The task a queued change is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Target {
    /// A task the server has, by its id.
    Saved(i64),
    /// A task created offline, by the (negative) id it is listed under until its create
    /// is replayed.
    Local(i64),
}

impl Target {
    /// The id the list shows the task under.
    pub fn listed_id(self) -> i64 {
        match self {
            Self::Saved(id) | Self::Local(id) => id,
        }
    }
}

/// One change, as the user made it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Op {
    /// `at`: when it was made, in milliseconds since 1970 (as the browser counts them).
    Create {
        key: String,
        local: i64,
        request: CreateTaskRequest,
        at: i64,
    },
    Edit {
        task: Target,
        base: i64,
        request: UpdateTaskRequest,
    },
    Toggle {
        task: Target,
        base: i64,
        completed: bool,
    },
    Delete {
        task: Target,
        base: i64,
    },
    /// Undo of a delete: `shown` is the task as it was, for the list to show meanwhile.
    Restore {
        task: Target,
        shown: Box<Task>,
    },
}

impl Op {
    pub fn target(&self) -> Target {
        match self {
            Self::Create { local, .. } => Target::Local(*local),
            Self::Edit { task, .. } | Self::Toggle { task, .. } | Self::Delete { task, .. } => *task,
            Self::Restore { task, .. } => *task,
        }
    }

    fn base_mut(&mut self) -> Option<&mut i64> {
        match self {
            Self::Edit { base, .. } | Self::Toggle { base, .. } | Self::Delete { base, .. } => Some(base),
            Self::Create { .. } | Self::Restore { .. } => None,
        }
    }

    fn change(&self) -> Change {
        match self {
            Self::Create { .. } | Self::Edit { .. } => Change::Edit,
            Self::Toggle { .. } => Change::Toggle,
            Self::Delete { .. } => Change::Delete,
            Self::Restore { .. } => Change::Restore,
        }
    }

    /// The request that replays it, or `None` while it is about a task whose create has
    /// not been replayed yet (which cannot happen in order; kept so rather than guessed).
    pub fn request(&self) -> Option<ApiRequest> {
        let saved = |task: &Target| match task {
            Target::Saved(id) => Some(*id),
            Target::Local(_) => None,
        };
        Some(match self {
            Self::Create { key, request, .. } => ApiRequest::create_task(request, key),
            Self::Edit { task, base, request } => {
                ApiRequest::update_task(saved(task)?, request).if_match(*base)
            }
            Self::Toggle { task, base, .. } => ApiRequest::toggle_task(saved(task)?).if_match(*base),
            Self::Delete { task, base } => ApiRequest::delete_task(saved(task)?).if_match(*base),
            Self::Restore { task, .. } => ApiRequest::restore_task(saved(task)?),
        })
    }

    /// Whether `current`, the task as a refusal of this change says it is, already shows
    /// the change: its first send was applied and only the answer was lost.
    fn shown_in(&self, current: &Task) -> bool {
        match self {
            // As the server stores it: trimmed, an empty description none.
            Self::Edit { request, .. } => request.parse().is_ok_and(|change| {
                change.title.is_none_or(|title| title.as_str() == current.title)
                    && change
                        .description
                        .is_none_or(|d| d.as_ref().map(|d| d.as_str()) == current.description.as_deref())
                    && change.completed.is_none_or(|c| c == current.completed)
            }),
            Self::Toggle { completed, .. } => *completed == current.completed,
            Self::Create { .. } | Self::Delete { .. } | Self::Restore { .. } => false,
        }
    }
}

/// A queued change: the account it was made in, the task's title as the user saw it
/// (for a message about it), and its place in the queue (the key it is stored under,
/// which rises with each change; not in the stored text).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    #[serde(skip)]
    pub seq: u32,
    pub account: Uuid,
    pub title: String,
    pub op: Op,
}

impl Entry {
    /// The entry stored under `seq` as `text`; `None` for a text this version of the app
    /// cannot read, which is dropped rather than replayed as something else.
    pub fn parse(seq: u32, text: &str) -> Option<Self> {
        serde_json::from_str::<Self>(text).ok().map(|entry| Self { seq, ..entry })
    }

    pub fn text(&self) -> String {
        // Strings, numbers and bools only: serializing cannot fail.
        serde_json::to_string(self).unwrap_or_default()
    }

    /// What the answer to replaying it means.
    pub fn verdict(&self, answer: Result<Option<Task>, ApiError>) -> Verdict {
        verdict(&self.op, &self.title, answer)
    }
}

/// The (negative) id a task created offline is listed under until the server gives it
/// one: from the time and a random number, so that two tabs never pick the same.
pub fn local_id(now_ms: f64, random: f64) -> i64 {
    // Milliseconds since 1970 times a thousand stay far inside an i64.
    -((now_ms.max(1.0) as i64) * 1000 + (random.clamp(0.0, 0.999) * 1000.0) as i64)
}

/// What one replay's answer means for the queue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Done: the entry leaves the queue. With the task as the server now has it, if the
    /// answer said.
    Done(Option<Task>),
    /// The server refused the change for good: the entry leaves the queue, and the user
    /// is told. `current` is the task as another device left it, for a conflict.
    Refused { message: String, current: Option<Task> },
    /// The session is gone: the queue stays, and the user is asked to sign in again.
    SignIn,
    /// Not now (no answer, the server in trouble, the rate limit): the queue stays as it
    /// is, for the next try.
    Later,
}

/// What the answer to replaying `op` means. `title` names the task in a message.
fn verdict(op: &Op, title: &str, answer: Result<Option<Task>, ApiError>) -> Verdict {
    let error = match answer {
        Ok(task) => return Verdict::Done(task),
        Err(error) => error,
    };
    match error.code() {
        None => Verdict::Later,
        Some(ErrorCode::Unauthorized) => Verdict::SignIn,
        Some(
            ErrorCode::RateLimited
            | ErrorCode::RequestInProgress
            | ErrorCode::DbError
            | ErrorCode::ServerError
            | ErrorCode::Timeout,
        ) => Verdict::Later,
        Some(ErrorCode::PreconditionFailed) => match error.current() {
            Some(current) if op.shown_in(current) => Verdict::Done(Some(current.clone())),
            current => Verdict::Refused {
                message: crate::optimistic::stale_message(op.change(), title),
                current: current.cloned(),
            },
        },
        // In the trash already, or gone: what a delete or a restore whose answer was
        // lost finds.
        Some(ErrorCode::NotFound) if matches!(op, Op::Delete { .. } | Op::Restore { .. }) => {
            Verdict::Done(None)
        }
        Some(_) => {
            let message = match op {
                Op::Create { .. } => format!("Could not add “{title}”. {error}"),
                other => crate::optimistic::undone_message(other.change(), title, &error),
            };
            Verdict::Refused { message, current: None }
        }
    }
}

/// The queue as stored, oldest first.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Queue(pub Vec<Entry>);

impl Queue {
    /// Whether a change of the task listed as `id` waits to be sent.
    pub fn waits_for(&self, id: i64) -> bool {
        self.0.iter().any(|entry| entry.op.target().listed_id() == id)
    }

    /// The first entry to replay for `account`.
    pub fn next(&self, account: Uuid) -> Option<&Entry> {
        self.0.iter().find(|entry| entry.account == account)
    }

    /// The queue once `done` has left it and `rewritten` took the place of its entries.
    pub fn without(&self, done: &Entry, rewritten: Vec<Entry>) -> Self {
        let mut entries: Vec<Entry> = self.0.iter().filter(|e| e.seq != done.seq).cloned().collect();
        for entry in rewritten {
            if let Some(slot) = entries.iter_mut().find(|e| e.seq == entry.seq) {
                *slot = entry;
            }
        }
        Self(entries)
    }

    /// The later entries that the answer to `done` rewrites, as they must now be stored:
    /// a created task's later changes name its real id and version; a changed task's
    /// later changes, made on the version `done` was made on, move to the version its
    /// answer gave.
    pub fn settled(&self, done: &Entry, result: Option<&Task>) -> Vec<Entry> {
        let Some(result) = result else { return Vec::new() };
        let (from, base) = match &done.op {
            Op::Create { local, .. } => (Target::Local(*local), None),
            Op::Edit { task, base, .. } | Op::Toggle { task, base, .. } | Op::Delete { task, base } => {
                (*task, Some(*base))
            }
            Op::Restore { task, .. } => (*task, None),
        };
        let mut rewritten = Vec::new();
        for entry in self.0.iter().filter(|e| e.seq > done.seq && e.op.target() == from) {
            let mut entry = entry.clone();
            retarget(&mut entry.op, Target::Saved(result.id));
            if let Some(later) = entry.op.base_mut()
                && (base.is_none() || base == Some(*later))
            {
                *later = result.version;
            }
            rewritten.push(entry);
        }
        rewritten
    }

    /// Shows the queue's changes in `tasks`, the page `page` as the server (or the stored
    /// copy) gave it: creates at the head of the first page, then every later change in
    /// order. A task made offline whose create has been sent since goes: the server's
    /// copy of it comes with the next read.
    pub fn overlay(&self, tasks: &mut Vec<Task>, page: u32, account: Uuid) {
        tasks.retain(|task| task.id > 0 || self.waits_for(task.id));
        for entry in self.0.iter().filter(|e| e.account == account) {
            apply(tasks, entry, page);
        }
    }
}

fn retarget(op: &mut Op, to: Target) {
    match op {
        Op::Edit { task, .. }
        | Op::Toggle { task, .. }
        | Op::Delete { task, .. }
        | Op::Restore { task, .. } => {
            *task = to;
        }
        Op::Create { .. } => {}
    }
}

/// Puts `task`, the server's answer to the create of the task listed as `local`, in its
/// place. A read between the create's first, lost answer and this one may have listed
/// the server's copy already: then the one made offline only goes, so that no task is
/// listed twice.
pub fn created(tasks: &mut Vec<Task>, local: i64, task: Task) {
    if tasks.iter().any(|t| t.id == task.id) {
        tasks.retain(|t| t.id != local);
    } else if let Some(shown) = tasks.iter_mut().find(|t| t.id == local) {
        *shown = task;
    }
}

/// Shows one queued change in `tasks`, the page `page` of the list (newest, that is
/// highest id, first).
pub fn apply(tasks: &mut Vec<Task>, entry: &Entry, page: u32) {
    let listed = |tasks: &[Task], target: Target| tasks.iter().position(|t| t.id == target.listed_id());
    match &entry.op {
        Op::Create { local, request, at, .. } => {
            if page == 1 && listed(tasks, Target::Local(*local)).is_none() {
                let at = chrono::DateTime::from_timestamp_millis(*at).unwrap_or_default();
                tasks.insert(
                    0,
                    Task {
                        id: *local,
                        user_id: entry.account,
                        title: request.title.clone(),
                        description: request.description.clone(),
                        completed: false,
                        created_at: at,
                        updated_at: at,
                        version: 0,
                    },
                );
            }
        }
        Op::Edit { task, request, .. } => {
            if let Some(at) = listed(tasks, *task) {
                let shown = &mut tasks[at];
                if let Some(Some(title)) = &request.title {
                    shown.title.clone_from(title);
                }
                if let Some(description) = &request.description {
                    shown.description.clone_from(description);
                }
                if let Some(completed) = request.completed {
                    shown.completed = completed;
                }
            }
        }
        Op::Toggle { task, completed, .. } => {
            if let Some(at) = listed(tasks, *task) {
                tasks[at].completed = *completed;
            }
        }
        Op::Delete { task, .. } => {
            if let Some(at) = listed(tasks, *task) {
                tasks.remove(at);
            }
        }
        Op::Restore { task, shown } => {
            if listed(tasks, *task).is_none() {
                let at = tasks.iter().position(|t| t.id < shown.id).unwrap_or(tasks.len());
                tasks.insert(at, Task { id: task.listed_id(), ..(**shown).clone() });
            }
        }
    }
}

#[cfg(test)]
mod tests;
