//! `GET/POST /api/commerce/orders/`: HTTP in and out only; the rules live in `crate::orders`
//! and `crate::idempotency`.

use amigo_types::DataEnvelope;
use amigo_types::envelope::{ApiError, ListEnvelope};
use amigo_types::idempotency::IdempotencyKey;
use amigo_types::orders::OrderListQuery;
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::error::SandboxError;
use crate::extract::{Caller, Pairs, json_body};
use crate::idempotency::{Claimed, Fingerprint, StoredResponse, is_replayable};
use crate::merchants::Merchant;
use crate::orders::{OrderDesk, order_not_found, place_order};
use crate::state::AppState;

/// The path idempotency fingerprints name, whichever slash variant was called.
const ORDERS_PATH: &str = "/api/commerce/orders/";

/// One order (`?ref=` or `?id=`) or the caller's filtered list, newest first.
pub(crate) async fn get(
    State(state): State<AppState>,
    caller: Caller,
    Pairs(q): Pairs,
) -> Result<Response, SandboxError> {
    let merchant = state.merchants.get(&caller.token);
    if let Some(reference) = q.non_empty("ref") {
        let reference = reference.trim();
        let order = merchant
            .orders
            .by_reference(reference)
            .ok_or_else(|| order_not_found(reference))?;
        return Ok(axum::Json(DataEnvelope::new(order)).into_response());
    }
    if let Some(id) = q.bounded_u64("id", 1, u64::MAX)? {
        let order = merchant
            .orders
            .by_id(id)
            .ok_or_else(|| order_not_found(&id.to_string()))?;
        return Ok(axum::Json(DataEnvelope::new(order)).into_response());
    }
    let query = OrderListQuery::parse(&q)?;
    let (data, pagination) = merchant.orders.list(&query);
    Ok(axum::Json(ListEnvelope {
        success: true,
        data,
        pagination,
    })
    .into_response())
}

/// Creates an order, honouring `Idempotency-Key`.
pub(crate) async fn post(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let merchant = state.merchants.get(&caller.token);
    idempotent(&state, &merchant, &headers, ORDERS_PATH, &body, || {
        let desk = OrderDesk {
            catalog: &state.catalog,
            locations: &state.locations,
            schemes: &state.schemes,
            merchants: &state.merchants,
            clock: &state.clock,
        };
        place_order(desk, &merchant, json_body(&body)?).map(DataEnvelope::new)
    })
    .await
}

/// Runs a state-changing POST under the platform's `Idempotency-Key` rules, shared by orders,
/// data purchases and webhook registrations (one key store per merchant, so a key used on one
/// is reused on the other); `run` gives the `201` envelope (with its note, if any): a
/// bad key is `422 invalid_idempotency_key`; no key runs `run` once; a new key claims the key,
/// runs `run` and stores its outcome when [`is_replayable`]; a used key replays the stored bytes
/// (or is `idempotency_key_reused` for another body, depending on the sandbox's mode).
pub(crate) async fn idempotent<T: serde::Serialize>(
    state: &AppState,
    merchant: &Merchant,
    headers: &HeaderMap,
    path: &str,
    body: &Bytes,
    run: impl FnOnce() -> Result<DataEnvelope<T>, SandboxError>,
) -> Response {
    let key = match idempotency_key(headers) {
        Ok(k) => k,
        Err(e) => return e.into_response(),
    };
    let Some(key) = key else {
        return send(&render(&run()), false);
    };
    let fingerprint = Fingerprint::of("POST", path, body);
    match merchant
        .idempotency
        .claim(key.as_str(), fingerprint, || state.clock.unix())
        .await
    {
        Claimed::Replay(stored) => send(&stored, true),
        Claimed::Reused => SandboxError::IdempotencyKeyReused.into_response(),
        Claimed::Execute(claim) => {
            // Synchronous from here to `finish`: a dropped connection can't split the debit
            // from the stored outcome.
            let outcome = run();
            let response = render(&outcome);
            let keep = match &outcome {
                Ok(_) => true,
                Err(e) => is_replayable(e),
            };
            claim.finish(keep.then(|| response.clone()), state.clock.unix());
            send(&response, false)
        }
    }
}

/// The `Idempotency-Key` header, if sent; a bad one is `422 invalid_idempotency_key`.
fn idempotency_key(headers: &HeaderMap) -> Result<Option<IdempotencyKey>, SandboxError> {
    let Some(raw) = headers.get("idempotency-key") else {
        return Ok(None);
    };
    let text = raw.to_str().map_err(|_| {
        SandboxError::Invalid(ApiError::invalid(
            "invalid_idempotency_key",
            "Idempotency-Key",
            "Idempotency-Key may contain only visible ASCII characters",
        ))
    })?;
    Ok(Some(IdempotencyKey::parse(text)?))
}

/// The exact status and bytes of an outcome, as sent and as stored for replay.
fn render<T: serde::Serialize>(outcome: &Result<DataEnvelope<T>, SandboxError>) -> StoredResponse {
    let (status, bytes) = match outcome {
        Ok(created) => (StatusCode::CREATED, serde_json::to_vec(created)),
        Err(e) => {
            if let SandboxError::Internal(cause) = e {
                tracing::error!(%cause, "internal error");
            }
            let (status, body) = e.to_parts();
            (status, serde_json::to_vec(&body))
        }
    };
    match bytes {
        Ok(b) => StoredResponse {
            status: status.as_u16(),
            body: Bytes::from(b),
        },
        Err(e) => StoredResponse {
            status: 500,
            body: Bytes::from(format!(
                r#"{{"success":false,"error":"server_error","message":"response did not serialise: {}"}}"#,
                e.to_string().replace('"', "'")
            )),
        },
    }
}

/// Sends stored bytes; replays carry `Idempotent-Replayed: true`, as Stripe's do.
fn send(stored: &StoredResponse, replayed: bool) -> Response {
    let mut resp = Response::new(Body::from(stored.body.clone()));
    *resp.status_mut() =
        StatusCode::from_u16(stored.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    if replayed {
        resp.headers_mut()
            .insert("idempotent-replayed", HeaderValue::from_static("true"));
    }
    resp
}
