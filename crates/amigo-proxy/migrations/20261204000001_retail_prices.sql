-- What the shopper was shown for each order placed through this proxy (AMIGO_PRICE_MARKUP):
-- each product's retail unit price (JSON object, product id → Naira) and the retail total
-- (items at retail plus the delivery fee at cost), beside Amigo's cost in subtotal/total.
-- NULL for orders the proxy only heard of by webhook. Portable SQL.
ALTER TABLE orders ADD COLUMN retail_units TEXT;
ALTER TABLE orders ADD COLUMN retail_total BIGINT;
