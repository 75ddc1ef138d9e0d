-- Several devices, one truth (issue 27), and a task total that does not grow with the
-- account (issue 29).
--
-- Every task change raises the task's `version` (sent as its ETag) and stamps it with
-- the owner's next `task_seq`, the position the changes feed reads from. A delete only
-- sets `deleted_at` (the trash); the sweep purges it later.
ALTER TABLE tasks ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE tasks ADD COLUMN deleted_at TEXT;
ALTER TABLE tasks ADD COLUMN change_seq INTEGER NOT NULL DEFAULT 0;

-- `task_seq` is the count of changes made to the user's tasks; bumping it takes the
-- write lock, which serialises task writes. `task_count` is the tasks outside the
-- trash: the list's total and the create cap read it instead of counting.
ALTER TABLE users ADD COLUMN task_seq INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN task_count INTEGER NOT NULL DEFAULT 0;
UPDATE users SET task_count = (SELECT COUNT(*) FROM tasks WHERE tasks.user_id = users.id);

-- The newest-first page and the export read only live tasks.
DROP INDEX tasks_user_id_id;
CREATE INDEX tasks_user_id_id ON tasks (user_id, id DESC) WHERE deleted_at IS NULL;
-- The changes feed: one user's rows after a position, without scanning the account.
CREATE INDEX tasks_user_change_seq ON tasks (user_id, change_seq);
-- The sweep's purge of old trash.
CREATE INDEX tasks_deleted_at ON tasks (deleted_at) WHERE deleted_at IS NOT NULL;

-- A create's `Idempotency-Key`, per user: the request it came with (its parsed fields,
-- as canonical JSON) and the task it made, as the answer sent. The row is inserted
-- first in the create's transaction, which takes the write lock, so a concurrent
-- create with the same key waits until the first commits, then replays its answer.
CREATE TABLE idempotency_keys (
    user_id    BLOB NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    key        TEXT NOT NULL,
    request    TEXT NOT NULL,
    response   TEXT,
    created_at TEXT NOT NULL,
    PRIMARY KEY (user_id, key)
);
CREATE INDEX idempotency_keys_created_at ON idempotency_keys (created_at);
