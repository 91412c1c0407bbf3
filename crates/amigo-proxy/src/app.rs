//! Startup and lifecycle: validated settings → (embedded sandbox) → state → listening server,
//! stopped gracefully on Ctrl-C or SIGTERM after in-flight requests finish.

use std::future::Future;
use std::net::SocketAddr;

use axum::serve::ListenerExt;
use tokio::net::TcpListener;

use crate::config::{ConfigError, DEFAULT_SANDBOX_DATABASE_URL, Settings, loopback_for};
use crate::listener::CappedListener;
use crate::platform_webhooks::PlatformWebhooks;
use crate::routes::app;
use crate::sandbox::{self, EmbeddedSandbox};
use crate::state::AppState;
use crate::webhook_endpoints::{self, StoredEndpoint};

/// Why the proxy could not start. `Display` is one line.
#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    /// A bad setting, naming its variable.
    #[error("{0}")]
    Config(#[from] ConfigError),
    /// The listen address could not be bound.
    #[error("AMIGO_PROXY_LISTEN: cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
    /// The database could not be opened or migrated.
    #[error("AMIGO_DATABASE_URL: {0}")]
    Database(String),
    /// The embedded sandbox could not start.
    #[error("--sandbox: {0}")]
    Sandbox(String),
    /// Anything else.
    #[error("{0}")]
    Other(String),
}

/// A built, bound, not yet serving proxy.
pub struct Application {
    listener: TcpListener,
    max_connections: usize,
    state: AppState,
    sandbox: Option<EmbeddedSandbox>,
    paystack_sandbox: Option<sandbox::EmbeddedPaystack>,
}

impl std::fmt::Debug for Application {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Application")
            .field("listener", &self.listener)
            .finish_non_exhaustive()
    }
}

impl Application {
    /// Binds the listener, starts the embedded sandbox if asked, opens the database.
    pub async fn build(settings: Settings) -> Result<Self, StartupError> {
        let Settings {
            listen,
            mut config,
            sandbox: want_sandbox,
            sandbox_info_file,
            public_url_given,
            sandbox_rate_limit_per_minute,
            sandbox_quote_cors,
            max_connections,
        } = settings;
        let listener = TcpListener::bind(listen)
            .await
            .map_err(|source| StartupError::Bind {
                addr: listen,
                source,
            })?;
        let local = loopback_for(
            listener
                .local_addr()
                .map_err(|e| StartupError::Other(e.to_string()))?,
        );
        if !public_url_given {
            config.public_url = format!("http://{local}");
        }
        let mut sandbox = None;
        let mut paystack_sandbox = None;
        let mut own_endpoint = None;
        if want_sandbox {
            let sb = sandbox::start(sandbox_rate_limit_per_minute, sandbox_quote_cors)
                .await
                .map_err(|e| StartupError::Sandbox(e.to_string()))?;
            config.api_base.clone_from(&sb.api_base);
            config.api_key = sb.token.clone();
            let own = format!("http://{local}");
            for origin in [own.clone(), format!("http://localhost:{}", local.port())] {
                if !config.allowed_origins.contains(&origin) {
                    config.allowed_origins.push(origin);
                }
            }
            // Registered as `amigo-proxy webhooks register` would, and stored in the database
            // (below), so the webhook commands and `doctor` see it and `rotate` can replace it.
            let hook = format!("{own}/webhooks/amigo");
            let registered =
                PlatformWebhooks::new(&sb.api_base, sb.token.clone(), config.upstream_timeout)
                    .map_err(|e| StartupError::Sandbox(e.to_string()))?
                    .register(&hook, "*")
                    .await
                    .map_err(|e| StartupError::Sandbox(format!("registering the webhook: {e}")))?;
            own_endpoint = Some(StoredEndpoint {
                api_base: sb.api_base.clone(),
                mode: Some(crate::webhook_endpoints::mode_of(&sb.token)),
                endpoint_id: registered.endpoint.id,
                url: hook,
                secret: registered.secret,
                created_at: time::OffsetDateTime::now_utc(),
                retire_at: None,
            });
            if let Some(path) = &sandbox_info_file {
                sandbox::write_info_file(path, &sb, &config.public_url).map_err(|e| {
                    StartupError::Sandbox(format!("--sandbox-info-file {}: {e}", path.display()))
                })?;
            }
            sandbox = Some(sb);
            if config.payment.mode == crate::config::PaymentMode::Paystack
                && config.checkout.paystack.is_none()
            {
                let ps = sandbox::start_paystack(&own)
                    .await
                    .map_err(|e| StartupError::Sandbox(format!("Paystack sandbox: {e}")))?;
                tracing::info!(url = %ps.url, "Paystack sandbox started");
                config.checkout.paystack = Some(ps.settings.clone());
                paystack_sandbox = Some(ps);
            }
            if config.database_url == DEFAULT_SANDBOX_DATABASE_URL {
                reset_sandbox_database(config.database_url.as_str()).map_err(|e| {
                    StartupError::Database(format!("resetting {DEFAULT_SANDBOX_DATABASE_URL}: {e}"))
                })?;
            }
        }
        let state = AppState::build(config)
            .await
            .map_err(|e| StartupError::Database(e.to_string()))?;
        if let Some(endpoint) = &own_endpoint {
            webhook_endpoints::insert(state.store(), endpoint)
                .await
                .map_err(|e| StartupError::Database(e.to_string()))?;
        }
        Ok(Self {
            listener,
            max_connections,
            state,
            sandbox,
            paystack_sandbox,
        })
    }

    /// The embedded Paystack emulator's URL, in `--sandbox --payment paystack` mode.
    pub fn paystack_sandbox_url(&self) -> Option<&str> {
        self.paystack_sandbox.as_ref().map(|s| s.url.as_str())
    }

    /// Where the server listens (loopback if bound to all interfaces).
    pub fn local_addr(&self) -> SocketAddr {
        self.listener
            .local_addr()
            .map(loopback_for)
            .unwrap_or_else(|_| SocketAddr::from(([127, 0, 0, 1], 0)))
    }

    /// The proxy's public URL (the demo store).
    pub fn public_url(&self) -> &str {
        &self.state.config().public_url
    }

    /// The embedded sandbox's URL, in `--sandbox` mode.
    pub fn sandbox_url(&self) -> Option<&str> {
        self.sandbox.as_ref().map(|s| s.url.as_str())
    }

    /// Serves until `shutdown` completes, then finishes in-flight requests and closes the
    /// database.
    pub async fn run_until_stopped(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        let store = self.state.store().clone();
        let state = self.state.clone();
        if state.config().payment.mode != crate::config::PaymentMode::None {
            tokio::spawn(crate::checkout::settle::run_sweeper(state.clone()));
        }
        let app = axum::ServiceExt::<axum::extract::Request>::into_make_service_with_connect_info::<
            SocketAddr,
        >(app(self.state));
        let shutdown = async move {
            shutdown.await;
            // End event streams, which would otherwise keep the server waiting forever.
            state.begin_shutdown();
        };
        // `tap_io` (a no-op) gives the capped listener axum's `ConnectInfo<SocketAddr>`
        let listener = CappedListener::new(self.listener, self.max_connections).tap_io(|_| {});
        let result = axum::serve(listener, app)
            .with_graceful_shutdown(shutdown)
            .await;
        store.close().await;
        drop(self.sandbox);
        drop(self.paystack_sandbox);
        result
    }
}

/// Resolves on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}

/// Deletes the default `--sandbox` database file and its WAL/SHM siblings before opening it.
///
/// The embedded sandbox starts empty on every run, and its webhook delivery ids start again at 1.
/// A database left by an earlier run would describe orders that no longer exist upstream, and
/// its delivery-id dedupe records would make the proxy acknowledge and drop the new sandbox's
/// events, so order tracking would stop moving. The sandbox's companion database therefore
/// starts fresh too. An explicit `AMIGO_DATABASE_URL` is never touched.
fn reset_sandbox_database(url: &str) -> std::io::Result<()> {
    let path = url
        .trim_start_matches("sqlite://")
        .trim_start_matches("sqlite:");
    for suffix in ["", "-wal", "-shm", "-journal"] {
        match std::fs::remove_file(format!("{path}{suffix}")) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}
