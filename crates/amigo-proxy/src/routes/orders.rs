//! `POST /api/orders`: refuse at once while unpaid orders are off (`crate::unpaid_orders`),
//! validate here with the shared rules, apply the spend guard and the rate limits, record the
//! browser's `Idempotency-Key` with a hash of the order in the database, reserve the order's
//! total in the day's budget when there is one, then forward to Amigo with that key so retries
//! are safe end to end, and remember the order for the shopper's tracking view. The record is what makes several instances on one
//! database act as one: the same key sent to two of them at once places one order.

use std::time::Duration;

use amigo_types::DataEnvelope;
use amigo_types::envelope::{ApiError, parse_json_body};
use amigo_types::idempotency::IdempotencyKey;
use amigo_types::orders::{CreateOrderRequest, Order};
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use sha2::{Digest, Sha256};

use crate::error::{ProxyError, ProxyResult};
use crate::middleware::ClientIp;
use crate::routes::catalog::product_prices;
use crate::state::AppState;
use crate::store::{KeyClaim, RetailSale};
use crate::unpaid_orders;
use crate::upstream::{UpstreamResponse, classify_failure};

/// Places an order.
#[utoipa::path(
    post,
    path = "/api/orders",
    tag = "orders",
    params(
        ("Idempotency-Key" = String, Header, description = "Required; ≤ 80 visible ASCII characters; reuse it to retry the same order"),
    ),
    request_body(content = amigo_types::orders::CreateOrderRequest, content_type = "application/json", description = "The Amigo order body: `customer`, `delivery` (address, optional location and tier), `items`. The schema states what a valid body is; each rule it cannot express (a real phone number, a known location) is refused with `422 invalid_<field>`.", example = json!({
        "customer": {"name": "Aisha Bello", "phone": "08012345678", "email": "aisha@example.com"},
        "delivery": {"address": "Plot 12, Sabon Gari, off PZ Road", "state_code": "KD", "lga_name": "Zaria", "tier": "standard", "notes": "Call on arrival"},
        "items": [{"product_id": 42, "quantity": 1}, {"product_id": 7, "quantity": 2}]
    })),
    responses(
        (status = 201, description = "Amigo's 201 body (also for a retry with the same key and body), its items, subtotal and total at the retail prices the catalog showed (`AMIGO_PRICE_MARKUP`; the delivery fee at cost)", body = amigo_types::DataEnvelope<amigo_types::orders::Order>, content_type = "application/json"),
        (status = 200, description = "The same body, when Amigo answers a replayed key with 200", body = amigo_types::DataEnvelope<amigo_types::orders::Order>, content_type = "application/json"),
        (status = 403, description = "`orders_disabled`: this store takes no unpaid orders on its live token (the merchant has not set both `AMIGO_ALLOW_UNPAID_ORDERS` and `AMIGO_ORDER_DAILY_LIMIT`); refused before any upstream call, not retryable. Or `origin_not_allowed`", body = amigo_types::envelope::ErrorBody, content_type = "application/json"),
        (status = 404, description = "`not_found` naming the line (`field: items[i].product_id`, `product_ids`): a product the catalog does not have, refused before any spending call", body = amigo_types::envelope::ErrorBody, content_type = "application/json"),
        (status = 413, description = "`payload_too_large` (over 64 KiB)", body = amigo_types::envelope::ErrorBody, content_type = "application/json"),
        (status = 422, description = "`invalid_<field>` with `field`, `invalid_idempotency_key`, `idempotency_key_expired` (a key first used over 24 h ago whose outcome the proxy never learnt, past Amigo's idempotency window: no upstream call; use a new key), `order_total_exceeds_limit`, `order_daily_limit_reached` (`AMIGO_ORDER_DAILY_LIMIT` has no room today: `required` is the order's total, `balance` the room left; no upstream call), or Amigo's `insufficient_balance` / `out_of_stock` / `unserviceable_delivery` / `idempotency_key_reused`", body = amigo_types::envelope::ErrorBody, content_type = "application/json"),
        (status = 428, description = "`idempotency_key_required`", body = amigo_types::envelope::ErrorBody, content_type = "application/json"),
        (status = 429, description = "`rate_limited`, with `Retry-After` and `retry_after`", body = amigo_types::envelope::ErrorBody, content_type = "application/json"),
        (status = 500, description = "`server_error`: the proxy's database failed; retry with the same key", body = amigo_types::envelope::ErrorBody, content_type = "application/json"),
        (status = 502, description = "`upstream_error` (`retryable: true`): retry with the same key", body = amigo_types::envelope::ErrorBody, content_type = "application/json"),
        (status = 503, description = "`upstream_unavailable` (`retryable: true`, `Retry-After`): the circuit breaker is open; retry with the same key later", body = amigo_types::envelope::ErrorBody, content_type = "application/json"),
        (status = 504, description = "`upstream_timeout` (`retryable: true`): retry with the same key", body = amigo_types::envelope::ErrorBody, content_type = "application/json"),
    )
)]
pub(crate) async fn create(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    body: Bytes,
) -> ProxyResult<Response> {
    unpaid_orders::admit(state.unpaid_orders())?;
    state.limits().order_from_ip(ip)?;
    let key = idempotency_key(&headers)?;
    let request: CreateOrderRequest = parse_json_body(&body)?;
    let valid = request.validate()?;
    limit_phone(&state, &state.store().phone_hash(&valid.phone)).await?;
    let (total, sale) = spend_guard(&state, &request).await?;

    let payload = serde_json::to_vec(&request)
        .map_err(|e| ProxyError::Internal(format!("serialising the order: {e}")))?;
    let body_hash = hex::encode(Sha256::digest(&payload));
    refuse_expired_key(&state, key.as_str()).await?;
    let owner = match claim(&state, &key, &body_hash).await? {
        Claimed::Replay(status, body) => {
            // The answer was stored before the order was (two writes): a crash between them
            // leaves only the answer, so a replay records the order too (a no-op when it is
            // there already).
            let body = Bytes::from(body);
            remember(&state, &body, &sale).await;
            return Ok(created(status, shopper_body(&state, &sale, body)));
        }
        Claimed::Owner => true,
        Claimed::Unsettled => false,
    };
    let hold = match unpaid_orders::hold(
        state.store(),
        state.unpaid_orders(),
        key.as_str(),
        &body_hash,
        total,
    )
    .await
    {
        Ok(hold) => hold,
        Err(refused) => {
            if owner && let Err(e) = state.store().release_order_key(key.as_str()).await {
                tracing::error!(error = %e, "could not release an idempotency key");
            }
            return Err(refused);
        }
    };
    let resp = match forward(&state, payload, &key).await {
        Ok(resp) if matches!(resp.status, StatusCode::OK | StatusCode::CREATED) => {
            hold.placed().await;
            resp
        }
        failed => {
            hold.failed(&failed).await;
            if owner {
                // Let a retry place it again; the upstream saw the same key and decides.
                if let Err(e) = state.store().release_order_key(key.as_str()).await {
                    tracing::error!(error = %e, "could not release an idempotency key");
                }
            }
            return Err(failed.map_or_else(|e| e, classify_failure));
        }
    };
    let text = String::from_utf8_lossy(&resp.body);
    if let Err(e) = state
        .store()
        .finish_order_key(key.as_str(), resp.status.as_u16(), &text)
        .await
    {
        // The order exists upstream; a retry is forwarded with the same key and replayed there.
        tracing::error!(error = %e, "could not store an order's answer for replays");
    }
    remember(&state, &resp.body, &sale).await;
    Ok(created(resp.status, shopper_body(&state, &sale, resp.body)))
}

/// Refuses a key first used more than 24 h ago whose outcome the proxy never learnt (an unpaid
/// order's budget reservation, or a claim without an answer). Amigo forgets keys after its
/// documented 24 h, so re-sending it would place a new order while the proxy counted it as a
/// retry of the old day's. The order list can be searched by reference, but an order whose
/// answer never came has no reference the proxy knows, so the shopper starts anew instead.
async fn refuse_expired_key(state: &AppState, key: &str) -> ProxyResult<()> {
    let ttl = super::data::UPSTREAM_KEY_TTL;
    let store = state.store();
    if store
        .budget_key_older_than(crate::store::Budget::UnpaidOrders, key, ttl)
        .await?
        || store.order_key_unanswered_older_than(key, ttl).await?
    {
        return Err(ApiError::invalid(
            "idempotency_key_expired",
            "Idempotency-Key",
            "This Idempotency-Key was first used more than 24 hours ago; use a new key for a new order.",
        )
        .into());
    }
    Ok(())
}

/// Amigo's order body at the prices the shopper was shown (Amigo's are the wallet's).
fn shopper_body(state: &AppState, sale: &RetailSale, body: Bytes) -> Bytes {
    crate::retail::order_body(&state.config().price_rule, sale, body)
}

/// Amigo's success answer as the browser gets it (first time or replayed).
fn created(status: StatusCode, body: Bytes) -> Response {
    let mut out = (status, body).into_response();
    out.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    out.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    out
}

/// The per-phone order limit (shared by every instance on PostgreSQL).
pub(crate) async fn limit_phone(state: &AppState, phone_hash: &str) -> ProxyResult<()> {
    crate::limits::per_phone(
        state.store(),
        &format!("orders/phone/{phone_hash}"),
        state.config().rates.orders_per_phone,
        Duration::from_secs(60),
        || state.limits().order_for_phone(phone_hash),
    )
    .await
}

/// What the key's record says this request should do.
enum Claimed {
    /// Place the order; this request owns the key.
    Owner,
    /// Answer with the stored success.
    Replay(StatusCode, String),
    /// The owner never settled the key in time (still slow, or it crashed): forward anyway,
    /// with the same key, so the upstream's own idempotency returns the one order.
    Unsettled,
}

/// Records `key` before the upstream call; when another request (on any instance) holds it,
/// waits for that request's answer as long as it may take (every attempt timing out, and the
/// longest backoffs between them).
async fn claim(state: &AppState, key: &IdempotencyKey, body_hash: &str) -> ProxyResult<Claimed> {
    let deadline = tokio::time::Instant::now() + state.config().upstream_patience();
    let mut found = state
        .store()
        .claim_order_key(key.as_str(), body_hash)
        .await?;
    loop {
        match found {
            KeyClaim::Owner => return Ok(Claimed::Owner),
            KeyClaim::Replay { status, body } => {
                let status = StatusCode::from_u16(status).unwrap_or(StatusCode::CREATED);
                return Ok(Claimed::Replay(status, body));
            }
            KeyClaim::Reused => {
                return Err(ApiError::invalid(
                    "idempotency_key_reused",
                    "Idempotency-Key",
                    "This Idempotency-Key was already used for a different order; use a new key for a new order.",
                )
                .into());
            }
            KeyClaim::InFlight if tokio::time::Instant::now() >= deadline => {
                tracing::warn!("an order with this idempotency key never settled; forwarding it");
                return Ok(Claimed::Unsettled);
            }
            KeyClaim::InFlight => {
                tokio::time::sleep(Duration::from_millis(25)).await;
                // Poll with a read; claim again only if the holder released the key.
                found = match state.store().order_key(key.as_str(), body_hash).await? {
                    Some(now) => now,
                    None => {
                        state
                            .store()
                            .claim_order_key(key.as_str(), body_hash)
                            .await?
                    }
                };
            }
        }
    }
}

/// The request's `Idempotency-Key`: required (`428`) and checked (`422 invalid_idempotency_key`).
pub(crate) fn idempotency_key(headers: &HeaderMap) -> ProxyResult<IdempotencyKey> {
    match headers.get("idempotency-key") {
        None => Err(ProxyError::IdempotencyKeyRequired),
        Some(v) => Ok(IdempotencyKey::parse(v.to_str().map_err(|_| {
            ApiError::invalid(
                "invalid_idempotency_key",
                "Idempotency-Key",
                "Idempotency-Key may contain only visible ASCII characters",
            )
        })?)?),
    }
}

/// One order line as the spend guard priced it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PricedLine {
    /// Product id.
    pub(crate) product_id: u64,
    /// The product's name.
    pub(crate) name: String,
    /// Units.
    pub(crate) quantity: u32,
    /// The retail unit price the shopper was shown.
    pub(crate) retail: i64,
}

/// Items at Amigo's prices (what the wallet pays, not the retail prices the shopper sees) must
/// not exceed `AMIGO_MAX_ORDER_TOTAL`; unknown products are refused here, before any spending
/// call. Returns that total (what the daily budget for unpaid orders holds) and what the shopper
/// is paying for each product (the catalog's retail prices, read from the same cache entries),
/// to record with the order.
pub(crate) async fn spend_guard(
    state: &AppState,
    request: &CreateOrderRequest,
) -> ProxyResult<(i64, RetailSale)> {
    let (total, lines) = spend_guard_lines(state, request).await?;
    Ok((
        total,
        RetailSale::new(lines.into_iter().map(|l| (l.product_id, l.retail))),
    ))
}

/// [`spend_guard`], line by line (a checkout shows each line at its retail price).
pub(crate) async fn spend_guard_lines(
    state: &AppState,
    request: &CreateOrderRequest,
) -> ProxyResult<(i64, Vec<PricedLine>)> {
    // One line at a time, stopping at the first unknown product: an order naming fifty ids that
    // do not exist costs the merchant's Amigo rate limit one lookup, not fifty.
    let mut total: i64 = 0;
    let mut lines = Vec::with_capacity(request.items.len());
    for (i, item) in request.items.iter().enumerate() {
        let Some(price) = product_prices(state, item.product_id).await? else {
            return Err(ProxyError::UnknownProduct {
                index: i,
                product_id: item.product_id,
            });
        };
        total = total.saturating_add(price.cost.saturating_mul(i64::from(item.quantity)));
        lines.push(PricedLine {
            product_id: item.product_id,
            name: price.name,
            quantity: item.quantity,
            retail: price.retail,
        });
    }
    let limit = state.config().max_order_total;
    if total > limit {
        return Err(ProxyError::OrderTotalExceedsLimit { total, limit });
    }
    Ok((total, lines))
}

/// Sends the order upstream. A transport failure, timeout or 5xx is retried (bounded, with
/// backoff and jitter) with the same key, so Amigo creates it at most once.
pub(crate) async fn forward(
    state: &AppState,
    payload: Vec<u8>,
    key: &IdempotencyKey,
) -> ProxyResult<UpstreamResponse> {
    state
        .amigo()
        .post_idempotent("/commerce/orders/", payload, key)
        .await
}

/// Stores the created order for tracking. A failure here is logged, not returned: the order
/// exists upstream, and its `order.created` webhook records it again (then shown to the shopper
/// at the price rule applied to Amigo's prices).
pub(crate) async fn remember(state: &AppState, body: &[u8], sale: &RetailSale) {
    let order = match serde_json::from_slice::<DataEnvelope<Order>>(body) {
        Ok(env) => env.data,
        Err(e) => {
            tracing::error!(error = %e, "could not read Amigo's order body");
            return;
        }
    };
    let at = order
        .paid_at
        .clone()
        .unwrap_or_else(|| order.created_at.clone());
    match state
        .store()
        .record_sale(&order, &at, Some(sale.clone()))
        .await
    {
        // its event streams hear of it from the store's order feed
        Ok(true) => tracing::info!(reference = %order.reference, "order placed"),
        Ok(false) => tracing::info!(reference = %order.reference, "order replayed"),
        Err(e) => tracing::error!(error = %e, "could not store the order"),
    }
}
