-- Phone hashes become keyed (HMAC-SHA256 under a server secret over the v1 digest). Existing rows
-- keep their v1 digest until the proxy's next start re-keys them (it holds the key, SQL does not).
CREATE TABLE proxy_secrets (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
ALTER TABLE orders ADD COLUMN phone_hash_version INTEGER NOT NULL DEFAULT 1;
