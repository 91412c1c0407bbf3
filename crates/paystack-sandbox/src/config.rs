//! Emulator configuration: what the binary's flags set and what tests tune.

use std::time::Duration;

use reqwest::Url;

use crate::keys::ApiKeys;

/// Everything that shapes one emulator. `Default` is what `paystack-sandbox` runs with no
/// flags: fresh test keys, no webhook URL, Paystack's real retry delays.
#[derive(Debug, Clone)]
pub struct SandboxConfig {
    /// The keys it accepts (and signs webhooks with).
    pub keys: ApiKeys,
    /// Where webhooks go; `None` sends none (Paystack without a webhook URL set).
    pub webhook_url: Option<Url>,
    /// Multiplies every webhook retry delay (`0.0001` turns an hour into 360 ms).
    pub webhook_time_scale: f64,
    /// Bound on one webhook attempt, answer included.
    pub webhook_timeout: Duration,
    /// Base URL payers reach the emulator at (the `authorization_url` points under it).
    /// `None`: `http://{listen address}` when started on a listener, else
    /// `http://127.0.0.1:7800`.
    pub public_base_url: Option<Url>,
    /// The business name the payment page shows.
    pub merchant_name: String,
    /// The merchant account's email (a refund's `refunded_by`).
    pub merchant_email: String,
    /// The integration id objects carry.
    pub integration_id: u64,
    /// How long a refund stays `pending` before it is processed (real time, not scaled).
    pub refund_delay: Duration,
}

impl Default for SandboxConfig {
    fn default() -> Self {
        Self {
            keys: ApiKeys::generate(),
            webhook_url: None,
            webhook_time_scale: 1.0,
            webhook_timeout: Duration::from_secs(30),
            public_base_url: None,
            merchant_name: "Amigo Store (sandbox)".to_owned(),
            merchant_email: "payments@amigo-store.test".to_owned(),
            integration_id: 100_001,
            refund_delay: Duration::from_secs(5),
        }
    }
}

/// The base URL used when none is configured and the emulator is not on a listener.
pub(crate) fn default_base_url() -> Url {
    Url::parse("http://127.0.0.1:7800").unwrap_or_else(|_| unreachable!("a valid literal URL"))
}
