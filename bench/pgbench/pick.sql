-- The picker every other script starts with: a seeded user's session, at random.
\set n random(1, :users)
SELECT session_id AS sid, user_id AS uid FROM bench_sessions WHERE n = :n \gset
