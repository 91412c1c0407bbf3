//! Durable state in SQL (SQLite via `sqlx`, portable to Postgres): the orders this proxy knows,
//! their status timelines, and the webhook deliveries already applied.
//!
//! Status only moves forward (`OrderStatus::rank`; `cancelled` is final) whatever order events
//! arrive in, and a webhook delivery id is applied at most once.

use std::str::FromStr;
use std::time::Duration;

use amigo_types::orders::{Order, OrderStatus};
use amigo_types::tracking::{OrderTracking, TimelineEntry, lagos_to_iso, phone_match_key};
use sha2::{Digest, Sha256};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Row, SqlitePool};
use tokio::sync::{mpsc, oneshot};

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

/// What applying a webhook delivery did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WebhookOutcome {
    /// The delivery id was seen before; nothing was applied.
    pub duplicate: bool,
    /// The order's view changed (new status or a new timeline entry).
    pub changed: bool,
}

/// The database.
#[derive(Debug, Clone)]
pub struct Store {
    pool: SqlitePool,
    writer: mpsc::Sender<Job>,
    key: PhoneKey,
}

/// A write waiting for the writer task.
#[derive(Debug)]
enum Write {
    /// An order as a `201` reported it.
    Order { order: Order, at: String },
    /// A verified webhook delivery.
    Webhook(WebhookUpdate),
}

/// What a verified webhook delivery asks the store to do. Only the reference is certain: the
/// status may be missing or one this build does not know, and the full order is there only when
/// the body had the complete documented shape.
#[derive(Debug, Clone)]
pub struct WebhookUpdate {
    /// `X-Amigo-Delivery`, the dedupe key.
    pub delivery_id: String,
    /// Event name as sent.
    pub event: String,
    /// The order's reference.
    pub reference: String,
    /// The status as sent (kept even when unknown).
    pub raw_status: String,
    /// The status, when it is a documented one.
    pub status: Option<OrderStatus>,
    /// The cancel reason, on `order.cancelled`.
    pub cancelled_reason: Option<String>,
    /// The whole order, when the body parsed as one (lets an order placed elsewhere be recorded).
    pub order: Option<Order>,
    /// When the event happened.
    pub created_at: String,
    /// The raw body, kept whole.
    pub payload: String,
}

#[derive(Debug)]
struct Job {
    write: Write,
    reply: oneshot::Sender<Result<WebhookOutcome, String>>,
}

/// Most writes committed together.
const MAX_BATCH: usize = 64;

fn now_iso() -> String {
    time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

impl Store {
    /// Opens (creating if needed) the database at `url` and runs the migrations.
    pub async fn connect(url: &str) -> Result<Self, sqlx::Error> {
        let options = SqliteConnectOptions::from_str(url)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            // FULL, not WAL's usual NORMAL: a commit is on disk before its 2xx/201 goes out,
            // so not even a power cut loses an acknowledged write (README "Crash safety")
            .synchronous(SqliteSynchronous::Full)
            .busy_timeout(Duration::from_secs(3))
            .foreign_keys(true);
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .connect_with(options)
            .await?;
        sqlx::migrate!("./migrations").run(&pool).await?;
        let key = phone_key_in(&pool).await?;
        let (writer, jobs) = mpsc::channel(1024);
        tokio::spawn(run_writer(pool.clone(), jobs, key.clone()));
        Ok(Self { pool, writer, key })
    }

    /// The keyed hash of `raw` (see [`PhoneKey::phone_hash`]) under this database's key.
    pub fn phone_hash(&self, raw: &str) -> String {
        self.key.phone_hash(raw)
    }

    async fn submit(&self, write: Write) -> Result<WebhookOutcome, sqlx::Error> {
        let (reply, answer) = oneshot::channel();
        self.writer
            .send(Job { write, reply })
            .await
            .map_err(|_| sqlx::Error::WorkerCrashed)?;
        answer
            .await
            .map_err(|_| sqlx::Error::WorkerCrashed)?
            .map_err(sqlx::Error::Protocol)
    }

    /// Records `order` as reported by a `201` or a webhook, with `at` as the time it reached its
    /// status. Returns whether anything changed. Never moves the status backwards.
    pub async fn record_order(&self, order: &Order, at: &str) -> Result<bool, sqlx::Error> {
        let outcome = self
            .submit(Write::Order {
                order: order.clone(),
                at: at.to_owned(),
            })
            .await?;
        Ok(outcome.changed)
    }

    /// Applies a verified webhook delivery once: a replayed `delivery_id` is reported as a
    /// duplicate and changes nothing. The delivery is stored in the same transaction, and this
    /// returns only once it is committed.
    pub async fn apply_webhook(
        &self,
        update: WebhookUpdate,
    ) -> Result<WebhookOutcome, sqlx::Error> {
        self.submit(Write::Webhook(update)).await
    }

    /// The stored view of `reference` and its phone hash, if known.
    pub async fn tracking(
        &self,
        reference: &str,
    ) -> Result<Option<(String, OrderTracking)>, sqlx::Error> {
        let Some(row) =
            sqlx::query("SELECT phone_hash, view_json FROM orders WHERE reference = $1")
                .bind(reference)
                .fetch_optional(&self.pool)
                .await?
        else {
            return Ok(None);
        };
        let hash: String = row.try_get("phone_hash")?;
        let json: String = row.try_get("view_json")?;
        let mut view: OrderTracking =
            serde_json::from_str(&json).map_err(|e| sqlx::Error::Decode(Box::new(e)))?;
        let rows = sqlx::query(
            "SELECT status, at FROM order_timeline WHERE reference = $1
             ORDER BY status_rank, at",
        )
        .bind(reference)
        .fetch_all(&self.pool)
        .await?;
        view.timeline = rows
            .iter()
            .filter_map(|r| {
                let status: String = r.try_get("status").ok()?;
                Some(TimelineEntry {
                    status: OrderStatus::parse(&status)?,
                    at: r.try_get("at").ok()?,
                })
            })
            .collect();
        Ok(Some((hash, view)))
    }

    /// The raw body stored for a webhook delivery, if that delivery was received.
    pub async fn delivery_payload(&self, delivery_id: &str) -> Result<Option<String>, sqlx::Error> {
        Ok(
            sqlx::query("SELECT payload FROM webhook_deliveries WHERE delivery_id = $1")
                .bind(delivery_id)
                .fetch_optional(&self.pool)
                .await?
                .and_then(|r| r.try_get::<Option<String>, _>("payload").ok().flatten()),
        )
    }

    /// Number of stored orders (for tests and health).
    pub async fn order_count(&self) -> Result<i64, sqlx::Error> {
        sqlx::query("SELECT COUNT(*) AS n FROM orders")
            .fetch_one(&self.pool)
            .await?
            .try_get("n")
    }

    /// Checks the database answers.
    pub async fn ping(&self) -> Result<(), sqlx::Error> {
        sqlx::query("SELECT 1")
            .execute(&self.pool)
            .await
            .map(|_| ())
    }

    /// Closes the pool (graceful shutdown).
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// The single writer: takes every waiting write (up to [`MAX_BATCH`]) and commits them in one
/// transaction, so a burst costs one commit (one fsync) instead of one each, and no request
/// ever sleeps in SQLite's busy handler. If a batch fails, its writes are retried one by one so
/// one bad write cannot fail the others.
async fn run_writer(pool: SqlitePool, mut jobs: mpsc::Receiver<Job>, key: PhoneKey) {
    while let Some(first) = jobs.recv().await {
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match jobs.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        let writes: Vec<&Write> = batch.iter().map(|j| &j.write).collect();
        match write_batch(&pool, &writes, &key).await {
            Ok(outcomes) => {
                for (job, outcome) in batch.into_iter().zip(outcomes) {
                    let _ = job.reply.send(Ok(outcome));
                }
            }
            Err(e) if batch.len() == 1 => {
                let _ = batch.remove(0).reply.send(Err(e.to_string()));
            }
            Err(_) => {
                for job in batch {
                    let result = write_batch(&pool, &[&job.write], &key)
                        .await
                        .map(|mut o| o.remove(0))
                        .map_err(|e| e.to_string());
                    let _ = job.reply.send(result);
                }
            }
        }
    }
}

async fn write_batch(
    pool: &SqlitePool,
    writes: &[&Write],
    key: &PhoneKey,
) -> Result<Vec<WebhookOutcome>, sqlx::Error> {
    let mut tx = pool.begin().await?;
    let mut outcomes = Vec::with_capacity(writes.len());
    for write in writes {
        outcomes.push(match write {
            Write::Order { order, at } => WebhookOutcome {
                duplicate: false,
                changed: record_in(&mut tx, order, at, key).await?,
            },
            Write::Webhook(update) => apply_in(&mut tx, update, key).await?,
        });
    }
    tx.commit().await?;
    Ok(outcomes)
}

async fn apply_in(
    tx: &mut sqlx::Transaction<'_, sqlx::Sqlite>,
    update: &WebhookUpdate,
    key: &PhoneKey,
) -> Result<WebhookOutcome, sqlx::Error> {
    let inserted = sqlx::query(
        "INSERT INTO webhook_deliveries
             (delivery_id, event, reference, status, event_created_at, received_at, payload)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (delivery_id) DO NOTHING",
    )
    .bind(&update.delivery_id)
    .bind(&update.event)
    .bind(&update.reference)
    .bind(&update.raw_status)
    .bind(&update.created_at)
    .bind(now_iso())
    .bind(&update.payload)
    .execute(&mut **tx)
    .await?
    .rows_affected();
    if inserted == 0 {
        return Ok(WebhookOutcome {
            duplicate: true,
            changed: false,
        });
    }
    let changed = match (&update.order, update.status) {
        // the complete documented shape: record it (an order placed elsewhere is added)
        (Some(order), _) => record_in(tx, order, &update.created_at, key).await?,
        // only the reference and a known status: move a known order forward
        (None, Some(status)) => {
            advance_in(
                tx,
                &update.reference,
                status,
                update.cancelled_reason.as_deref(),
                &update.created_at,
            )
            .await?
        }
        // an unknown or missing status: stored above, nothing to apply
        (None, None) => false,
    };
    Ok(WebhookOutcome {
        duplicate: false,
        changed,
    })
}

/// Moves a stored order to `status` (never backwards) from a partial event; an order this proxy
/// does not know is left alone.
async fn advance_in(
    tx: &mut sqlx::Transaction<'_, sqlx::Sqlite>,
    reference: &str,
    status: OrderStatus,
    cancelled_reason: Option<&str>,
    at: &str,
) -> Result<bool, sqlx::Error> {
    let Some(row) = sqlx::query("SELECT view_json, status_rank FROM orders WHERE reference = $1")
        .bind(reference)
        .fetch_optional(&mut **tx)
        .await?
    else {
        return Ok(false);
    };
    let rank = i64::from(status.rank());
    let current: i64 = row.try_get("status_rank")?;
    if rank <= current {
        return Ok(false);
    }
    let json: String = row.try_get("view_json")?;
    let mut view: OrderTracking =
        serde_json::from_str(&json).map_err(|e| sqlx::Error::Decode(Box::new(e)))?;
    view.status = status;
    if status == OrderStatus::Cancelled {
        view.cancelled_reason = cancelled_reason.map(str::to_owned);
    }
    let view_json = serde_json::to_string(&view).map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
    sqlx::query(
        "UPDATE orders SET status = $1, status_rank = $2, view_json = $3, updated_at = $4
         WHERE reference = $5 AND status_rank < $2",
    )
    .bind(status.as_str())
    .bind(rank)
    .bind(&view_json)
    .bind(now_iso())
    .bind(reference)
    .execute(&mut **tx)
    .await?;
    sqlx::query(
        "INSERT INTO order_timeline (reference, status, status_rank, at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (reference, status) DO NOTHING",
    )
    .bind(reference)
    .bind(status.as_str())
    .bind(rank)
    .bind(lagos_to_iso(at))
    .execute(&mut **tx)
    .await?;
    Ok(true)
}

/// Loads this database's phone key, generating and storing it on first start, and re-keys any
/// row still holding a v1 (unkeyed) hash, all in one transaction so two instances starting at
/// once agree on one key.
async fn phone_key_in(pool: &SqlitePool) -> Result<PhoneKey, sqlx::Error> {
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

/// The write path shared by `record_order` and `apply_webhook`; writes first so the
/// transaction takes the write lock at once (no SQLite read-to-write upgrade).
async fn record_in(
    tx: &mut sqlx::Transaction<'_, sqlx::Sqlite>,
    order: &Order,
    at: &str,
    key: &PhoneKey,
) -> Result<bool, sqlx::Error> {
    let at = lagos_to_iso(at);
    let view = OrderTracking::from_order(order, Vec::new());
    let view_json = serde_json::to_string(&view).map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
    let rank = i64::from(order.status.rank());
    let now = now_iso();
    let inserted = sqlx::query(
        "INSERT INTO orders (reference, status, status_rank, phone_hash, subtotal, delivery_fee,
                             total, view_json, created_at, updated_at, phone_hash_version)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 2)
         ON CONFLICT (reference) DO NOTHING",
    )
    .bind(&order.reference)
    .bind(order.status.as_str())
    .bind(rank)
    .bind(key.phone_hash(&order.customer.phone))
    .bind(order.subtotal.amount)
    .bind(order.delivery_fee.amount)
    .bind(order.total.amount)
    .bind(&view_json)
    .bind(&view.created_at)
    .bind(&now)
    .execute(&mut **tx)
    .await?
    .rows_affected();
    let advanced = if inserted == 0 {
        sqlx::query(
            "UPDATE orders SET status = $1, status_rank = $2, view_json = $3, updated_at = $4
             WHERE reference = $5 AND status_rank < $6",
        )
        .bind(order.status.as_str())
        .bind(rank)
        .bind(&view_json)
        .bind(&now)
        .bind(&order.reference)
        .bind(rank)
        .execute(&mut **tx)
        .await?
        .rows_affected()
    } else {
        1
    };
    let timeline = sqlx::query(
        "INSERT INTO order_timeline (reference, status, status_rank, at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (reference, status) DO NOTHING",
    )
    .bind(&order.reference)
    .bind(order.status.as_str())
    .bind(rank)
    .bind(&at)
    .execute(&mut **tx)
    .await?
    .rows_affected();
    Ok(advanced > 0 || timeline > 0)
}

#[cfg(test)]
mod tests {
    use super::*;

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
