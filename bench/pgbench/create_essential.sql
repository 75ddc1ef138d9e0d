-- What POST /api/tasks cannot do without: the session lookup and the insert, after the
-- picker.
\set n random(1, :users)
SELECT session_id AS sid, user_id AS uid FROM bench_sessions WHERE n = :n \gset
SELECT u.id, u.email, u.name, u.password_hash, u.created_at, u.updated_at FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id = :sid AND s.user_id = :uid AND s.expires_at > now();
INSERT INTO tasks (user_id, title, description, completed, created_at, updated_at) VALUES (:uid, 'pgbench task', NULL, FALSE, now(), now()) RETURNING id, user_id, title, description, completed, created_at, updated_at;
