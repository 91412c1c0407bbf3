-- Data top-ups are paid for like orders (issue 21): a checkout says what it buys once paid.
-- 'order': order_body is the Amigo Commerce order; 'data': order_body is the Data API purchase
-- body, bought under the key 'chk-' || reference and recorded in data_purchases. Rows from
-- before this are orders. Portable SQL (twin in the other migrations folder).
ALTER TABLE checkouts ADD COLUMN kind TEXT NOT NULL DEFAULT 'order';
