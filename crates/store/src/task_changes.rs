//! The decisions around a task write that need no database: what each kind of change
//! does to the count, how an `If-Match` travels into SQL, what a write that found no
//! row means, and what an idempotency key's earlier claim answers.

use contract::api::Task;
use contract::domain::{NewTask, TaskChange, TaskDescription};

use crate::{KeyedCreate, TaskRecord, TaskWrite};

/// A change of one task, as one transaction writes it.
#[derive(Clone, Copy)]
pub(crate) enum Step<'a> {
    Update(&'a TaskChange),
    Toggle,
    Trash,
    Restore,
}

impl Step<'_> {
    /// How the change moves the count of tasks outside the trash.
    pub(crate) fn count_change(self) -> i64 {
        match self {
            Self::Update(_) | Self::Toggle => 0,
            Self::Trash => -1,
            Self::Restore => 1,
        }
    }
}

/// Why a write's transaction wrote nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Refused {
    /// The count is at the cap (a restore).
    Full,
    /// The task's `WHERE` matched nothing: not there, or not at an expected version.
    NoRow,
}

/// The versions an `If-Match` accepts, as the conditional writes' SQL reads them:
/// `,3,7,`. An empty list (only weak or foreign tags) is `,,`, which no version matches.
pub(crate) fn versions_text(versions: &[i64]) -> String {
    let mut text = String::from(",");
    for version in versions {
        text.push_str(&version.to_string());
        text.push(',');
    }
    text
}

fn accepts(expected: Option<&[i64]>, version: i64) -> bool {
    expected.is_none_or(|versions| versions.contains(&version))
}

/// An edit, toggle or trash that wrote nothing, given the task as read afterwards: a
/// task still there was refused for its version.
pub(crate) fn unwritten(live: Option<TaskRecord>, expected: Option<&[i64]>) -> TaskWrite {
    match live {
        Some(task) if !accepts(expected, task.version) => TaskWrite::Stale(task),
        // Unconditional and still not written: it went (or changed hands) meanwhile.
        Some(_) | None => TaskWrite::Missing,
    }
}

/// A restore that wrote nothing (`full`: the cap stopped it), given the task as read
/// afterwards in the trash or, if not there, in the list. A task in the list is
/// answered as it is, as long as `If-Match` accepts it.
pub(crate) fn unrestored(
    full: bool,
    trashed: Option<TaskRecord>,
    live: Option<TaskRecord>,
    expected: Option<&[i64]>,
) -> TaskWrite {
    match (trashed, live) {
        (Some(task), _) | (None, Some(task)) if !accepts(expected, task.version) => TaskWrite::Stale(task),
        (Some(_), _) if full => TaskWrite::Full,
        // In the trash at an accepted version, yet not restored: it left the trash meanwhile.
        (Some(_), _) => TaskWrite::Missing,
        (None, Some(task)) => TaskWrite::Done(task),
        (None, None) => TaskWrite::Missing,
    }
}

/// What an idempotent create is compared by: its parsed fields, so that bodies that
/// mean the same (`"description": null` or left out, spaces around the title) are
/// the same request.
pub(crate) fn request_text(task: &NewTask) -> String {
    serde_json::json!({
        "title": task.title.as_str(),
        "description": task.description.as_ref().map(TaskDescription::as_str),
    })
    .to_string()
}

/// The answer a replay of the key sends: the task as its first create answered it.
pub(crate) fn answer_text(task: &TaskRecord) -> String {
    serde_json::to_string(&Task::from(task.clone())).expect("a task always serializes")
}

/// What a key already claimed answers this request.
pub(crate) fn replay(request: &str, first: &str, answer: Option<&str>) -> Result<KeyedCreate, sqlx::Error> {
    if request != first {
        return Ok(KeyedCreate::Reused);
    }
    let Some(answer) = answer else {
        return Ok(KeyedCreate::InProgress);
    };
    let task: Task = serde_json::from_str(answer).map_err(|e| sqlx::Error::Decode(Box::new(e)))?;
    Ok(KeyedCreate::Replayed(task.into()))
}

#[cfg(test)]
mod tests {
    use contract::api::CreateTaskRequest;
    use proptest::prelude::*;
    use uuid::Uuid;

    use super::*;

    fn task(version: i64) -> TaskRecord {
        let at = crate::now();
        TaskRecord {
            id: 1,
            user_id: Uuid::nil(),
            title: "Milk".into(),
            description: None,
            completed: false,
            created_at: at,
            updated_at: at,
            version,
        }
    }

    fn new_task(title: &str, description: Option<&str>) -> NewTask {
        CreateTaskRequest { title: title.into(), description: description.map(Into::into) }.parse().unwrap()
    }

    proptest! {
        #[test]
        fn the_versions_text_names_exactly_its_versions(versions in prop::collection::vec(0..10_000i64, 0..6), probe in 0..10_000i64) {
            let text = versions_text(&versions);
            prop_assert_eq!(text.contains(&format!(",{probe},")), versions.contains(&probe));
            prop_assert!(text.bytes().all(|b| b == b',' || b.is_ascii_digit()), "no LIKE wildcard");
        }
    }

    #[test]
    fn a_write_that_found_the_task_at_another_version_is_stale() {
        assert_eq!(unwritten(Some(task(3)), Some(&[2])), TaskWrite::Stale(task(3)));
        assert_eq!(unwritten(Some(task(3)), Some(&[])), TaskWrite::Stale(task(3)));
        assert_eq!(unwritten(None, Some(&[2])), TaskWrite::Missing);
        assert_eq!(unwritten(Some(task(3)), None), TaskWrite::Missing);
    }

    #[test]
    fn a_restore_is_refused_for_its_reason() {
        assert_eq!(unrestored(true, Some(task(2)), None, None), TaskWrite::Full);
        assert_eq!(unrestored(true, Some(task(2)), None, Some(&[1])), TaskWrite::Stale(task(2)));
        assert_eq!(unrestored(false, Some(task(2)), None, Some(&[1])), TaskWrite::Stale(task(2)));
        assert_eq!(unrestored(false, None, Some(task(4)), None), TaskWrite::Done(task(4)));
        assert_eq!(unrestored(true, None, Some(task(4)), Some(&[4])), TaskWrite::Done(task(4)));
        assert_eq!(unrestored(false, None, Some(task(4)), Some(&[3])), TaskWrite::Stale(task(4)));
        assert_eq!(unrestored(false, None, None, None), TaskWrite::Missing);
    }

    #[test]
    fn requests_that_mean_the_same_are_the_same() {
        assert_eq!(request_text(&new_task(" Milk ", None)), request_text(&new_task("Milk", None)));
        assert_ne!(request_text(&new_task("Milk", Some("2 l"))), request_text(&new_task("Milk", None)));
        assert_ne!(request_text(&new_task("Milk", Some(""))), request_text(&new_task("Milk ", Some("x"))));
    }

    #[test]
    fn a_claimed_key_replays_reuses_or_waits() {
        let request = request_text(&new_task("Milk", None));
        let answer = answer_text(&task(1));
        assert_eq!(replay(&request, &request, Some(&answer)).unwrap(), KeyedCreate::Replayed(task(1)));
        assert_eq!(replay(&request, "{}", Some(&answer)).unwrap(), KeyedCreate::Reused);
        assert_eq!(replay(&request, &request, None).unwrap(), KeyedCreate::InProgress);
        assert!(replay(&request, &request, Some("not json")).is_err());
    }
}
