//! Per-token merchants. Each distinct token is its own merchant with its own wallet, orders,
//! idempotency records and webhook endpoints, created on first use; a test token and a live
//! token therefore never see each other's anything. Ids (orders, endpoints, deliveries) come
//! from instance-wide sequences, so an id names one thing across all merchants and another
//! merchant's id is simply not found.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};

use amigo_types::token::{ApiToken, Mode};
use amigo_types::wallet::TEST_WALLET_START;

use crate::config::SandboxConfig;
use crate::data::DataBook;
use crate::idempotency::IdempotencyStore;
use crate::orders::OrderBook;
use crate::wallet::Wallet;
use crate::webhooks::{Dispatcher, WebhookRegistry};

/// One token's world.
#[derive(Debug)]
pub struct Merchant {
    /// Test or live, from the token prefix.
    pub mode: Mode,
    /// The balance orders are paid from.
    pub wallet: Wallet,
    /// Its orders.
    pub orders: OrderBook,
    /// Its idempotency records.
    pub idempotency: IdempotencyStore,
    /// Its webhook endpoints and their delivery history.
    pub webhooks: WebhookRegistry,
    /// Its data purchases (paid from the same wallet as orders).
    pub data: DataBook,
}

/// All merchants of one sandbox instance, plus the id sequences and the webhook sender.
#[derive(Debug)]
pub struct Merchants {
    live_balance: i64,
    by_token: RwLock<HashMap<ApiToken, Arc<Merchant>>>,
    /// How every merchant's idempotency store answers a used key with a different request.
    idempotency_mode: crate::idempotency::IdempotencyMode,
    next_order_id: AtomicU64,
    next_endpoint_id: AtomicU64,
    next_delivery_id: AtomicU64,
    /// Sends webhook deliveries in the background.
    pub dispatcher: Arc<Dispatcher>,
}

impl Merchants {
    /// No merchants yet; live wallets will start at `config.live_balance`, and deliveries use
    /// the configured timeout and retry time scale.
    pub fn new(config: &SandboxConfig) -> Self {
        Self {
            live_balance: config.live_balance,
            idempotency_mode: config.idempotency_mode,
            by_token: RwLock::new(HashMap::new()),
            next_order_id: AtomicU64::new(1001),
            next_endpoint_id: AtomicU64::new(1),
            next_delivery_id: AtomicU64::new(4801),
            dispatcher: Arc::new(Dispatcher::new(
                config.webhook_timeout,
                config.webhook_time_scale,
            )),
        }
    }

    /// The merchant behind `token`, created on first use with a fresh wallet (₦1,000,000 for
    /// test tokens, the configured live balance for live ones).
    pub fn get(&self, token: &ApiToken) -> Arc<Merchant> {
        if let Some(m) = self
            .by_token
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .get(token)
        {
            return Arc::clone(m);
        }
        let mut map = self
            .by_token
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        Arc::clone(map.entry(token.clone()).or_insert_with(|| {
            let mode = token.mode();
            let start = match mode {
                Mode::Test => TEST_WALLET_START,
                Mode::Live => self.live_balance,
            };
            Arc::new(Merchant {
                mode,
                wallet: Wallet::new(start),
                orders: OrderBook::new(),
                idempotency: IdempotencyStore::with_mode(self.idempotency_mode),
                webhooks: WebhookRegistry::new(),
                data: DataBook::new(),
            })
        }))
    }

    /// The wallet balance of `token` (for tests and tooling; the API has no balance read).
    pub fn balance(&self, token: &ApiToken) -> i64 {
        self.get(token).wallet.balance()
    }

    /// The next order id.
    pub fn next_order_id(&self) -> u64 {
        self.next_order_id.fetch_add(1, Ordering::Relaxed)
    }

    /// The next webhook endpoint id.
    pub fn next_endpoint_id(&self) -> u64 {
        self.next_endpoint_id.fetch_add(1, Ordering::Relaxed)
    }

    /// The next delivery id (`X-Amigo-Delivery`).
    pub fn next_delivery_id(&self) -> u64 {
        self.next_delivery_id.fetch_add(1, Ordering::Relaxed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_token_is_its_own_merchant_with_its_modes_wallet() {
        let config = SandboxConfig {
            live_balance: 5_000,
            ..SandboxConfig::default()
        };
        let m = Merchants::new(&config);
        let test = ApiToken::parse("amg_test_aaaaaaaa11").unwrap();
        let live = ApiToken::parse(&crate::random_live_token()).unwrap();
        let other = ApiToken::parse("amg_test_bbbbbbbb22").unwrap();
        assert_eq!(m.balance(&test), TEST_WALLET_START);
        assert_eq!(m.balance(&live), 5_000);
        m.get(&test).wallet.debit(1).unwrap();
        assert_eq!(m.balance(&other), TEST_WALLET_START);
        assert!(Arc::ptr_eq(&m.get(&test), &m.get(&test)));
        assert_eq!(m.get(&live).mode, Mode::Live);
        assert_ne!(m.next_order_id(), m.next_order_id());
    }
}
