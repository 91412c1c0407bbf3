//! Durable state in SQL (SQLite or PostgreSQL through `sqlx::Any`, one set of `$n` queries),
//! and nothing else: one submodule per table or concern. The orders this proxy knows and their
//! timelines (`orders`), the webhook deliveries already applied (`webhooks`), the
//! Idempotency-Keys orders were placed with (`order_keys`), the daily budgets on unpaid
//! spending (`budget`), the checkouts (`checkouts`), the mobile-data purchases (`data`), the
//! merchant console's records (`admin`), the shared rate limits (`shared_limits`) and the
//! pruning of old rows (`retention`). What these rows mean for an order is decided in
//! [`crate::orders`] and [`crate::checkout`].
//!
//! Order, webhook and key writes go through one writer ([`writer`]) that commits them in
//! batches: a task on PostgreSQL's pool, or on SQLite a thread that owns its own connection
//! ([`lite`]), the statements written once against [`sql::Tx`]. Status only moves forward (`OrderStatus::rank`; `cancelled` is final) whatever
//! order events arrive in, and a webhook delivery id is applied at most once. Every committed
//! change to a shopper's view is announced on the order feed ([`feed`]) the same way on both
//! databases.
//!
//! How the files depend on each other (no circle): the [`Store`] handle is in `db` and the
//! writer's queue and its values in `writes`, and `sql` (what a transaction can do), leaves the
//! table modules import; `writer` imports the table modules' `*_in` transaction functions; this file only opens the
//! database, starts the writer and re-exports.

pub mod admin;
mod backend;
mod budget;
mod checkouts;
mod data;
mod db;
mod feed;
mod lite;
mod order_keys;
mod orders;
mod pending;
mod phone_key;
mod retail;
pub mod retention;
mod shared_limits;
mod sql;
mod webhooks;
mod writer;
mod writes;

pub use backend::Backend;
pub use budget::{Budget, BudgetClaim, BudgetReserved, lagos_day};
pub use checkouts::{CheckoutInsert, CheckoutRow};
pub use data::{DataToCheck, Reservation, Reserved, StoredPurchase};
pub use db::Store;
pub use phone_key::PhoneKey;
pub use retail::RetailSale;
pub use writes::{KeyClaim, WebhookOutcome, WebhookUpdate};

use amigo_types::pricing::PriceRule;
use tokio::sync::mpsc;

pub(crate) use lite::sqlite_file;

use feed::OrderFeed;
use writes::Writer;

impl Store {
    /// Opens the database at `url` (`sqlite:` creating the file if needed, or `postgres:`),
    /// runs that backend's migrations and starts the writer task and the order feed.
    pub async fn connect(url: &str) -> Result<Self, sqlx::Error> {
        let (pool, backend) = backend::open(url).await?;
        // Listening starts before anything is served, so no change is missed from the start.
        let feed = OrderFeed::start(url, backend).await?;
        let key = phone_key::phone_key_in(&pool).await?;
        let (writer, jobs) = mpsc::channel(1024);
        let file = match backend {
            Backend::Sqlite => {
                Some(sqlite_file(url).map_err(|e| sqlx::Error::Configuration(e.into()))?)
            }
            Backend::Postgres => None,
        };
        writer::start(&pool, file.as_deref(), jobs, key.clone(), feed.clone())?;
        Ok(Self {
            pool,
            backend,
            writer: Writer(writer),
            key,
            feed,
            price_rule: PriceRule::none(),
        })
    }
}
