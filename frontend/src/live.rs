//! Keeping the page of tasks on screen in step with changes made elsewhere (another
//! device, another tab), as the changes feed reports them.
//!
//! The feed names tasks, not pages: a task edited or toggled elsewhere is changed where it
//! is listed, at once; anything that changes which tasks the page holds (a task new to
//! it, restored, or trashed) has the same page read again, which keeps the user on it.

use std::collections::BTreeMap;

use contract::api::{Changes, Task};

/// Puts `incoming` in place of the listed task with its id, unless the list already has
/// that version or a later one (answers and feed reads may arrive out of order). Returns
/// whether the task is listed.
pub fn merge(tasks: &mut [Task], incoming: Task) -> bool {
    match tasks.iter_mut().find(|t| t.id == incoming.id) {
        Some(listed) => {
            if incoming.version >= listed.version {
                *listed = incoming;
            }
            true
        }
        None => false,
    }
}

/// Applies one answer of the feed to the listed tasks. Returns whether the page must be
/// read again, because a change may have moved tasks onto it, off it, or changed the
/// total.
pub fn apply(tasks: &mut Vec<Task>, changes: Changes) -> bool {
    let mut reread = !changes.deleted.is_empty();
    tasks.retain(|task| !changes.deleted.contains(&task.id));
    for task in changes.changed {
        reread |= !merge(tasks, task);
    }
    reread
}

/// One read of the feed at a time. A wake-up during a read (an event, a poll, another
/// tab) asks for one more read after it, never a second read beside it, which could
/// apply an older answer over a newer one.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Reads {
    running: bool,
    again: bool,
}

impl Reads {
    /// Whether to start a read now.
    pub fn wake(&mut self) -> bool {
        if self.running {
            self.again = true;
            false
        } else {
            self.running = true;
            true
        }
    }

    /// A read ended: whether to read once more, for a wake-up that came during it.
    pub fn done(&mut self) -> bool {
        self.running = std::mem::take(&mut self.again);
        self.running
    }
}

/// Toggles the user asked for that the API has not confirmed yet: task id → the
/// completion wanted. The list keeps what the API last said; the checkbox shows the wish.
/// One toggle per task is in flight at a time, sent with the version the list holds, so
/// that a quick second click is not taken for a change from another device.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Toggles(BTreeMap<i64, bool>);

impl Toggles {
    /// What the checkbox of `task` shows.
    pub fn shown(&self, task: &Task) -> bool {
        self.0.get(&task.id).copied().unwrap_or(task.completed)
    }

    /// The user flipped `task`'s checkbox. Returns whether a toggle must be sent now, i.e.
    /// none is in flight for it.
    pub fn flip(&mut self, task: &Task) -> bool {
        let wanted = !self.shown(task);
        self.0.insert(task.id, wanted).is_none()
    }

    /// After an answer about `task` (as the list now holds it): the version to send the
    /// next toggle with, while it still differs from the wish; `None` ends the wish.
    pub fn next(&mut self, task: &Task) -> Option<i64> {
        if self.0.get(&task.id).is_some_and(|wanted| *wanted != task.completed) {
            Some(task.version)
        } else {
            self.0.remove(&task.id);
            None
        }
    }

    /// Drops the wish for task `id`: the API refused it, or another device got there
    /// first.
    pub fn forget(&mut self, id: i64) {
        self.0.remove(&id);
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn task(id: i64, version: i64) -> Task {
        let at = "2026-11-25T13:00:00Z".parse().expect("a timestamp");
        Task {
            id,
            user_id: Default::default(),
            title: format!("Task {id} v{version}"),
            description: None,
            completed: false,
            created_at: at,
            updated_at: at,
            version,
        }
    }

    fn changes(changed: Vec<Task>, deleted: Vec<i64>) -> Changes {
        Changes { changed, deleted, cursor: "1.1".into(), more: false }
    }

    #[test]
    fn a_newer_version_replaces_an_older_one_but_not_the_reverse() {
        let mut tasks = vec![task(2, 3), task(1, 1)];
        assert!(merge(&mut tasks, task(2, 4)));
        assert_eq!(tasks[0].title, "Task 2 v4");
        assert!(merge(&mut tasks, task(2, 2)), "listed, though older");
        assert_eq!(tasks[0].title, "Task 2 v4", "an older answer does not undo a newer one");
        assert!(!merge(&mut tasks, task(9, 1)));
        assert_eq!(tasks.len(), 2, "merge never adds");
    }

    #[test]
    fn edits_to_listed_tasks_need_no_reread() {
        let mut tasks = vec![task(2, 1), task(1, 1)];
        assert!(!apply(&mut tasks, changes(vec![task(1, 2)], vec![])));
        assert_eq!(tasks[1].version, 2);
        assert!(!apply(&mut tasks, changes(vec![], vec![])));
    }

    #[test]
    fn new_and_trashed_tasks_reread_the_page() {
        let mut tasks = vec![task(2, 1), task(1, 1)];
        assert!(apply(&mut tasks, changes(vec![task(3, 1)], vec![])), "a task new to the page");
        assert_eq!(tasks.len(), 2, "placed by the reread, not guessed");
        assert!(apply(&mut tasks, changes(vec![], vec![2])));
        assert_eq!(tasks.iter().map(|t| t.id).collect::<Vec<_>>(), [1], "gone at once");
        assert!(apply(&mut tasks, changes(vec![], vec![77])), "the total changed");
    }

    #[test]
    fn reads_never_overlap_and_a_wake_during_one_reads_once_more() {
        let mut reads = Reads::default();
        assert!(reads.wake());
        assert!(!reads.wake());
        assert!(!reads.wake());
        assert!(reads.done(), "one more read for the two wake-ups");
        assert!(!reads.wake());
        assert!(reads.done());
        assert!(!reads.done());
        assert!(reads.wake(), "idle again");
    }

    #[test]
    fn a_quick_second_click_waits_for_the_first_answer() {
        let mut toggles = Toggles::default();
        let v1 = task(1, 1);
        assert!(toggles.flip(&v1), "send");
        assert!(toggles.shown(&v1));
        assert!(!toggles.flip(&v1), "one in flight: wait");
        assert!(!toggles.shown(&v1));
        // The first answer: completed at version 2. The wish is open again: send with 2.
        let v2 = Task { completed: true, version: 2, ..v1.clone() };
        assert_eq!(toggles.next(&v2), Some(2));
        let v3 = Task { completed: false, version: 3, ..v1.clone() };
        assert_eq!(toggles.next(&v3), None, "the wish is met");
        assert!(!toggles.shown(&v3));
        assert!(toggles.flip(&v3), "nothing in flight any more");
        toggles.forget(1);
        assert_eq!(toggles, Toggles::default());
    }

    proptest! {
        #[test]
        fn the_page_keeps_the_newest_version_of_each_task_whatever_the_order(
            versions in proptest::collection::vec((1i64..4, 1i64..20), 0..30)
        ) {
            let mut tasks = vec![task(1, 1), task(2, 1), task(3, 1)];
            for (id, version) in &versions {
                merge(&mut tasks, task(*id, *version));
            }
            for listed in &tasks {
                let newest = versions.iter().filter(|(id, _)| *id == listed.id).map(|(_, v)| *v).max().unwrap_or(1).max(1);
                prop_assert_eq!(listed.version, newest);
                prop_assert_eq!(&listed.title, &format!("Task {} v{}", listed.id, newest));
            }
        }
    }
}
