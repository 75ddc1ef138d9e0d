-- What the server sends for POST /api/tasks once the session is in its cache: the
-- rate-limit hit and the insert. The first lookup only picks a seeded session.
\set n random(1, :users)
SELECT session_id AS sid, user_id AS uid FROM bench_sessions WHERE n = :n \gset
INSERT INTO rate_limits (bucket, window_start, hits) VALUES ('user:' || :uid, (extract(epoch from now())::bigint / 60) * 60, 1) ON CONFLICT (bucket) DO UPDATE SET hits = CASE WHEN excluded.window_start > rate_limits.window_start THEN 1 ELSE rate_limits.hits + 1 END, window_start = CASE WHEN excluded.window_start > rate_limits.window_start THEN excluded.window_start ELSE rate_limits.window_start END RETURNING hits, window_start;
INSERT INTO tasks (user_id, title, description, completed, created_at, updated_at) VALUES (:uid, 'pgbench task', NULL, FALSE, now(), now()) RETURNING id, user_id, title, description, completed, created_at, updated_at;
