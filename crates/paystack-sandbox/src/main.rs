//! `paystack-sandbox` binary: parse flags, start logging, print the keys, serve until
//! Ctrl-C/SIGTERM.

use std::net::SocketAddr;
use std::time::Duration;

use clap::Parser;
use paystack_sandbox::{ApiKeys, PaystackSandbox, SandboxConfig};
use reqwest::Url;
use secrecy::{ExposeSecret, SecretString};

/// A faithful, stateful local emulator of Paystack's transactions, refunds and webhooks.
#[derive(Debug, Parser)]
#[command(version, about)]
struct Args {
    /// Address to listen on.
    #[arg(
        long,
        default_value = "127.0.0.1:7800",
        env = "PAYSTACK_SANDBOX_LISTEN"
    )]
    listen: SocketAddr,
    /// Where to POST webhooks (none: no webhooks are sent).
    #[arg(long, env = "PAYSTACK_SANDBOX_WEBHOOK_URL", value_parser = parse_http_url)]
    webhook_url: Option<Url>,
    /// Secret key to accept (`sk_test_…` or `sk_live_…`); a fresh test key when absent. Prefer
    /// the environment variable: flags show in the process list.
    #[arg(long, env = "PAYSTACK_SANDBOX_SECRET_KEY", hide_env_values = true)]
    secret_key: Option<String>,
    /// Public key to report (generated in the secret key's domain when absent).
    #[arg(long, env = "PAYSTACK_SANDBOX_PUBLIC_KEY")]
    public_key: Option<String>,
    /// Multiplier on webhook retry delays (0.001 turns an hour into 3.6 s).
    #[arg(long, default_value_t = 1.0, value_parser = parse_scale)]
    webhook_time_scale: f64,
    /// Timeout of one webhook attempt, in seconds.
    #[arg(long, default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..=300))]
    webhook_timeout_secs: u64,
    /// How long a refund stays pending before it is processed, in milliseconds.
    #[arg(long, default_value_t = 5000, value_parser = clap::value_parser!(u64).range(0..=86_400_000))]
    refund_delay_ms: u64,
    /// Base URL payers reach this emulator at (defaults to http://{listen}).
    #[arg(long, value_parser = parse_http_url)]
    public_url: Option<Url>,
    /// Business name shown on the payment page.
    #[arg(long, default_value = "Amigo Store (sandbox)")]
    merchant_name: String,
}

fn parse_http_url(raw: &str) -> Result<Url, String> {
    let url = Url::parse(raw).map_err(|e| e.to_string())?;
    if matches!(url.scheme(), "http" | "https") && url.host_str().is_some() {
        Ok(url)
    } else {
        Err("expected an http(s) URL".into())
    }
}

fn parse_scale(raw: &str) -> Result<f64, String> {
    match raw.parse::<f64>() {
        Ok(s) if s > 0.0 && s.is_finite() => Ok(s),
        _ => Err("expected a positive number".into()),
    }
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .init();
    match run(Args::parse()).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("paystack-sandbox: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run(args: Args) -> Result<(), String> {
    let chosen = args.secret_key.is_some();
    let keys = match args.secret_key {
        Some(secret) => ApiKeys::from_parts(SecretString::from(secret), args.public_key)
            .map_err(|e| format!("--secret-key/--public-key: {e}"))?,
        None => ApiKeys::generate(),
    };
    let listener = tokio::net::TcpListener::bind(args.listen)
        .await
        .map_err(|e| format!("--listen {}: {e}", args.listen))?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    let base = match args.public_url {
        Some(u) => u,
        None => Url::parse(&format!("http://{addr}")).map_err(|e| e.to_string())?,
    };
    let config = SandboxConfig {
        keys,
        webhook_url: args.webhook_url.clone(),
        webhook_time_scale: args.webhook_time_scale,
        webhook_timeout: Duration::from_secs(args.webhook_timeout_secs),
        public_base_url: Some(base),
        merchant_name: args.merchant_name,
        refund_delay: Duration::from_millis(args.refund_delay_ms),
        ..SandboxConfig::default()
    };
    let sandbox = PaystackSandbox::new(config);
    // The banner is the binary's interface: where to point clients and the keys to use. A
    // generated test key is printed so it can be used; a key passed in is not echoed.
    eprintln!("paystack-sandbox listening on http://{addr}");
    if chosen {
        eprintln!("  secret key: (as given)");
    } else {
        eprintln!("  secret key: {}", sandbox.secret_key().expose_secret());
    }
    eprintln!("  public key: {}", sandbox.public_key());
    match &args.webhook_url {
        Some(u) => eprintln!("  webhooks:   {u}"),
        None => eprintln!("  webhooks:   none (pass --webhook-url)"),
    }
    tracing::info!(%addr, "paystack-sandbox listening");
    axum::serve(listener, sandbox.router())
        .with_graceful_shutdown(shutdown_signal())
        .await
        .map_err(|e| e.to_string())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
    tracing::info!("shutting down");
}
