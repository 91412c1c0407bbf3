//! `amigo-proxy` binary: settings → logging → build → serve until Ctrl-C/SIGTERM; or, with a
//! subcommand (`webhooks …`, `doctor`), run it and exit.

use std::io::Write;
use std::process::ExitCode;

use amigo_proxy::app::{Application, shutdown_signal};
use amigo_proxy::golive::cli::Command;

/// What the banner says of the token, never the token: its mode, and whether it is a legacy one
/// (the docs' "amg_live_… (or legacy)", taken as live), so a merchant sees at once which wallet
/// the proxy will spend.
fn token_mode(settings: &amigo_proxy::config::Settings) -> &'static str {
    if settings.sandbox {
        return "test (the embedded sandbox's)";
    }
    match amigo_types::token::ApiToken::parse(secrecy::ExposeSecret::expose_secret(
        &settings.config.api_key,
    )) {
        Some(t) if t.is_legacy() => "live (legacy token)",
        Some(t) if t.mode().is_live() => "live",
        Some(_) => "test",
        None => "unknown",
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    let (command, settings) = amigo_proxy::cli::from_env();
    let settings = match settings {
        Ok(s) => s,
        Err(e) => {
            if let Some(Command::Doctor { .. }) = command {
                return amigo_proxy::golive::cli::doctor_bad_settings(&e, &mut std::io::stdout());
            }
            eprintln!("amigo-proxy: {e}");
            return ExitCode::from(2);
        }
    };
    if let Some(command) = command {
        // No logging set up: a command's output is its lines, and nothing else is written.
        return amigo_proxy::golive::cli::run(
            command,
            &settings,
            &mut std::io::stdout(),
            &mut std::io::stderr(),
        )
        .await;
    }
    amigo_proxy::telemetry::init();
    let sandbox = settings.sandbox;
    let token_mode = token_mode(&settings);
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
    let _ = writeln!(out, "  token: {token_mode}");
    let _ = out.flush();
    match app.run_until_stopped(shutdown_signal()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("amigo-proxy: {e}");
            ExitCode::FAILURE
        }
    }
}
