-- Device cookies (OWASP, "Slow Down Online Guessing Attacks with Device Cookies"): a
-- browser that signed in keeps a signed cookie naming the account, a random device id
-- and the account's device generation. A completed reset moves the generation on, so
-- every cookie issued before it stops counting as a device; deleting the account takes
-- the generation with the row.
ALTER TABLE users ADD COLUMN device_generation BIGINT NOT NULL DEFAULT 0;

-- Password checks per device, counted as `password_checks` counts them per account: a
-- device with a valid cookie spends its own count, not the one strangers share.
CREATE TABLE device_checks (
    device_id    UUID PRIMARY KEY,
    window_start BIGINT NOT NULL,
    checks       BIGINT NOT NULL
);
CREATE INDEX device_checks_window_start ON device_checks (window_start);
