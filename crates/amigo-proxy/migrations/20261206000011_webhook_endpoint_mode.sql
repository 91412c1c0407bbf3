-- Issue 23 item 11: a stored webhook secret is accepted only for the API base AND the token mode
-- (test or live) it was registered with, so a sandbox registration's secret cannot sign live
-- events. Rows stored before this have no mode (''): they are accepted for test tokens only; a
-- live store registers its endpoint again with its live token. Portable SQL.
ALTER TABLE webhook_endpoints ADD COLUMN token_mode TEXT NOT NULL DEFAULT '';
