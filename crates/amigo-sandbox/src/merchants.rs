//! Per-token merchants. Each distinct token is its own merchant with its own wallet, orders,
//! idempotency records and webhook endpoints, created on first use; a test token and a live
//! token therefore never see each other's anything. Ids (orders, endpoints, deliveries) come
//! from instance-wide sequences, so an id names one thing across all merchants and another
//! merchant's id is simply not found.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};

use amigo_types::orders::Order;
use amigo_types::token::{ApiToken, Mode};
use amigo_types::wallet::TEST_WALLET_START;

use crate::clock::Clock;
use crate::data::DataBook;
use crate::idempotency::{IdempotencyMode, IdempotencyStore};
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
    idempotency_mode: IdempotencyMode,
    next_order_id: AtomicU64,
    next_endpoint_id: AtomicU64,
    /// Sends webhook deliveries in the background.
    pub dispatcher: Arc<Dispatcher>,
}

impl Merchants {
    /// No merchants yet; live wallets will start at `live_balance` (Naira), every idempotency
    /// store answers in `idempotency_mode`, and webhooks go out through `dispatcher`.
    pub fn new(
        live_balance: i64,
        idempotency_mode: IdempotencyMode,
        dispatcher: Dispatcher,
    ) -> Self {
        Self {
            live_balance,
            idempotency_mode,
            by_token: RwLock::new(HashMap::new()),
            next_order_id: AtomicU64::new(1001),
            next_endpoint_id: AtomicU64::new(1),
            dispatcher: Arc::new(dispatcher),
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

    /// Sends `order`'s current event to `merchant`'s subscribed endpoints (see
    /// [`crate::webhooks::emit`]); returns the delivery ids.
    pub fn announce(&self, merchant: &Merchant, clock: &Arc<Clock>, order: &Order) -> Vec<u64> {
        crate::webhooks::emit(
            &self.dispatcher,
            &merchant.webhooks,
            merchant.mode.is_live(),
            clock,
            order,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_token_is_its_own_merchant_with_its_modes_wallet() {
        let m = Merchants::new(
            5_000,
            IdempotencyMode::default(),
            Dispatcher::new(std::time::Duration::from_secs(1), 1.0),
        );
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
