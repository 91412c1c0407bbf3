//! The command line and environment: [`Cli`], which clap fills with typed, checked values, and
//! [`Cli::into_settings`], which checks what depends on more than one value and assembles the
//! validated [`Settings`] (defined, with everything they hold, in [`crate::config`]).
//!
//! A value a parser here refuses stops startup with one line that names its environment
//! variable (`AMIGO_UPSTREAM_TIMEOUT_SECS: must be …`), never a clap usage dump: [`Cli::read_from`]
//! turns clap's value error into a [`ConfigError`], as `doctor` reports it.

use std::borrow::Cow;
use std::ffi::OsString;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use amigo_types::pricing::PriceRule;
use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::{CommandFactory, FromArgMatches, Parser};
use secrecy::{ExposeSecret, SecretString};

use crate::config::{
    CheckoutInputs, ConfigError, DEFAULT_API_BASE, DEFAULT_DATABASE_URL, DEFAULT_MAX_ORDER_TOTAL,
    DEFAULT_REQUEST_TIMEOUT, DEFAULT_SANDBOX_DATABASE_URL, DataSales, DatabaseUrl, OrderPayment,
    PaymentMode, ProxyConfig, RateQuotas, Settings, admin_password, bad, checkout_settings,
    loopback_for, parse_base_url, parse_origin, parse_origins, parse_secrets,
};
use crate::golive::cli::Command;

/// Most requests per minute (or per hour) a rate setting accepts.
const PER_MINUTE_MAX: u32 = 1 << 20;
/// Most Naira a daily budget setting accepts.
const NAIRA_PER_DAY_MAX: u32 = 100_000_000;

/// `amigo-proxy`: the merchant's backend companion that holds the secret Amigo token.
#[derive(Debug, Clone, Parser)]
#[command(name = "amigo-proxy", version, about)]
pub struct Cli {
    /// Address to listen on (`127.0.0.1:0` picks a free port and prints it).
    #[arg(long, env = "AMIGO_PROXY_LISTEN", default_value = "127.0.0.1:8080", value_parser = listen_addr)]
    pub listen: SocketAddr,
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
    #[arg(long, env = "AMIGO_API_BASE", default_value = DEFAULT_API_BASE, value_parser = api_base)]
    pub api_base: String,
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
    #[arg(long, env = "AMIGO_MAX_ORDER_TOTAL", default_value_t = DEFAULT_MAX_ORDER_TOTAL, value_parser = naira_total)]
    pub max_order_total: i64,
    /// The merchant's retail price rule on top of Amigo's prices: `15%`, `15%+200`, `+500`,
    /// `15%+200 round 50`; default none (shoppers see Amigo's prices).
    #[arg(long, env = "AMIGO_PRICE_MARKUP", value_parser = price_rule)]
    pub price_markup: Option<PriceRule>,
    /// The proxy's public URL (for the demo page); default `http://` + the listen address.
    #[arg(long, env = "AMIGO_PUBLIC_URL", value_parser = public_url)]
    pub public_url: Option<String>,
    /// Reverse proxies (IP addresses, comma-separated) whose `X-Forwarded-For` is believed
    /// when working out a client's IP for rate limits.
    #[arg(long, env = "AMIGO_TRUSTED_PROXIES")]
    pub trusted_proxies: Option<String>,
    /// Serve the widget build from this folder instead of the assets embedded at compile time.
    #[arg(long, env = "AMIGO_WIDGET_DIR")]
    pub widget_dir: Option<PathBuf>,
    /// Timeout of every upstream call, in seconds.
    #[arg(long, env = "AMIGO_UPSTREAM_TIMEOUT_SECS", default_value = "10", value_parser = whole::<300>)]
    pub upstream_timeout_secs: u32,
    /// Orders a client IP may place per minute.
    #[arg(long, env = "AMIGO_ORDER_RATE_PER_IP", default_value = "20", value_parser = whole::<PER_MINUTE_MAX>)]
    pub order_rate_per_ip: u32,
    /// New orders (and checkouts) one customer phone may start per minute; a retry under a known
    /// Idempotency-Key is not a new one.
    #[arg(long, env = "AMIGO_ORDER_RATE_PER_PHONE", default_value = "5", value_parser = whole::<PER_MINUTE_MAX>)]
    pub order_rate_per_phone: u32,
    /// Order-tracking lookups a client IP may make per minute.
    #[arg(long, env = "AMIGO_LOOKUP_RATE_PER_IP", default_value = "120", value_parser = whole::<PER_MINUTE_MAX>)]
    pub lookup_rate_per_ip: u32,
    /// Catalog reads a client IP may send on to Amigo per minute (answers from the cache are
    /// free): every uncached read spends the merchant's Amigo rate limit.
    #[arg(long, env = "AMIGO_CATALOG_RATE_PER_IP", default_value = "60", value_parser = whole::<PER_MINUTE_MAX>)]
    pub catalog_rate_per_ip: u32,
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
    #[arg(long, env = "AMIGO_DATA_ENABLED", value_parser = on_off)]
    pub data_enabled: Option<bool>,
    /// Most Naira of data sold per Lagos calendar day, counting purchases in flight.
    #[arg(long, env = "AMIGO_DATA_DAILY_LIMIT", default_value = "50000", value_parser = whole::<NAIRA_PER_DAY_MAX>)]
    pub data_daily_limit: u32,
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
    #[arg(long, env = "AMIGO_CHECKOUT_EXPIRY_MINUTES", value_parser = whole_or_blank::<{ 30 * 24 * 60 }>)]
    pub checkout_expiry_minutes: Option<Blankable<u32>>,
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
    #[arg(long, env = "AMIGO_ORDER_DAILY_LIMIT", value_parser = whole_or_blank::<NAIRA_PER_DAY_MAX>)]
    pub order_daily_limit: Option<Blankable<u32>>,
    /// Where the data-plan catalog lives, when not at `{api base}/plans_catalog.php` or the
    /// host root's `/plans_catalog.php` (the docs name the file, not its folder).
    #[arg(long, env = "AMIGO_PLANS_URL", value_parser = plans_url)]
    pub plans_url: Option<String>,
    /// Data purchases per client IP per minute.
    #[arg(long, env = "AMIGO_DATA_RATE_PER_IP", default_value = "10", value_parser = whole::<PER_MINUTE_MAX>)]
    pub data_rate_per_ip: u32,
    /// Data purchases per phone number per hour.
    #[arg(long, env = "AMIGO_DATA_RATE_PER_PHONE", default_value = "5", value_parser = whole::<PER_MINUTE_MAX>)]
    pub data_rate_per_phone: u32,
    /// Extra attempts of an upstream call that is safe to repeat (reads; orders under their
    /// Idempotency-Key), after a transport error, a timeout or a 5xx. 0 turns retries off.
    #[arg(long, env = "AMIGO_UPSTREAM_RETRIES", default_value = "2", value_parser = retries)]
    pub upstream_retries: u32,
    /// First retry backoff in milliseconds; doubles each time, with jitter, up to 16×.
    #[arg(long, env = "AMIGO_UPSTREAM_RETRY_BASE_MS", default_value = "100", value_parser = whole::<10_000>)]
    pub upstream_retry_base_ms: u32,
    /// Consecutive failed upstream calls that open the circuit breaker.
    #[arg(long, env = "AMIGO_BREAKER_THRESHOLD", default_value = "5", value_parser = whole::<1000>)]
    pub breaker_threshold: u32,
    /// Seconds an open circuit breaker answers `503 upstream_unavailable` before one probe.
    #[arg(long, env = "AMIGO_BREAKER_COOLDOWN_SECS", default_value = "10", value_parser = whole::<3600>)]
    pub breaker_cooldown_secs: u32,
    /// IPv6 clients are rate-limited by this many leading bits of their address (32–128): one
    /// subscriber usually holds a whole /64.
    #[arg(long, env = "AMIGO_IPV6_CLIENT_PREFIX", default_value = "64", value_parser = ipv6_prefix)]
    pub ipv6_client_prefix: u8,
    /// Seconds a request may take until its answer starts (event streams then run on); default
    /// 60, or longer when an upstream call with its retries may take longer.
    #[arg(long, env = "AMIGO_REQUEST_TIMEOUT_SECS", value_parser = whole_or_blank::<3600>)]
    pub request_timeout_secs: Option<Blankable<u32>>,
    /// Seconds a client may pause while sending a request body.
    #[arg(long, env = "AMIGO_BODY_TIMEOUT_SECS", default_value = "10", value_parser = whole::<300>)]
    pub body_timeout_secs: u32,
    /// Order event streams one client may hold open at once (then `429`).
    #[arg(long, env = "AMIGO_EVENT_STREAMS_PER_CLIENT", default_value = "8", value_parser = whole::<{ 1 << 16 }>)]
    pub event_streams_per_client: u32,
    /// Order event streams open at once on this instance, all clients together (then `503`).
    #[arg(long, env = "AMIGO_MAX_EVENT_STREAMS", default_value = "1000", value_parser = whole::<{ 1 << 20 }>)]
    pub max_event_streams: u32,
    /// Seconds an order event stream lasts before the proxy ends it (the browser reconnects).
    #[arg(long, env = "AMIGO_EVENT_STREAM_LIFETIME_SECS", default_value = "1800", value_parser = whole::<{ 24 * 3600 }>)]
    pub event_stream_lifetime_secs: u32,
    /// Seconds a reference's phone-proof lookups stay locked after 5 wrong phones (the failures
    /// count within the same window).
    #[arg(long, env = "AMIGO_LOOKUP_LOCK_SECS", default_value = "600", value_parser = whole::<{ 24 * 3600 }>)]
    pub lookup_lock_secs: u32,
    /// Days the log tables (webhook deliveries and rejections, data purchases) keep a row,
    /// so a flood of requests cannot grow the database for ever.
    #[arg(long, env = "AMIGO_RETENTION_DAYS", default_value = "90", value_parser = whole::<3650>)]
    pub retention_days: u32,
    /// Most connections served at once; further clients wait to be accepted.
    #[arg(long, env = "AMIGO_MAX_CONNECTIONS", default_value = "1024", value_parser = whole::<{ 1 << 20 }>)]
    pub max_connections: u32,
    /// With --sandbox: the embedded sandbox's per-token requests per minute.
    #[arg(long, default_value = "600", requires = "sandbox", value_parser = whole::<{ u32::MAX }>)]
    pub sandbox_rate_limit_per_minute: u32,
    /// With --sandbox: the embedded sandbox answers delivery quotes without CORS headers, as
    /// the live platform may (its docs promise browser use only for locations), so the
    /// widget's fallback to the proxy's quote route can be seen and tested.
    #[arg(long, requires = "sandbox")]
    pub sandbox_no_quote_cors: bool,
    /// A going-live command (`webhooks …`, `doctor`) to run instead of serving; settings go
    /// before it (`amigo-proxy --sandbox doctor`).
    #[command(subcommand)]
    pub command: Option<Command>,
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

/// A whole number from 1 to `MAX` (rates, timeouts, budgets).
fn whole<const MAX: u32>(raw: &str) -> Result<u32, String> {
    raw.trim()
        .parse::<u32>()
        .ok()
        .filter(|n| (1..=MAX).contains(n))
        .ok_or_else(|| format!("must be a whole number from 1 to {MAX}, got '{raw}'"))
}

/// An optional setting's value: `None` when it is set but empty (`AMIGO_X=` in an env file),
/// which means the same as not set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Blankable<T>(pub Option<T>);

/// `None` for an unset or blank optional setting, else its value.
fn given<T>(value: Option<Blankable<T>>) -> Option<T> {
    value.and_then(|v| v.0)
}

/// Blank, or a whole number from 1 to `MAX`.
fn whole_or_blank<const MAX: u32>(raw: &str) -> Result<Blankable<u32>, String> {
    if raw.trim().is_empty() {
        return Ok(Blankable(None));
    }
    whole::<MAX>(raw).map(|n| Blankable(Some(n)))
}

/// `AMIGO_UPSTREAM_RETRIES`: 0 (off) to 10.
fn retries(raw: &str) -> Result<u32, String> {
    let raw = raw.trim();
    raw.parse::<u32>()
        .ok()
        .filter(|n| *n <= 10)
        .ok_or_else(|| format!("must be a whole number from 0 to 10, got '{raw}'"))
}

/// `AMIGO_IPV6_CLIENT_PREFIX`: a prefix length from 32 to 128.
fn ipv6_prefix(raw: &str) -> Result<u8, String> {
    raw.trim()
        .parse::<u8>()
        .ok()
        .filter(|n| (32..=128).contains(n))
        .ok_or_else(|| format!("must be a prefix length from 32 to 128, got '{raw}'"))
}

/// `AMIGO_PROXY_LISTEN`: a socket address.
fn listen_addr(raw: &str) -> Result<SocketAddr, String> {
    raw.trim()
        .parse()
        .map_err(|_| format!("'{raw}' is not an address such as 127.0.0.1:8080"))
}

/// `AMIGO_API_BASE`: an http(s) base URL without a trailing slash; empty means the default.
fn api_base(raw: &str) -> Result<String, String> {
    match raw.trim() {
        "" => Ok(DEFAULT_API_BASE.to_owned()),
        raw => parse_base_url(raw),
    }
}

/// `AMIGO_MAX_ORDER_TOTAL`: positive Naira; empty means the default.
fn naira_total(raw: &str) -> Result<i64, String> {
    match raw.trim() {
        "" => Ok(DEFAULT_MAX_ORDER_TOTAL),
        raw => raw
            .parse::<i64>()
            .ok()
            .filter(|n| *n > 0)
            .ok_or_else(|| format!("must be a positive whole number of Naira, got '{raw}'")),
    }
}

/// `AMIGO_PRICE_MARKUP`: the merchant's retail price rule.
fn price_rule(raw: &str) -> Result<PriceRule, String> {
    PriceRule::parse(raw).map_err(|e| e.to_string())
}

/// `AMIGO_PUBLIC_URL`: an origin, normalised; empty means "follow the listen address".
fn public_url(raw: &str) -> Result<String, String> {
    match raw.trim() {
        "" => Ok(String::new()),
        raw => parse_origin(raw),
    }
}

/// `AMIGO_PLANS_URL`: an absolute http(s) URL (a query is allowed: a PHP endpoint may want
/// one); empty means "probe the documented places".
fn plans_url(raw: &str) -> Result<String, String> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(String::new());
    }
    match reqwest::Url::parse(raw) {
        Ok(u) if matches!(u.scheme(), "http" | "https") && u.host_str().is_some() => {
            Ok(raw.to_owned())
        }
        _ => Err(format!("must be an http:// or https:// URL, got '{raw}'")),
    }
}

/// An on/off setting: `true`/`1`/`yes`/`on` or `false`/`0`/`no`/`off` (any case); empty is off.
fn on_off(raw: &str) -> Result<bool, String> {
    match raw.trim().to_ascii_lowercase().as_str() {
        "" | "false" | "0" | "no" | "off" => Ok(false),
        "true" | "1" | "yes" | "on" => Ok(true),
        other => Err(format!(
            "must be true or false (also 1/0, yes/no, on/off), got '{other}'"
        )),
    }
}

/// Why the command line could not be read.
#[derive(Debug)]
pub enum CliError {
    /// A setting's value was refused: the one line naming its variable.
    Setting(ConfigError),
    /// Anything else clap stops at (an unknown flag, `--help`, `--version`): print and exit
    /// with [`clap::Error::exit`].
    Usage(clap::Error),
}

impl Cli {
    /// Parses `args` (the program name first), turning a refused value into the
    /// [`ConfigError`] that names its environment variable (or its flag, for flag-only
    /// settings).
    pub fn read_from<I, T>(args: I) -> Result<Self, CliError>
    where
        I: IntoIterator<Item = T>,
        T: Into<OsString> + Clone,
    {
        Self::try_parse_from(args).map_err(|e| match setting_error(&e) {
            Some(setting) => CliError::Setting(setting),
            None => CliError::Usage(e),
        })
    }
}

/// The [`ConfigError`] for clap's "invalid value" error, naming the argument's variable.
fn setting_error(e: &clap::Error) -> Option<ConfigError> {
    if e.kind() != ErrorKind::ValueValidation {
        return None;
    }
    let Some(ContextValue::String(arg)) = e.get(ContextKind::InvalidArg) else {
        return None;
    };
    // `--max-order-total <MAX_ORDER_TOTAL>`
    let long = arg.split_whitespace().next()?.trim_start_matches('-');
    let command = Cli::command();
    let found = command
        .get_arguments()
        .find(|a| a.get_long() == Some(long))?;
    let var = match found.get_env().and_then(|v| v.to_str()) {
        Some(env) => Cow::Owned(env.to_owned()),
        None => Cow::Owned(format!("--{long}")),
    };
    let message = std::error::Error::source(e)?.to_string();
    Some(ConfigError { var, message })
}

/// What the process's command line asks for: the going-live command, if any, and the
/// settings, or the one setting that is wrong (with the command still known, so `doctor` can
/// report it). Usage mistakes, `--help` and `--version` print and exit as clap does.
pub fn from_env() -> (Option<Command>, Result<Settings, ConfigError>) {
    let args: Vec<OsString> = std::env::args_os().collect();
    match Cli::read_from(&args) {
        Ok(mut cli) => {
            let command = cli.command.take();
            (command, cli.into_settings())
        }
        Err(CliError::Setting(e)) => (command_despite_bad_values(&args), Err(e)),
        Err(CliError::Usage(e)) => e.exit(),
    }
}

/// The subcommand of a command line whose settings have a bad value.
fn command_despite_bad_values(args: &[OsString]) -> Option<Command> {
    let matches = Cli::command()
        .ignore_errors(true)
        .try_get_matches_from(args)
        .ok()?;
    Command::from_arg_matches(&matches).ok()
}

impl Cli {
    /// Checks what depends on more than one setting (the token against `--sandbox`, payment
    /// against its keys, the request timeout against upstream patience), the lists and the
    /// secrets, and assembles the [`Settings`]. Single values were typed and checked by clap.
    pub fn into_settings(self) -> Result<Settings, ConfigError> {
        let listen = self.listen;
        if self.sandbox && !crate::sandbox::BUILT_WITH_SANDBOX {
            return Err(bad("--sandbox", crate::sandbox::NOT_BUILT));
        }
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
        let api_base = self.api_base;
        let webhook_secrets = parse_secrets(
            self.webhook_secrets
                .as_ref()
                .map(ExposeSecret::expose_secret),
        )?;
        let allowed_origins = parse_origins(self.allowed_origins.as_deref())?;
        let database_url = match self.database_url.as_ref().map(|u| u.as_str().trim()) {
            None | Some("") if self.sandbox => DEFAULT_SANDBOX_DATABASE_URL.to_owned(),
            None | Some("") => DEFAULT_DATABASE_URL.to_owned(),
            Some(u) if u.starts_with("sqlite:") => {
                crate::store::sqlite_file(u).map_err(|e| bad("AMIGO_DATABASE_URL", e))?;
                u.to_owned()
            }
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
        let price_rule = self.price_markup.unwrap_or_else(PriceRule::none);
        let public_url_given = self.public_url.is_some();
        let public_url = match self.public_url {
            Some(url) if !url.is_empty() => url,
            _ => format!("http://{}", loopback_for(listen)),
        };
        let rates = RateQuotas {
            orders_per_ip: self.order_rate_per_ip,
            orders_per_phone: self.order_rate_per_phone,
            lookups_per_ip: self.lookup_rate_per_ip,
            catalog_per_ip: self.catalog_rate_per_ip,
        };
        let data = DataSales {
            enabled: self.data_enabled.unwrap_or(false),
            daily_limit: i64::from(self.data_daily_limit),
            per_ip_per_minute: self.data_rate_per_ip,
            per_phone_per_hour: self.data_rate_per_phone,
        };
        let plans_url = self.plans_url.filter(|u| !u.is_empty());
        let payment = OrderPayment {
            mode: self.payment,
            allow_unpaid: self.allow_unpaid_orders,
            daily_limit: given(self.order_daily_limit).map(i64::from),
        };
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
                expiry_minutes: given(self.checkout_expiry_minutes),
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
        let resilience = crate::upstream::Resilience {
            retries: self.upstream_retries,
            retry_base: Duration::from_millis(u64::from(self.upstream_retry_base_ms)),
            breaker_threshold: self.breaker_threshold,
            breaker_cooldown: Duration::from_secs(u64::from(self.breaker_cooldown_secs)),
        };
        let event_streams = crate::event_streams::EventStreamCaps {
            per_client: self.event_streams_per_client as usize,
            total: self.max_event_streams as usize,
            lifetime: Duration::from_secs(u64::from(self.event_stream_lifetime_secs)),
        };
        let retention = crate::store::retention::Retention {
            keep: Duration::from_secs(86_400 * u64::from(self.retention_days)),
            ..crate::store::retention::Retention::default()
        };
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
            max_order_total: self.max_order_total,
            price_rule,
            public_url,
            widget_dir: self.widget_dir,
            upstream_timeout: Duration::from_secs(u64::from(self.upstream_timeout_secs)),
            rates,
            trusted_proxies,
            data,
            plans_url,
            payment,
            checkout,
            admin_password_hash,
            resilience,
            ipv6_client_prefix: self.ipv6_client_prefix,
            request_timeout: DEFAULT_REQUEST_TIMEOUT,
            body_timeout: Duration::from_secs(u64::from(self.body_timeout_secs)),
            event_streams,
            lookup_lock: Duration::from_secs(u64::from(self.lookup_lock_secs)),
            retention,
        };
        let patience = config.upstream_patience();
        config.request_timeout = match given(self.request_timeout_secs) {
            None => DEFAULT_REQUEST_TIMEOUT.max(patience + Duration::from_secs(5)),
            Some(secs) => {
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
            sandbox_rate_limit_per_minute: self.sandbox_rate_limit_per_minute,
            sandbox_quote_cors: !self.sandbox_no_quote_cors,
            max_connections: self.max_connections as usize,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::*;

    fn cli(args: &[&str]) -> Result<Settings, ConfigError> {
        let mut all = vec!["amigo-proxy"];
        all.extend_from_slice(args);
        match Cli::read_from(all) {
            Ok(cli) => cli.into_settings(),
            Err(CliError::Setting(e)) => Err(e),
            Err(CliError::Usage(e)) => panic!("{e}"),
        }
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
        let token = minted("amg_test_");
        let key = ["--api-key", token.as_str()];
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
            ("--database-url", "sqlite::memory:", "AMIGO_DATABASE_URL"),
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
        let token = minted("amg_test_");
        let key = ["--api-key", token.as_str()];
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
        let token = minted("amg_test_");
        let key = ["--api-key", token.as_str()];
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
        let key = format!("--api-key={}", minted("amg_test_"));
        let key = key.as_str();
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
