//! Settings: the command line and environment (`Cli`), validated into a [`ProxyConfig`].
//!
//! Every setting is read as text and validated here, so a bad value stops startup with one line
//! that names the environment variable (`AMIGO_API_BASE: …`), never a clap usage dump.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::Parser;
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

/// `amigo-proxy`: the merchant's backend companion that holds the secret Amigo token.
#[derive(Debug, Clone, Parser)]
#[command(name = "amigo-proxy", version, about)]
pub struct Cli {
    /// Address to listen on (`127.0.0.1:0` picks a free port and prints it).
    #[arg(long, env = "AMIGO_PROXY_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: String,
    /// Run the whole store on an embedded amigo-sandbox with a fresh test token.
    #[arg(long)]
    pub sandbox: bool,
    /// With --sandbox: write `{sandbox_url, api_base, token, proxy_url}` JSON here (mode 0600);
    /// with a command, read it to work against that running sandbox store.
    #[arg(long, requires = "sandbox")]
    pub sandbox_info_file: Option<PathBuf>,
    /// The merchant's Amigo token (required unless --sandbox). Never logged, never returned.
    #[arg(long, env = "AMIGO_API_KEY", hide_env_values = true, value_parser = secret)]
    pub api_key: Option<SecretString>,
    /// Base URL of the Amigo API.
    #[arg(long, env = "AMIGO_API_BASE")]
    pub api_base: Option<String>,
    /// Webhook signing secrets, comma-separated, accepted besides those `webhooks register` and
    /// `webhooks rotate` keep in the database.
    #[arg(long, env = "AMIGO_WEBHOOK_SECRETS", hide_env_values = true, value_parser = secret)]
    pub webhook_secrets: Option<SecretString>,
    /// Storefront origins allowed to call the API from a browser, comma-separated
    /// (`https://shop.example.com,http://localhost:3000`).
    #[arg(long, env = "AMIGO_ALLOWED_ORIGINS")]
    pub allowed_origins: Option<String>,
    /// Database URL (`sqlite://file.db` or `postgres://user@host:port/db`); default `sqlite://amigo-proxy.db` in the working
    /// directory (`amigo-proxy-sandbox.db` with --sandbox).
    #[arg(long, env = "AMIGO_DATABASE_URL", hide_env_values = true, value_parser = database_url)]
    pub database_url: Option<DatabaseUrl>,
    /// Largest order total (items at Amigo's prices), in Naira.
    #[arg(long, env = "AMIGO_MAX_ORDER_TOTAL")]
    pub max_order_total: Option<String>,
    /// The merchant's retail price rule on top of Amigo's prices: `15%`, `15%+200`, `+500`,
    /// `15%+200 round 50`; default none (shoppers see Amigo's prices).
    #[arg(long, env = "AMIGO_PRICE_MARKUP")]
    pub price_markup: Option<String>,
    /// The proxy's public URL (for the demo page); default `http://` + the listen address.
    #[arg(long, env = "AMIGO_PUBLIC_URL")]
    pub public_url: Option<String>,
    /// Reverse proxies (IP addresses, comma-separated) whose `X-Forwarded-For` is believed
    /// when working out a client's IP for rate limits.
    #[arg(long, env = "AMIGO_TRUSTED_PROXIES")]
    pub trusted_proxies: Option<String>,
    /// Serve the widget build from this folder instead of the assets embedded at compile time.
    #[arg(long, env = "AMIGO_WIDGET_DIR")]
    pub widget_dir: Option<PathBuf>,
    /// Timeout of every upstream call, in seconds.
    #[arg(long, env = "AMIGO_UPSTREAM_TIMEOUT_SECS", default_value = "10")]
    pub upstream_timeout_secs: String,
    /// Orders a client IP may place per minute.
    #[arg(long, env = "AMIGO_ORDER_RATE_PER_IP", default_value = "20")]
    pub order_rate_per_ip: String,
    /// Orders one customer phone may place per minute.
    #[arg(long, env = "AMIGO_ORDER_RATE_PER_PHONE", default_value = "5")]
    pub order_rate_per_phone: String,
    /// Order-tracking lookups a client IP may make per minute.
    #[arg(long, env = "AMIGO_LOOKUP_RATE_PER_IP", default_value = "120")]
    pub lookup_rate_per_ip: String,
    /// Catalog reads a client IP may send on to Amigo per minute (answers from the cache are
    /// free): every uncached read spends the merchant's Amigo rate limit.
    #[arg(long, env = "AMIGO_CATALOG_RATE_PER_IP", default_value = "60")]
    pub catalog_rate_per_ip: String,
    /// The merchant console's password (`/admin` is off unless this or the hash is set).
    #[arg(long, env = "AMIGO_ADMIN_PASSWORD", hide_env_values = true, value_parser = secret)]
    pub admin_password: Option<SecretString>,
    /// An argon2 hash (PHC string, `$argon2id$…`) of the console password, instead of it.
    #[arg(
        long,
        env = "AMIGO_ADMIN_PASSWORD_HASH",
        hide_env_values = true,
        value_parser = secret
    )]
    pub admin_password_hash: Option<SecretString>,
    /// Sell mobile data through the widget's "Buy data" view (off unless `true`/`1`/`yes`).
    #[arg(long, env = "AMIGO_DATA_ENABLED")]
    pub data_enabled: Option<String>,
    /// Most Naira of data sold per Lagos calendar day, counting purchases in flight.
    #[arg(long, env = "AMIGO_DATA_DAILY_LIMIT", default_value = "50000")]
    pub data_daily_limit: String,
    /// How shoppers pay for an order. `paystack`: on Paystack's page before the order is placed
    /// (needs the Paystack keys, or --sandbox, which starts a Paystack emulator). `transfer`: by
    /// bank transfer to the merchant's account, confirmed with "Mark paid" in the console.
    /// `none`: the order is placed at once and the merchant's wallet pays (a live token then
    /// needs --allow-unpaid-orders and --order-daily-limit).
    #[arg(long, env = "AMIGO_PAYMENT", value_enum, default_value_t = PaymentMode::None)]
    pub payment: PaymentMode,
    /// Paystack's secret key (`sk_test_…`/`sk_live_…`), with `--payment paystack`; not needed
    /// with --sandbox. Never logged, never sent to a browser.
    #[arg(long, env = "AMIGO_PAYSTACK_SECRET_KEY", hide_env_values = true, value_parser = secret)]
    pub paystack_secret_key: Option<SecretString>,
    /// Paystack's public key (`pk_test_…`/`pk_live_…`), the same mode as the secret key.
    #[arg(long, env = "AMIGO_PAYSTACK_PUBLIC_KEY")]
    pub paystack_public_key: Option<String>,
    /// Paystack's API base URL.
    #[arg(long, env = "AMIGO_PAYSTACK_API_BASE")]
    pub paystack_api_base: Option<String>,
    /// With `--payment transfer`: the name on the merchant's account.
    #[arg(long, env = "AMIGO_TRANSFER_ACCOUNT_NAME")]
    pub transfer_account_name: Option<String>,
    /// With `--payment transfer`: the bank's name.
    #[arg(long, env = "AMIGO_TRANSFER_BANK_NAME")]
    pub transfer_bank_name: Option<String>,
    /// With `--payment transfer`: the 10-digit account number (NUBAN).
    #[arg(long, env = "AMIGO_TRANSFER_ACCOUNT_NUMBER")]
    pub transfer_account_number: Option<String>,
    /// Minutes an unpaid checkout waits before it expires; default 60 with Paystack, 2880
    /// (48 h) with bank transfers.
    #[arg(long, env = "AMIGO_CHECKOUT_EXPIRY_MINUTES")]
    pub checkout_expiry_minutes: Option<String>,
    /// With `--payment none` and a live token: the merchant's explicit consent to orders that
    /// nobody has paid for, each spending the real wallet at once.
    #[arg(
        long,
        env = "AMIGO_ALLOW_UNPAID_ORDERS",
        value_parser = clap::builder::BoolishValueParser::new(),
        num_args = 0..=1,
        default_value_t = false,
        default_missing_value = "true"
    )]
    pub allow_unpaid_orders: bool,
    /// Most Naira of unpaid orders (items at Amigo's prices) placed per Lagos calendar day,
    /// counting orders in flight; required with a live token and `--payment none`.
    #[arg(long, env = "AMIGO_ORDER_DAILY_LIMIT")]
    pub order_daily_limit: Option<String>,
    /// Where the data-plan catalog lives, when not at `{api base}/plans_catalog.php` or the
    /// host root's `/plans_catalog.php` (the docs name the file, not its folder).
    #[arg(long, env = "AMIGO_PLANS_URL")]
    pub plans_url: Option<String>,
    /// Data purchases per client IP per minute.
    #[arg(long, env = "AMIGO_DATA_RATE_PER_IP", default_value = "10")]
    pub data_rate_per_ip: String,
    /// Data purchases per phone number per hour.
    #[arg(long, env = "AMIGO_DATA_RATE_PER_PHONE", default_value = "5")]
    pub data_rate_per_phone: String,
    /// Extra attempts of an upstream call that is safe to repeat (reads; orders under their
    /// Idempotency-Key), after a transport error, a timeout or a 5xx. 0 turns retries off.
    #[arg(long, env = "AMIGO_UPSTREAM_RETRIES", default_value = "2")]
    pub upstream_retries: String,
    /// First retry backoff in milliseconds; doubles each time, with jitter, up to 16×.
    #[arg(long, env = "AMIGO_UPSTREAM_RETRY_BASE_MS", default_value = "100")]
    pub upstream_retry_base_ms: String,
    /// Consecutive failed upstream calls that open the circuit breaker.
    #[arg(long, env = "AMIGO_BREAKER_THRESHOLD", default_value = "5")]
    pub breaker_threshold: String,
    /// Seconds an open circuit breaker answers `503 upstream_unavailable` before one probe.
    #[arg(long, env = "AMIGO_BREAKER_COOLDOWN_SECS", default_value = "10")]
    pub breaker_cooldown_secs: String,
    /// IPv6 clients are rate-limited by this many leading bits of their address (32–128): one
    /// subscriber usually holds a whole /64.
    #[arg(long, env = "AMIGO_IPV6_CLIENT_PREFIX", default_value = "64")]
    pub ipv6_client_prefix: String,
    /// Seconds a request may take until its answer starts (event streams then run on); default
    /// 60, or longer when an upstream call with its retries may take longer.
    #[arg(long, env = "AMIGO_REQUEST_TIMEOUT_SECS")]
    pub request_timeout_secs: Option<String>,
    /// Seconds a client may pause while sending a request body.
    #[arg(long, env = "AMIGO_BODY_TIMEOUT_SECS", default_value = "10")]
    pub body_timeout_secs: String,
    /// Order event streams one client may hold open at once (then `429`).
    #[arg(long, env = "AMIGO_EVENT_STREAMS_PER_CLIENT", default_value = "8")]
    pub event_streams_per_client: String,
    /// Order event streams open at once on this instance, all clients together (then `503`).
    #[arg(long, env = "AMIGO_MAX_EVENT_STREAMS", default_value = "1000")]
    pub max_event_streams: String,
    /// Seconds an order event stream lasts before the proxy ends it (the browser reconnects).
    #[arg(long, env = "AMIGO_EVENT_STREAM_LIFETIME_SECS", default_value = "1800")]
    pub event_stream_lifetime_secs: String,
    /// Seconds a reference's phone-proof lookups stay locked after 5 wrong phones (the failures
    /// count within the same window).
    #[arg(long, env = "AMIGO_LOOKUP_LOCK_SECS", default_value = "600")]
    pub lookup_lock_secs: String,
    /// Days the log tables (webhook deliveries and rejections, data purchases) keep a row,
    /// so a flood of requests cannot grow the database for ever.
    #[arg(long, env = "AMIGO_RETENTION_DAYS", default_value = "90")]
    pub retention_days: String,
    /// Most connections served at once; further clients wait to be accepted.
    #[arg(long, env = "AMIGO_MAX_CONNECTIONS", default_value = "1024")]
    pub max_connections: String,
    /// With --sandbox: the embedded sandbox's per-token requests per minute.
    #[arg(long, default_value = "600", requires = "sandbox")]
    pub sandbox_rate_limit_per_minute: String,
    /// With --sandbox: the embedded sandbox answers delivery quotes without CORS headers, as
    /// the live platform may (its docs promise browser use only for locations), so the
    /// widget's fallback to the proxy's quote route can be seen and tested.
    #[arg(long, requires = "sandbox")]
    pub sandbox_no_quote_cors: bool,
    /// A going-live command (`webhooks …`, `doctor`) to run instead of serving; settings go
    /// before it (`amigo-proxy --sandbox doctor`).
    #[command(subcommand)]
    pub command: Option<crate::golive::cli::Command>,
}

/// Reads a secret setting straight into a [`SecretString`], so the parsed command line's
/// `Debug` (and anything that logs it) shows `[REDACTED]` instead of it.
fn secret(raw: &str) -> Result<SecretString, std::convert::Infallible> {
    Ok(SecretString::from(raw.to_owned()))
}

/// Reads `AMIGO_DATABASE_URL` into a [`DatabaseUrl`]; it is validated in
/// [`Cli::into_settings`], where the error can name the variable.
fn database_url(raw: &str) -> Result<DatabaseUrl, std::convert::Infallible> {
    Ok(DatabaseUrl::from(raw.to_owned()))
}

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
    pub var: &'static str,
    /// What is wrong with it.
    pub message: String,
}

fn bad(var: &'static str, message: impl Into<String>) -> ConfigError {
    ConfigError {
        var,
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
    /// Rate limits.
    pub rates: RateQuotas,
    /// Peers whose `X-Forwarded-For` is believed.
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// Mobile-data sales.
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
    pub event_streams: crate::event_streams::EventStreamCaps,
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
            event_streams: crate::event_streams::EventStreamCaps::default(),
            lookup_lock: crate::lookup_locks::DEFAULT_LOOKUP_LOCK,
            retention: crate::store::retention::Retention::default(),
        }
    }
}

/// The settings that do not depend on where the server ends up listening.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Where to bind.
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

impl Cli {
    /// Validates every setting.
    pub fn into_settings(self) -> Result<Settings, ConfigError> {
        let listen: SocketAddr = self.listen.trim().parse().map_err(|_| {
            bad(
                "AMIGO_PROXY_LISTEN",
                format!("'{}' is not an address such as 127.0.0.1:8080", self.listen),
            )
        })?;
        let api_key = match self.api_key.as_ref().map(|k| k.expose_secret().trim()) {
            Some(k) if !k.is_empty() => {
                if amigo_types::token::ApiToken::parse(k).is_none() {
                    return Err(bad(
                        "AMIGO_API_KEY",
                        "not an Amigo token (expected amg_live_… or amg_test_… followed by the rest of the token, or a legacy live token of at least 16 characters; at most 512 printable characters, without spaces)",
                    ));
                }
                SecretString::from(k.to_owned())
            }
            _ if self.sandbox => SecretString::from(String::new()),
            _ => {
                return Err(bad(
                    "AMIGO_API_KEY",
                    "required (the merchant's Amigo token), unless --sandbox is given",
                ));
            }
        };
        let api_base = match self.api_base.as_deref().map(str::trim) {
            None | Some("") => DEFAULT_API_BASE.to_owned(),
            Some(raw) => parse_base_url(raw).map_err(|m| bad("AMIGO_API_BASE", m))?,
        };
        let webhook_secrets = parse_secrets(
            self.webhook_secrets
                .as_ref()
                .map(ExposeSecret::expose_secret),
        )?;
        let allowed_origins = parse_origins(self.allowed_origins.as_deref())?;
        let database_url = match self.database_url.as_ref().map(|u| u.as_str().trim()) {
            None | Some("") if self.sandbox => DEFAULT_SANDBOX_DATABASE_URL.to_owned(),
            None | Some("") => DEFAULT_DATABASE_URL.to_owned(),
            Some(u) if u.starts_with("sqlite:") => u.to_owned(),
            Some(u) if u.starts_with("postgres://") || u.starts_with("postgresql://") => {
                // The parser's message may quote the URL, password included: not echoed.
                u.parse::<sqlx::postgres::PgConnectOptions>().map_err(|_| {
                    bad(
                        "AMIGO_DATABASE_URL",
                        "not a valid PostgreSQL URL (postgres://user:password@host:port/database)",
                    )
                })?;
                u.to_owned()
            }
            Some(_) => {
                return Err(bad(
                    "AMIGO_DATABASE_URL",
                    "expected sqlite://path/to/file.db or postgres://user@host:port/database",
                ));
            }
        };
        let max_order_total = match self.max_order_total.as_deref().map(str::trim) {
            None | Some("") => DEFAULT_MAX_ORDER_TOTAL,
            Some(raw) => raw.parse::<i64>().ok().filter(|n| *n > 0).ok_or_else(|| {
                bad(
                    "AMIGO_MAX_ORDER_TOTAL",
                    format!("must be a positive whole number of Naira, got '{raw}'"),
                )
            })?,
        };
        let price_rule =
            amigo_types::pricing::PriceRule::parse(self.price_markup.as_deref().unwrap_or(""))
                .map_err(|e| bad("AMIGO_PRICE_MARKUP", e.to_string()))?;
        let public_url_given = self.public_url.is_some();
        let public_url = match self.public_url.as_deref().map(str::trim) {
            None | Some("") => format!("http://{}", loopback_for(listen)),
            Some(raw) => parse_origin(raw).map_err(|m| bad("AMIGO_PUBLIC_URL", m))?,
        };
        let timeout = positive_u32(
            &self.upstream_timeout_secs,
            "AMIGO_UPSTREAM_TIMEOUT_SECS",
            300,
        )?;
        let rates = RateQuotas {
            orders_per_ip: positive_u32(
                &self.order_rate_per_ip,
                "AMIGO_ORDER_RATE_PER_IP",
                1 << 20,
            )?,
            orders_per_phone: positive_u32(
                &self.order_rate_per_phone,
                "AMIGO_ORDER_RATE_PER_PHONE",
                1 << 20,
            )?,
            lookups_per_ip: positive_u32(
                &self.lookup_rate_per_ip,
                "AMIGO_LOOKUP_RATE_PER_IP",
                1 << 20,
            )?,
            catalog_per_ip: positive_u32(
                &self.catalog_rate_per_ip,
                "AMIGO_CATALOG_RATE_PER_IP",
                1 << 20,
            )?,
        };
        let data = DataSales {
            enabled: parse_flag(self.data_enabled.as_deref(), "AMIGO_DATA_ENABLED")?,
            daily_limit: i64::from(positive_u32(
                &self.data_daily_limit,
                "AMIGO_DATA_DAILY_LIMIT",
                100_000_000,
            )?),
            per_ip_per_minute: positive_u32(
                &self.data_rate_per_ip,
                "AMIGO_DATA_RATE_PER_IP",
                1 << 20,
            )?,
            per_phone_per_hour: positive_u32(
                &self.data_rate_per_phone,
                "AMIGO_DATA_RATE_PER_PHONE",
                1 << 20,
            )?,
        };
        let plans_url = self
            .plans_url
            .as_deref()
            .map(str::trim)
            .filter(|u| !u.is_empty())
            .map(plans_url)
            .transpose()?;
        let payment = order_payment(
            self.payment,
            self.allow_unpaid_orders,
            self.order_daily_limit.as_deref(),
        )?;
        let checkout = checkout_settings(
            CheckoutInputs {
                mode: self.payment,
                sandbox: self.sandbox,
                paystack_secret_key: self.paystack_secret_key.as_ref(),
                paystack_public_key: self.paystack_public_key.as_deref(),
                paystack_api_base: self.paystack_api_base.as_deref(),
                account_name: self.transfer_account_name.as_deref(),
                bank_name: self.transfer_bank_name.as_deref(),
                account_number: self.transfer_account_number.as_deref(),
                expiry_minutes: self.checkout_expiry_minutes.as_deref(),
            },
            &api_key,
        )?;
        let admin_password_hash = admin_password(
            self.admin_password
                .as_ref()
                .map(ExposeSecret::expose_secret),
            self.admin_password_hash
                .as_ref()
                .map(ExposeSecret::expose_secret),
        )?;
        let sandbox_rate_limit_per_minute = positive_u32(
            &self.sandbox_rate_limit_per_minute,
            "--sandbox-rate-limit-per-minute",
            u32::MAX,
        )?;
        let retries = self.upstream_retries.trim();
        let resilience = crate::upstream::Resilience {
            retries: retries
                .parse::<u32>()
                .ok()
                .filter(|n| *n <= 10)
                .ok_or_else(|| {
                    bad(
                        "AMIGO_UPSTREAM_RETRIES",
                        format!("must be a whole number from 0 to 10, got '{retries}'"),
                    )
                })?,
            retry_base: Duration::from_millis(u64::from(positive_u32(
                &self.upstream_retry_base_ms,
                "AMIGO_UPSTREAM_RETRY_BASE_MS",
                10_000,
            )?)),
            breaker_threshold: positive_u32(
                &self.breaker_threshold,
                "AMIGO_BREAKER_THRESHOLD",
                1000,
            )?,
            breaker_cooldown: Duration::from_secs(u64::from(positive_u32(
                &self.breaker_cooldown_secs,
                "AMIGO_BREAKER_COOLDOWN_SECS",
                3600,
            )?)),
        };
        let ipv6_client_prefix = self
            .ipv6_client_prefix
            .trim()
            .parse::<u8>()
            .ok()
            .filter(|n| (32..=128).contains(n))
            .ok_or_else(|| {
                bad(
                    "AMIGO_IPV6_CLIENT_PREFIX",
                    format!(
                        "must be a prefix length from 32 to 128, got '{}'",
                        self.ipv6_client_prefix
                    ),
                )
            })?;
        let body_timeout = Duration::from_secs(u64::from(positive_u32(
            &self.body_timeout_secs,
            "AMIGO_BODY_TIMEOUT_SECS",
            300,
        )?));
        let event_streams = crate::event_streams::EventStreamCaps {
            per_client: positive_u32(
                &self.event_streams_per_client,
                "AMIGO_EVENT_STREAMS_PER_CLIENT",
                1 << 16,
            )? as usize,
            total: positive_u32(&self.max_event_streams, "AMIGO_MAX_EVENT_STREAMS", 1 << 20)?
                as usize,
            lifetime: Duration::from_secs(u64::from(positive_u32(
                &self.event_stream_lifetime_secs,
                "AMIGO_EVENT_STREAM_LIFETIME_SECS",
                24 * 3600,
            )?)),
        };
        let lookup_lock = Duration::from_secs(u64::from(positive_u32(
            &self.lookup_lock_secs,
            "AMIGO_LOOKUP_LOCK_SECS",
            24 * 3600,
        )?));
        let retention = crate::store::retention::Retention {
            keep: Duration::from_secs(
                86_400
                    * u64::from(positive_u32(
                        &self.retention_days,
                        "AMIGO_RETENTION_DAYS",
                        3650,
                    )?),
            ),
            ..crate::store::retention::Retention::default()
        };
        let max_connections =
            positive_u32(&self.max_connections, "AMIGO_MAX_CONNECTIONS", 1 << 20)? as usize;
        let mut trusted_proxies = Vec::new();
        for part in self
            .trusted_proxies
            .as_deref()
            .unwrap_or("")
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            let ip: std::net::IpAddr = part.parse().map_err(|_| {
                bad(
                    "AMIGO_TRUSTED_PROXIES",
                    format!("'{part}' is not an IP address"),
                )
            })?;
            // `::ffff:10.0.0.1` is 10.0.0.1, as client addresses are compared
            trusted_proxies.push(ip.to_canonical());
        }
        if let Some(dir) = &self.widget_dir
            && !dir.join("index.html").is_file()
        {
            return Err(bad(
                "AMIGO_WIDGET_DIR",
                format!(
                    "{} has no index.html (build the widget with `scripts/build-widget.sh`)",
                    dir.display()
                ),
            ));
        }
        let mut config = ProxyConfig {
            api_base,
            api_key,
            webhook_secrets,
            allowed_origins,
            database_url: DatabaseUrl::from(database_url),
            max_order_total,
            price_rule,
            public_url,
            widget_dir: self.widget_dir,
            upstream_timeout: Duration::from_secs(u64::from(timeout)),
            rates,
            trusted_proxies,
            data,
            plans_url,
            payment,
            checkout,
            admin_password_hash,
            resilience,
            ipv6_client_prefix,
            request_timeout: DEFAULT_REQUEST_TIMEOUT,
            body_timeout,
            event_streams,
            lookup_lock,
            retention,
        };
        let patience = config.upstream_patience();
        config.request_timeout = match self.request_timeout_secs.as_deref().map(str::trim) {
            None | Some("") => DEFAULT_REQUEST_TIMEOUT.max(patience + Duration::from_secs(5)),
            Some(raw) => {
                let secs = positive_u32(raw, "AMIGO_REQUEST_TIMEOUT_SECS", 3600)?;
                let timeout = Duration::from_secs(u64::from(secs));
                // an order still waiting on Amigo must not be cut off: its answer would be lost
                if timeout <= patience {
                    return Err(bad(
                        "AMIGO_REQUEST_TIMEOUT_SECS",
                        format!(
                            "must be longer than an upstream call with its retries may take ({} s with AMIGO_UPSTREAM_TIMEOUT_SECS and AMIGO_UPSTREAM_RETRIES as set), got {secs}",
                            patience.as_secs_f64().ceil()
                        ),
                    ));
                }
                timeout
            }
        };
        Ok(Settings {
            listen,
            config,
            sandbox: self.sandbox,
            sandbox_info_file: self.sandbox_info_file,
            public_url_given,
            sandbox_rate_limit_per_minute,
            sandbox_quote_cors: !self.sandbox_no_quote_cors,
            max_connections,
        })
    }
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
fn admin_password(
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
    /// The bank.
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
struct CheckoutInputs<'a> {
    mode: PaymentMode,
    sandbox: bool,
    paystack_secret_key: Option<&'a SecretString>,
    paystack_public_key: Option<&'a str>,
    paystack_api_base: Option<&'a str>,
    account_name: Option<&'a str>,
    bank_name: Option<&'a str>,
    account_number: Option<&'a str>,
    expiry_minutes: Option<&'a str>,
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
fn checkout_settings(
    i: CheckoutInputs<'_>,
    amigo_token: &SecretString,
) -> Result<CheckoutSettings, ConfigError> {
    let default_minutes = if i.mode == PaymentMode::Transfer {
        2880
    } else {
        60
    };
    let minutes = match i.expiry_minutes.map(str::trim) {
        None | Some("") => default_minutes,
        Some(raw) => positive_u32(raw, "AMIGO_CHECKOUT_EXPIRY_MINUTES", 30 * 24 * 60)?,
    };
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
fn order_payment(
    mode: PaymentMode,
    allow_unpaid: bool,
    daily_limit: Option<&str>,
) -> Result<OrderPayment, ConfigError> {
    let daily_limit = match daily_limit.map(str::trim) {
        None | Some("") => None,
        Some(raw) => Some(i64::from(positive_u32(
            raw,
            "AMIGO_ORDER_DAILY_LIMIT",
            100_000_000,
        )?)),
    };
    Ok(OrderPayment {
        mode,
        allow_unpaid,
        daily_limit,
    })
}

/// An on/off setting: `true`/`1`/`yes`/`on` or `false`/`0`/`no`/`off` (any case); unset is off.
fn parse_flag(raw: Option<&str>, var: &'static str) -> Result<bool, ConfigError> {
    match raw.map(|r| r.trim().to_ascii_lowercase()).as_deref() {
        None | Some("") => Ok(false),
        Some("true" | "1" | "yes" | "on") => Ok(true),
        Some("false" | "0" | "no" | "off") => Ok(false),
        Some(other) => Err(bad(
            var,
            format!("must be true or false (also 1/0, yes/no, on/off), got '{other}'"),
        )),
    }
}

fn positive_u32(raw: &str, var: &'static str, max: u32) -> Result<u32, ConfigError> {
    raw.trim()
        .parse::<u32>()
        .ok()
        .filter(|n| (1..=max).contains(n))
        .ok_or_else(|| {
            bad(
                var,
                format!("must be a whole number from 1 to {max}, got '{raw}'"),
            )
        })
}

/// `AMIGO_PLANS_URL`: an absolute http(s) URL (a query is allowed: a PHP endpoint may want one).
fn plans_url(raw: &str) -> Result<String, ConfigError> {
    match reqwest::Url::parse(raw) {
        Ok(u) if matches!(u.scheme(), "http" | "https") && u.host_str().is_some() => {
            Ok(raw.to_owned())
        }
        _ => Err(bad(
            "AMIGO_PLANS_URL",
            format!("must be an http:// or https:// URL, got '{raw}'"),
        )),
    }
}

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

fn parse_origins(raw: Option<&str>) -> Result<Vec<String>, ConfigError> {
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

fn parse_secrets(raw: Option<&str>) -> Result<Vec<SecretString>, ConfigError> {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn cli(args: &[&str]) -> Result<Settings, ConfigError> {
        let mut all = vec!["amigo-proxy"];
        all.extend_from_slice(args);
        Cli::try_parse_from(all).unwrap().into_settings()
    }

    #[test]
    fn token_is_required_unless_sandbox() {
        assert_eq!(cli(&[]).unwrap_err().var, "AMIGO_API_KEY");
        assert_eq!(
            cli(&["--api-key", "nope"]).unwrap_err().var,
            "AMIGO_API_KEY"
        );
        assert!(cli(&["--sandbox"]).is_ok());
        let live = amigo_sandbox::random_live_token();
        let s = cli(&["--api-key", &live]).unwrap();
        assert_eq!(s.config.api_base, DEFAULT_API_BASE);
        assert_eq!(s.config.max_order_total, 500_000);
    }

    #[test]
    fn each_bad_setting_names_its_variable() {
        let key = ["--api-key", "amg_test_abcdefgh12"];
        for (flag, value, var) in [
            ("--api-base", "ftp://x", "AMIGO_API_BASE"),
            ("--api-base", "not a url", "AMIGO_API_BASE"),
            (
                "--allowed-origins",
                "https://a.com/path",
                "AMIGO_ALLOWED_ORIGINS",
            ),
            ("--allowed-origins", "*", "AMIGO_ALLOWED_ORIGINS"),
            ("--max-order-total", "lots", "AMIGO_MAX_ORDER_TOTAL"),
            ("--max-order-total", "-5", "AMIGO_MAX_ORDER_TOTAL"),
            ("--database-url", "mysql://x", "AMIGO_DATABASE_URL"),
            (
                "--database-url",
                "postgres://h:notaport/db",
                "AMIGO_DATABASE_URL",
            ),
            ("--webhook-secrets", "short", "AMIGO_WEBHOOK_SECRETS"),
            ("--listen", "localhost", "AMIGO_PROXY_LISTEN"),
            (
                "--upstream-timeout-secs",
                "0",
                "AMIGO_UPSTREAM_TIMEOUT_SECS",
            ),
            ("--data-enabled", "maybe", "AMIGO_DATA_ENABLED"),
            ("--data-daily-limit", "0", "AMIGO_DATA_DAILY_LIMIT"),
            ("--data-daily-limit", "₦5000", "AMIGO_DATA_DAILY_LIMIT"),
            ("--data-rate-per-ip", "-1", "AMIGO_DATA_RATE_PER_IP"),
            ("--data-rate-per-phone", "x", "AMIGO_DATA_RATE_PER_PHONE"),
            ("--admin-password", "short", "AMIGO_ADMIN_PASSWORD"),
            (
                "--admin-password-hash",
                "plain-text",
                "AMIGO_ADMIN_PASSWORD_HASH",
            ),
            (
                "--admin-password-hash",
                "$pbkdf2-sha256$i=1000$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA",
                "AMIGO_ADMIN_PASSWORD_HASH",
            ),
            // argon2id at the `argon2` tool's defaults (4 MiB, 3 passes): too cheap to guess
            (
                "--admin-password-hash",
                "$argon2id$v=19$m=4096,t=3,p=1$c29tZXNhbHRzb21lc2FsdA$JfVx0GbhNhN7TyWGI7uYdLOw2hmBzZJ0AV0hO7yTjWM",
                "AMIGO_ADMIN_PASSWORD_HASH",
            ),
            ("--upstream-retries", "11", "AMIGO_UPSTREAM_RETRIES"),
            ("--upstream-retries", "-1", "AMIGO_UPSTREAM_RETRIES"),
            (
                "--upstream-retry-base-ms",
                "0",
                "AMIGO_UPSTREAM_RETRY_BASE_MS",
            ),
            ("--breaker-threshold", "0", "AMIGO_BREAKER_THRESHOLD"),
            ("--breaker-threshold", "x", "AMIGO_BREAKER_THRESHOLD"),
            (
                "--breaker-cooldown-secs",
                "3601",
                "AMIGO_BREAKER_COOLDOWN_SECS",
            ),
            ("--ipv6-client-prefix", "16", "AMIGO_IPV6_CLIENT_PREFIX"),
            ("--ipv6-client-prefix", "129", "AMIGO_IPV6_CLIENT_PREFIX"),
            ("--ipv6-client-prefix", "/64", "AMIGO_IPV6_CLIENT_PREFIX"),
            ("--request-timeout-secs", "0", "AMIGO_REQUEST_TIMEOUT_SECS"),
            ("--request-timeout-secs", "20", "AMIGO_REQUEST_TIMEOUT_SECS"),
            ("--body-timeout-secs", "0", "AMIGO_BODY_TIMEOUT_SECS"),
            ("--body-timeout-secs", "ten", "AMIGO_BODY_TIMEOUT_SECS"),
            ("--max-connections", "0", "AMIGO_MAX_CONNECTIONS"),
            ("--max-connections", "-3", "AMIGO_MAX_CONNECTIONS"),
        ] {
            let arg = format!("{flag}={value}");
            let err = cli(&[key[0], key[1], &arg]).unwrap_err();
            assert_eq!(err.var, var, "{flag} {value}");
            assert!(!err.to_string().contains('\n'));
        }
    }

    #[test]
    fn resilience_defaults_and_overrides() {
        let key = ["--api-key", "amg_test_abcdefgh12"];
        let d = cli(&[key[0], key[1]]).unwrap().config.resilience;
        assert_eq!(d, crate::upstream::Resilience::default());
        let s = cli(&[
            key[0],
            key[1],
            "--upstream-retries=0",
            "--upstream-retry-base-ms=20",
            "--breaker-threshold=3",
            "--breaker-cooldown-secs=2",
        ])
        .unwrap()
        .config
        .resilience;
        assert_eq!(s.retries, 0);
        assert_eq!(s.retry_base, Duration::from_millis(20));
        assert_eq!(s.breaker_threshold, 3);
        assert_eq!(s.breaker_cooldown, Duration::from_secs(2));
    }

    #[test]
    fn abuse_settings_defaults_and_overrides() {
        let key = ["--api-key", "amg_test_abcdefgh12"];
        let d = cli(&[key[0], key[1]]).unwrap();
        assert_eq!(d.config.ipv6_client_prefix, 64);
        assert_eq!(d.config.body_timeout, Duration::from_secs(10));
        assert_eq!(d.max_connections, 1024);
        // 60 s, which is longer than an upstream call with its retries by default
        assert_eq!(d.config.request_timeout, Duration::from_secs(60));
        assert!(d.config.request_timeout > d.config.upstream_patience());
        // a longer upstream timeout stretches the default with it
        let slow = cli(&[key[0], key[1], "--upstream-timeout-secs=60"]).unwrap();
        assert!(slow.config.request_timeout > slow.config.upstream_patience());
        let s = cli(&[
            key[0],
            key[1],
            "--ipv6-client-prefix=56",
            "--request-timeout-secs=90",
            "--body-timeout-secs=3",
            "--max-connections=10",
            "--trusted-proxies=::ffff:10.0.0.1",
        ])
        .unwrap();
        assert_eq!(s.config.ipv6_client_prefix, 56);
        assert_eq!(s.config.request_timeout, Duration::from_secs(90));
        assert_eq!(s.config.body_timeout, Duration::from_secs(3));
        assert_eq!(s.max_connections, 10);
        assert_eq!(
            s.config.trusted_proxies,
            vec!["10.0.0.1".parse::<std::net::IpAddr>().unwrap()]
        );
    }

    #[test]
    fn browser_origins_are_exact_or_nothing() {
        for (raw, want) in [
            ("https://shop.example.com", Some("https://shop.example.com")),
            ("HTTPS://Shop.Example.COM", Some("https://shop.example.com")),
            (
                "https://shop.example.com:443",
                Some("https://shop.example.com"),
            ),
            ("http://localhost:3000", Some("http://localhost:3000")),
            ("https://shop.example.com/", None),
            ("https://shop.example.com////", None),
            ("https://shop.example.com/path", None),
            ("https://u:p@shop.example.com", None),
            ("https://shop.example.com?x=1", None),
            ("https://shop.example.com#x", None),
            (" https://shop.example.com", None),
            ("null", None),
            ("ftp://shop.example.com", None),
        ] {
            assert_eq!(canonical_origin(raw).as_deref(), want, "{raw}");
        }
    }

    #[test]
    fn database_url_passwords_are_hidden() {
        for (raw, shown) in [
            ("postgres://u:pw@h/db", "postgres://u:***@h/db"),
            ("postgres://u@h:5433/db", "postgres://u@h:5433/db"),
            (
                "postgres://u@h/db?sslmode=require&password=pw",
                "postgres://u@h/db?sslmode=require&password=***",
            ),
            ("sqlite://amigo-proxy.db", "sqlite://amigo-proxy.db"),
            ("not a url with pw@host", "***"),
        ] {
            let url = DatabaseUrl::from(raw);
            assert_eq!(url.to_string(), shown, "{raw}");
            assert!(format!("{url:?}").contains(shown));
            assert_eq!(url.as_str(), raw);
        }
    }

    #[test]
    fn origins_are_normalised_and_secrets_split() {
        let s = cli(&[
            "--sandbox",
            "--allowed-origins",
            "https://Shop.Example.com/, http://localhost:3000",
            "--webhook-secrets",
            "0123456789abcdef0123, fedcba9876543210fedc",
        ])
        .unwrap();
        assert_eq!(
            s.config.allowed_origins,
            vec!["https://shop.example.com", "http://localhost:3000"]
        );
        assert_eq!(s.config.webhook_secrets.len(), 2);
    }

    #[test]
    fn data_sales_are_off_unless_enabled() {
        let off = cli(&["--sandbox"]).unwrap().config.data;
        assert_eq!(off, DataSales::default());
        assert!(!off.enabled);
        for yes in ["true", "1", "YES", " on "] {
            let s = cli(&["--sandbox", "--data-enabled", yes]).unwrap();
            assert!(s.config.data.enabled, "{yes}");
        }
        let s = cli(&[
            "--sandbox",
            "--data-enabled=no",
            "--data-daily-limit=20000",
            "--data-rate-per-phone=2",
        ])
        .unwrap();
        assert!(!s.config.data.enabled);
        assert_eq!(s.config.data.daily_limit, 20_000);
        assert_eq!(s.config.data.per_phone_per_hour, 2);
    }

    /// A Paystack-shaped key made for this run (`prefix` and 32 random hex digits), so no
    /// key-looking secret is written into the source.
    fn minted(prefix: &str) -> String {
        format!("{prefix}{:032x}", rand::random::<u128>())
    }

    #[test]
    fn paystack_and_transfer_need_their_settings_checked_on_one_line() {
        let key = "--api-key=amg_test_abcdefgh12";
        let sk = format!("--paystack-secret-key={}", minted("sk_test_"));
        let pk = format!("--paystack-public-key={}", minted("pk_test_"));
        let err = cli(&[key, "--payment=paystack"]).unwrap_err();
        assert_eq!(err.var, "AMIGO_PAYSTACK_SECRET_KEY");
        assert!(!err.to_string().contains('\n'));
        let err = cli(&[key, "--payment=paystack", &sk]).unwrap_err();
        assert_eq!(err.var, "AMIGO_PAYSTACK_PUBLIC_KEY");
        let err = cli(&[
            key,
            "--payment=paystack",
            "--paystack-secret-key=sk_nope",
            &pk,
        ])
        .unwrap_err();
        assert_eq!(err.var, "AMIGO_PAYSTACK_SECRET_KEY");
        assert!(
            !err.to_string().contains("sk_nope"),
            "a secret is never echoed: {err}"
        );
        let live_pk = format!("--paystack-public-key={}", minted("pk_live_"));
        let err = cli(&[key, "--payment=paystack", &sk, &live_pk]).unwrap_err();
        assert!(err.message.contains("mode"), "{err}");
        // a live Amigo token with a Paystack test key: shoppers would pay nothing
        let live = format!("--api-key={}", amigo_sandbox::random_live_token());
        let err = cli(&[&live, "--payment=paystack", &sk, &pk]).unwrap_err();
        assert!(err.message.contains("test key"), "{err}");
        let s = cli(&[key, "--payment=paystack", &sk, &pk]).unwrap();
        let ps = s.config.checkout.paystack.unwrap();
        assert_eq!(ps.api_base, DEFAULT_PAYSTACK_API_BASE);
        assert_eq!(s.config.checkout.expiry, Duration::from_secs(3600));
        // --sandbox starts an emulator: no keys needed
        assert!(
            cli(&["--sandbox", "--payment=paystack"])
                .unwrap()
                .config
                .checkout
                .paystack
                .is_none()
        );

        let err = cli(&[key, "--payment=transfer"]).unwrap_err();
        assert_eq!(err.var, "AMIGO_TRANSFER_ACCOUNT_NAME");
        let account = [
            "--transfer-account-name=Bello Gadgets",
            "--transfer-bank-name=Zenith Bank",
        ];
        for bad in ["123", "12345678901", "10123456a8"] {
            let n = format!("--transfer-account-number={bad}");
            let err = cli(&[key, "--payment=transfer", account[0], account[1], &n]).unwrap_err();
            assert_eq!(err.var, "AMIGO_TRANSFER_ACCOUNT_NUMBER", "{bad}");
        }
        let s = cli(&[
            key,
            "--payment=transfer",
            account[0],
            account[1],
            "--transfer-account-number=1012345678",
        ])
        .unwrap();
        assert_eq!(
            s.config.checkout.transfer.unwrap().account_number,
            "1012345678"
        );
        assert_eq!(s.config.checkout.expiry, Duration::from_secs(48 * 3600));
        let s = cli(&[
            "--sandbox",
            "--payment=transfer",
            "--checkout-expiry-minutes=5",
        ])
        .unwrap();
        assert!(s.config.checkout.transfer.is_some());
        assert_eq!(s.config.checkout.expiry, Duration::from_secs(300));
        let err = cli(&[key, "--checkout-expiry-minutes=0"]).unwrap_err();
        assert_eq!(err.var, "AMIGO_CHECKOUT_EXPIRY_MINUTES");

        // an unknown mode is clap's typed refusal
        assert!(Cli::try_parse_from(["amigo-proxy", key, "--payment=cash"]).is_err());
        let s = cli(&[key]).unwrap();
        assert_eq!(s.config.payment, OrderPayment::default());
        assert_eq!(s.config.payment.mode, PaymentMode::None);
        for bad_budget in ["0", "-1", "lots", "₦5000", "100000001"] {
            let err = cli(&[key, &format!("--order-daily-limit={bad_budget}")]).unwrap_err();
            assert_eq!(err.var, "AMIGO_ORDER_DAILY_LIMIT", "{bad_budget}");
        }
        let s = cli(&[key, "--allow-unpaid-orders", "--order-daily-limit=20000"]).unwrap();
        assert_eq!(
            s.config.payment,
            OrderPayment {
                mode: PaymentMode::None,
                allow_unpaid: true,
                daily_limit: Some(20_000),
            }
        );
        let s = cli(&[key, "--allow-unpaid-orders=false"]).unwrap();
        assert!(!s.config.payment.allow_unpaid);
    }

    #[test]
    fn unpaid_orders_need_consent_and_a_budget_unless_the_token_is_a_test_token() {
        use amigo_types::token::Mode;
        let p = |allow_unpaid, daily_limit| OrderPayment {
            mode: PaymentMode::None,
            allow_unpaid,
            daily_limit,
        };
        let open = |daily_limit| UnpaidOrders::Open { daily_limit };
        // a test token: always on, capped when a budget is given
        assert_eq!(p(false, None).unpaid_orders(Some(Mode::Test)), open(None));
        assert_eq!(
            p(false, Some(9)).unpaid_orders(Some(Mode::Test)),
            open(Some(9))
        );
        // a live token, or one not known to be a test token: both settings or off
        for token in [Some(Mode::Live), None] {
            assert_eq!(p(true, Some(9)).unpaid_orders(token), open(Some(9)));
            for (allow, limit) in [(false, None), (true, None), (false, Some(9))] {
                assert!(
                    matches!(
                        p(allow, limit).unpaid_orders(token),
                        UnpaidOrders::Off { .. }
                    ),
                    "{token:?} {allow} {limit:?}"
                );
            }
        }
    }

    #[test]
    fn the_console_password_is_kept_only_as_an_argon2_hash() {
        use argon2::PasswordVerifier;
        use argon2::password_hash::PasswordHash;
        use secrecy::ExposeSecret;
        assert!(
            cli(&["--sandbox"])
                .unwrap()
                .config
                .admin_password_hash
                .is_none()
        );
        let s = cli(&["--sandbox", "--admin-password", "correct horse battery"]).unwrap();
        let hash = s.config.admin_password_hash.unwrap();
        let hash = hash.expose_secret();
        assert!(hash.starts_with("$argon2id$"), "{hash}");
        assert!(!hash.contains("correct horse"));
        let parsed = PasswordHash::new(hash).unwrap();
        assert!(
            argon2::Argon2::default()
                .verify_password(b"correct horse battery", &parsed)
                .is_ok()
        );
        // a given hash is taken as is
        let again = cli(&["--sandbox", "--admin-password-hash", hash]).unwrap();
        assert_eq!(
            again.config.admin_password_hash.unwrap().expose_secret(),
            hash
        );
        let both = cli(&[
            "--sandbox",
            "--admin-password",
            "correct horse battery",
            "--admin-password-hash",
            hash,
        ]);
        assert_eq!(both.unwrap_err().var, "AMIGO_ADMIN_PASSWORD");
    }
}
