//! `POST /api/orders`: validate here with the shared rules, apply the spend guard and the rate
//! limits, then forward to Amigo with the browser's `Idempotency-Key` so retries are safe end
//! to end, and remember the order for the shopper's tracking view.

use std::time::Duration;

use amigo_types::DataEnvelope;
use amigo_types::envelope::{ApiError, parse_json_body};
use amigo_types::idempotency::IdempotencyKey;
use amigo_types::orders::{CreateOrderRequest, Order};
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;

use crate::error::{ProxyError, ProxyResult};
use crate::middleware::ClientIp;
use crate::routes::catalog::product_price;
use crate::state::AppState;
use crate::upstream::{UpstreamResponse, classify_failure};

/// Places an order.
#[utoipa::path(
    post,
    path = "/api/orders",
    tag = "orders",
    params(
        ("Idempotency-Key" = String, Header, description = "Required; ≤ 80 visible ASCII characters; reuse it to retry the same order"),
    ),
    request_body(content_type = "application/json", description = "The Amigo order body: `customer`, `delivery`, `items`"),
    responses(
        (status = 201, description = "Amigo's 201 body, unchanged", content_type = "application/json"),
        (status = 403, description = "`origin_not_allowed`", body = amigo_types::envelope::ErrorBody, content_type = "application/json"),
        (status = 413, description = "`payload_too_large` (over 64 KiB)", body = amigo_types::envelope::ErrorBody, content_type = "application/json"),
        (status = 422, description = "`invalid_<field>` with `field`, `invalid_idempotency_key`, `order_total_exceeds_limit`, or Amigo's `insufficient_balance` / `out_of_stock` / `unserviceable_delivery` / `idempotency_key_reused`", body = amigo_types::envelope::ErrorBody, content_type = "application/json"),
        (status = 428, description = "`idempotency_key_required`", body = amigo_types::envelope::ErrorBody, content_type = "application/json"),
        (status = 429, description = "`rate_limited`, with `Retry-After` and `retry_after`", body = amigo_types::envelope::ErrorBody, content_type = "application/json"),
        (status = 502, description = "`upstream_error` (`retryable: true`): retry with the same key", body = amigo_types::envelope::ErrorBody, content_type = "application/json"),
        (status = 504, description = "`upstream_timeout` (`retryable: true`): retry with the same key", body = amigo_types::envelope::ErrorBody, content_type = "application/json"),
    )
)]
pub(crate) async fn create(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    body: Bytes,
) -> ProxyResult<Response> {
    state.limits().order_from_ip(ip)?;
    let key = match headers.get("idempotency-key") {
        None => return Err(ProxyError::IdempotencyKeyRequired),
        Some(v) => IdempotencyKey::parse(v.to_str().map_err(|_| {
            ApiError::invalid(
                "invalid_idempotency_key",
                "Idempotency-Key",
                "Idempotency-Key may contain only visible ASCII characters",
            )
        })?)?,
    };
    let request: CreateOrderRequest = parse_json_body(&body)?;
    let valid = request.validate()?;
    state
        .limits()
        .order_for_phone(&state.store().phone_hash(&valid.phone))?;
    spend_guard(&state, &request).await?;

    let payload = serde_json::to_vec(&request)
        .map_err(|e| ProxyError::Internal(format!("serialising the order: {e}")))?;
    let resp = forward(&state, payload, &key).await?;
    if !matches!(resp.status, StatusCode::OK | StatusCode::CREATED) {
        return Err(classify_failure(resp));
    }
    remember(&state, &resp.body).await;
    let mut out = (resp.status, resp.body).into_response();
    out.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    out.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(out)
}

/// Items at catalog prices must not exceed `AMIGO_MAX_ORDER_TOTAL`; unknown products are
/// refused here, before any spending call.
async fn spend_guard(state: &AppState, request: &CreateOrderRequest) -> ProxyResult<()> {
    let prices = futures::future::try_join_all(
        request
            .items
            .iter()
            .map(|item| product_price(state, item.product_id)),
    )
    .await?;
    let mut total: i64 = 0;
    for (i, (item, price)) in request.items.iter().zip(prices).enumerate() {
        let Some(price) = price else {
            return Err(ProxyError::UnknownProduct {
                index: i,
                product_id: item.product_id,
            });
        };
        total = total.saturating_add(price.saturating_mul(i64::from(item.quantity)));
    }
    let limit = state.config().max_order_total;
    if total > limit {
        return Err(ProxyError::OrderTotalExceedsLimit { total, limit });
    }
    Ok(())
}

/// Sends the order upstream; a transport failure or 5xx is retried once, with the same key.
async fn forward(
    state: &AppState,
    payload: Vec<u8>,
    key: &IdempotencyKey,
) -> ProxyResult<UpstreamResponse> {
    let headers = [("Idempotency-Key", key.as_str())];
    let first = state
        .amigo()
        .post_json("/commerce/orders/", payload.clone(), &headers)
        .await;
    let retry = match &first {
        Err(ProxyError::Upstream(_)) => true,
        Ok(r) => r.status.is_server_error(),
        Err(_) => false,
    };
    if !retry {
        return first;
    }
    tracing::warn!("order call failed; retrying once with the same idempotency key");
    tokio::time::sleep(Duration::from_millis(250)).await;
    state
        .amigo()
        .post_json("/commerce/orders/", payload, &headers)
        .await
}

/// Stores the created order for tracking. A failure here is logged, not returned: the order
/// exists upstream, and its `order.created` webhook records it again.
async fn remember(state: &AppState, body: &[u8]) {
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
    match state.store().record_order(&order, &at).await {
        Ok(true) => {
            tracing::info!(reference = %order.reference, "order placed");
            if let Ok(Some((_, view))) = state.store().tracking(&order.reference).await {
                state.publish(view);
            }
        }
        Ok(false) => tracing::info!(reference = %order.reference, "order replayed"),
        Err(e) => tracing::error!(error = %e, "could not store the order"),
    }
}
