//! `POST /api/orders`: extracts the client's IP, the `Idempotency-Key` and the order body, and
//! places the order through [`crate::orders`] (the domain: checks, key claims, the spend
//! guard, the budget, the upstream call and the stored record).

use amigo_types::envelope::parse_json_body;
use amigo_types::orders::CreateOrderRequest;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;

use crate::error::ProxyResult;
use crate::middleware::ClientIp;
use crate::orders;
use crate::state::AppState;

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
        (status = 429, description = "`rate_limited`, with `Retry-After` and `retry_after`: this client's order attempts over `AMIGO_ORDER_RATE_PER_IP` this minute, or a new order over `AMIGO_ORDER_RATE_PER_PHONE` for its phone (a retry under a known key is not a new order)", body = amigo_types::envelope::ErrorBody, content_type = "application/json"),
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
    // refused before anything of the request is read
    orders::admit(&state, ip)?;
    let key = orders::idempotency_key(&headers)?;
    let request: CreateOrderRequest = parse_json_body(&body)?;
    let placed = orders::place(&state, &key, request).await?;
    Ok(created(placed.status, placed.body))
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
