-- One row per emailed reset link. Only the SHA-256 of the token is kept, so a copy of
-- the database cannot reset anyone's password. Rows stay for an hour after creation,
-- spent or not: they are what the per-account cap of reset emails counts.
CREATE TABLE password_resets (
    token_hash TEXT PRIMARY KEY,
    user_id    UUID NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL,
    used_at    TIMESTAMPTZ
);
CREATE INDEX password_resets_user_id ON password_resets (user_id, created_at);
CREATE INDEX password_resets_created_at ON password_resets (created_at);
