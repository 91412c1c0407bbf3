-- Orders placed through (or reported to) this proxy. No token, no customer phone: only a hash
-- of the normalised phone, to check a shopper's lookup. Portable SQL (SQLite and Postgres).
CREATE TABLE orders (
    reference    TEXT PRIMARY KEY,
    status       TEXT NOT NULL,
    status_rank  INTEGER NOT NULL,
    phone_hash   TEXT NOT NULL,
    subtotal     BIGINT NOT NULL,
    delivery_fee BIGINT NOT NULL,
    total        BIGINT NOT NULL,
    view_json    TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
);

-- Every status an order reached, once each, with when.
CREATE TABLE order_timeline (
    reference   TEXT NOT NULL REFERENCES orders (reference),
    status      TEXT NOT NULL,
    status_rank INTEGER NOT NULL,
    at          TEXT NOT NULL,
    PRIMARY KEY (reference, status)
);

-- Webhook deliveries received, keyed by X-Amigo-Delivery: a replay is acknowledged, not applied.
CREATE TABLE webhook_deliveries (
    delivery_id      TEXT PRIMARY KEY,
    event            TEXT NOT NULL,
    reference        TEXT NOT NULL,
    status           TEXT NOT NULL,
    event_created_at TEXT NOT NULL,
    received_at      TEXT NOT NULL
);
