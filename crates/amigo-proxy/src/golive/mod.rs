//! Going live from the command line: `amigo-proxy webhooks …` registers, lists, disables,
//! enables, deletes and rotates the proxy's webhook endpoint with the platform, keeping the
//! signing secrets in the proxy's database; `amigo-proxy doctor` checks, one line each, that a
//! configuration is ready to take real orders.
//!
//! Everything here is a library over a [`GoLive`] context (settings, database, the platform's
//! webhook API), so tests drive it in-process and the admin console can show the same checks;
//! [`cli`] only parses the subcommands and prints.

mod check;
pub mod cli;
mod data_probes;
pub mod doctor;
mod platform_probes;
pub mod webhooks;

use std::time::Duration;

use amigo_types::token::ApiToken;
use secrecy::ExposeSecret;

use crate::config::ProxyConfig;
use crate::platform_webhooks::{PlatformError, PlatformWebhooks};
use crate::store::Store;

/// The path the proxy receives webhooks on.
pub const WEBHOOK_PATH: &str = "/webhooks/amigo";

/// Why a going-live command failed. `Display` is one line, with what to do where there is
/// something to do, and never contains the token or a secret.
#[derive(Debug, thiserror::Error)]
pub enum GoLiveError {
    /// The platform refused or could not be reached.
    #[error(transparent)]
    Platform(#[from] PlatformError),
    /// The proxy's database failed.
    #[error("AMIGO_DATABASE_URL: {0}")]
    Database(#[from] sqlx::Error),
    /// The command does not apply to the current state; the message says why and what to run.
    #[error("{0}")]
    Refused(String),
}

/// What the going-live commands work with: the validated settings, the proxy's database and
/// the platform's webhook API for the configured token.
#[derive(Debug, Clone)]
pub struct GoLive {
    config: ProxyConfig,
    store: Store,
    platform: PlatformWebhooks,
}

impl GoLive {
    /// Opens the database at `config.database_url` (running migrations).
    pub async fn open(config: ProxyConfig) -> Result<Self, GoLiveError> {
        let store = Store::connect(config.database_url.as_str()).await?;
        Self::with_store(config, store)
    }

    /// A context over an already opened store.
    pub fn with_store(config: ProxyConfig, store: Store) -> Result<Self, GoLiveError> {
        let platform = PlatformWebhooks::new(
            &config.api_base,
            config.api_key.clone(),
            config.upstream_timeout.max(Duration::from_secs(5)),
        )?;
        Ok(Self {
            config,
            store,
            platform,
        })
    }

    pub fn config(&self) -> &ProxyConfig {
        &self.config
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The platform's webhook API.
    pub fn platform(&self) -> &PlatformWebhooks {
        &self.platform
    }

    /// The URL the platform should deliver to: `{AMIGO_PUBLIC_URL}/webhooks/amigo`.
    pub fn webhook_url(&self) -> String {
        webhook_url(&self.config)
    }

    /// Whether the token is a live one (`amg_live_…` or legacy).
    pub fn is_live(&self) -> bool {
        is_live(&self.config)
    }
}

/// `{public_url}/webhooks/amigo`.
pub fn webhook_url(config: &ProxyConfig) -> String {
    format!("{}{WEBHOOK_PATH}", config.public_url.trim_end_matches('/'))
}

/// Whether `config`'s token is a live one.
pub fn is_live(config: &ProxyConfig) -> bool {
    ApiToken::parse(config.api_key.expose_secret()).is_some_and(|t| t.mode().is_live())
}
