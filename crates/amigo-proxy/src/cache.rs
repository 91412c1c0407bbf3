//! The catalog cache: upstream `200` bodies kept in memory for as long as their
//! `Cache-Control` allows (60 s when it says nothing), one upstream call for any number of
//! concurrent identical misses, and the stale copy served when upstream fails. Upstream `404`s
//! are remembered for [`NOT_FOUND_TTL`], so asking again and again for a product that does not
//! exist costs the merchant's Amigo rate limit once, not every time.

use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use amigo_types::pricing::PriceRule;
use axum::http::StatusCode;
use bytes::Bytes;
use futures::FutureExt;
use futures::future::{BoxFuture, Shared};

use crate::encoding::Encoded;
use crate::error::ProxyError;
use crate::upstream::{UpstreamResponse, classify_failure};

/// Lifetime when upstream sends no `max-age`.
pub(crate) const DEFAULT_TTL: Duration = Duration::from_secs(60);
/// Longest lifetime honoured, whatever upstream says.
pub(crate) const MAX_TTL: Duration = Duration::from_secs(3600);
/// How long an expired copy is kept to serve when upstream fails.
pub(crate) const STALE_FOR: Duration = Duration::from_secs(24 * 3600);
/// Most entries kept; the oldest go first beyond it.
pub(crate) const MAX_ENTRIES: usize = 4096;
/// How long an upstream `404` is answered from memory. Short, so a product the platform adds
/// shows up soon; long enough that a flood of lookups of unknown ids reaches Amigo once.
pub(crate) const NOT_FOUND_TTL: Duration = Duration::from_secs(30);
/// Most remembered `404`s; beyond it the expired go, then all of them (they are cheap to relearn).
pub(crate) const MAX_NOT_FOUND: usize = 16_384;

/// How a response was produced, for the `X-Cache` header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CacheStatus {
    /// Served from a fresh copy.
    Hit,
    /// Fetched from upstream (by this request or one it joined).
    Miss,
    /// Upstream failed; an expired copy was served.
    Stale,
    /// Upstream said not to store it.
    Bypass,
}

impl CacheStatus {
    /// Header value.
    pub fn as_str(self) -> &'static str {
        match self {
            CacheStatus::Hit => "HIT",
            CacheStatus::Miss => "MISS",
            CacheStatus::Stale => "STALE",
            CacheStatus::Bypass => "BYPASS",
        }
    }
}

/// A cached upstream body.
#[derive(Debug)]
pub struct CachedBody {
    /// The upstream body, byte for byte, and its compressed forms once a client has asked for
    /// them (made once per entry, not once per request).
    pub body: Encoded,
    /// Amigo's bytes as they arrived: the same as `body` unless a price rule rewrote it at
    /// retail. Kept because the spend guard and the order record need Amigo's price (what the
    /// wallet pays), which the shopper's body no longer says.
    pub upstream: Bytes,
    /// When it stops being fresh.
    pub expires: Instant,
}

impl CachedBody {
    /// Whole seconds of freshness left (for the browser's `max-age`).
    pub fn remaining_secs(&self) -> u64 {
        self.expires
            .saturating_duration_since(Instant::now())
            .as_secs()
    }
}

/// What a cached lookup produced.
#[derive(Debug, Clone)]
pub struct CacheAnswer {
    pub entry: Arc<CachedBody>,
    /// Where it came from.
    pub status: CacheStatus,
}

type Fetch = Shared<BoxFuture<'static, Result<Arc<CachedBody>, Arc<ProxyError>>>>;

#[derive(Default)]
struct Inner {
    entries: HashMap<String, Arc<CachedBody>>,
    /// Keys upstream answered `404` for: the body it sent and when to ask again.
    not_found: HashMap<String, (Bytes, Instant)>,
    inflight: HashMap<String, Fetch>,
}

/// The cache. Cheap to clone; clones share entries.
#[derive(Clone, Default)]
pub struct CatalogCache {
    inner: Arc<Mutex<Inner>>,
}

impl std::fmt::Debug for CatalogCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CatalogCache").finish_non_exhaustive()
    }
}

/// Reads `max-age` (or `s-maxage`) from a `Cache-Control` value; `None` for `no-store` /
/// `no-cache`, the default lifetime when no age is given.
pub(crate) fn ttl_from_cache_control(value: Option<&str>) -> Option<Duration> {
    let Some(value) = value else {
        return Some(DEFAULT_TTL);
    };
    let mut ttl = DEFAULT_TTL;
    let mut shared_age = None;
    for directive in value.split(',').map(|d| d.trim().to_ascii_lowercase()) {
        if directive == "no-store" || directive == "no-cache" {
            return None;
        }
        if let Some(age) = directive.strip_prefix("max-age=") {
            ttl = Duration::from_secs(age.trim_matches('"').parse().ok()?);
        } else if let Some(age) = directive.strip_prefix("s-maxage=") {
            shared_age = Some(Duration::from_secs(age.trim_matches('"').parse().ok()?));
        }
    }
    let ttl = shared_age.unwrap_or(ttl).min(MAX_TTL);
    (!ttl.is_zero()).then_some(ttl)
}

/// The error a caller gets when upstream answered but not with a 200.
fn failure(resp: UpstreamResponse) -> ProxyError {
    classify_failure(resp)
}

impl CatalogCache {
    /// A fresh copy of `key`, if any.
    fn fresh(&self, key: &str) -> Option<Arc<CachedBody>> {
        let inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        inner
            .entries
            .get(key)
            .filter(|e| e.expires > Instant::now())
            .cloned()
    }

    /// Whether `key` has a fresh copy (answering it costs no upstream call).
    pub fn is_fresh(&self, key: &str) -> bool {
        self.fresh(key).is_some() || self.known_missing(key).is_some()
    }

    /// Upstream's recent `404` for `key`, if it answered one less than [`NOT_FOUND_TTL`] ago.
    fn known_missing(&self, key: &str) -> Option<ProxyError> {
        let inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        let (body, until) = inner.not_found.get(key)?;
        (*until > Instant::now()).then(|| ProxyError::Passthrough {
            status: StatusCode::NOT_FOUND,
            body: body.clone(),
            retry_after: None,
        })
    }

    fn stale(&self, key: &str) -> Option<Arc<CachedBody>> {
        let inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        inner
            .entries
            .get(key)
            .filter(|e| e.expires + STALE_FOR > Instant::now())
            .cloned()
    }

    /// Answers `key` from the cache, or through `fetch` (one call for all concurrent misses of
    /// the same key). An upstream 5xx, timeout or transport failure falls back to the stale
    /// copy if there is one; upstream 4xx answers are passed on, and only a `404` is remembered (briefly).
    pub async fn get_or_fetch<F, Fut>(&self, key: &str, fetch: F) -> Result<CacheAnswer, ProxyError>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<UpstreamResponse, ProxyError>> + Send + 'static,
    {
        self.get_or_fetch_priced(key, PriceRule::none(), fetch)
            .await
    }

    /// [`Self::get_or_fetch`] for a catalog body: its products are stored at `rule`'s retail
    /// prices (once, as the body enters the cache), Amigo's bytes kept beside them. A body the
    /// rule cannot read is a failed fetch (the stale copy, if any, is served), never Amigo's
    /// prices.
    pub async fn get_or_fetch_priced<F, Fut>(
        &self,
        key: &str,
        rule: PriceRule,
        fetch: F,
    ) -> Result<CacheAnswer, ProxyError>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<UpstreamResponse, ProxyError>> + Send + 'static,
    {
        if let Some(entry) = self.fresh(key) {
            return Ok(CacheAnswer {
                entry,
                status: CacheStatus::Hit,
            });
        }
        if let Some(missing) = self.known_missing(key) {
            return Err(missing);
        }
        let shared = {
            let mut inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
            // Re-check under the lock: a fetch may have finished since.
            if let Some(entry) = inner
                .entries
                .get(key)
                .filter(|e| e.expires > Instant::now())
            {
                return Ok(CacheAnswer {
                    entry: entry.clone(),
                    status: CacheStatus::Hit,
                });
            }
            if let Some(f) = inner.inflight.get(key) {
                f.clone()
            } else {
                let fut = self.spawn_fetch(key.to_owned(), rule, fetch());
                inner.inflight.insert(key.to_owned(), fut.clone());
                fut
            }
        };
        match shared.await {
            Ok(entry) => {
                let status = if entry.expires > Instant::now() {
                    CacheStatus::Miss
                } else {
                    CacheStatus::Bypass
                };
                Ok(CacheAnswer { entry, status })
            }
            Err(err) => {
                let retry_with_stale = matches!(
                    *err,
                    ProxyError::Upstream(_)
                        | ProxyError::UpstreamTimeout
                        | ProxyError::UpstreamUnavailable { .. }
                );
                if retry_with_stale && let Some(entry) = self.stale(key) {
                    tracing::warn!(error = %err, "upstream failed; serving the stale copy");
                    return Ok(CacheAnswer {
                        entry,
                        status: CacheStatus::Stale,
                    });
                }
                Err(clone_error(&err))
            }
        }
    }

    /// Runs the fetch on its own task (so it completes even if every caller goes away) and
    /// stores the result.
    fn spawn_fetch(
        &self,
        key: String,
        rule: PriceRule,
        fut: impl Future<Output = Result<UpstreamResponse, ProxyError>> + Send + 'static,
    ) -> Fetch {
        let cache = self.clone();
        let handle = tokio::spawn(async move {
            let result = match fut.await {
                Ok(resp) if resp.status == StatusCode::OK => {
                    match crate::retail::retail_body(&rule, &resp.body) {
                        Ok(retail) => {
                            let ttl = ttl_from_cache_control(resp.cache_control.as_deref());
                            let now = Instant::now();
                            let entry = Arc::new(CachedBody {
                                body: Encoded::new(retail),
                                upstream: resp.body,
                                expires: ttl.map_or(now, |t| now + t),
                            });
                            Ok((entry, ttl.is_some()))
                        }
                        Err(e) => Err(Arc::new(e)),
                    }
                }
                Ok(resp) => Err(Arc::new(failure(resp))),
                Err(e) => Err(Arc::new(e)),
            };
            let mut inner = cache.inner.lock().unwrap_or_else(|e| e.into_inner());
            inner.inflight.remove(&key);
            if let Err(e) = &result
                && let ProxyError::Passthrough { status, body, .. } = &**e
                && *status == StatusCode::NOT_FOUND
            {
                remember_missing(&mut inner.not_found, key.clone(), body.clone());
            }
            match result {
                Ok((entry, store)) => {
                    if store {
                        if inner.entries.len() >= MAX_ENTRIES {
                            evict(&mut inner.entries);
                        }
                        inner.entries.insert(key, entry.clone());
                    }
                    Ok(entry)
                }
                Err(e) => Err(e),
            }
        });
        async move {
            handle
                .await
                .unwrap_or_else(|e| Err(Arc::new(ProxyError::Internal(format!("fetch task: {e}")))))
        }
        .boxed()
        .shared()
    }

    /// `path?query` from Amigo through this cache: the one read behind every catalog route and
    /// the first view (`crate::first_view`), so both share entries (the key is `path?query`).
    pub(crate) async fn read(
        &self,
        amigo: &crate::upstream::AmigoClient,
        path: &'static str,
        query: String,
        rule: PriceRule,
    ) -> Result<CacheAnswer, ProxyError> {
        let key = format!("{path}?{query}");
        let amigo = amigo.clone();
        self.get_or_fetch_priced(
            &key,
            rule,
            move || async move { amigo.get(path, &query).await },
        )
        .await
    }

    /// Number of entries held (fresh or stale).
    pub fn len(&self) -> usize {
        self.inner
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .entries
            .len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Remembers upstream's `404` for `key` for [`NOT_FOUND_TTL`], within [`MAX_NOT_FOUND`] keys.
fn remember_missing(not_found: &mut HashMap<String, (Bytes, Instant)>, key: String, body: Bytes) {
    let now = Instant::now();
    if not_found.len() >= MAX_NOT_FOUND {
        not_found.retain(|_, (_, until)| *until > now);
        if not_found.len() >= MAX_NOT_FOUND {
            not_found.clear();
        }
    }
    not_found.insert(key, (body, now + NOT_FOUND_TTL));
}

/// Drops expired-beyond-stale entries, then the oldest quarter if still full.
fn evict(entries: &mut HashMap<String, Arc<CachedBody>>) {
    let now = Instant::now();
    entries.retain(|_, e| e.expires + STALE_FOR > now);
    if entries.len() >= MAX_ENTRIES {
        let mut by_age: Vec<(Instant, String)> = entries
            .iter()
            .map(|(k, e)| (e.expires, k.clone()))
            .collect();
        by_age.sort();
        for (_, k) in by_age.into_iter().take(MAX_ENTRIES / 4) {
            entries.remove(&k);
        }
    }
}

/// Errors are shared between joined callers; each gets its own copy.
fn clone_error(e: &ProxyError) -> ProxyError {
    match e {
        ProxyError::Upstream(m) => ProxyError::Upstream(m.clone()),
        ProxyError::UpstreamTimeout => ProxyError::UpstreamTimeout,
        ProxyError::UpstreamUnavailable { retry_after } => ProxyError::UpstreamUnavailable {
            retry_after: *retry_after,
        },
        ProxyError::UpstreamAuth(s) => ProxyError::UpstreamAuth(*s),
        ProxyError::Passthrough {
            status,
            body,
            retry_after,
        } => ProxyError::Passthrough {
            status: *status,
            body: body.clone(),
            retry_after: *retry_after,
        },
        other => ProxyError::Internal(other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cache_control_lifetimes() {
        assert_eq!(ttl_from_cache_control(None), Some(DEFAULT_TTL));
        assert_eq!(
            ttl_from_cache_control(Some("private, max-age=60")),
            Some(Duration::from_secs(60))
        );
        assert_eq!(
            ttl_from_cache_control(Some("public, max-age=300, s-maxage=30")),
            Some(Duration::from_secs(30))
        );
        assert_eq!(ttl_from_cache_control(Some("no-store")), None);
        assert_eq!(ttl_from_cache_control(Some("max-age=0")), None);
        assert_eq!(ttl_from_cache_control(Some("max-age=99999")), Some(MAX_TTL));
        assert_eq!(ttl_from_cache_control(Some("public")), Some(DEFAULT_TTL));
    }

    fn ok(body: &'static str, cc: Option<&str>) -> UpstreamResponse {
        UpstreamResponse {
            status: StatusCode::OK,
            cache_control: cc.map(str::to_owned),
            retry_after: None,
            body: Bytes::from_static(body.as_bytes()),
        }
    }

    #[tokio::test]
    async fn hit_after_miss_and_stale_on_error() {
        let cache = CatalogCache::default();
        let a = cache
            .get_or_fetch("k", || async { Ok(ok("one", Some("max-age=60"))) })
            .await
            .unwrap();
        assert_eq!(a.status, CacheStatus::Miss);
        let b = cache
            .get_or_fetch("k", || async { Ok(ok("two", None)) })
            .await
            .unwrap();
        assert_eq!(
            (b.status, &b.entry.body.identity()[..]),
            (CacheStatus::Hit, &b"one"[..])
        );
        // expire it by hand, then fail upstream: the stale copy comes back
        {
            let mut inner = cache.inner.lock().unwrap();
            let e = inner.entries.get_mut("k").unwrap();
            *e = Arc::new(CachedBody {
                body: Encoded::new(e.body.identity().clone()),
                upstream: e.upstream.clone(),
                expires: Instant::now() - Duration::from_secs(1),
            });
        }
        let c = cache
            .get_or_fetch("k", || async { Err(ProxyError::UpstreamTimeout) })
            .await
            .unwrap();
        assert_eq!(
            (c.status, &c.entry.body.identity()[..]),
            (CacheStatus::Stale, &b"one"[..])
        );
        // a 4xx is passed on, never replaced by the stale copy
        let d = cache
            .get_or_fetch("k", || async {
                Ok(UpstreamResponse {
                    status: StatusCode::NOT_FOUND,
                    cache_control: None,
                    retry_after: None,
                    body: Bytes::from_static(b"{}"),
                })
            })
            .await
            .unwrap_err();
        assert!(matches!(d, ProxyError::Passthrough { .. }));
        // no copy at all: the failure itself
        let e = cache
            .get_or_fetch("other", || async {
                Err(ProxyError::Upstream("down".into()))
            })
            .await
            .unwrap_err();
        assert!(matches!(e, ProxyError::Upstream(_)));
    }

    #[tokio::test]
    async fn a_priced_entry_keeps_amigos_bytes_beside_the_retail_body() {
        let cache = CatalogCache::default();
        let rule = PriceRule::parse("+100").unwrap();
        let upstream = r#"{"success":true,"data":{"price":{"amount":1000,"display":"₦1,000","currency":"NGN","market":null}}}"#;
        let a = cache
            .get_or_fetch_priced("k", rule, move || async move { Ok(ok(upstream, None)) })
            .await
            .unwrap();
        assert_eq!(&a.entry.upstream[..], upstream.as_bytes());
        assert_eq!(
            crate::retail::product_price(&a.entry.upstream).unwrap(),
            1000
        );
        assert_eq!(
            crate::retail::product_price(a.entry.body.identity()).unwrap(),
            1100
        );
        // an unreadable body under a markup is a failure, not Amigo's prices
        let e = cache
            .get_or_fetch_priced("other", rule, || async { Ok(ok("<html>", None)) })
            .await
            .unwrap_err();
        assert!(matches!(e, ProxyError::Upstream(_)));
    }

    #[tokio::test]
    async fn a_not_found_is_remembered_briefly() {
        let cache = CatalogCache::default();
        let calls = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        for _ in 0..3 {
            let calls = calls.clone();
            let e = cache
                .get_or_fetch("gone", move || async move {
                    calls.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                    Ok(UpstreamResponse {
                        status: StatusCode::NOT_FOUND,
                        cache_control: None,
                        retry_after: None,
                        body: Bytes::from_static(b"{\"error\":\"not_found\"}"),
                    })
                })
                .await
                .unwrap_err();
            assert!(
                matches!(e, ProxyError::Passthrough { status, .. } if status == StatusCode::NOT_FOUND)
            );
        }
        assert_eq!(calls.load(std::sync::atomic::Ordering::SeqCst), 1);
        assert!(cache.is_fresh("gone"));
        // once it has expired, upstream is asked again
        cache
            .inner
            .lock()
            .unwrap()
            .not_found
            .get_mut("gone")
            .unwrap()
            .1 = Instant::now();
        assert!(!cache.is_fresh("gone"));
    }

    #[tokio::test]
    async fn no_store_is_not_kept() {
        let cache = CatalogCache::default();
        let a = cache
            .get_or_fetch("k", || async { Ok(ok("x", Some("no-store"))) })
            .await
            .unwrap();
        assert_eq!(a.status, CacheStatus::Bypass);
        assert!(cache.is_empty());
    }
}
