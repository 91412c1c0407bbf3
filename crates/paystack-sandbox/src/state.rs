//! What every handler shares: the keys, the books, the clock, the webhook sender and the
//! merchant's settings. Cheap to clone (all behind `Arc`).

use std::sync::Arc;
use std::time::Duration;

use reqwest::Url;

use crate::clock::Clock;
use crate::config::{SandboxConfig, default_base_url};
use crate::keys::{ApiKeys, Domain};
use crate::ledger::Ledger;
use crate::webhooks::{RetrySchedule, WebhookSender};

/// The merchant-facing settings handlers read.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Base URL of the payment pages.
    pub public_base_url: Url,
    /// Shown on the payment page.
    pub merchant_name: String,
    /// A refund's `refunded_by`.
    pub merchant_email: String,
    /// `integration` on objects.
    pub integration_id: u64,
    /// How long refunds stay pending.
    pub refund_delay: Duration,
}

impl Settings {
    /// The payment page of the transaction with `access_code`.
    pub fn checkout_url(&self, access_code: &str) -> String {
        let base = self.public_base_url.as_str().trim_end_matches('/');
        format!("{base}/checkout/{access_code}")
    }
}

/// The shared state of one emulator.
#[derive(Debug, Clone)]
pub struct AppState {
    /// The accepted keys.
    pub keys: Arc<ApiKeys>,
    /// Transactions, customers, refunds.
    pub ledger: Arc<Ledger>,
    /// Now.
    pub clock: Arc<Clock>,
    /// Webhook deliveries.
    pub webhooks: Arc<WebhookSender>,
    /// Merchant settings.
    pub settings: Arc<Settings>,
}

impl AppState {
    /// Fresh, empty books for `config`.
    pub fn new(config: SandboxConfig) -> Self {
        let schedule = RetrySchedule::new(config.keys.domain(), config.webhook_time_scale);
        let webhooks = WebhookSender::new(
            config.webhook_url,
            config.keys.secret().clone(),
            schedule,
            config.webhook_timeout,
        );
        Self {
            settings: Arc::new(Settings {
                public_base_url: config.public_base_url.unwrap_or_else(default_base_url),
                merchant_name: config.merchant_name,
                merchant_email: config.merchant_email,
                integration_id: config.integration_id,
                refund_delay: config.refund_delay,
            }),
            keys: Arc::new(config.keys),
            ledger: Arc::new(Ledger::default()),
            clock: Arc::new(Clock::default()),
            webhooks: Arc::new(webhooks),
        }
    }

    /// The domain of the keys (`test` or `live`).
    pub fn domain(&self) -> Domain {
        self.keys.domain()
    }
}

impl AppState {
    /// The refund desk over this state's books, clock and sender.
    pub fn refund_desk(&self) -> crate::refunds::desk::RefundDesk {
        crate::refunds::desk::RefundDesk {
            ledger: Arc::clone(&self.ledger),
            clock: Arc::clone(&self.clock),
            webhooks: Arc::clone(&self.webhooks),
            domain: self.domain(),
            integration: self.settings.integration_id,
            refunded_by: self.settings.merchant_email.clone(),
            delay: self.settings.refund_delay,
        }
    }
}
