-- What GET /api/tasks?limit=10 cannot do without: the session lookup and the page with
-- its count, after the picker.
\set n random(1, :users)
SELECT session_id AS sid, user_id AS uid FROM bench_sessions WHERE n = :n \gset
SELECT u.id, u.email, u.name, u.password_hash, u.created_at, u.updated_at FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id = :sid AND s.user_id = :uid AND s.expires_at > now();
SELECT id, user_id, title, description, completed, created_at, updated_at, COUNT(*) OVER () AS total FROM tasks WHERE user_id = :uid ORDER BY id DESC LIMIT 10 OFFSET 0;
