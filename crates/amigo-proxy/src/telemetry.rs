//! Logging: `tracing` with `RUST_LOG` (default `info`). Request spans carry the request id and
//! the path, never the query string; the token, webhook secrets and phone numbers are never
//! logged.

use tracing_subscriber::EnvFilter;

/// Installs the global subscriber writing to stderr.
pub fn init() {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    // colours only for a person at a terminal: a log file or a collector gets plain text, and
    // every request span is formatted without escape codes
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(ansi)
        .try_init();
}
