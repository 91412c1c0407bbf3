//! SKELETON (helper B replaces): per-token merchants (wallet, orders, idempotency, webhooks).

use crate::config::SandboxConfig;

/// All merchants.
#[derive(Debug, Default)]
pub struct Merchants;

impl Merchants {
    /// Empty set.
    pub fn new(_config: &SandboxConfig) -> Self {
        Self
    }
}
