-- Mobile-data purchases placed through this proxy, one row per Idempotency-Key, written BEFORE
-- the upstream call: the row is what makes the daily budget hold and what binds a key to one
-- body. No token and no phone number: only the keyed phone hash. Portable SQL.
CREATE TABLE data_purchases (
    idempotency_key TEXT PRIMARY KEY,
    body_hash       TEXT NOT NULL,
    phone_hash      TEXT NOT NULL,
    plan            BIGINT NOT NULL,
    amount          BIGINT NOT NULL,
    -- the Lagos calendar day (YYYY-MM-DD) the budget counts it against
    lagos_day       TEXT NOT NULL,
    -- pending (upstream not answered yet) | unknown (upstream failed: may exist) |
    -- processing | delivered | failed (refunded: no longer counts against the budget)
    state           TEXT NOT NULL,
    reference       TEXT UNIQUE,
    purchase_json   TEXT,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);

CREATE INDEX data_purchases_day ON data_purchases (lagos_day, state);
