//! The one client of the Amigo API: holds the HTTP client, the base URL, the timeout and the
//! token, and turns transport failures into [`ProxyError`]s. The token is marked sensitive on
//! every request and never leaves this module except in the `X-API-Key` header.
//!
//! Every call passes the [`CircuitBreaker`]; calls that are safe to repeat (reads, and order
//! creation under one `Idempotency-Key`) are retried on a transport error, a timeout or a 5xx,
//! with exponential backoff and jitter (`backon`), at most [`Resilience::retries`] times.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use amigo_types::idempotency::IdempotencyKey;
use axum::http::{HeaderValue, StatusCode};
use backon::{ExponentialBuilder, Retryable};
use bytes::Bytes;
use secrecy::{ExposeSecret, SecretString};

use crate::breaker::CircuitBreaker;
use crate::error::ProxyError;

/// How the client rides out upstream failures (`AMIGO_UPSTREAM_RETRIES`,
/// `AMIGO_UPSTREAM_RETRY_BASE_MS`, `AMIGO_BREAKER_THRESHOLD`, `AMIGO_BREAKER_COOLDOWN_SECS`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Resilience {
    /// Extra attempts after the first, for calls that are safe to repeat.
    pub retries: u32,
    /// The first backoff; each next one doubles (with jitter), up to 16 times this.
    pub retry_base: Duration,
    /// Consecutive failed calls that open the circuit breaker.
    pub breaker_threshold: u32,
    /// How long an open breaker refuses calls before one probe.
    pub breaker_cooldown: Duration,
}

impl Default for Resilience {
    fn default() -> Self {
        Self {
            retries: 2,
            retry_base: Duration::from_millis(100),
            breaker_threshold: 5,
            breaker_cooldown: Duration::from_secs(10),
        }
    }
}

/// An upstream answer: status, the headers the proxy uses, and the raw body.
#[derive(Debug, Clone)]
pub struct UpstreamResponse {
    pub status: StatusCode,
    /// `Cache-Control`, if sent.
    pub cache_control: Option<String>,
    /// `Retry-After` seconds, if sent.
    pub retry_after: Option<u64>,
    /// Body bytes, untouched.
    pub body: Bytes,
}

#[derive(Clone)]
pub struct AmigoClient {
    http: reqwest::Client,
    base: String,
    token: SecretString,
    resilience: Resilience,
    breaker: CircuitBreaker,
    /// The breaker of the calls that spend (keyed order and data POSTs), apart from the one of
    /// reads and quotes: a flood of catalog reads that time out must not stop orders too.
    spending: CircuitBreaker,
    retries_made: Arc<AtomicU64>,
}

/// Why one attempt did not succeed: a 5xx answer (kept, so the last one can be classified) or
/// an error.
enum Failure {
    Status(UpstreamResponse),
    Error(ProxyError),
}

impl Failure {
    /// Worth another attempt: the upstream may answer next time. An open breaker, a refused
    /// token or a 4xx are not.
    fn retryable(&self) -> bool {
        matches!(
            self,
            Failure::Status(_)
                | Failure::Error(ProxyError::Upstream(_) | ProxyError::UpstreamTimeout)
        )
    }

    fn describe(&self) -> String {
        match self {
            Failure::Status(r) => format!("upstream answered {}", r.status),
            Failure::Error(e) => e.to_string(),
        }
    }
}

impl std::fmt::Debug for AmigoClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AmigoClient")
            .field("base", &self.base)
            .finish_non_exhaustive()
    }
}

impl AmigoClient {
    /// A client for `base` (`https://amigo.ng/api`) with `token`, each call bounded by `timeout`.
    pub fn new(base: &str, token: SecretString, timeout: Duration) -> Result<Self, ProxyError> {
        let http = reqwest::Client::builder()
            .timeout(timeout)
            .connect_timeout(timeout.min(Duration::from_secs(5)))
            .user_agent(concat!("amigo-proxy/", env!("CARGO_PKG_VERSION")))
            .redirect(reqwest::redirect::Policy::none())
            .pool_max_idle_per_host(64)
            .build()
            .map_err(|e| ProxyError::Internal(format!("http client: {e}")))?;
        let resilience = Resilience::default();
        Ok(Self {
            http,
            base: base.trim_end_matches('/').to_owned(),
            token,
            breaker: CircuitBreaker::new(resilience.breaker_threshold, resilience.breaker_cooldown),
            spending: CircuitBreaker::new(
                resilience.breaker_threshold,
                resilience.breaker_cooldown,
            ),
            resilience,
            retries_made: Arc::new(AtomicU64::new(0)),
        })
    }

    /// The same client with `resilience` (and fresh breakers built from it).
    pub fn with_resilience(mut self, resilience: Resilience) -> Self {
        self.breaker =
            CircuitBreaker::new(resilience.breaker_threshold, resilience.breaker_cooldown);
        self.spending =
            CircuitBreaker::new(resilience.breaker_threshold, resilience.breaker_cooldown);
        self.resilience = resilience;
        self
    }

    /// The circuit breaker every read (and unkeyed POST: quotes, sandbox moves) passes.
    pub fn breaker(&self) -> &CircuitBreaker {
        &self.breaker
    }

    /// The circuit breaker the keyed spending POSTs (orders, data purchases) pass.
    #[cfg(feature = "test-support")]
    pub fn spending_breaker(&self) -> &CircuitBreaker {
        &self.spending
    }

    /// Retries made since start (across all calls), for logs and tests.
    pub fn retries_made(&self) -> u64 {
        self.retries_made.load(Ordering::Relaxed)
    }

    /// One attempt through `breaker`, counted in `sent` once it is let through.
    async fn attempt(
        breaker: &CircuitBreaker,
        req: reqwest::RequestBuilder,
        sent: &AtomicU64,
    ) -> Result<UpstreamResponse, Failure> {
        let permit = breaker.acquire().map_err(|r| {
            Failure::Error(ProxyError::UpstreamUnavailable {
                retry_after: r.retry_after.as_secs_f64().ceil().max(1.0) as u64,
            })
        })?;
        sent.fetch_add(1, Ordering::Relaxed);
        match send(req).await {
            Ok(resp) if resp.status.is_server_error() => {
                permit.record(false);
                Err(Failure::Status(resp))
            }
            Ok(resp) => {
                permit.record(true);
                Ok(resp)
            }
            Err(e) => {
                permit.record(false);
                Err(Failure::Error(e))
            }
        }
    }

    /// Runs `build`'s request, retried when `repeatable`; a final 5xx comes back as `Ok` for the
    /// caller to classify.
    async fn call(
        &self,
        breaker: &CircuitBreaker,
        repeatable: bool,
        what: &str,
        build: impl Fn() -> Result<reqwest::RequestBuilder, ProxyError>,
    ) -> Result<UpstreamResponse, ProxyError> {
        self.call_counted(breaker, repeatable, what, build, &AtomicU64::new(0))
            .await
    }

    /// [`Self::call`], counting in `sent` the attempts that got past the breaker (a request
    /// may have left the proxy).
    async fn call_counted(
        &self,
        breaker: &CircuitBreaker,
        repeatable: bool,
        what: &str,
        build: impl Fn() -> Result<reqwest::RequestBuilder, ProxyError>,
        sent: &AtomicU64,
    ) -> Result<UpstreamResponse, ProxyError> {
        let once = || async {
            let req = build().map_err(Failure::Error)?;
            Self::attempt(breaker, req, sent).await
        };
        let result = if repeatable && self.resilience.retries > 0 {
            let backoff = ExponentialBuilder::new()
                .with_min_delay(self.resilience.retry_base)
                .with_max_delay(self.resilience.retry_base.saturating_mul(16))
                .with_factor(2.0)
                .with_max_times(self.resilience.retries as usize)
                .with_jitter();
            once.retry(backoff)
                .when(Failure::retryable)
                .notify(|failure, delay| {
                    self.retries_made.fetch_add(1, Ordering::Relaxed);
                    tracing::warn!(
                        call = what,
                        failure = %failure.describe(),
                        delay_ms = delay.as_millis() as u64,
                        "upstream call failed; retrying"
                    );
                })
                .await
        } else {
            once().await
        };
        match result {
            Ok(resp) | Err(Failure::Status(resp)) => Ok(resp),
            Err(Failure::Error(e)) => Err(e),
        }
    }

    pub fn base(&self) -> &str {
        &self.base
    }

    fn token_header(&self) -> Result<HeaderValue, ProxyError> {
        let mut v = HeaderValue::from_str(self.token.expose_secret())
            .map_err(|_| ProxyError::Internal("token is not a valid header value".into()))?;
        v.set_sensitive(true);
        Ok(v)
    }

    /// `GET {base}{path}?{query}` with the token; a read, so retried.
    pub async fn get(&self, path: &str, query: &str) -> Result<UpstreamResponse, ProxyError> {
        let url = if query.is_empty() {
            format!("{}{path}", self.base)
        } else {
            format!("{}{path}?{query}", self.base)
        };
        self.call(&self.breaker, true, path, || {
            Ok(self
                .http
                .get(&url)
                .header("X-API-Key", self.token_header()?)
                .header("Accept", "application/json"))
        })
        .await
    }

    /// `GET url` for a document the docs place outside `{base}` (the plan catalog, which may
    /// live at the host root); a read, so retried. The token goes only to the base's own origin:
    /// an override on another host never receives it.
    pub async fn get_url(&self, url: &str) -> Result<UpstreamResponse, ProxyError> {
        let same_origin = match (reqwest::Url::parse(url), reqwest::Url::parse(&self.base)) {
            (Ok(a), Ok(b)) => a.origin() == b.origin(),
            _ => false,
        };
        self.call(&self.breaker, true, url, || {
            let req = self.http.get(url).header("Accept", "application/json");
            Ok(if same_origin {
                req.header("X-API-Key", self.token_header()?)
            } else {
                req
            })
        })
        .await
    }

    /// `POST {base}{path}` with the token, a JSON body and extra headers, made once: without an
    /// idempotency key a repeat could act twice.
    pub async fn post_json(
        &self,
        path: &str,
        body: Vec<u8>,
        headers: &[(&'static str, &str)],
    ) -> Result<UpstreamResponse, ProxyError> {
        let body = Bytes::from(body);
        self.call(&self.breaker, false, path, || {
            self.post_request(path, body.clone(), headers)
        })
        .await
    }

    /// `POST {base}{path}` with `Idempotency-Key: key`, retried with the *same* key: Amigo
    /// applies a key once and replays its answer, so a repeat can never act twice.
    pub async fn post_idempotent(
        &self,
        path: &str,
        body: Vec<u8>,
        key: &IdempotencyKey,
    ) -> Result<UpstreamResponse, ProxyError> {
        let body = Bytes::from(body);
        let headers = [("Idempotency-Key", key.as_str())];
        self.call(&self.spending, true, path, || {
            self.post_request(path, body.clone(), &headers)
        })
        .await
    }

    /// [`Self::post_idempotent`], also saying whether any attempt got past the circuit breaker:
    /// when none did, no request left the proxy and nothing can have been charged.
    pub async fn post_idempotent_sent(
        &self,
        path: &str,
        body: Vec<u8>,
        key: &IdempotencyKey,
    ) -> (Result<UpstreamResponse, ProxyError>, bool) {
        let body = Bytes::from(body);
        let headers = [("Idempotency-Key", key.as_str())];
        let sent = AtomicU64::new(0);
        let result = self
            .call_counted(
                &self.spending,
                true,
                path,
                || self.post_request(path, body.clone(), &headers),
                &sent,
            )
            .await;
        (result, sent.load(Ordering::Relaxed) > 0)
    }

    fn post_request(
        &self,
        path: &str,
        body: Bytes,
        headers: &[(&'static str, &str)],
    ) -> Result<reqwest::RequestBuilder, ProxyError> {
        let mut req = self
            .http
            .post(format!("{}{path}", self.base))
            .header("X-API-Key", self.token_header()?)
            .header("Content-Type", "application/json")
            .header("Accept", "application/json")
            .body(body);
        for (name, value) in headers {
            req = req.header(*name, *value);
        }
        Ok(req)
    }
}

async fn send(req: reqwest::RequestBuilder) -> Result<UpstreamResponse, ProxyError> {
    let resp = req.send().await.map_err(transport_error)?;
    let status = StatusCode::from_u16(resp.status().as_u16())
        .map_err(|_| ProxyError::Upstream("invalid status".into()))?;
    let header = |name: &str| {
        resp.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let cache_control = header("cache-control");
    let retry_after = header("retry-after").and_then(|v| v.trim().parse().ok());
    let body = resp.bytes().await.map_err(transport_error)?;
    Ok(UpstreamResponse {
        status,
        cache_control,
        retry_after,
        body,
    })
}

fn transport_error(e: reqwest::Error) -> ProxyError {
    if e.is_timeout() {
        ProxyError::UpstreamTimeout
    } else {
        // `without_url`: a URL may carry a shopper's search text; keep logs to the cause.
        ProxyError::Upstream(e.without_url().to_string())
    }
}

/// Maps a non-success upstream answer to the error the browser should get: 5xx → 502
/// (retryable), 401/403 → 502 (our token, not retryable), other 4xx passed through.
pub fn classify_failure(resp: UpstreamResponse) -> ProxyError {
    match resp.status {
        s if s.is_server_error() => ProxyError::Upstream(format!("upstream answered {s}")),
        s @ (StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN) => ProxyError::UpstreamAuth(s),
        s if s.is_client_error() => ProxyError::Passthrough {
            status: s,
            body: resp.body,
            retry_after: resp.retry_after,
        },
        s => ProxyError::Upstream(format!("unexpected upstream status {s}")),
    }
}
