//! Durable state in SQL (SQLite or PostgreSQL through `sqlx::Any`, one set of `$n` queries),
//! and nothing else: one submodule per table or concern. The orders this proxy knows and their
//! timelines (`orders`), the webhook deliveries already applied (`webhooks`), the
//! Idempotency-Keys orders were placed with (`order_keys`), the daily budgets on unpaid
//! spending (`budget`), the checkouts (`checkouts`), the mobile-data purchases (`data`), the
//! merchant console's records (`admin`), the shared rate limits (`shared_limits`) and the
//! pruning of old rows (`retention`). What these rows mean for an order is decided in
//! [`crate::orders`] and [`crate::checkout`].
//!
//! Order, webhook and key writes go through one writer task ([`writer`]) that commits them in
//! batches. Status only moves forward (`OrderStatus::rank`; `cancelled` is final) whatever
//! order events arrive in, and a webhook delivery id is applied at most once. Every committed
//! change to a shopper's view is announced on the order feed ([`feed`]) the same way on both
//! databases.

pub mod admin;
mod budget;
mod checkouts;
mod data;
mod feed;
mod order_keys;
mod orders;
mod pending;
mod phone_key;
mod retail;
pub mod retention;
mod shared_limits;
mod webhooks;
mod writer;

pub use budget::{Budget, BudgetClaim, BudgetReserved, lagos_day};
pub use checkouts::{CheckoutInsert, CheckoutRow};
pub use data::{DataToCheck, Reservation, Reserved, StoredPurchase};
use order_keys::KEY_TTL_MS;
pub use order_keys::KeyClaim;
pub use phone_key::PhoneKey;
pub use retail::RetailSale;
pub use webhooks::{WebhookOutcome, WebhookUpdate};

use std::str::FromStr;
use std::time::Duration;

use amigo_types::pricing::PriceRule;
use sqlx::any::AnyPoolOptions;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode};
use sqlx::{AnyPool, Connection, Executor};
use tokio::sync::{broadcast, mpsc};

use feed::OrderFeed;
use writer::{Job, run_writer};

/// Which database a [`Store`] runs on; the SQL is shared, a few behaviours are not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// One embedded file: the default, for the demo and a single instance.
    Sqlite,
    /// A shared server: several instances act as one.
    Postgres,
}

/// The proxy's database: a connection pool, the single writer that batches order, webhook and
/// key writes, and the order feed. Cheap to clone (every clone shares them).
#[derive(Debug, Clone)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
    writer: mpsc::Sender<Job>,
    key: PhoneKey,
    /// References of orders whose shopper view changed, announced once their write commits.
    feed: OrderFeed,
    /// The retail price rule, for orders without a recorded sale.
    price_rule: PriceRule,
}

fn now_ms() -> i64 {
    i64::try_from(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default()
            .as_millis(),
    )
    .unwrap_or(i64::MAX)
}

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
        let pool = match backend {
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
                    // No ping before each use: on SQLite every statement is a round trip to the
                    // connection's own thread, and a local file cannot go away like a server's
                    // socket can (a ping per acquire added one more trip to every read and batch).
                    .test_before_acquire(false)
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
                pool
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
                pool
            }
        };
        // Listening starts before anything is served, so no change is missed from the start.
        let feed = OrderFeed::start(url, backend).await?;
        let key = phone_key::phone_key_in(&pool).await?;
        let (writer, jobs) = mpsc::channel(1024);
        tokio::spawn(run_writer(
            pool.clone(),
            jobs,
            key.clone(),
            feed.clone(),
            backend,
        ));
        Ok(Self {
            pool,
            backend,
            writer,
            key,
            feed,
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
        self.feed.subscribe()
    }

    /// The keyed hash of `raw` (see [`PhoneKey::phone_hash`]) under this database's key.
    pub fn phone_hash(&self, raw: &str) -> String {
        self.key.phone_hash(raw)
    }

    /// The same store, showing shoppers their orders at `rule`'s prices when an order has no
    /// recorded sale (one this proxy only heard of by webhook).
    pub fn with_price_rule(mut self, rule: PriceRule) -> Self {
        self.price_rule = rule;
        self
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
