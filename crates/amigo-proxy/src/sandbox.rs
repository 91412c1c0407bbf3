//! `--sandbox`: an in-process amigo-sandbox on a free loopback port with a fresh test token,
//! the proxy's webhook URL registered with it, (optionally) a JSON file telling end-to-end
//! tests where everything is, and the Paystack emulator for `--payment paystack`.
//!
//! The emulators are compiled in only with the cargo feature `sandbox` (on by default); without
//! it the settings refuse `--sandbox` ([`BUILT_WITH_SANDBOX`]) and [`start`] and
//! [`start_paystack`] answer an error instead.

use std::path::Path;

use secrecy::{ExposeSecret, SecretString};
use serde_json::json;

/// Whether this binary carries the emulators (the cargo feature `sandbox`).
pub const BUILT_WITH_SANDBOX: bool = cfg!(feature = "sandbox");

/// What `--sandbox` answers in a build without the emulators.
pub const NOT_BUILT: &str = "this amigo-proxy was built without the emulators (cargo feature `sandbox`, on by default; production builds use --no-default-features)";

/// A running embedded sandbox.
pub struct EmbeddedSandbox {
    /// `http://127.0.0.1:PORT`.
    pub url: String,
    /// `http://127.0.0.1:PORT/api`.
    pub api_base: String,
    /// The fresh test token.
    pub token: SecretString,
    task: tokio::task::JoinHandle<()>,
}

impl std::fmt::Debug for EmbeddedSandbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EmbeddedSandbox")
            .field("url", &self.url)
            .finish_non_exhaustive()
    }
}

impl Drop for EmbeddedSandbox {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Starts amigo-sandbox on `127.0.0.1:0` with a fresh `amg_test_` token; `quote_cors` off
/// makes its delivery quote unreadable from browsers on other origins.
#[cfg(not(feature = "sandbox"))]
pub async fn start(
    _rate_limit_per_minute: u32,
    _quote_cors: bool,
) -> std::io::Result<EmbeddedSandbox> {
    Err(std::io::Error::other(NOT_BUILT))
}

/// Starts amigo-sandbox on `127.0.0.1:0` with a fresh `amg_test_` token; `quote_cors` off
/// makes its delivery quote unreadable from browsers on other origins.
#[cfg(feature = "sandbox")]
pub async fn start(
    rate_limit_per_minute: u32,
    quote_cors: bool,
) -> std::io::Result<EmbeddedSandbox> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let url = format!("http://{addr}");
    let config = amigo_sandbox::SandboxConfig {
        public_base_url: url.clone(),
        rate_limit_per_minute,
        quote_cors,
        ..amigo_sandbox::SandboxConfig::default()
    };
    let router = amigo_sandbox::router(config);
    let task = tokio::spawn(async move {
        if let Err(e) = amigo_sandbox::serve(listener, router, std::future::pending()).await {
            tracing::error!(error = %e, "embedded sandbox stopped");
        }
    });
    Ok(EmbeddedSandbox {
        api_base: format!("{url}/api"),
        url,
        token: SecretString::from(amigo_sandbox::random_test_token()),
        task,
    })
}

/// Writes `{sandbox_url, api_base, token, proxy_url}` to `path`, readable only by its owner.
pub fn write_info_file(
    path: &Path,
    sandbox: &EmbeddedSandbox,
    proxy_url: &str,
) -> std::io::Result<()> {
    let body = serde_json::to_vec_pretty(&json!({
        "sandbox_url": sandbox.url,
        "api_base": sandbox.api_base,
        "token": sandbox.token.expose_secret(),
        "proxy_url": proxy_url,
    }))?;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut f = options.open(path)?;
    std::io::Write::write_all(&mut f, &body)
}

/// A running embedded Paystack emulator (`--sandbox --payment paystack`).
pub struct EmbeddedPaystack {
    /// Where it answers, and the keys it issued.
    pub settings: crate::config::PaystackSettings,
    /// `http://127.0.0.1:PORT/`.
    pub url: String,
    #[cfg(feature = "sandbox")]
    _running: paystack_sandbox::RunningSandbox,
}

impl std::fmt::Debug for EmbeddedPaystack {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EmbeddedPaystack")
            .field("url", &self.url)
            .finish_non_exhaustive()
    }
}

/// Starts the Paystack emulator on a free loopback port, its webhooks going to this proxy's
/// `/webhooks/paystack` (`own` is the proxy's `http://127.0.0.1:PORT`), its retries quick
/// enough for a demo.
#[cfg(feature = "sandbox")]
pub async fn start_paystack(own: &str) -> Result<EmbeddedPaystack, String> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .map_err(|e| e.to_string())?;
    let webhook =
        reqwest::Url::parse(&format!("{own}/webhooks/paystack")).map_err(|e| e.to_string())?;
    let config = paystack_sandbox::SandboxConfig {
        webhook_url: Some(webhook),
        // an hour between retries becomes 3.6 s
        webhook_time_scale: 0.001,
        webhook_timeout: std::time::Duration::from_secs(10),
        merchant_name: "Amigo demo store (Paystack sandbox)".to_owned(),
        ..paystack_sandbox::SandboxConfig::default()
    };
    let running =
        paystack_sandbox::PaystackSandbox::start(config, listener).map_err(|e| e.to_string())?;
    let url = running.url().as_str().to_owned();
    Ok(EmbeddedPaystack {
        settings: crate::config::PaystackSettings {
            api_base: url.trim_end_matches('/').to_owned(),
            secret_key: running.sandbox().secret_key().clone(),
            public_key: running.sandbox().public_key().to_owned(),
        },
        url,
        _running: running,
    })
}

/// Without the emulators: always an error.
#[cfg(not(feature = "sandbox"))]
pub async fn start_paystack(_own: &str) -> Result<EmbeddedPaystack, String> {
    Err(NOT_BUILT.to_owned())
}
