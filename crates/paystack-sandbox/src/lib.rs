//! `paystack-sandbox`: a faithful, stateful local emulator of the part of Paystack's public API
//! the store uses, because Paystack cannot be reached from tests and moves real money.
//!
//! It serves `POST /transaction/initialize`, the hosted payment page behind the returned
//! `authorization_url`, `GET /transaction/verify/{reference}`, `POST /refund` and
//! `GET /refund/{id}` with Paystack's shapes, messages and status codes, keeps every
//! transaction and refund in memory (amounts in kobo, as integers), and POSTs signed webhooks
//! (`charge.success`, `refund.pending`, `refund.processed`) to one configured URL, retrying on
//! Paystack's schedule. `README.md` lists where Paystack's docs are silent and what was chosen.
//!
//! Use [`router`] in-process (tests with `oneshot`), [`PaystackSandbox::start`] on a listener,
//! or the `paystack-sandbox` binary.

mod checkout;
mod clock;
pub mod config;
pub mod error;
mod ids;
pub mod keys;
mod ledger;
mod money;
mod refunds;
mod routes;
pub mod state;
mod transactions;
pub mod webhooks;

use std::net::SocketAddr;

use axum::Router;
use reqwest::Url;
use secrecy::SecretString;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

pub use config::SandboxConfig;
pub use error::ApiError;
pub use keys::{ApiKeys, Domain};
pub use routes::router;
pub use state::AppState;
pub use webhooks::{DeliveryRecord, DeliveryStatus};

/// One emulator whose state tests can reach (its keys, its clock, its deliveries) while it
/// serves.
#[derive(Debug, Clone)]
pub struct PaystackSandbox {
    state: AppState,
}

impl PaystackSandbox {
    /// Empty books for `config`.
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

    /// The secret key it accepts (send it as `Authorization: Bearer …`; webhooks are signed
    /// with it).
    pub fn secret_key(&self) -> &SecretString {
        self.state.keys.secret()
    }

    /// The public key that goes with it.
    pub fn public_key(&self) -> &str {
        self.state.keys.public()
    }

    /// Moves the emulator's clock by `secs` (timestamps only; retries run on real time).
    pub fn advance_clock(&self, secs: i64) {
        self.state.clock.advance(secs);
    }

    /// Sends later webhook attempts to `url` (`None` stops new deliveries).
    pub fn set_webhook_url(&self, url: Option<Url>) {
        self.state.webhooks.set_url(url);
    }

    /// Every webhook delivery on record, oldest first.
    pub fn deliveries(&self) -> Vec<DeliveryRecord> {
        self.state.webhooks.deliveries()
    }

    /// Serves a new emulator for `config` on `listener` in a background task. Payment pages
    /// point at `http://{listener address}` unless `config.public_base_url` says otherwise.
    pub fn start(
        mut config: SandboxConfig,
        listener: TcpListener,
    ) -> std::io::Result<RunningSandbox> {
        let addr = listener.local_addr()?;
        let url = Url::parse(&format!("http://{addr}"))
            .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidInput, e))?;
        if config.public_base_url.is_none() {
            config.public_base_url = Some(url.clone());
        }
        let sandbox = Self::new(config);
        let app = sandbox.router();
        let server = tokio::spawn(async move {
            if let Err(e) = axum::serve(listener, app).await {
                tracing::error!(error = %e, "paystack-sandbox stopped");
            }
        });
        Ok(RunningSandbox {
            sandbox,
            url,
            addr,
            server,
        })
    }
}

/// An emulator serving on a socket; stops when dropped.
#[derive(Debug)]
pub struct RunningSandbox {
    sandbox: PaystackSandbox,
    url: Url,
    addr: SocketAddr,
    server: JoinHandle<()>,
}

impl RunningSandbox {
    /// `http://{address}`: the API base URL.
    pub fn url(&self) -> &Url {
        &self.url
    }

    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The emulator (keys, clock, deliveries).
    pub fn sandbox(&self) -> &PaystackSandbox {
        &self.sandbox
    }
}

impl Drop for RunningSandbox {
    fn drop(&mut self) {
        self.server.abort();
    }
}
