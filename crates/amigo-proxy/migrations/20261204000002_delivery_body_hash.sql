-- Issue 23 item 9: X-Amigo-Delivery is not under the signature, so a delivery is one delivery id
-- AND one signed body (SHA-256, hex). A captured delivery replayed under the next ids no longer
-- makes the real deliveries with those ids "duplicates". Rows received before this have an empty
-- hash and still dedupe on their id alone. SQLite cannot change a primary key: rebuild the table.
CREATE TABLE webhook_deliveries_v2 (
    delivery_id      TEXT NOT NULL,
    body_sha256      TEXT NOT NULL DEFAULT '',
    event            TEXT NOT NULL,
    reference        TEXT NOT NULL,
    status           TEXT NOT NULL,
    event_created_at TEXT NOT NULL,
    received_at      TEXT NOT NULL,
    payload          TEXT,
    PRIMARY KEY (delivery_id, body_sha256)
);
INSERT INTO webhook_deliveries_v2
    (delivery_id, body_sha256, event, reference, status, event_created_at, received_at, payload)
SELECT delivery_id, '', event, reference, status, event_created_at, received_at, payload
FROM webhook_deliveries;
DROP TABLE webhook_deliveries;
ALTER TABLE webhook_deliveries_v2 RENAME TO webhook_deliveries;
