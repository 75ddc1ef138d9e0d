-- Password checks per account, keyed by the lower-cased email so that an address
-- with no account costs the same and answers the same: counted in a window that
-- opens at the first check and lasts the lock-out period.
CREATE TABLE password_checks (
    email        TEXT PRIMARY KEY,
    window_start BIGINT NOT NULL,
    checks       BIGINT NOT NULL
);
CREATE INDEX password_checks_window_start ON password_checks (window_start);
