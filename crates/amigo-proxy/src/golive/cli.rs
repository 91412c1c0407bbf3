//! The subcommands (`webhooks …`, `doctor`) as clap parses them, and how each is run and
//! printed. With `--sandbox` they work against an amigo-sandbox: the running `--sandbox` store
//! whose `--sandbox-info-file` is given, or else one started in-process for this one command.
//!
//! No secret is ever printed, except the new endpoint's secret by `webhooks register
//! --show-secret`, for a merchant who runs several proxies on separate databases and must give
//! the others `AMIGO_WEBHOOK_SECRETS`. By default the secret goes straight into the database,
//! so it never sits in a terminal's scrollback or a CI log.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use clap::Subcommand;
use secrecy::{ExposeSecret, SecretString};

use super::webhooks::{DEFAULT_OVERLAP, iso, parse_overlap};
use super::{GoLive, GoLiveError, doctor};
use crate::config::{ConfigError, ProxyConfig, Settings};
use crate::sandbox::{self, EmbeddedSandbox};
use crate::store::Store;

/// What to do instead of serving.
#[derive(Debug, Clone, Subcommand)]
pub enum Command {
    /// Register, list, disable, enable, delete or rotate the proxy's webhook endpoint.
    #[command(subcommand)]
    Webhooks(WebhooksCommand),
    /// Check this configuration is ready to take orders, one line each; exit 0 only if all pass.
    Doctor {
        /// Print the report as JSON (`{"checks":[{name, ok, detail, fix?}]}`).
        #[arg(long)]
        json: bool,
    },
}

/// `amigo-proxy webhooks …`.
#[derive(Debug, Clone, Subcommand)]
pub enum WebhooksCommand {
    /// Register {AMIGO_PUBLIC_URL}/webhooks/amigo for every event; its secret is stored in the
    /// proxy's database (a running proxy accepts it at once).
    Register {
        /// Also print the signing secret, once (for proxies on other databases).
        #[arg(long)]
        show_secret: bool,
    },
    /// List the platform's endpoints and which of them this proxy holds the secret of.
    List,
    /// Stop deliveries to an endpoint (default: this proxy's current one); history is kept.
    Disable {
        /// Endpoint id (`webhooks list`).
        id: Option<u64>,
    },
    /// Resume deliveries to an endpoint (default: this proxy's current one).
    Enable {
        /// Endpoint id (`webhooks list`).
        id: Option<u64>,
    },
    /// Delete an endpoint and its delivery history, and forget its secret.
    Delete {
        /// Endpoint id (`webhooks list`).
        id: u64,
    },
    /// Replace the endpoint with a new one and a new secret; the old secret stays valid for
    /// the overlap, then `rotate --finish` deletes the old endpoint.
    Rotate {
        /// How long the old secret stays valid (`48h`, `90m`; 1m to 30days).
        #[arg(long, conflicts_with = "finish")]
        overlap: Option<String>,
        /// End the rotation now: delete the old endpoint upstream and drop its secret.
        #[arg(long)]
        finish: bool,
    },
}

/// Fills in the platform and token for `--sandbox`: from the running store's info file, or
/// from a sandbox started here (returned, so it lives as long as the command).
async fn sandbox_config(
    settings: &Settings,
) -> Result<(ProxyConfig, Option<EmbeddedSandbox>), String> {
    let mut config = settings.config.clone();
    if !settings.sandbox {
        return Ok((config, None));
    }
    if let Some(path) = &settings.sandbox_info_file {
        let info = read_info_file(path)
            .map_err(|e| format!("--sandbox-info-file {}: {e}", path.display()))?;
        config.api_base = info.api_base;
        config.api_key = info.token;
        if !settings.public_url_given {
            config.public_url = info.proxy_url;
        }
        return Ok((config, None));
    }
    let sb = sandbox::start(
        settings.sandbox_rate_limit_per_minute,
        settings.sandbox_quote_cors,
    )
    .await
    .map_err(|e| format!("--sandbox: {e}"))?;
    config.api_base.clone_from(&sb.api_base);
    config.api_key = sb.token.clone();
    Ok((config, Some(sb)))
}

struct Info {
    api_base: String,
    token: SecretString,
    proxy_url: String,
}

fn read_info_file(path: &Path) -> Result<Info, String> {
    let bytes = std::fs::read(path).map_err(|e| e.to_string())?;
    let v: serde_json::Value = serde_json::from_slice(&bytes)
        .map_err(|_| "not the JSON a `--sandbox` proxy writes".to_owned())?;
    let field = |k: &str| {
        v.get(k)
            .and_then(serde_json::Value::as_str)
            .map(str::to_owned)
            .ok_or_else(|| format!("no \"{k}\""))
    };
    let api_base = crate::config::parse_base_url(&field("api_base")?)?;
    let proxy_url = crate::config::parse_origin(&field("proxy_url")?)?;
    let token = field("token")?;
    if amigo_types::token::ApiToken::parse(&token).is_none() {
        return Err("\"token\" is not an Amigo token".into());
    }
    Ok(Info {
        api_base,
        token: SecretString::from(token),
        proxy_url,
    })
}

/// Prints `doctor`'s answer when the settings themselves are wrong: one failed line naming the
/// variable, exit status 1 (a report, not a usage error).
pub fn doctor_bad_settings(error: &ConfigError, out: &mut impl Write) -> ExitCode {
    let _ = writeln!(
        out,
        "✗ settings: {error} — fix: correct {} and run `amigo-proxy doctor` again",
        error.var
    );
    ExitCode::FAILURE
}

/// Runs `command` with `settings`, printing to `out` (results) and `err` (failures).
pub async fn run(
    command: Command,
    settings: &Settings,
    out: &mut impl Write,
    err: &mut impl Write,
) -> ExitCode {
    let (config, sandbox) = match sandbox_config(settings).await {
        Ok(c) => c,
        Err(e) => {
            let _ = writeln!(err, "amigo-proxy: {e}");
            return ExitCode::from(2);
        }
    };
    if sandbox.is_some() {
        let _ = writeln!(
            err,
            "amigo-proxy: a throwaway sandbox for this command only; pass the --sandbox-info-file of a running `amigo-proxy --sandbox` to work on that store"
        );
    }
    let result = match command {
        Command::Doctor { json } => return run_doctor(config, json, out).await,
        Command::Webhooks(cmd) => match GoLive::open(config).await {
            Ok(golive) => run_webhooks(&golive, cmd, out).await,
            Err(e) => Err(e),
        },
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            let _ = writeln!(err, "amigo-proxy: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn run_doctor(config: ProxyConfig, json: bool, out: &mut impl Write) -> ExitCode {
    let store = Store::connect(config.database_url.as_str()).await;
    let report = doctor::run(
        &config,
        store
            .as_ref()
            .map_err(|e| format!("{}: {e}", config.database_url)),
    )
    .await;
    if let Ok(store) = &store {
        store.close().await;
    }
    if json {
        let _ = writeln!(
            out,
            "{}",
            serde_json::to_string_pretty(&report).unwrap_or_default()
        );
    } else {
        for check in &report.checks {
            let _ = writeln!(out, "{}", check.line());
        }
    }
    if report.passed() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

async fn run_webhooks(
    golive: &GoLive,
    cmd: WebhooksCommand,
    out: &mut impl Write,
) -> Result<(), GoLiveError> {
    let say = |out: &mut dyn Write, line: String| {
        let _ = writeln!(out, "{line}");
    };
    match cmd {
        WebhooksCommand::Register { show_secret } => {
            let r = golive.register().await?;
            say(
                out,
                format!(
                    "registered endpoint {} for {} (events: {}); its secret is stored in the proxy's database",
                    r.endpoint.id, r.endpoint.url, r.endpoint.events
                ),
            );
            if show_secret {
                say(
                    out,
                    format!(
                        "signing secret (shown once; for AMIGO_WEBHOOK_SECRETS of proxies on other databases): {}",
                        r.secret.expose_secret()
                    ),
                );
            }
        }
        WebhooksCommand::List => {
            let listing = golive.list().await?;
            if listing.endpoints.is_empty() {
                say(out, "no webhook endpoints are registered".into());
            }
            for l in &listing.endpoints {
                let mut notes = Vec::new();
                if l.this_url {
                    notes.push("this proxy's URL".to_owned());
                }
                if l.secret_stored {
                    notes.push("secret stored".to_owned());
                }
                if let Some(at) = l.retire_at {
                    notes.push(format!("rotated out, secret accepted until {}", iso(at)));
                }
                say(
                    out,
                    format!(
                        "{}\t{}\t{}\t{}{}",
                        l.endpoint.id,
                        l.endpoint.status,
                        l.endpoint.events,
                        l.endpoint.url,
                        if notes.is_empty() {
                            String::new()
                        } else {
                            format!("\t({})", notes.join(", "))
                        }
                    ),
                );
            }
            for id in &listing.missing_upstream {
                say(
                    out,
                    format!(
                        "{id}\tgone\tthe platform no longer lists it; `amigo-proxy webhooks delete {id}` forgets its secret"
                    ),
                );
            }
        }
        WebhooksCommand::Disable { id } | WebhooksCommand::Enable { id } => {
            let active = matches!(cmd, WebhooksCommand::Enable { .. });
            let e = golive.set_active(id, active).await?;
            say(out, format!("endpoint {} is {}", e.id, e.status));
        }
        WebhooksCommand::Delete { id } => {
            let had_secret = golive.delete(id).await?;
            say(
                out,
                format!(
                    "deleted endpoint {id}{}",
                    if had_secret {
                        " and its stored secret"
                    } else {
                        ""
                    }
                ),
            );
        }
        WebhooksCommand::Rotate { finish: true, .. } => {
            let ids = golive.finish_rotation().await?;
            for id in ids {
                say(
                    out,
                    format!("deleted rotated-out endpoint {id}; its secret is no longer accepted"),
                );
            }
        }
        WebhooksCommand::Rotate { overlap, .. } => {
            let overlap = match overlap {
                Some(raw) => parse_overlap(&raw).map_err(GoLiveError::Refused)?,
                None => DEFAULT_OVERLAP,
            };
            let r = golive.rotate(overlap).await?;
            say(
                out,
                format!(
                    "registered endpoint {} with a new secret (stored); endpoint {} is disabled and its secret is accepted until {}",
                    r.new_id,
                    r.old_id,
                    iso(r.retire_at)
                ),
            );
            if let Some(e) = r.disable_failed {
                say(
                    out,
                    format!(
                        "warning: endpoint {} could not be disabled ({e}); it keeps receiving events (each applied once) until `amigo-proxy webhooks rotate --finish`",
                        r.old_id
                    ),
                );
            }
            say(
                out,
                "after that, run `amigo-proxy webhooks rotate --finish` to delete it (or now, to end the overlap early)".into(),
            );
        }
    }
    Ok(())
}
