-- Twin of ../migrations/20261129000005_order_keys.sql.
CREATE TABLE order_keys (
    idempotency_key TEXT PRIMARY KEY,
    body_hash       TEXT NOT NULL,
    response_status BIGINT,
    response_body   TEXT,
    created_ms      BIGINT NOT NULL
);

-- The per-phone order limit, shared by every instance on this database (GCRA: one row per
-- phone hash holding its theoretical arrival time in Unix milliseconds). PostgreSQL only:
-- a single SQLite instance keeps the limit in process.
CREATE TABLE phone_order_limits (
    phone_hash TEXT PRIMARY KEY,
    tat_ms     BIGINT NOT NULL
);
