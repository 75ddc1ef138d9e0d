-- What the signed-in devices list shows. Sessions from before this migration get a
-- creation time derived from their 7-day lifetime, in the RFC 3339 text sqlx writes.
ALTER TABLE sessions ADD COLUMN created_at TEXT NOT NULL DEFAULT '1970-01-01T00:00:00+00:00';
ALTER TABLE sessions ADD COLUMN last_seen_at TEXT NOT NULL DEFAULT '1970-01-01T00:00:00+00:00';
ALTER TABLE sessions ADD COLUMN user_agent TEXT;
ALTER TABLE sessions ADD COLUMN ip TEXT;
UPDATE sessions SET created_at = strftime('%Y-%m-%dT%H:%M:%f+00:00', expires_at, '-7 days');
UPDATE sessions SET last_seen_at = created_at;
-- The sweep deletes expired sessions by this.
CREATE INDEX sessions_expires_at ON sessions (expires_at);
