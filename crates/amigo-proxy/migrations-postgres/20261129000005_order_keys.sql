-- Twin of ../migrations/20261129000005_order_keys.sql.
CREATE TABLE order_keys (
    idempotency_key TEXT PRIMARY KEY,
    body_hash       TEXT NOT NULL,
    response_status BIGINT,
    response_body   TEXT,
    created_ms      BIGINT NOT NULL
);

-- The per-phone limits (orders, data purchases), shared by every instance on this database
-- (GCRA: one row per key holding its theoretical arrival time in Unix milliseconds).
-- PostgreSQL only: a single SQLite instance keeps its limits in process.
CREATE TABLE shared_limits (
    limit_key TEXT PRIMARY KEY,
    tat_ms    BIGINT NOT NULL
);
