-- The page query of GET /api/tasks?limit=10 alone, after the picker.
\set n random(1, :users)
SELECT session_id AS sid, user_id AS uid FROM bench_sessions WHERE n = :n \gset
SELECT id, user_id, title, description, completed, created_at, updated_at, COUNT(*) OVER () AS total FROM tasks WHERE user_id = :uid ORDER BY id DESC LIMIT 10 OFFSET 0;
