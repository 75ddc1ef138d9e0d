-- What the signed-in devices list shows. Sessions from before this migration get a
-- creation time derived from their 7-day lifetime.
ALTER TABLE sessions
    ADD COLUMN created_at   TIMESTAMPTZ,
    ADD COLUMN last_seen_at TIMESTAMPTZ,
    ADD COLUMN user_agent   TEXT,
    ADD COLUMN ip           TEXT;
UPDATE sessions SET created_at = expires_at - INTERVAL '7 days', last_seen_at = expires_at - INTERVAL '7 days';
ALTER TABLE sessions
    ALTER COLUMN created_at SET NOT NULL,
    ALTER COLUMN last_seen_at SET NOT NULL;
-- The sweep deletes expired sessions by this.
CREATE INDEX sessions_expires_at ON sessions (expires_at);
