//! `amigo-proxy doctor`: is this configuration ready to take orders? One [`Check`] per concern,
//! each passed or failed with what to do about it, as data (the admin console shows the same
//! report) and as the command's lines (`✓`/`✗`), exit status 0 only when every check passes.

use amigo_types::token::ApiToken;
use amigo_types::webhooks::{DeliveryRecord, EndpointStatus, WebhookEndpoint};
use secrecy::ExposeSecret;
use serde::Serialize;

pub use super::check::Check;
use super::{is_live, webhook_url};
use crate::assets::WidgetAssets;
use crate::config::{ProxyConfig, UnpaidOrders};
use crate::platform_webhooks::{PlatformError, PlatformWebhooks};
use crate::store::Store;
use crate::webhook_endpoints;

/// Delivery attempts summarised on the webhook line.
const DELIVERIES_SHOWN: usize = 3;

/// Every check, in a fixed order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Report {
    pub checks: Vec<Check>,
}

impl Report {
    /// Whether every check passed.
    pub fn passed(&self) -> bool {
        self.checks.iter().all(|c| c.ok)
    }

    /// The check called `name`.
    pub fn check(&self, name: &str) -> Option<&Check> {
        self.checks.iter().find(|c| c.name == name)
    }
}

/// Runs every check against `config`, the proxy's database (or why it could not be opened) and
/// the platform. Never fails: what goes wrong is a failed check.
pub async fn run(config: &ProxyConfig, store: Result<&Store, String>) -> Report {
    let live = is_live(config);
    let mut checks = vec![
        token(config),
        payment(config, store.as_ref().ok().copied()).await,
    ];
    let platform = PlatformWebhooks::new(
        &config.api_base,
        config.api_key.clone(),
        config.upstream_timeout,
    );
    let listed = match &platform {
        Ok(p) => p.list().await,
        Err(e) => Err(PlatformError::Unreachable {
            base: config.api_base.clone(),
            cause: e.to_string(),
        }),
    };
    checks.push(upstream(config, &listed));
    checks.push(public_url(config, live));
    checks.push(origins(config, live));
    let platform = platform.ok();
    checks.push(
        webhook(
            config,
            platform.as_ref(),
            &listed,
            store.as_ref().ok().copied(),
        )
        .await,
    );
    let ours = listed.as_ref().ok().and_then(|all| {
        let url = webhook_url(config);
        all.iter().rev().find(|e| e.url == url).map(|e| e.id)
    });
    checks.push(super::platform_probes::webhook_api(platform.as_ref(), &listed, ours).await);
    checks.push(super::platform_probes::quote_cors(config).await);
    checks.extend(super::data_probes::checks(config).await);
    checks.push(database(store).await);
    checks.push(widget(config).await);
    Report { checks }
}

fn token(config: &ProxyConfig) -> Check {
    match ApiToken::parse(config.api_key.expose_secret()) {
        Some(t) => {
            let mode = match (t.mode().is_live(), t.is_legacy()) {
                (true, true) => "live mode (legacy token): real wallet",
                (true, false) => "live mode: real wallet",
                (false, _) => "test mode: sandbox wallet, fake money",
            };
            Check::pass("token", format!("{} — {mode}", t.redacted()))
        }
        None => Check::fail(
            "token",
            "AMIGO_API_KEY is not an Amigo token",
            "set AMIGO_API_KEY to the token from the Amigo dashboard's API settings (amg_live_… to go live)",
        ),
    }
}

/// The payment settings: the mode, whether orders are on for this token, and the daily budget
/// with what today has used of it. Orders off is a failure: the proxy is not ready to take them.
async fn payment(config: &ProxyConfig, store: Option<&Store>) -> Check {
    use crate::config::PaymentMode;
    match config.payment.mode {
        PaymentMode::Paystack => return paystack(config).await,
        PaymentMode::Transfer => {
            return match &config.checkout.transfer {
                Some(a) => Check::pass(
                    "payment",
                    format!(
                        "AMIGO_PAYMENT=transfer: shoppers transfer to {} at {} (account ending {}); you confirm each with Mark paid in /admin/checkouts; unpaid checkouts expire after {} min",
                        a.account_name,
                        a.bank_name,
                        &a.account_number[a.account_number.len().saturating_sub(4)..],
                        config.checkout.expiry.as_secs() / 60
                    ),
                ),
                None => Check::fail(
                    "payment",
                    "AMIGO_PAYMENT=transfer without an account".to_owned(),
                    "set AMIGO_TRANSFER_ACCOUNT_NAME, AMIGO_TRANSFER_BANK_NAME and AMIGO_TRANSFER_ACCOUNT_NUMBER",
                ),
            };
        }
        PaymentMode::None => {}
    }
    let token = ApiToken::parse(config.api_key.expose_secret()).map(|t| t.mode());
    let mode = config.payment.mode.as_str();
    match config.payment.unpaid_orders(token) {
        UnpaidOrders::Off { reason } => Check::fail(
            "payment",
            format!("AMIGO_PAYMENT={mode}: orders are off ({reason})"),
            "let shoppers pay first: AMIGO_PAYMENT=paystack (with AMIGO_PAYSTACK_SECRET_KEY and AMIGO_PAYSTACK_PUBLIC_KEY) or AMIGO_PAYMENT=transfer (with the AMIGO_TRANSFER_* account); or, to take orders the wallet pays for before any shopper has paid, set AMIGO_ALLOW_UNPAID_ORDERS=true and AMIGO_ORDER_DAILY_LIMIT=<Naira per Lagos day>",
        ),
        UnpaidOrders::Open { daily_limit: None } => Check::pass(
            "payment",
            format!(
                "AMIGO_PAYMENT={mode}: orders on, placed at once and paid from the wallet (test token); no daily budget"
            ),
        ),
        UnpaidOrders::Open {
            daily_limit: Some(limit),
        } => {
            let used = match store {
                Some(store) => match store
                    .budget_spent(
                        crate::store::Budget::UnpaidOrders,
                        &crate::store::lagos_day(),
                    )
                    .await
                {
                    Ok(spent) => format!("{} used today", amigo_types::format_naira(spent)),
                    Err(e) => format!("today's use unknown: {e}"),
                },
                None => "today's use unknown: no database".to_owned(),
            };
            Check::pass(
                "payment",
                format!(
                    "AMIGO_PAYMENT={mode}: orders on, placed at once and paid from the wallet{}; daily budget {} ({used})",
                    if token.is_some_and(|m| !m.is_live()) {
                        " (test token)"
                    } else {
                        " (unpaid orders allowed)"
                    },
                    amigo_types::format_naira(limit)
                ),
            )
        }
    }
}

/// `paystack`: the keys are set, and Paystack accepts the secret key (a verify of a reference
/// that cannot exist: "not found" means the key was accepted; `401` means it was not).
async fn paystack(config: &ProxyConfig) -> Check {
    let Some(settings) = &config.checkout.paystack else {
        return Check::fail(
            "payment",
            "AMIGO_PAYMENT=paystack without Paystack keys".to_owned(),
            "set AMIGO_PAYSTACK_SECRET_KEY and AMIGO_PAYSTACK_PUBLIC_KEY (Paystack dashboard, Settings > API Keys & Webhooks)",
        );
    };
    let webhook = format!(
        "{}/webhooks/paystack",
        config.public_url.trim_end_matches('/')
    );
    let client = match crate::checkout::paystack::Paystack::new(settings, config.upstream_timeout) {
        Ok(c) => c,
        Err(e) => return Check::fail("payment", e, "check AMIGO_PAYSTACK_API_BASE"),
    };
    match client.verify("amigo-proxy-doctor-probe").await {
        Ok(_)
        | Err(crate::checkout::paystack::PaystackError::Refused {
            status: 400 | 404, ..
        }) => Check::pass(
            "payment",
            format!(
                "AMIGO_PAYMENT=paystack: {} accepts the secret key ({} mode); set the dashboard's webhook URL to {webhook}",
                settings.api_base,
                if settings.public_key.starts_with("pk_live_") {
                    "live"
                } else {
                    "test"
                }
            ),
        ),
        Err(crate::checkout::paystack::PaystackError::Refused { status: 401, .. }) => Check::fail(
            "payment",
            format!("{} refuses AMIGO_PAYSTACK_SECRET_KEY", settings.api_base),
            "copy the secret key again from Paystack's dashboard (Settings > API Keys & Webhooks)",
        ),
        Err(e) => Check::fail(
            "payment",
            format!("Paystack: {e}"),
            "check the network path to Paystack (AMIGO_PAYSTACK_API_BASE) and try again",
        ),
    }
}

fn upstream(config: &ProxyConfig, listed: &Result<Vec<WebhookEndpoint>, PlatformError>) -> Check {
    match listed {
        Ok(_) => Check::pass(
            "upstream",
            format!("{} answers with this token", config.api_base),
        ),
        Err(e @ PlatformError::Unauthorized { .. }) => Check::fail(
            "upstream",
            e.to_string(),
            "use a token the platform accepts (a test token works only against the sandbox, a revoked one nowhere); generate one in the dashboard's API settings",
        ),
        Err(e) => Check::fail(
            "upstream",
            e.to_string(),
            "check AMIGO_API_BASE (default https://amigo.ng/api) and that this machine can reach it",
        ),
    }
}

fn is_loopback_host(url: &str) -> bool {
    let Some(host) = reqwest::Url::parse(url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_owned))
    else {
        return false;
    };
    host == "localhost"
        || host.ends_with(".localhost")
        || host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

fn public_url(config: &ProxyConfig, live: bool) -> Check {
    let url = &config.public_url;
    if !live {
        return Check::pass(
            "public_url",
            format!("{url} (test mode: http and loopback are fine)"),
        );
    }
    if !url.starts_with("https://") {
        return Check::fail(
            "public_url",
            format!("{url} is not https, and this is a live token"),
            "serve the proxy behind TLS and set AMIGO_PUBLIC_URL=https://your-proxy.example",
        );
    }
    if is_loopback_host(url) {
        return Check::fail(
            "public_url",
            format!("{url} is a loopback address the platform cannot deliver to"),
            "set AMIGO_PUBLIC_URL to the proxy's public https origin",
        );
    }
    Check::pass("public_url", format!("{url} (https)"))
}

fn origins(config: &ProxyConfig, live: bool) -> Check {
    if config.allowed_origins.is_empty() {
        return Check::pass(
            "origins",
            format!(
                "none besides the proxy's own ({}); set AMIGO_ALLOWED_ORIGINS to embed the widget on other sites",
                config.public_url
            ),
        );
    }
    let insecure: Vec<&str> = config
        .allowed_origins
        .iter()
        .map(String::as_str)
        .filter(|o| o.starts_with("http://") && !is_loopback_host(o))
        .collect();
    if live && !insecure.is_empty() {
        return Check::fail(
            "origins",
            format!(
                "{} {} plain http, and this is a live token",
                insecure.join(", "),
                if insecure.len() == 1 { "is" } else { "are" }
            ),
            "list the shop's https origins in AMIGO_ALLOWED_ORIGINS (https://shop.example.com)",
        );
    }
    Check::pass("origins", config.allowed_origins.join(", "))
}

fn describe(d: &DeliveryRecord) -> String {
    let code = d
        .response_code
        .map_or_else(|| "no answer".to_owned(), |c| c.to_string());
    let mut s = format!(
        "#{} {} {} ({} attempt{}, {code})",
        d.delivery_id,
        d.event,
        d.status,
        d.attempts,
        if d.attempts == 1 { "" } else { "s" }
    );
    if let Some(next) = &d.next_attempt_at {
        s.push_str(&format!(", next {next}"));
    }
    s
}

async fn webhook(
    config: &ProxyConfig,
    platform: Option<&PlatformWebhooks>,
    listed: &Result<Vec<WebhookEndpoint>, PlatformError>,
    store: Option<&Store>,
) -> Check {
    let url = webhook_url(config);
    let (Some(platform), Ok(endpoints)) = (platform, listed) else {
        return Check::fail(
            "webhook",
            "cannot tell: the platform did not answer",
            "fix the upstream line first",
        );
    };
    let ours: Vec<&WebhookEndpoint> = endpoints.iter().filter(|e| e.url == url).collect();
    let Some(endpoint) = ours
        .iter()
        .rev()
        .find(|e| e.status == EndpointStatus::Active)
        .copied()
    else {
        return match ours.last() {
            Some(e) => Check::fail(
                "webhook",
                format!("endpoint {} for {url} is {}", e.id, e.status),
                format!("run `amigo-proxy webhooks enable {}`", e.id),
            ),
            None => Check::fail(
                "webhook",
                format!("no endpoint is registered for {url}"),
                "run `amigo-proxy webhooks register`",
            ),
        };
    };
    let now = time::OffsetDateTime::now_utc();
    let stored = match store.map(|s| webhook_endpoints::for_api(s, platform.base())) {
        Some(read) => read.await.unwrap_or_default(),
        None if config.webhook_secrets.is_empty() => {
            return Check::fail(
                "webhook",
                format!(
                    "endpoint {} for {url} is active; whether the proxy holds its secret cannot be told without the database",
                    endpoint.id
                ),
                "fix the database line first",
            );
        }
        None => Vec::new(),
    };
    let secret_held = stored
        .iter()
        .any(|s| s.endpoint_id == endpoint.id && s.accepted_at(now));
    if !secret_held && config.webhook_secrets.is_empty() {
        return Check::fail(
            "webhook",
            format!(
                "endpoint {} for {url} is active, but the proxy holds no secret to verify its deliveries",
                endpoint.id
            ),
            format!(
                "put its secret in AMIGO_WEBHOOK_SECRETS, or run `amigo-proxy webhooks delete {}` then `amigo-proxy webhooks register`",
                endpoint.id
            ),
        );
    }
    let mut detail = format!(
        "endpoint {} for {url} is active{}",
        endpoint.id,
        if secret_held {
            ", secret in the database"
        } else {
            ", secret assumed in AMIGO_WEBHOOK_SECRETS"
        }
    );
    if let Some(retiring) = stored.iter().find(|s| s.retire_at.is_some()) {
        let at = retiring
            .retire_at
            .map(super::webhooks::iso)
            .unwrap_or_default();
        if retiring.accepted_at(now) {
            detail.push_str(&format!(
                "; rotating: endpoint {}'s secret is accepted until {at}",
                retiring.endpoint_id
            ));
        } else {
            detail.push_str(&format!(
                "; endpoint {}'s overlap ended {at} (its secret is refused): `amigo-proxy webhooks rotate --finish` deletes it",
                retiring.endpoint_id
            ));
        }
    }
    let deliveries = match platform.detail(endpoint.id).await {
        Ok(d) => d.deliveries,
        Err(e) => {
            return Check::fail(
                "webhook",
                format!("{detail}; its deliveries could not be read: {e}"),
                "run `amigo-proxy doctor` again; if it persists, check the upstream line",
            );
        }
    };
    if deliveries.is_empty() {
        detail.push_str("; no deliveries yet");
        return Check::pass("webhook", detail);
    }
    let shown: Vec<String> = deliveries
        .iter()
        .take(DELIVERIES_SHOWN)
        .map(describe)
        .collect();
    detail.push_str(&format!("; last deliveries: {}", shown.join("; ")));
    match deliveries.first() {
        Some(newest) if newest.status.failed() => Check::fail(
            "webhook",
            detail,
            format!(
                "the newest delivery failed: check that {url} reaches this proxy from the internet and look in its log for `webhook rejected` (a secret the proxy does not hold)"
            ),
        ),
        _ => Check::pass("webhook", detail),
    }
}

async fn database(store: Result<&Store, String>) -> Check {
    let fix = "point AMIGO_DATABASE_URL at a file the proxy's user can write (sqlite://path/to/amigo-proxy.db)";
    match store {
        Err(e) => Check::fail("database", format!("cannot open: {e}"), fix),
        Ok(store) => match probe_write(store).await {
            Ok(()) => Check::pass("database", "opens, migrated, writable"),
            Err(e) => Check::fail("database", format!("not writable: {e}"), fix),
        },
    }
}

/// Writes and deletes a row in one committed transaction: what an order or a webhook needs.
async fn probe_write(store: &Store) -> Result<(), sqlx::Error> {
    let mut tx = store.pool().begin().await?;
    sqlx::query(
        "INSERT INTO proxy_secrets (name, value) VALUES ('doctor_probe', $1)
         ON CONFLICT (name) DO UPDATE SET value = excluded.value",
    )
    .bind(super::webhooks::iso(time::OffsetDateTime::now_utc()))
    .execute(&mut *tx)
    .await?;
    sqlx::query("DELETE FROM proxy_secrets WHERE name = 'doctor_probe'")
        .execute(&mut *tx)
        .await?;
    tx.commit().await
}

async fn widget(config: &ProxyConfig) -> Check {
    let assets = WidgetAssets::new(config.widget_dir.clone());
    let source = config.widget_dir.as_ref().map_or_else(
        || "the build embedded in this binary".to_owned(),
        |d| d.display().to_string(),
    );
    let mut missing = Vec::new();
    for file in ["index.html", "amigo-widget.js"] {
        if assets.get(file).await.is_none() {
            missing.push(file);
        }
    }
    if missing.is_empty() {
        Check::pass(
            "widget",
            format!("{source} has index.html and amigo-widget.js"),
        )
    } else {
        Check::fail(
            "widget",
            format!("{source} lacks {}", missing.join(" and ")),
            "build it with `scripts/build-widget.sh` (into dist/) and rebuild the proxy, or point AMIGO_WIDGET_DIR at a build",
        )
    }
}
