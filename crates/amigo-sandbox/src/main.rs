//! `amigo-sandbox` binary: parse flags, start logging, serve the router until Ctrl-C/SIGTERM.

use std::net::SocketAddr;
use std::path::PathBuf;

use amigo_sandbox::fault::{FaultKind, RouteFamily};
use amigo_sandbox::{FaultConfig, IpWhitelist, Sandbox, SandboxConfig};
use clap::Parser;

/// One comma-separated flag value (an alias, so clap takes it whole rather than repeated).
type Families = Vec<RouteFamily>;
/// One comma-separated flag value.
type Kinds = Vec<FaultKind>;

/// A faithful, stateful local emulator of the Amigo Developer Platform.
#[derive(Debug, Parser)]
#[command(version, about)]
struct Args {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:7700", env = "AMIGO_SANDBOX_LISTEN")]
    listen: SocketAddr,
    /// Seed of the generated catalog; the same seed always gives the same data.
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Products in the catalog (1,297 like the platform; larger for benchmarks).
    #[arg(long, default_value_t = 1297, value_parser = clap::value_parser!(u64).range(1..=1_000_000))]
    catalog_size: u64,
    /// Authenticated requests per token per minute window.
    #[arg(long, default_value_t = 600, value_parser = clap::value_parser!(u32).range(1..))]
    rate_limit_per_minute: u32,
    /// Public-endpoint requests per client IP per minute window.
    #[arg(long, default_value_t = 3000, value_parser = clap::value_parser!(u32).range(1..))]
    public_rate_limit_per_minute: u32,
    /// Multiplier on webhook retry delays (0.001 turns 60 s into 60 ms).
    #[arg(long, default_value_t = 1.0)]
    webhook_time_scale: f64,
    /// Starting wallet of live tokens, in Naira.
    #[arg(long, default_value_t = 250_000)]
    live_balance: i64,
    /// File of `TOKEN IP[,IP…]` lines locking tokens to client IPs.
    #[arg(long)]
    ip_whitelist: Option<PathBuf>,
    /// How a used Idempotency-Key answers a different request: `stripe` (422
    /// idempotency_key_reused) or `replay-any` (the original response, whatever the body).
    #[arg(long, default_value = "stripe", value_parser = parse_idempotency_mode)]
    idempotency_mode: amigo_sandbox::idempotency::IdempotencyMode,
    /// Base URL clients reach this sandbox at (for image URLs); defaults to http://{listen}.
    #[arg(long)]
    public_url: Option<String>,
    /// Fault injection: share of requests (0 to 1) to the --fault-routes families that fault.
    #[arg(long, env = "AMIGO_SANDBOX_FAULT_RATE", default_value = "0", value_parser = FaultConfig::parse_rate)]
    fault_rate: f64,
    /// Route families faults hit: catalog, orders, webhooks, locations, data, commerce, all.
    #[arg(long, env = "AMIGO_SANDBOX_FAULT_ROUTES", default_value = "all", value_parser = FaultConfig::parse_routes)]
    fault_routes: Families,
    /// Fault kinds drawn from: 5xx (500 server_error), slow (answer after --fault-slow-ms),
    /// drop (close the connection without a response).
    #[arg(long, env = "AMIGO_SANDBOX_FAULT_KINDS", default_value = "5xx,slow,drop", value_parser = FaultConfig::parse_kinds)]
    fault_kinds: Kinds,
    /// Seed of the fault decisions: same seed and request sequence, same faults.
    #[arg(long, env = "AMIGO_SANDBOX_FAULT_SEED", default_value_t = 0)]
    fault_seed: u64,
    /// How long a `slow` fault holds its answer, in milliseconds.
    #[arg(long, env = "AMIGO_SANDBOX_FAULT_SLOW_MS", default_value = "15000", value_parser = clap::value_parser!(u64).range(1..=600_000))]
    fault_slow_ms: u64,
    /// Answer the delivery quote without CORS headers, so browsers on other origins cannot read
    /// it (the docs promise browser use only for locations): the widget's fallback then shows.
    #[arg(long)]
    no_quote_cors: bool,
    /// Serve only what the docs publish: the invented endpoints a client might lean on
    /// (`/api/data/plans/`, `GET /api/data/`) answer `404 not_found`, and the plan catalog has
    /// only the docs' MTN, Glo and Airtel tables.
    #[arg(long)]
    docs_only: bool,
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,tower_http=info".into()),
        )
        .init();
    match run(Args::parse()).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("amigo-sandbox: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

fn parse_idempotency_mode(
    raw: &str,
) -> Result<amigo_sandbox::idempotency::IdempotencyMode, String> {
    amigo_sandbox::idempotency::IdempotencyMode::parse(raw)
        .ok_or_else(|| format!("expected stripe or replay-any, got '{raw}'"))
}

async fn run(args: Args) -> Result<(), String> {
    if !(args.webhook_time_scale > 0.0 && args.webhook_time_scale.is_finite()) {
        return Err("--webhook-time-scale must be a positive number".into());
    }
    let ip_whitelist = match &args.ip_whitelist {
        None => None,
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| format!("--ip-whitelist {}: {e}", path.display()))?;
            Some(
                IpWhitelist::parse(&text)
                    .map_err(|e| format!("--ip-whitelist {}: {e}", path.display()))?,
            )
        }
    };
    let listener = tokio::net::TcpListener::bind(args.listen)
        .await
        .map_err(|e| format!("--listen {}: {e}", args.listen))?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    let config = SandboxConfig {
        seed: args.seed,
        catalog_size: args.catalog_size as usize,
        rate_limit_per_minute: args.rate_limit_per_minute,
        public_rate_limit_per_minute: args.public_rate_limit_per_minute,
        webhook_time_scale: args.webhook_time_scale,
        live_balance: args.live_balance,
        ip_whitelist,
        public_base_url: args.public_url.unwrap_or_else(|| format!("http://{addr}")),
        idempotency_mode: args.idempotency_mode,
        faults: FaultConfig {
            rate: args.fault_rate,
            routes: args.fault_routes,
            kinds: args.fault_kinds,
            seed: args.fault_seed,
            slow_delay: std::time::Duration::from_millis(args.fault_slow_ms),
        },
        quote_cors: !args.no_quote_cors,
        docs_only: args.docs_only,
        ..SandboxConfig::default()
    };
    if config.faults.enabled() {
        tracing::warn!(faults = ?config.faults, "fault injection is on");
    }
    let sandbox = Sandbox::new(config);
    let token = amigo_sandbox::random_test_token();
    tracing::info!(%addr, "amigo-sandbox listening");
    // The banner is the binary's interface: where to point clients and a token to try.
    eprintln!("amigo-sandbox listening on http://{addr}");
    eprintln!("  try: curl -H 'X-API-Key: {token}' 'http://{addr}/api/commerce/products/?limit=2'");
    amigo_sandbox::serve(listener, sandbox.router(), shutdown_signal())
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
