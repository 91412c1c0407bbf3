//! `amigo-proxy` binary: settings → logging → build → serve until Ctrl-C/SIGTERM.

use std::io::Write;
use std::process::ExitCode;

use amigo_proxy::Cli;
use amigo_proxy::app::{Application, shutdown_signal};
use clap::Parser;

#[tokio::main]
async fn main() -> ExitCode {
    let settings = match Cli::parse().into_settings() {
        Ok(s) => s,
        Err(e) => {
            eprintln!("amigo-proxy: {e}");
            return ExitCode::from(2);
        }
    };
    amigo_proxy::telemetry::init();
    let sandbox = settings.sandbox;
    let app = match Application::build(settings).await {
        Ok(app) => app,
        Err(e) => {
            eprintln!("amigo-proxy: {e}");
            return ExitCode::FAILURE;
        }
    };
    // The banner is the binary's interface: scripts read the first line for the port.
    let mut out = std::io::stdout();
    let _ = writeln!(out, "amigo-proxy listening on http://{}", app.local_addr());
    if sandbox {
        let _ = writeln!(
            out,
            "  embedded amigo-sandbox: {}",
            app.sandbox_url().unwrap_or("")
        );
    }
    let _ = writeln!(out, "  demo store: {}/", app.public_url());
    let _ = out.flush();
    match app.run_until_stopped(shutdown_signal()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("amigo-proxy: {e}");
            ExitCode::FAILURE
        }
    }
}
