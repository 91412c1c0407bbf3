-- PostgreSQL schema: the SQLite set in ../migrations up to 20261129000002, folded into one
-- file (a PostgreSQL database starts here), with BIGINT for every integer. Keep the two sets
-- equivalent: a new SQLite migration gets its PostgreSQL twin in this folder.
CREATE TABLE orders (
    reference          TEXT PRIMARY KEY,
    status             TEXT NOT NULL,
    status_rank        BIGINT NOT NULL,
    phone_hash         TEXT NOT NULL,
    subtotal           BIGINT NOT NULL,
    delivery_fee       BIGINT NOT NULL,
    total              BIGINT NOT NULL,
    view_json          TEXT NOT NULL,
    created_at         TEXT NOT NULL,
    updated_at         TEXT NOT NULL,
    phone_hash_version BIGINT NOT NULL DEFAULT 1
);

CREATE TABLE order_timeline (
    reference   TEXT NOT NULL REFERENCES orders (reference),
    status      TEXT NOT NULL,
    status_rank BIGINT NOT NULL,
    at          TEXT NOT NULL,
    PRIMARY KEY (reference, status)
);

CREATE TABLE webhook_deliveries (
    delivery_id      TEXT PRIMARY KEY,
    event            TEXT NOT NULL,
    reference        TEXT NOT NULL,
    status           TEXT NOT NULL,
    event_created_at TEXT NOT NULL,
    received_at      TEXT NOT NULL,
    payload          TEXT
);

CREATE TABLE proxy_secrets (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
