//! Test harness: a real amigo-sandbox on a loopback socket behind a controllable layer (call
//! counts, injected failures, delays, Cache-Control overrides, catalog bodies reshaped), and a proxy on a fresh SQLite
//! database, called in-process with `oneshot` and also served on a socket for webhooks.
//! With `AMIGO_TEST_DATABASE_URL` set to a PostgreSQL superuser URL (`scripts/pg.sh` does), each
//! proxy gets a fresh PostgreSQL database on that server instead.

use std::collections::HashMap;
use std::io::Write;
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use amigo_proxy::config::{DataSales, OrderPayment, RateQuotas};
use amigo_proxy::{AppState, ProxyConfig};
use amigo_sandbox::{Sandbox, SandboxConfig};
use axum::body::Body;
use axum::extract::{ConnectInfo, Request};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use http_body_util::BodyExt;
use secrecy::SecretString;
use serde_json::{Value, json};
use tower::ServiceExt;

/// Every log line of the whole test binary (one global subscriber at `debug`).
pub(crate) fn captured_logs() -> String {
    let buf = log_buffer().lock().unwrap();
    String::from_utf8_lossy(&buf).into_owned()
}

fn log_buffer() -> &'static Mutex<Vec<u8>> {
    static BUF: OnceLock<Mutex<Vec<u8>>> = OnceLock::new();
    BUF.get_or_init(|| Mutex::new(Vec::new()))
}

struct Capture;

impl Write for Capture {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        log_buffer().lock().unwrap().extend_from_slice(data);
        Ok(data.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn init_logs() {
    static ONCE: OnceLock<()> = OnceLock::new();
    ONCE.get_or_init(|| {
        let subscriber = tracing_subscriber::fmt()
            .with_env_filter(tracing_subscriber::EnvFilter::new("debug"))
            .with_ansi(false)
            .with_writer(|| Capture)
            .finish();
        tracing::subscriber::set_global_default(subscriber).unwrap();
    });
}

/// Knobs on the upstream side.
#[derive(Default)]
pub(crate) struct Controls {
    calls: Mutex<Vec<(Method, String)>>,
    keys: Mutex<Vec<Option<String>>>,
    fail: Mutex<Option<(String, StatusCode)>>,
    fail_next: Mutex<Option<(String, StatusCode, usize)>>,
    delay: Mutex<Option<(String, Duration)>>,
    cache_control: Mutex<Option<String>>,
    bare_market: AtomicBool,
    answers: Mutex<Vec<(String, Value)>>,
}

impl Controls {
    /// Upstream calls made with `method` to a path starting with `prefix`.
    pub(crate) fn count(&self, method: &Method, prefix: &str) -> usize {
        self.calls
            .lock()
            .unwrap()
            .iter()
            .filter(|(m, p)| m == method && p.starts_with(prefix))
            .count()
    }

    /// Answer `status` (with the Amigo envelope) for paths starting with `prefix`; `None` heals.
    pub(crate) fn fail(&self, rule: Option<(&str, StatusCode)>) {
        *self.fail.lock().unwrap() = rule.map(|(p, s)| (p.to_owned(), s));
    }

    /// Answer `status` to the next `n` calls to paths starting with `prefix`, then heal.
    pub(crate) fn fail_next(&self, prefix: &str, status: StatusCode, n: usize) {
        *self.fail_next.lock().unwrap() = Some((prefix.to_owned(), status, n));
    }

    /// The `Idempotency-Key` of every POST to a path starting with `prefix`, in order.
    pub(crate) fn post_keys(&self, prefix: &str) -> Vec<Option<String>> {
        let calls = self.calls.lock().unwrap();
        let keys = self.keys.lock().unwrap();
        calls
            .iter()
            .zip(keys.iter())
            .filter(|((m, p), _)| *m == Method::POST && p.starts_with(prefix))
            .map(|(_, k)| k.clone())
            .collect()
    }

    /// Delay answers for paths starting with `prefix`.
    pub(crate) fn delay(&self, rule: Option<(&str, Duration)>) {
        *self.delay.lock().unwrap() = rule.map(|(p, d)| (p.to_owned(), d));
    }

    /// With `on`, every product's `price.market` in a successful catalog answer (products and
    /// curation) keeps only its `amount`: the docs elide the block (`"market": {…}`), so the live
    /// platform may send less than the sandbox does.
    pub(crate) fn bare_market_prices(&self, on: bool) {
        self.bare_market.store(on, Ordering::Relaxed);
    }

    /// Answer `200 body` to every call to exactly `path` (the upstream is not called): an
    /// upstream whose undocumented shapes differ from the sandbox's. `None` stops it.
    pub(crate) fn answer(&self, path: &str, body: Option<Value>) {
        let mut answers = self.answers.lock().unwrap();
        answers.retain(|(p, _)| p != path);
        if let Some(body) = body {
            answers.push((path.to_owned(), body));
        }
    }

    /// Replace `Cache-Control` on successful GETs.
    pub(crate) fn cache_control(&self, value: Option<&str>) {
        *self.cache_control.lock().unwrap() = value.map(str::to_owned);
    }
}

async fn control_layer(
    axum::extract::State(c): axum::extract::State<Arc<Controls>>,
    req: Request,
    next: Next,
) -> Response {
    let path = req.uri().path().to_owned();
    let method = req.method().clone();
    {
        let mut calls = c.calls.lock().unwrap();
        calls.push((method.clone(), path.clone()));
        c.keys.lock().unwrap().push(
            req.headers()
                .get("idempotency-key")
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned),
        );
    }
    let next_failure = {
        let mut rule = c.fail_next.lock().unwrap();
        match rule.as_mut() {
            Some((p, status, n)) if *n > 0 && path.starts_with(p.as_str()) => {
                *n -= 1;
                Some(*status)
            }
            _ => None,
        }
    };
    if let Some(status) = next_failure {
        let body = json!({"success": false, "error": "server_error", "message": "injected"});
        return (status, axum::Json(body)).into_response();
    }
    let delay = c
        .delay
        .lock()
        .unwrap()
        .clone()
        .filter(|(p, _)| path.starts_with(p.as_str()));
    if let Some((_, d)) = delay {
        tokio::time::sleep(d).await;
    }
    let fail = c
        .fail
        .lock()
        .unwrap()
        .clone()
        .filter(|(p, _)| path.starts_with(p.as_str()));
    if let Some((_, status)) = fail {
        let mut body = json!({"success": false, "error": "server_error", "message": "injected"});
        let mut resp;
        if status == StatusCode::TOO_MANY_REQUESTS {
            body = json!({"success": false, "error": "rate_limited", "message": "slow down", "retry_after": 7});
            resp = (status, axum::Json(body)).into_response();
            resp.headers_mut()
                .insert("retry-after", HeaderValue::from_static("7"));
        } else {
            resp = (status, axum::Json(body)).into_response();
        }
        return resp;
    }
    let canned = c
        .answers
        .lock()
        .unwrap()
        .iter()
        .find(|(p, _)| *p == path)
        .map(|(_, body)| body.clone());
    if let Some(body) = canned {
        return (StatusCode::OK, axum::Json(body)).into_response();
    }
    let mut resp = next.run(req).await;
    if c.bare_market.load(Ordering::Relaxed)
        && resp.status() == StatusCode::OK
        && (path.starts_with("/api/commerce/products")
            || path.starts_with("/api/commerce/curation"))
    {
        resp = bare_market_prices(resp).await;
    }
    if method == Method::GET
        && resp.status() == StatusCode::OK
        && let Some(cc) = c.cache_control.lock().unwrap().clone()
    {
        resp.headers_mut()
            .insert("cache-control", HeaderValue::from_str(&cc).unwrap());
    }
    resp
}

/// `resp` with every `price.market` object cut down to its `amount`.
async fn bare_market_prices(resp: Response) -> Response {
    fn strip(v: &mut Value) {
        match v {
            Value::Object(map) => {
                if let Some(Value::Object(market)) =
                    map.get_mut("price").and_then(|p| p.get_mut("market"))
                {
                    market.retain(|k, _| k == "amount");
                }
                map.values_mut().for_each(strip);
            }
            Value::Array(items) => items.iter_mut().for_each(strip),
            _ => {}
        }
    }
    let (mut parts, body) = resp.into_parts();
    let bytes = body.collect().await.unwrap().to_bytes();
    let mut json: Value = serde_json::from_slice(&bytes).unwrap();
    strip(&mut json);
    let bytes = serde_json::to_vec(&json).unwrap();
    parts.headers.remove(axum::http::header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(bytes))
}

/// The sandbox, served on loopback behind the control layer.
pub(crate) struct Upstream {
    /// `http://127.0.0.1:PORT/api`.
    pub(crate) api_base: String,
    /// The knobs.
    pub(crate) controls: Arc<Controls>,
    /// The sandbox itself.
    #[allow(dead_code)]
    pub(crate) sandbox: Sandbox,
}

/// The upstream sandbox's idempotency mode: `AMIGO_TEST_IDEMPOTENCY_MODE=replay-any` runs the
/// whole suite against the docs' literal reading; unset is Stripe's rules (the default).
fn idempotency_mode_from_env() -> amigo_sandbox::idempotency::IdempotencyMode {
    match std::env::var("AMIGO_TEST_IDEMPOTENCY_MODE") {
        Ok(raw) => amigo_sandbox::idempotency::IdempotencyMode::parse(&raw).unwrap_or_else(|| {
            panic!("AMIGO_TEST_IDEMPOTENCY_MODE={raw}: expected stripe or replay-any")
        }),
        Err(_) => amigo_sandbox::idempotency::IdempotencyMode::default(),
    }
}

async fn spawn_upstream(
    faults: amigo_sandbox::FaultConfig,
    docs_only: bool,
    quote_cors: bool,
) -> Upstream {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let sandbox = Sandbox::new(SandboxConfig {
        public_base_url: format!("http://{addr}"),
        rate_limit_per_minute: 1_000_000,
        public_rate_limit_per_minute: 1_000_000,
        idempotency_mode: idempotency_mode_from_env(),
        faults,
        docs_only,
        quote_cors,
        ..SandboxConfig::default()
    });
    let controls = Arc::new(Controls::default());
    let router = sandbox.router().layer(axum::middleware::from_fn_with_state(
        controls.clone(),
        control_layer,
    ));
    // amigo_sandbox::serve, not axum::serve: a `drop` fault must really close the connection.
    tokio::spawn(amigo_sandbox::serve(
        listener,
        router,
        std::future::pending(),
    ));
    Upstream {
        api_base: format!("http://{addr}/api"),
        controls,
        sandbox,
    }
}

/// How to build the proxy under test.
pub(crate) struct Options {
    /// Spend guard.
    pub(crate) max_order_total: i64,
    /// The merchant's retail price rule (none unless a test sets one).
    pub(crate) price_rule: amigo_types::pricing::PriceRule,
    /// Proxy rate limits.
    pub(crate) rates: RateQuotas,
    /// Webhook secrets instead of the one the sandbox issued (rotation tests).
    pub(crate) secrets: Option<Vec<String>>,
    /// Upstream timeout.
    pub(crate) timeout: Duration,
    /// Widget folder.
    pub(crate) widget_dir: Option<PathBuf>,
    /// Reverse proxies whose `X-Forwarded-For` is believed.
    pub(crate) trusted_proxies: Vec<IpAddr>,
    /// The merchant token (a fresh test token when `None`).
    pub(crate) token: Option<String>,
    /// Data sales (on, with room to spare, unless a test says otherwise).
    pub(crate) data: DataSales,
    /// The console password (the console is off when `None`).
    pub(crate) admin_password: Option<String>,
    /// Upstream retries and circuit breaker.
    pub(crate) resilience: amigo_proxy::upstream::Resilience,
    /// Fault injection in the upstream sandbox (off by default).
    pub(crate) faults: amigo_sandbox::FaultConfig,
    /// The upstream sandbox in `--docs-only` mode (also for the whole suite with
    /// `AMIGO_TEST_DOCS_ONLY=1`): no invented endpoint to lean on.
    pub(crate) docs_only: bool,
    /// Whether the upstream's delivery quote answers CORS (on unless a test turns it off).
    pub(crate) quote_cors: bool,
    /// Order payment settings (`AMIGO_PAYMENT=none`, no opt-in, no budget unless a test says).
    pub(crate) payment: OrderPayment,
    /// How long a request may take until its answer starts.
    pub(crate) request_timeout: Duration,
    /// How long a request body may stall.
    pub(crate) body_timeout: Duration,
    /// Caps on order event streams.
    pub(crate) event_streams: amigo_proxy::event_streams::EventStreamCaps,
    /// How long a reference's lookups stay locked after repeated wrong phones.
    pub(crate) lookup_lock: Duration,
    /// Paystack keys or the bank account, and the checkout expiry.
    pub(crate) checkout: amigo_proxy::config::CheckoutSettings,
    /// How long old rows are kept and how often they are pruned.
    pub(crate) retention: amigo_proxy::store::retention::Retention,
    /// `AMIGO_PUBLIC_URL` instead of the proxy's own loopback URL.
    pub(crate) public_url: Option<String>,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            max_order_total: 500_000,
            price_rule: amigo_types::pricing::PriceRule::none(),
            rates: RateQuotas {
                orders_per_ip: 10_000,
                orders_per_phone: 10_000,
                lookups_per_ip: 10_000,
                catalog_per_ip: 10_000,
            },
            secrets: None,
            timeout: Duration::from_secs(3),
            widget_dir: None,
            trusted_proxies: Vec::new(),
            token: None,
            data: DataSales {
                enabled: true,
                daily_limit: 10_000_000,
                per_ip_per_minute: 10_000,
                per_phone_per_hour: 10_000,
            },
            admin_password: None,
            // Quick backoff; a breaker that only a long outage opens (its own tests set it).
            resilience: amigo_proxy::upstream::Resilience {
                retries: 2,
                retry_base: Duration::from_millis(5),
                breaker_threshold: 50,
                breaker_cooldown: Duration::from_secs(60),
            },
            faults: amigo_sandbox::FaultConfig::default(),
            docs_only: std::env::var("AMIGO_TEST_DOCS_ONLY").is_ok_and(|v| v == "1"),
            quote_cors: true,
            payment: OrderPayment::default(),
            request_timeout: amigo_proxy::config::DEFAULT_REQUEST_TIMEOUT,
            body_timeout: amigo_proxy::config::DEFAULT_BODY_TIMEOUT,
            event_streams: amigo_proxy::event_streams::EventStreamCaps::default(),
            lookup_lock: amigo_proxy::lookup_locks::DEFAULT_LOOKUP_LOCK,
            checkout: amigo_proxy::config::CheckoutSettings::default(),
            retention: amigo_proxy::store::retention::Retention::default(),
            public_url: None,
        }
    }
}

/// The storefront origin every test proxy allows.
pub(crate) const SHOP_ORIGIN: &str = "https://shop.example.com";

/// A proxy under test and its upstream.
pub(crate) struct TestApp {
    /// The proxy's whole service, for `oneshot`.
    pub(crate) router: amigo_proxy::App,
    /// Its state.
    pub(crate) state: AppState,
    /// The upstream (shared by the instances of a pair).
    pub(crate) upstream: Arc<Upstream>,
    /// The merchant token the proxy holds.
    pub(crate) token: String,
    /// The webhook secret the sandbox issued for the proxy's URL.
    pub(crate) webhook_secret: String,
    /// Where the proxy also listens.
    pub(crate) proxy_url: String,
    /// Its database (shared by the instances of a pair).
    pub(crate) database_url: String,
    _db: Arc<tempfile::TempDir>,
}

/// A proxy with default options.
pub(crate) async fn spawn_app() -> TestApp {
    spawn_app_with(Options::default()).await
}

/// A proxy with `options`.
pub(crate) async fn spawn_app_with(options: Options) -> TestApp {
    init_logs();
    let upstream = Arc::new(
        spawn_upstream(
            options.faults.clone(),
            options.docs_only,
            options.quote_cors,
        )
        .await,
    );
    let token = options
        .token
        .clone()
        .unwrap_or_else(amigo_sandbox::random_test_token);
    let db = Arc::new(tempfile::tempdir().unwrap());
    let database_url = fresh_database_url(db.path()).await;
    spawn_proxy(upstream, token, database_url, db, None, options).await
}

/// Whether the suite runs on PostgreSQL (`AMIGO_TEST_DATABASE_URL` set).
pub(crate) fn on_postgres() -> bool {
    std::env::var("AMIGO_TEST_DATABASE_URL").is_ok_and(|u| !u.is_empty())
}

/// A new database for one proxy: a SQLite file in `dir`, or a new database on the PostgreSQL
/// server of `AMIGO_TEST_DATABASE_URL` (`postgres://user@host:port/admin_db`, no query part).
pub(crate) async fn fresh_database_url(dir: &std::path::Path) -> String {
    if !on_postgres() {
        return format!("sqlite://{}", dir.join("proxy.db").display());
    }
    use sqlx::Connection;
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    let admin = std::env::var("AMIGO_TEST_DATABASE_URL").unwrap();
    let name = format!(
        "amigo_test_{}_{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    );
    let mut conn = sqlx::PgConnection::connect(&admin)
        .await
        .expect("AMIGO_TEST_DATABASE_URL answers");
    // `name` is built above from a pid and a counter: nothing outside flows into it.
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .execute(&mut conn)
        .await
        .expect("a fresh test database");
    conn.close().await.unwrap();
    let (server, _) = admin
        .rsplit_once('/')
        .expect("AMIGO_TEST_DATABASE_URL ends in /database");
    format!("{server}/{name}")
}

/// Two independent proxy instances (own state, cache, limits, writer task and event channel)
/// on ONE database and ONE sandbox, both served on real ports, sharing the token and webhook
/// secret as two replicas behind a load balancer would. The sandbox delivers webhooks to the
/// first; the second gets them only when a test posts them there.
pub(crate) async fn spawn_pair(rates: RateQuotas) -> (TestApp, TestApp) {
    spawn_pair_with(|| Options {
        rates,
        ..Options::default()
    })
    .await
}

/// Another proxy on `first`'s database and sandbox, built from `options` (a restart with other
/// settings, for instance).
pub(crate) async fn spawn_beside(first: &TestApp, options: Options) -> TestApp {
    spawn_proxy(
        first.upstream.clone(),
        first.token.clone(),
        first.database_url.clone(),
        first._db.clone(),
        Some(first.webhook_secret.clone()),
        options,
    )
    .await
}

/// [`spawn_pair`] with each instance built from `options()`.
pub(crate) async fn spawn_pair_with(options: impl Fn() -> Options) -> (TestApp, TestApp) {
    let first = spawn_app_with(options()).await;
    let second = spawn_proxy(
        first.upstream.clone(),
        first.token.clone(),
        first.database_url.clone(),
        first._db.clone(),
        Some(first.webhook_secret.clone()),
        options(),
    )
    .await;
    (first, second)
}

/// A proxy on `database_url` in front of `upstream`. Without `webhook_secret` it registers
/// its own webhook URL with the sandbox and uses the secret issued.
async fn spawn_proxy(
    upstream: Arc<Upstream>,
    token: String,
    database_url: String,
    db: Arc<tempfile::TempDir>,
    webhook_secret: Option<String>,
    options: Options,
) -> TestApp {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let proxy_url = format!("http://{}", listener.local_addr().unwrap());
    let token_secret = SecretString::from(token.clone());
    let webhook_secret = match webhook_secret {
        Some(secret) => secret,
        None => {
            let secret = register_webhook(
                &upstream.api_base,
                &token_secret,
                &format!("{proxy_url}/webhooks/amigo"),
            )
            .await
            .expect("the sandbox registers the proxy's webhook");
            secrecy::ExposeSecret::expose_secret(&secret).to_owned()
        }
    };
    let mut config = ProxyConfig::new(upstream.api_base.clone(), token_secret);
    config.database_url = database_url.clone().into();
    config.public_url = options
        .public_url
        .clone()
        .unwrap_or_else(|| proxy_url.clone());
    config.allowed_origins = vec![SHOP_ORIGIN.to_owned()];
    config.webhook_secrets = options
        .secrets
        .unwrap_or_else(|| vec![webhook_secret.clone()])
        .into_iter()
        .map(SecretString::from)
        .collect();
    config.max_order_total = options.max_order_total;
    config.price_rule = options.price_rule;
    config.rates = options.rates;
    config.upstream_timeout = options.timeout;
    config.widget_dir = options.widget_dir;
    config.trusted_proxies = options.trusted_proxies;
    config.data = options.data;
    config.payment = options.payment;
    config.checkout = options.checkout;
    config.admin_password_hash = options.admin_password.as_deref().map(|p| {
        use argon2::password_hash::{PasswordHasher, SaltString};
        let salt = SaltString::encode_b64(b"test-salt-16byte").unwrap();
        // The cheapest argon2id parameters (the proxy verifies with those the hash names): the
        // tests check the sign-in flow and its limits, whose timing the default cost (about a
        // second per attempt in a debug build) would blur.
        let cheap = argon2::Argon2::new(
            argon2::Algorithm::Argon2id,
            argon2::Version::V0x13,
            argon2::Params::new(argon2::Params::MIN_M_COST, 1, 1, None).unwrap(),
        );
        SecretString::from(
            cheap
                .hash_password(p.as_bytes(), &salt)
                .unwrap()
                .to_string(),
        )
    });
    config.resilience = options.resilience;
    config.request_timeout = options.request_timeout;
    config.body_timeout = options.body_timeout;
    config.event_streams = options.event_streams;
    config.lookup_lock = options.lookup_lock;
    config.retention = options.retention;
    let state = AppState::build(config).await.unwrap();
    let router = amigo_proxy::app(state.clone());
    let served = router.clone();
    tokio::spawn(async move {
        axum::serve(
            listener,
            axum::ServiceExt::<Request>::into_make_service_with_connect_info::<SocketAddr>(served),
        )
        .await
        .unwrap();
    });
    TestApp {
        router,
        state,
        upstream,
        token,
        webhook_secret,
        proxy_url,
        database_url,
        _db: db,
    }
}

/// A response, read in full.
#[derive(Debug, Clone)]
pub(crate) struct TestResponse {
    /// Status.
    pub(crate) status: StatusCode,
    /// Headers.
    pub(crate) headers: HeaderMap,
    /// Body.
    pub(crate) body: Bytes,
}

impl TestResponse {
    /// The body as JSON.
    pub(crate) fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&self.body)))
    }

    /// A header as text.
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// Everything a client sees, as text (for leak checks).
    pub(crate) fn everything(&self) -> String {
        let mut s = format!("{}\n", self.status);
        for (k, v) in &self.headers {
            s.push_str(&format!("{k}: {}\n", String::from_utf8_lossy(v.as_bytes())));
        }
        s.push_str(&String::from_utf8_lossy(&self.body));
        s
    }
}

/// A request builder with the client IP set.
pub(crate) fn request(method: Method, uri: &str) -> axum::http::request::Builder {
    Request::builder()
        .method(method)
        .uri(uri)
        .extension(ConnectInfo(SocketAddr::from(([127, 0, 0, 1], 40000))))
}

/// Sets the client IP of a request.
pub(crate) fn from_ip(mut req: Request, ip: &str) -> Request {
    let ip: IpAddr = ip.parse().unwrap();
    req.extensions_mut()
        .insert(ConnectInfo(SocketAddr::new(ip, 40000)));
    req
}

/// An order request (with `Idempotency-Key` if given).
pub(crate) fn order_request(body: &Value, key: Option<&str>) -> Request {
    let mut b = request(Method::POST, "/api/orders").header("content-type", "application/json");
    if let Some(k) = key {
        b = b.header("idempotency-key", k);
    }
    b.body(Body::from(serde_json::to_vec(body).unwrap()))
        .unwrap()
}

/// An Amigo order body for one line.
pub(crate) fn order_body(phone: &str, product_id: u64, quantity: u32) -> Value {
    json!({
        "customer": {"name": "Aisha Bello", "phone": phone, "email": "aisha@example.com"},
        "delivery": {"address": "Plot 12, Sabon Gari", "state_code": "KD", "lga_name": "Zaria", "tier": "standard"},
        "items": [{"product_id": product_id, "quantity": quantity}]
    })
}

/// A fresh idempotency key.
pub(crate) fn new_key() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    format!(
        "test-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    )
}

impl TestApp {
    /// Calls the proxy in-process.
    pub(crate) async fn call(&self, req: Request) -> TestResponse {
        let resp = self.router.clone().oneshot(req).await.unwrap();
        let status = resp.status();
        let headers = resp.headers().clone();
        let body = resp.into_body().collect().await.unwrap().to_bytes();
        TestResponse {
            status,
            headers,
            body,
        }
    }

    /// `GET uri` on the proxy.
    pub(crate) async fn get(&self, uri: &str) -> TestResponse {
        self.call(request(Method::GET, uri).body(Body::empty()).unwrap())
            .await
    }

    /// `GET {api_base}{path}` on the sandbox directly, with the token.
    pub(crate) async fn upstream_get(&self, path_and_query: &str) -> Value {
        reqwest::Client::new()
            .get(format!("{}{path_and_query}", self.upstream.api_base))
            .header("X-API-Key", &self.token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }

    /// `POST {api_base}{path}` on the sandbox directly, with the token.
    pub(crate) async fn upstream_post(&self, path: &str, body: &Value) -> Value {
        reqwest::Client::new()
            .post(format!("{}{path}", self.upstream.api_base))
            .header("X-API-Key", &self.token)
            .json(body)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }

    /// An in-stock product: `(id, price)`; `dear` picks the most expensive.
    pub(crate) async fn product(&self, dear: bool) -> (u64, i64) {
        let sort = if dear { "price_desc" } else { "price_asc" };
        let v = self
            .upstream_get(&format!(
                "/commerce/products/?in_stock=true&sort={sort}&limit=1"
            ))
            .await;
        let p = &v["data"][0];
        (
            p["id"].as_u64().unwrap(),
            p["price"]["amount"].as_i64().unwrap(),
        )
    }

    /// Places an order through the proxy and returns its `data`.
    pub(crate) async fn place_order(&self, phone: &str) -> Value {
        let (id, _) = self.product(false).await;
        let resp = self
            .call(order_request(&order_body(phone, id, 1), Some(&new_key())))
            .await;
        assert_eq!(resp.status, StatusCode::CREATED, "{}", resp.everything());
        resp.json()["data"].clone()
    }

    /// Orders the sandbox holds for this merchant.
    pub(crate) async fn upstream_order_count(&self) -> u64 {
        self.upstream_get("/commerce/orders/?limit=1").await["pagination"]["total"]
            .as_u64()
            .unwrap()
    }

    /// Moves an order along in the sandbox (which then sends its webhook).
    pub(crate) async fn advance(&self, reference: &str, status: &str) -> Value {
        self.upstream_post(
            "/commerce/sandbox/orders/advance/",
            &json!({"reference": reference, "status": status, "reason": "Customer asked"}),
        )
        .await
    }

    /// The sandbox wallet's balance for this merchant.
    /// Debits the sandbox wallet straight (not through the proxy) until `left` Naira remain.
    pub(crate) fn leave_in_wallet(&self, left: i64) {
        self.upstream
            .sandbox
            .state()
            .merchants
            .get(&amigo_types::token::ApiToken::parse(&self.token).unwrap())
            .wallet
            .debit(self.balance() - left)
            .unwrap();
    }

    pub(crate) fn balance(&self) -> i64 {
        self.upstream
            .sandbox
            .state()
            .merchants
            .balance(&amigo_types::token::ApiToken::parse(&self.token).unwrap())
    }

    /// The shopper's view through the proxy.
    pub(crate) async fn tracking(&self, reference: &str, phone: &str) -> TestResponse {
        let phone = phone.replace('+', "%2B").replace(' ', "%20");
        self.get(&format!("/api/orders/{reference}?phone={phone}"))
            .await
    }
}

/// A webhook request signed with `secret` at `ts`.
pub(crate) fn webhook_request(
    body: &[u8],
    secret: Option<&str>,
    ts: i64,
    delivery: &str,
) -> Request {
    let mut b = request(Method::POST, "/webhooks/amigo")
        .header("content-type", "application/json")
        .header("x-amigo-event", "order.updated")
        .header("x-amigo-delivery", delivery);
    if let Some(secret) = secret {
        b = b.header("x-amigo-timestamp", ts.to_string()).header(
            "x-amigo-signature",
            amigo_types::webhooks::sign(secret.as_bytes(), ts, body),
        );
    }
    b.body(Body::from(body.to_vec())).unwrap()
}

/// Unix seconds now.
pub(crate) fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

/// A webhook payload for `order` moved to `status`.
pub(crate) fn payload(order: &Value, status: &str, at: &str) -> Vec<u8> {
    let mut data = order.clone();
    data["status"] = json!(status);
    if status == "cancelled" {
        data["cancelled_reason"] = json!("Out of stock at the warehouse");
        data["payment_state"] = json!("refunded");
    }
    serde_json::to_vec(&json!({
        "event": format!("order.{}", if status == "paid" { "created" } else { status }),
        "livemode": false,
        "created_at": at,
        "data": data,
    }))
    .unwrap()
}

/// Waits until `check` holds, up to `secs`.
pub(crate) async fn eventually<F, Fut>(secs: u64, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = tokio::time::Instant::now() + Duration::from_secs(secs);
    while tokio::time::Instant::now() < deadline {
        if check().await {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("condition not met within {secs} s");
}

/// Counts of the distinct values of a list.
#[allow(dead_code)]
pub(crate) fn tally<T: std::hash::Hash + Eq>(
    items: impl IntoIterator<Item = T>,
) -> HashMap<T, usize> {
    let mut m = HashMap::new();
    for i in items {
        *m.entry(i).or_insert(0) += 1;
    }
    m
}

/// Registers `webhook_url` for every event with the Amigo API at `api_base` and returns the
/// signing secret (shown only in this response).
async fn register_webhook(
    api_base: &str,
    token: &SecretString,
    webhook_url: &str,
) -> Result<SecretString, String> {
    let resp = reqwest::Client::new()
        .post(format!("{api_base}/commerce/webhooks/"))
        .header("X-API-Key", secrecy::ExposeSecret::expose_secret(token))
        .json(&serde_json::json!({"url": webhook_url, "events": "*"}))
        .send()
        .await
        .map_err(|e| format!("registering the webhook: {}", e.without_url()))?;
    let status = resp.status();
    let body: serde_json::Value = resp
        .json()
        .await
        .map_err(|e| format!("registering the webhook: unreadable answer ({e})"))?;
    body.pointer("/data/secret")
        .and_then(|s| s.as_str())
        .filter(|_| status.is_success())
        .map(|s| SecretString::from(s.to_owned()))
        .ok_or_else(|| {
            format!(
                "registering the webhook: sandbox answered {status} {}",
                body.get("error").and_then(|e| e.as_str()).unwrap_or("")
            )
        })
}
