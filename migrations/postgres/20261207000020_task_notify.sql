-- Live events (issue 27): every raise of a user's `task_seq` is announced on the
-- `task_changes` channel as `{user_id}:{task_seq}`. Postgres sends it when the write
-- commits, to every instance's listener (crates/store/src/listen.rs); a rolled-back
-- write announces nothing. SQLite needs no counterpart: its only writer is this process.
CREATE FUNCTION notify_task_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('task_changes', NEW.id::text || ':' || NEW.task_seq::text);
    RETURN NULL;
END;
$$;

CREATE TRIGGER users_task_seq_notify
    AFTER UPDATE OF task_seq ON users
    FOR EACH ROW
    WHEN (NEW.task_seq IS DISTINCT FROM OLD.task_seq)
    EXECUTE FUNCTION notify_task_change();
