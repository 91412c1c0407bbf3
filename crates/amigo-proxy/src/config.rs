//! Settings: the validated configuration the proxy runs on ([`ProxyConfig`], [`Settings`]) and
//! the checks that turn raw values into it. The command line that reads them is
//! [`crate::cli`]; a bad value stops startup with one line that names the environment variable
//! (`AMIGO_API_BASE: …`), never a clap usage dump.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};

/// Where the real platform lives.
pub const DEFAULT_API_BASE: &str = "https://amigo.ng/api";
/// Spend guard default, in Naira.
pub const DEFAULT_MAX_ORDER_TOTAL: i64 = 500_000;
/// SQLite file used when `AMIGO_DATABASE_URL` is not set.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://amigo-proxy.db";
/// SQLite file used in `--sandbox` mode when `AMIGO_DATABASE_URL` is not set, so test orders
/// never share a database with live ones.
pub const DEFAULT_SANDBOX_DATABASE_URL: &str = "sqlite://amigo-proxy-sandbox.db";

/// A database URL whose `Debug` and `Display` hide the password (`postgres://u:***@h/db`, and a
/// `password=` query parameter likewise), so settings, startup errors and `doctor` can show
/// which database is meant without printing its credentials. [`DatabaseUrl::as_str`] gives the
/// URL itself, for connecting.
#[derive(Clone, PartialEq, Eq)]
pub struct DatabaseUrl(String);

impl DatabaseUrl {
    /// The URL as given, password included: for opening the database only.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The URL with any password replaced by `***`.
    pub fn redacted(&self) -> String {
        redact_url_password(&self.0)
    }
}

impl From<String> for DatabaseUrl {
    fn from(url: String) -> Self {
        Self(url)
    }
}

impl From<&str> for DatabaseUrl {
    fn from(url: &str) -> Self {
        Self(url.to_owned())
    }
}

impl PartialEq<&str> for DatabaseUrl {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}

impl std::fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("DatabaseUrl")
            .field(&self.redacted())
            .finish()
    }
}

impl std::fmt::Display for DatabaseUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.redacted())
    }
}

/// `raw` with the password of its userinfo and of any `password`-like query parameter replaced
/// by `***`. Text that is not a URL with a host (`sqlite://file.db`) has no credentials and is
/// returned as is; anything else that does not parse is hidden whole, as it may still hold one.
fn redact_url_password(raw: &str) -> String {
    const HIDDEN: &str = "***";
    let Ok(mut url) = reqwest::Url::parse(raw) else {
        return if raw.contains('@') || raw.to_ascii_lowercase().contains("password") {
            HIDDEN.to_owned()
        } else {
            raw.to_owned()
        };
    };
    let query_password = url
        .query_pairs()
        .any(|(k, _)| k.to_ascii_lowercase().contains("password"));
    if url.password().is_none() && !query_password {
        return raw.to_owned();
    }
    if url.password().is_some() && url.set_password(Some(HIDDEN)).is_err() {
        return HIDDEN.to_owned();
    }
    if query_password {
        let pairs: Vec<(String, String)> = url
            .query_pairs()
            .map(|(k, v)| {
                let hide = k.to_ascii_lowercase().contains("password");
                (
                    k.into_owned(),
                    if hide {
                        HIDDEN.to_owned()
                    } else {
                        v.into_owned()
                    },
                )
            })
            .collect();
        url.query_pairs_mut().clear().extend_pairs(pairs);
    }
    url.to_string()
}

/// A setting that could not be used; its `Display` is the one-line startup error.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{var}: {message}")]
pub struct ConfigError {
    /// The environment variable (or flag, for flag-only settings) at fault.
    pub var: std::borrow::Cow<'static, str>,
    /// What is wrong with it.
    pub message: String,
}

pub(crate) fn bad(var: &'static str, message: impl Into<String>) -> ConfigError {
    ConfigError {
        var: var.into(),
        message: message.into(),
    }
}

/// Per-minute quotas of the proxy's own rate limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateQuotas {
    /// `POST /api/orders` per client IP per minute.
    pub orders_per_ip: u32,
    /// `POST /api/orders` per customer phone per minute.
    pub orders_per_phone: u32,
    /// Order-tracking lookups per client IP per minute.
    pub lookups_per_ip: u32,
    /// Catalog reads per client IP per minute that the cache cannot answer, so reach Amigo and
    /// spend the merchant's rate limit (shared with orders and data purchases).
    pub catalog_per_ip: u32,
}

impl Default for RateQuotas {
    fn default() -> Self {
        Self {
            orders_per_ip: 20,
            orders_per_phone: 5,
            lookups_per_ip: 120,
            catalog_per_ip: 60,
        }
    }
}

/// The merchant's data-sales settings: off by default, because every purchase spends the
/// merchant's wallet the moment a shopper asks, with no payment collected by the proxy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DataSales {
    /// `AMIGO_DATA_ENABLED`: whether `/api/data/*` answers at all.
    pub enabled: bool,
    /// `AMIGO_DATA_DAILY_LIMIT`: Naira per Lagos day, purchases in flight included.
    pub daily_limit: i64,
    /// `AMIGO_DATA_RATE_PER_IP`: purchases per client IP per minute.
    pub per_ip_per_minute: u32,
    /// `AMIGO_DATA_RATE_PER_PHONE`: purchases per phone per hour.
    pub per_phone_per_hour: u32,
}

impl Default for DataSales {
    fn default() -> Self {
        Self {
            enabled: false,
            daily_limit: 50_000,
            per_ip_per_minute: 10,
            per_phone_per_hour: 5,
        }
    }
}

/// `AMIGO_PAYMENT`: how a shopper pays for an order before the merchant's wallet does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum PaymentMode {
    /// Nobody pays the proxy: the order is placed at once and the wallet pays. Safe as is only
    /// with a test token; a live token needs the opt-in and a daily budget
    /// ([`OrderPayment::unpaid_orders`]).
    #[default]
    None,
    /// Shoppers pay on Paystack's page first; the order is placed once Paystack verifies the
    /// payment ([`crate::checkout`]).
    Paystack,
    /// Shoppers transfer to the merchant's account; the merchant's "Mark paid" places the order.
    Transfer,
}

impl PaymentMode {
    /// The setting's value as written (`none`, `paystack`, `transfer`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::None => "none",
            Self::Paystack => "paystack",
            Self::Transfer => "transfer",
        }
    }
}

/// The order payment settings. Every order spends the merchant's wallet, so with a live token
/// nothing is placed unpaid unless the merchant said so and capped what a day may cost.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct OrderPayment {
    /// `AMIGO_PAYMENT`.
    pub mode: PaymentMode,
    /// `AMIGO_ALLOW_UNPAID_ORDERS`: consent to unpaid orders on a live token.
    pub allow_unpaid: bool,
    /// `AMIGO_ORDER_DAILY_LIMIT`: Naira of unpaid orders per Lagos day (items at catalog
    /// prices, orders in flight included); `None` when not set.
    pub daily_limit: Option<i64>,
}

/// Whether `POST /api/orders` may place orders, decided once from the settings and the token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UnpaidOrders {
    /// Orders are placed at once; with `Some(limit)` their totals are capped per Lagos day.
    Open {
        /// `AMIGO_ORDER_DAILY_LIMIT`, when set.
        daily_limit: Option<i64>,
    },
    /// Every order is refused before any upstream call (`403 orders_disabled`).
    Off {
        /// Why, and how to turn orders on: the start-up warning and `doctor`'s fix.
        reason: &'static str,
    },
}

impl OrderPayment {
    /// What the order route does for a token of `mode`. A token not known to be a test token
    /// (a live or legacy one, or one that does not parse) counts as live: the safe side.
    pub fn unpaid_orders(&self, token: Option<amigo_types::token::Mode>) -> UnpaidOrders {
        if self.mode != PaymentMode::None {
            return UnpaidOrders::Off {
                reason: "shoppers pay before the order is placed (AMIGO_PAYMENT): orders come from paid checkouts (POST /api/checkouts), never straight from POST /api/orders",
            };
        }
        let live = !matches!(token, Some(amigo_types::token::Mode::Test));
        match (live, self.allow_unpaid, self.daily_limit) {
            (false, _, daily_limit) | (true, true, daily_limit @ Some(_)) => {
                UnpaidOrders::Open { daily_limit }
            }
            (true, false, None) => UnpaidOrders::Off {
                reason: "AMIGO_PAYMENT=none with a live token places orders nobody has paid for, from the real wallet: set AMIGO_ALLOW_UNPAID_ORDERS=true and a daily budget AMIGO_ORDER_DAILY_LIMIT (Naira) to take them",
            },
            (true, false, Some(_)) => UnpaidOrders::Off {
                reason: "AMIGO_PAYMENT=none with a live token places orders nobody has paid for, from the real wallet: AMIGO_ORDER_DAILY_LIMIT is set but AMIGO_ALLOW_UNPAID_ORDERS=true is not",
            },
            (true, true, None) => UnpaidOrders::Off {
                reason: "AMIGO_PAYMENT=none with a live token places orders nobody has paid for, from the real wallet: AMIGO_ALLOW_UNPAID_ORDERS is set but the daily budget AMIGO_ORDER_DAILY_LIMIT (Naira) is not",
            },
        }
    }
}

/// The caps, from `AMIGO_EVENT_STREAMS_PER_CLIENT`, `AMIGO_MAX_EVENT_STREAMS` and
/// `AMIGO_EVENT_STREAM_LIFETIME_SECS`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EventStreamCaps {
    /// Streams one client (an IPv4 address, an IPv6 prefix) may hold open at once.
    pub per_client: usize,
    /// Streams open at once on this instance, all clients together.
    pub total: usize,
    /// How long one stream lasts before the proxy ends it (the browser reconnects).
    pub lifetime: Duration,
}

impl Default for EventStreamCaps {
    fn default() -> Self {
        Self {
            per_client: 8,
            total: 1000,
            lifetime: Duration::from_secs(30 * 60),
        }
    }
}

/// The validated configuration the library runs on.
#[derive(Debug, Clone)]
pub struct ProxyConfig {
    /// Amigo API base without a trailing slash (`https://amigo.ng/api`).
    pub api_base: String,
    /// The merchant's token.
    pub api_key: SecretString,
    /// Webhook secrets; a signature matching any of them is accepted.
    pub webhook_secrets: Vec<SecretString>,
    /// Allowed browser origins, normalised (`scheme://host[:port]`).
    pub allowed_origins: Vec<String>,
    /// Database URL (its `Debug` hides the password).
    pub database_url: DatabaseUrl,
    /// Spend guard, in Naira.
    pub max_order_total: i64,
    /// Turns Amigo's prices (what the wallet pays) into the shopper's; applied to every
    /// catalog body as it enters the cache.
    pub price_rule: amigo_types::pricing::PriceRule,
    /// The proxy's public origin (`{{AMIGO_PROXY}}` on the demo page).
    pub public_url: String,
    /// Widget build folder; `None` serves the embedded build.
    pub widget_dir: Option<PathBuf>,
    /// Timeout of each upstream call.
    pub upstream_timeout: Duration,
    pub rates: RateQuotas,
    /// Peers whose `X-Forwarded-For` is believed.
    pub trusted_proxies: Vec<std::net::IpAddr>,
    pub data: DataSales,
    /// `AMIGO_PLANS_URL`: the plan catalog's URL, when the merchant knows it; `None` probes
    /// the documented name under the API base and the host root.
    pub plans_url: Option<String>,
    /// How orders are paid for, and the unpaid-order opt-in and budget.
    pub payment: OrderPayment,
    /// Paystack's keys or the merchant's bank account, and how long a checkout waits.
    pub checkout: CheckoutSettings,
    /// The console password as an argon2 PHC hash; `None` turns `/admin` off.
    pub admin_password_hash: Option<SecretString>,
    /// Upstream retries and circuit breaker.
    pub resilience: crate::upstream::Resilience,
    /// IPv6 clients are counted by this many leading bits in the per-client rate limits.
    pub ipv6_client_prefix: u8,
    /// How long a request may take until its answer starts: a stuck handler or database call
    /// answers `408` instead of holding the connection. Event streams, once started, run on.
    pub request_timeout: Duration,
    /// How long a client may pause while sending a request body (slow-body clients).
    pub body_timeout: Duration,
    /// Caps on the orders' event streams, which hold a connection for as long as they last.
    pub event_streams: EventStreamCaps,
    /// How long a reference's lookups stay locked after repeated wrong phones, from any address.
    pub lookup_lock: Duration,
    /// How long rows of the tables that only grow are kept, and how often they are pruned.
    pub retention: crate::store::retention::Retention,
}

/// Default of [`ProxyConfig::ipv6_client_prefix`].
pub const DEFAULT_IPV6_CLIENT_PREFIX: u8 = 64;
/// Default of [`ProxyConfig::request_timeout`] (longer when upstream calls may take longer).
pub const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(60);
/// Default of [`ProxyConfig::body_timeout`].
pub const DEFAULT_BODY_TIMEOUT: Duration = Duration::from_secs(10);
/// Default of [`Settings::max_connections`].
pub const DEFAULT_MAX_CONNECTIONS: usize = 1024;

impl ProxyConfig {
    /// The longest an upstream call may take with all its retries and the backoffs between
    /// them: how long an order waits for another request holding its key, and what the request
    /// timeout must exceed.
    pub fn upstream_patience(&self) -> Duration {
        let retries = self.resilience.retries;
        self.upstream_timeout * (retries + 1)
            + self.resilience.retry_base * 32 * retries
            + Duration::from_secs(1)
    }

    /// A configuration for `api_base` and `api_key` with every other setting at its default.
    pub fn new(api_base: impl Into<String>, api_key: SecretString) -> Self {
        Self {
            api_base: api_base.into().trim_end_matches('/').to_owned(),
            api_key,
            webhook_secrets: Vec::new(),
            allowed_origins: Vec::new(),
            database_url: DatabaseUrl::from(DEFAULT_DATABASE_URL),
            max_order_total: DEFAULT_MAX_ORDER_TOTAL,
            price_rule: amigo_types::pricing::PriceRule::none(),
            public_url: "http://127.0.0.1:8080".to_owned(),
            widget_dir: None,
            upstream_timeout: Duration::from_secs(10),
            rates: RateQuotas::default(),
            trusted_proxies: Vec::new(),
            data: DataSales::default(),
            plans_url: None,
            payment: OrderPayment::default(),
            checkout: CheckoutSettings::default(),
            admin_password_hash: None,
            resilience: crate::upstream::Resilience::default(),
            ipv6_client_prefix: DEFAULT_IPV6_CLIENT_PREFIX,
            request_timeout: DEFAULT_REQUEST_TIMEOUT,
            body_timeout: DEFAULT_BODY_TIMEOUT,
            event_streams: EventStreamCaps::default(),
            lookup_lock: crate::lookup_locks::DEFAULT_LOOKUP_LOCK,
            retention: crate::store::retention::Retention::default(),
        }
    }
}

/// The settings that do not depend on where the server ends up listening.
#[derive(Debug, Clone)]
pub struct Settings {
    pub listen: SocketAddr,
    /// Everything else; in sandbox mode `api_base`, `api_key`, `public_url` and the webhook
    /// secrets are filled in once the sandbox runs.
    pub config: ProxyConfig,
    /// `--sandbox`.
    pub sandbox: bool,
    /// `--sandbox-info-file`.
    pub sandbox_info_file: Option<PathBuf>,
    /// Whether `--public-url` was given (otherwise it follows the bound address).
    pub public_url_given: bool,
    /// Embedded sandbox per-token rate limit.
    pub sandbox_rate_limit_per_minute: u32,
    /// `--sandbox-no-quote-cors`.
    pub sandbox_quote_cors: bool,
    /// Most connections served at once (`AMIGO_MAX_CONNECTIONS`).
    pub max_connections: usize,
}

/// The address to reach a listener at from this machine (`0.0.0.0` → `127.0.0.1`).
pub fn loopback_for(addr: SocketAddr) -> SocketAddr {
    if addr.ip().is_unspecified() {
        SocketAddr::from(([127, 0, 0, 1], addr.port()))
    } else {
        addr
    }
}

/// Whether an argon2 hash's cost meets one of OWASP's minimum configurations (memory in KiB,
/// passes): a leaked hash with a lower cost is cheap to guess offline.
fn strong_enough(params: &argon2::Params) -> bool {
    const MINIMUMS: [(u32, u32); 5] = [
        (47_104, 1),
        (19_456, 2),
        (12_288, 3),
        (9_216, 4),
        (7_168, 5),
    ];
    MINIMUMS
        .iter()
        .any(|&(m, t)| params.m_cost() >= m && params.t_cost() >= t)
}

/// The console password as an argon2 hash: a given hash is checked to be one, a plain password
/// (at least 12 characters) is hashed here with a random salt, so only the hash stays in memory.
pub(crate) fn admin_password(
    plain: Option<&str>,
    hash: Option<&str>,
) -> Result<Option<SecretString>, ConfigError> {
    use argon2::password_hash::{PasswordHash, PasswordHasher, SaltString};
    match (
        plain.filter(|p| !p.is_empty()),
        hash.map(str::trim).filter(|h| !h.is_empty()),
    ) {
        (Some(_), Some(_)) => Err(bad(
            "AMIGO_ADMIN_PASSWORD",
            "set AMIGO_ADMIN_PASSWORD or AMIGO_ADMIN_PASSWORD_HASH, not both",
        )),
        (None, None) => Ok(None),
        (None, Some(h)) => {
            let parsed = PasswordHash::new(h).map_err(|_| {
                bad(
                    "AMIGO_ADMIN_PASSWORD_HASH",
                    "not a PHC hash string (expected $argon2id$v=19$m=…,t=…,p=…$salt$hash)",
                )
            })?;
            if !parsed.algorithm.as_str().starts_with("argon2") {
                return Err(bad(
                    "AMIGO_ADMIN_PASSWORD_HASH",
                    "must be an argon2 hash (argon2id, argon2i or argon2d)",
                ));
            }
            let params = argon2::Params::try_from(&parsed)
                .map_err(|e| bad("AMIGO_ADMIN_PASSWORD_HASH", format!("its parameters: {e}")))?;
            if !strong_enough(&params) {
                return Err(bad(
                    "AMIGO_ADMIN_PASSWORD_HASH",
                    format!(
                        "its parameters (m={}, t={}) are too weak: use at least m=19456 (19 MiB) with t=2, or m=47104 with t=1 (OWASP's minimums)",
                        params.m_cost(),
                        params.t_cost()
                    ),
                ));
            }
            Ok(Some(SecretString::from(h.to_owned())))
        }
        (Some(p), None) => {
            if p.chars().count() < 12 {
                return Err(bad(
                    "AMIGO_ADMIN_PASSWORD",
                    "must be at least 12 characters",
                ));
            }
            let salt_bytes: [u8; 16] = rand::random();
            let salt = SaltString::encode_b64(&salt_bytes)
                .map_err(|e| bad("AMIGO_ADMIN_PASSWORD", format!("salt: {e}")))?;
            let hash = argon2::Argon2::default()
                .hash_password(p.as_bytes(), &salt)
                .map_err(|e| bad("AMIGO_ADMIN_PASSWORD", format!("hashing failed: {e}")))?;
            Ok(Some(SecretString::from(hash.to_string())))
        }
    }
}

/// Paystack's API base when `AMIGO_PAYSTACK_API_BASE` is not set.
pub const DEFAULT_PAYSTACK_API_BASE: &str = "https://api.paystack.co";

/// Paystack's side of `--payment paystack`: where its API is and the integration's keys.
#[derive(Debug, Clone)]
pub struct PaystackSettings {
    /// API base without a trailing slash.
    pub api_base: String,
    /// `sk_…`: authorises every call and keys the webhook signature. Never logged.
    pub secret_key: SecretString,
    /// `pk_…`: the only Paystack value a browser may see.
    pub public_key: String,
}

/// The merchant's account for `--payment transfer`, shown to the shopper with the amount and
/// the checkout reference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransferAccount {
    /// The name on the account.
    pub account_name: String,
    pub bank_name: String,
    /// 10 digits (NUBAN).
    pub account_number: String,
}

/// How checkouts are paid, besides [`OrderPayment::mode`]: Paystack's keys (in `--sandbox`
/// mode filled in when the emulator starts) or the bank account, and the expiry.
#[derive(Debug, Clone)]
pub struct CheckoutSettings {
    /// With `paystack`.
    pub paystack: Option<PaystackSettings>,
    /// With `transfer`.
    pub transfer: Option<TransferAccount>,
    /// How long an unpaid checkout waits before it expires.
    pub expiry: Duration,
}

impl Default for CheckoutSettings {
    fn default() -> Self {
        Self {
            paystack: None,
            transfer: None,
            expiry: Duration::from_secs(60 * 60),
        }
    }
}

/// The raw checkout settings, as given.
#[derive(Clone, Copy)]
pub(crate) struct CheckoutInputs<'a> {
    pub(crate) mode: PaymentMode,
    pub(crate) sandbox: bool,
    pub(crate) paystack_secret_key: Option<&'a SecretString>,
    pub(crate) paystack_public_key: Option<&'a str>,
    pub(crate) paystack_api_base: Option<&'a str>,
    pub(crate) account_name: Option<&'a str>,
    pub(crate) bank_name: Option<&'a str>,
    pub(crate) account_number: Option<&'a str>,
    pub(crate) expiry_minutes: Option<u32>,
}

/// Whether `key` is `{prefix}_test_…` or `{prefix}_live_…` with 16 to 100 letters or digits
/// after it (Paystack's keys); `Some(true)` for live.
fn paystack_key_mode(key: &str, prefix: &str) -> Option<bool> {
    let (live, tail) = if let Some(t) = key.strip_prefix(&format!("{prefix}_live_")) {
        (true, t)
    } else {
        (false, key.strip_prefix(&format!("{prefix}_test_"))?)
    };
    ((16..=100).contains(&tail.len()) && tail.bytes().all(|b| b.is_ascii_alphanumeric()))
        .then_some(live)
}

/// Reads the checkout settings for `mode`. A live Amigo token with a Paystack test key is
/// refused: shoppers would "pay" on a test page while the real wallet pays Amigo.
pub(crate) fn checkout_settings(
    i: CheckoutInputs<'_>,
    amigo_token: &SecretString,
) -> Result<CheckoutSettings, ConfigError> {
    let default_minutes = if i.mode == PaymentMode::Transfer {
        2880
    } else {
        60
    };
    let minutes = i.expiry_minutes.unwrap_or(default_minutes);
    let mut out = CheckoutSettings {
        paystack: None,
        transfer: None,
        expiry: Duration::from_secs(u64::from(minutes) * 60),
    };
    match i.mode {
        PaymentMode::None => {}
        PaymentMode::Paystack => {
            let secret = i
                .paystack_secret_key
                .map(|k| k.expose_secret().trim().to_owned())
                .filter(|k| !k.is_empty());
            let public = i
                .paystack_public_key
                .map(str::trim)
                .filter(|k| !k.is_empty());
            match (secret, public) {
                // --sandbox starts the Paystack emulator and takes its keys
                (None, None) if i.sandbox => {}
                (None, _) => {
                    return Err(bad(
                        "AMIGO_PAYSTACK_SECRET_KEY",
                        "required with AMIGO_PAYMENT=paystack (your Paystack dashboard, Settings > API Keys)",
                    ));
                }
                (Some(_), None) => {
                    return Err(bad(
                        "AMIGO_PAYSTACK_PUBLIC_KEY",
                        "required with AMIGO_PAYMENT=paystack (pk_test_… or pk_live_…)",
                    ));
                }
                (Some(secret), Some(public)) => {
                    let secret_live = paystack_key_mode(&secret, "sk").ok_or_else(|| {
                        bad(
                            "AMIGO_PAYSTACK_SECRET_KEY",
                            "expected sk_test_ or sk_live_ followed by 16-100 letters or digits",
                        )
                    })?;
                    let public_live = paystack_key_mode(public, "pk").ok_or_else(|| {
                        bad(
                            "AMIGO_PAYSTACK_PUBLIC_KEY",
                            "expected pk_test_ or pk_live_ followed by 16-100 letters or digits",
                        )
                    })?;
                    if secret_live != public_live {
                        return Err(bad(
                            "AMIGO_PAYSTACK_PUBLIC_KEY",
                            "is not in the secret key's mode (one is test, the other live)",
                        ));
                    }
                    let amigo_live = matches!(
                        amigo_types::token::ApiToken::parse(amigo_token.expose_secret())
                            .map(|t| t.mode()),
                        Some(amigo_types::token::Mode::Live)
                    );
                    if amigo_live && !secret_live {
                        return Err(bad(
                            "AMIGO_PAYSTACK_SECRET_KEY",
                            "is a test key but AMIGO_API_KEY is live: shoppers would pay nothing while the wallet pays Amigo",
                        ));
                    }
                    let api_base = match i.paystack_api_base.map(str::trim) {
                        None | Some("") => DEFAULT_PAYSTACK_API_BASE.to_owned(),
                        Some(raw) => {
                            parse_base_url(raw).map_err(|m| bad("AMIGO_PAYSTACK_API_BASE", m))?
                        }
                    };
                    out.paystack = Some(PaystackSettings {
                        api_base,
                        secret_key: SecretString::from(secret),
                        public_key: public.to_owned(),
                    });
                }
            }
        }
        PaymentMode::Transfer
            if i.sandbox
                && [i.account_name, i.bank_name, i.account_number]
                    .iter()
                    .all(|v| v.is_none_or(|v| v.trim().is_empty())) =>
        {
            // --sandbox: a demo account, plainly not a real one
            out.transfer = Some(TransferAccount {
                account_name: "Amigo Demo Store (sandbox)".to_owned(),
                bank_name: "Sandbox Bank".to_owned(),
                account_number: "0000000000".to_owned(),
            });
        }
        PaymentMode::Transfer => {
            let text = |raw: Option<&str>, var: &'static str, what: &str| {
                let v = raw.map(str::trim).unwrap_or("");
                if v.is_empty() {
                    return Err(bad(
                        var,
                        format!("required with AMIGO_PAYMENT=transfer ({what})"),
                    ));
                }
                if v.chars().count() > 80 || v.chars().any(char::is_control) {
                    return Err(bad(var, "at most 80 characters, on one line"));
                }
                Ok(v.to_owned())
            };
            let account_name = text(
                i.account_name,
                "AMIGO_TRANSFER_ACCOUNT_NAME",
                "the name on the account",
            )?;
            let bank_name = text(i.bank_name, "AMIGO_TRANSFER_BANK_NAME", "the bank's name")?;
            let account_number = text(
                i.account_number,
                "AMIGO_TRANSFER_ACCOUNT_NUMBER",
                "the 10-digit account number",
            )?;
            if account_number.len() != 10 || !account_number.bytes().all(|b| b.is_ascii_digit()) {
                return Err(bad(
                    "AMIGO_TRANSFER_ACCOUNT_NUMBER",
                    format!("must be the 10-digit NUBAN, got '{account_number}'"),
                ));
            }
            out.transfer = Some(TransferAccount {
                account_name,
                bank_name,
                account_number,
            });
        }
    }
    Ok(out)
}

/// The payment settings: the mode and a budget that is a positive whole number of Naira.
/// Validates an absolute http(s) base URL and drops a trailing slash.
pub fn parse_base_url(raw: &str) -> Result<String, String> {
    let url = reqwest::Url::parse(raw).map_err(|e| format!("'{raw}' is not a URL ({e})"))?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return Err(format!("'{raw}' must be an http:// or https:// URL"));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(format!("'{raw}' must not have a query or fragment"));
    }
    Ok(raw.trim_end_matches('/').to_owned())
}

/// Validates one browser origin (`scheme://host[:port]`) and returns it normalised.
pub fn parse_origin(raw: &str) -> Result<String, String> {
    let url = reqwest::Url::parse(raw.trim())
        .map_err(|_| format!("'{raw}' is not an origin such as https://shop.example.com"))?;
    let host = url
        .host_str()
        .filter(|_| matches!(url.scheme(), "http" | "https"))
        .ok_or_else(|| format!("'{raw}' must be an http:// or https:// origin"))?;
    if !matches!(url.path(), "" | "/")
        || url.query().is_some()
        || url.fragment().is_some()
        || !url.username().is_empty()
    {
        return Err(format!(
            "'{raw}' must be just scheme://host[:port], with no path, query or credentials"
        ));
    }
    Ok(match url.port() {
        Some(p) => format!("{}://{host}:{p}", url.scheme()),
        None => format!("{}://{host}", url.scheme()),
    })
}

/// A browser `Origin` header's value in the allow-list's form (`scheme://host[:port]`, lowercase,
/// the scheme's default port dropped), or `None` when it is not exactly an origin: a path (even a
/// lone `/`), userinfo, a query, a fragment, surrounding spaces or anything unparsable. Browsers
/// send exactly this form; a padded variant (`https://shop.example////`) is somebody else.
pub fn canonical_origin(raw: &str) -> Option<String> {
    let (_, authority) = raw.split_once("://")?;
    if raw.len() > 512
        || raw.trim() != raw
        || authority.is_empty()
        || authority.contains(['/', '?', '#', '@', '\\'])
    {
        return None;
    }
    parse_origin(raw).ok()
}

pub(crate) fn parse_origins(raw: Option<&str>) -> Result<Vec<String>, ConfigError> {
    let mut out = Vec::new();
    for part in raw
        .unwrap_or("")
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        let origin = parse_origin(part).map_err(|m| bad("AMIGO_ALLOWED_ORIGINS", m))?;
        if !out.contains(&origin) {
            out.push(origin);
        }
    }
    Ok(out)
}

pub(crate) fn parse_secrets(raw: Option<&str>) -> Result<Vec<SecretString>, ConfigError> {
    let mut out = Vec::new();
    for part in raw
        .unwrap_or("")
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        if part.len() < 16 {
            return Err(bad(
                "AMIGO_WEBHOOK_SECRETS",
                "each secret must be at least 16 characters (Amigo issues 64 hex characters)",
            ));
        }
        out.push(SecretString::from(part.to_owned()));
    }
    Ok(out)
}
