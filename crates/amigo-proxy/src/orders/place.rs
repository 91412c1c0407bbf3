//! Placing an order nobody has paid for (`AMIGO_PAYMENT=none`, `POST /api/orders`): validate
//! with the shared rules, apply the spend guard and the rate limits, claim the browser's
//! `Idempotency-Key` with a hash of the order in the database, reserve the order's total in
//! the day's budget when there is one, then forward to Amigo with that key so retries are safe
//! end to end, and remember the order for the shopper's tracking view. The key's record is what
//! makes several instances on one database act as one: the same key sent to two of them at
//! once places one order.

use std::net::IpAddr;

use amigo_types::envelope::ApiError;
use amigo_types::idempotency::IdempotencyKey;
use amigo_types::orders::CreateOrderRequest;
use axum::http::StatusCode;
use bytes::Bytes;
use sha2::{Digest, Sha256};

use super::keys::claim;
use super::{guard, record, unpaid};
use crate::error::{ProxyError, ProxyResult};
use crate::state::AppState;
use crate::store::{KeyClaim, RetailSale};
use crate::upstream::classify_failure;

/// Amigo's success answer, as the shopper gets it: its status (`201`, or `200` for a replay
/// Amigo answered so) and its body at the retail prices the shopper was shown.
#[derive(Debug)]
pub(crate) struct Placed {
    /// Amigo's status.
    pub(crate) status: StatusCode,
    /// Amigo's order body at the shopper's prices.
    pub(crate) body: Bytes,
}

/// The checks made before anything of the request is read: orders refused outright while
/// unpaid orders are off for this token, then the per-IP order rate.
pub(crate) fn admit(state: &AppState, ip: IpAddr) -> ProxyResult<()> {
    unpaid::admit(state.unpaid_orders())?;
    state.limits().order_from_ip(ip)?;
    Ok(())
}

/// Places `request` under `key` (after [`admit`]), or answers what an earlier use of the key
/// got. A new key meets the per-phone limit; a retry of a known one does not, as it spends
/// nothing new ([`admit`]'s per-IP rate, checked before the body is read, counts every request).
pub(crate) async fn place(
    state: &AppState,
    key: &IdempotencyKey,
    request: CreateOrderRequest,
) -> ProxyResult<Placed> {
    let valid = request.validate()?;
    let (total, sale) = guard::spend_guard(state, &request).await?;
    let payload = serde_json::to_vec(&request)
        .map_err(|e| ProxyError::Internal(format!("serialising the order: {e}")))?;
    let body_hash = hex::encode(Sha256::digest(&payload));

    let owner = match claim(state, key, &body_hash).await? {
        KeyClaim::Replay { status, body } => {
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::CREATED);
            // The answer was stored before the order was (two writes): a crash between them
            // leaves only the answer, so a replay records the order too (a no-op when it is
            // there already).
            let body = Bytes::from(body);
            record::remember(state, &body, &sale).await;
            return Ok(shopper_answer(state, &sale, status, body));
        }
        KeyClaim::Owner => true,
        // Never settled by its holder: forwarded with the same key, owned by no one here.
        KeyClaim::InFlight => false,
        // Amigo forgets keys after its documented 24 h; the order list can be searched by
        // reference, but an order whose answer never came has no reference the proxy knows,
        // so the shopper starts anew instead.
        KeyClaim::Expired => {
            return Err(ApiError::invalid(
                "idempotency_key_expired",
                "Idempotency-Key",
                "This Idempotency-Key was first used more than 24 hours ago; use a new key for a new order.",
            )
            .into());
        }
        KeyClaim::Reused => {
            return Err(ApiError::invalid(
                "idempotency_key_reused",
                "Idempotency-Key",
                "This Idempotency-Key was already used for a different order; use a new key for a new order.",
            )
            .into());
        }
    };
    if owner {
        // Only a new order meets the per-phone limit: a retry of a known key (the widget's after
        // a lost answer, a reload during the submit) was counted when it was new, as data
        // purchases are. Checked once the key is claimed, so a new order costs no extra read.
        if let Err(refused) =
            guard::limit_phone(state, &state.store().phone_hash(&valid.phone)).await
        {
            release(state, key).await;
            return Err(refused);
        }
    }
    let hold = match unpaid::hold(
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
            if owner {
                release(state, key).await;
            }
            return Err(refused);
        }
    };
    let resp = match record::forward(state, payload, key).await {
        Ok(resp) if matches!(resp.status, StatusCode::OK | StatusCode::CREATED) => {
            hold.placed().await;
            resp
        }
        failed => {
            hold.failed(&failed).await;
            if owner {
                // Let a retry place it again; the upstream saw the same key and decides.
                release(state, key).await;
            }
            return Err(failed.map_or_else(|e| e, classify_failure));
        }
    };
    record::placed(state, key, &resp, &sale).await;
    Ok(shopper_answer(state, &sale, resp.status, resp.body))
}

/// Frees `key` after its order was refused or failed, so a retry places it again.
async fn release(state: &AppState, key: &IdempotencyKey) {
    if let Err(e) = state.store().release_order_key(key.as_str()).await {
        tracing::error!(error = %e, "could not release an idempotency key");
    }
}

/// Amigo's order body at the prices the shopper was shown (Amigo's are the wallet's).
fn shopper_answer(state: &AppState, sale: &RetailSale, status: StatusCode, body: Bytes) -> Placed {
    Placed {
        status,
        body: crate::retail::order_body(&state.config().price_rule, sale, body),
    }
}
