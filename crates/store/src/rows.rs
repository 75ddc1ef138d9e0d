//! The store's rows as the API sends them: the password hash stays behind.

use contract::api::{Task, User};

use crate::{TaskRecord, UserRecord};

impl From<UserRecord> for User {
    fn from(record: UserRecord) -> Self {
        Self {
            id: record.id,
            email: record.email,
            name: record.name,
            created_at: record.created_at,
            updated_at: record.updated_at,
        }
    }
}

impl From<TaskRecord> for Task {
    fn from(record: TaskRecord) -> Self {
        Self {
            id: record.id,
            user_id: record.user_id,
            title: record.title,
            description: record.description,
            completed: record.completed,
            created_at: record.created_at,
            updated_at: record.updated_at,
            version: record.version,
        }
    }
}

/// An answer kept for an idempotent create's replay, read back as it was sent.
impl From<Task> for TaskRecord {
    fn from(task: Task) -> Self {
        Self {
            id: task.id,
            user_id: task.user_id,
            title: task.title,
            description: task.description,
            completed: task.completed,
            created_at: task.created_at,
            updated_at: task.updated_at,
            version: task.version,
        }
    }
}
