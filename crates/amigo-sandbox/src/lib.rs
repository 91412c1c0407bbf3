//! `amigo-sandbox`: a faithful, stateful local emulator of the Amigo Developer Platform
//! (`../shared/spec/amigo-developer-platform.txt`).
//!
//! It serves the documented paths under `/api/commerce/…` with the documented shapes, defaults,
//! limits, headers and error codes, from a seeded, deterministic catalog, and keeps per-token
//! state (wallets, orders, idempotency records, webhook endpoints) so whole checkouts work
//! offline. It never makes a network call except webhook deliveries to registered URLs.
//!
//! Use [`router`] in-process (tests, the proxy's `--sandbox` mode) or the `amigo-sandbox` binary.

pub mod catalog;
pub mod clock;
pub mod config;
mod curation;
pub mod data;
pub mod delivery;
pub mod error;
mod extract;
pub mod fault;
pub mod idempotency;
pub mod locations;
mod merchants;
mod orders;
mod rate_limit;
mod routes;
mod serve;
pub mod state;
mod wallet;
mod webhooks;

use std::sync::Arc;

use axum::Router;

pub use config::{IpWhitelist, SandboxConfig};
pub use error::SandboxError;
pub use fault::FaultConfig;
pub use serve::serve;
pub use state::AppState;

/// A sandbox instance whose state tests can reach (to move the clock, say) while serving it.
#[derive(Clone)]
pub struct Sandbox {
    state: AppState,
}

impl Sandbox {
    /// Builds the seeded platform for `config`.
    pub fn new(config: SandboxConfig) -> Self {
        Self {
            state: AppState::new(config),
        }
    }

    /// The HTTP surface.
    pub fn router(&self) -> Router {
        routes::router(self.state.clone())
    }

    /// The shared state.
    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Moves the sandbox clock forward by `secs` (curation windows, idempotency TTL, dates).
    pub fn advance_clock(&self, secs: i64) {
        self.state.clock.advance(secs);
    }

    /// The clock, for tests that read it.
    pub fn clock(&self) -> Arc<clock::Clock> {
        Arc::clone(&self.state.clock)
    }
}

/// The whole sandbox as one router, built from `config`.
pub fn router(config: SandboxConfig) -> Router {
    Sandbox::new(config).router()
}

/// A fresh random test token (`amg_test_` + 24 alphanumerics), for the binary's banner and for
/// callers that want an isolated merchant.
pub fn random_test_token() -> String {
    random_token("amg_test_")
}

/// A fresh random live-mode token (`amg_live_` + 24 alphanumerics): tests mint live tokens at run
/// time rather than committing token-shaped strings.
pub fn random_live_token() -> String {
    random_token("amg_live_")
}

fn random_token(prefix: &str) -> String {
    use rand::Rng;
    use rand::distr::Alphanumeric;
    let tail: String = rand::rng()
        .sample_iter(&Alphanumeric)
        .take(24)
        .map(char::from)
        .collect();
    format!("{prefix}{tail}")
}
