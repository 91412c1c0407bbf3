//! `GET /api/catalog/{categories,products,curation}`: validated, canonicalised and cached
//! forwards of the Amigo catalog reads. Bodies are the upstream bytes, except that products are
//! at the merchant's retail prices (`AMIGO_PRICE_MARKUP`, rewritten as they enter the cache).

use amigo_types::catalog::{ProductLookup, encode_pairs};
use amigo_types::curation::CurationQuery;
use amigo_types::envelope::ApiError;
use amigo_types::pricing::PriceRule;
use amigo_types::query::QueryPairs;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::cache::CacheStatus;
use crate::encoding::{Precoded, ReadPreferences};
use crate::error::{ProxyError, ProxyResult};
use crate::middleware::ClientIp;
use crate::ready::ReadyBody;
use crate::retail;
use crate::state::AppState;

pub(super) type Pairs = Result<Query<Vec<(String, String)>>, QueryRejection>;

pub(super) fn pairs(raw: Pairs) -> ProxyResult<QueryPairs> {
    let Query(pairs) = raw.map_err(|_| {
        ApiError::invalid(
            "invalid_query",
            "query",
            "the query string could not be decoded",
        )
    })?;
    Ok(QueryPairs::new(pairs))
}

/// All 14 categories with product counts.
#[utoipa::path(
    get,
    path = "/api/catalog/categories",
    tag = "catalog",
    responses(
        (status = 200, description = "Amigo's `GET /api/commerce/categories/` body, unchanged: every category with its product count", body = amigo_types::DataEnvelope<Vec<amigo_types::catalog::Category>>, content_type = "application/json", headers(("ETag" = String, description = "Weak validator of this body, the same in every coding"))),
        (status = 304, description = "Not modified: `If-None-Match` holds this body's `ETag`; no body", headers(("ETag" = String, description = "The validator the client holds"))),
        (status = 403, description = "`origin_not_allowed`: a browser `Origin` that is not the merchant's", body = amigo_types::envelope::ErrorBody, content_type = "application/json"),
        (status = 429, description = "`rate_limited` (with `Retry-After`): this client's reads that the cache cannot answer are over `AMIGO_CATALOG_RATE_PER_IP` this minute; or Amigo's, passed through when nothing is cached", body = amigo_types::envelope::ErrorBody, content_type = "application/json"),
        (status = 502, description = "Amigo failed and nothing is cached (`retryable: true`)", body = amigo_types::envelope::ErrorBody, content_type = "application/json"),
        (status = 503, description = "`upstream_unavailable`: the circuit breaker is open and nothing is cached (`retryable: true`, `Retry-After`)", body = amigo_types::envelope::ErrorBody, content_type = "application/json"),
        (status = 504, description = "Amigo timed out and nothing is cached (`retryable: true`)", body = amigo_types::envelope::ErrorBody, content_type = "application/json"),
    )
)]
pub(crate) async fn categories(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    prefs: ReadPreferences,
) -> ProxyResult<Response> {
    // no prices in categories: the body is served as Amigo sent it
    forward_for(
        &state,
        ip,
        prefs,
        "/commerce/categories/",
        String::new(),
        PriceRule::none(),
    )
    .await
}

/// A product page, or one product by `id` or `slug`.
#[utoipa::path(
    get,
    path = "/api/catalog/products",
    tag = "catalog",
    params(
        ("id" = Option<u64>, Query, description = "One product by id"),
        ("slug" = Option<String>, Query, description = "One product by slug"),
        ("category" = Option<String>, Query, description = "Category slug"),
        ("brand" = Option<String>, Query, description = "`oraimo` or `amigo`"),
        ("in_stock" = Option<bool>, Query, description = "Only in-stock items"),
        ("q" = Option<String>, Query, description = "Free text, ≤ 100 characters"),
        ("sort" = Option<String>, Query, description = "`price_asc`, `price_desc`, `name`, `new` (default)"),
        ("limit" = Option<u32>, Query, description = "1–100, default 20"),
        ("offset" = Option<u64>, Query, description = "Default 0"),
    ),
    responses(
        (status = 200, description = "Amigo's `GET /api/commerce/products/` body with every product's `price` (and its `market` compare-at price) at the merchant's retail price (`AMIGO_PRICE_MARKUP`): a page of products with `pagination` (the list), or `{success, data: product}` (`id` or `slug`)", body = amigo_types::catalog::ProductsResponse, content_type = "application/json", headers(("ETag" = String, description = "Weak validator of this body, the same in every coding"))),
        (status = 304, description = "Not modified: `If-None-Match` holds this body's `ETag`; no body", headers(("ETag" = String, description = "The validator the client holds"))),
        (status = 403, description = "`origin_not_allowed`: a browser `Origin` that is not the merchant's", body = amigo_types::envelope::ErrorBody, content_type = "application/json"),
        (status = 404, description = "`not_found`: no such product", body = amigo_types::envelope::ErrorBody, content_type = "application/json"),
        (status = 422, description = "`invalid_<param>` naming the bad parameter (no upstream call)", body = amigo_types::envelope::ErrorBody, content_type = "application/json"),
        (status = 429, description = "`rate_limited` (with `Retry-After`): this client's reads that the cache cannot answer are over `AMIGO_CATALOG_RATE_PER_IP` this minute; or Amigo's, passed through when nothing is cached", body = amigo_types::envelope::ErrorBody, content_type = "application/json"),
        (status = 502, description = "Amigo failed and nothing is cached", body = amigo_types::envelope::ErrorBody, content_type = "application/json"),
        (status = 503, description = "`upstream_unavailable`: the circuit breaker is open and nothing is cached", body = amigo_types::envelope::ErrorBody, content_type = "application/json"),
        (status = 504, description = "Amigo timed out and nothing is cached", body = amigo_types::envelope::ErrorBody, content_type = "application/json"),
    )
)]
pub(crate) async fn products(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    prefs: ReadPreferences,
    raw: Pairs,
) -> ProxyResult<Response> {
    let canonical = match ProductLookup::parse(&pairs(raw)?)? {
        ProductLookup::ById(id) => format!("id={id}"),
        ProductLookup::BySlug(slug) => encode_pairs(&[("slug".to_owned(), slug)]),
        ProductLookup::List(q) => q.to_query_string(),
    };
    let rule = state.config().price_rule;
    forward_for(&state, ip, prefs, "/commerce/products/", canonical, rule).await
}

/// Curation lists: discover them (no `type`) or fetch one list's products.
#[utoipa::path(
    get,
    path = "/api/catalog/curation",
    tag = "catalog",
    params(
        ("type" = Option<String>, Query, description = "List slug; omit to discover the lists"),
        ("slug" = Option<String>, Query, description = "Alias of `type`"),
        ("limit" = Option<u32>, Query, description = "Override of the list's default size"),
    ),
    responses(
        (status = 200, description = "Amigo's `GET /api/commerce/curation/` body, products at retail prices as in `/api/catalog/products`: the active lists (no `type`), or one list with its token-seeded, in-stock products", body = amigo_types::curation::CurationResponse, content_type = "application/json", headers(("ETag" = String, description = "Weak validator of this body, the same in every coding"))),
        (status = 304, description = "Not modified: `If-None-Match` holds this body's `ETag`; no body", headers(("ETag" = String, description = "The validator the client holds"))),
        (status = 403, description = "`origin_not_allowed`: a browser `Origin` that is not the merchant's", body = amigo_types::envelope::ErrorBody, content_type = "application/json"),
        (status = 404, description = "`list_not_found`", body = amigo_types::envelope::ErrorBody, content_type = "application/json"),
        (status = 422, description = "`invalid_type` / `invalid_limit`", body = amigo_types::envelope::ErrorBody, content_type = "application/json"),
        (status = 429, description = "`rate_limited` (with `Retry-After`): this client's reads that the cache cannot answer are over `AMIGO_CATALOG_RATE_PER_IP` this minute; or Amigo's, passed through when nothing is cached", body = amigo_types::envelope::ErrorBody, content_type = "application/json"),
        (status = 502, description = "Amigo failed and nothing is cached", body = amigo_types::envelope::ErrorBody, content_type = "application/json"),
        (status = 503, description = "`upstream_unavailable`: the circuit breaker is open and nothing is cached", body = amigo_types::envelope::ErrorBody, content_type = "application/json"),
        (status = 504, description = "Amigo timed out and nothing is cached", body = amigo_types::envelope::ErrorBody, content_type = "application/json"),
    )
)]
pub(crate) async fn curation(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    prefs: ReadPreferences,
    raw: Pairs,
) -> ProxyResult<Response> {
    let canonical = CurationQuery::parse(&pairs(raw)?)?.to_query_string();
    let rule = state.config().price_rule;
    forward_for(&state, ip, prefs, "/commerce/curation/", canonical, rule).await
}

/// Serves `path?query` from the cache or upstream, in the coding the client prefers (kept
/// with the cache entry, so each body is compressed once, not per request), or `304` when the
/// client's `If-None-Match` holds the entry's `ETag`. Answers from a fresh entry are marked
/// [`ReadyBody`] so the outermost layer can replay them.
pub(super) async fn forward(
    state: &AppState,
    prefs: ReadPreferences,
    path: &'static str,
    query: String,
    rule: PriceRule,
) -> ProxyResult<Response> {
    let answer = cached(state, path, query, rule).await?;
    Ok(cached_response(&prefs, answer))
}

/// `path?query` from the catalog cache, fetched from Amigo when it is not fresh.
pub(crate) async fn cached(
    state: &AppState,
    path: &'static str,
    query: String,
    rule: PriceRule,
) -> ProxyResult<crate::cache::CacheAnswer> {
    state.cache().read(state.amigo(), path, query, rule).await
}

/// The answer for a cached body: `304` when the client holds its `ETag`, else the body in the
/// client's coding, with the cache's headers.
pub(super) fn cached_response(
    prefs: &ReadPreferences,
    answer: crate::cache::CacheAnswer,
) -> Response {
    let cache_control = match answer.status {
        CacheStatus::Hit | CacheStatus::Miss => {
            format!("public, max-age={}", answer.entry.remaining_secs())
        }
        CacheStatus::Stale | CacheStatus::Bypass => "no-store".to_owned(),
    };
    let mut resp = encoded_response(
        prefs,
        &answer.entry.body,
        "application/json",
        &cache_control,
    );
    resp.headers_mut()
        .insert("x-cache", HeaderValue::from_static(answer.status.as_str()));
    if matches!(answer.status, CacheStatus::Hit | CacheStatus::Miss) {
        resp.extensions_mut().insert(ReadyBody(answer.entry));
    }
    resp
}

/// A body kept with its compressed forms and validator ([`crate::encoding::Encoded`]): `304`
/// when the client's `If-None-Match` holds its `ETag`, else the body in the client's coding,
/// marked so the compression layer leaves it alone (the catalog reads and the first view).
pub(super) fn encoded_response(
    prefs: &ReadPreferences,
    body: &crate::encoding::Encoded,
    content_type: &'static str,
    cache_control: &str,
) -> Response {
    let mut resp = if prefs.not_modified(body) {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        let (coding, bytes) = body.pick(prefs.coding);
        let mut resp = (StatusCode::OK, bytes).into_response();
        let h = resp.headers_mut();
        h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
        if let Some(v) = coding.header_value() {
            h.insert(header::CONTENT_ENCODING, v);
        }
        resp
    };
    let h = resp.headers_mut();
    h.insert(header::ETAG, body.etag().clone());
    h.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    if let Ok(v) = HeaderValue::from_str(cache_control) {
        h.insert(header::CACHE_CONTROL, v);
    }
    resp.extensions_mut().insert(Precoded);
    resp
}

/// [`forward`] for a client's catalog read: one the cache cannot answer counts against the
/// client's catalog limit first, because it would spend the merchant's Amigo rate limit, which
/// orders and data purchases share.
async fn forward_for(
    state: &AppState,
    ip: std::net::IpAddr,
    prefs: ReadPreferences,
    path: &'static str,
    query: String,
    rule: PriceRule,
) -> ProxyResult<Response> {
    if !state.cache().is_fresh(&format!("{path}?{query}")) {
        state.limits().catalog_from_ip(ip)?;
    }
    forward(state, prefs, path, query, rule).await
}

/// One product's two prices: what the merchant's wallet pays Amigo, and what the shopper was
/// shown (the same when there is no markup).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ProductPrices {
    /// Amigo's price, from the upstream bytes kept with the cache entry.
    pub(crate) cost: i64,
    /// The retail price, from the body the shopper's catalog reads are served.
    pub(crate) retail: i64,
    /// The product's name (empty when the upstream gave none), for a checkout's lines.
    pub(crate) name: String,
}

/// Looks up one product (through the cache, the same entry the shopper's `?id=` read uses)
/// for the spend guard and the order record: `Ok(None)` when it does not exist.
pub(crate) async fn product_prices(
    state: &AppState,
    id: u64,
) -> ProxyResult<Option<ProductPrices>> {
    let query = format!("id={id}");
    let key = format!("/commerce/products/?{query}");
    let amigo = state.amigo().clone();
    let answer = state
        .cache()
        .get_or_fetch_priced(&key, state.config().price_rule, move || async move {
            amigo.get("/commerce/products/", &query).await
        })
        .await;
    match answer {
        Ok(a) => Ok(Some(ProductPrices {
            cost: retail::product_price(&a.entry.upstream)?,
            retail: retail::product_price(a.entry.body.identity())?,
            name: retail::product_name(&a.entry.upstream),
        })),
        Err(ProxyError::Passthrough { status, .. }) if status == StatusCode::NOT_FOUND => Ok(None),
        Err(e) => Err(e),
    }
}
