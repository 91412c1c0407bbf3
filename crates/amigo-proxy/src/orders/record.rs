//! Sending an order to Amigo under its Idempotency-Key, and the stored record of what came
//! back: the order as Amigo created it, with what the shopper was shown for it, which the
//! tracking page and the console read. Both unpaid orders and paid checkouts use these.

use amigo_types::DataEnvelope;
use amigo_types::idempotency::IdempotencyKey;
use amigo_types::orders::Order;

use crate::error::ProxyResult;
use crate::state::AppState;
use crate::store::RetailSale;
use crate::upstream::UpstreamResponse;

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

/// Stores the order Amigo's success answer `body` describes, for tracking, with `sale` (what
/// the shopper was shown), and returns it; `None` when the body is not a readable order. A
/// failure to store is logged, not returned: the order exists upstream, and its
/// `order.created` webhook records it again (then shown to the shopper at the price rule
/// applied to Amigo's prices).
pub(crate) async fn remember(state: &AppState, body: &[u8], sale: &RetailSale) -> Option<Order> {
    let order = match serde_json::from_slice::<DataEnvelope<Order>>(body) {
        Ok(env) => env.data,
        Err(e) => {
            tracing::error!(error = %e, "could not read Amigo's order body");
            return None;
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
    Some(order)
}

/// Stores Amigo's success answer for an order placed under `key` (`status`, `body`, for
/// replays) together with the order it describes and `sale`: one write, one commit. A body
/// that is not a readable order still has its answer kept. Failures are logged, not returned:
/// the order exists upstream; a retry is forwarded with the same key and replayed there, and
/// its webhook records the order.
pub(crate) async fn placed(
    state: &AppState,
    key: &IdempotencyKey,
    resp: &UpstreamResponse,
    sale: &RetailSale,
) {
    let text = String::from_utf8_lossy(&resp.body);
    let status = resp.status.as_u16();
    let order = match serde_json::from_slice::<DataEnvelope<Order>>(&resp.body) {
        Ok(env) => env.data,
        Err(e) => {
            tracing::error!(error = %e, "could not read Amigo's order body");
            if let Err(e) = state
                .store()
                .finish_order_key(key.as_str(), status, &text)
                .await
            {
                tracing::error!(error = %e, "could not store an order's answer for replays");
            }
            return;
        }
    };
    let at = order
        .paid_at
        .clone()
        .unwrap_or_else(|| order.created_at.clone());
    match state
        .store()
        .record_placed(key.as_str(), status, &text, &order, &at, sale.clone())
        .await
    {
        // its event streams hear of it from the store's order feed
        Ok(true) => tracing::info!(reference = %order.reference, "order placed"),
        Ok(false) => tracing::info!(reference = %order.reference, "order replayed"),
        Err(e) => tracing::error!(error = %e, "could not store the order and its answer"),
    }
}
