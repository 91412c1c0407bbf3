//! Cross-cutting request handling: the client IP, the browser `Origin` allow-list, the
//! envelope on body-limit rejections, security headers and the request-id tracing span.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use axum::extract::{ConnectInfo, FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use tower_http::request_id::{MakeRequestId, RequestId};

use crate::config::canonical_origin;
use crate::error::ProxyError;
use crate::ready::RequestIds;
use crate::state::AppState;

/// Largest request body accepted.
pub(crate) const MAX_BODY_BYTES: usize = 64 * 1024;

/// The client's IP: the connection's peer (unspecified when served without connect info), or,
/// when that peer is a trusted reverse proxy, the rightmost `X-Forwarded-For` entry that is not
/// itself a trusted proxy.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ClientIp(pub IpAddr);

impl FromRequestParts<AppState> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |c| c.0.ip());
        Ok(ClientIp(client_ip(
            peer,
            &parts.headers,
            &state.config().trusted_proxies,
        )))
    }
}

/// See [`ClientIp`]. Every address is canonical (`::ffff:a.b.c.d` is `a.b.c.d`), in the
/// peer, the forwarded hops and the trusted list alike, so one client has one address whichever
/// way a dual-stack socket or a proxy writes it.
pub(crate) fn client_ip(
    peer: IpAddr,
    headers: &axum::http::HeaderMap,
    trusted: &[IpAddr],
) -> IpAddr {
    let peer = peer.to_canonical();
    let is_trusted = |ip: IpAddr| trusted.iter().any(|t| t.to_canonical() == ip);
    if !is_trusted(peer) {
        return peer;
    }
    let hops: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .collect();
    for hop in hops.into_iter().rev() {
        match hop.trim().parse::<IpAddr>().map(|ip| ip.to_canonical()) {
            Ok(ip) if is_trusted(ip) => continue,
            Ok(ip) => return ip,
            // Garbage where an address should be: believe nothing further left.
            Err(_) => return peer,
        }
    }
    peer
}

/// Refuses API calls whose browser `Origin` is not allowed (403 in the envelope): only an
/// origin whose canonical form ([`canonical_origin`]) is on the allow-list passes, and the
/// header goes on in that form, so CORS and everything after see one spelling. Requests without
/// an `Origin` (same-origin GETs, servers, curl) pass.
pub(crate) async fn origin_guard(
    State(state): State<AppState>,
    mut req: Request,
    next: Next,
) -> Response {
    if let Some(origin) = req.headers().get(header::ORIGIN) {
        let allowed = allowed_origin(&state, origin);
        let Some(canonical) = allowed else {
            tracing::warn!(origin = ?origin, "refused a request from a foreign origin");
            return ProxyError::OriginNotAllowed.into_response();
        };
        req.headers_mut().insert(header::ORIGIN, canonical);
    }
    next.run(req).await
}

/// `origin` in its canonical form, if that form is allowed.
pub(crate) fn allowed_origin(state: &AppState, origin: &HeaderValue) -> Option<HeaderValue> {
    let raw = origin.to_str().ok()?;
    // the usual case, a browser's exact origin, without parsing it
    if state.origin_allowed(raw) {
        return Some(origin.clone());
    }
    let canonical = canonical_origin(raw)?;
    if !state.origin_allowed(&canonical) {
        return None;
    }
    HeaderValue::from_str(&canonical).ok()
}

/// Turns the bare refusals of the layers into the documented envelope: a 413 from the body
/// limit, a 408 from the request timeout, a 400 from a body that could not be read (it
/// stalled past `AMIGO_BODY_TIMEOUT_SECS`, or broke off).
pub(crate) async fn envelope_bare_refusals(req: Request, next: Next) -> Response {
    let resp = next.run(req).await;
    let bare = resp
        .headers()
        .get(header::CONTENT_TYPE)
        .is_none_or(|v| !v.as_bytes().starts_with(b"application/json"));
    // a framework rejection is plain text; the console's own error pages are HTML
    let plain = resp
        .headers()
        .get(header::CONTENT_TYPE)
        .is_none_or(|v| v.as_bytes().starts_with(b"text/plain"));
    match resp.status() {
        StatusCode::PAYLOAD_TOO_LARGE if bare => ProxyError::PayloadTooLarge.into_response(),
        StatusCode::REQUEST_TIMEOUT if bare => {
            tracing::warn!("a request took longer than AMIGO_REQUEST_TIMEOUT_SECS");
            ProxyError::RequestTimeout.into_response()
        }
        StatusCode::BAD_REQUEST if plain => (
            StatusCode::BAD_REQUEST,
            axum::Json(amigo_types::envelope::ErrorBody::new(
                "bad_request",
                "The request could not be read: its body was cut off or stopped arriving. Send it again.",
            )),
        )
            .into_response(),
        _ => resp,
    }
}

/// Security headers on every response (kept if a handler set its own).
pub(crate) async fn security_headers(req: Request, next: Next) -> Response {
    let is_api = req.uri().path().starts_with("/api/") || req.uri().path() == "/healthz";
    let mut resp = next.run(req).await;
    let h = resp.headers_mut();
    let mut set = |name: header::HeaderName, value: &'static str| {
        h.entry(name).or_insert(HeaderValue::from_static(value));
    };
    set(header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(header::REFERRER_POLICY, "strict-origin-when-cross-origin");
    set(header::X_FRAME_OPTIONS, "SAMEORIGIN");
    set(
        header::HeaderName::from_static("permissions-policy"),
        "camera=(), microphone=(), geolocation=(), payment=()",
    );
    set(
        header::HeaderName::from_static("cross-origin-opener-policy"),
        "same-origin",
    );
    if is_api {
        set(
            header::CONTENT_SECURITY_POLICY,
            "default-src 'none'; frame-ancestors 'none'",
        );
    } else {
        set(header::CONTENT_SECURITY_POLICY, "frame-ancestors 'self'");
    }
    resp
}

/// Request ids `{process prefix}-{counter}`: unique per process (the 64-bit random prefix tells
/// instances and restarts apart) without a call to the OS random source per request, which a
/// UUID v4 makes.
#[derive(Clone)]
pub struct CountingRequestId {
    prefix: Arc<str>,
    next: Arc<AtomicU64>,
}

impl CountingRequestId {
    /// A generator with a fresh random prefix.
    pub fn new() -> Self {
        Self {
            prefix: format!("{:016x}", rand::random::<u64>()).into(),
            next: Arc::new(AtomicU64::new(1)),
        }
    }
}

impl Default for CountingRequestId {
    fn default() -> Self {
        Self::new()
    }
}

impl MakeRequestId for CountingRequestId {
    fn make_request_id<B>(&mut self, _: &axum::http::Request<B>) -> Option<RequestId> {
        self.next_id().map(RequestId::new)
    }
}

impl RequestIds for CountingRequestId {
    fn next_id(&self) -> Option<HeaderValue> {
        let n = self.next.fetch_add(1, Ordering::Relaxed);
        HeaderValue::from_str(&format!("{}-{n:x}", self.prefix)).ok()
    }
}

/// The span of one request: method, path (never the query: it may hold a phone number) and
/// the request id.
pub(crate) fn request_span(req: &axum::http::Request<axum::body::Body>) -> tracing::Span {
    let request_id = req
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("-");
    tracing::info_span!(
        "request",
        method = %req.method(),
        path = %req.uri().path(),
        request_id = %request_id,
    )
}

/// Whether a response earns an INFO line. Successes do not: a hot cached catalog read must not
/// cost a log write at the default `RUST_LOG=info` (order placement and webhooks log their own
/// INFO lines); failures (4xx, 5xx) do, so they stay visible.
pub(crate) fn response_logged_at_info(status: StatusCode) -> bool {
    status.is_client_error() || status.is_server_error()
}

/// The per-request response line (see [`response_logged_at_info`]): status and latency, inside
/// the request span.
pub(crate) fn log_response<B>(
    resp: &axum::http::Response<B>,
    latency: std::time::Duration,
    _span: &tracing::Span,
) {
    let status = resp.status().as_u16();
    let latency_ms = latency.as_secs_f64() * 1000.0;
    if response_logged_at_info(resp.status()) {
        tracing::info!(status, latency_ms, "finished processing request");
    } else {
        tracing::debug!(status, latency_ms, "finished processing request");
    }
}

/// Logs the refusals handlers left a [`RefusalNote`](crate::error::RefusalNote) on, for the
/// merchant console, off the request path and within the log's own rate limit.
pub(crate) async fn note_refusals(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    req: Request,
    next: Next,
) -> Response {
    // a `Uri` clone shares its bytes: nothing is copied on the (usual) path with no refusal
    let uri = req.uri().clone();
    let resp = next.run(req).await;
    if let Some(note) = resp
        .extensions()
        .get::<crate::error::RefusalNote>()
        .cloned()
        && state.limits().may_log_refusal()
    {
        let route: String = uri.path().chars().take(64).collect();
        let state = state.clone();
        tokio::spawn(async move {
            if let Err(e) = state
                .store()
                .record_refusal(note.code, &route, &ip.to_string(), &note.detail)
                .await
            {
                tracing::warn!(error = %e, "could not log a refusal");
            }
        });
    }
    resp
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_failures_are_logged_at_info() {
        for ok in [
            StatusCode::OK,
            StatusCode::CREATED,
            StatusCode::NOT_MODIFIED,
        ] {
            assert!(!response_logged_at_info(ok), "{ok}");
        }
        for bad in [
            StatusCode::BAD_REQUEST,
            StatusCode::TOO_MANY_REQUESTS,
            StatusCode::BAD_GATEWAY,
            StatusCode::SERVICE_UNAVAILABLE,
        ] {
            assert!(response_logged_at_info(bad), "{bad}");
        }
    }

    #[test]
    fn forwarded_for_only_from_trusted_proxies() {
        let proxy: IpAddr = "10.0.0.1".parse().unwrap();
        let shopper: IpAddr = "41.58.1.2".parse().unwrap();
        let mut h = axum::http::HeaderMap::new();
        h.insert(
            "x-forwarded-for",
            "1.1.1.1, 41.58.1.2, 10.0.0.1".parse().unwrap(),
        );
        assert_eq!(client_ip(proxy, &h, &[proxy]), shopper);
        // an untrusted peer's header is ignored
        assert_eq!(client_ip(shopper, &h, &[proxy]), shopper);
        assert_eq!(client_ip(proxy, &h, &[]), proxy);
        // no header: the peer
        assert_eq!(
            client_ip(proxy, &axum::http::HeaderMap::new(), &[proxy]),
            proxy
        );
    }

    #[test]
    fn ipv4_mapped_addresses_are_their_ipv4_address() {
        let mapped: IpAddr = "::ffff:10.0.0.1".parse().unwrap();
        let proxy: IpAddr = "10.0.0.1".parse().unwrap();
        let none = axum::http::HeaderMap::new();
        assert_eq!(client_ip(mapped, &none, &[]), proxy);
        let mut h = axum::http::HeaderMap::new();
        h.insert("x-forwarded-for", "::ffff:41.58.1.2".parse().unwrap());
        // a trusted proxy written either way is trusted, and the hop is canonical too
        let shopper: IpAddr = "41.58.1.2".parse().unwrap();
        assert_eq!(client_ip(mapped, &h, &[proxy]), shopper);
        assert_eq!(client_ip(proxy, &h, &[mapped]), shopper);
    }
}
