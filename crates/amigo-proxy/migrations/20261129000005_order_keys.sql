-- Every Idempotency-Key an order was placed with, recorded with a hash of the order body BEFORE
-- the upstream call: a retry (to this or another instance) replays the stored answer, waits for
-- the call in flight, or gets `idempotency_key_reused` when the body differs. The response
-- columns stay NULL while the call is in flight; rows older than a day are pruned.
CREATE TABLE order_keys (
    idempotency_key TEXT PRIMARY KEY,
    body_hash       TEXT NOT NULL,
    response_status INTEGER,
    response_body   TEXT,
    created_ms      BIGINT NOT NULL
);
