//! Changes shown in the task list before the API confirms them, and how each one is
//! undone when the API refuses.

use contract::api::Task;

use crate::api::ApiError;

/// Flips the completion of task `id`. Undoing is flipping again, which stays right even
/// when several toggles of the same task are in flight.
pub fn toggle(tasks: &mut [Task], id: i64) -> bool {
    tasks.iter_mut().find(|task| task.id == id).map(|task| task.completed = !task.completed).is_some()
}

/// Puts `task` in place of the one with its id and returns the one it replaced.
pub fn replace(tasks: &mut [Task], task: Task) -> Option<Task> {
    let slot = tasks.iter_mut().find(|t| t.id == task.id)?;
    Some(std::mem::replace(slot, task))
}

/// A task taken out of the list, with where it was.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Removed {
    pub index: usize,
    pub task: Task,
}

pub fn remove(tasks: &mut Vec<Task>, id: i64) -> Option<Removed> {
    let index = tasks.iter().position(|task| task.id == id)?;
    Some(Removed { index, task: tasks.remove(index) })
}

/// Puts a removed task back where it was, unless the list already has it again.
pub fn restore(tasks: &mut Vec<Task>, removed: Removed) {
    if tasks.iter().all(|task| task.id != removed.task.id) {
        tasks.insert(removed.index.min(tasks.len()), removed.task);
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    Toggle,
    Edit,
    Delete,
}

/// The message shown when a change had to be undone.
pub fn undone_message(change: Change, title: &str, error: &ApiError) -> String {
    let what = match change {
        Change::Toggle => "update",
        Change::Edit => "save your changes to",
        Change::Delete => "delete",
    };
    format!("Could not {what} “{title}”. {error}")
}

#[cfg(test)]
mod tests {
    use contract::api::{ErrorBody, ErrorCode};

    use super::*;

    fn task(id: i64, title: &str) -> Task {
        let at = "2026-11-25T13:00:00Z".parse().expect("a timestamp");
        Task {
            id,
            user_id: Default::default(),
            title: title.into(),
            description: None,
            completed: false,
            created_at: at,
            updated_at: at,
            version: 1,
        }
    }

    fn list() -> Vec<Task> {
        vec![task(3, "c"), task(2, "b"), task(1, "a")]
    }

    #[test]
    fn toggling_twice_is_undoing() {
        let mut tasks = list();
        assert!(toggle(&mut tasks, 2));
        assert!(tasks[1].completed);
        assert!(toggle(&mut tasks, 2));
        assert_eq!(tasks, list());
        assert!(!toggle(&mut tasks, 99));
    }

    #[test]
    fn replace_returns_what_it_replaced() {
        let mut tasks = list();
        let previous = replace(&mut tasks, task(2, "bee")).expect("task 2 is listed");
        assert_eq!((previous.title.as_str(), tasks[1].title.as_str()), ("b", "bee"));
        replace(&mut tasks, previous);
        assert_eq!(tasks, list());
        assert_eq!(replace(&mut tasks, task(99, "z")), None);
    }

    #[test]
    fn removed_tasks_go_back_where_they_were() {
        let mut tasks = list();
        let removed = remove(&mut tasks, 2).expect("task 2 is listed");
        assert_eq!(removed.index, 1);
        assert_eq!(tasks.len(), 2);
        restore(&mut tasks, removed.clone());
        assert_eq!(tasks, list());
        restore(&mut tasks, removed);
        assert_eq!(tasks.len(), 3, "a task is never listed twice");
        assert_eq!(remove(&mut tasks, 99), None);
    }

    #[test]
    fn restoring_into_a_shorter_list_appends() {
        let mut tasks = list();
        let removed = remove(&mut tasks, 1).expect("task 1 is listed");
        tasks.clear();
        restore(&mut tasks, removed);
        assert_eq!(tasks.len(), 1);
    }

    #[test]
    fn undone_messages_name_the_task_and_the_reason() {
        let error = ApiError::Refused(ErrorBody {
            code: ErrorCode::NotFound,
            message: "The requested resource was not found.".into(),
            details: None,
        });
        assert_eq!(
            undone_message(Change::Delete, "Milk", &error),
            "Could not delete “Milk”. The requested resource was not found."
        );
        assert!(undone_message(Change::Toggle, "Milk", &error).starts_with("Could not update “Milk”."));
        assert!(
            undone_message(Change::Edit, "Milk", &error)
                .starts_with("Could not save your changes to “Milk”.")
        );
    }
}
