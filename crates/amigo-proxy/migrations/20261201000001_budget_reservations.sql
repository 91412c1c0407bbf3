-- Daily Naira budgets on spending the merchant's wallet before anyone has paid: unpaid orders
-- (AMIGO_ORDER_DAILY_LIMIT, budget 'unpaid_orders') and data sales (AMIGO_DATA_DAILY_LIMIT,
-- 'data_sales'). One row per (budget, Idempotency-Key), written BEFORE the upstream call in one
-- statement with the budget check, so racing requests cannot overspend and a retry under the
-- same key is never counted twice. A definite upstream refusal deletes
-- the row; an unknown outcome keeps it. Portable SQL (twin in ../migrations-postgres).
CREATE TABLE budget_reservations (
    budget          TEXT NOT NULL,
    reservation_key TEXT NOT NULL,
    body_hash       TEXT NOT NULL,
    amount          BIGINT NOT NULL,
    -- the Lagos calendar day (YYYY-MM-DD) the budget counts it against
    lagos_day       TEXT NOT NULL,
    -- pending (upstream not answered yet) | unknown (no answer: may have been spent) | settled
    state           TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    PRIMARY KEY (budget, reservation_key)
);

CREATE INDEX budget_reservations_day ON budget_reservations (budget, lagos_day);

-- The data budget was a sum over data_purchases: its reservations move here, failed (refunded)
-- purchases excepted, so today's figure is unchanged.
INSERT INTO budget_reservations
    (budget, reservation_key, body_hash, amount, lagos_day, state, created_at, updated_at)
SELECT 'data_sales', idempotency_key, body_hash, amount, lagos_day,
       CASE WHEN state IN ('pending', 'unknown') THEN state ELSE 'settled' END,
       created_at, updated_at
FROM data_purchases
WHERE state <> 'failed';
