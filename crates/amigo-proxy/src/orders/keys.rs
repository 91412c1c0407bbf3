//! The browser's `Idempotency-Key` for an order: parsed from its header, refused once it is
//! past Amigo's 24 h window, and claimed in the database before the upstream call, so the same
//! key sent twice (or to two instances at once) places one order and the retry gets the first
//! answer.

use std::time::Duration;

use amigo_types::envelope::ApiError;
use amigo_types::idempotency::IdempotencyKey;
use axum::http::HeaderMap;

use crate::error::{ProxyError, ProxyResult};
use crate::state::AppState;
use crate::store::KeyClaim;

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

/// Records `key` (with the hash of the order body it was sent with) before the upstream call; when
/// another request (on any instance) holds it, waits for that request's answer as long as it may
/// take (every attempt timing out, and the longest backoffs between them). `InFlight` comes back
/// only once that wait is over: the holder never settled the key (still slow, or it crashed), so
/// the caller forwards anyway with the same key and the upstream's own idempotency returns the
/// one order.
pub(super) async fn claim(
    state: &AppState,
    key: &IdempotencyKey,
    body_hash: &str,
) -> ProxyResult<KeyClaim> {
    let deadline = tokio::time::Instant::now() + state.config().upstream_patience();
    let mut found = state
        .store()
        .claim_order_key(key.as_str(), body_hash)
        .await?;
    loop {
        match found {
            KeyClaim::Owner | KeyClaim::Replay { .. } | KeyClaim::Reused | KeyClaim::Expired => {
                return Ok(found);
            }
            KeyClaim::InFlight if tokio::time::Instant::now() >= deadline => {
                tracing::warn!("an order with this idempotency key never settled; forwarding it");
                return Ok(found);
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
