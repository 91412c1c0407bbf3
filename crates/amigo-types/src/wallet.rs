//! Wallet responses.

use serde::{Deserialize, Serialize};

/// `POST sandbox/reset-balance/` data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResetBalance {
    /// The refilled sandbox balance (₦1,000,000).
    pub test_balance: i64,
    /// Its display string.
    pub display: String,
    /// Always `false`: only test tokens may reset.
    pub livemode: bool,
}

/// What a test wallet holds after a reset, and when it is first created.
pub const TEST_WALLET_START: i64 = 1_000_000;
