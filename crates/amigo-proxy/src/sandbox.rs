//! `--sandbox`: an in-process amigo-sandbox on a free loopback port with a fresh test token,
//! the proxy's webhook URL registered with it, and (optionally) a JSON file telling end-to-end
//! tests where everything is.

use std::path::Path;

use secrecy::{ExposeSecret, SecretString};
use serde_json::json;
use tokio::net::TcpListener;

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
pub async fn start(
    rate_limit_per_minute: u32,
    quote_cors: bool,
) -> std::io::Result<EmbeddedSandbox> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
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

/// Registers `webhook_url` for every event with the Amigo API at `api_base` and returns the
/// signing secret (shown only in this response).
pub async fn register_webhook(
    api_base: &str,
    token: &SecretString,
    webhook_url: &str,
) -> Result<SecretString, String> {
    let resp = reqwest::Client::new()
        .post(format!("{api_base}/commerce/webhooks/"))
        .header("X-API-Key", token.expose_secret())
        .json(&json!({"url": webhook_url, "events": "*"}))
        .send()
        .await
        .map_err(|e| format!("registering the webhook: {}", e.without_url()))?;
    let status = resp.status();
    let body: serde_json::Value = resp
        .json()
        .await
        .map_err(|e| format!("registering the webhook: unreadable answer ({e})"))?;
    body.pointer("/data/secret")
        .and_then(|s| s.as_str())
        .filter(|_| status.is_success())
        .map(|s| SecretString::from(s.to_owned()))
        .ok_or_else(|| {
            format!(
                "registering the webhook: sandbox answered {status} {}",
                body.get("error").and_then(|e| e.as_str()).unwrap_or("")
            )
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
