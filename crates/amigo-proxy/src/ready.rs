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
//!
//! Request targets and `Origin` headers come from clients, so what is kept is bounded: answers
//! only for no `Origin` or an allowed origin in its canonical form (a padded or otherwise
//! spelled `Origin` is canonicalised first, and one that is not exactly an allowed origin is
//! neither answered nor kept here: the stack refuses it), at most [`MAX_PER_TARGET`] answers per
//! target, and at most the targets and bytes of [`ReadyLimits`] in all.

use std::collections::{HashMap, HashSet};
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

/// Most request targets kept by default. Raw queries come from clients, so the map is bounded;
/// expired entries go first, then arbitrary ones.
pub(crate) const MAX_TARGETS: usize = 1024;
/// Most answers kept for one request target (one per allowed origin, plus none).
pub(crate) const MAX_PER_TARGET: usize = 8;
/// Most bytes kept by default (bodies, kept headers and targets together).
pub(crate) const MAX_BYTES: usize = 32 * 1024 * 1024;

/// How much [`ReadyAnswers`] keeps in all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReadyLimits {
    /// Most request targets.
    pub targets: usize,
    /// Most bytes: each answer's body (as received), kept headers and target.
    pub bytes: usize,
}

impl Default for ReadyLimits {
    fn default() -> Self {
        Self {
            targets: MAX_TARGETS,
            bytes: MAX_BYTES,
        }
    }
}

/// Left on a response by a handler whose answer may be kept and replayed: the fresh cache
/// entry it was made from.
#[derive(Debug, Clone)]
pub(crate) struct ReadyBody(pub Arc<CachedBody>);

/// Makes the `X-Request-Id` of an answer given here: the same ids the router's request-id
/// layer gives.
pub trait RequestIds: Clone + Send + Sync + 'static {
    fn next_id(&self) -> Option<HeaderValue>;
}

/// One kept answer: the headers as the full stack made them, minus those that change per
/// request, and the cache entry with the body.
#[derive(Debug)]
struct Kept {
    origin: Option<HeaderValue>,
    headers: HeaderMap,
    entry: Arc<CachedBody>,
    /// What it counts against [`ReadyLimits::bytes`].
    bytes: usize,
}

/// Request target → its kept answers, one per `Origin` (one per allowed origin, plus none).
type ByTarget = HashMap<Box<str>, Vec<Arc<Kept>>>;

/// The map and what it holds in all.
#[derive(Debug, Default)]
struct Shelf {
    map: ByTarget,
    bytes: usize,
}

/// The kept answers.
#[derive(Debug, Clone, Default)]
pub struct ReadyAnswers {
    inner: Arc<RwLock<Shelf>>,
    /// Allowed origins in canonical form; answers for any other `Origin` are never kept.
    origins: Arc<HashSet<String>>,
    limits: ReadyLimits,
}

/// Where a request's `Origin` stands for the ready-made path.
enum OriginStand {
    /// No `Origin` header.
    Absent,
    /// An allowed origin, canonical.
    Allowed(HeaderValue),
    /// Anything else: left to the stack, which refuses it.
    Other,
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
    /// Answers kept for no `Origin` and for `origins` (canonical, as
    /// [`crate::config::canonical_origin`] makes them), within `limits`.
    pub fn new(origins: impl IntoIterator<Item = String>, limits: ReadyLimits) -> Self {
        Self {
            inner: Arc::default(),
            origins: Arc::new(origins.into_iter().collect()),
            limits,
        }
    }

    /// Where the request's `Origin` stands; an allowed one in another spelling is rewritten to
    /// the canonical form, so the stack and the kept answers see one value.
    fn origin_stand(&self, req: &mut Request<Body>) -> OriginStand {
        let Some(raw) = req.headers().get(header::ORIGIN) else {
            return OriginStand::Absent;
        };
        let Ok(raw) = raw.to_str() else {
            return OriginStand::Other;
        };
        // the usual case, a browser's exact origin, without parsing it
        if self.origins.contains(raw) {
            return HeaderValue::from_str(raw).map_or(OriginStand::Other, OriginStand::Allowed);
        }
        let canonical = crate::config::canonical_origin(raw)
            .filter(|c| self.origins.contains(c))
            .and_then(|c| HeaderValue::from_str(&c).ok());
        match canonical {
            Some(v) => {
                req.headers_mut().insert(header::ORIGIN, v.clone());
                OriginStand::Allowed(v)
            }
            None => OriginStand::Other,
        }
    }

    /// The kept answer for `req`, if there is a fresh one.
    pub fn answer<I: RequestIds>(&self, req: &Request<Body>, ids: &I) -> Option<Response> {
        let target = req.uri().path_and_query()?.as_str();
        let origin = req.headers().get(header::ORIGIN);
        let kept = {
            let shelf = self.inner.read().unwrap_or_else(|e| e.into_inner());
            shelf
                .map
                .get(target)?
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

    /// Keeps `resp` for `target` and `origin` if its handler marked it [`ReadyBody`] and the
    /// origin is none or an allowed one in canonical form.
    pub fn keep(&self, target: &str, origin: Option<HeaderValue>, resp: &Response) {
        if resp.status() != StatusCode::OK || resp.headers().contains_key(header::SET_COOKIE) {
            return;
        }
        if origin
            .as_ref()
            .is_some_and(|o| o.to_str().map_or(true, |o| !self.origins.contains(o)))
        {
            return;
        }
        let Some(ReadyBody(entry)) = resp.extensions().get::<ReadyBody>() else {
            return;
        };
        let mut headers = resp.headers().clone();
        for name in &PER_ANSWER {
            headers.remove(name);
        }
        let header_bytes: usize = headers
            .iter()
            .map(|(k, v)| k.as_str().len() + v.len())
            .sum();
        let bytes = target.len() + header_bytes + entry.body.identity().len();
        // one answer may take at most a sixteenth of the room, so a few cannot crowd out all
        if bytes > self.limits.bytes / 16 {
            return;
        }
        let kept = Arc::new(Kept {
            origin,
            headers,
            entry: entry.clone(),
            bytes,
        });
        let mut shelf = self.inner.write().unwrap_or_else(|e| e.into_inner());
        let shelf = &mut *shelf;
        if let Some(list) = shelf.map.get_mut(target) {
            let before = list.len();
            list.retain(|k| {
                let same = k.origin == kept.origin;
                if same {
                    shelf.bytes -= k.bytes;
                }
                !same
            });
            if list.len() == before && list.len() >= MAX_PER_TARGET {
                let oldest = list.remove(0);
                shelf.bytes -= oldest.bytes;
            }
        }
        let new_target = !shelf.map.contains_key(target);
        if (new_target && shelf.map.len() >= self.limits.targets)
            || shelf.bytes + bytes > self.limits.bytes
        {
            evict(shelf, &self.limits, bytes);
        }
        shelf.bytes += bytes;
        shelf.map.entry(target.into()).or_default().push(kept);
    }

    /// Number of request targets with a kept answer.
    pub fn len(&self) -> usize {
        self.inner
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .map
            .len()
    }

    /// Number of kept answers (all targets and origins, fresh or not).
    pub fn answers(&self) -> usize {
        let shelf = self.inner.read().unwrap_or_else(|e| e.into_inner());
        shelf.map.values().map(Vec::len).sum()
    }

    /// Bytes the kept answers count against [`ReadyLimits::bytes`].
    pub fn bytes(&self) -> usize {
        self.inner.read().unwrap_or_else(|e| e.into_inner()).bytes
    }

    /// Number of kept answers still fresh (all origins).
    pub fn fresh(&self) -> usize {
        let now = Instant::now();
        let shelf = self.inner.read().unwrap_or_else(|e| e.into_inner());
        shelf
            .map
            .values()
            .flatten()
            .filter(|k| k.entry.expires > now)
            .count()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// `public, max-age=N`.
fn max_age(secs: u64) -> HeaderValue {
    HeaderValue::try_from(format!("public, max-age={secs}"))
        .unwrap_or_else(|_| HeaderValue::from_static("no-store"))
}

/// Makes room for one more target and `incoming` bytes: drops expired answers, then arbitrary
/// targets (at least a quarter of the target limit, when that is what is short).
fn evict(shelf: &mut Shelf, limits: &ReadyLimits, incoming: usize) {
    let now = Instant::now();
    let mut freed = 0;
    shelf.map.retain(|_, list| {
        list.retain(|k| {
            let fresh = k.entry.expires > now;
            if !fresh {
                freed += k.bytes;
            }
            fresh
        });
        !list.is_empty()
    });
    shelf.bytes -= freed;
    let mut count_short = shelf.map.len() >= limits.targets;
    let mut to_drop = if count_short { limits.targets / 4 } else { 0 };
    while count_short || to_drop > 0 || shelf.bytes + incoming > limits.bytes {
        let Some(doomed) = shelf.map.keys().next().cloned() else {
            break;
        };
        if let Some(list) = shelf.map.remove(&doomed) {
            shelf.bytes -= list.iter().map(|k| k.bytes).sum::<usize>();
        }
        to_drop = to_drop.saturating_sub(1);
        count_short = shelf.map.len() >= limits.targets;
    }
}

/// The layer: answers from [`ReadyAnswers`] when it can, and keeps what the stack answers.
#[derive(Clone)]
pub(crate) struct ReadyLayer<I> {
    answers: ReadyAnswers,
    ids: I,
}

impl<I> ReadyLayer<I> {
    /// A layer over `answers`, giving request ids from `ids`.
    pub(crate) fn new(answers: ReadyAnswers, ids: I) -> Self {
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

    fn call(&mut self, mut req: Request<Body>) -> Self::Future {
        let candidate = req.method() == Method::GET && req.uri().path().starts_with("/api/");
        if !candidate {
            return Either::Right(Box::pin(self.inner.call(req)));
        }
        let origin = match self.answers.origin_stand(&mut req) {
            OriginStand::Absent => None,
            OriginStand::Allowed(origin) => Some(origin),
            // neither answered nor kept here: the stack refuses it
            OriginStand::Other => return Either::Right(Box::pin(self.inner.call(req))),
        };
        if let Some(resp) = self.answers.answer(&req, &self.ids) {
            return Either::Left(futures::future::ready(Ok(resp)));
        }
        let target = req.uri().path_and_query().map(|pq| pq.as_str().to_owned());
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

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use bytes::Bytes;

    use super::*;
    use crate::encoding::Encoded;

    fn answer(body_len: usize) -> Response {
        let body = Bytes::from(vec![b'x'; body_len]);
        let entry = Arc::new(CachedBody {
            body: Encoded::new(body.clone()),
            upstream: body,
            expires: Instant::now() + Duration::from_secs(60),
        });
        let mut resp = Response::new(Body::empty());
        resp.extensions_mut().insert(ReadyBody(entry));
        resp
    }

    #[test]
    fn kept_answers_stay_within_the_byte_and_target_limits() {
        let limits = ReadyLimits {
            targets: 100,
            bytes: 64 * 1024,
        };
        let answers = ReadyAnswers::new(["https://shop.example.com".to_owned()], limits);
        for i in 0..1000 {
            answers.keep(&format!("/api/catalog/products?q={i}"), None, &answer(2048));
            assert!(answers.bytes() <= limits.bytes, "{}", answers.bytes());
            assert!(answers.len() <= limits.targets);
        }
        assert!(
            answers.answers() >= 16,
            "room is used: {}",
            answers.answers()
        );
        // the bytes counted are the bytes held
        let before = answers.bytes();
        answers.keep("/api/catalog/products?q=0", None, &answer(2048));
        answers.keep("/api/catalog/products?q=0", None, &answer(2048));
        assert!(answers.bytes() <= limits.bytes && answers.bytes() >= before - 4096);
        // one answer larger than a sixteenth of the room is not kept
        let n = answers.answers();
        answers.keep("/api/catalog/big", None, &answer(limits.bytes / 8));
        assert_eq!(answers.answers(), n);
        // many small targets: the count limit holds
        for i in 0..1000 {
            answers.keep(&format!("/s?{i}"), None, &answer(1));
        }
        assert!(answers.len() <= limits.targets);
    }

    #[test]
    fn only_no_origin_or_an_allowed_canonical_origin_is_kept() {
        let answers = ReadyAnswers::new(
            ["https://shop.example.com".to_owned()],
            ReadyLimits::default(),
        );
        for origin in [
            "https://shop.example.com/",
            "https://shop.example.com////",
            "https://SHOP.example.com",
            "https://evil.example",
        ] {
            answers.keep("/t", Some(HeaderValue::from_static(origin)), &answer(10));
        }
        assert_eq!(answers.answers(), 0);
        answers.keep(
            "/t",
            Some(HeaderValue::from_static("https://shop.example.com")),
            &answer(10),
        );
        answers.keep("/t", None, &answer(10));
        answers.keep("/t", None, &answer(10));
        assert_eq!(answers.answers(), 2);
    }
}
