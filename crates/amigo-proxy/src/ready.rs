//! Ready-made answers for cached reads: the outermost layer of the router.
//!
//! A cached catalog read is the proxy's hottest request, and its answer is the same bytes and
//! the same headers every time. The first answer for a request target (path and raw query, as
//! the client sent them) and `Origin` goes through the whole stack (routing, request id,
//! tracing, origin guard, CORS, security headers, the handler, the cache); this layer keeps that
//! answer's headers beside the cache entry it came from. Later requests for the same target and
//! origin are answered here, before any other layer runs, for as long as the cache entry is
//! fresh: the kept headers, a fresh `Cache-Control` age, `X-Cache: HIT`, a request id, and the
//! entry's body in the coding the client accepts (or `304` when `If-None-Match` holds its ETag). When the entry expires the next request goes
//! through the stack again, which refreshes the cache (one upstream call however many wait)
//! and keeps the new answer.
//!
//! Only answers a handler marked with [`ReadyBody`] are kept: `200`s from a fresh cache entry.
//! Errors, stale copies served while upstream is down, and anything personal never are.

use std::collections::HashMap;
use std::convert::Infallible;
use std::sync::{Arc, RwLock};
use std::task::{Context, Poll};
use std::time::Instant;

use axum::body::Body;
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, Request, StatusCode, header};
use axum::response::Response;
use futures::future::{BoxFuture, Either, Ready};
use tower::{Layer, Service};

use crate::cache::CachedBody;
use crate::encoding::Coding;

/// Most request targets kept. Raw queries come from clients, so the map is bounded; expired
/// entries go first, then an arbitrary quarter.
pub const MAX_TARGETS: usize = 1024;

/// Left on a response by a handler whose answer may be kept and replayed: the fresh cache
/// entry it was made from.
#[derive(Debug, Clone)]
pub struct ReadyBody(pub Arc<CachedBody>);

/// Makes the `X-Request-Id` of an answer given here: the same ids the router's request-id
/// layer gives.
pub trait RequestIds: Clone + Send + Sync + 'static {
    /// A new id.
    fn next_id(&self) -> Option<HeaderValue>;
}

/// One kept answer: the headers as the full stack made them, minus those that change per
/// request, and the cache entry with the body.
#[derive(Debug)]
struct Kept {
    origin: Option<HeaderValue>,
    headers: HeaderMap,
    entry: Arc<CachedBody>,
}

/// Request target → its kept answers, one per `Origin` (one per allowed origin, plus none).
type ByTarget = HashMap<Box<str>, Vec<Arc<Kept>>>;

/// The kept answers.
#[derive(Debug, Clone, Default)]
pub struct ReadyAnswers {
    inner: Arc<RwLock<ByTarget>>,
}

/// Headers not kept: they are set per answer.
const PER_ANSWER: [HeaderName; 6] = [
    header::CONTENT_ENCODING,
    header::CONTENT_LENGTH,
    header::CACHE_CONTROL,
    header::DATE,
    HeaderName::from_static("x-request-id"),
    HeaderName::from_static("x-cache"),
];

impl ReadyAnswers {
    /// The kept answer for `req`, if there is a fresh one.
    pub fn answer<I: RequestIds>(&self, req: &Request<Body>, ids: &I) -> Option<Response> {
        let target = req.uri().path_and_query()?.as_str();
        let origin = req.headers().get(header::ORIGIN);
        let kept = {
            let map = self.inner.read().unwrap_or_else(|e| e.into_inner());
            map.get(target)?
                .iter()
                .find(|k| k.origin.as_ref() == origin)?
                .clone()
        };
        if kept.entry.expires <= Instant::now() {
            return None;
        }
        let not_modified = kept.entry.body.not_modified(req.headers());
        let (coding, body) = if not_modified {
            (Coding::Identity, Body::empty())
        } else {
            let (coding, bytes) = kept.entry.body.pick(Coding::preferred(req.headers()));
            (coding, Body::from(bytes))
        };
        let mut resp = Response::new(body);
        if not_modified {
            *resp.status_mut() = StatusCode::NOT_MODIFIED;
        }
        let h = resp.headers_mut();
        h.clone_from(&kept.headers);
        if let Some(v) = coding.header_value() {
            h.insert(header::CONTENT_ENCODING, v);
        }
        h.insert(header::CACHE_CONTROL, max_age(kept.entry.remaining_secs()));
        h.insert("x-cache", HeaderValue::from_static("HIT"));
        // a client's own request id is kept, as the request-id layer does
        let id = req
            .headers()
            .get("x-request-id")
            .cloned()
            .or_else(|| ids.next_id());
        if let Some(id) = id {
            h.insert("x-request-id", id);
        }
        Some(resp)
    }

    /// Keeps `resp` for `target` and `origin` if its handler marked it [`ReadyBody`].
    pub fn keep(&self, target: &str, origin: Option<HeaderValue>, resp: &Response) {
        if resp.status() != StatusCode::OK || resp.headers().contains_key(header::SET_COOKIE) {
            return;
        }
        let Some(ReadyBody(entry)) = resp.extensions().get::<ReadyBody>() else {
            return;
        };
        let mut headers = resp.headers().clone();
        for name in &PER_ANSWER {
            headers.remove(name);
        }
        let kept = Arc::new(Kept {
            origin,
            headers,
            entry: entry.clone(),
        });
        let mut map = self.inner.write().unwrap_or_else(|e| e.into_inner());
        if !map.contains_key(target) && map.len() >= MAX_TARGETS {
            evict(&mut map);
        }
        let list = map.entry(target.into()).or_default();
        list.retain(|k| k.origin != kept.origin);
        list.push(kept);
    }

    /// Number of request targets with a kept answer.
    pub fn len(&self) -> usize {
        self.inner.read().unwrap_or_else(|e| e.into_inner()).len()
    }

    /// Number of kept answers still fresh (all origins).
    pub fn fresh(&self) -> usize {
        let now = Instant::now();
        let map = self.inner.read().unwrap_or_else(|e| e.into_inner());
        map.values()
            .flatten()
            .filter(|k| k.entry.expires > now)
            .count()
    }

    /// Whether nothing is kept.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// `public, max-age=N`.
fn max_age(secs: u64) -> HeaderValue {
    HeaderValue::try_from(format!("public, max-age={secs}"))
        .unwrap_or_else(|_| HeaderValue::from_static("no-store"))
}

/// Drops targets whose answers have all expired, then an arbitrary quarter if still full.
fn evict(map: &mut ByTarget) {
    let now = Instant::now();
    map.retain(|_, list| {
        list.retain(|k| k.entry.expires > now);
        !list.is_empty()
    });
    if map.len() >= MAX_TARGETS {
        let doomed: Vec<Box<str>> = map.keys().take(MAX_TARGETS / 4).cloned().collect();
        for k in doomed {
            map.remove(&k);
        }
    }
}

/// The layer: answers from [`ReadyAnswers`] when it can, and keeps what the stack answers.
#[derive(Clone)]
pub struct ReadyLayer<I> {
    answers: ReadyAnswers,
    ids: I,
}

impl<I> ReadyLayer<I> {
    /// A layer over `answers`, giving request ids from `ids`.
    pub fn new(answers: ReadyAnswers, ids: I) -> Self {
        Self { answers, ids }
    }
}

impl<S, I: Clone> Layer<S> for ReadyLayer<I> {
    type Service = ReadyService<S, I>;

    fn layer(&self, inner: S) -> Self::Service {
        ReadyService {
            inner,
            answers: self.answers.clone(),
            ids: self.ids.clone(),
        }
    }
}

/// See [`ReadyLayer`].
#[derive(Clone)]
pub struct ReadyService<S, I> {
    inner: S,
    answers: ReadyAnswers,
    ids: I,
}

impl<S, I> Service<Request<Body>> for ReadyService<S, I>
where
    S: Service<Request<Body>, Response = Response, Error = Infallible> + Send + 'static,
    S::Future: Send + 'static,
    I: RequestIds,
{
    type Response = Response;
    type Error = Infallible;
    type Future = Either<
        Ready<Result<Response, Infallible>>,
        BoxFuture<'static, Result<Response, Infallible>>,
    >;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: Request<Body>) -> Self::Future {
        let candidate = req.method() == Method::GET && req.uri().path().starts_with("/api/");
        if !candidate {
            return Either::Right(Box::pin(self.inner.call(req)));
        }
        if let Some(resp) = self.answers.answer(&req, &self.ids) {
            return Either::Left(futures::future::ready(Ok(resp)));
        }
        let target = req.uri().path_and_query().map(|pq| pq.as_str().to_owned());
        let origin = req.headers().get(header::ORIGIN).cloned();
        let answers = self.answers.clone();
        let fut = self.inner.call(req);
        Either::Right(Box::pin(async move {
            let resp = fut.await?;
            if let Some(target) = target {
                answers.keep(&target, origin, &resp);
            }
            Ok(resp)
        }))
    }
}
