//! The [`Store`] handle every table module adds its methods to: the pool, the queue into the
//! single writer, the phone key and the order feed. [`super::Store::connect`] builds it.

use amigo_types::pricing::PriceRule;
use sqlx::AnyPool;
use tokio::sync::broadcast;

use super::backend::Backend;
use super::feed::OrderFeed;
use super::phone_key::PhoneKey;
use super::writes::Writer;

/// The proxy's database: a connection pool, the single writer that batches order, webhook and
/// key writes, and the order feed. Cheap to clone (every clone shares them).
#[derive(Debug, Clone)]
pub struct Store {
    pub(super) pool: AnyPool,
    pub(super) backend: Backend,
    pub(super) writer: Writer,
    pub(super) key: PhoneKey,
    /// References of orders whose shopper view changed, announced once their write commits.
    pub(super) feed: OrderFeed,
    /// The retail price rule, for orders without a recorded sale.
    pub(super) price_rule: PriceRule,
}

impl Store {
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
