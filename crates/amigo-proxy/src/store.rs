//! Durable state in SQL (SQLite or PostgreSQL through `sqlx::Any`, one set of `$n` queries):
//! the orders this proxy knows, their status timelines, the webhook deliveries already applied,
//! the Idempotency-Keys orders were placed with, the daily budgets on unpaid spending
//! (`budget`), the mobile-data purchases (`data`) and the merchant console's records (`admin`).
//!
//! Status only moves forward (`OrderStatus::rank`; `cancelled` is final) whatever order events
//! arrive in, and a webhook delivery id is applied at most once. On PostgreSQL every committed
//! change is also announced with `NOTIFY` so every instance's event streams see it.

pub mod admin;
mod budget;
mod checkouts;
mod data;
mod pending;
mod retail;
pub mod retention;

pub use budget::{Budget, BudgetClaim, BudgetReserved, lagos_day};
pub use checkouts::{CheckoutInsert, CheckoutRow};
pub use data::{DataToCheck, Reservation, Reserved, StoredPurchase};
pub use retail::RetailSale;

use std::str::FromStr;
use std::time::Duration;

use amigo_types::orders::{Order, OrderStatus};
use amigo_types::pricing::PriceRule;
use amigo_types::tracking::{OrderTracking, TimelineEntry, lagos_to_iso, phone_match_key};
use sha2::{Digest, Sha256};
use sqlx::any::AnyPoolOptions;
use sqlx::postgres::PgListener;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode};
use sqlx::{Any, AnyPool, Connection, Executor, Row};
use tokio::sync::{broadcast, mpsc, oneshot};

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
    /// This delivery (its id with the same signed body) was seen before; nothing was applied.
    pub duplicate: bool,
    /// The order's view changed (new status or a new timeline entry).
    pub changed: bool,
}

/// Which database a [`Store`] runs on; the SQL is shared, a few behaviours are not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// One embedded file: the default, for the demo and a single instance.
    Sqlite,
    /// A shared server: several instances act as one.
    Postgres,
}

/// The `NOTIFY` channel that carries the reference of every order whose view changed.
const CHANGES_CHANNEL: &str = "amigo_order_changed";

/// The database.
#[derive(Debug, Clone)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
    writer: mpsc::Sender<Job>,
    key: PhoneKey,
    /// The order feed: references of orders whose shopper view changed, announced once their
    /// write commits, the same way on both databases (on PostgreSQL from every instance, via
    /// `LISTEN`; on SQLite by this process's single writer).
    changes: broadcast::Sender<String>,
    /// The retail price rule, for orders without a recorded sale.
    price_rule: PriceRule,
}

/// What recording an order's Idempotency-Key found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyClaim {
    /// The key is new: this caller places the order and must [`Store::finish_order_key`] or
    /// [`Store::release_order_key`].
    Owner,
    /// The order was placed before: its stored answer.
    Replay {
        /// HTTP status of the stored answer.
        status: u16,
        /// Body of the stored answer.
        body: String,
    },
    /// Another request (here or on another instance) is placing this order right now.
    InFlight,
    /// The key was used for a different order body.
    Reused,
}

/// How long a key's record is kept (the platform keeps keys for 24 hours).
const KEY_TTL_MS: i64 = 24 * 60 * 60 * 1000;

fn now_ms() -> i64 {
    i64::try_from(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default()
            .as_millis(),
    )
    .unwrap_or(i64::MAX)
}

/// A write waiting for the writer task.
#[derive(Debug)]
enum Write {
    /// An order as a `201` reported it.
    Order {
        order: Order,
        at: String,
        /// What the shopper was shown, for an order placed through this proxy.
        sale: Option<RetailSale>,
    },
    /// A verified webhook delivery.
    Webhook(WebhookUpdate),
    /// An order's Idempotency-Key and body hash, before its upstream call.
    ClaimKey { key: String, body_hash: String },
    /// The answer an order placed under a key got.
    FinishKey {
        key: String,
        status: u16,
        body: String,
    },
    /// An unanswered key whose order failed.
    ReleaseKey { key: String },
}

/// What a write did.
#[derive(Debug)]
enum Outcome {
    /// An order or webhook write.
    Applied(WebhookOutcome),
    /// A key write.
    Key(KeyClaim),
}

/// What a verified webhook delivery asks the store to do. Only the reference is certain: the
/// status may be missing or one this build does not know, and the full order is there only when
/// the body had the complete documented shape.
#[derive(Debug, Clone)]
pub struct WebhookUpdate {
    /// `X-Amigo-Delivery`, the dedupe key together with `body_sha256`.
    pub delivery_id: String,
    /// Hex SHA-256 of the signed body. The delivery id is not under the signature, so a replay
    /// is a known id WITH the same body; a known id with another body is a real delivery
    /// (applied) and a sign that someone replayed a captured body under that id (logged).
    pub body_sha256: String,
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
    reply: oneshot::Sender<Result<Outcome, String>>,
}

/// Most writes committed together.
const MAX_BATCH: usize = 64;

fn now_iso() -> String {
    time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

impl Store {
    /// Opens the database at `url` (`sqlite:` creating the file if needed, or `postgres:`)
    /// and runs that backend's migrations.
    pub async fn connect(url: &str) -> Result<Self, sqlx::Error> {
        sqlx::any::install_default_drivers();
        let backend = if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Backend::Postgres
        } else {
            Backend::Sqlite
        };
        let (pool, changes) = match backend {
            Backend::Sqlite => {
                // Create the file in WAL mode once (the journal mode is kept in the file);
                // per-connection pragmas are set on every pooled connection below.
                let options = SqliteConnectOptions::from_str(url)?
                    .create_if_missing(true)
                    .journal_mode(SqliteJournalMode::Wal)
                    .foreign_keys(true);
                sqlx::SqliteConnection::connect_with(&options)
                    .await?
                    .close()
                    .await?;
                let pool = AnyPoolOptions::new()
                    .max_connections(8)
                    .after_connect(|conn, _| {
                        Box::pin(async move {
                            // synchronous=FULL, not WAL's usual NORMAL: a commit is on disk
                            // before its 2xx/201 goes out, so not even a power cut loses an
                            // acknowledged write (README "Crash safety")
                            conn.execute(
                                "PRAGMA busy_timeout = 3000; PRAGMA foreign_keys = ON; \
                                 PRAGMA synchronous = FULL",
                            )
                            .await
                            .map(|_| ())
                        })
                    })
                    .connect(url)
                    .await?;
                sqlx::migrate!("./migrations").run(&pool).await?;
                // SQLite serves one instance, so an order key still in flight at start-up was
                // held by this proxy's previous process, which died before Amigo answered: free
                // it, so the shopper's retry (same key) is forwarded at once instead of waiting
                // out a dead call. Amigo's own idempotency still returns the one order.
                let freed = sqlx::query("DELETE FROM order_keys WHERE response_status IS NULL")
                    .execute(&pool)
                    .await?
                    .rows_affected();
                if freed > 0 {
                    tracing::warn!(
                        freed,
                        "released order keys left in flight by a previous run"
                    );
                }
                let (changes, _) = broadcast::channel(1024);
                (pool, changes)
            }
            Backend::Postgres => {
                // One plain connection first: a wrong host, password or database name is
                // reported as such, not as a pool timeout.
                sqlx::AnyConnection::connect(url).await?.close().await?;
                let pool = AnyPoolOptions::new()
                    .max_connections(8)
                    .acquire_timeout(Duration::from_secs(10))
                    .connect(url)
                    .await?;
                sqlx::migrate!("./migrations-postgres").run(&pool).await?;
                // Listen before anything is served, so no change is missed from the start.
                let mut listener = PgListener::connect(url).await?;
                listener.listen(CHANGES_CHANNEL).await?;
                let (changes, _) = broadcast::channel(1024);
                tokio::spawn(relay_changes(listener, changes.clone()));
                (pool, changes)
            }
        };
        let key = phone_key_in(&pool).await?;
        let (writer, jobs) = mpsc::channel(1024);
        tokio::spawn(run_writer(
            pool.clone(),
            jobs,
            key.clone(),
            backend,
            changes.clone(),
        ));
        Ok(Self {
            pool,
            backend,
            writer,
            key,
            changes,
            price_rule: PriceRule::none(),
        })
    }

    /// The database this store runs on.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The order feed: the reference of every order whose shopper view changed, once its
    /// write has committed, on either database (on PostgreSQL, committed by any instance).
    pub fn subscribe_changes(&self) -> broadcast::Receiver<String> {
        self.changes.subscribe()
    }

    /// Records `key` with the hash of its order body before the order is placed, or reports
    /// what an earlier use of the key left: its answer, a call still in flight, or a different
    /// body. One row per key under a primary key, so of several instances exactly one owns it.
    /// Goes through the writer (batched with the other writes: no extra commit per order).
    pub async fn claim_order_key(
        &self,
        key: &str,
        body_hash: &str,
    ) -> Result<KeyClaim, sqlx::Error> {
        self.submit_key(Write::ClaimKey {
            key: key.to_owned(),
            body_hash: body_hash.to_owned(),
        })
        .await
    }

    /// What a claimed `key` holds now, read without writing (for a request waiting on another
    /// one's call): `None` once the key was released.
    pub async fn order_key(
        &self,
        key: &str,
        body_hash: &str,
    ) -> Result<Option<KeyClaim>, sqlx::Error> {
        let row = sqlx::query(
            "SELECT body_hash, response_status, response_body FROM order_keys
             WHERE idempotency_key = $1",
        )
        .bind(key)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|row| key_state(&row, body_hash)).transpose()
    }

    /// Whether `key` was claimed more than `ttl` ago and never got an answer: past Amigo's 24 h
    /// idempotency window, forwarding it again would not be a retry upstream.
    pub async fn order_key_unanswered_older_than(
        &self,
        key: &str,
        ttl: Duration,
    ) -> Result<bool, sqlx::Error> {
        let cutoff = now_ms() - i64::try_from(ttl.as_millis()).unwrap_or(i64::MAX);
        Ok(sqlx::query(
            "SELECT 1 AS one FROM order_keys
             WHERE idempotency_key = $1 AND response_body IS NULL AND created_ms < $2",
        )
        .bind(key)
        .bind(cutoff)
        .fetch_optional(&self.pool)
        .await?
        .is_some())
    }

    /// Stores the answer an order placed under `key` got, for replays.
    pub async fn finish_order_key(
        &self,
        key: &str,
        status: u16,
        body: &str,
    ) -> Result<(), sqlx::Error> {
        self.submit_key(Write::FinishKey {
            key: key.to_owned(),
            status,
            body: body.to_owned(),
        })
        .await
        .map(|_| ())
    }

    /// Forgets an unanswered `key` after its order failed, so a retry places it again (the
    /// upstream, which saw the same key, decides what a retry gets).
    pub async fn release_order_key(&self, key: &str) -> Result<(), sqlx::Error> {
        self.submit_key(Write::ReleaseKey {
            key: key.to_owned(),
        })
        .await
        .map(|_| ())
    }

    /// A rate limit kept in the database, so it holds across every instance on it (the
    /// per-phone limits on PostgreSQL): GCRA allowing `quota` per `period` with a burst of as
    /// many, one atomic upsert of the key's theoretical arrival time. `Ok(None)` admits;
    /// `Ok(Some(secs))` refuses, to retry after `secs`. PostgreSQL only (`GREATEST`).
    pub async fn shared_limit(
        &self,
        key: &str,
        quota: u32,
        period: Duration,
    ) -> Result<Option<u64>, sqlx::Error> {
        let period_ms = i64::try_from(period.as_millis()).unwrap_or(i64::MAX);
        let interval = period_ms / i64::from(quota.max(1));
        let now = now_ms();
        let admitted = sqlx::query(
            "INSERT INTO shared_limits AS l (limit_key, tat_ms) VALUES ($1, $2 + $3)
             ON CONFLICT (limit_key) DO UPDATE SET tat_ms = GREATEST(l.tat_ms, $2) + $3
             WHERE GREATEST(l.tat_ms, $2) + $3 - $2 <= $4
             RETURNING tat_ms",
        )
        .bind(key)
        .bind(now)
        .bind(interval)
        .bind(period_ms)
        .fetch_optional(&self.pool)
        .await?;
        if admitted.is_some() {
            return Ok(None);
        }
        let tat: i64 = sqlx::query_scalar("SELECT tat_ms FROM shared_limits WHERE limit_key = $1")
            .bind(key)
            .fetch_one(&self.pool)
            .await?;
        let wait_ms = (tat + interval - period_ms - now).max(1);
        Ok(Some(u64::try_from((wait_ms + 999) / 1000).unwrap_or(1)))
    }

    /// The keyed hash of `raw` (see [`PhoneKey::phone_hash`]) under this database's key.
    pub fn phone_hash(&self, raw: &str) -> String {
        self.key.phone_hash(raw)
    }

    async fn submit_any(&self, write: Write) -> Result<Outcome, sqlx::Error> {
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

    async fn submit(&self, write: Write) -> Result<WebhookOutcome, sqlx::Error> {
        match self.submit_any(write).await? {
            Outcome::Applied(outcome) => Ok(outcome),
            Outcome::Key(_) => Err(sqlx::Error::Protocol("a key outcome for a write".into())),
        }
    }

    async fn submit_key(&self, write: Write) -> Result<KeyClaim, sqlx::Error> {
        match self.submit_any(write).await? {
            Outcome::Key(claim) => Ok(claim),
            Outcome::Applied(_) => Err(sqlx::Error::Protocol("a write outcome for a key".into())),
        }
    }

    /// Records `order` as reported by a `201` or a webhook, with `at` as the time it reached its
    /// status. Returns whether anything changed. Never moves the status backwards.
    pub async fn record_order(&self, order: &Order, at: &str) -> Result<bool, sqlx::Error> {
        self.record_sale(order, at, None).await
    }

    /// [`Self::record_order`] for an order placed through this proxy, with what the shopper
    /// was shown for it (`sale`), in the same transaction.
    pub async fn record_sale(
        &self,
        order: &Order,
        at: &str,
        sale: Option<RetailSale>,
    ) -> Result<bool, sqlx::Error> {
        let outcome = self
            .submit(Write::Order {
                order: order.clone(),
                at: at.to_owned(),
                sale,
            })
            .await?;
        Ok(outcome.changed)
    }

    /// The same store, showing shoppers their orders at `rule`'s prices when an order has no
    /// recorded sale (one this proxy only heard of by webhook).
    pub fn with_price_rule(mut self, rule: PriceRule) -> Self {
        self.price_rule = rule;
        self
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
    ///
    /// One statement, so the order row and its timeline come from one snapshot: read as two
    /// statements, a status change committing between them gave a torn view (the old status
    /// with the new timeline entry), which an event stream sent as a change.
    pub async fn tracking(
        &self,
        reference: &str,
    ) -> Result<Option<(String, OrderTracking)>, sqlx::Error> {
        let rows = sqlx::query(
            "SELECT o.phone_hash, o.view_json, o.retail_units, t.status AS step, t.at AS step_at
             FROM orders o LEFT JOIN order_timeline t ON t.reference = o.reference
             WHERE o.reference = $1
             ORDER BY t.status_rank, t.at",
        )
        .bind(reference)
        .fetch_all(&self.pool)
        .await?;
        let Some(first) = rows.first() else {
            return Ok(None);
        };
        let hash: String = first.try_get("phone_hash")?;
        let json: String = first.try_get("view_json")?;
        let units: Option<String> = first.try_get("retail_units")?;
        let view: OrderTracking =
            serde_json::from_str(&json).map_err(|e| sqlx::Error::Decode(Box::new(e)))?;
        let mut view = retail::shopper_view(view, units.as_deref(), &self.price_rule);
        view.timeline = rows
            .iter()
            .filter_map(|r| {
                let status: String = r.try_get::<Option<String>, _>("step").ok()??;
                Some(TimelineEntry {
                    status: OrderStatus::parse(&status)?,
                    at: r.try_get::<Option<String>, _>("step_at").ok()??,
                })
            })
            .collect();
        Ok(Some((hash, view)))
    }

    /// The raw body stored for a webhook delivery, if that delivery was received.
    pub async fn delivery_payload(&self, delivery_id: &str) -> Result<Option<String>, sqlx::Error> {
        Ok(sqlx::query(
            "SELECT payload FROM webhook_deliveries WHERE delivery_id = $1
                 ORDER BY received_at LIMIT 1",
        )
        .bind(delivery_id)
        .fetch_optional(&self.pool)
        .await?
        .and_then(|r| r.try_get::<Option<String>, _>("payload").ok().flatten()))
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

    /// The connection pool, for the modules that keep their own tables here
    /// ([`crate::webhook_endpoints`]).
    pub(crate) fn pool(&self) -> &AnyPool {
        &self.pool
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
async fn run_writer(
    pool: AnyPool,
    mut jobs: mpsc::Receiver<Job>,
    key: PhoneKey,
    backend: Backend,
    feed: broadcast::Sender<String>,
) {
    // On SQLite this process is the only writer: it announces each committed change itself,
    // where PostgreSQL's NOTIFY (sent inside the transaction) announces it to every instance.
    let announce = |changed: Vec<String>| {
        if backend == Backend::Sqlite {
            for reference in changed {
                // No subscriber is fine.
                let _ = feed.send(reference);
            }
        }
    };
    while let Some(first) = jobs.recv().await {
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match jobs.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        let writes: Vec<&Write> = batch.iter().map(|j| &j.write).collect();
        match write_batch(&pool, &writes, &key, backend).await {
            Ok((outcomes, changed)) => {
                announce(changed);
                for (job, outcome) in batch.into_iter().zip(outcomes) {
                    let _ = job.reply.send(Ok(outcome));
                }
            }
            Err(e) if batch.len() == 1 => {
                let _ = batch.remove(0).reply.send(Err(e.to_string()));
            }
            Err(_) => {
                for job in batch {
                    let result = match write_batch(&pool, &[&job.write], &key, backend).await {
                        Ok((mut o, changed)) => {
                            announce(changed);
                            Ok(o.remove(0))
                        }
                        Err(e) => Err(e.to_string()),
                    };
                    let _ = job.reply.send(result);
                }
            }
        }
    }
}

/// Commits `writes` in one transaction; returns each write's outcome and the references of
/// the orders whose shopper view changed (the order feed's announcements).
async fn write_batch(
    pool: &AnyPool,
    writes: &[&Write],
    key: &PhoneKey,
    backend: Backend,
) -> Result<(Vec<Outcome>, Vec<String>), sqlx::Error> {
    let mut tx = pool.begin().await?;
    let mut outcomes = Vec::with_capacity(writes.len());
    let mut changed = Vec::new();
    for write in writes {
        let (outcome, reference) = match write {
            Write::Order { order, at, sale } => {
                let changed = record_in(&mut tx, order, at, key).await?;
                if let Some(sale) = sale {
                    retail::record_sale_in(&mut tx, order, sale).await?;
                }
                (
                    WebhookOutcome {
                        duplicate: false,
                        changed,
                    },
                    &order.reference,
                )
            }
            Write::Webhook(update) => (apply_in(&mut tx, update, key).await?, &update.reference),
            Write::ClaimKey { key, body_hash } => {
                outcomes.push(Outcome::Key(claim_in(&mut tx, key, body_hash).await?));
                continue;
            }
            Write::FinishKey { key, status, body } => {
                sqlx::query(
                    "UPDATE order_keys SET response_status = $1, response_body = $2
                     WHERE idempotency_key = $3 AND response_body IS NULL",
                )
                .bind(i64::from(*status))
                .bind(body)
                .bind(key)
                .execute(&mut *tx)
                .await?;
                outcomes.push(Outcome::Key(KeyClaim::Owner));
                continue;
            }
            Write::ReleaseKey { key } => {
                sqlx::query(
                    "DELETE FROM order_keys WHERE idempotency_key = $1 AND response_body IS NULL",
                )
                .bind(key)
                .execute(&mut *tx)
                .await?;
                outcomes.push(Outcome::Key(KeyClaim::Owner));
                continue;
            }
        };
        if outcome.changed {
            if backend == Backend::Postgres {
                // Delivered to every listener when (and only if) this transaction commits.
                sqlx::query("SELECT pg_notify($1, $2)::text")
                    .bind(CHANGES_CHANNEL)
                    .bind(reference)
                    .fetch_one(&mut *tx)
                    .await?;
            }
            changed.push(reference.to_owned());
        }
        outcomes.push(Outcome::Applied(outcome));
    }
    tx.commit().await?;
    Ok((outcomes, changed))
}

/// Records an order's key before its upstream call, or reads what an earlier use left.
async fn claim_in(
    tx: &mut sqlx::Transaction<'_, Any>,
    key: &str,
    body_hash: &str,
) -> Result<KeyClaim, sqlx::Error> {
    let now = now_ms();
    if now % 64 == 0 {
        sqlx::query("DELETE FROM order_keys WHERE created_ms < $1")
            .bind(now - KEY_TTL_MS)
            .execute(&mut **tx)
            .await?;
    }
    let inserted = sqlx::query(
        "INSERT INTO order_keys (idempotency_key, body_hash, created_ms) VALUES ($1, $2, $3)
         ON CONFLICT (idempotency_key) DO NOTHING",
    )
    .bind(key)
    .bind(body_hash)
    .bind(now)
    .execute(&mut **tx)
    .await?
    .rows_affected();
    if inserted == 1 {
        return Ok(KeyClaim::Owner);
    }
    let row = sqlx::query(
        "SELECT body_hash, response_status, response_body FROM order_keys
         WHERE idempotency_key = $1",
    )
    .bind(key)
    .fetch_optional(&mut **tx)
    .await?;
    match row {
        Some(row) => key_state(&row, body_hash),
        // Released by another instance between the two statements: the caller polls again.
        None => Ok(KeyClaim::InFlight),
    }
}

/// What a stored key means for a request with `body_hash`.
fn key_state(row: &sqlx::any::AnyRow, body_hash: &str) -> Result<KeyClaim, sqlx::Error> {
    let stored: String = row.try_get("body_hash")?;
    if stored != body_hash {
        return Ok(KeyClaim::Reused);
    }
    let status: Option<i64> = row.try_get("response_status")?;
    let body: Option<String> = row.try_get("response_body")?;
    Ok(match (status, body) {
        (Some(status), Some(body)) => KeyClaim::Replay {
            status: u16::try_from(status).unwrap_or(500),
            body,
        },
        _ => KeyClaim::InFlight,
    })
}

/// Forwards `NOTIFY` payloads (order references) to this process. `PgListener` reconnects by
/// itself after a lost connection; notifications sent while it was away are lost, so a stream
/// may miss an intermediate status but shows the next one (and a reload shows the current one).
async fn relay_changes(mut listener: PgListener, changes: broadcast::Sender<String>) {
    loop {
        match listener.recv().await {
            Ok(note) => {
                // No subscriber is fine.
                let _ = changes.send(note.payload().to_owned());
            }
            Err(e) => {
                tracing::warn!(error = %e, "LISTEN connection lost; reconnecting");
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        }
    }
}

async fn apply_in(
    tx: &mut sqlx::Transaction<'_, Any>,
    update: &WebhookUpdate,
    key: &PhoneKey,
) -> Result<WebhookOutcome, sqlx::Error> {
    // Written first, so the transaction takes SQLite's write lock at once (no read-to-write
    // upgrade, which another writer on the database would make fail).
    let inserted = sqlx::query(
        "INSERT INTO webhook_deliveries
             (delivery_id, body_sha256, event, reference, status, event_created_at, received_at,
              payload)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT (delivery_id, body_sha256) DO NOTHING",
    )
    .bind(&update.delivery_id)
    .bind(&update.body_sha256)
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
    let others: Vec<String> = sqlx::query_scalar(
        "SELECT body_sha256 FROM webhook_deliveries WHERE delivery_id = $1 AND body_sha256 <> $2",
    )
    .bind(&update.delivery_id)
    .bind(&update.body_sha256)
    .fetch_all(&mut **tx)
    .await?;
    // Rows received before bodies were hashed have an empty hash and still dedupe by id.
    if others.iter().any(String::is_empty) {
        return Ok(WebhookOutcome {
            duplicate: true,
            changed: false,
        });
    }
    if !others.is_empty() {
        tracing::warn!(
            delivery_id = %update.delivery_id,
            event = %update.event,
            reference = %update.reference,
            "suspicious webhook: a delivery id already received with another signed body \
             (a captured delivery replayed under this id?); applying this one"
        );
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

/// Moves a stored order to `status` (never backwards) from a partial event. An order this proxy
/// does not know yet keeps the event waiting ([`pending`]) until it is recorded.
async fn advance_in(
    tx: &mut sqlx::Transaction<'_, Any>,
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
        pending::keep_in(tx, reference, status, cancelled_reason, at).await?;
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
async fn phone_key_in(pool: &AnyPool) -> Result<PhoneKey, sqlx::Error> {
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
    tx: &mut sqlx::Transaction<'_, Any>,
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
                             total, view_json, created_at, updated_at, phone_hash_version,
                             phone_last4)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 2, $11)
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
    .bind(admin::last4(&order.customer.phone))
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
    // events that arrived before the order did
    let caught_up = pending::apply_in(tx, &order.reference).await?;
    Ok(advanced > 0 || timeline > 0 || caught_up)
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
