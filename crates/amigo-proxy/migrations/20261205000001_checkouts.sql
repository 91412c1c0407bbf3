-- Checkouts: the shopper pays the merchant before the merchant's wallet pays Amigo (issue 21).
-- One row per checkout, created under the browser's Idempotency-Key (UNIQUE: one checkout per
-- key, on any number of instances). Status moves awaiting_payment -> paid -> placed, or ends
-- expired / failed / refunded, only through conditional UPDATEs, so two callers (Paystack's
-- callback and its webhook, two console tabs) can never both move it. The Amigo order is
-- placed from a paid row under the key 'chk-' || reference, so a crash between payment and
-- order is recovered at start by placing again with the same key. Portable SQL (twin in
-- ../migrations-postgres).
CREATE TABLE checkouts (
    reference          TEXT PRIMARY KEY,
    idempotency_key    TEXT NOT NULL UNIQUE,
    body_hash          TEXT NOT NULL,
    method             TEXT NOT NULL,
    status             TEXT NOT NULL,
    phone_hash         TEXT NOT NULL,
    -- the Amigo order body (JSON) placed once paid, and where the shopper returns to
    order_body         TEXT NOT NULL,
    return_url         TEXT NOT NULL,
    -- the shopper's view of the lines (JSON, retail prices) and product id -> retail unit price
    items_json         TEXT NOT NULL,
    retail_units       TEXT NOT NULL,
    subtotal           BIGINT NOT NULL,
    delivery_fee       BIGINT NOT NULL,
    total              BIGINT NOT NULL,
    -- items at Amigo's prices: what the wallet pays
    amigo_cost         BIGINT NOT NULL,
    -- Paystack's reference for this checkout's transaction and its payment page
    payment_reference  TEXT UNIQUE,
    authorization_url  TEXT,
    paid_via           TEXT,
    paid_amount_kobo   BIGINT,
    paid_at            TEXT,
    -- unix ms of a claim to place the order; a claim older than the upstream's patience is stale
    placing_since      BIGINT,
    order_reference    TEXT,
    failure_code       TEXT,
    failure_message    TEXT,
    -- due: the shopper is owed a refund not yet made | requested: Paystack accepted it
    refund_state       TEXT,
    created_at         TEXT NOT NULL,
    expires_at         TEXT NOT NULL,
    expires_at_ms      BIGINT NOT NULL,
    updated_at         TEXT NOT NULL
);

CREATE INDEX checkouts_status ON checkouts (status, expires_at_ms);
