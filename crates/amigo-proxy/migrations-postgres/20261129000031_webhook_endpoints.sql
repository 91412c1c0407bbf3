-- Twin of ../migrations/20261129000031_webhook_endpoints.sql (the same SQL).
-- Webhook endpoints this proxy registered with Amigo (`amigo-proxy webhooks register`/`rotate`)
-- and their signing secrets, which the webhook receiver accepts alongside AMIGO_WEBHOOK_SECRETS.
-- An endpoint rotated out keeps its row with `retire_at` (RFC 3339, UTC): its secret is accepted
-- until then, and `webhooks rotate --finish` deletes it upstream and drops the row. Keyed by the
-- API base too, because endpoint ids are only unique on one platform (a sandbox starts at 1).
-- Portable SQL (SQLite and Postgres).
CREATE TABLE webhook_endpoints (
    api_base    TEXT NOT NULL,
    endpoint_id TEXT NOT NULL,
    url         TEXT NOT NULL,
    secret      TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    retire_at   TEXT,
    PRIMARY KEY (api_base, endpoint_id)
);
