-- The raw body of every webhook delivery received, so an event this build reads only in part (an
-- unknown status, an order placed elsewhere, a field the docs elide) is kept whole.
ALTER TABLE webhook_deliveries ADD COLUMN payload TEXT;
