//! The one client of the Amigo API: holds the HTTP client, the base URL, the timeout and the
//! token, and turns transport failures into [`ProxyError`]s. The token is marked sensitive on
//! every request and never leaves this module except in the `X-API-Key` header.

use std::time::Duration;

use axum::http::{HeaderValue, StatusCode};
use bytes::Bytes;
use secrecy::{ExposeSecret, SecretString};

use crate::error::ProxyError;

/// An upstream answer: status, the headers the proxy uses, and the raw body.
#[derive(Debug, Clone)]
pub struct UpstreamResponse {
    /// HTTP status.
    pub status: StatusCode,
    /// `Cache-Control`, if sent.
    pub cache_control: Option<String>,
    /// `Retry-After` seconds, if sent.
    pub retry_after: Option<u64>,
    /// Body bytes, untouched.
    pub body: Bytes,
}

/// The Amigo API client.
#[derive(Clone)]
pub struct AmigoClient {
    http: reqwest::Client,
    base: String,
    token: SecretString,
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
        Ok(Self {
            http,
            base: base.trim_end_matches('/').to_owned(),
            token,
        })
    }

    /// The API base URL.
    pub fn base(&self) -> &str {
        &self.base
    }

    fn token_header(&self) -> Result<HeaderValue, ProxyError> {
        let mut v = HeaderValue::from_str(self.token.expose_secret())
            .map_err(|_| ProxyError::Internal("token is not a valid header value".into()))?;
        v.set_sensitive(true);
        Ok(v)
    }

    /// `GET {base}{path}?{query}` with the token.
    pub async fn get(&self, path: &str, query: &str) -> Result<UpstreamResponse, ProxyError> {
        let url = if query.is_empty() {
            format!("{}{path}", self.base)
        } else {
            format!("{}{path}?{query}", self.base)
        };
        let req = self
            .http
            .get(url)
            .header("X-API-Key", self.token_header()?)
            .header("Accept", "application/json");
        send(req).await
    }

    /// `POST {base}{path}` with the token, a JSON body and extra headers.
    pub async fn post_json(
        &self,
        path: &str,
        body: Vec<u8>,
        headers: &[(&'static str, &str)],
    ) -> Result<UpstreamResponse, ProxyError> {
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
        send(req).await
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
