-- The body Amigo answered a data purchase with, kept as it came: the docs show no purchase
-- answer, so the proxy keeps what it could not read for the merchant to check.
ALTER TABLE data_purchases ADD COLUMN upstream_body TEXT;
