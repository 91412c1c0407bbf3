-- Issue 23 item 9: X-Amigo-Delivery is not under the signature, so a delivery is one delivery id
-- AND one signed body (SHA-256, hex). A captured delivery replayed under the next ids no longer
-- makes the real deliveries with those ids "duplicates". Rows received before this have an empty
-- hash and still dedupe on their id alone.
ALTER TABLE webhook_deliveries ADD COLUMN body_sha256 TEXT NOT NULL DEFAULT '';
ALTER TABLE webhook_deliveries DROP CONSTRAINT webhook_deliveries_pkey;
ALTER TABLE webhook_deliveries ADD PRIMARY KEY (delivery_id, body_sha256);
