-- The merchant console (/admin): sign-in sessions, the webhook deliveries the proxy refused,
-- the refusals the spend guard and the rate limits made, and the last four digits of each
-- order's phone (the console searches by them; the full number is never stored). Portable SQL.

-- Only a hash of the session token is kept: a leaked table signs nobody in.
CREATE TABLE admin_sessions (
    token_hash  TEXT PRIMARY KEY,
    created_at  TEXT NOT NULL,
    expires_at  BIGINT NOT NULL
);

-- Refused webhook deliveries: why, and what identified them. No body, no signature, no secret.
CREATE TABLE webhook_rejections (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    received_at TEXT NOT NULL,
    received_unix BIGINT NOT NULL,
    reason      TEXT NOT NULL,
    delivery_id TEXT,
    event       TEXT,
    client_ip   TEXT NOT NULL,
    body_bytes  BIGINT NOT NULL
);
CREATE INDEX webhook_rejections_time ON webhook_rejections (received_unix);

-- Spend-guard and rate-limit refusals, kept a week for the console's last-24-hours view.
CREATE TABLE refusals (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    at_unix     BIGINT NOT NULL,
    at          TEXT NOT NULL,
    code        TEXT NOT NULL,
    route       TEXT NOT NULL,
    client_ip   TEXT NOT NULL,
    detail      TEXT NOT NULL
);
CREATE INDEX refusals_time ON refusals (at_unix);

ALTER TABLE orders ADD COLUMN phone_last4 TEXT;
