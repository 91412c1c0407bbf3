//! The phone numbers the database keeps, as keyed hashes: the per-database secret
//! ([`PhoneKey`]), made on first start and kept in `proxy_secrets`, and the re-keying of rows
//! an older build stored with the unkeyed v1 digest.

use amigo_types::tracking::phone_match_key;
use sha2::{Digest, Sha256};
use sqlx::AnyPool;

/// The unkeyed v1 digest of a phone number's normalised form. Never stored on its own any more:
/// it is the input of the keyed hash, which is what lets `connect` re-key old v1 rows in place.
fn phone_digest_v1(raw: &str) -> String {
    let mut h = Sha256::new();
    h.update(b"amigo-proxy/phone/v1:");
    h.update(phone_match_key(raw).as_bytes());
    hex::encode(h.finalize())
}

/// The server secret that keys phone hashes, so a leaked `orders` table cannot be reversed by
/// hashing every possible phone number (Nigeria has only ~10^10 of them).
#[derive(Clone)]
pub struct PhoneKey([u8; 32]);

impl std::fmt::Debug for PhoneKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PhoneKey(..)")
    }
}

impl PhoneKey {
    /// A fresh random key (first start).
    pub fn generate() -> Self {
        Self(rand::random())
    }

    /// Parses 64 hex digits, as kept in the database.
    pub fn from_hex(hex_key: &str) -> Option<Self> {
        let bytes = hex::decode(hex_key.trim()).ok()?;
        Some(Self(bytes.try_into().ok()?))
    }

    fn mac(&self, digest_v1: &str) -> String {
        use hmac::{Hmac, Mac};
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.0)
            .unwrap_or_else(|_| unreachable!("HMAC accepts any key length"));
        mac.update(b"amigo-proxy/phone/v2:");
        mac.update(digest_v1.as_bytes());
        hex::encode(mac.finalize().into_bytes())
    }

    /// The keyed hash of a phone number's normalised form: what the database keeps instead of
    /// the number, and what a lookup's `phone` is compared against.
    pub fn phone_hash(&self, raw: &str) -> String {
        self.mac(&phone_digest_v1(raw))
    }
}

/// Loads this database's phone key, generating and storing it on first start, and re-keys any
/// row still holding a v1 (unkeyed) hash, all in one transaction so two instances starting at
/// once agree on one key.
pub(super) async fn phone_key_in(pool: &AnyPool) -> Result<PhoneKey, sqlx::Error> {
    let mut tx = pool.begin().await?;
    sqlx::query("INSERT INTO proxy_secrets (name, value) VALUES ('phone_key', $1) ON CONFLICT (name) DO NOTHING")
        .bind(hex::encode(PhoneKey::generate().0))
        .execute(&mut *tx)
        .await?;
    let stored: String =
        sqlx::query_scalar("SELECT value FROM proxy_secrets WHERE name = 'phone_key'")
            .fetch_one(&mut *tx)
            .await?;
    let key = PhoneKey::from_hex(&stored).ok_or_else(|| {
        sqlx::Error::Protocol("proxy_secrets.phone_key is not 64 hex digits".into())
    })?;
    let old: Vec<(String, String)> =
        sqlx::query_as("SELECT reference, phone_hash FROM orders WHERE phone_hash_version = 1")
            .fetch_all(&mut *tx)
            .await?;
    for (reference, digest_v1) in old {
        sqlx::query(
            "UPDATE orders SET phone_hash = $1, phone_hash_version = 2 WHERE reference = $2",
        )
        .bind(key.mac(&digest_v1))
        .bind(reference)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(key)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Store;

    #[test]
    fn phone_hash_matches_every_form_of_one_number() {
        let key = PhoneKey::generate();
        let phone_hash = |raw: &str| key.phone_hash(raw);
        assert_eq!(phone_hash("+234 803 123 4567"), phone_hash("08031234567"));
        assert_ne!(phone_hash("08031234567"), phone_hash("08031234568"));
        assert!(!phone_hash("08031234567").contains("8031234567"));
        assert_ne!(phone_hash("08031234567"), phone_digest_v1("08031234567"));
        assert_ne!(
            phone_hash("08031234567"),
            PhoneKey::generate().phone_hash("08031234567"),
            "another key, another hash"
        );
    }

    #[tokio::test]
    async fn key_is_kept_across_starts_and_v1_rows_are_rekeyed() {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = format!("sqlite://{}", dir.path().join("proxy.db").display());
        let first = Store::connect(&url).await.expect("first start");
        let hash = first.phone_hash("08031234567");
        // A row written by a build before keyed hashes: v1 digest, version 1.
        sqlx::query(
            "INSERT INTO orders (reference, status, status_rank, phone_hash, subtotal,
                                 delivery_fee, total, view_json, created_at, updated_at,
                                 phone_hash_version)
             VALUES ('AMG-OLD', 'pending', 0, $1, 1, 0, 1, '{}', 'x', 'x', 1)",
        )
        .bind(phone_digest_v1("+234 803 123 4567"))
        .execute(&first.pool)
        .await
        .expect("old row");
        first.close().await;

        let second = Store::connect(&url).await.expect("restart");
        assert_eq!(
            second.phone_hash("08031234567"),
            hash,
            "same key after restart"
        );
        let (stored, version): (String, i64) = sqlx::query_as(
            "SELECT phone_hash, phone_hash_version FROM orders WHERE reference = 'AMG-OLD'",
        )
        .fetch_one(&second.pool)
        .await
        .expect("old row still there");
        assert_eq!(version, 2);
        assert_eq!(
            stored, hash,
            "the v1 row now matches the keyed hash of its phone"
        );
        second.close().await;
    }
}
